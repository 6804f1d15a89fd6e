"""Does every assignment grade right: solution, blank student version, each catalogued variant?"""

import pytest

from autograder.catalogue import MUTANT, variants
from autograder.course import assignments, graded_tests

VARIANTS = variants()


@pytest.mark.parametrize("assignment", assignments())
def test_solution_scores_full_marks(graded, assignment):
    """Does the source notebook, graded as a submission, earn every point?"""
    outcomes, _ = graded(assignment)
    solution = outcomes["solution"]
    assert solution.status == "graded", solution.problem
    assert solution.scores == solution.possible, solution.summary()
    assert solution.max_score > 0
    print(f"{assignment}: solution {solution.summary()} in {solution.seconds:.1f} s (warm kernel)")


@pytest.mark.parametrize("assignment", assignments())
def test_untouched_student_version_scores_zero_cleanly(graded, assignment):
    """Does the released notebook, submitted as is, score 0 without any grader error?"""
    outcomes, _ = graded(assignment)
    student = outcomes["student"]
    assert student.status == "graded" and not student.problem, student.problem
    assert student.total == 0, student.summary()
    assert set(student.possible) == {name.removeprefix("test_") for name in graded_tests(assignment)}


@pytest.mark.parametrize("assignment", assignments())
def test_catalogue_is_large_enough(assignment):
    """Has every graded function at least 8 mutants and 4 alternatives catalogued?"""
    functions = [name.removeprefix("test_") for name in graded_tests(assignment)]
    for function in functions:
        mine = [v for v in VARIANTS if v.assignment == assignment and v.function == function]
        mutants = sum(v.kind == MUTANT for v in mine)
        assert mutants >= 8, f"{assignment}/{function}: only {mutants} mutants"
        assert len(mine) - mutants >= 4, f"{assignment}/{function}: only {len(mine) - mutants} alternatives"


@pytest.mark.parametrize("variant", VARIANTS, ids=[v.label for v in VARIANTS])
def test_variant_is_graded_as_expected(graded, variant):
    """Does a catalogued mistake lose its function's points, and a valid alternative keep all?"""
    _, verdicts = graded(variant.assignment)
    verdict = next(v for v in verdicts if v.variant == variant)
    assert verdict.status == "graded", verdict.status
    if variant.kind == MUTANT:
        assert verdict.score < verdict.possible, f"not caught: {variant.description}"
    else:
        assert verdict.total == verdict.max_total, (
            f"rejected ({verdict.total:g}/{verdict.max_total:g}): {variant.description}"
        )
