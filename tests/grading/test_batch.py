"""A grader fault is never a student's grade: what died is started again and its notebooks regraded."""

import csv
import logging
import os
import signal
import socket
import threading
import time

import nbformat
import pytest

from autograder.course import source_notebook
from autograder.grading import batch, command
from autograder.grading.intake import GRADED, GRADER_ERROR, Submission
from autograder.sandbox import zygote

pytestmark = pytest.mark.grading

CH1 = "ch1_normalizing"


def honest_class(root, students):
    submissions = []
    for student in students:
        folder = root / "submitted" / student / CH1
        folder.mkdir(parents=True)
        nbformat.write(nbformat.read(source_notebook(CH1), as_version=4), folder / f"{CH1}.ipynb")
        submissions.append(Submission(student, CH1, folder))
    return submissions


def test_a_zygote_that_dies_mid_batch_is_restarted_and_its_notebooks_regraded(tmp_path, monkeypatch,
                                                                            kernels_running):
    """Are its notebooks graded in full by the next zygote, and does nothing of the dead one live on?"""
    if os.getuid() != 0:
        pytest.skip("finds the kernels by their own uids, which only a root grader gives them")
    started = []

    class Watched(zygote.Zygote):
        def _start(self):
            super()._start()
            started.append(self.process)

    monkeypatch.setattr(batch.zygote, "Zygote", Watched)

    def kill_the_first_zygote_once_kernels_run():
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not (started and kernels_running()):
            time.sleep(0.05)
        started[0].send_signal(signal.SIGKILL)

    killer = threading.Thread(target=kill_the_first_zygote_once_kernels_run, daemon=True)
    killer.start()
    outcomes = batch.grade(honest_class(tmp_path, ["s1", "s2", "s3", "s4"]), output=tmp_path / "out",
                             workers=2, feedback=False)
    killer.join(5)
    assert len(started) >= 2, "the zygote was started again"
    for outcome in outcomes:
        assert (outcome.status, outcome.total) == (GRADED, outcome.max_score), outcome
    assert kernels_running(wait=10) == [], "the killed zygote's kernels, or a kept judge, live on"


def test_kernels_that_cannot_start_are_grader_errors_never_zeros(tmp_path, monkeypatch, caplog):
    dead_end = tmp_path / "nobody-listens.sock"
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(dead_end))
    listener.listen(16)

    def hang_up():  # a server that takes every request and answers none
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            connection.close()

    threading.Thread(target=hang_up, daemon=True).start()

    class Broken(zygote.Zygote):
        def env(self):
            return dict(super().env(), **{zygote.ENV_SOCKET: str(dead_end)})

    monkeypatch.setattr(batch.zygote, "Zygote", Broken)
    honest_class(tmp_path / "class", ["s1"])
    caplog.set_level(logging.INFO, logger="autograder")
    status = command.main(source=tmp_path / "class", assignment=CH1, output=tmp_path / "out", workers=1,
                           progress=False)
    listener.close()
    printed = caplog.text
    assert status == 1
    assert "GRADER ERROR: 1 notebook(s) could not be graded" in printed
    with open(tmp_path / "out" / "grades.csv", encoding="utf-8") as file:
        row = next(row for row in csv.DictReader(file) if row["student"] == "s1")
    assert row["status"] == GRADER_ERROR
    assert row["normalize_inputs"] == row["batchnorm_forward"] == row["total"] == "", "no points, not zero points"
    assert "not graded after 3 attempts" in row["problem"]


def test_seeds_are_stable_per_student_and_assignment_and_need_the_secret():
    """Is a notebook's seed the same when regraded, different for another student, assignment or secret,
    and 63 bits?"""
    seed = batch.submission_seed(b"secret", "ana", CH1)
    assert seed == batch.submission_seed(b"secret", "ana", CH1)
    others = {batch.submission_seed(b"secret", "bo", CH1), batch.submission_seed(b"secret", "ana", "ch2_fitting_bn"),
              batch.submission_seed(b"other", "ana", CH1)}
    assert seed not in others and len(others) == 3
    assert all(0 <= s < 2**63 for s in others | {seed})


def test_the_course_secret_is_made_once_private_or_given(tmp_path, monkeypatch):
    """Is the secret made once beside the gradebook, readable by its owner only, kept between runs,
    and the instructor's own when given in the environment?"""
    monkeypatch.delenv(batch.ENV_SECRET, raising=False)
    first = batch.RunFolder(tmp_path / "out").secret
    path = tmp_path / "out" / batch.SECRET_FILE
    assert len(first) >= 32 and path.stat().st_mode & 0o777 == 0o600
    assert batch.RunFolder(tmp_path / "out").secret == first
    assert batch.RunFolder(tmp_path / "elsewhere").secret != first
    monkeypatch.setenv(batch.ENV_SECRET, "the instructor's")
    assert batch.RunFolder(tmp_path / "out").secret == b"the instructor's"


def test_the_language_is_the_notebooks(cells):
    """Is a notebook released in Chinese judged in Chinese, and any other (or odd metadata) in English?"""
    notebook = cells.notebook()
    assert batch.notebook_language(notebook) == "en"
    notebook.metadata["bnweek"] = {"language": "zh_CN"}
    assert batch.notebook_language(notebook) == "zh_CN"
    notebook.metadata["bnweek"] = {"language": "fr"}
    assert batch.notebook_language(notebook) == "en"
    notebook.metadata["bnweek"] = ["zh_CN"]
    assert batch.notebook_language(notebook) == "en"


def test_a_notebook_the_grader_fails_to_stage_is_its_own_row(tmp_path, monkeypatch):
    """Does a submission whose staging raises end as a `grader error` row (no scores, never zeros) with a note,
    while the batch goes on to the next submission?"""
    submissions = honest_class(tmp_path, ["breaks", "fine"])
    staged = []

    def stage(run, submission, notebook):
        if submission.student == "breaks":
            raise KeyError("grade_id")
        staged.append(submission.student)
        raise RuntimeError("stop here: nothing needs executing")

    monkeypatch.setattr(batch, "stage", stage)
    outcomes = batch.grade(submissions, output=tmp_path / "out", workers=1, feedback=False)
    assert [o.status for o in outcomes] == [GRADER_ERROR, GRADER_ERROR] and staged == ["fine"]
    assert outcomes[0].scores == {} and "while staging it (KeyError: 'grade_id')" in outcomes[0].problem
