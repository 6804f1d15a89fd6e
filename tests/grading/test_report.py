"""The class report (``autograder/grading/report.py``): pass rates, the histogram, the summary's sections."""

from autograder.grading.intake import GRADED, GRADER_ERROR, MISSING_NOTEBOOK
from autograder.grading.report import pass_rates, write_report
from autograder.grading.results import Outcome
from autograder.sandbox.limits import Enforcement

CLASS = [
    Outcome("alice", "ch1_normalizing", GRADED, {"f": 1.0, "g": 2.0}, {"f": 1.0, "g": 2.0}),
    Outcome("bob", "ch1_normalizing", GRADED, {"f": 1.0, "g": 1.0}, {"f": 1.0, "g": 2.0},
            problem="notebook was named hw.ipynb, expected ch1_normalizing.ipynb"),
    Outcome("carol", "ch1_normalizing", MISSING_NOTEBOOK, {"f": 0.0, "g": 0.0}, {"f": 1.0, "g": 2.0},
            problem="missing notebook: no ch1_normalizing.ipynb in the submission"),
    Outcome("dave", "ch2_fitting_bn", GRADER_ERROR, {}, {"h": 1.0}, problem="not graded after 3 attempts: x"),
]


def test_pass_rates_count_only_graded_submissions_with_full_points():
    """Is a function passed only with all its points, and are ungraded submissions left out?"""
    assert pass_rates(CLASS) == {("ch1_normalizing", "f"): (2, 2), ("ch1_normalizing", "g"): (1, 2)}


def test_report_writes_summary_and_histogram(tmp_path):
    """Does the report count statuses, list pass rates and write scores.png beside summary.md?"""
    summary = write_report(CLASS, tmp_path / "report")
    assert (tmp_path / "report" / "scores.png").stat().st_size > 0
    assert (tmp_path / "report" / "summary.md").read_text(encoding="utf-8") == summary
    assert summary.startswith("# Grading report")
    assert "4 submission(s): 2 graded, 1 grader error, 1 missing notebook" in summary
    assert "| ch1_normalizing | `g` | 1/2 | 50% |" in summary


def test_needs_attention_lists_each_problem_once(tmp_path):
    """Is each note listed under its student, the status not repeated when the note already starts with it?"""
    summary = write_report(CLASS, tmp_path)
    attention = summary.split("## Needs attention")[1]
    assert "- bob / ch1_normalizing: graded; notebook was named hw.ipynb" in attention
    assert "- carol / ch1_normalizing: missing notebook: no ch1_normalizing.ipynb in the submission" in attention
    assert "- dave / ch2_fitting_bn: grader error; not graded after 3 attempts: x" in attention
    assert "alice" not in attention


def test_enforcement_heads_and_closes_the_report(tmp_path):
    """Does the report open with what confined the kernels and end with what was and was not enforced?"""
    enforcement = Enforcement(True, how=["own PID namespace"], missing=["cgroup: none here"])
    summary = write_report(CLASS, tmp_path, enforcement)
    assert summary.splitlines()[0] == enforcement.headline()
    enforced = summary.split("## What was enforced on this run")[1]
    assert "- own PID namespace" in enforced and "- not enforced: cgroup: none here" in enforced


def test_unconfined_report_says_so_first(tmp_path):
    """Does a run without confinement say it on the first line and list nothing as enforced?"""
    summary = write_report(CLASS, tmp_path, Enforcement(False, missing=["the instructor asked for it"]))
    assert summary.startswith("UNCONFINED:")
    assert "- nothing: kernels ran unconfined" in summary


def test_profile_adds_where_the_time_went_only_when_asked(tmp_path):
    """Does --profile's report gain a table of seconds per phase, and the plain report stay without one?"""
    timed = [Outcome("erin", "ch1_normalizing", GRADED, {"f": 1.0}, {"f": 1.0}, timings={"stage": 0.25, "tests": 2.0})]
    assert "Where the time went" not in write_report(CLASS + timed, tmp_path / "plain")
    profiled = write_report(CLASS + timed, tmp_path / "profiled", profile=True).split("## Where the time went")[1]
    assert "| ch1_normalizing | 1 | 0.25 | 2.00 | 2.25 |" in profiled
    assert "No notebook was executed" in write_report(CLASS, tmp_path / "none", profile=True)


def test_a_students_text_forges_no_row_link_or_tag(tmp_path):
    """Can a file name in a note (newline, table row, link, HTML, escape) add a line or markup to the report?"""
    forged = "x\x1b[31m\n| mallory | ch1_normalizing | 5/5 |\n[click](http://e) <script>alert(1)</script> *_bold_*"
    odd = Outcome("eve", "ch1_normalizing", GRADED, {"f": 0.0}, {"f": 1.0}, problem=f"notebook was named {forged}.ipynb")
    summary = write_report([*CLASS, odd], tmp_path, notes=[f"not graded: {forged}: a named pipe"])
    lines = summary.splitlines()
    eve = [line for line in lines if "eve" in line]
    assert len(eve) == 1  # rendered, the line reads as the name was, escapes visible: x\x1b[31m\n| mallory ...
    assert eve[0].startswith(r"- eve / ch1_normalizing: graded; notebook was named x\\x1b\[31m\\n\| mallory \|")
    assert not any(line.startswith("| mallory") for line in lines) and "\x1b" not in summary
    assert "<script>" not in summary and "[click](" not in summary and "\\*\\_bold\\_\\*" in summary


def test_intake_notes_are_listed(tmp_path):
    """Does each note of intake (a file not graded, a renamed id) get a line of its own in the report?"""
    notes = ["not graded: readme.txt: not a notebook", "student folder name 'a b' was stored as a_b-0123456789abcdef"]
    intake = write_report(CLASS, tmp_path, notes=notes).split("## Intake")[1]
    assert "- not graded: readme.txt: not a notebook" in intake and "was stored as a_b-0123456789abcdef" in intake
