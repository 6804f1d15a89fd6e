"""The floor's own process: notebooks' cells run back to back in one warm IPython shell.

No kernel, no gradebook, no judge: one ``InteractiveShell`` that has imported
NumPy, TensorFlow and matplotlib and run one notebook of each assignment before
any notebook is timed. BLAS and TensorFlow use one thread each (the parent sets
:data:`ONE_THREAD` in this process's environment, threadpoolctl and TensorFlow's
own settings hold it). Started by :mod:`floor`, never imported by the grader:

    python bench/warm_shell.py MANIFEST RESULTS

One shell, reset between notebooks, rather than a shell per notebook: a reset
empties the user namespace (as a kernel forked from the grader's warm zygote
starts empty) and keeps ``sys.modules`` (as the zygote keeps its imports), and
IPython's shell is a singleton that is not meant to be built twice. What a reset
and the clean-up between notebooks cost is not timed. Modules a notebook imported
from its own folder (``sigmoid_mlp.py``) are forgotten after it, so that every
notebook imports its helpers again, as a fresh kernel does.

Every code cell up to the last test cell runs, whatever failed before it (nbgrader's
``allow_errors``); what follows the last test, the course's demonstrations, is left
out, as the grader leaves it out. Outputs, figures rendered inline included, are
captured and dropped.
"""

import json
import os
import signal
import sys
import time
from pathlib import Path

from IPython.core.interactiveshell import InteractiveShell

from autograder.nbgrader_cells import grade_id, is_answer, is_test, nbgrader

# The manifest (written by floor.py) and the results (read back by it).
WARM_UP, TIMED, KEY, FOLDER, NOTEBOOK, CELL_TIMEOUT = "warm_up", "timed", "key", "folder", "notebook", "cell_timeout"
NOTEBOOKS, SECONDS, BY_KIND, FAILED_TESTS = "notebooks", "seconds", "by_kind", "failed_tests"
IMPORT_SECONDS, WARM_UP_SECONDS = "import_seconds", "warm_up_seconds"
# What a code cell is to nbgrader.
SETUP, ANSWER, TEST, OTHER = "setup", "answer", "test", "other"
KINDS = (SETUP, ANSWER, TEST, OTHER)
#: Set in this process's environment before NumPy or TensorFlow load.
ONE_THREAD = {name: "1" for name in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS",
                                     "TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS")}

_blas_limit = None  # threadpoolctl's limit holds while this lives


class Shell(InteractiveShell):
    """IPython's shell with no terminal and no event loop: enough for matplotlib's inline backend."""

    def enable_gui(self, gui=None):
        """The inline backend needs no GUI event loop (ipykernel's shell does the same for it)."""


def warm_shell():
    """An IPython shell in a process that has imported everything the notebooks need first."""
    global _blas_limit
    import numpy  # noqa: F401
    import tensorflow as tf

    tf.config.threading.set_intra_op_parallelism_threads(1)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    try:
        from threadpoolctl import threadpool_limits

        _blas_limit = threadpool_limits(limits=1)
    except ImportError:  # the environment variables still hold
        pass
    import matplotlib.pyplot  # noqa: F401
    from traitlets.config import Config

    config = Config()
    config.HistoryManager.hist_file = ":memory:"  # as the grader's kernels
    shell = Shell.instance(config=config)
    shell.enable_matplotlib("inline")  # ipykernel's default backend: figures rendered after each cell
    return shell


def kind(cell):
    """:data:`SETUP`, :data:`ANSWER`, :data:`TEST` or :data:`OTHER`."""
    if is_answer(cell):
        return ANSWER
    if is_test(cell):
        return TEST
    return SETUP if nbgrader(cell).get("locked") else OTHER


def _out_of_time(signum, frame):
    raise TimeoutError("cell ran past the grader's per-cell timeout")


def run_cell(shell, source, timeout):
    """Run one cell, outputs captured; return whether it raised nothing."""
    from IPython.utils.capture import capture_output

    previous = signal.signal(signal.SIGALRM, _out_of_time)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        with capture_output():
            return shell.run_cell(source, store_history=False).success
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def forget(shell, folder):
    """Between notebooks, untimed: an empty namespace, no figures, no Keras state, no helpers of ``folder``."""
    import matplotlib.pyplot as plt
    import tensorflow as tf

    shell.reset(new_session=False)
    plt.close("all")
    tf.keras.backend.clear_session()
    folder = str(Path(folder).resolve())
    for name, module in list(sys.modules.items()):
        if (getattr(module, "__file__", None) or "").startswith(folder + os.sep):
            del sys.modules[name]


def run_notebook(shell, entry, timeout):
    """One notebook's code cells up to its last test cell, in its folder; seconds in all and by kind, failed tests.

    The grader stops there too: no cell after the last test can change a grade.
    """
    cells = [cell for cell in json.loads(Path(entry[NOTEBOOK]).read_text())["cells"] if cell["cell_type"] == "code"]
    last_test = max((index for index, cell in enumerate(cells) if is_test(cell)), default=len(cells) - 1)
    os.chdir(entry[FOLDER])
    by_kind, failed = dict.fromkeys(KINDS, 0.0), []
    for cell in cells[:last_test + 1]:
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        began = time.perf_counter()
        ok = run_cell(shell, source, timeout)
        role = kind(cell)
        by_kind[role] += time.perf_counter() - began
        if not ok and role == TEST:
            failed.append(grade_id(cell))
    forget(shell, entry[FOLDER])
    return {SECONDS: sum(by_kind.values()), BY_KIND: by_kind, FAILED_TESTS: failed}


def main(argv=None):
    manifest_path, results_path = argv if argv is not None else sys.argv[1:]
    manifest = json.loads(Path(manifest_path).read_text())
    sys.path[0] = ""  # as in a kernel: the notebook's folder, not this script's, comes first
    started = time.perf_counter()
    shell = warm_shell()
    imported = time.perf_counter()
    for entry in manifest[WARM_UP]:
        run_notebook(shell, entry, manifest[CELL_TIMEOUT])
    warmed = time.perf_counter()
    notebooks = [{**run_notebook(shell, entry, manifest[CELL_TIMEOUT]), KEY: entry[KEY]} for entry in manifest[TIMED]]
    Path(results_path).write_text(json.dumps({
        IMPORT_SECONDS: imported - started, WARM_UP_SECONDS: warmed - imported, NOTEBOOKS: notebooks,
    }))


if __name__ == "__main__":
    main()
