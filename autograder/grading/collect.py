"""Turn what an instructor hands in (a folder or an LMS zip) into submissions.

Folders follow nbgrader's layout, ``submitted/<student>/<assignment>/`` (the
``submitted`` level may be omitted). A zip is an LMS download whose files are named
``<student>_<anything>_<assignment>.ipynb`` (:data:`LMS_FILENAME`, nbgrader's
``FileNameCollectorPlugin.named_regexp`` for ``zip_collect``; Canvas adds ids and ``-1``
on resubmission), or ``<student>_<anything>.zip``, a student's upload. The zip is read
as nbgrader's ``zip_collect`` sorts it, but with :mod:`autograder.grading.archive`'s
bounds: a duplicate keeps the newest attempt instead of ending the run, and an upload is
unpacked only into its uploader's folder, whatever the names inside it say.

Every file that does not become a submission becomes a note, ``"not graded: <file>: <why>"``,
and student ids never collide (:func:`assign_ids`).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import stat
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from autograder.grading import archive
from autograder.grading.inert import printable
from autograder.grading.intake import Submission, kind

if TYPE_CHECKING:
    import zipfile
    from collections.abc import Iterable, Sequence

    PathLike = str | os.PathLike[str]

#: nbgrader ``FileNameCollectorPlugin.named_regexp`` for one assignment's notebooks, with the attempt.
LMS_FILENAME = (r".*/(?P<student_id>[^/_]+)_(?:[^/]*_)?(?P<file_id>{assignment})(?:-(?P<attempt>\d+))?"
                r"\.ipynb$")
#: A student's upload: a zip named for its student as a notebook would be.
UPLOAD_FILENAME = r".*/(?P<student_id>[^/_]+)_(?P<rest>[^/]*)\.zip$"
SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@+-]*$")
#: The end of an id made from a name that is not one (:func:`student_id`); no name is kept as an id with it.
DERIVED = re.compile(r"-[0-9a-f]{16}$")
#: Characters of a stored id at most (nbgrader's gradebook keeps 128).
MAX_ID = 64
#: Bytes an LMS zip's intake may write at least, and per byte of the zip.
MIN_BUDGET, BUDGET_RATIO = 256 * 2**20, 20


def _derived(name: str) -> str:
    raw = name.encode("utf-8", "surrogateescape")
    text = raw.decode("utf-8", "replace")
    readable = re.sub(r"^[^A-Za-z0-9]+", "", re.sub(r"[^A-Za-z0-9_.@+-]+", "_", text))[:MAX_ID - 17].rstrip("_")
    return f"{readable or 'student'}-{hashlib.sha256(raw).hexdigest()[:16]}"


def _shown(name: str) -> str:
    """A folder name for a note: ASCII, escaped, at most about 80 characters."""
    return ascii(name) if len(name) <= 80 else f"{ascii(name[:60])}... ({len(name)} characters)"


def student_id(name: str) -> tuple[str, str]:
    """A gradebook-safe student id for a folder name, and a note if it had to change.

    A name is kept as it is when it is plain (letters, digits, ``_.@+-``, starting with a
    letter or digit), at most :data:`MAX_ID` characters, and does not end as a derived id
    does. Any other name (not UTF-8, unusual characters, a spreadsheet formula, too long, or
    shaped like another student's derived id) keeps its readable part plus 16 hex digits of
    its SHA-256, so two students never merge and no folder can be named into another's id.
    """
    if SAFE_ID.match(name) and len(name) <= MAX_ID and not DERIVED.search(name):
        return name, ""
    safe = _derived(name)
    return safe, f"student folder name {_shown(name)} was stored as {safe}"


def assign_ids(names: Iterable[str]) -> dict[str, tuple[str, str]]:
    """Each name's student id and note, no two alike even ignoring case.

    Ids that differ only in case (``Alice`` and ``alice``) would share a folder on a
    case-insensitive file system: the first name in sorted order keeps its id, every other
    gets its derived one (:func:`student_id`), with a note.
    """
    ids, taken = {}, {}
    for name in sorted(set(names)):
        safe, note = student_id(name)
        if safe.casefold() in taken:
            other = taken[safe.casefold()]
            safe = _derived(name)
            note = (f"student folder name {_shown(name)} was stored as {safe}: {ids[other][0]} was taken by "
                    f"the folder {_shown(other)}")
        taken[safe.casefold()] = name
        ids[name] = (safe, note)
    return ids


def from_folder(root: PathLike, wanted: Sequence[str]) -> tuple[list[Submission], list[str]]:
    """Submissions under ``root`` (``submitted/`` or its parent), for each wanted assignment.

    Every student folder yields one submission per wanted assignment, so a student who did
    not hand one in gets a row saying so. What is not a student's folder (a file, a link, a
    pipe...) is named in a note and never followed; hidden entries are skipped.
    """
    root = Path(root)
    if (root / "submitted").is_dir() and not (root / "submitted").is_symlink():
        root = root / "submitted"
    folders, notes = [], []
    with os.scandir(root) as scan:
        for entry in sorted(scan, key=lambda entry: entry.name):
            if entry.name.startswith("."):
                continue
            mode = entry.stat(follow_symlinks=False).st_mode
            if stat.S_ISDIR(mode):
                folders.append(entry.name)
            else:
                notes.append(f"not graded: {printable(entry.name)}: {kind(mode) or 'a file'}, not a student's folder")
    ids = assign_ids(folders)
    submissions = []
    for folder in folders:
        student, note = ids[folder]
        if note:
            notes.append(note)
        submissions += [Submission(student, assignment, root / folder / assignment) for assignment in wanted]
    return submissions, notes


def _claim(path: str, wanted: Sequence[str]) -> tuple[str, str, int, bool] | None:
    """``(student name, assignment, attempt, is_upload)`` for a zip entry's ``/``-path, or ``None``."""
    for assignment in wanted:
        match = re.fullmatch(LMS_FILENAME.format(assignment=re.escape(assignment)), path, re.DOTALL)
        if match:
            return match["student_id"], assignment, int(match["attempt"] or 0), False
    match = re.fullmatch(UPLOAD_FILENAME, path, re.DOTALL)
    if match:
        named = [assignment for assignment in wanted if assignment in match["rest"]]
        if len(named) == 1 or len(wanted) == 1:
            attempt = re.search(r"-(\d+)$", match["rest"])
            return match["student_id"], (named or wanted)[0], int(attempt[1]) if attempt else 0, True
    return None


def _fresh(folder: Path) -> None:
    """Make ``folder`` new and empty (what an earlier run extracted there goes)."""
    if folder.is_symlink() or folder.is_file():
        folder.unlink()
    elif folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True, mode=0o755)


def _unpack_upload(lms: zipfile.ZipFile, info: zipfile.ZipInfo, folder: Path, scratch: Path,
                   budget: archive.Budget) -> list[str]:
    """Unpack a student's upload (a zip inside the LMS zip) into that student's ``folder``; return notes.

    Archives inside the upload are not opened (one level of nesting only), and its files
    have :data:`~autograder.grading.archive.UPLOAD_BYTES` at most in all.
    """
    label = archive.entry_name(info)
    with tempfile.TemporaryDirectory(dir=scratch) as temporary:
        why = archive.extract(lms, info, temporary, ["upload.zip"], budget, archive.LMS_LIMITS)
        if why:
            return [f"not graded: {label}: {why}"]
        try:
            upload = archive.open_zip(Path(temporary) / "upload.zip", archive.UPLOAD_LIMITS)
        except ValueError as error:
            return [f"not graded: {label}: {error}"]
        with upload:
            files, notes = archive.members(upload, archive.UPLOAD_LIMITS)
            notes = [note.replace("not graded: ", f"not graded: {label}/", 1) for note in notes]
            budget = archive.Budget(archive.UPLOAD_BYTES, parent=budget, name="one upload's files")
            for member, parts in files:
                name = f"{label}/{archive.entry_name(member)}"
                if parts[-1].lower().endswith(".zip"):
                    notes.append(f"not graded: {name}: an archive inside an upload is not opened")
                elif why := archive.extract(upload, member, folder, parts, budget, archive.UPLOAD_LIMITS):
                    notes.append(f"not graded: {name}: {why}")
    return notes


def from_zip(source: Path, wanted: Sequence[str], output: PathLike) -> tuple[list[Submission], list[str]]:
    """Collect an LMS zip into ``output/submitted/<student>/<assignment>/``.

    Per student and assignment the newest attempt is kept (the highest ``-N``, then the
    latest time in the zip); every other file is named in a note.
    """
    output = Path(output)
    budget = archive.Budget(max(MIN_BUDGET, BUDGET_RATIO * source.stat().st_size))
    try:
        lms = archive.open_zip(source, archive.LMS_LIMITS)
    except ValueError as error:
        raise ValueError(f"{source.name}: {error}") from None
    with lms:
        files, notes = archive.members(lms, archive.LMS_LIMITS)
        if not files and not notes:
            raise ValueError(f"{source.name} is empty")
        claims: dict[tuple[str, str], list] = {}
        for info, parts in files:
            claim = _claim("/" + "/".join(parts), wanted)
            if claim is None:
                notes.append(f"not graded: {archive.entry_name(info)}: not named "
                             "<student>_..._<assignment>.ipynb, nor <student>_....zip (an upload)")
                continue
            student, assignment, attempt, upload = claim
            claims.setdefault((student, assignment), []).append((attempt, info.date_time, info.filename, info, upload))
        if not claims:
            raise ValueError(f"{source.name} holds no notebook named like <student>_..._<assignment>.ipynb")
        ids = assign_ids(student for student, _ in claims)
        notes += [note for _, note in sorted(ids.values()) if note]
        scratch = output / "downloaded"
        scratch.mkdir(parents=True, exist_ok=True)
        for (student, assignment), found in sorted(claims.items()):
            found.sort(key=lambda claim: claim[:3])
            *older, (_, _, _, info, upload) = found
            notes += [f"not graded: {archive.entry_name(old[3])}: an earlier attempt than {archive.entry_name(info)}"
                      for old in older]
            folder = output / "submitted" / ids[student][0] / assignment
            _fresh(folder)
            if upload:
                notes += _unpack_upload(lms, info, folder, scratch, budget)
            elif why := archive.extract(lms, info, folder, [f"{assignment}.ipynb"], budget, archive.LMS_LIMITS):
                notes.append(f"not graded: {archive.entry_name(info)}: {why}")
    submissions = [Submission(ids[student][0], assignment, output / "submitted" / ids[student][0] / assignment)
                   for student in sorted(ids, key=lambda name: ids[name][0]) for assignment in wanted]
    return submissions, notes


def collect(source: PathLike, wanted: Sequence[str], output: PathLike) -> tuple[list[Submission], list[str]]:
    """Submissions from a folder or a zip.

    Returns
    -------
    (list of Submission, list of str)
        The submissions and notes for the instructor: each file that is not graded, as
        ``"not graded: <file>: <why>"``, and each student id that had to change.

    Raises
    ------
    ValueError
        When the source cannot be read at all (no such path, a broken or empty zip).
    """
    source = Path(source)
    if not source.exists():
        raise ValueError(f"{source} does not exist")
    if source.is_file():
        return from_zip(source, wanted, output)
    return from_folder(source, wanted)
