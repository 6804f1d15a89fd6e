"""Code the grader runs in a kernel, called from below IPython's frames (both sides use it).

TensorFlow records the innermost 30 or so Python frames of every op it runs, with
their line numbers. Above a cell sit IPython's and ipykernel's long functions, whose
line numbers take long to find: a third of a small op's time on a kernel's main
thread, which no other thread and no script pays (``bench/bench_tf_frames.py``
measures it).

The frames that lift the code down are cut out of the traceback of anything it raises:
IPython looks up the module of every frame of a traceback it shows (``inspect.getmodule``,
a walk of the whole module table each: about 1.4 ms a frame in a judge), which made each
failed test's traceback cost 0.15 s.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable

#: Frames between IPython's and the code TensorFlow runs for the grader (:func:`below_ipython`).
DEEP_FRAMES = 48


def below_ipython(function: Callable[..., Any], *args: Any, depth: int = DEEP_FRAMES) -> Any:
    """``function(*args)``, called ``depth`` small frames further down the stack.

    Called from below :data:`DEEP_FRAMES` frames, TensorFlow no longer reaches IPython's
    (the module's docstring says why that matters). What ``function`` raises goes on with a
    traceback that skips those frames; this call's own frame is hidden (``__tracebackhide__``).
    """
    __tracebackhide__ = True
    try:
        return _down(function, args, depth)
    except BaseException as error:
        here = error.__traceback__
        if here is not None:
            below = here.tb_next
            while below is not None and below.tb_frame.f_code is _down.__code__:
                below = below.tb_next
            here.tb_next = below
        raise


def _down(function: Callable[..., Any], args: tuple[Any, ...], depth: int) -> Any:
    if depth > 0:
        return _down(function, args, depth - 1)
    return function(*args)
