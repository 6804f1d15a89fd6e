"""Why a kernel ended: the keeper's typed exit reason, as written and as the grader reads it."""

import json
import os
import sys

import pytest

from autograder.sandbox import jail, keeper, reasons
from autograder.sandbox.limits import Jail, Limits
from autograder.sandbox.reasons import ExitReason


@pytest.mark.parametrize("reason", [reasons.stopped("the notebook ran past its time limit"),
                                    reasons.grader_fault("the kernel could not be confined (EPERM)"),
                                    reasons.stopped("ünïcode: 時間")])
def test_a_reason_crosses_as_versioned_json_unchanged(reason):
    text = reason.to_json()
    assert json.loads(text)["version"] == reasons.VERSION
    assert reasons.parse(text) == reason


@pytest.mark.parametrize("old, kind, text", [
    ("grader fault: the kernel could not be confined (EPERM)", "grader_fault", "the kernel could not be confined (EPERM)"),
    ("the notebook ran past its time limit", "stopped", "the notebook ran past its time limit"),
])
def test_the_old_plain_text_is_still_read_and_said_the_same_way(old, kind, text):
    """Does a reason in the old protocol's words keep its kind, and come back in the same words?"""
    reason = reasons.parse(old)
    assert reason == ExitReason(kind, text)
    assert reason.legacy() == old


@pytest.mark.parametrize("text", ['{"version": 99, "kind": "stopped", "text": "x"}', '{"version": 1, "kind": "ok"}',
                                  '{"version": 1, "kind": "won", "text": "x"}', "{not json"])
def test_a_reason_the_grader_cannot_understand_is_its_own_fault_never_a_stop(text):
    reason = reasons.parse(text)
    assert reason.grader_fault, reason


def test_no_reason_and_an_unknown_kind():
    assert reasons.parse("") is None and reasons.parse(" \n") is None
    with pytest.raises(ValueError, match="kind"):
        ExitReason("won", "x")


def test_a_reason_is_read_once(tmp_path):
    """A regrade of the same folder must not inherit the last kernel's reason."""
    work = str(tmp_path / "work")
    reasons.write(reasons.path(str(tmp_path), work), reasons.stopped("killed"))
    assert reasons.read(work, str(tmp_path)) == reasons.stopped("killed")
    assert reasons.read(work, str(tmp_path)) is None
    assert reasons.read(str(tmp_path / "other"), str(tmp_path)) is None
    assert os.listdir(tmp_path / "reasons") == []


def test_the_reason_is_found_through_the_zygotes_socket(tmp_path, monkeypatch):
    from autograder.sandbox import zygote

    monkeypatch.setenv(zygote.ENV_SOCKET, str(tmp_path / "zygote.sock"))
    reasons.write(zygote.exit_reason_path(str(tmp_path), "/w"), reasons.grader_fault("no"))
    assert reasons.read("/w") == reasons.grader_fault("no")


def _keep(tmp_path, kernel, **fields):
    """Confine ``kernel`` under a keeper (:func:`jail.run`) that writes its reason as the zygote does; read it."""
    work, root = tmp_path / "work", tmp_path / "root"
    work.mkdir(exist_ok=True)
    root.mkdir(exist_ok=True)
    config = Jail(workdir=str(work), **fields)
    pid = os.fork()
    if pid == 0:
        os.setsid()
        uid = 1_499_999_000 if os.getuid() == 0 else None
        jail.run(config, uid, str(root), kernel, lambda text: None,
                 give_reason=lambda reason: reasons.write(reasons.path(str(tmp_path), str(work)), reason))
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), reasons.read(str(work), str(tmp_path))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="confinement is Linux's")
def test_a_limit_is_a_stop_and_a_failed_confinement_the_graders_fault(tmp_path):
    def spin():
        __import__("time").sleep(30)

    (tmp_path / "a").mkdir()
    code, reason = _keep(tmp_path / "a", spin, limits=Limits(wall_seconds=1))
    assert code == 128 + 9 and reason == reasons.stopped("the notebook ran past its time limit")

    (tmp_path / "b").mkdir()
    code, reason = _keep(tmp_path / "b", lambda: os._exit(0), sockets=(str(tmp_path / "b" / "missing"),))
    assert code == keeper.CONFINEMENT_FAILED and reason.grader_fault, reason
    assert reason.text.startswith("the kernel could not be confined")

    (tmp_path / "c").mkdir()
    code, reason = _keep(tmp_path / "c", lambda: os._exit(3))
    assert code == 3 and reason is None
