"""Sanitizing a submission on the worker, from a snapshot of its source notebook instead of the gradebook.

nbgrader's ``OverwriteKernelspec`` and ``OverwriteCells`` read the source notebook's
kernelspec and cells from the gradebook, so they used to run in the grader's own
process, beside the gradebook's only writer: some 50 ms of that one process per
notebook, which bounds any cluster. What they read never changes during a run, so the
batch reads it once per assignment into a :class:`SourceNotebook` (frozen, it pickles),
sends it with each :class:`~autograder.grading.jobs.Job`, and the worker runs every
sanitizing step (:data:`STEPS`) before it executes the notebook (:func:`sanitize`).
nbgrader's own per-cell steps run unchanged; :class:`SourceBook` answers the few
questions they ask of a gradebook, in the order the gradebook answers them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from nbgrader.api import MissingEntry
from nbgrader.preprocessors import ClearOutput, DeduplicateIds, OverwriteCells, OverwriteKernelspec
from nbgrader.preprocessors.base import NbGraderPreprocessor

from autograder.grading.preprocessors.checkmetadata import CheckMetadata
from autograder.grading.preprocessors.receipts import AddReceipts
from autograder.grading.preprocessors.restoreroles import NOTES, RestoreRoles

if TYPE_CHECKING:
    from collections.abc import Iterable

    from nbformat import NotebookNode
    from nbgrader.api import Gradebook
    from traitlets.config import Config

#: nbgrader's Autograde.sanitize_preprocessors, in nbgrader's order (its CheckCellMetadata as
#: CheckMetadata, the same checks with the schema compiled once), after RestoreRoles, which gives every
#: cell the source notebook's nbgrader metadata (nbgrader's steps raise on a submission's odd metadata);
#: receipts go on last, after OverwriteCells has restored the test cells.
STEPS = (RestoreRoles, ClearOutput, DeduplicateIds, OverwriteKernelspec, OverwriteCells, CheckMetadata, AddReceipts)


@dataclass(frozen=True)
class SourceCell:
    """A source cell as the gradebook holds it (nbgrader's ``SourceCell``)."""

    name: str
    cell_type: str
    locked: bool
    checksum: str | None
    source: str


@dataclass(frozen=True)
class GradedCell:
    """A grade or task cell as the gradebook holds it: its name and its points."""

    name: str
    max_score: float


@dataclass(frozen=True)
class CellName:
    """A solution cell as the gradebook holds it: its name."""

    name: str


@dataclass(frozen=True)
class SourceNotebook:
    """What nbgrader's sanitizing steps read of an assignment's source notebook, read once from the gradebook.

    Attributes
    ----------
    assignment : str
        The assignment, and its one notebook's name.
    kernelspec : str or None
        The source notebook's kernelspec, as JSON.
    source_cells : tuple of SourceCell
    grade_cells, task_cells : tuple of GradedCell
    solution_cells : tuple of CellName
        Each in the order the gradebook gives them (nbgrader re-adds missing cells in that order).
    """

    assignment: str
    kernelspec: str | None
    source_cells: tuple[SourceCell, ...]
    grade_cells: tuple[GradedCell, ...]
    solution_cells: tuple[CellName, ...]
    task_cells: tuple[GradedCell, ...]


def source_notebook(gradebook: Gradebook, assignment: str) -> SourceNotebook:
    """Read an assignment's :class:`SourceNotebook` from an open gradebook (the notebook is named as the assignment)."""
    notebook = gradebook.find_notebook(assignment, assignment)
    return SourceNotebook(
        assignment=assignment,
        kernelspec=notebook.kernelspec,
        source_cells=tuple(SourceCell(c.name, c.cell_type, bool(c.locked), c.checksum, c.source)
                           for c in notebook.source_cells),
        grade_cells=tuple(GradedCell(c.name, float(c.max_score)) for c in notebook.grade_cells),
        solution_cells=tuple(CellName(c.name) for c in notebook.solution_cells),
        task_cells=tuple(GradedCell(c.name, float(c.max_score)) for c in notebook.task_cells),
    )


class SourceBook:
    """The gradebook's answers to ``OverwriteCells`` and ``OverwriteKernelspec``, from a :class:`SourceNotebook`.

    Each method raises ``MissingEntry`` where nbgrader's ``Gradebook`` does.
    """

    def __init__(self, source: SourceNotebook) -> None:
        self.source = source
        self.cells = {cell.name: cell for cell in source.source_cells}
        self.graded = {cell.name: cell for cell in (*source.task_cells, *source.grade_cells)}  # a grade cell wins

    def _check(self, notebook: str, assignment: str) -> None:
        if (notebook, assignment) != (self.source.assignment, self.source.assignment):
            raise MissingEntry(f"No such notebook: {assignment}/{notebook}")

    def _find(self, cells: dict, kind: str, name: str, notebook: str, assignment: str):
        """``cells[name]`` of that notebook, or ``MissingEntry`` naming the ``kind`` of cell, as nbgrader's does."""
        self._check(notebook, assignment)
        try:
            return cells[name]
        except KeyError:
            raise MissingEntry(f"No such {kind}: {assignment}/{notebook}/{name}") from None

    def find_notebook(self, notebook: str, assignment: str) -> SourceNotebook:
        self._check(notebook, assignment)
        return self.source

    def find_source_cell(self, name: str, notebook: str, assignment: str) -> SourceCell:
        return self._find(self.cells, "source cell", name, notebook, assignment)

    def find_graded_cell(self, name: str, notebook: str, assignment: str) -> GradedCell:
        return self._find(self.graded, "grade cell", name, notebook, assignment)


class SourceCells(OverwriteCells):
    """nbgrader's ``OverwriteCells`` (its per-cell steps, and the missing cells added) on a :class:`SourceBook`."""

    book: SourceBook | None = None  # given by sanitize()

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        self.notebook_id = resources["nbgrader"]["notebook"]
        self.assignment_id = resources["nbgrader"]["assignment"]
        self.gradebook = self.book
        nb, resources = NbGraderPreprocessor.preprocess(self, nb, resources)  # OverwriteCells.preprocess_cell per cell
        if self.add_missing_cells:
            nb, resources = self.add_missing_grade_cells(nb, resources)
            nb, resources = self.add_missing_task_cells(nb, resources)
        return nb, resources


class SourceKernelspec(OverwriteKernelspec):
    """nbgrader's ``OverwriteKernelspec`` on a :class:`SourceBook`: the source notebook's kernelspec wins."""

    book: SourceBook | None = None  # given by sanitize()

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        ids = resources["nbgrader"]
        assert self.book is not None, "sanitize() gives every step that reads the source its book"
        kernelspec = self.book.find_notebook(ids["notebook"], ids["assignment"]).kernelspec
        if kernelspec:
            nb.metadata["kernelspec"] = json.loads(kernelspec)
        return nb, resources


#: nbgrader's steps that open the gradebook, and what runs instead on a SourceBook.
FROM_SOURCE = {OverwriteCells: SourceCells, OverwriteKernelspec: SourceKernelspec}


def sanitize(notebook: NotebookNode, resources: dict, source: SourceNotebook, config: Config,
             steps: Iterable[type] = STEPS) -> tuple[NotebookNode, list[str]]:
    """Run nbgrader's sanitizing ``steps`` on a submitted notebook, reading the source from ``source``.

    Parameters
    ----------
    notebook : NotebookNode
        The submitted notebook, sanitized in place.
    resources : dict
        nbgrader's resources for it: ``{"nbgrader": {"assignment", "notebook", "student"}, ...}``.
    source : SourceNotebook
        Its assignment's source notebook (:func:`source_notebook`).
    config : traitlets.config.Config
        nbgrader's configuration for the run.
    steps : list of preprocessor classes
        In order; ``OverwriteCells`` and ``OverwriteKernelspec`` run as :data:`FROM_SOURCE` says.

    Returns
    -------
    (NotebookNode, list of str)
        The sanitized notebook, and what sanitizing changed in the submission's cells, in words.
    """
    book = SourceBook(source)
    for step in steps:
        preprocessor = FROM_SOURCE.get(step, step)(config=config)
        if step in FROM_SOURCE:
            preprocessor.book = book
        notebook, resources = preprocessor(notebook, resources)
    return notebook, list(resources.get(NOTES, []))
