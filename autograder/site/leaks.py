"""What must never reach a student, and a search for it in any text.

The secrets of an assignment are the distinctive lines of its solution regions
(``### BEGIN SOLUTION`` ... ``### END SOLUTION``) and of its hidden tests
(``### BEGIN HIDDEN TESTS`` ... ``### END HIDDEN TESTS``). Short or generic lines
(``return A``, ``import numpy as np``) are not distinctive, and a line the source
notebook also shows outside its regions is not secret.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

from autograder.course import source_notebook

if TYPE_CHECKING:
    from collections.abc import Collection, Iterable, Sequence
    from pathlib import Path

REGION = re.compile(r"### BEGIN (SOLUTION|HIDDEN TESTS)\n(.*?)### END \1", re.DOTALL)
MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION", "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")
MIN_LENGTH = 25


def _code_sources(path):
    notebook = json.loads(path.read_text())
    return ["".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            for cell in notebook["cells"] if cell["cell_type"] == "code"]


def secret_regions(assignment: str, kinds: Collection[str] = ("SOLUTION", "HIDDEN TESTS")) -> list[list[str]]:
    """The distinctive lines of each solution and hidden-test region of an assignment.

    Parameters
    ----------
    assignment : str
    kinds : tuple of str
        Which regions: ``"SOLUTION"``, ``"HIDDEN TESTS"`` or both.

    Returns
    -------
    list of list of str
        Per region, in order: stripped lines of at least ``MIN_LENGTH`` characters,
        comments excluded, that the source notebook does not also show outside its
        regions.
    """
    sources = _code_sources(source_notebook(assignment))
    public = {line.strip() for source in sources for line in REGION.sub("", source).splitlines()}
    regions = []
    for source in sources:
        for match in REGION.finditer(source):
            if match.group(1) not in kinds:
                continue
            lines = [line.strip() for line in match.group(2).splitlines()]
            lines = [line for line in lines if len(line) >= MIN_LENGTH and not line.startswith("#") and line not in public]
            if lines:
                regions.append(lines)
    return regions


def find_leaks(text: str, regions: Iterable[Sequence[str]]) -> set[str]:
    """What of ``regions`` (and nbgrader's region markers) shows up in ``text``.

    A region leaks when two of its consecutive distinctive lines appear as
    consecutive lines of the text (or its only line appears): a single generic
    line such as ``with tf.GradientTape() as tape:`` may well be taught on a
    page, a block of the solution may not.

    Returns
    -------
    set of str
        The markers and leaked lines found.
    """
    found = {marker for marker in MARKERS if marker in text}
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    present, pairs = set(lines), set(zip(lines, lines[1:]))
    for region in regions:
        if len(region) == 1 and region[0] in present:
            found.add(region[0])
        found |= {first for first, second in zip(region, region[1:]) if (first, second) in pairs}
    return found


def page_text(path: Path) -> str:
    """The text of a built file as a reader sees it (HTML tags and entities removed)."""
    raw = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix != ".html":
        return raw
    from bs4 import BeautifulSoup

    return BeautifulSoup(raw, "html.parser").get_text()
