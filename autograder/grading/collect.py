"""Turn what an instructor hands in (a folder or an LMS zip) into submissions.

Folders follow nbgrader's layout, ``submitted/<student>/<assignment>/`` (the
``submitted`` level may be omitted). A zip is a learning management system's download:
each entry is read as Canvas, Moodle, Blackboard, Brightspace or Gradescope name their
students' files, or as nbgrader's ``zip_collect`` reads ``<student>_<anything>_<assignment>.ipynb``
(:mod:`autograder.grading.lms`); ``<student>_<anything>.zip`` is a student's upload. The zip is
opened with :mod:`autograder.grading.archive`'s bounds: of several files of one student the
newest attempt is kept (a duplicate never ends the run, as it ends ``zip_collect``), and an
upload is unpacked only into its uploader's folder, whatever the names inside it say.

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
from typing import TYPE_CHECKING, Any

from autograder.grading import archive, lms
from autograder.grading.inert import printable
from autograder.grading.intake import Submission, kind

if TYPE_CHECKING:
    import zipfile
    from collections.abc import Iterable, Sequence

    PathLike = str | os.PathLike[str]

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
    ids: dict[str, tuple[str, str]] = {}
    taken: dict[str, str] = {}
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


def _gradescope(lms_zip: zipfile.ZipFile, files: list) -> tuple[dict | None, list[str]]:
    """Gradescope's ``submission_metadata.yml`` in the download, read (at most 4 MiB), or ``None``."""
    import yaml

    for info, parts in files:
        if parts[-1] == "submission_metadata.yml":
            if info.file_size > 4 * 2**20:
                return None, [f"not graded: {archive.entry_name(info)}: more than 4 MiB"]
            try:
                return lms.gradescope_submitters(yaml.safe_load(lms_zip.read(info))), []
            except Exception as error:  # noqa: BLE001  (a broken record is the download's problem, named)
                return None, [f"not graded: {archive.entry_name(info)}: unreadable ({type(error).__name__})"]
    return None, []


def _sort(claim: lms.Claim, info: zipfile.ZipInfo, wanted: Sequence[str]) -> tuple[str | None, str, int, str]:
    """``(assignment, role, copy, why)`` of a recognised file: role "notebook", "upload" or "file" (beside them)."""
    name = claim.file.rsplit("/", 1)[-1]
    if not name:
        return None, "", 0, f"{claim.lms}'s record of the submission"
    if name.lower().endswith(".zip"):
        named = [assignment for assignment in wanted if assignment.casefold() in name.casefold()]
        if len(named) == 1 or len(wanted) == 1:
            return (named or wanted)[0], "upload", 0, ""
        return None, "", 0, "an upload that names no one assignment"
    assignment, copy = lms.notebook_of(name, wanted)
    if assignment:
        return assignment, "notebook", copy, ""
    if len(wanted) == 1:
        return wanted[0], "notebook" if name.lower().endswith(".ipynb") else "file", copy, ""
    return None, "", 0, "a file of no one assignment"


def _newest(found: list) -> tuple[list, list, str]:
    """One student's files for one assignment: those of the newest attempt, the others, and how it was chosen.

    ``found`` holds ``(claim, info, role, copy)``. The newest attempt is the latest by the system's
    own time; in it, the notebook or upload kept is the highest copy (``-1``, ``(1)``), then the latest
    time in the zip; files beside it stay.
    """
    latest = max(claim.attempt for claim, *_ in found)
    attempt = [item for item in found if item[0].attempt == latest]
    earlier = [item for item in found if item[0].attempt != latest]
    candidates = sorted((item for item in attempt if item[2] != "file"),
                        key=lambda item: (item[3], item[1].date_time, item[1].filename))
    how = f"by {found[0][0].lms}'s time" if earlier else "by its copy number, then its time in the zip"
    return [item for item in attempt if item[2] == "file"] + candidates[-1:], earlier + candidates[:-1], how


def from_zip(source: Path, wanted: Sequence[str], output: PathLike) -> tuple[list[Submission], list[str]]:
    """Collect an LMS download into ``output/submitted/<student>/<assignment>/``.

    Each entry is read as its system names it (:mod:`autograder.grading.lms`): Canvas, Moodle,
    Blackboard, Brightspace, Gradescope or nbgrader's plain naming. Per student and assignment
    the newest attempt is kept (the system's own time, then a copy's number, then the time in
    the zip) and the others are named in a note; the system's id for the student, the time of
    the submission and a late mark travel on the :class:`~autograder.grading.intake.Submission`.
    """
    output = Path(output)
    budget = archive.Budget(max(MIN_BUDGET, BUDGET_RATIO * source.stat().st_size))
    try:
        lms_zip = archive.open_zip(source, archive.LMS_LIMITS)
    except ValueError as error:
        raise ValueError(f"{source.name}: {error}") from None
    with lms_zip:
        files, notes = archive.members(lms_zip, archive.LMS_LIMITS)
        if not files and not notes:
            raise ValueError(f"{source.name} is empty")
        gradescope, read = _gradescope(lms_zip, files)
        notes += read
        claims: dict[tuple[str, str], list] = {}
        for info, parts in files:
            if parts[-1] in lms.RECORDS:
                notes.append(f"not graded: {archive.entry_name(info)}: {lms.RECORDS[parts[-1]]}'s record of the download")
                continue
            claim = lms.recognise(parts, gradescope, wanted)
            if claim is None:
                notes.append(f"not graded: {archive.entry_name(info)}: not named as Canvas, Moodle, Blackboard, "
                             "Brightspace or Gradescope name a student's file, nor <student>_..._<assignment>.ipynb")
                continue
            assignment, role, copy, why = _sort(claim, info, wanted)
            if assignment is None:
                notes.append(f"not graded: {archive.entry_name(info)}: {why}")
                continue
            claims.setdefault((claim.student, assignment), []).append((claim, info, role, copy))
        if not claims:
            raise ValueError(f"{source.name} holds no notebook named like <student>_..._<assignment>.ipynb")
        ids = assign_ids(student for student, _ in claims)
        notes += [note for _, note in sorted(ids.values()) if note]
        scratch = output / "downloaded"
        scratch.mkdir(parents=True, exist_ok=True)
        kept: dict[tuple[str, str], lms.Claim] = {}
        for (student, assignment), found in sorted(claims.items(), key=lambda item: item[0]):
            chosen, dropped, how = _newest(found)
            shown = ", ".join(archive.entry_name(info) for _, info, role, _ in chosen if role != "file")
            notes += [f"not graded: {archive.entry_name(info)}: an earlier attempt than {shown} ({how})"
                      for _, info, _, _ in dropped]
            folder = output / "submitted" / ids[student][0] / assignment
            _fresh(folder)
            for claim, info, role, _ in chosen:
                kept[(ids[student][0], assignment)] = claim
                if role == "upload":
                    notes += _unpack_upload(lms_zip, info, folder, scratch, budget)
                    continue
                written = [f"{assignment}.ipynb"] if role == "notebook" else claim.file.split("/")
                if why := archive.extract(lms_zip, info, folder, written, budget, archive.LMS_LIMITS):
                    notes.append(f"not graded: {archive.entry_name(info)}: {why}")
    submissions = []
    for student in sorted(ids, key=lambda name: ids[name][0]):
        ident = ids[student][0]
        for assignment in wanted:
            claim = kept.get((ident, assignment)) or next(
                (c for (i, _), c in sorted(kept.items(), key=lambda item: item[0]) if i == ident), None)
            origin: dict[str, Any] = {} if claim is None else {
                "lms": claim.lms, "lms_id": claim.lms_id, "late": claim.late,
                "submitted": claim.submitted if (ident, assignment) in kept else ""}
            submissions.append(Submission(ident, assignment, output / "submitted" / ident / assignment, **origin))
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
