"""The worker's whole job: sanitize one notebook, execute it, and hand it back.

This step runs nbgrader's own sanitizing steps (from a snapshot of the source
notebook, :mod:`autograder.grading.staging`) and execution preprocessors, and
nothing else; it reads and writes no gradebook, so any number of workers (local
processes or Dask workers) can run it at once. Kernels come from a warm zygote
(:mod:`autograder.sandbox.zygote`) unless ``warm=False``.
"""

from __future__ import annotations

import copy
import io
import os
import secrets
import stat
import tarfile
import tempfile
import time
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import nbformat
from nbconvert.preprocessors import ClearMetadataPreprocessor
from nbgrader.preprocessors import IgnorePattern, LimitOutput

from autograder.course import COURSE_CODE
from autograder.grading import kept_judge, kernels, staging
from autograder.grading.jobs import GRADER_FAULT, RAN, STOPPED, Executed, Job, Judging
from autograder.grading.preprocessors.checkmetadata import CheckMetadata
from autograder.grading.preprocessors.executeapart import ExecuteApart, GraderFault
from autograder.grading.preprocessors.hidetestinternals import mark_unreached_tests
from autograder.grading.preprocessors.receipts import CheckReceipts
from autograder.grading.preprocessors.scorefromjudge import ScoreFromJudge
from autograder.grading.timing import RECEIPTS, SANITIZE, STEPS, Stopwatch
from autograder.kernel import remote
from autograder.sandbox import cleanup, reasons
from autograder.sandbox.limits import DEFAULT_LIMITS, Jail

if TYPE_CHECKING:
    from nbformat import NotebookNode
    from traitlets.config import Config

    from autograder.grading.kept_judge import KeptJudge
    from autograder.sandbox.reasons import ExitReason
    from autograder.sandbox.limits import Limits


#: nbgrader's autograde steps that touch only the notebook, in nbgrader's order, with
#: nbgrader's Execute replaced by ExecuteApart (its subclass, which runs the test cells in a
#: judge kernel; configured through ``config.ExecuteApart``), the receipt check right
#: after execution (it reads notebook metadata), and last, each test cell's score from the
#: judge's verdict alone, written into its outputs as nbgrader reads them (nothing after it
#: changes a test cell's outputs).
EXECUTION_STEPS = (ExecuteApart, CheckReceipts, IgnorePattern, ClearMetadataPreprocessor, LimitOutput, ScoreFromJudge)

#: Where kernels' Unix sockets go: the system's temporary folder, read before any
#: kernel environment changes TMPDIR.
IPC_BASE = tempfile.gettempdir()
#: What of a submission's folder travels with its notebook to a worker, in bytes.
MAX_FOLDER_BYTES = 256 * 2**20


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
    folders: dict[str, Any] = {"submission": {"work": os.path.join(ipc_directory, "submission-work"),
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


def execute(notebook_json: str, files: bytes, config: Config, warm: bool = True, limits: Limits = DEFAULT_LIMITS,
            confined: bool = True, roles: dict | None = None, keep_judge: bool = True,
            judging: Judging | None = None) -> Executed:
    """Execute one notebook: :func:`run` of the :class:`~autograder.grading.jobs.Job` these make."""
    return run(Job(notebook_json, files, config, roles=roles, judging=judging, limits=limits, warm=warm,
                   confined=confined, keep_judge=keep_judge))


def run(job: Job) -> Executed:
    """Sanitize a submitted notebook, then execute it with the files of its folder: a worker's whole job.

    Parameters
    ----------
    job : Job
        The notebook, its folder's files, nbgrader's configuration, its source notebook and how
        to run it (:class:`~autograder.grading.jobs.Job`).

    Returns
    -------
    Executed
        The executed notebook, and how it ended (:attr:`~autograder.grading.jobs.Executed.kind`):
        it ran, the submission's kernel was stopped, or the grader failed (sanitizing included:
        nothing of the submission has run then).
    """
    stopwatch = Stopwatch()
    started = time.monotonic()
    failure = ""
    with stopwatch.phase(SANITIZE):
        try:
            notebook, notes = sanitized(job)
        except Exception as error:  # noqa: BLE001 - nbgrader's steps raise many kinds; never the batch's end
            failure = f"the grader failed while sanitizing it ({type(error).__name__}: {str(error)[:300]})"
    if failure:
        return Executed(job.notebook, GRADER_FAULT, failure, time.monotonic() - started, stopwatch.as_dict())
    executed = execute_sanitized(job, notebook, stopwatch)
    return replace(executed, seconds=time.monotonic() - started, notes=tuple(notes))


def sanitized(job: Job) -> tuple[NotebookNode, list[str]]:
    """The job's notebook after nbgrader's sanitizing steps, and what they changed in words."""
    notebook = nbformat.reads(job.notebook, as_version=4)
    if job.source is None:
        return notebook, []
    ids = {"assignment": job.source.assignment, "notebook": job.source.assignment, "student": job.student}
    return staging.sanitize(notebook, {"nbgrader": ids}, job.source, job.config)


def execute_sanitized(job: Job, notebook: NotebookNode, stopwatch: Stopwatch) -> Executed:
    """Execute a sanitized notebook as ``job`` says; :func:`run` without the sanitizing."""
    # Short, because socket paths are limited; the judge works in here, out of the submission's reach.
    ipc_directory = cleanup.temporary_folder("ipc", IPC_BASE)
    config = copy.deepcopy(job.config)  # Config.copy is shallow: the caller's sections stay as they are
    config.Execute.shutdown_kernel = "immediate"  # nothing in a finished kernel is worth waiting for
    limits = job.limits
    if limits.cell_seconds:
        config.Execute.timeout = int(limits.cell_seconds)
    judge = None
    if job.warm:
        kernels.ensure_warm_kernels()  # before the judge's key, which names the zygote
    if job.warm and job.roles and job.keep_judge:
        judge = kept_judge.take(kept_judge.key(limits, job.confined, config.Execute.timeout), limits, IPC_BASE)
    folders = kernel_folders(ipc_directory, job.files, judge)
    # a new name for each notebook: nothing a submission left in a kept judge's folder is ever called
    socket_path = os.path.join(folders["calls"], f"calls-{secrets.token_hex(8)}")
    kernel_env = {}
    config.ExecuteApart.roles = job.roles
    config.ExecuteApart.judge_path = folders["judge"]["work"]
    config.ExecuteApart.call_seconds = float(config.Execute.timeout)
    config.ExecuteApart.socket_path = socket_path
    if job.judging is not None:
        config.ExecuteApart.seed = job.judging.seed
        config.ExecuteApart.language = job.judging.language
    if job.warm:
        confinement = jails(folders, limits, job.confined, (str(COURSE_CODE),), kept=judge is not None)
        kernel_env = {role: dict(os.environ, **jail.to_env()) for role, jail in confinement.items()}
        kernel_env["submission"][remote.ENV_SOCKET] = socket_path  # opened before the kernel's first cell
        kernels.use_warm_kernels(config, folders["submission"]["sockets"], folders["judge"]["sockets"])
    config.ExecuteApart.kernel_env = kernel_env
    work = folders["submission"]["work"]
    resources = {"metadata": {"path": work}}
    started = time.monotonic()
    kind, reason = RAN, ""
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
            exit_reason = reasons.read(work)
            kind, reason = GRADER_FAULT, exit_reason.text if exit_reason else str(error)
        except Exception as error:  # noqa: BLE001 - the kernel died, or never answered
            kind, reason = ended(reasons.read(work), f"the kernel died ({type(error).__name__}: {error})")
            if kind == STOPPED:
                mark_unreached_tests(notebook, reason)
        if kind == GRADER_FAULT:
            break
    if kind == RAN and (exit_reason := reasons.read(work)):  # killed while the judge was calling it
        kind, reason = ended(exit_reason, "", stopped="the submission's kernel was stopped")
    if kind != GRADER_FAULT:
        with stopwatch.phase(STEPS):
            try:  # nbgrader's last step; the metadata is the course's own (RestoreRoles): a raise is the grader's
                CheckMetadata(config=config)(notebook, resources)
            except Exception as error:  # noqa: BLE001
                kind, reason = GRADER_FAULT, f"the executed notebook's metadata is not valid ({error})"
    if judge is not None:
        kept_judge.release(judge, fit=judge_fit and kind == RAN)
    cleanup.remove_tree(ipc_directory)  # whatever a kernel left there: never an error, never this notebook's fault
    return Executed(nbformat.writes(notebook), kind, reason, time.monotonic() - started, stopwatch.as_dict())


def ended(exit_reason: ExitReason | None, otherwise: str,
          stopped: str = "the notebook stopped running") -> tuple[str, str]:
    """How a notebook whose submission's kernel ended early ended: its kind and reason, in words.

    Parameters
    ----------
    exit_reason : ExitReason or None
        What the kernel's keeper or the zygote said (:func:`autograder.sandbox.reasons.read`).
    otherwise : str
        What the grader saw, when they said nothing.
    stopped : str
        How a stop's reason begins.

    Returns
    -------
    (str, str)
        :data:`~autograder.grading.jobs.GRADER_FAULT` and how the grader failed, or
        :data:`~autograder.grading.jobs.STOPPED` and what stopped the notebook.
    """
    if exit_reason is not None and exit_reason.grader_fault:
        return GRADER_FAULT, exit_reason.text
    return STOPPED, f"{stopped}: {exit_reason.text if exit_reason else otherwise}"
