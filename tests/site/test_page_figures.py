"""Does each edition show its own figures, drawn by one execution with words from the page's catalog?

``book/page_figures.py`` draws a figure once per language and tags each image; ``book/_ext/editions.py``
keeps an edition's own; ``autograder/site/build.py`` executes a page again when the translations its
figures used have changed. The worked example is a one-page fixture book built in both languages the
way the course's site is (MyST-NB's cache shared by the two builds, the English one executing).
"""

import base64
import hashlib
import json
import os
import re
import subprocess
import sys
import textwrap

import pytest

from autograder.course import REPO
from autograder.site import build

BOOK = REPO / "book"

PAGE = textwrap.dedent('''\
    ---
    jupytext:
      text_representation:
        format_name: myst
    kernelspec:
      display_name: Python 3
      name: python3
    ---
    # Costs

    The cost falls.

    ```{code-cell} ipython3
    import sys
    sys.path.insert(0, BOOK)
    import matplotlib
    matplotlib.use("module://matplotlib_inline.backend_inline")
    import matplotlib.pyplot as plt
    from page_figures import Figures

    figures = Figures("costs", locale=LOCALE)
    cost = [1.0, 0.5, 0.25, 0.2]
    ```

    ```{code-cell} ipython3
    ---
    mystnb:
      image:
        alt: The cost falls over four epochs.
      figure:
        caption: The cost per epoch.
        name: fig-costs
    ---
    def draw(_):
        fig, ax = plt.subplots(figsize=(3, 2))
        ax.plot(cost, label=_("plain network"))
        ax.set_xlabel(_("epoch"))
        ax.set_title(_("learning rate {lr}", lr=0.1))
        ax.legend()
        return fig

    figures.show(draw)
    ```
    ''')

CATALOG = textwrap.dedent('''\
    msgid ""
    msgstr ""
    "Content-Type: text/plain; charset=UTF-8\\n"

    msgid "Costs"
    msgstr "代价"

    msgid "The cost falls."
    msgstr "代价下降。"

    msgid "The cost falls over four epochs."
    msgstr "代价在四轮中下降。"

    msgid "The cost per epoch."
    msgstr "每轮的代价。"

    msgid "plain network"
    msgstr "普通网络"

    msgid "epoch"
    msgstr "{epoch}"

    msgid "learning rate {lr}"
    msgstr "学习率 {lr}"
    ''')

CONF = textwrap.dedent(f'''\
    import sys
    sys.path.insert(0, {str(BOOK / "_ext")!r})
    extensions = ["myst_nb", "editions"]
    nb_execution_mode = "cache"
    nb_execution_cache_path = "_build/.jupyter_cache"
    locale_dirs = ["locale"]
    gettext_compact = False
    gettext_location = False
    numfig = True
    master_doc = "costs"
    exclude_patterns = ["_build", "locale"]
    ''')


def _make_book(root, epoch="轮次"):
    root.mkdir(parents=True, exist_ok=True)
    page = PAGE.replace("BOOK)", f"{str(BOOK)!r})").replace("locale=LOCALE", f"locale={str(root / 'locale')!r}")
    (root / "costs.md").write_text(page, encoding="utf-8")
    (root / "conf.py").write_text(CONF, encoding="utf-8")
    catalog = root / "locale" / "zh_CN" / "LC_MESSAGES" / "book"
    catalog.mkdir(parents=True, exist_ok=True)
    (catalog / "costs.po").write_text(CATALOG.replace("{epoch}", epoch), encoding="utf-8")
    # Sphinx reads the page's catalog by docname (costs), the figures by page name under book/.
    (root / "locale" / "zh_CN" / "LC_MESSAGES" / "costs.po").write_text(CATALOG.replace("{epoch}", epoch),
                                                                         encoding="utf-8")


def _sphinx(root, builder, out, language=None):
    env = {**os.environ, build.page_figures().LANGUAGES_VARIABLE: "en,zh_CN"}
    command = [sys.executable, "-m", "sphinx", "-b", builder, "-W", "--keep-going", "-q", "-d", str(out / ".doctrees"),
               str(root), str(out)]
    if language:
        command[3:3] = ["-D", f"language={language}"]
    result = subprocess.run(command, cwd=root, capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def _images(html_file):
    """The sha256 of every image the page shows."""
    html = html_file.read_text(encoding="utf-8")
    return [hashlib.sha256((html_file.parent / src).read_bytes()).hexdigest()
            for src in re.findall(r'<img[^>]* src="([^"]+)"', html)]


def _tagged_images(notebook_file):
    """``{language: [(sha256, bnweek metadata)]}`` of the executed page's image outputs."""
    notebook = json.loads(notebook_file.read_text(encoding="utf-8"))
    found = {}
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            if "image/png" in output.get("data", {}):
                tag = output["metadata"]["bnweek"]
                digest = hashlib.sha256(base64.b64decode(output["data"]["image/png"])).hexdigest()
                found.setdefault(tag["language"], []).append((digest, tag))
    return found


@pytest.mark.book
def test_each_edition_shows_its_own_figure_from_one_execution(tmp_path):
    """Built in English then Chinese from one execution, does each edition show exactly its language's figure,
    with the catalog's words, and does the gettext build extract the figure's words?"""
    root = tmp_path / "book"
    _make_book(root)
    _sphinx(root, "html", root / "_build" / "html")
    _sphinx(root, "html", root / "_build" / "html" / "zh", language="zh_CN")
    executed = _tagged_images(root / "_build" / "jupyter_execute" / "costs.ipynb")
    assert set(executed) == {"en", "zh_CN"} and all(len(images) == 1 for images in executed.values())
    (english, en_tag), (chinese, zh_tag) = executed["en"][0], executed["zh_CN"][0]
    assert english != chinese
    assert {"plain network", "epoch", "learning rate 0.1"} <= set(en_tag["texts"])
    assert {"普通网络", "轮次", "学习率 0.1"} <= set(zh_tag["texts"]) and not zh_tag["untranslated"]
    assert _images(root / "_build" / "html" / "costs.html") == [english]
    assert _images(root / "_build" / "html" / "zh" / "costs.html") == [chinese]
    zh_html = (root / "_build" / "html" / "zh" / "costs.html").read_text(encoding="utf-8")
    assert "代价在四轮中下降。" in zh_html and "每轮的代价。" in zh_html

    _sphinx(root, "gettext", root / "_build" / "gettext")
    pot = (root / "_build" / "gettext" / "costs.pot").read_text(encoding="utf-8")
    for message in ("plain network", "epoch", "learning rate {lr}"):
        assert f'msgid "{message}"' in pot


def test_a_changed_translation_makes_the_figure_stale(tmp_path):
    """Is a page's cached execution stale once a translation its figure used changes, and fresh before?"""
    figures = build.page_figures()
    _make_book(tmp_path)
    locale = tmp_path / "locale"
    translate = figures.Translator("zh_CN", figures.catalog("costs", "zh_CN", locale))
    assert translate("learning rate {lr}", lr=0.5) == "学习率 0.5" and translate("epoch") == "轮次"
    assert translate("momentum") == "momentum" and translate.untranslated == ["momentum"]
    tag = {"language": "zh_CN", "page": "costs", "labels": translate.labels, "untranslated": translate.untranslated}
    notebook = {"cells": [{"cell_type": "code", "outputs": [{"metadata": {"bnweek": tag}}]}]}

    def catalogs():
        return {"zh_CN": {"costs": figures.catalog("costs", "zh_CN", locale)}}

    assert build.stale_figures(notebook, catalogs()) == []
    _make_book(tmp_path, epoch="训练轮次")
    assert build.stale_figures(notebook, catalogs()) == ["costs: epoch"]
    assert figures.Translator("en", {})("epoch") == "epoch"
