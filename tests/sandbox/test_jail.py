"""Fast tests of the confinement itself: a throwaway child confined as a kernel is, then asked.

Each test forks a child, confines it with :func:`autograder.sandbox.jail.run` exactly as the
warm-kernel server confines a kernel, runs a few lines there, and reads back what
they found; no kernel, no notebook, well under a second each.
"""

import errno
import json
import os
import socket
import sys

import pytest

from autograder.sandbox import cgroups, jail
from autograder.sandbox.limits import DEFAULT_LIMITS, Enforcement, Jail, Limits

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="confinement is Linux's")


def confined(tmp_path, probe, user_namespace=False, **jail_fields):
    """Run ``probe()`` (returning JSON-able data) in a confined child; return (its data, exit code, log)."""
    work, root = tmp_path / "work", tmp_path / "root"
    work.mkdir(exist_ok=True)
    root.mkdir(exist_ok=True)
    if user_namespace:
        os.chmod(work, 0o777)
        os.chmod(root, 0o777)
    (work / "mine.txt").write_text("the kernel's own file")
    result = tmp_path / "result.json"
    log = []
    read_end, write_end = os.pipe()
    config = Jail(workdir=str(work), **jail_fields)

    def kernel():
        try:
            payload = json.dumps(probe())
        except BaseException as error:  # noqa: B036 - reported, not raised, across the fork
            payload = json.dumps({"error": repr(error)})
        os.write(write_end, payload.encode())
        os._exit(0)

    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        os.setsid()
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
    assert found["files"] == ["mine.txt"] and found["cwd"] == jail.work_mount(Jail(readable=(str(COURSE_CODE),)))
    assert found["repo"] == ["autograder", ".venv"] or found["repo"] == ["autograder"] or "solutions" not in found["repo"]
    assert not found["solutions"] and not found["host tmp"] and found["tmp"] == []
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
    assert found.pop("new.txt") == "written" and (tmp_path / "work" / "new.txt").exists()
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
        result = {"unshare": lambda: libc.unshare(jail.CLONE_NEWUSER),
                  "mount": lambda: libc.mount(b"none", b"/tmp", b"tmpfs", 0, None),
                  "ptrace": lambda: libc.ptrace(16, 1, None, None),
                  "setns": lambda: libc.setns(os.open("/proc/self/ns/net", os.O_RDONLY), 0),
                  "chroot": lambda: libc.chroot(b"/tmp"),
                  "clone-newuser": lambda: libc.syscall(number("clone"), jail.CLONE_NEWUSER | 17, 0, 0, 0, 0),
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


def test_a_jail_crosses_to_the_kernel_unchanged():
    original = Jail(limits=Limits(cpu_seconds=7, processes=9), workdir="/w", sockets=("/a", "/b"),
                    readable=("/c",), role="judge")
    assert Jail.from_env(original.to_env()) == original
    assert Jail.from_env({}) is None


def test_the_work_folder_moves_aside_when_the_course_lives_there(monkeypatch):
    monkeypatch.setattr(jail, "readable_paths", lambda config: list(config.readable))
    assert jail.work_mount(Jail(readable=("/srv/course",))) == "/work"
    assert jail.work_mount(Jail(readable=("/work/course",))) == "/home/student"


def test_gpu_device_nodes_are_bound_when_the_host_has_them(tmp_path):
    for name in ("null", "zero", "nvidia0", "nvidiactl", "nvidia-uvm", "sda", "kmsg"):
        (tmp_path / name).touch()
    names = [os.path.basename(node) for node in jail.device_nodes(str(tmp_path))]
    assert names == ["null", "zero", "nvidia-uvm", "nvidia0", "nvidiactl"]


def test_cgroup_paths_are_read_for_v1_and_v2():
    text = "12:pids:/grading\n4:memory,cpu:/grading/x\n0::/user.slice\n"
    assert cgroups._own_paths(text) == {"pids": "/grading", "memory": "/grading/x", "cpu": "/grading/x",
                                         "": "/user.slice"}


def test_the_probe_reports_what_it_enforced():
    enforcement = jail.probe()
    assert isinstance(enforcement, Enforcement)
    if enforcement.confined:
        assert enforcement.headline().startswith("Confinement: every kernel ran confined")
    else:
        assert enforcement.headline().startswith("UNCONFINED")


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
