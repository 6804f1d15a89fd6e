"""Grading results: one :class:`Outcome` per student and assignment, and the CSV."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from autograder.grading.inert import spreadsheet
from autograder.grading.intake import GRADED, GRADER_ERROR
from autograder.nbgrader_cells import function_name  # noqa: F401 (CSV columns are named after graded functions)

if TYPE_CHECKING:
    import os
    from collections.abc import Mapping, Sequence

    from autograder.grading.deadlines import Lateness
    from autograder.grading.intake import Submission

# grades.csv columns before the per-function ones, and after them.
STUDENT, ASSIGNMENT, STATUS = "student", "assignment", "status"
#: Where a submission came from, for a download of a learning management system (intake's Submission).
LMS, LMS_ID, SUBMITTED, LATE = "lms", "lms_id", "submitted", "late"
TOTAL, POSSIBLE, PROBLEM, SECONDS = "total", "possible", "problem", "seconds"
#: With deadlines: when it was due, how late it was, the points taken; with overrides: what was set by hand.
DUE, LATENESS, PENALTY, OVERRIDDEN = "due", "lateness", "late_penalty", "overrides"


@dataclass
class Outcome:
    """How one student's submission of one assignment was graded.

    Attributes
    ----------
    student, assignment : str
    status : str
        One of :mod:`autograder.grading.intake`'s status constants: ``GRADED``, ``GRADER_ERROR``,
        or what refused the submission (``MISSING_NOTEBOOK``, ...).
    scores : dict
        ``{"<function>": points earned}`` for each graded function.
    possible : dict
        ``{"<function>": points available}``.
    problem : str
        A note (a kernel that died, a misnamed notebook that was graded anyway).
    seconds : float
        Execution time of the notebook.
    timings : dict
        ``{phase: seconds}`` of its grading, for notebooks this run executed
        (:mod:`autograder.grading.timing`); empty otherwise.
    grader_cpu : float
        CPU seconds the grader's own process spent on it (staging, recording, feedback sent
        off): the part no number of workers shares.
    penalty : float
        Points taken for lateness (:mod:`autograder.grading.deadlines`); :attr:`total` is net of it.
    lateness : Lateness or None
        When it was due and handed in, when the run had deadlines.
    overrides : list
        ``(function, judge's score, score given, reason)`` of each score set by hand
        (:mod:`autograder.grading.overrides`).
    """

    student: str
    assignment: str
    status: str
    scores: dict = field(default_factory=dict)
    possible: dict = field(default_factory=dict)
    problem: str = ""
    seconds: float = 0.0
    timings: dict = field(default_factory=dict)
    grader_cpu: float = 0.0
    penalty: float = 0.0
    lateness: Lateness | None = None
    overrides: list = field(default_factory=list)

    @property
    def total(self) -> float:
        return max(0.0, sum(self.scores.values()) - self.penalty) if self.penalty else sum(self.scores.values())

    @property
    def max_score(self) -> float:
        return sum(self.possible.values())

    @property
    def graded(self) -> bool:
        return self.status == GRADED

    def summary(self) -> str:
        """One line: ``alice ch1_normalizing: 4/5 (graded)``."""
        return f"{self.student} {self.assignment}: {self.total:g}/{self.max_score:g} ({self.status})"


def write_csv(outcomes: Sequence[Outcome], path: str | os.PathLike[str],
              origins: Mapping[tuple[str, str], Submission] | None = None) -> None:
    """Write ``grades.csv``: a row per student and assignment, a column per graded function.

    Every text cell is :func:`~autograder.grading.inert.spreadsheet`-safe: a note quoting a
    student's file name never runs as a formula, nor breaks a row with a control character.
    When ``origins`` (``{(student, assignment): Submission}``) came from an LMS download, the
    system, its id for the student, the submission's time and its late mark get columns of their own.
    """
    functions = []
    for outcome in outcomes:
        functions += [name for name in outcome.possible if name not in functions]
    origins = origins or {}
    from_lms = any(origin.lms for origin in origins.values())
    timed = any(outcome.lateness is not None for outcome in outcomes)
    overridden = any(outcome.overrides for outcome in outcomes)
    columns = [STUDENT, *([LMS, LMS_ID] if from_lms else []), ASSIGNMENT, *([SUBMITTED, LATE] if from_lms else []),
               *([DUE, LATENESS] if timed else []), STATUS, *functions, *([PENALTY] if timed else []), TOTAL,
               POSSIBLE, *([OVERRIDDEN] if overridden else []), PROBLEM, SECONDS]
    with open(path, "w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, fieldnames=columns)
        writer.writeheader()
        for outcome in sorted(outcomes, key=lambda o: (o.assignment, o.student)):
            row = {
                STUDENT: spreadsheet(outcome.student), ASSIGNMENT: spreadsheet(outcome.assignment),
                STATUS: spreadsheet(outcome.status),
                TOTAL: "" if outcome.status == GRADER_ERROR else f"{outcome.total:g}",  # not graded is not 0
                POSSIBLE: f"{outcome.max_score:g}",
                PROBLEM: spreadsheet(outcome.problem), SECONDS: f"{outcome.seconds:.2f}",
            }
            origin = origins.get((outcome.student, outcome.assignment))
            if from_lms and origin is not None:
                row |= {LMS: spreadsheet(origin.lms), LMS_ID: spreadsheet(origin.lms_id),
                        SUBMITTED: spreadsheet(origin.submitted), LATE: "late" if origin.late else ""}
            if timed and outcome.lateness is not None:
                row |= {DUE: outcome.lateness.due.isoformat(), LATENESS: outcome.lateness.describe(),
                        PENALTY: f"{outcome.penalty:g}"}
            if overridden:
                row[OVERRIDDEN] = spreadsheet("; ".join(f"{function}: {auto:g} -> {given:g} ({reason})"
                                                        for function, auto, given, reason in outcome.overrides))
            row |= {name: f"{score:g}" for name, score in outcome.scores.items()}
            writer.writerow(row)
