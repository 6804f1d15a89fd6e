"""``python -m autograder``: a thin command line over keyword-only ``main`` functions.

Every command says what it does through :mod:`logging` (the ``autograder`` loggers),
on standard output: ``-q`` keeps only warnings and errors, ``-v`` adds debug detail.
"""

from __future__ import annotations

import argparse
import logging
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence


def _release(args):
    from autograder import release

    release.main(assignment_ids=args.ids)


def _build(args):
    from autograder.site import build

    build.main(demo_grade=args.demo_grade)


def _translate(args):
    from autograder.site import build

    build.update_catalogs()


def _publish(args):
    from pathlib import Path

    from autograder.site import publish

    publish.main(output=Path(args.output), build_site=not args.no_build)


def _grade(args):
    from autograder.grading import command

    sys.exit(command.main(
        source=args.source, assignment=args.assignment, output=args.output, workers=args.workers,
        scheduler=args.scheduler, force=args.force, db_url=args.db_url, warm=not args.cold,
        feedback=not args.no_feedback, unconfined=args.unconfined, progress=args.verbosity >= 0, student=args.student,
        profile=args.profile, deadlines=args.deadlines, overrides=args.overrides,
    ))


def _mutation_report(args):
    from autograder import catalogue
    from autograder.course import CATALOGUE

    sys.exit(catalogue.main(catalogue=args.catalogue or CATALOGUE, assignment_ids=args.ids, workers=args.workers))


def configure_logging(verbosity: int) -> None:
    """Send the ``autograder`` loggers' records to standard output, as plain lines.

    Parameters
    ----------
    verbosity : int
        ``-1`` (``-q``): warnings and errors only; ``0``: what each command does; ``1`` (``-v``) or more: debug too.
    """
    level = logging.WARNING if verbosity < 0 else logging.INFO if verbosity == 0 else logging.DEBUG
    logger = logging.getLogger("autograder")
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger.addHandler(handler)
    logger.setLevel(level)


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="./course", description="BN Week: build, release and grade the course.")
    commands = top.add_subparsers(dest="command", required=True)
    verbosity = argparse.ArgumentParser(add_help=False)
    loudness = verbosity.add_mutually_exclusive_group()
    loudness.add_argument("-v", "--verbose", dest="verbosity", action="store_const", const=1, default=0,
                          help="say more (debug detail)")
    loudness.add_argument("-q", "--quiet", dest="verbosity", action="store_const", const=-1,
                          help="only warnings and errors; no progress bar")

    release = commands.add_parser("release", parents=[verbosity], help="regenerate exercises/ from solutions/")
    release.add_argument("ids", nargs="*", help="assignment ids (default: all)")
    release.set_defaults(run=_release)

    build = commands.add_parser("build", parents=[verbosity],
                                help="build the website into _build/html (English) and _build/html/zh (Chinese)")
    build.add_argument("--demo-grade", action="store_true", help="then grade a demo class into grading-output/demo")
    build.set_defaults(run=_build)

    translate = commands.add_parser("translate", parents=[verbosity],
                                    help="refresh locale/zh_CN's catalogs from the English text")
    translate.set_defaults(run=_translate)

    publish = commands.add_parser("publish", parents=[verbosity],
                                  help="write the public edition (site, student notebooks; no answers) to OUT")
    publish.add_argument("output", metavar="OUT", help="a new or empty folder, or an earlier public edition")
    publish.add_argument("--no-build", action="store_true", help="publish the site already in _build/html")
    publish.set_defaults(run=_publish)

    grade = commands.add_parser("grade", parents=[verbosity], help="autograde a folder or LMS zip of submissions")
    grade.add_argument("source", help="submitted/<student>/<assignment>/ folder, or an LMS download .zip")
    grade.add_argument("assignment", help="assignment id, or 'all'")
    grade.add_argument("-o", "--output", default="grading-output", help="output folder (default: grading-output)")
    grade.add_argument("--workers", type=int, default=None, help="local worker processes (default: all cores)")
    grade.add_argument("--scheduler", default=None, help="Dask scheduler address: grade on that cluster")
    grade.add_argument("--force", action="store_true", help="regrade submissions already graded in OUTPUT")
    grade.add_argument("--student", default=None,
                       help="grade this student (their id in grades.csv) again, whatever changed; the rest as before")
    grade.add_argument("--db-url", default=None, help="SQLAlchemy URL of the gradebook (default: SQLite in OUTPUT)")
    grade.add_argument("--cold", action="store_true", help="start a cold kernel per notebook (slower; for comparison)")
    grade.add_argument("--no-feedback", action="store_true", help="skip per-student feedback HTML")
    grade.add_argument("--unconfined", action="store_true",
                       help="grade even where kernels cannot be confined (no OS isolation; the report says so)")
    grade.add_argument("--profile", action="store_true",
                       help="add to the report where the time went, per phase of grading a notebook")
    grade.add_argument("--deadlines", default=None, metavar="TOML",
                       help="due dates, extensions and the late policy (see the instructor guide)")
    grade.add_argument("--overrides", default=None, metavar="CSV",
                       help="scores set by hand: student,assignment,function,score,reason")
    grade.set_defaults(run=_grade)

    mutation = commands.add_parser("mutation-report", parents=[verbosity],
                                   help="grade every catalogued mutant and alternative")
    mutation.add_argument("ids", nargs="*", help="assignment ids (default: all)")
    mutation.add_argument("--workers", type=int, default=None, help="local worker processes")
    mutation.add_argument("--catalogue", default=None, help="catalogue folder (default: the course's tests/catalogue)")
    mutation.set_defaults(run=_mutation_report)
    return top


def main(argv: Sequence[str] | None = None) -> None:
    from autograder.environment import prepare

    prepare()
    args = parser().parse_args(argv)
    configure_logging(args.verbosity)
    args.run(args)
