"""The course contract (``docs/COURSE_SPEC.md``): kept in the repository, in step, and honoured by the notebooks."""

import re
from pathlib import Path

import nbformat
import pytest

from autograder import nbgrader_cells

ROOT = Path(__file__).resolve().parents[1]
CONTRACT = ROOT / "docs" / "COURSE_SPEC.md"
#: Where the contract is authored, beside the repository (absent from a clone made on its own).
UPSTREAM = ROOT.parent / "shared" / "COURSE_SPEC.md"


def _graded_functions():
    """``{assignment: [name, ...]}``: the functions each ``### <id>`` section of the contract lists."""
    found, assignment = {}, None
    for line in CONTRACT.read_text(encoding="utf-8").splitlines():
        heading = re.fullmatch(r"### (ch\d_\w+)", line.strip())
        if heading:
            assignment = heading.group(1)
            found[assignment] = []
            continue
        item = re.match(r"- `(?:class )?(\w+)[(:]", line)
        if assignment and item:
            found[assignment].append(item.group(1))
    return found


def test_the_contract_is_the_one_beside_the_repository():
    """Is the repository's copy of the contract the same text as the authored one?"""
    if not UPSTREAM.exists():
        pytest.skip("no ../shared/COURSE_SPEC.md beside this checkout to compare with")
    assert CONTRACT.read_text(encoding="utf-8") == UPSTREAM.read_text(encoding="utf-8"), \
        "docs/COURSE_SPEC.md differs from ../shared/COURSE_SPEC.md: copy the contract over"


def test_the_contract_lists_six_assignments_and_their_functions():
    """Does the parser read every assignment's list of graded functions (so the next test checks something)?"""
    functions = _graded_functions()
    assert sorted(functions) == ["ch1_normalizing", "ch2_fitting_bn", "ch3_why_bn_works", "ch4_test_time",
                                 "ch5_softmax", "ch6_tensorflow"]
    assert all(functions.values()), functions


@pytest.mark.parametrize("assignment", sorted(_graded_functions()))
def test_each_graded_function_has_an_answer_cell_and_a_test_cell(assignment):
    """Does the source notebook grade exactly the contract's functions, each answer followed by its test?"""
    notebook = nbformat.read(ROOT / "solutions" / assignment / f"{assignment}.ipynb", as_version=4)
    cells = notebook.cells
    answers = [nbgrader_cells.grade_id(cell) for cell in cells
               if nbgrader_cells.nbgrader(cell).get("solution") and cell.cell_type == "code"]
    assert sorted(answers) == sorted(_graded_functions()[assignment])
    ids = [nbgrader_cells.grade_id(cell) for cell in cells]
    for name in answers:
        later = ids[ids.index(name) + 1:]
        assert f"test_{name}" in later, f"{assignment}: no test cell test_{name} after the answer cell {name}"
