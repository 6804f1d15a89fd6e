"""Where a grading run's time goes: each notebook's seconds per phase, and the table of them.

The grader times itself as it works (:class:`Stopwatch`): the worker while it
executes a notebook, the grader's own process while it stages and records one.
``./course grade --profile`` adds the table to the report, and the benchmarks
print it.
"""

from __future__ import annotations

import time
from collections import defaultdict
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping

    from autograder.grading.results import Outcome


#: The phases of one notebook, in the order it goes through them.
STAGE = "stage"          # read the submission, copy it into nbgrader's folders (the grader's process)
SANITIZE = "sanitize"    # nbgrader's sanitizing steps, on the worker (autograder.grading.staging)
KERNELS = "kernels"      # start (and later stop) the submission's kernel and the judge, connect them
SETUP = "setup"          # the locked setup cells, in both kernels
STUDENT = "student"      # the student's cells and every other cell that is not a test
TESTS = "tests"          # the autograded test cells, visible and hidden, in the judge (or split)
RECEIPTS = "receipts"    # checking that every test cell ran to its end
STEPS = "other steps"    # nbgrader's steps after execution (ignore stderr, clear metadata, limit output, check)
RECORD = "record"        # save the grades in the gradebook, write the autograded notebook
FEEDBACK = "feedback"    # the student's feedback HTML
PHASES = (STAGE, SANITIZE, KERNELS, SETUP, STUDENT, TESTS, RECEIPTS, STEPS, RECORD, FEEDBACK)


class Stopwatch:
    """Seconds spent per phase, added up over the times each is entered; and the CPU seconds of this thread in them.

    >>> watch = Stopwatch()
    >>> with watch.phase(SETUP):
    ...     pass
    >>> sorted(watch.seconds)
    ['setup']
    """

    def __init__(self) -> None:
        self.seconds: defaultdict[str, float] = defaultdict(float)
        self.cpu = 0.0  # this thread's CPU seconds in phases entered here (not those added)

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        started, cpu = time.perf_counter(), time.thread_time()
        try:
            yield
        finally:
            self.seconds[name] += time.perf_counter() - started
            self.cpu += time.thread_time() - cpu

    def add(self, seconds: Mapping[str, float]) -> None:
        """Add ``{phase: seconds}`` (another stopwatch's, say) to this one's."""
        for name, more in seconds.items():
            self.seconds[name] += more

    def as_dict(self) -> dict[str, float]:
        """``{phase: seconds}``, phases in :data:`PHASES` order first."""
        order = {name: index for index, name in enumerate(PHASES)}
        return dict(sorted(self.seconds.items(), key=lambda item: (order.get(item[0], len(order)), item[0])))


def mean_seconds(timings: Iterable[Mapping[str, float]]) -> dict[str, float]:
    """Mean seconds per notebook in each phase, over notebooks that were timed.

    Parameters
    ----------
    timings : list of dict
        One ``{phase: seconds}`` per notebook.

    Returns
    -------
    dict
        ``{phase: mean seconds}`` in :data:`PHASES` order; empty if nothing was timed.
    """
    timed = [t for t in timings if t]
    if not timed:
        return {}
    phases = [p for p in PHASES if any(p in t for t in timed)] + sorted({p for t in timed for p in t} - set(PHASES))
    return {phase: sum(t.get(phase, 0.0) for t in timed) / len(timed) for phase in phases}


def profile_table(outcomes: Iterable[Outcome]) -> list[str]:
    """The markdown table of where the time went: seconds per notebook by phase, per assignment.

    Parameters
    ----------
    outcomes : list of Outcome
        Those with ``timings`` (the notebooks this run executed) count.

    Returns
    -------
    list of str
        Lines of markdown; empty when no notebook was timed.
    """
    by_assignment = defaultdict(list)
    for outcome in outcomes:
        if outcome.timings:
            by_assignment[outcome.assignment].append(outcome.timings)
    if not by_assignment:
        return []
    columns = list(mean_seconds([t for ts in by_assignment.values() for t in ts]))
    lines = ["| assignment | notebooks | " + " | ".join(columns) + " | total |",
             "|---|---|" + "---|" * (len(columns) + 1)]
    rows = sorted(by_assignment.items()) + [("all", [t for ts in by_assignment.values() for t in ts])]
    for assignment, timings in rows:
        means = mean_seconds(timings)
        cells = [f"{means.get(c, 0.0):.2f}" for c in columns]
        lines.append(f"| {assignment} | {len(timings)} | " + " | ".join(cells) + f" | {sum(means.values()):.2f} |")
    return lines
