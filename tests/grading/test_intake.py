"""Intake (``autograder/grading/intake.py``): which notebook to grade, and what is wrong with a submission, in words."""

import nbformat
import pytest

from autograder.course import graded_tests, source_notebook
from autograder.grading.intake import (
    CORRUPT_NOTEBOOK,
    GRADED,
    MISNAMED_NOTEBOOK,
    MISSING_NOTEBOOK,
    REFUSED,
    UNKNOWN_ASSIGNMENT,
    WRONG_ASSIGNMENT,
    Submission,
    find_notebook,
    read_notebook,
)

ASSIGNMENT = "ch1_normalizing"


@pytest.fixture
def folder(tmp_path):
    """An empty submission folder for ``ASSIGNMENT``."""
    path = tmp_path / "alice" / ASSIGNMENT
    path.mkdir(parents=True)
    return path


def submission(folder, assignment=ASSIGNMENT):
    return Submission("alice", assignment, folder)


def test_the_expected_notebook_is_found_without_a_note(folder):
    """Is ``<assignment>.ipynb`` graded with no note?"""
    (folder / f"{ASSIGNMENT}.ipynb").write_text("{}")
    assert find_notebook(submission(folder)) == (folder / f"{ASSIGNMENT}.ipynb", GRADED, "")


def test_a_single_misnamed_notebook_is_used_with_a_note(folder):
    """Is the one notebook there graded, with a note naming it and the expected name?"""
    (folder / "homework.ipynb").write_text("{}")
    path, status, note = find_notebook(submission(folder))
    assert path == folder / "homework.ipynb" and status == GRADED
    assert note == f"notebook was named homework.ipynb, expected {ASSIGNMENT}.ipynb"


def test_no_notebook_is_a_missing_notebook(folder):
    """Does a folder with no notebook (hidden ones ignored) say which file is missing?"""
    (folder / ".ipynb_checkpoint.ipynb").write_text("{}")
    (folder / "notes.txt").write_text("nothing here")
    path, status, note = find_notebook(submission(folder))
    assert (path, status) == (None, MISSING_NOTEBOOK) and note == f"missing notebook: no {ASSIGNMENT}.ipynb in the submission"


def test_a_missing_folder_is_a_missing_notebook(tmp_path):
    """Does a student without a folder for this assignment get a missing notebook, not an exception?"""
    path, status, note = find_notebook(submission(tmp_path / "nobody"))
    assert (path, status) == (None, MISSING_NOTEBOOK) and note.startswith("missing notebook:")


def test_two_candidates_are_a_misnamed_notebook(folder):
    """Are two wrongly named notebooks refused, both named in the note?"""
    for name in ("b.ipynb", "a.ipynb"):
        (folder / name).write_text("{}")
    path, status, note = find_notebook(submission(folder))
    assert (path, status) == (None, MISNAMED_NOTEBOOK) and note == f"misnamed notebook: expected {ASSIGNMENT}.ipynb, found a.ipynb, b.ipynb"


def test_an_unknown_assignment_is_refused(folder):
    """Is an assignment that is not in solutions/ refused by name?"""
    path, status, note = find_notebook(submission(folder, "ch9_nothing"))
    assert (path, status) == (None, UNKNOWN_ASSIGNMENT) and note == "unknown assignment 'ch9_nothing'"


@pytest.mark.parametrize("content", [b'{"cells": [ {"cell_type": ', b"\xff\xfe\x00garbage", b'{"cells": 3}', b"[]"])
def test_unreadable_bytes_are_a_corrupt_notebook(folder, content):
    """Do broken JSON, bytes that are not UTF-8, and JSON that is not a notebook all read as corrupt?"""
    path = folder / f"{ASSIGNMENT}.ipynb"
    path.write_bytes(content)
    notebook, status, note = read_notebook(path, ASSIGNMENT)
    assert (notebook, status) == (None, CORRUPT_NOTEBOOK) and note.startswith(f"corrupt notebook: {path.name} is not a readable notebook (")


def test_the_source_notebook_reads_as_its_assignment(folder):
    """Does a notebook with the assignment's test cells read cleanly?"""
    path = folder / f"{ASSIGNMENT}.ipynb"
    nbformat.write(nbformat.read(source_notebook(ASSIGNMENT), as_version=4), path)
    notebook, status, note = read_notebook(path, ASSIGNMENT)
    assert notebook is not None and (status, note) == (GRADED, "")


def test_one_test_cell_of_the_assignment_is_enough(folder, cells):
    """Is a notebook that kept any one of the assignment's test cells accepted as that assignment?"""
    path = folder / f"{ASSIGNMENT}.ipynb"
    first = next(iter(graded_tests(ASSIGNMENT)))
    nbformat.write(cells.notebook(cells.markdown(), cells.test(first)), path)
    notebook, status, note = read_notebook(path, ASSIGNMENT)
    assert notebook is not None and (status, note) == (GRADED, "")


def test_another_assignments_notebook_is_named(folder):
    """Is chapter 5's notebook handed in as chapter 1 refused, saying which assignment it looks like?"""
    path = folder / f"{ASSIGNMENT}.ipynb"
    nbformat.write(nbformat.read(source_notebook("ch5_softmax"), as_version=4), path)
    notebook, status, note = read_notebook(path, ASSIGNMENT)
    assert (notebook, status) == (None, WRONG_ASSIGNMENT)
    assert note == f"wrong assignment: the notebook has none of {ASSIGNMENT}'s test cells (it looks like ch5_softmax)"


def test_a_notebook_of_no_assignment_is_a_wrong_assignment(folder, cells):
    """Is a notebook with none of the course's test cells refused without guessing an assignment?"""
    path = folder / f"{ASSIGNMENT}.ipynb"
    nbformat.write(cells.notebook(cells.code("print('hello')"), cells.test("test_nothing")), path)
    notebook, status, note = read_notebook(path, ASSIGNMENT)
    assert (notebook, status) == (None, WRONG_ASSIGNMENT) and note == f"wrong assignment: the notebook has none of {ASSIGNMENT}'s test cells"


def test_refusals_are_distinct_names():
    """Is each refusal's status its own short name, never a sentence with details in it?"""
    assert len(set(REFUSED)) == len(REFUSED) and GRADED not in REFUSED
    assert all(":" not in status and "'" not in status for status in REFUSED), "a status is a name, not a sentence"
