"""The worker's whole job: execute one sanitized notebook and hand it back.

This step runs nbgrader's own execution preprocessors and nothing else; it
reads and writes no gradebook, so any number of workers (local processes or
Dask workers) can run it at once. Kernels come from a warm zygote
(:mod:`autograder.zygote`) unless ``warm=False``.
"""

import atexit
import functools
import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass

import nbformat
from nbconvert.preprocessors import ClearMetadataPreprocessor
from nbgrader.preprocessors import Execute, IgnorePattern, LimitOutput

from autograder import remote, zygote
from autograder.preprocessors.executeapart import ExecuteApart
from autograder.preprocessors.hidetestinternals import mark_unreached_tests
from autograder.preprocessors.receipts import CheckReceipts

#: nbgrader's autograde steps that touch only the notebook, in nbgrader's order,
#: with the receipt check right after execution (it reads notebook metadata).
EXECUTION_STEPS = (Execute, CheckReceipts, IgnorePattern, ClearMetadataPreprocessor, LimitOutput)

_zygote = None
#: Where kernels' Unix sockets go: the system's temporary folder, read before any
#: kernel environment changes TMPDIR.
IPC_BASE = tempfile.gettempdir()


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
    if socket_path:  # started by the process that started us; it may still be warming up
        zygote.wait_for_socket(socket_path)
        return
    if _zygote is None:
        _zygote = zygote.Zygote()
        atexit.register(_zygote.close)
        os.environ.update(_zygote.env())


def _kernel_env(cwd, limits, hide):
    """A kernel's environment: ours, plus its limits and a scratch HOME and TMPDIR in ``cwd``."""
    scratch = os.path.join(cwd, ".scratch")
    os.makedirs(scratch, exist_ok=True)
    limits = dict(limits or {})
    if limits.pop("hide_files", False):
        limits["hide"] = [str(path) for path in hide]
    return dict(os.environ, HOME=scratch, TMPDIR=scratch, BNWEEK_KERNEL_LIMITS=json.dumps(limits))


def _exit_reason(cwd):
    socket_path = os.environ.get(zygote.ENV_SOCKET, "")
    path = zygote.exit_reason_path(os.path.dirname(socket_path), cwd)
    if not os.path.exists(path):
        return ""
    with open(path) as file:
        reason = file.read()
    os.unlink(path)  # read once: a regrade of the same folder must not inherit it
    return reason


def execute(notebook_json, cwd, config, warm=True, limits=None, hide=(), roles=None):
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
    limits : dict, optional
        Kernel limits (see :mod:`autograder.limits`); warm kernels only.
    hide : sequence of path-like
        Folders the kernel must not see (with ``limits["hide_files"]``).
    roles : dict, optional
        The source notebook's cell roles (:func:`autograder.course.cell_roles`):
        run the test cells in a judge kernel apart from the submission's code
        (:class:`~autograder.preprocessors.executeapart.ExecuteApart`). Without
        it, every cell runs in one kernel, as under plain nbgrader.

    Returns
    -------
    Executed
    """
    # Short, because socket paths are limited; the judge works in here, out of the submission's reach.
    ipc_directory = tempfile.mkdtemp(prefix="bnweek-ipc-", dir=IPC_BASE)
    judge_path = os.path.join(ipc_directory, "judge")
    os.makedirs(judge_path)
    socket_path = os.path.join(ipc_directory, "calls")
    kernel_env = {}
    config = config.copy()
    config.Execute.shutdown_kernel = "immediate"  # nothing in a finished kernel is worth waiting for
    if (limits or {}).get("cell_seconds"):
        config.Execute.timeout = int(limits["cell_seconds"])
    if warm:
        ensure_warm_kernels()
        kernel_env = {"submission": _kernel_env(cwd, limits, hide), "judge": _kernel_env(judge_path, {}, ())}
        kernel_env["submission"][remote.ENV_SOCKET] = socket_path  # opened before the kernel's view narrows
        config.Execute.kernel_name = zygote.KERNEL_NAME
        # Unix sockets, not TCP: a kernel without network can still talk to us.
        config.KernelManager.transport = "ipc"
        config.KernelManager.ip = os.path.join(ipc_directory, "kernel")
    notebook = nbformat.reads(notebook_json, as_version=4)
    resources = {"metadata": {"path": cwd}}
    started = time.monotonic()
    problem = ""
    for step in EXECUTION_STEPS:
        try:
            if step is Execute:  # nbgrader's Execute, and the judge when the tests run apart
                step = functools.partial(ExecuteApart, roles=roles, judge_path=judge_path,
                                         call_seconds=float(config.Execute.timeout), kernel_env=kernel_env,
                                         socket_path=socket_path)
            notebook, resources = step(config=config)(notebook, resources)
        except Exception as error:  # the kernel died, or never answered
            problem = f"the notebook stopped running: {_exit_reason(cwd) or f'the kernel died ({type(error).__name__})'}"
            mark_unreached_tests(notebook, problem)
    if not problem and (reason := _exit_reason(cwd)):  # killed while the judge was calling it
        problem = f"the submission's kernel was stopped: {reason}"
    shutil.rmtree(ipc_directory, ignore_errors=True)
    return Executed(nbformat.writes(notebook), problem, time.monotonic() - started)
