"""Intake (``autograder/grading/intake.py``): which notebook to grade, and what is wrong with a submission, in words."""

import os
import shutil
import socket
import time

import nbformat
import pytest

from autograder.course import graded_tests, source_notebook
from autograder.grading.intake import (
    CORRUPT_NOTEBOOK,
    GRADED,
    MAX_CELLS,
    MAX_DEPTH,
    MAX_ENTRIES,
    MAX_NOTEBOOK_BYTES,
    MISNAMED_NOTEBOOK,
    MISSING_NOTEBOOK,
    REFUSED,
    SPECIAL_FILE,
    TOO_LARGE,
    UNKNOWN_ASSIGNMENT,
    WRONG_ASSIGNMENT,
    Submission,
    copy_ignore,
    find_notebook,
    read_notebook,
)

ASSIGNMENT = "ch1_normalizing"


@pytest.fixture
def folder(tmp_path):
    """An empty submission folder for ``ASSIGNMENT``."""
    path = tmp_path / "alice" / ASSIGNMENT
    path.mkdir(parents=True)
    return path


def submission(folder, assignment=ASSIGNMENT):
    return Submission("alice", assignment, folder)


def test_the_expected_notebook_is_found_without_a_note(folder):
    """Is ``<assignment>.ipynb`` graded with no note?"""
    (folder / f"{ASSIGNMENT}.ipynb").write_text("{}")
    assert find_notebook(submission(folder)) == (folder / f"{ASSIGNMENT}.ipynb", GRADED, "")


def test_a_single_misnamed_notebook_is_used_with_a_note(folder):
    """Is the one notebook there graded, with a note naming it and the expected name?"""
    (folder / "homework.ipynb").write_text("{}")
    path, status, note = find_notebook(submission(folder))
    assert path == folder / "homework.ipynb" and status == GRADED
    assert note == f"notebook was named homework.ipynb, expected {ASSIGNMENT}.ipynb"


def test_no_notebook_is_a_missing_notebook(folder):
    """Does a folder with no notebook (hidden ones ignored) say which file is missing?"""
    (folder / ".ipynb_checkpoint.ipynb").write_text("{}")
    (folder / "notes.txt").write_text("nothing here")
    path, status, note = find_notebook(submission(folder))
    assert (path, status) == (None, MISSING_NOTEBOOK) and note == f"missing notebook: no {ASSIGNMENT}.ipynb in the submission"


def test_a_missing_folder_is_a_missing_notebook(tmp_path):
    """Does a student without a folder for this assignment get a missing notebook, not an exception?"""
    path, status, note = find_notebook(submission(tmp_path / "nobody"))
    assert (path, status) == (None, MISSING_NOTEBOOK) and note.startswith("missing notebook:")


def test_two_candidates_are_a_misnamed_notebook(folder):
    """Are two wrongly named notebooks refused, both named in the note?"""
    for name in ("b.ipynb", "a.ipynb"):
        (folder / name).write_text("{}")
    path, status, note = find_notebook(submission(folder))
    assert (path, status) == (None, MISNAMED_NOTEBOOK) and note == f"misnamed notebook: expected {ASSIGNMENT}.ipynb, found a.ipynb, b.ipynb"


def test_an_unknown_assignment_is_refused(folder):
    """Is an assignment that is not in solutions/ refused by name?"""
    path, status, note = find_notebook(submission(folder, "ch9_nothing"))
    assert (path, status) == (None, UNKNOWN_ASSIGNMENT) and note == "unknown assignment 'ch9_nothing'"


@pytest.mark.parametrize("content", [b'{"cells": [ {"cell_type": ', b"\xff\xfe\x00garbage", b'{"cells": 3}', b"[]"])
def test_unreadable_bytes_are_a_corrupt_notebook(folder, content):
    """Do broken JSON, bytes that are not UTF-8, and JSON that is not a notebook all read as corrupt?"""
    path = folder / f"{ASSIGNMENT}.ipynb"
    path.write_bytes(content)
    notebook, status, note = read_notebook(path, ASSIGNMENT)
    assert (notebook, status) == (None, CORRUPT_NOTEBOOK) and note.startswith(f"corrupt notebook: {path.name} is not a readable notebook (")


def test_the_source_notebook_reads_as_its_assignment(folder):
    """Does a notebook with the assignment's test cells read cleanly?"""
    path = folder / f"{ASSIGNMENT}.ipynb"
    nbformat.write(nbformat.read(source_notebook(ASSIGNMENT), as_version=4), path)
    notebook, status, note = read_notebook(path, ASSIGNMENT)
    assert notebook is not None and (status, note) == (GRADED, "")


def test_one_test_cell_of_the_assignment_is_enough(folder, cells):
    """Is a notebook that kept any one of the assignment's test cells accepted as that assignment?"""
    path = folder / f"{ASSIGNMENT}.ipynb"
    first = next(iter(graded_tests(ASSIGNMENT)))
    nbformat.write(cells.notebook(cells.markdown(), cells.test(first)), path)
    notebook, status, note = read_notebook(path, ASSIGNMENT)
    assert notebook is not None and (status, note) == (GRADED, "")


def test_another_assignments_notebook_is_named(folder):
    """Is chapter 5's notebook handed in as chapter 1 refused, saying which assignment it looks like?"""
    path = folder / f"{ASSIGNMENT}.ipynb"
    nbformat.write(nbformat.read(source_notebook("ch5_softmax"), as_version=4), path)
    notebook, status, note = read_notebook(path, ASSIGNMENT)
    assert (notebook, status) == (None, WRONG_ASSIGNMENT)
    assert note == f"wrong assignment: the notebook has none of {ASSIGNMENT}'s test cells (it looks like ch5_softmax)"


def test_a_notebook_of_no_assignment_is_a_wrong_assignment(folder, cells):
    """Is a notebook with none of the course's test cells refused without guessing an assignment?"""
    path = folder / f"{ASSIGNMENT}.ipynb"
    nbformat.write(cells.notebook(cells.code("print('hello')"), cells.test("test_nothing")), path)
    notebook, status, note = read_notebook(path, ASSIGNMENT)
    assert (notebook, status) == (None, WRONG_ASSIGNMENT) and note == f"wrong assignment: the notebook has none of {ASSIGNMENT}'s test cells"


def test_refusals_are_distinct_names():
    """Is each refusal's status its own short name, never a sentence with details in it?"""
    assert len(set(REFUSED)) == len(REFUSED) and GRADED not in REFUSED
    assert all(":" not in status and "'" not in status for status in REFUSED), "a status is a name, not a sentence"


SOLUTION = source_notebook(ASSIGNMENT)


def special(folder, name, what):
    """Make ``folder/name`` a link to the course's solution, a hard link to a classmate's file, a pipe or a socket."""
    path = folder / name
    if what == "symlink":
        path.symlink_to(SOLUTION)
    elif what == "hardlink":
        classmate = folder.parent.parent / "bob" / ASSIGNMENT / name
        classmate.parent.mkdir(parents=True)
        shutil.copy(SOLUTION, classmate)
        os.link(classmate, path)
    elif what == "fifo":
        os.mkfifo(path)
    elif what == "socket":
        folder_fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        listener = socket.socket(socket.AF_UNIX)
        listener.bind(f"/proc/self/fd/{folder_fd}/{name}")  # a socket's path must fit in 108 bytes
        listener.close()
        os.close(folder_fd)
    return path


KINDS = {"symlink": "a symbolic link", "hardlink": "a hard link (2 names for one file: it may be someone else's)",
         "fifo": "a named pipe", "socket": "a socket"}


@pytest.mark.parametrize("what", KINDS)
def test_a_notebook_that_is_no_plain_file_is_refused_unread(folder, what):
    """Is a notebook that is a link (to the solution), a hard link, a pipe or a socket refused, never opened?"""
    special(folder, f"{ASSIGNMENT}.ipynb", what)
    started = time.monotonic()
    path, status, note = find_notebook(submission(folder))
    assert (path, status) == (None, SPECIAL_FILE) and time.monotonic() - started < 5
    assert note == f"special file: not graded: {ASSIGNMENT}.ipynb: {KINDS[what]}, never followed or read"


@pytest.mark.parametrize("what", KINDS)
def test_a_misnamed_notebook_that_is_no_plain_file_is_refused(folder, what):
    """Is the only notebook, misnamed and a link or a pipe, refused rather than graded?"""
    special(folder, "homework.ipynb", what)
    path, status, note = find_notebook(submission(folder))
    assert (path, status) == (None, SPECIAL_FILE) and note.startswith("special file: not graded: homework.ipynb: ")


@pytest.mark.parametrize("what", KINDS)
def test_reading_never_follows_or_blocks(folder, what):
    """Does read_notebook itself, given such a path, refuse it at once (O_NOFOLLOW, O_NONBLOCK, fstat)?"""
    path = special(folder, f"{ASSIGNMENT}.ipynb", what)
    started = time.monotonic()
    notebook, status, _ = read_notebook(path, ASSIGNMENT)
    assert (notebook, status) == (None, SPECIAL_FILE) and time.monotonic() - started < 5


@pytest.mark.skipif(os.geteuid() != 0, reason="making a device needs root")
def test_a_device_is_refused_unread(folder):
    """Is a character device named as the notebook refused (reading /dev/zero would never end)?"""
    os.mknod(folder / f"{ASSIGNMENT}.ipynb", 0o644 | 0o020000, os.makedev(1, 5))
    assert find_notebook(submission(folder))[1] == SPECIAL_FILE
    assert read_notebook(folder / f"{ASSIGNMENT}.ipynb", ASSIGNMENT)[1] == SPECIAL_FILE


def test_a_linked_submission_folder_is_refused(tmp_path):
    """Is a student's assignment folder that links to a classmate's folder refused, not graded as theirs?"""
    (tmp_path / "bob" / ASSIGNMENT).mkdir(parents=True)
    shutil.copy(SOLUTION, tmp_path / "bob" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    (tmp_path / "mallory").mkdir()
    (tmp_path / "mallory" / ASSIGNMENT).symlink_to(tmp_path / "bob" / ASSIGNMENT)
    path, status, note = find_notebook(Submission("mallory", ASSIGNMENT, tmp_path / "mallory" / ASSIGNMENT))
    assert (path, status) == (None, SPECIAL_FILE) and note.startswith(f"special file: not graded: mallory/{ASSIGNMENT}:")


def test_odd_files_beside_the_notebook_are_named(folder):
    """Are a pipe and a link beside a good notebook named in its note, while it is graded?"""
    shutil.copy(SOLUTION, folder / f"{ASSIGNMENT}.ipynb")
    special(folder, "pipe", "fifo")
    (folder / "answers").symlink_to("/etc")
    path, status, note = find_notebook(submission(folder))
    assert (path, status) == (folder / f"{ASSIGNMENT}.ipynb", GRADED)
    assert note == "not graded: answers: a symbolic link; not graded: pipe: a named pipe"


def test_escapes_in_a_file_name_reach_no_note(folder):
    """Does a misnamed notebook whose name holds a terminal escape and a newline appear escaped in the note?"""
    shutil.copy(SOLUTION, folder / "x\x1b[31m\n.ipynb")
    _, status, note = find_notebook(submission(folder))
    assert status == GRADED and note == r"notebook was named x\x1b[31m\n.ipynb, expected ch1_normalizing.ipynb"


def test_a_huge_notebook_is_refused_before_parsing(folder):
    """Is a notebook of more than MAX_NOTEBOOK_BYTES refused, reading no more than that?"""
    path = folder / f"{ASSIGNMENT}.ipynb"
    with open(path, "wb") as file:
        file.truncate(MAX_NOTEBOOK_BYTES + 1)
    notebook, status, note = read_notebook(path, ASSIGNMENT)
    assert (notebook, status) == (None, TOO_LARGE) and note == f"{TOO_LARGE}: not graded: {path.name}: more than {MAX_NOTEBOOK_BYTES} bytes"


def test_too_many_cells_are_refused_before_nbformat(folder, cells):
    """Is a notebook with more than MAX_CELLS cells refused by count?"""
    path = folder / f"{ASSIGNMENT}.ipynb"
    nbformat.write(cells.notebook(*[cells.markdown() for _ in range(MAX_CELLS + 1)]), path)
    notebook, status, note = read_notebook(path, ASSIGNMENT)
    assert (notebook, status) == (None, TOO_LARGE) and note.endswith(f"{MAX_CELLS + 1} cells, more than {MAX_CELLS}")


def test_copying_leaves_out_what_a_kernel_must_not_get(tmp_path):
    """Does the stage copy keep plain files and folders only, no deeper than MAX_DEPTH, and no pipe blocks it?"""
    source = tmp_path / "source"
    deep = source.joinpath(*[f"d{i}" for i in range(MAX_DEPTH + 3)])
    deep.mkdir(parents=True)
    (source / "data.csv").write_text("1,2")
    (source / "x.ipynb").write_text("{}")
    os.mkfifo(source / "pipe")
    (source / "link").symlink_to("/etc/passwd")
    shutil.copytree(source, tmp_path / "copy", symlinks=True, ignore=copy_ignore(source))
    copied = sorted(str(p.relative_to(tmp_path / "copy")) for p in (tmp_path / "copy").rglob("*"))
    assert copied[0] == "d0" and "data.csv" in copied and not {"x.ipynb", "pipe", "link"} & set(copied)
    assert max(path.count(os.sep) for path in copied) == MAX_DEPTH - 1


def test_copying_stops_after_max_entries(tmp_path):
    """Does a folder of many files cost at most MAX_ENTRIES copies?"""
    source = tmp_path / "source"
    source.mkdir()
    for index in range(MAX_ENTRIES + 50):
        (source / f"f{index}").write_bytes(b"")
    shutil.copytree(source, tmp_path / "copy", ignore=copy_ignore(source))
    assert len(list((tmp_path / "copy").iterdir())) == MAX_ENTRIES


def test_the_notebook_is_found_among_more_files_than_are_listed(folder):
    """Is ``<assignment>.ipynb`` found in a folder holding more than MAX_ENTRIES other files?"""
    for index in range(MAX_ENTRIES + 10):
        (folder / f"a{index:05d}.png").write_bytes(b"")
    shutil.copy(SOLUTION, folder / f"{ASSIGNMENT}.ipynb")
    assert find_notebook(submission(folder))[:2] == (folder / f"{ASSIGNMENT}.ipynb", GRADED)
