"""Helpers that hidden tests import: the device rule, random cases, verdicts in words.

Hidden tests compare a student's NumPy or TensorFlow code with TensorFlow's own
ops. Every hidden-test cell of every assignment does the same few things, so
they live here, once:

* run the reference on the best device (``/GPU:0`` when TensorFlow sees one,
  else ``/CPU:0``) with TF32 matrix multiplication turned off, so GPU references
  are as exact as CPU ones;
* draw fresh inputs over several shapes, dtypes and magnitudes;
* fail with a sentence that says *what* was checked and by how much it was
  missed, never with the test's source, which the student must not see.
"""

from __future__ import annotations

import importlib
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence

    import numpy.typing as npt

# NumPy loads its submodules lazily: numpy.random is loaded here, at import, so that _snapshot()
# records it among numpy's attributes (and restore_pristine() puts it back if a submission replaced it).
importlib.import_module("numpy.random")

#: Modules whose attributes a submission might replace to fool a test. Their
#: state is recorded when this module is first imported: in the grader's warm
#: kernels, before any student code has run.
GUARDED_MODULES = (
    "builtins", "numpy", "numpy.testing", "numpy.linalg", "numpy.random",
    "tensorflow", "tensorflow.nn", "tensorflow.math", "tensorflow.linalg", "tensorflow.random",
    "tensorflow.keras.layers", "tensorflow.keras.losses", "tensorflow.keras.optimizers",
)
_PRISTINE = {}


def _snapshot():
    for name in GUARDED_MODULES + (__name__,):
        try:
            module = sys.modules.get(name) or importlib.import_module(name)
        except Exception:  # TensorFlow is imported lazily where it is not installed
            continue
        _PRISTINE[name] = (module, dict(vars(module)))


def restore_pristine() -> list[str]:
    """Undo changes a submission made to numpy, TensorFlow, builtins or this module.

    Returns
    -------
    list of str
        The attributes that had been replaced or deleted (``"numpy.allclose"``).
    """
    restored = []
    for name, (module, attributes) in _PRISTINE.items():
        current = vars(module)
        for key, value in attributes.items():
            if current.get(key, _MISSING) is not value:
                try:
                    setattr(module, key, value)
                    restored.append(f"{name}.{key}")
                except (AttributeError, TypeError):
                    pass
    return restored


_MISSING = object()

#: Column counts (examples) that every NumPy hidden test should try; m=1 is
#: included where a function is defined for it.
DEFAULT_SHAPES = ((4, 32), (1, 7), (7, 1), (16, 257))
DEFAULT_DTYPES = (np.float64, np.float32)
DEFAULT_SCALES = (1.0, 1e3)


def best_device() -> str:
    """The device hidden tests run TensorFlow on: ``"/GPU:0"`` or ``"/CPU:0"``."""
    import tensorflow as tf

    return "/GPU:0" if tf.config.list_physical_devices("GPU") else "/CPU:0"


@contextmanager
def on_best_device() -> Iterator[str]:
    """Run the enclosed TensorFlow ops on :func:`best_device` without TF32.

    Yields
    ------
    str
        The device name, for the record printed by the test.
    """
    import tensorflow as tf

    if not _PRISTINE:
        _snapshot()
    restore_pristine()
    tf.config.experimental.enable_tensor_float_32_execution(False)
    device = best_device()
    with tf.device(device):
        yield device


@dataclass(frozen=True)
class Case:
    """One random input for a hidden test.

    Attributes
    ----------
    label : str
        Human-readable description, e.g. ``"shape (4, 32), float32, scale 1e3"``.
    shape : tuple of int
    dtype : numpy dtype
    scale : float
        Standard deviation of the entries around a random offset of the same size.
    rng : numpy.random.Generator
        Seeded generator for anything else the test draws for this case.
    """

    label: str
    shape: tuple
    dtype: type
    scale: float
    rng: np.random.Generator

    def normal(self, shape: tuple[int, ...] | None = None, loc: float | np.ndarray | None = None) -> np.ndarray:
        """Entries of ``scale * N(0, 1)`` plus a per-row offset, in ``dtype``.

        Parameters
        ----------
        shape : tuple of int, optional
            Defaults to the case's shape.
        loc : float, optional
            Offset; defaults to a random value of the case's scale, different per row.
        """
        shape = self.shape if shape is None else shape
        if loc is None:
            loc = self.scale * self.rng.normal(size=(shape[0],) + (1,) * (len(shape) - 1))
        return (loc + self.scale * self.rng.normal(size=shape)).astype(self.dtype)


def cases(shapes: Sequence[Sequence[int]] = DEFAULT_SHAPES, dtypes: Sequence[type] = DEFAULT_DTYPES,
          scales: Sequence[float] = DEFAULT_SCALES, seed: int | None = None) -> list[Case]:
    """Every combination of shape, dtype and scale, each with its own generator.

    Parameters
    ----------
    shapes, dtypes, scales : sequences
        The grid to cover.
    seed : int, optional
        Fixes the draws; by default they are fresh each run, so an answer cannot
        be fitted to known inputs.

    Returns
    -------
    list of Case
    """
    restore_pristine()
    root = np.random.default_rng(seed)
    grid = []
    for shape in shapes:
        for dtype in dtypes:
            for scale in scales:
                label = f"shape {tuple(shape)}, {np.dtype(dtype).name}, scale {scale:g}"
                grid.append(Case(label, tuple(shape), dtype, scale, np.random.default_rng(root.integers(2**32))))
    return grid


def tolerance(dtype: npt.DTypeLike) -> tuple[float, float]:
    """(rtol, atol) for comparing results computed in ``dtype`` with a float64 reference."""
    return (1e-3, 1e-4) if np.dtype(dtype) == np.float32 else (1e-7, 1e-9)


def check_shape(value: npt.ArrayLike, shape: Sequence[int], what: str) -> None:
    """Fail unless ``value`` has exactly ``shape``.

    Parameters
    ----------
    value : array-like
    shape : tuple of int
    what : str
        What the value is, in words (``"Z_tilde for shape (4, 32)"``).
    """
    actual = np.shape(value)
    if tuple(actual) != tuple(shape):
        raise AssertionError(f"{what}: expected shape {tuple(shape)}, got {tuple(actual)}.")


def check_close(value: npt.ArrayLike, expected: npt.ArrayLike, what: str, dtype: npt.DTypeLike = np.float64,
                rtol: float | None = None, atol: float | None = None) -> None:
    """Fail unless ``value`` matches ``expected`` elementwise, within tolerance.

    Parameters
    ----------
    value : array-like
        The student's result.
    expected : array-like
        The reference (from TensorFlow, in float64 where possible).
    what : str
        What is being compared, in words; the message repeats it.
    dtype : numpy dtype
        The precision the student was given; float32 inputs get float32 tolerances.
    rtol, atol : float, optional
        Override :func:`tolerance`.
    """
    default_rtol, default_atol = tolerance(dtype)
    rtol = default_rtol if rtol is None else rtol
    atol = default_atol if atol is None else atol
    expected = np.asarray(expected, dtype=np.float64)
    try:
        value = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise AssertionError(f"{what}: expected numbers, got {type(value).__name__}.") from None
    check_shape(value, expected.shape, what)
    if not np.all(np.isfinite(value)):
        raise AssertionError(f"{what}: the result contains NaN or infinity (is it numerically stable?).")
    excess = np.abs(value - expected) - (atol + rtol * np.abs(expected))
    if np.any(excess > 0):
        worst = np.unravel_index(np.argmax(excess), excess.shape)
        raise AssertionError(
            f"{what}: does not match TensorFlow's result; the largest difference is "
            f"{np.abs(value - expected)[worst]:.3g} at index {tuple(int(i) for i in worst)} "
            f"(allowed: {atol:g} + {rtol:g} * |expected|)."
        )


def check_raises_nothing(function: Callable[..., Any], *args: Any, what: str, **kwargs: Any) -> Any:
    """Call ``function`` and turn any exception into a verdict in words.

    Returns
    -------
    object
        Whatever ``function`` returned.
    """
    try:
        return function(*args, **kwargs)
    except Exception as error:  # the student's bug, reported without our source
        raise AssertionError(f"{what}: your function raised {type(error).__name__}: {error}") from None


if "tensorflow" in sys.modules:  # the grader's zygote imported TensorFlow first: record now
    _snapshot()
