"""What the submission's kernel serves (``autograder/kernel/submission_side.py``), in this process.

The served functions run in a thread here, their user namespace a plain dict standing in
for IPython's; the judge is a bare socket speaking ``autograder.kernel.wire``. The same code
in a real kernel, called by the real judge side, is ``tests/grading/test_judge.py``.
"""

import os
import socket
import stat
import threading
import types

import numpy as np
import pytest

from autograder.kernel import submission_side, wire


@pytest.fixture
def namespace(monkeypatch):
    """The "kernel's" user namespace: what ``get_ipython().user_ns`` is while the test runs."""
    names = {}
    monkeypatch.setattr("IPython.get_ipython", lambda: types.SimpleNamespace(user_ns=names))
    return names


@pytest.fixture
def listening(tmp_path, monkeypatch):
    """A fresh listener on a socket in ``tmp_path``; its path."""
    monkeypatch.setattr(submission_side, "_listener", None)
    path = str(tmp_path / "calls")
    submission_side.listen(path)
    yield path
    submission_side._listener.close()


def _answer(name, *args, **kwargs):
    """``(outcome, [args, kwargs] after the call)``; a returned argument is the one after the call."""
    outcome, arguments = wire.read_reply(submission_side.answer(name, wire.encode([list(args), kwargs])))
    after = wire.decode(arguments)
    return wire.decode(outcome, args=after), after


def test_listen_opens_a_socket_any_uid_may_reach_once(listening):
    """Is the socket open to every uid (the judge runs as another), and is a second listen a no-op?"""
    assert stat.S_ISSOCK(os.stat(listening).st_mode) and stat.S_IMODE(os.stat(listening).st_mode) == 0o666
    first = submission_side._listener
    submission_side.listen(listening + "-other")
    assert submission_side._listener is first and not os.path.exists(listening + "-other")


def test_answer_calls_the_submissions_function_and_sends_its_arguments_back(namespace):
    """Does the reply carry the result and the arguments as the function left them?"""
    def center(Z):
        Z -= Z.mean()
        return Z

    namespace["center"] = center
    outcome, (args, kwargs) = _answer("center", np.array([1.0, 3.0]))
    assert np.array_equal(args[0], [-1.0, 1.0]) and kwargs == {}
    assert outcome["result"] is args[0], "it returned its argument: sent as a reference to it"


@pytest.mark.parametrize(("body", "error"), [
    ("raise ValueError('for the student')", ["ValueError", "for the student"]),
    ("raise SystemExit(3)", ["SystemExit", "3"]),
    ("raise KeyboardInterrupt", ["KeyboardInterrupt", ""]),
    ("raise RuntimeError('x' * 5000)", ["RuntimeError", "x" * 2000]),
])
def test_what_the_function_raises_is_answered_as_its_type_and_message(namespace, body, error):
    """Is every exception, SystemExit and KeyboardInterrupt too, an answer (its message cut at 2,000 characters)?"""
    exec(f"def f():\n    {body}", namespace)  # noqa: S102  (the "student's" function)
    assert _answer("f")[0] == {"error": error}


def test_only_the_graders_probes_answer_to_the_probe_prefix(namespace):
    """Does ``probes.<name>`` reach only the probes in ``probes.__all__``, and a missing name a NameError?"""
    namespace["weights"] = lambda handle, names: "the submission's own"
    assert _answer("missing")[0] == {"error": ["NameError", "name 'missing' is not defined"]}
    assert _answer("probes._keep", 1)[0] == {"error": ["NameError", "name 'probes._keep' is not defined"]}
    outcome, _ = _answer("probes.weights", 12345, ["gamma"])
    assert outcome == {"error": ["LookupError", "no object with handle 12345"]}, "the grader's probe, not the namespace's"


def test_serve_calls_answers_one_judge_until_it_hangs_up(listening, namespace):
    """Does serving say its pid, answer each request in turn, and return when the judge hangs up?"""
    namespace["double"] = lambda x: 2 * x
    server = threading.Thread(target=submission_side.serve_calls, args=(10,))
    server.start()
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as judge:
        judge.connect(listening)
        assert wire.read_hello(judge) == os.getpid()
        for value in (1, 21):
            wire.send_frame(judge, wire.request("double", (value,), {}))
            outcome, _ = wire.read_reply(wire.recv_frame(judge))
            assert wire.decode(outcome) == {"result": 2 * value}
    server.join(10)
    assert not server.is_alive()


def test_serve_calls_returns_on_a_malformed_request_or_no_judge(listening, namespace):
    """Does serving end quietly when no judge connects in time, and when a request is not one?"""
    submission_side.serve_calls(0.05)  # nobody connects: returns
    server = threading.Thread(target=submission_side.serve_calls, args=(10,))
    server.start()
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as judge:
        judge.connect(listening)
        wire.read_hello(judge)
        wire.send_frame(judge, b"not a request")
        server.join(10)
        assert not server.is_alive()
