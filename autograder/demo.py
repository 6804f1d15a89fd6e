"""A demo class, graded: what ``./course build --demo-grade`` shows an instructor.

Four students hand in every assignment: ``ada`` the reference answers, ``ben``
the untouched student version, ``cy`` the reference answers but one realistic
mistake (from the test catalogue) in the first graded function, and ``dee`` a corrupt file.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import nbformat

from autograder.catalogue import MUTANT, pack, variants
from autograder.course import CATALOGUE, EXERCISES, assignments, source_notebook
from autograder.grading import command
from autograder.nbgrader_cells import with_answers

if TYPE_CHECKING:
    import os

log = logging.getLogger(__name__)


def make_class(folder: str | os.PathLike[str], catalogue: str | os.PathLike[str] = CATALOGUE) -> Path:
    """Write ``folder/submitted/<student>/<assignment>/<assignment>.ipynb`` for the demo students.

    ``cy``'s mistake is the first catalogued mutant in ``catalogue`` (:mod:`autograder.catalogue`).
    """
    submitted = Path(folder) / "submitted"
    shutil.rmtree(submitted, ignore_errors=True)
    for assignment in assignments():
        name = f"{assignment}.ipynb"
        source = nbformat.read(source_notebook(assignment), as_version=4)
        mistakes = (pack(variants(catalogue, assignment), MUTANT) or [[]])[0][:1]
        notebooks = {
            "ada": source,
            "ben": nbformat.read(EXERCISES / assignment / name, as_version=4),
            "cy": with_answers(source, {v.function: v.path.read_text() for v in mistakes}),
        }
        for student, notebook in notebooks.items():
            (submitted / student / assignment).mkdir(parents=True)
            nbformat.write(notebook, submitted / student / assignment / name)
        (submitted / "dee" / assignment).mkdir(parents=True)
        (submitted / "dee" / assignment / name).write_text('{"cells": [', encoding="utf-8")
    return submitted


def main(*, output: str | os.PathLike[str], catalogue: str | os.PathLike[str] = CATALOGUE) -> int:
    output = Path(output)
    submitted = make_class(output / "class", catalogue)
    log.info(f"demo class written to {submitted}; grading it")
    # The demo's notebooks are the course's own: on a host that cannot confine kernels it still
    # grades them, and its report's first line says they ran unconfined.
    unconfined = not command.enforcement().confined
    return command.main(source=submitted, assignment="all", output=output / "graded", force=True,
                         unconfined=unconfined)
