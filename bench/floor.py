"""The floor of grading a class: what running its notebooks costs with no grading machinery at all.

Each submission's *autograded form* (what nbgrader executes: the source
notebook's cells, hidden tests included, with the submission's answer cells) is
written beside the assignment's helper files, as the grader stages it; then
:mod:`warm_shell`, in a process of its own so that its imports stay out of
this one, runs them all back to back in one warm IPython shell.
"""

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat

import warm_shell
from students import answers_of, source

import autograder
from autograder.course import SOLUTIONS
from autograder.environment import TF_LOG_LEVEL
from autograder.nbgrader_cells import with_answers

WARM_UP_FOLDER = "_warm-up"


@dataclass
class FloorRun:
    """What the floor's process measured.

    Attributes
    ----------
    notebooks : dict
        ``{(student, assignment): {"seconds", "by_kind", "failed_tests"}}`` (:mod:`warm_shell`'s keys).
    import_seconds, warm_up_seconds : float
        Importing the heavy modules, then running one notebook of each assignment: neither timed in ``notebooks``.
    """

    notebooks: dict
    import_seconds: float
    warm_up_seconds: float


def autograded_form(submitted, assignment):
    """The notebook nbgrader executes for a submission: the source's cells, the submission's answers.

    Exact for the bench's classes, whose cells outside the answers are the source's
    (nbgrader's ``OverwriteCells`` restores the locked and test cells; the rest carry none of a student's work).
    """
    return with_answers(source(assignment), answers_of(submitted))


def stage(folder, student, assignment, notebook):
    """Write the notebook and the assignment's helper files into ``folder/student/assignment``; return the entry."""
    target = folder / student / assignment
    target.mkdir(parents=True, exist_ok=True)
    for helper in (SOLUTIONS / assignment).iterdir():
        if helper.is_file() and helper.suffix != ".ipynb":
            shutil.copy(helper, target / helper.name)
    path = target / f"{assignment}.ipynb"
    nbformat.write(notebook, path)
    return {warm_shell.KEY: f"{student}/{assignment}", warm_shell.FOLDER: str(target), warm_shell.NOTEBOOK: str(path)}


def environment():
    """The floor process's environment: one BLAS and TensorFlow thread, this checkout's ``autograder`` first."""
    checkout = str(Path(autograder.__file__).resolve().parent.parent)
    env = dict(os.environ, **warm_shell.ONE_THREAD)
    env.setdefault(*TF_LOG_LEVEL)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [checkout, os.environ.get("PYTHONPATH")]))
    return env


def command(manifest, results):
    """The command line that runs :mod:`warm_shell` on a manifest."""
    return [sys.executable, str(Path(warm_shell.__file__).resolve()), str(manifest), str(results)]


def measure(folder, submissions, cell_timeout):
    """Run the floor for these submissions; one notebook of each of their assignments warms up first.

    Parameters
    ----------
    folder : Path
        Scratch space for the floor's notebooks, manifest, results and log.
    submissions : list of Submission
    cell_timeout : float
        Seconds a cell may run (the grader's ``Execute.timeout``).

    Returns
    -------
    FloorRun
    """
    folder.mkdir(parents=True, exist_ok=True)
    assignment_ids = list(dict.fromkeys(s.assignment for s in submissions))
    warm_up = [stage(folder / WARM_UP_FOLDER, "reference", a, source(a)) for a in assignment_ids]
    timed = [
        stage(folder, s.student, s.assignment,
              autograded_form(nbformat.read(s.folder / f"{s.assignment}.ipynb", as_version=4), s.assignment))
        for s in submissions
    ]
    manifest, results, log = folder / "manifest.json", folder / "results.json", folder / "floor.log"
    manifest.write_text(json.dumps({warm_shell.WARM_UP: warm_up, warm_shell.TIMED: timed,
                                    warm_shell.CELL_TIMEOUT: cell_timeout}))
    with open(log, "w") as output:
        finished = subprocess.run(command(manifest, results), env=environment(), stdin=subprocess.DEVNULL,
                                  stdout=output, stderr=subprocess.STDOUT)
    if finished.returncode:
        raise RuntimeError(f"the floor's process failed ({finished.returncode}):\n{log.read_text()[-3000:]}")
    measured = json.loads(results.read_text())
    by_key = {entry[warm_shell.KEY]: entry for entry in measured[warm_shell.NOTEBOOKS]}
    return FloorRun(
        {(s.student, s.assignment): by_key[f"{s.student}/{s.assignment}"] for s in submissions},
        measured[warm_shell.IMPORT_SECONDS], measured[warm_shell.WARM_UP_SECONDS],
    )
