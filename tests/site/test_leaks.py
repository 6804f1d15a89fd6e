"""The leak finder (``autograder/site/leaks.py``): what of a solution or a hidden test shows up in a text."""

import json

import pytest

from autograder.site import leaks
from autograder.site.leaks import MARKERS, find_leaks, page_text, secret_regions

SOLUTION = ("def normalize(Z, eps=1e-8):\n"
            "    ### BEGIN SOLUTION\n"
            "    mu = Z.mean(axis=1, keepdims=True)\n"
            "    variance_of_each_row = Z.var(axis=1, keepdims=True)\n"
            "    # a comment that is long enough to count otherwise\n"
            "    return (Z - mu) / np.sqrt(variance_of_each_row + eps)\n"
            "    ### END SOLUTION\n")
TEST = ("assert normalize(np.ones((2, 2))).shape == (2, 2)\n"
        "### BEGIN HIDDEN TESTS\n"
        "reference_from_tensorflow = tf.nn.batch_normalization(Z)\n"
        "### END HIDDEN TESTS\n")
PUBLIC = "print('the page shows this line too')\nreturn (Z - mu) / np.sqrt(variance_of_each_row + eps)\n"


@pytest.fixture
def assignment(tmp_path, monkeypatch, cells):
    """A made-up source notebook with one solution region and one hidden-test region."""
    notebook = cells.notebook(cells.answer("normalize", SOLUTION), cells.test("test_normalize", TEST),
                              cells.code(PUBLIC), cells.markdown("variance_of_each_row = Z.var(axis=1, keepdims=True)"))
    path = tmp_path / "chX.ipynb"
    path.write_text(json.dumps(notebook))
    monkeypatch.setattr(leaks, "source_notebook", lambda assignment: path)
    return "chX"


def test_regions_keep_only_distinctive_secret_lines(assignment):
    """Are short lines, comments and lines the notebook also shows in the open left out of the secrets?"""
    assert secret_regions(assignment) == [
        ["mu = Z.mean(axis=1, keepdims=True)", "variance_of_each_row = Z.var(axis=1, keepdims=True)"],
        ["reference_from_tensorflow = tf.nn.batch_normalization(Z)"],
    ]
    assert secret_regions(assignment, kinds=("HIDDEN TESTS",)) == [
        ["reference_from_tensorflow = tf.nn.batch_normalization(Z)"]]


def test_two_consecutive_lines_of_a_region_leak(assignment):
    """Does a block of a solution leak, while one of its lines alone, or both apart, do not?"""
    regions = secret_regions(assignment)
    first, second = regions[0]
    assert find_leaks(f"x\n  {first}\n{second}\n", regions) == {first}
    assert find_leaks(f"{first}\nsomething else\n{second}\n", regions) == set()
    assert find_leaks(second, regions) == set()


def test_a_one_line_region_leaks_by_itself(assignment):
    """Does a region of a single distinctive line leak wherever that line appears?"""
    line = "reference_from_tensorflow = tf.nn.batch_normalization(Z)"
    assert find_leaks(f"    {line}", secret_regions(assignment)) == {line}


@pytest.mark.parametrize("marker", MARKERS)
def test_nbgraders_markers_always_leak(marker):
    """Is any of nbgrader's region markers in a text a leak by itself?"""
    assert find_leaks(f"text {marker} text", []) == {marker}


def test_page_text_is_what_a_reader_sees(tmp_path):
    """Are HTML tags and entities removed before searching, and other files read as they are?"""
    page, other = tmp_path / "page.html", tmp_path / "page.txt"
    page.write_text("<pre><span>mu</span> = Z.mean(axis=1, keepdims=&#8203;True)</pre>")
    other.write_text("<b>raw</b>")
    assert page_text(page) == "mu = Z.mean(axis=1, keepdims=\u200bTrue)"
    assert page_text(other) == "<b>raw</b>"
