"""The worker's whole job: execute one sanitized notebook and hand it back.

This step runs nbgrader's own execution preprocessors and nothing else; it
reads and writes no gradebook, so any number of workers (local processes or
Dask workers) can run it at once. Kernels come from a warm zygote
(:mod:`autograder.sandbox.zygote`) unless ``warm=False``.
"""

from __future__ import annotations

import atexit
import copy
import io
import os
import secrets
import stat
import tarfile
import tempfile
import time
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import nbformat
from nbconvert.preprocessors import ClearMetadataPreprocessor
from nbgrader.preprocessors import IgnorePattern, LimitOutput

from autograder.course import COURSE_CODE
from autograder.grading import kept_judge
from autograder.grading.preprocessors.executeapart import ExecuteApart, GraderFault
from autograder.grading.preprocessors.hidetestinternals import mark_unreached_tests
from autograder.grading.preprocessors.receipts import CheckReceipts
from autograder.grading.preprocessors.scorefromjudge import ScoreFromJudge
from autograder.grading.timing import RECEIPTS, STEPS, Stopwatch
from autograder.kernel import remote
from autograder.sandbox import cleanup, reasons, zygote
from autograder.sandbox.reasons import LEGACY_FAULT_PREFIX as GRADER_FAULT
from autograder.sandbox.limits import DEFAULT_LIMITS, Jail

if TYPE_CHECKING:
    from traitlets.config import Config

    from autograder.grading.kept_judge import KeptJudge
    from autograder.sandbox.limits import Limits


#: nbgrader's autograde steps that touch only the notebook, in nbgrader's order, with
#: nbgrader's Execute replaced by ExecuteApart (its subclass, which runs the test cells in a
#: judge kernel; configured through ``config.ExecuteApart``), the receipt check right
#: after execution (it reads notebook metadata), and last, each test cell's score from the
#: judge's verdict alone, written into its outputs as nbgrader reads them (nothing after it
#: changes a test cell's outputs).
EXECUTION_STEPS = (ExecuteApart, CheckReceipts, IgnorePattern, ClearMetadataPreprocessor, LimitOutput, ScoreFromJudge)

_zygote = None
#: Where kernels' Unix sockets go: the system's temporary folder, read before any
#: kernel environment changes TMPDIR.
IPC_BASE = tempfile.gettempdir()
#: What of a submission's folder travels with its notebook to a worker, in bytes.
MAX_FOLDER_BYTES = 256 * 2**20


@dataclass(frozen=True)
class Judging:
    """What the judge is told before a notebook's first test (contract 2 of the course's brief).

    Attributes
    ----------
    seed : int
        The hidden tests' 63-bit seed for this student and assignment
        (:func:`autograder.grading.batch.submission_seed`).
    language : str
        ``"en"`` or ``"zh_CN"``: the language of the verdicts.
    """

    seed: int
    language: str = "en"


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
    fault : str
        Empty unless the grader itself failed (a kernel that could not start or be
        confined, a judge that died): then the notebook was not graded, and why.
    timings : dict
        ``{phase: seconds}`` of the execution (:mod:`autograder.grading.timing`).
    """

    notebook: str
    problem: str
    seconds: float
    fault: str = ""
    timings: dict = field(default_factory=dict)


def ensure_warm_kernels() -> None:
    """Route kernels to a zygote: the one named in the environment, else our own."""
    global _zygote
    if _zygote is not None:
        if not _zygote.alive():  # on a Dask worker: our own zygote died; the grader regrades what it took
            _zygote.restart()
        return
    socket_path = os.environ.get(zygote.ENV_SOCKET)
    if socket_path:  # started by the process that started us; it may still be warming up
        zygote.wait_for_socket(socket_path)
        return
    _zygote = zygote.Zygote()
    atexit.register(_zygote.close)
    os.environ.update(_zygote.env())


def pack_folder(folder: str | os.PathLike[str], max_bytes: int = MAX_FOLDER_BYTES) -> tuple[bytes, list[str]]:
    """The folders and regular files under ``folder``, as an uncompressed tar; links stay behind.

    This is what travels to a worker with a notebook, so a worker on another
    machine needs no shared file system. A kernel writes only in its unpacked
    copy, which the grader never reads back, so nothing a submission leaves in
    its folder (a link to the gradebook, say) is ever opened by the grader.

    Parameters
    ----------
    folder : path-like
    max_bytes : int
        Files beyond this many bytes in all are left out (the largest first).

    Returns
    -------
    (bytes, list of str)
        The tar, and the relative paths of the files left out.
    """
    folders, files = [], {}  # relative paths; files with their sizes
    for parent, names, filenames in os.walk(folder):  # never descends into a linked folder
        for name in names + filenames:
            path = os.path.join(parent, name)
            info = os.lstat(path)  # a link is neither a folder nor a regular file here
            relative = os.path.relpath(path, folder)
            if stat.S_ISDIR(info.st_mode):
                folders.append(relative)
            elif stat.S_ISREG(info.st_mode):
                files[relative] = info.st_size
    kept, left_out, total = [], [], 0
    for relative, size in sorted(files.items(), key=lambda item: (item[1], item[0])):  # the smallest first
        if total + size <= max_bytes:
            kept.append(relative)
            total += size
        else:
            left_out.append(relative)
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for relative in sorted(folders) + sorted(kept):
            tar.add(os.path.join(folder, relative), arcname=relative, recursive=False)
    return buffer.getvalue(), sorted(left_out)


def unpack_folder(packed: bytes, destination: str | os.PathLike[str]) -> None:
    """Unpack :func:`pack_folder`'s tar into a new folder ``destination``."""
    os.makedirs(destination)
    with tarfile.open(fileobj=io.BytesIO(packed)) as tar:
        tar.extractall(destination, filter="data")  # plain files and folders, inside destination only


def kernel_folders(ipc_directory: str, files: bytes, judge: KeptJudge | None = None) -> dict:
    """Each kernel's folders for one notebook, made under ``ipc_directory`` (a kept judge has its own).

    Returns
    -------
    dict
        ``{"submission": {"work", "sockets"}, "judge": {"work", "sockets"}, "calls": folder}``:
        every kernel its own working copy and socket folder, and the folder of the
        socket the judge calls the submission through.
    """
    folders = {"submission": {"work": os.path.join(ipc_directory, "submission-work"),
                              "sockets": os.path.join(ipc_directory, "submission")}}
    os.makedirs(folders["submission"]["sockets"])
    unpack_folder(files, folders["submission"]["work"])
    if judge is not None:
        folders["judge"] = {"work": judge.folders["work"], "sockets": judge.folders["sockets"]}
        folders["calls"] = judge.folders["calls"]  # this notebook's own, new (kept_judge.take)
        folders["calls_root"] = judge.folders["calls_root"]  # what the kept judge sees
        return folders
    folders["judge"] = {"work": os.path.join(ipc_directory, "judge-work"),
                        "sockets": os.path.join(ipc_directory, "judge")}
    for folder in folders["judge"].values():
        os.makedirs(folder)
    folders["calls"] = os.path.join(ipc_directory, "calls")
    os.makedirs(folders["calls"])
    os.chmod(folders["calls"], 0o755)  # the judge, another uid, connects to the socket made there
    return folders


def jails(folders: dict, limits: Limits, confined: bool, readable: tuple[str, ...],
          kept: bool = False) -> dict[str, Jail]:
    """The :class:`~autograder.sandbox.limits.Jail` of the submission's kernel and of the judge's.

    A judge ``kept`` between notebooks gets a few notebooks' time (:func:`~autograder.grading.kept_judge.judge_limits`).
    """
    submission = Jail(limits=limits, workdir=folders["submission"]["work"], confined=confined,
                      sockets=(folders["submission"]["sockets"], folders["calls"]), readable=readable)
    judge_limits = kept_judge.judge_limits(limits) if kept else limits
    judge = Jail(limits=replace(judge_limits, cpu_seconds=max(judge_limits.cpu_seconds, judge_limits.wall_seconds)),
                 workdir=folders["judge"]["work"], sockets=(folders["judge"]["sockets"],),
                 readable=(*readable, folders.get("calls_root", folders["calls"])), confined=confined, role="judge")
    return {"submission": submission, "judge": judge}


def _exit_reason(cwd):
    reason = reasons.read(cwd)  # read once: a regrade of the same folder must not inherit it
    return reason.legacy() if reason else ""


def execute(notebook_json: str, files: bytes, config: Config, warm: bool = True, limits: Limits = DEFAULT_LIMITS,
            confined: bool = True, roles: dict | None = None, keep_judge: bool = True,
            judging: Judging | None = None) -> Executed:
    """Execute a sanitized submission notebook with the files of its folder.

    Parameters
    ----------
    notebook_json : str
        The notebook after nbgrader's sanitizing steps (test cells restored).
    files : bytes
        The submission's autograded folder, packed (:func:`pack_folder`); the
        submission's kernel runs in a private copy of it.
    config : traitlets.config.Config
        nbgrader's configuration for this run.
    warm : bool
        Use forked warm kernels (confined) instead of cold ``python3`` kernels (which
        are never confined).
    limits : Limits
        Resource limits of each kernel (:mod:`autograder.sandbox.limits`).
    confined : bool
        Confine each kernel (:mod:`autograder.sandbox.jail`); ``False`` only with ``--unconfined``.
    roles : dict, optional
        The source notebook's cell roles (:func:`autograder.course.cell_roles`):
        run the test cells in a judge kernel apart from the submission's code
        (:class:`~autograder.grading.preprocessors.executeapart.ExecuteApart`). Without
        it, every cell runs in one kernel, as under plain nbgrader.
    keep_judge : bool
        With warm kernels, keep the judge for this worker's next notebook
        (:mod:`autograder.grading.kept_judge`) instead of starting one per notebook.
    judging : Judging, optional
        The seed and language the judge is told before the first test; without it, a
        fresh seed and English.

    Returns
    -------
    Executed
    """
    # Short, because socket paths are limited; the judge works in here, out of the submission's reach.
    ipc_directory = tempfile.mkdtemp(prefix="bnweek-ipc-", dir=IPC_BASE)
    config = copy.deepcopy(config)  # Config.copy is shallow: the caller's sections stay as they are
    config.Execute.shutdown_kernel = "immediate"  # nothing in a finished kernel is worth waiting for
    if limits.cell_seconds:
        config.Execute.timeout = int(limits.cell_seconds)
    judge = None
    if warm:
        ensure_warm_kernels()  # before the judge's key, which names the zygote
    if warm and roles and keep_judge:
        key = (os.environ.get(zygote.ENV_SOCKET), limits, confined, config.Execute.timeout, str(COURSE_CODE))
        judge = kept_judge.take(key, limits, IPC_BASE)
    folders = kernel_folders(ipc_directory, files, judge)
    # a new name for each notebook: nothing a submission left in a kept judge's folder is ever called
    socket_path = os.path.join(folders["calls"], f"calls-{secrets.token_hex(8)}")
    kernel_env = {}
    config.ExecuteApart.roles = roles
    config.ExecuteApart.judge_path = folders["judge"]["work"]
    config.ExecuteApart.call_seconds = float(config.Execute.timeout)
    config.ExecuteApart.socket_path = socket_path
    if judging is not None:
        config.ExecuteApart.seed = judging.seed
        config.ExecuteApart.language = judging.language
    if warm:
        confinement = jails(folders, limits, confined, (str(COURSE_CODE),), kept=judge is not None)
        kernel_env = {role: dict(os.environ, **jail.to_env()) for role, jail in confinement.items()}
        kernel_env["submission"][remote.ENV_SOCKET] = socket_path  # opened before the kernel's first cell
        config.Execute.kernel_name = zygote.KERNEL_NAME
        # Unix sockets, not TCP: a kernel without network can still talk to us.
        config.KernelManager.transport = "ipc"
        config.KernelManager.ip = os.path.join(folders["submission"]["sockets"], "kernel")
        config.ExecuteApart.judge_ip = os.path.join(folders["judge"]["sockets"], "kernel")
    config.ExecuteApart.kernel_env = kernel_env
    notebook = nbformat.reads(notebook_json, as_version=4)
    resources = {"metadata": {"path": folders["submission"]["work"]}}
    started = time.monotonic()
    problem = fault = ""
    stopwatch = Stopwatch()
    judge_fit = False
    for step in EXECUTION_STEPS:
        try:
            if step is ExecuteApart:
                executor = step(config=config)
                executor.kept = judge
                try:
                    notebook, resources = executor(notebook, resources)
                finally:
                    stopwatch.add(executor.stopwatch.seconds)  # its phases: kernels, setup, student, tests
                    judge_fit = executor.judge_fit
            else:
                with stopwatch.phase(RECEIPTS if step is CheckReceipts else STEPS):
                    notebook, resources = step(config=config)(notebook, resources)
        except GraderFault as error:
            fault = _exit_reason(folders["submission"]["work"]) or str(error)
            fault = fault.removeprefix(GRADER_FAULT).strip()
        except Exception as error:  # noqa: BLE001  (the kernel died, or never answered)
            reason = _exit_reason(folders["submission"]["work"])
            if reason.startswith(GRADER_FAULT):
                fault = reason.removeprefix(GRADER_FAULT).strip()
            else:
                died = reason or f"the kernel died ({type(error).__name__}: {error})"
                problem = f"the notebook stopped running: {died}"
                mark_unreached_tests(notebook, problem)
        if fault:
            break
    if not problem and not fault and (reason := _exit_reason(folders["submission"]["work"])):
        problem = f"the submission's kernel was stopped: {reason}"  # killed while the judge was calling it
    if judge is not None:
        kept_judge.release(judge, fit=judge_fit and not problem and not fault)
    cleanup.remove_tree(ipc_directory)  # whatever a kernel left there: never an error, never this notebook's fault
    return Executed(nbformat.writes(notebook), problem, time.monotonic() - started, fault, stopwatch.as_dict())
