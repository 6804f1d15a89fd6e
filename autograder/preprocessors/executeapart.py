"""nbgrader's Execute step, with the test cells run in a kernel of their own.

The submission's cells run in the *submission* kernel, exactly as under
nbgrader's :class:`~nbgrader.preprocessors.Execute`. The autograded test cells
run in a second kernel, the *judge*, which never executes a line the student
wrote: there, each graded function is a proxy that calls the student's function
in the submission kernel and brings back plain data (:mod:`autograder.remote`).
The instructor's locked setup cells (imports, helpers) run in both.

Which cells are tests, which are setup and which names are graded functions
come from the source notebook (``roles``), never from the submission, whose
metadata a student can edit.
"""

import asyncio
import contextlib
import copy
import json

from jupyter_core.utils import run_sync
from nbclient import NotebookClient
from nbgrader.preprocessors import Execute
from traitlets import Dict, Float, Unicode

#: The judge's own cells get this long beyond the time a single call may take.
JUDGE_MARGIN_SECONDS = 60


class ExecuteApart(Execute):
    """Execute a notebook in two kernels: the submission's cells in one, its tests in the other.

    Without ``roles``, every cell runs in the submission's kernel, as under
    nbgrader's Execute.

    Attributes
    ----------
    roles : dict or None
        ``{"tests": [grade_id, ...], "setup": [grade_id, ...], "functions": [name, ...]}``
        from the source notebook.
    judge_path : str
        Working directory of the judge kernel: an empty folder the submission cannot write to.
    call_seconds : float
        Time limit of one call from the judge to a student's function.
    kernel_env : dict
        ``{"submission": env, "judge": env}``: each kernel's environment variables
        (its limits and scratch folders); a kernel not named inherits ours.
    """

    roles = Dict(allow_none=True, default_value=None)
    judge_path = Unicode()
    call_seconds = Float(120.0)
    kernel_env = Dict()

    def preprocess(self, nb, resources=None, km=None):
        NotebookClient.__init__(self, nb, km)
        self.reset_execution_trackers()
        self._check_assign_resources(resources)
        judge = self._judge(nb) if self.roles else None
        clients = {"submission": self, "judge": judge} if judge else {"submission": self}
        with contextlib.ExitStack() as kernels:
            for client in clients.values():
                client.km = client.create_kernel_manager()
                kernels.callback(client._cleanup_kernel)
            run_sync(self._start_kernels)(clients)  # at once: each start is mostly waiting
            info = self.wait_for_reply(self.kc.kernel_info())
            self.nb.metadata["language_info"] = info["content"]["language_info"]
            if judge is None:
                for index, cell in enumerate(self.nb.cells):
                    self.preprocess_cell(cell, resources, index)
            else:
                self._connect(judge)
                for index, cell in enumerate(self.nb.cells):
                    self._run_cell(judge, cell, resources, index)
        self.set_widgets_metadata()
        return self.nb, self.resources

    def _judge(self, nb):
        """A second client for the same notebook, whose kernel runs in ``judge_path``."""
        config = copy.deepcopy(self.config)
        config.Execute.timeout = int(self.call_seconds) + JUDGE_MARGIN_SECONDS
        if "ip" in self.config.KernelManager:  # Unix sockets: the judge's go beside the submission's
            config.KernelManager.ip = self.config.KernelManager.ip + "-judge"
        judge = Execute(config=config)
        NotebookClient.__init__(judge, nb)
        judge.reset_execution_trackers()
        judge._check_assign_resources({"metadata": {"path": self.judge_path}})
        return judge

    async def _start_kernels(self, clients):
        async def start(name, client):
            env = self.kernel_env.get(name)
            await client.async_start_new_kernel(**({"env": env} if env else {}))
            await client.async_start_new_kernel_client()

        await asyncio.gather(*(start(name, client) for name, client in clients.items()))

    def _connect(self, judge):
        """Bind the graded functions' names in the judge to proxies for the submission's.

        The submission's kernel starts answering calls before any of its cells run.
        """
        info = dict(self.km.get_connection_info(session=False))
        info["key"] = info["key"].decode() if isinstance(info["key"], bytes) else info["key"]
        arguments = json.dumps([info, list(self.roles.get("functions", [])), self.call_seconds])
        for client, code in (
            (self, "__import__('autograder.remote', fromlist=['serve']).serve()"),
            (judge, f"__import__('autograder.remote', fromlist=['install']).install(*__import__('json').loads({arguments!r}))"),
        ):
            reply = client.wait_for_reply(client.kc.execute(code, silent=True, store_history=False))
            if reply is None or reply["content"]["status"] != "ok":
                error = (reply or {}).get("content", {})
                raise RuntimeError(f"the judge could not reach the submission's kernel: {error.get('evalue', 'no reply')}")

    def _run_cell(self, judge, cell, resources, index):
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if cell.cell_type != "code" or grade_id not in self.roles.get("tests", ()):
            self.preprocess_cell(cell, resources, index)
        if cell.cell_type == "code" and grade_id in self.roles.get("setup", ()):
            shadow = copy.deepcopy(cell)  # its outputs in the judge are not the student's to see
            judge.execute_cell(shadow, index, store_history=False)
            if any(output.output_type == "error" for output in shadow.outputs):
                raise RuntimeError(f"the setup cell {grade_id} failed in the judge kernel")
        elif cell.cell_type == "code" and grade_id in self.roles.get("tests", ()):
            judge.execute_cell(cell, index, store_history=True)
