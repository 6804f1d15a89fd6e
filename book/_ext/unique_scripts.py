"""Write each inline ``<script>`` into a page's head once.

Sphinx 7.4 registers a script that an extension adds after the HTML builder
has started (sphinx-thebe and sphinx-togglebutton do) twice: once as given and
once, replayed from its registry, with an empty file name instead of ``None``.
Inline scripts are then written twice, and a repeated ``const`` (thebe's
``THEBE_JS_URL``) stops the second with a SyntaxError in every reader's console.
The browser tests (``tests/site/test_site_browser.py``) fail on any console error.
"""


def unique_scripts(app, pagename, templatename, context, doctree):
    """Drop repeated entries from the page's ``script_files``, keeping the first."""
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for script in scripts:
        key = (script.filename or "", script.priority, tuple(sorted(script.attributes.items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    scripts[:] = unique


def setup(app):
    app.connect("html-page-context", unique_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
