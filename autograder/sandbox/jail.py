"""Confine one grading kernel with the operating system's own walls (Linux): the walls, in order.

The warm-kernel server (:mod:`autograder.sandbox.zygote`) forks a *keeper* per kernel;
:func:`run` turns that keeper into the kernel's warden. Each wall lives in a module of
its own (as nsjail's ``containProc`` lists walls kept one per file):

1. :mod:`~autograder.sandbox.namespaces`: the keeper makes new PID, network, IPC and
   UTS namespaces (and a user namespace when the grader is not root), then forks: its
   child is process 1 of the new PID namespace, so the kernel sees no other process of
   the host, and when it ends every process it started ends with it;
2. :mod:`~autograder.sandbox.mounts`: that child makes its own mount namespace and a
   new root: an empty tmpfs holding read-only binds of the system, the Python
   environment and the importable course code, its one writable folder at ``/work``,
   its socket folders, a fresh ``/proc``, a private ``/tmp`` and a few device nodes (the
   GPU's too); nothing of the solutions, tests, ``.git``, gradebook or other students
   exists there;
3. :mod:`~autograder.sandbox.privileges`: it drops every privilege: a uid and gid of its
   own when the grader is root, every capability (bounding set too), ``no_new_privs``,
   and a seccomp filter (libseccomp, through ``pyseccomp``) that denies what a notebook
   never needs;
4. :mod:`~autograder.sandbox.keeper`: the keeper stays outside, where the kernel cannot
   see it, kills the whole tree past its wall-clock, CPU or memory limit, and says why
   the kernel ended (:mod:`~autograder.sandbox.reasons`).

All of this happens right after the fork, before the kernel starts a thread:
a threaded process cannot enter a new user namespace. What a host can enforce is
found by trying (:mod:`~autograder.sandbox.probe`).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, NoReturn

from autograder.sandbox import keeper, mounts, namespaces, privileges, reasons

if TYPE_CHECKING:
    from collections.abc import Callable

    from autograder.sandbox.cgroups import Cgroup
    from autograder.sandbox.limits import Jail


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
    try:
        if jail.confined:
            namespaces.enter(uid)
            mounts.give_socket_folders(jail.sockets, uid)
        channels = keeper.Channels.open()
        kernel_pid = os.fork()
    except OSError as error:
        keeper.give_up(error, log, give_reason)
    if kernel_pid == 0:
        channels.kernel_side(jail.confined)
        channels.confine(lambda: contain(jail, root, uid))
        start_kernel()
        os._exit(0)
    keeper.keep(kernel_pid, jail, uid, channels, root, log, cgroup, give_reason)


def contain(jail: Jail, root: str, uid: int | None) -> None:
    """In the kernel, before it runs a line: its walls, in order (a jail that is not ``confined`` gets its limits)."""
    if jail.confined:
        namespaces.name_host()
        mounts.build_root(jail, root, uid)
        os.environ.update(HOME="/tmp", TMPDIR="/tmp", MPLCONFIGDIR="/tmp")
        privileges.drop_privileges(uid, jail.limits)
    else:
        privileges.set_rlimits(jail.limits, processes=False)
    import tempfile

    tempfile.tempdir = None  # the zygote's TensorFlow import cached the grader's TMPDIR


if __name__ == "__main__":
    import json
    import sys
    from dataclasses import asdict

    from autograder.sandbox.probe import probe

    if sys.argv[1:] == ["probe"]:
        print(json.dumps(asdict(probe())))
