"""Who handed in a file of a learning management system's download, and when: Canvas, Moodle, Blackboard,
Brightspace, Gradescope, or nbgrader's plain ``<student>_..._<assignment>.ipynb``.

Each system names its download's files its own way:

* **Canvas**: ``<login>[_LATE]_<user id>_<attachment id>_<file>``; a file the student uploaded twice under one
  name gets ``-1``, ``-2``;
* **Moodle**: a folder per student, ``<full name>_<participant id>_assignsubmission_file_/<file>`` (or the same
  prefix on each file, without folders);
* **Blackboard**: ``<assignment name>_<username>_attempt_<yyyy-mm-dd-hh-mm-ss>_<file>``, and a ``.txt`` record
  per attempt;
* **Brightspace**: ``<id>-<id> - <full name> - <Mon d, yyyy hmm AM> - <file>`` (or a folder of that name);
* **Gradescope**: ``submission_<id>/<file>`` folders and ``submission_metadata.yml``, which names each
  submission's submitters (``:sid:``, ``:name:``, ``:email:``) and its time (``:created_at:``).

:func:`recognise` reads one entry's path into a :class:`Claim`: the student, the system's own id for them,
the submission's time and an ordering of attempts (newest last). A notebook is recognised by its name
whatever copies a browser or the system made of it (``x (1).ipynb``, ``x-1.ipynb``, another case).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

CANVAS, MOODLE, BLACKBOARD, BRIGHTSPACE, GRADESCOPE, NBGRADER = (
    "Canvas", "Moodle", "Blackboard", "Brightspace", "Gradescope", "nbgrader")

_CANVAS = re.compile(r"(?P<student>[^_/]+?)(?P<late>_LATE)?_(?P<id>\d+)_(?P<attachment>\d+)_(?P<file>[^/]+)")
_MOODLE = re.compile(r"(?P<student>[^/]+?)_(?P<id>\d+)_assign(?:submission|feedback)_(?:file|onlinetext)_(?P<file>[^/]*)")
_BLACKBOARD = re.compile(r"(?P<assignment>[^/]*?)_(?P<student>[^_/]+)_attempt_"
                         r"(?P<time>\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2})(?:\.txt|_(?P<file>[^/]+))?")
_BRIGHTSPACE = re.compile(r"(?P<submission>\d+)-(?P<id>\d+) - (?P<student>[^/]+?) ?- "
                          r"(?P<time>[A-Z][a-z]{2} \d{1,2}, \d{4} \d{3,4} [AP]M)(?: - (?P<file>[^/]+))?")
_GRADESCOPE = re.compile(r"submission_(?P<id>\d+)")
# A copy's marks around a notebook's name: "x (1).ipynb" (a browser), "x-1.ipynb" (Canvas).
_COPY = re.compile(r"(?P<stem>.*?)(?: ?\((?P<paren>\d+)\)|-(?P<dash>\d+))?\.ipynb", re.IGNORECASE)
_PLAIN = re.compile(r"(?P<student>[^/_]+)_(?P<file>[^/]+\.(?:ipynb|zip))", re.IGNORECASE | re.DOTALL)
#: Files a system adds beside the submissions, never a student's.
RECORDS = {"submission_metadata.yml": GRADESCOPE, "index.html": BRIGHTSPACE}


@dataclass(frozen=True)
class Claim:
    """What an entry of an LMS download says of itself.

    Attributes
    ----------
    student : str
        The name the student id is made from (the system's login, username or full name).
    lms : str
        The system whose naming it follows (:data:`CANVAS`, ...).
    lms_id : str
        The system's own id for the student ("" when its naming carries none).
    submitted : str
        When it was submitted, ISO 8601, by the system's own clock ("" when its naming carries none).
    late : bool
        The system marked it late (Canvas's ``_LATE``).
    attempt : tuple
        Orders one student's files oldest to newest: the system's time, then a copy's number.
    file : str
        The path of the file below the student's folder: its name, or its path inside a folder per student.
    """

    student: str
    lms: str
    lms_id: str = ""
    submitted: str = ""
    late: bool = False
    attempt: tuple = ()
    file: str = ""


def notebook_of(name: str, wanted: Sequence[str]) -> tuple[str | None, int]:
    """The assignment a notebook's file name is for (copies and case ignored), and its copy's number."""
    match = _COPY.fullmatch(name)
    if not match:
        return None, 0
    stem = match["stem"].casefold()
    copy = int(match["paren"] or match["dash"] or 0)
    for assignment in wanted:
        if stem == assignment.casefold() or stem.endswith("_" + assignment.casefold()):
            return assignment, copy
    return None, copy


def _time(text: str, layout: str) -> str:
    try:
        return datetime.strptime(text, layout).isoformat()
    except ValueError:
        return ""


def gradescope_submitters(metadata: Mapping) -> dict[str, tuple[str, str, str]]:
    """``{"submission_<id>": (student, sid, created_at)}`` from Gradescope's ``submission_metadata.yml``.

    A group submission counts for its first submitter.
    """
    found = {}
    for key, record in (metadata or {}).items():
        if not isinstance(record, dict):
            continue
        submitters = record.get(":submitters") or []
        first = submitters[0] if submitters and isinstance(submitters[0], dict) else {}
        sid = str(first.get(":sid") or "")
        student = sid or str(first.get(":email") or first.get(":name") or "")
        if student:
            found[str(key)] = (student, sid, str(record.get(":created_at") or ""))
    return found


def recognise(parts: Sequence[str], gradescope: Mapping[str, tuple[str, str, str]] | None = None,
              wanted: Sequence[str] = ()) -> Claim | None:
    """What an entry's path (its parts, as :func:`~autograder.grading.archive.safe_parts` gives them) says.

    Parameters
    ----------
    parts : sequence of str
    gradescope : mapping, optional
        :func:`gradescope_submitters` of the download's ``submission_metadata.yml``, if it has one.
    wanted : sequence of str
        The assignments: a name that starts with one (``ch1_normalizing.ipynb``) names no student.

    Returns
    -------
    Claim or None
        ``None`` when no system's naming fits.
    """
    name = parts[-1]
    for depth, folder in enumerate(parts[:-1]):  # a folder per student
        below = "/".join(parts[depth + 1:])
        if gradescope is not None and _GRADESCOPE.fullmatch(folder) and folder in gradescope:
            student, sid, created = gradescope[folder]
            return Claim(student, GRADESCOPE, sid, created, attempt=(created,), file=below)
        if match := _MOODLE.fullmatch(folder):
            return Claim(match["student"], MOODLE, match["id"], file=below)
        if match := _BRIGHTSPACE.fullmatch(folder):
            submitted = _time(match["time"], "%b %d, %Y %I%M %p")
            return Claim(match["student"].strip(), BRIGHTSPACE, match["id"], submitted, attempt=(submitted,), file=below)
    if match := _MOODLE.fullmatch(name):
        return Claim(match["student"], MOODLE, match["id"], file=match["file"])
    if match := _BLACKBOARD.fullmatch(name):
        submitted = _time(match["time"], "%Y-%m-%d-%H-%M-%S")
        return Claim(match["student"], BLACKBOARD, match["student"], submitted, attempt=(submitted,),
                     file=match["file"] or "")
    if match := _BRIGHTSPACE.fullmatch(name):
        submitted = _time(match["time"], "%b %d, %Y %I%M %p")
        return Claim(match["student"].strip(), BRIGHTSPACE, match["id"], submitted, attempt=(submitted,),
                     file=match["file"] or "")
    if match := _CANVAS.fullmatch(name):
        return Claim(match["student"], CANVAS, match["id"], late=bool(match["late"]), file=match["file"])
    if (match := _PLAIN.fullmatch(name)) and not name.casefold().startswith(tuple(a.casefold() for a in wanted)):
        return Claim(match["student"], NBGRADER, file=match["file"])
    return None
