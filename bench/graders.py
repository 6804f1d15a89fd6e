"""The two ways the grading benches grade a class: nbgrader's own autograde, and the BN Week pipeline.

Both write a gradebook under a course root of their own; :func:`scores` reads
either back, so that a bench can check the two agree point for point. Both find
the assignments released into their gradebook before the clock starts (an
instructor releases an assignment long before grading it), and both grade every
submission of the class (the pipeline's output folder is new: nothing in it is
graded yet).
"""

import time

from nbgrader.api import Gradebook
from nbgrader.apps import NbGraderAPI

from autograder.course import assignments, nbgrader_config
from autograder.grading.batch import RunFolder, grade
from autograder.release import release


def scores(db_url, submissions):
    """``{(student, assignment): sorted [(test cell, score)]}`` from a gradebook."""
    with Gradebook(db_url) as gradebook:
        return {
            (s.student, s.assignment): sorted(
                (g.name, g.score) for g in gradebook.find_submission_notebook(s.assignment, s.assignment, s.student).grades
            )
            for s in submissions
        }


def plain_nbgrader(root, submissions):
    """nbgrader's own autograde, one submission after another.

    Returns
    -------
    (float, dict, dict)
        Wall seconds of the whole run, the scores, and each submission's own seconds.
    """
    config = nbgrader_config(root)
    release(assignments(), course_root=root, release_directory=root / "release")
    api = NbGraderAPI(config=config)
    each = {}
    started = time.monotonic()
    for s in submissions:
        began = time.monotonic()
        result = api.autograde(s.assignment, s.student, force=True, create=True)
        if not result["success"]:
            raise RuntimeError(result["error"])
        each[s] = time.monotonic() - began
    return time.monotonic() - started, scores(config.CourseDirectory.db_url, submissions), each


def pipeline(root, submissions, workers, confined=True, feedback=False):
    """The BN Week pipeline, in one run.

    Returns
    -------
    (float, dict, list of Outcome)
        Wall seconds, the scores, and the pipeline's outcomes (each with its execution seconds).
    """
    RunFolder(root).ensure_assignments(assignments())  # as plain_nbgrader's release, before the clock
    started = time.monotonic()
    outcomes = grade(submissions, output=root, workers=workers, feedback=feedback, confined=confined)
    return time.monotonic() - started, scores(f"sqlite:///{root / 'gradebook.db'}", submissions), outcomes
