"""Does every internal link of the built website lead somewhere, and does the glossary link both ways?

Offline and fast: the HTML files in ``_build/html`` are parsed, and every
``href``/``src`` that stays on the site must name an existing file and, when it
has a ``#fragment``, an element with that id in the target page.
"""

import html.parser
import re
from urllib.parse import unquote, urlsplit

import pytest
import yaml

from autograder.course import REPO

# Attributes that make the browser fetch or navigate to a URL.
LINK_ATTRIBUTES = {"href", "src", "poster", "data"}
# JavaScript that reads these files builds its own URLs; MathJax's bundle is vendored as is.
SKIP_FOLDERS = {"_static"}
CJK = re.compile(r"[\u4e00-\u9fff]")


class Page(html.parser.HTMLParser):
    """The links and element ids of one HTML page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links, self.ids = [], set()
        self.refresh = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("id", "name"):
            if attrs.get(name):
                self.ids.add(attrs[name])
        for name in LINK_ATTRIBUTES & attrs.keys():
            if attrs[name] is not None:
                self.links.append((tag, name, attrs[name]))
        if attrs.get("srcset"):
            self.links += [(tag, "srcset", part.strip().split()[0]) for part in attrs["srcset"].split(",")]
        if tag == "meta" and (attrs.get("http-equiv") or "").lower() == "refresh":
            target = re.search(r"url=(.+)", attrs.get("content") or "", re.IGNORECASE)
            if target:
                self.links.append((tag, "content", target.group(1).strip("'\" ")))


_parsed = {}


def parse(path):
    if path not in _parsed:
        page = Page()
        page.feed(path.read_text(encoding="utf-8", errors="replace"))
        _parsed[path] = page
    return _parsed[path]


def html_files(site):
    return sorted(p for p in site.rglob("*.html") if not SKIP_FOLDERS & set(p.relative_to(site).parts))


def is_internal(url):
    parts = urlsplit(url)
    return not parts.scheme and not parts.netloc and not url.startswith(("//", "javascript:", "data:"))


def broken_links(site, path):
    """Internal links of ``path`` that lead nowhere, as readable strings."""
    broken = []
    for tag, attribute, url in parse(path).links:
        if not is_internal(url) or not url.strip():
            continue
        parts = urlsplit(url)
        target = (path.parent / unquote(parts.path) if parts.path else path).resolve()
        if target.is_dir():
            target = target / "index.html"
        if not target.is_relative_to(site.resolve()):
            broken.append(f"<{tag} {attribute}={url!r}> leaves the site")
        elif not target.is_file():
            broken.append(f"<{tag} {attribute}={url!r}> names a missing file")
        elif parts.fragment and target.suffix == ".html" and unquote(parts.fragment) not in parse(target).ids:
            broken.append(f"<{tag} {attribute}={url!r}> names a missing anchor")
    return broken


def test_every_internal_link_resolves(site):
    """Does every internal href/src on every page name an existing file, and an existing anchor in it?"""
    pages = html_files(site)
    assert len(pages) > 5, f"only {len(pages)} pages in {site}"
    problems = {}
    for path in pages:
        broken = broken_links(site, path)
        if broken:
            problems[str(path.relative_to(site))] = broken[:5]
    assert not problems, "broken internal links:\n" + "\n".join(f"{page}: {links}" for page, links in problems.items())


def test_link_checker_catches_broken_links(tmp_path):
    """Does the checker report a missing page, a missing anchor and a link out of the site (and pass good ones)?"""
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "a.html").write_text('<h1 id="top">A</h1><img src="../pic.png" alt="x">')
    (tmp_path / "pic.png").write_bytes(b"")
    page = tmp_path / "book" / "b.html"
    page.write_text(
        '<a href="a.html#top">ok</a> <a href="#here" id="here">ok</a> <a href="https://example.org">external</a>'
        ' <a href="missing.html">1</a> <a href="a.html#nowhere">2</a> <a href="../../outside.html">3</a>'
        ' <img src="../nope.png">'
    )
    broken = broken_links(tmp_path, page)
    assert len(broken) == 4, broken
    assert broken_links(tmp_path, tmp_path / "book" / "a.html") == []


class Glossary(html.parser.HTMLParser):
    """Entries of a Sphinx glossary: each entry's terms (dt) and the links in its definition (dd)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.entries, self.inside, self.depth = [], None, 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "dl" and "glossary" in (attrs.get("class") or "").split():
            self.depth = 1
        elif self.depth and tag == "dl":
            self.depth += 1
        elif self.depth == 1 and tag == "dt":
            if not self.entries or self.inside == "dd":  # a new entry starts after a definition
                self.entries.append({"terms": [], "links": []})
            self.entries[-1]["terms"].append("")
            self.inside = "dt"
        elif self.depth == 1 and tag == "dd":
            self.inside = "dd"
        elif self.depth and tag == "a" and self.inside == "dd" and attrs.get("href"):
            self.entries[-1]["links"].append(attrs["href"])

    def handle_endtag(self, tag):
        if self.depth and tag == "dl":
            self.depth -= 1
        elif tag == "dt" and self.inside == "dt":
            self.inside = None

    def handle_data(self, data):
        if self.inside == "dt":
            self.entries[-1]["terms"][-1] += data.strip().rstrip("#")


def glossary_entries(site):
    parser = Glossary()
    parser.feed((site / "book" / "glossary.html").read_text(encoding="utf-8"))
    return parser.entries


def test_glossary_is_bilingual_and_links_to_the_chapters(site):
    """Does every glossary entry give an English and a Chinese term and link to the chapter section teaching it?"""
    entries = glossary_entries(site)
    assert len(entries) >= 20, f"the glossary has only {len(entries)} entries"
    for entry in entries:
        name = entry["terms"][0]
        assert any(CJK.search(term) for term in entry["terms"]), f"glossary: '{name}' has no Chinese term"
        assert any(re.match(r"[A-Za-z]", term) for term in entry["terms"]), f"glossary: {entry['terms']} has no English"
        sections = [link for link in entry["links"] if re.match(r"ch\d+_\w+\.html#.", link)]
        assert sections, f"glossary: '{name}' links to no chapter section"
    english = [entry["terms"][0].lower() for entry in entries]
    assert english == sorted(english), "glossary entries must be in alphabetical order of their English term"


CHAPTER_PAGES = re.findall(r"file: book/(ch\d+_\w+)", (REPO / "_toc.yml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("chapter", CHAPTER_PAGES)
def test_chapter_links_its_terms_to_the_glossary(site, chapter):
    """Does each chapter link at least one of its terms to the glossary?"""
    links = [url for _, _, url in parse(site / "book" / f"{chapter}.html").links]
    assert any(re.match(r"glossary\.html#term-", url) for url in links), f"{chapter} links no term to the glossary"


@pytest.mark.parametrize("chapter", CHAPTER_PAGES)
def test_launch_and_repository_buttons_follow_the_config(site, chapter):
    """Do the page's Binder, Colab and repository links open this chapter in the repository _config.yml names?"""
    config = yaml.safe_load((REPO / "_config.yml").read_text(encoding="utf-8"))
    url, branch = config["repository"]["url"].rstrip("/"), config["repository"]["branch"]
    org_repo = urlsplit(url).path.strip("/")
    launch = config["launch_buttons"]
    interface = {"classic": "tree", "jupyterlab": "lab/tree"}[launch.get("notebook_interface", "classic")]
    expected = {url}
    if launch.get("binderhub_url"):
        expected.add(f"{launch['binderhub_url'].rstrip('/')}/v2/gh/{org_repo}/{branch}?urlpath={interface}/book/{chapter}.md")
    if launch.get("colab_url"):
        expected.add(f"{launch['colab_url'].rstrip('/')}/github/{org_repo}/blob/{branch}/book/{chapter}.md")
    links = {url for _, _, url in parse(site / "book" / f"{chapter}.html").links}
    assert expected <= links, f"{chapter} lacks {sorted(expected - links)}"
    downloads = [link for link in links if link.endswith(f"_sources/book/{chapter}.ipynb")]
    assert downloads, f"{chapter} offers no download of the page as a notebook"
