"""Confine one grading kernel with the operating system's own walls (Linux).

The warm-kernel server (:mod:`autograder.sandbox.zygote`) forks a *keeper* per kernel;
:func:`run` turns that keeper into the kernel's warden:

1. the keeper makes new PID, network, IPC and UTS namespaces (and a user
   namespace when the grader is not root), then forks: its child is process 1
   of the new PID namespace, so the kernel sees no other process of the host,
   and when it ends every process it started ends with it;
2. that child makes its own mount namespace and a new root: an empty tmpfs
   holding read-only binds of the system, the Python environment and the
   importable course code, its one writable folder at ``/work``, its socket
   folders, a fresh ``/proc``, a private ``/tmp`` and a few device nodes (the
   GPU's too); nothing of the solutions, tests, ``.git``, gradebook or other
   students exists there;
3. it drops every privilege: a uid and gid of its own when the grader is root,
   every capability (bounding set too), ``no_new_privs``, and a seccomp filter
   (libseccomp, through ``pyseccomp``) that denies what a notebook never needs;
4. the keeper stays outside, where the kernel cannot see it, and kills the
   whole tree past its wall-clock, CPU or memory limit.

All of this happens right after the fork, before the kernel starts a thread:
a threaded process cannot enter a new user namespace.
"""

from __future__ import annotations

import ctypes
import errno
import os
import re
import resource
import signal
import time
from typing import TYPE_CHECKING, NoReturn

from autograder.sandbox import reasons

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    import pyseccomp

    from autograder.sandbox.cgroups import Cgroup
    from autograder.sandbox.limits import Enforcement, Jail, Limits

CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC = 0x00020000, 0x04000000, 0x08000000
CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET = 0x10000000, 0x20000000, 0x40000000
CLONE_NEWCGROUP, CLONE_NEWTIME = 0x02000000, 0x00000080
NAMESPACES = CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 4096, 16384, 1 << 18
MNT_DETACH = 2
AT_RECURSIVE, MOUNT_ATTR_RDONLY, MOUNT_ATTR_NOSUID, MOUNT_ATTR_NODEV = 0x8000, 0x1, 0x2, 0x4
#: ``mount_setattr``'s number: the same on every architecture (the generic table).
SYS_MOUNT_SETATTR = 442
#: statvfs flags a remount inside a user namespace must keep (they are locked), as mount flags.
LOCKED_FLAGS = {os.ST_RDONLY: MS_RDONLY, os.ST_NOSUID: MS_NOSUID, os.ST_NODEV: MS_NODEV, os.ST_NOEXEC: MS_NOEXEC,
                os.ST_NOATIME: 1024, os.ST_NODIRATIME: 2048, os.ST_RELATIME: 1 << 21}

#: Host folders every kernel sees read-only (where they exist): programs and libraries.
SYSTEM_PATHS = ("/usr", "/bin", "/sbin", "/lib", "/lib64", "/lib32", "/libx32", "/etc", "/sys")
#: Where the kernel's writable folder may appear, in order of preference.
WORK_MOUNTS = ("/work", "/home/student", "/bnweek-work")
#: Device nodes a kernel may open; the GPU's are added only when TensorFlow can use them (:func:`device_nodes`).
DEVICES = ("null", "zero", "full", "random", "urandom")
GPU_DEVICE_PREFIXES = ("nvidia", "dri", "kfd")
#: The GPU nodes each kind of TensorFlow build opens: CUDA's, and ROCm's.
CUDA_DEVICE_PREFIXES, ROCM_DEVICE_PREFIXES = ("nvidia",), ("kfd", "dri")
#: Socket families a notebook may open: local sockets, and IP in the kernel's own empty network
#: namespace. Every other family (``AF_VSOCK`` reaches the host, ``AF_ALG`` the kernel's crypto, ...)
#: answers EAFNOSUPPORT. ``AF_NETLINK`` is allowed for routing only (``getifaddrs``), in that namespace.
SOCKET_FAMILIES = {"AF_UNIX": 1, "AF_INET": 2, "AF_INET6": 10, "AF_NETLINK": 16}
#: Families the filter knows; ``AF_MAX`` is below this on every kernel so far.
SOCKET_FAMILY_LIMIT = 64
NETLINK_ROUTE = 0
#: What the kernel's own output (its stdout and stderr, not its cells') may add to its log.
LOG_BYTES = 1 * 2**20
#: System calls a notebook never needs, denied with EPERM: namespaces and mounts, tracing and
#: other processes' memory, keys, BPF, perf, kernel modules, clocks, reboot, and the like.
DENIED_SYSCALLS = (
    "unshare", "setns", "mount", "umount", "umount2", "pivot_root", "chroot", "move_mount", "open_tree",
    "fsopen", "fsconfig", "fsmount", "fspick", "mount_setattr", "ptrace", "process_vm_readv",
    "process_vm_writev", "process_madvise", "pidfd_getfd", "kcmp", "keyctl", "add_key", "request_key", "bpf",
    "perf_event_open", "userfaultfd", "io_uring_setup", "io_uring_enter", "io_uring_register",
    "init_module", "finit_module", "delete_module", "kexec_load", "kexec_file_load", "reboot", "swapon",
    "swapoff", "acct", "settimeofday", "clock_settime", "clock_adjtime", "adjtimex", "sethostname",
    "setdomainname", "iopl", "ioperm", "quotactl", "name_to_handle_at", "open_by_handle_at", "lookup_dcookie",
    "syslog", "vhangup", "uselib", "nfsservctl", "personality",
)
PR_SET_PDEATHSIG, PR_SET_DUMPABLE, TIOCSTI = 1, 4, 0x5412
#: How the old plain-text exit reason that was the grader's fault began (:mod:`autograder.sandbox.reasons`).
GRADER_FAULT = reasons.LEGACY_FAULT_PREFIX
#: The exit status of a keeper whose kernel could not be confined (the grader's fault, never the student's).
CONFINEMENT_FAILED = 70


class ConfinementError(OSError):
    """A step of the confinement failed: the kernel must not start."""


def _libc():
    return ctypes.CDLL(None, use_errno=True)


def _check(result, what):
    if result != 0:
        error = ctypes.get_errno()
        raise ConfinementError(error, f"{what}: {os.strerror(error)}")


def unshare(flags: int) -> None:
    _check(_libc().unshare(flags), f"unshare({flags:#x})")


def mount(source: str | None, target: str, fstype: str | None = None, flags: int = 0, data: str | None = None) -> None:
    encode = lambda value: None if value is None else os.fsencode(value)  # noqa: E731
    _check(_libc().mount(encode(source), encode(target), encode(fstype), ctypes.c_ulong(flags), encode(data)),
           f"mount {source} on {target}")


def pivot_root(new_root: str, put_old: str) -> None:
    import pyseccomp

    number = pyseccomp.resolve_syscall(pyseccomp.system_arch(), "pivot_root")
    _check(_libc().syscall(number, os.fsencode(new_root), os.fsencode(put_old)), "pivot_root")


def _write(path, text):
    fd = os.open(path, os.O_WRONLY)  # one write(2), and no O_TRUNC, which /proc's maps refuse
    try:
        os.write(fd, text.encode())
    finally:
        os.close(fd)


def map_own_user(uid: int, gid: int) -> None:
    """In a new user namespace: be the same ``uid`` and ``gid`` there as outside (no other ids exist)."""
    _write("/proc/self/uid_map", f"{uid} {uid} 1\n")
    _write("/proc/self/setgroups", "deny\n")
    _write("/proc/self/gid_map", f"{gid} {gid} 1\n")


# -- the new root ------------------------------------------------------------------


def readable_paths(jail: Jail) -> list[str]:
    """Every host path the kernel sees read-only: the system, Python, and what the jail names."""
    import sys

    prefixes = (sys.prefix, sys.base_prefix, sys.exec_prefix)
    # a link (a virtual environment linked from elsewhere) goes in as a link, after what it points to
    python = sorted({os.path.realpath(p) for p in prefixes}) + sorted({p for p in prefixes if os.path.islink(p)})
    wanted = [*SYSTEM_PATHS, *python, *jail.readable]
    return [path for path in dict.fromkeys(wanted) if os.path.lexists(path)]


def tensorflow_gpu_build() -> tuple[bool, bool]:
    """``(CUDA, ROCm)``: which GPUs the installed TensorFlow was built for, read without importing it."""
    import ast
    import importlib.util

    try:
        spec = importlib.util.find_spec("tensorflow")
        folder = os.path.dirname(spec.origin) if spec and spec.origin else None
        with open(os.path.join(folder, "python", "platform", "build_info.py")) as file:
            text = file.read()
    except (OSError, TypeError, ValueError, ImportError):
        return False, False
    info = {}
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Tuple) and len(node.elts) == 2 and isinstance(node.elts[0], ast.Constant):
            try:
                info[node.elts[0].value] = ast.literal_eval(node.elts[1])
            except ValueError:
                pass
    return info.get("is_cuda_build") is True, info.get("is_rocm_build") is True


def device_nodes(dev: str = "/dev", gpu_build: tuple[bool, bool] | None = None) -> list[str]:
    """Device nodes to bind: the harmless ones, and a GPU's only when TensorFlow can use that GPU.

    ``gpu_build`` is :func:`tensorflow_gpu_build`'s answer (read when not given): a CUDA build
    gets ``/dev/nvidia*``, a ROCm build ``/dev/kfd`` and ``/dev/dri``; a build for neither,
    or a host without the nodes, gets none.
    """
    cuda, rocm = tensorflow_gpu_build() if gpu_build is None else gpu_build
    prefixes = (CUDA_DEVICE_PREFIXES if cuda else ()) + (ROCM_DEVICE_PREFIXES if rocm else ())
    names = [name for name in DEVICES if os.path.exists(os.path.join(dev, name))]
    try:
        if prefixes:
            names += sorted(name for name in os.listdir(dev) if name.startswith(prefixes))
    except OSError:
        pass
    return [os.path.join(dev, name) for name in names]


def _mount_points_below(target: str) -> list[str]:
    """Mount points strictly below ``target`` in this mount namespace, outermost first."""
    below = []
    with open("/proc/self/mountinfo") as file:
        for line in file:
            point = re.sub(r"\\([0-7]{3})", lambda octal: chr(int(octal.group(1), 8)), line.split()[4])
            if point.startswith(target.rstrip("/") + "/"):
                below.append(point)
    return sorted(set(below), key=lambda path: path.count("/"))


def _remount(target: str, writable: bool, device: bool) -> None:
    """Remount the bind at ``target`` read-only (unless ``writable``), keeping the flags a user namespace locks."""
    flags = MS_BIND | MS_REMOUNT | MS_NOSUID | (0 if device else MS_NODEV) | (0 if writable else MS_RDONLY)
    host = os.statvfs(target).f_flag
    flags |= sum(value for bit, value in LOCKED_FLAGS.items() if host & bit and not (writable and value == MS_RDONLY))
    mount(None, target, flags=flags)


def read_only_below(target: str, walk: bool = False) -> None:
    """Make every mount below ``target`` read-only, nosuid and nodev too, as its top is.

    A recursive bind remounted read-only stays writable below its top (``/sys/fs/cgroup``
    under ``/sys``, say). ``mount_setattr(AT_RECURSIVE)`` (Linux 5.12) sets the whole tree
    at once; before it (or with ``walk``), each mount below is remounted in turn.
    """
    if not walk:
        attr = (ctypes.c_uint64 * 4)(MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, 0, 0, 0)
        result = _libc().syscall(SYS_MOUNT_SETATTR, -100, os.fsencode(target), AT_RECURSIVE,
                                 ctypes.byref(attr), ctypes.sizeof(attr))
        if result == 0:
            return
        if ctypes.get_errno() not in (errno.ENOSYS, errno.EINVAL):
            _check(result, f"mount_setattr on {target}")
    for point in _mount_points_below(target):
        try:
            _remount(point, writable=False, device=False)
        except ConfinementError as error:
            if error.errno not in (errno.ENOENT, errno.EACCES):  # a mount point it cannot reach is not reachable
                raise


def _bind(source, target, writable=False, device=False):
    """Bind ``source`` onto ``target`` (made first), read-only all the way down unless ``writable``."""
    if os.path.isdir(source) and not os.path.islink(source):
        os.makedirs(target, exist_ok=True)
    else:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        if not os.path.exists(target):
            open(target, "a").close()
    mount(source, target, flags=MS_BIND | (0 if writable or device else MS_REC))
    _remount(target, writable, device)
    if not writable:
        read_only_below(target)


def _copy_tree(source: str, target: str, uid: int | None) -> None:
    """Copy the folders and regular files under ``source`` into ``target`` (an iterative walk; links stay behind)."""
    import shutil
    import stat

    pending = [""]
    while pending:
        relative = pending.pop()
        with os.scandir(os.path.join(source, relative)) as entries:
            for entry in entries:
                path, copy = os.path.join(relative, entry.name), os.path.join(target, relative, entry.name)
                mode = entry.stat(follow_symlinks=False).st_mode
                if stat.S_ISDIR(mode):
                    os.mkdir(copy, 0o755)
                    pending.append(path)
                elif stat.S_ISREG(mode):
                    shutil.copyfile(entry.path, copy, follow_symlinks=False)
                    os.chmod(copy, 0o644)
                else:
                    continue
                if uid is not None:
                    os.lchown(copy, uid, uid)


def folder_bytes(folder: str) -> int:
    """Bytes of the regular files under ``folder`` (links not followed)."""
    total, pending = 0, [folder]
    while pending:
        with os.scandir(pending.pop()) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    pending.append(entry.path)
                elif entry.is_file(follow_symlinks=False):
                    total += entry.stat(follow_symlinks=False).st_size
    return total


def _tmpfs(target: str, size: int, mode: str, uid: int | None = None) -> None:
    """A size-bounded file system at ``target``: writes and preallocation alike stop at ``size`` bytes."""
    os.makedirs(target, exist_ok=True)
    owner = f",uid={uid},gid={uid}" if uid is not None else ""
    mount("tmpfs", target, "tmpfs", MS_NOSUID | MS_NODEV, f"size={max(int(size), 4096)},mode={mode}{owner}")


def build_root(jail: Jail, root: str, uid: int | None = None) -> None:
    """Make ``root`` the kernel's whole file system, then enter it (``pivot_root``).

    Everything the kernel can write is a tmpfs of this mount namespace, bounded in size:
    ``/tmp``, ``/dev/shm`` and its working folder, which starts as a copy of
    ``jail.workdir`` and vanishes with the kernel. Only its socket folders are host folders.
    """
    unshare(CLONE_NEWNS)
    mount(None, "/", flags=MS_REC | MS_PRIVATE)
    mount("tmpfs", root, "tmpfs", MS_NOSUID | MS_NODEV, "size=16m,mode=0755")
    inside = lambda path: os.path.join(root, path.lstrip("/"))  # noqa: E731
    disk = jail.limits.disk_bytes
    for tmp in ("/tmp", "/dev/shm"):  # first: what is bound below may live under /tmp
        _tmpfs(inside(tmp), disk, "1777")
    for path in readable_paths(jail):
        if os.path.islink(path):  # /bin -> usr/bin on merged-usr systems, a linked virtual environment
            os.makedirs(os.path.dirname(inside(path)), exist_ok=True)
            os.symlink(os.readlink(path), inside(path))
        else:
            _bind(path, inside(path))
    for node in device_nodes():
        _bind(node, inside(node), writable=True, device=True)
    for name, target in (("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"), ("stdout", "/proc/self/fd/1"),
                         ("stderr", "/proc/self/fd/2")):
        os.symlink(target, inside(f"/dev/{name}"))
    os.makedirs(inside("/proc"))
    mount("proc", inside("/proc"), "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    for folder in jail.sockets:
        _bind(folder, inside(folder), writable=True)
    work = work_mount(jail)
    _tmpfs(inside(work), folder_bytes(jail.workdir) + disk, "0700", uid)
    _copy_tree(jail.workdir, inside(work), uid)
    os.chdir(root)
    pivot_root(".", ".")
    _check(_libc().umount2(b".", MNT_DETACH), "detaching the host's root")
    mount(None, "/", flags=MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV)
    os.chdir(work)


def work_mount(jail: Jail) -> str:
    """Where the kernel's writable folder appears: ``/work``, unless the course itself lives there."""
    taken = [*readable_paths(jail), *jail.sockets]
    for candidate in WORK_MOUNTS:
        if not any(path == candidate or path.startswith(candidate + "/") for path in taken):
            return candidate
    raise ConfinementError(errno.EEXIST, "no free place for the kernel's folder")


# -- privileges ------------------------------------------------------------------------


def seccomp_filter() -> pyseccomp.SyscallFilter:
    """The seccomp filter: allow by default, deny what :data:`DENIED_SYSCALLS` names.

    A socket of a family outside :data:`SOCKET_FAMILIES` (by number, below
    :data:`SOCKET_FAMILY_LIMIT`; a larger number is no family), or a netlink socket
    other than routing's, answers EAFNOSUPPORT.

    ``clone`` may not make namespaces; ``clone3``, whose flags a filter cannot read,
    answers ENOSYS so that the C library falls back to ``clone``. ``prctl`` may not
    clear the parent-death signal that ties the kernel to its keeper.
    """
    import pyseccomp as seccomp

    deny = seccomp.ERRNO(errno.EPERM)
    rules = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
    for name in DENIED_SYSCALLS:
        try:
            rules.add_rule(deny, name)
        except (ValueError, RuntimeError, OSError):  # not a system call on this architecture
            pass
    rules.add_rule(seccomp.ERRNO(errno.ENOSYS), "clone3")
    for flag in (CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET,
                 CLONE_NEWCGROUP, CLONE_NEWTIME):
        rules.add_rule(deny, "clone", seccomp.Arg(0, seccomp.MASKED_EQ, flag, flag))
    for option in (PR_SET_PDEATHSIG, PR_SET_DUMPABLE):
        rules.add_rule(deny, "prctl", seccomp.Arg(0, seccomp.EQ, option))
    rules.add_rule(deny, "ioctl", seccomp.Arg(1, seccomp.MASKED_EQ, 0xFFFFFFFF, TIOCSTI))
    unsupported = seccomp.ERRNO(errno.EAFNOSUPPORT)
    for family in range(SOCKET_FAMILY_LIMIT):
        if family not in SOCKET_FAMILIES.values():
            for call in ("socket", "socketpair"):
                rules.add_rule(unsupported, call, seccomp.Arg(0, seccomp.EQ, family))
    rules.add_rule(unsupported, "socket", seccomp.Arg(0, seccomp.EQ, SOCKET_FAMILIES["AF_NETLINK"]),
                   seccomp.Arg(2, seccomp.NE, NETLINK_ROUTE))
    return rules


def drop_privileges(uid: int | None, limits: Limits) -> None:
    """Become ``uid`` (when the grader is root), with no capability, ever, and resource limits."""
    import pyprctl

    set_rlimits(limits, processes=uid is not None)
    for cap in pyprctl.Cap.probe_supported():
        pyprctl.capbset_drop(cap)
    pyprctl.cap_ambient_clear_all()
    if uid is not None:
        os.setgroups([])
        os.setresgid(uid, uid, uid)
        os.setresuid(uid, uid, uid)
    pyprctl.CapState().set_current()  # empty effective, permitted and inheritable sets
    pyprctl.set_no_new_privs()
    pyprctl.set_pdeathsig(signal.SIGKILL)  # after the uid change, which clears it
    seccomp_filter().load()
    if any(pyprctl.CapState.get_current().permitted) or not pyprctl.get_no_new_privs():
        raise ConfinementError(errno.EPERM, "privileges remained after dropping them")


# -- the keeper ----------------------------------------------------------------------------


def _ns_inode(pid):
    try:
        return os.stat(f"/proc/{pid}/ns/pid").st_ino
    except OSError:
        return None


def tree(kernel_pid: int) -> list[int]:
    """Host pids of every process in the kernel's PID namespace (the kernel included)."""
    try:
        namespace = os.readlink(f"/proc/{kernel_pid}/ns/pid")
    except OSError:
        return []
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.readlink(f"/proc/{entry}/ns/pid") == namespace:
                    pids.append(int(entry))
            except OSError:
                pass
    return pids


def usage(pids: Iterable[int]) -> tuple[int, float]:
    """``(resident bytes, CPU seconds)`` summed over ``pids``, reaped children's CPU included."""
    page, ticks = os.sysconf("SC_PAGE_SIZE"), os.sysconf("SC_CLK_TCK")
    resident = cpu = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/statm") as statm:
                resident += int(statm.read().split()[1]) * page
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rpartition(")")[2].split()
            cpu += sum(int(value) for value in fields[11:15]) / ticks  # utime stime cutime cstime
        except (OSError, IndexError, ValueError):
            pass
    return resident, cpu


def relay(output: int, budget: int, reads: int = 64) -> int | None:
    """Copy what the kernel wrote to ``output`` (a pipe) to the log (fd 2), at most ``budget`` bytes in all.

    What is past the budget is read and dropped, so that the kernel never blocks on a
    full pipe and the log never grows past :data:`LOG_BYTES`. Returns the budget left,
    or ``None`` once the pipe is closed.
    """
    for _ in range(reads):  # a bounded share of the keeper's time, then it checks the limits again
        try:
            chunk = os.read(output, 65536)
        except BlockingIOError:
            break
        if not chunk:
            return None
        if budget > 0:
            kept = chunk[:budget]
            budget -= len(kept)
            try:
                os.write(2, kept if budget > 0 else kept + b"\n[the kernel's further output was dropped]\n")
            except OSError:
                pass
    return budget


def watch(kernel_pid: int, limits: Limits, cgroup: Cgroup | None = None, interval: float = 0.05,
          confined: bool = True, readers: dict[int, Callable[[int], bool]] | None = None) -> tuple[int, str]:
    """Wait for the kernel; kill its whole tree past a limit; meanwhile answer what it sends on ``readers``.

    ``readers`` maps a pipe's read end to a handler, called with it when it is readable,
    that returns whether to keep watching it (its output, bounded: :func:`relay`; its
    request to seal its socket folders: :func:`seal_sockets`).

    Returns
    -------
    (int, str)
        The kernel's exit code, and why it was killed ("" if it was not).
    """
    import select

    deadline = time.monotonic() + limits.wall_seconds if limits.wall_seconds else None
    reason = ""
    readers = dict(readers or {})
    while True:
        pid, status = os.waitpid(kernel_pid, os.WNOHANG)
        if pid:
            if not reason and cgroup and cgroup.out_of_memory():  # the kernel itself was the one killed
                reason = f"the kernel's processes used more than {limits.memory_bytes / 2**30:.1f} GiB of memory"
            return os.waitstatus_to_exitcode(status), reason
        if not reason:
            pids = cgroup.pids() if cgroup else tree(kernel_pid) if confined else [kernel_pid]
            resident, cpu = usage(pids)
            if cgroup:
                resident = max(resident, cgroup.memory())
            if deadline and time.monotonic() > deadline:
                reason = "the notebook ran past its time limit"
            elif limits.memory_bytes and resident > limits.memory_bytes:
                reason = f"the kernel's processes used more than {limits.memory_bytes / 2**30:.1f} GiB of memory"
            elif limits.cpu_seconds and cpu > limits.cpu_seconds:
                reason = f"the kernel's processes used more than {limits.cpu_seconds} s of CPU time"
            elif cgroup and cgroup.out_of_memory():
                reason = f"the kernel's processes used more than {limits.memory_bytes / 2**30:.1f} GiB of memory"
            if reason:
                kill_tree(kernel_pid)
        if not readers:
            time.sleep(interval)
            continue
        for fd in select.select(list(readers), [], [], interval)[0]:
            if not readers[fd](fd):
                del readers[fd]


def _relayer() -> Callable[[int], bool]:
    """A :func:`watch` handler relaying the kernel's output to the log, :data:`LOG_BYTES` in all."""
    budget = LOG_BYTES

    def handle(fd):
        nonlocal budget
        budget = relay(fd, budget)
        return budget is not None

    return handle


def seal_sockets(kernel_pid: int, folders: Iterable[str]) -> bool:
    """From the keeper: remount the kernel's socket folders read-only in its own mount namespace.

    A kernel needs to write in them only to bind its sockets; after that they are
    the only host folders it could write in (and fill). A child joins the kernel's
    mount namespace (the keeper keeps the privilege to, over that namespace) and
    remounts each; the kernel cannot undo it (no capability, no ``mount``).
    """
    pid = os.fork()
    if pid == 0:
        try:
            namespace = os.open(f"/proc/{kernel_pid}/ns/mnt", os.O_RDONLY)
            _check(_libc().setns(namespace, CLONE_NEWNS), "joining the kernel's mount namespace")
            for folder in folders:
                _remount(folder, writable=False, device=False)
            os._exit(0)
        except BaseException:  # noqa: BLE001 - reported as the exit status, across the fork
            os._exit(1)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status) == 0


#: In a confined kernel: (request, reply) pipe ends to ask its keeper to seal its socket folders.
_seal_channel: tuple[int, int] | None = None


def sockets_bound() -> None:
    """In a confined kernel, once its sockets are bound: have its socket folders sealed (read-only).

    Does nothing in a kernel that is not confined. Exits the kernel if the keeper could not seal them.
    """
    global _seal_channel
    if _seal_channel is None:
        return
    request, reply = _seal_channel
    _seal_channel = None
    os.write(request, b"s")
    answer = os.read(reply, 1)
    os.close(request)
    os.close(reply)
    if answer != b"k":
        os._exit(CONFINEMENT_FAILED)


def kill_tree(kernel_pid: int) -> None:
    """Kill the kernel: as process 1 of its namespace, it takes every process there with it."""
    try:
        os.kill(kernel_pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def run(jail: Jail, uid: int | None, root: str, start_kernel: Callable[[], object], log: Callable[[str], object],
        cgroup: Cgroup | None = None,
        give_reason: Callable[[reasons.ExitReason], object] = lambda reason: None) -> NoReturn:
    """In the keeper: confine a child as ``jail`` says, run ``start_kernel`` there, and watch it.

    Never returns: exits with the kernel's exit code, or :data:`CONFINEMENT_FAILED`.

    Parameters
    ----------
    jail : autograder.sandbox.limits.Jail
    uid : int or None
        The kernel's own uid and gid when the grader is root; ``None`` otherwise
        (the kernel then runs in a user namespace, as the grader's uid).
    root : str
        An empty host folder to build the kernel's root in.
    start_kernel : callable
        Runs in the confined child; never returns.
    log : callable
        ``log(text)`` writes a line of the kernel's log.
    cgroup : autograder.sandbox.cgroups.Cgroup, optional
        Where the kernel's processes go, when the host offers cgroups.
    give_reason : callable
        ``give_reason(reason)`` tells the grader why the kernel was stopped
        (an :class:`~autograder.sandbox.reasons.ExitReason`).
    """
    global _seal_channel
    go_read, go_write = os.pipe()
    done_read, done_write = os.pipe()
    try:
        if jail.confined:
            if uid is None:
                import pyprctl

                pyprctl.set_dumpable(True)  # a process that changed its uid is not: it could not write its maps
            outside = os.getuid(), os.getgid()  # unmapped until the maps are written
            unshare(NAMESPACES | (0 if uid is not None else CLONE_NEWUSER))
            if uid is None:
                map_own_user(*outside)
            if uid is not None:  # the kernel's socket folders become its uid's (made by the grader, empty)
                for folder in jail.sockets:
                    os.lchown(folder, uid, uid)
        output_read, output_write = os.pipe()
        seal_request, seal_asked = os.pipe()
        sealed, seal_reply = os.pipe()
        kernel_pid = os.fork()
    except OSError as error:
        log(f"the kernel could not be confined: {error}")
        give_reason(reasons.grader_fault(f"the kernel could not be confined ({error})"))
        os._exit(CONFINEMENT_FAILED)
    if kernel_pid == 0:
        os.close(go_write)
        os.close(done_read)
        os.close(output_read)
        os.dup2(output_write, 1)  # its own output reaches the host only through the keeper, bounded
        os.dup2(output_write, 2)
        os.close(output_write)
        os.close(seal_request)
        os.close(seal_reply)
        if jail.confined:
            _seal_channel = (seal_asked, sealed)
        os.read(go_read, 1)  # placed in its cgroup before it runs anything
        try:
            if jail.confined:
                _check(_libc().sethostname(b"bnweek", 6), "sethostname")
                build_root(jail, root, uid)
                os.environ.update(HOME="/tmp", TMPDIR="/tmp", MPLCONFIGDIR="/tmp")
                drop_privileges(uid, jail.limits)
            else:
                set_rlimits(jail.limits, processes=False)
            import tempfile

            tempfile.tempdir = None  # the zygote's TensorFlow import cached the grader's TMPDIR
        except Exception as error:  # noqa: BLE001 - never run a kernel that is not confined
            os.write(done_write, f"{type(error).__name__}: {error}".encode()[:4000])
            os._exit(CONFINEMENT_FAILED)
        os.write(done_write, b"ok")
        os.close(done_write)
        start_kernel()
        os._exit(0)
    os.close(go_read)
    os.close(done_write)
    os.close(output_write)
    os.close(seal_asked)
    os.close(sealed)
    signal.signal(signal.SIGINT, lambda *_: _forward(kernel_pid, signal.SIGINT))
    signal.signal(signal.SIGTERM, lambda *_: (kill_tree(kernel_pid), os._exit(128 + signal.SIGTERM)))
    if cgroup:
        try:
            cgroup.add(kernel_pid)
        except OSError as error:
            log(f"no cgroup ({error}); the keeper's sums alone bound the tree")
            cgroup.remove(0)
            cgroup = None
    os.write(go_write, b"g")
    os.close(go_write)
    answer = _read_all(done_read)
    if answer != b"ok":
        problem = answer.decode(errors="replace") or "it died while being confined"
        log(f"the kernel could not be confined: {problem}")
        give_reason(reasons.grader_fault(f"the kernel could not be confined ({problem})"))
        kill_tree(kernel_pid)
        os.waitpid(kernel_pid, 0)
        os._exit(CONFINEMENT_FAILED)
    if jail.confined:
        log(f"confined as uid {uid if uid is not None else os.getuid()}, in namespaces of its own")
    os.set_blocking(output_read, False)

    def seal(fd):
        if os.read(fd, 1) != b"s":
            return False
        done = seal_sockets(kernel_pid, jail.sockets)
        if not done:
            log("its socket folders could not be made read-only")
            give_reason(reasons.grader_fault("the kernel's socket folders could not be made read-only"))
            kill_tree(kernel_pid)
        try:
            os.write(seal_reply, b"k" if done else b"x")
        except OSError:  # the kernel is gone
            pass
        return False

    readers = {output_read: _relayer()}
    if jail.confined:
        readers[seal_request] = seal
    code, reason = watch(kernel_pid, jail.limits, cgroup, confined=jail.confined, readers=readers)
    if cgroup:
        cgroup.remove()
    try:
        os.rmdir(root)  # the mount point of its root, empty on the host
    except OSError:
        pass
    if reason:
        log(reason)
        give_reason(reasons.stopped(reason))
    os._exit(code if code >= 0 else 128 - code)


def set_rlimits(limits: Limits, processes: bool = True) -> None:
    """The resource limits every process of the kernel inherits."""
    values = [(resource.RLIMIT_CPU, limits.cpu_seconds), (resource.RLIMIT_FSIZE, limits.file_bytes),
              (resource.RLIMIT_CORE, 0)]
    if processes:  # per uid: only a kernel with a uid of its own may have it
        values.append((resource.RLIMIT_NPROC, limits.processes))
    for name, value in values:
        resource.setrlimit(name, (int(value), int(value)))


def _read_all(fd):
    chunks = []
    while chunk := os.read(fd, 4096):
        chunks.append(chunk)
    return b"".join(chunks)


def _forward(pid, signum):
    try:
        os.kill(pid, signum)
    except ProcessLookupError:
        pass


# -- what this host can enforce ----------------------------------------------------------


def probe() -> Enforcement:
    """Confine a throwaway child exactly as a kernel would be, and say what held.

    Returns
    -------
    autograder.sandbox.limits.Enforcement
    """
    import shutil
    import tempfile

    from autograder.sandbox import cgroups
    from autograder.sandbox.limits import DEFAULT_LIMITS, Enforcement, Jail

    if not os.uname().sysname == "Linux":
        return Enforcement(False, missing=[f"{os.uname().sysname} has no Linux namespaces"])
    root_user = os.getuid() == 0
    folder = tempfile.mkdtemp(prefix="bnweek-probe-")
    work, root = os.path.join(folder, "work"), os.path.join(folder, "root")
    os.makedirs(work)
    os.makedirs(root)
    report_read, report_write = os.pipe()
    jail = Jail(workdir=work)
    cgroup = cgroups.create(f"bnweek-probe-{os.getpid()}", DEFAULT_LIMITS) if root_user else None

    def kernel():
        checks = [len([p for p in os.listdir("/proc") if p.isdigit()]) == 1, os.getpid() == 1,
                  not os.path.exists(folder), os.getuid() != 0 or not root_user]
        try:
            unshare(CLONE_NEWUSER)
            checks.append(False)
        except OSError:
            checks.append(True)
        try:
            import socket

            socket.socket(40, socket.SOCK_STREAM).close()  # AF_VSOCK
            checks.append(False)
        except OSError as error:
            checks.append(error.errno == errno.EAFNOSUPPORT)
        checks.append(all(os.statvfs(path).f_flag & os.ST_RDONLY for path in ("/usr", "/sys", "/sys/fs/cgroup")
                          if os.path.isdir(path)) or not os.path.isdir("/sys"))
        os.write(report_write, b"ok" if all(checks) else b"leaky")
        os._exit(0)

    pid = os.fork()
    if pid == 0:
        os.close(report_read)
        os.setsid()
        run(jail, 1_499_999_999 if root_user else None, root, kernel, lambda text: None, cgroup)
    os.close(report_write)
    answer = _read_all(report_read)
    os.waitpid(pid, 0)
    shutil.rmtree(folder, ignore_errors=True)
    if answer != b"ok":
        return Enforcement(False, missing=["this host would not confine a kernel (no namespaces, or not allowed)"])
    how = ["its own PID, mount, network, IPC and UTS namespaces; a read-only root of the system, Python and the "
           "course code, one writable folder",
           "a uid and gid of its own (the grader is root)" if root_user
           else f"an unprivileged user namespace (the grader is uid {os.getuid()})",
           f"no capabilities, no_new_privs, seccomp denying {len(DENIED_SYSCALLS)} system calls and every socket "
           f"family but {', '.join(SOCKET_FAMILIES)}",
           "read-only mounts all the way down; all it can write a tmpfs of its own "
           f"({DEFAULT_LIMITS.disk_bytes >> 20} MiB each: its folder, /tmp, /dev/shm), its socket folders sealed "
           f"once bound, its own output {LOG_BYTES >> 20} MiB"]
    missing = []
    if cgroup:
        how.append(f"a cgroup (v{cgroup.version}) bounding processes and memory")
    else:
        how.append("processes and memory summed over the process tree by the keeper")
        missing.append("no cgroup could be made: a fast allocation can pass the memory limit for up to 50 ms")
    gpus = [node for node in device_nodes() if os.path.basename(node).startswith(GPU_DEVICE_PREFIXES)]
    if gpus:
        how.append("GPU device nodes " + ", ".join(gpus))
    return Enforcement(True, how=how, missing=missing)


if __name__ == "__main__":
    import json
    import sys
    from dataclasses import asdict

    if sys.argv[1:] == ["probe"]:
        print(json.dumps(asdict(probe())))
