"""A grading run's hold on its output folder, and the processes that must not outlive it.

Two graders writing one output folder would each record half a class into one gradebook
and overwrite each other's notebooks, so a run holds an exclusive lock on
:data:`LOCK_FILE` in its output folder (:func:`hold`) from start to end, and a second
grader refuses at once (:class:`FolderBusy`). The lock is ``flock``'s: the operating
system releases it when the run ends in any way, a ``SIGKILL`` included, so a rerun is
never blocked by a lock left behind.

A grader killed mid-batch (the OOM killer, a lost SSH session) must leave nothing
running: its worker processes call :func:`~autograder.sandbox.linux.die_with_parent` as
they start (the pool's initializer, :func:`worker_started`), and the zygote does the same
for itself and for each kernel's keeper (:mod:`autograder.sandbox.zygote`).

The same initializer has a worker run :data:`WORKER_NICENESS` steps below the grader: the
grader's record step is the run's one serial part, and it used to wait for a core behind
the workers it feeds.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import threading
import time
from typing import TYPE_CHECKING

from autograder.sandbox.linux import die_with_parent

if TYPE_CHECKING:
    from collections.abc import Iterator

#: The lock file in a run's output folder.
LOCK_FILE = ".grading.lock"

_held: dict[tuple[int, int], list] = {}  # (device, inode) of a folder -> [lock file descriptor, holds]
_held_lock = threading.Lock()


#: How many steps of ``nice`` the grader's local workers and feedback processes run below it. The kernels run
#: below all of them, in sessions of their own (:data:`autograder.sandbox.zygote.KERNEL_NICENESS`). On the 2-core
#: machine, 50 notebooks on 2 workers: the record step took 18 ms of wall a notebook, against 21 to 23 ms with
#: the workers at the grader's priority, for about 8 ms of its CPU either way; the batch took as long.
WORKER_NICENESS = 4


class FolderBusy(RuntimeError):
    """Another grader holds this output folder."""


def worker_started(parent: int, env: dict[str, str]) -> None:
    """A local worker process's initializer: it dies with the grader ``parent``, takes ``env``, and runs below it."""
    die_with_parent(parent)
    os.environ.update(env)
    os.nice(WORKER_NICENESS)  # lowering is always allowed


@contextlib.contextmanager
def hold(folder: str | os.PathLike[str]) -> Iterator[None]:
    """Hold ``folder`` for this run: an exclusive lock on its :data:`LOCK_FILE`, made if missing.

    A process may hold the same folder more than once (``./course grade`` holds it, and so
    does the batch it calls); another process that holds it makes this raise at once.

    Raises
    ------
    FolderBusy
        When another grader holds ``folder``; the message names it and says what to do.
    """
    info = os.stat(folder)
    key = (info.st_dev, info.st_ino)
    with _held_lock:
        if key in _held:
            _held[key][1] += 1
        else:
            _held[key] = [_lock(folder), 1]
    try:
        yield
    finally:
        with _held_lock:
            _held[key][1] -= 1
            if not _held[key][1]:
                os.close(_held.pop(key)[0])  # closing the descriptor releases the lock


def _lock(folder):
    path = os.path.join(folder, LOCK_FILE)
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as error:
        holder = os.pread(descriptor, 200, 0).decode(errors="replace").strip()
        os.close(descriptor)
        if error.errno not in (errno.EWOULDBLOCK, errno.EAGAIN):
            raise
        raise FolderBusy(f"another grader is already writing to {folder}{f' ({holder})' if holder else ''}; "
                         "wait for it to finish, or grade into another output folder (-o)") from None
    os.ftruncate(descriptor, 0)
    os.pwrite(descriptor, f"process {os.getpid()}, since {time.strftime('%Y-%m-%d %H:%M:%S %Z')}\n".encode(), 0)
    return descriptor
