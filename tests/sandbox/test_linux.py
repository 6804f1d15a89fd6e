"""The Linux calls the walls and the grader's processes share."""

import signal
import subprocess
import sys
import textwrap
import time


def test_a_child_that_dies_with_its_parent_is_gone_when_the_parent_is_killed(tmp_path):
    """Is a child that called die_with_parent killed with its parent's SIGKILL, and does one whose parent
    is already gone end at once?"""
    child_code = "import os, sys, time; from autograder.sandbox import linux; " \
                 "linux.die_with_parent(int(sys.argv[1])); print(os.getpid(), flush=True); time.sleep(600)"
    parent_code = textwrap.dedent(f"""
        import os, subprocess, sys, time
        child = subprocess.Popen([sys.executable, "-c", {child_code!r}, str(os.getpid())], stdout=subprocess.PIPE)
        print(child.stdout.readline().decode().strip(), flush=True)
        time.sleep(600)
    """)
    parent = subprocess.Popen([sys.executable, "-c", parent_code], stdout=subprocess.PIPE, text=True)
    child = int(parent.stdout.readline())
    assert _alive(child)
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 10
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not _alive(child), "the child outlived its killed parent"
    late = subprocess.run([sys.executable, "-c", child_code, "1"], timeout=60)  # "1" is not its parent
    assert late.returncode == 1


def _alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as file:
            return file.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False
