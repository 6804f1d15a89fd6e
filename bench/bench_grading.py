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
import time
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook
from nbgrader.apps import NbGraderAPI

from autograder.catalogue import MUTANT, pack, variants
from autograder.course import CATALOGUE, EXERCISES, assignments, nbgrader_config, source_notebook
from autograder.environment import prepare
from autograder.grading.batch import grade
from autograder.grading.intake import Submission
from autograder.nbgrader_cells import grade_id, is_answer, with_answers
from autograder.release import release


def broken(notebook):
    """Every answer cell replaced by code that does not even parse."""
    answers = {grade_id(cell): "def oops(:\n    pass\n" for cell in notebook.cells if is_answer(cell)}
    return with_answers(notebook, answers)


def synthetic_class(folder, per_kind):
    """Write submitted/<student>/<assignment>/<assignment>.ipynb; return the submissions."""
    submissions = []
    for assignment in assignments():
        source = nbformat.read(source_notebook(assignment), as_version=4)
        mistakes = pack(variants(CATALOGUE, assignment), MUTANT)
        kinds = {
            "correct": lambda k: source,
            "wrong": lambda k: with_answers(source, {v.function: v.path.read_text() for v in mistakes[k % len(mistakes)]}),
            "broken": lambda k: broken(source),
            "blank": lambda k: nbformat.read(EXERCISES / assignment / f"{assignment}.ipynb", as_version=4),
        }
        for kind, make in kinds.items():
            for k in range(per_kind):
                student = f"{kind}{k}"
                target = folder / "submitted" / student / assignment
                target.mkdir(parents=True, exist_ok=True)
                nbformat.write(make(k), target / f"{assignment}.ipynb")
                submissions.append(Submission(student, assignment, target))
    return submissions


def scores(db_url, submissions):
    with Gradebook(db_url) as gradebook:
        return {
            (s.student, s.assignment): sorted(
                (g.name, g.score) for g in gradebook.find_submission_notebook(s.assignment, s.assignment, s.student).grades
            )
            for s in submissions
        }


def plain_nbgrader(root, submissions):
    """nbgrader's own autograde, one submission after another; returns (seconds, scores)."""
    config = nbgrader_config(root)
    release(assignments(), course_root=root, release_directory=root / "release")
    api = NbGraderAPI(config=config)
    started = time.monotonic()
    for s in submissions:
        result = api.autograde(s.assignment, s.student, force=True, create=True)
        if not result["success"]:
            raise RuntimeError(result["error"])
    return time.monotonic() - started, scores(config.CourseDirectory.db_url, submissions)


def pipeline(root, submissions, workers, confined=True):
    started = time.monotonic()
    grade(submissions, output=root, workers=workers, force=True, feedback=False, confined=confined)
    return time.monotonic() - started, scores(f"sqlite:///{root / 'gradebook.db'}", submissions)


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
        plain_seconds, plain_scores = plain_nbgrader(plain_root, submissions)
        print(f"plain nbgrader autograde (sequential): {plain_seconds:.1f} s, {plain_seconds / n:.2f} s/notebook")
        fast_seconds, fast_scores = pipeline(scratch / "pipeline", submissions, args.workers)
        print(f"BN Week pipeline:                      {fast_seconds:.1f} s, {fast_seconds / n:.2f} s/notebook")
        if args.unconfined_too:
            loose_seconds, loose_scores = pipeline(scratch / "unconfined", submissions, args.workers, confined=False)
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
