"""Check each submission before grading, and say in words what is wrong with it.

A submission is a folder of one student's files for one assignment. Whatever
is wrong with it (no notebook, a misnamed one, broken JSON, a notebook from
another assignment) becomes a status on that student's row; it never stops
the batch.
"""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path

import nbformat

from autograder.course import assignments, graded_tests
from autograder.grading.inert import printable
from autograder.nbgrader_cells import grade_id

# A submission's status: one of these constants, set by intake or by the grader, read by the
# results (grades.csv's status column) and the report. Never parsed back from a note's wording.

#: Intake found a notebook of this assignment: it is graded (a note may say what was odd about it).
GRADED = "graded"
#: The grader failed on this notebook, even after starting again what died: it was not graded.
GRADER_ERROR = "grader error"
#: What intake refuses to grade. A refused submission's note begins with its status.
UNKNOWN_ASSIGNMENT = "unknown assignment"
MISSING_NOTEBOOK = "missing notebook"
MISNAMED_NOTEBOOK = "misnamed notebook"
CORRUPT_NOTEBOOK = "corrupt notebook"
WRONG_ASSIGNMENT = "wrong assignment"
#: The notebook (or its folder) is a link, a hard link, a named pipe, a device or a socket: never read.
SPECIAL_FILE = "special file"
#: The notebook has more bytes or cells than a notebook of this course could need: never parsed.
TOO_LARGE = "notebook too large"
REFUSED = (UNKNOWN_ASSIGNMENT, MISSING_NOTEBOOK, MISNAMED_NOTEBOOK, CORRUPT_NOTEBOOK, WRONG_ASSIGNMENT, SPECIAL_FILE,
           TOO_LARGE)

#: Bytes of a submitted notebook at most (read no further), and cells at most (checked before nbformat parses it).
MAX_NOTEBOOK_BYTES = 20 * 2**20
MAX_CELLS = 2_000
#: Entries of a submission folder looked at, folders deep copied and files copied when it is staged.
MAX_ENTRIES = 1_000
MAX_DEPTH = 8
#: Bytes of a copied entry's path below its submission folder at most, so that its copy's path fits PATH_MAX.
MAX_RELATIVE_PATH = 1_024
#: Odd files named one by one in a note; beyond, their count.
NAMED = 5


@dataclass(frozen=True)
class Submission:
    """One student's folder for one assignment.

    Attributes
    ----------
    student : str
    assignment : str
    folder : Path
        Holds ``<assignment>.ipynb`` and any other files the student handed in.
    lms, lms_id : str
        The learning management system whose download it came from, and its id for the student
        ("" for a folder, or a system whose naming carries no id).
    submitted : str
        When the system says it was submitted, ISO 8601 ("" when it does not say).
    late : bool
        The system marked it late.
    """

    student: str
    assignment: str
    folder: Path
    lms: str = ""
    lms_id: str = ""
    submitted: str = ""
    late: bool = False


def kind(mode: int, links: int = 1) -> str:
    """What a file that is not an ordinary one is, in words; "" for a regular file with one link or a folder.

    Parameters
    ----------
    mode : int
        ``st_mode`` from :func:`os.lstat` (a link is a link, never what it points to).
    links : int
        ``st_nlink``: a regular file with several names may be a classmate's or the course's file.
    """
    if stat.S_ISDIR(mode) or (stat.S_ISREG(mode) and links == 1):
        return ""
    if stat.S_ISREG(mode):
        return f"a hard link ({links} names for one file: it may be someone else's)"
    return {stat.S_IFLNK: "a symbolic link", stat.S_IFIFO: "a named pipe", stat.S_IFSOCK: "a socket",
            stat.S_IFCHR: "a device", stat.S_IFBLK: "a device"}.get(stat.S_IFMT(mode), "a special file")


def _refuse_special(name: str, what: str) -> tuple[None, str, str]:
    return None, SPECIAL_FILE, f"{SPECIAL_FILE}: not graded: {printable(name)}: {what}, never followed or read"


def _entries(folder: Path) -> list[tuple[str, os.stat_result]]:
    """Up to :data:`MAX_ENTRIES` names in ``folder`` with their :func:`os.lstat`, sorted by name."""
    found: list[tuple[str, os.stat_result]] = []
    with os.scandir(folder) as scan:
        for entry in scan:
            if len(found) >= MAX_ENTRIES:
                break
            try:
                found.append((entry.name, entry.stat(follow_symlinks=False)))
            except OSError:
                continue
    return sorted(found, key=lambda item: item[0])


def _odd_files(entries: list[tuple[str, os.stat_result]]) -> str:
    """A note naming the entries of a folder that are not graded because of what they are."""
    odd = [f"not graded: {printable(name)}: {what}" for name, info in entries
           if (what := kind(info.st_mode, info.st_nlink)) and not stat.S_ISDIR(info.st_mode)]
    if len(odd) > NAMED:
        odd[NAMED:] = [f"and {len(odd) - NAMED} more"]
    return "; ".join(odd)


def find_notebook(submission: Submission) -> tuple[Path | None, str, str]:
    """The notebook to grade, or the reason there is none.

    Nothing here follows a link or opens a file: the submission's folder, its student's
    folder and every candidate notebook are looked at with :func:`os.lstat`. A notebook that
    is a link (to a classmate's notebook, to the course's solution), a hard link, a named
    pipe, a device or a socket is refused as :data:`SPECIAL_FILE`; such files beside the
    notebook are named in the note (they are not copied, :func:`copy_ignore`).

    Returns
    -------
    (Path or None, str, str)
        The notebook, :data:`GRADED` and a note ("" when the file is exactly where
        expected and nothing odd lies beside it); or ``None``, the status that refuses it
        (:data:`REFUSED`) and the problem in words.
    """
    if submission.assignment not in assignments():
        return None, UNKNOWN_ASSIGNMENT, f"{UNKNOWN_ASSIGNMENT} '{printable(submission.assignment)}'"
    expected = submission.folder / f"{submission.assignment}.ipynb"
    for folder in (submission.folder.parent, submission.folder):
        try:
            what = kind(os.lstat(folder).st_mode)
        except OSError:
            return None, MISSING_NOTEBOOK, f"{MISSING_NOTEBOOK}: no {expected.name} in the submission"
        if what or not folder.is_dir():
            return _refuse_special(f"{folder.parent.name}/{folder.name}", what or "not a folder")
    try:
        entries = _entries(submission.folder)
    except OSError as error:
        return None, MISSING_NOTEBOOK, f"{MISSING_NOTEBOOK}: the folder cannot be read ({error.strerror})"
    odd = _odd_files(entries)
    by_name = dict(entries)
    try:  # looked up by name too: a folder of more than MAX_ENTRIES files still has its notebook found
        by_name[expected.name] = os.lstat(expected)
    except OSError:
        pass
    if expected.name in by_name:
        info = by_name[expected.name]
        if what := kind(info.st_mode, info.st_nlink) or ("a folder" if stat.S_ISDIR(info.st_mode) else ""):
            return _refuse_special(expected.name, what)
        return expected, GRADED, odd
    candidates = [name for name in by_name if name.endswith(".ipynb") and not name.startswith(".")]
    notebooks = [name for name in candidates if stat.S_ISREG(by_name[name].st_mode) and by_name[name].st_nlink == 1]
    if len(notebooks) == 1:
        note = f"notebook was named {printable(notebooks[0])}, expected {expected.name}"
        return submission.folder / notebooks[0], GRADED, "; ".join(filter(None, [note, odd]))
    if not notebooks and candidates:
        name = candidates[0]
        return _refuse_special(name, kind(by_name[name].st_mode, by_name[name].st_nlink) or "a folder")
    if not notebooks:
        archives = [printable(name) for name in by_name if name.lower().endswith(".zip")]
        opened = f" (an archive in a folder is not opened: {', '.join(archives[:NAMED])})" if archives else ""
        return None, MISSING_NOTEBOOK, "; ".join(filter(None, [
            f"{MISSING_NOTEBOOK}: no {expected.name} in the submission{opened}", odd]))
    names = ", ".join(printable(name) for name in notebooks[:NAMED])
    return None, MISNAMED_NOTEBOOK, f"{MISNAMED_NOTEBOOK}: expected {expected.name}, found {names}"


def copy_ignore(root: str | os.PathLike[str]):
    """A :func:`shutil.copytree` ``ignore`` that copies only what a kernel may get of a submission's folder.

    It leaves out notebooks (the grader writes the one it graded), every entry that is not
    a regular file with one link or a folder (links, hard links, pipes, devices, sockets:
    copying a pipe would block, a device would never end), folders more than
    :data:`MAX_DEPTH` deep below ``root`` (so that copying never recurses without bound) and
    every entry after the first :data:`MAX_ENTRIES` (so that a folder of a million files
    costs a thousand) and every entry whose path below ``root`` is longer than
    :data:`MAX_RELATIVE_PATH` bytes (its copy's path would not fit). Nothing is opened to decide.
    """
    root = os.path.abspath(root)
    seen = [0]

    def ignore(directory: str, names: list[str]) -> set[str]:
        here = os.path.abspath(directory)
        depth = 0 if here == root else os.path.relpath(here, root).count(os.sep) + 1
        left_out = set()
        for name in names:
            try:
                info = os.lstat(os.path.join(directory, name))
            except OSError:
                left_out.add(name)
                continue
            folder = stat.S_ISDIR(info.st_mode)
            relative = os.fsencode(os.path.relpath(os.path.join(directory, name), root))
            if (name.endswith(".ipynb") or kind(info.st_mode, info.st_nlink) or (folder and depth >= MAX_DEPTH)
                    or seen[0] >= MAX_ENTRIES or len(relative) > MAX_RELATIVE_PATH):
                left_out.add(name)
            else:
                seen[0] += 1
        return left_out

    return ignore


def read_regular(path: Path) -> bytes:
    """A regular file's bytes, opened without following a link or blocking on a pipe.

    Raises
    ------
    OSError
        When it is not a regular file with one link (``ELOOP`` for a link).
    ValueError
        When it has more than :data:`MAX_NOTEBOOK_BYTES` bytes.
    """
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    descriptor = os.open(path, flags)
    with os.fdopen(descriptor, "rb") as file:
        info = os.fstat(descriptor)
        if what := kind(info.st_mode, info.st_nlink):
            raise IsADirectoryError(f"{what}") if stat.S_ISDIR(info.st_mode) else PermissionError(what)
        data = file.read(MAX_NOTEBOOK_BYTES + 1)
    if len(data) > MAX_NOTEBOOK_BYTES:
        raise ValueError(f"more than {MAX_NOTEBOOK_BYTES} bytes")
    return data


def read_notebook(path: Path, assignment: str) -> tuple[nbformat.NotebookNode | None, str, str]:
    """Parse a submitted notebook and check it belongs to ``assignment``: :func:`read_submission` without its text."""
    notebook, _, status, problem = read_submission(path, assignment)
    return notebook, status, problem


def read_submission(path: Path, assignment: str) -> tuple[nbformat.NotebookNode | None, str, str, str]:
    """Parse a submitted notebook, check it belongs to ``assignment``, and keep the text it was parsed from.

    The file is opened with ``O_NOFOLLOW | O_NONBLOCK`` and checked to be a regular file on
    the opened descriptor; at most :data:`MAX_NOTEBOOK_BYTES` are read, and a notebook with
    more than :data:`MAX_CELLS` cells is refused before nbformat parses it.

    Returns
    -------
    (NotebookNode or None, str, str, str)
        The notebook, its text (UTF-8, as handed in), :data:`GRADED` and ""; or ``None``, "",
        the status that refuses it and the problem in words.
    """
    path = Path(path)
    name = printable(path.name)
    try:
        data = read_regular(path)
    except ValueError as error:
        return None, "", TOO_LARGE, f"{TOO_LARGE}: not graded: {name}: {error}"
    except OSError as error:
        _, status, problem = _refuse_special(path.name, printable(error.strerror or error))
        return None, "", status, problem
    try:
        text = data.decode("utf-8")
        parsed = json.loads(text)
        cells = parsed.get("cells") if isinstance(parsed, dict) else None
        if isinstance(cells, list) and len(cells) > MAX_CELLS:  # counted before nbformat builds its nodes
            return None, "", TOO_LARGE, f"{TOO_LARGE}: not graded: {name}: {len(cells)} cells, more than {MAX_CELLS}"
        notebook = nbformat.reads(text, as_version=4)
        if not isinstance(notebook.get("cells"), list):
            raise ValueError("it has no list of cells")
        if len(notebook["cells"]) > MAX_CELLS:  # an old format's worksheets, converted
            return None, "", TOO_LARGE, (f"{TOO_LARGE}: not graded: {name}: {len(notebook['cells'])} cells, "
                                         f"more than {MAX_CELLS}")
        found = {grade_id(cell) for cell in notebook["cells"]}
    except Exception as error:  # noqa: BLE001 - nbformat raises many kinds on bad input
        return None, "", CORRUPT_NOTEBOOK, (f"{CORRUPT_NOTEBOOK}: {name} is not a readable notebook "
                                            f"({type(error).__name__}: {printable(str(error)[:300])})")
    expected = set(graded_tests(assignment))
    if expected and not expected & found:
        others = [other for other in assignments() if set(graded_tests(other)) & found]
        where = f" (it looks like {others[0]})" if others else ""
        return None, "", WRONG_ASSIGNMENT, (f"{WRONG_ASSIGNMENT}: the notebook has none of {assignment}'s "
                                            f"test cells{where}")
    return notebook, text, GRADED, ""
