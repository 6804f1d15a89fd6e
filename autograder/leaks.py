"""What must never reach a student, and a search for it in any text.

The secrets of an assignment are the distinctive lines of its solution regions
(``### BEGIN SOLUTION`` ... ``### END SOLUTION``) and of its hidden tests
(``### BEGIN HIDDEN TESTS`` ... ``### END HIDDEN TESTS``). Short or generic lines
(``return A``, ``import numpy as np``) are not distinctive, and a line the source
notebook also shows outside its regions is not secret.
"""

import json
import re

from autograder.course import source_notebook

REGION = re.compile(r"### BEGIN (SOLUTION|HIDDEN TESTS)\n(.*?)### END \1", re.DOTALL)
MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION", "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")
MIN_LENGTH = 25


def _code_sources(path):
    notebook = json.loads(path.read_text())
    return ["".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            for cell in notebook["cells"] if cell["cell_type"] == "code"]


def secret_lines(assignment):
    """Distinctive lines of an assignment's solutions and hidden tests.

    Returns
    -------
    set of str
        Stripped lines of at least ``MIN_LENGTH`` characters, comments excluded,
        that the source notebook does not also show outside its regions.
    """
    sources = _code_sources(source_notebook(assignment))
    public = {line.strip() for source in sources for line in REGION.sub("", source).splitlines()}
    secrets = set()
    for source in sources:
        for match in REGION.finditer(source):
            for line in match.group(2).splitlines():
                line = line.strip()
                if len(line) >= MIN_LENGTH and not line.startswith("#") and line not in public:
                    secrets.add(line)
    return secrets


def find_leaks(text, secrets):
    """The secrets (and nbgrader region markers) that occur in ``text``."""
    found = {marker for marker in MARKERS if marker in text}
    return found | {line for line in secrets if line in text}
