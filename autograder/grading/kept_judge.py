"""The judge kernel, kept from one notebook to the next on the same worker.

Starting a kernel, and warming TensorFlow up in it (its first ops find and set up
their kernels), costs more than most notebooks' hidden tests. The judge runs only
the course's code and hears from a submission's kernel only plain data
(:mod:`autograder.kernel.judge_side`), so a worker keeps its judge for its next
notebook. A notebook's life with a kept judge, all of it here:

1. :func:`take`: this thread's judge, if it still fits the notebook (same zygote,
   limits, confinement; young; alive), else a new one, with its folders made as new;
2. :func:`reuse`: its running client, given the notebook; before the notebook's cells,
   in the one call that prepares it, it forgets the last one (a fresh namespace and
   execution count, :func:`autograder.kernel.judge_side.prepare`) and binds the new
   submission's proxies;
3. :func:`settle`: after the cells, whether it is fit for another notebook (:func:`fit`:
   alive, no judge cell out of time, no call that had to be stopped or could not
   connect); if so the running client stays with it;
4. :func:`release`: kept for this thread's next notebook if nothing went wrong in the
   notebook (no grader fault, no stopped kernel) and it was fit, else shut down
   (:func:`discard`), and the next notebook starts a fresh one.

A judge is kept only while it is young (:data:`KEEP_NOTEBOOKS`, and no older than one
notebook's wall-clock limit, :func:`judge_limits`). Its kernel starts and stops as
every kernel does (:mod:`autograder.grading.kernels`).

Its folders are its own: its working folder (reset, owner and mode and contents,
before each notebook), its socket folder, and the folder its calls go through
(``calls_root``, the grader's, read-only to the judge and never bound into a
submission's kernel). Each notebook gets a **new** folder in it, where that
submission's kernel opens the socket the judge calls; the submission may do what it
likes to that folder (its mode, its contents: a tree deeper than Python's recursion
limit, folders without permissions, links), and it is removed after the notebook
(:func:`autograder.sandbox.cleanup.remove_tree`, which does not fail on any of
these); a judge whose folders cannot be made or removed is shut down, never kept,
and that is never the next notebook's fault.
"""

from __future__ import annotations

import atexit
import multiprocessing.util
import os
import tempfile
import threading
import time
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from jupyter_core.utils import run_sync

from autograder.course import COURSE_CODE
from autograder.grading import kernels
from autograder.kernel import judge_side
from autograder.sandbox import cleanup, zygote

if TYPE_CHECKING:
    from nbformat import NotebookNode
    from nbgrader.preprocessors import Execute

    from autograder.sandbox.limits import Limits

#: Notebooks one judge grades before it is replaced (it accumulates TensorFlow's caches).
KEEP_NOTEBOOKS = 50
#: A kept judge's time limits are this many times one notebook's: it is replaced once older
#: than one notebook's wall-clock limit, so the notebook it is grading then still has all of its own.
LIFETIME = 3

_kept = threading.local()  # a Dask worker may execute notebooks in several threads: one judge each
_every: set[KeptJudge] = set()  # every thread's, shut down when this process ends
_every_lock = threading.Lock()
_exit_hooks: list = []


@dataclass(eq=False)
class KeptJudge:
    """One worker's judge and its folders.

    Attributes
    ----------
    key : tuple
        What the judge was started for (zygote, limits, confinement, time limits); a
        notebook that needs another judge does not get this one.
    folders : dict
        ``{"root", "work", "sockets", "calls_root"}``: the judge's own folders; and, while it
        grades a notebook, ``"calls"``: that notebook's own folder in ``calls_root``.
    client : Execute or None
        The judge's nbgrader client, its kernel running; ``None`` until it starts.
    started : float
        When it was made (``time.monotonic()``).
    notebooks : int
        Notebooks it has graded.
    thread : int
        The thread whose event loop its client's channels belong to.
    """

    key: tuple
    folders: dict
    client: Execute | None = None
    started: float = field(default_factory=time.monotonic)
    notebooks: int = 0
    thread: int = field(default_factory=threading.get_ident)

    def young(self, limits: Limits) -> bool:
        """Whether the judge may grade another notebook."""
        age = time.monotonic() - self.started
        return self.notebooks < KEEP_NOTEBOOKS and (not limits.wall_seconds or age < limits.wall_seconds)


def key(limits: Limits, confined: bool, cell_timeout: int) -> tuple:
    """What a judge is started for: this process's zygote, the limits, the confinement, the cells' time limit
    and the course's code; a notebook that needs another gets another judge (:func:`take`)."""
    return os.environ.get(zygote.ENV_SOCKET), limits, confined, cell_timeout, str(COURSE_CODE)


def judge_limits(limits: Limits) -> Limits:
    """A kept judge's limits: a few notebooks' time, so that its age, not its limits, ends it."""
    time_limit = max(limits.cpu_seconds, limits.wall_seconds)
    return replace(limits, cpu_seconds=LIFETIME * time_limit, wall_seconds=LIFETIME * limits.wall_seconds)


def _new(key: tuple, directory: str) -> KeptJudge:
    root = cleanup.temporary_folder("judge", directory)
    folders = {"root": root, "work": os.path.join(root, "work"), "sockets": os.path.join(root, "sockets"),
               "calls_root": os.path.join(root, "calls")}
    for name in ("work", "sockets", "calls_root"):
        os.makedirs(folders[name])
    os.chmod(folders["calls_root"], 0o755)  # the judge, another uid, reaches the socket made below it
    return KeptJudge(key, folders)


def _reset(folder: str, mode: int = 0o700) -> None:
    """Empty ``folder`` and give it back to the grader with ``mode``: as new. Raises OSError if it cannot."""
    if not cleanup.empty_folder(folder):
        raise OSError(f"{folder} could not be emptied")
    if os.getuid() == 0:
        os.lchown(folder, 0, 0)
    os.chmod(folder, mode)


def _open_notebook(judge: KeptJudge) -> None:
    """Give the judge a fresh call folder for the next notebook, and its working folder as new."""
    _reset(judge.folders["work"])
    calls = tempfile.mkdtemp(prefix="n-", dir=judge.folders["calls_root"])
    os.chmod(calls, 0o755)  # the judge, another uid, connects to the socket the submission makes there
    judge.folders["calls"] = calls


def take(key: tuple, limits: Limits, directory: str) -> KeptJudge:
    """This thread's judge for a notebook needing ``key``: the kept one if it still fits, else a new one.

    A new one has folders but no kernel yet; the notebook's execution starts it.
    """
    judge = getattr(_kept, "judge", None)
    _kept.judge = None
    if judge is not None and judge.key == key and judge.young(limits) and kernels.alive(judge.client):
        try:
            _open_notebook(judge)
            return judge
        except OSError as error:  # its folders cannot be made as new: a new judge, never this notebook's fault
            judge.client.log.warning("a kept judge's folders could not be reset (%s): a new judge starts", error)
    if judge is not None:
        discard(judge)
    judge = _new(key, directory)
    _open_notebook(judge)
    return judge


def reuse(judge: KeptJudge | None, nb: NotebookNode) -> Execute | None:
    """The kept judge's running client, given notebook ``nb``; ``None`` when it has none yet (a new judge)."""
    client = judge.client if judge is not None else None
    if client is not None:
        client.nb = nb
        client.reset_execution_trackers()
    return client


def fit(client: Execute) -> bool:
    """Whether the judge may grade another notebook: alive, no cell out of time, its calls as they should be."""
    if client.timed_out or not run_sync(client.km.is_alive)():
        return False
    try:
        kernels.call_silently(client, judge_side.fit_for_reuse)
    except Exception:  # noqa: BLE001  (it is then shut down, as a judge always was)
        return False
    return True


def settle(judge: KeptJudge, client: Execute) -> bool:
    """After a notebook's cells: whether the judge is :func:`fit`; if so, ``client`` (its kernel running) stays with it."""
    if not fit(client):
        return False
    judge.client = client
    return True


def release(judge: KeptJudge, fit: bool) -> None:
    """After a notebook: keep the judge for this thread's next one if ``fit``, else shut it down.

    ``fit`` is whether the notebook ran without anything going wrong. The notebook's
    call folder, whatever the submission's kernel did to it, is removed first; a judge
    whose folder cannot be removed is not kept.
    """
    calls = judge.folders.pop("calls", None)
    if calls is not None and not cleanup.remove_tree(calls):
        fit = False
    if fit and judge.client is not None:
        judge.notebooks += 1
    if not fit or judge.client is None:
        discard(judge)
        return
    with _every_lock:
        if not _exit_hooks:  # shut down when this process ends: atexit, or multiprocessing's exit in a pool worker
            atexit.register(discard_every)
            _exit_hooks.append(multiprocessing.util.Finalize(None, discard_every, exitpriority=10))
        _every.add(judge)
    _kept.judge = judge


def discard(judge: KeptJudge) -> None:
    """Shut a judge's kernel down and remove its folders."""
    with _every_lock:
        _every.discard(judge)
    client, judge.client = judge.client, None
    if client is not None and client.km is not None:
        try:
            if threading.get_ident() == judge.thread:  # as a notebook's kernels are shut down
                kernels.stop([client])
            else:  # its channels belong to another thread's loop: end its client, and the zygote ends the kernel
                kernels.kill(client)
        except Exception as error:  # noqa: BLE001  (its zygote kills it when this process ends)
            client.log.warning("a judge kernel could not be shut down: %s: %s", type(error).__name__, error)
    cleanup.remove_tree(judge.folders["root"])


def discard_every() -> None:
    """Shut down every kept judge of this process (as it ends, or on a Dask worker as a run ends)."""
    _kept.judge = None
    for judge in list(_every):
        discard(judge)
