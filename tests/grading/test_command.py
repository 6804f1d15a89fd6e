"""Does ./course grade turn a class's submissions into grades, feedback and a report, whatever they hold?"""

import csv
import os
import shutil
import subprocess
import sys
import zipfile

import nbformat
import pytest
from distributed import Client

from autograder.course import EXERCISES, SOLUTIONS, source_notebook
from autograder.grading import command
from autograder.site.leaks import find_leaks, page_text, secret_regions

ASSIGNMENT = "ch1_normalizing"
NOTEBOOK = f"{ASSIGNMENT}.ipynb"


def write(folder, name, content):
    folder.mkdir(parents=True, exist_ok=True)
    if isinstance(content, (bytes, str)):
        (folder / name).write_bytes(content if isinstance(content, bytes) else content.encode())
    else:
        nbformat.write(content, folder / name)


@pytest.fixture(scope="module")
def classroom(tmp_path_factory):
    """A class of submissions, one per scenario, in nbgrader's submitted/ layout."""
    root = tmp_path_factory.mktemp("class") / "submitted"
    solution = nbformat.read(source_notebook(ASSIGNMENT), as_version=4)
    write(root / "good" / ASSIGNMENT, NOTEBOOK, solution)
    write(root / "blank" / ASSIGNMENT, NOTEBOOK, nbformat.read(EXERCISES / ASSIGNMENT / NOTEBOOK, as_version=4))
    write(root / "corrupt" / ASSIGNMENT, NOTEBOOK, '{"cells": [ {"cell_type": ')
    write(root / "binary" / ASSIGNMENT, NOTEBOOK, b"\xff\xfe\x00garbage")
    (root / "missing" / ASSIGNMENT).mkdir(parents=True)
    write(root / "renamed" / ASSIGNMENT, "my_homework.ipynb", solution)
    write(root / "confused" / ASSIGNMENT, "a.ipynb", solution)
    write(root / "confused" / ASSIGNMENT, "b.ipynb", solution)
    other = nbformat.read(source_notebook("ch5_softmax"), as_version=4)
    write(root / "wrongassignment" / ASSIGNMENT, NOTEBOOK, other)
    odd_name = os.fsdecode(b"caf\xe9 student")  # a Latin-1 folder name: not UTF-8
    write(root / odd_name / ASSIGNMENT, NOTEBOOK, solution)
    return root


@pytest.fixture(scope="module")
def graded_class(classroom, tmp_path_factory):
    output = tmp_path_factory.mktemp("graded")
    status = command.main(source=classroom, assignment=ASSIGNMENT, output=output, workers=2, progress=False,
                          profile=True)
    assert status == 0
    with open(output / "grades.csv", encoding="utf-8") as file:
        rows = {row["student"]: row for row in csv.DictReader(file)}
    return output, rows


def test_good_and_blank_submissions(graded_class):
    """Does the reference answer earn full marks and the blank notebook zero, both cleanly graded?"""
    _, rows = graded_class
    assert rows["good"]["status"] == "graded" and rows["good"]["total"] == rows["good"]["possible"]
    assert rows["blank"]["status"] == "graded" and float(rows["blank"]["total"]) == 0
    assert float(rows["good"]["possible"]) > 0


def test_csv_has_a_column_per_graded_function(graded_class):
    """Does grades.csv carry one column per graded function, plus total and status?"""
    output, _ = graded_class
    header = (output / "grades.csv").read_text().splitlines()[0].split(",")
    for column in ("student", "assignment", "status", "normalize_inputs", "batchnorm_forward", "total"):
        assert column in header


@pytest.mark.parametrize("student, status", [
    ("corrupt", "corrupt notebook"),
    ("binary", "corrupt notebook"),
    ("missing", "missing notebook"),
    ("confused", "misnamed notebook"),
    ("wrongassignment", "wrong assignment"),
])
def test_bad_submissions_get_a_clear_status_and_zero(graded_class, student, status):
    """Does each broken submission get a status in words and no points, without stopping the batch?"""
    _, rows = graded_class
    assert rows[student]["status"] == status, rows[student]
    assert float(rows[student]["total"]) == 0
    assert rows[student]["problem"]


def test_single_misnamed_notebook_is_graded_with_a_note(graded_class):
    """Is a lone notebook with the wrong file name still graded, with the rename noted?"""
    _, rows = graded_class
    assert rows["renamed"]["status"] == "graded"
    assert rows["renamed"]["total"] == rows["renamed"]["possible"]
    assert "my_homework.ipynb" in rows["renamed"]["problem"]


def test_non_utf8_folder_name_is_graded_under_a_safe_id(graded_class):
    """Is a student whose folder name is not UTF-8 graded under a safe, distinct id?"""
    _, rows = graded_class
    odd = [row for student, row in rows.items() if student.startswith("caf")]
    assert len(odd) == 1 and odd[0]["status"] == "graded" and odd[0]["total"] == odd[0]["possible"]


def test_feedback_and_report_are_written(graded_class):
    """Does every graded student get feedback HTML, and the class a report with a histogram?"""
    output, rows = graded_class
    hidden = secret_regions(ASSIGNMENT, kinds=("HIDDEN TESTS",))
    for student in ("good", "blank"):
        feedback = output / "feedback" / student / ASSIGNMENT / f"{ASSIGNMENT}.html"
        assert feedback.is_file()
        leaks = find_leaks(page_text(feedback), hidden) - {"### BEGIN SOLUTION", "### END SOLUTION"}
        assert leaks == set(), f"{student}'s feedback shows hidden tests: {leaks}"
    blank = page_text(output / "feedback" / "blank" / ASSIGNMENT / f"{ASSIGNMENT}.html")
    assert "NotImplementedError" in blank  # the verdict is shown, in words
    assert (output / "report" / "scores.png").stat().st_size > 1000
    assert "batchnorm_forward" in (output / "report" / "summary.md").read_text()


def test_profile_says_where_each_notebooks_time_went(graded_class):
    """Does --profile's report give, for the notebooks that ran, seconds in every phase, summing to their total?"""
    output, rows = graded_class
    section = (output / "report" / "summary.md").read_text().split("## Where the time went")[1]
    header, _, *rows_ = [line for line in section.splitlines() if line.startswith("|")]
    columns = [cell.strip() for cell in header.strip("|").split("|")]
    assert columns[:2] == ["assignment", "notebooks"] and columns[-1] == "total"
    assert {"stage", "kernels", "setup", "student", "tests", "receipts", "record", "feedback"} <= set(columns)
    row = dict(zip(columns, (cell.strip() for cell in rows_[0].strip("|").split("|"))))
    assert row["assignment"] == ASSIGNMENT and int(row["notebooks"]) >= 4  # refused submissions never ran
    phases = [float(row[c]) for c in columns[2:-1]]
    assert all(seconds >= 0 for seconds in phases) and float(row["kernels"]) > 0 and float(row["tests"]) > 0
    assert abs(sum(phases) - float(row["total"])) < 0.02 * len(phases)


def test_rerun_skips_graded_work_and_keeps_grades(graded_class, classroom):
    """Does a re-run without --force grade nothing again and leave grades.csv unchanged?"""
    output, rows = graded_class
    before = {p: p.stat().st_mtime_ns for p in (output / "autograded").rglob("*.ipynb")}
    assert command.main(source=classroom, assignment=ASSIGNMENT, output=output, progress=False) == 0
    after = {p: p.stat().st_mtime_ns for p in (output / "autograded").rglob("*.ipynb")}
    assert before == after
    with open(output / "grades.csv", encoding="utf-8") as file:
        again = {row["student"]: row for row in csv.DictReader(file)}
    assert {s: r["total"] for s, r in again.items()} == {s: r["total"] for s, r in rows.items()}


def test_unknown_assignment_is_refused(classroom, tmp_path):
    """Does an unknown assignment id get a clear refusal instead of a traceback?"""
    assert command.main(source=classroom, assignment="ch9_nothing", output=tmp_path, progress=False) == 2


@pytest.mark.grading
def test_lms_zip_is_collected_and_graded(tmp_path):
    """Is an LMS download zip collected with nbgrader's zip_collect and graded per student?"""
    archive = tmp_path / "download.zip"
    solution = (SOLUTIONS / ASSIGNMENT / NOTEBOOK).read_text()
    blank = (EXERCISES / ASSIGNMENT / NOTEBOOK).read_text()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr(f"lovelaceada_1234_5678_{NOTEBOOK}", solution)
        zipped.writestr(f"turingalan_LATE_2345_6789_{ASSIGNMENT}-1.ipynb", blank)
        zipped.writestr("readme.txt", "not a submission")
    output = tmp_path / "out"
    assert command.main(source=archive, assignment=ASSIGNMENT, output=output, progress=False) == 0
    with open(output / "grades.csv", encoding="utf-8") as file:
        rows = {row["student"]: row for row in csv.DictReader(file)}
    assert rows["lovelaceada"]["total"] == rows["lovelaceada"]["possible"]
    assert rows["turingalan"]["status"] == "graded" and float(rows["turingalan"]["total"]) == 0
    assert (rows["lovelaceada"]["lms"], rows["lovelaceada"]["lms_id"], rows["lovelaceada"]["late"]) == ("Canvas", "1234", "")
    assert (rows["turingalan"]["lms_id"], rows["turingalan"]["late"]) == ("2345", "late")
    assert "not graded: readme.txt: not named as" in (output / "report" / "summary.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("content", [b"", b"this is not a zip"])
def test_empty_or_broken_zip_is_refused(tmp_path, content):
    """Does an empty or unreadable zip get one clear sentence?"""
    archive = tmp_path / "download.zip"
    if content:
        archive.write_bytes(content)
    else:
        zipfile.ZipFile(archive, "w").close()
    assert command.main(source=archive, assignment=ASSIGNMENT, output=tmp_path / "out", progress=False) == 2


def test_same_scores_with_one_worker_and_on_dask(graded_class, classroom, tmp_path, kernels_running):
    """Are scores identical whatever the worker count or engine (local pool, Dask LocalCluster)?"""
    from distributed import LocalCluster

    _, rows = graded_class
    subset = tmp_path / "submitted"
    for student in ("good", "blank", "renamed"):
        shutil.copytree(classroom / student, subset / student)
    expected = {s: rows[s]["total"] for s in ("good", "blank", "renamed")}
    assert command.main(source=subset, assignment=ASSIGNMENT, output=tmp_path / "one", workers=1,
                         progress=False) == 0
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        assert command.main(source=subset, assignment=ASSIGNMENT, output=tmp_path / "dask",
                             scheduler=cluster.scheduler_address, progress=False) == 0
        if os.geteuid() == 0:  # kernels have uids of their own: the worker keeps no judge once the run is over
            assert kernels_running(wait=10) == []
    for run in ("one", "dask"):
        with open(tmp_path / run / "grades.csv", encoding="utf-8") as file:
            totals = {row["student"]: row["total"] for row in csv.DictReader(file)}
        assert totals == expected, run


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("unshare"), reason="hiding folders from a worker needs root")
def test_a_dask_worker_that_cannot_see_the_graders_files_grades_the_same(graded_class, classroom, tmp_path):
    """Does a worker on "another machine" (one that sees none of the grader's folders) grade as a local one?

    The worker runs in a mount namespace of its own in which this test's folder, submissions and
    output alike, is an empty tmpfs: all it has is the course installed, as a cluster's other
    machines would, and what travels with each notebook.
    """
    from distributed import LocalCluster

    _, rows = graded_class
    subset = tmp_path / "submitted"
    for student in ("good", "blank", "renamed"):
        shutil.copytree(classroom / student, subset / student)
    preload = "autograder.grading.worker"
    with LocalCluster(n_workers=0, dashboard_address=None) as cluster:
        script = (f"mount -t tmpfs bnweek-elsewhere {tmp_path} && test ! -e {subset} && exec {sys.executable} -m "
                  f"distributed.cli.dask_worker {cluster.scheduler_address} --nthreads 1 --nworkers 1 "
                  f"--no-dashboard --preload {preload}")
        worker = subprocess.Popen(["unshare", "--mount", "--propagation", "private", "sh", "-c", script],
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            with Client(cluster.scheduler_address) as client:
                client.wait_for_workers(1, timeout=120)
            status = command.main(source=subset, assignment=ASSIGNMENT, output=tmp_path / "remote",
                                  scheduler=cluster.scheduler_address, progress=False)
        finally:
            worker.terminate()
            log = worker.communicate(timeout=60)[0]
    assert status == 0, log[-3000:]
    with open(tmp_path / "remote" / "grades.csv", encoding="utf-8") as file:
        totals = {row["student"]: row["total"] for row in csv.DictReader(file)}
    assert totals == {s: rows[s]["total"] for s in ("good", "blank", "renamed")}


@pytest.mark.grading
def test_a_rerun_grades_again_what_changed_and_the_student_named(tmp_path, caplog):
    """Is a notebook that changed after a run graded again (its new score), the unchanged one reused, and --student honoured?"""
    root = tmp_path / "submitted"
    write(root / "fixed" / ASSIGNMENT, NOTEBOOK, nbformat.read(EXERCISES / ASSIGNMENT / NOTEBOOK, as_version=4))
    write(root / "steady" / ASSIGNMENT, NOTEBOOK, nbformat.read(source_notebook(ASSIGNMENT), as_version=4))
    output = tmp_path / "out"

    def graded(**options):
        caplog.clear()
        with caplog.at_level("INFO", logger="autograder"):
            assert command.main(source=root, assignment=ASSIGNMENT, output=output, progress=False, feedback=False,
                                **options) == 0
        marks = {s: (output / "autograded" / s / ASSIGNMENT / NOTEBOOK).stat().st_mtime_ns for s in ("fixed", "steady")}
        with open(output / "grades.csv", encoding="utf-8") as file:
            return marks, {row["student"]: row["total"] for row in csv.DictReader(file)}, caplog.text

    first, totals, _ = graded()
    assert totals == {"fixed": "0", "steady": "5"}
    write(root / "fixed" / ASSIGNMENT, NOTEBOOK, nbformat.read(source_notebook(ASSIGNMENT), as_version=4))
    second, totals, said = graded()
    assert totals == {"fixed": "5", "steady": "5"} and second["steady"] == first["steady"] != second["fixed"]
    assert "1 graded, 1 reused unchanged, 0 failed, 0 not graded" in said
    third, totals, said = graded(student="steady")
    assert third["fixed"] == second["fixed"] and third["steady"] != second["steady"] and totals["steady"] == "5"
    assert command.main(source=root, assignment=ASSIGNMENT, output=output, progress=False, student="nobody") == 2
