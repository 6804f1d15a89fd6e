"""Does any code block of the public edition, pasted and wrapped as a student would, earn a graded function's points?

``test_page_answers.py`` tries the functions a page defines. A student does not need a ``def``: code that
runs inline on a page (``mu = Z.mean(axis=1, keepdims=True)`` ...) becomes an answer once it is wrapped in
the graded function's signature. This test takes every file that ``./course publish`` writes (the site in
both languages with its downloads and ``_sources``, the pages as notebooks, the student notebooks and their
helpers), every code block in it (a code cell, a ``python`` fence, an HTML ``<pre>``, a ``.py`` file), and
builds from each block, for each graded function:

- the whole block, wrapped into the function's signature;
- runs of consecutive statements, wrapped the same way: for each statement that computes what the function
  returns, the shortest and the longest run ending there that needs nothing but the function's
  parameters, the page's imports and the page's own functions.

Wrapping binds the page's names for the parameters to the parameters (``NAMES``, a small table per
function: ``Z`` may be ``H`` on a page; ``DERIVED``: ``m`` is ``Z.shape[1]``), drops the lines that set an
input to the page's example, and returns what the answer cell returns when its ``return`` names variables
(with the page's names; one the block does not compute, such as a cache, is ``None``), or else the run's
last value. A computed ``return`` of the solution is never used: that would paste the answer in. Candidates are deduplicated. A test cell raises, and so scores 0, when its visible asserts fail;
so each candidate first meets its function's visible asserts, in a process of its own per assignment with
the source notebook's setup and reference answers (``prescreen``); the ones that pass, and every candidate of a
function whose control does not pass there, are packed into few notebooks and graded in one batch by the real
grader (``python -m autograder grade``). No candidate may earn a point. The controls, each reference
answer's solution region wrapped the same way, must earn full marks, so the test can see a leak.
"""

from __future__ import annotations

import ast
import builtins
import csv
import functools
import json
import os
import re
import subprocess
import sys
import textwrap
from dataclasses import dataclass

import nbformat
import pytest

from autograder.course import REPO, SOLUTIONS
from autograder.nbgrader_cells import grade_id, is_answer, with_answers
from autograder.site import publish
from test_page_answers import FENCE, Candidate, assignments, graded_functions, hidden_and_visible_tests, pack

#: Per graded function, the names a page may give its parameters and results: ``{name: [page names]}``.
#: The solution's own names always count.
NAMES = {
    "normalize_inputs": {"X_train": ["X"], "X_test": ["X_dev", "X_val"],
                         "X_train_norm": ["X_norm", "X_train_n"], "X_test_norm": ["X_test_n", "X_dev_norm"]},
    "batchnorm_forward": {"Z": ["H", "Z1", "Z_batch"], "Z_tilde": ["Z_bn", "Z_out", "out"], "Z_norm": ["Z_hat"]},
    "linear_bn_forward": {"A_prev": ["A", "X", "A0"], "Z_tilde": ["Z_bn"], "Z": ["Z1"]},
    "batchnorm_backward": {"dZ_tilde": ["dZt", "dout", "upstream"], "dZ": ["dZ_bn", "dZ_formula"],
                           "dgamma": ["d_gamma"], "dbeta": ["d_beta"]},
    "model_forward": {"X": ["A0"], "parameters": ["params"], "AL": ["A_L", "y_hat", "Y_hat"]},
    "update_parameters": {"parameters": ["params"], "grads": ["gradients"], "learning_rate": ["lr", "alpha"]},
    "minibatch_mean_std": {"Z": ["H", "Z1", "A"], "batch_size": ["m_B", "B", "size"], "seed": [],
                           "mu_B": ["batch_means", "means_of_batches"]},
    "input_percentiles": {"Z": ["H", "Z1", "A"], "q": ["percentiles", "qs"]},
    "ewma": {"values": ["x", "series", "theta"], "beta": ["momentum_ewma"], "v": ["v_t", "averages"]},
    "update_running_stats": {"running_mean": ["moving_mean", "mean_run"], "running_var": ["moving_var", "var_run"],
                             "batch_mean": ["mu_B", "mu", "mean_B"], "batch_var": ["var_B", "sigma2_B"]},
    "population_statistics": {"batch_means": ["means", "mus"], "batch_vars": ["variances", "vars_"],
                              "m": ["batch_size", "m_B"]},
    "batchnorm_inference": {"Z": ["Z_test", "H"], "mean": ["mu", "running_mean", "pop_mean"],
                            "var": ["sigma2", "running_var", "pop_var"], "Z_tilde": ["Z_out"]},
    "fold_batchnorm": {"W": ["W1"], "b": ["b1"], "mean": ["mu", "running_mean"], "var": ["running_var"],
                       "W_folded": ["W_fold", "W_new"], "b_folded": ["b_fold", "b_new"]},
    "softmax": {"Z": ["z", "scores", "logits"], "A": ["probs", "A_softmax", "Y_hat"]},
    "hardmax": {"Z": ["z", "scores"], "A": ["A_hard"]},
    "one_hot": {"y": ["labels", "y_train"], "C": ["n_classes", "num_classes"], "Y": ["Y_onehot"]},
    "cross_entropy_cost": {"Y_hat": ["A", "probs"], "Y": ["Y_train"], "cost": ["J", "loss"]},
    "softmax_regression_grads": {"X": ["X_train"], "Y": ["Y_train"], "dW": ["grad_W"], "db": ["grad_b"]},
    "train_softmax_regression": {"X": ["X_train"], "Y": ["Y_train"], "learning_rate": ["lr", "alpha"],
                                 "num_iterations": ["iterations", "steps", "epochs"], "params": ["parameters"]},
    "predict": {"X": ["X_test"], "params": ["parameters"], "y_pred": ["predictions", "pred"]},
    "minimize_cost": {"w0": [], "learning_rate": ["lr"], "steps": ["num_steps"]},
    "one_hot_matrix": {"labels": ["y", "y_train"], "depth": ["C", "n_classes"]},
    "build_model": {"n_features": ["n_x"], "hidden_units": ["units", "hidden"], "n_classes": ["C"],
                    "use_bn": []},
    "compute_total_loss": {"logits": ["Z", "scores"], "labels": ["Y", "y_true"], "loss": ["total_loss"]},
    "train_step": {"model": ["net"], "optimizer": ["opt"], "x": ["X", "x_batch"], "y": ["Y", "y_batch"]},
    "best_device": {"device": []},
}
#: Per graded function, names a page computes from the inputs before the code a student would copy:
#: ``{name: expression of the parameters}`` (``m`` is how many examples a page's ``Z`` holds).
DERIVED = {
    "batchnorm_forward": {"m": "Z.shape[1]"},
    "batchnorm_backward": {"m": "Z.shape[1]"},
    "minibatch_mean_std": {"m": "Z.shape[1]", "n": "Z.shape[0]"},
    "input_percentiles": {"m": "Z.shape[1]"},
    "hardmax": {"C": "Z.shape[0]", "m": "Z.shape[1]"},
    "one_hot": {"m": "len(y)"},
    "cross_entropy_cost": {"m": "Y.shape[1]"},
    "softmax_regression_grads": {"m": "X.shape[1]"},
    "train_softmax_regression": {"m": "X.shape[1]", "n_x": "X.shape[0]", "C": "Y.shape[0]"},
    "ewma": {"T": "len(values)"},
}
#: At most this many runs of statements per block and graded function (the shortest and longest of each end).
RUNS_PER_BLOCK = 24
QUIET_CALLS = {"print", "display", "glue", "plt", "ax", "axes", "fig", "figures", "assert"}
BUILTINS = set(dir(builtins))


@dataclass(frozen=True)
class Signature:
    assignment: str
    function: str
    arguments: str          # "Z, gamma, beta, eps=1e-05"
    parameters: tuple       # ("Z", "gamma", "beta", "eps")
    returns: str | None     # the answer cell's last ``return`` expression
    points: float
    notebook_names: frozenset = frozenset()   # what the notebook's other cells define (helpers, other answers)


# ----------------------------------------------------------------------------- code blocks of published files

def _notebook_blocks(text):
    try:
        notebook = json.loads(text)
    except ValueError:
        return []
    return ["".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            for cell in notebook.get("cells", []) if cell.get("cell_type") == "code"]


def _markdown_blocks(text):
    blocks = []
    for match in FENCE.finditer(text):
        if match.group("cell") is not None:
            lines = match.group("cell").split("\n")
            if lines[0].strip() == "---" and "---" in lines[1:]:
                lines = lines[lines.index("---", 1) + 1:]
            blocks.append("\n".join(line for line in lines if not line.startswith((":", "%"))))
        else:
            blocks.append(match.group("block"))
    return blocks


def _html_blocks(text):
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(text, "html.parser")
    return [pre.get_text() for pre in soup.select("div.highlight pre, pre")]


def file_blocks(path):
    """The code blocks of one published file, as text."""
    text = path.read_text(encoding="utf-8", errors="replace")
    name = path.name
    if name.endswith(".ipynb"):
        return _notebook_blocks(text)
    if name.endswith((".md", ".md.txt", ".txt")):
        return _markdown_blocks(text)
    if name.endswith(".html"):
        return _html_blocks(text)
    if name.endswith(".py"):
        return [text]
    return []


@dataclass
class Block:
    """A parsed code block and the page context it runs in."""

    where: str
    statements: list
    source: str


@dataclass
class PageContext:
    imports: dict        # import statement source -> names it binds
    functions: dict      # name -> (source, names it reads)


def parse_statements(source):
    """The top-level statements of a block (IPython magics and shell lines dropped), or None if it is no Python."""
    lines = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
    try:
        tree = ast.parse(textwrap.dedent("\n".join(lines)))
    except (SyntaxError, ValueError):
        return None
    return tree.body


def page_context(blocks):
    imports, functions = {}, {}
    for statements in blocks:
        for node in statements:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = {(alias.asname or alias.name).split(".")[0] for alias in node.names}
                imports[ast.unparse(node)] = names
            elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                reads = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
                functions[node.name] = (ast.unparse(node), reads)
    return PageContext(imports, functions)


# ----------------------------------------------------------------------------- signatures and wrapping

def signatures():
    """Every graded function (classes left to ``test_page_answers.py``), with its answer cell's return."""
    found = []
    for assignment in assignments():
        spec = graded_functions(assignment)
        notebook = json.loads((SOLUTIONS / assignment / f"{assignment}.ipynb").read_text())
        for cell in notebook["cells"]:
            function = grade_id(cell)
            if function not in spec or not is_answer(cell) or spec[function][0]:
                continue
            node = next(n for n in ast.parse("".join(cell["source"])).body
                        if isinstance(n, ast.FunctionDef) and n.name == function)
            returns = [n for n in node.body if isinstance(n, ast.Return) and n.value is not None]
            others = set()
            for other in notebook["cells"]:
                if other is not cell and other["cell_type"] == "code":
                    statements = parse_statements("".join(other["source"])) or []
                    others |= set().union(*(_stores(n) for n in statements if not isinstance(n, ast.Expr))) \
                        if statements else set()
            found.append(Signature(assignment, function, ast.unparse(node.args),
                                   tuple(a.arg for a in node.args.posonlyargs + node.args.args + node.args.kwonlyargs),
                                   ast.unparse(returns[-1].value) if returns else None, spec[function][3],
                                   frozenset(others - {function})))
    return found


@functools.cache
def _loads(node):
    return frozenset({n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)})


@functools.cache
def _stores(node):
    names = {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, (ast.Store, ast.Del))}
    names |= {a.arg for n in ast.walk(node) if isinstance(n, ast.Lambda) for a in n.args.args}
    names |= {n.name for n in ast.walk(node) if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
    names |= {(alias.asname or alias.name).split(".")[0] for n in ast.walk(node)
              if isinstance(n, (ast.Import, ast.ImportFrom)) for alias in n.names}
    return frozenset(names)


def aliases(signature):
    """``{page name: expression}``: the page names of the function's parameters, then the names it derives
    from them (``DERIVED``)."""
    table = NAMES.get(signature.function, {})
    found = {alias: parameter for parameter in signature.parameters for alias in table.get(parameter, [])
             if alias not in signature.parameters}
    derived = {name: expression for name, expression in DERIVED.get(signature.function, {}).items()
               if name not in signature.parameters and name not in found}
    return {**found, **derived}


def _needs(run, known):
    """Names the run reads before it assigns them, beyond ``known``."""
    assigned, needed = set(known), set()
    for node in run:
        needed |= _loads(node) - assigned - _stores(node)
        assigned |= _stores(node)
    return needed


def _is_quiet(node):
    """An expression statement that shows something rather than computing (a print, a plot, a glue)."""
    if not isinstance(node, ast.Expr):
        return False
    call = node.value
    while isinstance(call, ast.Call):
        call = call.func
    while isinstance(call, ast.Attribute):
        call = call.value
    return isinstance(call, ast.Name) and call.id in QUIET_CALLS or isinstance(node.value, ast.Constant)


def plain_names(expression):
    """Is a return expression only names (a tuple of them, constants)? A computed one is the solution's own
    code, which the wrapper must never bring in."""
    allowed = (ast.Expression, ast.Tuple, ast.List, ast.Name, ast.Constant, ast.Load)
    return all(isinstance(node, allowed) for node in ast.walk(ast.parse(expression, mode="eval")))


def return_expression(signature, run, available=frozenset()):
    """What the wrapper returns after ``run``: the answer cell's return with the page's names, else the run's
    last value; None when the run computes nothing the function returns."""
    assigned = set().union(*(_stores(node) for node in run)) if run else set()
    table = NAMES.get(signature.function, {})
    if signature.returns and plain_names(signature.returns):
        template = ast.parse(signature.returns, mode="eval")
        wanted = sorted(_loads(template) - BUILTINS - set(signature.parameters)
                        - (available - assigned))          # modules and the notebook's names stay as they are
        chosen = {}
        for name in wanted:
            options = [name, *table.get(name, [])]
            chosen[name] = next((option for option in options if option in assigned), None)
        if wanted and any(chosen.values()):
            expression = signature.returns
            for name, page_name in chosen.items():
                expression = re.sub(rf"\b{re.escape(name)}\b", page_name or "None", expression)
            return expression
    last = run[-1]
    if isinstance(last, ast.Expr) and not _is_quiet(last):
        return ast.unparse(last.value)
    if isinstance(last, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
        targets = last.targets if isinstance(last, ast.Assign) else [last.target]
        return ast.unparse(targets[0])
    return None


def wrap(signature, run, context, fallback=None):
    """The answer cell for ``run`` wrapped into the signature, or None if it cannot stand on its own."""
    names = aliases(signature)
    inputs = set(signature.parameters) | set(names)
    # A line that sets an input to the page's example (``B = 64``) is what a student deletes first.
    run = [node for node in run if not (isinstance(node, (ast.Assign, ast.AnnAssign)) and _stores(node) & inputs
                                        and not _loads(node) & inputs)]
    if not run:
        return None
    notebook_names = signature.notebook_names - set(signature.parameters) - set(names)
    known = set(signature.parameters) | set(names) | BUILTINS | notebook_names
    page_names = set(context.functions) | {n for names_ in context.imports.values() for n in names_}
    needed = _needs(run, known)
    if needed - page_names:
        return None
    if not (_needs(run, BUILTINS | page_names | notebook_names) & (set(signature.parameters) | set(names))) \
            and signature.parameters:
        return None                                   # uses no input: a constant, not an answer
    value = return_expression(signature, run, frozenset(page_names | notebook_names | {"np", "tf"}))
    if not signature.parameters and value is not None and not set(re.findall(r"\w+", value)) & set(
            NAMES.get(signature.function, {})):
        value = None                                  # no input to compute from: only a named result counts
    value = value or fallback
    if value is None:
        return None
    functions, queue = [], sorted(needed & set(context.functions))
    while queue:
        name = queue.pop()
        if name in functions or name == signature.function:
            continue
        functions.append(name)
        queue += sorted(context.functions[name][1] & set(context.functions))
    reads = needed | set().union(*(context.functions[f][1] for f in functions)) if functions else needed
    imports = [source for source, bound in context.imports.items() if bound & (reads | _loads_all(run))]
    body = [f"{alias} = {parameter}" for alias, parameter in names.items()]
    body += [ast.unparse(node) for node in run] + [f"return {value}"]
    parts = [*imports, *(context.functions[f][0] for f in reversed(functions)),
             f"def {signature.function}({signature.arguments}):\n" + textwrap.indent("\n".join(body), "    ")]
    return "\n\n".join(parts) + "\n"


def _loads_all(run):
    return set().union(*(_loads(node) for node in run)) if run else set()


def _statements(statements):
    return [node for node in statements if not isinstance(node, (ast.Import, ast.ImportFrom, ast.FunctionDef,
                                                                   ast.ClassDef))]


def _ends(statements, signature):
    """Indices of the statements a run may end at: those that assign a returned name, or end on a value."""
    table = NAMES.get(signature.function, {})
    returned = set()
    if signature.returns and plain_names(signature.returns):
        for name in _loads(ast.parse(signature.returns, mode="eval")):
            returned |= {name, *table.get(name, [])}
    returned |= {alias for name, options in table.items() if name not in signature.parameters for alias in options}
    inputs = set(signature.parameters) | set(aliases(signature))
    returned -= inputs
    return [end for end, node in enumerate(statements)
            if _stores(node) & returned
            or (isinstance(node, ast.Expr) and not _is_quiet(node) and _loads(node) & inputs)]


def wrapped_runs(statements, signature, context):
    """Answer cells from one block for one function: the whole block, and for each statement a run may end at,
    the shortest and the longest run ending there that can stand on its own."""
    statements = _statements(statements)
    if not statements:
        return []
    found = [wrap(signature, statements, context)]
    for end in _ends(statements, signature):
        for starts in (range(end, -1, -1), range(0, end + 1)):
            for start in starts:
                source = wrap(signature, statements[start:end + 1], context)
                if source is not None:
                    found.append(source)
                    break
    return list(dict.fromkeys(source for source in found if source))


def candidates_from(blocks_by_file, signatures_):
    """Deduplicated candidates from every block of every file; returns ``(candidates, distinct blocks)``."""
    found, seen_sources, seen_blocks = [], set(), set()
    for where, blocks in blocks_by_file.items():
        parsed = [statements for statements in (parse_statements(block) for block in blocks) if statements]
        context = page_context(parsed)
        for statements in parsed:
            key = ast.dump(ast.Module(body=statements, type_ignores=[]))
            if key in seen_blocks:
                continue
            seen_blocks.add(key)
            for signature in signatures_:
                for source in wrapped_runs(statements, signature, context)[:RUNS_PER_BLOCK]:
                    if (signature.function, source) not in seen_sources:
                        seen_sources.add((signature.function, source))
                        found.append(Candidate(signature.assignment, signature.function, where, source))
    return found, len(seen_blocks)


def controls(signatures_):
    """Each reference answer's solution region, wrapped into its signature as page code would be."""
    found = []
    for signature in signatures_:
        notebook = json.loads((SOLUTIONS / signature.assignment / f"{signature.assignment}.ipynb").read_text())
        cell = next(c for c in notebook["cells"] if grade_id(c) == signature.function and is_answer(c))
        region = re.search(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", "".join(cell["source"]), re.S).group(1)
        body = ast.parse("def _():\n" + textwrap.indent(textwrap.dedent(region), "    ") + "    pass\n").body[0].body
        if len(body) > 1 and isinstance(body[-1], ast.Pass):
            body = body[:-1]
        # A trailing ``return x`` becomes the value ``x``, as a page would show it; a region that returns from
        # inside a branch keeps its returns.
        statements = body
        if not any(isinstance(node, ast.Return) for node in ast.walk(ast.Module(body=body[:-1], type_ignores=[]))):
            statements = [ast.Expr(node.value) if isinstance(node, ast.Return) and node.value is not None else node
                          for node in body]
        context = PageContext({"import numpy as np": {"np"}, "import tensorflow as tf": {"tf"}}, {})
        source = wrap(signature, statements, context, fallback="None")
        assert source is not None, f"the control of {signature.function} cannot be wrapped"
        found.append(Candidate(signature.assignment, signature.function, f"control:{signature.function}", source,
                               control=True))
    return found


# ----------------------------------------------------------------------------- the tests

def published_blocks(edition):
    """``{file: its code blocks}`` over every file of a public edition."""
    blocks = {}
    for name in edition.files:
        found = file_blocks(edition.folder / name)
        if found:
            blocks[name] = found
    return blocks


def test_wrapping_turns_inline_code_into_an_answer():
    """Does a page's inline computation, with its own names, become a runnable answer that returns what the
    graded function returns, and a run that needs a name it does not compute stay out?"""
    signature = Signature("ch1_normalizing", "batchnorm_forward", "Z, gamma, beta, eps=1e-05",
                          ("Z", "gamma", "beta", "eps"), "Z_tilde, cache", 3.0)
    page = ("import numpy as np\nH = np.ones((3, 4))\nmu = H.mean(axis=1, keepdims=True)\n"
            "Z_hat = (H - mu) / np.sqrt(H.var(axis=1, keepdims=True) + eps)\nZ_bn = gamma * Z_hat + beta\n"
            "print(Z_bn)\n")
    statements = parse_statements(page)
    context = page_context([statements])
    answers = wrapped_runs(statements, signature, context)
    assert any("mu = H.mean" in s and "return Z_bn, None" in s and "H = np.ones" not in s for s in answers), answers
    namespace = {}
    exec(next(s for s in answers if "return Z_bn, None" in s and "H = np.ones" not in s), namespace)  # noqa: S102
    import numpy as np

    Z_tilde, cache = namespace["batchnorm_forward"](np.arange(6.0).reshape(2, 3), 1.0, 0.0)
    assert cache is None and np.allclose(Z_tilde.mean(axis=1), 0)
    lone = parse_statements("Z_bn = gamma * Z_hat + beta\n")
    assert wrap(signature, lone, page_context([lone])) is None      # Z_hat comes from nowhere


def test_blocks_are_found_in_every_kind_of_published_file(tmp_path):
    """Are code cells, fences, notebook cells, HTML code blocks and modules all read?"""
    (tmp_path / "page.md").write_text("```{code-cell} ipython3\n---\ntags: [remove-input]\n---\nx = 1\n```\n"
                                      "```python\ny = 2\n```\n")
    (tmp_path / "page.ipynb").write_text(json.dumps({"cells": [{"cell_type": "code", "source": ["z = 3\n"]}]}))
    (tmp_path / "page.html").write_text('<div class="highlight"><pre>w = 4\n</pre></div>')
    (tmp_path / "helper.py").write_text("v = 5\n")
    found = {name: file_blocks(tmp_path / name) for name in ("page.md", "page.ipynb", "page.html", "helper.py")}
    assert [b.strip() for b in found["page.md"]] == ["x = 1", "y = 2"]
    assert found["page.ipynb"] == ["z = 3\n"] and found["page.html"] == ["w = 4\n"] and found["helper.py"] == ["v = 5\n"]


PRESCREEN_SECONDS = 30


def visible_part(test_source):
    """A test cell's code without its hidden region: what runs of it that a student can see."""
    return re.sub(r"### BEGIN HIDDEN TESTS\n.*?### END HIDDEN TESTS\n?", "", test_source, flags=re.S)


def _prescreen_assignment(request):
    """In this process: ``{index: True}`` for each candidate that passes its function's visible asserts."""
    import signal

    notebook = json.loads((SOLUTIONS / request["assignment"] / f"{request['assignment']}.ipynb").read_text())
    base, tests = {"__name__": "__main__"}, {}
    for cell in notebook["cells"]:
        if cell["cell_type"] != "code" or not grade_id(cell):
            continue
        source = "".join(cell["source"])
        if grade_id(cell).startswith("test_"):
            tests[grade_id(cell)[len("test_"):]] = visible_part(source)
            continue
        try:
            exec(compile(re.sub(r"^\s*%.*$", "", source, flags=re.M), grade_id(cell), "exec"), base)  # noqa: S102
        except Exception:  # noqa: BLE001 - a setup cell the pre-screen cannot run only makes it pass more
            pass

    def alarm(*_):
        raise TimeoutError

    signal.signal(signal.SIGALRM, alarm)
    passed = {}
    for index, function, source in request["candidates"]:
        namespace = dict(base)
        signal.alarm(PRESCREEN_SECONDS)
        try:
            exec(compile(source, "candidate", "exec"), namespace)  # noqa: S102
            exec(compile(tests.get(function, ""), "visible tests", "exec"), namespace)  # noqa: S102
            passed[index] = True
        except BaseException:  # noqa: BLE001 - any error in the cell scores 0
            passed[index] = False
        finally:
            signal.alarm(0)
    return passed


def split_functions(assignment):
    """The graded functions of an assignment whose test is split (its visible half runs apart, deciding nothing)."""
    notebook = json.loads((SOLUTIONS / assignment / f"{assignment}.ipynb").read_text())
    return {grade_id(cell)[len("test_"):] for cell in notebook["cells"]
            if grade_id(cell) and grade_id(cell).startswith("test_") and (cell["metadata"].get("autograder") or {}).get("split")}


def prescreen(every):
    """Which candidates pass their function's visible asserts: ``{candidate: bool}`` (True when unsure)."""
    verdicts, running = {}, []
    for assignment in assignments():
        group = [c for c in every if c.assignment == assignment]
        if not group:
            continue
        request = {"assignment": assignment, "candidates": [(i, c.function, c.source) for i, c in enumerate(group)]}
        process = subprocess.Popen([sys.executable, __file__, "prescreen"], stdin=subprocess.PIPE,
                                   stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=REPO, text=True,
                                   env={**os.environ, "MPLBACKEND": "Agg", "TF_CPP_MIN_LOG_LEVEL": "3"})
        process.stdin.write(json.dumps(request))
        process.stdin.close()
        running.append((group, process))
    for group, process in running:
        output = process.stdout.read()
        process.wait()
        try:
            passed = {int(k): v for k, v in json.loads(output.strip().splitlines()[-1]).items()}
        except (ValueError, IndexError):
            passed = {}
        # A split test's visible half decides nothing (its failure is only shown): its function is never screened.
        trusted = {c.function for i, c in enumerate(group) if c.control and passed.get(i)} - split_functions(
            group[0].assignment)
        for i, candidate in enumerate(group):
            verdicts[candidate] = passed.get(i, True) or candidate.function not in trusted or candidate.control
    return verdicts


def grade_candidates(every, folder):
    """Grade candidates through the real grader in one batch; returns ``(leaks, missed, notebooks)``."""
    submitted = folder / "submitted"
    students = {}
    for assignment in assignments():
        group = [c for c in every if c.assignment == assignment]
        source = nbformat.read(SOLUTIONS / assignment / f"{assignment}.ipynb", as_version=4)
        for k, members in enumerate(pack(group, hidden_and_visible_tests(assignment)) + [[]]):
            notebook = with_answers(source, {member.function: member.source for member in members})
            target = submitted / f"c{k:04d}" / assignment / f"{assignment}.ipynb"
            target.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(notebook, target)
            students[f"c{k:04d}", assignment] = members
    out = folder / "graded"
    run = subprocess.run([sys.executable, "-m", "autograder", "grade", str(submitted), "all", "-o", str(out),
                          "--no-feedback", "-q"], cwd=REPO, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    with open(out / "grades.csv", newline="", encoding="utf-8") as file:
        rows = {(row["student"], row["assignment"]): row for row in csv.DictReader(file)}
    points = {s.function: s.points for s in signatures()}
    leaks, missed = [], []
    for (student, assignment), members in students.items():
        row = rows[student, assignment]
        assert row["status"] == "graded", f"{student}/{assignment}: {row}"
        for member in members:
            earned = float(row[member.function])
            if member.control and earned != points[member.function]:
                missed.append(f"{member.function}: {earned:g}/{points[member.function]:g} ({row['problem']})")
            elif not member.control and earned > 0:
                leaks.append(f"{member.label} earns {earned:g}/{points[member.function]:g} on {member.function}:\n"
                             + textwrap.indent(member.source, "    "))
    return leaks, missed, len(students)


@pytest.mark.grading
def test_no_published_code_earns_a_graded_functions_points(site, tmp_path):
    """Graded through the real grader, does every block of the public edition, whole or as runs of statements
    wrapped into each graded signature, score 0, while each wrapped reference answer earns full marks?"""
    edition = publish.write_edition(tmp_path / "edition", site)
    signatures_ = signatures()
    found, blocks = candidates_from(published_blocks(edition), signatures_)
    every = found + controls(signatures_)
    verdicts = prescreen(every)
    leaks, missed, notebooks = grade_candidates([c for c in every if verdicts[c]], tmp_path)
    print(f"{len(edition.files)} files, {blocks} distinct blocks, {len(found)} candidates, "
          f"{sum(verdicts[c] for c in found)} past the visible asserts, graded in {notebooks} notebooks")
    assert not missed, "wrapped reference answers lost points, so the test could not see a leak:\n" + "\n".join(missed)
    assert not leaks, "the public edition hands out graded answers:\n" + "\n".join(leaks[:20])


if __name__ == "__main__" and sys.argv[1:] == ["prescreen"]:
    import contextlib
    import io

    request_ = json.loads(sys.stdin.read())
    with contextlib.redirect_stdout(io.StringIO()):    # the candidates' and the notebook's prints
        verdicts_ = _prescreen_assignment(request_)
    print("\n" + json.dumps(verdicts_))
