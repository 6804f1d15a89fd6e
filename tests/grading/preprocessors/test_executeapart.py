"""The two-kernel execution step's own bounds (``autograder/grading/preprocessors/executeapart.py``), on a bare instance.

The kernels themselves are exercised in ``tests/grading/test_judge.py`` (marked ``grading``).
"""

import pytest

from autograder.course import OTHER, SETUP, SPLIT, TEST
from autograder.grading import kernels
from autograder.grading.preprocessors import executeapart
from autograder.grading.preprocessors.executeapart import TRUNCATED, ExecuteApart, judged_source
from autograder.grading.preprocessors.hidetestinternals import HIDDEN_BEGIN, HIDDEN_END


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
    assert executeapart.MAX_OUTPUT_BYTES <= kernels.MAX_MESSAGE_BYTES


SPLIT_SOURCE = f"layer = BatchNorm()\nassert layer.built\n{HIDDEN_BEGIN}\nassert probes.is_model(1)\n{HIDDEN_END}"


def test_the_judge_runs_a_tests_whole_source_and_a_split_tests_hidden_region(cells):
    """Does the judge get a test's whole source, a split test's hidden region from its marker on, and nothing
    of a split test without a hidden region (it runs with the code alone), a setup cell or any other?"""
    test = cells.test("test_f", "assert f(1) == 2")
    split = cells.test("test_BatchNorm", SPLIT_SOURCE)
    assert judged_source(test, TEST) == "assert f(1) == 2"
    assert judged_source(split, SPLIT) == SPLIT_SOURCE[SPLIT_SOURCE.index(HIDDEN_BEGIN):]
    assert judged_source(cells.test("test_g", "assert g()"), SPLIT) is None
    for cell, role in ((cells.setup(), SETUP), (cells.code(), OTHER), (split, OTHER)):
        assert judged_source(cell, role) is None


def test_the_judge_is_staged_only_the_source_notebooks_tests(cells):
    """Are the sources staged in the judge keyed by cell index, and only for the source notebook's tests, whatever
    the submission's own metadata says (a cell claiming to be a test; a test that lost its metadata)?"""
    claimed = cells.code("print('mine')")
    claimed.metadata.nbgrader = dict(cells.test("test_mine").metadata.nbgrader, grade_id="test_mine")
    stripped = cells.code("assert f(1) == 2")
    stripped.metadata.nbgrader = {"grade_id": "test_f"}
    step = ExecuteApart()
    step.roles = {"tests": ["test_f"], "split": ["test_BatchNorm"], "setup": ["setup"], "functions": ["f"]}
    step.nb = cells.notebook(cells.setup(), cells.answer("f"), claimed, stripped,
                             cells.test("test_BatchNorm", SPLIT_SOURCE))
    assert step._judged_sources() == {3: "assert f(1) == 2", 4: SPLIT_SOURCE[SPLIT_SOURCE.index(HIDDEN_BEGIN):]}
