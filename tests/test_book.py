"""Does the website build with warnings as errors, and carry what students need and nothing more?"""

import re

import nbformat
import pytest

from autograder.build import SITE
from autograder.course import REPO, assignments
from autograder.leaks import find_leaks, page_text, secret_regions

CHAPTERS = re.findall(r"file: book/(ch\d+_\w+)", (REPO / "_toc.yml").read_text())


def page(name):
    return (SITE / "book" / f"{name}.html").read_text(encoding="utf-8")


def test_every_assignment_has_a_chapter_page():
    """Is every assignment in solutions/ listed in the table of contents?"""
    assert CHAPTERS and sorted(CHAPTERS) == sorted(set(CHAPTERS))
    assert set(assignments()) <= set(CHAPTERS), set(assignments()) - set(CHAPTERS)


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_page_has_figures_math_and_download(built, chapter):
    """Does each chapter page carry executed figures, typeset-ready math and its exercise download?"""
    html = page(chapter)
    figures = re.findall(r'<img [^>]*src="[^"]*\.png"', html)
    assert len(figures) >= 2, f"{chapter}: {len(figures)} figure(s)"
    assert all('alt="' in tag and 'alt=""' not in tag for tag in figures), f"{chapter}: a figure lacks alt text"
    assert "\\(" in html or "\\[" in html or "math notranslate" in html, f"{chapter}: no math"
    link = re.search(rf'href="([^"]*_downloads/[^"]*/{chapter}\.ipynb)"', html)
    assert link, f"{chapter}: no download link to its exercise notebook"
    downloaded = (SITE / "book" / link.group(1)).resolve()
    nbformat.validate(nbformat.read(downloaded, as_version=4))


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_no_tensorflow_log_noise_on_pages(built, chapter):
    """Are TensorFlow's stderr logs kept off the pages?"""
    html = page(chapter)
    for noise in ("cuda drivers", "absl::InitializeLog", "cpu_feature_guard", "oneDNN custom operations"):
        assert noise not in html, f"{chapter} shows TensorFlow log noise: {noise!r}"


def test_mathjax_is_served_by_the_site(built):
    """Is MathJax loaded from the site itself, so formulas typeset offline?"""
    assert (SITE / "_static" / "es5" / "tex-chtml.js").is_file()
    html = page(CHAPTERS[0])
    assert "_static/es5/tex-chtml.js" in html
    assert "cdn.jsdelivr.net/npm/mathjax" not in html


def test_solutions_and_grader_stay_off_the_site(built):
    """Do solutions/, autograder/ and tests/ stay out of the built site?"""
    for name in ("solutions", "autograder", "tests"):
        assert not (SITE / name).exists()
    leaked = [p for p in SITE.rglob("*") if p.is_file() and p.name == "nbgrader_config.py"]
    assert leaked == []


@pytest.mark.parametrize("assignment", assignments())
def test_no_solution_or_hidden_test_text_on_the_site(built, assignment):
    """Does no solution line or hidden-test line of an assignment appear anywhere on the site?"""
    regions = secret_regions(assignment)
    for path in SITE.rglob("*"):
        if path.suffix in {".html", ".ipynb", ".txt", ".md", ".py"} and "_static" not in path.parts:
            leaks = find_leaks(page_text(path), regions)
            assert not leaks, f"{path.relative_to(SITE)} leaks {assignment}: {sorted(leaks)[:3]}"


def test_unchanged_rebuild_executes_nothing(built):
    """Does a rebuild with nothing changed reuse every cached execution?"""
    log = built["rebuild"].stdout + built["rebuild"].stderr
    assert "Executing notebook" not in log and "Executing:" not in log, log[-3000:]
