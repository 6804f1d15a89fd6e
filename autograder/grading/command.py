"""``./course grade``: submissions in, grades, feedback and a report out.

Input is either nbgrader's ``submitted/<student>/<assignment>/`` layout (or a folder
holding one) or an LMS download zip, collected with nbgrader's ``zip_collect``
machinery (:mod:`autograder.grading.collect`). Output, in one folder:

* ``autograded/<student>/<assignment>/`` and ``feedback/<student>/<assignment>/*.html``
* ``grades.csv``: a row per student and assignment, a column per graded function
* ``report/report.html``: what to reteach, one self-contained page (and ``summary.md``, a short Markdown one)
* ``export/``: grades and feedback bundles in the import formats of Canvas and Moodle
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from autograder.course import assignments
from autograder.grading import adjust, export, lifetime
from autograder.grading.batch import RunFolder, grade
from autograder.grading.collect import collect
from autograder.grading.inert import printable, quiet_terminal
from autograder.grading import rerun
from autograder.grading.intake import GRADER_ERROR, REFUSED
from autograder.grading.deadlines import load as load_deadlines
from autograder.grading.overrides import load as load_overrides
from autograder.grading.report import write_report
from autograder.grading.report_html import write_html_report
from autograder.grading.results import write_csv
from autograder.sandbox.limits import DEFAULT_LIMITS, Enforcement

if TYPE_CHECKING:
    import os

    from autograder.sandbox.limits import Limits


log = logging.getLogger(__name__)


def enforcement(unconfined: bool = False) -> Enforcement:
    """What kernels will get on this host: a throwaway kernel is confined to find out.

    The probe runs in a process of its own, so that nothing it does touches the grader.
    """
    if unconfined:
        return Enforcement(False, missing=["the instructor asked for it"])
    result = subprocess.run([sys.executable, "-m", "autograder.sandbox.jail", "probe"], capture_output=True, text=True)
    try:
        return Enforcement(**json.loads(result.stdout))
    except (ValueError, TypeError):
        return Enforcement(False, missing=[f"the confinement probe failed: {result.stderr.strip()[-500:]}"])


def main(*, source: str | os.PathLike[str], assignment: str, output: str | os.PathLike[str] = "grading-output",
         workers: int | None = None, scheduler: str | None = None, force: bool = False, db_url: str | None = None,
         warm: bool = True, feedback: bool = True, progress: bool = True, limits: Limits = DEFAULT_LIMITS,
         unconfined: bool = False, profile: bool = False, student: str | None = None,
         deadlines: str | os.PathLike[str] | None = None, overrides: str | os.PathLike[str] | None = None) -> int:
    """Grade ``source`` for one assignment id or ``"all"``; return a process exit status.

    Kernels are confined (:mod:`autograder.sandbox.jail`); on a host that cannot confine
    them, nothing is graded unless ``unconfined``, and the report's first line says so. With
    ``profile``, the report says where the time went (:mod:`autograder.grading.timing`).
    A re-run into the same ``output`` grades again exactly the submissions whose content changed
    (:mod:`autograder.grading.rerun`), and those of ``student`` (a stored id), and reuses the rest.
    A notebook the grader failed on is listed at the end, and the status is then 1. While another
    grader writes to ``output`` (:func:`autograder.grading.lifetime.hold`), nothing is done, and the status is 2.
    Nothing a submission named or wrote reaches the terminal with a control character
    (:func:`~autograder.grading.inert.quiet_terminal`). ``deadlines`` (a TOML file,
    :mod:`autograder.grading.deadlines`) and ``overrides`` (a CSV, :mod:`autograder.grading.overrides`)
    are applied to the gradebook after the judge (:mod:`autograder.grading.adjust`); grades for each LMS's
    import and its feedback bundles are written to ``export/`` (:mod:`autograder.grading.export`).
    """
    with quiet_terminal():
        Path(output).mkdir(parents=True, exist_ok=True)
        try:
            with lifetime.hold(output):  # one grader at a time in an output folder; a second refuses at once
                return _main(source=source, assignment=assignment, output=output, workers=workers,
                             scheduler=scheduler, force=force, db_url=db_url, warm=warm, feedback=feedback,
                             progress=progress, limits=limits, unconfined=unconfined, profile=profile,
                             student=student, deadlines=deadlines, overrides=overrides)
        except lifetime.FolderBusy as error:
            log.error(f"refusing to grade: {printable(error)}")
            return 2


def _main(*, source, assignment, output, workers, scheduler, force, db_url, warm, feedback, progress, limits,
          unconfined, profile, student, deadlines, overrides) -> int:
    output = Path(output).resolve()
    known = assignments()
    if assignment != "all" and assignment not in known:
        log.error(f"unknown assignment id '{printable(assignment)}'; known: {', '.join(known)}, or 'all'")
        return 2
    try:
        deadlines = load_deadlines(deadlines, known) if deadlines else None
        overrides = load_overrides(overrides, known) if overrides else []
    except ValueError as error:
        log.error(printable(error))
        return 2
    enforced = enforcement(unconfined or not warm)
    if not enforced.confined and not unconfined:
        reason = "cold kernels (--cold) cannot be confined" if not warm else "; ".join(enforced.missing)
        log.error(f"refusing to grade: this host cannot confine the kernels ({reason}). Pass --unconfined to grade "
              "anyway, without operating-system isolation between submissions and the grader.")
        return 2
    (log.info if enforced.confined else log.warning)(enforced.headline())
    wanted = known if assignment == "all" else [assignment]
    try:
        submissions, notes = collect(Path(source), wanted, output)
    except ValueError as error:
        log.error(f"cannot read submissions: {printable(error)}")
        return 2
    for note in notes:
        log.warning(f"note: {printable(note)}")
    if not submissions:
        log.error(f"no submissions for {assignment} found in {source}")
        return 1
    if student is not None and student not in {submission.student for submission in submissions}:
        log.error(f"no student '{printable(student)}' in {source}; students are stored as grades.csv names them")
        return 2
    planned = rerun.plan(submissions, output, student)
    started = time.monotonic()
    outcomes = grade(submissions, output=output, workers=workers, scheduler=scheduler, force=force,
                     db_url=db_url, warm=warm, feedback=feedback, progress=progress, limits=limits,
                     confined=enforced.confined)
    origins = {(s.student, s.assignment): s for s in submissions}
    fresh = {(o.student, o.assignment) for o in outcomes if o.graded} - planned.reused
    notes = [*notes, *adjust.apply(RunFolder(output, db_url), outcomes, origins, deadlines, overrides, fresh,
                                   feedback=feedback)]
    write_csv(outcomes, output / "grades.csv", origins)
    summary = write_report(outcomes, output / "report", enforced, profile=profile, notes=notes)
    write_html_report(outcomes, output / "report" / "report.html", enforced, notes=notes, autograded=output / "autograded")
    exported = export.write(outcomes, origins, output)
    rerun.remember(planned, outcomes, output)
    elapsed = time.monotonic() - started
    log.info(summary)
    reused = sum(o.graded and (o.student, o.assignment) in planned.reused for o in outcomes) if not force else 0
    counts = {"graded": sum(o.graded for o in outcomes) - reused, "reused unchanged": reused,
              "failed": sum(o.status == GRADER_ERROR for o in outcomes),
              "not graded": sum(o.status in REFUSED for o in outcomes)}
    log.info(f"{len(outcomes)} submission(s) in {elapsed:.1f} s: " + ", ".join(f"{n} {what}" for what, n in counts.items()))
    log.info(f"grades: {output / 'grades.csv'}\nreport: {output / 'report' / 'report.html'}\n"
             f"feedback: {output / 'feedback'}" + "".join(f"\nfor {what}: {path}" for what, path in exported))
    failed = [o for o in outcomes if o.status == GRADER_ERROR]
    if failed:
        log.error(f"\nGRADER ERROR: {len(failed)} notebook(s) could not be graded; grade them again with --force:\n"
                  + "\n".join(f"  {outcome.student} / {outcome.assignment}: {printable(outcome.problem)}"
                              for outcome in failed))
        return 1
    return 0
