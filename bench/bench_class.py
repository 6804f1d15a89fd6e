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
listed, otherwise), but for one difference by design: a split test (chapter 6)
whose visible asserts fail scores 0 under plain nbgrader, while the pipeline scores
it from the judge alone (its visible half decides nothing), so such a cell may
earn partial credit there; those cells are listed apart. Prints, per assignment
and in total, seconds per notebook of each, the pipeline's speedup over plain
nbgrader (target: 10x in total), and the pipeline over the floor shared among the
cores it used (target: 2.0 at most),
then the floor by cell kind, where the pipeline's time went (its own timings,
:mod:`autograder.grading.timing`), the grader's *serial cost* (what its own
process spends per notebook staging, recording and sending feedback off: wall seconds,
which on one machine include waiting for the cores the workers hold, and CPU seconds;
and the CPU seconds of that process over the whole run, start-up and releases included), and the projection for 600,000
notebooks on 8, 64 and 512 Dask workers. With ``--repeat 3`` the class is graded
three times and the medians of the speedup and of the ratio to the floor per core
are printed (each ratio measured within one run). With ``--no-plain`` plain nbgrader
is left out (most of the run's hour): the floor ratio and the serial part only, no
speedup and no comparison of scores. Heavy: run it alone.

    flock /tmp/bnweek-heavy.lock .venv/bin/python bench/bench_class.py [--per-assignment 20] [--workers N]
        [--feedback] [--repeat 3] [--no-plain] [--assignments ch1_normalizing ...] [-v]
"""

import argparse
import logging
import os
import resource
import shutil
import statistics
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

import floor
import warm_shell
from graders import pipeline, plain_nbgrader
from students import blank, broken_once, hand_in, mistakes, source, with_mistakes

from autograder.course import assignments, cell_roles, graded_tests, nbgrader_config
from autograder.environment import prepare
from autograder.grading.recording import FEEDBACK_PROCESSES, FEEDBACK_RENDER
from autograder.grading.timing import FEEDBACK, RECORD, STAGE, mean_seconds, profile_table

log = logging.getLogger("bench_class")

CORRECT, MISTAKE, BLANK, BROKEN = "correct", "mistake", "blank", "broken"
#: Shares of a real class; blank and broken split what is left.
SHARES = {CORRECT: 0.70, MISTAKE: 0.20}
#: What the pipeline should reach (issue 25): speedup over plain nbgrader, pipeline over the floor per core.
TARGET_SPEEDUP, TARGET_OVER_FLOOR = 10.0, 2.0
#: What the grader's own process may spend per notebook (issue 25), in seconds.
TARGET_SERIAL = 0.030
TOTAL = "total"
#: The projection's class: 100,000 students x 6 assignments.
PROJECTED_NOTEBOOKS = 600_000
PROJECTED_WORKERS = (8, 64, 512)
#: The grader's own phases (its one process); the feedback render runs in its feedback processes;
#: every other phase runs on a worker.
GRADER_PHASES = (STAGE, RECORD, FEEDBACK)
HOST_PHASES = (FEEDBACK_RENDER,)


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
            "plain": sum(plain_each[s] for s in members) / n if plain_each else float("nan"),
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
                     f"{row['floor']:>10.2f} {row['plain'] / row['pipeline']:>7.1f}x "  # nan without plain nbgrader
                     f"{row['pipeline'] / row['floor']:>10.2f} {row['pipeline'] / (row['floor'] / cores):>15.2f}")
    return "\n".join(lines)


def floor_table(rows):
    """The floor's seconds per notebook by cell kind."""
    lines = [f"{'floor by cell kind, s/nb':<24} " + " ".join(f"{kind:>7}" for kind in warm_shell.KINDS)]
    for name, row in rows.items():
        lines.append(f"{name:<24} " + " ".join(f"{row['by_kind'][kind]:>7.2f}" for kind in warm_shell.KINDS))
    return "\n".join(lines)


def serial_cost(outcomes):
    """Seconds per notebook: the grader's own process, its feedback processes, and a worker.

    Returns
    -------
    (float, float, float, float)
        Means over the notebooks this run executed of :data:`GRADER_PHASES` (wall), of the
        grader's CPU in them (:attr:`~autograder.grading.results.Outcome.grader_cpu`), of
        :data:`HOST_PHASES` and of every other phase.
    """
    timed = [o for o in outcomes if o.timings]
    means = mean_seconds([o.timings for o in timed])
    own = sum(seconds for phase, seconds in means.items() if phase in GRADER_PHASES)
    own_cpu = sum(o.grader_cpu for o in timed) / len(timed) if timed else 0.0
    host = sum(seconds for phase, seconds in means.items() if phase in HOST_PHASES)
    on_worker = sum(seconds for phase, seconds in means.items() if phase not in GRADER_PHASES + HOST_PHASES)
    return own, own_cpu, host, on_worker


def projection(outcomes, pipeline_per_notebook, cores, notebooks=PROJECTED_NOTEBOOKS,
               feedback_processes=FEEDBACK_PROCESSES):
    """What grading ``notebooks`` would take: on this machine, and on Dask workers.

    A worker (one process, one core) executes a notebook in the seconds its phases
    took here; the grader's own process stages and records every notebook itself,
    one at a time, and its feedback processes render every page; so a cluster of
    ``W`` workers takes ``N x max(serial, worker / W, render / F)``. The serial part is
    the grader's wall seconds in its phases: here they include waiting for cores the
    workers hold, which a grader on a host of its own does not (its CPU seconds are printed too).

    Returns
    -------
    list of str
        Lines to print.
    """
    own, own_cpu, render, on_worker = serial_cost(outcomes)
    hours = notebooks / 3600
    lines = [f"{notebooks:,} notebooks, this class's mix:",
             f"  this machine ({cores} cores, measured): {pipeline_per_notebook * hours:.1f} h",
             f"  serial (the grader's own process: stage, record{', send feedback' if render else ''}) "
             f"S = {own * 1000:.1f} ms a notebook (of which CPU {own_cpu * 1000:.1f}); a worker W1 = {on_worker:.2f} s a notebook"
             + (f"; feedback render R = {render:.2f} s a notebook on F = {feedback_processes} processes" if render
                else ""),
             "  T(W workers) = N x max(S, W1 / W" + (", R / F" if render else "") + ")"]
    for workers in PROJECTED_WORKERS:
        parts = {"serial": own, "workers": on_worker / workers}
        if render:
            parts["feedback processes"] = render / feedback_processes
        bound = max(parts, key=parts.get)
        lines.append(f"  {workers:>3} Dask workers (one core each): {parts[bound] * hours:.1f} h "
                     f"(bound by the {bound}: {parts[bound] * 1000:.1f} ms a notebook)")
    if render:
        needed = render / max(own, on_worker / max(PROJECTED_WORKERS))
        lines.append(f"  feedback processes that keep pace with {max(PROJECTED_WORKERS)} workers: {needed:.0f}")
    lines.append(f"  never faster than the serial part: {own * hours:.2f} h")
    return lines


def split_tests(assignment):
    """The grade_ids of an assignment's split test cells (their visible half runs with the submission's code)."""
    return set(cell_roles(assignment)["split"])


def score_differences(plain_scores, pipeline_scores):
    """Where the pipeline's scores differ from plain nbgrader's, and which of those differ by design.

    Returns
    -------
    (list, list)
        ``[(key, plain cells, pipeline cells)]`` for notebooks that differ otherwise than by design, and
        ``[(key, cell, plain score, pipeline score)]`` for split test cells plain nbgrader scored 0.
    """
    differences, by_design = [], []
    for key, plain in plain_scores.items():
        ours = pipeline_scores.get(key)
        if plain == ours:
            continue
        ours_by_cell = dict(ours or [])
        split = split_tests(key[1])
        expected = [(cell, ours_by_cell.get(cell) if cell in split and score == 0 else score) for cell, score in plain]
        if ours is None or expected != ours:
            differences.append((key, plain, ours))
            continue
        by_design += [(key, cell, score, ours_by_cell[cell]) for cell, score in plain
                      if score != ours_by_cell[cell]]
    return differences, by_design


def main_cpu_seconds():
    """CPU seconds this process has used (all its threads; not its children)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def one_run(scratch, submissions, described, workers, cores, feedback, verbose=True, plain=True):
    """Grade the class with plain nbgrader (unless not ``plain``) and the pipeline, measure the floor; print the tables.

    Returns
    -------
    dict
        ``speedup`` and ``over_floor`` (pipeline over the floor per core), ``serial`` (s a notebook, phases),
        ``serial_phases_cpu`` (its CPU in them), ``serial_cpu`` (the grader's CPU seconds a notebook over its
        whole run), ``identical`` (``None`` without plain nbgrader to compare with).
    """
    # nbgrader's autograde reads its course root's submitted/ folder: a copy of the class, per run
    shutil.copytree(submissions[0].folder.parents[1], scratch / "plain" / "submitted")
    plain_scores, plain_each = {}, {}
    if plain:
        plain_seconds, plain_scores, plain_each = plain_nbgrader(scratch / "plain", submissions)
        print(f"plain nbgrader autograde, sequential: {plain_seconds:.1f} s")
    cpu = main_cpu_seconds()
    pipeline_seconds, pipeline_scores, outcomes = pipeline(scratch / "pipeline", submissions, workers,
                                                           feedback=feedback)
    cpu = main_cpu_seconds() - cpu
    print(f"pipeline, {workers} workers on {os.cpu_count()} cores, confined kernels, "
          f"feedback {'on' if feedback else 'off'}: {pipeline_seconds:.1f} s")
    timeout = nbgrader_config(scratch / "plain").Execute.timeout
    measured = floor.measure(scratch / "floor", submissions, timeout)
    floor_seconds = sum(entry[warm_shell.SECONDS] for entry in measured.notebooks.values())
    print(f"floor, one warm IPython process, one BLAS thread: {floor_seconds:.1f} s "
          f"(not timed: imports {measured.import_seconds:.1f} s, warm-up {measured.warm_up_seconds:.1f} s)")
    rows = per_assignment(submissions, plain_each, pipeline_seconds, outcomes, measured)
    total = rows[TOTAL]
    own, own_cpu, render, _ = serial_cost(outcomes)
    print()
    print(table(rows, cores))
    print(f"targets: speedup >= {TARGET_SPEEDUP:g}x in total; pipe/(floor/{cores}) <= {TARGET_OVER_FLOOR:g}. "
          f"Pipeline per assignment: its one run's wall time shared by execution seconds.")
    print()
    print(f"serial cost, the grader's own process: {own * 1000:.1f} ms a notebook (stage, record, feedback sent; "
          f"target <= {TARGET_SERIAL * 1000:.0f}), of which CPU {own_cpu * 1000:.1f} ms; its CPU over the whole run (start-up, intake, every thread): "
          f"{cpu / len(submissions) * 1000:.1f} ms a notebook"
          + (f"; feedback rendered beside it: {render * 1000:.0f} ms a notebook" if render else ""))
    if verbose:
        print()
        print(floor_table(rows))
        print()
        print("where the pipeline's time went, s/nb (workers' phases overlap with the grader's):")
        print("\n".join(profile_table(outcomes)))
        print()
        print("\n".join(projection(outcomes, total["pipeline"], cores)))
    print()
    if not plain:
        print("scores not compared: plain nbgrader did not grade this run (--no-plain)")
        return {"speedup": float("nan"), "over_floor": total["pipeline"] / (total["floor"] / cores),
                "serial": own, "serial_phases_cpu": own_cpu, "serial_cpu": cpu / len(submissions), "identical": None}
    agree = [s for s in submissions if set(measured.notebooks[(s.student, s.assignment)][warm_shell.FAILED_TESTS])
             == lost_points(plain_scores[(s.student, s.assignment)], s.assignment)]
    print(f"floor's failed test cells are the grades' lost points: {len(agree)}/{len(submissions)} notebooks")
    for s in submissions:
        if s not in agree:
            print(f"  {s.assignment} {s.student} ({described[s][1]}): floor failed "
                  f"{sorted(measured.notebooks[(s.student, s.assignment)][warm_shell.FAILED_TESTS])}, "
                  f"grades lost {sorted(lost_points(plain_scores[(s.student, s.assignment)], s.assignment))}")
    differences, by_design = score_differences(plain_scores, pipeline_scores)
    identical = not differences
    print(f"scores identical: {identical}" + (f" (but {len(by_design)} split test cell(s) whose visible asserts "
                                              "failed: 0 under plain nbgrader, the judge's score here)"
                                              if by_design else ""))
    for key, cell, plain, ours in by_design:
        print(f"  by design: {key} {cell}: plain {plain:g}, pipeline {ours:g}")
    for key, plain, ours in differences:
        print("  differs:", key, plain, ours)
    return {"speedup": total["plain"] / total["pipeline"], "over_floor": total["pipeline"] / (total["floor"] / cores),
            "serial": own, "serial_phases_cpu": own_cpu, "serial_cpu": cpu / len(submissions),
            "identical": identical}


def main():
    prepare()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-assignment", type=int, default=20, help="notebooks per assignment")
    parser.add_argument("--workers", type=int, default=None, help="pipeline workers (default: all cores)")
    parser.add_argument("--feedback", action="store_true", help="the pipeline writes feedback too (plain does not)")
    parser.add_argument("--assignments", nargs="+", default=None, help="these assignments only (default: all)")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every student and what they handed in")
    parser.add_argument("--repeat", type=int, default=1, help="grade the class this many times; print medians")
    parser.add_argument("--no-plain", action="store_true",
                        help="leave plain nbgrader out (minutes instead of most of an hour): the floor and the serial "
                             "part only, no speedup and no comparison of scores")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(message)s")
    assignment_ids = args.assignments or assignments()
    workers = args.workers or os.cpu_count()
    cores = min(workers, os.cpu_count())
    with tempfile.TemporaryDirectory(prefix="bnweek-bench-class-") as scratch:
        scratch = Path(scratch)
        submissions, described = realistic_class(scratch / "class", args.per_assignment, assignment_ids)
        kinds = defaultdict(int)
        for kind, _ in described.values():
            kinds[kind] += 1
        print(f"{len(submissions)} notebooks: {len(assignment_ids)} assignments x {args.per_assignment} "
              f"({', '.join(f'{count} {kind}' for kind, count in kinds.items())})")
        runs = []
        for index in range(args.repeat):
            if args.repeat > 1:
                print(f"\n=== run {index + 1} of {args.repeat} ===")
            runs.append(one_run(scratch / f"run{index}", submissions, described, workers, cores, args.feedback,
                                verbose=index == args.repeat - 1, plain=not args.no_plain))
        if args.repeat > 1:
            print(f"\nover {args.repeat} runs (each ratio measured within its run):")
            for key, label, unit in (("speedup", "speedup over plain nbgrader", "x"),
                                     ("over_floor", f"pipeline over the floor per core (floor/{cores})", ""),
                                     ("serial", "serial cost, ms a notebook (wall in its phases)", ""),
                                     ("serial_phases_cpu", "serial cost, ms a notebook (CPU in its phases)", ""),
                                     ("serial_cpu", "the grader's CPU over the whole run, ms a notebook", "")):
                if key == "speedup" and args.no_plain:
                    continue
                values = [r[key] * (1000 if key.startswith("serial") else 1) for r in runs]
                print(f"  {label}: median {statistics.median(values):.2f}{unit} "
                      f"(runs: {', '.join(f'{v:.2f}' for v in values)})")
        if any(r["identical"] is False for r in runs):
            sys.exit(1)


if __name__ == "__main__":
    main()
