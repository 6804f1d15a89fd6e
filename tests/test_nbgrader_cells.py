"""What a cell is to nbgrader (``autograder/nbgrader_cells.py``), asked of NotebookNodes and plain JSON alike."""

import json

import pytest

from autograder.nbgrader_cells import (
    function_name,
    grade_id,
    is_answer,
    is_split,
    is_test,
    nbgrader,
    sources_of_tests,
    with_answers,
)


def test_each_kind_of_cell_is_told_apart(cells):
    """Are answer, test, setup, plain code and markdown cells each recognised for what they are?"""
    kinds = {"answer": cells.answer("f"), "test": cells.test("test_f"), "setup": cells.setup(),
             "code": cells.code(), "markdown": cells.markdown()}
    assert {name for name, cell in kinds.items() if is_answer(cell)} == {"answer"}
    assert {name for name, cell in kinds.items() if is_test(cell)} == {"test"}
    assert [grade_id(cell) for cell in kinds.values()] == ["f", "test_f", "setup", None, None]


def test_plain_json_cells_answer_the_same(cells):
    """Do the helpers give the same answers for cells read with json as for NotebookNodes?"""
    for cell in (cells.answer("f"), cells.test("test_f"), cells.code()):
        plain = json.loads(json.dumps(cell))
        assert (grade_id(plain), is_answer(plain), is_test(plain)) == (grade_id(cell), is_answer(cell), is_test(cell))


@pytest.mark.parametrize("cell", [
    {"cell_type": "code", "source": ""},
    {"cell_type": "code", "metadata": 5},
    {"cell_type": "code", "metadata": {"nbgrader": ["grade"]}},
    "not a cell",
])
def test_malformed_metadata_gives_no_role(cell):
    """Does a cell whose metadata is missing or not what nbgrader writes have no nbgrader role, rather than raise?"""
    assert nbgrader(cell) == {} and grade_id(cell) is None and not is_answer(cell)


def test_a_graded_markdown_cell_is_not_an_autograded_test(cells):
    """Is a graded cell that is not code (a manually graded answer) never taken for a test cell?"""
    cell = cells.markdown()
    cell.metadata.nbgrader = cells.meta("essay", grade=True, points=2)
    assert not is_test(cell)


@pytest.mark.parametrize("flag, expected", [(True, True), (False, False), ("yes", False), (None, False)])
def test_only_a_test_cell_flagged_split_is_split(cells, flag, expected):
    """Is a test cell split only when its metadata says ``"autograder": {"split": true}``, and nothing else ever?"""
    test, answer = cells.test("test_f"), cells.answer("f")
    for cell in (test, answer):
        cell.metadata["autograder"] = {"split": flag}
    assert is_split(test) is expected and is_split(json.loads(json.dumps(test))) is expected
    assert not is_split(answer) and not is_split(cells.test("test_g"))


def test_function_names_drop_the_test_prefix():
    """Is ``test_<function>`` read as ``<function>``, and a name without the prefix kept?"""
    assert (function_name("test_softmax"), function_name("softmax")) == ("softmax", "softmax")


def test_answers_are_swapped_in_by_grade_id(cells):
    """Does with_answers replace exactly the named answer cells, in a copy?"""
    source = cells.notebook(cells.answer("f"), cells.test("test_f"), cells.answer("g"), cells.markdown())
    swapped = with_answers(source, {"g": "def g():\n    return 2\n", "missing": "x"})
    assert swapped.cells[2].source == "def g():\n    return 2\n"
    assert [c.source for c in swapped.cells[:2]] == [c.source for c in source.cells[:2]]
    assert source.cells[2].source.startswith("def f"), "the source notebook itself is untouched"


def test_test_sources_are_keyed_by_function(cells):
    """Are the autograded test cells' sources keyed by their function, answer and setup cells left out?"""
    notebook = cells.notebook(cells.setup(), cells.answer("f"), cells.test("test_f", "assert f()"), cells.code())
    assert sources_of_tests(notebook) == {"f": "assert f()"}
