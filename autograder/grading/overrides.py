"""Scores changed by hand: ``./course grade --overrides overrides.csv``.

The file is a CSV with a header::

    student,assignment,function,score,reason
    alice,ch1_normalizing,standardize,1.5,"the hidden test's tolerance was too tight for float16; see issue 31"

``student`` as grades.csv names the student (or the LMS's id), ``function`` the graded function (grades.csv's
column) or its test cell's id (``test_standardize``), ``score`` the points it earns instead of the judge's, and
``reason`` why (required: it is shown to the student in the feedback and kept in grades.csv). An override is
nbgrader's own manual score of that test cell in the gradebook, so formgrader shows it too; the judge's score
stays recorded as the automatic one. The file is the whole list: a row removed from it is undone on the next run.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import os

COLUMNS = ("student", "assignment", "function", "score", "reason")


@dataclass(frozen=True)
class Override:
    """One score set by hand.

    Attributes
    ----------
    student, assignment, function : str
    score : float
    reason : str
    """

    student: str
    assignment: str
    function: str
    score: float
    reason: str


def load(path: str | os.PathLike[str], assignments: list[str] | None = None) -> list[Override]:
    """Read an overrides CSV.

    Raises
    ------
    ValueError
        On a missing column, an unknown assignment, a score that is no number >= 0, a missing reason, or two rows
        for one cell, naming the line: an override is never guessed.
    """
    try:
        with open(path, newline="", encoding="utf-8-sig") as file:
            rows = list(csv.DictReader(file))
            header = list(rows[0]) if rows else []
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise ValueError(f"cannot read the overrides file {path}: {error}") from error
    if rows and not set(COLUMNS) <= set(header):
        raise ValueError(f"{path}: the header must name {', '.join(COLUMNS)}")
    found: dict[tuple[str, str, str], Override] = {}
    for line, row in enumerate(rows, 2):
        values = {key: (row.get(key) or "").strip() for key in COLUMNS}
        if assignments is not None and values["assignment"] not in assignments:
            raise ValueError(f"{path}, line {line}: unknown assignment {values['assignment']!r}")
        try:
            score = float(values["score"])
        except ValueError:
            raise ValueError(f"{path}, line {line}: score {values['score']!r} is no number") from None
        if not score >= 0:
            raise ValueError(f"{path}, line {line}: score {values['score']!r} is below 0")
        if not values["reason"] or not values["student"] or not values["function"]:
            raise ValueError(f"{path}, line {line}: student, function and reason are required")
        function = values["function"].removeprefix("test_")
        key = (values["student"], values["assignment"], function)
        if key in found:
            raise ValueError(f"{path}, line {line}: a second override of {'/'.join(key)}")
        found[key] = Override(values["student"], values["assignment"], function, score, values["reason"])
    return list(found.values())
