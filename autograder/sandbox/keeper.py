"""The keeper: the process outside the kernel's namespaces that waits on it and says why it ended.

The zygote forks a keeper per kernel; the keeper forks the kernel (:func:`autograder.sandbox.jail.run`)
and then, where the kernel cannot see it, places it in its cgroup, lets it go, relays
its own output to the log (bounded: :data:`LOG_BYTES`), seals its socket folders when
it asks, kills its whole tree past its wall-clock, CPU or memory limit, and writes why
it ended (:mod:`autograder.sandbox.reasons`). The two talk through pipes made before
the fork (:class:`Channels`).
"""

from __future__ import annotations

import os
import signal
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, NoReturn

from autograder.sandbox import mounts, reasons
from autograder.sandbox.linux import CLONE_NEWNS, setns

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from autograder.sandbox.cgroups import Cgroup
    from autograder.sandbox.limits import Jail, Limits

#: What the kernel's own output (its stdout and stderr, not its cells') may add to its log.
LOG_BYTES = 1 * 2**20
#: The exit status of a keeper whose kernel could not be confined (the grader's fault, never the student's).
CONFINEMENT_FAILED = 70


# -- the pipes between keeper and kernel ----------------------------------------------


@dataclass(frozen=True)
class Channels:
    """Pipes between a keeper and its kernel, made before the fork: each a ``(read end, write end)``.

    Attributes
    ----------
    go : keeper to kernel
        The kernel is in its cgroup: it may confine itself and start.
    done : kernel to keeper
        ``ok``, or why it could not be confined.
    output : kernel to keeper
        Its own stdout and stderr, which the keeper relays to the log, bounded.
    seal_request : kernel to keeper
        Its sockets are bound: seal their folders.
    seal_reply : keeper to kernel
        ``k`` once sealed, ``x`` if they could not be.
    """

    go: tuple[int, int]
    done: tuple[int, int]
    output: tuple[int, int]
    seal_request: tuple[int, int]
    seal_reply: tuple[int, int]

    @classmethod
    def open(cls) -> Channels:
        return cls(*(os.pipe() for _ in range(5)))

    def kernel_side(self, confined: bool) -> None:
        """In the kernel: keep its ends, send its output through the keeper, wait to be let go."""
        global _seal_channel
        for fd in (self.go[1], self.done[0], self.output[0], self.seal_request[0], self.seal_reply[1]):
            os.close(fd)
        os.dup2(self.output[1], 1)  # its own output reaches the host only through the keeper, bounded
        os.dup2(self.output[1], 2)
        os.close(self.output[1])
        if confined:
            _seal_channel = (self.seal_request[1], self.seal_reply[0])
        os.read(self.go[0], 1)  # placed in its cgroup before it runs anything

    def keeper_side(self) -> None:
        """In the keeper: close the kernel's ends."""
        for fd in (self.go[0], self.done[1], self.output[1], self.seal_request[1], self.seal_reply[0]):
            os.close(fd)

    def confine(self, walls: Callable[[], object]) -> None:
        """In the kernel: put up ``walls`` and tell the keeper; never return if one of them failed."""
        try:
            walls()
        except Exception as error:  # noqa: BLE001 - never run a kernel that is not confined
            os.write(self.done[1], f"{type(error).__name__}: {error}".encode()[:4000])
            os._exit(CONFINEMENT_FAILED)
        os.write(self.done[1], b"ok")
        os.close(self.done[1])


#: In a confined kernel: (request, reply) pipe ends to ask its keeper to seal its socket folders.
_seal_channel: tuple[int, int] | None = None


def sockets_bound() -> None:
    """In a confined kernel, once its sockets are bound: have its socket folders sealed (read-only).

    Does nothing in a kernel that is not confined. Exits the kernel if the keeper could not seal them.
    """
    global _seal_channel
    if _seal_channel is None:
        return
    request, reply = _seal_channel
    _seal_channel = None
    os.write(request, b"s")
    answer = os.read(reply, 1)
    os.close(request)
    os.close(reply)
    if answer != b"k":
        os._exit(CONFINEMENT_FAILED)


# -- keeping the kernel -----------------------------------------------------------------------


def keep(kernel_pid: int, jail: Jail, uid: int | None, channels: Channels, root: str,
         log: Callable[[str], object], cgroup: Cgroup | None,
         give_reason: Callable[[reasons.ExitReason], object]) -> NoReturn:
    """In the keeper, once the kernel is forked: let it go, watch it, and exit as it exits.

    Exits with the kernel's exit code (``128 + signal`` when killed), or
    :data:`CONFINEMENT_FAILED` when the kernel could not be confined.
    """
    channels.keeper_side()
    forward_signals(kernel_pid)
    cgroup = place(kernel_pid, cgroup, log)
    os.write(channels.go[1], b"g")
    os.close(channels.go[1])
    answer = read_all(channels.done[0])
    if answer != b"ok":
        kill_tree(kernel_pid)
        os.waitpid(kernel_pid, 0)
        give_up(answer.decode(errors="replace") or "it died while being confined", log, give_reason)
    if jail.confined:
        log(f"confined as uid {uid if uid is not None else os.getuid()}, in namespaces of its own")
    os.set_blocking(channels.output[0], False)
    readers = {channels.output[0]: _relayer()}
    if jail.confined:
        readers[channels.seal_request[0]] = _sealer(kernel_pid, jail.sockets, channels.seal_reply[1], log, give_reason)
    code, reason = watch(kernel_pid, jail.limits, cgroup, confined=jail.confined, readers=readers)
    if cgroup:
        cgroup.remove()
    try:
        os.rmdir(root)  # the mount point of its root, empty on the host
    except OSError:
        pass
    if reason:
        log(reason)
        give_reason(reasons.stopped(reason))
    os._exit(code if code >= 0 else 128 - code)


def give_up(problem: object, log: Callable[[str], object],
            give_reason: Callable[[reasons.ExitReason], object]) -> NoReturn:
    """The kernel could not be confined (``problem`` says why): the grader's fault; exit :data:`CONFINEMENT_FAILED`."""
    log(f"the kernel could not be confined: {problem}")
    give_reason(reasons.grader_fault(f"the kernel could not be confined ({problem})"))
    os._exit(CONFINEMENT_FAILED)


def forward_signals(kernel_pid: int) -> None:
    """An interrupt goes to the kernel; a termination ends the kernel's whole tree, and the keeper."""
    signal.signal(signal.SIGINT, lambda *_: _forward(kernel_pid, signal.SIGINT))

    def terminate(*_: object) -> NoReturn:
        kill_tree(kernel_pid)
        os._exit(128 + signal.SIGTERM)

    signal.signal(signal.SIGTERM, terminate)


def place(kernel_pid: int, cgroup: Cgroup | None, log: Callable[[str], object]) -> Cgroup | None:
    """Put the kernel in its cgroup, before it runs anything; the cgroup, or ``None`` if it could not be."""
    if cgroup:
        try:
            cgroup.add(kernel_pid)
        except OSError as error:
            log(f"no cgroup ({error}); the keeper's sums alone bound the tree")
            cgroup.remove(0)
            return None
    return cgroup


def tree(kernel_pid: int) -> list[int]:
    """Host pids of every process in the kernel's PID namespace (the kernel included)."""
    try:
        namespace = os.readlink(f"/proc/{kernel_pid}/ns/pid")
    except OSError:
        return []
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.readlink(f"/proc/{entry}/ns/pid") == namespace:
                    pids.append(int(entry))
            except OSError:
                pass
    return pids


def usage(pids: Iterable[int]) -> tuple[int, float]:
    """``(resident bytes, CPU seconds)`` summed over ``pids``, reaped children's CPU included."""
    page, ticks = os.sysconf("SC_PAGE_SIZE"), os.sysconf("SC_CLK_TCK")
    resident = 0
    cpu: float = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/statm") as statm:
                resident += int(statm.read().split()[1]) * page
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rpartition(")")[2].split()
            cpu += sum(int(value) for value in fields[11:15]) / ticks  # utime stime cutime cstime
        except (OSError, IndexError, ValueError):
            pass
    return resident, cpu


def relay(output: int, budget: int, reads: int = 64) -> int | None:
    """Copy what the kernel wrote to ``output`` (a pipe) to the log (fd 2), at most ``budget`` bytes in all.

    What is past the budget is read and dropped, so that the kernel never blocks on a
    full pipe and the log never grows past :data:`LOG_BYTES`. Returns the budget left,
    or ``None`` once the pipe is closed.
    """
    for _ in range(reads):  # a bounded share of the keeper's time, then it checks the limits again
        try:
            chunk = os.read(output, 65536)
        except BlockingIOError:
            break
        if not chunk:
            return None
        if budget > 0:
            kept = chunk[:budget]
            budget -= len(kept)
            try:
                os.write(2, kept if budget > 0 else kept + b"\n[the kernel's further output was dropped]\n")
            except OSError:
                pass
    return budget


def over_limit(limits: Limits, seconds: float, resident: int, cpu: float, out_of_memory: bool) -> str:
    """Why a kernel that has run ``seconds`` and uses ``resident`` bytes and ``cpu`` seconds must stop ("" if not)."""
    if limits.wall_seconds and seconds > limits.wall_seconds:
        return "the notebook ran past its time limit"
    if limits.memory_bytes and resident > limits.memory_bytes:
        return _too_much_memory(limits)
    if limits.cpu_seconds and cpu > limits.cpu_seconds:
        return f"the kernel's processes used more than {limits.cpu_seconds} s of CPU time"
    if out_of_memory:
        return _too_much_memory(limits)
    return ""


def _too_much_memory(limits: Limits) -> str:
    return f"the kernel's processes used more than {limits.memory_bytes / 2**30:.1f} GiB of memory"


def watch(kernel_pid: int, limits: Limits, cgroup: Cgroup | None = None, interval: float = 0.05,
          confined: bool = True, readers: dict[int, Callable[[int], bool]] | None = None) -> tuple[int, str]:
    """Wait for the kernel; kill its whole tree past a limit; meanwhile answer what it sends on ``readers``.

    ``readers`` maps a pipe's read end to a handler, called with it when it is readable,
    that returns whether to keep watching it (its output, bounded: :func:`relay`; its
    request to seal its socket folders: :func:`seal_sockets`).

    Returns
    -------
    (int, str)
        The kernel's exit code, and why it was killed ("" if it was not).
    """
    import select

    started = time.monotonic()
    reason = ""
    readers = dict(readers or {})
    while True:
        pid, status = os.waitpid(kernel_pid, os.WNOHANG)
        if pid:
            if not reason and cgroup and cgroup.out_of_memory():  # the kernel itself was the one killed
                reason = _too_much_memory(limits)
            return os.waitstatus_to_exitcode(status), reason
        if not reason:
            pids = cgroup.pids() if cgroup else tree(kernel_pid) if confined else [kernel_pid]
            resident, cpu = usage(pids)
            if cgroup:
                resident = max(resident, cgroup.memory())
            reason = over_limit(limits, time.monotonic() - started, resident, cpu,
                                out_of_memory=bool(cgroup and cgroup.out_of_memory()))
            if reason:
                kill_tree(kernel_pid)
        if not readers:
            time.sleep(interval)
            continue
        for fd in select.select(list(readers), [], [], interval)[0]:
            if not readers[fd](fd):
                del readers[fd]


def _relayer() -> Callable[[int], bool]:
    """A :func:`watch` handler relaying the kernel's output to the log, :data:`LOG_BYTES` in all."""
    budget = LOG_BYTES

    def handle(fd):
        nonlocal budget
        budget = relay(fd, budget)
        return budget is not None

    return handle


def _sealer(kernel_pid: int, folders: tuple[str, ...], reply: int, log: Callable[[str], object],
            give_reason: Callable[[reasons.ExitReason], object]) -> Callable[[int], bool]:
    """A :func:`watch` handler that seals the kernel's socket folders when it asks, and answers it."""
    def seal(fd):
        if os.read(fd, 1) != b"s":
            return False
        try:
            done = seal_sockets(kernel_pid, folders)
        except OSError as error:  # stuck in the kernel's view of the machine: it must not be watched from there
            kill_tree(kernel_pid)
            give_up(error, log, give_reason)
        if not done:
            log("its socket folders could not be made read-only")
            give_reason(reasons.grader_fault("the kernel's socket folders could not be made read-only"))
            kill_tree(kernel_pid)
        try:
            os.write(reply, b"k" if done else b"x")
        except OSError:  # the kernel is gone
            pass
        return False

    return seal


def seal_sockets(kernel_pid: int, folders: Iterable[str]) -> bool:
    """From the keeper: remount the kernel's socket folders read-only in its own mount namespace.

    A kernel needs to write in them only to bind its sockets; after that they are
    the only host folders it could write in (and fill). The keeper joins the kernel's
    mount namespace (it keeps the privilege to, over that namespace), remounts each and
    comes back to its own; the kernel cannot undo it (no capability, no ``mount``).
    A keeper that could not come back (one in a user namespace of its own, as an
    instructor's account makes, holds no privilege over the host's mount namespace)
    does it in a child instead, which costs a copy of the zygote's page tables and its
    teardown: some 20 ms of a kernel's start.

    Raises
    ------
    autograder.sandbox.linux.ConfinementError
        When the keeper could not come back to its own mount namespace after all: it must
        not go on watching the kernel from inside the kernel's view of the machine.
    """
    own = os.open("/proc/self/ns/mnt", os.O_RDONLY | os.O_CLOEXEC)
    here = os.open(".", os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        try:
            setns(own, CLONE_NEWNS, "entering the keeper's own mount namespace")  # allowed only where it can return
        except OSError:
            return _seal_in_child(kernel_pid, folders)
        try:
            _join_mount_namespace(kernel_pid)
        except OSError:  # the kernel is gone
            return False
        try:
            mounts.seal(folders)
            sealed = True
        except Exception:  # noqa: BLE001 - whatever went wrong, the keeper comes back, and the kernel is stopped
            sealed = False
        setns(own, CLONE_NEWNS, "coming back to the keeper's mount namespace")  # raises: the caller gives up
        return sealed
    finally:
        os.fchdir(here)  # entering a mount namespace moves a process to its root
        os.close(own)
        os.close(here)


def _seal_in_child(kernel_pid: int, folders: Iterable[str]) -> bool:
    """:func:`seal_sockets` by a child that joins the kernel's mount namespace and never comes back."""
    pid = os.fork()
    if pid == 0:
        try:
            _join_mount_namespace(kernel_pid)
            mounts.seal(folders)
            os._exit(0)
        except BaseException:  # noqa: BLE001 - reported as the exit status, across the fork
            os._exit(1)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status) == 0


def _join_mount_namespace(kernel_pid: int) -> None:
    """Enter the kernel's mount namespace (``OSError`` if it is gone, or the keeper may not)."""
    namespace = os.open(f"/proc/{kernel_pid}/ns/mnt", os.O_RDONLY | os.O_CLOEXEC)
    try:
        setns(namespace, CLONE_NEWNS, "joining the kernel's mount namespace")
    finally:
        os.close(namespace)


def kill_tree(kernel_pid: int) -> None:
    """Kill the kernel: as process 1 of its namespace, it takes every process there with it."""
    try:
        os.kill(kernel_pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def read_all(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, 4096):
        chunks.append(chunk)
    return b"".join(chunks)


def _forward(pid, signum):
    try:
        os.kill(pid, signum)
    except ProcessLookupError:
        pass
