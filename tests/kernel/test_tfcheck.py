"""What hidden tests import (``autograder/kernel/tfcheck.py``): the input grid, tolerances and verdicts in words."""

import re

import numpy as np
import pytest

from autograder.kernel import tfcheck
from autograder.kernel.tfcheck import cases, check_close, check_raises_nothing, check_shape, tolerance


def test_the_grid_covers_every_shape_dtype_and_scale():
    """Does ``cases()`` cover the default grid once, each case labelled and drawing in its dtype?"""
    grid = cases()
    assert len(grid) == len(tfcheck.DEFAULT_SHAPES) * len(tfcheck.DEFAULT_DTYPES) * len(tfcheck.DEFAULT_SCALES)
    assert {(c.shape, c.dtype, c.scale) for c in grid} == {
        (s, d, k) for s in tfcheck.DEFAULT_SHAPES for d in tfcheck.DEFAULT_DTYPES for k in tfcheck.DEFAULT_SCALES}
    case = next(c for c in grid if c.shape == (1, 7) and c.dtype == np.float32 and c.scale == 1e3)
    assert case.label == "shape (1, 7), float32, scale 1000"
    assert case.normal().shape == (1, 7) and case.normal().dtype == np.float32


def test_draws_are_fresh_unless_seeded():
    """Are inputs new on every run, and the same for the same seed?"""
    assert not np.array_equal(cases()[0].normal(), cases()[0].normal())
    assert np.array_equal(cases(seed=3)[0].normal(), cases(seed=3)[0].normal())


def test_float32_gets_float32_tolerances():
    """Are float32 answers held to float32 tolerances and float64 ones to tight ones?"""
    assert tolerance(np.float32) == (1e-3, 1e-4) and tolerance(np.float64) == (1e-7, 1e-9)


def test_close_values_pass():
    """Does a float32 answer within tolerance of a float64 reference pass?"""
    expected = np.linspace(-3, 3, 12).reshape(3, 4)
    check_close(expected.astype(np.float32), expected, "Z", dtype=np.float32)
    check_close(expected.tolist(), expected, "Z as a list")


def test_a_miss_says_what_where_and_by_how_much():
    """Does a wrong value fail with what was checked, the largest difference and its index, and no expected values?"""
    expected = np.zeros((2, 3))
    wrong = expected.copy()
    wrong[1, 2] = 0.5
    with pytest.raises(AssertionError) as caught:
        check_close(wrong, expected, "Z_tilde for shape (2, 3)")
    message = str(caught.value)
    assert message.startswith("Z_tilde for shape (2, 3): does not match TensorFlow's result")
    assert "0.5 at index (1, 2)" in message


@pytest.mark.parametrize("value, words", [
    (np.zeros((3, 2)), "expected shape (2, 3), got (3, 2)"),
    (np.full((2, 3), np.nan), "NaN or infinity"),
    ("not numbers", "expected numbers, got str"),
    (None, "expected shape (2, 3), got ()"),
])
def test_wrong_kinds_of_answer_fail_in_words(value, words):
    """Do a wrong shape, NaNs, a non-numeric answer and no answer each fail with a sentence?"""
    with pytest.raises(AssertionError, match=re.escape(words)):
        check_close(value, np.zeros((2, 3)), "Z")


def test_shapes_must_match_exactly():
    """Does check_shape accept the exact shape only?"""
    check_shape(np.zeros((2, 3)), (2, 3), "Z")
    with pytest.raises(AssertionError, match=r"Z: expected shape \(2, 3\), got \(6,\)\."):
        check_shape(np.zeros(6), (2, 3), "Z")


def test_an_exception_from_the_answer_becomes_a_verdict():
    """Is a student's exception turned into a one-line verdict, and a result passed through?"""
    assert check_raises_nothing(lambda x: x + 1, 1, what="f(1)") == 2
    with pytest.raises(AssertionError, match="f: your function raised ZeroDivisionError: division by zero") as caught:
        check_raises_nothing(lambda: 1 / 0, what="f")
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


def test_patched_numpy_is_restored(monkeypatch):
    """Does restore_pristine undo a submission's replacement of a NumPy function, and name it?"""
    if not tfcheck._PRISTINE:
        tfcheck._snapshot()
    original = np.allclose
    monkeypatch.setattr(np, "allclose", lambda *args, **kwargs: True)
    assert "numpy.allclose" in tfcheck.restore_pristine()
    assert np.allclose is original


def test_references_run_on_the_best_device_without_tf32():
    """Does on_best_device pick /GPU:0 or /CPU:0 and turn TF32 off inside?"""
    import tensorflow as tf

    with tfcheck.on_best_device() as device:
        assert device == tfcheck.best_device() in ("/GPU:0", "/CPU:0")
        assert not tf.config.experimental.tensor_float_32_execution_enabled()
        assert float(tf.reduce_sum(tf.ones((2, 2), dtype=tf.float64))) == 4.0


# -- contract 2: seed and language ------------------------------------------------------------------


@pytest.fixture
def configured():
    """``tfcheck.configure`` for one test, then back to unseeded English."""
    yield tfcheck.configure
    tfcheck._current["settings"] = tfcheck.Settings()


def test_a_seed_gives_the_same_inputs_and_another_seed_others(configured):
    """Does the same seed draw the same inputs for a test (regrade), another seed or another test other ones?"""
    configured(seed=12345, language="en")
    first = [case.normal() for case in tfcheck.Checks("f", 1).cases()]
    again = [case.normal() for case in tfcheck.Checks("f", 1).cases()]
    other_test = [case.normal() for case in tfcheck.Checks("g", 1).cases()]
    configured(seed=12346, language="en")
    other_student = [case.normal() for case in tfcheck.Checks("f", 1).cases()]
    assert all(np.array_equal(a, b) for a, b in zip(first, again))
    assert not any(np.array_equal(a, b) for a, b in zip(first, other_test))
    assert not any(np.array_equal(a, b) for a, b in zip(first, other_student))
    assert tfcheck.Checks("f", 1).rng("x").integers(2**62) == tfcheck.Checks("f", 1).rng("x").integers(2**62)


def test_unconfigured_draws_are_fresh_and_english():
    """Before configure (a student's own Jupyter), are the draws new each run and the words English?"""
    assert tfcheck.settings() == tfcheck.Settings(seed=None, language="en")
    assert not np.array_equal(tfcheck.Checks("f", 1).cases()[0].normal(), tfcheck.Checks("f", 1).cases()[0].normal())


def test_an_unknown_language_is_english(configured):
    """Does a language other than zh_CN mean English?"""
    configured(seed=1, language="fr")
    assert tfcheck.settings().language == "en"


def test_a_case_can_be_drawn_again_from_its_seed():
    """Does a case's seed (which the feedback shows) draw that case's inputs again?"""
    case = cases(name="f")[3]
    drawn = case.normal()
    replay = tfcheck.Case(case.label, case.shape, case.dtype, case.scale, np.random.default_rng(case.seed), case.seed)
    assert np.array_equal(replay.normal(), drawn)


# -- contract 1: partial credit over independent checks ------------------------------------------------


def test_points_are_shared_over_checks_and_failures_are_recorded_not_raised():
    """Does a cell earn its points in proportion to the checks passed, never full marks with a failure?"""
    checks = tfcheck.Checks("f", points=3)
    for index in range(100):
        with checks(f"case {index}"):
            assert index != 7, "case 7 is wrong"
    assert checks.value() < 3 and checks.value() == pytest.approx(3 * 99 / 100, abs=1e-3)
    all_pass = tfcheck.Checks("f", points=2)
    with all_pass("one"):
        pass
    assert all_pass.value() == 2
    none = tfcheck.Checks("f", points=2)
    with none("one"):
        raise ValueError("broken")
    assert none.value() == 0


def test_a_check_repeated_over_cases_passes_only_if_every_case_passed():
    """Does one check named twice fail once any of its cases fails, keeping the first message?"""
    checks = tfcheck.Checks("f", points=1)
    case = cases(name="f")[0]
    for wrong in (False, True, True):
        with checks("Z_tilde", case) as attempt:
            assert not wrong, f"wrong {wrong}"
    assert not attempt.passed
    (check,) = checks.checks
    assert not check.passed and check.message.startswith("wrong True") and str(case.seed) in check.message


def test_the_report_lists_every_check_with_its_verdict(capsys):
    """Does score() print each check as passed or FAILED with its message, and return the score?"""
    checks = tfcheck.Checks("batchnorm_forward", points=2)
    with checks("Z_tilde for shape (4, 32)"):
        pass
    with checks("Z_tilde for shape (1, 7)"):
        raise AssertionError("does not match")
    assert checks.score() == 1.0
    printed = capsys.readouterr().out
    assert "batchnorm_forward: 1 of 2 checks passed, 1 of 2 points." in printed
    assert "Hidden checks of batchnorm_forward:" in printed and "  passed: Z_tilde for shape (4, 32)" in printed
    assert "  FAILED: Z_tilde for shape (1, 7): does not match" in printed


# -- naming the mistake ------------------------------------------------------------------------------


def test_a_miss_that_matches_a_known_mistake_names_it(configured):
    """Is a wrong answer that equals a catalogued mistake's result told which mistake, in the notebook's language?"""
    Z = np.random.default_rng(0).normal(size=(3, 8))
    biased = (Z - Z.mean(1, keepdims=True)) / np.sqrt(Z.var(1, keepdims=True) + 1e-5)
    unbiased = (Z - Z.mean(1, keepdims=True)) / np.sqrt(Z.var(1, ddof=1, keepdims=True) + 1e-5)
    checks = tfcheck.Checks("batchnorm_forward", points=1)
    with checks("Z_tilde"):
        check_close(unbiased, biased, "Z_tilde", mistakes={"unbiased_variance": unbiased})
    assert checks.named_mistakes() == ["unbiased_variance"]
    assert tfcheck.MISTAKES["unbiased_variance"]["en"] in checks.report()
    configured(seed=1, language="zh_CN")
    assert tfcheck.MISTAKES["unbiased_variance"]["zh_CN"] in checks.report()
    assert "未通过" in checks.report()


def test_a_miss_unlike_any_known_mistake_and_a_right_answer_name_none():
    """Is nothing named for a wrong answer that matches no mistake, or for a right one?"""
    expected = np.linspace(0, 1, 6)
    checks = tfcheck.Checks("f", points=1)
    with checks("wrong"):
        check_close(expected + 1, expected, "x", mistakes={"unbiased_variance": expected * 2})
    with checks("right"):
        check_close(expected, expected, "x", mistakes={"unbiased_variance": expected})
    assert checks.named_mistakes() == []
    assert "known mistake" not in checks.report()


@pytest.mark.parametrize("comparable_only, named", [(False, []), (True, ["unbiased_variance"])])
def test_comparable_only_names_from_the_checks_that_could_tell(comparable_only, named):
    """With comparable_only, is a mistake named from the failed checks that compared with known mistakes, while
    failed checks that could not tell (a gradient, say) neither count against it nor name anything?"""
    expected = np.linspace(1, 2, 6)
    checks = tfcheck.Checks("BatchNorm", points=3, comparable_only=comparable_only)
    with checks("output"):
        check_close(expected * 2, expected, "y", mistakes={"unbiased_variance": expected * 2})
    for what in ("gradient", "later call"):
        with checks(what):
            check_close(expected + 1, expected, "dx")
    assert [check.comparable for check in checks.checks] == [True, False, False]
    assert checks.named_mistakes() == named


@pytest.mark.parametrize("matching_cases, named", [(1, []), (2, ["unbiased_variance"]), (3, ["unbiased_variance"])])
def test_a_mistake_is_named_only_when_most_cases_look_like_it(matching_cases, named):
    """Over four failed cases of one check, is a mistake named only when the answer matched it in half of them or
    more, so that one case where a wrong answer happens to give what the mistake gives names nothing?"""
    expected = np.linspace(1, 2, 6)
    checks = tfcheck.Checks("BatchNorm", points=3, comparable_only=True)
    for case in range(4):
        with checks("moving statistics"):
            wrong = expected * 2 if case < matching_cases else expected * 3
            check_close(wrong, expected, "moving_variance",
                        mistakes={"momentum_inverted": expected * 5, "unbiased_variance": expected * 2})
    assert checks.named_mistakes() == named


def test_every_mistake_speaks_both_languages():
    """Has every catalogued mistake a sentence in English and in Chinese?"""
    for key, texts in tfcheck.MISTAKES.items():
        assert set(texts) == {"en", "zh_CN"}, key
        assert re.search(r"[\u4e00-\u9fff]", texts["zh_CN"]), key


def test_restoring_pristine_modules_keeps_the_configuration(configured):
    """Does restore_pristine (run before every test's draws) leave the grader's seed and language in place?"""
    if not tfcheck._PRISTINE:
        tfcheck._snapshot()
    configured(seed=7, language="zh_CN")
    tfcheck.restore_pristine()
    assert tfcheck.settings() == tfcheck.Settings(seed=7, language="zh_CN")


def test_a_nan_where_the_mistake_gives_nan_still_names_it():
    """Is an answer that leaves eps out (NaN on a constant unit) told so, though its result is not finite?"""
    Z = np.array([[1.0, 2.0, 3.0], [5.0, 5.0, 5.0]])
    mu, var = Z.mean(1, keepdims=True), Z.var(1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        no_eps = (Z - mu) / np.sqrt(var)
    with pytest.raises(tfcheck.Mistake) as caught:
        check_close(no_eps, (Z - mu) / np.sqrt(var + 1e-5), "Z_tilde", mistakes={"ignores_eps": no_eps})
    assert caught.value.key == "ignores_eps" and "NaN or infinity" in str(caught.value)


# --- verdicts in the notebook's language: the catalogue of the hidden tests' words ----------------------------

HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", re.S)
CJK = re.compile(r"[\u4e00-\u9fff，：（）；。、]")  # Chinese words or Chinese punctuation
CODE_ONLY = re.compile(r"^[\w.]+(\(.*\))?$")  # a call or a name (``BatchNorm()``): the same in every language


def _sample(node):
    """The text a string expression gives with every interpolated value ``X`` (``None`` if not a string)."""
    import ast

    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(part.value if isinstance(part, ast.Constant) else "X" for part in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _sample(node.left), _sample(node.right)
        return None if left is None or right is None else left + right
    if isinstance(node, ast.IfExp):
        return _sample(node.body) or _sample(node.orelse)
    return None


def hidden_texts():
    """Every label and message the hidden tests of ``solutions/`` format: checks' names, ``what=``, asserts."""
    import ast

    import nbformat

    from autograder.course import REPO

    found = set()
    for path in sorted((REPO / "solutions").glob("*/*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            for region in HIDDEN.findall(cell.source):
                for node in ast.walk(ast.parse(region)):
                    strings = []
                    if isinstance(node, ast.Call):
                        name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                        if name in ("checks", "AssertionError") and node.args:
                            strings.append(node.args[0])
                        if name in ("check_close", "check_shape") and len(node.args) >= 3:
                            strings.append(node.args[2])
                        strings += [keyword.value for keyword in node.keywords if keyword.arg == "what"]
                    elif isinstance(node, ast.Assert) and node.msg is not None:
                        strings.append(node.msg)
                    elif isinstance(node, ast.Assign) and any(getattr(target, "id", "") in ("what", "label", "where", "key")
                                                              for target in node.targets):
                        strings.append(node.value)
                    found.update(text for text in map(_sample, strings) if text and re.search("[A-Za-z]{3}", text))
    return sorted(found)


def test_every_hidden_label_and_message_has_a_translation():
    """Does the catalogue translate every label and message a hidden test formats (any values in its fields)?"""
    texts = hidden_texts()
    assert len(texts) > 150, "the hidden tests' labels were not found"
    untranslated = [text for text in texts if not CODE_ONLY.match(text) and tfcheck.translate(text, "zh_CN") == text]
    assert untranslated == [], f"add these to {tfcheck.CATALOGUE}: {untranslated[:10]}"


def test_every_translation_keeps_its_fields_and_is_chinese():
    """Does each catalogue entry's Chinese hold exactly the English's fields, and Chinese words?"""
    import string

    def fields(text):
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}
    entries = tfcheck.catalogue("zh_CN")
    assert len(entries) > 150
    for entry in entries:
        assert fields(entry.english) == fields(entry.target), entry.english
        assert CJK.search(entry.target), entry.english
        fixed = "".join(text for text, *_ in string.Formatter().parse(entry.english))
        assert re.search(r"[A-Za-z]{3}|[A-Za-z]=", fixed), f"{entry.english!r} would match any text"


def test_a_translation_reads_each_field_by_its_brackets_and_leaves_unknown_text_english():
    """Are a case's shape and a nested label translated in place, and text the catalogue lacks kept as it is?"""
    def zh(text):
        return tfcheck.translate(text, "zh_CN")
    assert zh("shape (4, 32), float32, scale 1000") == "形状 (4, 32)，float32，量级 1000"
    assert zh("Z_tilde for shape (7, 1), float64, scale 1, eps=0.1 (m = 1, where Z_tilde is beta)") == (
        "Z_tilde，形状 (7, 1)，float64，量级 1，eps=0.1（m = 1，此时 Z_tilde 等于 beta）")
    assert zh("dgamma from batchnorm_backward on shape (1, 7), float32, scale 1") == (
        "batchnorm_backward，形状 (1, 7)，float32，量级 1 返回的 dgamma")
    assert zh("a sentence no hidden test writes") == "a sentence no hidden test writes"
    assert tfcheck.translate("Z_tilde for shape (4, 32), float64, scale 1", "en") == "Z_tilde for shape (4, 32), float64, scale 1"


def test_a_chinese_verdict_is_chinese_throughout(configured):
    """In a zh_CN notebook, are tfcheck's phrases, a check's label, a test's assert and the summary all Chinese?"""
    configured(seed=1, language="zh_CN")
    checks = tfcheck.Checks("batchnorm_forward", points=3)
    case = checks.cases(shapes=((4, 32),), dtypes=(np.float64,), scales=(1.0,))[0]
    with checks(f"Z_tilde for {case.label}", case):
        check_close(np.zeros((2, 2)), np.ones((2, 2)), f"Z_tilde for {case.label}")
    with checks(f"the cache (Z, Z_norm, mu, var, gamma, eps) for {case.label}", case):
        raise AssertionError("batchnorm_forward must return the pair (Z_tilde, cache)")
    with checks("shapes"):
        check_shape(np.zeros(3), (3, 1), "Z_tilde for shape (3, 1), float64, scale 1")
    with checks("raises"):
        check_raises_nothing(lambda: 1 / 0, what="batchnorm_forward on shape (3, 1), float64, scale 1")
    report = checks.report() + "\n" + checks.summary()
    assert "未通过：Z_tilde，形状 (4, 32)，float64，量级 1：Z_tilde，形状 (4, 32)，float64，量级 1：与 TensorFlow 的结果不符" in report
    assert "（复现：形状 (4, 32)，float64，量级 1，用例种子" in report
    assert "未通过：缓存 (Z, Z_norm, mu, var, gamma, eps)，形状 (4, 32)，float64，量级 1：batchnorm_forward 必须返回二元组" in report
    assert "Z_tilde，形状 (3, 1)，float64，量级 1：形状应为 (3, 1)，实际为 (3,)。" in report
    assert "batchnorm_forward，形状 (3, 1)，float64，量级 1：你的函数抛出了 ZeroDivisionError" in report
    assert "batchnorm_forward：4 项检查通过 0 项，得 0 分（满分 3）。" in report
    assert not re.search(r"does not match|expected shape|to reproduce|your function raised| for shape", report)
