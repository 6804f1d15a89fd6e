"""The worker's whole job: execute one sanitized notebook and hand it back.

This step runs nbgrader's own execution preprocessors and nothing else; it
reads and writes no gradebook, so any number of workers (local processes or
Dask workers) can run it at once. Kernels come from a warm zygote
(:mod:`autograder.zygote`) unless ``warm=False``.
"""

import os
import time
from dataclasses import dataclass

import nbformat
from nbconvert.preprocessors import ClearMetadataPreprocessor
from nbgrader.preprocessors import Execute, IgnorePattern, LimitOutput

from autograder import zygote
from autograder.preprocessors.hidetestinternals import mark_unreached_tests

#: nbgrader's autograde steps that touch only the notebook, in nbgrader's order.
EXECUTION_STEPS = (Execute, IgnorePattern, ClearMetadataPreprocessor, LimitOutput)

_zygote = None


@dataclass
class Executed:
    """What a worker returns.

    Attributes
    ----------
    notebook : str
        The executed notebook, as JSON.
    problem : str
        Empty when the notebook ran to the end; otherwise what stopped it, in words.
    seconds : float
        Wall time of the execution.
    """

    notebook: str
    problem: str
    seconds: float


def ensure_warm_kernels():
    """Route kernels to a zygote: the one named in the environment, else our own."""
    global _zygote
    socket_path = os.environ.get(zygote.ENV_SOCKET)
    if socket_path and os.path.exists(socket_path):
        return
    if _zygote is None:
        _zygote = zygote.Zygote()
        os.environ.update(_zygote.env())


def execute(notebook_json, cwd, config, warm=True):
    """Execute a sanitized submission notebook in ``cwd``.

    Parameters
    ----------
    notebook_json : str
        The notebook after nbgrader's sanitizing steps (test cells restored).
    cwd : str
        Directory the kernel runs in (the submission's autograded folder).
    config : traitlets.config.Config
        nbgrader's configuration for this run.
    warm : bool
        Use a forked warm kernel instead of a cold ``python3`` kernel.

    Returns
    -------
    Executed
    """
    if warm:
        ensure_warm_kernels()
        config = config.copy()
        config.Execute.kernel_name = zygote.KERNEL_NAME
    notebook = nbformat.reads(notebook_json, as_version=4)
    resources = {"metadata": {"path": cwd}}
    started = time.monotonic()
    problem = ""
    for step in EXECUTION_STEPS:
        preprocessor = step(config=config)
        try:
            notebook, resources = preprocessor(notebook, resources)
        except Exception as error:  # the kernel died, or never answered
            problem = f"the notebook stopped running: {type(error).__name__}: {error}".strip()
            mark_unreached_tests(notebook, problem)
    return Executed(nbformat.writes(notebook), problem, time.monotonic() - started)
