"""The course's two editions, English and Chinese, built from the same pages.

The Chinese edition is the same Sphinx project built with ``language = "zh_CN"``: its text comes from
the message catalogs in ``locale/zh_CN/LC_MESSAGES/`` (Sphinx's own i18n), its code, formulas and
outputs from the same pages and the same execution cache (``autograder/site/build.py`` runs both builds).
This extension adds what Sphinx's i18n leaves out:

- display math stays out of the catalogs, like code (formulas are shared by both editions);
- translated pages keep the English headings' anchors, so links between pages resolve in both;
- exercises' titles go into the catalogs (sphinx-exercise gives them no source, so Sphinx skips them);

- the captions of the table of contents' parts are translated (they are inserted after Sphinx
  translates a page);
- every page links to its counterpart in the other edition (``bnweek_language_links``), in the
  article and as ``<link rel="alternate" hreflang>``;
- the alt text of executed figures (a cell's ``mystnb.image.alt``, an attribute, not text Sphinx
  extracts) goes through the catalogs too: the gettext builder extracts it, the translated build
  looks it up;
- a translated message may paste a notebook's glued values (`` {glue:text}`key` ``) like its English:
  Sphinx parses a translation as a document of its own, which lacks the notebook's glue data, so
  those roles read the page's glue data that MyST-NB saved while reading the page;
- on a translated page, a download link to an exercise notebook points at its translated version,
  ``exercises/<id>/<language>/<id>.ipynb``, when there is one (``autograder/release.py`` writes it);
- each edition shows its own figures: a page draws a figure once per language in the same execution
  (``book/page_figures.py``), each output tagged ``{"bnweek": {"language": ...}}`` in its metadata; an
  edition keeps the untagged outputs and those of its language, and the gettext builder extracts the
  English figures' words (their ``messages``) into the page's catalog.
"""

import html
import json
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.locale import init as init_locale
from sphinx.transforms import SphinxTransform
from sphinx.util.i18n import docname_to_domain


class _Origin:
    """Where an extracted message comes from, in the shape the gettext builder's catalog wants."""

    def __init__(self, source, line, uid):
        self.source = source
        self.line = line
        self.uid = uid


def _figure_images(doctree):
    """Images whose alt text a reader sees: those with a non-empty ``alt``."""
    return [image for image in doctree.findall(nodes.image) if (image.get("alt") or "").strip()]


# Messages a page's doctree loses before the gettext builder extracts them (figures' alt text, exercises'
# titles), recorded on the document while it is read as (message, source, line).
EXTRA_MESSAGES = "bnweek_extra_messages"


def _record(document, message, node):
    document.setdefault(EXTRA_MESSAGES, []).append((message, node.source or "", node.line or 0))


def extract_extra_messages(app, doctree, docname):
    """gettext builder: add the messages recorded while the page was read to the page's catalog."""
    if app.builder.name != "gettext":
        return
    catalog = app.builder.catalogs[docname_to_domain(docname, app.config.gettext_compact)]
    for index, (message, source, line) in enumerate(doctree.get(EXTRA_MESSAGES, [])):
        catalog.add(message, _Origin(source, line, f"{docname}-extra-{index}"))


class AltText(SphinxTransform):
    """Figures' alt text: recorded on the page for the gettext builder, translated in a translated build.

    It runs while the page is read, when the executed outputs are still all there (the gettext builder
    later keeps only their plain-text form).
    """

    default_priority = 21  # right after Sphinx's Locale transform (20)

    def apply(self, **kwargs):
        images = _figure_images(self.document)
        if self.app.builder.name == "gettext":
            for image in images:
                _record(self.document, image["alt"].strip(), image)
            return
        catalog = _page_catalog(self)
        if catalog is None:
            return
        for image in images:
            translated = catalog.gettext(image["alt"].strip())
            if translated:
                image["alt"] = translated


class KeepMathShared(SphinxTransform):
    """Display math is not text to translate: neither extracted into the catalogs nor replaced from them."""

    default_priority = 5  # before Sphinx's Locale transform (20)

    def apply(self, **kwargs):
        for node in self.document.findall(nodes.math_block):
            node["translatable"] = False


class TranslatableExerciseTitles(SphinxTransform):
    """An exercise's own title (``{exercise} Batches of two``) is text to translate like any other.

    sphinx-exercise builds it from the directive's argument without a source, so Sphinx would neither
    extract it nor translate it; giving it the exercise's source and line makes it a message.
    """

    default_priority = 10  # before Sphinx's Locale transform (20)

    def apply(self, **kwargs):
        try:
            from sphinx_exercise.nodes import exercise_subtitle
        except ImportError:
            return
        for subtitle in self.document.findall(exercise_subtitle):
            if subtitle.source:
                continue
            parent = subtitle.parent
            while parent is not None and not parent.source:
                parent = parent.parent
            subtitle.source = parent.source if parent is not None else self.document["source"]
            subtitle.line = parent.line if parent is not None else 0
            subtitle.rawsource = subtitle.astext()
            if self.app.builder.name == "gettext":
                # sphinx-exercise folds the subtitle into the exercise's title after reading.
                _record(self.document, subtitle.rawsource, subtitle)


class KeepEnglishAnchors(SphinxTransform):
    """A translated page keeps the English headings' anchors (``ch4_test_time.md#bias-correction``).

    Sphinx parses each translated section title as a document of its own, and MyST records that
    document's heading slugs as the page's, so the page's English slugs, which links on other pages
    use, would be lost; the page's own parse kept them on its document.
    """

    default_priority = 21  # right after Sphinx's Locale transform (20)

    def apply(self, **kwargs):
        slugs = getattr(self.document, "myst_slugs", None)
        if slugs:
            self.env.metadata[self.env.docname]["myst_slugs"] = slugs


class TranslateToctreeCaptions(SphinxTransform):
    """Translated builds: the parts' captions in the table of contents (sphinx-external-toc inserts the
    toctrees after Sphinx's Locale transform has run; the gettext builder extracts their captions)."""

    default_priority = 101  # right after sphinx-external-toc's InsertToctrees (100)

    def apply(self, **kwargs):
        catalog = _page_catalog(self)
        if catalog is None:
            return
        for toctree in self.document.findall(addnodes.toctree):
            if toctree.get("caption"):
                toctree["caption"] = catalog.gettext(toctree["caption"])
                toctree["rawcaption"] = toctree["caption"]


def _page_catalog(transform):
    """The current page's translations in a translated build, else None."""
    config = transform.config
    if not config.language or config.language == "en" or transform.app.builder.name == "gettext":
        return None
    domain = docname_to_domain(transform.env.docname, config.gettext_compact)
    dirs = [str(Path(transform.app.srcdir, directory)) for directory in config.locale_dirs]
    catalog, has_catalog = init_locale(dirs, config.language, domain)
    return catalog if has_catalog else None


class TranslatedDownloads(SphinxTransform):
    """Translated builds: an exercise notebook's download link points at its translated version."""

    default_priority = 22

    def apply(self, **kwargs):
        language = self.config.language
        if not language or language == "en" or self.app.builder.name == "gettext":
            return
        page = Path(self.env.doc2path(self.env.docname))
        for reference in self.document.findall(addnodes.download_reference):
            target = Path(reference["reftarget"])
            if target.suffix != ".ipynb" or "exercises" not in target.parts:
                continue
            translated = target.parent / language / target.name
            if (page.parent / translated).is_file():
                reference["reftarget"] = translated.as_posix()


def language_links(app, pagename, templatename, context, doctree):
    """Link the page to its counterpart in every other edition."""
    links = app.config.bnweek_language_links
    if not links or "body" not in context or pagename not in app.env.found_docs:
        return
    up = "../" * pagename.count("/")
    anchors, alternates = [], []
    for link in links:
        href = f"{up}{link['root'].rstrip('/')}/{pagename}.html"
        lang = html.escape(link["lang"])
        anchors.append(f'<a class="bnweek-language" href="{html.escape(href)}" hreflang="{lang}" lang="{lang}">'
                       f'{html.escape(link["label"])}</a>')
        alternates.append(f'<link rel="alternate" hreflang="{lang}" href="{html.escape(href)}" />')
    label = html.escape(app.config.bnweek_language_label)
    context["body"] = f'<nav class="bnweek-languages" aria-label="{label}">{" ".join(anchors)}</nav>\n' + context["body"]
    context["metatags"] = context.get("metatags", "") + "\n" + "\n".join(alternates)


def _glue_for_translations(retrieve):
    """Wrap MyST-NB's ``retrieve_glue_data`` so that a translated message finds its page's glue data.

    The page's own document carries the notebook's renderer while it is parsed; the documents Sphinx
    parses translations into do not, so they read ``<output folder>/<page>.glue.json``, which MyST-NB
    writes while parsing the page, just before Sphinx translates it.
    """
    from myst_nb.core.variables import RetrievalError, VariableOutput

    def retrieve_glue_data(document, key):
        env = getattr(document.settings, "env", None)
        if "nb_renderer" in document or env is None or not getattr(env, "mystnb_config", None):
            return retrieve(document, key)
        path = Path(env.mystnb_config.output_folder, *f"{env.docname}.glue.json".split("/"))
        glued = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
        if key not in glued:
            raise RetrievalError(f"No key {key!r} found in glue data for this document.")
        return VariableOutput(data=glued[key]["data"], metadata=glued[key].get("metadata", {}),
                              nb_renderer=None, vtype="glue")

    retrieve_glue_data.wrapped = retrieve
    return retrieve_glue_data


def edition_language(config):
    """The language whose figures an edition shows: its own, English for the English and gettext builds."""
    return config.language if config.language and config.language != "en" else "en"


def output_language(output):
    """The language an output was drawn for (``page_figures``' tag), or None for an untagged output."""
    return ((output.get("metadata") or {}).get("bnweek") or {}).get("language")


def _outputs_of_edition(get_outputs):
    """Wrap MyST-NB's ``_get_nb_code_cell_outputs``: keep a cell's untagged outputs and those of the edition's
    language; in the gettext build, record the words of the English figures as the page's messages."""

    def _get_nb_code_cell_outputs(self, token):
        exec_count, outputs = get_outputs(self, token)
        env = getattr(self, "sphinx_env", None)
        if env is None:
            return exec_count, outputs
        language = edition_language(env.config)
        kept = [output for output in outputs if output_language(output) in (None, language)]
        if env.app.builder.name == "gettext":
            document = self.document
            for output in kept:
                for message in output["metadata"]["bnweek"]["messages"] if output_language(output) else ():
                    document.setdefault(EXTRA_MESSAGES, []).append(
                        (message, document["source"], token.map[0] + 1 if token.map else 0))
        return exec_count, kept

    _get_nb_code_cell_outputs.wrapped = get_outputs
    return _get_nb_code_cell_outputs


def _patch_outputs():
    from myst_nb.sphinx_ import SphinxNbRenderer

    # MyST-NB has no public hook between a cell's outputs and their rendering; this is where it reads them.
    outputs = SphinxNbRenderer._get_nb_code_cell_outputs  # noqa: SLF001
    if not hasattr(outputs, "wrapped"):
        SphinxNbRenderer._get_nb_code_cell_outputs = _outputs_of_edition(outputs)  # noqa: SLF001


def _patch_glue():
    from myst_nb.ext.glue import directives, roles

    for module in (roles, directives):
        if not hasattr(module.retrieve_glue_data, "wrapped"):
            module.retrieve_glue_data = _glue_for_translations(module.retrieve_glue_data)


def setup(app):
    _patch_glue()
    _patch_outputs()
    app.add_config_value("bnweek_language_links", [], "html")
    app.add_config_value("bnweek_language_label", "Language", "html")
    app.add_transform(AltText)
    app.add_transform(KeepMathShared)
    app.add_transform(TranslatableExerciseTitles)
    app.add_transform(KeepEnglishAnchors)
    app.add_transform(TranslateToctreeCaptions)
    app.add_transform(TranslatedDownloads)
    app.connect("doctree-resolved", extract_extra_messages)
    app.connect("html-page-context", language_links)
    # Bump when a transform above changes what a page reads as, so that every build reads its pages again.
    return {"parallel_read_safe": True, "parallel_write_safe": True, "env_version": 4}

