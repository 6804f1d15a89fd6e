"""The two-kernel execution step's own bounds (``autograder/grading/preprocessors/executeapart.py``), on a bare instance.

The kernels themselves are exercised in ``tests/grading/test_judge.py`` (marked ``grading``).
"""

import pytest

from autograder.grading.preprocessors import executeapart
from autograder.grading.preprocessors.executeapart import TRUNCATED, ExecuteApart


def stream(text):
    return {"msg_type": "stream", "header": {"msg_type": "stream"}, "parent_header": {},
            "content": {"name": "stdout", "text": text}, "metadata": {}}


@pytest.fixture
def step():
    """An ExecuteApart with no kernel, its output counters as ``preprocess`` sets them."""
    step = ExecuteApart()
    step.reset_execution_trackers()
    step._outputs = step._output_bytes = 0
    step.clear_before_next_output = False  # set per cell by nbclient's execute_cell
    return step


def test_outputs_within_bounds_are_kept(step):
    """Are outputs kept as nbclient keeps them while the notebook stays within its bounds?"""
    outs = []
    for text in ("a\n", "b\n"):
        step.output(outs, stream(text), None, 0)
    assert "".join(out["text"] for out in outs) == "a\nb\n" and TRUNCATED not in str(outs)


def test_too_many_outputs_are_dropped_with_one_note(step, monkeypatch):
    """Past MAX_OUTPUTS, is the rest dropped, with one note saying so?"""
    monkeypatch.setattr(executeapart, "MAX_OUTPUTS", 3)
    outs = []
    for index in range(10):
        step.output(outs, stream(f"line {index}\n"), None, 0)
    text = "".join(out["text"] for out in outs)
    assert text.count(TRUNCATED) == 1 and "line 2\n" in text and "line 3" not in text


def test_too_many_bytes_are_dropped_across_cells(step, monkeypatch):
    """Is the byte bound per notebook, so that output spread over many cells still stops?"""
    monkeypatch.setattr(executeapart, "MAX_OUTPUT_BYTES", 1000)
    kept = []
    for cell_index in range(5):
        outs = []
        step.output(outs, stream("x" * 400), None, cell_index)
        kept.append(outs)
    assert [len(outs) for outs in kept[:2]] == [1, 1]
    assert [out["text"] for out in kept[2]] == [TRUNCATED] and kept[3] == kept[4] == []


def test_bounds_are_generous_for_honest_notebooks():
    """Are the bounds far above what an honest notebook prints, and below what ZeroMQ would refuse?"""
    assert executeapart.MAX_OUTPUTS >= 1000 and executeapart.MAX_OUTPUT_BYTES >= 2**20
    assert executeapart.MAX_OUTPUT_BYTES <= executeapart.MAX_MESSAGE_BYTES
