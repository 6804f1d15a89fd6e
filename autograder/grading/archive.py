"""Zip archives opened with bounds: an LMS download and the uploads inside it.

A zip is what a student controls most freely: names (``../``, absolute paths, names too long
for a folder), mode bits (setuid, executable), links, a count of entries that takes minutes
to list, and sizes a few kilobytes can claim or hide (a zip bomb). Here nothing of a zip is
trusted: its entry count is read from its end record before it is listed, every entry's
name is reduced to plain path parts or refused, links and other special entries are
refused, mode bits are never applied (files are written 0644), and every byte written
counts against a :class:`Budget` shared by the whole intake, so that a bomb costs at most
the budget's bytes of disk and one chunk of memory. Each refused entry becomes a named
line, ``"not graded: <entry>: <why>"``.
"""

from __future__ import annotations

import os
import stat
import struct
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from autograder.grading.inert import printable

if TYPE_CHECKING:
    from collections.abc import Sequence

#: Bytes read from a member at a time: what a bomb costs in memory.
CHUNK = 2**20
#: One path part, in bytes (most file systems' limit on a name).
MAX_NAME_BYTES = 255


@dataclass(frozen=True)
class Limits:
    """What one zip may hold.

    Attributes
    ----------
    entries : int
        Entries at most (its end record's count); a zip with more is refused whole, unlisted.
    file_bytes : int
        Bytes of one extracted file at most.
    parts : int
        Folders deep at most, the file's name included.
    """

    entries: int
    file_bytes: int = 64 * 2**20
    parts: int = 8


#: An instructor's download of a whole class.
LMS_LIMITS = Limits(entries=100_000)
#: One student's upload inside it.
UPLOAD_LIMITS = Limits(entries=1_000, file_bytes=20 * 2**20)
#: Bytes one upload's files may have in all.
UPLOAD_BYTES = 32 * 2**20


class Budget:
    """Bytes that may still be written: by one intake across every archive it opens, or by one upload in it.

    Parameters
    ----------
    total : int
        Bytes in all.
    parent : Budget, optional
        A budget every byte spent here is also spent from (the intake's, for an upload's).
    name : str
        Whose bytes these are, for a note: "the zip's files", "one upload's files".
    """

    def __init__(self, total: int, parent: Budget | None = None, name: str = "the zip's files") -> None:
        self.total, self.left, self.parent, self.name = total, total, parent, name

    def take(self, size: int) -> Budget | None:
        """Spend ``size`` bytes here and in every parent; ``None`` if spent, else the budget that had too few."""
        if size > self.left:
            return self
        if self.parent is not None and (short := self.parent.take(size)) is not None:
            return short
        self.left -= size
        return None


def _entry_count(path: str | os.PathLike[str]) -> int:
    """Entries a zip declares in its end-of-central-directory record (zip64's when there is one).

    Read before :class:`zipfile.ZipFile` lists the central directory, which costs memory
    and time per entry.
    """
    with open(path, "rb") as file:
        # zipfile's private parser of the end record (stable since Python 2); typeshed declares none of its privates.
        end = zipfile._EndRecData(file)  # type: ignore[attr-defined]  # noqa: SLF001
    if end is None:
        raise zipfile.BadZipFile("no end-of-central-directory record")
    return end[zipfile._ECD_ENTRIES_TOTAL]  # type: ignore[attr-defined]  # noqa: SLF001


def open_zip(path: str | os.PathLike[str], limits: Limits) -> zipfile.ZipFile:
    """Open a zip whose end record declares at most ``limits.entries`` entries.

    Raises
    ------
    ValueError
        In words: not a zip, or too many entries.
    """
    try:
        count = _entry_count(path)
    except (OSError, zipfile.BadZipFile, struct.error) as error:
        raise ValueError(f"not a readable zip file ({error})") from None
    if count > limits.entries:
        raise ValueError(f"it holds {count} entries, more than the {limits.entries} a zip may hold here")
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise ValueError(f"not a readable zip file ({error})") from None


def entry_name(info: zipfile.ZipInfo) -> str:
    """An entry's name as it may be shown (control characters escaped)."""
    return printable(info.filename)


def _kind(info: zipfile.ZipInfo) -> str:
    """What a non-regular entry is, in words; "" for a regular file or a folder."""
    mode = info.external_attr >> 16
    if info.create_system != 3 or not stat.S_IFMT(mode) or stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return ""  # not written on Unix, or no type recorded: a plain file to every extractor
    return {stat.S_IFLNK: "a symbolic link", stat.S_IFIFO: "a named pipe", stat.S_IFSOCK: "a socket",
            stat.S_IFCHR: "a device", stat.S_IFBLK: "a device"}.get(stat.S_IFMT(mode), "a special file")


def safe_parts(name: str, limits: Limits) -> tuple[tuple[str, ...], str]:
    """An entry name as relative path parts, or why it cannot be one.

    Backslashes count as separators (zips written on Windows); an absolute name, a drive,
    ``..``, a NUL, a part longer than :data:`MAX_NAME_BYTES` or more than ``limits.parts``
    parts is refused. ``.`` and empty parts are dropped.

    Returns
    -------
    (tuple of str, str)
        The parts and ""; or ``()`` and the reason in words.
    """
    posix = name.replace("\\", "/")
    if posix.startswith("/") or (len(posix) > 1 and posix[1] == ":"):
        return (), "an absolute path"
    parts = tuple(part for part in PurePosixPath(posix).parts if part not in ("", "."))
    if ".." in parts:
        return (), "a path that climbs out of its folder (..)"
    if "\x00" in posix:
        return (), "a name with a NUL character"
    if any(len(part.encode("utf-8", "surrogateescape")) > MAX_NAME_BYTES for part in parts):
        return (), f"a name longer than {MAX_NAME_BYTES} bytes"
    if len(parts) > limits.parts:
        return (), f"more than {limits.parts} folders deep"
    return parts, ""


def members(archive: zipfile.ZipFile, limits: Limits) -> tuple[list[tuple[zipfile.ZipInfo, tuple[str, ...]]], list[str]]:
    """The files of a zip that may be extracted, with their path parts, and a line for each refused one.

    Folders are not listed (they are made as files need them); links, special files,
    encrypted entries, unsafe names and files larger than ``limits.file_bytes`` are refused.
    """
    kept, notes = [], []
    for info in archive.infolist():
        if info.is_dir():
            continue
        parts, why = safe_parts(info.filename, limits)
        kind = _kind(info)
        if kind:
            why = f"{kind}, never extracted"
        elif info.flag_bits & 0x1:
            why = "encrypted"
        elif not why and info.file_size > limits.file_bytes:
            why = f"{info.file_size} bytes, more than the {limits.file_bytes} a file may have"
        if why or not parts:
            notes.append(f"not graded: {entry_name(info)}: {why or 'an empty name'}")
        else:
            kept.append((info, parts))
    return kept, notes


def _make_folders(root: str, parts: Sequence[str]) -> str:
    """Make the folders of ``parts`` under ``root`` (mode 0755, never through a link); return the last."""
    folder = root
    for part in parts:
        folder = os.path.join(folder, part)
        try:
            os.mkdir(folder, 0o755)
        except FileExistsError:
            if not stat.S_ISDIR(os.lstat(folder).st_mode):
                raise NotADirectoryError(folder) from None
    return folder


def extract(archive: zipfile.ZipFile, info: zipfile.ZipInfo, root: str | os.PathLike[str], parts: Sequence[str],
            budget: Budget, limits: Limits) -> str:
    """Write one member to ``root/<parts>`` as a new plain file, mode 0644; return "" or why it was not.

    The file is streamed a :data:`CHUNK` at a time, each chunk paid for from ``budget``;
    one that runs out of budget, is larger than ``limits.file_bytes`` or fails its checksum
    is removed. Nothing is written outside ``root``, through a link or over a file.
    """
    try:
        folder = _make_folders(os.fspath(root), parts[:-1])
    except OSError as error:
        return f"its folder could not be made ({type(error).__name__})"
    target = os.path.join(folder, parts[-1])
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
    try:
        descriptor = os.open(target, flags, 0o644)
    except OSError as error:
        return f"it could not be written ({error.strerror or type(error).__name__})"
    written, why = 0, ""
    try:
        with os.fdopen(descriptor, "wb") as out, archive.open(info) as member:
            while chunk := member.read(CHUNK):
                written += len(chunk)
                if written > limits.file_bytes:
                    why = f"more than the {limits.file_bytes} bytes a file may have"
                elif (short := budget.take(len(chunk))) is not None:
                    why = f"{short.name} passed the {short.total} bytes they may have in all"
                if why:
                    break
                out.write(chunk)
    except Exception as error:  # noqa: BLE001  (BadZipFile on a bad checksum; zlib.error, EOFError... on corrupt data)
        why = f"unreadable ({type(error).__name__}: {printable(error)})"
    if why:
        os.unlink(target)
    return why
