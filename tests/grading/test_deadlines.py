"""Deadlines (``autograder/grading/deadlines.py``): the instructor's file, lateness, and nbgrader's penalty plugin."""

from datetime import datetime, timezone

import pytest

from autograder.grading.deadlines import DeadlinePenalty, Policy, lateness, load

A = "ch1_normalizing"
FILE = """timezone = "Europe/Berlin"
[due]
ch1_normalizing = 2026-03-02T23:59:00
[[extension]]
student = "carol"
assignment = "ch1_normalizing"
due = 2026-03-05T23:59:00+00:00
[policy]
per_day = 0.1
max = 0.3
grace_minutes = 5
"""


@pytest.fixture
def deadlines(tmp_path):
    (tmp_path / "d.toml").write_text(FILE)
    return load(tmp_path / "d.toml", [A, "ch2_fitting_bn"])


def test_times_without_an_offset_are_in_the_files_zone(deadlines):
    """Is a due date written without an offset read in the file's zone (Berlin, UTC+1 in March)?"""
    assert deadlines.due[A] == datetime(2026, 3, 2, 22, 59, tzinfo=timezone.utc)
    assert deadlines.due_for("carol", A) == datetime(2026, 3, 5, 23, 59, tzinfo=timezone.utc)
    assert deadlines.due_for("bob", A) == deadlines.due[A]


def test_lateness_on_time_late_extended_and_unknown(deadlines):
    """Is a submission late by the LMS's time against the student's own due date, within grace on time, and unknown without a time?"""
    assert lateness(deadlines, "bob", A, "2026-03-02T23:59:00").seconds_late == 0  # 23:59 Berlin is due
    assert lateness(deadlines, "bob", A, "2026-03-03T00:03:00").seconds_late == 0  # 4 min: within grace
    late = lateness(deadlines, "bob", A, "2026-03-04T10:00:00")
    assert late.late and late.describe() == "1 d 10 h 1 min late"
    assert not lateness(deadlines, "carol", A, "2026-03-04T10:00:00").late
    unknown = lateness(deadlines, "bob", A, "")
    assert unknown.seconds_late is None and not unknown.late and unknown.describe() == "time unknown"
    marked = lateness(deadlines, "bob", A, "", marked=True)
    assert marked.late and "time unknown" in marked.describe()
    assert lateness(deadlines, "bob", "ch2_fitting_bn", "2026-03-04T10:00:00") is None  # no due date


def test_the_policy_takes_a_share_per_started_day_up_to_its_maximum():
    """Does the penalty count started days, stop at the maximum, and spare the grace period?"""
    policy = Policy(per_day=0.1, max=0.3, grace_minutes=5)
    assert policy.penalty(240, 5) == 0
    assert policy.penalty(301, 5) == 0.5
    assert policy.penalty(86400 + 1, 5) == 1.0
    assert policy.penalty(30 * 86400, 5) == 1.5


def test_the_plugin_answers_nbgraders_question():
    """Does the nbgrader plugin give the policy's points for seconds late, and nothing when on time?"""
    plugin = DeadlinePenalty(per_day=0.25, max=1.0, possible=4.0)
    assert plugin.late_submission_penalty("bob", 3.0, 2 * 86400) == 2.0
    assert plugin.late_submission_penalty("bob", 3.0, 0) is None


@pytest.mark.parametrize("text, said", [
    ('[due]\nch9 = 2026-03-02T23:59:00\n', "unknown assignment"),
    ('[due]\nch1_normalizing = "next friday"\n', "no date and time"),
    ('[policy]\nper_day = 2\n', "fractions"),
    ('[policy]\nper_hour = 0.1\n', "no setting per_hour"),
    ('[[extension]]\nstudent = "a"\n', "needs student, assignment and due"),
    ('timezone = "Mars/Olympus"\n', "unknown time zone"),
    ('[due\n', "cannot read"),
])
def test_a_wrong_file_is_refused_by_name(tmp_path, text, said):
    """Is every mistake in the file refused with what is wrong, never guessed?"""
    (tmp_path / "d.toml").write_text(text)
    with pytest.raises(ValueError, match=said):
        load(tmp_path / "d.toml", [A])
