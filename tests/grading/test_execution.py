"""What travels to a worker with a notebook (``autograder/grading/execution.py``): the folder, packed."""

import os

from autograder.grading.execution import pack_folder, unpack_folder


def make_folder(root):
    (root / "data").mkdir(parents=True)
    (root / "helper.py").write_text("X = 1\n")
    (root / "data" / "table.csv").write_text("a,b\n1,2\n")
    (root / "empty").mkdir()
    return root


def test_folders_and_regular_files_travel_and_unpack_as_they_were(tmp_path):
    """Does a packed folder unpack on the worker's side with the same files, contents and folders?"""
    packed, left_out = pack_folder(make_folder(tmp_path / "submission"))
    unpack_folder(packed, tmp_path / "worker")
    assert left_out == []
    assert (tmp_path / "worker" / "helper.py").read_text() == "X = 1\n"
    assert (tmp_path / "worker" / "data" / "table.csv").read_text() == "a,b\n1,2\n"
    assert (tmp_path / "worker" / "empty").is_dir()


def test_links_stay_behind(tmp_path):
    """Is a link, to a file or to a folder outside, never packed, so the worker never opens what it points to?"""
    secret = tmp_path / "gradebook.db"
    secret.write_text("grades")
    outside = tmp_path / "elsewhere"
    (outside / "deep").mkdir(parents=True)
    (outside / "deep" / "file.txt").write_text("not the student's")
    folder = make_folder(tmp_path / "submission")
    os.symlink(secret, folder / "grades.db")
    os.symlink(outside, folder / "linked")
    os.symlink(secret, folder / "data" / "nested-link")
    packed, _ = pack_folder(folder)
    unpack_folder(packed, tmp_path / "worker")
    found = sorted(str(p.relative_to(tmp_path / "worker")) for p in (tmp_path / "worker").rglob("*"))
    assert found == ["data", "data/table.csv", "empty", "helper.py"]
    assert b"grades" not in packed and b"not the student's" not in packed


def test_files_beyond_the_budget_are_left_out_largest_first(tmp_path):
    """Does a folder too large to ship keep its small files and name the large ones it leaves out?"""
    folder = make_folder(tmp_path / "submission")
    (folder / "big.bin").write_bytes(b"x" * 5000)
    (folder / "medium.bin").write_bytes(b"y" * 3000)
    packed, left_out = pack_folder(folder, max_bytes=4000)
    unpack_folder(packed, tmp_path / "worker")
    assert left_out == ["big.bin"]
    assert (tmp_path / "worker" / "medium.bin").stat().st_size == 3000 and (tmp_path / "worker" / "helper.py").exists()
