"""Does every assignment grade right: solution, blank student version, each catalogued variant?"""

import pytest

from autograder.catalogue import ALTERNATIVE, MUTANT, variants
from autograder.course import CATALOGUE, assignments, graded_tests

VARIANTS = variants(CATALOGUE)


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
        assert not verdict.named, f"a correct answer was told it made a mistake ({', '.join(verdict.named)})"


#: Submissions that answer by a lookup instead of the logic: the order the hidden test used to call
#: them in, or the expected answer read from the caller's frames (issue 21). They must earn nothing.
LOOKUPS = ["ch6_tensorflow/best_device/mutant_call_order_lookup", "ch6_tensorflow/best_device/mutant_frame_reader"]


@pytest.mark.parametrize("label", LOOKUPS)
def test_a_lookup_earns_nothing(graded, label):
    """Does best_device answered from a list in call order, or from the probe's frames, score exactly 0?"""
    assignment = label.split("/")[0]
    _, verdicts = graded(assignment)
    verdict = next(v for v in verdicts if v.variant.label == label)
    assert verdict.status == "graded" and verdict.possible > 0
    assert verdict.score == 0, f"{label} earned {verdict.score:g} of {verdict.possible:g}"


def test_some_mutants_earn_partial_credit(graded):
    """Do some mutants earn part of their points, not all or nothing? (Not in every assignment: chapter 4's visible
    asserts, which score a cell 0 when they fail, catch every one of its catalogued mistakes.)"""
    scores = [(v.score, v.possible) for assignment in assignments() for v in graded(assignment)[1]
              if v.variant.kind == MUTANT]
    assert any(0 < score < possible for score, possible in scores), "no mutant earned partial credit"


@pytest.mark.parametrize("assignment", assignments())
def test_named_mistakes(graded, assignment):
    """Is every declared mistake that reaches the hidden checks named, and none wrongly?"""
    _, verdicts = graded(assignment)
    mutants = [v for v in verdicts if v.variant.kind == MUTANT]
    reached = [v for v in mutants if v.variant.names and v.judged]
    assert all(v.named_right for v in reached), [v.variant.label for v in reached if not v.named_right]
    assert not [v.variant.label for v in verdicts if v.named_wrongly]


# -- packing variants into notebooks (fast: no grading) ----------------------------------------


def variant(tmp_path, function, name, source=None):
    """A catalogue file ``<function>/<name>.py`` for a made-up assignment."""
    from autograder.catalogue import ALTERNATIVE, Variant

    path = tmp_path / function / f"{name}.py"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(source or f"# {name.replace('_', ' ')}\ndef {function}():\n    return 0\n")
    return Variant("chX", function, MUTANT if name.startswith("mutant_") else ALTERNATIVE, path)


def test_variants_are_read_from_the_folder_given(tmp_path):
    """Are a catalogue folder's mutants and alternatives found, told apart and described, and other files left out?"""
    catalogue = tmp_path / "catalogue"
    variant(catalogue / "chX", "f", "mutant_off_by_one")
    variant(catalogue / "chX", "f", "alt_loop")
    (catalogue / "chX" / "f" / "notes.py").write_text("# not a variant\n")
    found = variants(catalogue, "chX")
    assert [(v.function, v.kind, v.name) for v in found] == [("f", ALTERNATIVE, "alt_loop"), ("f", MUTANT, "mutant_off_by_one")]
    assert found[1].description == "mutant off by one" and found[1].label == "chX/f/mutant_off_by_one"
    assert variants(tmp_path / "elsewhere", "chX") == []


def test_packs_hold_at_most_one_variant_per_function(tmp_path):
    """Do variants of different functions share a notebook, and two of one function never?"""
    from autograder.catalogue import pack

    group = [variant(tmp_path, "f", "mutant_a"), variant(tmp_path, "f", "mutant_b"), variant(tmp_path, "g", "mutant_c"),
             variant(tmp_path, "g", "alt_d")]
    assert [[v.name for v in p] for p in pack(group, MUTANT)] == [["mutant_a", "mutant_c"], ["mutant_b"]]
    assert [[v.name for v in p] for p in pack(group, "alt")] == [["alt_d"]]


def test_mutants_that_mention_each_other_never_share(tmp_path):
    """Does a mutant that calls another function, or whose tests call it, get a notebook apart from that one's mutants?"""
    from autograder.catalogue import pack

    calls_g = variant(tmp_path, "f", "mutant_a", "# calls g\ndef f():\n    return g()\n")
    plain_g, plain_h = variant(tmp_path, "g", "mutant_b"), variant(tmp_path, "h", "mutant_c")
    assert [[v.name for v in p] for p in pack([calls_g, plain_g, plain_h], MUTANT, {})] == [["mutant_a", "mutant_c"],
                                                                                            ["mutant_b"]]
    tested_with_f = {"h": "assert h() == f()"}
    assert [[v.name for v in p] for p in pack([calls_g, plain_h], MUTANT, tested_with_f)] == [["mutant_a"],
                                                                                               ["mutant_c"]]
    assert len(pack([calls_g, plain_g], MUTANT)) == 1, "without test sources, only the function itself clashes"


def test_a_variant_describes_itself_with_its_first_comment(tmp_path):
    """Are a variant's name, label and description read from its file?"""
    mutant = variant(tmp_path, "f", "mutant_off_by_one")
    assert (mutant.name, mutant.label, mutant.description) == ("mutant_off_by_one", "chX/f/mutant_off_by_one",
                                                               "mutant off by one")


def test_verdicts_and_the_mutation_report(tmp_path):
    """Is a mutant caught when its function loses points, an alternative accepted with full marks everywhere,
    and does the report count both and name each miss?"""
    from autograder.catalogue import Verdict, report

    caught = Verdict(variant(tmp_path, "f", "mutant_a"), 0.0, 1.0, 2.0, 3.0, "graded")
    missed = Verdict(variant(tmp_path, "f", "mutant_b"), 1.0, 1.0, 3.0, 3.0, "graded")
    broken = Verdict(variant(tmp_path, "f", "mutant_c"), 0.0, 1.0, 0.0, 3.0, "corrupt notebook")
    accepted = Verdict(variant(tmp_path, "f", "alt_d"), 1.0, 1.0, 3.0, 3.0, "graded")
    rejected = Verdict(variant(tmp_path, "f", "alt_e"), 1.0, 1.0, 2.0, 3.0, "graded")
    assert [v.ok for v in (caught, missed, broken, accepted, rejected)] == [True, False, False, True, False]
    text = report([caught, missed, broken, accepted, rejected])
    assert text.splitlines()[1].split() == ["chX", "f", "1/3", "1/2"]
    assert "NOT CAUGHT: chX/f/mutant_b (mutant b)" in text and "REJECTED: chX/f/alt_e (alt e)" in text


def test_a_mutant_declares_its_mistake_on_its_second_line(tmp_path):
    """Is a mutant's "# names: <key>" read, and is every declared key one that the hidden tests can name?"""
    from autograder.kernel.tfcheck import MISTAKES

    mutant = variant(tmp_path, "f", "mutant_unbiased", "# mutant: ddof=1\n# names: unbiased_variance\ndef f():\n    pass\n")
    assert mutant.names == "unbiased_variance" and mutant.description == "mutant: ddof=1"
    assert variant(tmp_path, "f", "mutant_plain").names is None
    declared = {v.names for v in VARIANTS if v.names}
    assert declared and declared <= set(MISTAKES)


def test_the_report_counts_the_catalogue_the_score_and_the_naming(tmp_path):
    """Does the mutation report give the catalogue's size per class, the mutation score, the naming rate and every
    wrong naming?"""
    from autograder.catalogue import Verdict, report

    named = variant(tmp_path, "f", "mutant_a", "# m\n# names: unbiased_variance\ndef f():\n    pass\n")
    unnamed = variant(tmp_path, "f", "mutant_b", "# m\n# names: eps_outside_sqrt\ndef f():\n    pass\n")
    visible = variant(tmp_path, "f", "mutant_c", "# m\n# names: wrong_axis\ndef f():\n    pass\n")
    alternative = variant(tmp_path, "f", "alt_d")
    text = report([Verdict(named, 0.5, 1.0, 2.5, 3.0, "graded", ("unbiased_variance",)),
                   Verdict(unnamed, 0.5, 1.0, 2.5, 3.0, "graded", ()),
                   Verdict(visible, 0.0, 1.0, 2.0, 3.0, "graded", None),
                   Verdict(alternative, 1.0, 1.0, 3.0, 3.0, "graded", ("wrong_axis",))])
    assert "chX                       3             1" in text
    assert "mutation score: 3/3 mutants caught (100.0%), 1/1 alternatives accepted" in text
    assert "mistakes named: 1/3 mutants that declare a known mistake are told it (33.3%); 1/2 of those" in text
    assert "named wrongly: 1 alternatives, 0 mutants" in text and "NAMED WRONGLY: chX/f/alt_d: wrong_axis" in text
    assert "NOT NAMED: chX/f/mutant_b (eps_outside_sqrt)" in text
