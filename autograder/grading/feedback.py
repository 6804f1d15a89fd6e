"""Each student's feedback HTML: nbgrader's ``generate_feedback``, with one exporter for a whole run.

nbgrader's API builds a new converter, exporter and Jinja environment for every
call, so each notebook's feedback compiles the same templates again (about a
third of its cost). Here one converter serves every submission of a run: it
keeps its exporter, whose templates and CSS are read once, and runs the same
preprocessors (``GenerateFeedback.preprocessors`` in ``nbgrader_config.py``)
on each notebook.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from nbconvert.writers import FilesWriter
from nbgrader.apps import NbGraderAPI
from nbgrader.converters import GenerateFeedback
from nbgrader.utils import capture_log, temp_attrs
from traitlets.config import Config

if TYPE_CHECKING:
    from autograder.grading.intake import Submission


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
        self.converter.update_config(Config({"HTMLExporter": {"template_name": "feedback"}}))
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
