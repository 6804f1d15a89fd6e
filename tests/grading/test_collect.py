"""Collecting submissions (``autograder/grading/collect.py``): folders and LMS zips into one submission per student and assignment."""

import os
import re
import zipfile

import pytest

from autograder.grading.collect import LMS_FILENAME, MAX_ID, assign_ids, collect, student_id

WANTED = ["ch1_normalizing", "ch2_fitting_bn"]


def test_a_plain_student_id_is_kept():
    """Is an ordinary folder name the student id, with no note?"""
    assert student_id("alice.smith@uni-x.edu") == ("alice.smith@uni-x.edu", "")


@pytest.mark.parametrize("name", [os.fsdecode(b"caf\xe9 student"), "José Ñ", "a b", "tab\there"])
def test_an_unusual_name_gets_a_safe_id_and_a_note(name):
    """Does a name that is not UTF-8 or holds unusual characters become a safe id, with a note naming the original?"""
    safe, note = student_id(name)
    assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.@+-]*-[0-9a-f]{16}", safe), safe
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
        assert submissions[2].folder == root / "bob" / "ch1_normalizing"
        assert notes == ["not graded: notes.txt: a file, not a student's folder"]


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


@pytest.mark.parametrize("name", ["=HYPERLINK(1)", "+1", "-2", "@SUM(A1)", "x" * 252, "jos-0123456789abcdef"])
def test_names_a_spreadsheet_or_a_folder_would_misread_are_derived(name):
    """Are formula-like names, names too long to store and names shaped like a derived id all given a derived id?"""
    safe, note = student_id(name)
    assert safe != name and safe[0].isalnum() and len(safe) <= MAX_ID and note.endswith(f"was stored as {safe}")


def test_a_folder_named_as_another_students_derived_id_gets_its_own():
    """Can a folder take the id an odd name was stored as? (That student's gradebook row would be overwritten.)"""
    victim = student_id("José Ñ")[0]
    ids = assign_ids(["José Ñ", victim])
    assert ids["José Ñ"][0] == victim and ids[victim][0] not in (victim, "José Ñ")


def test_ids_that_differ_only_in_case_never_share_a_folder():
    """Do ``Alice`` and ``alice`` get ids distinct even ignoring case, the renamed one with a note naming both?"""
    ids = assign_ids(["alice", "Alice", "bob"])
    stored = [ids[name][0] for name in ("alice", "Alice", "bob")]
    assert len({s.casefold() for s in stored}) == 3 and ids["bob"] == ("bob", "") and ids["Alice"] == ("Alice", "")
    assert ids["alice"][1] == (f"student folder name 'alice' was stored as {ids['alice'][0]}: Alice was taken by "
                               "the folder 'Alice'")


def test_links_and_pipes_at_the_top_are_named_not_followed(tmp_path):
    """Is a link to another student's folder, or a named pipe, among the student folders a note and no student?"""
    root = tmp_path / "submitted"
    (root / "bob" / "ch1_normalizing").mkdir(parents=True)
    (root / "mallory").symlink_to(root / "bob")
    os.mkfifo(root / "pipe")
    submissions, notes = collect(root, ["ch1_normalizing"], tmp_path / "out")
    assert [s.student for s in submissions] == ["bob"]
    assert notes == ["not graded: mallory: a symbolic link, not a student's folder",
                     "not graded: pipe: a named pipe, not a student's folder"]


def lms_zip(path, entries):
    """A zip with ``{name: bytes}``, or ``{name: (bytes, ZipInfo attributes)}``."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zipped:
        for name, content in entries.items():
            data, attributes = content if isinstance(content, tuple) else (content, {})
            info = zipfile.ZipInfo(name, date_time=attributes.pop("date_time", (2026, 1, 1, 0, 0, 0)))
            info.compress_type = zipfile.ZIP_DEFLATED
            for key, value in attributes.items():
                setattr(info, key, value)
            zipped.writestr(info, data)
    return path


def test_a_resubmission_keeps_the_newest_attempt_and_names_the_others(tmp_path):
    """Does ``x.ipynb`` beside ``x-1.ipynb`` keep the resubmission (zip_collect would end the run), naming the first?"""
    archive = lms_zip(tmp_path / "class.zip", {"alice_1_ch1_normalizing.ipynb": b"first",
                                               "alice_1_ch1_normalizing-1.ipynb": b"second",
                                               "bob_2_ch1_normalizing.ipynb": b"bob's"})
    submissions, notes = collect(archive, ["ch1_normalizing"], tmp_path / "out")
    assert [(s.student, (s.folder / "ch1_normalizing.ipynb").read_bytes()) for s in submissions] == [
        ("alice", b"second"), ("bob", b"bob's")]
    assert notes == ["not graded: alice_1_ch1_normalizing.ipynb: an earlier attempt than "
                     "alice_1_ch1_normalizing-1.ipynb"]


def test_an_upload_is_unpacked_into_its_uploaders_folder_only(tmp_path):
    """Does a student's zip holding another student's notebook grade the uploader, never that other student?"""
    upload = lms_zip(tmp_path / "upload.zip", {"bob_9_ch1_normalizing.ipynb": b"bob's work", "data/x.csv": b"1,2",
                                               "inner.zip": b"PK"})
    archive = lms_zip(tmp_path / "class.zip", {"mallory_7_homework.zip": upload.read_bytes(),
                                               "bob_9_ch1_normalizing.ipynb": b"bob's own"})
    submissions, notes = collect(archive, ["ch1_normalizing"], tmp_path / "out")
    folders = {s.student: s.folder for s in submissions}
    assert (folders["bob"] / "ch1_normalizing.ipynb").read_bytes() == b"bob's own"
    assert sorted(p.name for p in folders["mallory"].rglob("*") if p.is_file()) == ["bob_9_ch1_normalizing.ipynb", "x.csv"]
    assert notes == ["not graded: mallory_7_homework.zip/inner.zip: an archive inside an upload is not opened"]


def test_every_other_file_in_a_zip_is_named(tmp_path):
    """Is a file that is neither a notebook nor an upload of a student named, with why, and the batch goes on?"""
    archive = lms_zip(tmp_path / "class.zip", {"readme.txt": b"hi", "alice_ch1_normalizing.ipynb": b"{}",
                                               "../evil_ch1_normalizing.ipynb": b"{}"})
    submissions, notes = collect(archive, ["ch1_normalizing"], tmp_path / "out")
    assert [s.student for s in submissions] == ["alice"]
    assert notes == ["not graded: ../evil_ch1_normalizing.ipynb: a path that climbs out of its folder (..)",
                     "not graded: readme.txt: not named <student>_..._<assignment>.ipynb, nor <student>_....zip (an upload)"]
    assert not (tmp_path / "evil_ch1_normalizing.ipynb").exists()


def test_a_name_in_a_zip_that_collides_with_a_derived_id_is_renamed(tmp_path):
    """Does an LMS name spelled as another student's derived id get an id of its own, with a note?"""
    victim = student_id("José")[0]
    archive = lms_zip(tmp_path / "class.zip", {"José_ch1_normalizing.ipynb": b"victim",
                                               f"{victim}_ch1_normalizing.ipynb": b"attacker"})
    submissions, notes = collect(archive, ["ch1_normalizing"], tmp_path / "out")
    stored = {s.student: (s.folder / "ch1_normalizing.ipynb").read_bytes() for s in submissions}
    assert stored[victim] == b"victim" and len(stored) == 2 and sorted(stored.values()) == [b"attacker", b"victim"]
