"""Recording in one transaction gives the gradebook nbgrader's own SaveAutoGrades and AssignLatePenalties give.

The fast layer builds a small assignment straight in nbgrader's gradebook (no release, no kernel) and saves
the same executed notebook twice: once with nbgrader's preprocessors, once with
:mod:`autograder.grading.recording`; every row nbgrader's formgrader reads must come out equal. The grading
layer grades real chapter-1 notebooks through :func:`autograder.grading.batch.grade` and compares the
gradebook, the autograded notebooks and the feedback pages with what nbgrader's own steps make of them.
"""

import filecmp
import pickle
import re
import shutil
import sqlite3
from contextlib import closing
from datetime import datetime, timedelta

import nbformat
import pytest
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.preprocessors import AssignLatePenalties, SaveAutoGrades
from nbgrader.utils import compute_checksum
from sqlalchemy import event

from autograder.catalogue import MUTANT, variants
from autograder.course import CATALOGUE, EXERCISES, source_notebook
from autograder.grading import batch, recording, staging
from autograder.grading.intake import GRADED, Submission
from autograder.grading.jobs import Executed
from autograder.nbgrader_cells import with_answers

ASSIGNMENT = "hw"
#: The assignment's cells: an answer, two tests (2 and 3 points), a second answer left as released.
ANSWER, SECOND, TEST_A, TEST_B = "f", "g", "test_f", "test_g"


def _error(name="AssertionError"):
    return nbformat.v4.new_output("error", ename=name, evalue="", traceback=[])


def executed_notebook(cells, *, fail_b=False, touch_second=True):
    """An executed notebook of the assignment: ``test_g`` failed if ``fail_b``; ``g`` unchanged unless ``touch_second``."""
    first = cells.answer(ANSWER, "def f():\n    return 1")
    second = cells.answer(SECOND, "def g():\n    raise NotImplementedError()")
    second.metadata.nbgrader["checksum"] = compute_checksum(second)  # as released
    if touch_second:
        second.source = "def g():\n    return 2"
    test_a, test_b = cells.test(TEST_A, "assert f() == 1", points=2), cells.test(TEST_B, "assert g() == 2", points=3)
    if fail_b:
        test_b.outputs = [_error()]
    return cells.notebook(cells.markdown(), first, second, test_a, test_b)


@pytest.fixture(scope="module")
def empty_gradebook(tmp_path_factory):
    """An empty gradebook, made once: a new one asks alembic for its version, a subprocess of seconds."""
    path = tmp_path_factory.mktemp("empty") / "gradebook.db"
    Gradebook(f"sqlite:///{path}").close()
    return path


def make_gradebook(empty, db_url, *, due=None, submitted_at=None, manual=None):
    """The assignment in a copy of ``empty``, one student's submission of it (``manual``: a score set by hand)."""
    shutil.copyfile(empty, db_url.removeprefix("sqlite:///"))
    with Gradebook(db_url) as gradebook:
        gradebook.add_assignment(ASSIGNMENT, duedate=due)
        gradebook.add_notebook(ASSIGNMENT, ASSIGNMENT)
        gradebook.add_grade_cell(TEST_A, ASSIGNMENT, ASSIGNMENT, max_score=2, cell_type="code")
        gradebook.add_grade_cell(TEST_B, ASSIGNMENT, ASSIGNMENT, max_score=3, cell_type="code")
        for name in (ANSWER, SECOND):
            gradebook.add_solution_cell(name, ASSIGNMENT, ASSIGNMENT)
        gradebook.add_student("ada")
        gradebook.add_submission(ASSIGNMENT, "ada", timestamp=submitted_at)
        if manual is not None:
            gradebook.find_grade(TEST_A, ASSIGNMENT, ASSIGNMENT, "ada").manual_score = manual
            gradebook.db.commit()


def rows(db_url):
    """Every value nbgrader's formgrader shows of the submission: grades, comments, the notebook's totals."""
    with Gradebook(db_url) as gradebook:
        notebook = gradebook.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, "ada")
        return {
            "grades": sorted((g.name, g.auto_score, g.manual_score, g.score, g.max_score, g.needs_manual_grade)
                             for g in notebook.grades),
            "comments": sorted((c.name, c.auto_comment, c.manual_comment) for c in notebook.comments),
            "notebook": (notebook.score, notebook.max_score, notebook.late_submission_penalty,
                         notebook.needs_manual_grade, notebook.failed_tests),
            "assignment": (notebook.assignment.score, notebook.assignment.late_submission_penalty),
        }


@pytest.fixture
def run(tmp_path):
    """A run folder (its gradebook made by :func:`make_gradebook`), a submission, and the late policy's config."""
    folder = batch.RunFolder(tmp_path / "run")
    (tmp_path / "run" / "autograded" / "ada" / ASSIGNMENT).mkdir(parents=True)
    yield folder, Submission("ada", ASSIGNMENT, tmp_path / "submitted")
    recording.drain(folder)


def nbgrader_saves(run, submission, notebook):
    """What nbgrader's own steps (SaveAutoGrades, AssignLatePenalties) write, in a gradebook of their own."""
    resources = run.resources(submission, run.folder("autograded", submission))
    for step in (SaveAutoGrades, AssignLatePenalties):
        notebook, resources = step(config=run.config)(notebook, resources)


@pytest.mark.parametrize("case", [
    {},
    {"fail_b": True},
    {"touch_second": False},
    {"manual": 1.5, "fail_b": True},
    {"late": True, "fail_b": True},
    {"late": True, "policy": "zero"},
    {"on_time": True, "policy": "zero"},
])
def test_one_transaction_writes_the_rows_nbgrader_writes(run, cells, tmp_path, empty_gradebook, case):
    """Scores, review flags, 'No response.' comments, hand-set scores and late penalties: equal, row for row."""
    run, submission = run
    if case.get("policy"):
        run.config.LateSubmissionPlugin.penalty_method = case["policy"]
    due = datetime(2026, 12, 1, 12, 0)
    when = {"due": due, "submitted_at": due + timedelta(hours=3)} if case.get("late") else (
        {"due": due, "submitted_at": due - timedelta(hours=3)} if case.get("on_time") else {})
    ours, theirs = tmp_path / "ours.db", tmp_path / "theirs.db"
    for path in (ours, theirs):
        make_gradebook(empty_gradebook, f"sqlite:///{path}", manual=case.get("manual"), **when)
    notebook = executed_notebook(cells, fail_b=case.get("fail_b", False), touch_second=case.get("touch_second", True))

    run.db_url = f"sqlite:///{theirs}"
    nbgrader_saves(run, submission, nbformat.from_dict(notebook))
    run.db_url = f"sqlite:///{ours}"
    saved = recording.ledger(run).save(submission, nbformat.from_dict(notebook),
                                       run.resources(submission, run.folder("autograded", submission)))

    assert rows(f"sqlite:///{ours}") == rows(f"sqlite:///{theirs}")
    assert saved == {"f": rows(f"sqlite:///{ours}")["grades"][0][3], "g": rows(f"sqlite:///{ours}")["grades"][1][3]}


def test_the_late_cases_do_penalise(run, cells, tmp_path, empty_gradebook):
    """The comparison above is not vacuous: with 'zero', a late submission loses everything, an on-time one nothing."""
    run, submission = run
    run.config.LateSubmissionPlugin.penalty_method = "zero"
    due = datetime(2026, 12, 1, 12, 0)
    for name, submitted_at, penalty in (("late", due + timedelta(hours=3), 5.0), ("on-time", due, None)):
        run.db_url = f"sqlite:///{tmp_path / name}.db"
        make_gradebook(empty_gradebook, run.db_url, due=due, submitted_at=submitted_at)
        recording.ledger(run).save(submission, executed_notebook(cells), run.resources(submission, tmp_path))
        recording.drain(run)
        assert rows(run.db_url)["notebook"][2] == penalty


def test_record_writes_the_notebook_nbformat_writes_once_the_grades_are_saved(run, cells, tmp_path, empty_gradebook):
    """The autograded notebook's bytes are nbformat.write's; a new student's rows are made in the same transaction;
    a submission of an assignment the gradebook lacks saves and writes nothing."""
    run, submission = run
    run.db_url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    make_gradebook(empty_gradebook, run.db_url)
    notebook = executed_notebook(cells, fail_b=True)
    recording.record(run, submission, Executed(nbformat.writes(notebook)))
    written = run.folder("autograded", submission) / f"{ASSIGNMENT}.ipynb"
    nbformat.write(notebook, tmp_path / "expected.ipynb")
    assert written.read_bytes() == (tmp_path / "expected.ipynb").read_bytes()
    assert recording.scores(run, submission) == {"f": 2.0, "g": 0.0}

    newcomer = Submission("bob", ASSIGNMENT, tmp_path)
    run.folder("autograded", newcomer).mkdir(parents=True)
    recording.record(run, newcomer, Executed(nbformat.writes(notebook)))
    with Gradebook(run.db_url) as gradebook:
        assert {g.name: g.score for g in gradebook.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, "bob").grades} \
            == {g.name: g.score for g in gradebook.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, "ada").grades}

    before = rows(run.db_url)
    stranger = Submission("carol", "never-released", tmp_path)
    run.folder("autograded", stranger).mkdir(parents=True)
    with pytest.raises(MissingEntry):
        recording.record(run, stranger, Executed(nbformat.writes(notebook)))
    assert not (run.folder("autograded", stranger) / "never-released.ipynb").exists()
    assert rows(run.db_url) == before
    with Gradebook(run.db_url) as gradebook:
        assert sorted(student.id for student in gradebook.students) == ["ada", "bob"]  # not even carol's row


def test_a_failed_save_leaves_no_half_written_rows(run, cells, tmp_path, empty_gradebook, monkeypatch):
    """One transaction: a failure after the first grade was set rolls every change back."""
    run, submission = run
    run.db_url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    make_gradebook(empty_gradebook, run.db_url)
    before = rows(run.db_url)

    def fail(*args):
        raise RuntimeError("the disk went away")

    monkeypatch.setattr(recording.Ledger, "_late_penalty", fail)
    with pytest.raises(RuntimeError):
        recording.ledger(run).save(submission, executed_notebook(cells), run.resources(submission, tmp_path))
    assert rows(run.db_url) == before
    monkeypatch.undo()
    recording.ledger(run).save(submission, executed_notebook(cells), run.resources(submission, tmp_path))
    assert rows(run.db_url)["notebook"][0] == 5.0  # the same connection goes on


def statements(engine):
    """A list that fills with the first word and the table of every statement ``engine`` runs from now on
    (a SELECT's whole text)."""
    seen = []

    def note(conn, cursor, statement, params, context, executemany):
        words = statement.split()
        table = {"INSERT": 2, "UPDATE": 1}.get(words[0])  # INSERT INTO t, UPDATE t
        seen.append((words[0], words[table] if table else " ".join(words)))

    event.listen(engine, "before_cursor_execute", note)
    return seen


def test_a_new_submission_is_inserted_with_its_grades_and_a_known_student_looked_up_once(run, cells, tmp_path,
                                                                                          empty_gradebook):
    """One flush a notebook: its rows go in once, scores set (no UPDATE after the INSERT), and a student the run has
    saved is looked up once, not twice; the rows are still the ones nbgrader's steps write."""
    run, submission = run
    run.db_url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    make_gradebook(empty_gradebook, run.db_url)
    ledger = recording.ledger(run)
    ledger.save(submission, executed_notebook(cells, fail_b=True), run.resources(submission, tmp_path))

    with Gradebook(run.db_url) as gradebook:  # a second assignment, so that ada hands in a new submission
        gradebook.add_assignment("hw2")
        gradebook.add_notebook("hw2", "hw2")
        for cell, points in ((TEST_A, 2), (TEST_B, 3)):
            gradebook.add_grade_cell(cell, "hw2", "hw2", max_score=points, cell_type="code")
        for name in (ANSWER, SECOND):
            gradebook.add_solution_cell(name, "hw2", "hw2")
    second = Submission("ada", "hw2", tmp_path)
    seen = statements(ledger.gradebook.engine)
    saved = ledger.save(second, executed_notebook(cells, fail_b=True), run.resources(second, tmp_path))

    assert saved == {"f": 2.0, "g": 0.0}
    assert [table for kind, table in seen if kind == "UPDATE"] == []
    assert sorted(table for kind, table in seen if kind == "INSERT") == ["comment", "grade", "submitted_assignment",
                                                                        "submitted_notebook"]
    # nbgrader's add_submission looks the student up to link the row; update_or_create_student no longer does too
    assert len([query for kind, query in seen if kind == "SELECT" and "FROM student WHERE" in query]) == 1
    with Gradebook(run.db_url) as gradebook:
        first, other = (gradebook.find_submission_notebook(name, name, "ada") for name in (ASSIGNMENT, "hw2"))
        assert sorted((g.name, g.auto_score, g.needs_manual_grade) for g in other.grades) \
            == sorted((g.name, g.auto_score, g.needs_manual_grade) for g in first.grades)
        assert sorted((c.name, c.auto_comment) for c in other.comments) \
            == sorted((c.name, c.auto_comment) for c in first.comments)


def test_a_new_student_whose_save_failed_is_made_again(run, cells, tmp_path, empty_gradebook, monkeypatch):
    """The ledger trusts only committed students: a rolled-back student row is made again on the next save."""
    run, _ = run
    run.db_url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    make_gradebook(empty_gradebook, run.db_url)
    newcomer = Submission("bob", ASSIGNMENT, tmp_path)
    monkeypatch.setattr(recording.Ledger, "_late_penalty", lambda *args: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        recording.ledger(run).save(newcomer, executed_notebook(cells), run.resources(newcomer, tmp_path))
    monkeypatch.undo()
    assert recording.ledger(run).save(newcomer, executed_notebook(cells), run.resources(newcomer, tmp_path)) \
        == {"f": 2.0, "g": 3.0}
    with Gradebook(run.db_url) as gradebook:
        assert sorted(student.id for student in gradebook.students) == ["ada", "bob"]


def test_the_ledger_leaves_no_transaction_open(run, cells, tmp_path, empty_gradebook):
    """Between notebooks another connection can write (as overrides and releases do): no lock held."""
    run, submission = run
    run.db_url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    make_gradebook(empty_gradebook, run.db_url)
    recording.ledger(run).save(submission, executed_notebook(cells), run.resources(submission, tmp_path))
    with Gradebook(run.db_url) as gradebook:
        gradebook.update_or_create_student("carol", first_name="Carol")
        assert gradebook.find_student("carol").first_name == "Carol"


def journal_mode(path):
    """The journal mode SQLite reads from the file itself, through a connection of its own."""
    with closing(sqlite3.connect(path)) as connection:
        return connection.execute("PRAGMA journal_mode").fetchone()[0]


def test_a_run_commits_to_a_write_ahead_log_and_leaves_one_plain_file(run, cells, tmp_path, empty_gradebook):
    """While the run writes, is the gradebook in WAL mode (commits that wait for no disk, readable by another
    connection), and once the run is drained is it a plain file again, with every grade in it and no log beside it?"""
    run, submission = run
    path = tmp_path / "gradebook.db"
    run.db_url = f"sqlite:///{path}"
    make_gradebook(empty_gradebook, run.db_url)
    assert journal_mode(path) == "delete"
    recording.ledger(run).save(submission, executed_notebook(cells, fail_b=True), run.resources(submission, tmp_path))
    assert journal_mode(path) == "wal" and path.with_name("gradebook.db-wal").exists()
    with closing(sqlite3.connect(path)) as connection:
        assert connection.execute("PRAGMA synchronous").fetchone()[0] == 2, "a connection's own setting: FULL"
    assert rows(run.db_url)["notebook"][0] == 2.0  # another connection reads the committed grades meanwhile
    recording.drain(run)
    assert journal_mode(path) == "delete"
    assert not path.with_name("gradebook.db-wal").exists() and not path.with_name("gradebook.db-shm").exists()
    assert rows(run.db_url)["notebook"][0] == 2.0


def test_a_gradebook_on_a_network_file_system_keeps_the_default_journal(run, cells, tmp_path, empty_gradebook,
                                                                         monkeypatch):
    """Is the write-ahead log (whose index is one host's shared memory) left off where the folder is NFS's?"""
    run, submission = run
    path = tmp_path / "gradebook.db"
    run.db_url = f"sqlite:///{path}"
    make_gradebook(empty_gradebook, run.db_url)
    monkeypatch.setattr(recording, "filesystem_type", lambda folder: "nfs4" if folder == str(tmp_path) else "ext4")
    recording.ledger(run).save(submission, executed_notebook(cells), run.resources(submission, tmp_path))
    assert journal_mode(path) == "delete" and not path.with_name("gradebook.db-wal").exists()
    assert rows(run.db_url)["notebook"][0] == 5.0


def test_the_file_system_type_is_the_deepest_mount_above_a_path():
    """Is a path under /proc on proc (its own mount), not on the root file system above it?"""
    assert recording.filesystem_type("/proc/self") == "proc"
    assert recording.filesystem_type("/") not in ("", "proc")


# ---- through the real grader ------------------------------------------------------------------------

CH1 = "ch1_normalizing"


def chapter_one(root):
    """Three chapter-1 notebooks: the reference answers, the student version, one catalogued mistake."""
    mutant = next(v for v in variants(CATALOGUE, CH1) if v.kind == MUTANT)
    reference = nbformat.read(source_notebook(CH1), as_version=4)
    notebooks = {"reference": reference, "blank": nbformat.read(EXERCISES / CH1 / f"{CH1}.ipynb", as_version=4),
                 "mistaken": with_answers(reference, {mutant.function: mutant.path.read_text()})}
    submissions = []
    for student, notebook in notebooks.items():
        folder = root / student / CH1
        folder.mkdir(parents=True)
        nbformat.write(notebook, folder / f"{CH1}.ipynb")
        submissions.append(Submission(student, CH1, folder))
    return submissions


def all_rows(db_url, submissions):
    with Gradebook(db_url) as gradebook:
        found = {}
        for s in submissions:
            notebook = gradebook.find_submission_notebook(CH1, CH1, s.student)
            found[s.student] = (
                sorted((g.name, g.auto_score, g.manual_score, g.score, g.needs_manual_grade) for g in notebook.grades),
                sorted((c.name, c.auto_comment, c.manual_comment) for c in notebook.comments),
                notebook.score, notebook.max_score, notebook.late_submission_penalty,
            )
        return found


@pytest.mark.grading
def test_the_grader_records_what_nbgraders_steps_record(tmp_path):
    """Graded through batch.grade: rows, notebooks and feedback pages equal nbgrader's steps' on the same notebooks;
    a rerun reads the same grades back and executes nothing."""
    submissions = chapter_one(tmp_path / "submitted")
    ours = tmp_path / "ours"
    outcomes = batch.grade(submissions, output=ours, workers=2, force=True, feedback=True)
    assert [o.status for o in outcomes] == [GRADED] * 3, [o.problem for o in outcomes]
    totals = {o.student: o.total for o in outcomes}
    assert totals["reference"] == sum(outcomes[0].possible.values()) > totals["mistaken"] > 0, totals
    assert totals["blank"] == 0
    assert journal_mode(ours / "gradebook.db") == "delete", "the run's gradebook is one plain file once it ends"
    assert not (ours / "gradebook.db-wal").exists()

    # nbgrader's own steps, on the same executed notebooks, in a copy whose grades are wiped first
    theirs = tmp_path / "theirs"
    shutil.copytree(ours, theirs)
    run = batch.RunFolder(theirs)
    with Gradebook(run.db_url) as gradebook:
        for s in submissions:
            for grade in gradebook.find_submission_notebook(CH1, CH1, s.student).grades:
                grade.auto_score, grade.needs_manual_grade = None, True
        gradebook.db.commit()
    for s in submissions:
        folder = run.folder("autograded", s)
        notebook = nbformat.read(folder / f"{CH1}.ipynb", as_version=4)
        run.apply(batch.RECORD_STEPS, notebook, run.resources(s, folder))
        run.feedback.write(s)
    assert all_rows(run.db_url, submissions) == all_rows(batch.RunFolder(ours).db_url, submissions)
    for s in submissions:
        assert {function: score for function, score in run.scores(s).items()} == \
               next(o.scores for o in outcomes if o.student == s.student)
        page = f"feedback/{s.student}/{CH1}/{CH1}.html"
        assert (ours / page).read_text() == (theirs / page).read_text()
        folder = f"feedback/{s.student}/{CH1}"
        assert filecmp.dircmp(ours / folder, theirs / folder).diff_files == []

    # sanitizing from the source's snapshot gives what nbgrader's steps reading the gradebook give
    s = submissions[2]
    notebook = nbformat.read(s.folder / f"{CH1}.ipynb", as_version=4)
    resources = run.resources(s, run.folder("autograded", s))
    expected, _ = run.apply(staging.STEPS, nbformat.from_dict(notebook), dict(resources))
    with Gradebook(run.db_url) as gradebook:
        source = pickle.loads(pickle.dumps(staging.source_notebook(gradebook, CH1)))  # as it travels to a worker
    sanitized, _ = staging.sanitize(nbformat.from_dict(notebook), {"nbgrader": dict(resources["nbgrader"])}, source,
                                    run.config)
    recording.drain(run)
    # the nonce is new for every call (AddReceipts), in the test cells and the notebook's metadata
    receipt = re.compile(r'bnweek-receipt [0-9a-f]+ |"bnweek_receipt": "[0-9a-f]+"')
    assert receipt.sub("", nbformat.writes(sanitized)) == receipt.sub("", nbformat.writes(expected))
    assert "bnweek-receipt" in nbformat.writes(sanitized)

    again = batch.grade(submissions, output=ours, workers=2, force=False, feedback=True)
    assert [(o.student, o.status, o.scores) for o in again] == [(o.student, o.status, o.scores) for o in outcomes]
    assert not any(o.timings for o in again)  # already graded: nothing staged, executed or recorded

