"""A term's worth of ``./course grade``: deadlines, overrides, exports and the HTML report, on real notebooks.

One mixed download (Blackboard attempts with times, Canvas and Moodle entries with their ids) of chapter 1 is
graded twice through the command line: first with a deadlines file and an override, then without the deadlines
and with the override removed from its file.
"""

import copy
import csv
import re
import subprocess
import zipfile

import nbformat
import pytest

from autograder.course import REPO as ROOT, source_notebook
from autograder.kernel import tfcheck

pytestmark = pytest.mark.grading

A = "ch1_normalizing"
DEADLINES = f"""[due]
{A} = 2026-03-02T23:59:00
[[extension]]
student = "carol"
assignment = "{A}"
due = 2026-03-05T23:59:00
[policy]
per_day = 0.1
max = 0.5
"""
OVERRIDES = "student,assignment,function,score,reason\n"


def notebook_with(mutant=None):
    notebook = nbformat.read(source_notebook(A), as_version=4)
    if mutant:
        notebook = copy.deepcopy(notebook)
        for cell in notebook.cells:
            if cell.metadata.get("nbgrader", {}).get("solution") and "def batchnorm_forward" in cell.source:
                cell.source = (ROOT / "tests" / "catalogue" / A / "batchnorm_forward" / f"{mutant}.py").read_text()
    return nbformat.writes(notebook)


@pytest.fixture(scope="module")
def term(tmp_path_factory):
    root = tmp_path_factory.mktemp("term")
    archive = root / "download.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr(f"Week 1_alice_attempt_2026-03-02-20-00-00_{A}.ipynb", notebook_with())
        zipped.writestr(f"Week 1_bob_attempt_2026-03-04-10-00-00_{A}.ipynb", notebook_with("mutant_forgets_beta"))
        zipped.writestr(f"Week 1_carol_attempt_2026-03-04-10-00-00_{A}.ipynb", notebook_with())
        zipped.writestr("Week 1_dave_attempt_2026-03-01-10-00-00_notes.txt", "no notebook")
        zipped.writestr(f"erin_LATE_1234_5678_{A}.ipynb", notebook_with())
        zipped.writestr(f"Frank Li_301_assignsubmission_file_/{A}.ipynb", notebook_with("mutant_forgets_beta"))
    (root / "deadlines.toml").write_text(DEADLINES)
    (root / "overrides.csv").write_text(OVERRIDES + f'alice,{A},batchnorm_forward,0.5,"copied, see mail"\n')
    output = root / "out"

    def grade(deadlines=True):
        timed = ["--deadlines", str(root / "deadlines.toml")] if deadlines else []
        result = subprocess.run([str(ROOT / "course"), "grade", str(archive), A, "-o", str(output), "--workers", "2",
                                 "-q", *timed, "--overrides", str(root / "overrides.csv")],
                                capture_output=True, text=True, cwd=ROOT)
        assert result.returncode == 0, result.stdout + result.stderr
        with open(output / "grades.csv", encoding="utf-8") as file:
            rows = {row["student"]: row for row in csv.DictReader(file)}
        feedback = {s: (output / "feedback" / s / A / f"{A}.html").read_text(encoding="utf-8")
                    for s in ("alice", "bob")}
        return rows, feedback, (output / "report" / "report.html").read_text(encoding="utf-8")

    first = grade()
    (root / "overrides.csv").write_text(OVERRIDES)
    return first, grade(deadlines=False), output


def test_a_late_submission_loses_the_policys_points_in_grades_and_feedback(term):
    """Is bob (1 d 10 h late: two started days at 10 %) 1 point down in grades.csv and told so, carol's extension honoured?"""
    (rows, feedback, _), _, _ = term
    bob, carol = rows["bob"], rows["carol"]
    assert (bob["lateness"], bob["late_penalty"]) == ("1 d 10 h 1 min late", "1")
    scored = float(bob["normalize_inputs"]) + float(bob["batchnorm_forward"])
    assert float(bob["total"]) == pytest.approx(scored - 1) and scored < 5
    assert "Late submission penalty (Score: -1.0)" in feedback["bob"]
    assert (carol["lateness"], carol["late_penalty"], carol["total"]) == ("on time", "0", "5")
    assert rows["erin"]["late"] == "late" and "time unknown" in rows["erin"]["lateness"]  # Canvas's mark, no time


def test_a_run_without_deadlines_takes_the_penalty_back(term):
    """Is bob's penalty gone from grades.csv and his feedback once the deadlines file is no longer passed?"""
    (rows, _, _), (rows2, feedback2, _), _ = term
    assert float(rows2["bob"]["total"]) == pytest.approx(float(rows["bob"]["total"]) + 1)
    assert "late_penalty" not in rows2["bob"] and "Late submission penalty" not in feedback2["bob"]


def test_an_override_reaches_grades_feedback_and_report_and_is_undone_when_removed(term):
    """Does alice's override set her score everywhere, and does removing its row give back the judge's score?"""
    (rows, feedback, report), (rows2, feedback2, report2), _ = term
    assert (rows["alice"]["batchnorm_forward"], rows["alice"]["total"]) == ("0.5", "2.5")
    assert "copied, see mail" in rows["alice"]["overrides"] and "copied, see mail" in report
    assert "Score: 0.5 / 3.0" in feedback["alice"]
    assert (rows2["alice"]["batchnorm_forward"], rows2["alice"]["total"]) == ("3", "5")
    assert "Score: 0.5 / 3.0" not in feedback2["alice"] and "Score: 3.0 / 3.0" in feedback2["alice"]
    assert "Scores set by hand" not in report2


def test_the_report_names_the_mistake_and_counts_the_missing_apart(term):
    """Does report.html count the forgotten beta (bob, frank) with an example, dave as not graded, and bob as late?"""
    (_, _, report), _, _ = term
    mistake = tfcheck.mistake_text("forgets_beta", "en")
    assert mistake in report and "<td>2</td>" in report.split(mistake)[1].split("</tr>")[0]
    assert "5 graded</b>, 1 not graded" in report and "<td>dave</td>" in report.split("Not graded")[1]
    assert "<td>bob</td>" in report.split("Late submissions")[1]


def test_grades_and_feedback_go_back_to_canvas_and_moodle(term):
    """Are erin's Canvas and frank's Moodle grades and feedback exported keyed by their LMS ids?"""
    (rows, _, _), _, output = term
    with open(output / "export" / "canvas" / f"{A}.csv", encoding="utf-8") as file:
        assert [(r["ID"], r[A]) for r in csv.DictReader(file)] == [("1234", rows["erin"]["total"])]
    with open(output / "export" / "moodle" / f"{A}.csv", encoding="utf-8") as file:
        assert [(r["Identifier"], r["Grade"]) for r in csv.DictReader(file)] == [("Participant 301", next(r["total"] for s, r in rows.items() if s.startswith("Frank")))]
    with zipfile.ZipFile(output / "export" / "moodle" / f"{A}-feedback.zip") as bundle:
        assert [name.split("_")[1] for name in bundle.namelist()] == ["301"]
    with zipfile.ZipFile(output / "export" / "canvas" / f"{A}-feedback.zip") as bundle:
        assert bundle.namelist() == [f"erin_1234_feedback_{A}.html"]


def test_feedback_typesets_its_formulas_offline(term):
    """Does each feedback page load MathJax 3 (with its safe extension) from the run's own copy, not from a CDN?"""
    (_, feedback, _), _, output = term
    page = feedback["bob"]
    assert "cdnjs" not in page and not re.search(r'(src|href)="(https?:)?//', page.split("<body")[0])
    script = page.split('<script src="')[1].split('"')[0]
    here = output / "feedback" / "bob" / A
    assert (here / script).resolve() == (output / "feedback" / "mathjax" / "tex-chtml-full.js").resolve()
    assert (here / script).parent.joinpath("ui", "safe.js").is_file() and "load: ['ui/safe']" in page
    assert any((output / "feedback" / "mathjax" / "output" / "chtml" / "fonts" / "woff-v2").glob("*.woff"))
