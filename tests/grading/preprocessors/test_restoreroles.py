"""RestoreRoles (``autograder/grading/preprocessors/restoreroles.py``): roles and points come from the source notebook."""

import copy

import nbformat
import pytest

from autograder.grading.preprocessors.checkmetadata import CheckMetadata
from autograder.grading.preprocessors.restoreroles import NOTES, RestoreRoles
from autograder.nbgrader_cells import grade_id, is_answer, is_test, nbgrader


def source(cells):
    return cells.notebook(cells.setup(), cells.answer("f"), cells.test("test_f", points=2), cells.markdown(),
                          cells.answer("g"), cells.test("test_g", points=3))


def restored(cells, change):
    """The submission (the source, changed by ``change``) after RestoreRoles, and its notes."""
    original = source(cells)
    submission = copy.deepcopy(original)
    change(submission.cells)
    step = RestoreRoles(source_cells=[dict(cell) for cell in original.cells])
    notebook, resources = step(submission, {})
    CheckMetadata()(copy.deepcopy(notebook), {})  # nbgrader's own check accepts what is left
    return notebook, resources[NOTES]


def meta(cells, index):
    return nbgrader(cells[index])


ATTACKS = {
    "grade true on an answer": lambda c: meta(c, 1).update(grade=True, points=50),
    "solution true on a test": lambda c: meta(c, 2).update(solution=True),
    "a newer schema_version": lambda c: meta(c, 2).update(schema_version=4),
    "points not a number": lambda c: meta(c, 2).update(points="two"),
    "more points": lambda c: meta(c, 2).update(points=200),
    "a test unlocked": lambda c: meta(c, 2).update(locked=False),
}


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_changed_metadata_is_the_sources_again(cells, attack):
    """Does a cell whose grade_id is the source's get the source's nbgrader metadata, with a note?"""
    notebook, notes = restored(cells, ATTACKS[attack])
    assert [nbgrader(cell) for cell in notebook.cells] == [nbgrader(cell) for cell in source(cells).cells]
    assert len(notes) == 1 and "the source notebook's was used" in notes[0]


def test_an_untouched_notebook_is_unchanged_and_unnoted(cells):
    """Does an honest notebook keep every cell's metadata, with no note?"""
    notebook, notes = restored(cells, lambda c: None)
    expected = source(cells)
    assert [(cell.metadata, cell.source) for cell in notebook.cells] == \
        [(cell.metadata, cell.source) for cell in expected.cells]
    assert notes == []


def test_a_copied_test_cell_counts_once(cells):
    """Does a copy-pasted test cell leave one test cell with that grade_id, the last, as nbgrader's DeduplicateIds?"""
    notebook, notes = restored(cells, lambda c: c.insert(1, copy.deepcopy(c[2])))
    assert [grade_id(cell) for cell in notebook.cells if is_test(cell)] == ["test_f", "test_g"]
    assert "nbgrader" not in notebook.cells[1].metadata and is_test(notebook.cells[3])
    assert notes == ["cell 2 repeated grade_id 'test_f': only its last cell counts"]


@pytest.mark.parametrize("change", [
    lambda c: meta(c, 2).pop("grade_id"),
    lambda c: meta(c, 2).update(grade_id="test_other"),
    lambda c: meta(c, 2).update(grade_id=7),
    lambda c: c[2].metadata.update(nbgrader=["grade", True]),
])
def test_a_test_cell_without_its_grade_id_is_an_ordinary_cell_and_named(cells, change):
    """Is a test cell whose grade_id was removed, changed or broken left without a role, and the lost test named?"""
    notebook, notes = restored(cells, change)
    assert "nbgrader" not in notebook.cells[2].metadata
    assert [grade_id(cell) for cell in notebook.cells if is_test(cell)] == ["test_g"]
    assert notes[-1] == "test cells missing from the notebook, so worth no points: test_f"


def test_unreadable_cell_metadata_becomes_none(cells):
    """Is a cell whose metadata is not a mapping given empty metadata rather than raising?"""
    notebook, _ = restored(cells, lambda c: c[3].update(metadata=["odd"]))
    assert notebook.cells[3].metadata == {}


def test_a_duplicate_answer_id_keeps_the_last(cells):
    """Does an answer cell given another answer's grade_id leave exactly one answer cell of that id?"""
    notebook, _ = restored(cells, lambda c: meta(c, 4).update(grade_id="f"))
    assert [grade_id(cell) for cell in notebook.cells if is_answer(cell)] == ["f"]
    assert grade_id(notebook.cells[4]) == "f" and "nbgrader" not in notebook.cells[1].metadata


def test_restored_metadata_is_a_notebook_node(cells):
    """Can nbgrader's steps read the restored metadata by attribute, as they do?"""
    notebook, _ = restored(cells, ATTACKS["points not a number"])
    assert isinstance(notebook.cells[2].metadata.nbgrader, nbformat.NotebookNode)
    assert notebook.cells[2].metadata.nbgrader.points == 2
