"""What crosses from the batch to a worker and back (``autograder/grading/jobs.py``), and the one fault rule."""

import pickle
from concurrent.futures.process import BrokenProcessPool

import pytest

from autograder.course import cell_roles, nbgrader_config
from autograder.grading.jobs import (
    ATTEMPTS,
    GIVE_UP,
    GRADER_FAULT,
    RAN,
    RECORD,
    RETRY,
    STOPPED,
    Attempt,
    Decision,
    Executed,
    Job,
    Judging,
    decide,
)
from autograder.sandbox.limits import DEFAULT_LIMITS

CH1 = "ch1_normalizing"


def a_job(tmp_path):
    return Job('{"cells": []}', b"packed files", nbgrader_config(tmp_path, tmp_path / "release"),
               roles=cell_roles(CH1), judging=Judging(seed=7, language="zh_CN"), limits=DEFAULT_LIMITS)


def test_a_job_pickles_whole_for_a_worker_on_another_machine(tmp_path):
    """Does a job reach a worker (pickled, as by a process pool or Dask) with every field as it was sent?"""
    job = a_job(tmp_path)
    sent = pickle.loads(pickle.dumps(Attempt(job, 2, 5)))
    assert (sent.number, sent.generation) == (2, 5)
    assert (sent.job.notebook, sent.job.files, sent.job.roles, sent.job.judging, sent.job.limits) == \
        (job.notebook, job.files, job.roles, job.judging, job.limits)
    assert sent.job.config.CourseDirectory.db_url == job.config.CourseDirectory.db_url
    with pytest.raises(AttributeError):
        job.notebook = "another"  # frozen: what was staged is what runs


def test_an_executed_notebook_has_one_kind_and_its_words(tmp_path):
    """Does an outcome carry its kind, say its reason as a problem or a fault by that kind, and refuse
    an unknown kind?"""
    stopped = Executed("{}", STOPPED, "the notebook ran past its time limit")
    fault = Executed("{}", GRADER_FAULT, "a kernel could not start")
    assert (stopped.problem, stopped.fault) == ("the notebook ran past its time limit", "")
    assert (fault.problem, fault.fault) == ("", "a kernel could not start")
    assert (Executed("{}").kind, Executed("{}").problem, Executed("{}").fault) == (RAN, "", "")
    with pytest.raises(ValueError, match="kind"):
        Executed("{}", "grader fault: maybe")


def test_the_fault_rule(tmp_path):
    """Is a grader fault, a worker that raised, or a kernel that died beside workers that died, tried again
    and then given up on; and is what ran, or a kernel the submission stopped itself, recorded?"""
    first = Attempt(a_job(tmp_path), 1, generation=0)
    last = Attempt(a_job(tmp_path), ATTEMPTS, generation=0)
    ran = Executed("{}", RAN)
    stopped = Executed("{}", STOPPED, "the notebook stopped running: out of memory")
    fault = Executed("{}", GRADER_FAULT, "its connection file could not be copied")
    assert decide(first, ran, generation=0).action == RECORD
    assert decide(first, ran, generation=1).action == RECORD  # it ran to the end: the workers' death is not its
    assert decide(first, stopped, generation=0).action == RECORD  # the submission's own doing
    assert decide(first, stopped, generation=1) == Decision(RETRY, stopped.reason)  # died beside its workers
    assert decide(first, fault, generation=0).action == RETRY and decide(first, fault, 0).fault == fault.reason
    assert decide(last, fault, generation=0).action == GIVE_UP
    raised = decide(first, BrokenProcessPool("a process in the pool was terminated"), generation=1)
    assert raised.action == RETRY and "BrokenProcessPool" in raised.fault
    assert decide(last, RuntimeError("gone"), generation=0).action == GIVE_UP


def test_each_try_is_a_new_attempt_at_the_same_job(tmp_path):
    """Does a retry keep the job, count up, and go to the workers of the generation it is sent to?"""
    attempt = Attempt(a_job(tmp_path), 1, 0)
    again = attempt.again(3)
    assert again.job is attempt.job and (again.number, again.generation) == (2, 3)
