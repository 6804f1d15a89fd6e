"""The class report: pass rate per graded function, a score histogram, a summary."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from autograder.grading.inert import markdown
from autograder.grading.intake import REFUSED
from autograder.grading.timing import profile_table

if TYPE_CHECKING:
    import os
    from collections.abc import Iterable, Sequence

    from autograder.grading.results import Outcome
    from autograder.sandbox.limits import Enforcement


def pass_rates(outcomes: Iterable[Outcome]) -> dict[tuple[str, str], tuple[int, int]]:
    """Fraction of graded submissions earning full points, per (assignment, function).

    Returns
    -------
    dict
        ``{(assignment, function): (passed, graded)}``.
    """
    rates: dict[tuple[str, str], tuple[int, int]] = {}
    for outcome in outcomes:
        if not outcome.graded:
            continue
        for function, possible in outcome.possible.items():
            passed, graded = rates.get((outcome.assignment, function), (0, 0))
            rates[(outcome.assignment, function)] = (passed + (outcome.scores.get(function, 0) >= possible), graded + 1)
    return rates


def plot_histogram(outcomes: Sequence[Outcome], path: str | os.PathLike[str]) -> None:
    """Save a histogram of graded submissions' scores (as a percentage of the maximum) per assignment."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    assignments = sorted({o.assignment for o in outcomes})
    fig, ax = plt.subplots(figsize=(7, 4))
    bins = [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100.01]
    scored = [o for o in outcomes if o.max_score and o.graded]  # not graded (no notebook, grader error) is not 0
    data = [[100 * o.total / o.max_score for o in scored if o.assignment == a] for a in assignments]
    ax.hist(data, bins=bins, label=assignments, stacked=True)
    ax.set_xlabel("score (% of maximum)")
    ax.set_ylabel("submissions")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # a count of submissions is whole
    ax.set_title("Score distribution")
    ax.legend(fontsize="small")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def write_report(outcomes: Sequence[Outcome], folder: str | os.PathLike[str], enforcement: Enforcement | None = None,
                 profile: bool = False, notes: Sequence[str] = ()) -> str:
    """Write ``scores.png`` and ``summary.md`` into ``folder``; return the summary text.

    Parameters
    ----------
    outcomes : list of Outcome
    folder : path-like
    enforcement : autograder.sandbox.limits.Enforcement, optional
        What confined the kernels: the report's first line, and a section listing it.
    profile : bool
        Add a section on where the time went, per phase of grading a notebook.
    notes : list of str
        What intake said of the source as a whole (each file that is no submission,
        ``"not graded: <file>: <why>"``; each student id that had to change).

    Every string that came from a submission (ids, notes naming its files) is written as
    literal Markdown (:func:`~autograder.grading.inert.markdown`): no markup, no HTML, no
    control character, one line each.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    plot_histogram(outcomes, folder / "scores.png")
    statuses = Counter(o.status for o in outcomes)
    lines = [enforcement.headline(), ""] if enforcement else []
    lines += ["# Grading report", "", f"{len(outcomes)} submission(s): "
             + ", ".join(f"{count} {status}" for status, count in sorted(statuses.items())), ""]
    lines += ["| assignment | function | passed | pass rate |", "|---|---|---|---|"]
    for (assignment, function), (passed, graded) in sorted(pass_rates(outcomes).items()):
        lines.append(f"| {assignment} | `{function}` | {passed}/{graded} | {passed / graded:.0%} |")
    problems = [o for o in outcomes if o.problem or not o.graded]
    if problems:
        lines += ["", "## Needs attention", ""]
        lines += [f"- {markdown(o.student)} / {markdown(o.assignment)}: "
                  + markdown(o.problem if o.status in REFUSED else "; ".join(filter(None, [o.status, o.problem])))
                  for o in problems]
    if notes:
        lines += ["", "## Intake", ""]
        lines += [f"- {markdown(note)}" for note in notes]
    if enforcement:
        lines += ["", "## What was enforced on this run", ""]
        lines += [f"- {line}" for line in enforcement.how] or ["- nothing: kernels ran unconfined"]
        lines += [f"- not enforced: {line}" for line in enforcement.missing]
    if profile:
        lines += ["", "## Where the time went", "",
                  "Seconds per notebook, by phase, over the notebooks this run executed; the workers' phases "
                  "(kernels to other steps) overlap with one another and with the grader's (stage, record, feedback).",
                  ""]
        lines += profile_table(outcomes) or ["No notebook was executed on this run."]
    lines += ["", "![Score distribution](scores.png)", ""]
    summary = "\n".join(lines)
    (folder / "summary.md").write_text(summary, encoding="utf-8")
    return summary
