"""Does the website build with warnings as errors, in both editions, and carry what students need and nothing more?"""

import re

import nbformat
import pytest

from autograder.course import REPO, assignments
from autograder.release import translated_path
from autograder.site.build import CHINESE, SITE
from autograder.site.leaks import find_leaks, page_text, secret_regions

CHAPTERS = re.findall(r"file: book/(ch\d+_\w+)", (REPO / "_toc.yml").read_text())
PAGES = re.findall(r"(?:root|file): book/(\w+)", (REPO / "_toc.yml").read_text())
# Each edition's root folder: English at the site's root, Chinese in zh/.
EDITIONS = {"en": SITE, "zh_CN": CHINESE.site}
CJK = re.compile(r"[\u4e00-\u9fff]")


def page(name, edition="en"):
    return (EDITIONS[edition] / "book" / f"{name}.html").read_text(encoding="utf-8")


def test_every_assignment_has_a_chapter_page():
    """Is every assignment in solutions/ listed in the table of contents?"""
    assert CHAPTERS and sorted(CHAPTERS) == sorted(set(CHAPTERS))
    assert set(assignments()) <= set(CHAPTERS), set(assignments()) - set(CHAPTERS)


@pytest.mark.parametrize("edition", EDITIONS)
@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_page_has_figures_math_and_download(built, chapter, edition):
    """Does each chapter page, in each edition, carry executed figures, typeset-ready math and its exercise download?"""
    html = page(chapter, edition)
    figures = re.findall(r'<img [^>]*src="[^"]*\.png"[^>]*>', html)
    assert len(figures) >= 2, f"{chapter}: {len(figures)} figure(s)"
    assert all('alt="' in tag and 'alt=""' not in tag for tag in figures), f"{chapter}: a figure lacks alt text"
    if edition != "en":
        english = [alt for alt in (re.search(r'alt="([^"]*)"', tag).group(1) for tag in figures) if not CJK.search(alt)]
        assert not english, f"{edition}/{chapter}: figure alt text left untranslated: {english[:2]}"
        titles = re.findall(r'<p class="admonition-title"><span class="caption-number">[^<]*</span>\s*\(([^<]*)\)', html)
        untranslated = [title for title in titles if not CJK.search(title)]
        assert not untranslated, f"{edition}/{chapter}: exercise title(s) left untranslated: {untranslated}"
    assert "\\(" in html or "\\[" in html or "math notranslate" in html, f"{chapter}: no math"
    link = re.search(rf'href="([^"]*_downloads/[^"]*/{chapter}\.ipynb)"', html)
    assert link, f"{chapter}: no download link to its exercise notebook"
    downloaded = (EDITIONS[edition] / "book" / link.group(1)).resolve()
    nbformat.validate(nbformat.read(downloaded, as_version=4))
    expected = EXERCISES_BY_EDITION[edition](chapter)
    assert downloaded.read_bytes() == expected.read_bytes(), f"{edition}/{chapter} links {downloaded}, not {expected}"


EXERCISES_BY_EDITION = {
    "en": lambda assignment: REPO / "exercises" / assignment / f"{assignment}.ipynb",
    "zh_CN": lambda assignment: translated_path(assignment, "zh_CN"),
}


@pytest.mark.parametrize("page_name", PAGES)
def test_chinese_page_is_chinese_and_links_back(built, page_name):
    """Is each Chinese page marked zh-CN, written in Chinese, and linked both ways with its English counterpart?"""
    html = page(page_name, "zh_CN")
    assert '<html lang="zh-CN"' in html
    article = html.split("<article", 1)[-1]
    assert len(CJK.findall(article)) > 100, f"{page_name}: the Chinese page holds little Chinese text"
    assert f'href="../../book/{page_name}.html" hreflang="en"' in html
    assert f'href="../zh/book/{page_name}.html" hreflang="zh-CN"' in page(page_name)


@pytest.mark.parametrize("edition", EDITIONS)
@pytest.mark.parametrize("chapter", CHAPTERS)
def test_no_tensorflow_log_noise_on_pages(built, chapter, edition):
    """Are TensorFlow's stderr logs kept off the pages?"""
    html = page(chapter, edition)
    for noise in ("cuda drivers", "absl::InitializeLog", "cpu_feature_guard", "oneDNN custom operations"):
        assert noise not in html, f"{chapter} shows TensorFlow log noise: {noise!r}"


@pytest.mark.parametrize("edition", EDITIONS)
def test_mathjax_is_served_by_the_site(built, edition):
    """Is MathJax loaded from the site itself, so formulas typeset offline?"""
    assert (EDITIONS[edition] / "_static" / "es5" / "tex-chtml.js").is_file()
    html = page(CHAPTERS[0], edition)
    assert "_static/es5/tex-chtml.js" in html
    assert "cdn.jsdelivr.net/npm/mathjax" not in html


def test_chinese_search_index_is_segmented(built):
    """Does the Chinese edition's search index hold Chinese words (jieba's segmentation), such as 动量?"""
    index = (CHINESE.site / "searchindex.js").read_text(encoding="utf-8")
    assert '"\\u52a8\\u91cf"' in index or '"动量"' in index, "动量 is not a word of the Chinese search index"


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


def test_chinese_build_executes_nothing(built):
    """Does the Chinese edition reuse the English build's executed notebooks, even on the first build?"""
    for build in ("first", "rebuild"):
        log = built[build].logs["zh_CN"]
        assert "Executing notebook" not in log and "Executing:" not in log, log[-3000:]
