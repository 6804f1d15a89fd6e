"""Shared fixtures: assignments graded once per test session, through the real pipeline."""

import os
import time
import warnings

import nbformat
import pytest

from autograder.environment import prepare

prepare()  # what the command entry points set up: PATH for nbgrader's alembic, TensorFlow's log level


class Cells:
    """Factories for nbgrader cells (schema 3), as a source notebook holds them: no kernel, no nbgrader batch."""

    @staticmethod
    def meta(grade_id, *, grade=False, solution=False, locked=False, points=None):
        meta = {"grade": grade, "solution": solution, "locked": locked, "task": False,
                "grade_id": grade_id, "schema_version": 3}
        return meta | ({"points": points} if points is not None else {})

    @classmethod
    def answer(cls, grade_id, source="def f():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION"):
        """An autograded answer cell whose grade_id is the function's name."""
        cell = nbformat.v4.new_code_cell(source)
        cell.metadata.nbgrader = cls.meta(grade_id, solution=True)
        return cell

    @classmethod
    def test(cls, grade_id, source="assert True", points=1):
        """An autograded test cell (``grade_id`` is ``test_<function>``)."""
        cell = nbformat.v4.new_code_cell(source)
        cell.metadata.nbgrader = cls.meta(grade_id, grade=True, locked=True, points=points)
        return cell

    @classmethod
    def setup(cls, grade_id="setup", source="import numpy as np"):
        """A read-only setup cell."""
        cell = nbformat.v4.new_code_cell(source)
        cell.metadata.nbgrader = cls.meta(grade_id, locked=True)
        return cell

    @staticmethod
    def markdown(source="Some words."):
        return nbformat.v4.new_markdown_cell(source)

    @staticmethod
    def code(source="x = 1"):
        """A plain code cell, with no nbgrader metadata."""
        return nbformat.v4.new_code_cell(source)

    @staticmethod
    def notebook(*cells):
        notebook = nbformat.v4.new_notebook()
        notebook.cells = list(cells)
        return notebook


@pytest.fixture
def cells():
    """Cell and notebook factories (:class:`Cells`)."""
    return Cells


def _gone(pid, within=5.0):
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.01)
    return False


@pytest.fixture
def gone():
    """``gone(pid, within=5.0)``: whether process ``pid`` has ended, and been reaped, within ``within`` seconds."""
    return _gone


@pytest.fixture
def kernels_running():
    """``kernels_running(wait=0)``: host pids of confined kernels, after waiting up to ``wait`` s for none.

    Kernels are found by their own uids, which only a root grader gives them.
    """
    import time

    from autograder.sandbox.zygote import UID_BASE

    def pids():
        found = []
        for entry in filter(str.isdigit, os.listdir("/proc")):
            try:
                if os.stat(f"/proc/{entry}").st_uid >= UID_BASE:
                    found.append(int(entry))
            except OSError:
                pass
        return found

    def running(wait=0):
        deadline = time.monotonic() + wait
        while (found := pids()) and time.monotonic() < deadline:
            time.sleep(0.1)
        return found

    return running


@pytest.fixture(scope="session")
def graded(tmp_path_factory):
    """``graded(assignment)`` -> (outcomes, verdicts), computed once per assignment.

    One grading run per assignment covers its solution, its student version and
    every catalogued variant (see ``autograder.catalogue``).
    """
    from autograder.catalogue import grade_assignment
    from autograder.course import CATALOGUE

    cache = {}

    def get(assignment):
        if assignment not in cache:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                cache[assignment] = grade_assignment(assignment, tmp_path_factory.mktemp(assignment), catalogue=CATALOGUE)
        return cache[assignment]

    return get


@pytest.fixture(scope="session")
def built():
    """The website, built once with warnings as errors, then rebuilt unchanged.

    Returns the two ``subprocess.CompletedProcess`` results as ``{"first", "rebuild"}``;
    the site is in ``autograder.site.build.SITE``.
    """
    from autograder.site.build import build_book

    first = build_book()
    assert first.returncode == 0, first.stdout[-5000:] + first.stderr[-5000:]
    rebuild = build_book()
    assert rebuild.returncode == 0, rebuild.stdout[-5000:] + rebuild.stderr[-5000:]
    return {"first": first, "rebuild": rebuild}


@pytest.fixture(scope="session")
def site(request):
    """The built site's folder: built by ``built``, or as it is with BNWEEK_PREBUILT_SITE=1."""
    from autograder.site.build import SITE

    if os.environ.get("BNWEEK_PREBUILT_SITE") != "1":
        request.getfixturevalue("built")
    assert (SITE / "index.html").is_file(), f"no site in {SITE}"
    return SITE


#: Fixtures that grade notebooks through nbgrader, run nbgrader's release or start kernels, and those that build
#: the site.
#: ``item.fixturenames`` is the closure of what a test requests, so a fixture built on these is covered too.
GRADING_FIXTURES = {"graded", "graded_class", "red_team", "blinded_mutants", "batch", "grades", "submission",
                    "regenerated"}
BOOK_FIXTURES = {"built", "site"}


def pytest_collection_modifyitems(config, items):
    """Mark the slow tests, so that ``-m "not grading and not book"`` (``./course test --fast``) leaves them out.

    A test that uses a grading fixture gets ``grading``; one that uses the built site gets ``book``. Tests that
    grade or execute notebooks without such a fixture carry ``@pytest.mark.grading`` themselves.
    """
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        if names & GRADING_FIXTURES:
            item.add_marker(pytest.mark.grading)
        if names & BOOK_FIXTURES:
            item.add_marker(pytest.mark.book)


@pytest.hookimpl(trylast=True)
def pytest_terminal_summary(terminalreporter):
    """Say in one line when the browser tests did not run, so a green run is not mistaken for a full one."""
    skipped = [r for r in terminalreporter.stats.get("skipped", []) if "test_site_browser" in getattr(r, "nodeid", "")]
    if skipped:
        terminalreporter.write_line(
            f"WARNING: {len(skipped)} browser tests skipped (no Chromium at $BNWEEK_CHROMIUM or /usr/bin/chromium): "
            "install it (Debian: apt-get install chromium) to run them", yellow=True, bold=True)
