"""What this host can enforce: a throwaway child confined exactly as a kernel would be, then asked.

``./course grade`` runs :func:`probe` (as ``python -m autograder.sandbox.jail probe``)
before it grades anything; the report's first line is its answer.
"""

from __future__ import annotations

import errno
import os
from typing import TYPE_CHECKING

from autograder.sandbox import keeper, mounts, privileges
from autograder.sandbox.linux import CLONE_NEWUSER, unshare

if TYPE_CHECKING:
    from autograder.sandbox.limits import Enforcement

#: The uid a root grader's probe kernel gets (below the zygote's :data:`~autograder.sandbox.zygote.UID_BASE`).
PROBE_UID = 1_499_999_999


def probe() -> Enforcement:
    """Confine a throwaway child exactly as a kernel would be, and say what held.

    Returns
    -------
    autograder.sandbox.limits.Enforcement
    """
    import shutil
    import tempfile

    from autograder.sandbox import cgroups
    from autograder.sandbox.jail import run
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
        os.write(report_write, b"ok" if all(_walls_held(folder, root_user)) else b"leaky")
        os._exit(0)

    pid = os.fork()
    if pid == 0:
        os.close(report_read)
        os.setsid()
        run(jail, PROBE_UID if root_user else None, root, kernel, lambda text: None, cgroup)
    os.close(report_write)
    answer = keeper.read_all(report_read)
    os.waitpid(pid, 0)
    shutil.rmtree(folder, ignore_errors=True)
    if answer != b"ok":
        return Enforcement(False, missing=["this host would not confine a kernel (no namespaces, or not allowed)"])
    how = ["its own PID, mount, network, IPC and UTS namespaces; a read-only root of the system, Python and the "
           "course code, one writable folder",
           "a uid and gid of its own (the grader is root)" if root_user
           else f"an unprivileged user namespace (the grader is uid {os.getuid()})",
           f"no capabilities, no_new_privs, seccomp denying {len(privileges.DENIED_SYSCALLS)} system calls and every "
           f"socket family but {', '.join(privileges.SOCKET_FAMILIES)}",
           "read-only mounts all the way down; all it can write a tmpfs of its own "
           f"({DEFAULT_LIMITS.disk_bytes >> 20} MiB each: its folder, /tmp, /dev/shm), its socket folders sealed "
           f"once bound, its own output {keeper.LOG_BYTES >> 20} MiB"]
    missing = []
    if cgroup:
        how.append(f"a cgroup (v{cgroup.version}) bounding processes and memory")
    else:
        how.append("processes and memory summed over the process tree by the keeper")
        missing.append("no cgroup could be made: a fast allocation can pass the memory limit for up to 50 ms")
    gpus = [node for node in mounts.device_nodes() if os.path.basename(node).startswith(mounts.GPU_DEVICE_PREFIXES)]
    if gpus:
        how.append("GPU device nodes " + ", ".join(gpus))
    return Enforcement(True, how=how, missing=missing)


def _walls_held(host_folder: str, root_user: bool) -> list[bool]:
    """In the probe's confined child: whether each wall holds, as a kernel would find it."""
    checks = [len([p for p in os.listdir("/proc") if p.isdigit()]) == 1, os.getpid() == 1,
              not os.path.exists(host_folder), os.getuid() != 0 or not root_user]
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
    return checks
