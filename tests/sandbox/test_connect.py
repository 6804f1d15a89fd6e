"""The zygote's client: a kernel asked of the zygote, seen as a process (its status, a hang-up, signals)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from autograder.sandbox import connect

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the zygote is Linux's")


def asleep(request):
    os.setsid()  # as a keeper does: the zygote kills its session
    time.sleep(60)


def test_the_kernels_exit_status_comes_back(tmp_path, zygote_loop):
    socket_path, _ = zygote_loop(lambda request: os._exit(3))
    kernel = connect.ZygoteKernel(socket_path, ["-f", "c.json"], str(tmp_path), {})
    assert kernel.wait(timeout=10) == 3
    assert kernel.poll() == 3


def test_a_kernel_that_runs_is_polled_and_waited_for_without_blocking(tmp_path, zygote_loop, gone):
    socket_path, _ = zygote_loop(asleep)
    kernel = connect.ZygoteKernel(socket_path, [], str(tmp_path), {})
    assert kernel.poll() is None
    with pytest.raises(subprocess.TimeoutExpired):
        kernel.wait(timeout=0.1)
    kernel.kill()
    assert gone(kernel.pid)


def test_hanging_up_kills_the_kernel_at_once_and_from_any_thread(tmp_path, zygote_loop, gone):
    socket_path, _ = zygote_loop(asleep)
    kernel = connect.ZygoteKernel(socket_path, [], str(tmp_path), {})
    killer = threading.Thread(target=kernel.kill)  # as kernels.kill does, from a watchdog
    killer.start()
    killer.join()
    assert kernel.poll() == -signal.SIGKILL  # at once: jupyter_client would wait for it otherwise
    assert gone(kernel.pid)  # the zygote killed and reaped it
    kernel.kill()  # again, once its pid may be another process's: nothing is sent


def test_a_signal_reaches_the_kernels_session_and_its_status_comes_back(tmp_path, zygote_loop):
    socket_path, _ = zygote_loop(asleep)
    kernel = connect.ZygoteKernel(socket_path, [], str(tmp_path), {})
    time.sleep(0.2)  # its session made
    kernel.terminate()
    assert kernel.wait(timeout=10) == -signal.SIGTERM


def test_the_zygote_is_asked_for_the_kernels_arguments_folder_and_environment(tmp_path, zygote_loop):
    seen = tmp_path / "request.json"

    def child(request):
        seen.write_text(json.dumps(request))
        os._exit(0)

    socket_path, _ = zygote_loop(child)
    kernel = connect.ZygoteKernel(socket_path, ["-f", "k.json"], "/some/folder", {"A": "1"})
    assert kernel.wait(timeout=10) == 0
    assert json.loads(seen.read_text()) == {"argv": ["-f", "k.json"], "cwd": "/some/folder", "env": {"A": "1"}}


def test_no_zygote_listening_is_an_error_at_once(tmp_path):
    with pytest.raises(OSError):
        connect.ZygoteKernel(str(tmp_path / "nobody.sock"), [], str(tmp_path), {})
