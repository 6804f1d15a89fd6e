"""Generate student versions (``exercises/``) from the source notebooks (``solutions/``).

This is nbgrader's ``generate_assignment``: solutions become stubs, hidden tests
are removed, cells are locked and checksummed. It also records each source
notebook's cells in a gradebook, which is what grading needs; :func:`release`
therefore serves both the instructor's ``./course release`` and the grader.
"""

import tempfile
from pathlib import Path

from nbgrader.apps import NbGraderAPI

from autograder.course import EXERCISES, assignments, nbgrader_config


class ReleaseError(RuntimeError):
    """nbgrader could not generate an assignment."""


def release(assignment_ids, *, course_root, release_directory=EXERCISES, db_url=None):
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


def main(*, assignment_ids=(), release_directory=EXERCISES):
    """Regenerate the student versions of the given assignments (all by default)."""
    assignment_ids = list(assignment_ids) or assignments()
    unknown = sorted(set(assignment_ids) - set(assignments()))
    if unknown:
        raise SystemExit(f"unknown assignment id(s): {', '.join(unknown)}; known: {', '.join(assignments())}")
    with tempfile.TemporaryDirectory(prefix="bnweek-release-") as course_root:
        release(assignment_ids, course_root=course_root, release_directory=release_directory)
    for assignment in assignment_ids:
        print(f"released {assignment} -> {Path(release_directory) / assignment}")
