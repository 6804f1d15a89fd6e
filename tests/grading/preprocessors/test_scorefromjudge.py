"""ScoreFromJudge (``autograder/grading/preprocessors/scorefromjudge.py``): a test cell's score is the judge's alone."""

import nbformat
import pytest
from nbgrader.utils import determine_grade

from autograder.grading.preprocessors.executeapart import GraderFault
from autograder.grading.preprocessors.scorefromjudge import (
    VERDICTS,
    ScoreFromJudge,
    Verdict,
    judge_verdict,
    score,
)


def result(text):
    return nbformat.v4.new_output("execute_result", data={"text/plain": text}, execution_count=1)


def display(text):
    return nbformat.v4.new_output("display_data", data={"text/plain": text})


def stream(text, name="stdout"):
    return nbformat.v4.new_output("stream", name=name, text=text)


def error(ename="AssertionError"):
    return nbformat.v4.new_output("error", ename=ename, evalue="no", traceback=[])


def graded(cells, outputs, verdict, points=3):
    """The points nbgrader records for one test cell after ScoreFromJudge, given its outputs and the judge's verdict."""
    cell = cells.test("test_f", points=points)
    cell.outputs = outputs
    notebook = cells.notebook(cells.answer("f"), cell)
    resources = {VERDICTS: {} if verdict is None else {1: verdict}}
    notebook, _ = ScoreFromJudge()(notebook, resources)
    return determine_grade(notebook.cells[1])[0]


# The split test's visible half runs in the submission's kernel: everything it shows comes first.
SUBMISSION_SHOWS = {
    "the cell's points as a result": [result("3")],
    "a value above the points": [result("100")],
    "a negative value": [result("-5")],
    "not a number": [result("'lots'")],
    "a display of a number": [display("2")],
    "a list as text/plain": [nbformat.from_dict({"output_type": "execute_result", "execution_count": 1,
                                                 "data": {"text/plain": ["3"]}, "metadata": {}})],
    "stderr before everything": [stream("warning\n", "stderr"), result("3")],
}


@pytest.mark.parametrize("shown", sorted(SUBMISSION_SHOWS))
def test_nothing_the_submission_shows_decides_or_raises_a_score(cells, shown):
    """Whatever the submission's kernel displays before the judge's part, is the score the judge's, without a raise?"""
    before = SUBMISSION_SHOWS[shown]
    assert graded(cells, [*before, stream("x\n"), error()], judge_verdict([stream("x\n"), error()])) == 0
    assert graded(cells, [*before, result("1.5")], judge_verdict([result("1.5")])) == 1.5
    assert graded(cells, [*before], judge_verdict([])) == 3


@pytest.mark.parametrize(("judged", "expected"), [
    ("2.25", 2.25), ("0.0", 0), ("3.0", 3), ("7.5", 3), ("-1.0", 0), ("nan", 0), ("inf", 3), ("'text'", 3),
])
def test_the_judges_result_is_clamped_to_the_points(cells, judged, expected):
    """Is the judge's numeric result the score, clamped to [0, points] (not a number: NaN scores 0, text full)?"""
    assert graded(cells, [result(judged)], judge_verdict([result(judged)])) == expected


def test_an_error_in_the_visible_half_scores_zero(cells):
    """Does an error in the student's own kernel (a split test's visible half) score 0, the judge not having run?"""
    assert graded(cells, [stream("visible\n"), error()], None) == 0


def test_stderr_never_decides(cells):
    """Does a passing test cell that wrote to stderr (TensorFlow's logs do) keep its points?"""
    assert graded(cells, [stream("tf log\n", "stderr"), stream("ok\n")], judge_verdict([stream("ok\n")])) == 3


def test_a_judge_that_raised_scores_zero_even_if_its_error_is_gone(cells):
    """Is the judge's verdict enough on its own: raised means 0, whatever the outputs still show?"""
    assert graded(cells, [result("3")], Verdict(raised=True)) == 0


def test_a_test_the_judge_never_judged_is_the_graders_fault(cells):
    """Is a test cell with neither an error nor a verdict, where a judge ran, a grader fault rather than any score?"""
    with pytest.raises(GraderFault):
        graded(cells, [stream("ran somewhere\n")], None)


def test_without_a_judge_only_errors_count(cells):
    """With no judge (every cell in one kernel), does nothing displayed become a score?"""
    cell = cells.test("test_f", points=2)
    cell.outputs = [result("0.5")]
    notebook, _ = ScoreFromJudge()(cells.notebook(cell), {})
    assert determine_grade(notebook.cells[0])[0] == 2


def test_outputs_are_kept_as_text_and_the_partial_score_comes_first(cells):
    """Does the feedback still show what was displayed (as text), with the judge's partial score as the one result?"""
    cell = cells.test("test_f", points=3)
    cell.outputs = [result("100"), display("shown"), stream("printed\n"), result("1.5")]
    notebook, _ = ScoreFromJudge()(cells.notebook(cell), {VERDICTS: {0: judge_verdict([result("1.5")])}})
    outputs = notebook.cells[0].outputs
    assert [o.output_type for o in outputs] == ["execute_result", "stream", "stream", "stream", "stream"]
    assert outputs[0].data["text/plain"] == "1.5"
    assert "".join(o.text for o in outputs[1:]) == "100\nshown\nprinted\n1.5\n"
    nbformat.validate(notebook)


def test_score_is_pure():
    """Does ``score`` decide from its arguments alone: an error, then the verdict, then full?"""
    assert score([error()], Verdict(False, 2.0), 3) == 0
    assert score([], Verdict(False, 2.0), 3) == 2
    assert score([], Verdict(False, None), 3) == 3
    assert score([], None, 3) is None


def test_malformed_outputs_neither_raise_nor_score(cells):
    """Do outputs a kernel could craft (data not a mapping, text not a string, an unknown type) neither raise in
    the grader nor decide the score?"""
    odd = [nbformat.from_dict({"output_type": "display_data", "data": ["3"], "metadata": {}}),
           nbformat.from_dict({"output_type": "execute_result", "data": {"text/plain": 3}, "metadata": {},
                               "execution_count": 1}),
           nbformat.from_dict({"output_type": "stream", "name": "stdout", "text": 12}),
           nbformat.from_dict({"output_type": "update_display_data", "data": {}})]
    assert graded(cells, [*odd, error()], judge_verdict([error()])) == 0
    assert graded(cells, [*odd, result("2")], judge_verdict([result("2")])) == 2
    assert graded(cells, odd, judge_verdict([])) == 3
