"""Does every figure on a Chinese page speak Chinese, and every figure on an English page English?

Each image a page of the built site shows is matched, by its bytes, with the output of the execution that
drew it (the site's execution cache, ``_build/.jupyter_cache``). On a Chinese page it must be an output
``book/page_figures.py`` drew for Chinese, with no message left untranslated and no text a reader sees
(title, labels, ticks, legend, annotations) that is English: Latin words outside ``$math$`` with no
Chinese, unless the page's catalog keeps that message as it is. On an English page no image may be
the Chinese one.
"""

import base64
import hashlib
import re

import pytest
import yaml
from bs4 import BeautifulSoup

from autograder.course import REPO

CACHE = REPO / "_build" / ".jupyter_cache"   # every execution of the pages that the site was built from
MATH = re.compile(r"(?<!\\)\$.*?(?<!\\)\$")
CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]")
WORD = re.compile(r"[A-Za-z]{2,}")


def toc_pages():
    """Every page of ``_toc.yml``, e.g. ``book/ch1_normalizing``."""
    toc = yaml.safe_load((REPO / "_toc.yml").read_text(encoding="utf-8"))
    pages = [toc["root"]]
    for part in toc.get("parts", []):
        pages += [chapter["file"] for chapter in part.get("chapters", [])]
    return pages


PAGES = toc_pages()


def english_texts(tag):
    """The texts of a figure drawn for Chinese that a reader sees in English."""
    kept = {text for message, text in (tag.get("labels") or {}).items() if message == text}
    return [text for text in tag["texts"]
            if text not in kept and not CJK.search(text) and WORD.search(MATH.sub("", text))]


def drawn_images(docname, cache_path=CACHE):
    """``{sha256 of the PNG: its bnweek tag, or None}`` for every image output of every cached execution of a page."""
    from jupyter_cache import get_cache

    cache = get_cache(cache_path)
    source = str(REPO / f"{docname}.md")
    found = {}
    for record in cache.list_cache_records():
        if record.uri != source:
            continue
        for cell in cache.get_cache_bundle(record.pk).nb.cells:
            for output in cell.get("outputs", []):
                for mime, data in output.get("data", {}).items():
                    if mime.startswith("image/") and mime != "image/svg+xml":
                        digest = hashlib.sha256(base64.b64decode(data)).hexdigest()
                        found[digest] = (output.get("metadata") or {}).get("bnweek")
    return found


def shown_images(html_file):
    """``(src, sha256)`` of every image in the page's article."""
    soup = BeautifulSoup(html_file.read_text(encoding="utf-8"), "html.parser")
    article = soup.select_one("article") or soup
    shown = []
    for img in article.find_all("img"):
        src = img.get("src", "")
        if src.startswith(("http:", "https:", "data:")):
            continue
        file = (html_file.parent / src).resolve()
        shown.append((src, hashlib.sha256(file.read_bytes()).hexdigest() if file.is_file() else None))
    return shown


@pytest.mark.book
@pytest.mark.parametrize("docname", PAGES, ids=lambda docname: docname.replace("book/", ""))
def test_each_edition_shows_figures_in_its_language(site, docname):
    """Is every figure on the Chinese page drawn for Chinese with every word translated, and none on the English page?"""
    drawn = drawn_images(docname)
    problems = []
    for src, digest in shown_images(site / "zh" / f"{docname}.html"):
        tag = drawn.get(digest)
        if tag is None or tag.get("language") != "zh_CN":
            problems.append(f"zh/{docname}: {src} was not drawn for Chinese "
                            f"({'an English figure' if tag else 'not drawn with page_figures'})")
            continue
        if tag.get("untranslated"):
            problems.append(f"zh/{docname}: {src} has untranslated words {tag['untranslated']}")
        if english_texts(tag):
            problems.append(f"zh/{docname}: {src} shows English text {english_texts(tag)[:5]}")
    for src, digest in shown_images(site / f"{docname}.html"):
        if (drawn.get(digest) or {}).get("language", "en") != "en":
            problems.append(f"{docname}: {src} is a Chinese figure on the English page")
    assert not problems, "\n".join(problems)


def test_english_text_is_told_from_chinese_and_math():
    """Does the check call a Latin word English, and let Chinese, math, numbers and kept words pass?"""
    tag = {"texts": ["epoch", "轮次 (epoch)", "$w_1$", "0.5", r"$\mathdefault{10^{-3}}$", "Keras", "BN 网络", "1e-3"],
           "labels": {"Keras": "Keras"}}
    assert english_texts(tag) == ["epoch"]
