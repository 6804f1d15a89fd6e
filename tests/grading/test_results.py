"""Results (``autograder/grading/results.py``): one outcome per student and assignment, and grades.csv."""

import csv

from autograder.grading.intake import GRADED, GRADER_ERROR
from autograder.grading.results import POSSIBLE, STATUS, STUDENT, TOTAL, Outcome, function_name, write_csv


def outcome(student="alice", assignment="ch1_normalizing", status=GRADED, **kwargs):
    return Outcome(student, assignment, status, **kwargs)


def test_totals_add_up_the_functions():
    """Are the total and the maximum the sums over graded functions?"""
    graded = outcome(scores={"f": 1.0, "g": 0.5}, possible={"f": 1.0, "g": 2.0})
    assert (graded.total, graded.max_score) == (1.5, 3.0)


def test_only_a_graded_status_counts_as_graded():
    """Is an outcome graded exactly when its status is the graded constant?"""
    assert outcome().graded
    assert not outcome(status=GRADER_ERROR).graded
    assert not outcome(status="missing notebook").graded


def test_summary_is_one_line():
    """Does the summary read ``student assignment: total/max (status)``?"""
    assert outcome(scores={"f": 4}, possible={"f": 5}).summary() == "alice ch1_normalizing: 4/5 (graded)"


def test_csv_columns_are_named_after_functions(tmp_path):
    """Is the test id's ``test_`` prefix dropped for the CSV column?"""
    assert function_name("test_softmax") == "softmax"
    assert function_name("softmax") == "softmax"


def test_csv_has_a_row_per_outcome_and_a_column_per_function(tmp_path):
    """Does grades.csv sort rows, keep the functions' order across assignments and format numbers plainly?"""
    path = tmp_path / "grades.csv"
    write_csv([
        outcome("bob", scores={"f": 1.0, "g": 0.0}, possible={"f": 1.0, "g": 2.0}, seconds=1.234),
        outcome("alice", scores={"f": 0.5, "g": 2.0}, possible={"f": 1.0, "g": 2.0}, problem="a note"),
        outcome("carol", "ch2_fitting_bn", "missing notebook", scores={"h": 0.0}, possible={"h": 3.0}),
    ], path)
    with open(path, encoding="utf-8") as file:
        reader = csv.DictReader(file)
        rows = list(reader)
    assert reader.fieldnames == [STUDENT, "assignment", STATUS, "f", "g", "h", TOTAL, POSSIBLE, "problem", "seconds"]
    assert [row[STUDENT] for row in rows] == ["alice", "bob", "carol"]
    assert rows[0] | {} == {STUDENT: "alice", "assignment": "ch1_normalizing", STATUS: "graded", "f": "0.5",
                            "g": "2", "h": "", TOTAL: "2.5", POSSIBLE: "3", "problem": "a note", "seconds": "0.00"}
    assert (rows[1]["seconds"], rows[2][STATUS], rows[2]["h"], rows[2]["f"]) == ("1.23", "missing notebook", "0", "")


def test_a_grader_error_has_no_scores_not_zeros(tmp_path):
    """Does a notebook the grader failed on show empty cells rather than zeros?"""
    path = tmp_path / "grades.csv"
    write_csv([outcome(status=GRADER_ERROR, possible={"f": 1.0}, problem="not graded after 3 attempts")], path)
    with open(path, encoding="utf-8") as file:
        row = next(csv.DictReader(file))
    assert (row[STATUS], row["f"], row[TOTAL], row[POSSIBLE]) == (GRADER_ERROR, "", "", "1"), "not graded is not 0"


def test_no_cell_of_grades_csv_is_a_formula(tmp_path):
    """Does a note quoting a student's file name (a formula, a newline) stay text in one cell of one row?"""
    rows = [outcome(problem="=HYPERLINK(\"http://e\",\"x\")", scores={"f": 1.0}, possible={"f": 1.0}),
            outcome(student="bob", problem="-2+3\r\nforged,row", scores={"f": 0.0}, possible={"f": 1.0})]
    write_csv(rows, tmp_path / "grades.csv")
    with open(tmp_path / "grades.csv", encoding="utf-8", newline="") as file:
        read = list(csv.DictReader(file))
    assert len(read) == 2 and len((tmp_path / "grades.csv").read_text().splitlines()) == 3
    assert read[0]["problem"] == "'=HYPERLINK(\"http://e\",\"x\")" and read[1]["problem"] == "'-2+3\\r\\nforged,row"
    assert not any(value.startswith(("=", "+", "-", "@")) for row in read for value in row.values())


def test_an_lms_downloads_ids_and_times_get_columns(tmp_path):
    """Does grades.csv carry the LMS, its id for the student, the submission's time and late mark, when known?"""
    from pathlib import Path

    from autograder.grading.intake import Submission

    rows = [outcome(scores={"f": 1.0}, possible={"f": 1.0}), outcome(student="bob", possible={"f": 1.0})]
    origins = {("alice", "ch1_normalizing"): Submission("alice", "ch1_normalizing", Path("."), "Canvas", "1234",
                                                         "2026-01-05T10:11:12", True),
               ("bob", "ch1_normalizing"): Submission("bob", "ch1_normalizing", Path("."), "Canvas", "=2")}
    write_csv(rows, tmp_path / "grades.csv", origins)
    with open(tmp_path / "grades.csv", encoding="utf-8") as file:
        read = {row["student"]: row for row in csv.DictReader(file)}
    assert (read["alice"]["lms"], read["alice"]["lms_id"], read["alice"]["submitted"], read["alice"]["late"]) == (
        "Canvas", "1234", "2026-01-05T10:11:12", "late")
    assert read["bob"]["lms_id"] == "'=2" and read["bob"]["late"] == ""
    write_csv(rows, tmp_path / "plain.csv", {})
    assert "lms_id" not in (tmp_path / "plain.csv").read_text().splitlines()[0]
