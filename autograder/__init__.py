"""BN Week's grading and build tooling, built on nbgrader and Jupyter Book."""

import os
import sys

# nbgrader shells out to `alembic` (and Jupyter Book to `jupyter`): find them in
# this interpreter's environment even when it was not activated.
_BIN = os.path.dirname(sys.executable)
if _BIN not in os.environ.get("PATH", "").split(os.pathsep):
    os.environ["PATH"] = os.pathsep.join([_BIN, os.environ.get("PATH", "")])

# TensorFlow's C++ start-up logs are noise on pages and in grader logs alike.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
