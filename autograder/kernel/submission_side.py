"""The submission's side of the judge's calls: served in the kernel that runs the student's cells.

This kernel is the student's: anything here may be replaced by the submission, so
nothing here decides a point. It only answers. Before the submission's first cell,
:func:`listen` opens the socket the judge's calls arrive on (a warm kernel does it as
it starts, from :data:`ENV_SOCKET`). While the judge runs a test cell, the grader
has this kernel run :func:`serve_calls` (a silent execution), so each call runs in
this kernel's main thread, where an interrupt can stop it, and costs well under a
millisecond on top of the function itself. :func:`answer` calls the student's
function (or a probe, :mod:`autograder.kernel.probes`) and sends back plain data
(:mod:`autograder.kernel.wire`): the outcome, and the arguments as the function
left them.
"""

from __future__ import annotations

import os
import socket

from autograder.kernel import wire
from autograder.kernel.frames import below_ipython

#: Environment variable naming the socket a warm kernel listens on from its start.
ENV_SOCKET = "BNWEEK_JUDGE_SOCKET"

_listener: socket.socket | None = None


def listen(path: str) -> None:
    """Open the socket the judge's calls arrive on (once, before the submission's cells run).

    A warm kernel does this as it starts (:mod:`autograder.sandbox.zygote`); calling it
    again does nothing. The judge runs as another uid, so the socket is open to
    every uid: only the judge's kernel and ours can see the folder it is in.
    """
    global _listener
    if _listener is None:
        _listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        _listener.bind(path)
        os.chmod(path, 0o666)
        _listener.listen(1)


def serve_calls(seconds: float) -> None:
    """Answer the judge's calls for one test cell, until the judge hangs up.

    Parameters
    ----------
    seconds : float
        How long to wait for the judge to connect.
    """
    assert _listener is not None, "listen() runs first, when the kernel is set up"
    _listener.settimeout(seconds)
    try:
        connection, _ = _listener.accept()
    except OSError:
        return
    with connection:
        connection.settimeout(None)
        try:
            wire.send_frame(connection, wire.hello(os.getpid()))
            while True:
                name, request = wire.read_request(wire.recv_frame(connection))
                wire.send_frame(connection, below_ipython(answer, name, request))
        except (EOFError, OSError, ValueError):
            return


def answer(name: str, request: bytes) -> bytes:
    """Call the submission's function ``name`` with the encoded arguments.

    Returns
    -------
    bytes
        :func:`autograder.kernel.wire.reply`: the outcome (``{"result": value}`` or
        ``{"error": [type name, message]}``) and the arguments after the call.
    """
    from IPython import get_ipython

    call = wire.decode(request)  # [args, kwargs]; kept alive while ids in refs point into it
    args, kwargs = call
    if name.startswith(wire.PROBE_PREFIX):
        from autograder.kernel.probes import named

        function = named(name.removeprefix(wire.PROBE_PREFIX))
    else:
        function = get_ipython().user_ns.get(name)
    refs = wire.mutable_paths(call)
    if function is None:
        outcome = {"error": ["NameError", f"name '{name}' is not defined"]}
    else:
        try:
            outcome = {"result": function(*args, **kwargs)}
        except BaseException as error:  # noqa: BLE001  (SystemExit and KeyboardInterrupt are answers too)
            outcome = {"error": [type(error).__name__, str(error)[:2000]]}
    return wire.reply(outcome, call, refs)
