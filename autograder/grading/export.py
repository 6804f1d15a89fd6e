"""Grades and feedback back to the LMS: per assignment, a grades file in each system's import format and a zip
of feedback files named as its bulk upload expects. Written to ``<output>/export/``:

* ``canvas/<assignment>.csv``: Canvas's Gradebook import (Grades > Import): ``Student, ID, SIS User ID,
  SIS Login ID, Section, <assignment>``; Canvas matches rows by ``ID`` (its user id, from the download's names).
  Create the assignment column first (or let the import create it) and check its name matches.
* ``canvas/<assignment>-feedback.zip``: one ``<login>_<user id>_feedback_<assignment>.html`` per student, named
  like the download's files, for the assignment's "Re-Upload Submissions",
  which attaches each file as a comment to the student whose user id its name carries.
* ``moodle/<assignment>.csv``: Moodle's offline grading worksheet (Assignment > "Upload grading worksheet"),
  keyed by ``Identifier`` = ``Participant <id>`` from the download's folder names.
* ``moodle/<assignment>-feedback.zip``: Moodle's "Upload multiple feedback files in a zip": a folder per
  participant named as in the download (``<full name>_<participant id>_assignsubmission_file_/``) holding the
  feedback page.

Only the submissions that came from that system's download are in its files (the LMS's own id is the key; a
folder of ``submitted/<student>/`` carries none). Totals are grades.csv's (net of a late penalty and with
overrides); a submission the grader failed on has an empty grade, never 0.
"""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

from autograder.grading.inert import spreadsheet
from autograder.grading.intake import GRADER_ERROR
from autograder.grading.lms import CANVAS, MOODLE

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from autograder.grading.intake import Submission
    from autograder.grading.results import Outcome

CANVAS_COLUMNS = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
MOODLE_COLUMNS = ("Identifier", "Full name", "Status", "Grade", "Maximum Grade", "Grade can be changed",
                  "Last modified (submission)", "Last modified (grade)", "Feedback comments")


def _grade(outcome: Outcome) -> str:
    return "" if outcome.status == GRADER_ERROR else f"{outcome.total:g}"


def canvas_name(submission: Submission) -> str:
    """The feedback file's name in Canvas's bundle: the download's ``<login>_<user id>_`` prefix."""
    return f"{submission.student}_{submission.lms_id}_feedback_{submission.assignment}.html"


def moodle_folder(submission: Submission) -> str:
    """The participant's folder in Moodle's feedback zip, as its download names it.

    Moodle reads the participant id as the second ``_``-separated part, so the name part keeps no ``_``.
    """
    return f"{submission.student.replace('_', ' ')}_{submission.lms_id}_assignsubmission_file_"


def write(outcomes: Sequence[Outcome], origins: Mapping[tuple[str, str], Submission],
          output: str | Path) -> list[tuple[str, Path]]:
    """Write every export this run's submissions allow; return ``[(what, path)]`` of the files written."""
    output = Path(output)
    written = []
    for lms in (CANVAS, MOODLE):
        rows = [(o, origins[(o.student, o.assignment)]) for o in outcomes
                if (o.student, o.assignment) in origins and origins[(o.student, o.assignment)].lms == lms
                and origins[(o.student, o.assignment)].lms_id]
        for assignment in sorted({o.assignment for o, _ in rows}):
            mine = sorted(((o, s) for o, s in rows if o.assignment == assignment), key=lambda pair: pair[0].student)
            folder = output / "export" / lms.lower()
            folder.mkdir(parents=True, exist_ok=True)
            grades = folder / f"{assignment}.csv"
            with open(grades, "w", newline="", encoding="utf-8") as file:
                writer = csv.writer(file)
                if lms == CANVAS:
                    writer.writerow([*CANVAS_COLUMNS, assignment])
                    for outcome, submission in mine:
                        writer.writerow([spreadsheet(submission.student), spreadsheet(submission.lms_id), "",
                                         spreadsheet(submission.student), "", _grade(outcome)])
                else:
                    writer.writerow(MOODLE_COLUMNS)
                    for outcome, submission in mine:
                        writer.writerow([f"Participant {spreadsheet(submission.lms_id)}", spreadsheet(submission.student),
                                         "", _grade(outcome), f"{outcome.max_score:g}", "Yes", "-", "-", ""])
            written.append((f"{lms} grades import", grades))
            bundle = folder / f"{assignment}-feedback.zip"
            with zipfile.ZipFile(bundle, "w", zipfile.ZIP_DEFLATED) as archive:
                for outcome, submission in mine:
                    page = output / "feedback" / outcome.student / assignment / f"{assignment}.html"
                    if not page.is_file():
                        continue
                    name = (canvas_name(submission) if lms == CANVAS
                            else f"{moodle_folder(submission)}/{assignment}_feedback.html")
                    archive.write(page, name)
            written.append((f"{lms} feedback upload", bundle))
    return written
