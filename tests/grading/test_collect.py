"""Collecting submissions (``autograder/grading/collect.py``): folders and LMS zips into one submission per student and assignment."""

import os
import re
import zipfile

import pytest

from autograder.grading.collect import MAX_ID, assign_ids, collect, student_id

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
                     "alice_1_ch1_normalizing-1.ipynb (by its copy number, then its time in the zip)"]


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
                     "not graded: readme.txt: not named as Canvas, Moodle, Blackboard, Brightspace or Gradescope name a "
                     "student's file, nor <student>_..._<assignment>.ipynb"]
    assert not (tmp_path / "evil_ch1_normalizing.ipynb").exists()


def test_a_name_in_a_zip_that_collides_with_a_derived_id_is_renamed(tmp_path):
    """Does an LMS name spelled as another student's derived id get an id of its own, with a note?"""
    victim = student_id("José")[0]
    archive = lms_zip(tmp_path / "class.zip", {"José_ch1_normalizing.ipynb": b"victim",
                                               f"{victim}_ch1_normalizing.ipynb": b"attacker"})
    submissions, notes = collect(archive, ["ch1_normalizing"], tmp_path / "out")
    stored = {s.student: (s.folder / "ch1_normalizing.ipynb").read_bytes() for s in submissions}
    assert stored[victim] == b"victim" and len(stored) == 2 and sorted(stored.values()) == [b"attacker", b"victim"]


def collected(tmp_path, entries, wanted=("ch1_normalizing",)):
    """``{student: (notebook bytes or None, other files, Submission)}`` and the notes, from a zip of ``entries``."""
    archive = lms_zip(tmp_path / "download.zip", entries)
    submissions, notes = collect(archive, list(wanted), tmp_path / "out")
    found = {}
    for s in submissions:
        notebook = s.folder / f"{s.assignment}.ipynb"
        others = sorted(str(p.relative_to(s.folder)) for p in s.folder.rglob("*") if p.is_file() and p != notebook)
        found[s.student] = (notebook.read_bytes() if notebook.is_file() else None, others, s)
    return found, notes


def test_a_canvas_download_keeps_every_student_their_id_and_late_mark(tmp_path):
    """Do Canvas's ``(1)`` copies, changed case, ``-1`` resubmissions and ``_LATE`` all reach a row, with Canvas's ids?"""
    found, notes = collected(tmp_path, {
        "lovelaceada_1234_5678_ch1_normalizing.ipynb": b"ada",
        "turingalan_LATE_2345_6788_ch1_normalizing.ipynb": b"alan first",
        "turingalan_LATE_2345_6789_ch1_normalizing-1.ipynb": b"alan second",
        "hoppergrace_3456_7890_ch1_normalizing (1).ipynb": b"grace",
        "knuthdon_4567_8901_Ch1_Normalizing.ipynb": b"don",
    })
    assert {s: f[0] for s, f in found.items()} == {"lovelaceada": b"ada", "turingalan": b"alan second",
                                                   "hoppergrace": b"grace", "knuthdon": b"don"}
    assert sorted((s, f[2].lms, f[2].lms_id, f[2].late) for s, f in found.items()) == [
        ("hoppergrace", "Canvas", "3456", False), ("knuthdon", "Canvas", "4567", False),
        ("lovelaceada", "Canvas", "1234", False), ("turingalan", "Canvas", "2345", True)]
    assert notes == ["not graded: turingalan_LATE_2345_6788_ch1_normalizing.ipynb: an earlier attempt than "
                     "turingalan_LATE_2345_6789_ch1_normalizing-1.ipynb (by its copy number, then its time in the zip)"]


def test_a_moodle_download_reads_a_folder_per_student(tmp_path):
    """Are Moodle's folders (and its flat names) one student each, every file kept, the notebook found by any name?"""
    found, notes = collected(tmp_path, {
        "Ada Lovelace_101_assignsubmission_file_/ch1_normalizing.ipynb": b"ada",
        "Ada Lovelace_101_assignsubmission_file_/data/x.csv": b"1,2",
        "Alan Turing_102_assignsubmission_file_/my work.ipynb": b"alan",
        "Grace Hopper_103_assignsubmission_file_ch1_normalizing.ipynb": b"grace",
    })
    ada, alan, grace = (found[student_id(name)[0]] for name in ("Ada Lovelace", "Alan Turing", "Grace Hopper"))
    assert ada[:2] == (b"ada", ["data/x.csv"]) and grace[0] == b"grace" and alan[0] == b"alan"
    assert (ada[2].lms, ada[2].lms_id, grace[2].lms_id) == ("Moodle", "101", "103")
    assert [note for note in notes if note.startswith("not graded")] == []


def test_a_blackboard_download_keeps_the_newest_attempt_by_its_time(tmp_path):
    """Are Blackboard's attempts ordered by Blackboard's own time, its records named, each student its own?"""
    found, notes = collected(tmp_path, {
        "ch1_normalizing_alovelace_attempt_2026-01-05-10-11-12_ch1_normalizing.ipynb": (b"ada", {"date_time": (2026, 1, 9, 0, 0, 0)}),
        "ch1_normalizing_alovelace_attempt_2026-01-05-10-11-12.txt": b"Name: Ada Lovelace",
        "ch1_normalizing_aturing_attempt_2026-01-06-09-00-00_ch1_normalizing.ipynb": b"alan newest",
        "ch1_normalizing_aturing_attempt_2026-01-04-09-00-00_ch1_normalizing.ipynb": (b"alan oldest", {"date_time": (2026, 2, 1, 0, 0, 0)}),
    })
    assert {s: f[0] for s, f in found.items()} == {"alovelace": b"ada", "aturing": b"alan newest"}
    assert found["aturing"][2].submitted == "2026-01-06T09:00:00" and found["alovelace"][2].lms == "Blackboard"
    assert notes == [
        "not graded: ch1_normalizing_alovelace_attempt_2026-01-05-10-11-12.txt: Blackboard's record of the submission",
        "not graded: ch1_normalizing_aturing_attempt_2026-01-04-09-00-00_ch1_normalizing.ipynb: an earlier attempt "
        "than ch1_normalizing_aturing_attempt_2026-01-06-09-00-00_ch1_normalizing.ipynb (by Blackboard's time)"]


def test_a_brightspace_download_reads_names_and_times(tmp_path):
    """Are Brightspace's ``<id>-<id> - <name> - <time> - <file>`` entries each student's, the newest kept?"""
    found, notes = collected(tmp_path, {
        "123-456 - Ada Lovelace - Jan 5, 2026 1011 PM - ch1_normalizing.ipynb": b"ada",
        "124-457 - Alan Turing - Jan 4, 2026 0900 AM - ch1_normalizing.ipynb": b"alan old",
        "125-457 - Alan Turing - Jan 6, 2026 0100 PM - ch1_normalizing.ipynb": b"alan new",
        "index.html": b"<html></html>",
    })
    ada, alan = found[student_id("Ada Lovelace")[0]], found[student_id("Alan Turing")[0]]
    assert (ada[0], alan[0], alan[2].lms_id, alan[2].submitted) == (b"ada", b"alan new", "457", "2026-01-06T13:00:00")
    assert notes[0] == "not graded: index.html: Brightspace's record of the download"
    assert notes[-1].startswith("not graded: 124-457 - Alan Turing - Jan 4, 2026 0900 AM - ch1_normalizing.ipynb: "
                                "an earlier attempt than 125-457")


def test_a_gradescope_export_names_students_from_its_metadata(tmp_path):
    """Is each ``submission_<id>/`` folder graded as the submitter its ``submission_metadata.yml`` names?"""
    metadata = (b"submission_1:\n  :submitters:\n  - :name: Ada Lovelace\n    :sid: '5001'\n    :email: ada@x.edu\n"
                b"  :created_at: 2026-01-05 10:11:12.000000000 -08:00\n"
                b"submission_2:\n  :submitters:\n  - :name: Alan Turing\n    :sid: '5002'\n  :created_at: 2026-01-06\n")
    found, notes = collected(tmp_path, {
        "assignment_9100_export/submission_metadata.yml": metadata,
        "assignment_9100_export/submission_1/ch1_normalizing.ipynb": b"ada",
        "assignment_9100_export/submission_2/notebooks/ch1_normalizing.ipynb": b"alan",
        "assignment_9100_export/submission_3/ch1_normalizing.ipynb": b"nobody's",
    })
    assert {s: f[0] for s, f in found.items()} == {"5001": b"ada", "5002": b"alan"}
    assert found["5001"][2].lms == "Gradescope" and found["5001"][2].submitted.startswith("2026-01-05")
    assert "not graded: assignment_9100_export/submission_3/ch1_normalizing.ipynb: not named as" in notes[-1]
