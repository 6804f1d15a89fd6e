"""Generate student versions (``exercises/``) from the source notebooks (``solutions/``).

This is nbgrader's ``generate_assignment``: solutions become stubs, hidden tests
are removed, cells are locked and checksummed. It also records each source
notebook's cells in a gradebook, which is what grading needs; :func:`release`
therefore serves both the instructor's ``./course release`` and the grader.

Each student version also gets a Chinese edition, ``exercises/<id>/zh_CN/<id>.ipynb``: the same
notebook (same cells, code, tests, metadata and checksums, same file name, so it is submitted and
graded exactly like the English one) with its markdown translated through
``locale/zh_CN/LC_MESSAGES/exercises/<id>.po`` (see :mod:`autograder.notebook_i18n`); a block
without a finished translation stays English.

Every student version says its language in ``metadata["bnweek"]["language"]`` (``"en"`` or
``"zh_CN"``): the grader gives the hidden tests' verdicts in that language
(:func:`autograder.kernel.tfcheck.configure`).
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import nbformat
from nbgrader.apps import NbGraderAPI

from autograder.course import EXERCISES, REPO, assignments, nbgrader_config

if TYPE_CHECKING:
    import os
    from collections.abc import Iterable

    PathLike = str | os.PathLike[str]

log = logging.getLogger(__name__)

TRANSLATIONS = {"zh_CN": REPO / "locale" / "zh_CN" / "LC_MESSAGES" / "exercises"}

#: The language of the English student version, as ``metadata["bnweek"]["language"]`` says it.
ENGLISH = "en"


class ReleaseError(RuntimeError):
    """nbgrader could not generate an assignment."""


def release(assignment_ids: Iterable[str], *, course_root: PathLike, release_directory: PathLike = EXERCISES,
            db_url: str | None = None) -> None:
    """Run ``generate_assignment`` for each id, recording the sources in the gradebook.

    Parameters
    ----------
    assignment_ids : iterable of str
    course_root : path-like
        Where the gradebook lives (created if needed).
    release_directory : path-like
        Where the student versions go.
    db_url : str, optional
        Gradebook URL; SQLite in ``course_root`` by default.
    """
    Path(course_root).mkdir(parents=True, exist_ok=True)
    api = NbGraderAPI(config=nbgrader_config(course_root, release_directory, db_url))
    for assignment in assignment_ids:
        result = api.generate_assignment(assignment, force=True, create=True)
        if not result["success"]:
            raise ReleaseError(f"nbgrader could not generate {assignment}:\n{result['error']}\n{result['log']}")
        english = Path(release_directory) / assignment / f"{assignment}.ipynb"
        nbformat.write(with_language(nbformat.read(english, as_version=4), ENGLISH), english)
        for language in TRANSLATIONS:
            write_translation(assignment, language, release_directory)


def with_language(notebook: nbformat.NotebookNode, language: str) -> nbformat.NotebookNode:
    """``notebook`` with ``metadata["bnweek"]["language"]`` set to ``language`` (other metadata kept)."""
    notebook.metadata.setdefault("bnweek", {})["language"] = language
    return notebook


def translated_path(assignment: str, language: str, release_directory: PathLike = EXERCISES) -> Path:
    """Where the ``language`` edition of an assignment's student version goes."""
    return Path(release_directory) / assignment / language / f"{assignment}.ipynb"


def write_translation(assignment: str, language: str, release_directory: PathLike = EXERCISES) -> Path:
    """Write the ``language`` edition of ``release_directory/<id>/<id>.ipynb`` beside it; return its path."""
    from autograder.notebook_i18n import translate_notebook, translator

    english = nbformat.read(Path(release_directory) / assignment / f"{assignment}.ipynb", as_version=4)
    notebook = with_language(translate_notebook(english, translator(TRANSLATIONS[language] / f"{assignment}.po")),
                             language)
    path = translated_path(assignment, language, release_directory)
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, path)
    return path


def main(*, assignment_ids: Iterable[str] = (), release_directory: PathLike = EXERCISES) -> None:
    """Regenerate the student versions of the given assignments (all by default)."""
    assignment_ids = list(assignment_ids) or assignments()
    unknown = sorted(set(assignment_ids) - set(assignments()))
    if unknown:
        raise SystemExit(f"unknown assignment id(s): {', '.join(unknown)}; known: {', '.join(assignments())}")
    with tempfile.TemporaryDirectory(prefix="bnweek-release-") as course_root:
        release(assignment_ids, course_root=course_root, release_directory=release_directory)
    for assignment in assignment_ids:
        log.info(f"released {assignment} -> {Path(release_directory) / assignment}")
