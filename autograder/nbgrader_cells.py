"""What each cell of a notebook is to nbgrader: the one home of the checks on its metadata.

A source notebook's cells carry nbgrader metadata (schema 3, ``cell.metadata.nbgrader``):
an *answer* cell has ``solution: true`` and the graded function's name as its ``grade_id``;
an autograded *test* cell is a code cell with ``grade: true`` and ``solution: false``, whose
``grade_id`` is ``test_<function>``. Every part of the grader and of the tests asks these
questions through this module, of NotebookNodes and of plain JSON dicts alike; a cell whose
metadata is not what nbgrader writes (a submission can hold anything) has no nbgrader role.

One flag is the course's own, beside nbgrader's: a source notebook's test cell with
``"autograder": {"split": true}`` in its metadata is *split* (:func:`is_split`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

import nbformat

TEST_PREFIX = "test_"


def nbgrader(cell: object) -> dict[str, Any]:
    """A cell's nbgrader metadata, ``{}`` when it has none (or what it has is not a mapping)."""
    metadata = cell.get("metadata") if isinstance(cell, dict) else None
    found = metadata.get("nbgrader") if isinstance(metadata, dict) else None
    return found if isinstance(found, dict) else {}


def grade_id(cell: object) -> str | None:
    """The cell's ``grade_id``, or ``None``."""
    return nbgrader(cell).get("grade_id")


def is_answer(cell: object) -> bool:
    """Whether the cell is an answer cell (``solution: true``): the student writes it."""
    return bool(nbgrader(cell).get("solution"))


def is_test(cell: Mapping[str, Any]) -> bool:
    """Whether the cell is an autograded test cell: code, ``grade: true``, not a solution."""
    meta = nbgrader(cell)
    return cell.get("cell_type") == "code" and bool(meta.get("grade")) and not meta.get("solution")


def is_split(cell: Mapping[str, Any]) -> bool:
    """Whether a test cell is *split*: its visible asserts run with the submission's code.

    Such a test handles the student's own objects (a Keras layer, a model), which
    cannot cross to the judge kernel; only its hidden region runs there. The source
    notebook marks it with ``"autograder": {"split": true}`` in the cell's metadata.
    """
    metadata = cell.get("metadata") if isinstance(cell, dict) else None
    ours = metadata.get("autograder") if isinstance(metadata, dict) else None
    return is_test(cell) and isinstance(ours, dict) and ours.get("split") is True


def function_name(test_id: str) -> str:
    """``"test_softmax"`` -> ``"softmax"``: the graded function a test cell (or CSV column) is about."""
    return test_id.removeprefix(TEST_PREFIX)


def with_answers(notebook: nbformat.NotebookNode, answers: Mapping[str, str]) -> nbformat.NotebookNode:
    """A copy of a notebook whose answer cells named in ``answers`` hold new source.

    Parameters
    ----------
    notebook : NotebookNode
    answers : dict
        ``{grade_id: new cell source}``.
    """
    notebook = nbformat.from_dict(notebook)
    for cell in notebook.cells:
        cell_id = grade_id(cell)
        if cell_id is not None and cell_id in answers:
            cell.source = answers[cell_id]
    return notebook


def sources_of_tests(notebook: nbformat.NotebookNode) -> dict[str, str]:
    """``{function: source of its autograded test cell}`` for a source notebook."""
    # nbgrader gives every graded cell a grade_id (its validator refuses one without).
    return {function_name(cast(str, grade_id(cell))): cell.source for cell in notebook.cells if is_test(cell)}
