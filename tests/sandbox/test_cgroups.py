"""A cgroup per kernel: where this process's own cgroups are, read for v1 and v2."""

import os

import pytest

from autograder.sandbox import cgroups
from autograder.sandbox.limits import Limits


def test_cgroup_paths_are_read_for_v1_and_v2():
    text = "12:pids:/grading\n4:memory,cpu:/grading/x\n0::/user.slice\n"
    assert cgroups._own_paths(text) == {"pids": "/grading", "memory": "/grading/x", "cpu": "/grading/x",
                                         "": "/user.slice"}


def test_a_cgroup_holds_its_limits_and_goes_when_removed():
    """Where the host lets the grader make one: are its limits the kernel's, and is nothing left behind?"""
    limits = Limits(processes=77, memory_bytes=123 * 2**20)
    group = cgroups.create(f"bnweek-test-{os.getpid()}", limits)
    if group is None:
        pytest.skip("this host gives the grader no cgroup")
    try:
        folder = group.folders["unified" if group.version == 2 else "pids"]
        name = "pids.max"
        with open(os.path.join(folder, name)) as file:
            assert int(file.read()) == 77
        assert group.pids() == [] and not group.out_of_memory()
    finally:
        group.remove()
    assert not any(os.path.exists(path) for path in group.folders.values())
