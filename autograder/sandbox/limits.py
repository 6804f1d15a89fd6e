"""What a grading kernel may use and see: one typed object, serialised in one place.

A :class:`Limits` holds the numbers (time, memory, processes); a :class:`Jail`
holds one kernel's whole confinement: its limits, the host folders it sees
read-only, its one writable folder, the folders its sockets live in, and
whether it is confined at all. The grader builds a ``Jail`` per kernel
(:mod:`autograder.grading.execution`), :meth:`Jail.to_env` serialises it into the
kernel's environment, and the warm-kernel server reads it back with
:meth:`Jail.from_env` (:mod:`autograder.sandbox.zygote`), which enforces it
(:mod:`autograder.sandbox.jail`).

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
    own output reaches a log through a pipe, bounded (:data:`autograder.sandbox.jail.LOG_BYTES`).
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
from dataclasses import asdict, dataclass, field, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping

#: The environment variable that carries a kernel's :class:`Jail` to the zygote.
ENV_JAIL = "BNWEEK_JAIL"


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
        own folders and the Python environment, which :mod:`autograder.sandbox.jail` adds).
    confined : bool
        ``False`` only with ``./course grade --unconfined``: the kernel then gets
        its resource limits and nothing else.
    role : str
        ``"submission"`` or ``"judge"``, for logs and exit reasons.
    """

    limits: Limits = DEFAULT_LIMITS
    workdir: str = ""
    sockets: tuple = ()
    readable: tuple = ()
    confined: bool = True
    role: str = "submission"

    def to_env(self) -> dict[str, str]:
        """``{ENV_JAIL: json}``: the one place a jail is serialised for a kernel."""
        return {ENV_JAIL: json.dumps(asdict(self))}

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Jail | None:
        """The jail ``to_env`` wrote, or ``None`` when the environment holds none."""
        text = env.get(ENV_JAIL)
        if not text:
            return None
        data = json.loads(text)
        return cls(limits=Limits(**data.pop("limits")), sockets=tuple(data.pop("sockets")),
                   readable=tuple(data.pop("readable")), **data)

    def with_limits(self, **changes: int) -> Jail:
        return replace(self, limits=replace(self.limits, **changes))


@dataclass
class Enforcement:
    """What this host lets the grader enforce, found by trying (:func:`autograder.sandbox.jail.probe`).

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
