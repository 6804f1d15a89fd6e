"""Does any code on the website, copied as a student would, earn a graded function's points?

The line-by-line leak check (``tests/site/test_book.py``) cannot see a reworded copy of an
answer. This test grades the pages' own code instead. Every function or class that a
page defines (in a ``{code-cell}`` or in a ``python`` block such as an exercise's
solution) is tried as the answer of every graded function whose signature it could
serve: renamed to the graded name, or through a thin wrapper from ``ADAPTERS`` where a
page's function computes the same thing with another signature. The page's imports, and
the earlier definitions the candidate uses, travel with it, as a student pasting it would
bring them.

Each candidate replaces the answer cell of the assignment's source notebook and the batch
is graded through the real grader's command line (``python -m autograder grade``), in one
run. A candidate must score 0 on its function. Two controls in the same batch show the
test can fail: the untouched source notebook earns every point, and each assignment's
reference answer, pasted as if a page had defined it under another name, earns its
function's points through the same renaming path.
"""

import ast
import csv
import json
import re
import subprocess
import sys
from dataclasses import dataclass, field

import nbformat
import pytest

from autograder.course import REPO, SOLUTIONS
from autograder.nbgrader_cells import TEST_PREFIX, function_name, grade_id, is_answer, is_test, nbgrader, with_answers

BOOK = REPO / "book"

# A MyST code cell (its optional YAML header is dropped) or a fenced ``python`` block.
FENCE = re.compile(
    r"^(?P<f1>`{3,})\{code-cell\}[^\n]*\n(?P<cell>.*?)^(?P=f1)[ \t]*$"
    r"|^(?P<f2>`{3,})python[ \t]*\n(?P<block>.*?)^(?P=f2)[ \t]*$",
    re.S | re.M,
)

#: Wrappers for page functions whose signature differs from a graded function's, a small
#: table per graded function. ``{page}`` is the page function's name; ``calls`` is how many
#: positional arguments the wrapper passes to it.
ADAPTERS = {
    "train_softmax_regression": [
        ("returns (W, b, costs)", 5,
         "def train_softmax_regression(X, Y, learning_rate=0.5, num_iterations=500, seed=0):\n"
         "    W, b, costs = {page}(X, Y, learning_rate, num_iterations, seed)\n"
         "    return {{\"W\": W, \"b\": b}}, list(costs)\n"),
    ],
    "build_model": [
        ("takes (use_bn, hidden_units, n_classes)", 3,
         "def build_model(n_features, hidden_units, n_classes, use_bn=True):\n"
         "    return {page}(use_bn, tuple(hidden_units), n_classes)\n"),
    ],
    "train_step": [
        ("builds a step function from (model, optimizer)", 2,
         "def train_step(model, optimizer, x, y):\n"
         "    return {page}(model, optimizer)(x, y)\n"),
    ],
}


@dataclass(frozen=True)
class Definition:
    """A function or class defined at the top level of a page's code cell."""

    page: str
    name: str
    source: str
    is_class: bool
    required: int          # positional parameters without a default (self excluded for classes)
    positional: int        # all positional parameters (a large number with *args)
    uses: frozenset        # names it reads


@dataclass
class Page:
    name: str
    imports: list = field(default_factory=list)        # (import statement, names it binds), in page order
    definitions: list = field(default_factory=list)    # Definition, in page order
    constants: dict = field(default_factory=dict)      # name -> source of `name = literal`


def code_blocks(text):
    """The Python source of every code cell and ``python`` block of a MyST page."""
    for match in FENCE.finditer(text):
        if match.group("cell") is not None:
            lines = match.group("cell").split("\n")
            if lines[0].strip() == "---":
                lines = lines[lines.index("---", 1) + 1:]
            lines = [line for line in lines if not line.startswith(":tags:")]
            yield "\n".join(line for line in lines if not line.startswith("%"))
        else:
            yield match.group("block")


def _signature(node):
    if isinstance(node, ast.ClassDef):
        init = next((n for n in node.body if isinstance(n, ast.FunctionDef) and n.name == "__init__"), None)
        if init is None:
            return 0, 99
        args, skip = init.args, 1
    else:
        args, skip = node.args, 0
    params = (args.posonlyargs + args.args)[skip:]
    required = len(params) - len(args.defaults)
    return max(required, 0), 99 if args.vararg else len(params)


def add_source(page, source):
    """Record the imports, definitions and literal constants of one block of page code."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return                                        # a fragment, not runnable code
    for node in tree.body:
        segment = ast.get_source_segment(source, node)
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = frozenset((alias.asname or alias.name).split(".")[0] for alias in node.names)
            page.imports.append((segment, names))
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            required, positional = _signature(node)
            uses = frozenset(n.id for n in ast.walk(node) if isinstance(n, ast.Name))
            page.definitions.append(Definition(
                page.name, node.name, segment, isinstance(node, ast.ClassDef), required, positional, uses))
        elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            try:
                ast.literal_eval(node.value)
            except ValueError:
                continue
            page.constants[node.targets[0].id] = segment


def parse_page(path):
    page = Page(path.stem)
    for source in code_blocks(path.read_text(encoding="utf-8")):
        add_source(page, source)
    return page


def pages():
    return [parse_page(path) for path in sorted(BOOK.glob("*.md"))]


def graded_functions(assignment):
    """``{function: (is_class, required, positional, points)}`` from the source notebook."""
    notebook = json.loads((SOLUTIONS / assignment / f"{assignment}.ipynb").read_text())
    points = {function_name(grade_id(c)): nbgrader(c).get("points", 0) for c in notebook["cells"] if is_test(c)}
    functions = {}
    for cell in notebook["cells"]:
        if grade_id(cell) in points and is_answer(cell):
            function = grade_id(cell)
            node = next(n for n in ast.parse("".join(cell["source"])).body
                        if isinstance(n, (ast.FunctionDef, ast.ClassDef)) and n.name == function)
            functions[function] = (isinstance(node, ast.ClassDef), *_signature(node), float(points[function]))
    return functions


def assignments():
    return sorted(p.parent.name for p in SOLUTIONS.glob("*/*.ipynb") if p.stem == p.parent.name)


def _rename(source, old, new):
    return re.sub(rf"\b{re.escape(old)}\b", new, source)


def candidate_source(page, definition, function, adapter, graded_names):
    """The answer cell a student would paste: imports, what the definition uses, and it, renamed or wrapped."""
    needed, queue = [], [definition]
    earlier = {d.name: d for d in page.definitions[:page.definitions.index(definition)]}
    while queue:
        current = queue.pop()
        for name in sorted(current.uses):
            if name in earlier and earlier[name] not in needed and earlier[name] is not definition:
                needed.append(earlier.pop(name))
                queue.append(needed[-1])
    constants = sorted({name for d in [definition, *needed] for name in d.uses} & page.constants.keys())
    used = {name for d in [definition, *needed] for name in d.uses}
    imports = [source for source, names in dict.fromkeys(page.imports) if names & used]
    parts = [*imports, *(page.constants[c] for c in constants),
             *(d.source for d in reversed(needed)), definition.source]
    source = "\n\n".join(parts) + "\n"
    # A page helper named like another graded function must not replace the reference one.
    for name in {d.name for d in needed} & (graded_names - {function}):
        source = _rename(source, name, f"{name}_from_page")
    if adapter is None:
        return _rename(source, definition.name, function) if definition.name != function else source
    if definition.name == function:
        source = _rename(source, function, f"{function}_from_page")
        return source + "\n\n" + adapter.format(page=f"{function}_from_page")
    return source + "\n\n" + adapter.format(page=definition.name)


def _fits(definition, spec):
    is_class, required, positional, _ = spec
    # It must accept the shortest call a test can make: the graded function's required arguments.
    return definition.is_class == is_class and definition.required <= required <= definition.positional


@dataclass(frozen=True)
class Candidate:
    assignment: str
    function: str
    label: str
    source: str
    control: bool = False


def candidates():
    """Every (graded function, page definition[, adapter]) pair worth grading, and the controls."""
    found = []
    all_pages = pages()
    for assignment in assignments():
        spec = graded_functions(assignment)
        for function, signature in spec.items():
            for page in all_pages:
                for definition in page.definitions:
                    ways = [(None, None)] if _fits(definition, signature) else []
                    ways += [(how, code) for how, calls, code in ADAPTERS.get(function, [])
                             if not definition.is_class and definition.required <= calls <= definition.positional]
                    for how, adapter in ways:
                        label = f"{page.name}:{definition.name}" + (f" ({how})" if how else "")
                        found.append(Candidate(assignment, function, label,
                                               candidate_source(page, definition, function, adapter, set(spec))))
        found += reference_controls(assignment, spec)
    return found


def reference_controls(assignment, spec):
    """Each reference answer renamed ``<name>_on_page``, as a page might define it, run through the renaming path."""
    notebook = json.loads((SOLUTIONS / assignment / f"{assignment}.ipynb").read_text())
    controls = []
    for cell in notebook["cells"]:
        function = grade_id(cell)
        if function in spec and is_answer(cell):
            source = re.sub(r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*\n", "", "".join(cell["source"]), flags=re.M)
            page = parse_page_source(f"control_{assignment}", _rename(source, function, f"{function}_on_page"))
            definition = next(d for d in page.definitions if d.name == f"{function}_on_page")
            controls.append(Candidate(assignment, function, f"control:{function}",
                                      candidate_source(page, definition, function, None, set(spec)), control=True))
    return controls


def parse_page_source(name, source):
    page = Page(name)
    add_source(page, source)
    return page


def _mentions(candidate, other_function, tests):
    pattern = re.compile(rf"\b{re.escape(other_function)}\b")
    return bool(pattern.search(candidate.source) or pattern.search(tests.get(candidate.function, "")))


def hidden_and_visible_tests(assignment):
    notebook = json.loads((SOLUTIONS / assignment / f"{assignment}.ipynb").read_text())
    tests = {}
    for cell in notebook["cells"]:
        if is_test(cell) and grade_id(cell).startswith(TEST_PREFIX):
            tests[function_name(grade_id(cell))] = "".join(cell["source"])
    return tests


def pack(assignment_candidates, tests):
    """Notebooks of candidates for different functions that cannot affect each other's verdicts."""
    packs = []
    for candidate in assignment_candidates:
        for group in packs:
            if not any(member.function == candidate.function or _mentions(candidate, member.function, tests)
                       or _mentions(member, candidate.function, tests) for member in group):
                group.append(candidate)
                break
        else:
            packs.append([candidate])
    return packs


def write_submissions(all_candidates, folder):
    """One notebook per pack in nbgrader's submitted/<student>/<assignment>/ layout; returns what each holds."""
    students = {}
    by_assignment = {}
    for candidate in all_candidates:
        by_assignment.setdefault(candidate.assignment, []).append(candidate)
    for assignment, group in by_assignment.items():
        source = nbformat.read(SOLUTIONS / assignment / f"{assignment}.ipynb", as_version=4)
        packs = pack(group, hidden_and_visible_tests(assignment)) + [[]]          # [] is the untouched notebook
        for k, members in enumerate(packs):
            notebook = with_answers(source, {member.function: member.source for member in members})
            student = f"c{k:03d}"
            target = folder / student / assignment / f"{assignment}.ipynb"
            target.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(notebook, target)
            students[student, assignment] = members
    return students


def test_adapter_table_names_graded_functions():
    """Does every adapter wrap a real graded function, and does each page's code parse?"""
    every = {f for a in assignments() for f in graded_functions(a)}
    assert set(ADAPTERS) <= every, set(ADAPTERS) - every
    assert sum(len(page.definitions) for page in pages()) > 20


def test_candidate_builder_carries_what_a_definition_uses():
    """Does a candidate bring the page's imports, earlier helpers and constants, renamed to the graded name?"""
    page = parse_page_source("demo", "import numpy as np\n\ndef helper(S):\n    return np.exp(S)\n\n"
                                     "def fit(X, Y, alpha, num_steps, seed=0):\n    return helper(X), 0, []\n")
    fit = page.definitions[-1]
    plain = candidate_source(page, fit, "train_softmax_regression", None, {"train_softmax_regression"})
    assert "import numpy as np" in plain and "def helper" in plain and "def train_softmax_regression(X" in plain
    wrapped = candidate_source(page, fit, "train_softmax_regression", ADAPTERS["train_softmax_regression"][0][2],
                               {"train_softmax_regression", "helper"})
    assert "def helper_from_page" in wrapped and "fit(X, Y, learning_rate" in wrapped
    compile(wrapped, "candidate", "exec")


@pytest.mark.grading
def test_no_page_code_earns_a_graded_functions_points(tmp_path):
    """Graded as answers through the real grader, does every page definition score 0 and every control full marks?"""
    every = candidates()
    submitted = tmp_path / "submitted"
    students = write_submissions(every, submitted)
    out = tmp_path / "graded"
    run = subprocess.run([sys.executable, "-m", "autograder", "grade", str(submitted), "all", "-o", str(out)],
                         cwd=REPO, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    with open(out / "grades.csv", newline="", encoding="utf-8") as file:
        rows = {(row["student"], row["assignment"]): row for row in csv.DictReader(file)}
    points = {a: graded_functions(a) for a in assignments()}
    leaks, missed, untouched = [], [], []
    for (student, assignment), members in students.items():
        row = rows.get((student, assignment))
        assert row is not None and row["status"] == "graded", f"{student}/{assignment}: {row}"
        if not members:
            full = {f: spec[3] for f, spec in points[assignment].items()}
            untouched += [f"{assignment}.{f}" for f, p in full.items() if float(row[f]) != p]
        for member in members:
            earned, possible = float(row[member.function]), points[assignment][member.function][3]
            if member.control and earned != possible:
                missed.append(f"{assignment}.{member.function}: {earned:g}/{possible:g} ({row['problem']})")
            elif not member.control and earned > 0:
                leaks.append(f"{member.label} earns {earned:g}/{possible:g} on {assignment}.{member.function}")
    print(f"{len(every)} candidates in {len(students)} notebooks")
    assert not untouched, f"the untouched source notebook loses points on {untouched}: the harness is broken"
    assert not missed, (f"reference answers renamed as page code lost points, so the test could not see a leak: {missed}"
                        + "".join(f"\n(also: {leak})" for leak in leaks))
    assert not leaks, "the website hands out graded answers:\n" + "\n".join(leaks)
