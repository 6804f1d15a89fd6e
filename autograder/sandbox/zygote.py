"""Warm kernels: a fork server that has already imported TensorFlow.

Plain nbgrader starts a fresh Python kernel per notebook and the notebook then
imports TensorFlow: about half of the ~8 s a one-function notebook costs. Here a
*zygote* process imports the heavy modules once (no op run, no thread started,
no CUDA initialised) and forks a brand-new kernel for each notebook. Every
kernel is a fresh child of the zygote, never reused, so no submission's state
can reach another's; the zygote itself never runs student code.

Jupyter starts a kernel through its kernelspec's provisioner. Ours
(:class:`autograder.grading.kernels.ZygoteProvisioner`) asks the zygote for the
kernel over a Unix socket and holds that connection
(:class:`autograder.sandbox.connect.ZygoteKernel`): the zygote answers with the
kernel's exit status when it ends, and kills it when the connection is hung up, so
``jupyter_client`` can interrupt, kill and wait for it as for any kernel.
"""

from __future__ import annotations

import json
import os
import re
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import time
import types
from typing import cast

from autograder.sandbox import cleanup, connect, linux, reasons
from autograder.sandbox.connect import ENV_SOCKET
from autograder.sandbox.keeper import CONFINEMENT_FAILED
#: The pid of the process that started the zygote: it dies with that process (autograder.grading.lifetime).
ENV_OWNER = "BNWEEK_ZYGOTE_OWNER"
KERNEL_NAME = "bnweek-warm"

#: Environment variables that set how many threads a BLAS library (OpenBLAS, MKL, OpenMP) starts.
BLAS_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS")
#: Imported before forking: what the course's notebooks and hidden tests use, and what a kernel
#: imports as it starts (its shell, and the debugger ipykernel loads with it: 0.08 s a kernel).
WARM_MODULES = ("numpy", "tensorflow", "matplotlib", "ipykernel.kernelapp", "ipykernel.ipkernel",
                "ipykernel.zmqshell", "ipykernel.debugger", "IPython.core.history", "sqlite3",
                "sklearn.datasets", "sklearn.model_selection",  # chapters 5 and 6 load the digits
                "autograder.kernel.tfcheck", "autograder.kernel.remote", "autograder.kernel.probes",
                "autograder.sandbox.jail", "pyseccomp", "pyprctl",
                # what IPython would import in every kernel: as it initialises (the completer, the
                # debugger, the store magic, tornado's asyncio loop; 10 ms) and as it formats a
                # cell's first traceback (stack_data and what it uses; 17 ms)
                "IPython.core.completerlib", "IPython.core.debugger", "IPython.core.oinspect",
                "IPython.extensions.storemagic", "IPython.utils.wildcard", "tornado.platform.asyncio",
                "IPython.core.logger", "IPython.core.magics.namespace", "stack_data",
                "pygments.formatters.terminal256", "pygments.console", "pygments.styles")


# -- the server -----------------------------------------------------------------


class SysWithoutModuleTable(types.ModuleType):
    """``sys`` as ipykernel's kernel module sees it: every attribute the real one's, but no module table.

    ``IPythonKernel.__init__`` lists the file of every loaded module, for its debugger's
    "just my code" filter, which no grading kernel uses. In a child of the zygote that walk
    writes the reference count of each of its ~4,000 shared modules and of their file names,
    so each page they lie on is copied: a kernel's initialisation took 85 ms and 10,000 page
    faults with it, 50 ms and 5,700 without (measured). With an empty table the list is empty.
    """

    modules: types.MappingProxyType[str, types.ModuleType] = types.MappingProxyType({})

    def __getattr__(self, name: str):
        return getattr(sys, name)


def hide_module_table(module: types.ModuleType) -> None:
    """Let ``module`` see :class:`SysWithoutModuleTable` as its ``sys``; once, in the zygote, before any fork."""
    module.sys = SysWithoutModuleTable("sys")  # type: ignore[attr-defined]


def warm_up() -> None:
    """What the zygote does before its first fork: import :data:`WARM_MODULES`, then freeze them."""
    import gc
    import importlib
    import inspect

    # What is imported lives as long as a kernel does. The collector, off while importing, would only
    # walk those objects (seven full collections: about 1 s of a 4 to 5 s start, measured); frozen
    # out of its sight, a full collection in a kernel (IPython's reset makes one) takes a millisecond
    # instead of 0.2 s, and forked kernels share those pages instead of copying them.
    gc.disable()
    for name in WARM_MODULES:
        importlib.import_module(name)
    hide_module_table(importlib.import_module("ipykernel.ipkernel"))
    # IPython finds the module of each frame of a traceback it shows; inspect's table of every module's
    # absolute path is built at the first lookup, in each kernel: 170 ms of its first traceback.
    inspect.getmodule(compile("", "<warm-up>", "exec"))
    gc.freeze()
    gc.enable()


#: How many steps of ``nice`` a kernel runs below the grader and its workers, which serve every kernel.
KERNEL_NICENESS = 5


def below_the_grader(niceness: int = KERNEL_NICENESS) -> None:
    """Schedule this process, and the session it has just made, ``niceness`` steps below the grader.

    The grader's record step is the run's one serial part, and its workers relay every kernel's
    messages; with the kernels at the same priority they waited for a core behind them. Where Linux
    schedules by session ("autogroup", most distributions' default) a session's weight is its own,
    whatever its processes' nice values, so the session's is set too. Lowering is always allowed;
    without ``CAP_SYS_ADMIN`` the kernel refuses a second session's change within 100 ms, and a
    kernel that starts then keeps the grader's priority, as every kernel did before.
    """
    os.nice(niceness)
    try:
        with open("/proc/self/autogroup", "w") as file:
            file.write(str(niceness))
    except OSError:  # no autogroups on this host, or one changed in the last 100 ms
        pass


def session_niceness(pid: int | str = "self") -> int | None:
    """The nice value of process ``pid``'s session where Linux schedules by session, else ``None``.

    ``/proc/PID/autogroup`` reads ``/autogroup-123 nice 5``; it is missing where autogroups are
    off, and empty on some hosts (a container's ``/proc``).
    """
    try:
        with open(f"/proc/{pid}/autogroup") as file:
            found = re.search(r"nice (-?\d+)", file.read())
    except OSError:
        return None
    return int(found.group(1)) if found else None


#: Kernels of a grader running as root get uids from here up, a block of 1000 per zygote.
UID_BASE = 1_500_000_000


def kernel_uid(number: int, zygote_pid: int | None = None) -> int:
    """The uid (and gid) of this zygote's ``number``-th kernel when the grader is root."""
    return UID_BASE + ((zygote_pid or os.getpid()) % 100_000) * 1000 + number % 1000


def _become_kernel(argv):
    """Become a fresh IPython kernel (in the confined child) and never return."""
    from ipykernel.kernelapp import IPKernelApp

    from autograder.kernel import remote

    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    from autograder.sandbox import keeper

    app = IPKernelApp.instance()
    app.initialize(argv)
    if os.environ.get(remote.ENV_SOCKET):  # the judge's calls arrive here (autograder.kernel.remote)
        remote.listen(os.environ[remote.ENV_SOCKET])
    if app.transport == "ipc":  # the heartbeat binds in its own thread: wait for its socket
        deadline = time.monotonic() + 30
        while not os.path.exists(f"{app.ip}-{app.hb_port}") and time.monotonic() < deadline:
            time.sleep(0.002)
    keeper.sockets_bound()  # every socket is bound: its socket folders become read-only
    app.start()
    os._exit(0)


def _own_connection_file(argv, folder):
    """``argv`` with its connection file copied into ``folder``, the only one the kernel will see."""
    argv = list(argv)
    index = argv.index("-f") + 1
    copy = os.path.join(folder, "connection.json")
    shutil.copyfile(argv[index], copy)
    argv[index] = copy
    return argv


def _start_kernel_child(request, log_directory, number):
    """In the forked child: confine a kernel as its jail says, watch it, and exit as it exits."""

    from autograder.sandbox import jail as confinement
    from autograder.sandbox.limits import ENV_JAIL, Jail, SettingsError

    zygote_pid = os.getppid()
    os.setsid()
    below_the_grader()
    # The keeper dies with the zygote, and the kernel with its keeper (the kernel's own death
    # signal): nothing outlives a zygote that was killed.
    linux.die_with_parent(zygote_pid)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    env = dict(request["env"])
    reason_file = exit_reason_path(log_directory, request["cwd"])
    try:
        jail = Jail.from_env(env)
    except SettingsError as error:  # never a kernel confined by a guess
        reasons.write(reason_file, reasons.grader_fault(f"the kernel's jail was refused: {error}"))
        os._exit(CONFINEMENT_FAILED)
    if jail is None:  # never a kernel without its jail: --unconfined sends one that says so
        os._exit(CONFINEMENT_FAILED)
    env.pop(ENV_JAIL, None)
    os.environ.clear()
    os.environ.update(env)
    os.chdir(request["cwd"])
    # The keeper's notes, and the kernel's own stdout/stderr (fd-level logs, crash messages,
    # relayed by its keeper up to keeper.LOG_BYTES), go to a log file, never into a cell's output.
    log = os.open(os.path.join(log_directory, f"kernel-{os.getpid()}.log"), os.O_WRONLY | os.O_CREAT, 0o600)
    os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
    os.dup2(log, 1)
    os.dup2(log, 2)
    os.close(log)  # the kernel's own output reaches it only through its keeper, bounded (keeper.relay)

    def note(text):
        os.write(2, f"bnweek {jail.role} kernel: {text}\n".encode())

    argv = request["argv"]
    cgroup = None
    if jail.confined:
        try:
            argv = _own_connection_file(argv, jail.sockets[0])
        except (OSError, ValueError, IndexError) as error:
            reasons.write(reason_file, reasons.grader_fault(f"its connection file could not be copied ({error})"))
            os._exit(CONFINEMENT_FAILED)
        if os.getuid() == 0:
            from autograder.sandbox import cgroups

            cgroup = cgroups.create(f"bnweek-{os.getpid()}", jail.limits)
    root = os.path.join(log_directory, "roots", str(os.getpid()))
    os.makedirs(root)
    uid = kernel_uid(number, os.getppid()) if os.getuid() == 0 else None
    confinement.run(jail, uid, root, lambda: _become_kernel(argv), note, cgroup,
                    lambda reason: reasons.write(reason_file, reason))


def serve(socket_path: str) -> None:
    """Import the warm modules, then fork a kernel per request, forever.

    Each request is one JSON line on a Unix socket; the reply is the child's pid,
    then, when the child exits, its exit status. If the client hangs up first,
    the child is killed.
    """
    parent = int(os.environ.get(ENV_OWNER) or os.getppid())  # the grader, which may have died as we started
    linux.die_with_parent(parent)  # killed with it, even while importing; its keepers follow
    warm_up()

    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(socket_path)
    listener.listen(64)
    selector = selectors.DefaultSelector()
    selector.register(listener, selectors.EVENT_READ)
    children: dict[int, socket.socket] = {}  # pid -> client connection
    started = 0

    while os.getppid() == parent:  # the grader that started us is gone: so are we
        for key, _ in selector.select(timeout=0.05):
            if key.fileobj is listener:
                connection, _ = listener.accept()
                request = json.loads(connection.makefile().readline())
                pid = os.fork()
                if pid == 0:
                    for inherited in [listener, connection, *children.values()]:
                        inherited.close()
                    try:
                        _start_kernel_child(request, os.path.dirname(socket_path), started)
                    finally:  # never back into this loop, whatever a keeper or its kernel raised: a second server
                        os._exit(CONFINEMENT_FAILED)
                started += 1
                children[pid] = connection
                connection.sendall(f"{pid}\n".encode())
                selector.register(connection, selectors.EVENT_READ, pid)
            else:  # registered above: a client's connection
                heard_from(selector, cast(socket.socket, key.fileobj), key.data)
        _reap(children, selector)
    for pid in children:
        _kill(pid)


def exit_reason_path(directory: str, cwd: str) -> str:
    """Where the zygote explains why it killed the kernel that ran in ``cwd`` (:func:`reasons.path`)."""
    return reasons.path(directory, cwd)


def heard_from(selector: selectors.BaseSelector, connection: socket.socket, pid: int) -> None:
    """A client's connection is readable: it has hung up (it sends nothing else), so its kernel is killed.

    The connection is no longer watched. At its end it stays readable until the kernel's
    keeper is reaped, and each wait for the selector would return at once: the zygote
    spun while each keeper died, on a core that the dying keeper, five nice steps below,
    waited for (measured on the 2-core machine: 4,400 turns of the loop a kernel; 40
    notebooks of chapter 1 took 13.3 s to grade with the spin and 12.2 s without).
    """
    try:
        hung_up = not connection.recv(1)
    except OSError:  # reset by a client that died
        hung_up = True
    if hung_up:
        selector.unregister(connection)
        _kill(pid)


def _kill(pid):
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _reap(children, selector):
    while children:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        connection = children.pop(pid, None)
        if connection is None:
            continue
        _kill(pid)  # anything the kernel started in its session goes with it
        try:
            selector.unregister(connection)
        except KeyError:  # its client hung up first (heard_from)
            pass
        try:
            connection.sendall(f"{os.waitstatus_to_exitcode(status)}\n".encode())
        except OSError:
            pass
        connection.close()


# -- the owner's side ---------------------------------------------------------------


def wait_for_socket(socket_path: str, timeout: float = 120,
                    process: subprocess.Popen | None = None) -> None:
    """Wait until a zygote listens on ``socket_path``."""
    deadline = time.monotonic() + timeout
    while not os.path.exists(socket_path):
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the warm-kernel server exited with status {process.returncode}")
        if time.monotonic() > deadline:
            raise RuntimeError("the warm-kernel server did not start")
        time.sleep(0.05)


class Zygote:
    """A running zygote and the kernelspec that uses it.

    Use as a context manager; ``env()`` gives the variables a process needs so that
    kernels named :data:`KERNEL_NAME` come from this zygote.

    Parameters
    ----------
    python : str
        The interpreter to run.
    wait : bool
        Return only once the zygote listens.
    blas_threads : int, optional
        Threads each kernel's BLAS may use (unless the environment already says).
        Kernels that grade side by side each get their share of the cores: with
        more threads than cores, OpenBLAS's spinning threads slow every kernel down.
    """

    def __init__(self, python: str = sys.executable, wait: bool = True, blas_threads: int | None = None) -> None:
        self.directory = cleanup.temporary_folder("zygote")
        self.socket_path = os.path.join(self.directory, "zygote.sock")
        self.python = python
        self._write_kernelspec()
        root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        self._env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")])))
        self._env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        self._env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")  # the debugger's start-up warning
        if blas_threads:  # read once, when NumPy loads its BLAS, before any kernel is forked
            for name in BLAS_THREAD_VARIABLES:
                self._env.setdefault(name, str(blas_threads))
        self._start()
        if wait:
            self.wait_ready()

    def _start(self):
        with open(os.path.join(self.directory, "zygote.log"), "a") as log:
            self.process = subprocess.Popen(
                [self.python, "-m", "autograder.sandbox.zygote", "serve", self.socket_path],
                env=dict(self._env, **{ENV_OWNER: str(os.getpid())}), stdin=subprocess.DEVNULL, stdout=log,
                stderr=log,
            )

    def alive(self) -> bool:
        return self.process.poll() is None

    def restart(self) -> None:
        """Start a new server on the same socket, after this one died."""
        if self.alive():
            self.process.kill()
        self.process.wait()
        try:
            os.unlink(self.socket_path)
        except FileNotFoundError:
            pass
        self._start()
        self.wait_ready()

    def _write_kernelspec(self):
        spec_dir = os.path.join(self.directory, "kernels", KERNEL_NAME)
        os.makedirs(spec_dir)
        spec = {
            # no command: the kernel's arguments, which the provisioner sends the zygote (autograder.sandbox.connect)
            "argv": ["-f", "{connection_file}"],
            "display_name": "Python 3 (warm, BN Week grader)",
            "language": "python",
            "interrupt_mode": "signal",
            "metadata": {"kernel_provisioner": {"provisioner_name": connect.PROVISIONER}},
        }
        with open(os.path.join(spec_dir, "kernel.json"), "w") as file:
            json.dump(spec, file)

    def wait_ready(self, timeout: float = 120) -> None:
        """Block until the zygote listens (it imports TensorFlow first)."""
        wait_for_socket(self.socket_path, timeout, self.process)

    def env(self) -> dict[str, str]:
        """Environment variables that route :data:`KERNEL_NAME` to this zygote."""
        return {
            ENV_SOCKET: self.socket_path,
            "JUPYTER_PATH": os.pathsep.join(filter(None, [self.directory, os.environ.get("JUPYTER_PATH")])),
        }

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        if not os.environ.get("BNWEEK_KEEP_KERNEL_LOGS"):  # set it to debug kernels that died
            shutil.rmtree(self.directory, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


if __name__ == "__main__":
    verb, rest = sys.argv[1], sys.argv[2:]
    if verb == "serve":
        serve(rest[0])
    else:
        sys.exit("usage: python -m autograder.sandbox.zygote serve SOCKET")
