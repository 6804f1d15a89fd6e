"""The zygote: its warm-up (what it imports and hides so that each forked kernel starts with less to do), and its loop."""

from __future__ import annotations

import json
import os
import selectors
import signal
import socket
import subprocess
import sys
import time
import types

import pytest

from autograder.sandbox import keeper, zygote


def test_the_module_table_is_hidden_and_every_other_attribute_is_the_real_ones():
    seen = zygote.SysWithoutModuleTable("sys")
    assert dict(seen.modules) == {}
    assert seen.version_info is sys.version_info
    with pytest.raises(TypeError):
        seen.modules["os"] = sys  # type: ignore[index]  # read-only: nothing fills it by mistake
    original = sys.stdout
    try:
        sys.stdout = replaced = types.SimpleNamespace()  # ipykernel replaces sys.stdout after the fork
        assert seen.stdout is replaced  # looked up as it is used, never a copy of the zygote's
    finally:
        sys.stdout = original


def test_hide_module_table_gives_a_module_the_view():
    module = types.ModuleType("ipkernel_like")
    module.sys = sys  # type: ignore[attr-defined]
    zygote.hide_module_table(module)
    assert isinstance(module.sys, zygote.SysWithoutModuleTable)  # type: ignore[attr-defined]
    assert module.sys.path is sys.path  # type: ignore[attr-defined]


KERNEL_AFTER_WARM_UP = r"""
import inspect, json, os, sys, tempfile
from autograder.sandbox import zygote
zygote.warm_up()
import gc
warm = set(sys.modules)
table = len(inspect.modulesbyfile)  # before any traceback
from jupyter_client.connect import write_connection_file
folder = tempfile.mkdtemp()
connection, _ = write_connection_file(os.path.join(folder, "c.json"), transport="ipc", ip=os.path.join(folder, "k"))
from ipykernel.kernelapp import IPKernelApp
app = IPKernelApp.instance()
app.initialize(["-f", connection])
app.shell.run_cell("x = 1\nraise ValueError(x)", store_history=True)
app.shell.run_cell("%reset -f", store_history=True)
result = {"imported": sorted(set(sys.modules) - warm), "debugger_modules": len(app.kernel._kernel_modules),
          "frozen": gc.get_freeze_count() > 0, "collecting": gc.isenabled(), "modules_by_file": table}
with open(sys.argv[1], "w") as file:
    json.dump(result, file)
os._exit(0)
"""


@pytest.mark.grading
def test_a_kernel_imports_nothing_the_warm_up_did_not_as_it_starts_and_shows_a_traceback(tmp_path):
    out = tmp_path / "result.json"
    subprocess.run([sys.executable, "-c", KERNEL_AFTER_WARM_UP, str(out)], check=True, timeout=300,
                   capture_output=True, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
    result = json.loads(out.read_text())
    assert result["imported"] == []  # each would be imported again in every kernel
    assert result["debugger_modules"] == 0  # the module walk that copies the shared pages did not happen
    assert result["frozen"] and result["collecting"]  # the kernels get a working collector
    assert result["modules_by_file"] > 1000  # IPython's lookups of a traceback's modules find it built


def test_a_kernel_session_runs_below_the_grader():
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # as the zygote's child does: a session of its own, then lower
        try:
            os.close(read)
            os.setsid()
            zygote.below_the_grader()
            os.write(write, json.dumps([os.nice(0), zygote.session_niceness()]).encode())
        finally:
            os._exit(0)  # never back into pytest in the child
    os.close(write)
    with os.fdopen(read) as pipe:
        niceness, session = json.loads(pipe.read())
    os.waitpid(pid, 0)
    assert niceness == os.nice(0) + zygote.KERNEL_NICENESS
    if zygote.session_niceness() is not None:  # where Linux schedules by session: the session's weight too
        assert session == zygote.KERNEL_NICENESS


def test_a_client_that_hung_up_is_no_longer_watched_and_its_kernel_is_killed(monkeypatch):
    killed = []
    monkeypatch.setattr(zygote, "_kill", killed.append)
    selector = selectors.DefaultSelector()
    ours, theirs = socket.socketpair()
    selector.register(ours, selectors.EVENT_READ, 4242)
    theirs.close()
    for key, _ in selector.select(timeout=5):
        zygote.heard_from(selector, key.fileobj, key.data)
    assert killed == [4242]
    assert selector.select(timeout=0) == []  # its end would wake the loop at once, again and again
    ours.close()


def test_the_zygote_sleeps_while_the_kernel_of_a_client_that_hung_up_ends(zygote_loop):
    # a kernel that ends slowly: no session of its own, so the zygote's kill cannot reach it
    socket_path, server = zygote_loop(lambda request: time.sleep(3))
    client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    client.connect(socket_path)
    client.sendall(json.dumps({"argv": [], "cwd": "/", "env": {}}).encode() + b"\n")
    kernel = int(client.makefile().readline())
    try:
        client.close()  # a worker stops its kernel so
        time.sleep(0.2)
        before = keeper.usage([server])[1]  # its CPU seconds, as a keeper reads a kernel's
        time.sleep(1)
        assert keeper.usage([server])[1] - before < 0.2  # it spun, a core's whole second, before
    finally:
        os.kill(kernel, signal.SIGKILL)
