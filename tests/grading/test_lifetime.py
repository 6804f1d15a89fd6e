"""One grader per output folder, and nothing that outlives it (``autograder/grading/lifetime.py``)."""

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from autograder.grading import lifetime


def holder(folder):
    """A process that holds ``folder`` until it is killed; it prints ``held`` once it does."""
    code = f"""
        import sys, time
        from autograder.grading import lifetime
        with lifetime.hold({str(folder)!r}):
            print("held", flush=True)
            time.sleep(600)
    """
    process = subprocess.Popen([sys.executable, "-c", textwrap.dedent(code)], stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline().strip() == "held"
    return process


def try_to_hold(folder):
    """Another process's attempt to hold ``folder``: its exit status and what it said."""
    code = f"""
        from autograder.grading import lifetime
        try:
            with lifetime.hold({str(folder)!r}):
                print("held")
        except lifetime.FolderBusy as error:
            print(error)
            raise SystemExit(2)
    """
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=60)
    return done.returncode, done.stdout.strip()


def test_a_second_grader_on_the_same_folder_refuses_at_once_and_says_who(tmp_path):
    """While one process holds a folder, does another's hold raise at once, naming the holder and what to do?"""
    first = holder(tmp_path)
    try:
        started = time.monotonic()
        with pytest.raises(lifetime.FolderBusy) as refused:
            with lifetime.hold(tmp_path):
                pass
        assert time.monotonic() - started < 1
        message = str(refused.value)
        assert f"process {first.pid}" in message and str(tmp_path) in message and "another output folder" in message
    finally:
        first.kill()
        first.wait()


def test_a_killed_grader_leaves_no_lock_behind(tmp_path):
    """Once the holder is SIGKILLed (no cleanup runs), can the next run hold the folder at once?"""
    first = holder(tmp_path)
    first.send_signal(signal.SIGKILL)
    first.wait()
    assert (tmp_path / lifetime.LOCK_FILE).exists()  # the file stays; its lock went with the process
    with lifetime.hold(tmp_path):
        pass


def test_one_process_may_hold_a_folder_twice(tmp_path):
    """Can the command hold its folder and the batch it calls hold it again, and is it free only after both?"""
    with lifetime.hold(tmp_path):
        with lifetime.hold(tmp_path):
            pass
        status, said = try_to_hold(tmp_path)
        assert status == 2 and f"process {os.getpid()}" in said, said
    assert try_to_hold(tmp_path) == (0, "held")


def niceness(pid):
    """Process ``pid``'s nice value, as ``/proc/PID/stat`` gives it (field 19)."""
    with open(f"/proc/{pid}/stat") as file:
        return int(file.read().rsplit(")", 1)[1].split()[16])  # counted after the command's name, which may hold spaces


def test_local_workers_and_feedback_processes_run_below_the_grader(tmp_path):
    """Both pools' processes run WORKER_NICENESS steps below the grader, read from /proc; a worker takes its env."""
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    from autograder.grading import batch, recording

    with ProcessPoolExecutor(1, mp_context=get_context("fork"), initializer=lifetime.worker_started,
                             initargs=(os.getpid(), {"BNWEEK_PROBE": "1"})) as pool:
        worker, seen = pool.submit(os.getpid).result(), pool.submit(os.getenv, "BNWEEK_PROBE").result()
        assert niceness(worker) == niceness(os.getpid()) + lifetime.WORKER_NICENESS
        assert seen == "1"
    feedback = recording.FeedbackPool(batch.RunFolder(tmp_path / "run"), processes=1)
    try:
        assert niceness(feedback.pool.submit(os.getpid).result()) == niceness(os.getpid()) + lifetime.WORKER_NICENESS
    finally:
        feedback.drain()
