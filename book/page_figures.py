"""A page's figures in every language of the site, drawn from one execution of the page.

The site is executed once (the English build) and both editions read that execution. So a page
draws each figure once per language, in the same cell, and tags each image with its language; the
site keeps the image of its own language (``book/_ext/editions.py``). A figure's words come from the
page's message catalog (``locale/zh_CN/LC_MESSAGES/book/<page>.po``), where ``./course translate``
puts them beside the page's other text::

    from page_figures import Figures

    figures = Figures("ch1_normalizing")

    def draw(_):
        fig, ax = plt.subplots()
        ax.plot(steps, cost, label=_("plain network"))
        ax.set_xlabel(_("epoch"))
        ax.set_title(_("learning rate {lr}", lr=0.1))   # a template: translated, then formatted
        ax.legend()
        return fig

    figures.show(draw)

``draw`` receives the translator of the language it draws (``_``) and returns its figure; it is
called once per language, so compute the data before it and only draw inside it. Outside the site's
build (a student's Jupyter, Binder, Colab) ``show`` draws English only, once, like ``plt.show()``.

Each image's output metadata says, under ``"bnweek"``, its ``language``, the ``page``, the messages
it looked up (``messages``, for the gettext builder), the translations it used (``labels``: the build
executes a page again when they change), those it lacked (``untranslated``) and every text the
figure shows (``texts``), which ``tests/site/test_zh_figures.py`` reads.
"""

from __future__ import annotations

import os
from pathlib import Path

#: Set by ``autograder/site/build.py`` for the pages it executes: the languages to draw, in order.
LANGUAGES_VARIABLE = "BNWEEK_FIGURE_LANGUAGES"
ENGLISH = "en"
#: Where the catalogs are, from this folder (``book/``).
LOCALE = Path(__file__).resolve().parent.parent / "locale"
#: A Chinese figure's text is drawn with the first of these that is installed (Debian: fonts-wqy-microhei);
#: its math keeps the English figures' mathtext fonts.
CJK_FONTS = ("WenQuanYi Micro Hei", "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC")


def catalog(page: str, language: str, locale: Path = LOCALE) -> dict[str, str]:
    """The translations of a page's messages: ``{English: translation}``, fuzzy and empty ones left out.

    Parameters
    ----------
    page : str
        The page's name, e.g. ``"ch1_normalizing"`` (``book/<page>.md``).
    language : str
        e.g. ``"zh_CN"``; ``"en"`` has no catalog.
    """
    path = Path(locale) / language / "LC_MESSAGES" / "book" / f"{page}.po"
    if language == ENGLISH or not path.is_file():
        return {}
    from babel.messages.pofile import read_po

    with path.open("rb") as file:
        messages = read_po(file)
    return {message.id: message.string for message in messages
            if message.id and isinstance(message.id, str) and message.string and not message.fuzzy}


def languages() -> list[str]:
    """The languages a figure is drawn in: the build's, else English alone."""
    chosen = [language.strip() for language in os.environ.get(LANGUAGES_VARIABLE, "").split(",") if language.strip()]
    return chosen or [ENGLISH]


class Translator:
    """``_`` for one language: looks a message up in the page's catalog, records what it did.

    ``_(message, **fields)`` returns the translation (the message itself when there is none, or in
    English), formatted with ``fields`` as ``str.format`` does.
    """

    def __init__(self, language: str, translations: dict[str, str]):
        self.language = language
        self.translations = translations
        self.messages: list[str] = []
        self.labels: dict[str, str] = {}
        self.untranslated: list[str] = []

    def __call__(self, message: str, **fields) -> str:
        if message not in self.messages:
            self.messages.append(message)
        text = message
        if self.language != ENGLISH:
            text = self.translations.get(message, "")
            if text:
                self.labels[message] = text
            else:
                if message not in self.untranslated:
                    self.untranslated.append(message)
                text = message
        return text.format(**fields) if fields else text


def cjk_font() -> str:
    """The name of an installed font that covers Chinese, known to matplotlib (added from fontconfig if need be)."""
    from matplotlib import font_manager

    def known():
        names = {entry.name for entry in font_manager.fontManager.ttflist}
        return next((name for name in CJK_FONTS if name in names), None)

    if known() is None:
        # A font installed after matplotlib built its font cache: add it from where fontconfig has it.
        import subprocess

        for name in CJK_FONTS:
            try:
                found = subprocess.run(["fc-match", "-f", "%{file}", f"{name}:lang=zh"], capture_output=True,
                                       text=True, timeout=10).stdout.strip()
            except (OSError, subprocess.SubprocessError):
                break
            if found and Path(found).is_file():
                font_manager.fontManager.addfont(found)
    name = known()
    if name is None:
        raise RuntimeError(f"no font covering Chinese for matplotlib ({', '.join(CJK_FONTS)}): install one "
                           "(Debian: apt-get install fonts-wqy-microhei)")
    return name


def _style(language: str) -> dict:
    """matplotlib settings for drawing in ``language``: Chinese glyphs from a CJK font, the rest as in English."""
    if language == ENGLISH:
        return {}
    import matplotlib

    # The CJK font comes first: text that mixes Chinese and $math$ is drawn by mathtext, whose plain text
    # uses the first family alone; a list of families is a fallback chain for the rest.
    return {"font.family": [cjk_font(), *matplotlib.rcParams["font.family"]]}


def figure_texts(fig) -> list[str]:
    """Every visible, non-empty text a figure shows (titles, labels, tick labels, legends, annotations)."""
    from matplotlib.text import Text

    fig.canvas.draw()  # tick labels exist once the figure is laid out
    return [text.get_text() for text in fig.findobj(Text) if text.get_visible() and text.get_text().strip()]


class Figures:
    """The figures of one page (``Figures("ch4_test_time")``); ``show(draw)`` draws one in every language."""

    def __init__(self, page: str, locale: Path = LOCALE):
        self.page = page
        self.locale = Path(locale)

    def draw(self, draw, language: str):
        """Draw one language's figure; returns ``(figure, metadata)``."""
        import matplotlib
        import matplotlib.pyplot as plt

        translate = Translator(language, catalog(self.page, language, self.locale))
        with matplotlib.rc_context(_style(language)):
            fig = draw(translate)
            if fig is None:
                fig = plt.gcf()
            texts = figure_texts(fig)
        metadata = {"language": language, "page": self.page, "messages": translate.messages,
                    "labels": translate.labels, "untranslated": translate.untranslated, "texts": texts}
        return fig, {"bnweek": metadata}

    def show(self, draw) -> None:
        """Display ``draw``'s figure in every language of the build, each output tagged with its language."""
        import matplotlib
        import matplotlib.pyplot as plt
        from IPython.display import display

        for language in languages():
            fig, metadata = self.draw(draw, language)
            with matplotlib.rc_context(_style(language)):
                display(fig, metadata=metadata)
            plt.close(fig)
