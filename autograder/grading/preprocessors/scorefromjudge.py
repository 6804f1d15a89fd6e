"""Each test cell's score from the judge's verdict alone, written so that nbgrader reads exactly that.

nbgrader's ``determine_grade`` reads a test cell's outputs in order: the first
error (or stderr) scores 0, the first ``execute_result`` is a partial score (and
raises if it is above the cell's points), anything else is full marks. A split
test's visible half runs in the submission's kernel, before the judge's part, so
whatever that kernel displayed came first: a submission that made it display a
number set its own score (9 of 11 points with every answer wrong), and one above
the points raised in the grader.

Here the score is decided from what the judge said (:class:`Verdict`, recorded by
:class:`~autograder.grading.preprocessors.executeapart.ExecuteApart` in
``resources[VERDICTS]`` as the judge's part of each test cell ends, out of any
kernel's reach), and the cell's outputs are rewritten to say just that:

* an error in the cell scores 0: the judge's part raised, the receipt was
  missing, or the kernel died before the test finished (a split test's visible
  half, in the student's own kernel, leaves its failure as text, not an error:
  that kernel is the student's to silence, so it may decide nothing);
* else the judge's numeric result (its cell's last expression), clamped to
  ``[0, points]`` (not a number: 0);
* else full points.

Every other ``execute_result`` or ``display_data`` in a test cell becomes inert
stdout text, stderr is dropped (it never decides a verdict: TensorFlow logs to
it), and a partial score is put first as the one ``execute_result``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import nbformat
from nbgrader.preprocessors import NbGraderPreprocessor

from autograder.nbgrader_cells import is_test, nbgrader

if TYPE_CHECKING:
    from nbformat import NotebookNode

#: ``resources[VERDICTS]``: ``{cell index: Verdict}`` for every test cell the judge ran.
VERDICTS = "bnweek_verdicts"
UNJUDGED = "NotJudged"


@dataclass(frozen=True)
class Verdict:
    """What the judge's part of one test cell said.

    Attributes
    ----------
    raised : bool
        The judge's code raised (a failed hidden test, or a call that went wrong).
    result : float or None
        The number its last expression evaluated to (partial credit), or ``None``.
    """

    raised: bool
    result: float | None = None


def judge_verdict(outputs: list) -> Verdict:
    """The verdict in the outputs of the judge's part of a test cell (and only those)."""
    raised = any(output.get("output_type") == "error" for output in outputs)
    results = [output for output in outputs if output.get("output_type") == "execute_result"]
    return Verdict(raised, _number(results[-1]) if results else None)


def _number(output):
    try:
        return float(_plain_text(output).strip())
    except ValueError:
        return None


def _plain_text(output):
    """An output's ``text/plain`` (or a stream's text) as one string, whatever a kernel sent."""
    data = output.get("data")
    text = data.get("text/plain", "") if isinstance(data, dict) else output.get("text", "")
    return "".join(map(str, text)) if isinstance(text, list) else str(text)


def points_of(cell: NotebookNode) -> float:
    """A test cell's points (the source notebook's, restored in staging); 0 if unreadable."""
    try:
        points = float(nbgrader(cell).get("points", 0))
    except (TypeError, ValueError):
        return 0.0
    return points if math.isfinite(points) and points > 0 else 0.0


def score(outputs: list, verdict: Verdict | None, points: float) -> float | None:
    """A test cell's score; ``None`` when nothing decides it (no error and no verdict).

    Parameters
    ----------
    outputs : list
        All of the cell's outputs (the student's kernel's and the judge's).
    verdict : Verdict or None
        The judge's, where the judge ran the cell's test.
    points : float
    """
    if any(output.get("output_type") == "error" for output in outputs) or (verdict and verdict.raised):
        return 0.0
    if verdict is None:
        return None
    if verdict.result is None:
        return points
    if math.isnan(verdict.result):
        return 0.0
    return min(max(verdict.result, 0.0), points)


def inert(output: NotebookNode) -> NotebookNode | None:
    """An output that cannot decide a grade: displayed values as stdout text; stderr dropped."""
    kind = output.get("output_type")
    if kind in ("execute_result", "display_data"):
        text = _plain_text(output)
        return nbformat.v4.new_output("stream", name="stdout", text=text + "\n") if text else None
    if kind == "stream":
        return nbformat.v4.new_output("stream", name="stdout", text=_plain_text(output)) \
            if output.get("name") == "stdout" else None
    if kind == "error":
        return output
    return None  # not an output nbformat knows: nothing to show, nothing to score


def rewrite(outputs: list, earned: float, points: float) -> list:
    """Outputs from which nbgrader's ``determine_grade`` reads exactly ``earned`` of ``points``.

    An error already in ``outputs`` scores 0; else a partial score goes first as the one
    ``execute_result``; full points need nothing.
    """
    kept = [new for output in outputs if (new := inert(output)) is not None]
    failed = any(output.get("output_type") == "error" for output in kept)
    if earned < points and not (failed and earned == 0):
        result = nbformat.v4.new_output("execute_result", data={"text/plain": repr(float(earned))},
                                        execution_count=None)
        kept.insert(0, result)
    return kept


class ScoreFromJudge(NbGraderPreprocessor):
    """Score each test cell from the judge's verdict (``resources[VERDICTS]``) and write it for nbgrader.

    Without verdicts in ``resources`` (every cell ran in one kernel: no judge), a test
    cell scores full points unless it shows an error; nothing it displayed is a score.
    A test cell with no verdict and no error, where a judge ran, was never judged:
    a fault of the grader, raised as :class:`~autograder.grading.preprocessors.executeapart.GraderFault`.
    """

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        verdicts = resources.get(VERDICTS)
        for index, cell in enumerate(nb.cells):
            if not is_test(cell):
                continue
            points = points_of(cell)
            verdict = verdicts.get(index) if verdicts is not None else Verdict(raised=False)
            earned = score(cell.get("outputs", []), verdict, points)
            if earned is None:
                from autograder.grading.preprocessors.executeapart import GraderFault

                raise GraderFault(f"the judge gave no verdict on test cell {index + 1}")
            cell.outputs = rewrite(cell.get("outputs", []), earned, points)
        return nb, resources
