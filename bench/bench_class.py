"""Benchmark: a class shaped like a real one, graded by plain nbgrader and by the pipeline, against the floor.

Per assignment, ``--per-assignment`` notebooks: about 70% the reference answers,
20% with one catalogued mistake each (one mutant of ``tests/catalogue`` in one
function, a different one for each student), and the rest blank (the student
version) or broken (one answer cell that does not parse, or raises when it runs).
The class is graded

* by plain nbgrader: its own ``autograde``, one notebook after another, in one run;
* by the pipeline: ``autograder.grading.batch`` in one run, confined kernels, all cores;
* against the floor: every notebook's autograded cells run back to back in one
  warm IPython process, no kernel, no gradebook, one BLAS thread (``floor.py``).

Plain nbgrader and the pipeline must give identical scores (exit 1, differences
listed, otherwise). Prints, per assignment and in total, seconds per notebook of
each, the pipeline's speedup over plain nbgrader (target: 8x in total), and the
pipeline over the floor shared among the cores it used (target: 1.3 at most),
then the floor by cell kind, where the pipeline's time went (its own timings,
:mod:`autograder.grading.timing`), and what a night of grading and a Dask
cluster would take for 1,000 students x 6 assignments. Heavy: run it alone.

    flock /tmp/bnweek-heavy.lock .venv/bin/python bench/bench_class.py [--per-assignment 20] [--workers N]
        [--feedback] [--assignments ch1_normalizing ...] [-v]
"""

import argparse
import logging
import os
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

import floor
import warm_shell
from graders import pipeline, plain_nbgrader
from students import blank, broken_once, hand_in, mistakes, source, with_mistakes

from autograder.course import assignments, graded_tests, nbgrader_config
from autograder.environment import prepare
from autograder.grading.timing import FEEDBACK, RECORD, STAGE, mean_seconds, profile_table

log = logging.getLogger("bench_class")

CORRECT, MISTAKE, BLANK, BROKEN = "correct", "mistake", "blank", "broken"
#: Shares of a real class; blank and broken split what is left.
SHARES = {CORRECT: 0.70, MISTAKE: 0.20}
#: What the pipeline should reach (issue 16).
TARGET_SPEEDUP, TARGET_OVER_FLOOR = 8.0, 1.3
TOTAL = "total"
#: The projection's class: 1,000 students, every assignment.
STUDENTS = 1000
#: The grader's own phases (its one process); every other phase runs on a worker.
GRADER_PHASES = (STAGE, RECORD, FEEDBACK)


def composition(n, odd_to_broken=False):
    """How many of ``n`` notebooks are of each kind; an odd remainder goes to blank, or to broken.

    Returns
    -------
    dict
        ``{kind: count}``, in the order the class is written.
    """
    correct = round(SHARES[CORRECT] * n)
    mistaken = min(round(SHARES[MISTAKE] * n), n - correct)
    rest = n - correct - mistaken
    broken = rest // 2 + (rest % 2 if odd_to_broken else 0)
    return {CORRECT: correct, MISTAKE: mistaken, BLANK: rest - broken, BROKEN: broken}


def realistic_class(folder, per_assignment, assignment_ids):
    """Write each assignment's class under ``folder/submitted``.

    The odd notebook left after the correct and mistaken ones is blank in every
    other assignment and broken in the rest, so a small class still has both.

    Returns
    -------
    (list of Submission, dict)
        The submissions, and ``{submission: (kind, what it holds in words)}``.
    """
    submissions, described = [], {}
    for index, assignment in enumerate(assignment_ids):
        reference, catalogued = source(assignment), mistakes(assignment)
        make = {
            CORRECT: lambda k: (reference, "the reference answers"),
            MISTAKE: lambda k: (with_mistakes(reference, [catalogued[k % len(catalogued)]]),
                                catalogued[k % len(catalogued)].label),
            BLANK: lambda k: (blank(assignment), "the student version, untouched"),
            BROKEN: lambda k: broken_once(reference, k + index),
        }
        for kind, count in composition(per_assignment, odd_to_broken=index % 2 == 1).items():
            for k in range(count):
                notebook, what = make[kind](k)
                submission = hand_in(folder, f"{kind}{k:02d}", assignment, notebook)
                submissions.append(submission)
                described[submission] = (kind, what)
                log.info("%s %s: %s", assignment, submission.student, what)
    return submissions, described


def lost_points(grades, assignment):
    """The test cells a gradebook's scores say failed: ``{test cell}`` scored below its points."""
    points = graded_tests(assignment)
    return {name for name, score in grades if score < points[name]}


def per_assignment(submissions, plain_each, pipeline_seconds, outcomes, measured):
    """Seconds per notebook of each grader, by assignment and in total.

    The pipeline grades the whole class in one run, its assignments side by side,
    so its wall time is shared among assignments in proportion to the seconds
    their notebooks took to execute on its workers.

    Returns
    -------
    dict
        ``{assignment or TOTAL: {"notebooks", "plain", "pipeline", "floor", "by_kind"}}`` (seconds per notebook).
    """
    executed = defaultdict(float)
    for outcome in outcomes:
        executed[outcome.assignment] += outcome.seconds
    all_executed = sum(executed.values()) or 1.0
    groups = defaultdict(list)
    for s in submissions:
        groups[s.assignment].append(s)
    groups[TOTAL] = list(submissions)
    rows = {}
    for name, members in groups.items():
        n = len(members)
        share = 1.0 if name == TOTAL else executed[name] / all_executed
        rows[name] = {
            "notebooks": n,
            "plain": sum(plain_each[s] for s in members) / n,
            "pipeline": pipeline_seconds * share / n,
            "floor": sum(measured.notebooks[(s.student, s.assignment)][warm_shell.SECONDS] for s in members) / n,
            "by_kind": {kind: sum(measured.notebooks[(s.student, s.assignment)][warm_shell.BY_KIND][kind]
                                  for s in members) / n for kind in warm_shell.KINDS},
        }
    return rows


def table(rows, cores):
    """The per-assignment table, a total row last."""
    over = f"pipe/(floor/{cores})"
    lines = [f"{'assignment':<18} {'notebooks':>9} {'plain s/nb':>10} {'pipeline s/nb':>13} {'floor s/nb':>10} "
             f"{'speedup':>8} {'pipe/floor':>10} {over:>15}"]
    for name, row in rows.items():
        if name == TOTAL:
            lines.append("-" * len(lines[0]))
        lines.append(f"{name:<18} {row['notebooks']:>9} {row['plain']:>10.2f} {row['pipeline']:>13.2f} "
                     f"{row['floor']:>10.2f} {row['plain'] / row['pipeline']:>7.1f}x "
                     f"{row['pipeline'] / row['floor']:>10.2f} {row['pipeline'] / (row['floor'] / cores):>15.2f}")
    return "\n".join(lines)


def floor_table(rows):
    """The floor's seconds per notebook by cell kind."""
    lines = [f"{'floor by cell kind, s/nb':<24} " + " ".join(f"{kind:>7}" for kind in warm_shell.KINDS)]
    for name, row in rows.items():
        lines.append(f"{name:<24} " + " ".join(f"{row['by_kind'][kind]:>7.2f}" for kind in warm_shell.KINDS))
    return "\n".join(lines)


def projection(outcomes, pipeline_per_notebook, cores, notebooks):
    """What grading ``notebooks`` would take: on this machine, and with more Dask workers.

    A worker (one process, one core) executes a notebook in the seconds its
    phases took here; the grader's own process stages and records every notebook
    itself, one at a time, which caps any cluster at one notebook per its seconds.

    Returns
    -------
    list of str
        Lines to print.
    """
    means = mean_seconds([o.timings for o in outcomes])
    own = sum(seconds for phase, seconds in means.items() if phase in GRADER_PHASES)
    on_worker = sum(seconds for phase, seconds in means.items() if phase not in GRADER_PHASES)
    hours = notebooks / 3600
    lines = [f"{notebooks} notebooks ({STUDENTS} students x {notebooks // STUDENTS} assignments, this class's mix):",
             f"  this machine ({cores} cores, measured): {pipeline_per_notebook * hours:.1f} h",
             f"  a worker executes a notebook in {on_worker:.2f} s; the grader's own process needs "
             f"{own:.2f} s a notebook (stage, record{', feedback' if FEEDBACK in means else ''}), "
             f"so no cluster grades faster than {own * hours:.1f} h"]
    for workers in (4, 8, 16, 32, 64):
        lines.append(f"  {workers:>3} Dask workers (one core each): {max(on_worker / workers, own) * hours:.1f} h")
    return lines


def main():
    prepare()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-assignment", type=int, default=20, help="notebooks per assignment")
    parser.add_argument("--workers", type=int, default=None, help="pipeline workers (default: all cores)")
    parser.add_argument("--feedback", action="store_true", help="the pipeline writes feedback too (plain does not)")
    parser.add_argument("--assignments", nargs="+", default=None, help="these assignments only (default: all)")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every student and what they handed in")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(message)s")
    assignment_ids = args.assignments or assignments()
    workers = args.workers or os.cpu_count()
    cores = min(workers, os.cpu_count())
    with tempfile.TemporaryDirectory(prefix="bnweek-bench-class-") as scratch:
        scratch = Path(scratch)
        submissions, described = realistic_class(scratch / "plain", args.per_assignment, assignment_ids)
        kinds = defaultdict(int)
        for kind, _ in described.values():
            kinds[kind] += 1
        print(f"{len(submissions)} notebooks: {len(assignment_ids)} assignments x {args.per_assignment} "
              f"({', '.join(f'{count} {kind}' for kind, count in kinds.items())})")
        plain_seconds, plain_scores, plain_each = plain_nbgrader(scratch / "plain", submissions)
        print(f"plain nbgrader autograde, sequential: {plain_seconds:.1f} s")
        pipeline_seconds, pipeline_scores, outcomes = pipeline(scratch / "pipeline", submissions, workers,
                                                               feedback=args.feedback)
        print(f"pipeline, {workers} workers on {os.cpu_count()} cores, confined kernels, "
              f"feedback {'on' if args.feedback else 'off'}: {pipeline_seconds:.1f} s")
        timeout = nbgrader_config(scratch / "plain").Execute.timeout
        measured = floor.measure(scratch / "floor", submissions, timeout)
        floor_seconds = sum(entry[warm_shell.SECONDS] for entry in measured.notebooks.values())
        print(f"floor, one warm IPython process, one BLAS thread: {floor_seconds:.1f} s "
              f"(not timed: imports {measured.import_seconds:.1f} s, warm-up {measured.warm_up_seconds:.1f} s)")
        rows = per_assignment(submissions, plain_each, pipeline_seconds, outcomes, measured)
        print()
        print(table(rows, cores))
        print(f"targets: speedup >= {TARGET_SPEEDUP:g}x in total; pipe/(floor/{cores}) <= {TARGET_OVER_FLOOR:g}. "
              f"Pipeline per assignment: its one run's wall time shared by execution seconds.")
        print()
        print(floor_table(rows))
        print()
        print("where the pipeline's time went, s/nb (workers' phases overlap with the grader's):")
        print("\n".join(profile_table(outcomes)))
        print()
        print("\n".join(projection(outcomes, rows[TOTAL]["pipeline"], cores, STUDENTS * len(assignment_ids))))
        print()
        agree = [s for s in submissions if set(measured.notebooks[(s.student, s.assignment)][warm_shell.FAILED_TESTS])
                 == lost_points(plain_scores[(s.student, s.assignment)], s.assignment)]
        print(f"floor's failed test cells are the grades' lost points: {len(agree)}/{len(submissions)} notebooks")
        for s in submissions:
            if s not in agree:
                print(f"  {s.assignment} {s.student} ({described[s][1]}): floor failed "
                      f"{sorted(measured.notebooks[(s.student, s.assignment)][warm_shell.FAILED_TESTS])}, "
                      f"grades lost {sorted(lost_points(plain_scores[(s.student, s.assignment)], s.assignment))}")
        identical = plain_scores == pipeline_scores
        print(f"scores identical: {identical}")
        if not identical:
            for key in plain_scores:
                if plain_scores[key] != pipeline_scores.get(key):
                    print("  differs:", key, plain_scores[key], pipeline_scores.get(key))
            sys.exit(1)


if __name__ == "__main__":
    main()
