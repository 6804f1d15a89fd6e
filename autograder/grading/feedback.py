"""Each student's feedback HTML: nbgrader's ``generate_feedback``, with one exporter for a whole run.

nbgrader's API builds a new converter, exporter and Jinja environment for every
call, so each notebook's feedback compiles the same templates again (about a
third of its cost). Here one converter serves every submission of a run: it
keeps its exporter, whose templates and CSS are read once, and runs the same
preprocessors (``GenerateFeedback.preprocessors`` in ``nbgrader_config.py``)
on each notebook.

A page reads offline: its formulas are typeset by MathJax 3 copied once into ``feedback/mathjax/`` (from
``node_modules/mathjax``, which ``./course build`` installs) and loaded by a relative path, with MathJax's
``safe`` extension (no ``javascript:`` link or style from a student's formula), instead of nbconvert's
MathJax 2 from a CDN.

Markdown is rendered before it is sanitized: the page's template (``templates/bnweek_feedback``, nbgrader's
feedback template with one block changed) renders each Markdown cell to HTML and cleans that HTML with
:func:`clean_html` (headings, paragraphs, lists, blockquotes, code, tables and images stay; scripts, event
handlers, ``javascript:`` links and every other tag are escaped into text), so a blockquote is a blockquote and
a student's ``<script>`` is shown, never run. :class:`SanitizeOutputs` cleans the cells' outputs as nbconvert's
``SanitizeHTML`` does, and leaves Markdown cells to the template (sanitizing their source first escapes ``>``).
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import bleach
import nbgrader
from bleach.css_sanitizer import CSSSanitizer
from nbconvert.preprocessors.sanitize import SanitizeHTML
from nbconvert.writers import FilesWriter
from nbgrader.apps import NbGraderAPI
from nbgrader.converters import GenerateFeedback
from nbgrader.utils import capture_log, temp_attrs
from traitlets.config import Config

from autograder.course import REPO

if TYPE_CHECKING:
    from autograder.grading.intake import Submission

#: MathJax 3 as npm installs it, and the parts of it a feedback page needs.
MATHJAX = REPO / "node_modules" / "mathjax" / "es5"
MATHJAX_PARTS = ("tex-chtml-full.js", "ui/safe.js", "output/chtml/fonts/woff-v2")
# nbconvert's classic template: MathJax 2 from a CDN, and its configuration.
_MATHJAX_2 = re.compile(r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->", re.S)
_MATHJAX_3 = ("<script>window.MathJax = {loader: {load: ['ui/safe']}, tex: {inlineMath: [['$', '$'], ['\\\\(', '\\\\)']], "
              "displayMath: [['$$', '$$'], ['\\\\[', '\\\\]']], processEscapes: true, processEnvironments: true, "
              "tags: 'ams'}};</script>\n<script src=\"{src}\"></script>")


#: The page's template: nbgrader's feedback page whose Markdown cells are rendered, then cleaned.
TEMPLATES = Path(__file__).parent / "templates"
TEMPLATE_NAME = "bnweek_feedback"
#: nbgrader's templates, where the page's template finds the one it extends (``feedback/index.html.j2``).
NBGRADER_TEMPLATES = str(Path(nbgrader.__file__).parent / "server_extensions" / "formgrader" / "templates")
#: What rendered Markdown may keep: the tags Markdown makes, and nothing that runs or loads a page.
ALLOWED_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em", "h1", "h2", "h3", "h4",
    "h5", "h6", "hr", "i", "img", "kbd", "li", "ol", "p", "pre", "s", "span", "strong", "sub", "sup", "table",
    "tbody", "td", "th", "thead", "tr", "ul",
})
ALLOWED_ATTRIBUTES = {"*": ["class", "id", "title"], "a": ["href", "title"], "img": ["src", "alt", "title"],
                      "th": ["align"], "td": ["align"]}


def clean_html(html: str) -> str:
    """``html`` with only :data:`ALLOWED_TAGS` and :data:`ALLOWED_ATTRIBUTES` left as markup (bleach).

    Any other tag is escaped into visible text, an attribute outside the list (``onerror``, ``style``) is
    dropped, and a link or image may only point to http(s), mailto or a relative address.
    """
    return bleach.clean(str(html), tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, strip_comments=True,
                        protocols=["http", "https", "mailto"], css_sanitizer=CSSSanitizer(allowed_css_properties=[]))


class SanitizeOutputs(SanitizeHTML):
    """nbconvert's ``SanitizeHTML`` for cell outputs and raw cells; Markdown cells are cleaned once rendered."""

    def preprocess_cell(self, cell, resources, cell_index):
        if cell.cell_type == "markdown":
            return cell, resources
        return super().preprocess_cell(cell, resources, cell_index)


def copy_mathjax(folder: Path) -> Path | None:
    """Copy MathJax's parts into ``folder`` once; return its script there, or ``None`` when npm has not installed it."""
    script = folder / MATHJAX_PARTS[0]
    if not (MATHJAX / MATHJAX_PARTS[0]).is_file():
        return None
    for part in MATHJAX_PARTS:
        source, target = MATHJAX / part, folder / part
        if target.exists():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target)
        else:
            shutil.copyfile(source, target)
    return script


def offline_mathjax(page: str, script: str) -> str:
    """``page`` with nbconvert's MathJax 2 from a CDN replaced by MathJax 3 from ``script`` (a relative URL)."""
    return _MATHJAX_2.sub(lambda _: _MATHJAX_3.replace("{src}", script), page, count=1)


class FeedbackError(RuntimeError):
    """nbgrader could not write a submission's feedback."""


class _OneExporter(GenerateFeedback):
    """nbgrader's GenerateFeedback, whose exporter and writer outlive one call of :meth:`start`."""

    def start(self) -> None:
        if getattr(self, "_made", None) is None:
            self.writer = FilesWriter(parent=self, config=self.config)
            self.exporter = self.exporter_class(parent=self, config=self.config)
            for preprocessor in self.preprocessors:
                self.exporter.register_preprocessor(preprocessor)
            self._made = True
        self.init_notebooks()
        here = os.getcwd()
        os.chdir(self.coursedir.root)
        try:
            self.convert_notebooks()
        finally:
            os.chdir(here)


class FeedbackWriter:
    """Writes ``feedback/<student>/<assignment>/<assignment>.html`` for one submission at a time.

    Parameters
    ----------
    config : traitlets.config.Config
        nbgrader's configuration of the run (:meth:`autograder.grading.batch.RunFolder`).
    """

    def __init__(self, config: Config) -> None:
        api = NbGraderAPI(config=config)
        self.coursedir = api.coursedir
        self.converter = _OneExporter(coursedir=self.coursedir, parent=api)
        self.converter.update_config(Config({"HTMLExporter": {
            "template_name": TEMPLATE_NAME,
            "extra_template_basedirs": [str(TEMPLATES)],
            # nbgrader's own (its page's Bootstrap CSS), and nbgrader's templates for ``feedback/index.html.j2``
            "extra_template_paths": [*self.converter.config.HTMLExporter.extra_template_paths, NBGRADER_TEMPLATES],
            "filters": {"clean_feedback_html": clean_html},
        }, "HideHostDetails": {"roots": [str(Path(self.coursedir.root).resolve())]}}))
        self.converter.force = True

    def write(self, submission: Submission) -> None:
        """Write one submission's feedback from its recorded notebook and grades.

        Raises
        ------
        FeedbackError
            When nbgrader could not, with its log.
        """
        with temp_attrs(self.coursedir, assignment_id=submission.assignment, student_id=submission.student):
            result = capture_log(self.converter)
        if not result["success"]:
            raise FeedbackError(result.get("error") or result.get("log", "")[-2000:])
        folder = Path(self.coursedir.root) / self.coursedir.feedback_directory
        page = folder / submission.student / submission.assignment / f"{submission.assignment}.html"
        script = copy_mathjax(folder / "mathjax")
        if script is not None and page.is_file():
            text = page.read_text(encoding="utf-8")
            page.write_text(offline_mathjax(text, os.path.relpath(script, page.parent)), encoding="utf-8")
