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
