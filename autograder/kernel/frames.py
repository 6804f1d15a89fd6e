"""Code the grader runs in a kernel, called from below IPython's frames (both sides use it).

TensorFlow records the innermost 30 or so Python frames of every op it runs, with
their line numbers. Above a cell sit IPython's and ipykernel's long functions, whose
line numbers take long to find: a third of a small op's time on a kernel's main
thread, which no other thread and no script pays (``bench/bench_tf_frames.py``
measures it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable

#: Frames between IPython's and the code TensorFlow runs for the grader (:func:`below_ipython`).
DEEP_FRAMES = 48


def below_ipython(function: Callable[..., Any], *args: Any, depth: int = DEEP_FRAMES) -> Any:
    """``function(*args)``, called ``depth`` small frames further down the stack.

    Called from below :data:`DEEP_FRAMES` frames of this function, TensorFlow no
    longer reaches IPython's (the module's docstring says why that matters). The
    frames are hidden from tracebacks (``__tracebackhide__``).
    """
    __tracebackhide__ = True
    if depth > 0:
        return below_ipython(function, *args, depth=depth - 1)
    return function(*args)
