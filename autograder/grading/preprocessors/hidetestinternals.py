"""Keep hidden tests and the grading host out of what students see, and fail tests a dead kernel never ran."""

from __future__ import annotations

import os
import re
import sys
import tempfile
from typing import TYPE_CHECKING

import nbformat
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import List, Unicode

from autograder.nbgrader_cells import is_test

if TYPE_CHECKING:
    from nbformat import NotebookNode

#: Where a test cell's hidden region starts and ends (nbgrader's markers).
HIDDEN_BEGIN, HIDDEN_END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
HIDDEN_REGION = re.compile(rf"[ \t]*{HIDDEN_BEGIN}.*?{HIDDEN_END}[ \t]*\n?", re.DOTALL)


#: The hidden region's one line in a notebook released in Chinese (``metadata.bnweek.language``).
PLACEHOLDER_ZH = "# （隐藏测试在这里运行，结论见下方）\n"


class HideTestInternals(NbGraderPreprocessor):
    """Strip hidden tests, and the tracebacks that would quote them, from test cells.

    Runs in feedback generation. A graded test cell keeps its visible asserts; its
    hidden region becomes one comment line, and each error output keeps only its
    last line (``AssertionError: <what was checked>``), since a traceback through a
    hidden test prints that test's source.
    """

    placeholder = Unicode(
        "# (hidden tests ran here; their verdict is below)\n",
        help="What replaces the hidden-test region of a test cell.",
    ).tag(config=True)

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        ours = nb.metadata.get("bnweek")
        chinese = isinstance(ours, dict) and ours.get("language") == "zh_CN"
        self._placeholder = PLACEHOLDER_ZH if chinese else self.placeholder
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell: NotebookNode, resources: dict, cell_index: int) -> tuple[NotebookNode, dict]:
        if is_test(cell):
            placeholder = getattr(self, "_placeholder", self.placeholder)
            cell.source = HIDDEN_REGION.sub(lambda _: placeholder, cell.source)
            for output in cell.get("outputs", []):
                if output.output_type == "error":
                    output.traceback = [f"{output.ename}: {output.evalue}"]
        return cell, resources


#: The line every hidden test prints (``hidden tests for <function> ran on /CPU:0``): the autograded notebook
#: keeps it for the instructor, the feedback drops it.
DEVICE_LINE = re.compile(r"^hidden tests for \S+ ran on \S+[ \t]*\n?", re.M)
#: Whole lines of TensorFlow's and CUDA's logs (C++ log lines, absl's preamble, oneDNN, cuDNN/cuBLAS/cuFFT
#: registration, TensorRT, CPU-instruction notes, device placement).
_NOISE_LINES = re.compile(
    r"^[^\n]*(?:"
    r"\b[IWEF]\d{4} [\d:.]+\s+\d+ [\w.]+:\d+\]"  # absl: I0000 00:00:1733.5 123 file.cc:45]
    r"|\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+: [IWEF] \S+\.cc:\d+\]"   # TensorFlow's C++ logging
    r"|All log messages before absl::InitializeLog"
    r"|oneDNN custom operations are on|TF-TRT Warning"
    r"|This TensorFlow binary is optimized to use|To enable the following instructions: "
    r"|Unable to register cu(?:DNN|FFT|BLAS) factory|cuda_(?:diagnostics|driver|executor|blas|dnn|fft)\b"
    r"|Could not find cuda drivers|failed call to cuInit|CUDA_ERROR_\w+"
    r"|Executing op \S+ in device /job:"
    r")[^\n]*\n?", re.M)
#: TensorFlow's device names and op wrappers inside a message: ``{{function_node __wrapped__MatMul_device_/job:
#: localhost/replica:0/task:0/device:CPU:0}}`` goes, ``/job:localhost/replica:0/task:0/device:CPU:0`` is ``CPU:0``.
_NOISE_INLINE = re.compile(r"\{\{function_node [^}]*\}\}\s*|/job:\w+/replica:\d+/task:\d+/device:")
#: Folders of any grading host (and of this one) whose paths a feedback page shows only by their last part.
HOST_ROOTS = ("/tmp", "/var/tmp", "/dev/shm", "/run", "/work", "/root", "/home", "/proc", "/srv", "/opt")
_PATH_END = r"[^\s'\"<>:,;()\[\]{}\x1b]*"
_SITE_PACKAGES = re.compile(rf"(?<![\w.~-])/{_PATH_END}?/(?:site|dist)-packages/")
#: The judge's and the zygote's private names (their sockets' folders), wherever a message quotes them.
_INTERNAL_NAMES = re.compile(rf"{_PATH_END.replace('*', '')}*bnweek-ipc{_PATH_END}")


def host_paths_pattern(roots: tuple[str, ...] = ()) -> re.Pattern:
    """A pattern for an absolute path under ``roots``, :data:`HOST_ROOTS`, Python's prefixes or the temp folder."""
    folders = {os.path.normpath(root) for root in (*roots, *HOST_ROOTS, sys.prefix, sys.base_prefix,
                                                    tempfile.gettempdir()) if root and os.path.isabs(root)}
    folders.discard("/")
    alternatives = "|".join(re.escape(folder) for folder in sorted(folders, key=len, reverse=True))
    return re.compile(rf"(?<![\w.~/-])(?:{alternatives})(?=/|\b){_PATH_END}")


def hide_host_details(text: str, paths: re.Pattern | None = None) -> str:
    """``text`` without the grading host's paths, the judge's internals or TensorFlow's device noise.

    A path through an installed package keeps its part from the package on (``tensorflow/python/ops/nn.py``);
    any other path under a host folder (:func:`host_paths_pattern`) keeps only its last part (``…/cell.py``).
    """
    text = _NOISE_LINES.sub("", text)
    text = _NOISE_INLINE.sub("", text)
    text = _SITE_PACKAGES.sub("", text)
    text = _INTERNAL_NAMES.sub("…", text)
    paths = paths or host_paths_pattern()
    return paths.sub(lambda match: "…/" + (match.group(0).rstrip("/").rsplit("/", 1)[-1]), text)


class HideHostDetails(NbGraderPreprocessor):
    """Keep the grading host out of every output a student sees: paths, internals, device noise.

    Runs in feedback generation, on every code cell: stream text, error messages and tracebacks,
    and the text forms of results. A test cell also loses the line that says which device its hidden
    tests ran on (:data:`DEVICE_LINE`), which the autograded notebook keeps for the instructor.
    """

    roots = List(Unicode(), help="Folders of this run (its output folder) whose paths a page must not show.").tag(
        config=True)

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        self._paths = host_paths_pattern((*self.roots, os.getcwd()))
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell: NotebookNode, resources: dict, cell_index: int) -> tuple[NotebookNode, dict]:
        test = is_test(cell)
        for output in cell.get("outputs", []):
            if output.output_type == "stream":
                text = DEVICE_LINE.sub("", output.text) if test else output.text
                output.text = hide_host_details(text, self._paths)
            elif output.output_type == "error":
                output.evalue = hide_host_details(output.evalue, self._paths)
                output.traceback = [hide_host_details(line, self._paths) for line in output.traceback]
            else:
                for kind in ("text/plain", "text/html", "text/markdown", "text/latex"):
                    if isinstance(output.get("data", {}).get(kind), str):
                        output.data[kind] = hide_host_details(output.data[kind], self._paths)
        return cell, resources


def mark_unreached_tests(notebook: NotebookNode, problem: str) -> None:
    """Fail every test cell the kernel did not finish, saying why.

    nbgrader scores a test cell without an error as passed. After the kernel died,
    the cells it never reached, and the one it died in, must score 0 instead.
    """
    executed = [i for i, cell in enumerate(notebook.cells) if cell.get("execution_count") is not None]
    first_unfinished = executed[-1] if executed else 0
    for cell in notebook.cells[first_unfinished:]:
        if not is_test(cell):
            continue
        if not any(output.output_type == "error" for output in cell.get("outputs", [])):
            cell.outputs.append(
                nbformat.v4.new_output(
                    "error", ename="NotFinished", evalue=f"this test did not finish: {problem}",
                    traceback=[f"NotFinished: this test did not finish: {problem}"],
                )
            )
