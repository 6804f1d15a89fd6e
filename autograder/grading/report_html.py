"""The class report as one self-contained HTML page: what to reteach.

``report/report.html`` needs no network and no other file: its CSS is inline and each histogram is inline
SVG. Per assignment it gives the score distribution; per graded function the pass rate and how partial
credit spread; the hidden checks most often failed and the known mistakes the hidden tests named, with
their counts and one verdict as an example (read from the test cells' outputs of the graded notebooks, as
:mod:`autograder.kernel.tfcheck` prints them, in English or Chinese); then the submissions that were not
graded (counted apart, never as 0 %), late submissions, scores set by hand, intake's notes, and last what
confined the kernels. Every string that came from a submission goes through
:func:`~autograder.grading.inert.html`.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import nbformat

from autograder.grading.inert import html
from autograder.grading.intake import GRADER_ERROR

if TYPE_CHECKING:
    import os
    from collections.abc import Iterable, Sequence

    from autograder.grading.results import Outcome
    from autograder.sandbox.limits import Enforcement

# tfcheck's verdict, in either language (its _WORDS): a header per function, a line per check, the mistakes.
_HEADER = re.compile(r"^Hidden checks of (?P<en>\S+):$|^(?P<zh>\S+) 的隐藏检查：$")
_FAILED = re.compile(r"^  (?:FAILED: |未通过：)(?P<what>.+?)(?:: |：)(?P<message>.*)$")
_PASSED = re.compile(r"^  (?:passed: |通过：)")
_MISTAKE = re.compile(r"^(?:This looks like a known mistake: |这像是一个常见错误：)(?P<text>.+)$")
# The case a check ran on, after its name ("... for shape (4, 32), float64, scale 1"): checks are counted by name.
_CASE = re.compile(r"(?: for |，|, )?(?:shape|形状) \(.*$")
#: Partial-credit buckets, as a share of a function's points.
BUCKETS = ("0", "1–49 %", "50–99 %", "100 %")


@dataclass
class Verdict:
    """What the hidden checks said of one function in one notebook.

    Attributes
    ----------
    function : str
    failed : list of str
        The names of the failed checks.
    mistakes : list of str
        The known mistakes named.
    text : str
        The whole verdict, as printed.
    """

    function: str
    failed: list = field(default_factory=list)
    mistakes: list = field(default_factory=list)
    text: str = ""


def verdicts(text: str) -> list[Verdict]:
    """Every verdict in a test cell's printed output (:meth:`autograder.kernel.tfcheck.Checks.report`)."""
    found: list[Verdict] = []
    current = None
    for line in text.splitlines():
        if match := _HEADER.match(line):
            current = Verdict(match["en"] or match["zh"], text=line)
            found.append(current)
        elif current is not None and (line.startswith("  ") or _MISTAKE.match(line)):
            current.text += "\n" + line
            if match := _FAILED.match(line):
                current.failed.append(match["what"])
            elif match := _MISTAKE.match(line):
                current.mistakes.append(match["text"])
        elif current is not None and not _PASSED.match(line):
            current = None
    return found


def check_name(what: str) -> str:
    """A check's name without the case it ran on: ``"the cache for shape (4, 32), float64"`` -> ``"the cache"``."""
    return _CASE.sub("", what).strip() or what


def notebook_verdicts(path: str | os.PathLike[str]) -> list[Verdict]:
    """The verdicts in a graded notebook's test cells (their printed outputs); none if it cannot be read."""
    try:
        notebook = nbformat.read(path, as_version=4)
    except Exception:  # noqa: BLE001  (an unreadable graded notebook only loses its examples)
        return []
    found = []
    for cell in notebook.cells:
        if not cell.get("metadata", {}).get("nbgrader", {}).get("grade"):
            continue
        text = "".join(output.get("text", "") for output in cell.get("outputs", []) if output.get("output_type") == "stream")
        found += verdicts(text)
    return found


def svg_histogram(percentages: Sequence[float], title: str) -> str:
    """An inline SVG histogram of scores (% of maximum) in ten bins; the y axis has integer ticks only."""
    counts = [0] * 10
    for value in percentages:
        counts[min(9, max(0, int(value // 10)))] += 1
    top = max(counts + [1])
    step = max(1, math.ceil(top / 5))
    top = step * math.ceil(top / step)
    width, height, left, bottom = 440, 200, 40, 30
    plot_w, plot_h = width - left - 10, height - bottom - 10
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img">',
             f"<title>{html(title)}</title>"]
    for tick in range(0, top + 1, step):
        y = 10 + plot_h - plot_h * tick / top
        parts.append(f'<line x1="{left}" x2="{width - 10}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>'
                     f'<text x="{left - 5}" y="{y + 4:.1f}" text-anchor="end" font-size="11">{tick}</text>')
    bar = plot_w / 10
    for index, count in enumerate(counts):
        h = plot_h * count / top
        parts.append(f'<rect x="{left + index * bar + 1:.1f}" y="{10 + plot_h - h:.1f}" width="{bar - 2:.1f}" '
                     f'height="{h:.1f}" fill="#4a7ab5"><title>{10 * index}–{10 * index + 10} %: {count}</title></rect>')
    for index in range(0, 11, 2):
        parts.append(f'<text x="{left + index * bar:.1f}" y="{height - 12}" text-anchor="middle" '
                     f'font-size="11">{10 * index}</text>')
    parts.append(f'<text x="{left + plot_w / 2:.1f}" y="{height - 1}" text-anchor="middle" font-size="11">'
                 "score (% of maximum)</text></svg>")
    return "".join(parts)


def _bucket(score: float, possible: float) -> str:
    if score >= possible:
        return BUCKETS[3]
    if score <= 0:
        return BUCKETS[0]
    return BUCKETS[1] if score < possible / 2 else BUCKETS[2]


def _table(header: Iterable[str], rows: Iterable[Iterable[str]]) -> str:
    head = "".join(f"<th>{cell}</th>" for cell in header)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


_CSS = """body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse;margin:.5rem 0 1.5rem}td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;
vertical-align:top}th{background:#f2f2f2}pre{background:#f7f7f7;padding:.5rem;white-space:pre-wrap;margin:0}
.num{text-align:right}h2{border-bottom:1px solid #ccc}.small{color:#555;font-size:.9em}"""


def write_html_report(outcomes: Sequence[Outcome], path: str | os.PathLike[str],
                      enforcement: Enforcement | None = None, notes: Sequence[str] = (),
                      autograded: str | os.PathLike[str] | None = None, top: int = 10) -> None:
    """Write the report (see the module's docstring) to ``path``.

    Parameters
    ----------
    outcomes : list of Outcome
    path : path-like
    enforcement : Enforcement, optional
        What confined the kernels: the last section.
    notes : list of str
        Intake's notes and the adjustments' (each a line).
    autograded : path-like, optional
        The run's ``autograded/`` folder, whose notebooks' test-cell outputs give the checks and mistakes.
    top : int
        How many checks to list per assignment.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    graded = [o for o in outcomes if o.graded]
    refused = [o for o in outcomes if not o.graded and o.status != GRADER_ERROR]
    failed = [o for o in outcomes if o.status == GRADER_ERROR]
    late = [o for o in outcomes if o.lateness is not None and o.lateness.late]
    body = ["<h1>Grading report</h1>"]
    if enforcement is not None and not enforcement.confined:
        body.append("<p><b>UNCONFINED: kernels ran without operating-system isolation; see the last section.</b></p>")
    body += [
            f"<p>{len(outcomes)} submission(s): <b>{len(graded)} graded</b>, {len(refused)} not graded "
            f"(no notebook to grade: counted apart, not as 0 %), {len(failed)} the grader failed on, "
            f"{len(late)} late.</p>"]
    examples: dict[tuple[str, str, str], str] = {}
    checks: Counter[tuple[str, str, str]] = Counter()
    mistakes: Counter[tuple[str, str, str]] = Counter()
    for outcome in graded:
        if autograded is None:
            break
        notebook = Path(autograded) / outcome.student / outcome.assignment / f"{outcome.assignment}.ipynb"
        for verdict in notebook_verdicts(notebook):
            checks.update((outcome.assignment, verdict.function, name)
                          for name in dict.fromkeys(check_name(what) for what in verdict.failed))
            for text in dict.fromkeys(verdict.mistakes):
                mistakes[(outcome.assignment, verdict.function, text)] += 1
                examples.setdefault((outcome.assignment, verdict.function, text), verdict.text)
    for assignment in sorted({o.assignment for o in outcomes}):
        mine = [o for o in graded if o.assignment == assignment]
        body.append(f"<h2>{html(assignment)}</h2>")
        scored = [100 * o.total / o.max_score for o in mine if o.max_score]
        body.append(f"<p>{len(mine)} graded; mean {sum(scored) / len(scored):.0f} % of the maximum.</p>" if scored
                    else "<p>No graded submission.</p>")
        body.append(svg_histogram(scored, f"Scores of {assignment}"))
        spread: dict[str, Counter] = defaultdict(Counter)
        for outcome in mine:
            for function, possible in outcome.possible.items():
                spread[function][_bucket(outcome.scores.get(function, 0.0), possible)] += 1
        rows = []
        for function, counts in spread.items():
            total = sum(counts.values())
            rows.append([f"<code>{html(function)}</code>", f"{counts[BUCKETS[3]]}/{total}",
                         f"{counts[BUCKETS[3]] / total:.0%}", *(str(counts[b]) for b in BUCKETS)])
        body.append("<h3>Per function</h3>" + _table(
            ["function", "full points", "pass rate", *(f"earned {b}" for b in BUCKETS)], rows))
        common = [(key, n) for key, n in checks.most_common() if key[0] == assignment][:top]
        body.append("<h3>Hidden checks most often failed</h3>" + (_table(
            ["function", "check (any of its cases)", "submissions failing it"],
            [[f"<code>{html(f)}</code>", html(what), f"{n}/{len(mine)}"] for (_, f, what), n in common])
            if common else "<p>None failed.</p>"))
        named = [(key, n) for key, n in mistakes.most_common() if key[0] == assignment]
        body.append("<h3>Known mistakes the hidden tests named</h3>" + (_table(
            ["function", "mistake", "submissions", "example verdict"],
            [[f"<code>{html(f)}</code>", html(text), str(n), f"<pre>{html_block(examples[(a, f, text)])}</pre>"]
             for (a, f, text), n in named]) if named else "<p>None named.</p>"))
    if refused or failed:
        body.append("<h2>Not graded</h2><p>Counted apart: these are in no pass rate or histogram.</p>" + _table(
            ["student", "assignment", "why"],
            [[html(o.student), html(o.assignment), html(o.problem or o.status)] for o in refused + failed]))
    timed = [(o, o.lateness) for o in outcomes
             if o.lateness is not None and (o.lateness.late or o.lateness.seconds_late is None)]
    if timed:
        body.append("<h2>Late submissions</h2>" + _table(
            ["student", "assignment", "due (UTC)", "submitted (UTC)", "lateness", "penalty"],
            [[html(o.student), html(o.assignment), html(lateness.due.strftime("%Y-%m-%d %H:%M")),
              html(lateness.submitted.strftime("%Y-%m-%d %H:%M") if lateness.submitted else "unknown"),
              html(lateness.describe()), f"{o.penalty:g}"] for o, lateness in timed]))
    adjusted = [o for o in outcomes if o.overrides]
    if adjusted:
        body.append("<h2>Scores set by hand</h2>" + _table(
            ["student", "assignment", "function", "judge", "given", "reason"],
            [[html(o.student), html(o.assignment), f"<code>{html(f)}</code>", f"{auto:g}", f"{given:g}", html(why)]
             for o in adjusted for f, auto, given, why in o.overrides]))
    if notes:
        body.append("<h2>Intake and adjustments</h2><ul>" + "".join(f"<li>{html(n)}</li>" for n in notes) + "</ul>")
    if enforcement is not None:
        body.append("<h2>What was enforced on this run</h2>"
                    f"<p class=small>{html(enforcement.headline())}</p><ul>"
                    + "".join(f"<li>{html(line)}</li>" for line in enforcement.how)
                    + "".join(f"<li>not enforced: {html(line)}</li>" for line in enforcement.missing) + "</ul>")
    page = ("<!DOCTYPE html><html lang=en><head><meta charset=utf-8><title>Grading report</title>"
            f"<style>{_CSS}</style></head><body>" + "\n".join(body) + "</body></html>\n")
    path.write_text(page, encoding="utf-8")


def html_block(text: str) -> str:
    """Multi-line text for a ``<pre>``: each line through :func:`~autograder.grading.inert.html`."""
    return "\n".join(html(line) for line in text.splitlines())
