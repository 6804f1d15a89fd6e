"""Autograde a batch of submissions with nbgrader's own steps, in parallel.

nbgrader's ``autograde`` runs, per notebook: sanitize (restore test cells from
the gradebook), execute, save grades. Here the same preprocessors run, split
by what they touch:

1. **stage** (this process): read the submission (:mod:`autograder.grading.intake`),
   copy it into nbgrader's ``submitted/`` and ``autograded/`` folders, restore the
   course's helper files, pack them for a worker;
2. **sanitize and execute** (:mod:`autograder.grading.execution`, on workers): nbgrader's
   sanitizing steps, reading the source notebook from a snapshot taken once per assignment
   (:mod:`autograder.grading.staging`), then the notebook in a fresh warm kernel; no
   gradebook access, so workers can be processes here or Dask workers on a cluster, sent
   a :class:`~autograder.grading.jobs.Job` and consumed in completion order;
3. **record** (this process, one notebook at a time): the student's submission rows,
   nbgrader's ``SaveAutoGrades`` and ``AssignLatePenalties`` in one transaction, then the
   autograded notebook is written atomically, then feedback is sent off to be rendered.
   The gradebook has exactly one writer.

The three overlap: a few notebooks per worker are staged ahead (:data:`AHEAD`), and each is
forgotten once recorded, so the grader's memory is the same for a class of 50 or of 1,000.
One run at a time writes an output folder (:func:`autograder.grading.lifetime.hold`).

A submission counts as graded once its autograded notebook exists; an
interrupted run leaves no such file for half-recorded work, so re-running
grades it again.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import logging
import os
import secrets
import shutil
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.preprocessors import AssignLatePenalties, SaveAutoGrades

from autograder.course import SOLUTIONS, assignments, cell_roles, graded_tests, nbgrader_config
from autograder.grading import execution, kept_judge, lifetime, recording, staging
from autograder.grading.feedback import FeedbackWriter
from autograder.grading.intake import GRADED, GRADER_ERROR, copy_ignore, find_notebook, read_submission
from autograder.grading.jobs import ATTEMPTS, GIVE_UP, RAN, RETRY, Attempt, Executed, Job, Judging, decide
from autograder.grading.preprocessors.checkmetadata import CheckMetadata
from autograder.grading.results import Outcome
from autograder.grading.timing import FEEDBACK, RECORD, STAGE, Stopwatch
from autograder.nbgrader_cells import function_name
from autograder.release import release
from autograder.sandbox import cleanup, zygote
from autograder.sandbox.limits import DEFAULT_LIMITS

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from concurrent.futures import Future

    from nbformat import NotebookNode

    from autograder.grading.intake import Submission
    from autograder.sandbox.limits import Limits


# The tail of nbgrader's Autograde.autograde_preprocessors, after execution (recording.record does what
# they do in one transaction; the worker checks the metadata).
RECORD_STEPS = (SaveAutoGrades, AssignLatePenalties, CheckMetadata)
#: Notebooks staged and not yet recorded, per worker slot: enough that a worker never waits for
#: the grader to stage its next notebook, few enough that the grader's memory stays flat in the class size.
AHEAD = 2
#: The course secret the hidden tests' seeds are derived from: this environment variable, else this
#: file in the run's output folder (made there, readable by its owner only, on a run's first use).
ENV_SECRET = "BNWEEK_COURSE_SECRET"
SECRET_FILE = "course-secret"

log = logging.getLogger(__name__)


class RunFolder:
    """A grading run's output folder: nbgrader's course folders and gradebook in it.

    Parameters
    ----------
    root : path-like
        The output folder: ``gradebook.db``, ``submitted/``, ``autograded/``, ``feedback/``.
    db_url : str, optional
        SQLAlchemy URL of the gradebook; SQLite in ``root`` by default.
    """

    def __init__(self, root: str | os.PathLike[str], db_url: str | None = None) -> None:
        self.root = Path(root).resolve()
        self.root.mkdir(parents=True, exist_ok=True)
        self.config = nbgrader_config(self.root, self.root / "release", db_url)
        self.db_url = self.config.CourseDirectory.db_url

    @functools.cached_property
    def feedback(self) -> FeedbackWriter:
        """The run's :class:`~autograder.grading.feedback.FeedbackWriter`, made at its first use."""
        return FeedbackWriter(self.config)

    @functools.cached_property
    def secret(self) -> bytes:
        """The course secret (:data:`ENV_SECRET`, else :data:`SECRET_FILE` here, made once if missing)."""
        given = os.environ.get(ENV_SECRET)
        if given:
            return given.encode()
        path = self.root / SECRET_FILE
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        except FileExistsError:
            return path.read_bytes()
        with os.fdopen(descriptor, "wb") as file:
            file.write(secrets.token_hex(32).encode())
        return path.read_bytes()

    def judging(self, submission: Submission, notebook: NotebookNode) -> Judging:
        """What the judge is told before a notebook's tests: its seed and the language of its verdicts."""
        return Judging(seed=submission_seed(self.secret, submission.student, submission.assignment),
                                 language=notebook_language(notebook))

    def folder(self, step: str, submission: Submission) -> Path:
        return self.root / step / submission.student / submission.assignment

    def ensure_assignments(self, assignment_ids: Iterable[str], force: bool = False) -> None:
        """Record the source notebooks of these assignments in the gradebook."""
        with Gradebook(self.db_url) as gradebook:
            known = {assignment.name for assignment in gradebook.assignments}
        missing = [a for a in sorted(set(assignment_ids)) if force or a not in known]
        if missing:
            release(missing, course_root=self.root, release_directory=self.root / "release", db_url=self.db_url)

    def resources(self, submission: Submission, cwd: str | os.PathLike[str]) -> dict:
        return {
            "nbgrader": {
                "db_url": self.db_url, "assignment": submission.assignment,
                "notebook": submission.assignment, "student": submission.student,
            },
            "metadata": {"path": str(cwd)},
        }

    def apply(self, steps: Iterable[type], notebook: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        for step in steps:
            notebook, resources = step(config=self.config)(notebook, resources)
        return notebook, resources

    def scores(self, submission: Submission) -> dict[str, float]:
        """Points per graded function, read back from the gradebook."""
        with Gradebook(self.db_url) as gradebook:
            notebook = gradebook.find_submission_notebook(
                submission.assignment, submission.assignment, submission.student
            )
            return {function_name(grade.name): float(grade.score) for grade in notebook.grades}


def submission_seed(secret: bytes, student: str, assignment: str) -> int:
    """The hidden tests' seed for one student's notebook: HMAC-SHA256 of ``"<student>/<assignment>"``, 63 bits.

    The same notebook regraded gets the same seed; two students, or two assignments, get
    different ones; without the secret, nobody can compute it.
    """
    digest = hmac.new(secret, f"{student}/{assignment}".encode(), hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big") >> 1


def notebook_language(notebook: NotebookNode) -> str:
    """``"zh_CN"`` for a notebook released in Chinese (``metadata.bnweek.language``), else ``"en"``."""
    ours = notebook.get("metadata", {}).get("bnweek")
    return "zh_CN" if isinstance(ours, dict) and ours.get("language") == "zh_CN" else "en"


def stage(run: RunFolder, submission: Submission, notebook: str) -> Path:
    """Copy a submission, its notebook's text given, into nbgrader's folders (a worker sanitizes it).

    Returns
    -------
    Path
        The autograded folder, whose files the kernel will get.
    """
    submitted = run.folder("submitted", submission)
    if submitted.resolve() != submission.folder.resolve():
        shutil.rmtree(submitted, ignore_errors=True)
        # only folders and regular files, bounded (links, pipes, devices are never copied: intake.copy_ignore)
        shutil.copytree(submission.folder, submitted, symlinks=True, ignore=copy_ignore(submission.folder))
    autograded = run.folder("autograded", submission)
    shutil.rmtree(autograded, ignore_errors=True)
    shutil.copytree(submitted, autograded, symlinks=True, ignore=copy_ignore(submitted))
    # The course's own helper files always win over what a student sent.
    source = SOLUTIONS / submission.assignment
    for helper in source.iterdir():
        if helper.is_file() and helper.suffix != ".ipynb":
            (autograded / helper.name).unlink(missing_ok=True)  # never write through a student's link
            shutil.copy(helper, autograded / helper.name)
    (submitted / f"{submission.assignment}.ipynb").write_text(notebook, encoding="utf-8")  # as handed in
    return autograded


def already_graded(run: RunFolder, submission: Submission) -> bool:
    target = run.folder("autograded", submission) / f"{submission.assignment}.ipynb"
    if not target.is_file():
        return False
    try:
        run.scores(submission)
    except MissingEntry:
        return False
    return True


class _LocalCompletions:
    """Local futures as they complete, to which more futures may be added between waits."""

    def __init__(self):
        self.pending = set()

    def add(self, future: Future) -> None:
        self.pending.add(future)

    def next_batch(self) -> set[Future]:
        """Wait for at least one future; return every one done, and forget them."""
        done, self.pending = wait(self.pending, return_when=FIRST_COMPLETED)
        return done


class Workers:
    """Where notebooks execute: local processes fed by one zygote, or a Dask cluster.

    A zygote or a pool of worker processes that dies is started again
    (:meth:`heal`), so that the notebooks it took with it are graded again.
    Local worker processes, and the zygote, end with the grader however it ends
    (:mod:`autograder.grading.lifetime`).
    """

    def __init__(self, stack, workers, scheduler, warm):
        self.stack = stack
        self.workers = workers or os.cpu_count()
        self.zygote, self.generation = None, 0
        self.dask = bool(scheduler)
        if scheduler:
            from distributed import Client
            from distributed import as_completed as dask_as_completed

            self.pool = stack.enter_context(Client(scheduler))
            self.completions = dask_as_completed()
            return
        self.env = {}
        if warm:  # one zygote on this host serves every local worker; it warms up while we stage
            blas_threads = max(1, (os.cpu_count() or 1) // self.workers)
            self.zygote = stack.enter_context(zygote.Zygote(wait=False, blas_threads=blas_threads))
            self.env = self.zygote.env()
        self.pool = self._start_pool()
        self.completions = _LocalCompletions()

    def _start_pool(self):
        pool = ProcessPoolExecutor(max_workers=self.workers, initializer=lifetime.worker_started,
                                   initargs=(os.getpid(), self.env))
        self.stack.callback(pool.shutdown, cancel_futures=True)
        return pool

    @property
    def window(self) -> int:
        """How many notebooks may be staged and not yet recorded: :data:`AHEAD` per worker slot."""
        if self.dask:
            slots = sum(self.pool.nthreads().values())  # a cluster may grow or shrink during the run
        else:
            slots = self.workers
        return AHEAD * max(1, slots)

    def submit(self, attempt: Attempt) -> Future:
        options = {"pure": False} if self.dask else {}  # a retry is a new task, never the failed one again
        future = self.pool.submit(execution.run, attempt.job, **options)
        self.completions.add(future)
        return future

    def completed(self) -> Iterable[Future]:
        """Wait until at least one submitted notebook is done; the futures done."""
        if self.dask:
            return self.completions.next_batch(block=True)
        return self.completions.next_batch()

    def give_back_judges(self) -> None:
        """On a Dask cluster, once the run is over: no worker keeps a judge idle until its next run."""
        if self.dask:
            try:
                self.pool.run(kept_judge.discard_every)
            except Exception as error:  # noqa: BLE001 - a worker that is gone took its judge with it
                log.warning(f"the workers' judges could not all be shut down: {type(error).__name__}: {error}")

    def heal(self, error: BaseException | None = None) -> bool:
        """Start again what died (the zygote, the local pool); return whether anything had."""
        healed = False
        if self.zygote is not None and not self.zygote.alive():
            self.zygote.restart()
            healed = True
        if isinstance(error, BrokenProcessPool):
            self.pool = self._start_pool()
            healed = True
        self.generation += healed
        return healed


def grade(submissions: Sequence[Submission], *, output: str | os.PathLike[str], workers: int | None = None,
          scheduler: str | None = None, force: bool = False, db_url: str | None = None, warm: bool = True,
          feedback: bool = True, progress: bool = False, limits: Limits = DEFAULT_LIMITS,
          confined: bool = True) -> list[Outcome]:
    """Autograde submissions; return one :class:`Outcome` per submission.

    Parameters
    ----------
    submissions : list of Submission
    output : path-like
        nbgrader course root for this run (gradebook, autograded notebooks, feedback).
    workers : int, optional
        Local worker processes; all cores by default.
    scheduler : str, optional
        Address of a Dask scheduler; grade on its workers instead.
    force : bool
        Regrade submissions that were already graded in ``output``.
    db_url : str, optional
        Gradebook URL (e.g. PostgreSQL); SQLite in ``output`` by default.
    warm : bool
        Fork kernels from a warm zygote (default) rather than starting cold ones.
    feedback : bool
        Write per-student feedback HTML.
    progress : bool
        Show a progress bar with an ETA.
    limits : Limits
        Limits on every kernel (see :mod:`autograder.sandbox.limits`).
    confined : bool
        Confine every kernel (:mod:`autograder.sandbox.jail`); ``False`` only with ``--unconfined``.

    Raises
    ------
    autograder.grading.lifetime.FolderBusy
        When another grader is writing to ``output``.

    Submissions stream through: a few notebooks per worker (:data:`AHEAD`) are staged
    ahead of the workers, each is recorded as it completes and then forgotten, so the
    grader's memory does not grow with the class. A notebook the grader failed on (a
    kernel that could not start, a judge, a zygote or a worker that died) is graded again
    once what died has been started again, up to :data:`ATTEMPTS` times in all
    (:func:`autograder.grading.jobs.decide`); if it still fails, its status is ``grader
    error`` and it has no scores at all, never zeros.
    """
    run = RunFolder(output, db_url)
    with lifetime.hold(run.root):
        for folder in cleanup.sweep(execution.IPC_BASE):
            log.info(f"removed {folder}, left by a grader process that died")
        return _Batch(run, force, feedback, dict(limits=limits, warm=warm, confined=confined),
                      (workers, scheduler, warm)).grade(submissions, progress)


class _Batch:
    """One call of :func:`grade`: the outcomes so far, and the notebooks in flight."""

    def __init__(self, run, force, feedback, job_options, worker_options):
        self.run, self.force, self.feedback = run, force, feedback
        self.job_options, self.worker_options = job_options, worker_options
        self.outcomes, self.watches = {}, {}
        self.sources = {}  # assignment -> its SourceNotebook, read once from the gradebook
        self.known = set(assignments())
        self.workers = None
        self.in_flight = {}  # future -> (submission, attempt)

    def grade(self, submissions, progress):
        queue = iter(submissions)
        with ExitStack() as stack:
            stack.callback(recording.drain, self.run)  # every feedback page written, the gradebook closed
            bar = stack.enter_context(_progress_bar(len(submissions))) if progress else None
            while True:
                window = None
                while window is None or len(self.in_flight) < window:
                    submission = next(queue, None)
                    if submission is None:
                        break
                    if not self.stage(stack, submission) and bar is not None:
                        bar.update()
                    if window is None and self.workers is not None:  # once the workers have started
                        window = self.workers.window
                if not self.in_flight:
                    break
                for future in self.workers.completed():
                    if self.done(future) and bar is not None:
                        bar.update()
            if self.workers is not None:
                self.workers.give_back_judges()
        return [self.outcomes[submission] for submission in submissions]

    def stage(self, stack, submission) -> bool:
        """Stage a submission and send it to the workers; return whether it went (else its outcome is final)."""
        if submission.assignment in self.known and submission.assignment not in self.sources:
            # just before its first submission: the first notebooks run while later assignments are recorded
            self.run.ensure_assignments([submission.assignment], force=self.force)
            self.sources[submission.assignment] = staging.source_notebook(recording.ledger(self.run).gradebook,
                                                                          submission.assignment)
        self.watches[submission] = watch = Stopwatch()
        with watch.phase(STAGE):
            try:
                outcome, staged = _intake(self.run, submission, self.force)
            except Exception as error:  # noqa: BLE001 - one notebook's problem, never the batch's
                outcome, staged = _failed(submission, "staging", error), None
        self.outcomes[submission] = outcome
        if staged is None:
            return False
        if self.workers is None:  # started only when there is work, then fed as notebooks are staged
            self.workers = Workers(stack, *self.worker_options)
        notebook_json, files, judging = staged
        job = Job(notebook_json, files, self.run.config, roles=cell_roles(submission.assignment), judging=judging,
                  source=self.sources[submission.assignment], student=submission.student, **self.job_options)
        self.send(submission, Attempt(job, 1, self.workers.generation))
        return True

    def send(self, submission, attempt):
        self.in_flight[self.workers.submit(attempt)] = submission, attempt

    def done(self, future) -> bool:
        """Record a notebook the workers are done with, or send it again; return whether its outcome is final."""
        submission, attempt = self.in_flight.pop(future)
        outcome = self.outcomes[submission]
        try:
            result = future.result()
        except Exception as failure:  # noqa: BLE001 - a worker died: the grader's fault, not the submission's
            result = failure
        if not isinstance(result, Executed) or result.kind != RAN:
            self.workers.heal(result if isinstance(result, BaseException) else None)
        decision = decide(attempt, result, self.workers.generation)
        if decision.action in (RETRY, GIVE_UP):
            log.warning(f"{submission.student} / {submission.assignment}: the grader failed "
                        f"(attempt {attempt.number} of {ATTEMPTS}): {decision.fault}")
        if decision.action == RETRY:
            self.send(submission, attempt.again(self.workers.generation))
            return False
        if decision.action == GIVE_UP:
            outcome.status, outcome.scores = GRADER_ERROR, {}
            outcome.problem = f"not graded after {attempt.number} attempts: {decision.fault}"
            return True
        try:
            _finish(self.run, submission, outcome, result, self.watches.pop(submission), self.feedback)
        except Exception as error:  # noqa: BLE001 - one notebook's problem, never the batch's
            _failed(submission, "recording", error, outcome)
        return True


def _progress_bar(total):
    from tqdm import tqdm

    return tqdm(total=total, unit="notebook", desc="grading")


def _failed(submission, step, error, outcome=None):
    """The outcome of a notebook the grader failed on while ``step``: ``grader error``, no scores, never zeros."""
    log.warning(f"{submission.student} / {submission.assignment}: the grader failed while {step} "
                f"({type(error).__name__}: {error})", exc_info=log.isEnabledFor(logging.DEBUG))
    if outcome is None:
        known = submission.assignment in assignments()
        possible = {function_name(t): p for t, p in graded_tests(submission.assignment).items()} if known else {}
        outcome = Outcome(submission.student, submission.assignment, GRADED, {}, possible)
    outcome.status, outcome.scores = GRADER_ERROR, {}
    outcome.problem = f"not graded: the grader failed while {step} it ({type(error).__name__}: {str(error)[:300]})"
    return outcome


def _finish(run, submission, outcome, executed, watch, feedback):
    """Record an executed notebook, write its feedback, and complete its outcome."""
    with watch.phase(RECORD):
        recording.record(run, submission, executed)  # one transaction (autograder.grading.recording)
        outcome.scores = recording.scores(run, submission)
    notes = [outcome.problem, *executed.notes, executed.problem]
    if feedback:
        with watch.phase(FEEDBACK):
            try:
                recording.feedback(run, submission, outcome)  # written by a feedback process, by the run's end
            except Exception as error:  # noqa: BLE001  (FeedbackError or worse: the grades stand; the instructor hears)
                log.warning(f"{submission.student} / {submission.assignment}: no feedback: {error}")
                notes.append("its feedback could not be written")
    outcome.grader_cpu = watch.cpu
    watch.add(executed.timings)
    outcome.timings = watch.as_dict()
    outcome.seconds = executed.seconds
    outcome.problem = "; ".join(filter(None, notes))
    log.debug(f"{outcome.summary()} in {executed.seconds:.1f} s")


def _intake(run, submission, force):
    """An outcome for a submission, and its staged notebook when it needs executing.

    Returns
    -------
    (Outcome, (str, bytes, Judging) or None)
        The outcome; the notebook's text as handed in (:func:`~autograder.grading.intake.read_submission`),
        its folder's files, packed for a worker
        (:func:`~autograder.grading.execution.pack_folder`), and what the judge is told
        (:meth:`RunFolder.judging`); or ``None``.
    """
    known = submission.assignment in assignments()
    possible = {function_name(t): p for t, p in graded_tests(submission.assignment).items()} if known else {}
    outcome = Outcome(submission.student, submission.assignment, GRADED, {}, possible)
    if not force and known and already_graded(run, submission):
        outcome.scores = run.scores(submission)
        return outcome, None
    path, status, note = find_notebook(submission)
    notebook, text = None, ""
    if path is not None:
        notebook, text, read_status, problem = read_submission(path, submission.assignment)
        if notebook is None:
            status, note = read_status, problem
    outcome.problem = note
    if notebook is None:
        outcome.status, outcome.scores = status, dict.fromkeys(possible, 0.0)
        return outcome, None
    judging = run.judging(submission, notebook)
    autograded = stage(run, submission, text)
    files, left_out = execution.pack_folder(autograded)
    if left_out:
        outcome.problem = "; ".join(filter(None, [outcome.problem, "files too large for the grader, left out: "
                                                  + ", ".join(left_out)]))
    return outcome, (text, files, judging)
