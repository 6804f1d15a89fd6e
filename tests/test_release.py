"""Are the committed student versions (English and Chinese) exactly what release generates, and free of secrets?"""

import json

import pytest

from autograder.course import EXERCISES, assignments
from autograder.release import TRANSLATIONS, release, translated_path
from autograder.site.leaks import find_leaks, secret_regions


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory):
    """Every assignment released afresh into a scratch folder."""
    root = tmp_path_factory.mktemp("release")
    release(assignments(), course_root=root / "course", release_directory=root / "exercises")
    return root / "exercises"


@pytest.mark.parametrize("assignment", assignments())
def test_exercises_are_in_sync_with_solutions(regenerated, assignment):
    """Does exercises/<id> (with its zh_CN/ edition) hold exactly what ./course release generates from solutions/<id>?"""
    fresh = {p.relative_to(regenerated / assignment).as_posix(): p
             for p in (regenerated / assignment).rglob("*") if p.is_file()}
    committed = {p.relative_to(EXERCISES / assignment).as_posix(): p
                 for p in (EXERCISES / assignment).rglob("*") if p.is_file() and "__pycache__" not in p.parts}
    assert sorted(committed) == sorted(fresh), "run ./course release to regenerate exercises/"
    for name, path in fresh.items():
        if name.endswith(".ipynb"):
            assert json.loads(committed[name].read_text()) == json.loads(path.read_text()), (
                f"exercises/{assignment}/{name} is stale: run ./course release {assignment}"
            )
        else:
            assert committed[name].read_bytes() == path.read_bytes(), f"exercises/{assignment}/{name} is stale"


EDITIONS = [None, *TRANSLATIONS]


def student_notebook(assignment, language):
    if language is None:
        return EXERCISES / assignment / f"{assignment}.ipynb"
    return translated_path(assignment, language)


@pytest.mark.parametrize("language", EDITIONS, ids=lambda language: language or "en")
@pytest.mark.parametrize("assignment", assignments())
def test_student_version_has_no_solution_or_hidden_test(assignment, language):
    """Does the student notebook (each edition) leave out every solution and hidden-test line?"""
    notebook = json.loads(student_notebook(assignment, language).read_text())
    text = "\n".join("".join(cell["source"]) for cell in notebook["cells"])
    assert secret_regions(assignment), "the source notebook has no solution or hidden-test region"
    assert find_leaks(text, secret_regions(assignment)) == set()
    assert "raise NotImplementedError()" in text


@pytest.mark.parametrize("language", list(TRANSLATIONS))
@pytest.mark.parametrize("assignment", assignments())
def test_translated_edition_differs_only_in_markdown(assignment, language):
    """Is the translated student notebook the English one cell for cell, with only markdown text changed?"""
    english = json.loads(student_notebook(assignment, None).read_text())
    translated = json.loads(student_notebook(assignment, language).read_text())
    def without_language(metadata):
        return {key: value for key, value in metadata.items() if key != "bnweek"}

    assert without_language(translated["metadata"]) == without_language(english["metadata"])
    assert [c["cell_type"] for c in translated["cells"]] == [c["cell_type"] for c in english["cells"]]
    for mine, theirs in zip(translated["cells"], english["cells"]):
        if mine["cell_type"] == "markdown":
            assert {k: v for k, v in mine.items() if k != "source"} == {k: v for k, v in theirs.items() if k != "source"}
        else:
            assert mine == theirs, f"{language} edition changes a {mine['cell_type']} cell: {''.join(mine['source'])[:80]}"


@pytest.mark.parametrize("language", EDITIONS, ids=lambda language: language or "en")
@pytest.mark.parametrize("assignment", assignments())
def test_student_version_says_its_language(assignment, language):
    """Does each student notebook carry metadata["bnweek"]["language"] ("en" or "zh_CN"), which the grader reads?"""
    notebook = json.loads(student_notebook(assignment, language).read_text())
    assert notebook["metadata"]["bnweek"] == {"language": language or "en"}
