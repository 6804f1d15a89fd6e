"""Where the course lives, which assignments exist, and nbgrader's config for a run.

The course's fixed layout (``solutions/`` is nbgrader's source directory,
``exercises/`` its release directory) is set here; the course *root*, where
nbgrader keeps its gradebook and the ``submitted/``, ``autograded/`` and
``feedback/`` folders, is a working directory chosen per run, never the
repository.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

from autograder.nbgrader_cells import grade_id, is_answer, is_split, is_test, nbgrader

if TYPE_CHECKING:
    import os
    from collections.abc import Iterable, Mapping

REPO = Path(__file__).resolve().parent.parent
SOLUTIONS = REPO / "solutions"
#: The course's importable code: all of the repository a grading kernel may see.
COURSE_CODE = REPO / "autograder"
EXERCISES = REPO / "exercises"
#: Catalogued wrong and alternative answers per function (:mod:`autograder.catalogue`).
CATALOGUE = REPO / "tests" / "catalogue"
CONFIG_FILE = Path(__file__).resolve().parent / "nbgrader_config.py"


def assignments() -> list[str]:
    """Ids of every assignment in ``solutions/``, in chapter order.

    Returns
    -------
    list of str
        e.g. ``["ch1_normalizing", "ch2_fitting_bn"]``.
    """
    return sorted(path.parent.name for path in SOLUTIONS.glob("*/*.ipynb") if path.stem == path.parent.name)


def source_notebook(assignment: str) -> Path:
    """Path of an assignment's source notebook."""
    return SOLUTIONS / assignment / f"{assignment}.ipynb"


def _nbgrader_cells(assignment):
    """The source notebook's cells, as plain dicts, in order.

    Parsed once per version of the file: a grading run asks for every submission,
    and an edited source notebook is read again.
    """
    path = source_notebook(assignment)
    return _parse_cells(path, path.stat().st_mtime_ns)


def source_cells(assignment: str) -> tuple[dict, ...]:
    """The source notebook's cells, as plain dicts, in order: what every cell's role and points come from."""
    return _nbgrader_cells(assignment)


@functools.lru_cache(maxsize=32)
def _parse_cells(path, _mtime_ns):
    return tuple(json.loads(path.read_text())["cells"])


def graded_tests(assignment: str) -> dict[str, float]:
    """The autograded test cells of an assignment, in notebook order.

    Returns
    -------
    dict
        ``{"test_<function>": points}``.
    """
    # nbgrader gives every graded cell a grade_id (its validator refuses one without).
    return {cast(str, grade_id(cell)): float(nbgrader(cell).get("points", 0))
            for cell in _nbgrader_cells(assignment) if is_test(cell)}


#: A cell's role in grading (:func:`role_of`): the student's answer (a graded function), an autograded
#: test run in the judge, a *split* test (visible part with the submission's code, hidden part in the
#: judge), a locked setup cell run in both kernels, or any other cell (run with the submission's code).
ANSWER, TEST, SPLIT, SETUP, OTHER = "answer", "test", "split", "setup", "other"
#: :func:`cell_roles`' key for each role that has one.
ROLE_KEYS = {TEST: "tests", SPLIT: "split", SETUP: "setup", ANSWER: "functions"}


def role_of(cell: Mapping[str, Any], roles: Mapping[str, Iterable[str]] | None = None) -> str:
    """A cell's role in grading: one of :data:`ANSWER`, :data:`TEST`, :data:`SPLIT`, :data:`SETUP`, :data:`OTHER`.

    Parameters
    ----------
    cell : dict or NotebookNode
    roles : dict, optional
        The source notebook's roles (:func:`cell_roles`). Given, the cell's role is the one
        the source notebook gives its ``grade_id``, so a submission's own metadata decides
        nothing; without it, the role is read from the cell's own metadata (a source
        notebook's cell).

    Returns
    -------
    str
        Only a code cell has a role other than :data:`OTHER`.
    """
    if cell.get("cell_type") != "code":
        return OTHER
    if roles is not None:
        name = grade_id(cell)
        return next((role for role, key in ROLE_KEYS.items() if name is not None and name in roles.get(key, ())),
                    OTHER)
    if is_answer(cell):
        return ANSWER
    if is_test(cell):
        return SPLIT if is_split(cell) else TEST
    return SETUP if nbgrader(cell).get("locked") else OTHER


def cell_roles(assignment: str) -> dict[str, list[str]]:
    """What the grader's judge kernel needs to know about an assignment's cells.

    Returns
    -------
    dict
        ``{"tests": [...], "split": [...], "setup": [...], "functions": [...]}``: the
        grade_ids of the autograded test cells that run in the judge, of those whose
        visible part runs in the submission's kernel (marked split in the source
        notebook, :func:`~autograder.nbgrader_cells.is_split`), of the locked setup
        cells, and the graded functions' names (their answer cells' grade_ids); each
        cell's role is :func:`role_of`'s.
    """
    roles: dict[str, list[str]] = {key: [] for key in ROLE_KEYS.values()}
    for cell in _nbgrader_cells(assignment):
        role = role_of(cell)
        cell_id = grade_id(cell)
        if role in ROLE_KEYS and cell_id is not None:
            roles[ROLE_KEYS[role]].append(cell_id)
    return roles


def nbgrader_config(course_root: str | os.PathLike[str], release_directory: str | os.PathLike[str] = EXERCISES,
                    db_url: str | None = None) -> Config:
    """nbgrader's configuration for a run rooted at ``course_root``.

    Parameters
    ----------
    course_root : path-like
        Working directory holding the gradebook and nbgrader's step folders.
    release_directory : path-like
        Where ``generate_assignment`` writes student versions.
    db_url : str, optional
        A SQLAlchemy URL for the gradebook; by default SQLite in ``course_root``.

    Returns
    -------
    traitlets.config.Config
    """
    course_root = Path(course_root).resolve()
    config = Config()
    config.merge(PyFileConfigLoader(str(CONFIG_FILE)).load_config())
    config.CourseDirectory.root = str(course_root)
    config.CourseDirectory.source_directory = str(SOLUTIONS)
    config.CourseDirectory.release_directory = str(Path(release_directory).resolve())
    config.CourseDirectory.db_url = db_url or f"sqlite:///{course_root / 'gradebook.db'}"
    return config
