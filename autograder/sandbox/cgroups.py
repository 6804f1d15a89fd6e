"""A control group per kernel, where the host lets the grader make one (cgroup v2 or v1).

A cgroup bounds the processes and memory of a kernel's whole tree in the
operating system itself, so a fork bomb or a child that allocates fast is
stopped at once, not when the keeper next looks. Where no cgroup can be made
(no write access, no controller), :func:`create` returns ``None`` and the
keeper's sums over the process tree stand alone (:func:`autograder.sandbox.keeper.watch`).
"""

from __future__ import annotations

import os
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from autograder.sandbox.limits import Limits

ROOT = "/sys/fs/cgroup"


def _own_paths(text=None):
    """``{controller or "": path}`` of this process's cgroups, from ``/proc/self/cgroup``."""
    if text is None:
        with open("/proc/self/cgroup") as file:
            text = file.read()
    paths = {}
    for line in text.splitlines():
        _, controllers, path = line.split(":", 2)
        for controller in controllers.split(",") if controllers else [""]:
            paths[controller] = path
    return paths


class Cgroup:
    """The cgroup folders of one kernel: ``{"pids": folder, "memory": folder}`` (v1), or one folder (v2)."""

    def __init__(self, folders: dict[str, str], version: int) -> None:
        self.folders = folders
        self.version = version

    def _files(self, v1_controller, v1_name, v2_name):
        if self.version == 2:
            return os.path.join(self.folders["unified"], v2_name)
        return os.path.join(self.folders[v1_controller], v1_name)

    def add(self, pid: int) -> None:
        for folder in dict.fromkeys(self.folders.values()):
            with open(os.path.join(folder, "cgroup.procs"), "w") as file:
                file.write(str(pid))

    def pids(self) -> list[int]:
        folder = self.folders["unified" if self.version == 2 else "pids"]
        try:
            with open(os.path.join(folder, "cgroup.procs")) as file:
                return [int(line) for line in file if line.strip()]
        except OSError:
            return []

    def memory(self) -> int:
        try:
            with open(self._files("memory", "memory.usage_in_bytes", "memory.current")) as file:
                return int(file.read())
        except (OSError, ValueError):
            return 0

    def out_of_memory(self) -> bool:
        try:
            if self.version == 2:
                with open(self._files("memory", "", "memory.events")) as file:
                    return any(line.split()[0] in ("oom", "oom_kill") and int(line.split()[1]) for line in file)
            with open(self._files("memory", "memory.failcnt", "")) as file:
                return int(file.read()) > 0
        except (OSError, ValueError, IndexError):
            return False

    def remove(self, seconds: float = 2.0) -> None:
        deadline = time.monotonic() + seconds
        for folder in dict.fromkeys(self.folders.values()):
            while True:
                try:
                    os.rmdir(folder)
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        break
                    time.sleep(0.02)


def _write(folder, name, value):
    with open(os.path.join(folder, name), "w") as file:
        file.write(str(value))


def create(name: str, limits: Limits, root: str = ROOT) -> Cgroup | None:
    """A new cgroup named ``name`` under this process's own, with ``limits`` set; or ``None``.

    Parameters
    ----------
    name : str
    limits : autograder.sandbox.limits.Limits
    """
    own = _own_paths()
    made: dict[str, str] = {}
    try:
        if os.path.exists(os.path.join(root, "cgroup.controllers")):  # v2, unified
            folder = os.path.join(root, own.get("", "/").lstrip("/"), name)
            os.mkdir(folder)
            made["unified"] = folder
            _write(folder, "pids.max", limits.processes)
            _write(folder, "memory.max", limits.memory_bytes)
            _write(folder, "memory.swap.max", 0) if os.path.exists(os.path.join(folder, "memory.swap.max")) else None
            return Cgroup(made, 2)
        for controller, settings in (("pids", {"pids.max": limits.processes}),
                                     ("memory", {"memory.limit_in_bytes": limits.memory_bytes})):
            folder = os.path.join(root, controller, own.get(controller, "/").lstrip("/"), name)
            os.mkdir(folder)
            made[controller] = folder
            for setting, value in settings.items():
                _write(folder, setting, value)
        return Cgroup(made, 1)
    except (OSError, KeyError):
        Cgroup(made, 1).remove(0)
        return None
