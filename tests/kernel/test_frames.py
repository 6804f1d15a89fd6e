"""Running grader code below IPython's frames, and what its tracebacks keep."""

from __future__ import annotations

import inspect
import traceback

import pytest

from autograder.kernel.frames import DEEP_FRAMES, below_ipython


def _depth():
    return len(inspect.stack(0))


def test_the_function_runs_below_the_deep_frames_and_its_value_comes_back():
    here = _depth()
    assert below_ipython(_depth) >= here + DEEP_FRAMES
    assert below_ipython(divmod, 7, 2) == (3, 1)


def _fail(message):
    raise ValueError(message)


def test_a_traceback_skips_the_deep_frames_and_keeps_where_it_was_raised():
    with pytest.raises(ValueError, match="seven") as caught:
        below_ipython(_fail, "seven")
    names = [frame.name for frame in traceback.extract_tb(caught.value.__traceback__)]
    # IPython looks up the module of each frame it shows: 1.4 ms apiece in a judge, 50 of them before
    assert len(names) <= 4, names
    assert names[-1] == "_fail" and "below_ipython" in names


def test_an_exception_raised_again_higher_up_keeps_its_shortened_traceback():
    def caller():
        try:
            below_ipython(_fail, "eight")
        except ValueError:
            raise

    with pytest.raises(ValueError) as caught:
        caller()
    names = [frame.name for frame in traceback.extract_tb(caught.value.__traceback__)]
    assert names[-3:] == ["caller", "below_ipython", "_fail"], names
