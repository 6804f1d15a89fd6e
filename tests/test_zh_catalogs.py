"""Is the Chinese edition complete and in step with the English text?

The English messages are extracted afresh from the current pages and student notebooks (Sphinx's
gettext builder reads the executed pages from the build's cache; ``autograder.notebook_i18n`` reads the
notebooks) and compared with ``locale/zh_CN/LC_MESSAGES/``: a message with no translation, a fuzzy one
(its English changed) or an obsolete one (its English is gone) fails, so an English edit without its
translation fails the suite on purpose. ``./course translate`` refreshes the catalogs (CONTRIBUTING.md).
"""

import re

import pytest

from autograder.course import REPO, assignments
from autograder.notebook_i18n import catalog_status, is_prose, read_catalog
from autograder.site.build import CATALOGS, GETTEXT, extract_messages

PAGES = [page.removeprefix("book/") for page in re.findall(r"(?:root|file): (book/\w+)", (REPO / "_toc.yml").read_text())]
DOMAINS = [f"book/{page}" for page in PAGES] + [f"exercises/{assignment}" for assignment in assignments()]
CJK = re.compile(r"[\u4e00-\u9fff]")
# What must reach the Chinese text unchanged: the targets of roles ({term}`text <target>`), math, inline
# code and link targets.
ROLE = re.compile(r"\{([a-z][\w:-]*)\}`([^`]*)`")
KEPT = re.compile(r"\$\$.+?\$\$|\$[^$\s][^$]*?\$|`[^`]+`|\]\(([^)]+)\)")


@pytest.fixture(scope="module")
def status(site):
    """Templates extracted from the current sources, compared with the catalogs."""
    result = extract_messages()
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return catalog_status(GETTEXT, CATALOGS)


def _show(messages, limit=5):
    return "\n".join(f"  - {message[:110]!r}" for message in messages[:limit]) + (
        f"\n  ... and {len(messages) - limit} more" if len(messages) > limit else "")


REFRESH = "run ./course translate, then translate what it reports (CONTRIBUTING.md, 'Translations')"


@pytest.mark.book
@pytest.mark.parametrize("domain", DOMAINS)
def test_every_message_has_a_translation(status, domain):
    """Does every English message of the page or notebook have a finished (non-fuzzy) translation?"""
    assert domain in status.counts, f"no English messages extracted for {domain}"
    assert domain not in status.missing, f"locale/zh_CN/LC_MESSAGES/{domain}.po is missing: {REFRESH}"
    untranslated = status.untranslated.get(domain, [])
    assert not untranslated, f"{domain}: {len(untranslated)} message(s) untranslated; {REFRESH}\n{_show(untranslated)}"
    fuzzy = status.fuzzy.get(domain, [])
    assert not fuzzy, f"{domain}: {len(fuzzy)} fuzzy message(s) (the English changed); {REFRESH}\n{_show(fuzzy)}"


@pytest.mark.book
@pytest.mark.parametrize("domain", DOMAINS)
def test_no_obsolete_translation(status, domain):
    """Does the catalog hold only messages of the current English text (no obsolete ones)?"""
    obsolete = status.obsolete.get(domain, [])
    assert not obsolete, f"{domain}: {len(obsolete)} obsolete message(s); {REFRESH} and delete them\n{_show(obsolete)}"


def translations(domain):
    path = CATALOGS / f"{domain}.po"
    if not path.is_file():
        pytest.fail(f"{path.relative_to(REPO)} is missing: {REFRESH}")
    return [(m.id, m.string) for m in read_catalog(path) if m.id and m.string and not m.fuzzy]


def role_target(content):
    target = re.search(r"<([^<>]+)>\s*$", content)
    return (target.group(1) if target else content).strip().lower()


def kept(text):
    """Role targets, math spans, code spans and link targets of a message."""
    found = {f"{{{role}}}{role_target(content)}" for role, content in ROLE.findall(text)}
    for match in KEPT.finditer(ROLE.sub(" ", text)):
        found.add(match.group(1) or match.group(0))
    return found


@pytest.mark.parametrize("domain", DOMAINS)
def test_translations_are_chinese(domain):
    """Is every translated sentence written in Chinese (not the English copied over)?"""
    english = [msgid for msgid, msgstr in translations(domain)
               if is_prose(msgid) and len(re.findall(r"[A-Za-z]{2,}", KEPT.sub(" ", ROLE.sub(" ", msgid)))) >= 4
               and not CJK.search(msgstr)]
    assert not english, f"{domain}: {len(english)} translation(s) with no Chinese in them\n{_show(english)}"


@pytest.mark.parametrize("domain", DOMAINS)
def test_translations_keep_code_math_and_links(domain):
    """Does every translation keep its message's formulas, code, links and cross-references unchanged?"""
    lost = []
    for msgid, msgstr in translations(domain):
        missing = kept(msgid) - kept(msgstr)
        if missing:
            lost.append(f"{sorted(missing)[:3]} lost from: {msgid[:80]}")
    assert not lost, f"{domain}: {len(lost)} translation(s) drop shared content\n{_show(lost)}"
