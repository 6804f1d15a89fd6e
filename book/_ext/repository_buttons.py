"""Show the repository and launch buttons only when ``_config.yml`` names a repository.

One setting decides: ``repository.url``. Empty (the default, until the course is published), the
pages carry no repository button and no Binder, Colab or JupyterHub button, since each of those
links would open a repository that does not exist; the download button stays. Set to a real
repository, the repository button appears and the launch buttons configured under
``launch_buttons`` open each page there. (Jupyter Book refuses ``use_repository_button: true``
without a URL, so ``_config.yml`` leaves it false and this extension switches it on.)

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


def on_config_inited(app, config):
    follow_repository(config.html_theme_options)


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
    app.connect("config-inited", on_config_inited)
    app.connect("html-page-context", offer_notebook_download, priority=500)  # before the theme's buttons (501)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
