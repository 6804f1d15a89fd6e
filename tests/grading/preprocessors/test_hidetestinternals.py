"""Hidden tests out of feedback, and tests a dead kernel never ran (``autograder/grading/preprocessors/hidetestinternals.py``)."""

import nbformat

from autograder.grading.preprocessors.hidetestinternals import (
    HIDDEN_BEGIN,
    HIDDEN_END,
    HideTestInternals,
    mark_unreached_tests,
)

TEST = f"assert f() == 1, 'visible'\n    {HIDDEN_BEGIN}\nassert secret() == 2\n{HIDDEN_END}\nprint('done')\n"


def error(evalue="no"):
    return nbformat.v4.new_output("error", ename="AssertionError", evalue=evalue,
                                  traceback=["Traceback", "  assert secret() == 2", f"AssertionError: {evalue}"])


def test_the_hidden_region_becomes_one_comment(cells):
    """Does a test cell keep its visible asserts and lose its hidden region, markers included?"""
    cell, _ = HideTestInternals().preprocess_cell(cells.test("test_f", TEST), {}, 0)
    assert cell.source == "assert f() == 1, 'visible'\n# (hidden tests ran here; their verdict is below)\nprint('done')\n"


def test_a_traceback_keeps_only_its_verdict(cells):
    """Is a test cell's traceback cut to its last line, which names what was checked and not the test's code?"""
    cell = cells.test("test_f", TEST)
    cell.outputs = [error("f is off by 2")]
    cell, _ = HideTestInternals().preprocess_cell(cell, {}, 0)
    assert cell.outputs[0].traceback == ["AssertionError: f is off by 2"]


def test_answer_and_plain_cells_are_untouched(cells):
    """Are answer cells and ungraded cells (even ones quoting the markers) left as they are?"""
    for cell in (cells.answer("f", TEST), cells.code(TEST), cells.markdown(TEST)):
        if cell.cell_type == "code":
            cell.outputs = [error()]
        before = nbformat.from_dict(cell)
        assert HideTestInternals().preprocess_cell(cell, {}, 0)[0] == before


def test_the_placeholder_is_configurable(cells):
    """Can the instructor word the placeholder (a traitlet)?"""
    cell, _ = HideTestInternals(placeholder="# hidden\n").preprocess_cell(cells.test("test_f", TEST), {}, 0)
    assert "# hidden\nprint('done')" in cell.source


def test_tests_from_where_the_kernel_died_on_fail(cells):
    """Do the test cell the kernel died in and every later one fail with the reason, earlier results kept?"""
    notebook = cells.notebook(cells.answer("f"), cells.test("test_f"), cells.test("test_g"), cells.markdown(),
                              cells.answer("h"), cells.test("test_h"))
    notebook.cells[0].execution_count, notebook.cells[1].execution_count = 1, 2
    notebook.cells[2].execution_count = 3
    notebook.cells[5].outputs = [error("already failed")]
    mark_unreached_tests(notebook, "the kernel died")
    assert notebook.cells[1].outputs == [], "a test that finished before the death keeps its result"
    assert [o.evalue for o in notebook.cells[2].outputs] == ["this test did not finish: the kernel died"]
    assert notebook.cells[4].outputs == [], "answer cells are not tests"
    assert [o.evalue for o in notebook.cells[5].outputs] == ["already failed"]


def test_a_kernel_that_ran_nothing_fails_every_test(cells):
    """When no cell ran at all, does every test cell fail?"""
    notebook = cells.notebook(cells.test("test_f"), cells.test("test_g"))
    mark_unreached_tests(notebook, "it never started")
    assert all(cell.outputs[0].ename == "NotFinished" for cell in notebook.cells)
