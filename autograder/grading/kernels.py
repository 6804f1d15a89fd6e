"""Every kernel a notebook uses, started, reached and stopped the same way.

A notebook has two kernels (the submission's and the judge's, :mod:`autograder.grading.preprocessors.executeapart`),
each an nbclient client of its own. Warm or cold, a kernel starts here: its manager
bounded (:func:`prepare`), started with its own environment (its jail, :meth:`autograder.sandbox.limits.Jail.to_env`)
and waited for (:func:`start`); the grader calls into it only through one line naming a
function of the kernel's side of the protocol (:func:`kernel_call`, :func:`call_silently`);
and it is shut down (:func:`stop`), or killed from another thread (:func:`kill`). A *warm*
kernel is forked from a zygote that has already imported TensorFlow (:func:`ensure_warm_kernels`,
:func:`use_warm_kernels`: its kernel spec, and Unix sockets in a folder of its own); a *cold*
one is a plain ``python3`` kernel (never confined). Past the configuration, both start, are
reached and stop the same way.
"""

from __future__ import annotations

import ast
import asyncio
import atexit
import os
import queue
import sys
import time
from typing import TYPE_CHECKING, Any, cast

import zmq
from jupyter_client.provisioning import KernelProvisionerFactory, LocalProvisioner
from jupyter_core.utils import ensure_async, run_sync

from autograder.sandbox import connect, zygote

if TYPE_CHECKING:
    from collections.abc import Callable, Coroutine, Iterable

    from jupyter_client import KernelClient, KernelManager
    from nbclient import NotebookClient
    from traitlets.config import Config

#: The largest single message a kernel may send: ZeroMQ drops the connection of a peer that sends more.
MAX_MESSAGE_BYTES = 32 * 2**20
#: How soon a client tries again to reach a kernel that is not listening yet (ZeroMQ's default: 100 ms).
RECONNECT_MS = 10
#: The modules whose functions the grader calls in a kernel (:func:`kernel_call`).
KERNEL_MODULES = ("autograder.kernel.submission_side", "autograder.kernel.judge_side")


_zygote: zygote.Zygote | None = None


class ZygoteProvisioner(LocalProvisioner):
    """jupyter_client's local provisioner, for a warm kernel: asked of the zygote, not started as a process.

    Everything else (interrupting, killing, waiting, the connection file) is the local
    provisioner's own, on the :class:`autograder.sandbox.connect.ZygoteKernel` it holds
    as its ``process``. The warm kernelspec names it (:data:`connect.PROVISIONER`).
    """

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> Any:
        env, self.cwd = kwargs.get("env") or os.environ, kwargs.get("cwd") or os.getcwd()
        kernel = connect.ZygoteKernel(env[connect.ENV_SOCKET], cmd, self.cwd, dict(env))
        self.process = cast(Any, kernel)  # typed as a Popen: it has the methods the provisioner calls
        self.pid, self.pgid = kernel.pid, None  # signals go through the ZygoteKernel, which knows its end
        return self.connection_info


# jupyter_client finds provisioners by entry point; this one is the grader's own, not installed
KernelProvisionerFactory.provisioners.setdefault(connect.PROVISIONER, connect.entry_point(f"{__name__}:ZygoteProvisioner"))


def ensure_warm_kernels() -> None:
    """Route kernels to a zygote: the one named in the environment, else our own."""
    global _zygote
    if _zygote is not None:
        if not _zygote.alive():  # on a Dask worker: our own zygote died; the grader regrades what it took
            _zygote.restart()
        return
    socket_path = os.environ.get(zygote.ENV_SOCKET)
    if socket_path:  # started by the process that started us; it may still be warming up
        zygote.wait_for_socket(socket_path)
        return
    _zygote = zygote.Zygote()
    atexit.register(_zygote.close)
    os.environ.update(_zygote.env())


def use_warm_kernels(config: Config, submission_sockets: str, judge_sockets: str) -> None:
    """Configure a notebook's kernels as warm ones: forked by the zygote, each reached through its own folder.

    Parameters
    ----------
    config : traitlets.config.Config
        The notebook's configuration, changed in place.
    submission_sockets, judge_sockets : str
        The folders of the submission's and the judge's kernel sockets.
    """
    config.Execute.kernel_name = zygote.KERNEL_NAME
    # Unix sockets, not TCP: a kernel without network can still talk to us.
    config.KernelManager.transport = "ipc"
    config.KernelManager.ip = os.path.join(submission_sockets, "kernel")
    config.ExecuteApart.judge_ip = os.path.join(judge_sockets, "kernel")


def prepare(client: NotebookClient) -> None:
    """Give ``client`` a kernel manager, its messages bounded (:data:`MAX_MESSAGE_BYTES`)."""
    client.km = client.create_kernel_manager()
    client.km.context.setsockopt(zmq.MAXMSGSIZE, MAX_MESSAGE_BYTES)
    # A new kernel's sockets appear a moment after its client connects: try again soon
    # (ZeroMQ waits 100 ms between attempts by default).
    client.km.context.setsockopt(zmq.RECONNECT_IVL, RECONNECT_MS)


async def start(client: NotebookClient, env: dict[str, str] | None = None) -> None:
    """Start ``client``'s kernel (:func:`prepare` first) with ``env``, and wait until it answers."""
    await client.async_start_new_kernel(**({"env": env} if env else {}))
    assert client.km is not None, "prepare() gave the client its kernel manager"
    # on the manager's context, whose sockets have the options above (jupyter_client gives a client a new one)
    client.kc = client.km.client(context=client.km.context)
    client.kc.start_channels()  # synchronous in both of jupyter_client's clients
    await ready(client.kc, client.km, client.startup_timeout)
    client.kc.allow_stdin = False


def start_all(clients: dict[str, NotebookClient], envs: dict[str, dict[str, str]]) -> None:
    """Start several kernels at once (each start is mostly waiting); ``envs`` by the clients' names."""

    async def both():
        await asyncio.gather(*(start(client, envs.get(name)) for name, client in clients.items()))

    run_sync(both)()


async def ready(kc: KernelClient, km: KernelManager, timeout: float | None) -> None:
    """Wait until a new kernel answers on its shell channel and its IOPub channel is connected.

    jupyter_client's ``wait_for_ready`` does this, then waits for IOPub to stay silent
    for 0.2 s so as to drop the start-up messages: 0.2 s per kernel spent idle. nbclient
    reads only the messages whose parent is its own request, so there is nothing to drop.
    """
    deadline = time.monotonic() + (timeout or float("inf"))
    while True:
        kc.kernel_info()
        try:
            reply = await ensure_async(kc.shell_channel.get_msg(timeout=1))
        except queue.Empty:
            reply = None
        if reply is not None and reply["msg_type"] == "kernel_info_reply":
            try:  # IOPub is connected once the reply's status message arrives there
                await ensure_async(kc.iopub_channel.get_msg(timeout=0.2))
            except queue.Empty:
                pass
            else:
                kc._handle_kernel_info_reply(reply)  # noqa: SLF001  (as jupyter_client's wait_for_ready does)
                return
        if not await ensure_async(km.is_alive()):
            raise RuntimeError("Kernel died before replying to kernel_info")
        if time.monotonic() > deadline:
            raise RuntimeError(f"Kernel didn't respond in {timeout} seconds")


def alive(client: NotebookClient | None) -> bool:
    """Whether ``client`` has a kernel and it is running."""
    if client is None or client.km is None:
        return False
    # nbclient types km as a KernelManager; it is an AsyncKernelManager, whose is_alive is a coroutine function.
    return bool(run_sync(client.km.is_alive)())  # type: ignore[arg-type]  # nbclient's annotation of km


async def end(km: KernelManager) -> None:
    """Kill a kernel's process and wait for it to end, looking every 2 ms (jupyter_client looks every 0.1 s).

    As jupyter_client's immediate shutdown does, but what its provisioner kills is our
    connection to the zygote (:class:`autograder.sandbox.connect.ZygoteKernel`): we hang up,
    and the zygote kills the kernel itself.
    """
    provisioner = km.provisioner
    process = getattr(provisioner, "process", None)
    if provisioner is None or process is None or process.poll() is not None:
        return
    await provisioner.kill()
    deadline = time.monotonic() + 5
    while process.poll() is None and time.monotonic() < deadline:
        await asyncio.sleep(0.002)


async def shut_down(client: NotebookClient) -> None:
    """Shut a kernel down, unless nbclient already did (it does when a kernel fails to start).

    A failure here must not hide the one that ended the notebook: a kernel nbclient
    could not shut down goes with its keeper when the zygote sees its connection go.
    """
    if client.km is not None:
        try:
            await end(client.km)
            if client.kc is not None:  # its sockets are the manager's, whose context the cleanup destroys
                client.kc.stop_channels()
            await client._async_cleanup_kernel()  # noqa: SLF001  (nbclient's own shutdown)
        except Exception as error:  # noqa: BLE001
            client.log.warning("a kernel could not be shut down: %s: %s", type(error).__name__, error)


def stop(clients: Iterable[NotebookClient]) -> None:
    """Shut kernels down side by side (each shutdown is mostly waiting for a process to end)."""
    run_sync(together)(*(shut_down(client) for client in clients))


def kill(client: NotebookClient) -> None:
    """End a kernel from a thread other than the one whose event loop its channels belong to.

    Our connection to the zygote is hung up (:class:`autograder.sandbox.connect.ZygoteKernel`,
    which does not close it under the other thread); the zygote then ends the kernel.
    """
    assert client.km is not None, "the caller checks that the client has a kernel"
    # The provisioner is a LocalProvisioner, whose ``process`` (a Popen, or a ZygoteKernel) the base class does not declare.
    cast(Any, client.km.provisioner).process.kill()


async def together(*coroutines: Coroutine[Any, Any, Any]) -> list:
    """Run coroutines side by side, each to its end; then raise the first one's error, if any."""
    results = await asyncio.gather(*coroutines, return_exceptions=True)
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return results


def kernel_call(function: Callable[..., object], *arguments: object) -> str:
    """The code the grader executes in a kernel to call one of the protocol's functions there.

    Every call the grader makes into a kernel is built here, so that each names a real
    function of :data:`KERNEL_MODULES`: ``kernel_call(submission_side.serve_calls, 30.0)`` is
    ``"__import__('autograder.kernel.submission_side', fromlist=['serve_calls']).serve_calls(30.0)"``.
    The arguments are written as Python literals, and the call binds no name in the kernel's namespace.

    Parameters
    ----------
    function : callable
        A function of :mod:`autograder.kernel.submission_side` (``listen``, ``serve_calls``)
        or of :mod:`autograder.kernel.judge_side` (``prepare``, ``run_test``, ``hang_up``, ``fit_for_reuse``).
    *arguments
        Its arguments: literals (strings, numbers, and lists and dicts of them).

    Returns
    -------
    str
        One line of Python.
    """
    module = getattr(function, "__module__", None)
    name = getattr(function, "__name__", "")
    if module not in KERNEL_MODULES or getattr(sys.modules.get(module), name, None) is not function:
        raise ValueError(f"{function!r} is not a function of {' or '.join(KERNEL_MODULES)}")
    written = ", ".join(map(repr, arguments))
    try:
        same = ast.literal_eval(f"[{written}]") == list(arguments)
    except (ValueError, SyntaxError):
        same = False
    if not same:
        raise ValueError(f"the arguments of {name} must be literals: {arguments!r}")
    return f"__import__({module!r}, fromlist=[{name!r}]).{name}({written})"


def call_silently(client: NotebookClient, function: Callable[..., object], *arguments: object) -> None:
    """Call ``function(*arguments)`` in ``client``'s kernel (:func:`kernel_call`), showing nothing.

    Raises
    ------
    RuntimeError
        If it failed there (or the kernel did not reply).
    """
    assert client.kc is not None, "the client's kernel was started"
    reply = client.wait_for_reply(client.kc.execute(kernel_call(function, *arguments), silent=True,
                                                    store_history=False))
    if reply is None or reply["content"]["status"] != "ok":
        error = (reply or {}).get("content", {})
        raise RuntimeError(f"the grader's own code failed in a kernel ({function.__name__}): "
                           f"{error.get('ename', 'no reply')}: {error.get('evalue', '')}")
