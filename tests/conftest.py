"""Shared fixtures: assignments graded once per test session, through the real pipeline."""

import os
import warnings

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


@pytest.fixture(scope="session")
def graded(tmp_path_factory):
    """``graded(assignment)`` -> (outcomes, verdicts), computed once per assignment.

    One grading run per assignment covers its solution, its student version and
    every catalogued variant (see ``autograder.catalogue``).
    """
    from autograder.catalogue import grade_assignment

    cache = {}

    def get(assignment):
        if assignment not in cache:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                cache[assignment] = grade_assignment(assignment, tmp_path_factory.mktemp(assignment))
        return cache[assignment]

    return get


@pytest.fixture(scope="session")
def built():
    """The website, built once with warnings as errors, then rebuilt unchanged.

    Returns the two ``subprocess.CompletedProcess`` results as ``{"first", "rebuild"}``;
    the site is in ``autograder.build.SITE``.
    """
    from autograder.build import build_book

    first = build_book()
    assert first.returncode == 0, first.stdout[-5000:] + first.stderr[-5000:]
    rebuild = build_book()
    assert rebuild.returncode == 0, rebuild.stdout[-5000:] + rebuild.stderr[-5000:]
    return {"first": first, "rebuild": rebuild}


@pytest.fixture(scope="session")
def site(request):
    """The built site's folder: built by ``built``, or as it is with BNWEEK_PREBUILT_SITE=1."""
    from autograder.build import SITE

    if os.environ.get("BNWEEK_PREBUILT_SITE") != "1":
        request.getfixturevalue("built")
    assert (SITE / "index.html").is_file(), f"no site in {SITE}"
    return SITE


@pytest.hookimpl(trylast=True)
def pytest_terminal_summary(terminalreporter):
    """Say in one line when the browser tests did not run, so a green run is not mistaken for a full one."""
    skipped = [r for r in terminalreporter.stats.get("skipped", []) if "test_site_browser" in getattr(r, "nodeid", "")]
    if skipped:
        terminalreporter.write_line(
            f"WARNING: {len(skipped)} browser tests skipped (no Chromium at $BNWEEK_CHROMIUM or /usr/bin/chromium): "
            "install it (Debian: apt-get install chromium) to run them", yellow=True, bold=True)
