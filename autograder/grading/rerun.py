"""Which submissions a re-run grades again: those whose content changed, and the students asked for.

A run records, in its output folder, a digest of what each graded submission held (its notebook's bytes and
its other files'). The next run into that folder compares: a submission whose digest changed, or that is
new, is graded again; one that did not is reused as it was graded. ``--student ID`` grades one student again
whatever changed. A submission is graded again by removing its autograded notebook, the batch's mark of a
graded submission (:func:`autograder.grading.batch.already_graded`), so everyone else keeps their row.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from autograder.grading.intake import GRADED, MAX_ENTRIES, find_notebook, read_regular

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from autograder.grading.intake import Submission
    from autograder.grading.results import Outcome

#: The digests of the last run, in its output folder.
DIGESTS = "digests.json"
#: Bytes of one file beside the notebook that are read into its digest at most (beyond, its size stands in).
MAX_HASHED = 64 * 2**20


@dataclass(frozen=True)
class Plan:
    """What a run into an output folder will do with each submission.

    Attributes
    ----------
    digests : dict
        ``{"<student>/<assignment>": digest}`` of every submission now.
    again : frozenset
        ``(student, assignment)`` of the submissions graded before that are graded again.
    reused : frozenset
        ``(student, assignment)`` of those graded before and reused unchanged.
    """

    digests: dict
    again: frozenset
    reused: frozenset


def digest(submission: Submission) -> str:
    """A SHA-256 of what a submission holds: its notebook's bytes, then each other plain file's name and bytes.

    Nothing is followed or read that intake would not read (links, pipes, devices are named, not
    read); a submission with no notebook to grade digests to its problem.
    """
    path, status, note = find_notebook(submission)
    hashed = hashlib.sha256()
    if path is None or status != GRADED:
        hashed.update(f"not graded: {note}".encode("utf-8", "surrogateescape"))
        return hashed.hexdigest()
    try:
        hashed.update(read_regular(path))
    except (OSError, ValueError) as error:
        hashed.update(f"unreadable: {error}".encode("utf-8", "surrogateescape"))
    with os.scandir(submission.folder) as scan:
        entries = sorted((entry for _, entry in zip(range(MAX_ENTRIES), scan)), key=lambda entry: entry.name)
    for entry in entries:
        info = entry.stat(follow_symlinks=False)
        hashed.update(os.fsencode(entry.name) + b"\0" + str(stat.S_IFMT(info.st_mode)).encode())
        if stat.S_ISREG(info.st_mode) and entry.name != path.name:
            if info.st_size > MAX_HASHED:
                hashed.update(str(info.st_size).encode())
                continue
            try:
                hashed.update(_read_beside(entry.path))
            except OSError:
                hashed.update(b"unreadable")
    return hashed.hexdigest()


def _read_beside(path: str) -> bytes:
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    descriptor = os.open(path, flags)
    with os.fdopen(descriptor, "rb") as file:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise OSError("not a regular file")
        return file.read(MAX_HASHED)


def _key(student: str, assignment: str) -> str:
    return f"{student}/{assignment}"


def _marker(output: Path, submission: Submission) -> Path:
    return output / "autograded" / submission.student / submission.assignment / f"{submission.assignment}.ipynb"


def plan(submissions: Sequence[Submission], output: str | os.PathLike[str], student: str | None = None) -> Plan:
    """Compare each submission with the last run into ``output``; clear the mark of those to grade again.

    Parameters
    ----------
    submissions : list of Submission
    output : path-like
        The run's output folder.
    student : str, optional
        A stored student id whose submissions are graded again whatever changed.
    """
    output = Path(output)
    try:
        before = json.loads((output / DIGESTS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        before = {}
    digests, again, reused = {}, set(), set()
    for submission in submissions:
        key = _key(submission.student, submission.assignment)
        digests[key] = now = digest(submission)
        marker = _marker(output, submission)
        if not marker.is_file():
            continue
        if before.get(key) != now or submission.student == student:
            marker.unlink()
            again.add((submission.student, submission.assignment))
        else:
            reused.add((submission.student, submission.assignment))
    return Plan(digests, frozenset(again), frozenset(reused))


def remember(planned: Plan, outcomes: Iterable[Outcome], output: str | os.PathLike[str]) -> None:
    """Record the digests of the submissions that stand graded after this run (a grader error is not)."""
    path = Path(output) / DIGESTS
    try:
        kept = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        kept = {}
    for outcome in outcomes:
        key = _key(outcome.student, outcome.assignment)
        if outcome.graded and key in planned.digests:
            kept[key] = planned.digests[key]
        else:
            kept.pop(key, None)
    partial = path.with_suffix(".json.partial")
    partial.write_text(json.dumps(kept, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(partial, path)
