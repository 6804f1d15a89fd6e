"""Due dates, extensions and a late policy: ``./course grade --deadlines deadlines.toml``.

The instructor's file (TOML) gives a due date per assignment, per-student extensions and the policy::

    timezone = "Europe/Berlin"          # for times written without an offset (default UTC)

    [due]
    ch1_normalizing = 2026-03-02T23:59:00

    [[extension]]                       # one table per extension
    student = "alice"                   # as grades.csv names the student (or the LMS's id)
    assignment = "ch1_normalizing"
    due = 2026-03-05T23:59:00

    [policy]
    per_day = 0.1                       # fraction of the possible points taken per started day late
    max = 0.5                           # at most this fraction (1 = a late notebook can fall to 0)
    grace_minutes = 5                   # lateness below this is not late

A submission's time is the one its LMS download carries (Blackboard, Brightspace, Gradescope; intake keeps it
as ``submitted``). No file time is ever used: a file's modification time is set by whoever made the file or the
zip (a student can set it to anything), so a submission with no LMS time is never judged late by its files;
its lateness is "unknown" and listed in the report, except that a mark the LMS set itself (Canvas's
``_LATE``) is shown as late, with no penalty the grader could compute. The penalty is applied by nbgrader's own
mechanism: the gradebook gets the due date, the extension and the submission's time, and nbgrader's
:class:`~nbgrader.preprocessors.AssignLatePenalties` step asks :class:`DeadlinePenalty` (a
:class:`~nbgrader.plugins.LateSubmissionPlugin`) for the penalty, which the feedback and formgrader then show.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from nbgrader.plugins import LateSubmissionPlugin
from traitlets import Float

if TYPE_CHECKING:
    import os

DAY = 86400.0


@dataclass(frozen=True)
class Policy:
    """How much lateness costs.

    Attributes
    ----------
    per_day : float
        Fraction of the notebook's possible points taken per started day late.
    max : float
        The most taken, as a fraction of the possible points.
    grace_minutes : float
        Lateness shorter than this is on time.
    """

    per_day: float = 0.0
    max: float = 1.0
    grace_minutes: float = 0.0

    def penalty(self, seconds_late: float, possible: float) -> float:
        """Points taken for a notebook ``seconds_late`` late out of ``possible`` (before capping at its score)."""
        if seconds_late <= 60 * self.grace_minutes:
            return 0.0
        days = math.ceil(seconds_late / DAY)
        return round(possible * min(self.max, self.per_day * days), 6)


@dataclass(frozen=True)
class Deadlines:
    """An instructor's deadlines file, read.

    Attributes
    ----------
    due : dict
        ``{assignment: datetime}`` (UTC, aware).
    extensions : dict
        ``{(student, assignment): datetime}``: a later due date for one student.
    policy : Policy
    zone : str
        The time zone of times written without an offset (the file's, and the LMS's).
    """

    due: dict = field(default_factory=dict)
    extensions: dict = field(default_factory=dict)
    policy: Policy = Policy()
    zone: str = "UTC"

    def due_for(self, student: str, assignment: str, lms_id: str = "") -> datetime | None:
        """The due date that holds for one student: an extension (by grades.csv's id or the LMS's), else the assignment's."""
        return (self.extensions.get((student, assignment)) or (lms_id and self.extensions.get((lms_id, assignment)))
                or self.due.get(assignment))

    def time(self, text: str) -> datetime | None:
        """An ISO 8601 time as an aware UTC datetime; one without an offset is in :attr:`zone`; ``None`` if unreadable."""
        return _aware(text, self.zone)


def _aware(value: object, zone: str) -> datetime | None:
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    if not isinstance(value, datetime):
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo(zone))
    return value.astimezone(timezone.utc)


def load(path: str | os.PathLike[str], assignments: list[str] | None = None) -> Deadlines:
    """Read a deadlines file (see the module's docstring).

    Raises
    ------
    ValueError
        On anything the file gets wrong (an unknown assignment, an unreadable date, a policy out of range),
        naming it: a deadline is never guessed.
    """
    try:
        with open(path, "rb") as file:
            data = tomllib.load(file)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ValueError(f"cannot read the deadlines file {path}: {error}") from error
    zone = str(data.get("timezone", "UTC"))
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"unknown time zone {zone!r} in {path}") from error

    def when(value: object, where: str) -> datetime:
        moment = _aware(value, zone)
        if moment is None:
            raise ValueError(f"{path}: {where}: {value!r} is no date and time (write 2026-03-02T23:59:00)")
        return moment

    def known(assignment: object, where: str) -> str:
        if assignments is not None and assignment not in assignments:
            raise ValueError(f"{path}: {where}: unknown assignment {assignment!r}; known: {', '.join(assignments)}")
        return str(assignment)

    due = {known(a, "[due]"): when(v, f"[due] {a}") for a, v in dict(data.get("due", {})).items()}
    extensions = {}
    for number, entry in enumerate(data.get("extension", []), 1):
        where = f"extension {number}"
        if not isinstance(entry, dict) or not {"student", "assignment", "due"} <= entry.keys():
            raise ValueError(f"{path}: {where} needs student, assignment and due")
        extensions[(str(entry["student"]), known(entry["assignment"], where))] = when(entry["due"], where)
    raw = dict(data.get("policy", {}))
    unknown = set(raw) - {"per_day", "max", "grace_minutes"}
    if unknown:
        raise ValueError(f"{path}: [policy] has no setting {', '.join(sorted(unknown))}")
    try:
        policy = Policy(**{k: float(v) for k, v in raw.items()})
    except (TypeError, ValueError) as error:
        raise ValueError(f"{path}: [policy]: {error}") from error
    if not (0 <= policy.per_day <= 1 and 0 <= policy.max <= 1 and policy.grace_minutes >= 0):
        raise ValueError(f"{path}: [policy]: per_day and max are fractions in [0, 1], grace_minutes >= 0")
    return Deadlines(due, extensions, policy, zone)


@dataclass(frozen=True)
class Lateness:
    """When one submission was due and handed in, and what that costs.

    Attributes
    ----------
    due : datetime
    submitted : datetime or None
    seconds_late : float or None
        ``None`` when unknown (no submission time).
    marked : bool
        The LMS itself marked it late (Canvas's ``_LATE``).
    """

    due: datetime
    submitted: datetime | None
    seconds_late: float | None
    marked: bool = False

    @property
    def late(self) -> bool:
        return bool(self.seconds_late) or (self.seconds_late is None and self.marked)

    def describe(self) -> str:
        """``"2 h 5 min late"``, ``"late (by the LMS's mark; time unknown)"``, ``"on time"`` or ``"time unknown"``."""
        if self.seconds_late is None:
            return "late (by the LMS's mark; time unknown)" if self.marked else "time unknown"
        if not self.seconds_late:
            return "on time"
        minutes = math.ceil(self.seconds_late / 60)
        days, minutes = divmod(minutes, 1440)
        hours, minutes = divmod(minutes, 60)
        return " ".join(f"{n} {unit}" for n, unit in ((days, "d"), (hours, "h"), (minutes, "min")) if n) + " late"


def lateness(deadlines: Deadlines, student: str, assignment: str, submitted: str, lms_id: str = "",
             marked: bool = False) -> Lateness | None:
    """A submission's :class:`Lateness`; ``None`` when its assignment has no due date."""
    due = deadlines.due_for(student, assignment, lms_id)
    if due is None:
        return None
    when = deadlines.time(submitted) if submitted else None
    seconds = None if when is None else max(0.0, (when - due).total_seconds())
    if seconds is not None and seconds <= 60 * deadlines.policy.grace_minutes:
        seconds = 0.0
    return Lateness(due, when, seconds, marked)


class DeadlinePenalty(LateSubmissionPlugin):
    """nbgrader's late-penalty plugin for the course's policy: a fraction of the possible points per started day.

    ``possible`` is the notebook's maximum score; nbgrader caps the penalty at the notebook's score.
    """

    per_day = Float(0.0, help="Fraction of the possible points taken per started day late.").tag(config=True)
    max = Float(1.0, help="The most taken, as a fraction of the possible points.").tag(config=True)
    grace_minutes = Float(0.0, help="Lateness shorter than this is on time.").tag(config=True)
    possible = Float(0.0, help="The notebook's possible points.").tag(config=True)

    def late_submission_penalty(self, student_id: str, score: float, total_seconds_late: float) -> float | None:
        if total_seconds_late <= 0:
            return None
        return Policy(self.per_day, self.max, self.grace_minutes).penalty(total_seconds_late, self.possible)


def naive_utc(moment: datetime | None) -> datetime | None:
    """A UTC time as nbgrader's gradebook stores it (without an offset)."""
    return None if moment is None else moment.astimezone(timezone.utc).replace(tzinfo=None)


def extension_of(due: datetime | None, assignment_due: datetime | None) -> timedelta | None:
    """nbgrader's ``extension``: how much later than the assignment's due date one student's is."""
    if due is None or assignment_due is None or due <= assignment_due:
        return None
    return due - assignment_due
