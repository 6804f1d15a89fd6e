"""LMS downloads (``autograder/grading/lms.py``): who handed in each file, and when, as each system names it."""

import pytest

from autograder.grading.lms import (
    BLACKBOARD,
    BRIGHTSPACE,
    CANVAS,
    GRADESCOPE,
    MOODLE,
    NBGRADER,
    Claim,
    gradescope_submitters,
    notebook_of,
    recognise,
)

WANTED = ["ch1_normalizing", "ch2_fitting_bn"]


@pytest.mark.parametrize("path, claim", [
    ("lovelaceada_1234_5678_ch1_normalizing.ipynb", Claim("lovelaceada", CANVAS, "1234", file="ch1_normalizing.ipynb")),
    ("turingalan_LATE_2345_6789_ch1_normalizing-1.ipynb",
     Claim("turingalan", CANVAS, "2345", late=True, file="ch1_normalizing-1.ipynb")),
    ("Ada Lovelace_101_assignsubmission_file_/ch1_normalizing.ipynb",
     Claim("Ada Lovelace", MOODLE, "101", file="ch1_normalizing.ipynb")),
    ("Ada Lovelace_101_assignsubmission_file_/data/x.csv", Claim("Ada Lovelace", MOODLE, "101", file="data/x.csv")),
    ("Grace Hopper_103_assignsubmission_file_ch1_normalizing.ipynb",
     Claim("Grace Hopper", MOODLE, "103", file="ch1_normalizing.ipynb")),
    ("ch1_normalizing_alovelace_attempt_2026-01-05-10-11-12_ch1_normalizing.ipynb",
     Claim("alovelace", BLACKBOARD, "alovelace", "2026-01-05T10:11:12", attempt=("2026-01-05T10:11:12",),
           file="ch1_normalizing.ipynb")),
    ("Homework 1_alovelace_attempt_2026-01-05-10-11-12.txt",
     Claim("alovelace", BLACKBOARD, "alovelace", "2026-01-05T10:11:12", attempt=("2026-01-05T10:11:12",))),
    ("123-456 - Ada Lovelace - Jan 5, 2026 1011 PM - ch1_normalizing.ipynb",
     Claim("Ada Lovelace", BRIGHTSPACE, "456", "2026-01-05T22:11:00", attempt=("2026-01-05T22:11:00",),
           file="ch1_normalizing.ipynb")),
    ("123-456 - Ada Lovelace - Jan 5, 2026 1011 PM/ch1_normalizing.ipynb",
     Claim("Ada Lovelace", BRIGHTSPACE, "456", "2026-01-05T22:11:00", attempt=("2026-01-05T22:11:00",),
           file="ch1_normalizing.ipynb")),
    ("alice_ch1_normalizing.ipynb", Claim("alice", NBGRADER, file="ch1_normalizing.ipynb")),
    ("carol_15_upload.zip", Claim("carol", NBGRADER, file="15_upload.zip")),
    ("readme.txt", None),
])
def test_each_systems_naming_names_its_student(path, claim):
    """Does each system's file naming give the student, the system's id for them, the time and the late mark?"""
    assert recognise(path.split("/")) == claim


def test_gradescope_folders_are_named_by_the_metadata():
    """Is a Gradescope submission folder the student its metadata names (sid, else email), at its time?"""
    metadata = {"submission_1": {":submitters": [{":name": "Ada", ":sid": "5001", ":email": "ada@x"}],
                                 ":created_at": "2026-01-05 10:11:12 -0800"},
                "submission_2": {":submitters": [{":name": "Alan", ":email": "alan@x"}], ":created_at": ""},
                "broken": "not a record"}
    submitters = gradescope_submitters(metadata)
    assert submitters == {"submission_1": ("5001", "5001", "2026-01-05 10:11:12 -0800"),
                          "submission_2": ("alan@x", "", "")}
    claim = recognise(["assignment_9100_export", "submission_1", "ch1_normalizing.ipynb"], submitters)
    assert claim == Claim("5001", GRADESCOPE, "5001", "2026-01-05 10:11:12 -0800",
                          attempt=("2026-01-05 10:11:12 -0800",), file="ch1_normalizing.ipynb")


@pytest.mark.parametrize("name, found", [
    ("ch1_normalizing.ipynb", ("ch1_normalizing", 0)),
    ("ch1_normalizing-2.ipynb", ("ch1_normalizing", 2)),
    ("ch1_normalizing (1).ipynb", ("ch1_normalizing", 1)),
    ("Ch1_Normalizing.IPYNB", ("ch1_normalizing", 0)),
    ("12_ch2_fitting_bn.ipynb", ("ch2_fitting_bn", 0)),
    ("homework.ipynb", (None, 0)),
])
def test_copies_and_case_still_name_the_notebook(name, found):
    """Do a browser's "(1)", Canvas's "-1" and a changed case still name the assignment, with the copy's number?"""
    assert notebook_of(name, WANTED) == found


def test_a_bare_notebook_name_names_no_student():
    """Is ``ch1_normalizing.ipynb`` alone never read as a student called ``ch1`` (zip_collect's reading)?"""
    assert recognise(["x", "ch1_normalizing.ipynb"], wanted=WANTED) is None
