"""Sanitizing a staged submission on the run's open gradebook, instead of three new connections a notebook.

nbgrader's ``OverwriteKernelspec`` and ``OverwriteCells`` each open the gradebook
(a new engine, a look at every table, the course checked) to read the source
notebook's kernelspec and cells, and staging opened it a third time to register the
student and the submission: some 20 ms of the grader's own process per notebook,
growing as SQLAlchemy's event registry grew with every engine. Here they run on the
connection :func:`autograder.grading.recording.ledger` keeps for the run (its compiled
statements reused), with nbgrader's own per-cell steps unchanged.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from nbgrader.preprocessors import OverwriteCells, OverwriteKernelspec
from nbgrader.preprocessors.base import NbGraderPreprocessor

from autograder.grading import recording

if TYPE_CHECKING:
    from collections.abc import Iterable

    from nbformat import NotebookNode
    from nbgrader.api import Gradebook

    from autograder.grading.batch import RunFolder
    from autograder.grading.intake import Submission


class _Kept:
    """A gradebook that a ``with`` block leaves open (the run's, closed by :func:`recording.drain`)."""

    def __init__(self, gradebook: Gradebook) -> None:
        self.gradebook = gradebook

    def __getattr__(self, name: str):
        return getattr(self.gradebook, name)

    def __enter__(self) -> _Kept:
        return self

    def __exit__(self, *exc_info: object) -> None:
        return None


class KeptCells(OverwriteCells):
    """nbgrader's ``OverwriteCells`` (its per-cell steps, and the missing cells added) on a gradebook given."""

    gradebook_given: _Kept | None = None  # the run's gradebook, given by stage()

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        self.notebook_id = resources["nbgrader"]["notebook"]
        self.assignment_id = resources["nbgrader"]["assignment"]
        self.gradebook = self.gradebook_given
        nb, resources = NbGraderPreprocessor.preprocess(self, nb, resources)  # OverwriteCells.preprocess_cell per cell
        if self.add_missing_cells:
            nb, resources = self.add_missing_grade_cells(nb, resources)
            nb, resources = self.add_missing_task_cells(nb, resources)
        return nb, resources


class KeptKernelspec(OverwriteKernelspec):
    """nbgrader's ``OverwriteKernelspec`` on a gradebook given: the source notebook's kernelspec wins."""

    gradebook_given: _Kept | None = None  # the run's gradebook, given by stage()

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        ids = resources["nbgrader"]
        assert self.gradebook_given is not None, "stage() gives every kept step the gradebook"
        kernelspec = self.gradebook_given.find_notebook(ids["notebook"], ids["assignment"]).kernelspec
        if kernelspec:
            nb.metadata["kernelspec"] = json.loads(kernelspec)
        return nb, resources


#: nbgrader's steps that open the gradebook, and what runs instead on the run's open one.
KEPT = {OverwriteCells: KeptCells, OverwriteKernelspec: KeptKernelspec}


def sanitize(run: RunFolder, submission: Submission, notebook: NotebookNode, resources: dict,
             steps: Iterable[type]) -> tuple[NotebookNode, dict]:
    """Register the student and the submission, then run ``steps`` (nbgrader's sanitizing) on the run's gradebook.

    Parameters
    ----------
    run : RunFolder
    submission : Submission
    notebook : NotebookNode
        The submitted notebook, sanitized in place.
    resources : dict
        nbgrader's resources for it (:meth:`RunFolder.resources`).
    steps : list of preprocessor classes
        In order; ``OverwriteCells`` and ``OverwriteKernelspec`` run as :data:`KEPT` says.

    Returns
    -------
    (NotebookNode, dict)
        The sanitized notebook and the resources the steps left.
    """
    gradebook = recording.ledger(run).gradebook
    try:
        gradebook.update_or_create_student(submission.student)
        gradebook.update_or_create_submission(submission.assignment, submission.student)
        kept = _Kept(gradebook)
        for step in steps:
            preprocessor = KEPT.get(step, step)(config=run.config)
            if step in KEPT:
                preprocessor.gradebook_given = kept
            notebook, resources = preprocessor(notebook, resources)
    finally:
        gradebook.db.rollback()  # it only read since its last commit: no read transaction left open
    return notebook, resources
