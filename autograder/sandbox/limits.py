"""What a grading kernel may use and see: one typed object, serialised in one place.

A :class:`Limits` holds the numbers (time, memory, processes); a :class:`Jail`
holds one kernel's whole confinement: its limits, the host folders it sees
read-only, its one writable folder, the folders its sockets live in, and
whether it is confined at all. The grader builds a ``Jail`` per kernel
(:mod:`autograder.grading.execution`), :meth:`Jail.to_json` serialises it (versioned,
:data:`JAIL_VERSION`) into the kernel's environment (:meth:`Jail.to_env`), and the
warm-kernel server reads it back with :meth:`Jail.from_env`
(:mod:`autograder.sandbox.zygote`), refusing settings of another version or with a
field it does not know, and enforces it (:mod:`autograder.sandbox.jail`).

Where each limit is enforced:

``cpu_seconds``
    CPU time of every process of the kernel (``RLIMIT_CPU``, inherited by
    children), and of the kernel's whole process tree (summed by its keeper).
``file_bytes``
    Largest file a process may write (``RLIMIT_FSIZE``).
``processes``
    Processes and threads of the kernel's tree: a cgroup's ``pids.max`` where
    the host offers one, and ``RLIMIT_NPROC`` on the kernel's own uid.
``disk_bytes``
    What the kernel may write: its working folder, ``/tmp`` and ``/dev/shm`` are each a
    tmpfs of its own of this size (its working folder this much beyond the copy of the
    submission's files it starts with), so neither writes nor preallocation pass it; its
    own output reaches a log through a pipe, bounded (:data:`autograder.sandbox.keeper.LOG_BYTES`).
``memory_bytes``
    Memory of the kernel's whole process tree: a cgroup's memory limit where the
    host offers one, and otherwise the resident memory summed over the tree by
    the keeper every 50 ms. (``RLIMIT_AS`` cannot be used: TensorFlow reserves far
    more virtual memory than it touches.)
``wall_seconds``
    Wall-clock time of the notebook (the keeper kills the whole tree).
``cell_seconds``
    Time for one cell (nbgrader's ``Execute.timeout``): the cell is interrupted.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping

#: The environment variable that carries a kernel's :class:`Jail` to the zygote.
ENV_JAIL = "BNWEEK_JAIL"
#: The version of a :class:`Jail`'s serialised form: the zygote refuses settings of any other.
JAIL_VERSION = 1


@dataclass(frozen=True)
class Limits:
    """Resource limits on one kernel and everything it starts."""

    cpu_seconds: int = 600
    file_bytes: int = 64 * 2**20
    cell_seconds: int = 120
    wall_seconds: int = 300
    memory_bytes: int = 4 * 2**30
    disk_bytes: int = 256 * 2**20
    #: Threads count too: TensorFlow starts two thread pools as wide as the machine.
    processes: int = 1024


DEFAULT_LIMITS = Limits()


class SettingsError(ValueError):
    """A jail's serialised settings this code cannot read: a kernel is never confined by a guess."""


@dataclass(frozen=True)
class Jail:
    """One kernel's confinement.

    Attributes
    ----------
    limits : Limits
    workdir : str
        Host folder the kernel runs in: its only writable folder (mounted at ``/work``, or elsewhere when the course lives there).
        A throwaway copy made for this kernel; the grader never reads it back.
    sockets : tuple of str
        Host folders where the kernel binds its sockets (ZeroMQ's and the judge's),
        mounted writable at the same path.
    readable : tuple of str
        Host paths the kernel sees read-only at the same path (beside the system's
        own folders and the Python environment, which :mod:`autograder.sandbox.mounts` adds).
    confined : bool
        ``False`` only with ``./course grade --unconfined``: the kernel then gets
        its resource limits and nothing else.
    role : str
        ``"submission"`` or ``"judge"``, for logs and exit reasons.
    version : int
        The version of these settings (:data:`JAIL_VERSION`): the grader and the
        zygote that reads them must agree on what each field means.
    """

    limits: Limits = DEFAULT_LIMITS
    workdir: str = ""
    sockets: tuple[str, ...] = ()
    readable: tuple[str, ...] = ()
    confined: bool = True
    role: str = "submission"
    version: int = JAIL_VERSION

    def to_json(self) -> str:
        """The one serialised form of a jail (:meth:`from_json` reads it)."""
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Jail:
        """The jail :meth:`to_json` wrote.

        Raises
        ------
        SettingsError
            The text is not a jail of :data:`JAIL_VERSION`, or holds a field this
            version does not know, lacks one, or has one of the wrong type.
        """
        try:
            data = json.loads(text)
        except ValueError as error:
            raise SettingsError(f"the jail's settings are not JSON ({error})") from None
        if not isinstance(data, dict):
            raise SettingsError("the jail's settings are not an object")
        if data.get("version") != JAIL_VERSION:
            raise SettingsError(f"the jail's settings are of version {data.get('version')!r}, and this code reads "
                                f"version {JAIL_VERSION}: the grader and its warm-kernel server run different code")
        _check_fields(cls, data, "the jail")
        _check_fields(Limits, data["limits"], "the jail's limits")
        return cls(**{**data, "limits": Limits(**data["limits"]), "sockets": tuple(data["sockets"]),
                      "readable": tuple(data["readable"])})

    def to_env(self) -> dict[str, str]:
        """``{ENV_JAIL: json}``: how a jail travels to its kernel, in the environment the kernel is started with."""
        return {ENV_JAIL: self.to_json()}

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Jail | None:
        """The jail ``to_env`` wrote, or ``None`` when the environment holds none (:meth:`from_json`'s errors)."""
        text = env.get(ENV_JAIL)
        if not text:
            return None
        return cls.from_json(text)

    def with_limits(self, **changes: int) -> Jail:
        return replace(self, limits=replace(self.limits, **changes))


def _check_fields(kind: type, data: object, what: str) -> None:
    """Refuse ``data`` unless it holds exactly the fields of the dataclass ``kind``, each of its type."""
    if not isinstance(data, dict):
        raise SettingsError(f"{what} is not an object")
    expected = {item.name: item for item in fields(kind)}
    unknown, lacking = sorted(set(data) - set(expected)), sorted(set(expected) - set(data))
    if unknown:
        raise SettingsError(f"{what} has fields version {JAIL_VERSION} does not know: {', '.join(unknown)}")
    if lacking:
        raise SettingsError(f"{what} lacks fields of version {JAIL_VERSION}: {', '.join(lacking)}")
    for name, value in data.items():
        wanted = _FIELD_TYPES.get(expected[name].type)
        if wanted is None:
            continue
        ok = (all(isinstance(item, str) for item in value) if wanted is list and isinstance(value, list)
              else isinstance(value, wanted) and not (wanted is not bool and isinstance(value, bool)))
        if not ok:
            raise SettingsError(f"in {what}, {name} is {value!r}: not of type {expected[name].type}")


#: The JSON type each field's annotation stands for (``limits`` is checked as its own dataclass).
_FIELD_TYPES: dict[str | type, type | tuple[type, ...]] = {
    "int": (int, float), "str": str, "bool": bool, "tuple[str, ...]": list}


@dataclass
class Enforcement:
    """What this host lets the grader enforce, found by trying (:func:`autograder.sandbox.probe.probe`).

    Attributes
    ----------
    confined : bool
        Kernels get their own PID, mount, network, IPC and UTS namespaces.
    how : list of str
        One line per mechanism in force.
    missing : list of str
        What could not be enforced here, and why.
    """

    confined: bool
    how: list = field(default_factory=list)
    missing: list = field(default_factory=list)

    def headline(self) -> str:
        """The report's first line."""
        if self.confined:
            return "Confinement: every kernel ran confined (" + "; ".join(self.how) + ")."
        return ("UNCONFINED: kernels ran WITHOUT operating-system isolation (--unconfined): "
                "a submission could read the hidden tests, touch other students' grades and reach the network. "
                + "; ".join(self.missing))
