"""A grader fault is never a student's grade: what died is started again and its notebooks regraded."""

import csv
import logging
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time

import nbformat
import pytest

from autograder.course import source_notebook
from autograder.grading import batch, command, execution, lifetime
from autograder.grading.intake import GRADED, GRADER_ERROR, Submission
from autograder.nbgrader_cells import grade_id
from autograder.sandbox import cleanup, zygote

pytestmark = pytest.mark.grading

CH1 = "ch1_normalizing"


#: An answer that hands its inputs back as they came: it loses normalize_inputs' points.
UNNORMALIZED = "def normalize_inputs(X_train, X_test, eps=1e-8):\n    return X_train, X_test\n"


def honest_class(root, students, unnormalized=()):
    """Chapter 1's reference notebook for each of ``students``; ``unnormalized`` ones hand in
    :data:`UNNORMALIZED` instead of the reference normalize_inputs."""
    submissions = []
    for student in students:
        folder = root / "submitted" / student / CH1
        folder.mkdir(parents=True)
        notebook = nbformat.read(source_notebook(CH1), as_version=4)
        if student in unnormalized:
            next(cell for cell in notebook.cells if grade_id(cell) == "normalize_inputs").source = UNNORMALIZED
        nbformat.write(notebook, folder / f"{CH1}.ipynb")
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


def marked(token):
    """Host pids of the processes started with ``BNWEEK_TEST_GRADER=<token>`` in their environment.

    A grader's workers, its zygote, the kernels' keepers and the kernels (forks of the zygote)
    all carry the environment the grader was started with.
    """
    marker = f"BNWEEK_TEST_GRADER={token}".encode()
    found = []
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{entry}/environ", "rb") as file:
                if marker in file.read().split(b"\0"):  # a zombie's is empty: it runs nothing
                    found.append(int(entry))
        except OSError:
            pass
    return found


def left_behind(token, wait):
    """:func:`marked`, after waiting up to ``wait`` seconds for none."""
    deadline = time.monotonic() + wait
    while (found := marked(token)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return found


def is_resource_tracker(pid):
    """Whether ``pid`` is this process's own multiprocessing resource tracker (it lives as long as we do)."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as file:
            return b"multiprocessing.resource_tracker" in file.read()
    except OSError:
        return False


def temporary_folders():
    """The grader processes' temporary folders now in the system's temporary folder."""
    return {name for name in os.listdir(execution.IPC_BASE) if cleanup.TEMPORARY.match(name)}


def grades(output):
    """``grades.csv`` of a run, without its timings."""
    with open(output / "grades.csv", encoding="utf-8") as file:
        return [{k: v for k, v in row.items() if k != "seconds"} for row in csv.DictReader(file)]


def test_a_killed_grader_leaves_nothing_running_nor_locked_and_a_rerun_grades_the_same(tmp_path):
    """SIGKILLed mid-batch, does the grader leave no worker, zygote, keeper or kernel behind; did a second
    grader on its output folder refuse at once, while it ran; and does a rerun give the grades of a run
    never interrupted?"""
    students = [f"s{i}" for i in range(6)]
    honest_class(tmp_path / "class", students, unnormalized={"s2", "s5"})
    token = secrets.token_hex(8)
    env = dict(os.environ, BNWEEK_TEST_GRADER=token, **{batch.ENV_SECRET: "one secret for every run"})

    def grader(output):
        return subprocess.Popen([sys.executable, "-m", "autograder", "grade", str(tmp_path / "class"), CH1,
                                 "-o", str(output), "--workers", "2", "--no-feedback"], env=env, text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT)

    before = temporary_folders()
    killed = grader(tmp_path / "out")
    lock, graded = tmp_path / "out" / lifetime.LOCK_FILE, tmp_path / "out" / "autograded"
    deadline = time.monotonic() + 600
    while not (lock.exists() and lock.read_text()) and killed.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)  # until the first grader holds its output folder
    started = time.monotonic()
    refusal = grader(tmp_path / "out").communicate(timeout=120)[0]
    refused_in = time.monotonic() - started
    while not list(graded.glob(f"*/{CH1}/{CH1}.ipynb")) and killed.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    running = marked(token)
    killed.send_signal(signal.SIGKILL)
    killed.wait()
    assert len(list(graded.glob(f"*/{CH1}/{CH1}.ipynb"))) < len(students), "killed mid-batch, not after it"
    assert len(running) >= 4, "the grader, its zygote and its workers ran when it was killed"
    assert left_behind(token, wait=10) == [], "processes outlived the killed grader"
    assert "refusing to grade: another grader is already writing to" in refusal and refused_in < 60, refusal
    left = temporary_folders() - before
    assert left, "the killed grader's processes could not remove their temporary folders"

    rerun = grader(tmp_path / "out")
    assert rerun.wait(timeout=900) == 0, rerun.stdout.read()  # the dead grader's lock blocks nothing
    assert not left & temporary_folders(), "the next grader removes what the killed one's processes left"
    uninterrupted = grader(tmp_path / "whole")
    assert uninterrupted.wait(timeout=900) == 0, uninterrupted.stdout.read()
    assert grades(tmp_path / "out") == grades(tmp_path / "whole")
    rows = {row["student"]: row for row in grades(tmp_path / "whole")}
    assert {s for s, row in rows.items() if row["total"] == row["possible"]} == {"s0", "s1", "s3", "s4"}
    assert rows["s2"]["normalize_inputs"] == rows["s5"]["normalize_inputs"] == "0"


def test_a_dask_cluster_grades_the_class_across_its_workers(tmp_path, monkeypatch):
    """Graded on a two-worker Dask cluster (each worker with its own zygote, preloaded), does every notebook
    get the judge's grades, do both workers grade, and does nothing outlive the cluster?"""
    from distributed import Client, LocalCluster, get_task_stream

    token = secrets.token_hex(8)
    monkeypatch.setenv("BNWEEK_TEST_GRADER", token)  # the workers, their zygotes and kernels inherit it
    submissions = honest_class(tmp_path, ["s1", "s2", "s3", "s4"], unnormalized={"s3"})
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                      preload=["autograder.grading.worker"]) as cluster, Client(cluster) as client:
        with get_task_stream(client=client) as stream:
            outcomes = batch.grade(submissions, output=tmp_path / "out", scheduler=cluster.scheduler_address,
                                   feedback=False)
        ran_on = {task["worker"] for task in stream.data}
    assert len(ran_on) == 2, "both workers graded"
    for outcome in outcomes:
        assert outcome.status == GRADED and not outcome.problem, outcome
        expected = dict(outcome.possible, normalize_inputs=0.0) if outcome.student == "s3" else outcome.possible
        assert outcome.scores == expected, outcome
    left = [pid for pid in left_behind(token, wait=10) if pid != os.getpid() and not is_resource_tracker(pid)]
    assert left == [], "processes outlived the cluster"
