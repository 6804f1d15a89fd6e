"""The kernel's own namespaces: which the keeper enters."""

from autograder.sandbox import namespaces
from autograder.sandbox.linux import CLONE_NEWIPC, CLONE_NEWNET, CLONE_NEWPID, CLONE_NEWUSER, CLONE_NEWUTS


def test_a_kernel_with_a_uid_of_its_own_needs_no_user_namespace():
    walls = CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS
    assert namespaces.flags(1_500_000_000) == walls
    assert namespaces.flags(0) == walls, "uid 0 given is a uid, not 'none'"
    assert namespaces.flags(None) == walls | CLONE_NEWUSER
