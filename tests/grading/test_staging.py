"""Sanitizing on a worker from a snapshot of the source notebook: what nbgrader's steps on the gradebook give."""

import copy
import dataclasses
import pickle
import re

import nbformat
import pytest
from nbgrader.api import Gradebook, MissingEntry

from autograder.course import EXERCISES
from autograder.grading import batch, execution, staging
from autograder.grading.intake import Submission
from autograder.grading.jobs import GRADER_FAULT, Job
from autograder.nbgrader_cells import grade_id, nbgrader

CH1 = "ch1_normalizing"
#: AddReceipts' nonce is new on every call, in the test cells and the notebook's metadata; a cell nbgrader
#: adds back gets a random id.
RANDOM = re.compile(r'bnweek-receipt [0-9a-f]+ |"bnweek_receipt": "[0-9a-f]+"|"id": "[0-9a-f]{8}"')


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    """A run folder with chapter 1 released into its gradebook, and the snapshot a worker gets (pickled and back)."""
    run = batch.RunFolder(tmp_path_factory.mktemp("staging"))
    run.ensure_assignments([CH1])
    with Gradebook(run.db_url) as gradebook:
        source = staging.source_notebook(gradebook, CH1)
    return run, pickle.loads(pickle.dumps(source))


def tampered():
    """Chapter 1's student notebook with what students do to one: each of nbgrader's repairs is needed."""
    notebook = nbformat.read(EXERCISES / CH1 / f"{CH1}.ipynb", as_version=4)
    cells = {grade_id(cell): cell for cell in notebook.cells if grade_id(cell)}
    notebook.cells.remove(cells["test_normalize_inputs"])  # a deleted test cell: added back where it was
    cells["test_batchnorm_forward"].source += "\nassert True  # my own check"  # an edited locked cell: restored
    nbgrader(cells["test_batchnorm_forward"])["points"] = 100  # points raised: the source's again
    setup = cells["setup"]  # a locked code cell turned to markdown: code again
    setup.cell_type = "markdown"
    setup.pop("outputs"), setup.pop("execution_count")
    notebook.metadata["kernelspec"] = {"name": "mine", "display_name": "Mine", "language": "python"}
    return notebook


def nbgraders_steps(run, notebook, config):
    """nbgrader's own steps, each opening the gradebook, on a copy of ``notebook``."""
    resources = run.resources(Submission("ada", CH1, run.root), run.root)
    sanitized = copy.deepcopy(notebook)
    for step in staging.STEPS:
        sanitized, resources = step(config=config)(sanitized, resources)
    return sanitized, resources.get("bnweek_restored_roles", [])


@pytest.mark.parametrize("add_missing", [False, True], ids=["as configured", "missing cells added"])
def test_sanitizing_from_the_snapshot_is_sanitizing_from_the_gradebook(released, add_missing):
    """Do a deleted, an edited, a retyped and a repriced test cell and a changed kernelspec come out as nbgrader's
    steps on the gradebook leave them, with the same notes (and the deleted cell back where nbgrader adds it)?"""
    run, source = released
    config = copy.deepcopy(run.config)
    config.OverwriteCells.add_missing_cells = add_missing
    notebook = tampered()
    expected, expected_notes = nbgraders_steps(run, notebook, config)
    sanitized, notes = staging.sanitize(copy.deepcopy(notebook), {"nbgrader": {"assignment": CH1, "notebook": CH1,
                                                                               "student": "ada"}}, source, config)
    assert RANDOM.sub("", nbformat.writes(sanitized)) == RANDOM.sub("", nbformat.writes(expected))
    assert notes == expected_notes
    # and each repair was needed: the result differs from the tampered notebook where it was tampered with
    restored = {grade_id(cell): cell for cell in sanitized.cells if grade_id(cell)}
    assert ("test_normalize_inputs" in restored) == add_missing
    assert "assert True  # my own check" not in restored["test_batchnorm_forward"].source
    assert nbgrader(restored["test_batchnorm_forward"])["points"] == 3
    assert restored["setup"].cell_type == "code"
    assert sanitized.metadata["kernelspec"]["name"] != "mine"


def test_the_snapshot_answers_as_the_gradebook_does(released):
    """Does the snapshot raise MissingEntry where nbgrader's gradebook does, and give the same cells in order?"""
    run, source = released
    book = staging.SourceBook(source)
    with Gradebook(run.db_url) as gradebook:
        theirs = gradebook.find_notebook(CH1, CH1)
        assert [c.name for c in source.source_cells] == [c.name for c in theirs.source_cells]
        assert [(c.name, c.max_score) for c in source.grade_cells] == [(c.name, c.max_score) for c in theirs.grade_cells]
        cell = theirs.source_cells[0]
        assert book.find_source_cell(cell.name, CH1, CH1).checksum == cell.checksum
    for ask in (lambda: book.find_source_cell("no such cell", CH1, CH1),
                lambda: book.find_graded_cell("no such cell", CH1, CH1),
                lambda: book.find_notebook("ch2_fitting_bn", "ch2_fitting_bn")):
        with pytest.raises(MissingEntry):
            ask()


def test_a_notebook_that_cannot_be_sanitized_is_the_graders_fault(released, tmp_path):
    """Does a worker whose sanitizing raises say the grader failed (so the batch tries again, and never scores 0),
    before any kernel starts?"""
    run, source = released
    notebook = nbformat.read(EXERCISES / CH1 / f"{CH1}.ipynb", as_version=4)
    # a gradebook out of step with the course: a locked cell's checksum that its source does not have
    cells = tuple(dataclasses.replace(cell, checksum="0" * 32) if cell.name == "test_batchnorm_forward" else cell
                  for cell in source.source_cells)
    wrong = dataclasses.replace(source, source_cells=cells)
    files, _ = execution.pack_folder(tmp_path)
    executed = execution.run(Job(nbformat.writes(notebook), files, run.config, source=wrong, student="ada"))
    assert executed.kind == GRADER_FAULT, executed.reason
    assert "while sanitizing it (RuntimeError: Inconsistent checksums" in executed.reason
    assert set(executed.timings) == {"sanitize"}
