"""Remove what a kernel left in a host folder, whatever it left.

A kernel may write in its socket folders (and, unconfined, in its working folder),
so what the grader removes afterwards is the student's choice: a tree nested
deeper than Python's recursion limit or ``PATH_MAX`` (``shutil.rmtree`` recurses,
and raises ``RecursionError``), folders without permissions (``chmod 000``), links
to the grader's own files, FIFOs and sockets. :func:`remove_tree` and
:func:`empty_folder` walk with file descriptors (``openat``), one folder open at a
time, never follow a link, give each folder back its owner's permissions before
entering it, and never raise: they say whether everything went.

The grader's own temporary folders (a notebook's sockets, a kept judge's, the zygote's)
are each named for the process that made it (:func:`temporary_folder`), which removes
it when done. A process killed first (``SIGKILL`` of the grader takes its workers and
zygote with it) cannot; the next grader on the machine removes what such dead processes
left (:func:`sweep`).
"""

from __future__ import annotations

import os
import re
import stat
import tempfile

#: The name of a temporary folder of :func:`temporary_folder`: its kind and the id of the process that made it.
TEMPORARY = re.compile(r"bnweek-(ipc|judge|zygote)-(\d+)-")

#: How many times a folder is read again when something reappeared in it (a writer still running).
RESCANS = 3


def _open_folder(name: str, parent_fd: int | None) -> int:
    """Open the folder ``name`` (relative to ``parent_fd``) for reading, never through a link.

    Its mode becomes 0700 first: a folder its owner made unreadable can still be
    emptied (root needs no permission; another owner keeps its mode).
    """
    handle = os.open(name, os.O_PATH | os.O_NOFOLLOW | os.O_DIRECTORY, dir_fd=parent_fd)
    try:
        try:
            os.chmod(f"/proc/self/fd/{handle}", 0o700)  # an O_PATH descriptor's own inode, never a link's target
        except OSError:
            pass
        return os.open(f"/proc/self/fd/{handle}", os.O_RDONLY | os.O_DIRECTORY)
    finally:
        os.close(handle)


def _unlink_entries(fd: int) -> list[str]:
    """Unlink everything in the folder at ``fd`` that is not a folder; return the folders' names."""
    folders = []
    with os.scandir(fd) as entries:
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    folders.append(entry.name)
                else:
                    os.unlink(entry.name, dir_fd=fd)
            except FileNotFoundError:
                pass
    return folders


def _empty(top_fd: int) -> None:
    """Empty the folder open at ``top_fd``: depth first, without recursion, one descriptor open at a time.

    Raises
    ------
    OSError
        Something could not be removed.
    """
    current = os.dup(top_fd)
    frames: list[list] = [[None, None, 0]]  # per level: its name, the subfolders still to remove, rescans
    try:
        while True:
            frame = frames[-1]
            if frame[1] is None:
                frame[1] = _unlink_entries(current)
            if frame[1]:
                name = frame[1].pop()
                try:
                    child = _open_folder(name, current)
                except FileNotFoundError:
                    continue
                except OSError:  # not a folder any more (replaced by a link or a file): unlink what is there
                    os.unlink(name, dir_fd=current)
                    continue
                os.close(current)
                current = child
                frames.append([name, None, 0])
                continue
            if len(frames) == 1:
                with os.scandir(current) as rest:
                    if next(rest, None) is None:
                        return
                if frame[2] >= RESCANS:
                    raise OSError(39, "something kept appearing in the folder")
                frame[1], frame[2] = None, frame[2] + 1
                continue
            # this level is empty: go up (the parent holds no link: it was opened without following any)
            parent = os.open("..", os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=current)
            os.close(current)
            current = parent
            name = frames.pop()[0]
            try:
                os.rmdir(name, dir_fd=current)
            except FileNotFoundError:
                pass
            except OSError:  # it was written to again: read it once more
                up = frames[-1]
                if up[2] >= RESCANS:
                    raise
                up[1], up[2] = None, up[2] + 1
    finally:
        os.close(current)


def empty_folder(path: str | os.PathLike[str]) -> bool:
    """Remove everything in the folder ``path``, keeping the folder itself.

    Returns
    -------
    bool
        Whether the folder exists and is now empty. Never raises.
    """
    try:
        fd = _open_folder(os.fspath(path), None)
    except OSError:
        return False
    try:
        _empty(fd)
        return True
    except OSError:
        return False
    finally:
        os.close(fd)


def remove_tree(path: str | os.PathLike[str]) -> bool:
    """Remove ``path`` and everything under it; a link is removed, never followed.

    Returns
    -------
    bool
        Whether nothing is left at ``path``. Never raises.
    """
    path = os.path.abspath(os.fspath(path))
    try:
        info = os.lstat(path)
        if not stat.S_ISDIR(info.st_mode):
            os.unlink(path)
            return True
        parent = os.open(os.path.dirname(path), os.O_RDONLY | os.O_DIRECTORY)
    except FileNotFoundError:
        return True
    except OSError:
        return not os.path.lexists(path)
    try:
        fd = _open_folder(os.path.basename(path), parent)
        try:
            _empty(fd)
        finally:
            os.close(fd)
        os.rmdir(os.path.basename(path), dir_fd=parent)
    except FileNotFoundError:
        pass
    except OSError:
        pass
    finally:
        os.close(parent)
    return not os.path.lexists(path)


def temporary_folder(kind: str, directory: str | None = None) -> str:
    """A new private folder in ``directory`` (the system's temporary folder by default), named for this process.

    ``kind`` is ``"ipc"``, ``"judge"`` or ``"zygote"``. The caller removes it when done;
    if this process dies first, :func:`sweep` removes it.
    """
    return tempfile.mkdtemp(prefix=f"bnweek-{kind}-{os.getpid()}-", dir=directory)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def sweep(directory: str | None = None) -> list[str]:
    """Remove the :func:`temporary_folder` folders in ``directory`` whose process is gone; return their paths.

    Only this user's folders (not links) are touched. A folder whose process id has been
    taken by another process since is left alone: kept too long, never removed too soon.
    """
    directory = directory or tempfile.gettempdir()
    removed: list[str] = []
    uid = os.getuid()
    try:
        names = os.listdir(directory)
    except OSError:
        return removed
    for name in names:
        match = TEMPORARY.match(name)
        if match is None or _alive(int(match.group(2))):
            continue
        path = os.path.join(directory, name)
        try:
            info = os.lstat(path)
        except OSError:
            continue
        if stat.S_ISDIR(info.st_mode) and info.st_uid == uid and remove_tree(path):
            removed.append(path)
    return removed
