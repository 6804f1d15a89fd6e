"""The process set-up (``autograder/environment.py``): done by the entry points, never by an import."""

import json
import os
import subprocess
import sys

from autograder.environment import prepare

IMPORT_EVERYTHING = """
import json, os, warnings
before, filters = dict(os.environ), list(warnings.filters)
import autograder, autograder.grading.batch, autograder.grading.command, autograder.catalogue, autograder.grading.execution
import autograder.kernel.remote, autograder.grading.report, autograder.grading.collect, autograder.demo, autograder.cli
changed = sorted(k for k in set(os.environ) | set(before) if os.environ.get(k) != before.get(k))
ours = [str(f) for f in warnings.filters if f not in filters and f[3] is not None and "nbgrader" in f[3].pattern]
print(json.dumps([changed, ours]))
"""


def test_importing_the_package_changes_no_environment_and_no_warnings_filter():
    """Does importing the grading modules leave os.environ and the nbgrader warnings filters as they were?"""
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep)
                                  if p != os.path.dirname(sys.executable))
    result = subprocess.run([sys.executable, "-c", IMPORT_EVERYTHING], capture_output=True, text=True, env=env,
                            check=True)
    assert json.loads(result.stdout.splitlines()[-1]) == [[], []]


def test_prepare_sets_up_what_the_commands_need_once(monkeypatch):
    """Does prepare put this interpreter's bin first on PATH and set TensorFlow's log level, once, keeping a set one?"""
    bin_folder = os.path.dirname(sys.executable)
    monkeypatch.setenv("PATH", "/usr/bin")
    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "0")
    prepare()
    prepare()
    assert os.environ["PATH"] == os.pathsep.join([bin_folder, "/usr/bin"])
    assert os.environ["TF_CPP_MIN_LOG_LEVEL"] == "0", "a level the user set is kept"
