"""The student notebooks' prose as gettext messages, and notebooks translated through the catalogs.

A student notebook's markdown cells are split into the blocks a reader sees (headings, paragraphs,
list items, table cells), one message each, the same granularity as Sphinx's messages for the book's
pages. Their templates go to ``_build/gettext/exercises/<id>.pot`` beside the pages' and their
translations live beside the pages' too, in ``locale/zh_CN/LC_MESSAGES/exercises/<id>.po``, so that
``sphinx-intl update`` refreshes them and ``tests/test_zh_catalogs.py`` keeps them complete.
:func:`translate_notebook` replaces each block by its translation and leaves code cells, their
metadata and every formula-only or code-only block exactly as they are.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po
from markdown_it import MarkdownIt

from autograder.course import EXERCISES, assignments

if TYPE_CHECKING:
    import os
    from collections.abc import Callable, Mapping

    PathLike = str | os.PathLike[str]

#: A notebook as a dict (a NotebookNode stays one through translate_notebook's copy).
_Notebook = TypeVar("_Notebook", bound=dict[str, Any])

_MARKDOWN = MarkdownIt("commonmark").enable("table")
# What a block is made of besides prose: math, inline code, links' targets, emphasis marks, numbers.
_NOT_PROSE = re.compile(r"\$\$.*?\$\$|\$[^$]*\$|`[^`]*`|\]\([^)]*\)|[\W\d_]+", re.S)


def is_prose(text: str) -> bool:
    """Does ``text`` hold a word to translate (not only math, code, punctuation and numbers)?"""
    return bool(re.search(r"[A-Za-z]{2,}", _NOT_PROSE.sub(" ", text)))


@dataclass
class Block:
    """One translatable block of a markdown cell: source lines ``start:end`` hold ``text`` after ``prefix``."""

    start: int
    end: int
    prefix: str
    text: str
    continuation: str = ""
    cells: list = field(default_factory=list)  # for a table row: the stripped text of each cell


def blocks(source: str) -> list[Block]:
    """The translatable blocks of one markdown cell's source, in order."""
    lines = source.split("\n")
    tokens = _MARKDOWN.parse(source)
    found = []
    for index, token in enumerate(tokens):
        if token.type == "tr_open" and token.map:
            row = lines[token.map[0]]
            cells = [cell.strip() for cell in row.strip().strip("|").split("|")]
            if any(is_prose(cell) for cell in cells):
                found.append(Block(token.map[0], token.map[0] + 1, "", row, cells=cells))
            continue
        if token.type != "inline" or index == 0 or tokens[index - 1].type not in ("paragraph_open", "heading_open"):
            continue
        opener = tokens[index - 1]
        if not opener.map or not is_prose(token.content):
            continue
        if any(t.type in ("th_open", "td_open") for t in tokens[max(0, index - 2):index]):
            continue
        start, end = opener.map
        first = token.content.split("\n")[0]
        position = lines[start].find(first)
        prefix = lines[start][:position] if position >= 0 else ""
        if end - start > 1:
            second = token.content.split("\n")[1] if "\n" in token.content else ""
            where = lines[start + 1].find(second) if second else -1
            continuation = lines[start + 1][:where] if where >= 0 else " " * len(prefix)
        else:
            continuation = "> " if prefix.lstrip().startswith(">") else " " * len(prefix)
        # One line per message, as Sphinx's are: re-wrapping a paragraph changes no message.
        text = re.sub(r"[ \t]*\n[ \t]*", " ", token.content.strip())
        if opener.type == "heading_open":
            end = start + 1
        found.append(Block(start, end, prefix, text, continuation))
    return found


def notebook_messages(notebook: Mapping[str, Any]) -> list[str]:
    """Every message of a notebook's markdown cells, in order, without repeats."""
    seen: dict[str, None] = {}
    for cell in notebook["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        for block in blocks(_source(cell)):
            for text in (block.cells if block.cells else [block.text]):
                if is_prose(text):
                    seen.setdefault(text, None)
    return list(seen)


def translate_notebook(notebook: _Notebook, translate: Callable[[str], str | None]) -> _Notebook:
    """A copy of ``notebook`` whose markdown blocks are replaced by ``translate(text)`` where it gives one.

    ``translate`` returns the translation or a false value (the block stays English).
    """
    translated = copy.deepcopy(notebook)
    for cell in translated["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        source = _source(cell)
        lines = source.split("\n")
        for block in reversed(blocks(source)):
            if block.cells:
                row = lines[block.start]
                for text in block.cells:
                    target = translate(text) if is_prose(text) else None
                    if target:
                        row = row.replace(f" {text} ", f" {target} ", 1)
                lines[block.start] = row
                continue
            target = translate(block.text)
            if not target:
                continue
            new = target.split("\n")
            lines[block.start:block.end] = [block.prefix + new[0]] + [block.continuation + line for line in new[1:]]
        cell["source"] = "\n".join(lines)
    return translated


def _source(cell):
    return cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])


def template(assignment: str) -> Catalog:
    """A gettext template (babel ``Catalog``) of the messages of ``exercises/<id>/<id>.ipynb``."""
    import nbformat

    notebook = nbformat.read(EXERCISES / assignment / f"{assignment}.ipynb", as_version=4)
    catalog = Catalog(project="BN Week", version="", domain=f"exercises/{assignment}", charset="utf-8")
    for text in notebook_messages(notebook):
        catalog.add(text)
    return catalog


def write_templates(gettext_dir: PathLike) -> None:
    """Write ``gettext_dir/exercises/<id>.pot`` for every assignment."""
    folder = Path(gettext_dir) / "exercises"
    folder.mkdir(parents=True, exist_ok=True)
    for assignment in assignments():
        with open(folder / f"{assignment}.pot", "wb") as out:
            write_po(out, template(assignment), width=-1, omit_header=False)


def read_catalog(path: PathLike) -> Catalog:
    """A ``.po`` or ``.pot`` file as a babel ``Catalog``."""
    with open(path, "rb") as handle:
        return read_po(handle, charset="utf-8")


def translator(po_file: PathLike) -> Callable[[str], str | None]:
    """``translate(text)``: the finished (non-fuzzy, non-empty) translation in ``po_file``, else None."""
    if not Path(po_file).is_file():
        return lambda text: None
    catalog = read_catalog(po_file)

    def translate(text: str) -> str | None:
        message = catalog.get(text)
        if message is None or message.fuzzy or not message.string:
            return None
        return cast(str, message.string)  # the book's catalogues have no plural messages

    return translate


@dataclass
class Status:
    """What a catalog lacks against its template: messages untranslated, fuzzy, obsolete, or no file."""

    untranslated: dict = field(default_factory=dict)  # domain -> [msgid]
    fuzzy: dict = field(default_factory=dict)
    obsolete: dict = field(default_factory=dict)
    missing: list = field(default_factory=list)  # domains with a template but no catalog
    counts: dict = field(default_factory=dict)  # domain -> number of messages in the template

    @property
    def complete(self) -> bool:
        return not (self.missing or any(self.untranslated.values()) or any(self.fuzzy.values())
                    or any(self.obsolete.values()))

    def summary(self) -> str:
        total = sum(self.counts.values())
        lines = [f"{total} English messages in {len(self.counts)} templates"]
        for name, kind in (("untranslated", self.untranslated), ("fuzzy", self.fuzzy), ("obsolete", self.obsolete)):
            for domain, ids in sorted(kind.items()):
                if ids:
                    lines.append(f"  {domain}: {len(ids)} {name}")
        lines += [f"  {domain}: no catalog" for domain in self.missing]
        if self.complete:
            lines.append("every message is translated")
        return "\n".join(lines)


def catalog_status(gettext_dir: PathLike, catalogs_dir: PathLike) -> Status:
    """Compare every template under ``gettext_dir`` with its catalog under ``catalogs_dir``."""
    status = Status()
    gettext_dir, catalogs_dir = Path(gettext_dir), Path(catalogs_dir)
    for pot in sorted(gettext_dir.rglob("*.pot")):
        domain = pot.relative_to(gettext_dir).with_suffix("").as_posix()
        if domain == "sphinx":
            continue  # Sphinx's own strings (none of the course's text): translated by Sphinx itself
        wanted = [message.id for message in read_catalog(pot) if message.id]
        status.counts[domain] = len(wanted)
        po = catalogs_dir / f"{domain}.po"
        if not po.is_file():
            status.missing.append(domain)
            continue
        catalog = read_catalog(po)
        present = {message.id: message for message in catalog if message.id}
        status.untranslated[domain] = [i for i in wanted if i not in present or not present[i].string]
        status.fuzzy[domain] = [i for i in wanted if i in present and present[i].fuzzy]
        status.obsolete[domain] = sorted(set(present) - set(wanted)) + [m.id for m in catalog.obsolete.values()]
    return status
