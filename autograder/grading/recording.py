"""Recording a run's grades: one transaction per notebook on one connection, feedback rendered off this process.

nbgrader's ``autograde`` saves a notebook's grades with ``SaveAutoGrades`` and
``AssignLatePenalties``: each opens the gradebook anew (an engine, a look at every
table) and ``SaveAutoGrades`` commits after every grade and comment, looking each up
by a query of six joins compiled again for every new engine. The grader's own process
did that for every notebook, and rendered its feedback too: together some 0.2 s a
notebook, which bounds any cluster. Here, per run:

* a :class:`Ledger` keeps one :class:`~nbgrader.api.Gradebook` open (a SQLite one with a
  write-ahead log for the run, :func:`write_ahead`), so SQLAlchemy's
  compiled statements are reused, and saves each notebook in **one transaction**:
  the student and the submission's rows made by nbgrader's own
  ``update_or_create_student`` (once a run for each student) and
  ``update_or_create_submission`` (:class:`InTransaction`: their commits only flush, or
  wait), its grade and comment rows taken from the submission's own (no query when they
  were just made), then nbgrader's own ``SaveAutoGrades`` steps
  (:class:`SaveInOne`) and ``AssignLatePenalties``' plugin set them, then one flush (a new
  submission's rows are inserted with their scores, never updated after) and one commit.
  The rows are nbgrader's (``Grade``, ``Comment``, ``SubmittedNotebook``), so formgrader,
  ``Gradebook`` and the exports read them as before;
* feedback is rendered by :class:`FeedbackPool`, processes of its own that run
  :class:`~autograder.grading.feedback.FeedbackWriter` unchanged (the same converter,
  preprocessors and files) once a notebook's transaction has committed;
  :func:`drain` waits for them before the run ends, so later steps (overrides, late
  penalties, the report) find every page written.

:func:`record` saves a notebook's grades and writes it; :func:`scores`
reads back what it saved without another connection.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import time
import weakref
from concurrent.futures import ProcessPoolExecutor
from typing import TYPE_CHECKING

import nbformat
from nbgrader.api import (
    BaseCell,
    Comment,
    Grade,
    Gradebook,
    MissingEntry,
    SubmittedAssignment,
    SubmittedNotebook,
)
from nbgrader.preprocessors import AssignLatePenalties, SaveAutoGrades
from nbgrader.preprocessors.base import NbGraderPreprocessor
from sqlalchemy import event

from autograder.grading import lifetime
from autograder.nbgrader_cells import function_name
from autograder.sandbox.mounts import mount_table

if TYPE_CHECKING:
    from concurrent.futures import Future

    from nbformat import NotebookNode
    from sqlalchemy.engine import Engine

    from autograder.grading.batch import RunFolder
    from autograder.grading.intake import Submission
    from autograder.grading.jobs import Executed
    from autograder.grading.results import Outcome

#: Processes that render feedback beside the grader's own (each takes a core while it renders).
FEEDBACK_PROCESSES = max(1, min(4, (os.cpu_count() or 1) // 4))
#: The phase under which a notebook's feedback rendering is timed, in the feedback process.
FEEDBACK_RENDER = "feedback render"

log = logging.getLogger(__name__)


class _Rows:
    """What ``SaveAutoGrades`` asks of a gradebook, answered from one notebook's rows fetched up front.

    ``find_grade`` and ``find_comment`` return the rows of the notebook being saved, by cell
    name, as nbgrader's do (``MissingEntry`` for a name it has none of); ``db.commit`` is
    left to :meth:`Ledger.save`, which commits once.
    """

    class _NoCommit:
        @staticmethod
        def commit() -> None:
            """One commit per notebook, made by :meth:`Ledger.save`."""

    db = _NoCommit()

    def __init__(self, grades: dict[str, Grade], comments: dict[str, Comment]) -> None:
        self.grades, self.comments = grades, comments

    def find_grade(self, grade_cell: str, notebook: str, assignment: str, student: str) -> Grade:
        try:
            return self.grades[grade_cell]
        except KeyError:
            raise MissingEntry(f"No such grade: {assignment}/{notebook}/{grade_cell} for {student}") from None

    def find_comment(self, solution_cell: str, notebook: str, assignment: str, student: str) -> Comment:
        try:
            return self.comments[solution_cell]
        except KeyError:
            raise MissingEntry(f"No such comment: {assignment}/{notebook}/{solution_cell} for {student}") from None


class SaveInOne(SaveAutoGrades):
    """nbgrader's ``SaveAutoGrades`` (its ``_add_score`` and ``_add_comment``), on rows given, committing nothing.

    Call :meth:`save` instead of the preprocessor: the caller owns the transaction.
    """

    def save(self, notebook: NotebookNode, resources: dict, rows: _Rows) -> None:
        ids = resources["nbgrader"]
        self.notebook_id, self.assignment_id, self.student_id = ids["notebook"], ids["assignment"], ids["student"]
        self.gradebook = rows
        NbGraderPreprocessor.preprocess(self, notebook, resources)  # each cell's preprocess_cell, SaveAutoGrades'


class _Deferred:
    """A session whose ``commit`` only flushes (``flush=True``) or does nothing: the caller's transaction stays open."""

    def __init__(self, session, flush: bool) -> None:
        self.session, self.flush_on_commit = session, flush

    def commit(self) -> None:
        if self.flush_on_commit:
            self.session.flush()

    def __getattr__(self, name: str):
        return getattr(self.session, name)


class InTransaction:
    """A gradebook whose methods are nbgrader's own, run on the open transaction: their commits flush, or wait.

    ``Gradebook.update_or_create_submission`` commits as it goes; called on this, it adds
    the same rows and leaves the commit to :meth:`Ledger.save`, which saves the grades in
    the same transaction. With ``flush=False`` its rows also wait for the caller's flush,
    so that they are inserted once, grades included, rather than inserted then updated.
    """

    def __init__(self, gradebook: Gradebook, *, flush: bool = True) -> None:
        self.gradebook = gradebook
        self.db = _Deferred(gradebook.db, flush)

    def __getattr__(self, name: str):
        member = getattr(Gradebook, name, None)
        if callable(member):  # one of nbgrader's methods, its ``self`` this object (so its commits flush or wait)
            return member.__get__(self)
        return getattr(self.gradebook, name)


#: File systems that share files between hosts, where SQLite's write-ahead log is not safe (its index is memory
#: shared by the processes of one host); a gradebook there keeps SQLite's default journal.
NETWORK_FILESYSTEMS = frozenset({"nfs", "nfs4", "cifs", "smb3", "smbfs", "9p", "afs", "ceph", "glusterfs", "lustre",
                                 "gpfs", "beegfs", "fuse.sshfs", "fuse.glusterfs", "fuse.cephfs", "fuse.s3fs"})


def filesystem_type(path: str | os.PathLike[str]) -> str:
    """The type of the file system that holds ``path`` (the deepest mount above it); ``""`` where none can be read."""
    target = os.path.realpath(path)
    try:
        table = mount_table()
    except (OSError, IndexError, ValueError):  # not Linux, or a table it cannot read
        return ""
    above = [(point, kind) for point, kind in table if target == point or target.startswith(point.rstrip("/") + "/")]
    return max(reversed(above), key=lambda mount: len(mount[0]), default=("", ""))[1]  # the last mount on a point shows


def write_ahead(engine: Engine) -> bool:
    """Have a SQLite gradebook's commits wait for no disk while a run writes it; ``False`` for another database,
    or one on a network file system (:data:`NETWORK_FILESYSTEMS`).

    Each notebook's transaction commits on its own, and in SQLite's default journal every
    commit waits for the disk several times (on a machine whose kernels are writing,
    15 to 45 ms of the grader's wall time a notebook). With a write-ahead log and
    ``synchronous=NORMAL``, a commit is still atomic and survives the grader's death at
    any moment; only a power failure may lose the last commits, whole, never half of one.
    A rerun then grades those notebooks again, since a notebook counts as graded only
    when the gradebook holds its submission (:func:`autograder.grading.batch.already_graded`).
    """
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        return False
    if filesystem_type(os.path.dirname(os.path.abspath(database))) in NETWORK_FILESYSTEMS:
        return False

    def pragmas(connection, _record):
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    event.listen(engine, "connect", pragmas)
    engine.dispose()  # the connections Gradebook opened are made again, with these settings
    return True


def rollback_journal(engine: Engine) -> None:
    """Back to SQLite's default journal once the run is done: ``gradebook.db`` is then one self-contained file.

    Where another process still reads it (SQLite then refuses), the log stays beside it,
    and SQLite folds it in when the last connection closes; nothing is lost either way.
    """
    engine.dispose()  # SQLite changes the journal only for a file's one connection
    try:
        with engine.connect() as connection:
            mode = connection.exec_driver_sql("PRAGMA journal_mode=DELETE").scalar()
    except Exception as error:  # noqa: BLE001 - the grades are committed either way
        mode = f"{type(error).__name__}: {error}"
    if str(mode).lower() != "delete":
        log.info(f"the gradebook keeps its write-ahead log for now ({mode})")


class Ledger:
    """A run's gradebook, open for the run: each notebook's grades saved in one transaction.

    Parameters
    ----------
    run : RunFolder
        Its ``db_url`` and nbgrader ``config`` (the late-penalty plugin, ``AssignLatePenalties.plugin_class``).
    """

    def __init__(self, run: RunFolder) -> None:
        self.gradebook = Gradebook(run.db_url)
        self.write_ahead = write_ahead(self.gradebook.engine)
        self.saver = SaveInOne(config=run.config)
        self.late = AssignLatePenalties(config=run.config)
        self.late.init_plugin()
        self.saved: dict[tuple[str, str], dict[str, float]] = {}
        self.students: set[str] = set()  # students this run's commits made or found: not looked up again to make

    def close(self) -> None:
        self.gradebook.db.remove()
        if self.write_ahead:
            rollback_journal(self.gradebook.engine)
        self.gradebook.close()

    def save(self, submission: Submission, notebook: NotebookNode, resources: dict) -> dict[str, float]:
        """Save an executed notebook's grades and late penalty, as ``SaveAutoGrades`` then ``AssignLatePenalties``.

        Returns
        -------
        dict
            ``{function: score}`` of its grade cells, as the gradebook now reads them.

        Raises
        ------
        MissingEntry
            When the gradebook has no such assignment (it was not released); nothing is saved.
        """
        db = self.gradebook.db
        name, student = submission.assignment, submission.student
        try:
            if student not in self.students:  # flushed, so that the submission's lookup of it finds it
                InTransaction(self.gradebook).update_or_create_student(student)
            # the submission's rows, grades and comments set, go to the database in one flush (no autoflush on
            # the way: nbgrader's lookups while it builds them would insert half of them, then update them)
            with db.no_autoflush:
                row = InTransaction(self.gradebook, flush=False).update_or_create_submission(name, student)
                submitted = self._submitted(row, name)
                cells = submitted.notebook  # its cells were loaded to build the rows (the grades' .cell is not, yet)
                names = {cell.id: cell.name for cell in (*cells.grade_cells, *cells.solution_cells, *cells.task_cells)}
                # (a kept row of a cell the notebook no longer has is found by its own cell, as nbgrader finds it)
                self.saver.save(notebook, resources, _Rows(
                    {names.get(grade.cell_id) or grade.cell.name: grade for grade in submitted.grades},
                    {names.get(note.cell_id) or note.cell.name: note for note in submitted.comments}))
                self._late_penalty(submitted, student)
            db.flush()
            saved = {function_name(cell): float(score) for cell, score in db.query(BaseCell.name, Grade.score)
                     .join(BaseCell, BaseCell.id == Grade.cell_id).filter(Grade.notebook_id == submitted.id)}
            db.commit()
        except BaseException:
            db.rollback()
            self.students.discard(student)
            raise
        self.students.add(student)
        self.saved[(submission.student, submission.assignment)] = saved
        return saved

    @staticmethod
    def _submitted(row: SubmittedAssignment, assignment: str) -> SubmittedNotebook:
        """The submission's notebook of that name (``find_submission_notebook``'s row)."""
        for submitted in row.notebooks:
            if submitted.notebook.name == assignment:
                return submitted
        raise MissingEntry(f"No such submitted notebook: {assignment}/{assignment} for {row.student.id}")

    def _late_penalty(self, submitted, student: str) -> None:
        """``AssignLatePenalties.preprocess``'s body, with its plugin and its check, on the open transaction."""
        submitted.late_submission_penalty = None  # reset to None (zero), as nbgrader does
        seconds_late = submitted.assignment.total_seconds_late
        if seconds_late > 0:
            self.gradebook.db.flush()
            self.gradebook.db.expire(submitted, ["score"])  # the sum of the grades just set
            penalty = self.late.plugin_inst.late_submission_penalty(student, submitted.score, seconds_late)
            if penalty is not None:
                submitted.late_submission_penalty = self.late._check_late_penalty(submitted, penalty)  # noqa: SLF001 - nbgrader's own check, reused


_ledgers: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_pools: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def ledger(run: RunFolder) -> Ledger:
    """The run's :class:`Ledger`, opened at its first use (closed by :func:`drain`)."""
    if run not in _ledgers:
        _ledgers[run] = Ledger(run)
    return _ledgers[run]


def record(run: RunFolder, submission: Submission, executed: Executed) -> None:
    """Save the submission and the grades of an executed notebook in one transaction, then write it (the graded marker).

    What nbgrader's staging (the student and the submission), ``SaveAutoGrades`` and
    ``AssignLatePenalties`` do, with the same rows and scores (the worker ran
    ``CheckCellMetadata``); the autograded notebook is written atomically once the grades
    are committed, so an interrupted run leaves no notebook whose grades are not saved.
    """
    autograded = run.folder("autograded", submission)
    # the worker wrote it with nbformat.writes (validated there): parsed, not validated again
    notebook = nbformat.v4.reads(executed.notebook)
    resources = run.resources(submission, autograded)
    ledger(run).save(submission, notebook, resources)
    target = autograded / f"{submission.assignment}.ipynb"
    partial = target.with_suffix(".ipynb.partial")
    # the bytes nbformat.write(notebook) gives: the worker's nbformat.writes, and a final newline
    partial.write_text(executed.notebook if executed.notebook.endswith("\n") else executed.notebook + "\n",
                       encoding="utf-8")
    os.replace(partial, target)  # the graded marker appears only once grades are saved


def scores(run: RunFolder, submission: Submission) -> dict[str, float]:
    """Points per graded function, as :func:`record` saved them this run; else read from the gradebook."""
    saved = _ledgers[run].saved.get((submission.student, submission.assignment)) if run in _ledgers else None
    return dict(saved) if saved is not None else run.scores(submission)


_writer = None


def _start_feedback(parent: int, config) -> None:
    """A feedback process's initializer: it dies with the grader, runs below it, and makes the run's writer once."""
    global _writer  # one writer per process: its exporter and templates made once
    lifetime.worker_started(parent, {})
    from autograder.grading.feedback import FeedbackWriter

    _writer = FeedbackWriter(config)


def _render(submission: Submission) -> float:
    """In a feedback process: write one submission's feedback; return its seconds."""
    started = time.perf_counter()
    assert _writer is not None, "the pool's initializer made it"
    _writer.write(submission)
    return time.perf_counter() - started


class FeedbackPool:
    """Processes that write feedback pages while the grader records the next notebooks.

    Each runs :class:`~autograder.grading.feedback.FeedbackWriter` (nbgrader's
    ``GenerateFeedback``, its ``GetGrades`` reading the committed grades), so a page is
    what the grader's own process would have written.
    """

    def __init__(self, run: RunFolder, processes: int = FEEDBACK_PROCESSES) -> None:
        # forked, as the batch's local workers are: a spawned process would run a caller's unguarded __main__
        self.pool = ProcessPoolExecutor(max_workers=processes, mp_context=multiprocessing.get_context("fork"),
                                        initializer=_start_feedback, initargs=(os.getpid(), run.config))
        self.pending: list[tuple[Future, Submission, Outcome]] = []

    def send(self, submission: Submission, outcome: Outcome) -> None:
        self.pending.append((self.pool.submit(_render, submission), submission, outcome))

    def drain(self) -> None:
        """Wait for every page; note on its outcome each that could not be written, and time each one that was."""
        for future, submission, outcome in self.pending:
            try:
                seconds = future.result()
            except Exception as error:  # noqa: BLE001 - FeedbackError or worse: the grades stand; the instructor hears
                log.warning(f"{submission.student} / {submission.assignment}: no feedback: {error}")
                outcome.problem = "; ".join(filter(None, [outcome.problem, "its feedback could not be written"]))
            else:
                if outcome.timings:
                    outcome.timings[FEEDBACK_RENDER] = seconds
        self.pending = []
        self.pool.shutdown()


def feedback(run: RunFolder, submission: Submission, outcome: Outcome) -> None:
    """Have a submission's feedback written from its recorded notebook and grades (by :func:`drain`'s end)."""
    if run not in _pools:
        _pools[run] = FeedbackPool(run)
    _pools[run].send(submission, outcome)


def drain(run: RunFolder) -> None:
    """Wait until every feedback page of the run is written, then close its pool and its gradebook."""
    pool = _pools.pop(run, None)
    if pool is not None:
        pool.drain()
    kept = _ledgers.pop(run, None)
    if kept is not None:
        kept.close()
