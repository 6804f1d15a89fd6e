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


def test_link_checker_reads_every_kind_of_link(tmp_path):
    """Are srcset candidates, a meta refresh and a folder's index.html followed, and ids and names both anchors?"""
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.html").write_text('<a name="old">x</a>')
    page = tmp_path / "page.html"
    page.write_text('<img srcset="a.png 1x, b.png 2x"><meta http-equiv="Refresh" content="0; url=\'gone.html\'">'
                    '<a href="docs/#old">folder</a><a href="docs/#new">folder</a>')
    (tmp_path / "a.png").write_bytes(b"")
    assert parse(page).links[:3] == [("img", "srcset", "a.png"), ("img", "srcset", "b.png"),
                                     ("meta", "content", "gone.html")]
    assert broken_links(tmp_path, page) == ["<img srcset='b.png'> names a missing file",
                                            "<meta content='gone.html'> names a missing file",
                                            "<a href='docs/#new'> names a missing anchor"]


@pytest.mark.parametrize("url, internal", [
    ("page.html#x", True), ("#x", True), ("../a/b.png", True), ("https://example.org", False),
    ("//cdn.example.org/x.js", False), ("mailto:a@b.c", False), ("javascript:alert(1)", False),
    ("data:image/png;base64,AA", False),
])
def test_only_links_that_stay_on_the_site_are_checked(url, internal):
    """Are relative links internal, and absolute, protocol-relative, javascript: and data: URLs not?"""
    assert is_internal(url) is internal


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


# Links that stand for a repository or host nobody has set up: RFC 2606's reserved example domains, template
# holes, and the repository this course's configuration once named before it existed.
PLACEHOLDER_HOSTS = re.compile(r"(^|\.)example\.(com|org|net|edu)$")
PLACEHOLDER_TEXT = re.compile(r"\bbn-week/bn-week\b|your-(org|user|name|repo)|<[a-z-]+>|%3C|\{\{|OWNER/REPO", re.I)


def placeholder_links(urls):
    """The URLs among ``urls`` that point at a placeholder rather than a real place."""
    return sorted(url for url in urls
                  if PLACEHOLDER_TEXT.search(url) or PLACEHOLDER_HOSTS.search(urlsplit(url).hostname or ""))


def test_placeholder_detector():
    """Does the detector flag the old placeholder repository, example hosts and template holes, and nothing else?"""
    bad = ["https://github.com/bn-week/bn-week", "https://mybinder.org/v2/gh/bn-week/bn-week/main?urlpath=lab",
           "https://hub.example.edu/hub", "https://github.com/<org>/<repo>", "https://github.com/your-org/bn"]
    good = ["https://arxiv.org/abs/1502.03167", "https://github.com/keras-team/keras", "../book/ch1.html#top"]
    assert placeholder_links(bad + good) == sorted(bad)


def test_no_link_on_the_site_points_at_a_placeholder(site):
    """Does every link of every page, internal or not, lead to a real place rather than a placeholder?"""
    problems = {}
    for path in html_files(site):
        found = placeholder_links(url for _, _, url in parse(path).links)
        if found:
            problems[str(path.relative_to(site))] = found[:3]
    assert not problems, "links to placeholders:\n" + "\n".join(f"{page}: {links}" for page, links in problems.items())


def public_repository(config):
    """``_config.yml``'s public edition repository (``sphinx.config.bnweek_public_repository``)."""
    public = config["sphinx"]["config"].get("bnweek_public_repository") or {}
    return {"url": (public.get("url") or "").strip(), "branch": public.get("branch") or "main"}


def test_configured_repository_is_not_a_placeholder():
    """Is _config.yml's public repository either empty (no buttons) or a real-looking repository?"""
    url = public_repository(yaml.safe_load((REPO / "_config.yml").read_text(encoding="utf-8")))["url"]
    assert not placeholder_links([url]) if url else True, f"_config.yml names a placeholder repository: {url}"


def _button_links(config, chapter):
    """The repository, Binder and Colab links a chapter must carry under ``config``: the public edition's."""
    public = public_repository(config)
    url, branch = public["url"].rstrip("/"), public["branch"]
    org_repo = urlsplit(url).path.strip("/")
    launch = config["launch_buttons"]
    interface = {"classic": "tree", "jupyterlab": "lab/tree"}[launch.get("notebook_interface", "classic")]
    expected = {url}
    if launch.get("binderhub_url"):
        expected.add(f"{launch['binderhub_url'].rstrip('/')}/v2/gh/{org_repo}/{branch}?urlpath={interface}/book/{chapter}.ipynb")
    if launch.get("colab_url"):
        expected.add(f"{launch['colab_url'].rstrip('/')}/github/{org_repo}/blob/{branch}/book/{chapter}.ipynb")
    return expected


@pytest.mark.parametrize("chapter", CHAPTER_PAGES)
def test_launch_and_repository_buttons_follow_the_config(site, chapter):
    """With a public repository configured, do its buttons open this chapter's notebook there (and never the private
    repository); without one, is there no button at all?"""
    config = yaml.safe_load((REPO / "_config.yml").read_text(encoding="utf-8"))
    links = {url for _, _, url in parse(site / "book" / f"{chapter}.html").links}
    private = (config["repository"]["url"] or "").strip().rstrip("/")
    if private and private != public_repository(config)["url"].rstrip("/"):
        assert not [link for link in links if link.startswith(private)], f"{chapter} links the private repository"
    if public_repository(config)["url"]:
        expected = _button_links(config, chapter)
        assert expected <= links, f"{chapter} lacks {sorted(expected - links)}"
    else:
        launch = config["launch_buttons"]
        services = [launch[key].rstrip("/") for key in ("binderhub_url", "colab_url", "jupyterhub_url") if launch.get(key)]
        offending = sorted(link for link in links if any(link.startswith(service) for service in services))
        assert not offending, f"{chapter}: launch buttons without a configured repository: {offending}"
    downloads = [link for link in links if link.endswith(f"_sources/book/{chapter}.ipynb")]
    assert downloads, f"{chapter} offers no download of the page as a notebook"


def test_repository_buttons_extension_follows_one_setting():
    """Does book/_ext/repository_buttons.py show the buttons exactly when repository_url is set?"""
    import importlib.util

    spec = importlib.util.spec_from_file_location("repository_buttons", REPO / "book" / "_ext" / "repository_buttons.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    launch = {"binderhub_url": "https://mybinder.org", "colab_url": "https://colab.research.google.com",
              "notebook_interface": "jupyterlab"}
    off = module.follow_repository({"repository_url": "", "use_repository_button": True, "launch_buttons": dict(launch)})
    assert off["use_repository_button"] is False and off["launch_buttons"] == {"notebook_interface": "jupyterlab"}
    on = module.follow_repository({"repository_url": "https://github.com/org/course", "launch_buttons": dict(launch)})
    assert on["use_repository_button"] is True and on["launch_buttons"] == launch
    # The private source repository is never what the buttons open: the public edition's is, or none.
    private = {"repository_url": "https://github.com/org/course-private", "launch_buttons": dict(launch)}
    hidden = module.use_public_repository(dict(private), {})
    assert hidden["repository_url"] == "" and hidden["use_repository_button"] is False
    public = module.use_public_repository(dict(private), {"url": "https://github.com/org/course", "branch": "gh"})
    assert public["repository_url"] == "https://github.com/org/course" and public["repository_branch"] == "gh"
