"""Limits on a student's kernel: what is enforced, where, and how.

Enforced **inside** the kernel process (the zygote's forked child sets them before
any student code runs, and they bind everything it starts):

``cpu_seconds``
    CPU time of the kernel (``RLIMIT_CPU``): an endless computation is killed.
``file_bytes``
    Largest file it may write (``RLIMIT_FSIZE``): bounds what lands on disk.
``network``
    ``False`` puts the kernel in a new, empty network namespace (``unshare``):
    no interface but a down loopback, so no connection anywhere. Needs root or
    unprivileged user namespaces; elsewhere it is best effort and logged. Kernels
    then talk to the grader over Unix sockets (ZeroMQ ``ipc``), which need no network.

``hide_files``
    A new mount namespace where the course's solutions, tests and git history,
    the grading output (gradebook, other students' folders), Jupyter's runtime
    folder (other kernels' connection keys) and ``/tmp`` (unless the course itself lives there) are empty; the kernel
    keeps its own folder, as ``/tmp/work``. Needs root or user namespaces, like
    ``network``.

Enforced **outside**, by the grader:

``cell_seconds``
    Time for one cell (nbgrader's ``Execute.timeout``): the cell is interrupted
    and shows an error; the notebook goes on.

and by the zygote, which checks its children every 50 ms:

``wall_seconds``
    Wall-clock time for the whole notebook.
``memory_bytes``
    Resident memory of the kernel. ``RLIMIT_AS`` cannot be used: TensorFlow
    reserves far more virtual memory than it touches, so it would kill correct
    answers.

Output is bounded by nbgrader's ``LimitOutput``; each kernel runs in its own copy
of the submission folder, with ``HOME`` and ``TMPDIR`` inside it.
"""

import ctypes
import os
import resource

RLIMITS = {"cpu_seconds": resource.RLIMIT_CPU, "file_bytes": resource.RLIMIT_FSIZE}
CLONE_NEWNS, CLONE_NEWUSER, CLONE_NEWNET = 0x00020000, 0x10000000, 0x40000000

#: The defaults ``./course grade`` applies.
DEFAULT_LIMITS = {
    "cpu_seconds": 600,
    "file_bytes": 64 * 2**20,
    "cell_seconds": 120,
    "wall_seconds": 300,
    "memory_bytes": 4 * 2**30,
    "network": False,
    "hide_files": True,
}


def isolate_network():
    """Move this process into a new network namespace; return what happened, in words."""
    libc = ctypes.CDLL(None, use_errno=True)
    for flags in (CLONE_NEWNET, CLONE_NEWUSER | CLONE_NEWNET):
        if libc.unshare(flags) == 0:
            return "network isolated"
    return f"network NOT isolated (unshare: {os.strerror(ctypes.get_errno())})"


def apply_limits(limits):
    """Apply the in-process limits named in ``limits``; return notes for the log."""
    notes = []
    for name, value in limits.items():
        if name in RLIMITS and value:
            resource.setrlimit(RLIMITS[name], (int(value), int(value)))
    if limits.get("network") is False:
        notes.append(isolate_network())
    return notes


def resident_bytes(pid):
    """Resident memory of a process, in bytes (0 if it is gone)."""
    try:
        with open(f"/proc/{pid}/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, IndexError, ValueError):
        return 0


def hide_paths(paths, workdir="/tmp/work"):
    """Give this process a private view of the file system without ``paths``.

    Each path is covered by an empty tmpfs in a new mount namespace, so the
    student's code cannot read the course's solutions and tests, the gradebook,
    or another student's files; its own folder (the current directory) stays
    reachable as ``workdir``. Returns a note for the log.
    """
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(CLONE_NEWNS) != 0:
        return f"files NOT hidden (unshare: {os.strerror(ctypes.get_errno())})"
    ms_rec, ms_private, ms_bind = 0x4000, 0x40000, 0x1000
    libc.mount(None, b"/", None, ms_rec | ms_private, None)
    here = os.open(".", os.O_RDONLY)  # opened in the new namespace, so it can be bound there
    for path in paths:
        if os.path.isdir(path):
            libc.mount(b"tmpfs", os.fsencode(path), b"tmpfs", 0, b"size=1m,mode=0755")
    os.makedirs(workdir, exist_ok=True)
    if libc.mount(f"/proc/self/fd/{here}".encode(), os.fsencode(workdir), None, ms_bind, None) != 0:
        return f"files NOT hidden (bind: {os.strerror(ctypes.get_errno())})"
    os.chdir(workdir)
    os.close(here)
    scratch = os.path.join(workdir, ".scratch")
    os.makedirs(scratch, exist_ok=True)
    os.environ.update(HOME=scratch, TMPDIR=scratch, MPLCONFIGDIR=scratch)
    return f"files hidden: {', '.join(paths)}"
