"""The kernel's own namespaces: its processes, network, IPC and host name apart from the host's.

The keeper enters new PID, network, IPC and UTS namespaces (and a user namespace
when the grader is not root) before it forks the kernel, so the kernel is process 1
of its own PID namespace: it sees no other process of the host, and every process
it starts ends with it. The mount namespace is the kernel's own
(:func:`autograder.sandbox.mounts.build_root`).
"""

from __future__ import annotations

import os

from autograder.sandbox.linux import CLONE_NEWIPC, CLONE_NEWNET, CLONE_NEWPID, CLONE_NEWUSER, CLONE_NEWUTS
from autograder.sandbox.linux import sethostname, unshare, write_once

#: What the keeper unshares before it forks the kernel (with ``CLONE_NEWUSER`` when the grader is not root).
NAMESPACES = CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS
#: The kernel's host name, in its own UTS namespace.
HOSTNAME = b"bnweek"


def flags(uid: int | None) -> int:
    """The namespaces to unshare: a user namespace too when the kernel has no uid of its own (``uid`` is None)."""
    return NAMESPACES | (0 if uid is not None else CLONE_NEWUSER)


def map_own_user(uid: int, gid: int) -> None:
    """In a new user namespace: be the same ``uid`` and ``gid`` there as outside (no other ids exist)."""
    write_once("/proc/self/uid_map", f"{uid} {uid} 1\n")
    write_once("/proc/self/setgroups", "deny\n")
    write_once("/proc/self/gid_map", f"{gid} {gid} 1\n")


def enter(uid: int | None) -> None:
    """In the keeper, before it forks the kernel: enter the kernel's namespaces (:func:`flags`).

    Without a uid of its own (the grader is not root) the keeper enters a user
    namespace too, mapped to the grader's own uid and gid.
    """
    if uid is None:
        import pyprctl

        pyprctl.set_dumpable(True)  # a process that changed its uid is not: it could not write its maps
    outside = os.getuid(), os.getgid()  # unmapped until the maps are written
    unshare(flags(uid))
    if uid is None:
        map_own_user(*outside)


def name_host() -> None:
    """In the kernel: its own host name (:data:`HOSTNAME`), in its own UTS namespace."""
    sethostname(HOSTNAME)
