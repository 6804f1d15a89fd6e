"""The HTML report (``autograder/grading/report_html.py``): what to reteach, on one self-contained page."""

import re

import nbformat
import pytest

from autograder.grading.intake import GRADED, GRADER_ERROR, MISSING_NOTEBOOK
from autograder.grading.report_html import check_name, svg_histogram, verdicts, write_html_report
from autograder.grading.results import Outcome
from autograder.kernel import tfcheck
from autograder.sandbox.limits import Enforcement

A = "ch1_normalizing"


def verdict_text(language):
    """A real verdict as tfcheck prints it: one check passed, two failed as a known mistake."""
    tfcheck.configure(seed=1, language=language)
    try:
        checks = tfcheck.Checks("batchnorm_forward", 3)
        with checks("the output for shape (4, 32), float64, scale 1"):
            pass
        for case in ("shape (4, 32), float64, scale 1", "shape (1, 7), float32, scale 1000"):
            with checks(f"the cache for {case}"):
                raise tfcheck.Mistake("beta is missing", "forgets_beta")
        return checks.report() + "\n" + checks.summary()
    finally:
        tfcheck._current["settings"] = tfcheck.Settings()  # unseeded English again, as tests/kernel's fixture does


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_a_verdict_is_read_in_either_language(language):
    """Are the failed checks and the named mistake read from tfcheck's own report, in English and in Chinese?"""
    (verdict,) = verdicts("some print of the student\n" + verdict_text(language))
    assert verdict.function == "batchnorm_forward"
    assert [check_name(what) for what in verdict.failed] == ["the cache", "the cache"]
    assert verdict.mistakes == [tfcheck.mistake_text("forgets_beta", language)]
    assert "some print" not in verdict.text


def test_histogram_ticks_are_whole_numbers():
    """Does the y axis of the inline SVG tick only at integers, whatever the counts?"""
    for counts in ([50.0], [10.0] * 7, [95.0] * 13):
        ticks = [int(t) for t in re.findall(r'text-anchor="end" font-size="11">(\d+)<', svg_histogram(counts, "t"))]
        assert ticks[0] == 0 and ticks[-1] >= len(counts) and len(set(b - a for a, b in zip(ticks, ticks[1:]))) == 1


def graded_notebook(folder, student, text):
    cell = nbformat.v4.new_code_cell("x", metadata={"nbgrader": {"grade": True, "grade_id": "test_batchnorm_forward"}})
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=text)]
    path = folder / student / A / f"{A}.ipynb"
    path.parent.mkdir(parents=True)
    nbformat.write(nbformat.v4.new_notebook(cells=[cell]), path)


def test_the_page_counts_mistakes_apart_from_missing_and_ends_with_confinement(tmp_path):
    """Does the page count the named mistake with an example, leave the missing notebook out of the rates, and close with confinement?"""
    forged = "<script>alert(1)</script>"
    outcomes = [Outcome("alice", A, GRADED, {"batchnorm_forward": 3.0}, {"batchnorm_forward": 3.0}),
                Outcome("bob", A, GRADED, {"batchnorm_forward": 1.0}, {"batchnorm_forward": 3.0}),
                Outcome(forged, A, MISSING_NOTEBOOK, {"batchnorm_forward": 0.0}, {"batchnorm_forward": 3.0},
                        problem=f"missing notebook: {forged}"),
                Outcome("dave", A, GRADER_ERROR, {}, {"batchnorm_forward": 3.0})]
    graded_notebook(tmp_path / "autograded", "bob", verdict_text("en"))
    graded_notebook(tmp_path / "autograded", "alice", "Hidden checks of batchnorm_forward:\n  passed: the output\n")
    enforcement = Enforcement(True, how=["own PID namespace"], missing=[])
    write_html_report(outcomes, tmp_path / "r.html", enforcement, notes=[f"not graded: {forged}.txt"],
                      autograded=tmp_path / "autograded")
    page = (tmp_path / "r.html").read_text()
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "2 graded</b>, 1 not graded" in page and "1 the grader failed on" in page
    assert "<td>1/2</td><td>50%</td>" in page  # full points: alice of alice and bob; the missing one is not a 0
    assert re.search(r"<td>the cache</td><td>1/2</td>", page)
    mistake = tfcheck.mistake_text("forgets_beta", "en")
    row = page.split(mistake)[1].split("</tr>")[0]
    assert "<td>1</td>" in row and "FAILED: the cache for shape (4, 32)" in row
    assert page.rindex("What was enforced on this run") > page.index("Not graded") > page.index("Known mistakes")
    assert "http" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "") and " src=" not in page
