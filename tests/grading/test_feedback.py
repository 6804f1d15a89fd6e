"""A student's feedback page (``autograder/grading/feedback.py``): rendered, sanitized, free of the host, in their language.

The fast layer checks the pieces (the HTML cleaner, the host-details filter); the grading layer grades an
English and a Chinese chapter-1 notebook through the real grader, each with a Markdown cell of notes (a
blockquote, a list, formulas, a script and an ``onerror`` image), an answer cell that prints the host's
paths and TensorFlow's device noise, and a ``batchnorm_forward`` that forgets beta, and reads their pages.
"""

import copy
import re
from html.parser import HTMLParser

import nbformat
import pytest

from autograder.course import REPO, source_notebook
from autograder.grading import batch
from autograder.grading.feedback import clean_html
from autograder.grading.intake import Submission
from autograder.grading.preprocessors.hidetestinternals import (
    DEVICE_LINE,
    HIDDEN_BEGIN,
    HIDDEN_END,
    PLACEHOLDER_ZH,
    HideHostDetails,
    HideTestInternals,
    hide_host_details,
)

CH1 = "ch1_normalizing"
NOTES = ("## My notes\n\n> A quoted line\n> and its second line\n\n- item one\n- item two\n\n"
         "Inline $x^2 + \\sigma$ and a display\n\n$$\\frac{a}{b}$$\n\n"
         "`code` <img src=x onerror=\"alert(1)\"> <script>alert(2)</script> [link](javascript:alert(3))")
# An answer cell's prints: where it runs, TensorFlow's own file, its C++ logs and a device-named op error (the
# logs' words are split in the source, which the page shows: only the printed output may be hidden).
LEAKY = """import os, sys, tempfile
import tensorflow as tf
print("cwd", os.getcwd(), "tmp", tempfile.gettempdir(), "prefix", sys.prefix)
print("tensorflow at", tf.__file__)
print("I" "0000 00:00:1733478.123 12345 gpu_device.cc:2022] Created device /" "job:localhost/replica:0/task:0/device:GPU:0")
print("2026-12-06 08:00:00.123456: I tensorflow/core/util/port.cc:113] one" "DNN custom operations are on.")
try:
    tf.matmul(tf.ones((2, 3)), tf.ones((4, 5)))
except Exception as error:
    print("matmul said:", error)
"""


class _Active(HTMLParser):
    """What in a page could run: script elements, on* handlers, javascript: URLs."""

    def __init__(self):
        super().__init__()
        self.scripts, self.handlers, self.urls = [], [], []

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self.scripts.append(dict(attrs).get("src", "inline"))
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append(f"{tag} {name}")
            if value and value.strip().lower().startswith("javascript:"):
                self.urls.append(value)


def active_content(page):
    parser = _Active()
    parser.feed(page)
    return parser


# --- fast layer ---------------------------------------------------------------------------------------------

def test_clean_html_keeps_markdowns_tags_and_escapes_what_runs():
    """Do headings, quotes, lists and code stay markup while scripts, handlers and javascript: links go?"""
    html = ('<h2 id="n">Notes</h2><blockquote><p>quoted</p></blockquote><ul><li>one</li></ul><pre><code>x</code></pre>'
            '<img src="x" onerror="alert(1)"><script>alert(2)</script><a href="javascript:alert(3)">l</a>'
            '<iframe src="https://example.org"></iframe><p style="background:url(x)">s</p>')
    cleaned = clean_html(html)
    for kept in ('<h2 id="n">', "<blockquote>", "<ul>", "<li>", "<pre><code>", '<img src="x">'):
        assert kept in cleaned
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in cleaned and "&lt;iframe" in cleaned
    found = active_content(cleaned)
    assert (found.scripts, found.handlers, found.urls) == ([], [], [])
    assert "style=" not in cleaned


def test_host_paths_and_device_noise_are_hidden():
    """Are package paths cut to the package, other host paths to their last part, and TensorFlow's noise dropped?"""
    text = ("File /work/main/.venv/lib/python3.11/site-packages/tensorflow/python/ops/math_ops.py:123, in matmul\n"
            "File /tmp/ipykernel_12/3456.py:3\n"
            "I0000 00:00:1733478.123 12345 gpu_device.cc:2022] Created device\n"
            "2026-12-06 08:00:00.1: W tensorflow/core/framework/op.cc:1] cuDNN\n"
            "Unable to register cuDNN factory: Attempting to register factory\n"
            "raised InvalidArgumentError: {{function_node __wrapped__MatMul_device_/job:localhost/replica:0/task:0/"
            "device:CPU:0}} Matrix size-incompatible [Op:MatMul]\n"
            "placed on /job:localhost/replica:0/task:0/device:CPU:0\n"
            "socket /tmp/bnweek-ipc-1x2/judge/calls refused; the mean is 1/m * sum; out /srv/run/out/feedback/\n")
    assert hide_host_details(text).splitlines() == [
        "File tensorflow/python/ops/math_ops.py:123, in matmul",
        "File …/3456.py:3",
        "raised InvalidArgumentError: Matrix size-incompatible [Op:MatMul]",
        "placed on CPU:0",
        "socket … refused; the mean is 1/m * sum; out …/feedback",
    ]


def test_only_a_test_cells_device_line_goes(cells):
    """Does a test cell lose the line saying where its hidden tests ran, while an answer cell keeps its own prints?"""
    printed = "hidden tests for f ran on /CPU:0\nHidden checks of f:\n"
    test, answer = cells.test("test_f"), cells.answer("f")
    for cell in (test, answer):
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=printed)]
    notebook = cells.notebook(answer, test)
    notebook, _ = HideHostDetails().preprocess(notebook, {})
    assert notebook.cells[1].outputs[0].text == "Hidden checks of f:\n"
    assert notebook.cells[0].outputs[0].text == printed
    assert DEVICE_LINE.search(printed)


def test_the_runs_own_folder_is_hidden_wherever_it_lies(cells):
    """Is a path under the run's output folder hidden even outside the usual host folders?"""
    answer = cells.answer("f")
    answer.outputs = [nbformat.v4.new_output("stream", name="stdout", text="wrote /data/course-out/feedback/a.html\n")]
    notebook, _ = HideHostDetails(roots=["/data/course-out"]).preprocess(cells.notebook(answer), {})
    assert notebook.cells[0].outputs[0].text == "wrote …/a.html\n"


def test_a_chinese_notebook_says_where_its_hidden_tests_ran_in_chinese(cells):
    """Does the hidden region of a notebook released in Chinese become a Chinese comment, an English one English?"""
    source = f"assert f() == 1\n{HIDDEN_BEGIN}\nassert secret()\n{HIDDEN_END}\n"
    for language, expected in (("zh_CN", PLACEHOLDER_ZH), ("en", HideTestInternals().placeholder)):
        notebook = cells.notebook(cells.test("test_f", source))
        notebook.metadata["bnweek"] = {"language": language}
        notebook, _ = HideTestInternals().preprocess(notebook, {})
        assert notebook.cells[0].source == "assert f() == 1\n" + expected


# --- grading layer: real notebooks through the real grader ----------------------------------------------------

def submission(language, root):
    notebook = nbformat.read(source_notebook(CH1), as_version=4)
    notebook = copy.deepcopy(notebook)
    notebook.cells.insert(1, nbformat.v4.new_markdown_cell(NOTES))
    notebook.cells.insert(2, nbformat.v4.new_code_cell(LEAKY))
    if language == "zh_CN":
        notebook.metadata.setdefault("bnweek", {})["language"] = "zh_CN"
    mutant = REPO / "tests" / "catalogue" / CH1 / "batchnorm_forward" / "mutant_forgets_beta.py"
    for cell in notebook.cells:
        if cell.metadata.get("nbgrader", {}).get("solution") and "def batchnorm_forward" in cell.source:
            cell.source = mutant.read_text()
    student = f"student_{language}"
    folder = root / "submitted" / student / CH1
    folder.mkdir(parents=True)
    nbformat.write(notebook, folder / f"{CH1}.ipynb")
    return Submission(student, CH1, folder)


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    """Each language's feedback page, and the run's output folder."""
    root = tmp_path_factory.mktemp("feedback")
    output = root / "out"
    outcomes = batch.grade([submission("en", root), submission("zh_CN", root)], output=output, workers=2)
    assert [outcome.status for outcome in outcomes] == ["graded", "graded"], outcomes
    assert all(0 < sum(o.scores.values()) < sum(o.possible.values()) for o in outcomes), outcomes
    read = {language: (output / "feedback" / f"student_{language}" / CH1 / f"{CH1}.html").read_text(encoding="utf-8")
            for language in ("en", "zh_CN")}
    return read, output


def notes_of(page):
    start = page.index('id="My-notes"')
    return page[start:page.index("</div>", start)]


@pytest.mark.grading
@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_markdown_is_rendered_then_sanitized(pages, language):
    """Is the student's blockquote a blockquote (no literal >), the list a list, and their script inert?"""
    notes = notes_of(pages[0][language])
    assert "<blockquote>" in notes and "A quoted line" in notes
    assert not re.search(r"(^|<p>)\s*&gt;", notes, re.M), notes
    assert "<li>item one</li>" in notes and "$x^2 + \\sigma$" in notes and "$$\\frac{a}{b}$$" in notes
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in notes
    found = active_content(pages[0][language])
    assert found.handlers == [] and found.urls == []
    assert found.scripts == ["inline", "../../mathjax/tex-chtml-full.js"], "only the page's own MathJax runs"


@pytest.mark.grading
@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_no_host_path_or_grader_internals(pages, language):
    """Does the page name no folder of the grading host, no judge internals and no TensorFlow device noise?"""
    page, output = pages[0][language], pages[1]
    assert "cwd" in page and "matmul said:" in page, "the answer cell's prints are shown"
    # (not "/work": that is where the kernel's own folder appears inside its jail, wherever the course lives)
    for leak in (str(output), str(output.parent), "/tmp/", str(REPO), "site-packages", "bnweek-ipc",
                 "zygote", "/job:", "I0000", "function_node", "oneDNN", "cuDNN", "ran on /CPU:0", "hidden tests for"):
        assert leak not in page, f"the {language} feedback shows {leak!r}"


@pytest.mark.grading
def test_the_device_line_stays_in_the_autograded_notebook(pages):
    """Does the instructor's autograded notebook still say where the hidden tests ran?"""
    notebook = (pages[1] / "autograded" / "student_en" / CH1 / f"{CH1}.ipynb").read_text(encoding="utf-8")
    assert "hidden tests for batchnorm_forward ran on /CPU:0" in notebook


@pytest.mark.grading
def test_verdicts_are_in_the_notebooks_language(pages):
    """Does the Chinese notebook's wrong answer get its verdict in Chinese, labels included, the English one English?"""
    english, chinese = pages[0]["en"], pages[0]["zh_CN"]
    assert "Hidden checks of batchnorm_forward:" in english
    assert "FAILED: Z_tilde for shape (4, 32), float64, scale 1: " in english
    assert "does not match TensorFlow's result; the largest difference is" in english
    assert not re.search(r"[\u4e00-\u9fff]", english[english.index("Hidden checks of batchnorm_forward"):][:3000])
    assert "batchnorm_forward 的隐藏检查：" in chinese
    assert "未通过：Z_tilde，形状 (4, 32)，float64，量级 1：" in chinese
    assert "与 TensorFlow 的结果不符；最大差值为" in chinese and "（复现：形状 (4, 32)，float64，量级 1，用例种子" in chinese
    assert "通过：缓存 (Z, Z_norm, mu, var, gamma, eps)，形状 (4, 32)，float64，量级 1" in chinese
    assert "这像是一个常见错误：你漏掉了 beta" in chinese and "This looks like a known mistake: You leave out beta" in english
    assert re.search(r"normalize_inputs：(\d+) 项检查通过 \1 项，得 2 分（满分 2）。", chinese)
    for english_only in ("does not match TensorFlow", "for shape (", "to reproduce", "passed: ", "FAILED: "):
        assert english_only not in chinese, english_only


@pytest.mark.grading
def test_the_pages_own_words_are_in_the_notebooks_language(pages):
    """Do the score, the table of contents and the cells' headings speak the notebook's language?"""
    english, chinese = pages[0]["en"], pages[0]["zh_CN"]
    assert re.search(r"<h4>ch1_normalizing \(Score: [\d.]+ / 5\.0\)</h4>", english)
    assert ">Test cell</a> (Score: " in english and ">Student's answer<" in english
    assert re.search(r"<h4>ch1_normalizing（得分：[\d.]+ / 5\.0）</h4>", chinese)
    assert ">测试单元格</a>（得分：" in chinese and ">你的答案<" in chinese and "评分单元格 <code>" in chinese
    assert "隐藏测试在这里运行" in chinese and "Score" not in chinese and "Test cell" not in chinese
