"""Benchmark: the grader's own memory is flat in the class size (issue 25, item 3).

Grades a class of ``--small`` and one of ``--large`` copies of chapter 1's reference
notebook (each under its own student id) with :func:`autograder.grading.batch.grade`,
each class in a fresh process, and reads the peak resident memory of that process
alone (``ru_maxrss``: the grader that stages, records and writes feedback; its worker
processes, zygote and kernels are not counted). Prints both peaks, the resident
memory when each run ended, the grades' check (every notebook full marks) and the
ratio of the peaks (target: at most 1.10). Long for 1,000 notebooks: run it alone.

    flock /tmp/bnweek-heavy.lock .venv/bin/python bench/bench_memory.py [--small 50] [--large 1000]
        [--workers N] [--no-feedback]
"""

import argparse
import json
import logging
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from students import hand_in, source

from autograder.environment import prepare

CH1 = "ch1_normalizing"
#: What the larger class's peak may be, as a multiple of the smaller one's.
TARGET_RATIO = 1.10


def resident_kib():
    """This process's resident memory now, in KiB (``/proc/self/status``'s VmRSS)."""
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))


def measure(notebooks, workers, feedback):
    """Grade ``notebooks`` copies of chapter 1 here; return what this process used, as a dict."""
    from autograder.grading.batch import grade

    prepare()
    with tempfile.TemporaryDirectory(prefix="bnweek-memory-") as folder:
        folder = Path(folder)
        notebook = source(CH1)
        submissions = [hand_in(folder, f"student{i:05d}", CH1, notebook) for i in range(notebooks)]
        del notebook
        before = resident_kib()
        started = time.monotonic()
        outcomes = grade(submissions, output=folder / "out", workers=workers, feedback=feedback)
        seconds = time.monotonic() - started
        full = sum(o.status == "graded" and o.total == o.max_score for o in outcomes)
        return {"notebooks": notebooks, "full_marks": full, "seconds": seconds, "rss_before_kib": before,
                "rss_end_kib": resident_kib(),
                "peak_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}  # KiB on Linux


def run_apart(notebooks, workers, feedback):
    """:func:`measure` in a fresh process, so that each peak is its own."""
    command = [sys.executable, __file__, "--measure", str(notebooks), "--workers", str(workers)]
    if not feedback:
        command.append("--no-feedback")
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode:
        sys.exit(f"the run of {notebooks} notebooks failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=50)
    parser.add_argument("--large", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-feedback", dest="feedback", action="store_false")
    parser.add_argument("--measure", type=int, help=argparse.SUPPRESS)  # one run, in this process
    options = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    if options.measure:
        print(json.dumps(measure(options.measure, options.workers, options.feedback)))
        return 0
    runs = [run_apart(n, options.workers, options.feedback) for n in (options.small, options.large)]
    print(f"chapter 1, {options.workers} workers, feedback {'on' if options.feedback else 'off'}")
    print(f"{'notebooks':>10} {'full marks':>10} {'seconds':>8} {'start MiB':>10} {'end MiB':>8} {'peak MiB':>9}")
    for run in runs:
        print(f"{run['notebooks']:>10} {run['full_marks']:>10} {run['seconds']:>8.0f} "
              f"{run['rss_before_kib'] / 1024:>10.1f} {run['rss_end_kib'] / 1024:>8.1f} {run['peak_kib'] / 1024:>9.1f}")
    ratio = runs[1]["peak_kib"] / runs[0]["peak_kib"]
    print(f"peak ratio {options.large} / {options.small}: {ratio:.3f} (target: at most {TARGET_RATIO})")
    graded = all(run["full_marks"] == run["notebooks"] for run in runs)
    if not graded:
        print("NOT EVERY NOTEBOOK HAD FULL MARKS")
    return 0 if ratio <= TARGET_RATIO and graded else 1


if __name__ == "__main__":
    sys.exit(main())
