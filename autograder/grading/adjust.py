"""After the judge: overrides and late penalties, written into nbgrader's gradebook, then into the outcomes.

Both are nbgrader's own records, so its feedback (regenerated here for each submission whose adjustments
changed) and formgrader show them: an override is a test cell's ``manual_score``, a late penalty the
notebook's ``late_submission_penalty``, set by nbgrader's
:class:`~nbgrader.preprocessors.AssignLatePenalties` with the course's
:class:`~autograder.grading.deadlines.DeadlinePenalty` plugin, from the due date, the extension and the
submission's time recorded in the gradebook. The order is overrides first: a penalty is capped at the score
a notebook ends with. What a run applied is kept in the output folder (:data:`APPLIED`), so that an override
removed from the file is undone, and feedback is rewritten only where something changed.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import nbformat
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.preprocessors import AssignLatePenalties
from traitlets.config import Config

from autograder.grading.deadlines import DeadlinePenalty, extension_of, lateness, naive_utc
from autograder.nbgrader_cells import function_name

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from autograder.grading.batch import RunFolder
    from autograder.grading.deadlines import Deadlines
    from autograder.grading.intake import Submission
    from autograder.grading.overrides import Override
    from autograder.grading.results import Outcome

#: What the last run applied, per ``"<student>/<assignment>"``, in its output folder.
APPLIED = "adjustments.json"

log = logging.getLogger(__name__)


def _overrides_for(overrides: Sequence[Override], submission: Submission) -> dict[str, Override]:
    ids = {submission.student, submission.lms_id} - {""}
    return {o.function: o for o in overrides if o.assignment == submission.assignment and o.student in ids}


def apply(run: RunFolder, outcomes: Sequence[Outcome], submissions: Mapping[tuple[str, str], Submission],
          deadlines: Deadlines | None, overrides: Sequence[Override], fresh: set, feedback: bool = True) -> list[str]:
    """Apply overrides and the late policy to every graded outcome; complete the outcomes; rewrite feedback.

    Parameters
    ----------
    run : RunFolder
    outcomes : list of Outcome
        Completed in place: ``scores`` (overrides included), ``penalty``, ``lateness``, ``overrides``.
    submissions : mapping
        ``{(student, assignment): Submission}``.
    deadlines : Deadlines or None
    overrides : list of Override
    fresh : set
        ``(student, assignment)`` whose feedback this run wrote before any adjustment.
    feedback : bool
        Rewrite the feedback of each submission whose adjustments changed.

    Returns
    -------
    list of str
        Notes for the report: an override that names no graded cell, or a score above its cell's points.
    """
    path = Path(run.root) / APPLIED
    try:
        before = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        before = {}
    if deadlines is None and not overrides and not before:
        return []  # nothing to apply, nothing to undo: the gradebook is left alone
    after: dict[str, dict[str, Any]] = {}
    notes: list[str] = []
    used: set[tuple[str, str, str]] = set()
    for outcome in outcomes:
        submission = submissions.get((outcome.student, outcome.assignment))
        if submission is None:
            continue
        key = f"{outcome.student}/{outcome.assignment}"
        if deadlines is not None:
            outcome.lateness = lateness(deadlines, submission.student, submission.assignment, submission.submitted,
                                        submission.lms_id, submission.late)
        if not outcome.graded:
            continue
        wanted = _overrides_for(overrides, submission)
        used.update((o.student, o.assignment, o.function) for o in wanted.values())
        state: dict[str, Any] = {"overrides": {f: [o.score, o.reason] for f, o in sorted(wanted.items())}}
        if deadlines is None and not wanted and key not in before:
            continue  # never adjusted: nothing to read back
        with Gradebook(run.db_url) as gradebook:
            try:
                notebook = gradebook.find_submission_notebook(outcome.assignment, outcome.assignment, outcome.student)
            except MissingEntry:
                continue
            cells = {function_name(grade.name): grade for grade in notebook.grades}
            for function, override in wanted.items():
                grade = cells.get(function)
                if grade is None:
                    notes.append(f"override of {outcome.student} / {outcome.assignment} / {function}: "
                                 f"no such graded function (known: {', '.join(cells)})")
                    continue
                score = min(override.score, float(grade.max_score))
                if score < override.score:
                    notes.append(f"override of {outcome.student} / {outcome.assignment} / {function}: "
                                 f"{override.score:g} is above its {grade.max_score:g} points; {score:g} given")
                outcome.overrides.append((function, float(grade.auto_score or 0), score, override.reason))
                grade.manual_score = score
                grade.needs_manual_grade = False
            for function in set(before.get(key, {}).get("overrides", {})) - set(wanted):
                if function in cells:  # removed from the file: the judge's score again
                    cells[function].manual_score = None
            graded = gradebook.find_submission(outcome.assignment, outcome.student)
            if deadlines is None:  # a run without deadlines takes back an earlier run's penalty
                notebook.late_submission_penalty = None
            else:
                assignment_due = deadlines.due.get(outcome.assignment)
                gradebook.update_or_create_assignment(outcome.assignment, duedate=naive_utc(assignment_due))
                own = outcome.lateness.due if outcome.lateness else None
                graded.timestamp = naive_utc(outcome.lateness.submitted) if outcome.lateness else None
                graded.extension = extension_of(own, assignment_due)
            gradebook.db.commit()
        if deadlines is not None:
            _late_penalty(run, submission, deadlines, outcome.max_score)
        with Gradebook(run.db_url) as gradebook:
            notebook = gradebook.find_submission_notebook(outcome.assignment, outcome.assignment, outcome.student)
            outcome.scores = {function_name(grade.name): float(grade.score) for grade in notebook.grades}
            outcome.penalty = float(notebook.late_submission_penalty or 0)
        state["penalty"] = outcome.penalty
        after[key] = state
        empty = {"overrides": {}, "penalty": 0.0}
        changed = state != before.get(key, empty)
        if feedback and (changed or ((outcome.student, outcome.assignment) in fresh and state != empty)):
            try:
                run.feedback.write(submission)
            except Exception as error:  # noqa: BLE001  (the grades stand; the instructor hears)
                log.warning(f"{outcome.student} / {outcome.assignment}: feedback not rewritten: {error}")
                outcome.problem = "; ".join(filter(None, [outcome.problem, "its feedback could not be rewritten"]))
    for o in overrides:
        if (o.student, o.assignment, o.function) not in used:
            notes.append(f"override of {o.student} / {o.assignment} / {o.function}: no graded submission of theirs")
    partial = path.with_suffix(".json.partial")
    partial.write_text(json.dumps(after, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(partial, path)
    return notes


def _late_penalty(run: RunFolder, submission: Submission, deadlines: Deadlines, possible: float) -> None:
    """Run nbgrader's AssignLatePenalties with :class:`DeadlinePenalty` on the graded notebook."""
    policy = deadlines.policy
    config = Config(run.config)
    config.merge(Config({"AssignLatePenalties": {"plugin_class": DeadlinePenalty},
                         "DeadlinePenalty": {"per_day": policy.per_day, "max": policy.max,
                                             "grace_minutes": policy.grace_minutes, "possible": possible}}))
    autograded = run.folder("autograded", submission)
    notebook = nbformat.read(autograded / f"{submission.assignment}.ipynb", as_version=4)
    AssignLatePenalties(config=config)(notebook, run.resources(submission, autograded))
