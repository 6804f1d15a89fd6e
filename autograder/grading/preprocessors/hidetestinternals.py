"""Keep hidden tests out of what students see, and fail tests a dead kernel never ran."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import nbformat
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Unicode

from autograder.nbgrader_cells import is_test

if TYPE_CHECKING:
    from nbformat import NotebookNode

#: Where a test cell's hidden region starts and ends (nbgrader's markers).
HIDDEN_BEGIN, HIDDEN_END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
HIDDEN_REGION = re.compile(rf"[ \t]*{HIDDEN_BEGIN}.*?{HIDDEN_END}[ \t]*\n?", re.DOTALL)


class HideTestInternals(NbGraderPreprocessor):
    """Strip hidden tests, and the tracebacks that would quote them, from test cells.

    Runs in feedback generation. A graded test cell keeps its visible asserts; its
    hidden region becomes one comment line, and each error output keeps only its
    last line (``AssertionError: <what was checked>``), since a traceback through a
    hidden test prints that test's source.
    """

    placeholder = Unicode(
        "# (hidden tests ran here; their verdict is below)\n",
        help="What replaces the hidden-test region of a test cell.",
    ).tag(config=True)

    def preprocess_cell(self, cell: NotebookNode, resources: dict, cell_index: int) -> tuple[NotebookNode, dict]:
        if is_test(cell):
            cell.source = HIDDEN_REGION.sub(self.placeholder, cell.source)
            for output in cell.get("outputs", []):
                if output.output_type == "error":
                    output.traceback = [f"{output.ename}: {output.evalue}"]
        return cell, resources


def mark_unreached_tests(notebook: NotebookNode, problem: str) -> None:
    """Fail every test cell the kernel did not finish, saying why.

    nbgrader scores a test cell without an error as passed. After the kernel died,
    the cells it never reached, and the one it died in, must score 0 instead.
    """
    executed = [i for i, cell in enumerate(notebook.cells) if cell.get("execution_count") is not None]
    first_unfinished = executed[-1] if executed else 0
    for cell in notebook.cells[first_unfinished:]:
        if not is_test(cell):
            continue
        if not any(output.output_type == "error" for output in cell.get("outputs", [])):
            cell.outputs.append(
                nbformat.v4.new_output(
                    "error", ename="NotFinished", evalue=f"this test did not finish: {problem}",
                    traceback=[f"NotFinished: this test did not finish: {problem}"],
                )
            )
