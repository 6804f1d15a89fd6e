"""The keeper: when it stops a kernel (pure, fast), and what it does with the kernel's output and tree."""

import os
import signal
import time

import pytest

from autograder.sandbox import keeper
from autograder.sandbox.limits import Limits

LIMITS = Limits(wall_seconds=10, memory_bytes=2**30, cpu_seconds=20)


@pytest.mark.parametrize("seconds, resident, cpu, oom, reason", [
    (1, 2**20, 1, False, ""),
    (11, 2**20, 1, False, "the notebook ran past its time limit"),
    (1, 2**30 + 1, 1, False, "the kernel's processes used more than 1.0 GiB of memory"),
    (1, 2**20, 21, False, "the kernel's processes used more than 20 s of CPU time"),
    (1, 2**20, 1, True, "the kernel's processes used more than 1.0 GiB of memory"),
    (11, 2**31, 30, True, "the notebook ran past its time limit"),
])
def test_the_keeper_stops_a_kernel_past_a_limit_and_says_which(seconds, resident, cpu, oom, reason):
    assert keeper.over_limit(LIMITS, seconds, resident, cpu, oom) == reason


def test_a_limit_of_zero_is_no_limit():
    assert keeper.over_limit(Limits(wall_seconds=0, memory_bytes=0, cpu_seconds=0), 1e9, 2**40, 1e9, False) == ""


def test_the_kernels_output_is_relayed_up_to_its_budget_and_the_rest_dropped(capfd):
    read_end, write_end = os.pipe()
    os.write(write_end, b"x" * 100)
    os.set_blocking(read_end, False)
    assert keeper.relay(read_end, 30) == 0
    os.write(write_end, b"y" * 100)
    assert keeper.relay(read_end, 0) == 0
    os.close(write_end)
    assert keeper.relay(read_end, 0) is None, "a closed pipe ends the relay"
    os.close(read_end)
    err = capfd.readouterr().err
    assert err.startswith("x" * 30 + "\n[the kernel's further output was dropped]") and "y" not in err


def test_the_wall_clock_limit_kills_a_kernel_and_says_so():
    pid = os.fork()
    if pid == 0:
        time.sleep(30)
        os._exit(0)
    started = time.monotonic()
    code, reason = keeper.watch(pid, Limits(wall_seconds=1), confined=False)
    assert code == -signal.SIGKILL and reason == "the notebook ran past its time limit"
    assert time.monotonic() - started < 5


def test_a_kernel_that_ends_on_its_own_has_no_reason():
    pid = os.fork()
    if pid == 0:
        os._exit(3)
    assert keeper.watch(pid, LIMITS, confined=False) == (3, "")


def test_usage_sums_the_tree():
    pid = os.fork()
    if pid == 0:  # a sleeping process: its resident memory holds still
        time.sleep(30)
        os._exit(0)
    try:
        time.sleep(0.2)
        alone, _ = keeper.usage([pid])
        resident, _ = keeper.usage([pid, pid])
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    assert resident == 2 * alone > 0
    assert keeper.usage([os.getpid()])[1] > 0, "CPU seconds, the test's own"
    assert keeper.usage([2**22 + 12345]) == (0, 0), "a pid past pid_max: nothing"
