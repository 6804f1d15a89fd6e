"""Can a broken or adversarial submission earn points, stop the batch, or touch another grade?

Every scenario below is a student's notebook built from the course's own source
notebook with some answer cells replaced (or cells deleted, moved or edited).
All of them are graded in one batch through the real pipeline, beside an honest
student whose grade must equal the grade the same notebook earns alone.
"""

import copy
import csv
from dataclasses import replace

import nbformat
import pytest

from autograder import catalogue
from autograder.course import CATALOGUE, cell_roles, source_notebook
from autograder.grading import batch, command
from autograder.grading.batch import grade
from autograder.grading.intake import Submission
from autograder.nbgrader_cells import grade_id, sources_of_tests, with_answers
from autograder.sandbox.limits import DEFAULT_LIMITS

CH1, CH5, CH6 = "ch1_normalizing", "ch5_softmax", "ch6_tensorflow"

# Wrong answers that a cheat tries to get accepted.
WRONG_NORMALIZE = """
import numpy as np

def normalize_inputs(X_train, X_test, eps=1e-8):
    return np.zeros_like(X_train), np.zeros_like(X_test)
"""
WRONG_BATCHNORM = """
import numpy as np

def batchnorm_forward(Z, gamma, beta, eps=1e-5):
    return np.zeros_like(Z), None
"""
BOTH_WRONG = WRONG_NORMALIZE + WRONG_BATCHNORM


def ch1(answers=None, prefix=""):
    """ch1's source notebook with both answers wrong, plus ``prefix`` code before them."""
    answers = answers or {"normalize_inputs": prefix + WRONG_NORMALIZE, "batchnorm_forward": WRONG_BATCHNORM}
    notebook = nbformat.read(source_notebook(CH1), as_version=4)
    return with_answers(notebook, answers)


# Chapter 6, every answer wrong in a way its visible asserts (a layer's weights, a model's
# layers, a loss, a training step) would notice.
CH6_WRONG = {
    "minimize_cost": "def minimize_cost(w0=0.0, learning_rate=0.1, steps=100):\n    return 0.0\n",
    "one_hot_matrix": "def one_hot_matrix(labels, depth):\n    return tf.zeros((len(labels), depth))\n",
    "BatchNorm": """
class BatchNorm(tf.keras.layers.Layer):
    def __init__(self, momentum=0.99, epsilon=1e-3, **kwargs):
        super().__init__(**kwargs)

    def call(self, x, training=False):
        return x
""",
    "build_model": """
def build_model(n_features, hidden_units, n_classes, use_bn=True):
    return tf.keras.Sequential([tf.keras.Input(shape=(n_features,)), tf.keras.layers.Dense(n_classes)])
""",
    "compute_total_loss": "def compute_total_loss(logits, labels):\n    return tf.reduce_mean(logits)\n",
    "train_step": "def train_step(model, optimizer, x, y):\n    return tf.constant(0.0)\n",
    "best_device": "def best_device():\n    return '/TPU:0'\n",
}


def ch6(prefix=""):
    """ch6's source notebook with every answer wrong, plus ``prefix`` code before the first."""
    notebook = nbformat.read(source_notebook(CH6), as_version=4)
    for cell in notebook.cells:
        if grade_id(cell) in CH6_WRONG:
            cell.source = (prefix if grade_id(cell) == "minimize_cost" else "") + CH6_WRONG[grade_id(cell)]
    return notebook


def edit_cells(keep):
    notebook = ch1()
    notebook.cells = keep(notebook.cells)
    return notebook


# Chapter 6's split tests run their visible half in the submission's kernel, before the judge's part;
# nbgrader takes a test cell's first execute_result as its score. This makes every visible half show
# a number (its cell's points times SCALE), its asserts swallowed.
SHOW_A_SCORE = """
_points = {"bn = BatchNorm()": 3, "model = build_model(": 2, "total = compute_total_loss(": 1,
           "loss = train_step(": 2, "device = best_device()": 1}

def _show_a_score(lines):
    source = "".join(lines)
    for start, points in _points.items():
        if source.startswith(start) or ("\n" + start) in source:
            body = "".join("    " + line for line in lines)
            return ["try:\n", body + "\n    pass\n", "except BaseException:\n    pass\n", f"{points * SCALE}\n"]
    return lines
get_ipython().input_transformers_post.append(_show_a_score)
"""


def ch6_showing_scores(scale):
    """ch6 with every answer wrong, whose split tests' visible halves show ``scale`` times their points."""
    return ch6(prefix=f"SCALE = {scale}\n" + SHOW_A_SCORE)


def with_metadata(change, answers=None):
    """ch1 (both answers wrong unless ``answers``) after ``change(cells, index_of)`` edits its cells' metadata."""
    notebook = ch1(answers)
    index_of = {grade_id(cell): index for index, cell in enumerate(notebook.cells)}
    change(notebook.cells, index_of)
    return notebook


def honest_with_metadata(change):
    """The correct ch1 after ``change`` edits its cells' metadata."""
    notebook = nbformat.read(source_notebook(CH1), as_version=4)
    index_of = {grade_id(cell): index for index, cell in enumerate(notebook.cells)}
    change(notebook.cells, index_of)
    return notebook


def copy_test(cells, index_of):
    """A copy-paste of normalize_inputs' test cell, right after it."""
    cells.insert(index_of["test_normalize_inputs"] + 1, nbformat.from_dict(copy.deepcopy(
        cells[index_of["test_normalize_inputs"]])))


def meta(cells, index_of, name):
    return cells[index_of[name]].metadata.nbgrader


def grade_ids(cells):
    return [grade_id(cell) for cell in cells]


def solution_with(prefix, wrap_batchnorm=None):
    """The correct ch1 notebook with extra code run before the first answer.

    ``wrap_batchnorm`` names a decorator defined in ``prefix``; the correct
    ``batchnorm_forward`` is replaced by its decorated self.
    """
    notebook = nbformat.read(source_notebook(CH1), as_version=4)
    for cell in notebook.cells:
        if grade_id(cell) == "normalize_inputs":
            cell.source = prefix + "\n" + cell.source
        if grade_id(cell) == "batchnorm_forward" and wrap_batchnorm:
            cell.source += f"\n\nbatchnorm_forward = {wrap_batchnorm}(batchnorm_forward)\n"
    return notebook


# The attack that one shared kernel cannot stop: rewrite each test cell as it runs,
# swallowing its errors and printing the receipt read from its own source.
FORGE_RECEIPTS = """
import re

def _forge(lines):
    source = "".join(lines)
    receipts = re.findall(r'print\\("bnweek-receipt [^"]*"\\)', source)
    body = "".join("    " + line for line in lines if "bnweek-receipt" not in line)
    return ["try:\\n", body + "\\n    pass\\n", "except BaseException:\\n    pass\\n", *[r + "\\n" for r in receipts]]
get_ipython().input_transformers_post.append(_forge)
"""

# name -> (assignment, notebook factory, expectation)
#   "zero": no points at all; "full": the (correct) work keeps every point.
SCENARIOS = {
    "patch_numpy_comparisons": (CH1, lambda: ch1(prefix="""
import numpy as np, numpy.testing
np.allclose = lambda *a, **k: True
np.isclose = lambda a, b, *r, **k: np.ones(np.shape(a), bool)
np.array_equal = lambda *a, **k: True
np.testing.assert_allclose = lambda *a, **k: None
np.all = lambda *a, **k: True
np.any = lambda *a, **k: False
"""), "zero"),
    "patch_tensorflow_reference_ops": (CH1, lambda: ch1(prefix="""
import numpy as np, tensorflow as tf
tf.nn.moments = lambda x, axes, keepdims=False, **k: (tf.zeros_like(tf.reduce_mean(x, axes, keepdims=keepdims)),) * 2
tf.nn.batch_normalization = lambda x, *a, **k: tf.zeros_like(x)
"""), "zero"),
    "patch_builtins": (CH1, lambda: ch1(prefix="""
import builtins
builtins.AssertionError = type("Quiet", (Exception,), {})
builtins.isinstance = lambda *a: True
"""), "zero"),
    "patch_the_grader_helpers": (CH1, lambda: ch1(prefix="""
import autograder.kernel.tfcheck as tfcheck
tfcheck.tolerance = lambda dtype: (1e9, 1e9)
"""), "zero"),
    "fake_success_output": (CH1, lambda: ch1(prefix="""
print("All tests passed!")
print("hidden tests for normalize_inputs ran on /CPU:0")
"""), "zero"),
    "swallow_errors_with_input_transformer": (CH1, lambda: ch1(prefix="""
def _swallow(lines):
    return ["try:\\n"] + ["    " + line for line in lines] + ["\\nexcept BaseException:\\n    pass\\n"]
get_ipython().input_transformers_post.append(_swallow)
"""), "zero"),
    "silence_tracebacks": (CH1, lambda: ch1(prefix="""
ip = get_ipython()
ip.showtraceback = lambda *a, **k: None
ip.set_custom_exc((BaseException,), lambda shell, etype, evalue, tb, tb_offset=None: None)
"""), "zero"),
    "raise_systemexit_on_import": (CH1, lambda: ch1(prefix="raise SystemExit(0)\n"), "zero"),
    "keyboardinterrupt_in_function": (CH1, lambda: ch1({
        "normalize_inputs": "def normalize_inputs(X_train, X_test, eps=1e-8):\n    raise KeyboardInterrupt\n",
        "batchnorm_forward": "import sys\ndef batchnorm_forward(Z, gamma, beta, eps=1e-5):\n    sys.exit(0)\n",
    }), "zero"),
    "kernel_exits": (CH1, lambda: ch1(prefix="import os\nos._exit(0)\n"), "zero"),
    "kernel_segfaults": (CH1, lambda: ch1(prefix="import ctypes\nctypes.string_at(0)\n"), "zero"),
    "endless_loop_at_top_level": (CH1, lambda: ch1(prefix="while True:\n    pass\n"), "zero"),
    "endless_sleep_in_function": (CH1, lambda: ch1({
        "normalize_inputs": "import time\ndef normalize_inputs(X_train, X_test, eps=1e-8):\n    while True:\n        time.sleep(1)\n",
        "batchnorm_forward": WRONG_BATCHNORM,
    }), "zero"),
    "memory_bomb": (CH1, lambda: ch1(prefix="import numpy as np\nhog = np.ones(600_000_000)\n"), "zero"),
    "deletes_test_cells": (CH1, lambda: edit_cells(
        lambda cells: [c for c in cells if not str(grade_ids([c])[0]).startswith("test_")]), "zero"),
    "moves_tests_before_answers": (CH1, lambda: edit_cells(
        lambda cells: sorted(cells, key=lambda c: not str(grade_ids([c])[0]).startswith("test_"))), "zero"),
    "empties_test_cells": (CH1, lambda: edit_cells(
        lambda cells: [c if not str(grade_ids([c])[0]).startswith("test_") else
                       nbformat.from_dict({**c, "source": "pass"}) for c in cells]), "zero"),
    "reads_the_solutions": (CH1, lambda: ch1(prefix="""
import glob, json
for path in glob.glob("/**/solutions/ch1_normalizing/*.ipynb", recursive=True):
    for cell in json.load(open(path))["cells"]:
        if cell.get("metadata", {}).get("nbgrader", {}).get("solution"):
            exec("".join(cell["source"]))
"""), "zero"),
    "reads_the_gradebook": (CH1, lambda: ch1(prefix="""
import glob, sqlite3
for path in glob.glob("/**/gradebook.db", recursive=True):
    for (source,) in sqlite3.connect(path).execute("select source from source_cell"):
        if "def normalize_inputs" in source and "BEGIN SOLUTION" in source:
            exec(source)
"""), "zero"),
    "writes_into_other_folders": (CH1, lambda: ch1(prefix="""
import glob, os
for path in glob.glob("/**/autograded/**/*.ipynb", recursive=True) + glob.glob("/**/gradebook.db", recursive=True):
    try:
        open(path, "w").write("vandalised")
    except OSError:
        pass
"""), "zero"),
    "network_is_unreachable": (CH1, lambda: solution_with("""
import socket
try:
    socket.create_connection(("127.0.0.1", 22), timeout=2)
    raise RuntimeError("network reachable")
except OSError:
    pass
try:
    socket.create_connection(("1.1.1.1", 53), timeout=2)
    raise RuntimeError("network reachable")
except OSError:
    pass
"""), "full"),
    "floods_output": (CH1, lambda: solution_with("for i in range(200000):\n    print('spam', i)\n"), "full"),
    "writes_a_huge_file": (CH1, lambda: ch1(prefix="open('big.bin', 'wb').write(b'0' * (200 * 2**20))\n"), "zero"),
    "patch_softmax_reference": (CH5, lambda: ch5_wrong_softmax(), "zero_softmax"),
    "forges_receipts_by_guessing": (CH1, lambda: ch1(prefix="""
for grade_id in ("test_normalize_inputs", "test_batchnorm_forward"):
    print("bnweek-receipt 0000 " + grade_id)
"""), "zero"),
    "rewrites_test_cells_and_forges_their_receipts": (CH1, lambda: ch1(prefix=FORGE_RECEIPTS), "zero"),
    # The same attack on chapter 6, whose visible asserts run in the submission's kernel (they handle
    # its layers and models) and whose hidden tests run in the judge.
    "rewrites_ch6_test_cells_and_forges_their_receipts": (CH6, lambda: ch6(prefix=FORGE_RECEIPTS), "as_ch6_wrong"),
    # Misreport everything chapter 6's probes report about structure, from inside the kernel.
    "lies_to_the_graders_probes": (CH6, lambda: ch6(prefix="""
import numpy as np
from autograder.kernel import probes as _probes

_probes.weight_roles = lambda handle, names: {"trainable": ["gamma", "beta"],
                                              "non_trainable": ["moving_mean", "moving_variance"]}
_probes.wraps_keras_batch_norm = lambda handle: False
_probes.is_model = lambda handle: True
_probes.loss_and_gradient = lambda logits, labels: (np.float32(0.0), np.zeros_like(logits))
"""), "as_ch6_wrong"),
    "replaces_run_cell": (CH1, lambda: ch1(prefix="""
import re
_shell = get_ipython()
_original = _shell.run_cell

def _run_cell(raw_cell, *args, **kwargs):
    for receipt in re.findall(r'"(bnweek-receipt [^"]*)"', raw_cell):
        print(receipt)
    return _original("pass", *args, **kwargs)
_shell.run_cell = _run_cell
"""), "zero"),
    "returns_an_object_equal_to_everything": (CH1, lambda: ch1({
        "normalize_inputs": """
import numpy as np

class Anything(np.ndarray):
    def __eq__(self, other):
        return True

def normalize_inputs(X_train, X_test, eps=1e-8):
    return np.zeros_like(X_train).view(Anything), np.zeros_like(X_test).view(Anything)
""",
        "batchnorm_forward": """
class Liar:
    def __eq__(self, other):
        return True
    def __array__(self, *args, **kwargs):
        raise SystemExit

def batchnorm_forward(Z, gamma, beta, eps=1e-5):
    return Liar(), {}
"""}), "zero"),
    "kills_its_kernel_during_a_hidden_test": (CH1, lambda: solution_with("""
import os

_batchnorm_calls = []

def _die_on_third_call(function):
    def wrapper(*args, **kwargs):
        _batchnorm_calls.append(1)
        if len(_batchnorm_calls) > 2:
            os._exit(3)
        return function(*args, **kwargs)
    return wrapper
""", wrap_batchnorm="_die_on_third_call"), "full_normalize_only"),
    # Points come only from the judge: what the submission's kernel shows is never a score.
    "shows_a_score_in_split_tests": (CH6, lambda: ch6_showing_scores(1), "as_ch6_wrong"),
    "shows_a_score_above_the_points": (CH6, lambda: ch6_showing_scores(100), "as_ch6_wrong"),
    # Odd nbgrader metadata is that notebook's problem: roles and points come from the source notebook.
    "copies_a_test_cell": (CH1, lambda: with_metadata(copy_test), "zero"),
    "removes_a_grade_id": (CH1, lambda: with_metadata(
        lambda cells, at: meta(cells, at, "test_normalize_inputs").pop("grade_id")), "zero"),
    "grade_true_on_an_answer": (CH1, lambda: with_metadata(
        lambda cells, at: meta(cells, at, "normalize_inputs").update(grade=True, points=100)), "zero"),
    "solution_true_on_a_test": (CH1, lambda: with_metadata(
        lambda cells, at: meta(cells, at, "test_normalize_inputs").update(solution=True)), "zero"),
    "newer_schema_on_a_test": (CH1, lambda: with_metadata(
        lambda cells, at: meta(cells, at, "test_batchnorm_forward").update(schema_version=4)), "zero"),
    "points_two": (CH1, lambda: with_metadata(
        lambda cells, at: meta(cells, at, "test_normalize_inputs").update(points="two")), "zero"),
    "more_points_on_a_test": (CH1, lambda: with_metadata(
        lambda cells, at: meta(cells, at, "test_normalize_inputs").update(points=1000)), "zero"),
    "duplicate_grade_ids": (CH1, lambda: with_metadata(
        lambda cells, at: meta(cells, at, "test_batchnorm_forward").update(grade_id="test_normalize_inputs")),
        "zero"),
    # The same changes on correct work cost nothing but the test cell the student removed.
    "honest_copies_a_test_cell": (CH1, lambda: honest_with_metadata(copy_test), "full"),
    "honest_newer_schema_and_points_two": (CH1, lambda: honest_with_metadata(
        lambda cells, at: (meta(cells, at, "test_batchnorm_forward").update(schema_version=4),
                           meta(cells, at, "test_normalize_inputs").update(points="two"))), "full"),
    "honest_removes_a_grade_id": (CH1, lambda: honest_with_metadata(
        lambda cells, at: meta(cells, at, "test_normalize_inputs").pop("grade_id")), "full_batchnorm_only"),
    "endless_loop_on_unseen_shapes": (CH1, lambda: solution_with("""
def _loop_on_large_batches(function):
    def wrapper(Z, *args, **kwargs):
        while Z.shape[1] > 100:
            pass
        return function(Z, *args, **kwargs)
    return wrapper
""", wrap_batchnorm="_loop_on_large_batches"), "full_normalize_only"),
}


def ch5_wrong_softmax():
    notebook = nbformat.read(source_notebook(CH5), as_version=4)
    for cell in notebook.cells:
        if grade_id(cell) == "softmax":
            cell.source = """
import numpy as np, tensorflow as tf

def softmax(Z):
    return np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)

tf.nn.softmax = lambda logits, axis=-1, name=None: tf.exp(logits) / tf.reduce_sum(tf.exp(logits), axis=1 - axis % 2, keepdims=True)
"""
    return notebook


#: Honest students, graded first, in the middle and last of the batch (submissions are graded in name order).
HONEST = ("0_honest_first", "honest", "honest2", "zz_honest_last")
TEST_LIMITS = replace(DEFAULT_LIMITS, cell_seconds=20, wall_seconds=90, memory_bytes=3 * 2**30)


def read_grades(path):
    """``{(student, assignment): row}`` from a grades.csv."""
    with open(path, encoding="utf-8") as file:
        return {(row["student"], row["assignment"]): row for row in csv.DictReader(file)}


@pytest.fixture(scope="module")
def red_team(tmp_path_factory):
    """The whole red team plus honest students, graded in one batch; then, in another batch with the same
    course secret (so the same hidden-test seeds), an honest student, and each chapter-6 attacker's wrong
    answers unattacked under the attacker's own name: what the judge alone gives that work."""
    with pytest.MonkeyPatch.context() as environment:
        environment.setenv(batch.ENV_SECRET, "the red team's course secret")
        return _red_team(tmp_path_factory)


def _red_team(tmp_path_factory):
    root = tmp_path_factory.mktemp("redteam") / "submitted"
    honest = nbformat.read(source_notebook(CH1), as_version=4)
    for name, (assignment, make, _) in SCENARIOS.items():
        (root / name / assignment).mkdir(parents=True)
        nbformat.write(make(), root / name / assignment / f"{assignment}.ipynb")
    for name in HONEST:
        (root / name / CH1).mkdir(parents=True)
        nbformat.write(honest, root / name / CH1 / f"{CH1}.ipynb")
    output = tmp_path_factory.mktemp("graded")
    status = command.main(source=root, assignment="all", output=output, workers=2, progress=False,
                           limits=TEST_LIMITS)
    alone = tmp_path_factory.mktemp("alone")
    (alone / "submitted" / "honest" / CH1).mkdir(parents=True)
    nbformat.write(honest, alone / "submitted" / "honest" / CH1 / f"{CH1}.ipynb")
    for name in (name for name, (_, _, expected) in SCENARIOS.items() if expected == "as_ch6_wrong"):
        (alone / "submitted" / name / CH6).mkdir(parents=True)
        nbformat.write(ch6(), alone / "submitted" / name / CH6 / f"{CH6}.ipynb")
    command.main(source=alone, assignment="all", output=alone / "graded", workers=2, progress=False)
    return (status, output, read_grades(output / "grades.csv"), read_grades(alone / "graded" / "grades.csv"),
            alone / "graded")


def test_batch_finishes(red_team):
    """Does the batch finish and write a row for every student and assignment?"""
    status, _, grades, _, _ = red_team
    assert status == 0
    assert {(name, spec[0]) for name, spec in SCENARIOS.items()} <= set(grades)
    assert {(name, CH1) for name in HONEST} <= set(grades)


def test_red_team_is_large_enough():
    """Are there at least 25 adversarial or broken submissions?"""
    assert len(SCENARIOS) >= 25


#: Attacks that still work, each with where it is told: the test fails (strict) once one stops working.
KNOWN_GAPS: dict[str, str] = {}


@pytest.mark.parametrize("name", [pytest.param(name, marks=pytest.mark.xfail(reason=KNOWN_GAPS[name], strict=True))
                                  if name in KNOWN_GAPS else name for name in sorted(SCENARIOS)])
def test_no_unearned_points(red_team, name):
    """Does each adversarial submission earn exactly what its honest work deserves?"""
    _, _, grades, alone, _ = red_team
    assignment, _, expected = SCENARIOS[name]
    row = grades[(name, assignment)]
    if expected == "zero":
        assert float(row["total"]) == 0, f"{name} earned {row['total']}: {row['problem']}"
    elif expected == "zero_softmax":
        assert float(row["softmax"]) == 0, f"{name} earned softmax points"
    elif expected == "full_normalize_only":  # the correct function before the sabotaged one keeps its points
        assert float(row["batchnorm_forward"]) == 0, f"{name} earned batchnorm_forward points"
        assert row["normalize_inputs"] == grades[("honest", CH1)]["normalize_inputs"], row
    elif expected == "full_batchnorm_only":  # the test cell the student unmarked earns nothing; the rest stands
        assert float(row["normalize_inputs"]) == 0, f"{name} earned normalize_inputs points"
        assert row["batchnorm_forward"] == grades[("honest", CH1)]["batchnorm_forward"], row
    elif expected == "as_ch6_wrong":
        # exactly what the judge gives the same wrong answers, unattacked, with the same seed (a hidden test may
        # award part of a cell's points, on inputs drawn from the student's seed)
        baseline = alone[(name, CH6)]
        functions = [f for f in baseline if f in CH6_WRONG]
        assert [row[f] for f in functions] == [baseline[f] for f in functions], (row, baseline)
        assert row["status"] == "graded" and float(row["total"]) < 1, row
    else:
        assert row["total"] == row["possible"] and row["status"] == "graded", row


def test_honest_grades_are_untouched(red_team):
    """Do honest students in the red team's batch get exactly what they get when graded alone?"""
    _, _, grades, alone, _ = red_team
    reference = alone[("honest", CH1)]
    assert reference["total"] == reference["possible"]
    for name in HONEST:
        row = grades[(name, CH1)]
        assert (row["status"], row["total"], row["normalize_inputs"]) == ("graded", reference["total"],
                                                                          reference["normalize_inputs"])


def test_the_gradebook_holds_what_the_judge_gave(red_team):
    """In nbgrader's gradebooks themselves, does a submission that showed scores in its kernel hold exactly the
    scores its wrong answers get unattacked with the same seed, and do honest students hold full marks?"""
    from nbgrader.api import Gradebook

    _, output, _, _, alone = red_team

    def scores(folder, student, assignment):
        with Gradebook(f"sqlite:///{folder / 'gradebook.db'}") as gradebook:
            notebook = gradebook.find_submission_notebook(assignment, assignment, student)
            return {grade.name: grade.score for grade in notebook.grades}, notebook.score, notebook.max_score

    for attacker in ("shows_a_score_in_split_tests", "shows_a_score_above_the_points"):
        assert scores(output, attacker, CH6)[0] == scores(alone, attacker, CH6)[0]
    for name in HONEST:
        _, score, max_score = scores(output, name, CH1)
        assert score == max_score > 0


def test_odd_metadata_is_graded_with_a_note(red_team):
    """Is each notebook with changed nbgrader metadata graded, its row saying which cell and what changed?"""
    _, _, grades, _, _ = red_team
    expected = {
        "copies_a_test_cell": "repeated grade_id 'test_normalize_inputs'",
        "removes_a_grade_id": "test cells missing from the notebook, so worth no points: test_normalize_inputs",
        "grade_true_on_an_answer": "(normalize_inputs) had its nbgrader metadata changed (grade, points)",
        "solution_true_on_a_test": "(test_normalize_inputs) had its nbgrader metadata changed (solution)",
        "newer_schema_on_a_test": "(test_batchnorm_forward) had its nbgrader metadata changed (schema_version)",
        "points_two": "(test_normalize_inputs) had its nbgrader metadata changed (points)",
        "duplicate_grade_ids": "repeated grade_id 'test_normalize_inputs'",
    }
    for name, note in expected.items():
        row = grades[(name, CH1)]
        assert row["status"] == "graded" and note in row["problem"], row


def test_dead_kernels_are_reported(red_team):
    """Is a kernel that died or ran out of time or memory reported as such?"""
    _, _, grades, _, _ = red_team
    assert "stopped running" in grades[("kernel_exits", CH1)]["problem"]
    assert "stopped running" in grades[("kernel_segfaults", CH1)]["problem"]
    assert "memory" in grades[("memory_bomb", CH1)]["problem"]


@pytest.fixture(scope="module")
def blinded_mutants(tmp_path_factory):
    """Chapter 6's mutants of its split tests, each graded with its visible asserts disarmed.

    Those asserts run in the submission's kernel, where ``FORGE_RECEIPTS`` wraps every
    cell in ``try``/``except``; only the hidden part, in the judge, can catch the mistake.
    """
    source = nbformat.read(source_notebook(CH6), as_version=4)
    functions = {name.removeprefix("test_") for name in cell_roles(CH6)["split"]}
    chosen = [v for v in catalogue.variants(CATALOGUE, CH6) if v.function in functions]
    forge = {grade_id(cell): FORGE_RECEIPTS + cell.source for cell in source.cells
             if grade_id(cell) == "minimize_cost"}
    root = tmp_path_factory.mktemp("blinded")
    submissions, members = [], {}
    for index, group in enumerate(catalogue.pack(chosen, catalogue.MUTANT, sources_of_tests(source))):
        folder = root / "submitted" / f"blinded-{index:02d}" / CH6
        folder.mkdir(parents=True)
        answers = dict(forge, **{variant.function: variant.path.read_text() for variant in group})
        nbformat.write(with_answers(source, answers), folder / f"{CH6}.ipynb")
        submissions.append(Submission(f"blinded-{index:02d}", CH6, folder))
        members.update({variant.label: (submissions[-1], variant) for variant in group})
    outcomes = dict(zip(submissions, grade(submissions, output=root / "course", workers=2, feedback=False,
                                           limits=TEST_LIMITS)))
    return {label: (outcomes[submission], variant) for label, (submission, variant) in members.items()}


BLINDED = [v.label for v in catalogue.variants(CATALOGUE, CH6)
           if f"test_{v.function}" in cell_roles(CH6)["split"] and v.kind == catalogue.MUTANT]


@pytest.mark.parametrize("label", BLINDED)
def test_hidden_tests_alone_catch_each_mutant(blinded_mutants, label):
    """With its visible asserts disarmed in the submission's kernel, does each chapter-6 mutant still lose points?"""
    outcome, variant = blinded_mutants[label]
    assert outcome.status == "graded", outcome.problem
    assert outcome.scores[variant.function] < outcome.possible[variant.function], \
        f"not caught by the judge alone: {variant.description}"
