"""nbgrader's Execute step, with the test cells run in a kernel of their own.

The submission's cells run in the *submission* kernel, exactly as under
nbgrader's :class:`~nbgrader.preprocessors.Execute`. The autograded test cells
run in a second kernel, the *judge*, which never executes a line the student
wrote: there, each graded function is a proxy that calls the student's function
in the submission kernel and brings back plain data (:mod:`autograder.kernel.judge_side`,
:mod:`autograder.kernel.submission_side`).
The instructor's locked setup cells (imports, helpers) run in both. A few test
cells are *split*: their visible asserts handle the student's own objects, so
they run in the submission kernel, and their hidden region runs in the judge,
where :mod:`autograder.kernel.probes` reports on those objects in plain data.

Which cells are tests, which are setup and which names are graded functions
come from the source notebook (``roles``), never from the submission, whose
metadata a student can edit: each cell's role is :func:`autograder.course.role_of`'s. Once every test cell has run, the rest of the
notebook (the course's demonstrations, which train a network to plot it) is
left unrun, with a note: no cell after the last test can change a grade.

What the judge's part of each test cell said (:class:`~autograder.grading.preprocessors.scorefromjudge.Verdict`:
raised, or its numeric result) is recorded in ``resources`` as that part ends, where
no kernel can reach it; :class:`~autograder.grading.preprocessors.scorefromjudge.ScoreFromJudge`
scores each test cell from it alone. Before the first test, the judge is told the
notebook's seed and language (:func:`autograder.kernel.judge_side.configure_checks`).

Both kernels start and stop as every kernel does (:mod:`autograder.grading.kernels`);
a judge kept between notebooks is :mod:`autograder.grading.kept_judge`'s.
"""

from __future__ import annotations

import contextlib
import copy
import json
import queue
import secrets
from typing import TYPE_CHECKING

import nbformat
from jupyter_core.utils import run_sync
from nbclient import NotebookClient
from nbgrader.preprocessors import Execute
from traitlets import Dict, Float, Int, Unicode

from autograder import nbgrader_cells
from autograder.course import SETUP as SETUP_CELL
from autograder.course import SPLIT, TEST, role_of
from autograder.grading import kept_judge, kernels
from autograder.grading.kernels import call_silently, kernel_call, together
from autograder.grading.preprocessors.hidetestinternals import HIDDEN_BEGIN
from autograder.grading.preprocessors.scorefromjudge import VERDICTS, judge_verdict
from autograder.grading.timing import KERNELS, SETUP, STUDENT, TESTS, Stopwatch
from autograder.kernel import judge_side, submission_side
from autograder.kernel.submission_side import ENV_SOCKET

if TYPE_CHECKING:
    from jupyter_client import KernelManager
    from nbformat import NotebookNode

#: The judge's own cells get this long beyond the time a single call may take.
JUDGE_MARGIN_SECONDS = 60
#: What one notebook's kernel may send: outputs kept and their bytes (and the largest single
#: message, :data:`autograder.grading.kernels.MAX_MESSAGE_BYTES`). Past these, outputs are
#: dropped with a note; the grader's memory stays bounded whatever the submission prints.
MAX_OUTPUTS = 5000
MAX_OUTPUT_BYTES = 16 * 2**20
#: In place of the output of a cell after the last test: the grader stops there, since no cell after
#: the last autograded test can earn or cost a point (the course's demos live there).
NOT_RUN = "[not run by the grader: every test had run, so this cell cannot change a grade]\n"
VISIBLE_FAILED = "[a visible check failed in your kernel; the hidden checks decide this cell's points] "
TRUNCATED = "[the grader dropped the rest of this notebook's output: it printed more than it may]\n"


#: The timing phase of a cell run in the submission's kernel alone, by its role.
PHASES = {TEST: TESTS, SPLIT: TESTS, SETUP_CELL: SETUP}


def judged_source(cell: NotebookNode, role: str) -> str | None:
    """The code the judge runs for a cell with ``role`` (:func:`autograder.course.role_of`), or ``None``.

    A test's whole source; a split test's hidden region, from its marker on (a split test
    without one runs with the submission's code alone); nothing of any other cell.
    """
    if role == TEST:
        return cell.source
    if role == SPLIT and HIDDEN_BEGIN in cell.source:
        _, marker, hidden = cell.source.partition(HIDDEN_BEGIN)
        return marker + hidden
    return None


def advice(output: NotebookNode) -> NotebookNode:
    """An error from a split test's visible half as plain text: the student reads it; it decides nothing."""
    if output.get("output_type") != "error":
        return output
    text = f"{VISIBLE_FAILED}{output.get('ename', 'Error')}: {output.get('evalue', '')}\n"
    return nbformat.v4.new_output("stream", name="stdout", text=text)


class GraderFault(RuntimeError):
    """The grader failed, not the submission (a kernel that could not start, a judge that died)."""


class Judge(Execute):
    """nbgrader's Execute for the judge's kernel; it remembers whether a cell ran out of time."""

    timed_out = False

    async def _async_handle_timeout(self, timeout: int, cell: NotebookNode | None = None) -> dict | None:
        self.timed_out = True
        return await super()._async_handle_timeout(timeout, cell)


class ExecuteApart(Execute):
    """Execute a notebook in two kernels: the submission's cells in one, its tests in the other.

    Without ``roles``, every cell runs in the submission's kernel, as under
    nbgrader's Execute. It takes Execute's configuration (``config.Execute.timeout``,
    ...) and its own traits from ``config.ExecuteApart``, as
    :func:`autograder.grading.execution.execute` sets them per notebook.

    Attributes
    ----------
    roles : dict or None
        ``{"tests": [grade_id, ...], "split": [grade_id, ...], "setup": [grade_id, ...],
        "functions": [name, ...]}`` from the source notebook (:func:`autograder.course.cell_roles`).
    judge_path : str
        Working directory of the judge kernel: an empty folder the submission cannot write to.
    call_seconds : float
        Time limit of one call from the judge to a student's function.
    socket_path : str
        Where the submission's kernel listens for the judge's calls (a short path: Unix
        socket paths are limited to about 100 bytes).
    kernel_env : dict
        ``{"submission": env, "judge": env}``: each kernel's environment variables
        (its limits and scratch folders); a kernel not named inherits ours.
    kept : KeptJudge or None
        Set before :meth:`preprocess` to grade with a judge kept between notebooks
        (:mod:`autograder.grading.kept_judge`): its running kernel is used, or the one
        started here is left running in it. :attr:`judge_fit` then says whether the
        notebook went as it should, so that the judge may grade another.
    """

    roles = Dict(allow_none=True, default_value=None,
                 help="The source notebook's cell roles; None runs every cell in one kernel").tag(config=True)
    judge_path = Unicode(help="The judge kernel's working directory").tag(config=True)
    judge_ip = Unicode("", help="Where the judge's Unix sockets go (its own folder); beside ours if empty"
                       ).tag(config=True)
    call_seconds = Float(120.0, help="Time limit of one call from the judge to a student's function").tag(config=True)
    kernel_env = Dict(help="{'submission': env, 'judge': env}: each kernel's environment").tag(config=True)
    socket_path = Unicode(help="Where the submission's kernel listens for the judge's calls").tag(config=True)
    seed = Int(None, allow_none=True, help="The hidden tests' seed for this notebook; None: a fresh one"
               ).tag(config=True)
    language = Unicode("en", help="The language of the hidden tests' verdicts: 'en' or 'zh_CN'").tag(config=True)

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.stopwatch = Stopwatch()
        self.kept = None
        self.judge_fit = False

    def preprocess(self, nb: NotebookNode, resources: dict | None = None,
                   km: KernelManager | None = None) -> tuple[NotebookNode, dict]:
        """Run every cell; :attr:`stopwatch` then holds the seconds spent per phase."""
        self.stopwatch = Stopwatch()
        self.judge_fit = False
        NotebookClient.__init__(self, nb, km)
        self.reset_execution_trackers()
        self._check_assign_resources(resources)
        judge = self._judge(nb) if self.roles else None
        if judge is not None:  # filled as each test's judged part ends, so it outlives a kernel that dies later
            self.resources[VERDICTS] = {}
        clients = {"submission": self, "judge": judge} if judge else {"submission": self}
        self._outputs = self._output_bytes = 0
        with contextlib.ExitStack() as running:
            try:  # nothing of the submission has run yet: a failure here is the grader's
                running.callback(self._stop, clients)
                starting = {name: client for name, client in clients.items() if client.km is None}
                for client in starting.values():
                    kernels.prepare(client)
                with self.stopwatch.phase(KERNELS):
                    kernels.start_all(starting, self.kernel_env)  # at once: each start is mostly waiting
                    info = self.wait_for_reply(self.kc.kernel_info())
                    self.nb.metadata["language_info"] = info["content"]["language_info"]
                    if judge is not None:
                        self._connect(judge, kept="judge" not in starting)
            except Exception as error:
                raise GraderFault(f"a kernel could not start ({type(error).__name__}: {error})") from error
            roles = self.roles or {}
            tests_left = set(roles.get("tests", ())) | set(roles.get("split", ())) or None
            for index, cell in enumerate(self.nb.cells):
                if tests_left == set():  # every test has run: nothing after it can change a grade
                    if cell.cell_type == "code":
                        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=NOT_RUN)]
                    continue
                self._run_cell(judge, cell, resources, index)
                if tests_left and role_of(cell, roles) in (TEST, SPLIT):
                    tests_left.discard(nbgrader_cells.grade_id(cell))
            if self.kept is not None and judge is not None:
                self.judge_fit = kept_judge.settle(self.kept, judge)
        self.set_widgets_metadata()
        return self.nb, self.resources

    def _stop(self, clients):
        """Shut every kernel down, side by side, except a judge kept for the next notebook.

        Each shutdown is mostly waiting for a process to end.
        """
        stopping = [client for name, client in clients.items() if not (name == "judge" and self.judge_fit)]
        with self.stopwatch.phase(KERNELS):
            kernels.stop(stopping)

    def _judge(self, nb):
        """A second client for the same notebook, whose kernel runs in ``judge_path``: the kept one, if any."""
        kept = kept_judge.reuse(self.kept, nb)
        if kept is not None:
            return kept
        config = copy.deepcopy(self.config)
        config.Execute.timeout = int(self.call_seconds) + JUDGE_MARGIN_SECONDS
        if self.judge_ip:  # Unix sockets, in a folder only the judge's kernel sees
            config.KernelManager.ip = self.judge_ip
        elif "ip" in self.config.KernelManager:
            config.KernelManager.ip = self.config.KernelManager.ip + "-judge"
        judge = Judge(config=config)
        NotebookClient.__init__(judge, nb)
        judge.reset_execution_trackers()
        judge._check_assign_resources({"metadata": {"path": self.judge_path}})  # noqa: SLF001  (sets its folder)
        return judge

    def _connect(self, judge, kept):
        """Open the submission's socket for calls (before any of its cells run); prepare the judge, in one call.

        A warm kernel opened its socket as it started (its environment names it). The
        judge (a ``kept`` one first forgets the last notebook) binds the proxies and gets
        the code of every test cell it will run, so that each cell's request names its
        cell and :func:`~autograder.kernel.judge_side.run_test` runs it (below IPython's
        frames, :mod:`autograder.kernel.frames` says why), and the notebook's seed.
        """
        if ENV_SOCKET not in self.kernel_env.get("submission", {}):
            call_silently(self, submission_side.listen, self.socket_path)
        # A kept judge must not keep the last notebook's seed: without one, a fresh one.
        seed = self.seed if self.seed is not None else secrets.randbits(63)
        call_silently(judge, judge_side.prepare, self.socket_path, list(self.roles.get("functions", [])),
                      self.call_seconds, self._judged_sources(), seed, self.language, kept)

    def _judged_sources(self):
        """``{cell index: code the judge runs}`` for the notebook's test cells (:func:`judged_source`)."""
        sources = {}
        for index, cell in enumerate(self.nb.cells):
            source = judged_source(cell, role_of(cell, self.roles))
            if source is not None:
                sources[index] = source
        return sources

    def _run_cell(self, judge, cell, resources, index):
        """A test cell in the judge, a setup cell in both kernels, anything else in the submission's.

        A *split* test cell runs its visible asserts in the submission's kernel and
        its hidden region in the judge.
        """
        role = role_of(cell, self.roles or {})  # without roles (one kernel): every cell runs here
        judged = judged_source(cell, role)
        try:
            if judged is not None and role == TEST:
                with self.stopwatch.phase(TESTS):
                    self._run_test(judge, cell, index)
            elif judged is not None:
                with self.stopwatch.phase(TESTS):
                    self._run_split_test(judge, cell, resources, index, judged)
            elif role == SETUP_CELL:
                with self.stopwatch.phase(SETUP):
                    shadow = copy.deepcopy(cell)  # its outputs in the judge are not the student's to see
                    run_sync(together)(self.async_execute_cell(cell, index, store_history=True),
                                       judge.async_execute_cell(shadow, index, store_history=False))
                if any(output.output_type == "error" for output in shadow.outputs):
                    raise GraderFault(f"the setup cell {nbgrader_cells.grade_id(cell)} failed in the judge kernel")
            else:
                with self.stopwatch.phase(PHASES.get(role_of(cell, self.roles), STUDENT)):
                    self.preprocess_cell(cell, resources, index)
        finally:
            self.nb.cells[index] = cell  # nbclient put whichever copy it ran last into the notebook

    def _run_split_test(self, judge, cell, resources, index, hidden):
        """Visible asserts in the submission's kernel, then the hidden region in the judge, which alone decides.

        The visible asserts use the student's objects (a layer, a model) and must
        run in a student's own Jupyter too, where there is no judge. Here they are
        only advice: their failure is shown as text, never as the cell's error, and
        the hidden region (which checks everything they check) always runs. Were a
        failed visible assert to score the cell 0, a submission that silences its
        own asserts (it controls that kernel) would keep the judge's partial credit
        that the same work, unsilenced, loses.
        """
        shown = copy.deepcopy(cell)
        shown.source = cell.source.partition(HIDDEN_BEGIN)[0]
        self.preprocess_cell(shown, resources, index)
        cell.execution_count = shown.execution_count
        judged = copy.deepcopy(cell)
        judged.source, judged.outputs = hidden, []
        self._run_test(judge, judged, index)
        cell.outputs = [advice(output) for output in shown.outputs] + judged.outputs

    def _run_test(self, judge, cell, index):
        """Run a test cell in the judge while the submission's kernel answers its calls."""
        serving = self.kc.execute(kernel_call(submission_side.serve_calls, judge.timeout), silent=True,
                                  store_history=False)
        try:
            source, cell.source = cell.source, kernel_call(judge_side.run_test, index)
            try:  # the judge runs the code staged for this cell, below IPython's frames (see _connect)
                judge.execute_cell(cell, index, store_history=True)
            finally:
                cell.source = source
            self.resources[VERDICTS][index] = judge_verdict(cell.outputs)  # the judge's outputs, and only those
        except Exception as error:
            if not judge.km.is_alive():
                raise GraderFault(f"the judge kernel died ({type(error).__name__}: {error})") from error
            call_silently(judge, judge_side.hang_up)  # the cell did not end as cells do: release the submission
            raise
        self.wait_for_reply(serving)  # interrupts the kernel if it does not come back
        printed = run_sync(self._printed)(serving)
        if printed:  # what the student's functions printed, shown as if they had run here
            cell.outputs.insert(0, nbformat.v4.new_output("stream", name="stdout", text=printed))

    def output(self, outs: list, msg: dict, display_id: str | None, cell_index: int) -> NotebookNode | None:
        """nbclient's output handling, within :data:`MAX_OUTPUTS` and :data:`MAX_OUTPUT_BYTES` per notebook."""
        self._outputs += 1
        self._output_bytes += len(json.dumps(msg.get("content", {}), default=str))
        if self._outputs > MAX_OUTPUTS or self._output_bytes > MAX_OUTPUT_BYTES:
            if not getattr(self, "_truncated", False):
                self._truncated = True
                outs.append(nbformat.v4.new_output("stream", name="stdout", text=TRUNCATED))
            return None
        return super().output(outs, msg, display_id, cell_index)

    async def _printed(self, msg_id):
        """The stdout of execution ``msg_id`` in the submission's kernel, up to its end (bounded)."""
        text, size = [], 0
        while True:
            try:
                message = await self.kc.get_iopub_msg(timeout=5)
            except queue.Empty:
                break
            if message["parent_header"].get("msg_id") != msg_id:
                continue
            content = message["content"]
            if message["msg_type"] == "stream" and content.get("name") == "stdout" and size < MAX_OUTPUT_BYTES:
                piece = str(content.get("text", ""))[:MAX_OUTPUT_BYTES - size]
                text.append(piece)
                size += len(piece)
            elif message["msg_type"] == "status" and content.get("execution_state") == "idle":
                break
        return "".join(text)
