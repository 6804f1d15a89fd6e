"""The course's layout and its cells' roles (``autograder/course.py``): no kernel, no nbgrader run."""

import pytest

from autograder.course import ANSWER, OTHER, ROLE_KEYS, SETUP, SPLIT, TEST, assignments, cell_roles, \
    graded_tests, role_of, source_cells


def _split(cells):
    cell = cells.test("test_BatchNorm", "layer = BatchNorm()")
    cell.metadata["autograder"] = {"split": True}
    return cell


def test_a_cells_own_metadata_gives_its_role(cells):
    """Answer, test, split test, setup, or other: is each cell's role read from its own nbgrader metadata?"""
    locked_markdown = cells.markdown()
    locked_markdown.metadata.nbgrader = cells.meta("intro", locked=True)
    not_split = cells.test("test_g")
    not_split.metadata["autograder"] = {"split": "yes"}  # only True marks a split test
    assert [role_of(cell) for cell in (cells.answer("f"), cells.test("test_f"), _split(cells), cells.setup(),
                                       cells.code(), locked_markdown, not_split)] == \
        [ANSWER, TEST, SPLIT, SETUP, OTHER, OTHER, TEST]


def test_given_the_source_roles_a_cells_grade_id_alone_gives_its_role(cells):
    """With the source notebook's roles, does a submission's cell get its grade_id's role whatever its own
    metadata says, and no role for an unknown grade_id or a cell that is not code?"""
    roles = {"tests": ["test_f"], "split": ["test_BatchNorm"], "setup": ["setup"], "functions": ["f"]}
    disguised = cells.answer("test_f")  # the submission calls its test an answer
    posing = cells.test("test_mine")  # and writes a test of its own
    markdown = cells.markdown()
    markdown.metadata.nbgrader = cells.meta("test_f", grade=True)
    assert [role_of(cell, roles) for cell in (disguised, cells.code(), posing, markdown, cells.setup(),
                                              cells.answer("f"), cells.answer("test_BatchNorm"))] == \
        [TEST, OTHER, OTHER, OTHER, SETUP, ANSWER, SPLIT]
    assert role_of(cells.test("test_f"), {}) == OTHER, "no roles given: nothing runs in a judge"


@pytest.mark.parametrize("assignment", assignments())
def test_cell_roles_group_each_source_cell_by_its_role(assignment):
    """Does cell_roles put each graded test under tests or split, every answer under functions, each grade_id
    once, in notebook order?"""
    roles = cell_roles(assignment)
    assert list(roles) == list(ROLE_KEYS.values())
    assert sorted(roles["tests"] + roles["split"]) == sorted(graded_tests(assignment))
    order = [cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") for cell in source_cells(assignment)]
    for key, names in roles.items():
        assert names == sorted(names, key=order.index), key
    everything = [name for names in roles.values() for name in names]
    assert len(everything) == len(set(everything)) and roles["functions"]
