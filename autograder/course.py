"""Where the course lives, which assignments exist, and nbgrader's config for a run.

The course's fixed layout (``solutions/`` is nbgrader's source directory,
``exercises/`` its release directory) is set here; the course *root*, where
nbgrader keeps its gradebook and the ``submitted/``, ``autograded/`` and
``feedback/`` folders, is a working directory chosen per run, never the
repository.
"""

import functools
import json
from pathlib import Path

from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

from autograder.nbgrader_cells import nbgrader

REPO = Path(__file__).resolve().parent.parent
SOLUTIONS = REPO / "solutions"
#: The course's importable code: all of the repository a grading kernel may see.
COURSE_CODE = REPO / "autograder"
EXERCISES = REPO / "exercises"
CONFIG_FILE = Path(__file__).resolve().parent / "nbgrader_config.py"


def assignments():
    """Ids of every assignment in ``solutions/``, in chapter order.

    Returns
    -------
    list of str
        e.g. ``["ch1_normalizing", "ch2_fitting_bn"]``.
    """
    return sorted(path.parent.name for path in SOLUTIONS.glob("*/*.ipynb") if path.stem == path.parent.name)


def source_notebook(assignment):
    """Path of an assignment's source notebook."""
    return SOLUTIONS / assignment / f"{assignment}.ipynb"


def _nbgrader_cells(assignment):
    """``(cell_type, nbgrader metadata)`` of every cell of the source notebook, in order.

    Parsed once per version of the file: a grading run asks for every submission,
    and an edited source notebook is read again.
    """
    path = source_notebook(assignment)
    return _parse_nbgrader_cells(path, path.stat().st_mtime_ns)


@functools.lru_cache(maxsize=32)
def _parse_nbgrader_cells(path, _mtime_ns):
    notebook = json.loads(path.read_text())
    return tuple((cell["cell_type"], nbgrader(cell)) for cell in notebook["cells"])


def graded_tests(assignment):
    """The autograded test cells of an assignment, in notebook order.

    Returns
    -------
    dict
        ``{"test_<function>": points}``.
    """
    return {meta["grade_id"]: float(meta.get("points", 0))
            for _, meta in _nbgrader_cells(assignment) if meta.get("grade") and not meta.get("solution")}


#: Test cells whose visible asserts run in the submission's kernel, and only their hidden
#: region in the judge. Chapter 6's visible tests of its Keras layer, model builder, loss,
#: training step and device rule handle the student's objects themselves (a layer, a model,
#: a gradient tape), which cannot cross to the judge; its hidden tests ask about those
#: objects through :mod:`autograder.probes` and decide the cell's points.
SPLIT_TESTS = {
    "ch6_tensorflow": {"test_BatchNorm", "test_build_model", "test_compute_total_loss", "test_train_step",
                       "test_best_device"},
}


def cell_roles(assignment):
    """What the grader's judge kernel needs to know about an assignment's cells.

    Returns
    -------
    dict
        ``{"tests": [...], "split": [...], "setup": [...], "functions": [...]}``: the
        grade_ids of the autograded test cells that run in the judge, of those whose
        visible part runs in the submission's kernel (:data:`SPLIT_TESTS`), of the
        locked setup cells, and the graded functions' names (their answer cells' grade_ids).
    """
    split = SPLIT_TESTS.get(assignment, set())
    roles = {"tests": [], "split": [], "setup": [], "functions": []}
    for cell_type, meta in _nbgrader_cells(assignment):
        if cell_type != "code" or "grade_id" not in meta:
            continue
        if meta.get("solution"):
            roles["functions"].append(meta["grade_id"])
        elif meta.get("grade"):
            roles["split" if meta["grade_id"] in split else "tests"].append(meta["grade_id"])
        elif meta.get("locked"):
            roles["setup"].append(meta["grade_id"])
    return roles


def nbgrader_config(course_root, release_directory=EXERCISES, db_url=None):
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
