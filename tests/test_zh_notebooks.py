"""Does a Chinese student notebook, submitted, grade exactly like the English one?

One grading batch through the real command line (``python -m autograder grade``): for every assignment,
the English student version and the Chinese one (``exercises/<id>/zh_CN/<id>.ipynb``), both with the
reference answers filled in, handed in by two students. Every column of ``grades.csv`` but the
student's name must agree, and both must earn full marks.
"""

import csv
import os
import subprocess
import sys

import nbformat
import pytest

from autograder.course import EXERCISES, REPO, assignments, source_notebook
from autograder.grading.results import ASSIGNMENT, POSSIBLE, SECONDS, STATUS, STUDENT, TOTAL
from autograder.nbgrader_cells import with_answers
from autograder.release import TRANSLATIONS, translated_path

EDITIONS = {"english": None, **{language.lower(): language for language in TRANSLATIONS}}


def answers(assignment):
    """``{grade_id: source}`` of the source notebook's answer cells (the reference solutions)."""
    notebook = nbformat.read(source_notebook(assignment), as_version=4)
    return {cell.metadata["nbgrader"]["grade_id"]: cell.source for cell in notebook.cells
            if cell.metadata.get("nbgrader", {}).get("solution")}


def student_version(assignment, language):
    path = EXERCISES / assignment / f"{assignment}.ipynb" if language is None else translated_path(assignment, language)
    return nbformat.read(path, as_version=4)


@pytest.fixture(scope="module")
def grades(tmp_path_factory):
    """``{(student, assignment): row}`` of grades.csv after grading every edition of every assignment."""
    root = tmp_path_factory.mktemp("editions")
    for assignment in assignments():
        for student, language in EDITIONS.items():
            folder = root / "submitted" / student / assignment
            folder.mkdir(parents=True)
            nbformat.write(with_answers(student_version(assignment, language), answers(assignment)),
                           folder / f"{assignment}.ipynb")
    command = [sys.executable, "-m", "autograder", "grade", str(root / "submitted"), "all", "-o", str(root / "out"),
               "--no-feedback"]
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True,
                            env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2"))
    table = root / "out" / "grades.csv"
    assert table.is_file(), result.stdout[-3000:] + result.stderr[-3000:]
    with open(table, newline="") as handle:
        return {(row[STUDENT], row[ASSIGNMENT]): row for row in csv.DictReader(handle)}


@pytest.mark.grading
@pytest.mark.parametrize("language", list(TRANSLATIONS))
@pytest.mark.parametrize("assignment", assignments())
def test_translated_notebook_grades_like_the_english_one(grades, assignment, language):
    """Does the translated notebook, with the reference answers, get the English one's grades, column for column?"""
    english = grades.get(("english", assignment))
    translated = grades.get((language.lower(), assignment))
    assert english and translated, f"grades.csv lacks a row for {assignment}: {sorted(grades)}"
    same = {key: value for key, value in english.items() if key not in (STUDENT, SECONDS)}
    theirs = {key: value for key, value in translated.items() if key not in (STUDENT, SECONDS)}
    assert theirs == same
    assert float(english[TOTAL]) == float(english[POSSIBLE]) > 0, f"the reference answers lose points: {english}"
    assert english[STATUS] == translated[STATUS]
