"""Does every solution notebook, hidden tests included, run in under a minute with a cold kernel?"""

import time

import nbformat
import pytest
from nbclient import NotebookClient

from autograder.course import SOLUTIONS, assignments, source_notebook

LIMIT_SECONDS = 60

pytestmark = pytest.mark.grading  # each test runs a whole notebook in a kernel


@pytest.mark.parametrize("assignment", assignments())
def test_solution_notebook_runs_in_under_a_minute(assignment):
    """Does the source notebook run top to bottom, error-free, within the time budget?"""
    notebook = nbformat.read(source_notebook(assignment), as_version=4)
    client = NotebookClient(notebook, timeout=LIMIT_SECONDS, kernel_name="python3",
                            resources={"metadata": {"path": str(SOLUTIONS / assignment)}})
    started = time.monotonic()
    client.execute()
    seconds = time.monotonic() - started
    print(f"{assignment}: solution notebook ran in {seconds:.1f} s (cold kernel, TensorFlow import included)")
    errors = [o for cell in notebook.cells for o in cell.get("outputs", []) if o.output_type == "error"]
    assert not errors, errors[0]["evalue"] if errors else ""
    assert seconds < LIMIT_SECONDS
