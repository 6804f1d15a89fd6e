"""Removing what kernels and dead grader processes left (``autograder/sandbox/cleanup.py``): no kernel needed."""

import os
import subprocess
import sys

from autograder.sandbox import cleanup


def test_a_tree_deeper_than_the_recursion_limit_with_locked_folders_and_links_goes(tmp_path):
    """Does remove_tree remove what shutil.rmtree cannot (a tree deeper than Python's recursion limit, a chmod 000
    folder), without following a link out of it?"""
    outside = tmp_path / "outside.txt"
    outside.write_text("the grader's")
    top = tmp_path / "left"
    top.mkdir()
    fd = os.open(top, os.O_RDONLY | os.O_DIRECTORY)
    for _ in range(sys.getrecursionlimit() + 50):  # one folder inside the last, by descriptor (os.makedirs recurses)
        os.mkdir("d", dir_fd=fd)
        inner = os.open("d", os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
        os.close(fd)
        fd = inner
    os.close(fd)
    (top / "locked").mkdir()
    (top / "locked" / "file").write_text("x")
    os.chmod(top / "locked", 0)
    os.symlink(outside, top / "link")
    os.symlink(tmp_path, top / "folder-link")
    assert cleanup.remove_tree(top) and not top.exists()
    assert outside.read_text() == "the grader's"


def dead_pid():
    """The id of a process that has ended (and been reaped)."""
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                              check=True)
    return int(finished.stdout)


def test_sweep_removes_the_folders_of_dead_processes_only(tmp_path):
    """Are a dead process's temporary folders removed, and a live process's, a stranger's name, a link and a file
    left as they were?"""
    dead = dead_pid()
    leftovers = [tmp_path / f"bnweek-{kind}-{dead}-abc" for kind in ("ipc", "judge", "zygote")]
    for folder in leftovers:
        (folder / "sockets").mkdir(parents=True)
        (folder / "sockets" / "kernel-1").write_text("")
    mine = cleanup.temporary_folder("ipc", str(tmp_path))
    others = [tmp_path / f"bnweek-other-{dead}-x", tmp_path / "unrelated"]
    for folder in others:
        folder.mkdir()
    os.symlink(tmp_path / "unrelated", tmp_path / f"bnweek-judge-{dead}-link")
    (tmp_path / f"bnweek-ipc-{dead}-file").write_text("")

    removed = cleanup.sweep(str(tmp_path))

    assert sorted(removed) == sorted(map(str, leftovers))
    assert not any(folder.exists() for folder in leftovers)
    assert os.path.isdir(mine) and os.path.basename(mine).startswith(f"bnweek-ipc-{os.getpid()}-")
    assert all(folder.is_dir() for folder in others)
    assert os.path.islink(tmp_path / f"bnweek-judge-{dead}-link") and (tmp_path / f"bnweek-ipc-{dead}-file").exists()
