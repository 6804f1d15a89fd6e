"""Why a kernel ended, told by the process that saw it (its keeper, or the zygote) to the grader.

A kernel that ends early ends for one of two kinds of reason, and the batch treats
them differently:

``stopped``
    A limit stopped it (time, memory, CPU), or the submission ended its own kernel:
    the student's doing, graded as it stands.
``grader_fault``
    The grader failed (the kernel could not be confined, its socket folders could not
    be sealed, its connection file could not be copied): never a grade, the notebook
    is graded again.

The keeper writes one :class:`ExitReason` as versioned JSON (:func:`write`) into the
zygote's folder, under a name derived from the kernel's working folder
(:func:`path`); the grader reads it once with :func:`read`, which also accepts the
plain text earlier graders wrote (``grader fault: ...`` or a stop's words).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass

#: The version of the JSON :func:`write` produces; :func:`parse` refuses any other.
VERSION = 1
#: The two kinds of reason.
STOPPED, GRADER_FAULT = "stopped", "grader_fault"
KINDS = (STOPPED, GRADER_FAULT)
#: How the old plain-text protocol began a reason that was the grader's fault.
LEGACY_FAULT_PREFIX = "grader fault:"


@dataclass(frozen=True)
class ExitReason:
    """Why a kernel ended before the grader was done with it.

    Attributes
    ----------
    kind : str
        :data:`STOPPED` (a limit, or the submission itself) or :data:`GRADER_FAULT`.
    text : str
        What happened, in words for the report ("the notebook ran past its time limit").
    """

    kind: str
    text: str

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"an exit reason's kind is one of {KINDS}, not {self.kind!r}")

    @property
    def grader_fault(self) -> bool:
        return self.kind == GRADER_FAULT

    def legacy(self) -> str:
        """The reason as the old plain-text protocol said it (``grader fault: ...`` for the grader's fault)."""
        return f"{LEGACY_FAULT_PREFIX} {self.text}" if self.grader_fault else self.text

    def to_json(self) -> str:
        return json.dumps({"version": VERSION, "kind": self.kind, "text": self.text})


def stopped(text: str) -> ExitReason:
    return ExitReason(STOPPED, text)


def grader_fault(text: str) -> ExitReason:
    return ExitReason(GRADER_FAULT, text)


def parse(text: str) -> ExitReason | None:
    """The reason in ``text``: :meth:`ExitReason.to_json`'s JSON, or the old plain text; ``None`` if empty.

    A JSON reason of another version, or one that is not an exit reason, is read as a
    grader fault (the grader wrote it, and cannot understand itself), never as a stop.
    """
    text = text.strip()
    if not text:
        return None
    if text.startswith("{"):
        try:
            data = json.loads(text)
        except ValueError:
            data = None
        if not isinstance(data, dict):
            return grader_fault("an exit reason could not be read")
        if data.get("version") != VERSION:
            return grader_fault(f"an exit reason of version {data.get('version')!r} (this grader reads {VERSION})")
        try:
            return ExitReason(data["kind"], str(data["text"]))
        except (KeyError, TypeError, ValueError) as error:
            return grader_fault(f"an exit reason could not be read ({error})")
    if text.startswith(LEGACY_FAULT_PREFIX):
        return grader_fault(text.removeprefix(LEGACY_FAULT_PREFIX).strip())
    return stopped(text)


def path(directory: str, work_folder: str) -> str:
    """Where the reason of the kernel that ran in ``work_folder`` is written, in the zygote's ``directory``."""
    return os.path.join(directory, "reasons", hashlib.sha1(work_folder.encode()).hexdigest())


def write(file_path: str, reason: ExitReason) -> None:
    """Write ``reason`` at ``file_path`` whole (a rename), so a reader never sees half of it."""
    os.makedirs(os.path.dirname(file_path), exist_ok=True)
    partial = f"{file_path}.{os.getpid()}.partial"
    with open(partial, "w") as file:
        file.write(reason.to_json())
    os.replace(partial, file_path)


def read(work_folder: str, directory: str | None = None) -> ExitReason | None:
    """The reason the kernel that ran in ``work_folder`` ended, read once (then forgotten); ``None`` if none.

    Parameters
    ----------
    work_folder : str
        The kernel's working folder on the host (its request's ``cwd``).
    directory : str, optional
        The zygote's folder; by default the folder of the zygote this process's
        kernels come from (its socket, :data:`autograder.sandbox.zygote.ENV_SOCKET`).
    """
    if directory is None:
        from autograder.sandbox.zygote import ENV_SOCKET

        directory = os.path.dirname(os.environ.get(ENV_SOCKET, ""))
    file_path = path(directory, work_folder)
    try:
        with open(file_path) as file:
            text = file.read()
    except FileNotFoundError:
        return None
    os.unlink(file_path)  # read once: a regrade of the same folder must not inherit it
    return parse(text)
