"""Does the website work in a real browser, the way students use it, in both editions?

Chromium (Debian's, driven by Playwright) opens the built site served on
localhost, every page listed in ``_toc.yml`` in English and in Chinese
(``zh/``), at desktop and phone widths. The site must work offline: any request
that leaves localhost is blocked and counts as a failure. Screenshots go to
``test-artifacts/screenshots/`` (the Chinese edition's to ``zh/`` in it) for a
human look.

Set ``BNWEEK_CHROMIUM`` to use another Chromium binary, and
``BNWEEK_PREBUILT_SITE=1`` to test the site already in ``_build/html`` without
rebuilding it (for working on these tests; the suite itself always builds).
"""

import functools
import http.server
import os
import re
import shutil
import subprocess
import threading
from pathlib import Path
from urllib.parse import urlsplit

import nbformat
import pytest
import yaml

from autograder.course import EXERCISES, REPO
from autograder.release import translated_path

CHROMIUM = Path(os.environ.get("BNWEEK_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
# Pixels a phone page may be wider than the screen before it scrolls sideways.
OVERFLOW_SLACK = 2


def toc_pages(toc_file=REPO / "_toc.yml"):
    """Docnames of every page in the table of contents, in reading order.

    Returns
    -------
    list of str
        e.g. ``["book/intro", "book/ch1_normalizing", ...]``.
    """
    toc = yaml.safe_load(Path(toc_file).read_text(encoding="utf-8"))

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                yield entry["file"].removesuffix(".md").removesuffix(".ipynb")
            for key in ("sections", "chapters", "parts"):
                yield from walk(entry.get(key))

    return [toc["root"], *walk(toc.get("parts") or toc.get("chapters"))]


PAGES = toc_pages()
CHAPTERS = [page for page in PAGES if re.fullmatch(r"book/ch\d+_\w+", page)]
# Each edition's folder under the site's root, and its language as the page's <html lang> gives it.
EDITIONS = {"": "en", "zh/": "zh-CN"}
CHINESE = "zh/"
BOTH = [f"{edition}{page}" for edition in EDITIONS for page in PAGES]


def page_id(docname):
    return docname.replace("book/", "")


def edition_of(path):
    return CHINESE if path.startswith(CHINESE) else ""


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server(site):
    """Base URL of the site served by a local HTTP server in a thread."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(site)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser():
    """A headless Chromium, shared by this module's tests."""
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM}: install it (Debian: apt-get install chromium) or set BNWEEK_CHROMIUM")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Tab:
    """A browser page that records what went wrong while it was open.

    Attributes
    ----------
    page : playwright.sync_api.Page
    problems : list of str
        Console errors, uncaught exceptions, failed or blocked requests, HTTP errors.
    """

    def __init__(self, context, base_url):
        self.base_url = base_url
        self.problems = []
        self.page = context.new_page()
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.problems.append(f"uncaught exception: {error}"))
        self.page.on("requestfailed", self._failed)
        self.page.on("response", self._response)
        # The site must work offline: nothing may be fetched from anywhere but the site itself.
        self.page.route(re.compile(r"^(?!" + re.escape(base_url) + r")(https?|wss?)://"), self._block)

    def _console(self, message):
        if message.type == "error":
            self.problems.append(f"console error: {message.text}")

    def _failed(self, request):
        if not request.url.startswith(self.base_url):
            return  # already reported as blocked
        self.problems.append(f"request failed: {request.url} ({request.failure})")

    def _response(self, response):
        if response.status >= 400:
            self.problems.append(f"HTTP {response.status}: {response.url}")

    def _block(self, route):
        self.problems.append(f"request leaves the site: {route.request.url}")
        route.abort()

    def open(self, path):
        """Go to ``path`` (relative to the site root) and wait for it and its math to be ready."""
        response = self.page.goto(f"{self.base_url}/{path}", wait_until="load")
        assert response is not None and response.ok, f"{path}: HTTP {response and response.status}"
        self.wait_for_math()
        return self.page

    def wait_for_math(self):
        """Wait until MathJax (if the page loads it) has typeset everything."""
        self.page.wait_for_load_state("load")
        self.page.evaluate(
            """async () => {
                if (!document.querySelector('script[src*="tex-chtml.js"]')) return;
                for (let i = 0; i < 200 && !(window.MathJax && MathJax.startup && MathJax.startup.promise); i++)
                    await new Promise(r => setTimeout(r, 50));
                if (window.MathJax && MathJax.startup && MathJax.startup.promise) await MathJax.startup.promise;
            }"""
        )

    def skip_math(self):
        """Serve MathJax as an empty script: for tests of links, where typesetting only costs time."""
        self.page.route("**/tex-chtml.js*", lambda route: route.fulfill(body="", content_type="text/javascript"))

    def follow(self, locator):
        """Click a link and wait until the next page's document is parsed (not for its math)."""
        with self.page.expect_navigation(wait_until="domcontentloaded"):
            locator.click()
        return self.path()

    def path(self):
        """The current page's path relative to the site root."""
        return urlsplit(self.page.url).path.lstrip("/")


@pytest.fixture
def desktop(browser, server):
    context = browser.new_context(viewport=DESKTOP, accept_downloads=True)
    yield Tab(context, server)
    context.close()


@pytest.fixture
def phone(browser, server):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    yield Tab(context, server)
    context.close()


def screenshot(page, name):
    (SCREENSHOTS / name).parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


ARTICLE = "article.bd-article"

# For every visible heading of the article, its level, in document order.
HEADING_LEVELS = """(article) => [...article.querySelectorAll('h1, h2, h3, h4, h5, h6')]
    .filter(h => h.checkVisibility())
    .map(h => [Number(h.tagName[1]), h.textContent.replace('#', '').trim()])"""

# Every <img> on the page, scrolled into view first so that lazy ones load too.
IMAGES = """async () => {
    const images = [...document.images];
    for (const img of images) {
        img.scrollIntoView();
        if (!img.complete) await new Promise(r => { img.onload = img.onerror = r; setTimeout(r, 5000); });
    }
    window.scrollTo(0, 0);
    return images.map(img => ({src: img.getAttribute('src'), alt: (img.getAttribute('alt') || '').trim(),
                               width: img.naturalWidth, inArticle: !!img.closest('article')}));
}"""

# Math elements Sphinx wrote, and whether MathJax replaced each one's TeX with typeset output.
MATH = """() => [...document.querySelectorAll('article .math')].map(el => ({
    text: el.textContent.slice(0, 60),
    typeset: !!el.querySelector('mjx-container') || el.tagName.toLowerCase() === 'mjx-container',
}))"""


@pytest.mark.book
@pytest.mark.parametrize("docname", BOTH, ids=page_id)
def test_page_renders_cleanly(desktop, docname):
    """Does the page load with no console error, typeset math, loaded images with alt text, and sound headings?"""
    page = desktop.open(f"{docname}.html")
    screenshot(page, page_id(docname))

    math = page.evaluate(MATH)
    untypeset = [m["text"] for m in math if not m["typeset"]]
    assert not untypeset, f"{docname}: {len(untypeset)} formula(s) not typeset by MathJax, e.g. {untypeset[:3]}"
    if math:
        assert page.locator(f"{ARTICLE} mjx-container").count() > 0, f"{docname}: no mjx-container"
    errors = page.locator("mjx-merror").all_text_contents()
    assert not errors, f"{docname}: MathJax could not parse {len(errors)} formula(s): {errors[:3]}"

    images = page.evaluate(IMAGES)
    broken = [img["src"] for img in images if img["width"] == 0]
    assert not broken, f"{docname}: image(s) failed to load: {broken}"
    no_alt = [img["src"] for img in images if img["inArticle"] and not img["alt"]]
    assert not no_alt, f"{docname}: figure(s) without alt text: {no_alt}"

    levels = page.evaluate(HEADING_LEVELS, page.locator(ARTICLE).element_handle())
    assert [level for level, _ in levels].count(1) == 1 and levels[0][0] == 1, (
        f"{docname}: a page needs exactly one h1, first: {levels[:3]}"
    )
    for (before, _), (level, title) in zip(levels, levels[1:]):
        assert level <= before + 1, f"{docname}: heading '{title}' is an h{level} right after an h{before}"

    assert not desktop.problems, f"{docname}:\n" + "\n".join(desktop.problems)


# Elements of the article that stick out past ``limit`` px and are not inside a box that scrolls or
# clips (a code block scrolls sideways inside its own box; that is fine).
OVERFLOWING = """(limit) => {
    const boxed = el => { for (let a = el.parentElement; a; a = a.parentElement)
                              if (getComputedStyle(a).overflowX !== 'visible') return true;
                          return false; };
    return [...document.querySelectorAll('article *')]
        .filter(el => el.getBoundingClientRect().right > limit && el.checkVisibility() && !boxed(el))
        .slice(0, 5).map(el => `<${el.tagName.toLowerCase()} class="${el.className}"> `
                                 + (el.textContent || '').trim().slice(0, 60));
}"""


@pytest.mark.book
@pytest.mark.parametrize("docname", BOTH, ids=page_id)
def test_page_is_readable_on_a_phone(phone, docname):
    """At 390 px wide, does the page fit the screen with no sideways scrolling?"""
    page = phone.open(f"{docname}.html")
    screenshot(page, f"{page_id(docname)}-390px")
    # A mobile browser widens its layout to fit content that overflows, so compare with the screen's
    # width, not with window.innerWidth.
    width = page.evaluate("() => document.documentElement.scrollWidth")
    if width > PHONE["width"] + OVERFLOW_SLACK:
        culprits = page.evaluate(OVERFLOWING, PHONE["width"] + OVERFLOW_SLACK)
        pytest.fail(f"{docname} is {width} px wide on a {PHONE['width']} px screen; too wide: {culprits}")
    assert not phone.problems, f"{docname}:\n" + "\n".join(phone.problems)


@pytest.mark.book
@pytest.mark.parametrize("edition", EDITIONS, ids=lambda edition: edition.strip("/") or "en")
def test_next_and_previous_links_walk_the_toc(desktop, edition):
    """Does clicking "next" from the home page visit every page in toc order, and "previous" walk back?"""
    desktop.skip_math()
    desktop.page.goto(f"{desktop.base_url}/{edition}index.html")
    # index.html redirects to the home page.
    desktop.page.wait_for_url(f"**/{edition}{PAGES[0]}.html", wait_until="domcontentloaded", timeout=10_000)
    visited = [desktop.path()]
    while desktop.page.locator("a.right-next").count():
        visited.append(desktop.follow(desktop.page.locator("a.right-next")))
        assert len(visited) <= len(PAGES), f"'next' runs past the last page: {visited}"
    assert visited == [f"{edition}{page}.html" for page in PAGES]
    walked_back = [desktop.path()]
    while desktop.page.locator("a.left-prev").count():
        walked_back.append(desktop.follow(desktop.page.locator("a.left-prev")))
        assert len(walked_back) <= len(PAGES), f"'previous' runs past the first page: {walked_back}"
    assert walked_back == visited[::-1]
    assert not desktop.problems, "\n".join(desktop.problems)


@pytest.mark.book
@pytest.mark.parametrize("edition", EDITIONS, ids=lambda edition: edition.strip("/") or "en")
def test_sidebar_lists_and_opens_every_page(desktop, edition):
    """Does the sidebar list every toc page in order, and does clicking each entry open that page?"""
    desktop.skip_math()
    desktop.open(f"{edition}{PAGES[0]}.html")
    sidebar = "nav.bd-docs-nav a.reference"
    hrefs = desktop.page.locator(sidebar).evaluate_all("links => links.map(a => a.href)")
    targets = [urlsplit(href).path.lstrip("/") for href in hrefs]
    assert targets == [f"{edition}{page}.html" for page in PAGES], "the sidebar must list the toc's pages in order"
    for index, target in enumerate(targets):
        assert desktop.follow(desktop.page.locator(sidebar).nth(index)) == target
        assert desktop.page.locator(f"{ARTICLE} h1").first.is_visible(), f"{target} shows no title"
        current = desktop.page.locator("nav.bd-docs-nav li.current > a").first
        assert urlsplit(current.evaluate("a => a.href")).path.lstrip("/") == target, (
            f"the sidebar does not mark {target} as the current page"
        )
    assert not desktop.problems, "\n".join(desktop.problems)


@pytest.mark.book
def test_search_finds_momentum(desktop):
    """Does the site's search page find "momentum", and does a result open a chapter that uses the word?"""
    page = desktop.open("search.html?q=momentum")
    page.wait_for_function(
        "() => document.querySelectorAll('#search-results ul.search li a').length > 0"
        " || /did not match|no results/i.test(document.querySelector('#search-results')?.textContent || '')",
        timeout=30_000,
    )
    results = page.locator("#search-results ul.search li a")
    found = [urlsplit(href).path.lstrip("/") for href in results.evaluate_all("links => links.map(a => a.href)")]
    chapters = [f for f in found if f.removesuffix(".html") in CHAPTERS]
    assert chapters, f"searching 'momentum' found no chapter: {found}"
    results.filter(has_text=re.compile(".")).first.click()
    page.wait_for_load_state("load")
    assert "momentum" in page.locator(ARTICLE).inner_text().lower()
    assert not desktop.problems, "\n".join(desktop.problems)


@pytest.mark.book
@pytest.mark.parametrize("chapter", [f"{edition}{chapter}" for edition in EDITIONS for chapter in CHAPTERS], ids=page_id)
def test_exercise_notebook_downloads(desktop, chapter, tmp_path):
    """Does the chapter's exercise link download the current student notebook of its edition, a valid nbformat file?"""
    assignment = chapter.rsplit("/", 1)[-1]
    page = desktop.open(f"{chapter}.html")
    link = page.locator(f'{ARTICLE} a.download[href$="/{assignment}.ipynb"]')
    assert link.count() >= 1, f"{chapter} has no download link to {assignment}.ipynb"
    with page.expect_download() as download_info:
        link.first.click()
    download = download_info.value
    assert download.suggested_filename == f"{assignment}.ipynb"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    notebook = nbformat.read(saved, as_version=4)
    nbformat.validate(notebook)
    expected = (translated_path(assignment, "zh_CN") if edition_of(chapter) == CHINESE
                else EXERCISES / assignment / f"{assignment}.ipynb")
    assert saved.read_bytes() == expected.read_bytes(), (
        f"{chapter} serves a stale or wrong {assignment}.ipynb (want {expected.relative_to(REPO)}): "
        "rebuild after ./course release"
    )
    assert not desktop.problems, "\n".join(desktop.problems)


@pytest.mark.book
def test_chinese_search_finds_momentum(desktop):
    """Does the Chinese edition's search page find 动量 (momentum), and does a result open a chapter that uses it?"""
    page = desktop.open(f"{CHINESE}search.html?q=动量")
    page.wait_for_function(
        "() => document.querySelectorAll('#search-results ul.search li a').length > 0"
        " || /did not match|no results|没有|未找到/i.test(document.querySelector('#search-results')?.textContent || '')",
        timeout=30_000,
    )
    results = page.locator("#search-results ul.search li a")
    found = [urlsplit(href).path.lstrip("/") for href in results.evaluate_all("links => links.map(a => a.href)")]
    chapters = [f for f in found if f.removesuffix(".html") in {CHINESE + chapter for chapter in CHAPTERS}]
    assert chapters, f"searching '动量' found no Chinese chapter: {found}"
    results.filter(has_text=re.compile(".")).first.click()
    page.wait_for_load_state("load")
    assert "动量" in page.locator(ARTICLE).inner_text()
    assert not desktop.problems, "\n".join(desktop.problems)


@pytest.mark.book
@pytest.mark.parametrize("docname", BOTH, ids=page_id)
def test_language_link_opens_the_counterpart(desktop, docname):
    """Does the page's language link open the same page in the other edition, in that language?"""
    desktop.skip_math()
    desktop.open(f"{docname}.html")
    edition = edition_of(docname)
    other = "" if edition == CHINESE else CHINESE
    page_name = docname.removeprefix(edition)
    link = desktop.page.locator(f"{ARTICLE} nav.bnweek-languages a.bnweek-language")
    assert link.count() == 1, f"{docname} has {link.count()} language link(s)"
    assert link.get_attribute("hreflang") == EDITIONS[other]
    assert desktop.follow(link) == f"{other}{page_name}.html"
    assert desktop.page.evaluate("() => document.documentElement.lang") == EDITIONS[other]
    assert desktop.page.locator(f"{ARTICLE} h1").first.is_visible()
    assert not desktop.problems, "\n".join(desktop.problems)


def cjk_font_families():
    """Font families installed here that cover Chinese (fontconfig's view), lower-cased."""
    if not shutil.which("fc-list"):
        pytest.skip("no fc-list to ask which fonts cover Chinese")
    listing = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True).stdout
    families = {name.strip().lower() for line in listing.splitlines() for name in line.split(",") if name.strip()}
    if not families:
        pytest.fail("no font covering Chinese is installed: install one (Debian: apt-get install fonts-wqy-microhei)")
    return families


# Marks the article's h1 and its first paragraph whose text is Chinese, for the font check below.
MARK_CJK = """() => {
    const cjk = /[\u4e00-\u9fff]/;
    const heading = document.querySelector('article.bd-article h1');
    const paragraph = [...document.querySelectorAll('article.bd-article p')].find(p => cjk.test(p.textContent));
    if (heading && cjk.test(heading.textContent)) heading.setAttribute('data-cjk-check', 'heading');
    if (paragraph) paragraph.setAttribute('data-cjk-check', 'paragraph');
    return [!!heading && cjk.test(heading.textContent), !!paragraph];
}"""


@pytest.mark.book
@pytest.mark.parametrize("docname", [f"{CHINESE}{page}" for page in (PAGES[0], CHAPTERS[0], "book/glossary")], ids=page_id)
def test_chinese_text_is_drawn_with_a_chinese_font(desktop, docname):
    """Is the Chinese edition's text drawn with an installed font that covers Chinese, not missing-glyph boxes?"""
    families = cjk_font_families()
    page = desktop.open(f"{docname}.html")
    heading, paragraph = page.evaluate(MARK_CJK)
    assert paragraph, f"{docname} has no paragraph of Chinese text"
    screenshot(page, f"zh/cjk-{page_id(docname).removeprefix(CHINESE)}")
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": 1})["root"]["nodeId"]
    for kind in (["heading"] if heading else []) + ["paragraph"]:
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": f'[data-cjk-check="{kind}"]'})["nodeId"]
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
        chinese = [font for font in fonts if font["familyName"].lower() in families and font["glyphCount"] > 0]
        assert chinese, f"{docname}: the {kind}'s text is drawn with {fonts}, none of them a Chinese font ({sorted(families)[:4]})"
    assert not desktop.problems, "\n".join(desktop.problems)
