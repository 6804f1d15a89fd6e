"""Hidden tests that run apart from the submission they grade.

Code in a submission runs in the same process as anything executed after it,
so a determined submission can change how later cells run (an IPython input
transformer can rewrite a test cell to swallow its errors). When the grader runs
an assignment's test cells in a second, trusted kernel (the *judge*), no test
code ever runs where the submission's code ran:

* in the judge, each graded function's name is bound to a :class:`Proxy`;
* calling it sends the arguments, as plain data (:mod:`autograder.wire`), to the
  submission's kernel, where :func:`answer` calls the student's function;
* what comes back is plain data again: the return value, any exception's type
  and message, and the arguments as the function left them (so a function that
  modifies its input is still seen to do so).

The verdict, every comparison with TensorFlow, is made in the judge. The most a
submission can do is return values, and to earn points they must be right for
inputs it has never seen.
"""

import atexit
import builtins
import json
import os
import queue
import signal
import sys
import time
import uuid

from autograder import wire

#: How long an interrupted call may take to return before its kernel is written off.
INTERRUPT_GRACE_SECONDS = 5


class SubmissionError(Exception):
    """The student's function raised an exception the judge does not re-raise as itself."""


# -- in the submission's kernel -----------------------------------------------------

#: The Jupyter comm target the judge opens in the submission's kernel.
COMM_TARGET = "bnweek.judge"


def serve():
    """Let the judge call this kernel's functions, over a Jupyter comm.

    Run in the submission's kernel before any of the submission's cells. Comm
    messages are handled between cells without IPython's cell machinery, so a
    call costs a few milliseconds; nothing the handler sends back is trusted.
    """
    from IPython import get_ipython

    def opened(comm, _message):
        @comm.on_msg
        def received(message):
            data = message["content"]["data"]
            reply = answer(str(data.get("name")), str(data.get("request")))
            sys.stdout.flush()  # the function's prints go out before its answer
            comm.send({"reply": reply})

        comm.send({"pid": os.getpid()})

    get_ipython().kernel.comm_manager.register_target(COMM_TARGET, opened)


def answer(name, request):
    """Call the submission's function ``name`` with the encoded arguments.

    Returns
    -------
    str
        JSON of two encoded trees: the outcome (``{"result": value}`` or
        ``{"error": [type name, message]}``) and the arguments after the call.
    """
    from IPython import get_ipython

    call = wire.decode(request)  # [args, kwargs]; kept alive while ids in refs point into it
    args, kwargs = call
    function = get_ipython().user_ns.get(name)
    refs = wire.mutable_paths(call)
    if function is None:
        outcome = {"error": ["NameError", f"name '{name}' is not defined"]}
    else:
        try:
            outcome = {"result": function(*args, **kwargs)}
        except BaseException as error:  # SystemExit and KeyboardInterrupt are answers too
            outcome = {"error": [type(error).__name__, str(error)[:2000]]}
    return json.dumps([wire.encode(outcome, refs), wire.encode(call)])


# -- in the judge ---------------------------------------------------------------------


class Submission:
    """The judge's line to the kernel that ran the submission's cells.

    Parameters
    ----------
    connection_info : dict
        The submission kernel's connection information; :func:`serve` must have run there.
    call_seconds : float
        How long one call may run before it is interrupted.
    """

    def __init__(self, connection_info, call_seconds):
        import zmq
        from jupyter_client.blocking import BlockingKernelClient

        self.client = BlockingKernelClient()
        self.client.load_connection_info(connection_info)
        self.client.start_channels(hb=False, stdin=False, control=False)
        for channel in (self.client.shell_channel, self.client.iopub_channel):
            # zmq drops a bigger message (and its connection) before it is read into memory
            channel.socket.setsockopt(zmq.MAXMSGSIZE, 2 * wire.MAX_PAYLOAD_BYTES)
        self.call_seconds = call_seconds
        self.broken = ""
        self.pid = None
        self.comm_id = uuid.uuid4().hex
        opened = self._send("comm_open", {"target_name": COMM_TARGET, "data": {}})
        self.pid = int(self._reply(opened, 30, "opening a line to the submission's kernel").get("pid", 0)) or None

    def close(self):
        """Close the line (an open one would hold the judge's process at exit)."""
        self.client.stop_channels()

    def call(self, name, args, kwargs):
        """Call ``name(*args, **kwargs)`` in the submission's kernel; return its value here."""
        if self.broken:
            raise SubmissionError(self.broken)
        request = wire.encode([list(args), kwargs])
        sent = self._send("comm_msg", {"data": {"name": name, "request": request}})
        try:
            outcome_text, arguments_text = json.loads(self._reply(sent, self.call_seconds, f"{name}()")["reply"])
            changed_args, changed_kwargs = wire.decode(arguments_text)
            if not isinstance(changed_args, list) or not isinstance(changed_kwargs, dict):
                raise wire.WireError("arguments that are not a list and a dict")
            for original, changed in zip(args, changed_args):
                wire.write_back(original, changed)
            for key in kwargs.keys() & changed_kwargs.keys():
                wire.write_back(kwargs[key], changed_kwargs[key])
            outcome = wire.decode(outcome_text, args=[args, kwargs])
        except (ValueError, TypeError, KeyError) as error:  # json's and wire's complaints
            raise SubmissionError(f"{name}() sent back something that is not plain data: {error}") from None
        if not isinstance(outcome, dict):
            raise SubmissionError(f"{name}() sent back something that is not plain data")
        if "error" in outcome:
            raise _exception(*outcome["error"])
        return outcome.get("result")

    def _send(self, msg_type, content):
        message = self.client.session.msg(msg_type, {"comm_id": self.comm_id, **content})
        self.client.session.send(self.client.shell_channel.socket, message)
        return message["header"]["msg_id"]

    def _reply(self, msg_id, seconds, what):
        """Wait for the comm's answer to message ``msg_id``, relaying what the call prints."""
        deadline = time.monotonic() + seconds
        interrupted = False
        while True:
            try:
                message = self.client.get_iopub_msg(timeout=0.1)
            except queue.Empty:
                message = None
            except KeyboardInterrupt:  # the judge's own cell ran out of time: stop the call too
                self._signal(signal.SIGINT)
                raise
            if message is not None and message["parent_header"].get("msg_id") == msg_id:
                content = message["content"]
                if message["msg_type"] == "stream" and content.get("name") == "stdout":
                    sys.stdout.write(str(content.get("text", "")))
                elif message["msg_type"] == "comm_msg" and content.get("comm_id") == self.comm_id:
                    if interrupted:
                        raise SubmissionError(f"{what} did not finish within {seconds:g} s, so it was stopped")
                    data = content.get("data")
                    if not isinstance(data, dict):
                        raise SubmissionError(f"{what} sent back something that is not plain data")
                    return data
                continue
            if not self._alive():
                self.broken = "the kernel running your code stopped (it crashed, exited or was killed)"
                raise SubmissionError(self.broken)
            if time.monotonic() > deadline:
                if interrupted or self.pid is None:
                    self.broken = f"your code kept running after {what} was stopped, so no further calls were made"
                    raise SubmissionError(self.broken)
                self._signal(signal.SIGINT)
                interrupted = True
                deadline = time.monotonic() + INTERRUPT_GRACE_SECONDS

    def _alive(self):
        if self.pid is None:
            return True
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            pass
        try:  # a zombie (dead, not yet reaped by its parent) still answers kill(pid, 0)
            with open(f"/proc/{self.pid}/stat") as stat:
                return stat.read().rpartition(")")[2].split()[0] != "Z"
        except (OSError, IndexError):
            return True

    def _signal(self, signum):
        if self.pid is not None:
            try:
                os.kill(self.pid, signum)
            except (ProcessLookupError, PermissionError):
                pass


def _exception(type_name, message):
    """The exception to raise in the judge for one the student's function raised."""
    cls = getattr(builtins, str(type_name), None)
    if isinstance(cls, type) and issubclass(cls, Exception):
        try:
            return cls(str(message))
        except Exception:  # an exception type whose constructor wants more
            pass
    return SubmissionError(f"{type_name}: {message}")


class Proxy:
    """Stands in the judge for one of the submission's functions."""

    def __init__(self, submission, name):
        self.submission = submission
        self.__name__ = self.__qualname__ = name

    def __call__(self, *args, **kwargs):
        return self.submission.call(self.__name__, args, kwargs)

    def __repr__(self):
        return f"<function {self.__name__}, run in the submission's kernel>"


def install(connection_info, names, call_seconds, namespace=None):
    """Bind ``names`` in the judge's namespace to proxies for the submission's functions.

    Parameters
    ----------
    connection_info : dict
        The submission kernel's connection information.
    names : sequence of str
        The graded functions' names.
    call_seconds : float
        Time limit of one call.
    namespace : dict, optional
        Where to bind them; the judge kernel's user namespace by default.
    """
    if namespace is None:
        from IPython import get_ipython

        namespace = get_ipython().user_ns
    submission = Submission(connection_info, call_seconds)
    atexit.register(submission.close)
    for name in names:
        namespace[name] = Proxy(submission, name)
    return submission
