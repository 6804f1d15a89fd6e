"""Turn what an instructor hands in (a folder or an LMS zip) into submissions.

Folders follow nbgrader's layout, ``submitted/<student>/<assignment>/`` (the
``submitted`` level may be omitted). Zips go through nbgrader's ``zip_collect``
(:class:`nbgrader.apps.ZipCollectApp`): extracted into ``downloaded/<assignment>/``,
then each file is sorted into ``submitted/<student>/<assignment>/`` by its name.
LMS downloads name files ``<student>_<anything>_<notebook>.ipynb`` (Canvas adds
ids and ``-1`` on resubmission); :data:`LMS_FILENAME` matches that.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

from nbgrader.apps import ZipCollectApp

from autograder.course import nbgrader_config
from autograder.grading.intake import Submission

if TYPE_CHECKING:
    import os
    from collections.abc import Sequence

    PathLike = str | os.PathLike[str]

#: nbgrader ``FileNameCollectorPlugin.named_regexp`` for one assignment's notebooks.
LMS_FILENAME = r".*/(?P<student_id>[^/_]+)_(?:[^/]*_)?(?P<file_id>{assignment})(?:-\d+)?\.ipynb$"
SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@+-]*$")


def student_id(name: str) -> tuple[str, str]:
    """A gradebook-safe student id for a folder name, and a note if it had to change.

    Names that are not valid UTF-8 or contain unusual characters keep their
    readable part plus a short hash of the original, so two students never merge.
    """
    raw = name.encode("utf-8", "surrogateescape")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("utf-8", "replace")
    if SAFE_ID.match(text) and text == name:
        return text, ""
    readable = re.sub(r"[^A-Za-z0-9_.@+-]+", "_", text).strip("_") or "student"
    safe = f"{readable}-{hashlib.sha1(raw).hexdigest()[:8]}"
    return safe, f"student folder name {ascii(name)} was stored as {safe}"


def from_folder(root: PathLike, wanted: Sequence[str]) -> tuple[list[Submission], list[str]]:
    """Submissions under ``root`` (``submitted/`` or its parent), for each wanted assignment.

    Every student folder yields one submission per wanted assignment, so a
    student who did not hand one in gets a row saying so.
    """
    root = Path(root)
    if (root / "submitted").is_dir():
        root = root / "submitted"
    submissions, notes = [], []
    for folder in sorted(path for path in root.iterdir() if path.is_dir() and not path.name.startswith(".")):
        student, note = student_id(folder.name)
        if note:
            notes.append(note)
        for assignment in wanted:
            submissions.append(Submission(student, assignment, folder / assignment))
    return submissions, notes


def from_zip(archive: Path, wanted: Sequence[str], output: PathLike) -> tuple[list[Submission], list[str]]:
    """Collect an LMS zip with nbgrader's ``zip_collect`` into ``output/submitted``."""
    try:
        with zipfile.ZipFile(archive) as opened:
            names = opened.namelist()
    except zipfile.BadZipFile as error:
        raise ValueError(f"{archive.name} is not a readable zip file ({error})") from None
    if not [name for name in names if not name.endswith("/")]:
        raise ValueError(f"{archive.name} is empty")
    output = Path(output)
    notes: list[str] = []
    for assignment in wanted:
        downloaded = output / "downloaded" / assignment / "archive"
        shutil.rmtree(downloaded.parent, ignore_errors=True)
        downloaded.mkdir(parents=True)
        shutil.copy(archive, downloaded / archive.name)
        config = nbgrader_config(output)
        config.CourseDirectory.assignment_id = assignment
        config.ZipCollectApp.force = True
        config.FileNameCollectorPlugin.named_regexp = LMS_FILENAME.format(assignment=re.escape(assignment))
        app = ZipCollectApp(config=config)
        app.initialize([])
        app.init_plugins()
        app.extract_archive_files()
        app.process_extracted_files()
    submitted = output / "submitted"
    if not submitted.is_dir():
        raise ValueError(f"{archive.name} holds no notebook named like <student>_..._<assignment>.ipynb")
    submissions, folder_notes = from_folder(submitted, wanted)
    return submissions, notes + folder_notes


def collect(source: PathLike, wanted: Sequence[str], output: PathLike) -> tuple[list[Submission], list[str]]:
    """Submissions from a folder or a zip.

    Returns
    -------
    (list of Submission, list of str)
        The submissions and notes for the instructor.

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
