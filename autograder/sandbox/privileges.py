"""No privilege: the kernel's resource limits, its uid, no capability, ``no_new_privs``, and seccomp.

:func:`drop_privileges` is the last wall the kernel puts up before it runs a line of
a notebook. The seccomp filter is described as data first (:func:`seccomp_rules`,
pure), then loaded through libseccomp (:func:`seccomp_filter`), so what it denies
can be read and tested without loading it.
"""

from __future__ import annotations

import errno
import os
import resource
import signal
from dataclasses import dataclass
from typing import TYPE_CHECKING

from autograder.sandbox.linux import (
    CLONE_NEWCGROUP, CLONE_NEWIPC, CLONE_NEWNET, CLONE_NEWNS, CLONE_NEWPID, CLONE_NEWTIME, CLONE_NEWUSER,
    CLONE_NEWUTS, ConfinementError,
)

if TYPE_CHECKING:
    import pyseccomp

    from autograder.sandbox.limits import Limits

#: Socket families a notebook may open: local sockets, and IP in the kernel's own empty network
#: namespace. Every other family (``AF_VSOCK`` reaches the host, ``AF_ALG`` the kernel's crypto, ...)
#: answers EAFNOSUPPORT. ``AF_NETLINK`` is allowed for routing only (``getifaddrs``), in that namespace.
SOCKET_FAMILIES = {"AF_UNIX": 1, "AF_INET": 2, "AF_INET6": 10, "AF_NETLINK": 16}
#: Families the filter knows; ``AF_MAX`` is below this on every kernel so far.
SOCKET_FAMILY_LIMIT = 64
NETLINK_ROUTE = 0
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
#: Namespaces ``clone`` may not make.
CLONE_NAMESPACES = (CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET,
                    CLONE_NEWCGROUP, CLONE_NEWTIME)
PR_SET_PDEATHSIG, PR_SET_DUMPABLE, TIOCSTI = 1, 4, 0x5412


@dataclass(frozen=True)
class Condition:
    """A condition on a system call's argument, as libseccomp's ``Arg(argument, op, a, b)``.

    ``op`` names libseccomp's comparison: ``EQ`` and ``NE`` compare with ``a``;
    ``MASKED_EQ`` asks whether ``argument & a == b``.
    """

    argument: int
    op: str
    a: int
    b: int = 0


@dataclass(frozen=True)
class Rule:
    """``syscall`` fails with ``error`` (an errno) when every one of its ``conditions`` holds."""

    error: int
    syscall: str
    conditions: tuple[Condition, ...] = ()


def seccomp_rules() -> list[Rule]:
    """What the seccomp filter denies (everything else is allowed): :data:`DENIED_SYSCALLS` answer EPERM.

    A socket of a family outside :data:`SOCKET_FAMILIES` (by number, below
    :data:`SOCKET_FAMILY_LIMIT`; a larger number is no family), or a netlink socket
    other than routing's, answers EAFNOSUPPORT.

    ``clone`` may not make namespaces; ``clone3``, whose flags a filter cannot read,
    answers ENOSYS so that the C library falls back to ``clone``. ``prctl`` may not
    clear the parent-death signal that ties the kernel to its keeper, nor make it
    dumpable again; ``ioctl`` may not push input into a terminal (``TIOCSTI``).
    """
    rules = [Rule(errno.EPERM, name) for name in DENIED_SYSCALLS]
    rules.append(Rule(errno.ENOSYS, "clone3"))
    rules += [Rule(errno.EPERM, "clone", (Condition(0, "MASKED_EQ", flag, flag),)) for flag in CLONE_NAMESPACES]
    rules += [Rule(errno.EPERM, "prctl", (Condition(0, "EQ", option),)) for option in (PR_SET_PDEATHSIG, PR_SET_DUMPABLE)]
    rules.append(Rule(errno.EPERM, "ioctl", (Condition(1, "MASKED_EQ", 0xFFFFFFFF, TIOCSTI),)))
    for family in range(SOCKET_FAMILY_LIMIT):
        if family not in SOCKET_FAMILIES.values():
            rules += [Rule(errno.EAFNOSUPPORT, call, (Condition(0, "EQ", family),)) for call in ("socket", "socketpair")]
    rules.append(Rule(errno.EAFNOSUPPORT, "socket", (Condition(0, "EQ", SOCKET_FAMILIES["AF_NETLINK"]),
                                                     Condition(2, "NE", NETLINK_ROUTE))))
    return rules


def seccomp_filter(rules: list[Rule] | None = None) -> pyseccomp.SyscallFilter:
    """The seccomp filter of ``rules`` (:func:`seccomp_rules` by default): allow by default, deny what they name.

    A system call this architecture does not have is left out (nothing can make it).
    """
    import pyseccomp as seccomp

    loaded = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
    for rule in seccomp_rules() if rules is None else rules:
        conditions = [seccomp.Arg(c.argument, getattr(seccomp, c.op), c.a, c.b) for c in rule.conditions]
        try:
            loaded.add_rule(seccomp.ERRNO(rule.error), rule.syscall, *conditions)
        except (ValueError, RuntimeError, OSError):  # not a system call on this architecture
            if rule.conditions:
                raise
    return loaded


def rlimits(limits: Limits, processes: bool = True) -> list[tuple[int, int]]:
    """``[(resource, value)]``: the resource limits every process of the kernel inherits.

    ``RLIMIT_NPROC`` counts per uid: only a kernel with a uid of its own (``processes``) gets it.
    """
    values = [(resource.RLIMIT_CPU, limits.cpu_seconds), (resource.RLIMIT_FSIZE, limits.file_bytes),
              (resource.RLIMIT_CORE, 0)]
    if processes:
        values.append((resource.RLIMIT_NPROC, limits.processes))
    return [(name, int(value)) for name, value in values]


def set_rlimits(limits: Limits, processes: bool = True) -> None:
    """Set :func:`rlimits`, soft and hard alike."""
    for name, value in rlimits(limits, processes):
        resource.setrlimit(name, (value, value))


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
