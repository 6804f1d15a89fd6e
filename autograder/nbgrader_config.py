"""nbgrader configuration for BN Week.

Loaded by every grading command (``./course release``, ``./course grade`` and the
tests). Paths that depend on where the course is checked out or where grading
happens (the course root, the gradebook) are set by ``autograder.course`` at run
time; everything here is policy.
"""

c = get_config()  # type: ignore[name-defined]  # noqa: F821 - injected by traitlets' config loader

c.CourseDirectory.course_id = "bn_week"

# Generated student notebooks say where they come from.
c.IncludeHeaderFooter.header = __file__.replace("nbgrader_config.py", "header.ipynb")

# TensorFlow logs to stderr on import, and nbgrader scores any test cell that
# wrote to stderr as 0. Keep fd-level C++ logs out of cell outputs ...
c.Execute.extra_arguments = [
    "--HistoryManager.hist_file=:memory:",
    "--IPKernelApp.capture_fd_output=False",
]
# ... and drop what Python-level warnings still write to stderr, so that only a
# raised error (a failed assert) can cost points.
c.IgnorePattern.enabled = True
c.IgnorePattern.pattern = r"[\s\S]"

# Generous per-cell limit: a cold TensorFlow import alone takes seconds on 2 cores.
c.Execute.timeout = 120
c.Execute.interrupt_on_timeout = True

c.ClearSolutions.code_stub = {
    "python": "# YOUR CODE HERE\nraise NotImplementedError()",
}

# Feedback shows a student their visible tests and each hidden test's verdict in
# words, never the hidden tests' source or a traceback through it.
from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor  # noqa: E402
from nbgrader.preprocessors import GetGrades  # noqa: E402

from autograder.grading.feedback import SanitizeOutputs  # noqa: E402
from autograder.grading.preprocessors.hidetestinternals import HideHostDetails, HideTestInternals  # noqa: E402

c.GenerateFeedback.preprocessors = [GetGrades, HideTestInternals, HideHostDetails, SanitizeOutputs,
                                    CSSHTMLHeaderPreprocessor]

# Nothing a submission wrote or printed runs in the browser that opens its feedback: SanitizeOutputs
# (nbconvert's SanitizeHTML) cleans the outputs, the template cleans them again as it renders, and it
# renders each Markdown cell to HTML before cleaning that HTML (autograder.grading.feedback): no
# scripts, event handlers, javascript: links or active embeds.
c.HTMLExporter.sanitize_html = True
c.SanitizeOutputs.enabled = True  # a preprocessor is off until switched on
