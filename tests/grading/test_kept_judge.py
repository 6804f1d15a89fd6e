"""A worker keeps its judge from one notebook to the next, and gives it up whenever a notebook went wrong.

The fast layer checks a judge's folders, age and limits without a kernel. In the rest
(marked ``grading``) every notebook runs through :func:`autograder.grading.execution.execute`
with warm, confined kernels, as a worker runs it. A test cell in the judge prints a token
kept in the judge's ``sys`` module: the same token means the same judge process.
"""

import os
import re
import stat
import time

import nbformat
import pytest

from autograder.course import nbgrader_config
from autograder.grading import execution, kept_judge
from autograder.sandbox import zygote
from autograder.sandbox.limits import Limits

ROLES = {"tests": ["test_f"], "split": [], "setup": ["setup"], "functions": ["f"]}
WHICH_JUDGE = ("import sys\nsys.__dict__.setdefault('bnweek_token', __import__('secrets').token_hex(8))\n"
               "print('judge', sys.bnweek_token)\n")


def _notebook(cells, answer="def f(x):\n    return 2 * x", test="assert f(21) == 42"):
    return cells.notebook(cells.setup(source="import numpy as np"), cells.answer("f", answer),
                          cells.test("test_f", WHICH_JUDGE + test))


def _grade(notebook, tmp_path, **kwargs):
    """Execute one notebook as a worker does; return (Executed, the judge's token, the test cell's text)."""
    executed = execution.execute(nbformat.writes(notebook), execution.pack_folder(tmp_path)[0],
                                 nbgrader_config(tmp_path / "course"), roles=ROLES, **kwargs)
    test_cell = nbformat.reads(executed.notebook, as_version=4).cells[2]
    text = "".join(o.get("text", "") + o.get("evalue", "") for o in test_cell.outputs)
    token = re.search(r"judge (\w+)", text)
    return executed, token and token.group(1), text


@pytest.fixture(scope="module")
def warm_kernels():
    """A zygote of this module's own, named in the environment as a worker's is, and gone after it."""
    saved = dict(os.environ)
    with zygote.Zygote() as server:
        os.environ.update(server.env())
        yield
        kept_judge.discard_every()
    os.environ.clear()
    os.environ.update(saved)


@pytest.fixture
def no_judge_left(warm_kernels):
    kept_judge.discard_every()
    yield
    kept_judge.discard_every()


def slow(test):
    """A test that grades with warm kernels, this module's zygote, and no judge kept before or after it."""
    return pytest.mark.grading(pytest.mark.usefixtures("no_judge_left")(test))


def _kept():
    return getattr(kept_judge._kept, "judge", None)


# -- without a kernel ------------------------------------------------------------------------


def test_a_kept_judges_limits_are_a_few_notebooks_time():
    """Are a kept judge's CPU and wall limits LIFETIME notebooks' (CPU at least the wall), the rest as given?"""
    limits = Limits(cpu_seconds=100, wall_seconds=300, cell_seconds=7)
    kept = kept_judge.judge_limits(limits)
    assert (kept.cpu_seconds, kept.wall_seconds) == (kept_judge.LIFETIME * 300, kept_judge.LIFETIME * 300)
    assert kept.cell_seconds == 7 and kept.memory_bytes == limits.memory_bytes


def test_a_judge_is_young_for_its_share_of_notebooks_and_one_notebooks_time():
    judge = kept_judge.KeptJudge(key=(), folders={})
    assert judge.young(Limits(wall_seconds=300))
    judge.notebooks = kept_judge.KEEP_NOTEBOOKS
    assert not judge.young(Limits(wall_seconds=300))
    judge.notebooks, judge.started = 0, time.monotonic() - 301
    assert not judge.young(Limits(wall_seconds=300)) and judge.young(Limits(wall_seconds=0))


def test_a_new_judge_gets_its_own_folders_and_each_notebook_a_new_call_folder(tmp_path):
    """Does take() make a judge's folders (the call folder reachable by another uid), and does a judge without a
    kernel go, folders and all, when released?"""
    kept_judge.discard_every()
    judge = kept_judge.take(("key",), Limits(), str(tmp_path))
    try:
        folders = judge.folders
        assert {os.path.dirname(folders[name]) for name in ("work", "sockets", "calls_root")} == {folders["root"]}
        assert os.path.dirname(folders["calls"]) == folders["calls_root"] and os.listdir(folders["calls"]) == []
        assert stat.S_IMODE(os.stat(folders["calls"]).st_mode) == 0o755
        assert kept_judge.reuse(judge, None) is None and kept_judge.reuse(None, None) is None, "no kernel yet"
    finally:
        kept_judge.release(judge, fit=True)
    assert not os.path.exists(folders["root"]) and _kept() is None, "a judge whose kernel never started is not kept"


# -- grading with warm kernels -----------------------------------------------------------------


@slow
def test_the_next_notebook_gets_the_same_judge_with_nothing_of_the_last(cells, tmp_path):
    """Is the judge kept, and does it forget the last notebook's names and execution count?"""
    first, token, _ = _grade(_notebook(cells, test="leftover = 'from the first notebook'\nassert f(21) == 42"),
                             tmp_path)
    assert not first.problem and not first.fault and token
    second, again, text = _grade(_notebook(cells, test="assert 'leftover' not in globals(), 'remembered'\n"
                                                       "assert f(2) == 4"), tmp_path)
    assert again == token, "the second notebook had a judge of its own"
    assert not second.problem and "remembered" not in text and "Error" not in text, text
    cell = nbformat.reads(second.notebook, as_version=4).cells[2]
    assert cell.execution_count == nbformat.reads(first.notebook, as_version=4).cells[2].execution_count
    assert _kept().notebooks == 2


@slow
def test_a_judge_is_not_kept_past_a_call_it_had_to_stop(cells, tmp_path):
    """Does a notebook whose test ran out of time (its call interrupted) leave the next notebook a new judge?"""
    endless = "def f(x):\n    import time\n    time.sleep(600)\n    return 2 * x"
    limits = Limits(cell_seconds=3)
    stopped, token, text = _grade(_notebook(cells, answer=endless), tmp_path, limits=limits)
    assert any(o.output_type == "error" for o in nbformat.reads(stopped.notebook, as_version=4).cells[2].outputs)
    assert _kept() is None
    _, again, _ = _grade(_notebook(cells), tmp_path, limits=limits)
    assert again and again != token


@slow
def test_what_a_submission_leaves_in_the_call_folder_is_removed(cells, tmp_path):
    """Can a submission leave a file where the next submission's socket will be? (Sealed, then removed.)"""
    plant = ("import os\nfolder = os.path.dirname(os.environ['BNWEEK_JUDGE_SOCKET'])\n"
             "for name in ('planted', 'calls-0000000000000000'):\n"
             "    try:\n        open(os.path.join(folder, name), 'w').write('x')\n"
             "    except OSError:\n        pass  # the folder is sealed once the kernel's sockets are bound\n"
             "def f(x):\n    return 2 * x")
    executed, token, _ = _grade(_notebook(cells, answer=plant), tmp_path)
    assert not executed.problem and token
    judge = _kept()
    assert judge is not None and os.listdir(judge.folders["calls_root"]) == [] and "calls" not in judge.folders
    _, again, text = _grade(_notebook(cells), tmp_path)
    assert again == token and "Error" not in text, text


#: In the submission's kernel: the folder of the socket the judge calls it through.
CALL_FOLDER = "import os\nfolder = os.path.dirname(os.environ['BNWEEK_JUDGE_SOCKET'])\n"
#: A tree deeper than Python's recursion limit (and PATH_MAX), its deepest folder without permissions.
DEEP_TREE = ("def deep(top, levels=3000):\n    here = os.open(top, os.O_RDONLY)\n"
             "    for _ in range(levels):\n        os.mkdir('d', dir_fd=here)\n"
             "        below = os.open('d', os.O_RDONLY, dir_fd=here)\n        os.close(here)\n        here = below\n"
             "    os.fchmod(here, 0)\n    os.close(here)\n")


@slow
def test_a_call_folder_made_unusable_during_the_last_call_does_not_reach_the_next_notebook(cells, tmp_path):
    """A submission that takes its call folder's permissions away during its last call: is the next one graded?"""
    hostile = CALL_FOLDER + "def f(x):\n    try:\n        os.chmod(folder, 0)\n    except OSError:\n        pass\n" \
                            "    return 2 * x"
    attacked, _, _ = _grade(_notebook(cells, answer=hostile), tmp_path)
    assert not attacked.fault, attacked.fault
    for _ in range(2):
        honest, token, text = _grade(_notebook(cells), tmp_path)
        assert token and not honest.problem and not honest.fault and "Error" not in text, text


@slow
def test_a_judge_whose_call_could_not_connect_is_not_kept(cells, tmp_path):
    """The submission closes the socket the judge calls it through: the judge cannot connect, so it is not kept."""
    hostile = "from autograder.kernel import submission_side\nsubmission_side._listener.close()\n" \
              "def f(x):\n    return 2 * x"
    attacked, token, text = _grade(_notebook(cells, answer=hostile), tmp_path)
    assert not attacked.fault and "did not answer" in text, text
    assert _kept() is None
    honest, again, text = _grade(_notebook(cells), tmp_path)
    assert again and again != token and not honest.problem and "Error" not in text, text


@slow
@pytest.mark.parametrize("where", ["call folder", "working folder", "/tmp"])
def test_a_tree_deeper_than_the_recursion_limit_is_no_grader_fault(cells, tmp_path, where, monkeypatch):
    """A deeply nested tree without permissions at its bottom: no grader error, nothing left on the host."""
    import shutil
    import tempfile

    base = tempfile.mkdtemp(prefix="bnw-")  # the grader's folders for this test alone (and short: socket paths)
    monkeypatch.setattr(execution, "IPC_BASE", base)
    top = {"call folder": "folder", "working folder": "'.'", "/tmp": "'/tmp'"}[where]
    hostile = CALL_FOLDER + DEEP_TREE + f"deep({top})\ndef f(x):\n    return 2 * x"
    try:
        executed, token, text = _grade(_notebook(cells, answer=hostile), tmp_path)
        assert token and not executed.fault and not executed.problem and "Error" not in text, text
        judge = _kept()
        assert judge is not None and os.listdir(judge.folders["calls_root"]) == []
        assert os.listdir(base) == [os.path.basename(judge.folders["root"])], "the notebook's folders are gone"
        _, again, text = _grade(_notebook(cells), tmp_path)
        assert again == token and "Error" not in text, text
    finally:
        kept_judge.discard_every()
        shutil.rmtree(base, ignore_errors=True)


@slow
def test_a_judge_is_replaced_once_it_has_graded_its_share(cells, tmp_path, monkeypatch):
    """After KEEP_NOTEBOOKS notebooks, does the next one start a new judge?"""
    monkeypatch.setattr(kept_judge, "KEEP_NOTEBOOKS", 1)
    _, token, _ = _grade(_notebook(cells), tmp_path)
    _, again, _ = _grade(_notebook(cells), tmp_path)
    assert token and again and again != token


@slow
def test_without_keeping_every_notebook_has_its_own_judge(cells, tmp_path):
    """With ``keep_judge=False``, is each notebook's judge a new process, as before?"""
    _, token, _ = _grade(_notebook(cells), tmp_path, keep_judge=False)
    _, again, _ = _grade(_notebook(cells), tmp_path, keep_judge=False)
    assert token and again and again != token and _kept() is None


@slow
def test_a_discarded_judge_leaves_no_process_and_no_folder(cells, tmp_path, gone):
    """Does giving a judge up (as a worker does when it ends) stop its kernel and remove its folders?"""
    _grade(_notebook(cells), tmp_path)
    judge = _kept()
    pid = judge.client.km.provisioner.process.pid  # the kernel's keeper, which the kernel does not outlive
    root = judge.folders["root"]
    kept_judge.discard_every()
    assert not os.path.exists(root) and _kept() is None
    assert gone(pid)  # the zygote kills and reaps it once the worker hangs up
