"""What crosses from the batch to a worker and back: a job, its attempts, what ran, and the fault rule.

The batch (:mod:`autograder.grading.batch`) stages a submission into a :class:`Job`, sends
it to a worker as one :class:`Attempt` after another, and gets back an :class:`Executed`
whose :attr:`~Executed.kind` says how the notebook ended, set by the worker where the
reason is known (:func:`autograder.grading.execution.run`): it ran to the end, the
submission's kernel was stopped (the student's doing), or the grader failed. One
function, :func:`decide`, says what the batch does with each result.

Every object here is frozen and pickles, so a worker may be a local process or a Dask
worker on another machine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from autograder.sandbox import reasons
from autograder.sandbox.limits import DEFAULT_LIMITS

if TYPE_CHECKING:
    from traitlets.config import Config

    from autograder.grading.staging import SourceNotebook
    from autograder.sandbox.limits import Limits

#: How an executed notebook ended (:attr:`Executed.kind`); the last two are a kernel's exit reasons' kinds.
RAN, STOPPED, GRADER_FAULT = "ran", reasons.STOPPED, reasons.GRADER_FAULT
KINDS = (RAN, STOPPED, GRADER_FAULT)
#: How many times the grader tries a notebook it failed on (a grader fault) before giving up.
ATTEMPTS = 3
#: What the batch does with an attempt's result (:attr:`Decision.action`).
RECORD, RETRY, GIVE_UP = "record", "retry", "give up"


@dataclass(frozen=True)
class Judging:
    """What the judge is told before a notebook's first test.

    Attributes
    ----------
    seed : int
        The hidden tests' 63-bit seed for this student and assignment
        (:func:`autograder.grading.batch.submission_seed`).
    language : str
        ``"en"`` or ``"zh_CN"``: the language of the verdicts.
    """

    seed: int
    language: str = "en"


@dataclass(frozen=True)
class Job:
    """One submitted notebook and everything a worker needs to sanitize and execute it.

    Attributes
    ----------
    notebook : str
        The notebook as submitted (parsed and checked by intake), as JSON; already sanitized
        when :attr:`source` is ``None``.
    files : bytes
        Its folder's files, packed (:func:`autograder.grading.execution.pack_folder`); the
        submission's kernel runs in a private copy of them.
    config : traitlets.config.Config
        nbgrader's configuration for the run (:func:`autograder.course.nbgrader_config`).
    roles : dict or None
        The source notebook's cell roles (:func:`autograder.course.cell_roles`): the test
        cells run in a judge kernel apart from the submission's code. ``None``: every cell
        runs in one kernel, as under plain nbgrader.
    judging : Judging or None
        The seed and language the judge is told; ``None``: a fresh seed, English.
    limits : Limits
        Each kernel's limits (:mod:`autograder.sandbox.limits`).
    warm : bool
        Kernels forked from a warm zygote (confined), rather than cold ``python3`` kernels
        (never confined).
    confined : bool
        Confine each kernel (:mod:`autograder.sandbox.jail`); ``False`` only with ``--unconfined``.
    keep_judge : bool
        With warm kernels, keep the judge for the worker's next notebook
        (:mod:`autograder.grading.kept_judge`).
    source : SourceNotebook or None
        The assignment's source notebook, read once from the gradebook: the worker sanitizes the
        notebook with nbgrader's steps first (:func:`autograder.grading.staging.sanitize`).
        ``None``: :attr:`notebook` is sanitized already.
    student : str
        The student's id, for nbgrader's steps.
    """

    notebook: str
    files: bytes
    config: Config
    roles: dict | None = None
    judging: Judging | None = None
    limits: Limits = DEFAULT_LIMITS
    warm: bool = True
    confined: bool = True
    keep_judge: bool = True
    source: SourceNotebook | None = None
    student: str = ""


@dataclass(frozen=True)
class Attempt:
    """One try at a job.

    Attributes
    ----------
    job : Job
    number : int
        1 for the first try, up to :data:`ATTEMPTS`.
    generation : int
        The workers' generation when it was sent: it grows each time the batch starts again
        a zygote or a pool that died (:meth:`autograder.grading.batch.Workers.heal`).
    """

    job: Job
    number: int = 1
    generation: int = 0

    def again(self, generation: int) -> Attempt:
        """The next try at the same job, sent to workers of ``generation``."""
        return Attempt(self.job, self.number + 1, generation)


@dataclass(frozen=True)
class Executed:
    """What a worker returns: the executed notebook and how it ended.

    Attributes
    ----------
    notebook : str
        The executed notebook, as JSON.
    kind : str
        :data:`RAN` (to the end), :data:`STOPPED` (the submission's kernel died or was stopped
        by a limit: graded as it stands) or :data:`GRADER_FAULT` (the grader failed: a kernel
        that could not start or be confined, a judge that died; the notebook is not graded).
    reason : str
        Empty when it ran; otherwise what stopped it, or how the grader failed, in words.
    seconds : float
        Wall time of the execution.
    timings : dict
        ``{phase: seconds}`` of the execution (:mod:`autograder.grading.timing`).
    notes : tuple of str
        What sanitizing changed in the submission's cells, in words, for its row.
    """

    notebook: str
    kind: str = RAN
    reason: str = ""
    seconds: float = 0.0
    timings: dict = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"an executed notebook's kind is one of {KINDS}, not {self.kind!r}")

    @property
    def problem(self) -> str:
        """What stopped the submission's kernel; empty unless :attr:`kind` is :data:`STOPPED`."""
        return self.reason if self.kind == STOPPED else ""

    @property
    def fault(self) -> str:
        """How the grader failed; empty unless :attr:`kind` is :data:`GRADER_FAULT`."""
        return self.reason if self.kind == GRADER_FAULT else ""


@dataclass(frozen=True)
class Decision:
    """What the batch does with an attempt's result.

    Attributes
    ----------
    action : str
        :data:`RECORD` (grade it as it ran), :data:`RETRY` (the grader failed; try again) or
        :data:`GIVE_UP` (the grader failed on every attempt: ``grader error``, no points).
    fault : str
        How the grader failed, in words; empty for :data:`RECORD`.
    """

    action: str
    fault: str = ""


def decide(attempt: Attempt, result: Executed | BaseException, generation: int) -> Decision:
    """The batch's one fault rule: record a result, or try the job again, or give up on it.

    The grader, not the submission, is to blame when the worker itself failed (``result``
    is the exception it raised), when the worker said so (:data:`GRADER_FAULT`), or when
    the submission's kernel died while the workers it ran on died beside it: an attempt
    that was :data:`STOPPED` and sent to an earlier ``generation`` of workers than the
    current one (the batch starts again what died, :meth:`~autograder.grading.batch.Workers.heal`,
    before it decides). A notebook the grader failed on is tried again up to
    :data:`ATTEMPTS` times in all, and never recorded as a grade.

    Parameters
    ----------
    attempt : Attempt
    result : Executed or BaseException
        What the worker returned, or what it raised.
    generation : int
        The workers' generation now.

    Returns
    -------
    Decision
    """
    if isinstance(result, BaseException):
        fault = f"the grading worker failed ({type(result).__name__}: {result})"
    elif result.kind == GRADER_FAULT:
        fault = result.reason
    elif result.kind == STOPPED and attempt.generation != generation:
        fault = result.reason
    else:
        return Decision(RECORD)
    return Decision(RETRY if attempt.number < ATTEMPTS else GIVE_UP, fault or "the grader failed")
