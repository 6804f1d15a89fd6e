"""Can what a student hands in, rather than the code in it, earn points, touch a classmate's grade or stop the class?

Two batches through the real ``./course grade`` command, each with honest students before
and after the attackers: a folder of submissions (links to a classmate's notebook and to
the course's solution, hard links, named pipes, devices and sockets as or beside the
notebook, a linked student or assignment folder, a tree deeper than any copy should
follow, a 252-byte folder name, a folder named as another student's stored id, names
that are spreadsheet formulas, terminal escapes, Markdown and HTML), and an LMS zip (a
zip bomb, setuid entries, an upload of 50,000 entries, names that climb out of the
folder, an upload holding a classmate's notebook, a resubmission, an id collision and
hostile names). Every effect is measured outside the grader: the exit status,
``grades.csv``, the nbgrader gradebook (SQLite), the report, the bytes printed to the
terminal, the files and modes left in the output and outside it, and the disk used.
"""

import csv
import io
import os
import socket
import sqlite3
import stat
import struct
import subprocess
import sys
import time
import zipfile

import pytest

from autograder.course import EXERCISES, REPO, SOLUTIONS
from autograder.grading.archive import UPLOAD_BYTES, UPLOAD_LIMITS
from autograder.grading.collect import student_id

pytestmark = [pytest.mark.grading,
              pytest.mark.skipif(not sys.platform.startswith("linux"), reason="links, pipes and sockets as Linux has them")]

A = "ch1_normalizing"
NB = f"{A}.ipynb"
#: What an instructor's terminal, the report or a spreadsheet must never receive raw.
ESCAPES = ("\x1b", "\x07", "\x9b")
FORMULA = ("=", "+", "-", "@", "\t", "\r")
#: A notebook name that would, printed raw, retitle the terminal, colour it, forge a report row and run HTML.
HOSTILE_NOTEBOOK = "\x1b]0;pwned\x07\x1b[31m\n| zed | ch1_normalizing | graded | 2 | 3 | 5 |\n<img src=x onerror=alert(1)>.ipynb"
HOSTILE_FOLDER = "m\x1b[2J\n| forged | row |"

def solution():
    return (SOLUTIONS / A / NB).read_bytes()

def blank():
    return (EXERCISES / A / NB).read_bytes()

def run_grade(source, output):
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "autograder", "grade", str(source), A, "-o", str(output),
                             "--workers", "2", "--no-feedback"], capture_output=True, cwd=REPO, timeout=600)
    return result, time.monotonic() - started

def read_grades(output):
    with open(output / "grades.csv", encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))

def gradebook_totals(output):
    """Each student's total as nbgrader's gradebook (SQLite) holds it."""
    with sqlite3.connect(output / "gradebook.db") as connection:
        return dict(connection.execute(
            "SELECT sa.student_id, SUM(COALESCE(g.manual_score, g.auto_score)) FROM grade g "
            "JOIN submitted_notebook sn ON g.notebook_id = sn.id "
            "JOIN submitted_assignment sa ON sn.assignment_id = sa.id GROUP BY sa.student_id"))

def tree(folder):
    """Every entry under ``folder`` with its lstat, walking no link."""
    found = []
    for parent, folders, files in os.walk(folder):
        for name in folders + files:
            path = os.path.join(parent, name)
            found.append((path, os.lstat(path)))
    return found

def deep_tree(folder, depth):
    """A chain of ``depth`` folders below ``folder`` (deeper than PATH_MAX), ending in a file with a 255-byte name."""
    descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        for _ in range(depth):
            os.mkdir("d" * 200, dir_fd=descriptor)
            inner = os.open("d" * 200, os.O_RDONLY | os.O_DIRECTORY, dir_fd=descriptor)
            os.close(descriptor)
            descriptor = inner
        os.close(os.open("f" * 255, os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=descriptor))
    finally:
        os.close(descriptor)

def check_inert(result, output):
    """Nothing a submission named reached the terminal, the report or grades.csv raw."""
    printed = result.stdout + result.stderr
    assert not [e for e in ESCAPES if e.encode() in printed], printed[-3000:]
    summary = (output / "report" / "summary.md").read_text(encoding="utf-8")
    lines = summary.splitlines()
    assert not any(e in summary for e in ESCAPES)
    assert not [line for line in lines if line.startswith(("| zed", "| forged", "<img"))], "a forged line in the report"
    assert "<img" not in summary
    for row in read_grades(output):
        assert not [value for value in row.values() if value and value.startswith(FORMULA)], row
    assert len((output / "grades.csv").read_text(encoding="utf-8").splitlines()) == len(read_grades(output)) + 1

def check_output_files(output, most_bytes):
    """Only folders and plain files, none setuid, setgid or executable by a student's choice; disk bounded."""
    entries = tree(output)
    odd = [path for path, info in entries if not (stat.S_ISDIR(info.st_mode) or stat.S_ISREG(info.st_mode))]
    assert odd == [], odd
    special_modes = [path for path, info in entries if info.st_mode & (stat.S_ISUID | stat.S_ISGID)]
    assert special_modes == [], special_modes
    used = sum(info.st_blocks * 512 for _, info in entries)
    assert used <= most_bytes, f"{used} bytes written"

# --- the folder batch ------------------------------------------------------------------------------------------

VICTIM = "josé ñ"
DERIVED = student_id(VICTIM)[0]
FOLDER_ATTACKERS = {  # folder: status its row must have (total 0 for each)
    "linker": "special file", "solver": "special file", "pipe": "special file", "socket": "special file",
    "eve": "special file", "pipeside": "graded", "deep": "graded", "=SUM(A1:A9)": "graded",
    "@SUM(1+1)": "graded", HOSTILE_FOLDER: "graded", DERIVED: "graded",
}

@pytest.fixture(scope="module")
def folder_batch(tmp_path_factory):
    base = tmp_path_factory.mktemp("intake-redteam-folder")
    root = base / "submitted"

    def hand_in(student, content=None, name=NB):
        folder = root / student / A
        folder.mkdir(parents=True)
        if content is not None:
            (folder / name).write_bytes(content)
        return folder

    honest_first = hand_in("0first", solution())
    for student, content in ((VICTIM, solution()), ("s" * 252, solution()), ("zzlast", solution())):
        hand_in(student, content)
    os.symlink(honest_first / NB, hand_in("linker") / NB)
    os.symlink(SOLUTIONS / A / NB, hand_in("solver") / NB)
    os.mkfifo(hand_in("pipe") / NB)
    folder = os.open(hand_in("socket"), os.O_RDONLY | os.O_DIRECTORY)
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(f"/proc/self/fd/{folder}/{NB}")  # a socket's path must fit in 108 bytes
    listener.close()
    os.close(folder)
    side = hand_in("pipeside", blank())
    os.mkfifo(side / "data.csv")
    os.symlink("/etc", side / "etc")
    deep_tree(hand_in("deep", blank()), 40)
    (root / "eve").mkdir()
    os.symlink(honest_first, root / "eve" / A)
    os.symlink(root / "0first", root / "mallory")  # a "student" that is another student's folder
    copy = base / "course" / NB  # a copy of the solution beside the class, hard-linked into a submission
    copy.parent.mkdir()
    copy.write_bytes(solution())
    attackers = dict(FOLDER_ATTACKERS)
    try:
        os.link(copy, hand_in("hardlinker") / NB)
        attackers["hardlinker"] = "special file"
    except OSError:
        pass
    if os.geteuid() == 0:
        os.mknod(hand_in("device") / NB, 0o644 | stat.S_IFCHR, os.makedev(1, 5))  # /dev/zero: reading never ends
        os.mknod(hand_in("deviceside", blank()) / "zeros", 0o644 | stat.S_IFCHR, os.makedev(1, 5))
        attackers |= {"device": "special file", "deviceside": "graded"}
    for student in ("=SUM(A1:A9)", "@SUM(1+1)", DERIVED):
        hand_in(student, blank())
    hand_in(HOSTILE_FOLDER, blank(), name=HOSTILE_NOTEBOOK)
    result, seconds = run_grade(root, base / "graded")
    return base / "graded", result, seconds, attackers

def test_the_folder_batch_finishes_and_grades_honest_students(folder_batch):
    """Do the honest students, the victim of the id collision and the 252-byte name all keep full marks, everywhere?"""
    output, result, seconds, _ = folder_batch
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    rows = {row["student"]: row for row in read_grades(output)}
    stored = gradebook_totals(output)
    for name in ("0first", VICTIM, "s" * 252, "zzlast"):
        ident = student_id(name)[0]
        assert rows[ident]["status"] == "graded" and rows[ident]["total"] == rows[ident]["possible"] == "5", rows[ident]
        assert stored[ident] == 5.0, (ident, stored)

def test_no_attacker_earns_a_point_or_a_second_row(folder_batch):
    """Is every attacker its own row with no points (links and special files refused), and no row forged or merged?"""
    output, _, _, attackers = folder_batch
    rows = read_grades(output)
    by_student = {row["student"]: row for row in rows}
    honest = {student_id(name)[0] for name in ("0first", VICTIM, "s" * 252, "zzlast")}
    assert set(by_student) == honest | {student_id(name)[0] for name in attackers} and len(by_student) == len(rows)
    assert student_id(DERIVED)[0].startswith(DERIVED + "-"), "the folder named as the victim's id has one of its own"
    for name, status in attackers.items():
        row = by_student[student_id(name)[0]]
        assert row["status"] == status and float(row["total"]) == 0, row
    stored = gradebook_totals(output)
    assert not {student_id(name)[0] for name, status in attackers.items() if status != "graded"} & set(stored)

def test_each_odd_file_is_named(folder_batch):
    """Are the linked student folder and the pipe and link beside a notebook named in the report?"""
    output, _, _, _ = folder_batch
    summary = (output / "report" / "summary.md").read_text(encoding="utf-8")
    assert "not graded: mallory: a symbolic link, not a student's folder" in summary
    assert "not graded: data.csv: a named pipe" in summary and "not graded: etc: a symbolic link" in summary

def test_nothing_raw_reaches_the_terminal_report_or_csv(folder_batch):
    """Does no escape sequence, forged row, HTML or spreadsheet formula leave the grader?"""
    output, result, _, _ = folder_batch
    check_inert(result, output)

def test_the_output_holds_only_plain_files_and_little_of_them(folder_batch):
    """Did no link, pipe or device get copied (a device would fill the disk), and was the batch quick?"""
    output, _, seconds, _ = folder_batch
    check_output_files(output, 64 * 2**20)
    assert seconds < 300

# --- the LMS zip batch -----------------------------------------------------------------------------------------

def zipped(entries, compression=zipfile.ZIP_DEFLATED):
    """A zip's bytes from ``{name: bytes or (bytes, unix mode)}``."""

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in entries.items():
            data, mode = content if isinstance(content, tuple) else (content, None)
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = compression
            if mode is not None:
                info.create_system, info.external_attr = 3, mode << 16
            archive.writestr(info, data)
    return buffer.getvalue()

def claim_size(archive, name, declared):
    """Rewrite the size the central directory claims for member ``name`` (a bomb that says what it is)."""
    data = bytearray(archive)
    record = data.rindex(b"PK\x01\x02", 0, data.rindex(name.encode()))
    data[record + 24:record + 28] = struct.pack("<L", declared)
    return bytes(data)

@pytest.fixture(scope="module")
def zip_batch(tmp_path_factory):
    base = tmp_path_factory.mktemp("intake-redteam-zip")
    victim_id = student_id("josé")[0]
    zeros = bytes(UPLOAD_LIMITS.file_bytes)  # each compresses to a few kilobytes
    entries = {
        f"0first_11_{NB}": solution(),
        f"josé_12_{NB}": solution(),
        f"{victim_id}_13_{NB}": blank(),  # named as the victim's stored id
        f"zoe_14_{NB}": blank(),  # then a resubmission: zip_collect ended the whole run here
        f"zoe_14_{A}-1.ipynb": solution(),
        "mallory_15_upload.zip": zipped({f"0first_11_{NB}": blank(), "notes.txt": b"mine"}),
        "bomber_16_upload.zip": zipped({f"{NB}": blank(), **{f"zeros{i}.bin": zeros for i in range(8)}}),
        "setuid_17_upload.zip": zipped({NB: (blank(), stat.S_IFREG | 0o4755),
                                         "run.sh": (b"#!/bin/sh\nid\n", stat.S_IFREG | 0o6777),
                                         "link": (b"/etc/shadow", stat.S_IFLNK | 0o777)}),
        "many_18_upload.zip": zipped({f"f{i}": b"" for i in range(50_000)}, zipfile.ZIP_STORED),
        f"../../escaped_19_{NB}": blank(),
        f"/tmp/bnweek-intake-redteam-{os.getpid()}_20_{NB}": blank(),
        "climber_21_upload.zip": zipped({NB: blank(), "../../../climbed.txt": b"out"}),
        "nested_22_upload.zip": zipped({"inner.zip": zipped({NB: solution()})}),
        f"=SUM(A1:A9)_23_{NB}": blank(),
        f"x\x1b[2J\n| forged | row |_24_{NB}": blank(),
        "readme\x1b]0;pwned\x07\n| zed | 5 |.txt": b"hello",
        f"zzlast_99_{NB}": solution(),
    }
    entries[f"claimer_25_{NB}"] = bytes(2**20)
    archive = base / "class.zip"
    archive.write_bytes(claim_size(zipped(entries), f"claimer_25_{NB}", 2**32 - 2))
    result, seconds = run_grade(archive, base / "graded")
    return base, base / "graded", result, seconds, victim_id

def test_the_zip_batch_finishes_and_grades_honest_students(zip_batch):
    """Despite a resubmission (zip_collect's exit) and every attack, are the honest students and the victim right?"""
    _, output, result, seconds, victim_id = zip_batch
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    rows = {row["student"]: row for row in read_grades(output)}
    stored = gradebook_totals(output)
    for ident in ("0first", victim_id, "zoe", "zzlast"):  # zoe: the newest attempt, her solution, counts
        assert rows[ident]["status"] == "graded" and rows[ident]["total"] == "5", rows[ident]
        assert stored[ident] == 5.0
    assert seconds < 300

def test_an_upload_grades_only_its_uploader(zip_batch):
    """Does mallory's upload of a blank notebook named as 0first's leave 0first's marks and grade mallory instead?"""
    _, output, _, _, victim_id = zip_batch
    rows = {row["student"]: row for row in read_grades(output)}
    assert rows["mallory"]["status"] == "graded" and rows["mallory"]["total"] == "0"
    assert [row["student"] for row in read_grades(output)].count("0first") == 1
    colliding = [s for s in rows if s.startswith(victim_id + "-")]
    assert len(colliding) == 1 and rows[colliding[0]]["total"] == "0"

def test_bombs_and_huge_uploads_cost_bounded_disk_and_no_row(zip_batch):
    """Are the bombs, the 50,000-entry upload and the nested archive refused by name, the disk used bounded?"""
    _, output, _, _, _ = zip_batch
    summary = (output / "report" / "summary.md").read_text(encoding="utf-8")
    assert f"not graded: claimer_25_{NB}: {2**32 - 2} bytes, more than the" in summary
    assert "not graded: many_18_upload.zip: it holds 50000 entries, more than the" in summary
    assert "not graded: nested_22_upload.zip/inner.zip: an archive inside an upload is not opened" in summary
    assert "not graded: bomber_16_upload.zip/zeros1.bin: one upload's files passed the" in summary
    rows = {row["student"]: row for row in read_grades(output)}
    assert rows["many"]["status"] == "missing notebook" and rows["nested"]["status"] == "missing notebook"
    assert rows["bomber"]["status"] == "graded" and "claimer" not in rows
    bomber = sum(p.stat().st_size for p in (output / "submitted" / "bomber").rglob("*") if p.is_file())
    assert bomber <= UPLOAD_BYTES
    check_output_files(output, 3 * UPLOAD_BYTES + 64 * 2**20)

def test_no_mode_bit_link_or_path_escapes_the_upload(zip_batch):
    """Are setuid and exec bits dropped, the link refused, and nothing written outside the student's folder?"""
    base, output, _, _, _ = zip_batch
    folder = output / "submitted" / "setuid" / A
    assert sorted(p.name for p in folder.iterdir()) == [NB, "run.sh"]
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o644 for p in folder.iterdir())
    assert not (output / "autograded" / "setuid" / A / "link").exists()
    escaped = [os.path.join(parent, name) for parent, folders, files in os.walk(base.parent) for name in folders + files
               if name.startswith(("escaped", "climbed"))]
    assert escaped == [] and not os.path.exists(f"/tmp/bnweek-intake-redteam-{os.getpid()}_20_{NB}")
    rows = {row["student"]: row for row in read_grades(output)}
    assert rows["climber"]["status"] == "graded" and "escaped" not in rows

def test_zip_names_are_inert_everywhere(zip_batch):
    """Does no name in the zip reach the terminal, the report or grades.csv as an escape, a row or a formula?"""
    _, output, result, _, _ = zip_batch
    check_inert(result, output)
