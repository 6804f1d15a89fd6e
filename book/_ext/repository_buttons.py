"""Point the repository and launch buttons at the course's public edition, and only there.

This repository is private (it holds the answers); students get the public edition that
``./course publish`` writes. One setting decides the buttons: ``bnweek_public_repository`` in
``_config.yml`` (``url`` and ``branch`` of the public edition's repository). Jupyter Book's own
``repository.url`` is never linked: whatever it says, the theme is given the public repository's
URL. Empty (the default), the pages carry no repository button and no Binder, Colab or JupyterHub
button, since each would open a repository that does not exist; the download button stays. Set,
the repository button opens the public repository and the launch buttons configured under
``launch_buttons`` open each page there, as the notebook the public edition holds beside its
source (``book/<page>.ipynb``), so that Binder, JupyterHub (nbgitpuller) and Colab all open a
notebook. (Jupyter Book refuses ``use_repository_button: true`` without a URL, so ``_config.yml``
leaves it false and this extension switches it on.)

The theme copies each executed page to ``_sources/<page>.ipynb`` for the download button only while
it builds launch buttons, so without a repository this extension offers that download itself.
"""

import shutil
from pathlib import Path

LAUNCH_SERVICES = ("binderhub_url", "colab_url", "jupyterhub_url", "deepnote_url", "jupyterlite_url")


def follow_repository(options):
    """Turn the buttons on or off in the theme's options (a dict, changed in place) by ``repository_url``."""
    if (options.get("repository_url") or "").strip():
        options["use_repository_button"] = True
        return options
    options["use_repository_button"] = False
    launch = dict(options.get("launch_buttons") or {})
    for service in LAUNCH_SERVICES:
        launch.pop(service, None)
    options["launch_buttons"] = launch
    return options


def use_public_repository(options, public):
    """Give the theme's options (changed in place) the public edition's repository in place of any other."""
    public = public or {}
    options["repository_url"] = (public.get("url") or "").strip()
    options["repository_branch"] = public.get("branch") or "main"
    options["path_to_docs"] = ""  # the public edition keeps the pages at book/<page>, as here
    return follow_repository(options)


def on_config_inited(app, config):
    use_public_repository(config.html_theme_options, config.bnweek_public_repository)


def launch_notebooks(app, pagename, templatename, context, doctree):
    """Launch buttons open ``book/<page>.ipynb`` (which the public edition holds), not the MyST source."""
    source = f"{pagename}.md"
    for button in context.get("header_buttons", []):
        if button.get("label") != "launch-buttons":
            continue
        for launch in button.get("buttons", []):
            url = launch.get("url")
            if url and source in url:
                launch["url"] = url.replace(source, f"{pagename}.ipynb")


def offer_notebook_download(app, pagename, templatename, context, doctree):
    """Without launch buttons, still put the executed page in ``_sources/`` and on the download button."""
    if app.config.html_theme_options.get("use_repository_button") or context.get("ipynb_source"):
        return
    if "kernelspec" not in app.env.metadata.get(pagename, {}) or not context.get("sourcename", "").endswith(".md"):
        return
    executed = Path(app.outdir).parent / "jupyter_execute" / f"{pagename}.ipynb"
    if executed.is_file():
        target = Path(app.outdir) / "_sources" / f"{pagename}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(executed, target)
        context["ipynb_source"] = f"{pagename}.ipynb"


def setup(app):
    app.add_config_value("bnweek_public_repository", {}, "html")
    app.connect("config-inited", on_config_inited)
    app.connect("html-page-context", launch_notebooks, priority=502)  # after the theme's buttons (501)
    app.connect("html-page-context", offer_notebook_download, priority=500)  # before the theme's buttons (501)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
