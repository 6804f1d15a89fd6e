"""The judge: hidden tests call a submission's functions in another kernel, through plain data.

``autograder.kernel.wire``, each side and the grader's calls into a kernel are tested on their
own (``tests/kernel/``, ``tests/grading/test_kernels.py``); here the two sides meet: a real kernel
holding "student" functions serves calls (``autograder.kernel.submission_side``), with this test
process as the judge (``autograder.kernel.judge_side``), and whole notebooks run in two kernels.
"""

import re
import time

import nbformat
import numpy as np
import pytest

from autograder.course import cell_roles, nbgrader_config, source_notebook
from autograder.grading import execution
from autograder.grading.preprocessors.executeapart import NOT_RUN
from autograder.grading.preprocessors.hidetestinternals import HIDDEN_BEGIN
from autograder.kernel import judge_side

# -- calls into a live kernel ------------------------------------------------------------

STUDENT_CODE = """
import numpy as np

def center(Z):
    print("debug print from center")
    Z -= Z.mean(axis=1, keepdims=True)
    return Z

def same(parameters):
    parameters["seen"] = True
    return parameters

def fails(x):
    raise ValueError("a message for the student")

def exits(x):
    raise SystemExit(1)

def slow(seconds):
    import time
    time.sleep(seconds)
    return seconds

def dies():
    import os
    os._exit(9)
"""


@pytest.fixture()
def submission(tmp_path):
    """A kernel holding the "student" functions, listening for calls; ``serve()`` starts a test cell's calls."""
    from jupyter_client.manager import start_new_kernel

    manager, client = start_new_kernel(kernel_name="python3")
    path = str(tmp_path / "calls")
    client.execute_interactive(f"from autograder.kernel.submission_side import listen, serve_calls\nlisten({path!r})", timeout=60)
    client.execute_interactive(STUDENT_CODE, timeout=60)
    yield path, lambda: client.execute("serve_calls(30)")
    client.stop_channels()
    manager.shutdown_kernel(now=True)


def test_proxies_call_the_submissions_functions(submission, capfd):
    """Do values, in-place changes, identity and exceptions cross as they would in one kernel?"""
    path, serve = submission
    namespace = {}
    judge_side.install(path, ["center", "same", "fails", "exits", "missing"], 10, namespace)
    serve()
    Z = np.array([[1.0, 3.0]])
    out = namespace["center"](Z)
    assert np.array_equal(out, [[-1.0, 1.0]]) and np.array_equal(Z, [[-1.0, 1.0]])
    assert out is Z, "the function returned its argument: the judge must see the same object"
    parameters = {"W": np.ones(1)}
    assert namespace["same"](parameters) is parameters and parameters["seen"] is True
    with pytest.raises(ValueError, match="a message for the student"):
        namespace["fails"](1)
    with pytest.raises(judge_side.SubmissionError, match="SystemExit"):
        namespace["exits"](1)
    with pytest.raises(NameError):
        namespace["missing"]()
    judge_side.hang_up()


def test_a_call_that_runs_too_long_is_stopped_and_the_kernel_stays_usable(submission):
    path, serve = submission
    namespace = {}
    judge_side.install(path, ["slow"], 1, namespace)
    serve()
    started = time.monotonic()
    with pytest.raises(judge_side.SubmissionError, match="did not finish within 1 s"):
        namespace["slow"](60)
    assert time.monotonic() - started < 10
    assert namespace["slow"](0) == 0
    judge_side.hang_up()


def test_a_kernel_that_dies_during_a_call_is_reported(submission):
    path, serve = submission
    namespace = {}
    line = judge_side.install(path, ["dies", "slow"], 30, namespace)
    serve()
    started = time.monotonic()
    with pytest.raises(judge_side.SubmissionError, match="stopped"):
        namespace["dies"]()
    with pytest.raises(judge_side.SubmissionError, match="stopped"):
        namespace["slow"](0)
    assert line.broken and time.monotonic() - started < 10


# -- the two-kernel execution step -------------------------------------------------------


@pytest.mark.grading
def test_tests_run_in_another_process_and_folder(tmp_path):
    """Does a test cell run in the judge (another process, another folder), the setup in both, prints shown?"""
    notebook = nbformat.v4.new_notebook()
    cells = [("setup", "import os\nsetup_pid = os.getpid()", {"locked": True}),
             ("double", "import os\ndef double(x):\n    print('printed by double')\n    return 2 * x\ndef where():\n    return os.getpid(), os.getcwd()",
              {"solution": True, "grade": False}),
             ("test_double", "assert double(21) == 42\nassert where()[0] != os.getpid() and where()[1] != os.getcwd()\n"
                             "assert where()[0] != setup_pid\nprint('judged in', os.getcwd())",
              {"grade": True, "solution": False, "points": 1})]
    for grade_id, source, meta in cells:
        cell = nbformat.v4.new_code_cell(source)
        cell.metadata.nbgrader = {"grade_id": grade_id, "locked": False, **meta}
        notebook.cells.append(cell)
    roles = {"tests": ["test_double"], "setup": ["setup"], "functions": ["double", "where"]}
    executed = execution.execute(nbformat.writes(notebook), execution.pack_folder(tmp_path)[0],
                                 nbgrader_config(tmp_path / "course"), warm=False, roles=roles)
    result = nbformat.reads(executed.notebook, as_version=4)
    outputs = result.cells[2].outputs
    assert not [o for o in outputs if o.output_type == "error"], outputs
    assert "judged in" in "".join(o.get("text", "") for o in outputs)
    assert "printed by double" in "".join(o.get("text", "") for o in outputs), "a student's prints are shown"
    assert str(tmp_path) not in "".join(o.get("text", "") for o in outputs)


@pytest.mark.grading
def test_test_cells_run_in_the_judges_namespace_and_fail_with_their_own_lines(tmp_path):
    """Run below IPython's frames (autograder.kernel.frames.below_ipython), do test cells share one namespace, and does a failure
    show the cell's own line, not the grader's frames?"""
    notebook = nbformat.v4.new_notebook()
    cells = [("setup", "import numpy as np", {"locked": True}),
             ("f", "def f(x):\n    return 3 * x", {"solution": True, "grade": False}),
             ("test_one", "expected = 42\nprint('first test ran')", {"grade": True, "solution": False, "points": 1}),
             ("test_f", "def check(value):\n    assert value == expected, 'f(21) should be 42'\ncheck(f(21))",
              {"grade": True, "solution": False, "points": 1})]
    for grade_id, source, meta in cells:
        cell = nbformat.v4.new_code_cell(source)
        cell.metadata.nbgrader = {"grade_id": grade_id, "locked": False, **meta}
        notebook.cells.append(cell)
    roles = {"tests": ["test_one", "test_f"], "split": [], "setup": ["setup"], "functions": ["f"]}
    executed = execution.execute(nbformat.writes(notebook), execution.pack_folder(tmp_path)[0],
                                 nbgrader_config(tmp_path / "course"), warm=False, roles=roles)
    result = nbformat.reads(executed.notebook, as_version=4)
    assert [cell.source for cell in result.cells] == [cell.source for cell in notebook.cells]
    assert "first test ran" in result.cells[2].outputs[0].text
    errors = [o for o in result.cells[3].outputs if o.output_type == "error"]
    assert [(e.ename, e.evalue) for e in errors] == [("AssertionError", "f(21) should be 42")], "expected was seen"
    traceback = re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(errors[0].traceback))
    assert "assert value == expected" in traceback and "check(f(21))" in traceback
    lifting = ("in below_ipython", "in _down", "in _run_staged", "frames.py")
    assert not [frame for frame in lifting if frame in traceback], traceback  # the frames that lift the test down
    assert traceback.index("check(f(21))") < traceback.index("assert value == expected"), traceback


@pytest.mark.grading
def test_cells_after_the_last_test_are_left_unrun_with_a_note(tmp_path):
    """Does the grader stop once every test has run, noting it in each later code cell, and run all before it?"""
    marker = tmp_path / "after-the-tests"
    cells = [("setup", "x = 1", {"locked": True}),
             ("f", "def f():\n    return x", {"solution": True, "grade": False}),
             (None, "y = f() + 1", {}),
             ("test_f", "assert f() == 1", {"grade": True, "solution": False, "points": 1}),
             (None, f"open({str(marker)!r}, 'w').write('ran')\nraise RuntimeError('a demo that fails')", {})]
    notebook = nbformat.v4.new_notebook()
    for grade_id, source, meta in cells:
        cell = nbformat.v4.new_code_cell(source)
        if grade_id:
            cell.metadata.nbgrader = {"grade_id": grade_id, "locked": False, **meta}
        notebook.cells.append(cell)
    notebook.cells.append(nbformat.v4.new_markdown_cell("The end."))
    roles = {"tests": ["test_f"], "split": [], "setup": ["setup"], "functions": ["f"]}
    executed = execution.execute(nbformat.writes(notebook), execution.pack_folder(tmp_path)[0],
                                 nbgrader_config(tmp_path / "course"), warm=False, roles=roles)
    result = nbformat.reads(executed.notebook, as_version=4)
    assert result.cells[2].execution_count and not [o for o in result.cells[3].outputs if o.output_type == "error"]
    assert [o.text for o in result.cells[4].outputs] == [NOT_RUN] and not marker.exists()
    assert result.cells[5].source == "The end." and executed.problem == ""


def _split_notebook(visible):
    """A notebook whose test cell is split: ``visible``, then a hidden region that calls a probe."""
    notebook = nbformat.v4.new_notebook()
    hidden = ("### BEGIN HIDDEN TESTS\nimport os\nfrom autograder.kernel.remote import probes\n"
              "assert probes.is_model(probes.make('Counter')) is False\nprint('judged in', os.getcwd())\n"
              "### END HIDDEN TESTS")
    cells = [("setup", "import os\nprint('setup in', os.getcwd())", {"locked": True}),
             ("Counter", "class Counter:\n    pass", {"solution": True, "grade": False}),
             ("test_Counter", visible + "\n\n" + hidden, {"grade": True, "solution": False, "points": 1})]
    for grade_id, source, meta in cells:
        cell = nbformat.v4.new_code_cell(source)
        cell.metadata.nbgrader = {"grade_id": grade_id, "locked": False, **meta}
        notebook.cells.append(cell)
    return notebook


@pytest.mark.grading
@pytest.mark.parametrize("visible_passes", [True, False])
def test_split_tests_run_visible_asserts_with_the_code_and_hidden_ones_in_the_judge(tmp_path, visible_passes):
    """Does a split test cell run its visible part in the submission's kernel and its hidden part in the judge,
    whose verdict alone decides (a failed visible assert is shown as text, not as the cell's error)?"""
    visible = "counter = Counter()\nprint('visible in', os.getcwd())" + ("" if visible_passes else "\nassert False, 'no'")
    roles = {"tests": [], "split": ["test_Counter"], "setup": ["setup"], "functions": ["Counter"]}
    executed = execution.execute(nbformat.writes(_split_notebook(visible)), execution.pack_folder(tmp_path)[0],
                                 nbgrader_config(tmp_path / "course"), warm=False, roles=roles)
    result = nbformat.reads(executed.notebook, as_version=4)
    # each kernel runs in a private copy of the submission's folder: the submission's own, not the judge's
    assert result.cells[0].outputs[0].text.endswith("submission-work\n"), "the setup cell shows the student's run"
    assert result.cells[2].source.startswith("counter = Counter()") and HIDDEN_BEGIN in result.cells[2].source
    outputs = result.cells[2].outputs
    printed = "".join(o.get("text", "") for o in outputs)
    assert "visible in " in printed and "submission-work" in printed
    assert not [o for o in outputs if o.output_type == "error"]
    assert "judged in" in printed and "judged in " + printed.split("visible in ")[1].split()[0] not in printed
    assert ("a visible check failed in your kernel" in printed and "AssertionError: no" in printed) != visible_passes


def test_roles_come_from_the_source_notebooks():
    """Do the roles name every graded function and test, and split only tests that have a hidden region?"""
    roles = cell_roles("ch2_fitting_bn")
    assert roles["functions"] == ["linear_bn_forward", "batchnorm_backward", "model_forward", "update_parameters"]
    assert roles["tests"] == [f"test_{name}" for name in roles["functions"]]
    assert "setup" in roles["setup"] and roles["split"] == []
    ch6 = cell_roles("ch6_tensorflow")
    assert ch6["tests"] == ["test_minimize_cost", "test_one_hot_matrix"]
    assert ch6["split"] == ["test_BatchNorm", "test_build_model", "test_compute_total_loss", "test_train_step",
                            "test_best_device"]
    sources = {cell.metadata.nbgrader.grade_id: cell.source
               for cell in nbformat.read(source_notebook("ch6_tensorflow"), as_version=4).cells
               if "nbgrader" in cell.metadata}
    for grade_id in ch6["split"]:
        visible, marker, hidden = sources[grade_id].partition(HIDDEN_BEGIN)
        assert marker and "probes." in hidden, f"{grade_id}: its hidden region decides its points"


@pytest.mark.grading
@pytest.mark.parametrize("shown", ["3", "100", "'full marks'"])
def test_the_score_is_the_judges_partial_result_whatever_the_submission_shows(tmp_path, shown):
    """Contracts 1 and 2: in a split test whose visible half makes the submission's kernel show a value, is the
    cell's score the judge's last expression (clamped), and was the judge told the notebook's seed and language
    before the test?"""
    from nbgrader.utils import determine_grade

    from autograder.grading.preprocessors.receipts import AddReceipts

    visible = f"counter = Counter()\n{shown}"
    notebook = _split_notebook(visible)
    test = notebook.cells[2]
    test.metadata.nbgrader["points"] = 3
    test.source = test.source.replace(
        "### END HIDDEN TESTS",
        "from autograder.kernel import tfcheck\nprint('told', tfcheck.settings())\n0.25 * 3  # the judge's score\n"
        "### END HIDDEN TESTS")
    notebook, _ = AddReceipts()(notebook, {})
    roles = {"tests": [], "split": ["test_Counter"], "setup": ["setup"], "functions": ["Counter"]}
    executed = execution.execute(nbformat.writes(notebook), execution.pack_folder(tmp_path)[0],
                                 nbgrader_config(tmp_path / "course"), warm=False, roles=roles,
                                 judging=execution.Judging(seed=12345, language="zh_CN"))
    result = nbformat.reads(executed.notebook, as_version=4)
    cell = result.cells[2]
    printed = "".join(o.get("text", "") for o in cell.outputs)
    assert "told Settings(seed=12345, language='zh_CN')" in printed
    assert determine_grade(cell)[0] == 0.75, cell.outputs
    assert "bnweek-receipt" not in printed and "bnweek-receipt" not in cell.source
