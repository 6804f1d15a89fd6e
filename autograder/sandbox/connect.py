"""The warm kernelspec's command: ask the zygote for a kernel, relay signals to it, exit as it exits.

Jupyter runs one of these per kernel (:mod:`autograder.sandbox.zygote`), so it imports
the standard library only and runs as ``python -I -S`` (no site-packages, no environment):
about 10 ms of CPU where ``python -m autograder.sandbox.zygote`` took 45 (measured on
the 2-core machine), and every notebook starts at least one.
"""

import json
import os
import signal
import socket
import sys

#: The environment variable that names the zygote's socket.
ENV_SOCKET = "BNWEEK_ZYGOTE"


def connect(argv: list[str]) -> None:
    """Ask the zygote for a kernel running ``argv``; relay signals; exit as it exits."""
    client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    client.connect(os.environ[ENV_SOCKET])
    request = {"argv": argv, "cwd": os.getcwd(), "env": dict(os.environ)}
    client.sendall((json.dumps(request) + "\n").encode())
    replies = client.makefile()
    pid = int(replies.readline())

    def forward(signum, _frame):
        try:
            os.killpg(pid, signum) if signum != signal.SIGINT else os.kill(pid, signum)
        except ProcessLookupError:
            pass
        if signum == signal.SIGTERM:
            sys.exit(128 + signum)

    signal.signal(signal.SIGINT, forward)
    signal.signal(signal.SIGTERM, forward)
    status = replies.readline().strip()
    sys.exit(int(status) if status else 1)


if __name__ == "__main__":
    connect(sys.argv[1:])
