"""Where the time goes (``autograder/grading/timing.py``): the stopwatch, the means and the report's table."""

import time

from autograder.grading.intake import GRADED
from autograder.grading.results import Outcome
from autograder.grading.timing import (
    FEEDBACK, KERNELS, PHASES, SETUP, STAGE, TESTS, Stopwatch, mean_seconds, profile_table,
)


def test_a_phase_entered_twice_adds_up():
    """Does the stopwatch add the time of each entry into a phase, and keep phases apart?"""
    watch = Stopwatch()
    for _ in range(2):
        with watch.phase(SETUP):
            time.sleep(0.02)
    with watch.phase(TESTS):
        pass
    assert 0.04 <= watch.seconds[SETUP] < 0.5 and watch.seconds[TESTS] < 0.02


def test_a_phase_that_raises_is_still_timed():
    """Is the time until an error counted, so a notebook that fails midway still says where its time went?"""
    watch = Stopwatch()
    try:
        with watch.phase(KERNELS):
            time.sleep(0.01)
            raise RuntimeError("no kernel")
    except RuntimeError:
        pass
    assert watch.seconds[KERNELS] >= 0.01


def test_phases_come_in_the_order_a_notebook_goes_through_them():
    """Does as_dict list the known phases in PHASES order, then any other by name?"""
    watch = Stopwatch()
    watch.add({FEEDBACK: 1.0, "zzz": 0.5, STAGE: 2.0, TESTS: 3.0})
    assert list(watch.as_dict()) == [STAGE, TESTS, FEEDBACK, "zzz"]
    assert PHASES.index(STAGE) < PHASES.index(KERNELS) < PHASES.index(TESTS) < PHASES.index(FEEDBACK)


def test_means_are_over_timed_notebooks_only():
    """Is a notebook that was not executed (no timings) left out of the means, and a phase missing in one counted 0?"""
    means = mean_seconds([{STAGE: 1.0, TESTS: 4.0}, {STAGE: 3.0}, {}])
    assert means == {STAGE: 2.0, TESTS: 2.0}
    assert mean_seconds([{}, {}]) == {}


def test_the_table_has_a_row_per_assignment_and_one_for_all():
    """Does the profile table give each assignment's seconds per notebook and phase, their total, and the class's?"""
    outcomes = [Outcome("a", "ch1", GRADED, timings={STAGE: 0.5, TESTS: 1.5}),
                Outcome("b", "ch1", GRADED, timings={STAGE: 0.5, TESTS: 0.5}),
                Outcome("c", "ch2", GRADED, timings={STAGE: 1.0, TESTS: 3.0}),
                Outcome("d", "ch2", "missing notebook")]
    table = profile_table(outcomes)
    assert table[0] == "| assignment | notebooks | stage | tests | total |"
    assert "| ch1 | 2 | 0.50 | 1.00 | 1.50 |" in table
    assert "| ch2 | 1 | 1.00 | 3.00 | 4.00 |" in table
    assert table[-1] == "| all | 3 | 0.67 | 1.67 | 2.33 |"
    assert profile_table(outcomes[3:]) == []
