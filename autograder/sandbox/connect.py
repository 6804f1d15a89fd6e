"""The zygote's client: ask it for a kernel, and see that kernel as ``jupyter_client`` sees a process.

A worker asks the zygote (:mod:`autograder.sandbox.zygote`) for each warm kernel over
its Unix socket, in one JSON line: the kernel's ``argv``, folder and environment. The
zygote answers with the pid of the kernel's keeper and, once it has reaped the
keeper, with its exit status. When the worker hangs up (to kill the kernel, or as
it dies), the zygote kills the keeper, and the kernel with it.

:class:`ZygoteKernel` holds that connection and has the methods of a
:class:`subprocess.Popen` that ``jupyter_client``'s provisioner calls (``poll``,
``wait``, ``kill``, ``terminate``, ``send_signal``), so a warm kernel is interrupted,
killed and waited for as any kernel is.

It used to be a process of its own (``python -I -S connect.py``, the kernelspec's
command, which relayed signals and exited as the kernel exited): about 17 ms of CPU
a kernel on the 2-core machine, and every notebook starts one. A worker that dies
hangs up all the same, so nothing it asked for outlives it.
"""

from __future__ import annotations

import json
import os
import select
import signal
import socket
import subprocess
from importlib.metadata import EntryPoint

#: The environment variable that names the zygote's socket.
ENV_SOCKET = "BNWEEK_ZYGOTE"
#: The name the warm kernelspec gives its provisioner (:class:`autograder.grading.kernels.ZygoteProvisioner`).
PROVISIONER = "bnweek-zygote"


def entry_point(value: str) -> EntryPoint:
    """The entry point by which ``jupyter_client`` finds :data:`PROVISIONER` (``module:class``)."""
    return EntryPoint(name=PROVISIONER, value=value, group="jupyter_client.kernel_provisioners")


class ZygoteKernel:
    """A kernel the zygote forked for us, with the methods of a :class:`subprocess.Popen`.

    Parameters
    ----------
    socket_path : str
        The zygote's socket.
    argv : list of str
        The kernel's arguments (``-f CONNECTION_FILE``).
    cwd : str
        Its folder.
    env : dict of str to str
        Its whole environment (its jail among it, :meth:`autograder.sandbox.limits.Jail.to_env`).
    timeout : float
        How long the zygote may take to answer with the keeper's pid.

    Attributes
    ----------
    pid : int
        The keeper's pid: it leads a session of its own, and forwards signals to the kernel.
    returncode : int or None
        The keeper's exit status, once the zygote has reaped it and told us; ``-9`` once we hung up.
    """

    def __init__(self, socket_path: str, argv: list[str], cwd: str, env: dict[str, str],
                 timeout: float = 60) -> None:
        self.returncode: int | None = None
        self._connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            self._connection.settimeout(timeout)
            self._connection.connect(socket_path)
            self._connection.sendall((json.dumps({"argv": argv, "cwd": cwd, "env": env}) + "\n").encode())
            self._replies = self._connection.makefile("rb")
            self.pid = int(self._replies.readline())
        except (OSError, ValueError):
            self._connection.close()
            raise
        self._connection.settimeout(None)
        self.stdin = self.stdout = self.stderr = None  # what jupyter_client closes after a wait

    def poll(self) -> int | None:
        """The exit status if the zygote has told it, else ``None``, without waiting."""
        if self.returncode is None and _readable(self._connection, 0):
            self._read_status()
        if self.returncode is not None:
            self._close()
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        """Wait for the exit status (:class:`subprocess.TimeoutExpired` after ``timeout`` seconds)."""
        if self.returncode is None:
            if not _readable(self._connection, timeout):
                raise subprocess.TimeoutExpired(f"kernel {self.pid}", timeout or 0)
            self._read_status()
        self._close()
        assert self.returncode is not None, "_read_status sets it"
        return self.returncode

    def send_signal(self, signum: int) -> None:
        """``SIGKILL``: hang up (the zygote kills the kernel); ``SIGINT``: to the keeper, which forwards it; else its session.

        A kernel we hung up on counts as ended at once (``-9``), as jupyter_client's
        shutdown would otherwise wait for it, looking every 0.1 s; the zygote kills and
        reaps it on its own, in a few milliseconds.
        """
        if self.returncode is not None:  # its pid may belong to another process by now
            return
        if signum == signal.SIGKILL:
            self.returncode = -signal.SIGKILL
            try:  # not closed: another thread may be waiting on it (kernels.kill stops a kernel from a watchdog)
                self._connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        elif signum == signal.SIGINT:
            os.kill(self.pid, signum)
        else:
            os.killpg(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def _read_status(self) -> None:
        try:
            line = self._replies.readline().strip()
        except OSError:
            line = b""
        if self.returncode is None:  # not hung up meanwhile, from another thread
            self.returncode = int(line) if line.lstrip(b"-").isdigit() else 1  # no status: the zygote itself ended

    def _close(self) -> None:
        self._replies.close()
        self._connection.close()


def _readable(connection: socket.socket, timeout: float | None) -> bool:
    """Whether ``connection`` has something to read (or its end) within ``timeout`` seconds (``None``: forever)."""
    waiting = select.poll()
    waiting.register(connection, select.POLLIN)
    return bool(waiting.poll(None if timeout is None else timeout * 1000))
