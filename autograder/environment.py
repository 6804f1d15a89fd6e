"""The process set-up that the command entry points do before any work, and importing the package never does.

Called first by ``python -m autograder`` and the ``bnweek`` script (:func:`autograder.cli.main`),
by the test suite (``tests/conftest.py``) and by the benches; ``./course`` exports the same
variables itself. A library caller that grades in a process of its own calls :func:`prepare` too.
"""

from __future__ import annotations

import os
import sys
import warnings

#: TensorFlow's C++ start-up logs are noise on pages and in grader logs alike (a page's kernel,
#: the build's Sphinx process and the grader's zygote inherit it; the zygote also sets it itself).
TF_LOG_LEVEL = ("TF_CPP_MIN_LOG_LEVEL", "2")


def prepare() -> None:
    """Set up this process for BN Week's commands; calling it again changes nothing.

    * this interpreter's ``bin`` folder goes first on ``PATH``: nbgrader shells out to ``alembic``
      when it creates a gradebook, even when the environment was not activated;
    * ``TF_CPP_MIN_LOG_LEVEL=2`` unless it is set;
    * nbgrader's gradebook code triggers SQLAlchemy 2 autoflush warnings that are not ours to fix:
      they are ignored.
    """
    bin_folder = os.path.dirname(sys.executable)
    if bin_folder not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = os.pathsep.join([bin_folder, os.environ.get("PATH", "")])
    os.environ.setdefault(*TF_LOG_LEVEL)
    warnings.filterwarnings("ignore", module="nbgrader.api")
