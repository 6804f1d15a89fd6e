"""Benchmark: plain sequential nbgrader autograde vs the BN Week pipeline, same run.

Grades the same synthetic class (correct, wrong, broken and blank notebooks of
every assignment) twice: once with nbgrader's own ``autograde`` (one cold kernel
per notebook, one notebook at a time, as ``nbgrader autograde`` does), once with
``autograder.grading.batch`` (warm forked kernels, local workers). Checks that every
score is identical, then prints seconds per notebook for each and the ratio.

    .venv/bin/python bench/bench_grading.py [--per-kind 1] [--workers 2] [--unconfined-too]
"""

import argparse
import tempfile
from pathlib import Path

from graders import pipeline, plain_nbgrader
from students import blank, hand_in, source, unparsable, with_mistakes

from autograder.catalogue import MUTANT, pack, variants
from autograder.course import CATALOGUE, assignments
from autograder.environment import prepare


def synthetic_class(folder, per_kind):
    """Write submitted/<student>/<assignment>/<assignment>.ipynb; return the submissions."""
    submissions = []
    for assignment in assignments():
        reference = source(assignment)
        mistakes = pack(variants(CATALOGUE, assignment), MUTANT)
        kinds = {
            "correct": lambda k: reference,
            "wrong": lambda k: with_mistakes(reference, mistakes[k % len(mistakes)]),
            "broken": lambda k: unparsable(reference),
            "blank": lambda k: blank(assignment),
        }
        for kind, make in kinds.items():
            for k in range(per_kind):
                submissions.append(hand_in(folder, f"{kind}{k}", assignment, make(k)))
    return submissions


def main():
    prepare()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-kind", type=int, default=1, help="submissions per kind per assignment")
    parser.add_argument("--workers", type=int, default=None, help="pipeline workers (default: all cores)")
    parser.add_argument("--unconfined-too", action="store_true",
                        help="also grade with the kernels unconfined, to print what confinement costs")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bnweek-bench-") as scratch:
        scratch = Path(scratch)
        plain_root = scratch / "plain"
        submissions = synthetic_class(plain_root, args.per_kind)
        n = len(submissions)
        print(f"{n} notebooks: {len(assignments())} assignments x 4 kinds x {args.per_kind}")
        plain_seconds, plain_scores, _ = plain_nbgrader(plain_root, submissions)
        print(f"plain nbgrader autograde (sequential): {plain_seconds:.1f} s, {plain_seconds / n:.2f} s/notebook")
        fast_seconds, fast_scores, _ = pipeline(scratch / "pipeline", submissions, args.workers)
        print(f"BN Week pipeline:                      {fast_seconds:.1f} s, {fast_seconds / n:.2f} s/notebook")
        if args.unconfined_too:
            loose_seconds, loose_scores, _ = pipeline(scratch / "unconfined", submissions, args.workers, confined=False)
            print(f"BN Week pipeline, kernels unconfined:  {loose_seconds:.1f} s, {loose_seconds / n:.2f} s/notebook")
            print(f"confinement costs {(fast_seconds - loose_seconds) / n:+.2f} s/notebook "
                  f"(scores identical: {loose_scores == fast_scores})")
        identical = plain_scores == fast_scores
        print(f"scores identical: {identical}")
        print(f"throughput ratio (pipeline / plain): {plain_seconds / fast_seconds:.2f}x")
        if not identical:
            for key in plain_scores:
                if plain_scores[key] != fast_scores.get(key):
                    print("  differs:", key, plain_scores[key], fast_scores.get(key))
            raise SystemExit(1)


if __name__ == "__main__":
    main()
