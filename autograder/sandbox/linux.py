"""The few Linux calls the walls are built of, through the C library, and their constants.

Each wall's own module (:mod:`~autograder.sandbox.namespaces`, :mod:`~autograder.sandbox.mounts`,
:mod:`~autograder.sandbox.privileges`, :mod:`~autograder.sandbox.keeper`) calls these; a call
that fails raises :class:`ConfinementError`, and a kernel whose confinement raised never starts.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC = 0x00020000, 0x04000000, 0x08000000
CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET = 0x10000000, 0x20000000, 0x40000000
CLONE_NEWCGROUP, CLONE_NEWTIME = 0x02000000, 0x00000080
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 4096, 16384, 1 << 18
MNT_DETACH = 2


class ConfinementError(OSError):
    """A step of the confinement failed: the kernel must not start."""


def libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


def check(result: int, what: str) -> None:
    """Raise :class:`ConfinementError` (with ``errno``'s words) unless a C call's ``result`` is 0."""
    if result != 0:
        error = ctypes.get_errno()
        raise ConfinementError(error, f"{what}: {os.strerror(error)}")


def unshare(flags: int) -> None:
    check(libc().unshare(flags), f"unshare({flags:#x})")


def setns(fd: int, kind: int, what: str) -> None:
    check(libc().setns(fd, kind), what)


def mount(source: str | None, target: str, fstype: str | None = None, flags: int = 0, data: str | None = None) -> None:
    encode = lambda value: None if value is None else os.fsencode(value)  # noqa: E731 - four uses on one line
    check(libc().mount(encode(source), encode(target), encode(fstype), ctypes.c_ulong(flags), encode(data)),
          f"mount {source} on {target}")


def umount(target: str, flags: int, what: str) -> None:
    check(libc().umount2(os.fsencode(target), flags), what)


def pivot_root(new_root: str, put_old: str) -> None:
    import pyseccomp

    number = pyseccomp.resolve_syscall(pyseccomp.system_arch(), "pivot_root")
    check(libc().syscall(number, os.fsencode(new_root), os.fsencode(put_old)), "pivot_root")


def sethostname(name: bytes) -> None:
    check(libc().sethostname(name, len(name)), "sethostname")


def write_once(path: str, text: str) -> None:
    """Write ``text`` to ``path`` in one ``write(2)``, without ``O_TRUNC`` (which ``/proc``'s maps refuse)."""
    fd = os.open(path, os.O_WRONLY)
    try:
        os.write(fd, text.encode())
    finally:
        os.close(fd)


def die_with_parent(parent: int | None = None) -> None:
    """Have the kernel kill this process (``SIGKILL``) as soon as its parent ends.

    Call it first thing in a child process; ``parent`` is the pid the child was started by.
    If that process has already ended, this one ends at once: the signal would never come.
    Elsewhere than on Linux it does nothing.
    """
    if not sys.platform.startswith("linux"):
        return
    import pyprctl

    pyprctl.set_pdeathsig(signal.SIGKILL)
    if parent is not None and os.getppid() != parent:
        os._exit(1)
