"""The kernel's own root: what the plan mounts (pure, fast), and the steps that make it."""

import os
import sys

import pytest

from autograder.sandbox import mounts
from autograder.sandbox.limits import Jail, Limits
from autograder.sandbox.mounts import Bind, Copy, Link, Proc, Tmpfs


def _plan(tmp_path, **fields):
    work = tmp_path / "work"
    work.mkdir(exist_ok=True)
    jail = Jail(workdir=str(work), limits=Limits(disk_bytes=5 * 2**20), **fields)
    return mounts.plan(jail, uid=1234, work_bytes=1000), jail


def test_every_bind_is_read_only_but_the_socket_folders_and_device_nodes(tmp_path):
    """Can the kernel write in any host folder the plan names, but the ones it must bind sockets in?"""
    sockets = tmp_path / "sockets"
    sockets.mkdir()
    steps, _ = _plan(tmp_path, sockets=(str(sockets),), readable=(str(tmp_path / "course"),))
    writable = [step for step in steps if isinstance(step, Bind) and step.writable]
    assert [step.source for step in writable if not step.device] == [str(sockets)]
    assert all(step.source.startswith("/dev/") for step in writable if step.device)
    assert all(step.source == step.target for step in steps if isinstance(step, Bind)), "each at its own path"


def test_everything_it_writes_is_a_bounded_tmpfs_of_its_own(tmp_path):
    steps, jail = _plan(tmp_path)
    assert steps[:2] == [Tmpfs("/tmp", 5 * 2**20, "1777"), Tmpfs("/dev/shm", 5 * 2**20, "1777")], \
        "first: what is bound below may live under /tmp"
    work = mounts.work_mount(jail)
    assert steps[-2:] == [Tmpfs(work, 1000 + 5 * 2**20, "0700", 1234), Copy(jail.workdir, work, 1234)]
    assert Proc() in steps


def test_it_sees_the_system_python_and_what_the_jail_names_and_nothing_else(tmp_path):
    from autograder.course import COURSE_CODE, REPO

    steps, _ = _plan(tmp_path, readable=(str(COURSE_CODE),))
    seen = {step.source if isinstance(step, Bind) else step.target for step in steps if isinstance(step, Bind | Link)}
    assert str(COURSE_CODE) in seen and "/usr" in seen and os.path.realpath(sys.prefix) in seen
    for private in ("solutions", "tests", ".git", "exercises"):
        assert not any(path == str(REPO / private) or path.startswith(str(REPO / private) + "/") for path in seen)
    assert not any(path == str(REPO) for path in seen), "the checkout itself is never bound whole"
    assert not any(step.target.startswith(str(tmp_path)) for step in steps if not isinstance(step, Copy)), \
        "its own folder is copied, never bound"


def test_a_linked_path_stays_a_link(tmp_path):
    target = tmp_path / "real"
    target.mkdir()
    link = tmp_path / "linked"
    link.symlink_to(target)
    steps, _ = _plan(tmp_path, readable=(str(link),))
    assert Link(str(link), str(target)) in steps and not any(isinstance(s, Bind) and s.source == str(link)
                                                               for s in steps)


def test_the_work_folder_moves_aside_when_the_course_lives_there():
    assert mounts.work_mount(Jail(), readable=["/srv/course"]) == "/work"
    assert mounts.work_mount(Jail(), readable=["/work/course"]) == "/home/student"
    assert mounts.work_mount(Jail(sockets=("/work/s",)), readable=["/home/student"]) == "/bnweek-work"


@pytest.mark.parametrize("build, expected", [
    ((True, False), ["null", "zero", "nvidia-uvm", "nvidia0", "nvidiactl"]),
    ((False, True), ["null", "zero", "dri", "kfd"]),
    ((False, False), ["null", "zero"]),
])
def test_gpu_device_nodes_are_bound_only_for_a_tensorflow_that_uses_them(tmp_path, build, expected):
    for name in ("null", "zero", "nvidia0", "nvidiactl", "nvidia-uvm", "dri", "kfd", "sda", "kmsg", "vsock"):
        (tmp_path / name).touch()
    assert [os.path.basename(node) for node in mounts.device_nodes(str(tmp_path), gpu_build=build)] == expected


def test_the_installed_tensorflow_build_is_read_without_importing_it():
    import tensorflow as tf

    info = tf.sysconfig.get_build_info()
    assert mounts.tensorflow_gpu_build() == (bool(info.get("is_cuda_build")), bool(info.get("is_rocm_build")))


def test_the_copy_of_its_folder_holds_folders_and_regular_files_only(tmp_path):
    """Does a link or a FIFO handed in with a submission reach the kernel's folder (a link to the host)?"""
    source, target = tmp_path / "source", tmp_path / "target"
    (source / "a" / "b").mkdir(parents=True)
    (source / "a" / "b" / "deep.txt").write_text("deep")
    (source / "top.txt").write_text("top")
    (source / "link").symlink_to("/etc/passwd")
    os.mkfifo(source / "fifo")
    target.mkdir()
    mounts.make(Copy(str(source), "/target"), str(tmp_path))
    found = sorted(os.path.relpath(os.path.join(parent, name), target)
                   for parent, folders, files in os.walk(target) for name in folders + files)
    assert found == ["a", "a/b", "a/b/deep.txt", "top.txt"]
    assert (target / "a" / "b" / "deep.txt").read_text() == "deep"
    assert mounts.folder_bytes(str(source)) == len("deep") + len("top")
