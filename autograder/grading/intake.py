"""Check each submission before grading, and say in words what is wrong with it.

A submission is a folder of one student's files for one assignment. Whatever
is wrong with it (no notebook, a misnamed one, broken JSON, a notebook from
another assignment) becomes a status on that student's row; it never stops
the batch.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import nbformat

from autograder.course import assignments, graded_tests
from autograder.nbgrader_cells import grade_id

# A submission's status: one of these constants, set by intake or by the grader, read by the
# results (grades.csv's status column) and the report. Never parsed back from a note's wording.

#: Intake found a notebook of this assignment: it is graded (a note may say what was odd about it).
GRADED = "graded"
#: The grader failed on this notebook, even after starting again what died: it was not graded.
GRADER_ERROR = "grader error"
#: What intake refuses to grade. A refused submission's note begins with its status.
UNKNOWN_ASSIGNMENT = "unknown assignment"
MISSING_NOTEBOOK = "missing notebook"
MISNAMED_NOTEBOOK = "misnamed notebook"
CORRUPT_NOTEBOOK = "corrupt notebook"
WRONG_ASSIGNMENT = "wrong assignment"
REFUSED = (UNKNOWN_ASSIGNMENT, MISSING_NOTEBOOK, MISNAMED_NOTEBOOK, CORRUPT_NOTEBOOK, WRONG_ASSIGNMENT)


@dataclass(frozen=True)
class Submission:
    """One student's folder for one assignment.

    Attributes
    ----------
    student : str
    assignment : str
    folder : Path
        Holds ``<assignment>.ipynb`` and any other files the student handed in.
    """

    student: str
    assignment: str
    folder: Path


def find_notebook(submission: Submission) -> tuple[Path | None, str, str]:
    """The notebook to grade, or the reason there is none.

    Returns
    -------
    (Path or None, str, str)
        The notebook, :data:`GRADED` and a note ("" when the file is exactly where
        expected); or ``None``, the status that refuses it (:data:`REFUSED`) and the
        problem in words.
    """
    if submission.assignment not in assignments():
        return None, UNKNOWN_ASSIGNMENT, f"{UNKNOWN_ASSIGNMENT} '{submission.assignment}'"
    expected = submission.folder / f"{submission.assignment}.ipynb"
    if expected.is_file():
        return expected, GRADED, ""
    notebooks = sorted(path for path in submission.folder.glob("*.ipynb") if not path.name.startswith("."))
    if len(notebooks) == 1:
        return notebooks[0], GRADED, f"notebook was named {notebooks[0].name}, expected {expected.name}"
    if not notebooks:
        return None, MISSING_NOTEBOOK, f"{MISSING_NOTEBOOK}: no {expected.name} in the submission"
    names = ", ".join(path.name for path in notebooks)
    return None, MISNAMED_NOTEBOOK, f"{MISNAMED_NOTEBOOK}: expected {expected.name}, found {names}"


def read_notebook(path: Path, assignment: str) -> tuple[nbformat.NotebookNode | None, str, str]:
    """Parse a submitted notebook and check it belongs to ``assignment``.

    Returns
    -------
    (NotebookNode or None, str, str)
        The notebook, :data:`GRADED` and ""; or ``None``, the status that refuses it
        and the problem in words.
    """
    try:
        notebook = nbformat.reads(Path(path).read_bytes().decode("utf-8"), as_version=4)
        if not isinstance(notebook.get("cells"), list):
            raise ValueError("it has no list of cells")
    except Exception as error:  # nbformat raises many kinds on bad input
        return None, CORRUPT_NOTEBOOK, f"{CORRUPT_NOTEBOOK}: {path.name} is not a readable notebook ({type(error).__name__}: {error})"
    expected = set(graded_tests(assignment))
    found = {grade_id(cell) for cell in notebook["cells"]}
    if expected and not expected & found:
        others = [other for other in assignments() if set(graded_tests(other)) & found]
        where = f" (it looks like {others[0]})" if others else ""
        return None, WRONG_ASSIGNMENT, f"{WRONG_ASSIGNMENT}: the notebook has none of {assignment}'s test cells{where}"
    return notebook, GRADED, ""
