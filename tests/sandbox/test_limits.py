"""A jail's settings cross to the kernel in one typed, versioned form, or not at all."""

import json
import os

import pytest

from autograder.sandbox import keeper, reasons
from autograder.sandbox.limits import ENV_JAIL, JAIL_VERSION, Jail, Limits, SettingsError

ORIGINAL = Jail(limits=Limits(cpu_seconds=7, processes=9), workdir="/w", sockets=("/a", "/b"), readable=("/c",),
                confined=False, role="judge")


def test_a_jail_crosses_to_the_kernel_unchanged():
    assert Jail.from_json(ORIGINAL.to_json()) == ORIGINAL
    assert Jail.from_env(ORIGINAL.to_env()) == ORIGINAL
    assert Jail.from_env({}) is None
    assert json.loads(ORIGINAL.to_env()[ENV_JAIL])["version"] == JAIL_VERSION


def test_a_jail_is_frozen():
    with pytest.raises(AttributeError):
        ORIGINAL.workdir = "/elsewhere"


def _changed(change):
    data = json.loads(ORIGINAL.to_json())
    change(data)
    return json.dumps(data)


@pytest.mark.parametrize("change, message", [
    (lambda data: data.update(version=JAIL_VERSION + 1), "version"),
    (lambda data: data.pop("version"), "version"),
    (lambda data: data.update(network=True), "does not know: network"),
    (lambda data: data["limits"].update(gpu_seconds=1), "does not know: gpu_seconds"),
    (lambda data: data.pop("readable"), "lacks fields of version 1: readable"),
    (lambda data: data["limits"].pop("memory_bytes"), "lacks fields of version 1: memory_bytes"),
    (lambda data: data.update(confined="yes"), "confined is 'yes'"),
    (lambda data: data.update(sockets="/a"), "sockets is '/a'"),
    (lambda data: data["limits"].update(wall_seconds=True), "wall_seconds is True"),
    (lambda data: data.update(limits=[]), "limits is not an object"),
])
def test_settings_of_another_version_or_shape_are_refused_clearly(change, message):
    """Is a jail with a field the kernel's side does not know (or of another version) refused, never half-read?"""
    with pytest.raises(SettingsError, match=message):
        Jail.from_env({ENV_JAIL: _changed(change)})


@pytest.mark.parametrize("text", ["{", "[]", "null"])
def test_what_is_not_a_jail_is_refused(text):
    with pytest.raises(SettingsError):
        Jail.from_json(text)


def test_the_zygote_refuses_a_jail_of_another_version_as_the_graders_fault(tmp_path):
    """A kernel whose settings cannot be read never starts, and the grader hears it was its own fault."""
    from autograder.sandbox import zygote

    work = tmp_path / "work"
    work.mkdir()
    request = {"argv": [], "cwd": str(work), "env": {ENV_JAIL: _changed(lambda data: data.update(version=0))}}
    pid = os.fork()
    if pid == 0:
        try:
            zygote._start_kernel_child(request, str(tmp_path), 0)
        finally:
            os._exit(99)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == keeper.CONFINEMENT_FAILED
    reason = reasons.read(str(work), str(tmp_path))
    assert reason.grader_fault and "version 0" in reason.text, reason
