"""No privilege: what the seccomp filter denies, read as data (fast), and the resource limits."""

import errno
import resource

import pytest

from autograder.sandbox import privileges
from autograder.sandbox.limits import Limits
from autograder.sandbox.linux import CLONE_NEWNET, CLONE_NEWNS, CLONE_NEWPID, CLONE_NEWUSER
from autograder.sandbox.privileges import Condition, Rule

RULES = privileges.seccomp_rules()


def _denied(call, *arguments):
    """The errno the filter's rules answer ``call(*arguments)`` with (libseccomp's semantics), or None if allowed."""
    for rule in RULES:
        if rule.syscall != call:
            continue
        held = True
        for condition in rule.conditions:
            value = arguments[condition.argument]
            held &= {"EQ": value == condition.a, "NE": value != condition.a,
                     "MASKED_EQ": value & condition.a == condition.b}[condition.op]
        if held:
            return rule.error
    return None


@pytest.mark.parametrize("call", ["unshare", "setns", "mount", "pivot_root", "ptrace", "process_vm_readv", "bpf",
                                  "keyctl", "perf_event_open", "init_module", "io_uring_setup", "userfaultfd"])
def test_what_a_notebook_never_needs_answers_eperm_whatever_its_arguments(call):
    assert Rule(errno.EPERM, call) in RULES


@pytest.mark.parametrize("flag", [CLONE_NEWUSER, CLONE_NEWNS, CLONE_NEWPID, CLONE_NEWNET])
def test_clone_makes_processes_but_no_namespace(flag):
    fork_flags = 0x01200011  # what the C library's fork() passes: SIGCHLD, CHILD_SETTID, CHILD_CLEARTID
    assert _denied("clone", fork_flags) is None and _denied("clone", 0x003D0F00) is None  # a thread
    assert _denied("clone", fork_flags | flag) == errno.EPERM
    assert _denied("clone3") == errno.ENOSYS, "its flags are out of a filter's reach: the C library falls back"


@pytest.mark.parametrize("family", range(privileges.SOCKET_FAMILY_LIMIT))
def test_only_the_allowed_socket_families_open(family):
    allowed = family in privileges.SOCKET_FAMILIES.values()
    assert _denied("socket", family, 1, 0) == (None if allowed else errno.EAFNOSUPPORT)
    assert _denied("socketpair", family, 1, 0) == (None if allowed else errno.EAFNOSUPPORT)


def test_netlink_is_routing_only_and_the_keepers_ties_hold():
    netlink = privileges.SOCKET_FAMILIES["AF_NETLINK"]
    assert _denied("socket", netlink, 3, privileges.NETLINK_ROUTE) is None
    assert _denied("socket", netlink, 3, 9) == errno.EAFNOSUPPORT  # audit
    assert _denied("prctl", privileges.PR_SET_PDEATHSIG) == errno.EPERM
    assert _denied("prctl", privileges.PR_SET_DUMPABLE) == errno.EPERM
    assert _denied("prctl", 15) is None  # PR_SET_NAME
    assert _denied("ioctl", 0, privileges.TIOCSTI) == errno.EPERM and _denied("ioctl", 0, 0x5401) is None


def test_the_rules_load_into_libseccomp():
    """Every rule is one libseccomp accepts; a call this architecture lacks is left out, a bad condition is not."""
    loaded = privileges.seccomp_filter()
    assert loaded is not None
    privileges.seccomp_filter([Rule(errno.EPERM, "no_such_call_anywhere")])
    with pytest.raises((ValueError, RuntimeError, OSError)):
        privileges.seccomp_filter([Rule(errno.EPERM, "no_such_call_anywhere", (Condition(0, "EQ", 1),))])


def test_rlimits_are_the_jails_and_nproc_only_for_a_uid_of_its_own():
    limits = Limits(cpu_seconds=11, file_bytes=2**20, processes=33)
    assert privileges.rlimits(limits) == [(resource.RLIMIT_CPU, 11), (resource.RLIMIT_FSIZE, 2**20),
                                          (resource.RLIMIT_CORE, 0), (resource.RLIMIT_NPROC, 33)]
    assert resource.RLIMIT_NPROC not in dict(privileges.rlimits(limits, processes=False))
