"""Receipts (``autograder/grading/preprocessors/receipts.py``): a test cell earns points only if it ran to its end."""

import nbformat
import pytest

from autograder.grading.preprocessors.receipts import METADATA_KEY, AddReceipts, CheckReceipts


def stdout(text):
    return nbformat.v4.new_output("stream", name="stdout", text=text)


def error(evalue="no"):
    return nbformat.v4.new_output("error", ename="AssertionError", evalue=evalue, traceback=[])


def with_receipts(cells):
    notebook = cells.notebook(cells.setup(), cells.answer("f"), cells.test("test_f", "assert f() == 1"),
                              cells.markdown(), cells.test("test_g", "assert True\n\n"))
    notebook, _ = AddReceipts()(notebook, {})
    return notebook, notebook.metadata[METADATA_KEY]


def test_only_test_cells_get_a_receipt_line(cells):
    """Does each test cell, and only a test cell, end by printing the run's receipt with its grade_id?"""
    notebook, nonce = with_receipts(cells)
    assert len(nonce) == 32
    assert notebook.cells[2].source == f'assert f() == 1\nprint("bnweek-receipt {nonce} test_f")\n'
    assert notebook.cells[4].source == f'assert True\nprint("bnweek-receipt {nonce} test_g")\n'
    assert "bnweek-receipt" not in notebook.cells[0].source + notebook.cells[1].source + notebook.cells[3].source


def test_every_run_gets_a_fresh_receipt(cells):
    """Is the receipt new for every run, so a submission cannot know it in advance?"""
    assert with_receipts(cells)[1] != with_receipts(cells)[1]


def test_a_cell_that_printed_its_receipt_passes_and_loses_the_trace(cells):
    """Is a completed test cell left passing, with the receipt gone from its source and outputs?"""
    notebook, nonce = with_receipts(cells)
    notebook.cells[2].outputs = [stdout(f"checked\nbnweek-receipt {nonce} test_f\n")]
    notebook.cells[4].outputs = [stdout(f"bnweek-receipt {nonce} test_g\n")]
    notebook, _ = CheckReceipts()(notebook, {})
    assert METADATA_KEY not in notebook.metadata
    assert [o.text for o in notebook.cells[2].outputs] == ["checked\n"]
    assert notebook.cells[4].outputs == [], "an output left empty by the receipt is removed"
    assert notebook.cells[2].source == "assert f() == 1\n"


def test_a_cell_without_its_receipt_fails(cells):
    """Does a test cell that shows no error but no receipt either (or another cell's) fail?"""
    notebook, nonce = with_receipts(cells)
    notebook.cells[2].outputs = [stdout(f"bnweek-receipt {nonce} test_g\n")]
    notebook, _ = CheckReceipts()(notebook, {})
    for cell in (notebook.cells[2], notebook.cells[4]):
        assert [o.ename for o in cell.outputs if o.output_type == "error"] == ["TestNotCompleted"]


def test_a_guessed_receipt_does_not_count(cells):
    """Does a receipt of another run fail the cell?"""
    notebook, _ = with_receipts(cells)
    notebook.cells[2].outputs = [stdout("bnweek-receipt " + "0" * 32 + " test_f\n")]
    notebook, _ = CheckReceipts()(notebook, {})
    assert notebook.cells[2].outputs[-1].ename == "TestNotCompleted"


def test_a_failed_cell_keeps_its_own_error_only(cells):
    """Does a test cell that already failed keep its error, with no second one added?"""
    notebook, _ = with_receipts(cells)
    notebook.cells[2].outputs = [error("f() should be 1")]
    notebook, _ = CheckReceipts()(notebook, {})
    assert [o.evalue for o in notebook.cells[2].outputs] == ["f() should be 1"]


def test_a_notebook_without_receipts_is_left_alone(cells):
    """Is a notebook that never got receipts (no nonce in its metadata) returned unchanged?"""
    notebook = cells.notebook(cells.test("test_f"))
    before = nbformat.writes(notebook)
    notebook, _ = CheckReceipts()(notebook, {})
    assert nbformat.writes(notebook) == before


def test_a_cells_last_expression_stays_last_and_is_restored(cells):
    """Does a test cell ending with a bare expression (the judge's partial score) still end with it,
    print its receipt only once the expression ran, and get its exact source back?"""
    import ast
    import contextlib
    import io

    from autograder.grading.preprocessors.receipts import RESULT

    source = "passed = 2\npassed / 4 * 3  # the score\n### END HIDDEN TESTS"
    notebook = cells.notebook(cells.test("test_f", source))
    notebook, _ = AddReceipts()(notebook, {})
    nonce = notebook.metadata[METADATA_KEY]
    changed = notebook.cells[0].source
    last = ast.parse(changed).body[-1]
    assert isinstance(last, ast.Expr) and ast.unparse(last) == RESULT
    namespace, printed = {}, io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(changed, namespace)  # noqa: S102
    assert namespace[RESULT] == 1.5 and printed.getvalue() == f"bnweek-receipt {nonce} test_f\n"
    broken = cells.notebook(cells.test("test_f", "1 / 0"))
    broken, _ = AddReceipts()(broken, {})
    with pytest.raises(ZeroDivisionError), contextlib.redirect_stdout(printed := io.StringIO()):
        exec(broken.cells[0].source, {})  # noqa: S102
    assert printed.getvalue() == "", "no receipt for an expression that raised"
    notebook.cells[0].outputs = [stdout(f"bnweek-receipt {nonce} test_f\n")]
    notebook, _ = CheckReceipts()(notebook, {})
    assert notebook.cells[0].source == source + "\n"


def test_odd_stream_outputs_do_not_raise(cells):
    """Does a stream output whose text is not a string (a kernel can send one) neither raise nor pass the cell?"""
    notebook, nonce = with_receipts(cells)
    notebook.cells[2].outputs = [nbformat.from_dict({"output_type": "stream", "name": "stdout", "text": 12})]
    notebook.cells[4].outputs = [stdout(f"bnweek-receipt {nonce} test_g\n")]
    notebook, _ = CheckReceipts()(notebook, {})
    assert [o.get("ename") for o in notebook.cells[2].outputs] == [None, "TestNotCompleted"]
    assert notebook.cells[2].outputs[0].text == "12"
