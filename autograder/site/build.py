"""Build the website in both editions with Jupyter Book, and optionally grade a demo class.

The English edition goes to ``_build/html``, the Chinese one beside it to ``_build/html/zh``, from the
same pages: the Chinese edition is the same Sphinx project built with ``language = "zh_CN"``, its text
taken from the message catalogs in ``locale/zh_CN/LC_MESSAGES/`` (Sphinx's i18n), its code, formulas
and outputs from the pages themselves. Pages are executed with Jupyter Book's cache, shared by both
editions, so an unchanged page is not re-run on rebuild and the Chinese build executes nothing: it
reads what the English build executed. Warnings are errors, so a broken reference or a failing cell
stops the build. (MyST-NB and the theme keep a build's executed notebooks in the folder above its
output, so the Chinese build's copy is ``_build/html/jupyter_execute``: the same executed pages that
the English site already offers for download, unlinked.)

A page's figures are drawn in both languages by that one execution (``book/page_figures.py``): the
executing build tells the kernels which languages to draw (``BNWEEK_FIGURE_LANGUAGES``), and each
edition keeps its own (``book/_ext/editions.py``). The cache knows a page by its code alone, so before
building, a page whose Chinese figures were drawn with other translations than its catalog now holds
is dropped from the cache, and executes again (:func:`forget_stale_figures`).

``update_catalogs`` (``./course translate``) re-extracts the English messages of the pages and of the
student notebooks (``_build/gettext/*.pot``) and merges them into the catalogs with ``sphinx-intl``:
new messages arrive untranslated, changed ones fuzzy, deleted ones obsolete, and
``tests/test_zh_catalogs.py`` fails until a translator has dealt with each.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from autograder.course import REPO

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

log = logging.getLogger(__name__)

BUILD = REPO / "_build"
SITE = BUILD / "html"
LOCALE = REPO / "locale"
LANGUAGE = "zh_CN"
CATALOGS = LOCALE / LANGUAGE / "LC_MESSAGES"
GETTEXT = BUILD / "gettext"
CONFIG = REPO / "_config.yml"
TOC = REPO / "_toc.yml"
CACHE = BUILD / ".jupyter_cache"
PAGE_FIGURES = REPO / "book" / "page_figures.py"


@dataclass(frozen=True)
class Edition:
    """One language of the site: where it goes and what it changes in ``_config.yml``'s settings."""

    language: str
    site: Path
    doctrees: Path
    overrides: dict = field(default_factory=dict)


ENGLISH = Edition("en", SITE, BUILD / ".doctrees")
CHINESE = Edition(LANGUAGE, SITE / "zh", BUILD / f".doctrees-{LANGUAGE}", {
    "language": LANGUAGE,
    "html_title": "BN Week 中文版",
    # The counterpart of every page is one folder up (the English site's root).
    "bnweek_language_links": [{"label": "English", "lang": "en", "root": ".."}],
    "bnweek_language_label": "语言 / Language",
})
EDITIONS = (ENGLISH, CHINESE)


def sphinx(builder: str, outdir: str | os.PathLike[str], doctrees: str | os.PathLike[str],
           overrides: dict[str, Any] | None = None) -> subprocess.CompletedProcess[str]:
    """Run Jupyter Book's Sphinx build of the repository in a fresh process, warnings as errors.

    It is ``jupyter-book build`` with ``--warningiserror --keep-going``, plus ``overrides`` of
    Sphinx settings and a doctree folder of the caller's choice (one per edition and builder).

    Returns
    -------
    subprocess.CompletedProcess
    """
    spec = {"builder": builder, "outdir": str(outdir), "doctrees": str(doctrees), "overrides": overrides or {}}
    command = [sys.executable, "-m", "autograder.site.build", json.dumps(spec, ensure_ascii=False)]
    figures = page_figures()
    # The one execution draws every edition's figures (book/page_figures.py reads this).
    env = {**os.environ, figures.LANGUAGES_VARIABLE: ",".join(edition.language for edition in EDITIONS)}
    return subprocess.run(command, cwd=REPO, text=True, capture_output=True, env=env)


def page_figures():
    """The pages' figure helper, ``book/page_figures.py`` (a module of the book, not of this package)."""
    spec = importlib.util.spec_from_file_location("page_figures", PAGE_FIGURES)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def stale_figures(notebook: dict, translations: Mapping[str, Mapping[str, Mapping[str, str]]]) -> list[str]:
    """What in an executed page's figures differs from the current catalogs.

    Parameters
    ----------
    notebook : dict
        An executed page (nbformat's JSON form).
    translations : dict
        ``{language: {page: {message: translation}}}``-like lookup, called as ``translations[language][page]``.

    Returns
    -------
    list of str
        ``"<page>: <message>"`` for every message a figure was drawn with a translation (or without one)
        that is no longer the catalog's.
    """
    stale = []
    for cell in notebook.get("cells", []):
        for output in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            tag = (output.get("metadata") or {}).get("bnweek") or {}
            language, page = tag.get("language"), tag.get("page")
            if not language or language == ENGLISH.language or not page:
                continue
            current = translations[language][page]
            used = dict(tag.get("labels") or {}, **{message: "" for message in tag.get("untranslated") or []})
            stale += [f"{page}: {message}" for message, text in used.items() if current.get(message, "") != text]
    return stale


def forget_stale_figures(cache_path: Path = CACHE) -> list[str]:
    """Drop from the execution cache every page whose translated figures are stale; returns what was stale."""
    if not cache_path.is_dir():
        return []
    from jupyter_cache import get_cache

    figures = page_figures()

    class Catalogs(dict):
        def __init__(self, language):
            super().__init__()
            self.language = language

        def __missing__(self, page):
            self[page] = figures.catalog(page, self.language, LOCALE)
            return self[page]

    translations = {edition.language: Catalogs(edition.language) for edition in EDITIONS}
    cache = get_cache(cache_path)
    forgotten = []
    for record in cache.list_cache_records():
        stale = stale_figures(cache.get_cache_bundle(record.pk).nb, translations)
        if stale:
            log.info(f"executing {record.uri} again: its figures' translations changed ({stale[0]}, ...)")
            cache.remove_cache(record.pk)
            forgotten += stale
    return forgotten


def _sphinx_main(spec):
    """The child process of :func:`sphinx`: what ``jupyter-book build`` does, with the given settings."""
    from jupyter_book.sphinx import build_sphinx

    overrides = {"external_toc_path": TOC.as_posix(), "latex_individualpages": False, **spec["overrides"]}
    result = build_sphinx(REPO, Path(spec["outdir"]), use_external_toc=True, noconfig=True, path_config=str(CONFIG),
                          confoverrides=overrides, doctreedir=Path(spec["doctrees"]), builder=spec["builder"],
                          warningiserror=True, keep_going=True)
    return result if isinstance(result, int) else 1


def build_edition(edition: Edition, builder: str = "html") -> subprocess.CompletedProcess[str]:
    """Build one edition; returns the ``subprocess.CompletedProcess``."""
    return sphinx(builder, edition.site, edition.doctrees, edition.overrides)


class BookBuild(subprocess.CompletedProcess[str]):
    """The editions' builds as one ``subprocess.CompletedProcess``, with each edition's wall time and log."""

    def __init__(self, args: list[str], returncode: int, stdout: str, stderr: str, seconds: dict[str, float],
                 logs: dict[str, str]) -> None:
        super().__init__(args, returncode, stdout, stderr)
        self.seconds = seconds  # wall seconds per edition, by language
        self.logs = logs  # each edition's own log, by language


def build_book(editions: Sequence[Edition] = EDITIONS) -> BookBuild:
    """Build every edition in turn (English first: it executes what changed; the others reuse it).

    Returns
    -------
    BookBuild
        A ``subprocess.CompletedProcess``: their logs one after the other; the first non-zero exit status, else 0.
        Stops at a failure. ``seconds`` and ``logs`` give each edition's wall time and log, by language.
    """
    stdout: list[str] = []
    stderr: list[str] = []
    seconds: dict[str, float] = {}
    logs: dict[str, str] = {}
    forget_stale_figures()
    for edition in editions:
        started = time.perf_counter()
        result = build_edition(edition)
        seconds[edition.language] = time.perf_counter() - started
        logs[edition.language] = result.stdout + result.stderr
        stdout.append(result.stdout)
        stderr.append(result.stderr)
        if result.returncode != 0:
            break
    return BookBuild([e.language for e in editions], result.returncode, "".join(stdout), "".join(stderr),
                     seconds, logs)


def extract_messages() -> subprocess.CompletedProcess[str]:
    """Write the English messages of every page and student notebook to ``_build/gettext/**.pot``.

    The pages' messages come from Sphinx's gettext builder (reading the executed pages from the cache),
    the notebooks' from :mod:`autograder.notebook_i18n`.

    Returns
    -------
    subprocess.CompletedProcess
        The gettext build's.
    """
    from autograder import notebook_i18n

    result = sphinx("gettext", GETTEXT, BUILD / ".doctrees-gettext")
    if result.returncode == 0:
        notebook_i18n.write_templates(GETTEXT)
    return result


def update_catalogs() -> None:
    """Re-extract the English messages and merge them into ``locale/zh_CN/LC_MESSAGES/**.po``."""
    result = extract_messages()
    if result.returncode != 0:
        sys.stdout.write(result.stdout[-6000:])
        sys.stderr.write(result.stderr[-6000:])
        raise SystemExit("extracting the English messages failed; see the messages above")
    sphinx_intl = Path(sys.executable).with_name("sphinx-intl")
    subprocess.run([str(sphinx_intl), "update", "-p", str(GETTEXT), "-d", str(LOCALE), "-l", LANGUAGE,
                    "--line-width", "-1"], cwd=REPO, check=True)
    from autograder import notebook_i18n

    todo = notebook_i18n.catalog_status(GETTEXT, CATALOGS)
    log.info(todo.summary())


def main(*, demo_grade: bool = False) -> None:
    """Build both editions of the site; with ``demo_grade``, also grade a small demo class."""
    log.info("building the website, English then Chinese (the first build executes every chapter; a few minutes)")
    result = build_book()
    if result.returncode != 0:
        sys.stdout.write(result.stdout[-6000:])
        sys.stderr.write(result.stderr[-6000:])
        raise SystemExit("the website build failed; see the messages above")
    timing = ", ".join(f"{language} {seconds:.1f} s" for language, seconds in result.seconds.items())
    log.info(f"website built ({timing}): open {ENGLISH.site / 'index.html'} (English) "
          f"or {CHINESE.site / 'index.html'} (中文)")
    if demo_grade:
        from autograder import demo

        demo.main(output=REPO / "grading-output" / "demo")


if __name__ == "__main__":
    sys.exit(_sphinx_main(json.loads(sys.argv[1])))
