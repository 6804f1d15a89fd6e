"""Are the committed student versions exactly what release generates, and free of secrets?"""

import json

import pytest

from autograder.course import EXERCISES, assignments
from autograder.leaks import find_leaks, secret_regions
from autograder.release import release


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory):
    """Every assignment released afresh into a scratch folder."""
    root = tmp_path_factory.mktemp("release")
    release(assignments(), course_root=root / "course", release_directory=root / "exercises")
    return root / "exercises"


@pytest.mark.parametrize("assignment", assignments())
def test_exercises_are_in_sync_with_solutions(regenerated, assignment):
    """Does exercises/<id> hold exactly what ./course release generates from solutions/<id>?"""
    fresh = {p.name: p for p in (regenerated / assignment).iterdir()}
    committed = {p.name: p for p in (EXERCISES / assignment).iterdir()}
    assert sorted(committed) == sorted(fresh), "run ./course release to regenerate exercises/"
    for name, path in fresh.items():
        if name.endswith(".ipynb"):
            assert json.loads(committed[name].read_text()) == json.loads(path.read_text()), (
                f"exercises/{assignment}/{name} is stale: run ./course release {assignment}"
            )
        else:
            assert committed[name].read_bytes() == path.read_bytes(), f"exercises/{assignment}/{name} is stale"


@pytest.mark.parametrize("assignment", assignments())
def test_student_version_has_no_solution_or_hidden_test(assignment):
    """Does the student notebook leave out every solution and hidden-test line?"""
    notebook = json.loads((EXERCISES / assignment / f"{assignment}.ipynb").read_text())
    text = "\n".join("".join(cell["source"]) for cell in notebook["cells"])
    assert secret_regions(assignment), "the source notebook has no solution or hidden-test region"
    assert find_leaks(text, secret_regions(assignment)) == set()
    assert "raise NotImplementedError()" in text
