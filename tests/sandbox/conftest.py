"""Fixtures shared by the sandbox's tests."""

from __future__ import annotations

import os
import signal

import pytest

from autograder.sandbox import zygote


@pytest.fixture
def zygote_loop(tmp_path, monkeypatch):
    """Start the zygote's real loop in a forked process, without its warm-up.

    ``zygote_loop(child)`` returns ``(socket path, the server's pid)``; each kernel the
    server forks runs ``child(request)`` instead of a confined kernel. The server is
    killed after the test.
    """
    servers = []

    def start(child):
        socket_path = str(tmp_path / f"zygote-{len(servers)}.sock")
        monkeypatch.setattr(zygote, "warm_up", lambda: None)
        monkeypatch.setattr(zygote, "_start_kernel_child", lambda request, *rest: child(request))
        monkeypatch.setenv(zygote.ENV_OWNER, str(os.getpid()))
        server = os.fork()
        if server == 0:
            try:
                zygote.serve(socket_path)
            finally:
                os._exit(0)  # never back into pytest in the child
        servers.append(server)
        zygote.wait_for_socket(socket_path, timeout=30)
        return socket_path, server

    yield start
    for server in servers:
        os.kill(server, signal.SIGKILL)
        os.waitpid(server, 0)
