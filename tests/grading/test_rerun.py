"""Re-runs (``autograder/grading/rerun.py``): which submissions a run into the same folder grades again."""

import shutil

import pytest

from autograder.course import source_notebook
from autograder.grading.intake import GRADED, MISSING_NOTEBOOK, Submission
from autograder.grading.rerun import DIGESTS, digest, plan, remember
from autograder.grading.results import Outcome

A = "ch1_normalizing"


@pytest.fixture
def run(tmp_path):
    """Two students' folders and an output folder in which both were graded (their autograded marks exist)."""
    submissions = []
    for student in ("alice", "bob"):
        folder = tmp_path / "submitted" / student / A
        folder.mkdir(parents=True)
        shutil.copy(source_notebook(A), folder / f"{A}.ipynb")
        (folder / "data.csv").write_text("1,2")
        marker = tmp_path / "out" / "autograded" / student / A / f"{A}.ipynb"
        marker.parent.mkdir(parents=True)
        marker.write_text("{}")
        submissions.append(Submission(student, A, folder))
    return submissions, tmp_path / "out"


def graded(submissions, output):
    """The outcomes of a run that graded every submission, and the marks it leaves."""
    for s in submissions:
        marker = output / "autograded" / s.student / A / f"{A}.ipynb"
        marker.write_text("{}")
    return [Outcome(s.student, s.assignment, GRADED) for s in submissions]


def test_the_digest_follows_the_content_not_the_time(run):
    """Does the digest change with the notebook's or a file's bytes, and stay when only a file's time changes?"""
    (alice, _), _ = run
    first = digest(alice)
    (alice.folder / "data.csv").touch()
    assert digest(alice) == first
    (alice.folder / "data.csv").write_text("1,3")
    second = digest(alice)
    with open(alice.folder / f"{A}.ipynb", "a") as file:
        file.write(" ")
    assert len({first, second, digest(alice)}) == 3


def test_only_what_changed_is_graded_again(run):
    """After a run, is an unchanged submission reused (its mark kept) and a changed one graded again (mark removed)?"""
    submissions, output = run
    remember(plan(submissions, output), graded(submissions, output), output)
    assert (output / DIGESTS).is_file()
    with open(submissions[1].folder / f"{A}.ipynb", "a") as file:
        file.write("\n")
    planned = plan(submissions, output)
    assert planned.reused == {("alice", A)} and planned.again == {("bob", A)}
    assert (output / "autograded" / "alice" / A / f"{A}.ipynb").is_file()
    assert not (output / "autograded" / "bob" / A / f"{A}.ipynb").exists()


def test_a_named_student_is_graded_again_whatever_changed(run):
    """Does ``--student alice`` grade alice again though nothing changed, and reuse bob?"""
    submissions, output = run
    remember(plan(submissions, output), graded(submissions, output), output)
    planned = plan(submissions, output, student="alice")
    assert planned.again == {("alice", A)} and planned.reused == {("bob", A)}


def test_a_submission_not_left_graded_is_forgotten(run):
    """Is a submission that ended refused or with a grader error not remembered, so that the next run grades it?"""
    submissions, output = run
    planned = plan(submissions, output)
    remember(planned, [Outcome("alice", A, GRADED), Outcome("bob", A, MISSING_NOTEBOOK)], output)
    (output / "autograded" / "bob" / A / f"{A}.ipynb").write_text("{}")
    assert plan(submissions, output).again == {("bob", A)}
