"""Can a reader see every display equation whole, in both editions?

Chromium (as in ``test_site_browser.py``) opens each page that has display math at 1280 px: no display
equation may be wider than its column. At 390 px an equation may be wider than the screen, but then it
scrolls sideways inside its own box (``book/_static/bnweek.css``), starts inside it and is not cut off.
Dropdowns and folded solutions are opened first, so their equations count too.
"""

import pytest

from autograder.course import REPO
from test_site_browser import BOTH, DESKTOP, PHONE, Tab, browser, page_id, server  # noqa: F401 (fixtures)


# Every display equation of the article (dropdowns and hidden solutions opened first): the box MathJax drew it
# in, the typeset formula's extent, and whether the page's own box around it clips it.
DISPLAY_MATH = """() => {
    document.querySelectorAll('article details').forEach(d => { d.open = true; });
    document.querySelectorAll('article .toggle-hidden').forEach(el => el.classList.remove('toggle-hidden'));
    document.querySelectorAll('article .dropdown').forEach(el => el.classList.add('toggle-shown'));
    return [...document.querySelectorAll('article mjx-container[display="true"]')]
        .filter(c => c.checkVisibility())
        .map(c => {
            const math = c.querySelector('mjx-math'), box = c.getBoundingClientRect();
            const formula = math.getBoundingClientRect(), style = getComputedStyle(c);
            const outer = c.closest('div.math') || c.parentElement, around = outer.getBoundingClientRect();
            return {
                label: (c.closest('[id]') || {}).id || (c.textContent || '').slice(0, 40),
                width: c.clientWidth, scrollWidth: c.scrollWidth, height: c.clientHeight, scrollHeight: c.scrollHeight,
                formula: formula.width, left: formula.left - box.left, overflowX: style.overflowX,
                clippedByBox: box.right > around.right + 1 || box.left < around.left - 1,
            };
        });
}"""


def equation_problems(equations, width):
    """What is wrong with a page's display equations at ``width`` px: too wide for the column on a desktop;
    on a phone, wider than its box without scrolling inside it, or cut off."""
    problems = []
    for eq in equations:
        wide = eq["formula"] > eq["width"] + 1
        if width >= DESKTOP["width"] and wide:
            problems.append(f"{eq['label']}: {eq['formula']:.0f} px wide in a {eq['width']} px column")
            continue
        if wide and (eq["overflowX"] not in ("auto", "scroll") or eq["scrollWidth"] + 1 < eq["formula"]):
            problems.append(f"{eq['label']}: {eq['formula']:.0f} px wide, box {eq['width']} px does not scroll to it")
        if eq["left"] < -1:
            problems.append(f"{eq['label']}: starts {-eq['left']:.0f} px left of its box, out of reach")
        if eq["scrollHeight"] > eq["height"] + 1:
            problems.append(f"{eq['label']}: {eq['scrollHeight']} px tall in a {eq['height']} px box (cut off)")
        if eq["clippedByBox"]:
            problems.append(f"{eq['label']}: its box sticks out of the equation's block and is clipped")
    return problems


def test_equation_problems_tell_wide_from_scrolling():
    """Does the equation check fail a formula wider than a desktop column, or one cut off on a phone, and pass
    one that scrolls inside its own box?"""
    fits = {"label": "a", "width": 600, "scrollWidth": 600, "height": 30, "scrollHeight": 30, "formula": 500,
            "left": 0, "overflowX": "auto", "clippedByBox": False}
    scrolls = dict(fits, label="b", width=300, scrollWidth=500)
    clipped = dict(scrolls, label="c", overflowX="visible")
    cut = dict(fits, label="d", scrollHeight=40)
    assert equation_problems([fits], DESKTOP["width"]) == []
    assert [p.split(":")[0] for p in equation_problems([scrolls], DESKTOP["width"])] == ["b"]
    assert equation_problems([fits, scrolls], PHONE["width"]) == []
    assert [p.split(":")[0] for p in equation_problems([clipped, cut], PHONE["width"])] == ["c", "d"]


@pytest.mark.book
@pytest.mark.parametrize("docname", BOTH, ids=page_id)
def test_display_equations_fit_or_scroll_in_their_box(browser, server, docname):  # noqa: F811  (fixtures)
    """At 1280 px is every display equation no wider than its column, and at 390 px does any wider one scroll
    inside its own box with nothing cut off?"""
    html = REPO / "_build" / "html" / f"{docname}.html"
    if 'class="math' not in html.read_text(encoding="utf-8"):
        return  # no formula on this page
    problems = []
    for viewport, extra in ((DESKTOP, {}), (PHONE, {"is_mobile": True, "has_touch": True})):
        context = browser.new_context(viewport=viewport, **extra)
        try:
            tab = Tab(context, server)
            page = tab.open(f"{docname}.html")
            equations = page.evaluate(DISPLAY_MATH)
            problems += [f"{viewport['width']} px, {p}" for p in equation_problems(equations, viewport["width"])]
        finally:
            context.close()
    assert not problems, f"{docname}:\n" + "\n".join(problems)
