"""One term, one translation: does the Chinese text use the glossary's Chinese term wherever the English uses its term?

``book/glossary.md`` is the source of truth: each entry lists its English terms, then its Chinese terms
(``Bessel's correction`` / ``unbiased variance`` / 贝塞尔校正 / 无偏方差). Where an entry has as many
Chinese terms as English ones they pair in order; otherwise any of its English terms asks for one of its
Chinese terms. A message that mentions an English term (plurals and hyphens included; code, math and
link targets left out) must have a translation that contains the Chinese term.
"""

import re
from dataclasses import dataclass

import pytest

from autograder.course import REPO
from autograder.notebook_i18n import read_catalog
from autograder.site.build import CATALOGS

GLOSSARY = REPO / "book" / "glossary.md"
CJK = re.compile(r"[\u4e00-\u9fff]")
# English phrases that contain a glossary term but name another thing, with the Chinese they take. The
# phrase is set aside before the terms are looked for, and its translation is required instead.
COMPOUNDS = {
    "activation function": "激活函数",
    "activation functions": "激活函数",
    "softmax activation": "激活函数",
}
# Other Chinese a glossary term may take where the English word names a neighbouring thing: "the
# activation" of a layer is often its activation function g (激活函数) rather than its values.
ALSO = {"activation": ("激活函数",)}
# Not the course's prose: code, math, link targets and the targets of roles.
NOT_PROSE = re.compile(r"```.*?```|\$\$.+?\$\$|\$[^$\s][^$]*?\$|`[^`]*`|\]\([^)]*\)|<[^<>]+>`", re.S)


@dataclass(frozen=True)
class Term:
    english: str
    chinese: tuple

    def pattern(self):
        words = [re.escape(word) for word in re.split(r"[\s-]+", self.english)]
        return re.compile(r"(?<![\w-])" + r"[\s-]+".join(words) + r"(?:s|es)?(?![\w-])", re.IGNORECASE)


def glossary_terms(path=GLOSSARY):
    """Every English term of the glossary with the Chinese term(s) it asks for."""
    text = path.read_text(encoding="utf-8")
    body = text.split(":::{glossary}", 1)[1].split("\n:::", 1)[0]
    terms, names = [], []
    for line in body.splitlines() + [""]:
        if line.strip() and not line.startswith((" ", "\t")):
            names.append(line.strip())
            continue
        if names:
            english = [name for name in names if not CJK.search(name)]
            chinese = [name for name in names if CJK.search(name)]
            if len(english) == len(chinese):
                terms += [Term(en, (zh,)) for en, zh in zip(english, chinese)]
            else:
                terms += [Term(en, tuple(chinese)) for en in english]
            names = []
    return terms


TERMS = glossary_terms()
CATALOG_FILES = sorted(CATALOGS.rglob("*.po"))


def test_glossary_pairs_every_english_term_with_chinese():
    """Does every glossary entry give its English terms a Chinese term?"""
    assert len(TERMS) >= 20, f"only {len(TERMS)} terms parsed from {GLOSSARY}"
    assert all(term.chinese for term in TERMS), [term.english for term in TERMS if not term.chinese]


def squeeze(text):
    return re.sub(r"\s+", "", text).lower()


def inconsistencies(msgid, msgstr, terms=TERMS):
    """The glossary terms ``msgid`` uses whose Chinese term ``msgstr`` lacks."""
    prose = NOT_PROSE.sub(" ", msgid)
    wanted = []
    for phrase, chinese in COMPOUNDS.items():
        pattern = re.compile(rf"(?<![\w-]){re.escape(phrase)}(?![\w-])", re.IGNORECASE)
        if pattern.search(prose):
            prose = pattern.sub(" ", prose)
            wanted.append((phrase, (chinese,)))
    wanted += [(term.english, term.chinese + ALSO.get(term.english, ())) for term in terms if term.pattern().search(prose)]
    translated = squeeze(msgstr)
    return [f"{english} -> {'/'.join(chinese)}" for english, chinese in wanted
            if not any(squeeze(zh) in translated for zh in chinese)]


@pytest.mark.parametrize("po", CATALOG_FILES, ids=lambda path: path.relative_to(CATALOGS).with_suffix("").as_posix())
def test_translations_use_the_glossary_terms(po):
    """In this catalog, does every translation use the glossary's Chinese term for each English term its message uses?"""
    names = {term.english.lower() for term in TERMS} | {zh for term in TERMS for zh in term.chinese}
    problems = []
    for message in read_catalog(po):
        if not message.id or not message.string or message.fuzzy or message.id.strip().lower() in names:
            continue  # untranslated ones are test_zh_catalogs' business; a glossary entry's own name stays
        missing = inconsistencies(message.id, message.string)
        if missing:
            problems.append(f"{'; '.join(missing)}: {message.id[:90]!r}")
    assert not problems, f"{len(problems)} translation(s) miss a glossary term:\n" + "\n".join(problems[:12])


def test_the_check_catches_a_wrong_term():
    """Would a translation that says 批量标准化 for Batch Norm be caught?"""
    assert inconsistencies("Batch Norm normalizes each unit.", "批量标准化对每个单元做标准化。")
    assert not inconsistencies("Batch Norm normalizes each unit.", "批归一化对每个单元做归一化。")
    assert not inconsistencies("Call `tf.Tensor` here.", "在这里调用 `tf.Tensor`。")
