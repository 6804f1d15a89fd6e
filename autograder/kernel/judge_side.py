"""The judge's side of the calls: used in the trusted kernel that runs the hidden tests.

Code in a submission runs in the same process as anything executed after it,
so a determined submission can change how later cells run (an IPython input
transformer can rewrite a test cell to swallow its errors). When the grader runs
an assignment's test cells in a second, trusted kernel (the *judge*), no test
code ever runs where the submission's code ran:

* in the judge, each graded function's name is bound to a :class:`Proxy` (:func:`install`);
* calling it sends the arguments, as plain data (:mod:`autograder.kernel.wire`), to the
  submission's kernel, where :func:`autograder.kernel.submission_side.answer` calls the
  student's function;
* what comes back is plain data again: the return value, any exception's type
  and message, and the arguments as the function left them (so a function that
  modifies its input is still seen to do so).

Where a test needs the student's objects themselves (a Keras layer, a model),
it asks about them through :data:`probes`, functions of :mod:`autograder.kernel.probes`
that run beside those objects and answer in plain data too.

The verdict, every comparison with TensorFlow, is made here. The most a
submission can do is return values, and to earn points they must be right for
inputs it has never seen. The grader also runs the notebook's test cells here
(:func:`stage_tests`, :func:`run_test`), seeds them (:func:`configure_checks`), and,
in a judge kept between notebooks, forgets the last one (:func:`forget`) and says
whether its calls went as they should (:func:`fit_for_reuse`).
"""

from __future__ import annotations

import ast
import atexit
import builtins
import functools
import numbers
import os
import signal
import socket
from typing import TYPE_CHECKING, Any, SupportsFloat, cast

from autograder.kernel import wire
from autograder.kernel.frames import below_ipython

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from types import CodeType, TracebackType

#: How long an interrupted call may take to return before its kernel is written off.
INTERRUPT_GRACE_SECONDS = 5
KERNEL_STOPPED = "the kernel running your code stopped (it crashed, exited or was killed)"


class SubmissionError(Exception):
    """The student's function raised an exception the judge does not re-raise as itself."""


class Submission:
    """The judge's line to the kernel that ran the submission's cells.

    Parameters
    ----------
    path : str
        The socket that kernel listens on (:func:`autograder.kernel.submission_side.listen`).
    call_seconds : float
        How long one call may run before it is interrupted.
    """

    def __init__(self, path: str, call_seconds: float) -> None:
        self.path = path
        self.call_seconds = call_seconds
        self.connection: socket.socket | None = None
        self.pid: int | None = None
        self.broken = ""
        self.signalled = False  # a call had to be interrupted
        self.unreachable = False  # a call could not connect: a kept judge is then not kept (fit_for_reuse)
        self.released = False  # this test cell's calls are over: the submission's kernel has moved on

    def begin(self) -> None:
        """Before a test cell: the submission's kernel serves its calls until :meth:`hang_up`."""
        self.released = False

    def _connect(self, seconds):
        if self.connection is None:
            connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            connection.settimeout(seconds)
            try:
                connection.connect(self.path)
                self.pid = wire.read_hello(connection)
            except (OSError, EOFError, ValueError):
                connection.close()
                self.unreachable = True
                raise SubmissionError("the kernel running your code did not answer") from None
            self.connection = connection
        return self.connection

    def hang_up(self) -> None:
        """End this test cell's calls, so that the submission's kernel moves on; once per test cell.

        A second hang-up would connect to a kernel no longer serving, and wait for its hello.
        """
        if self.released:
            return
        self.released = True
        if not self.broken:
            try:
                self._connect(5)
            except SubmissionError:
                pass
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def call(self, name: str, args: Sequence[Any], kwargs: dict[str, Any]) -> Any:
        """Call ``name(*args, **kwargs)`` in the submission's kernel; return its value here."""
        if self.broken:
            raise SubmissionError(self.broken)
        what = "a call to your code" if name.startswith(wire.PROBE_PREFIX) else f"{name}()"
        connection = self._connect(self.call_seconds)
        try:
            wire.send_frame(connection, wire.request(name, args, kwargs))
        except OSError:
            self._give_up(KERNEL_STOPPED)
        try:
            outcome_text, arguments_text = wire.read_reply(self._reply(connection, what))
            changed_args, changed_kwargs = wire.decode(arguments_text)
            if not isinstance(changed_args, list) or not isinstance(changed_kwargs, dict):
                raise wire.WireError("arguments that are not a list and a dict")
            for original, changed in zip(args, changed_args):
                wire.write_back(original, changed)
            for key in kwargs.keys() & changed_kwargs.keys():
                wire.write_back(kwargs[key], changed_kwargs[key])
            outcome = wire.decode(outcome_text, args=[args, kwargs])
        except (ValueError, TypeError) as error:  # json's and wire's complaints
            raise SubmissionError(f"{what} sent back something that is not plain data: {error}") from None
        if not isinstance(outcome, dict):
            raise SubmissionError(f"{what} sent back something that is not plain data")
        if "error" in outcome:
            raise _exception(*outcome["error"])
        return outcome.get("result")

    def _reply(self, connection, what):
        """The answer to the call just sent; interrupt the call if it runs too long."""
        seconds = self.call_seconds
        connection.settimeout(seconds)
        try:
            try:
                return wire.recv_frame(connection)
            except socket.timeout:
                pass
            self._signal(signal.SIGINT)
            connection.settimeout(INTERRUPT_GRACE_SECONDS)
            try:
                wire.recv_frame(connection)
            except socket.timeout:
                self._give_up(f"your code kept running after {what} was stopped, so no further calls were made")
            raise SubmissionError(f"{what} did not finish within {seconds:g} s, so it was stopped")
        except (EOFError, ConnectionError):
            self._give_up(KERNEL_STOPPED)
        except KeyboardInterrupt:  # the judge's own cell ran out of time: stop the call too
            self._signal(signal.SIGINT)
            raise

    def _give_up(self, why):
        self.broken = why
        if self.connection is not None:
            self.connection.close()
            self.connection = None
        raise SubmissionError(why)

    def _signal(self, signum):
        self.signalled = True
        if self.pid is not None:
            try:
                os.kill(self.pid, signum)
            except (ProcessLookupError, PermissionError):
                pass


def _exception(type_name, message):
    """The exception to raise in the judge for one the student's function raised."""
    cls = getattr(builtins, str(type_name), None)
    if isinstance(cls, type) and issubclass(cls, Exception):
        try:
            return cls(str(message))
        except Exception:  # noqa: BLE001  (an exception type whose constructor wants more)
            pass
    return SubmissionError(f"{type_name}: {message}")


class Proxy:
    """Stands in the judge for one of the submission's functions."""

    def __init__(self, submission: Submission, name: str) -> None:
        self.submission = submission
        self.__name__ = self.__qualname__ = name

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.submission.call(self.__name__, args, kwargs)

    def __repr__(self) -> str:
        return f"<function {self.__name__}, run in the submission's kernel>"


_submission: Submission | None = None


def install(path: str, names: Iterable[str], call_seconds: float,
            namespace: dict[str, Any] | None = None) -> Submission:
    """Bind ``names`` in the judge's namespace to proxies for the submission's functions.

    Parameters
    ----------
    path : str
        The socket the submission's kernel listens on.
    names : sequence of str
        The graded functions' names.
    call_seconds : float
        Time limit of one call.
    namespace : dict, optional
        Where to bind them; the judge kernel's user namespace by default.
    """
    global _submission
    if namespace is None:
        from IPython import get_ipython

        namespace = get_ipython().user_ns
    _submission = Submission(path, call_seconds)
    atexit.register(_submission.hang_up)
    for name in names:
        namespace[name] = Proxy(_submission, name)
    return _submission


def hang_up() -> None:
    """In the judge, after a test cell that did not end as cells do: release the submission's kernel.

    :func:`run_test` hangs up as its cell ends, however it ends; this does nothing then.
    """
    if _submission is not None:
        _submission.hang_up()


_tests: dict[int, str] = {}


def stage_tests(sources: dict[int, str]) -> None:
    """In the judge, before a notebook's cells: the code of its test cells, by cell index (:func:`run_test`)."""
    _tests.clear()
    _tests.update(sources)


@functools.lru_cache(maxsize=64)
def _compiled(source: str, filename: str) -> tuple[CodeType, CodeType | None]:
    """A test cell's code: its statements, and its last expression (``None`` if it ends otherwise).

    Kept: a kept judge runs the same hidden tests for every notebook of an assignment, and
    their file name, from IPython's cache of cells, is a hash of their code.
    """
    tree = ast.parse(source, filename)
    last = tree.body[-1] if tree.body else None
    if not isinstance(last, ast.Expr):
        return compile(tree, filename, "exec"), None
    tree.body.pop()
    return compile(tree, filename, "exec"), compile(ast.Expression(last.value), filename, "eval")


def _run_staged(index):
    from IPython import get_ipython

    shell = get_ipython()
    source = _tests[index]
    statements, value = _compiled(source, shell.compile.cache(source, shell.execution_count))
    exec(statements, shell.user_ns)  # noqa: S102
    if value is not None:  # the cell's value, as IPython would show it
        return eval(value, shell.user_ns)  # noqa: S307
    return None


def score_of(value: object) -> float | None:
    """A test cell's value as a partial score: a real number (not a bool) as a float, else ``None``."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, numbers.Real):
        return float(value)
    dtype = getattr(value, "dtype", None)
    if getattr(value, "shape", None) == () and getattr(dtype, "kind", "x") in ("i", "u", "f"):
        try:
            return float(cast(SupportsFloat, value))  # a NumPy scalar or 0-d array of numbers
        except (TypeError, ValueError):
            return None
    return None


def run_test(index: int) -> float | None:
    """In the judge: run the code staged for test cell ``index`` in the kernel's namespace, below IPython's frames.

    The cell's lines show in tracebacks as any cell's do (:mod:`autograder.kernel.frames` says why
    this is faster); a failure's traceback skips the grader's frames between this call and the
    test's own code. As the cell ends, however it ends, the submission's kernel is released
    (:func:`hang_up`), in the same execution: no call of its own.

    Returns
    -------
    float or None
        The cell's last expression, if it is one and evaluates to a number: the judge's
        partial score, which the cell then shows as its result (IPython's display of the
        value this returns); else ``None``, which shows nothing.
    """
    __tracebackhide__ = True
    if _submission is not None:
        _submission.begin()
    try:
        return score_of(below_ipython(_run_staged, index))
    except BaseException as error:  # noqa: BLE001 - raised again as it is, its traceback shortened
        raise error.with_traceback(_from_the_test_on(error.__traceback__))
    finally:
        hang_up()


def _from_the_test_on(traceback: TracebackType | None) -> TracebackType | None:
    """The part of ``traceback`` from the test cell's own code on: no frame of the grader's before it."""
    here = traceback
    while here is not None:
        if here.tb_frame.f_code is _run_staged.__code__:
            return here.tb_next or here  # the test's code, or where its code could not be compiled
        here = here.tb_next
    return traceback


def configure_checks(seed: int, language: str) -> None:
    """In the judge, before a notebook's first test: seed its hidden tests and choose their language.

    Calls :func:`autograder.kernel.tfcheck.configure` (contract 2 of the course's brief), where
    that exists: a tfcheck without it draws unseeded inputs and speaks English.
    """
    from autograder.kernel import tfcheck

    if hasattr(tfcheck, "configure"):
        tfcheck.configure(seed=int(seed), language=str(language))


def prepare(path: str, names: Sequence[str], call_seconds: float, sources: dict[int, str], seed: int,
            language: str, kept: bool = False) -> None:
    """In the judge, before a notebook's cells: everything it needs, in one call from the grader.

    A ``kept`` judge first forgets the last notebook (:func:`forget`); then its tracebacks are
    made plain (:func:`plain_tracebacks`), the proxies bound (:func:`install`), the test cells'
    code staged (:func:`stage_tests`) and the checks seeded (:func:`configure_checks`).
    """
    if kept:
        forget()
    plain_tracebacks()
    install(path, names, call_seconds)
    stage_tests({int(index): str(source) for index, source in sources.items()})
    configure_checks(seed, language)


def plain_tracebacks() -> None:
    """In the judge: report a failed test's traceback as Python does, a line of code for each frame.

    IPython's default report looks up every frame's module and parses its file (about 0.1 s for
    each failed hidden test, measured in a judge). Only the instructor reads it, in the autograded
    notebook: the student's feedback keeps its last line alone (``HideTestInternals``).
    """
    from IPython import get_ipython

    get_ipython().InteractiveTB.set_mode(mode="Plain")


def fit_for_reuse() -> None:
    """In the judge, after a notebook: raise unless its calls went as calls should.

    A judge that had to interrupt a call, or lost the submission's kernel, is not
    kept for another notebook (:mod:`autograder.grading.kept_judge`).
    """
    if _submission is not None and (_submission.broken or _submission.signalled):
        raise RuntimeError(_submission.broken or "a call to the submission was interrupted")
    if _submission is not None and _submission.unreachable:
        raise RuntimeError("a call could not reach the submission's kernel")


def forget() -> None:
    """In a kept judge, before its next notebook: forget the last one, as a new kernel would.

    IPython's reset empties the namespace (the last notebook's proxies, the hidden
    tests' names) and starts the execution count again; the modules stay imported,
    which is what makes a kept judge fast.
    """
    from IPython import get_ipython

    global _submission
    if _submission is not None:
        _submission.hang_up()
        atexit.unregister(_submission.hang_up)
        _submission = None
    _tests.clear()
    get_ipython().reset(new_session=True)


class _Probes:
    """``probes.<name>(...)`` runs :func:`autograder.kernel.probes.<name>` where the submission's objects live.

    In the judge, that is the submission's kernel, through the same calls as the
    proxies; where a test cell runs in the submission's own kernel (as under
    plain nbgrader, or a split test's visible part), it is a local call.
    """

    def __getattr__(self, name):
        from autograder.kernel.probes import named

        local = named(name)
        if local is None:
            raise AttributeError(f"no probe called {name}")
        return local if _submission is None else Proxy(_submission, wire.PROBE_PREFIX + name)


probes = _Probes()
