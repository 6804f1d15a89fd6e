"""CheckMetadata (``autograder/grading/preprocessors/checkmetadata.py``): nbgrader's checks, its verdicts exactly."""

import copy

import nbformat
import pytest
from nbgrader.nbgraderformat import ValidationError
from nbgrader.preprocessors import CheckCellMetadata

from autograder.course import source_notebook
from autograder.grading.preprocessors.checkmetadata import CheckMetadata


def breakages(cells):
    """Notebooks whose nbgrader metadata nbgrader refuses, one way each, and the reason."""
    def broken(change):
        cell = cells.test("test_f")
        change(cell.metadata.nbgrader)
        return cells.notebook(cells.answer("f"), cell)

    return {
        "no points": broken(lambda meta: meta.pop("points")),
        "points not a number": broken(lambda meta: meta.update(points="many")),
        "schema too old": broken(lambda meta: meta.update(schema_version=1)),
        "schema too new": broken(lambda meta: meta.update(schema_version=4)),
        "grade not a bool": broken(lambda meta: meta.update(grade="yes")),
        "empty grade id": broken(lambda meta: meta.update(grade_id="")),
        "duplicate grade id": cells.notebook(cells.answer("f"), cells.answer("f")),
    }


def verdict(step, notebook):
    try:
        step()(copy.deepcopy(notebook), {})
    except (ValidationError, Exception) as error:  # noqa: BLE001  (nbgrader raises its schema errors as they come)
        return type(error).__name__
    return "ok"


@pytest.mark.parametrize("assignment", ["ch1_normalizing", "ch6_tensorflow"])
def test_the_course_notebooks_pass_as_under_nbgrader(assignment):
    """Does a real source notebook pass both checks alike?"""
    notebook = nbformat.read(source_notebook(assignment), as_version=4)
    assert verdict(CheckMetadata, notebook) == verdict(CheckCellMetadata, notebook) == "ok"


def test_every_breakage_gets_nbgraders_own_verdict(cells):
    """Is each broken notebook refused, with the error nbgrader's own step raises?"""
    for reason, notebook in breakages(cells).items():
        expected = verdict(CheckCellMetadata, notebook)
        assert expected != "ok", reason
        assert verdict(CheckMetadata, notebook) == expected, reason


def test_checking_twice_gives_the_same_verdict(cells):
    """Does the compiled schema, kept between notebooks, give a second notebook the same verdicts as a first?"""
    good, bad = cells.notebook(cells.answer("f"), cells.test("test_f")), breakages(cells)["no points"]
    assert [verdict(CheckMetadata, nb) for nb in (good, bad, good, bad)] == ["ok", "ValidationError"] * 2
