"""Bounded zips (``autograder/grading/archive.py``): what a hostile archive can cost, and what it can write."""

import os
import stat
import struct
import zipfile
import zlib

import pytest

from autograder.grading.archive import (
    UPLOAD_LIMITS,
    Budget,
    Limits,
    extract,
    members,
    open_zip,
    safe_parts,
)

LIMITS = Limits(entries=100, file_bytes=2**20, parts=4)


def write_zip(path, entries):
    """``{name: (bytes, {ZipInfo attribute: value})}`` into a deflated zip."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zipped:
        for name, (data, attributes) in entries.items():
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            for key, value in attributes.items():
                setattr(info, key, value)
            zipped.writestr(info, data)
    return path


def unix(mode):
    return {"create_system": 3, "external_attr": mode << 16}


@pytest.mark.parametrize("name, parts, why", [
    ("a/b.ipynb", ("a", "b.ipynb"), ""),
    ("./a//b.ipynb", ("a", "b.ipynb"), ""),
    ("../b.ipynb", (), "a path that climbs out of its folder (..)"),
    ("a/../../b", (), "a path that climbs out of its folder (..)"),
    ("..\\..\\b", (), "a path that climbs out of its folder (..)"),
    ("/etc/passwd", (), "an absolute path"),
    ("C:\\x", (), "an absolute path"),
    ("x" * 256, (), "a name longer than 255 bytes"),
    ("a/b/c/d/e", (), "more than 4 folders deep"),
])
def test_entry_names_become_plain_relative_parts_or_a_reason(name, parts, why):
    """Is every name that could leave its folder (.., absolute, a drive, too long, too deep) refused in words?"""
    assert safe_parts(name, LIMITS) == (parts, why)


def test_links_special_entries_and_oversized_files_are_refused(tmp_path):
    """Are a link, a FIFO entry and a file claiming more than the limit refused, a setuid file kept as a plain one?"""
    archive = write_zip(tmp_path / "x.zip", {
        "link": (b"/work/main/solutions/ch1_normalizing/ch1_normalizing.ipynb", unix(stat.S_IFLNK | 0o777)),
        "fifo": (b"", unix(stat.S_IFIFO | 0o644)),
        "big": (b"0" * (2**20 + 1), {}),
        "setuid": (b"#!/bin/sh\n", unix(stat.S_IFREG | stat.S_ISUID | 0o4755)),
    })
    with open_zip(archive, LIMITS) as opened:
        kept, notes = members(opened, LIMITS)
    assert [parts for _, parts in kept] == [("setuid",)]
    assert notes == ["not graded: link: a symbolic link, never extracted", "not graded: fifo: a named pipe, never extracted",
                     f"not graded: big: {2**20 + 1} bytes, more than the {2**20} a file may have"]


def test_no_mode_bit_survives_extraction(tmp_path):
    """Is a setuid, executable, world-writable entry written 0644, a plain file of the grader's?"""
    archive = write_zip(tmp_path / "x.zip", {"setuid": (b"#!/bin/sh\n", unix(stat.S_IFREG | 0o6777))})
    (tmp_path / "out").mkdir()
    with open_zip(archive, LIMITS) as opened:
        (info, parts), = members(opened, LIMITS)[0]
        assert extract(opened, info, tmp_path / "out", parts, Budget(2**20), LIMITS) == ""
    mode = os.lstat(tmp_path / "out" / "setuid").st_mode
    assert stat.S_ISREG(mode) and stat.S_IMODE(mode) & ~0o644 == 0


def test_too_many_entries_are_refused_before_listing(tmp_path):
    """Is a zip declaring more entries than allowed refused from its end record, without listing it?"""
    archive = tmp_path / "many.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for index in range(UPLOAD_LIMITS.entries + 1):
            zipped.writestr(f"f{index}", b"")
    with pytest.raises(ValueError, match=f"holds {UPLOAD_LIMITS.entries + 1} entries, more than the"):
        open_zip(archive, UPLOAD_LIMITS)


def bomb(path, declared, real):
    """A zip of one deflated member of ``real`` zero bytes whose headers claim ``declared``."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    data = b"".join(compressor.compress(bytes(2**20)) for _ in range(real // 2**20)) + compressor.flush()
    crc = zlib.crc32(bytes(declared)) if declared < 2**24 else 0
    name = b"bomb.ipynb"
    local = struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, len(data), declared, len(name), 0) + name
    central = struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 8, 0, 0, crc, len(data), declared, len(name),
                          0, 0, 0, 0, 0, 0) + name
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 1, 1, len(central), len(local) + len(data), 0)
    path.write_bytes(local + data + central + end)
    return path


def test_a_bomb_that_understates_its_size_writes_at_most_what_it_claimed(tmp_path):
    """Does a member claiming 1 KiB but inflating to 64 MiB write 1 KiB, no more, and spend 1 KiB of the budget?"""
    archive = bomb(tmp_path / "bomb.zip", declared=1024, real=64 * 2**20)
    budget = Budget(2**30)
    (tmp_path / "out").mkdir()
    with open_zip(archive, LIMITS) as opened:
        (info, parts), = members(opened, LIMITS)[0]
        why = extract(opened, info, tmp_path / "out", parts, budget, LIMITS)
    assert why == "" and (tmp_path / "out" / "bomb.ipynb").stat().st_size == 1024
    assert budget.total - budget.left == 1024


def test_a_bomb_that_claims_its_size_is_refused_unread(tmp_path):
    """Is a member that claims 4 GiB refused from its header, before a byte is inflated?"""
    archive = bomb(tmp_path / "bomb.zip", declared=2**32 - 2, real=2**20)
    with open_zip(archive, LIMITS) as opened:
        kept, notes = members(opened, LIMITS)
    assert kept == [] and notes == [f"not graded: bomb.ipynb: {2**32 - 2} bytes, more than the {2**20} a file may have"]


def test_the_budget_bounds_what_every_archive_writes_together(tmp_path):
    """Once an intake's budget is spent, is the next file refused and removed, whatever its own size?"""
    archive = write_zip(tmp_path / "x.zip", {f"f{i}": (bytes(600_000), {}) for i in range(3)})
    budget = Budget(1_000_000)
    (tmp_path / "out").mkdir()
    with open_zip(archive, LIMITS) as opened:
        results = [extract(opened, info, tmp_path / "out", parts, budget, LIMITS) for info, parts in members(opened, LIMITS)[0]]
    assert results[0] == "" and all(why == "the zip's files passed the 1000000 bytes they may have in all"
                                    for why in results[1:])
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["f0"]


def test_nothing_is_written_through_a_link_or_over_a_file(tmp_path):
    """Does extraction refuse to write where a link or a file already is (never following it)?"""
    archive = write_zip(tmp_path / "x.zip", {"a/b": (b"new", {}), "c": (b"new", {})})
    out = tmp_path / "out"
    out.mkdir()
    (tmp_path / "elsewhere").mkdir()
    (out / "a").symlink_to(tmp_path / "elsewhere")
    (out / "c").write_bytes(b"old")
    with open_zip(archive, LIMITS) as opened:
        results = [extract(opened, info, out, parts, Budget(2**20), LIMITS) for info, parts in members(opened, LIMITS)[0]]
    assert results[0].startswith("its folder could not be made") and results[1].startswith("it could not be written")
    assert list((tmp_path / "elsewhere").iterdir()) == [] and (out / "c").read_bytes() == b"old"


def test_an_uploads_budget_spends_from_the_intakes_too():
    """Does a child budget refuse what it lacks, and what its parent lacks, naming whose bytes ran out?"""
    intake = Budget(100)
    upload = Budget(60, parent=intake, name="one upload's files")
    assert upload.take(50) is None and intake.left == 50
    assert upload.take(20) is upload and intake.left == 50
    other = Budget(60, parent=intake, name="one upload's files")
    assert other.take(55) is intake and other.left == 60
