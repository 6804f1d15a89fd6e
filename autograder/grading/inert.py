"""Text from a submission made inert for where it is shown: the terminal, Markdown, HTML, a spreadsheet.

File and folder names, notebook contents quoted in an error, anything a student chose
can reach the instructor's terminal (escape sequences that rewrite the screen or the
clipboard), the report (Markdown and HTML that forge a row or a link) and ``grades.csv``
(a cell a spreadsheet runs as a formula). Each function here takes such text and
returns it safe for one medium; ordinary letters of any script pass unchanged.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

#: What a spreadsheet may read as the start of a formula (OWASP's list for CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
# What starts markup inside a line of Markdown (emphasis, code, links, images, table cells,
# strikethrough, math); the HTML characters are written as entities instead. An underscore
# between two letters or digits opens no emphasis (CommonMark), so ``ch1_normalizing`` stays.
_MARKDOWN = re.compile(r"([\\`*\[\]!|~$]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9]))")
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}
_MARKDOWN_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}  # quotes are plain text in Markdown


def _unsafe(character: str) -> bool:
    # control characters (C0, DEL, C1), format characters such as bidirectional overrides
    # and zero-width joiners, line and paragraph separators, and lone surrogates
    return unicodedata.category(character) in ("Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn")


def printable(text: object, keep: str = "") -> str:
    """``text`` with every control or format character written as a Python escape.

    Parameters
    ----------
    text : object
        Anything; ``str(text)`` is escaped.
    keep : str
        Characters to leave as they are (``"\\n"`` for the grader's own multi-line messages).

    Returns
    -------
    str
        One line (unless ``keep`` has a newline) that a terminal prints as plain characters:
        ``"a\\x1b[31m"`` becomes ``"a\\\\x1b[31m"``.
    """
    return "".join(ascii(c)[1:-1] if c not in keep and _unsafe(c) else c for c in str(text))


def markdown(text: object) -> str:
    """``text`` as literal Markdown inline text: one line, no markup, no HTML."""
    escaped = _MARKDOWN.sub(r"\\\1", printable(text))
    return "".join(_MARKDOWN_HTML.get(c, c) for c in escaped)


def html(text: object) -> str:
    """``text`` as literal HTML text (element content or a quoted attribute), on one line."""
    return "".join(_HTML.get(c, c) for c in printable(text))


def spreadsheet(text: object) -> str:
    """``text`` as a CSV cell that no spreadsheet evaluates: a would-be formula gets a leading ``'``."""
    text = printable(text)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class EscapeControls(logging.Filter):
    """A logging filter that writes control characters of a record's message as escapes (newlines kept)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = printable(message, keep="\n")
        if clean != message:
            record.msg, record.args = clean, ()
        return True


@contextmanager
def quiet_terminal() -> Iterator[None]:
    """While inside, no log record reaches any handler with a raw control character (an escape sequence).

    The filter sits on every handler of the root logger and of every named logger (nbgrader,
    traitlets and nbformat log a notebook's own text when it is invalid).
    """
    handlers = set(logging.root.handlers)
    for logger in list(logging.root.manager.loggerDict.values()):
        handlers.update(getattr(logger, "handlers", ()))
    escape = EscapeControls()
    for handler in handlers:
        handler.addFilter(escape)
    try:
        yield
    finally:
        for handler in handlers:
            handler.removeFilter(escape)
