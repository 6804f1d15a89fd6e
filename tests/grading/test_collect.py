"""Collecting submissions (``autograder/grading/collect.py``): folders and LMS zips into one submission per student and assignment."""

import os
import re
import zipfile

import pytest

from autograder.grading.collect import LMS_FILENAME, collect, student_id

WANTED = ["ch1_normalizing", "ch2_fitting_bn"]


def test_a_plain_student_id_is_kept():
    """Is an ordinary folder name the student id, with no note?"""
    assert student_id("alice.smith@uni-x.edu") == ("alice.smith@uni-x.edu", "")


@pytest.mark.parametrize("name", [os.fsdecode(b"caf\xe9 student"), "José Ñ", "a b", "tab\there"])
def test_an_unusual_name_gets_a_safe_id_and_a_note(name):
    """Does a name that is not UTF-8 or holds unusual characters become a safe id, with a note naming the original?"""
    safe, note = student_id(name)
    assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.@+-]*-[0-9a-f]{8}", safe), safe
    assert note == f"student folder name {ascii(name)} was stored as {safe}"


def test_two_names_that_read_alike_never_merge():
    """Do names that differ only in characters replaced by ``_`` keep distinct ids?"""
    assert student_id("a b")[0] != student_id("a_b")[0] != student_id("a?b")[0]


def test_a_folder_yields_every_student_for_every_assignment(tmp_path):
    """Does each student folder (under submitted/ or not) give one submission per wanted assignment?"""
    for root in (tmp_path / "plain", tmp_path / "course" / "submitted"):
        (root / "bob" / "ch1_normalizing").mkdir(parents=True)
        (root / "alice").mkdir()
        (root / ".hidden").mkdir()
        (root / "notes.txt").write_text("not a student")
        submissions, notes = collect(root if root.name != "submitted" else root.parent, WANTED, tmp_path / "out")
        assert [(s.student, s.assignment) for s in submissions] == [
            ("alice", "ch1_normalizing"), ("alice", "ch2_fitting_bn"), ("bob", "ch1_normalizing"), ("bob", "ch2_fitting_bn")]
        assert submissions[2].folder == root / "bob" / "ch1_normalizing" and notes == []


def test_a_missing_source_is_refused(tmp_path):
    """Is a path that does not exist refused in words?"""
    with pytest.raises(ValueError, match="does not exist"):
        collect(tmp_path / "nowhere", WANTED, tmp_path / "out")


@pytest.mark.parametrize("content, message", [(b"this is not a zip", "not a readable zip"), (None, "is empty")])
def test_a_broken_or_empty_zip_is_refused(tmp_path, content, message):
    """Are a file that is not a zip and a zip with no files refused in words?"""
    archive = tmp_path / "class.zip"
    if content is None:
        with zipfile.ZipFile(archive, "w") as opened:
            opened.writestr("folder/", "")
    else:
        archive.write_bytes(content)
    with pytest.raises(ValueError, match=message):
        collect(archive, WANTED, tmp_path / "out")


@pytest.mark.parametrize("path, student", [
    ("x/alice_ch1_normalizing.ipynb", "alice"),
    ("x/bob_12345_678_ch1_normalizing.ipynb", "bob"),
    ("x/carol_late_ch1_normalizing-1.ipynb", "carol"),
    ("x/dave_ch2_fitting_bn.ipynb", None),
    ("x/ch1_normalizing.ipynb", None),
])
def test_lms_file_names_name_the_student(path, student):
    """Does the LMS pattern read the student from Canvas-style names, resubmissions included, and nothing else?"""
    match = re.match(LMS_FILENAME.format(assignment=re.escape("ch1_normalizing")), path)
    assert (match and match.group("student_id")) == student or (match is None and student is None)
