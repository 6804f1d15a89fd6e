"""The kernel's own root: read-only binds of what it may read, a bounded tmpfs for all it may write.

:func:`plan` lists what the kernel's root holds, in order, as typed steps (a pure
description: nothing is mounted); :func:`build_root`, in the kernel's own mount
namespace, carries the plan out on an empty tmpfs and enters it (``pivot_root``).
As in bubblewrap, nothing of the host is there that the plan does not name, and
every bind is read-only, all the way down, unless it says otherwise.
"""

from __future__ import annotations

import ctypes
import errno
import os
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Union

from autograder.sandbox.linux import (
    CLONE_NEWNS, MNT_DETACH, MS_BIND, MS_NODEV, MS_NOEXEC, MS_NOSUID, MS_PRIVATE, MS_RDONLY, MS_REC, MS_REMOUNT,
    ConfinementError, check, libc, mount, pivot_root, umount, unshare,
)

if TYPE_CHECKING:
    from collections.abc import Iterable

    from autograder.sandbox.limits import Jail

AT_RECURSIVE, MOUNT_ATTR_RDONLY, MOUNT_ATTR_NOSUID, MOUNT_ATTR_NODEV = 0x8000, 0x1, 0x2, 0x4
#: ``mount_setattr``'s number: the same on every architecture (the generic table).
SYS_MOUNT_SETATTR = 442
#: statvfs flags a remount inside a user namespace must keep (they are locked), as mount flags.
LOCKED_FLAGS = {os.ST_RDONLY: MS_RDONLY, os.ST_NOSUID: MS_NOSUID, os.ST_NODEV: MS_NODEV, os.ST_NOEXEC: MS_NOEXEC,
                os.ST_NOATIME: 1024, os.ST_NODIRATIME: 2048, os.ST_RELATIME: 1 << 21}

#: Host folders every kernel sees read-only (where they exist): programs and libraries.
SYSTEM_PATHS = ("/usr", "/bin", "/sbin", "/lib", "/lib64", "/lib32", "/libx32", "/etc", "/sys")
#: Where the kernel's writable folder may appear, in order of preference.
WORK_MOUNTS = ("/work", "/home/student", "/bnweek-work")
#: Device nodes a kernel may open; the GPU's are added only when TensorFlow can use them (:func:`device_nodes`).
DEVICES = ("null", "zero", "full", "random", "urandom")
GPU_DEVICE_PREFIXES = ("nvidia", "dri", "kfd")
#: The GPU nodes each kind of TensorFlow build opens: CUDA's, and ROCm's.
CUDA_DEVICE_PREFIXES, ROCM_DEVICE_PREFIXES = ("nvidia",), ("kfd", "dri")
#: The kernel's private folders, each a tmpfs of :attr:`Limits.disk_bytes`.
PRIVATE_FOLDERS = ("/tmp", "/dev/shm")
#: Links in the kernel's ``/dev``, to its own descriptors.
DEV_LINKS = (("/dev/fd", "/proc/self/fd"), ("/dev/stdin", "/proc/self/fd/0"), ("/dev/stdout", "/proc/self/fd/1"),
             ("/dev/stderr", "/proc/self/fd/2"))


# -- what the root holds (pure) ------------------------------------------------------


@dataclass(frozen=True)
class Tmpfs:
    """A size-bounded file system at ``target``: writes and preallocation alike stop at ``size`` bytes."""

    target: str
    size: int
    mode: str
    uid: int | None = None


@dataclass(frozen=True)
class Bind:
    """The host's ``source`` at ``target``: read-only all the way down unless ``writable``; a ``device`` node."""

    source: str
    target: str
    writable: bool = False
    device: bool = False


@dataclass(frozen=True)
class Link:
    """A symbolic link at ``target`` that reads ``points_to``."""

    target: str
    points_to: str


@dataclass(frozen=True)
class Proc:
    """A fresh ``/proc`` of the kernel's own PID namespace."""

    target: str = "/proc"


@dataclass(frozen=True)
class Copy:
    """The folders and regular files under the host's ``source``, copied into ``target`` (links stay behind)."""

    source: str
    target: str
    uid: int | None = None


Step = Union[Tmpfs, Bind, Link, Proc, Copy]


def plan(jail: Jail, uid: int | None = None, readable: list[str] | None = None, devices: list[str] | None = None,
         work_bytes: int | None = None) -> list[Step]:
    """What the kernel's root holds, in the order it is made; paths as the kernel sees them.

    ``/tmp`` and ``/dev/shm`` come first (what is bound below may live under ``/tmp``);
    then the readable paths, read-only (a link as a link); the device nodes; a fresh
    ``/proc``; the socket folders, writable until sealed; last its working folder, a
    tmpfs holding a copy of ``jail.workdir`` (owned by ``uid``).

    Parameters
    ----------
    jail : autograder.sandbox.limits.Jail
    uid : int or None
        The kernel's own uid when the grader is root.
    readable, devices : list of str, optional
        :func:`readable_paths` and :func:`device_nodes`, read from the host when not given.
    work_bytes : int, optional
        What the copy of ``jail.workdir`` holds (:func:`folder_bytes`, read when not given).
    """
    disk = jail.limits.disk_bytes
    readable = readable_paths(jail) if readable is None else readable
    devices = device_nodes() if devices is None else devices
    work_bytes = folder_bytes(jail.workdir) if work_bytes is None else work_bytes
    steps: list[Step] = [Tmpfs(folder, disk, "1777") for folder in PRIVATE_FOLDERS]
    for path in readable:
        # /bin -> usr/bin on merged-usr systems, a linked virtual environment: a link stays a link
        steps.append(Link(path, os.readlink(path)) if os.path.islink(path) else Bind(path, path))
    steps += [Bind(node, node, writable=True, device=True) for node in devices]
    steps += [Link(name, target) for name, target in DEV_LINKS]
    steps.append(Proc())
    steps += [Bind(folder, folder, writable=True) for folder in jail.sockets]
    work = work_mount(jail, readable)
    steps += [Tmpfs(work, work_bytes + disk, "0700", uid), Copy(jail.workdir, work, uid)]
    return steps


def readable_paths(jail: Jail) -> list[str]:
    """Every host path the kernel sees read-only: the system, Python, and what the jail names."""
    import sys

    prefixes = (sys.prefix, sys.base_prefix, sys.exec_prefix)
    # a link (a virtual environment linked from elsewhere) goes in as a link, after what it points to
    python = sorted({os.path.realpath(p) for p in prefixes}) + sorted({p for p in prefixes if os.path.islink(p)})
    wanted = [*SYSTEM_PATHS, *python, *jail.readable]
    return [path for path in dict.fromkeys(wanted) if os.path.lexists(path)]


def work_mount(jail: Jail, readable: list[str] | None = None) -> str:
    """Where the kernel's writable folder appears: ``/work``, unless the course itself lives there."""
    taken = [*(readable_paths(jail) if readable is None else readable), *jail.sockets]
    for candidate in WORK_MOUNTS:
        if not any(path == candidate or path.startswith(candidate + "/") for path in taken):
            return candidate
    raise ConfinementError(errno.EEXIST, "no free place for the kernel's folder")


def tensorflow_gpu_build() -> tuple[bool, bool]:
    """``(CUDA, ROCm)``: which GPUs the installed TensorFlow was built for, read without importing it."""
    import ast
    import importlib.util

    try:
        spec = importlib.util.find_spec("tensorflow")
        if not (spec and spec.origin):
            return False, False
        with open(os.path.join(os.path.dirname(spec.origin), "python", "platform", "build_info.py")) as file:
            text = file.read()
    except (OSError, TypeError, ValueError, ImportError):
        return False, False
    info = {}
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Tuple) and len(node.elts) == 2 and isinstance(node.elts[0], ast.Constant):
            try:
                info[node.elts[0].value] = ast.literal_eval(node.elts[1])
            except ValueError:
                pass
    return info.get("is_cuda_build") is True, info.get("is_rocm_build") is True


def device_nodes(dev: str = "/dev", gpu_build: tuple[bool, bool] | None = None) -> list[str]:
    """Device nodes to bind: the harmless ones, and a GPU's only when TensorFlow can use that GPU.

    ``gpu_build`` is :func:`tensorflow_gpu_build`'s answer (read when not given): a CUDA build
    gets ``/dev/nvidia*``, a ROCm build ``/dev/kfd`` and ``/dev/dri``; a build for neither,
    or a host without the nodes, gets none.
    """
    cuda, rocm = tensorflow_gpu_build() if gpu_build is None else gpu_build
    prefixes = (CUDA_DEVICE_PREFIXES if cuda else ()) + (ROCM_DEVICE_PREFIXES if rocm else ())
    names = [name for name in DEVICES if os.path.exists(os.path.join(dev, name))]
    try:
        if prefixes:
            names += sorted(name for name in os.listdir(dev) if name.startswith(prefixes))
    except OSError:
        pass
    return [os.path.join(dev, name) for name in names]


def folder_bytes(folder: str) -> int:
    """Bytes of the regular files under ``folder`` (links not followed)."""
    total, pending = 0, [folder]
    while pending:
        with os.scandir(pending.pop()) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    pending.append(entry.path)
                elif entry.is_file(follow_symlinks=False):
                    total += entry.stat(follow_symlinks=False).st_size
    return total


# -- making it (in the kernel's own mount namespace) ---------------------------------------


def build_root(jail: Jail, root: str, uid: int | None = None) -> None:
    """Make ``root`` the kernel's whole file system as :func:`plan` says, then enter it (``pivot_root``).

    Everything the kernel can write is a tmpfs of this mount namespace, bounded in size:
    ``/tmp``, ``/dev/shm`` and its working folder, which starts as a copy of
    ``jail.workdir`` and vanishes with the kernel. Only its socket folders are host folders.
    """
    unshare(CLONE_NEWNS)
    mount(None, "/", flags=MS_REC | MS_PRIVATE)
    mount("tmpfs", root, "tmpfs", MS_NOSUID | MS_NODEV, "size=16m,mode=0755")
    steps = plan(jail, uid)
    for step in steps:
        make(step, root)
    os.chdir(root)
    pivot_root(".", ".")
    umount(".", MNT_DETACH, "detaching the host's root")
    mount(None, "/", flags=MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV)
    os.chdir(steps[-1].target)


def make(step: Step, root: str) -> None:
    """Carry out one step of :func:`plan` under ``root``."""
    inside = os.path.join(root, step.target.lstrip("/"))
    if isinstance(step, Tmpfs):
        os.makedirs(inside, exist_ok=True)
        owner = f",uid={step.uid},gid={step.uid}" if step.uid is not None else ""
        mount("tmpfs", inside, "tmpfs", MS_NOSUID | MS_NODEV, f"size={max(int(step.size), 4096)},mode={step.mode}{owner}")
    elif isinstance(step, Bind):
        bind(step.source, inside, step.writable, step.device)
    elif isinstance(step, Link):
        os.makedirs(os.path.dirname(inside), exist_ok=True)
        os.symlink(step.points_to, inside)
    elif isinstance(step, Proc):
        os.makedirs(inside)
        mount("proc", inside, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    elif isinstance(step, Copy):
        copy_tree(step.source, inside, step.uid)
    else:
        raise ConfinementError(errno.EINVAL, f"not a step of the kernel's root: {step!r}")


def bind(source: str, target: str, writable: bool = False, device: bool = False) -> None:
    """Bind ``source`` onto ``target`` (made first), read-only all the way down unless ``writable``."""
    if os.path.isdir(source) and not os.path.islink(source):
        os.makedirs(target, exist_ok=True)
    else:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        if not os.path.exists(target):
            open(target, "a").close()
    mount(source, target, flags=MS_BIND | (0 if writable or device else MS_REC))
    remount(target, writable, device)
    if not writable:
        read_only_below(target)


def remount(target: str, writable: bool, device: bool) -> None:
    """Remount the bind at ``target`` read-only (unless ``writable``), keeping the flags a user namespace locks."""
    flags = MS_BIND | MS_REMOUNT | MS_NOSUID | (0 if device else MS_NODEV) | (0 if writable else MS_RDONLY)
    host = os.statvfs(target).f_flag
    flags |= sum(value for bit, value in LOCKED_FLAGS.items() if host & bit and not (writable and value == MS_RDONLY))
    mount(None, target, flags=flags)


def read_only_below(target: str, walk: bool = False) -> None:
    """Make every mount below ``target`` read-only, nosuid and nodev too, as its top is.

    A recursive bind remounted read-only stays writable below its top (``/sys/fs/cgroup``
    under ``/sys``, say). ``mount_setattr(AT_RECURSIVE)`` (Linux 5.12) sets the whole tree
    at once; before it (or with ``walk``), each mount below is remounted in turn.
    """
    if not walk:
        attr = (ctypes.c_uint64 * 4)(MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, 0, 0, 0)
        result = libc().syscall(SYS_MOUNT_SETATTR, -100, os.fsencode(target), AT_RECURSIVE,
                                ctypes.byref(attr), ctypes.sizeof(attr))
        if result == 0:
            return
        if ctypes.get_errno() not in (errno.ENOSYS, errno.EINVAL):
            check(result, f"mount_setattr on {target}")
    for point in mount_points_below(target):
        try:
            remount(point, writable=False, device=False)
        except ConfinementError as error:
            if error.errno not in (errno.ENOENT, errno.EACCES):  # a mount point it cannot reach is not reachable
                raise


def mount_table() -> list[tuple[str, str]]:
    """``(mount point, file system type)`` of every mount in this mount namespace (``/proc/self/mountinfo``)."""
    table = []
    with open("/proc/self/mountinfo") as file:
        for line in file:
            fields = line.split()
            point = re.sub(r"\\([0-7]{3})", lambda octal: chr(int(octal.group(1), 8)), fields[4])
            table.append((point, fields[fields.index("-") + 1]))  # the type follows the optional fields' end
    return table


def mount_points_below(target: str) -> list[str]:
    """Mount points strictly below ``target`` in this mount namespace, outermost first."""
    below = [point for point, _ in mount_table() if point.startswith(target.rstrip("/") + "/")]
    return sorted(set(below), key=lambda path: path.count("/"))


def copy_tree(source: str, target: str, uid: int | None) -> None:
    """Copy the folders and regular files under ``source`` into ``target`` (an iterative walk; links stay behind)."""
    import shutil
    import stat

    pending = [""]
    while pending:
        relative = pending.pop()
        with os.scandir(os.path.join(source, relative)) as entries:
            for entry in entries:
                path, copy = os.path.join(relative, entry.name), os.path.join(target, relative, entry.name)
                mode = entry.stat(follow_symlinks=False).st_mode
                if stat.S_ISDIR(mode):
                    os.mkdir(copy, 0o755)
                    pending.append(path)
                elif stat.S_ISREG(mode):
                    shutil.copyfile(entry.path, copy, follow_symlinks=False)
                    os.chmod(copy, 0o644)
                else:
                    continue
                if uid is not None:
                    os.lchown(copy, uid, uid)


def give_socket_folders(folders: Iterable[str], uid: int | None) -> None:
    """In the keeper: the kernel's socket folders (made by the grader, empty) become its own uid's."""
    if uid is not None:
        for folder in folders:
            os.lchown(folder, uid, uid)


def seal(folders: Iterable[str]) -> None:
    """In the kernel's mount namespace (joined by its keeper): its socket folders become read-only."""
    for folder in folders:
        remount(folder, writable=False, device=False)
