"""Check each submission before grading, and say in words what is wrong with it.

A submission is a folder of one student's files for one assignment. Whatever
is wrong with it (no notebook, a misnamed one, broken JSON, a notebook from
another assignment) becomes a status on that student's row; it never stops
the batch.
"""

from dataclasses import dataclass
from pathlib import Path

import nbformat

from autograder.course import assignments, graded_tests

GRADED = "graded"
#: The grader failed on this notebook, even after starting again what died: it was not graded.
GRADER_ERROR = "grader error"


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


def find_notebook(submission):
    """The notebook to grade, or the reason there is none.

    Returns
    -------
    (Path or None, str)
        The notebook and a note ("" when the file is exactly where expected), or
        ``None`` and the problem in words.
    """
    if submission.assignment not in assignments():
        return None, f"unknown assignment '{submission.assignment}'"
    expected = submission.folder / f"{submission.assignment}.ipynb"
    if expected.is_file():
        return expected, ""
    notebooks = sorted(path for path in submission.folder.glob("*.ipynb") if not path.name.startswith("."))
    if len(notebooks) == 1:
        return notebooks[0], f"notebook was named {notebooks[0].name}, expected {expected.name}"
    if not notebooks:
        return None, f"missing notebook: no {expected.name} in the submission"
    names = ", ".join(path.name for path in notebooks)
    return None, f"misnamed notebook: expected {expected.name}, found {names}"


def read_notebook(path, assignment):
    """Parse a submitted notebook and check it belongs to ``assignment``.

    Returns
    -------
    (NotebookNode or None, str)
        The notebook and "", or ``None`` and the problem in words.
    """
    try:
        notebook = nbformat.reads(Path(path).read_bytes().decode("utf-8"), as_version=4)
        if not isinstance(notebook.get("cells"), list):
            raise ValueError("it has no list of cells")
    except Exception as error:  # nbformat raises many kinds on bad input
        return None, f"corrupt notebook: {path.name} is not a readable notebook ({type(error).__name__}: {error})"
    expected = set(graded_tests(assignment))
    found = {
        cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        for cell in notebook["cells"]
        if isinstance(cell, dict)
    }
    if expected and not expected & found:
        others = [other for other in assignments() if set(graded_tests(other)) & found]
        where = f" (it looks like {others[0]})" if others else ""
        return None, f"wrong assignment: the notebook has none of {assignment}'s test cells{where}"
    return notebook, ""
