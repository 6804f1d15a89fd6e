"""Synthetic students for the grading benches: their notebooks, written where nbgrader looks.

Every notebook here is built from an assignment's source notebook
(``solutions/<id>/<id>.ipynb``), its student version (``exercises/<id>/<id>.ipynb``) and the
catalogued mistakes of ``tests/catalogue/`` (:mod:`autograder.catalogue`). Used by
``bench_grading.py`` (a class of four equal kinds) and ``bench_class.py`` (a class shaped
like a real one).
"""

import itertools
import re
from collections import defaultdict

import nbformat

from autograder.catalogue import MUTANT, variants
from autograder.course import CATALOGUE, EXERCISES, source_notebook
from autograder.grading.intake import Submission
from autograder.nbgrader_cells import grade_id, is_answer, with_answers

UNPARSABLE = "def oops(:\n    pass\n"


def _definition(lines, function):
    """Index of the line that starts defining ``function`` (a ``def`` or a ``class``), else 0."""
    return next((i for i, line in enumerate(lines) if re.match(rf"(def|class) {function}\b", line)), 0)


def _forget_colon(answer, function):
    """The colon that ends the function's (or class's) ``def`` line dropped: a SyntaxError."""
    lines = answer.splitlines(keepends=True)
    for i in range(_definition(lines, function), len(lines)):
        if lines[i].rstrip().endswith(":"):
            stripped = lines[i].rstrip()
            lines[i] = stripped[:-1] + lines[i][len(stripped):]
            break
    return "".join(lines)


def _misindent(answer, function):
    """The last ``return`` two spaces short: an IndentationError (an indented *first* line IPython forgives)."""
    lines = answer.splitlines(keepends=True)
    last = max(i for i, line in enumerate(lines) if re.match(r" {4,}return\b", line))
    lines[last] = lines[last][2:]
    return "".join(lines)


def _own_import(answer, function):
    """Imports a module of the student's own that was not handed in: ModuleNotFoundError when the cell runs."""
    return "from my_helpers import *\n\n" + answer


def _call_first(answer, function):
    """Tries the function out above its definition: NameError when the cell runs."""
    return f"print({function}(X))\n\n" + answer


#: Ways a student breaks one answer cell, ``answer source, function -> new source``:
#: two that do not parse, two that raise when the cell runs (before the function is defined).
BREAKAGES = (_forget_colon, _misindent, _own_import, _call_first)


def source(assignment):
    """An assignment's source notebook: every answer the reference one."""
    return nbformat.read(source_notebook(assignment), as_version=4)


def blank(assignment):
    """The student version, handed in untouched."""
    return nbformat.read(EXERCISES / assignment / f"{assignment}.ipynb", as_version=4)


def unparsable(notebook):
    """Every answer cell replaced by code that does not even parse."""
    return with_answers(notebook, {grade_id(cell): UNPARSABLE for cell in notebook.cells if is_answer(cell)})


def answers_of(notebook):
    """``{grade_id: source}`` of a notebook's answer cells."""
    return {grade_id(cell): cell.source for cell in notebook.cells if is_answer(cell)}


def broken_once(notebook, k):
    """One answer cell broken in the ``k``-th way of :data:`BREAKAGES`; the ``k``-th answer cell, cycling.

    Returns
    -------
    (NotebookNode, str)
        The notebook and what was broken, in words.
    """
    answers = answers_of(notebook)
    function = list(answers)[k % len(answers)]
    breaks = BREAKAGES[k % len(BREAKAGES)]
    what = breaks.__doc__.split(":")[0].replace("``", "").lower()
    return with_answers(notebook, {function: breaks(answers[function], function)}), f"{function}: {what}"


def mistakes(assignment):
    """The assignment's catalogued mutants, one function after another in turn.

    Taking them in this order, consecutive students get mistakes in different
    functions, and every mutant comes round before any comes again.
    """
    by_function = defaultdict(list)
    for variant in variants(CATALOGUE, assignment):
        if variant.kind == MUTANT:
            by_function[variant.function].append(variant)
    rounds = itertools.zip_longest(*by_function.values())
    return [variant for row in rounds for variant in row if variant is not None]


def with_mistakes(notebook, group):
    """The notebook with each variant of ``group`` as its function's answer."""
    return with_answers(notebook, {variant.function: variant.path.read_text() for variant in group})


def hand_in(folder, student, assignment, notebook):
    """Write ``folder/submitted/<student>/<assignment>/<assignment>.ipynb``; return its Submission."""
    target = folder / "submitted" / student / assignment
    target.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, target / f"{assignment}.ipynb")
    return Submission(student, assignment, target)
