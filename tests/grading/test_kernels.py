"""Starting, reaching and stopping a kernel (``autograder/grading/kernels.py``).

The calls the grader writes into a kernel are checked without one; one cold ``python3``
kernel is started, called and stopped (a few seconds). Warm, confined kernels start through
the same functions in ``tests/grading/test_kept_judge.py`` and every grading test.
"""

import asyncio
import os

import nbformat
import pytest
from nbclient import NotebookClient

from autograder.grading import kernels
from autograder.kernel import judge_side, submission_side, wire


def test_a_kernel_call_names_a_real_function_and_writes_literals():
    """Is each call the grader makes into a kernel one line naming a function of one side of the protocol,
    its arguments as literals, binding nothing in the kernel's namespace?"""
    code = kernels.kernel_call(judge_side.install, "/tmp/x/calls", ["f", "g"], 120.0)
    assert code == ("__import__('autograder.kernel.judge_side', fromlist=['install'])"
                    ".install('/tmp/x/calls', ['f', 'g'], 120.0)")
    assert kernels.kernel_call(submission_side.serve_calls, 130) == (
        "__import__('autograder.kernel.submission_side', fromlist=['serve_calls']).serve_calls(130)")
    namespace = {}
    exec(kernels.kernel_call(judge_side.hang_up), namespace)  # noqa: S102  (the call the grader sends, run here)
    assert set(namespace) == {"__builtins__"}


def test_a_kernel_call_refuses_what_is_not_the_protocols():
    """Does kernel_call refuse anything but a function of the two sides (a lookalike of the same name too)?"""
    def listen(path):
        return path

    listen.__module__ = "autograder.kernel.submission_side"
    for function in (print, wire.encode, lambda: None, listen, judge_side.Proxy.__call__):
        with pytest.raises(ValueError, match="is not a function of autograder.kernel.submission_side or "):
            kernels.kernel_call(function)
    with pytest.raises(ValueError, match="must be literals"):
        kernels.kernel_call(submission_side.listen, object())


def test_together_runs_each_to_its_end_then_raises_the_first_error():
    """Do coroutines run side by side, every one to its end, before the first error is raised?"""
    finished = []

    async def step(name, fail=False):
        await asyncio.sleep(0.01)
        finished.append(name)
        if fail:
            raise RuntimeError(name)
        return name

    assert asyncio.run(kernels.together(step("a"), step("b"))) == ["a", "b"]
    finished.clear()
    with pytest.raises(RuntimeError, match="first"):
        asyncio.run(kernels.together(step("first", fail=True), step("second", fail=True), step("third")))
    assert sorted(finished) == ["first", "second", "third"]


def test_a_kernel_starts_with_its_environment_answers_and_stops(tmp_path):
    """Does a kernel start with the environment it was given, run the grader's calls (and report their
    failure), and leave no process once stopped?"""
    client = NotebookClient(nbformat.v4.new_notebook(), kernel_name="python3")
    kernels.prepare(client)
    kernels.start_all({"submission": client}, {"submission": dict(os.environ, BNWEEK_TEST_MARK="given")})
    try:
        assert kernels.alive(client)
        reply = client.wait_for_reply(client.kc.execute("import os\nassert os.environ['BNWEEK_TEST_MARK'] == 'given'"))
        assert reply["content"]["status"] == "ok"
        path = str(tmp_path / "calls")
        kernels.call_silently(client, submission_side.listen, path)
        assert os.path.exists(path), "the call socket was opened in the kernel"
        with pytest.raises(RuntimeError, match=r"the grader's own code failed in a kernel \(run_test\): KeyError"):
            kernels.call_silently(client, judge_side.run_test, 99)  # nothing staged for cell 99
        pid = client.km.provisioner.process.pid
    finally:
        kernels.stop([client])
    assert not kernels.alive(client)
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_a_kernel_message_over_the_bound_never_reaches_the_grader():
    """Can a kernel hand the grader one message larger than MAX_MESSAGE_BYTES (its memory, not the kernel's)?

    ZeroMQ drops the connection of a peer that sends more than the bound, for good (a protocol error):
    the kernel loses its own IOPub channel, and its notebook's later outputs with it (nbclient waits a few
    seconds for each cell's, then goes on), while its shell channel still answers.
    """
    import queue
    import time

    from jupyter_core.utils import run_sync

    client = NotebookClient(nbformat.v4.new_notebook(), kernel_name="python3")
    kernels.prepare(client)
    kernels.start_all({"submission": client}, {})
    try:
        size = kernels.MAX_MESSAGE_BYTES + 2**20
        client.wait_for_reply(client.kc.execute(
            f"from IPython.display import display\ndisplay({{'text/plain': 'x' * {size}}}, raw=True)"))
        reply = client.wait_for_reply(client.kc.execute("print('after')"))
        seen, deadline = [], time.monotonic() + 3
        while time.monotonic() < deadline:
            try:
                seen.append(run_sync(client.kc.get_iopub_msg)(timeout=0.5))
            except queue.Empty:
                pass
    finally:
        kernels.stop([client])
    assert reply["content"]["status"] == "ok"
    assert max((len(str(message["content"])) for message in seen), default=0) < kernels.MAX_MESSAGE_BYTES
