"""Fast tests of the confinement itself: a throwaway child confined as a kernel is, then asked.

Each test forks a child, confines it with :func:`autograder.sandbox.jail.run` exactly as the
warm-kernel server confines a kernel, runs a few lines there, and reads back what
they found; no kernel, no notebook, well under a second each. Each wall's pure parts
(what is mounted, what seccomp denies, when the keeper stops a kernel) are tested
beside their own module: ``test_mounts.py``, ``test_privileges.py``, ``test_keeper.py``.
"""

import errno
import json
import os
import socket
import sys

import pytest

from autograder.sandbox import jail, keeper, linux, mounts, privileges
from autograder.sandbox.limits import DEFAULT_LIMITS, Jail, Limits

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="confinement is Linux's")


def confined(tmp_path, probe, user_namespace=False, before=None, **jail_fields):
    """Run ``probe()`` (returning JSON-able data) in a confined child; return (its data, exit code, log).

    ``before()``, if given, runs in the keeper before it confines the child; the log is
    what the keeper wrote to its stderr (its notes, and the kernel's output it relayed).
    """
    work, root = tmp_path / "work", tmp_path / "root"
    work.mkdir(exist_ok=True)
    root.mkdir(exist_ok=True)
    if user_namespace:
        os.chmod(work, 0o777)
        os.chmod(root, 0o777)
    (work / "mine.txt").write_text("the kernel's own file")
    result = tmp_path / "result.json"
    read_end, write_end = os.pipe()
    config = Jail(workdir=str(work), **jail_fields)

    def kernel():
        try:
            payload = json.dumps(probe())
        except BaseException as error:  # noqa: BLE001 - reported, not raised, across the fork
            payload = json.dumps({"error": repr(error)})
        os.write(write_end, payload.encode())
        os._exit(0)

    log_path = tmp_path / "keeper.log"
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        os.setsid()
        keeper_log = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
        os.dup2(keeper_log, 2)
        os.close(keeper_log)
        if before is not None:
            before()
        uid = 1_499_999_000 if os.getuid() == 0 and not user_namespace else None
        if user_namespace and os.getuid() == 0:  # be the instructor's unprivileged account
            os.setgroups([])
            os.setresgid(1_499_999_500, 1_499_999_500, 1_499_999_500)
            os.setresuid(1_499_999_500, 1_499_999_500, 1_499_999_500)
        jail.run(config, uid, str(root), kernel, lambda text: os.write(2, text.encode() + b"\n"))
    os.close(write_end)
    data = b""
    while chunk := os.read(read_end, 65536):
        data += chunk
    _, status = os.waitpid(pid, 0)
    result.write_bytes(data)
    log = log_path.read_bytes().decode(errors="replace") if log_path.exists() else ""
    return (json.loads(data) if data else None), os.waitstatus_to_exitcode(status), log


def test_the_kernel_is_process_one_and_sees_no_other_process(tmp_path):
    found, code, _ = confined(tmp_path, lambda: {"pid": os.getpid(), "ppid": os.getppid(),
                                                  "procs": [p for p in os.listdir("/proc") if p.isdigit()]})
    assert code == 0
    assert found == {"pid": 1, "ppid": 0, "procs": ["1"]}


def test_it_sees_only_its_folder_the_system_python_and_the_course_code(tmp_path):
    from autograder.course import COURSE_CODE, REPO

    def look():
        return {"cwd": os.getcwd(), "files": sorted(os.listdir(".")), "tmp": os.listdir("/tmp"),
                "repo": sorted(os.listdir(str(REPO))), "solutions": os.path.exists(str(REPO / "solutions")),
                "host tmp": os.path.exists(str(tmp_path)), "numpy": __import__("numpy").ones(2).sum().item()}

    found, code, _ = confined(tmp_path, look, readable=(str(COURSE_CODE),))
    assert code == 0, found
    assert found["files"] == ["mine.txt"] and found["cwd"] == mounts.work_mount(Jail(readable=(str(COURSE_CODE),)))
    assert found["repo"] == ["autograder", ".venv"] or found["repo"] == ["autograder"] or "solutions" not in found["repo"]
    # A readable path under /tmp (a checkout cloned there) is bound at its own path, so the
    # kernel's private /tmp holds the folders that lead to it, and nothing else.
    leading = {os.path.relpath(path, "/tmp").split(os.sep)[0] for path in mounts.readable_paths(
        Jail(readable=(str(COURSE_CODE),))) if path.startswith("/tmp/")}
    assert not found["solutions"] and not found["host tmp"] and sorted(found["tmp"]) == sorted(leading)
    assert found["numpy"] == 2.0


def test_only_its_own_folder_is_writable(tmp_path):
    def write():
        outcomes = {}
        for path in ("new.txt", "/usr/x", "/etc/x", "/x", sys.prefix + "/x"):
            try:
                with open(path, "w") as file:
                    file.write("x")
                outcomes[path] = "written"
            except OSError as error:
                outcomes[path] = errno.errorcode[error.errno]
        return outcomes

    found, code, _ = confined(tmp_path, write)
    assert code == 0
    assert found.pop("new.txt") == "written"
    assert not (tmp_path / "work" / "new.txt").exists(), "its folder is a tmpfs of its own, not the host's"
    assert set(found.values()) <= {"EROFS", "EACCES"}, found


def test_no_network_not_even_the_hosts_loopback(tmp_path):
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]

    def connect():
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1)
            return "connected"
        except OSError as error:
            return errno.errorcode.get(error.errno, str(error))

    found, code, _ = confined(tmp_path, connect)
    server.close()
    assert code == 0 and found in ("ENETUNREACH", "ECONNREFUSED"), found


def test_no_privilege_remains(tmp_path):
    def status():
        with open("/proc/self/status") as file:
            fields = dict(line.split(":", 1) for line in file if ":" in line)
        return {name: fields[name].strip() for name in ("Uid", "CapEff", "CapPrm", "CapBnd", "CapAmb",
                                                          "NoNewPrivs", "Seccomp")}

    found, code, _ = confined(tmp_path, status)
    assert code == 0
    assert {found[name].strip("0") for name in ("CapEff", "CapPrm", "CapBnd", "CapAmb")} == {""}, found
    assert found["NoNewPrivs"] == "1" and found["Seccomp"] == "2"
    if os.getuid() == 0:
        assert found["Uid"].split()[0] != "0", "a root grader gives each kernel its own uid"


@pytest.mark.parametrize("call", ["unshare", "mount", "ptrace", "setns", "chroot", "clone-newuser", "bpf"])
def test_the_seccomp_filter_denies_what_a_notebook_never_needs(tmp_path, call):
    import ctypes

    import pyseccomp

    def attempt():
        libc = ctypes.CDLL(None, use_errno=True)
        number = lambda name: pyseccomp.resolve_syscall(pyseccomp.system_arch(), name)  # noqa: E731
        result = {"unshare": lambda: libc.unshare(linux.CLONE_NEWUSER),
                  "mount": lambda: libc.mount(b"none", b"/tmp", b"tmpfs", 0, None),
                  "ptrace": lambda: libc.ptrace(16, 1, None, None),
                  "setns": lambda: libc.setns(os.open("/proc/self/ns/net", os.O_RDONLY), 0),
                  "chroot": lambda: libc.chroot(b"/tmp"),
                  "clone-newuser": lambda: libc.syscall(number("clone"), linux.CLONE_NEWUSER | 17, 0, 0, 0, 0),
                  "bpf": lambda: libc.syscall(number("bpf"), 0, None, 0)}[call]()
        return [result, ctypes.get_errno()]

    found, code, _ = confined(tmp_path, attempt)
    assert code == 0 and found == [-1, errno.EPERM], found


def test_a_process_left_behind_ends_with_the_kernel(tmp_path):
    marker = f"bnweek-test-leftover-{os.getpid()}"

    def leave():
        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                os.execv(sys.executable, [sys.executable, "-c", "import time; time.sleep(60)", marker])
            os._exit(0)
        os.wait()
        return "left"

    found, code, _ = confined(tmp_path, leave)
    assert found == "left"
    import time

    time.sleep(0.3)
    commands = []
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as file:
                commands.append(file.read())
        except OSError:
            pass
    assert not [command for command in commands if marker.encode() in command]


def test_the_wall_clock_limit_kills_the_whole_tree(tmp_path):
    def spin():
        import time

        os.fork()
        time.sleep(30)

    _, code, _ = confined(tmp_path, spin, limits=Limits(wall_seconds=1))
    assert code == 128 + 9


def test_unconfined_kernels_keep_their_resource_limits(tmp_path):
    import resource

    found, code, _ = confined(tmp_path, lambda: resource.getrlimit(resource.RLIMIT_CPU), confined=False)
    assert code == 0 and found == [DEFAULT_LIMITS.cpu_seconds] * 2


def test_a_grader_that_is_not_root_confines_in_a_user_namespace(tmp_path):
    """The path an instructor's own account takes (here forced, even as root): a user namespace."""
    def look():
        with open("/proc/self/status") as file:
            fields = dict(line.split(":", 1) for line in file if ":" in line)
        return {"pid": os.getpid(), "files": os.listdir("."), "CapEff": fields["CapEff"].strip(),
                "Seccomp": fields["Seccomp"].strip(), "uid_map": open("/proc/self/uid_map").read().split(), "uid": os.getuid()}

    import shutil
    import tempfile

    import pyprctl  # noqa: F401 - loaded before the fork: the unprivileged account cannot read /root
    import pyseccomp  # noqa: F401

    base = tempfile.mkdtemp(prefix="bnweek-test-userns-")  # beside the account's reach, unlike pytest's
    os.chmod(base, 0o777)
    try:
        found, code, _ = confined(__import__("pathlib").Path(base), look, user_namespace=True)
    finally:
        shutil.rmtree(base, ignore_errors=True)
    assert code == 0, found
    assert found["pid"] == 1 and found["files"] == ["mine.txt"] and found["Seccomp"] == "2"
    assert found["CapEff"].strip("0") == "" and found["uid_map"] == [str(found["uid"])] * 2 + ["1"]


def test_a_virtual_environment_reached_through_a_link_is_seen_through_it(tmp_path, monkeypatch):
    """A kernel imports through ``sys.prefix`` as Python names it, even when that is a link."""
    link = tmp_path / "linked-venv"
    link.symlink_to(os.path.realpath(sys.prefix))
    monkeypatch.setattr(sys, "prefix", str(link))
    found, code, _ = confined(tmp_path, lambda: sorted(os.listdir(str(link)))[:3])
    assert code == 0 and found == sorted(os.listdir(os.path.realpath(sys.prefix)))[:3], found


@pytest.fixture(params=["own uid", "user namespace"])
def account(request, tmp_path):
    """Where a test's kernel is confined: as a root grader confines it, or as an instructor's account does."""
    if request.param == "own uid":
        yield tmp_path, {}
        return
    import shutil
    import tempfile

    import pyprctl  # noqa: F401 - loaded before the fork: the unprivileged account cannot read /root
    import pyseccomp  # noqa: F401

    base = tempfile.mkdtemp(prefix="bnweek-test-userns-")
    os.chmod(base, 0o777)
    yield __import__("pathlib").Path(base), {"user_namespace": True}
    shutil.rmtree(base, ignore_errors=True)


def _host_usage(folder):
    return sum(os.lstat(os.path.join(parent, name)).st_blocks * 512
               for parent, folders, files in os.walk(folder) for name in folders + files)


def test_writes_and_preallocation_stop_at_the_disk_limit(account):
    """Can a kernel fill the host: ``fallocate`` (KEEP_SIZE too) or plain writes, in every folder it may write?"""
    import ctypes

    size = 48 * 2**20  # below the file-size limit, which would answer EFBIG; past the disk limit

    def fill():
        libc = ctypes.CDLL(None, use_errno=True)
        libc.fallocate.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int64, ctypes.c_int64]
        outcomes = {}
        for folder in (".", "/tmp", "/dev/shm"):
            for mode in (0, 1):  # 1: FALLOC_FL_KEEP_SIZE, which RLIMIT_FSIZE does not see
                fd = os.open(f"{folder}/big-{mode}", os.O_WRONLY | os.O_CREAT, 0o600)
                outcomes[f"{folder} fallocate {mode}"] = (libc.fallocate(fd, mode, 0, size) == 0
                                                          or errno.errorcode[ctypes.get_errno()])
                os.close(fd)
                os.unlink(f"{folder}/big-{mode}")
            written = 0
            try:
                for index in range(64):
                    with open(f"{folder}/part-{index}", "wb") as file:
                        for _ in range(8):
                            written += file.write(b"x" * 2**20)
            except OSError as error:
                outcomes[f"{folder} write"] = [written, errno.errorcode[error.errno]]
        return outcomes

    tmp_path, how = account
    found, code, _ = confined(tmp_path, fill, limits=Limits(disk_bytes=16 * 2**20), **how)
    assert code == 0, found
    for folder in (".", "/tmp", "/dev/shm"):
        assert found[f"{folder} fallocate 0"] == found[f"{folder} fallocate 1"] == "ENOSPC", found
        assert found[f"{folder} write"][0] <= 17 * 2**20 and found[f"{folder} write"][1] == "ENOSPC", found
    assert _host_usage(tmp_path) < 2**20, "nothing it wrote is on the host"


def test_the_kernels_own_output_reaches_the_log_bounded(tmp_path):
    """Does a kernel printing 64 MiB to its stdout grow a host file past LOG_BYTES, or block?"""
    def shout():
        line = b"y" * 2**20
        for _ in range(64):
            os.write(1, line)
        os.write(2, b"done")
        return "printed"

    found, code, log = confined(tmp_path, shout)
    assert code == 0 and found == "printed"
    assert keeper.LOG_BYTES <= len(log) < keeper.LOG_BYTES + 4096
    assert "further output was dropped" in log


def test_tempfile_is_the_kernels_own_tmp_whatever_the_graders(tmp_path, monkeypatch):
    """With TMPDIR a host folder cached by an earlier import (TensorFlow's), does ``tempfile`` work inside?"""
    import tempfile

    host = tmp_path / "host-tmp"
    host.mkdir()
    monkeypatch.setenv("TMPDIR", str(host))
    monkeypatch.setattr(tempfile, "tempdir", str(host))

    def use():
        with tempfile.NamedTemporaryFile() as file:
            file.write(b"x")
            return [tempfile.gettempdir(), os.path.dirname(file.name), os.environ["TMPDIR"]]

    found, code, _ = confined(tmp_path, use)
    assert code == 0 and found == ["/tmp", "/tmp", "/tmp"], found
    assert os.listdir(host) == []


@pytest.mark.parametrize("family, protocol, allowed", [
    ("AF_UNIX", 0, True), ("AF_INET", 0, True), ("AF_INET6", 0, True), ("AF_NETLINK", 0, True),
    ("AF_NETLINK", 9, False), ("AF_VSOCK", 0, False), ("AF_PACKET", 0, False), ("AF_ALG", 0, False),
    ("AF_BLUETOOTH", 0, False), ("AF_CAN", 0, False), ("AF_RDS", 0, False), (43, 0, False),
])
def test_only_the_socket_families_a_notebook_needs_open(tmp_path, family, protocol, allowed):
    """AF_VSOCK and the like reach past the network namespace: the filter answers EAFNOSUPPORT."""
    number = getattr(socket, family, None) if isinstance(family, str) else family
    number = {"AF_VSOCK": 40, "AF_ALG": 38, "AF_PACKET": 17, "AF_CAN": 29, "AF_RDS": 21}.get(family, number)
    kind = socket.SOCK_RAW if family == "AF_NETLINK" else socket.SOCK_SEQPACKET if family == "AF_ALG" \
        else socket.SOCK_DGRAM if family in ("AF_PACKET", "AF_CAN") else socket.SOCK_STREAM

    def open_one():
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        fd = libc.socket(number, kind, protocol)
        pair = (ctypes.c_int * 2)()
        return [fd >= 0 or errno.errorcode.get(ctypes.get_errno()),
                libc.socketpair(number, socket.SOCK_STREAM, 0, pair) == 0 or errno.errorcode.get(ctypes.get_errno())]

    found, code, _ = confined(tmp_path, open_one)
    assert code == 0
    if allowed:
        assert found[0] is True, found
    elif family in privileges.SOCKET_FAMILIES:  # a family allowed for one protocol only: socketpair is the kernel's call
        assert found[0] == "EAFNOSUPPORT", found
    else:
        assert found == ["EAFNOSUPPORT", "EAFNOSUPPORT"], found


def test_a_vsock_listener_is_refused(tmp_path):
    """Can a kernel listen on the host's vsock port (the network namespace does not cover vsock)?"""
    def listen():
        try:
            server = socket.socket(40, socket.SOCK_STREAM)
            server.bind((0xFFFFFFFF, 5555))
            server.listen()
            return "listening"
        except OSError as error:
            return errno.errorcode.get(error.errno, str(error))

    found, code, _ = confined(tmp_path, listen)
    assert code == 0 and found == "EAFNOSUPPORT"


def _writable_mounts():
    """In the kernel: every mount point that is not read-only."""
    points = []
    with open("/proc/self/mountinfo") as file:
        for line in file:
            fields = line.split()
            if "rw" in fields[5].split(","):
                points.append(fields[4])
    return points


@pytest.mark.parametrize("walk", [False, True], ids=["mount_setattr", "mountinfo walk"])
def test_read_only_binds_stay_read_only_all_the_way_down(account, monkeypatch, walk):
    """Is a mount below a read-only bind (``/sys/fs/cgroup`` under ``/sys``; a tmpfs here) read-only too?"""
    import functools

    if walk:
        monkeypatch.setattr(mounts, "read_only_below", functools.partial(mounts.read_only_below, walk=True))
    tmp_path, how = account
    shared = tmp_path / "shared"
    (shared / "below").mkdir(parents=True)
    os.chmod(shared / "below", 0o777)

    def submount():  # in the keeper, in a mount namespace of the test's own: a writable mount below
        if os.getuid() != 0:
            return
        linux.unshare(linux.CLONE_NEWNS)
        linux.mount(None, "/", flags=linux.MS_REC | linux.MS_PRIVATE)
        linux.mount("tmpfs", str(shared / "below"), "tmpfs", 0, "size=1m,mode=0777")

    def write():
        outcomes = {}
        for path in (str(shared / "below" / "x"), "/sys/fs/cgroup/x", "/sys/kernel/x"):
            try:
                open(path, "w").close()
                outcomes[path] = "written"
            except OSError as error:
                outcomes[path] = errno.errorcode[error.errno]
        return {"writes": outcomes, "rw": _writable_mounts(), "cwd": os.getcwd()}

    found, code, log = confined(tmp_path, write, before=submount, readable=(str(shared),), **how)
    assert code == 0, (found, log)
    assert set(found["writes"].values()) <= {"EROFS", "ENOENT"}, found
    assert found["writes"][str(shared / "below" / "x")] == "EROFS"
    expected = {found["cwd"], "/tmp", "/dev/shm", "/proc"} | {f"/dev/{name}" for name in mounts.DEVICES}
    assert set(found["rw"]) <= expected, sorted(set(found["rw"]) - expected)


def test_a_delegated_cgroup_cannot_be_written_by_a_kernel_of_its_owner(tmp_path):
    """As a non-root grader whose account owns a cgroup: can its kernel freeze a process outside the sandbox?"""
    import subprocess
    import tempfile

    import pyprctl  # noqa: F401
    import pyseccomp  # noqa: F401

    freezer = "/sys/fs/cgroup/freezer"
    if os.getuid() != 0 or not os.path.exists(f"{freezer}/freezer.state") and not os.path.isdir(freezer):
        pytest.skip("needs root to delegate a cgroup v1 freezer to an unprivileged account")
    owner = 1_499_999_500
    group = os.path.join(freezer, f"bnweek-test-{os.getpid()}")
    os.mkdir(group)
    victim = subprocess.Popen(["sleep", "60"])
    base = tempfile.mkdtemp(prefix="bnweek-test-userns-")
    os.chmod(base, 0o777)
    try:
        for name in ("", "freezer.state", "cgroup.procs", "tasks"):
            os.chown(os.path.join(group, name), owner, owner)  # delegated, as systemd delegates a user's slice
        with open(os.path.join(group, "cgroup.procs"), "w") as file:
            file.write(str(victim.pid))

        def freeze():
            try:
                with open(os.path.join(group, "freezer.state"), "w") as file:
                    file.write("FROZEN")
                return "written"
            except OSError as error:
                return errno.errorcode[error.errno]

        found, code, _ = confined(__import__("pathlib").Path(base), freeze, user_namespace=True)
        with open(os.path.join(group, "freezer.state")) as file:
            state = file.read().strip()
    finally:
        with open(os.path.join(group, "freezer.state"), "w") as file:
            file.write("THAWED")
        victim.kill()
        victim.wait()
        time_left = 50
        while time_left and os.path.exists(group):
            try:
                os.rmdir(group)
            except OSError:
                __import__("time").sleep(0.1)
                time_left -= 1
        __import__("shutil").rmtree(base, ignore_errors=True)
    assert code == 0 and found == "EROFS", found
    assert state == "THAWED"


def socket_folder(tmp_path):
    """A host folder for a kernel's sockets, writable by either account (the jail binds it in, writable until sealed)."""
    sockets = tmp_path / "sockets"
    sockets.mkdir()
    os.chmod(sockets, 0o777)
    return sockets


def test_a_kernel_is_still_watched_from_the_host_once_its_folders_are_sealed(account):
    """The keeper seals from inside the kernel's mount namespace: does it come back, so that its limits still hold?

    The memory limit is the keeper's alone here (no cgroup, no rlimit), read from the host's ``/proc``; a
    keeper left in the kernel's view would find none of the kernel's processes and let it grow until the wall clock.
    """
    import time

    tmp_path, how = account
    sockets = socket_folder(tmp_path)

    def bind_then_grow():
        listener = socket.socket(socket.AF_UNIX)
        listener.bind(str(sockets / "kernel-1"))
        keeper.sockets_bound()
        hoard = bytearray(400 * 2**20)  # zero pages: touched below, one byte a page
        for page in range(0, len(hoard), 4096):
            hoard[page] = 1
        time.sleep(30)
        return "not stopped"

    started = time.monotonic()
    _, code, log = confined(tmp_path, bind_then_grow, sockets=(str(sockets),),
                            limits=Limits(memory_bytes=200 * 2**20, wall_seconds=25), **how)
    assert code == 128 + 9, log
    assert "GiB of memory" in log, log
    assert time.monotonic() - started < 20


def test_socket_folders_are_sealed_once_the_kernels_sockets_are_bound(account):
    """After its sockets are bound, can a kernel still write (or fill) the host folders they live in?"""
    tmp_path, how = account
    sockets = socket_folder(tmp_path)

    def bind_then_write():
        listener = socket.socket(socket.AF_UNIX)
        listener.bind(str(sockets / "kernel-1"))
        listener.listen()
        before = open(str(sockets / "early"), "w").write("x")
        keeper.sockets_bound()
        outcomes = {"before": before}
        for name, attempt in (("file", lambda: open(str(sockets / "late"), "w")), ("folder", lambda: os.mkdir(
                str(sockets / "d"))), ("socket", lambda: socket.socket(socket.AF_UNIX).bind(str(sockets / "s2")))):
            try:
                attempt()
                outcomes[name] = "written"
            except OSError as error:
                outcomes[name] = errno.errorcode[error.errno]
        client = socket.socket(socket.AF_UNIX)
        client.connect(str(sockets / "kernel-1"))  # what is bound still answers
        outcomes["connected"] = listener.accept()[0] is not None
        return outcomes

    found, code, log = confined(tmp_path, bind_then_write, sockets=(str(sockets),), **how)
    assert code == 0, (found, log)
    assert found == {"before": 1, "file": "EROFS", "folder": "EROFS", "socket": "EROFS", "connected": True}, found
    assert sorted(os.listdir(sockets)) == ["early", "kernel-1"]
