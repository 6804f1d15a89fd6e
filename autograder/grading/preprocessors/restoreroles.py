"""Every cell's nbgrader metadata from the source notebook, never from the submission.

nbgrader trusts a submission's cell metadata as far as its next steps read it:
``DeduplicateIds`` indexes a missing ``grade_id``, ``OverwriteCells`` turns
``points`` into a float and looks up a grade cell for any ``grade: true``, and
``CheckCellMetadata`` refuses a ``schema_version`` it does not know (or the empty
metadata ``DeduplicateIds`` leaves on a copied cell). Each of those raises, and
a raise in staging stopped the whole batch. A student's notebook can hold any
metadata (a copy-pasted test cell, a removed ``grade_id``, ``grade: true`` on an
answer, ``points: "two"``), so this step runs first, before nbgrader's own:

* a cell whose ``grade_id`` is the source notebook's gets the source cell's
  nbgrader metadata exactly (role, points, lock, schema);
* a second cell with the same ``grade_id`` keeps no nbgrader metadata (the last
  one keeps it, as under nbgrader's ``DeduplicateIds``), nor does a cell whose
  ``grade_id`` is missing, unknown or not a string;
* each change is noted in words for the submission's row
  (``resources[NOTES]``), and a source test cell the submission no longer has
  is named: it earns no points.

After it, every step downstream sees only metadata the course wrote.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING

import nbformat
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import List

from autograder.nbgrader_cells import grade_id, is_test, nbgrader

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from nbformat import NotebookNode

#: ``resources[NOTES]``: what this step changed, in words, for the submission's row.
NOTES = "bnweek_restored_roles"
#: The fields of a cell's nbgrader metadata that say what the cell is worth and who may edit it.
ROLE_FIELDS = ("grade", "solution", "locked", "task", "points", "schema_version")


def source_metadata(source_cells: Iterable[dict]) -> dict[str, dict]:
    """``{grade_id: nbgrader metadata}`` of the source notebook's cells (plain dicts)."""
    return {cell_id: dict(nbgrader(cell)) for cell in source_cells if isinstance(cell_id := grade_id(cell), str)}


def restore(cells: list[NotebookNode], source: dict[str, dict]) -> list[str]:
    """Give each cell the source's nbgrader metadata or none; return what changed, in words.

    Parameters
    ----------
    cells : list of NotebookNode
        The submission's cells, changed in place.
    source : dict
        :func:`source_metadata` of the source notebook.

    Returns
    -------
    list of str
        One note per change.
    """
    notes = []
    last = {}  # grade_id -> index of the cell that keeps it
    for index, cell in enumerate(cells):
        if not isinstance(cell.get("metadata"), dict):
            cell["metadata"] = nbformat.from_dict({})
        claimed = grade_id(cell)
        if isinstance(claimed, str) and claimed in source:
            last[claimed] = index
    for index, cell in enumerate(cells):
        if "nbgrader" not in cell.metadata:
            continue
        claimed = nbgrader(cell).get("grade_id")
        where = f"cell {index + 1}"
        if not isinstance(claimed, str) or claimed not in source:
            what = "nbgrader metadata that is not a mapping" if not isinstance(cell.metadata["nbgrader"], dict) \
                else "no grade_id" if claimed is None else f"grade_id {str(claimed)[:60]!r}, not the assignment's"
            if nbgrader(cell).get("grade") or nbgrader(cell).get("solution") or nbgrader(cell).get("locked") \
                    or not isinstance(cell.metadata["nbgrader"], dict) or claimed is not None:
                notes.append(f"{where} had {what}: it was graded as an ordinary cell")
            del cell.metadata["nbgrader"]
        elif last[claimed] != index:
            notes.append(f"{where} repeated grade_id {claimed!r}: only its last cell counts")
            del cell.metadata["nbgrader"]
        else:
            original = source[claimed]
            changed = [name for name in ROLE_FIELDS if nbgrader(cell).get(name) != original.get(name)]
            if changed:
                notes.append(f"{where} ({claimed}) had its nbgrader metadata changed ({', '.join(changed)}): "
                             "the source notebook's was used")
            cell.metadata["nbgrader"] = nbformat.from_dict(copy.deepcopy(original))
    kept = {grade_id(cell) for cell in cells}
    missing = [name for name, meta in source.items() if is_test({"cell_type": "code", "metadata": {"nbgrader": meta}})
               and name not in kept]
    if missing:
        notes.append(f"test cells missing from the notebook, so worth no points: {', '.join(missing)}")
    return notes


class RestoreRoles(NbGraderPreprocessor):
    """Replace each cell's nbgrader metadata with the source notebook's (or remove it); note every change.

    The source notebook is the assignment's (``resources["nbgrader"]["assignment"]``)
    unless ``source_cells`` is set.
    """

    source_cells: List[dict] = List(
        help="The source notebook's cells as dicts; the course's own by default").tag(config=True)

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        cells: Sequence[dict] = self.source_cells
        if not cells:
            from autograder.course import source_cells

            cells = source_cells(resources["nbgrader"]["assignment"])
        notes = restore(nb.cells, source_metadata(cells))
        for note in notes:
            self.log.warning(note)
        resources[NOTES] = notes
        return nb, resources
