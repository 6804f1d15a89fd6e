"""The judge's side of the calls (``autograder/kernel/judge_side.py``), against a submission played here.

The "submission's kernel" is a thread in this process that speaks ``autograder.kernel.wire``
and answers as told, so every way an answer can go wrong is checked in milliseconds. The
judge side against a real submission's kernel (calls interrupted, a kernel that dies) is
``tests/grading/test_judge.py``.
"""

import atexit
import socket
import threading
import time

import numpy as np
import pytest

from autograder.kernel import judge_side, probes, wire


@pytest.fixture
def submission(tmp_path, monkeypatch):
    """``serve(answers)``: a listener whose connection says hello, then replies ``answers`` in turn (raw bytes,
    or ``None`` to hang up instead); returns the socket's path. The judge side's own state is restored after."""
    monkeypatch.setattr(judge_side, "_submission", None)
    path = str(tmp_path / "calls")
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(1)
    threads, requests = [], []

    def serve(answers):
        def run():
            connection, _ = listener.accept()
            with connection:
                wire.send_frame(connection, wire.hello(2**22 + 1))  # no such pid: a signal reaches nobody
                for answer in answers:
                    requests.append(wire.read_request(wire.recv_frame(connection)))
                    if answer is None:
                        return
                    wire.send_frame(connection, answer)
                connection.recv(1)  # until the judge hangs up

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        threads.append(thread)
        return path

    serve.requests = requests
    yield serve
    listener.close()
    for thread in threads:
        thread.join(5)


def _reply(outcome, args=(), kwargs=None):
    call = [list(args), kwargs or {}]
    return wire.reply(outcome, call, {})


def _install(path, names, namespace):
    installed = judge_side.install(path, names, 5, namespace)
    atexit.unregister(installed.hang_up)
    return installed


def test_a_proxy_brings_back_the_value_and_the_changed_arguments(submission):
    """Does a call send name and arguments, return the value, and repeat the changes made to the arguments?"""
    namespace = {}
    changed = np.array([0.0, 0.0])
    path = submission([_reply({"result": 7}, args=[changed])])
    _install(path, ["f"], namespace)
    argument = np.array([1.0, 2.0])
    assert namespace["f"](argument) == 7 and not argument.any(), "the function's change to its argument is seen"
    name, arguments = submission.requests[0]
    assert name == "f" and np.array_equal(wire.decode(arguments)[0][0], [1.0, 2.0])
    assert repr(namespace["f"]) == "<function f, run in the submission's kernel>"
    judge_side.hang_up()


@pytest.mark.parametrize(("error", "raised", "text"), [
    (["ValueError", "for the student"], ValueError, "for the student"),
    (["MyError", "custom"], judge_side.SubmissionError, "MyError: custom"),
    (["SystemExit", "1"], judge_side.SubmissionError, "SystemExit: 1"),
    (["UnicodeDecodeError", "wants five arguments"], judge_side.SubmissionError, "UnicodeDecodeError"),
])
def test_what_the_function_raised_is_raised_here_as_a_builtin_or_a_submission_error(submission, error, raised, text):
    """Is a built-in exception raised as itself, anything else (or one that cannot be built) as SubmissionError?"""
    namespace = {}
    _install(submission([_reply({"error": error})]), ["f"], namespace)
    with pytest.raises(raised, match=text):
        namespace["f"]()
    judge_side.hang_up()


@pytest.mark.parametrize("answer", [b"not json", wire.parts(b"{}", b"[[], {}]"),
                                    wire.parts(wire.encode({"result": 1}), wire.encode("not a call")),
                                    wire.parts(wire.encode({"result": 1}), wire.encode([[], {}])[:-1]),
                                    wire.parts(b"\x00" * 8 + b"!", wire.encode([[], {}]))])
def test_an_answer_that_is_not_plain_data_is_a_submission_error(submission, answer):
    """Is a reply that is not two well-formed plain-data trees refused, naming the call?"""
    namespace = {}
    _install(submission([answer]), ["f"], namespace)
    with pytest.raises(judge_side.SubmissionError, match=r"f\(\) sent back something that is not plain data"):
        namespace["f"]()
    judge_side.hang_up()


def test_a_kernel_that_hangs_up_mid_call_breaks_the_line_for_good(submission):
    """When the submission's kernel goes during a call, is that said, and does every later call say it too?"""
    namespace = {}
    installed = _install(submission([None]), ["f"], namespace)
    for _ in range(2):
        with pytest.raises(judge_side.SubmissionError, match="the kernel running your code stopped"):
            namespace["f"]()
    assert installed.broken == judge_side.KERNEL_STOPPED
    with pytest.raises(RuntimeError, match="stopped"):
        judge_side.fit_for_reuse()


def test_a_test_cell_releases_the_submission_as_it_ends_and_only_once(submission, monkeypatch):
    """Does run_test hang up as its cell ends, a failed assert included, so that the grader's own hang-up after it
    connects to nothing (a second connection would wait for a hello that never comes)?"""
    namespace = {}
    installed = _install(submission([_reply({"result": 1})]), ["f"], namespace)

    def failing_cell(index):
        assert namespace["f"]() == 1
        raise AssertionError("the test failed")

    monkeypatch.setattr(judge_side, "_run_staged", failing_cell)
    with pytest.raises(AssertionError, match="the test failed"):
        judge_side.run_test(3)
    assert installed.released and installed.connection is None
    started = time.monotonic()
    judge_side.hang_up()
    assert time.monotonic() - started < 1 and not installed.unreachable, "a second hang-up connected again"


def test_a_submission_that_cannot_be_reached_leaves_the_judge_unfit(tmp_path, monkeypatch):
    """A socket nobody listens on: does the call say so, and may the judge then not be kept?"""
    monkeypatch.setattr(judge_side, "_submission", None)
    namespace = {}
    _install(str(tmp_path / "nobody"), ["f"], namespace)
    judge_side.fit_for_reuse()  # nothing went wrong yet
    with pytest.raises(judge_side.SubmissionError, match="did not answer"):
        namespace["f"]()
    with pytest.raises(RuntimeError, match="could not reach"):
        judge_side.fit_for_reuse()


def test_probes_run_here_without_a_submission_and_there_with_one(submission):
    """Is ``probes.<name>`` the local probe where there is no judge, a call named probes.<name> where there is?"""
    assert judge_side.probes.weights is probes.weights
    with pytest.raises(AttributeError, match="no probe called _keep"):
        judge_side.probes._keep  # not in probes.__all__
    _install(submission([_reply({"result": True})]), [], {})
    assert judge_side.probes.is_model(3) is True
    assert submission.requests[0][0] == "probes.is_model"
    judge_side.hang_up()


@pytest.mark.parametrize(("value", "score"), [
    (0.75, 0.75), (2, 2.0), (np.float32(0.5), 0.5), (np.int64(3), 3.0), (np.array(1.5), 1.5),
    (True, None), (None, None), ("1", None), (np.array([1.0]), None), (np.array("x"), None),
])
def test_a_test_cells_value_is_a_score_only_when_it_is_a_real_number(value, score):
    assert judge_side.score_of(value) == score
