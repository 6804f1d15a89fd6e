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
from typing import TYPE_CHECKING

from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

from autograder.nbgrader_cells import grade_id, is_answer, is_split, is_test, nbgrader

if TYPE_CHECKING:
    import os

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
    return {grade_id(cell): float(nbgrader(cell).get("points", 0))
            for cell in _nbgrader_cells(assignment) if is_test(cell)}


def cell_roles(assignment: str) -> dict[str, list[str]]:
    """What the grader's judge kernel needs to know about an assignment's cells.

    Returns
    -------
    dict
        ``{"tests": [...], "split": [...], "setup": [...], "functions": [...]}``: the
        grade_ids of the autograded test cells that run in the judge, of those whose
        visible part runs in the submission's kernel (marked split in the source
        notebook, :func:`~autograder.nbgrader_cells.is_split`), of the locked setup
        cells, and the graded functions' names (their answer cells' grade_ids).
    """
    roles: dict[str, list[str]] = {"tests": [], "split": [], "setup": [], "functions": []}
    for cell in _nbgrader_cells(assignment):
        if cell["cell_type"] != "code" or grade_id(cell) is None:
            continue
        if is_answer(cell):
            roles["functions"].append(grade_id(cell))
        elif is_test(cell):
            roles["split" if is_split(cell) else "tests"].append(grade_id(cell))
        elif nbgrader(cell).get("locked"):
            roles["setup"].append(grade_id(cell))
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
