"""``dask worker ... --preload autograder.grading.worker``: a Dask worker that grades.

On a cluster each machine has the course installed (``./course setup``: the same
checkout, ``.venv`` included); the grader's machine keeps the gradebook and every
output folder, and sends each worker a notebook with its folder's files
(:func:`autograder.grading.execution.pack_folder`), so the workers need no shared
file system. Each worker process forks its kernels from a zygote of its own;
preloading this module starts that zygote as the worker starts, so the first
notebook does not wait for TensorFlow to import.
"""

from __future__ import annotations

import logging
from typing import Any

from autograder.environment import prepare

log = logging.getLogger(__name__)


def dask_setup(worker: Any) -> None:
    """Dask's preload hook: set the process up as the commands do, then warm a zygote."""
    from autograder.grading import kernels

    prepare()
    kernels.ensure_warm_kernels()
    log.info(f"{worker.address}: warm kernels ready")
