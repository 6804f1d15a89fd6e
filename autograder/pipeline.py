"""``./course grade``: submissions in, grades, feedback and a report out.

Input is either nbgrader's ``submitted/<student>/<assignment>/`` layout (or a folder
holding one) or an LMS download zip, collected with nbgrader's ``zip_collect``
machinery (:mod:`autograder.collect`). Output, in one folder:

* ``autograded/<student>/<assignment>/`` and ``feedback/<student>/<assignment>/*.html``
* ``grades.csv``: a row per student and assignment, a column per graded function
* ``report/``: pass rates per function, a score histogram (PNG) and ``summary.md``
"""

import time
from pathlib import Path

from autograder.collect import collect
from autograder.course import assignments
from autograder.grade import grade
from autograder.limits import DEFAULT_LIMITS
from autograder.report import write_report
from autograder.results import write_csv


def main(*, source, assignment, output="grading-output", workers=None, scheduler=None, force=False,
         db_url=None, warm=True, feedback=True, progress=True, limits=DEFAULT_LIMITS):
    """Grade ``source`` for one assignment id or ``"all"``; return a process exit status."""
    output = Path(output).resolve()
    known = assignments()
    if assignment != "all" and assignment not in known:
        print(f"unknown assignment id '{assignment}'; known: {', '.join(known)}, or 'all'")
        return 2
    wanted = known if assignment == "all" else [assignment]
    try:
        submissions, notes = collect(Path(source), wanted, output)
    except ValueError as error:
        print(f"cannot read submissions: {error}")
        return 2
    for note in notes:
        print(f"note: {note}")
    if not submissions:
        print(f"no submissions for {assignment} found in {source}")
        return 1
    started = time.monotonic()
    outcomes = grade(submissions, output=output, workers=workers, scheduler=scheduler, force=force,
                     db_url=db_url, warm=warm, feedback=feedback, progress=progress, limits=limits)
    write_csv(outcomes, output / "grades.csv")
    summary = write_report(outcomes, output / "report")
    elapsed = time.monotonic() - started
    print(summary)
    print(f"graded {len(outcomes)} submission(s) in {elapsed:.1f} s")
    print(f"grades: {output / 'grades.csv'}\nreport: {output / 'report' / 'summary.md'}\n"
          f"feedback: {output / 'feedback'}")
    return 0
