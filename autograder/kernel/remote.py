"""The names hidden tests and the grader have always imported from here, kept working.

The hidden tests in ``solutions/*.ipynb`` write ``from autograder.kernel.remote import probes``;
the sandbox's zygote opens a warm kernel's call socket with :func:`listen` from
:data:`ENV_SOCKET`. The code lives in the module of the side it runs on:

* :mod:`autograder.kernel.submission_side`: served in the submission's kernel;
* :mod:`autograder.kernel.judge_side`: the judge's proxies, probes and test runner;
* :mod:`autograder.kernel.wire`: every byte between them (frames, messages, plain data);
* :mod:`autograder.kernel.frames`: running below IPython's frames, on both sides.
"""

from __future__ import annotations

from autograder.kernel.frames import DEEP_FRAMES, below_ipython
from autograder.kernel.judge_side import SubmissionError, configure_checks, probes
from autograder.kernel.submission_side import ENV_SOCKET, listen

__all__ = ["DEEP_FRAMES", "ENV_SOCKET", "SubmissionError", "below_ipython", "configure_checks", "listen", "probes"]
