"""Helpers that hidden tests import: the device rule, random cases, verdicts in words.

Hidden tests compare a student's NumPy or TensorFlow code with TensorFlow's own
ops. Every hidden-test cell of every assignment does the same few things, so
they live here, once:

* run the reference on the best device (``/GPU:0`` when TensorFlow sees one,
  else ``/CPU:0``) with TF32 matrix multiplication turned off, so GPU references
  are as exact as CPU ones;
* draw fresh inputs over several shapes, dtypes and magnitudes;
* fail with a sentence that says *what* was checked and by how much it was
  missed, never with the test's source, which the student must not see;
* draw those inputs from a seed the grader gives (:func:`configure`), so the same
  notebook regraded gets the same inputs and the same verdict, and two students
  get different ones;
* share a test cell's points over its independent checks (:class:`Checks`): each
  check passes or fails with its message, the feedback lists them, and a failing
  answer that behaves like a known mistake is told which one, in the notebook's
  language (:data:`MISTAKES`);
* say all of it in the notebook's language: tfcheck's own phrases come from
  :data:`_WORDS`, and the hidden tests' labels and messages (English text that
  the tests format) are looked up in a gettext catalogue keyed by their English
  template (:func:`translate`, ``locale/<language>/LC_MESSAGES/grader/verdicts.po``),
  English where it holds no translation.
"""

from __future__ import annotations

import hashlib
import importlib
import math
import re
import string
import sys
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping, Sequence
    from types import ModuleType

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
_PRISTINE: dict[str, tuple[ModuleType, dict[str, Any]]] = {}


def _snapshot():
    for name in GUARDED_MODULES + (__name__,):
        try:
            module = sys.modules.get(name) or importlib.import_module(name)
        except Exception:  # noqa: BLE001  (TensorFlow is imported lazily where it is not installed)
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

LANGUAGES = ("en", "zh_CN")


@dataclass(frozen=True)
class Settings:
    """What the grader told this kernel before the first test cell (:func:`configure`).

    Attributes
    ----------
    seed : int or None
        The notebook's seed; ``None`` (a student's own Jupyter) draws fresh inputs every run.
    language : str
        ``"en"`` or ``"zh_CN"``: the language of the verdicts' frame and of named mistakes.
    """

    seed: int | None = None
    language: str = "en"


#: The current settings, in a holder that :func:`restore_pristine` leaves alone (it restores this
#: module's attributes to what they were at import, before the grader configured anything).
_current = {"settings": Settings()}


def configure(*, seed: int, language: str) -> None:
    """Seed every hidden test's inputs and choose the feedback's language (contract 2).

    The grader calls it in the judge before a notebook's first test cell, with a
    63-bit seed derived from a course secret and ``"<student>/<assignment>"``.

    Parameters
    ----------
    seed : int
        The notebook's seed: each test draws from generators derived from it and the test's name.
    language : str
        ``"zh_CN"`` for the Chinese notebook; anything else means English.
    """
    _current["settings"] = Settings(seed=int(seed), language=language if language in LANGUAGES else "en")


def settings() -> Settings:
    """The current :class:`Settings` (unseeded and English until :func:`configure`)."""
    return _current["settings"]


#: Each language's catalogue of the hidden tests' labels and messages: ``msgid`` an English template whose
#: ``{fields}`` stand for any text (itself looked up again), ``msgstr`` its translation with the same fields.
CATALOGUE = Path(__file__).resolve().parents[2] / "locale" / "{language}" / "LC_MESSAGES" / "grader" / "verdicts.po"


@dataclass(frozen=True)
class Template:
    """One catalogue entry: a pattern for the English it formats, and its translation."""

    english: str
    pattern: re.Pattern
    target: str

    @property
    def literal(self) -> int:
        """How much fixed text the English holds: the more, the more specific (tried first)."""
        return sum(len(text) for text, *_ in string.Formatter().parse(self.english))


#: What a field matches: any text whose brackets pair up (two levels deep), so that ``shape {shape}, {dtype}``
#: reads ``shape (4, 32), float32`` as ``(4, 32)`` and ``float32``.
_FIELD = (r"(?:[^()\[\]{}]|\((?:[^()]|\([^()]*\))*\)|\[(?:[^\[\]]|\[[^\[\]]*\])*\]"
          r"|\{(?:[^{}]|\{[^{}]*\})*\})+?")
_NAME = r"\S+?"


def template(english: str, target: str) -> Template:
    """A :class:`Template` whose fields (``{label}``) each match any non-empty text with paired brackets.

    A field called ``name`` stands for a name from the code (``dgamma``, ``cache["Z"]``): text without spaces.
    """
    parts = []
    for text, name, _, _ in string.Formatter().parse(english):
        parts.append(re.escape(text))
        if name is not None:
            parts.append(f"(?P<{name}>{_NAME if name == 'name' else _FIELD})")
    return Template(english, re.compile("".join(parts), re.S), target)


#: The catalogues read so far, by language (read at import, in the grader's warm kernels, for zh_CN).
_CATALOGUES: dict[str, list[Template]] = {}


def catalogue(language: str) -> list[Template]:
    """The finished translations of ``language``'s catalogue, most specific first (empty if it has none)."""
    if language not in _CATALOGUES:
        templates = []
        try:
            from babel.messages.pofile import read_po

            with open(str(CATALOGUE).format(language=language), "rb") as file:
                messages = read_po(file, charset="utf-8")
            # The catalogue has no plural messages: every id and translation is one string.
            templates = [template(cast(str, m.id), cast(str, m.string))
                         for m in messages if m.id and m.string and not m.fuzzy]
        except (OSError, ImportError):
            pass
        _CATALOGUES[language] = sorted(templates, key=lambda t: -t.literal)
    return _CATALOGUES[language]


def translate(text: str, language: str | None = None) -> str:
    """``text`` (a label or message a hidden test formatted in English) in ``language`` (the configured one).

    The first catalogue template whose English matches the whole text gives the translation, each of its
    fields translated in turn (a case's label inside a check's); text no template matches stays English.
    """
    language = language or settings().language
    if language == "en" or not text:
        return text
    return _translated(text, catalogue(language), 0)


def _translated(text: str, templates: Sequence[Template], depth: int) -> str:
    for entry in templates if depth < 8 else ():
        match = entry.pattern.fullmatch(text)
        if match:
            fields = {name: _translated(value, templates, depth + 1) for name, value in match.groupdict().items()}
            return entry.target.format(**fields)
    return text


def derive_seed(*names: object) -> int:
    """A 63-bit seed for ``names`` (a test's name, a purpose), derived from the configured seed.

    Unconfigured, it is fresh on every call, so a student's own Jupyter draws new inputs each run.
    """
    seed = settings().seed
    if seed is None:
        return int(np.random.default_rng().integers(2**63))
    text = "/".join([str(seed)] + [str(name) for name in names])
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big") >> 1


def rng(*names: object) -> np.random.Generator:
    """A NumPy generator seeded by :func:`derive_seed` for a test's other draws."""
    return np.random.default_rng(derive_seed(*names))

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
    seed : int or None
        The seed of ``rng``: with the case's label, what reproduces a failing case.
    """

    label: str
    shape: tuple
    dtype: type
    scale: float
    rng: np.random.Generator
    seed: int | None = None

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
          scales: Sequence[float] = DEFAULT_SCALES, seed: int | None = None, name: str | None = None) -> list[Case]:
    """Every combination of shape, dtype and scale, each with its own generator.

    Parameters
    ----------
    shapes, dtypes, scales : sequences
        The grid to cover.
    seed : int, optional
        Fixes the draws.
    name : str, optional
        The test's name: without ``seed``, the draws come from the configured
        seed and this name (:func:`derive_seed`), fresh on every run when
        :func:`configure` was not called, so an answer cannot be fitted to known inputs.

    Returns
    -------
    list of Case
    """
    restore_pristine()
    root = np.random.default_rng(derive_seed("cases", name) if seed is None else seed)
    grid = []
    for shape in shapes:
        for dtype in dtypes:
            for scale in scales:
                label = f"shape {tuple(shape)}, {np.dtype(dtype).name}, scale {scale:g}"
                case_seed = int(root.integers(2**63))
                grid.append(Case(label, tuple(shape), dtype, scale, np.random.default_rng(case_seed), case_seed))
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
        raise Verdict(_say("shape", what=what, expected=tuple(shape), actual=tuple(actual)))


def check_close(value: npt.ArrayLike, expected: npt.ArrayLike, what: str, dtype: npt.DTypeLike = np.float64,
                rtol: float | None = None, atol: float | None = None,
                mistakes: Mapping[str, npt.ArrayLike] | None = None) -> None:
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
    mistakes : dict, optional
        ``{key of MISTAKES: what that mistake gives on these inputs}``: when the
        value misses ``expected`` but matches one of these, the error is a
        :class:`Mistake` that names it.
    """
    if mistakes and _ACTIVE:
        _ACTIVE[-1].comparable = True
    default_rtol, default_atol = tolerance(dtype)
    rtol = default_rtol if rtol is None else rtol
    atol = default_atol if atol is None else atol
    expected = np.asarray(expected, dtype=np.float64)
    try:
        value = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise Verdict(_say("numbers", what=what, type=type(value).__name__)) from None
    check_shape(value, expected.shape, what)
    if not np.all(np.isfinite(value)):
        _fail(_say("not_finite", what=what), value, mistakes, rtol, atol)
    excess = np.abs(value - expected) - (atol + rtol * np.abs(expected))
    if np.any(excess > 0):
        worst = np.unravel_index(np.argmax(excess), excess.shape)
        message = _say("mismatch", what=what, difference=f"{np.abs(value - expected)[worst]:.3g}",
                       index=tuple(int(i) for i in worst), atol=f"{atol:g}", rtol=f"{rtol:g}")
        _fail(message, value, mistakes, rtol, atol)


def _fail(message, value, mistakes, rtol, atol):
    """Raise a :class:`Mistake` naming the first known mistake ``value`` matches, else a :class:`Verdict`."""
    offered = tuple(mistakes or ())
    for key, looks_like in (mistakes or {}).items():
        if _matches(value, looks_like, rtol, atol):
            raise Mistake(message, key, offered)
    raise Verdict(message, offered)


class AnyOf(tuple):
    """Several results one known mistake may give (``mistakes={"ignores_eps": AnyOf([no_eps, fixed_eps])}``)."""


def _matches(value, reference, rtol, atol):
    """Whether ``value`` equals ``reference`` (or any of an :class:`AnyOf`) within tolerance (NaN where both are)."""
    if isinstance(reference, AnyOf):
        return any(_matches(value, candidate, rtol, atol) for candidate in reference)
    try:
        reference = np.asarray(reference, dtype=np.float64)
    except (TypeError, ValueError):
        return False
    if reference.shape != value.shape:
        return False
    with np.errstate(invalid="ignore"):
        close = np.abs(value - reference) <= atol + rtol * np.abs(reference)
    return bool(np.all(close | (np.isnan(value) & np.isnan(reference))))


def check_raises_nothing(function: Callable[..., Any], *args: Any, what: str, **kwargs: Any) -> Any:
    """Call ``function`` and turn any exception into a verdict in words.

    Returns
    -------
    object
        Whatever ``function`` returned.
    """
    try:
        return function(*args, **kwargs)
    except Exception as error:  # noqa: BLE001  (the student's bug, reported without our source)
        raise Verdict(_say("raised", what=what, type=type(error).__name__, error=error)) from None


#: Realistic mistakes a hidden test can recognise from what an answer gives on its inputs, in words a
#: student understands: ``{key: {language: sentence}}``. A test passes ``mistakes={key: what that mistake
#: would give}`` to :func:`check_close`; the catalogue's mutants say which key they expect (``# names: key``).
MISTAKES = {
    "unbiased_variance": {
        "en": "Your variance divides by m - 1 (the unbiased estimate); Batch Norm uses the batch's biased "
              "variance, which divides by m.",
        "zh_CN": "你的方差除以了 m - 1（无偏方差）；批归一化使用小批量的有偏方差，即除以 m。",
    },
    "eps_outside_sqrt": {
        "en": "You add eps outside the square root (sqrt(var) + eps); it belongs inside: sqrt(var + eps).",
        "zh_CN": "你把 eps 加在了平方根外面（sqrt(var) + eps）；它应当在平方根里面：sqrt(var + eps)。",
    },
    "wrong_axis": {
        "en": "Your statistics are taken over the wrong axis: each unit (a row) is averaged over the examples "
              "(the columns, axis=1).",
        "zh_CN": "你在错误的轴上求统计量：每个单元（一行）应当对样本（各列，axis=1）求平均。",
    },
    "ignores_eps": {
        "en": "Your result does not use the eps it is given (it leaves eps out, or fixes its own value); use "
              "the eps argument inside the square root.",
        "zh_CN": "你的结果没有使用传入的 eps（漏掉了 eps，或者写死了一个值）；请在平方根里使用参数 eps。",
    },
    "test_own_statistics": {
        "en": "You scale X_test with its own mean and variance; both sets must be scaled with X_train's.",
        "zh_CN": "你用 X_test 自己的均值和方差来缩放它；两组数据都必须用 X_train 的均值和方差缩放。",
    },
    "momentum_inverted": {
        "en": "Your running average gives the new batch the weight momentum and the old value 1 - momentum; the "
              "rule is new = momentum * old + (1 - momentum) * batch.",
        "zh_CN": "你的滑动平均把 momentum 的权重给了新的小批量、把 1 - momentum 给了旧值；正确的规则是 "
                 "new = momentum * old + (1 - momentum) * batch。",
    },
    "no_bessel": {
        "en": "Your population variance is the plain average of the batch variances; Algorithm 2 multiplies it "
              "by m / (m - 1).",
        "zh_CN": "你的总体方差只是各小批量方差的平均；算法 2 还要乘以 m / (m - 1)。",
    },
    "softmax_wrong_axis": {
        "en": "Your softmax normalizes along the wrong axis: each column (one example) must sum to 1.",
        "zh_CN": "你的 softmax 在错误的轴上归一化：每一列（一个样本）的和必须为 1。",
    },
    "gamma_beta_swapped": {
        "en": "You swapped gamma and beta: the result is gamma * Z_norm + beta.",
        "zh_CN": "你把 gamma 和 beta 用反了：结果应为 gamma * Z_norm + beta。",
    },
    "forgets_beta": {
        "en": "You leave out beta: the result is gamma * Z_norm + beta.",
        "zh_CN": "你漏掉了 beta：结果应为 gamma * Z_norm + beta。",
    },
}

#: The frame of a cell's verdict, per language.
_WORDS = {
    "en": {"header": "Hidden checks of {name}:", "passed": "passed", "failed": "FAILED", "colon": ": ",
           "summary": "{name}: {passed} of {total} checks passed, {score:g} of {points:g} points.",
           "mistake": "This looks like a known mistake: {text}",
           "reproduce": " (to reproduce: {case}, case seed {seed})",
           "reproduce_test": " (to reproduce: test seed {seed})",
           "shape": "{what}: expected shape {expected}, got {actual}.",
           "numbers": "{what}: expected numbers, got {type}.",
           "not_finite": "{what}: the result contains NaN or infinity (is it numerically stable?).",
           "mismatch": "{what}: does not match TensorFlow's result; the largest difference is {difference} at index "
                       "{index} (allowed: {atol} + {rtol} * |expected|).",
           "raised": "{what}: your function raised {type}: {error}"},
    "zh_CN": {"header": "{name} 的隐藏检查：", "passed": "通过", "failed": "未通过", "colon": "：",
              "summary": "{name}：{total} 项检查通过 {passed} 项，得 {score:g} 分（满分 {points:g}）。",
              "mistake": "这像是一个常见错误：{text}",
              "reproduce": "（复现：{case}，用例种子 {seed}）",
              "reproduce_test": "（复现：测试种子 {seed}）",
              "shape": "{what}：形状应为 {expected}，实际为 {actual}。",
              "numbers": "{what}：应当得到数值，实际得到 {type}。",
              "not_finite": "{what}：结果含有 NaN 或无穷大（计算在数值上稳定吗？）。",
              "mismatch": "{what}：与 TensorFlow 的结果不符；最大差值为 {difference}，位于索引 {index}"
                          "（允许误差：{atol} + {rtol} * |期望值|）。",
              "raised": "{what}：你的函数抛出了 {type}：{error}"},
}


def _say(phrase: str, what: str, **fields: Any) -> str:
    """tfcheck's own ``phrase`` of :data:`_WORDS` in the configured language, about ``what`` (translated)."""
    return _WORDS[settings().language][phrase].format(what=translate(what), **fields)


#: What every verdict's summary line looks like, in either language (the catalogue's report looks for it).
REPORTED = re.compile(r"^Hidden checks of \S+:$|^\S+ 的隐藏检查：$", re.M)


class Verdict(AssertionError):
    """A failed check in tfcheck's own words, already in the configured language.

    ``offered`` holds the known mistakes the failed comparison was checked against
    (:func:`check_close`'s ``mistakes``), matched or not.
    """

    def __init__(self, message: str, offered: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.offered = tuple(offered)


class Mistake(Verdict):
    """A failed check whose answer behaves like a known mistake (a key of :data:`MISTAKES`)."""

    def __init__(self, message: str, key: str, offered: tuple[str, ...] = ()) -> None:
        super().__init__(message, offered or (key,))
        self.key = key


def mistake_text(key: str, language: str | None = None) -> str:
    """What a student is told about mistake ``key``, in ``language`` (the configured one by default)."""
    texts = MISTAKES[key]
    return texts.get(language or settings().language, texts["en"])


@dataclass
class Check:
    """One independent check of a test cell: passed, or failed with its message.

    A check recorded more than once (the same words over several cases) passes
    only if it passed every time; ``message`` is its first failure.
    """

    what: str
    passed: bool = True
    message: str = ""
    #: The known mistake each failed try matched (one key per try that matched one).
    mistakes: list = field(default_factory=list)
    #: The known mistakes each failed try was compared with, matched or not (one key per try and mistake).
    offered: list = field(default_factory=list)
    #: Whether the check compared an answer with what known mistakes give (``check_close(mistakes=...)``).
    comparable: bool = False


#: The checks whose blocks are running (innermost last): :func:`check_close` marks them comparable.
_ACTIVE: list[Check] = []


@dataclass
class Attempt:
    """One run of a check's block (:meth:`Checks.__call__`): whether it passed."""

    passed: bool = True


class Checks:
    """A test cell's checks, recorded rather than raised, and its score over them (contract 1).

    Use in a hidden test::

        checks = Checks("batchnorm_forward", points=3)
        for case in checks.cases():
            with checks(f"Z_tilde for {case.label}", case):
                ...  # check_close(...) and friends
        checks.score()   # the cell's last line: a number in [0, points]

    Parameters
    ----------
    name : str
        The graded function: it names the seeds of the test's draws.
    points : float
        The test cell's points, shared equally over its checks.
    comparable_only : bool
        Name a known mistake from the failed checks that compared with known mistakes
        only, not from all the failed checks: for a test some of whose checks cannot
        tell mistakes apart (chapter 6's layer: its gradients and its later calls).
    """

    def __init__(self, name: str, points: float, comparable_only: bool = False) -> None:
        self.name, self.points = name, float(points)
        self.comparable_only = comparable_only
        self._checks: dict[str, Check] = {}
        self._shown = False
        #: The test's own seed, derived from the notebook's and the test's name: every draw of the test comes
        #: from it, and a failure shows it (not the notebook's seed, which would give away the other tests' draws).
        self.seed = derive_seed(name)

    def _derived(self, purpose: str) -> int:
        text = f"{self.seed}/{purpose}"
        return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big") >> 1

    def cases(self, shapes: Sequence[Sequence[int]] = DEFAULT_SHAPES, dtypes: Sequence[type] = DEFAULT_DTYPES,
              scales: Sequence[float] = DEFAULT_SCALES, *, name: str | None = None) -> list[Case]:
        """:func:`cases` for this test, seeded from the test's seed."""
        return cases(shapes, dtypes, scales, seed=self._derived("cases"), name=name)

    def rng(self, purpose: str = "") -> np.random.Generator:
        """A generator for the test's other draws (``purpose`` names them), seeded from the test's seed."""
        return np.random.default_rng(self._derived(f"rng/{purpose}"))

    @contextmanager
    def __call__(self, what: str, case: Case | None = None) -> Iterator[Attempt]:
        """Record the enclosed check: any exception fails it with its message, and the test goes on.

        Yields
        ------
        Attempt
            Whose ``passed`` says, after the block, whether this time passed.
        """
        check = self._checks.setdefault(what, Check(what))
        attempt = Attempt()
        _ACTIVE.append(check)
        try:
            yield attempt
        except Exception as error:  # noqa: BLE001  (a failed check is recorded, never raised: the cell's score says it)
            attempt.passed = False
            if isinstance(error, Verdict):
                message = str(error)
            elif isinstance(error, AssertionError):
                message = translate(str(error))  # a hidden test's own words, in English
            else:
                message = f"{type(error).__name__}: {error}"
            words = _WORDS[settings().language]
            if case is not None and case.seed is not None:
                message += words["reproduce"].format(case=translate(case.label), seed=case.seed)
            else:
                message += words["reproduce_test"].format(seed=self.seed)
            if check.passed:
                check.passed, check.message = False, message
            if isinstance(error, Verdict):
                check.offered.extend(error.offered)
            if isinstance(error, Mistake):
                check.mistakes.append(error.key)
        finally:
            _ACTIVE.pop()

    def require(self, what: str, condition: bool, message: str) -> bool:
        """Record a check that is one condition; returns ``condition``."""
        with self(what):
            if not condition:
                raise AssertionError(message)
        return bool(condition)

    @property
    def checks(self) -> list[Check]:
        return list(self._checks.values())

    def named_mistakes(self) -> list[str]:
        """The known mistakes that explain at least half of the failed checks, most frequent first.

        A check recorded over several cases is explained by a mistake when the answer matched it in at least
        half of the failed tries that compared with it: one case where a wrong answer happens to give what
        another mistake would (a standard deviation near a variance) names nothing.
        """
        failed = [check for check in self._checks.values()
                  if not check.passed and (check.comparable or not self.comparable_only)]
        counts: dict[str, int] = {}
        for check in failed:
            for key in dict.fromkeys(check.mistakes):
                if 2 * check.mistakes.count(key) >= check.offered.count(key):
                    counts[key] = counts.get(key, 0) + 1
        return [key for key, count in sorted(counts.items(), key=lambda item: -item[1])
                if 2 * count >= len(failed)][:2]

    def value(self) -> float:
        """The points earned: ``points`` times the share of checks passed, never rounded up to full marks."""
        total = len(self._checks)
        if total == 0:
            return self.points
        passed = sum(check.passed for check in self._checks.values())
        if passed == total:
            return self.points
        return min(math.floor(1000 * self.points * passed / total) / 1000, math.nextafter(self.points, 0))

    def summary(self) -> str:
        """The line that gives the score: how many checks passed, and the points they earn."""
        return _WORDS[settings().language]["summary"].format(
            name=self.name, passed=sum(c.passed for c in self._checks.values()), total=len(self._checks),
            score=self.value(), points=self.points)

    def report(self) -> str:
        """Every check with passed / failed and its message, and any known mistake the answer looks like."""
        words = _WORDS[settings().language]
        lines = [words["header"].format(name=self.name)]
        for check in self._checks.values():
            lines.append(f"  {words['passed'] if check.passed else words['failed']}{words['colon']}{translate(check.what)}"
                         + ("" if check.passed else f"{words['colon']}{check.message}"))
        lines += [words["mistake"].format(text=mistake_text(key)) for key in self.named_mistakes()]
        return "\n".join(lines)

    def show(self) -> None:
        """Print :meth:`report` (once): a test cell shows it before its visible asserts, whose failure scores 0."""
        if not self._shown:
            self._shown = True
            print(self.report())

    def score(self) -> float:
        """Print the checks (unless shown already) and the summary; return the score (contract 1).

        The cell's last expression: the grader takes that value, shown as the cell's
        result in the judge, as the cell's score; plain nbgrader takes it from the
        cell's ``execute_result``.
        """
        self.show()
        print(self.summary())
        return self.value()


if "tensorflow" in sys.modules:  # the grader's zygote imported TensorFlow first: record now
    _snapshot()
for _language in LANGUAGES[1:]:  # read before any kernel is confined (the zygote imports this module)
    catalogue(_language)
