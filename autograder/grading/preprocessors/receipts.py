"""Completion receipts: a test cell earns points only if it demonstrably ran to its end.

nbgrader counts a test cell as passed when it shows no error. A submission can
hide errors (for instance by wrapping later cells in ``try``/``except`` through an
IPython input transformer). So, outside the kernel, :class:`AddReceipts` ends
every test cell with a line printing a fresh random receipt, and after execution
:class:`CheckReceipts` fails every test cell whose receipt is missing, then removes
the receipts. The receipt is new for every run, so a submission cannot know it in
advance. Code that rewrites test cells as they run could still read it from the
cell's source, which is why test cells run in a judge kernel apart from the
submission (:mod:`autograder.kernel.remote`); the receipts double-check that every
test cell, in whichever kernel, ran to its end.

A test cell may end with a bare expression, the judge's partial score (contract 1
in the course's brief; :mod:`~autograder.grading.preprocessors.scorefromjudge`). The
receipt must not take its place as the cell's last statement: that expression is
evaluated into :data:`RESULT` first, then the receipt is printed, then
:data:`RESULT` ends the cell, so the cell still shows its value, and the receipt
still proves the expression completed. :class:`CheckReceipts` restores the source
exactly.
"""

from __future__ import annotations

import ast
import re
import secrets
from typing import TYPE_CHECKING

import nbformat
from nbgrader.preprocessors import NbGraderPreprocessor

from autograder.nbgrader_cells import grade_id, is_test

if TYPE_CHECKING:
    from nbformat import NotebookNode

METADATA_KEY = "bnweek_receipt"
RECEIPT = re.compile(r"^bnweek-receipt [0-9a-f]+ \S+\n?", re.MULTILINE)
#: The name a test cell's last expression is kept in while its receipt is printed.
RESULT = "_bnweek_result"


def _last_expression_at(source: str) -> int | None:
    """Where in ``source`` its last statement starts, if that statement is a bare expression."""
    try:
        body = ast.parse(source).body
    except (SyntaxError, ValueError):
        return None
    if not body or not isinstance(body[-1], ast.Expr):
        return None
    lines = source.splitlines(keepends=True)
    line = lines[body[-1].lineno - 1]
    column = len(line.encode()[:body[-1].col_offset].decode(errors="ignore"))
    return sum(len(previous) for previous in lines[:body[-1].lineno - 1]) + column


def with_receipt(source: str, receipt: str) -> str:
    """``source`` that prints ``receipt`` once everything in it ran, its last expression still last."""
    source = source.rstrip()
    at = _last_expression_at(source)
    if at is None:
        return f'{source}\nprint("{receipt}")\n'
    return f'{source[:at]}{RESULT} = ({source[at:]}\n)\nprint("{receipt}")\n{RESULT}\n'


def without_receipt(source: str, receipt: str) -> str:
    """:func:`with_receipt` undone (the cell's source as it was, bar trailing blank space)."""
    tail = f'\n)\nprint("{receipt}")\n{RESULT}\n'
    head = source.rfind(f"{RESULT} = (")
    if source.endswith(tail) and head >= 0:
        return source[:head] + source[head + len(RESULT) + 4:-len(tail)] + "\n"
    return source.replace(f'\nprint("{receipt}")\n', "\n")


class AddReceipts(NbGraderPreprocessor):
    """Append a receipt-printing line to every autograded test cell (before execution)."""

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        nonce = secrets.token_hex(16)
        nb.metadata[METADATA_KEY] = nonce
        for cell in nb.cells:
            if is_test(cell):
                cell.source = with_receipt(cell.source, f"bnweek-receipt {nonce} {grade_id(cell)}")
        return nb, resources


class CheckReceipts(NbGraderPreprocessor):
    """Fail test cells that show no receipt; remove receipts and the receipt lines (after execution)."""

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        nonce = nb.metadata.pop(METADATA_KEY, None)
        if nonce is None:
            return nb, resources
        for cell in nb.cells:
            if not is_test(cell):
                continue
            expected = f"bnweek-receipt {nonce} {grade_id(cell)}"
            printed = "".join(str(o.get("text", "")) for o in cell.outputs
                              if o.get("output_type") == "stream" and o.get("name") == "stdout")
            failed = any(o.get("output_type") == "error" for o in cell.outputs)
            if not failed and expected not in printed:
                cell.outputs.append(nbformat.v4.new_output(
                    "error", ename="TestNotCompleted",
                    evalue="this test cell did not run to its end, so it cannot count as passed",
                    traceback=["TestNotCompleted: this test cell did not run to its end, so it cannot count as passed"],
                ))
            for output in cell.outputs:  # whatever a kernel sent as a stream's text
                if output.get("output_type") == "stream":
                    output.text = RECEIPT.sub("", str(output.get("text", "")))
            cell.outputs = [o for o in cell.outputs if not (o.get("output_type") == "stream" and not o.text)]
            cell.source = without_receipt(cell.source, expected)
        return nb, resources
