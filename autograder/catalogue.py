"""Catalogued wrong and alternative implementations, graded through the real pipeline.

A catalogue folder (the course's is ``tests/catalogue/``, :data:`autograder.course.CATALOGUE`)
holds ``<assignment>/<function>/`` ``mutant_*.py`` files (realistic
mistakes, which must lose the function's points) and ``alt_*.py`` files (valid
answers written another way, which must keep full marks). Each file is the whole
source of the function's answer cell.

To grade hundreds of variants quickly, variants of *different* functions share
a notebook, with the reference answer everywhere else. A mutant's verdict is
read from its own function's test cell; mutants share a notebook only when
neither function's answer or tests mention the other, so one mutant cannot make
another's test fail for it. An alternatives notebook must score full marks
everywhere, so sharing can only make it stricter.

A mutant may say which known mistake it is on its second line (``# names: unbiased_variance``, a key
of :data:`autograder.kernel.tfcheck.MISTAKES`); the report counts how often the feedback names it,
and checks that no alternative is ever told it made a mistake.
"""

from __future__ import annotations

import logging
import re
import shutil
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import nbformat

from autograder.course import EXERCISES, SOLUTIONS, assignments, source_notebook
from autograder.grading.batch import grade
from autograder.grading.intake import GRADED, Submission
from autograder.nbgrader_cells import sources_of_tests, with_answers

if TYPE_CHECKING:
    import os
    from collections.abc import Iterable, Mapping, Sequence

    from autograder.grading.results import Outcome

    PathLike = str | os.PathLike[str]

MUTANT, ALTERNATIVE = "mutant", "alt"

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Variant:
    """One catalogued implementation of a graded function.

    Attributes
    ----------
    assignment, function : str
    kind : str
        ``"mutant"`` or ``"alt"``.
    path : Path
        The file holding the answer cell's source.
    """

    assignment: str
    function: str
    kind: str
    path: Path

    @property
    def name(self) -> str:
        return self.path.stem

    @property
    def label(self) -> str:
        return f"{self.assignment}/{self.function}/{self.name}"

    @property
    def description(self) -> str:
        """The file's first comment line, which says what the variant does."""
        first = self.path.read_text().lstrip().splitlines()[0]
        return first.lstrip("# ").strip()

    @property
    def names(self) -> str | None:
        """The known mistake a mutant expects the feedback to name (its ``# names: <key>`` line), if any."""
        for line in self.path.read_text().splitlines()[:3]:
            if line.startswith("# names:"):
                return line.partition(":")[2].strip()
        return None


def variants(catalogue: PathLike, assignment: str | None = None) -> list[Variant]:
    """Every variant in the ``catalogue`` folder, of one assignment or all, in a stable order."""
    found = []
    for aid in [assignment] if assignment else assignments():
        for path in sorted((Path(catalogue) / aid).glob("*/*.py")):
            kind = MUTANT if path.name.startswith("mutant_") else ALTERNATIVE if path.name.startswith("alt_") else None
            if kind:
                found.append(Variant(aid, path.parent.name, kind, path))
    return found


def _mentions(variant, other_function, test_sources):
    """Whether a variant's answer or its function's tests refer to another function."""
    pattern = re.compile(rf"\b{re.escape(other_function)}\b")
    return bool(pattern.search(variant.path.read_text()) or pattern.search(test_sources.get(variant.function, "")))


def pack(assignment_variants: Iterable[Variant], kind: str,
         test_sources: Mapping[str, str] | None = None) -> list[list[Variant]]:
    """Group variants of one kind into notebooks: at most one per function in each.

    Parameters
    ----------
    assignment_variants : list of Variant
    kind : str
    test_sources : dict, optional
        ``{function: source of its test cell}``; when given, two mutants share a
        notebook only if neither's answer or tests mention the other's function.

    Returns
    -------
    list of list of Variant
    """
    packs: list[list[Variant]] = []
    for variant in (v for v in assignment_variants if v.kind == kind):
        for group in packs:
            clash = any(
                member.function == variant.function
                or (test_sources is not None and (
                    _mentions(variant, member.function, test_sources) or _mentions(member, variant.function, test_sources)))
                for member in group
            )
            if not clash:
                group.append(variant)
                break
        else:
            packs.append([variant])
    return packs


@dataclass
class Verdict:
    """What grading said about one variant (``named``: the known mistakes its function's feedback named)."""

    variant: Variant
    score: float
    possible: float
    total: float
    max_total: float
    status: str
    named: tuple[str, ...] | None = None

    @property
    def judged(self) -> bool:
        """Whether the hidden checks reported (no visible assert stopped the cell first)."""
        return self.named is not None

    @property
    def named_right(self) -> bool:
        """A mutant whose feedback named the mistake it says it is."""
        return self.variant.names is not None and self.variant.names in (self.named or ())

    @property
    def named_wrongly(self) -> bool:
        """An alternative told it made a mistake, or a mutant told another mistake than its own."""
        if self.variant.kind == ALTERNATIVE:
            return bool(self.named)
        return any(key != self.variant.names for key in self.named or ()) and not self.named_right

    @property
    def ok(self) -> bool:
        if self.status != GRADED:
            return False
        if self.variant.kind == MUTANT:
            return self.score < self.possible
        return self.total == self.max_total


def named_mistakes(notebook_path: PathLike, function: str) -> tuple[str, ...] | None:
    """The known mistakes (keys of ``MISTAKES``) that the test cell of ``function`` names in a graded notebook.

    ``None`` when the hidden checks never reported (a visible assert failed first, the cell never ran).
    """
    from autograder.kernel.tfcheck import MISTAKES, REPORTED

    try:
        notebook = nbformat.read(notebook_path, as_version=4)
    except (OSError, ValueError):
        return None
    text = ""
    for cell in notebook.cells:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == f"test_{function}":
            for output in cell.get("outputs", []):
                text += str(output.get("text", "")) + str(output.get("evalue", ""))
    if not REPORTED.search(text):
        return None
    return tuple(key for key, texts in MISTAKES.items() if any(sentence in text for sentence in texts.values()))


def grade_assignment(assignment: str, workdir: PathLike, *, catalogue: PathLike,
                     workers: int | None = None) -> tuple[dict[str, Outcome], list[Verdict]]:
    """Grade the solution, the student version and every packed variant notebook.

    Parameters
    ----------
    assignment : str
    workdir : path-like
        Where the variant notebooks and the grading run's folder go.
    catalogue : path-like
        The catalogue folder (:func:`variants`).
    workers : int, optional
        Local worker processes.

    Returns
    -------
    (dict, list of Verdict)
        Outcomes of the ``"solution"`` and ``"student"`` submissions, and one verdict per variant.
    """
    workdir = Path(workdir)
    source = nbformat.read(source_notebook(assignment), as_version=4)
    submissions = [
        Submission("solution", assignment, SOLUTIONS / assignment),
        Submission("student", assignment, EXERCISES / assignment),
    ]
    members = {}
    for kind in (MUTANT, ALTERNATIVE):
        tests = sources_of_tests(source) if kind == MUTANT else None
        for index, group in enumerate(pack(variants(catalogue, assignment), kind, tests)):
            student = f"{kind}-{index:02d}"
            folder = workdir / "variants" / student / assignment
            folder.mkdir(parents=True, exist_ok=True)
            answers = {variant.function: variant.path.read_text() for variant in group}
            nbformat.write(with_answers(source, answers), folder / f"{assignment}.ipynb")
            members[student] = group
            submissions.append(Submission(student, assignment, folder))
    outcomes = {o.student: o for o in grade(submissions, output=workdir / "course", workers=workers, force=True,
                                             feedback=False)}
    graded = workdir / "course" / "autograded"
    verdicts = [
        Verdict(variant, outcomes[student].scores.get(variant.function, 0.0),
                outcomes[student].possible.get(variant.function, 0.0),
                outcomes[student].total, outcomes[student].max_score, outcomes[student].status,
                named_mistakes(graded / student / assignment / f"{assignment}.ipynb", variant.function))
        for student, group in members.items()
        for variant in group
    ]
    return {name: outcomes[name] for name in ("solution", "student")}, verdicts


def report(verdicts: Sequence[Verdict]) -> str:
    """The mutation report: caught/total mutants and accepted/total alternatives per function."""
    rows: defaultdict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for verdict in verdicts:
        row = rows[(verdict.variant.assignment, verdict.variant.function)]
        offset = 0 if verdict.variant.kind == MUTANT else 2
        row[offset] += verdict.ok
        row[offset + 1] += 1
    lines = [f"{'assignment':<18} {'function':<26} {'mutants caught':>15} {'alternatives accepted':>22}"]
    for (assignment, function), (caught, mutants, accepted, alternatives) in sorted(rows.items()):
        lines.append(f"{assignment:<18} {function:<26} {f'{caught}/{mutants}':>15} {f'{accepted}/{alternatives}':>22}")
    missed = [v for v in verdicts if not v.ok]
    for verdict in missed:
        what = "NOT CAUGHT" if verdict.variant.kind == MUTANT else "REJECTED"
        lines.append(f"  {what}: {verdict.variant.label} ({verdict.variant.description})")
    lines += ["", *summary(verdicts)]
    return "\n".join(lines)


def summary(verdicts: Sequence[Verdict]) -> list[str]:
    """The catalogue's size per class (assignment, kind), the mutation score, and how well mistakes are named."""
    lines = [f"{'catalogue':<18} {'mutants':>8} {'alternatives':>13}"]
    sizes: defaultdict[str, list[int]] = defaultdict(lambda: [0, 0])
    for verdict in verdicts:
        sizes[verdict.variant.assignment][verdict.variant.kind != MUTANT] += 1
    for assignment, (mutant_count, alternative_count) in sorted(sizes.items()):
        lines.append(f"{assignment:<18} {mutant_count:>8} {alternative_count:>13}")
    mutants = [v for v in verdicts if v.variant.kind == MUTANT]
    alternatives = [v for v in verdicts if v.variant.kind == ALTERNATIVE]
    lines.append(f"{'total':<18} {len(mutants):>8} {len(alternatives):>13}")
    caught = sum(v.ok for v in mutants)
    accepted = sum(v.ok for v in alternatives)
    lines.append(f"mutation score: {caught}/{len(mutants)} mutants caught ({_percent(caught, len(mutants))}), "
                 f"{accepted}/{len(alternatives)} alternatives accepted")
    declared = [v for v in mutants if v.variant.names]
    reached = [v for v in declared if v.judged]  # a visible assert's failure stops the cell before the checks
    right = sum(v.named_right for v in declared)
    lines.append(f"mistakes named: {right}/{len(declared)} mutants that declare a known mistake are told it "
                 f"({_percent(right, len(declared))}); {sum(v.named_right for v in reached)}/{len(reached)} of those "
                 f"that got past the visible asserts; {right}/{len(mutants)} of all mutants")
    wrongly = [v for v in verdicts if v.named_wrongly]
    lines.append(f"named wrongly: {sum(v.variant.kind == ALTERNATIVE for v in wrongly)} alternatives, "
                 f"{sum(v.variant.kind == MUTANT for v in wrongly)} mutants told another mistake")
    lines += [f"  NAMED WRONGLY: {v.variant.label}: {', '.join(v.named or ())}" for v in wrongly]
    missed_names = [v for v in reached if not v.named_right]
    lines += [f"  NOT NAMED: {v.variant.label} ({v.variant.names})" for v in missed_names]
    return lines


def _percent(part, whole):
    return f"{100 * part / whole:.1f}%" if whole else "n/a"


def main(*, catalogue: PathLike, assignment_ids: Iterable[str] = (), workdir: PathLike | None = None,
         workers: int | None = None) -> int:
    """Grade every catalogued variant and log the mutation report; return 1 on any miss."""
    import tempfile

    verdicts = []
    with tempfile.TemporaryDirectory(prefix="bnweek-mutation-") as scratch:
        for assignment in list(assignment_ids) or assignments():
            target = Path(workdir or scratch) / assignment
            shutil.rmtree(target, ignore_errors=True)
            verdicts += grade_assignment(assignment, target, catalogue=catalogue, workers=workers)[1]
    missed = not all(v.ok for v in verdicts) or any(v.variant.kind == ALTERNATIVE and v.named for v in verdicts)
    (log.error if missed else log.info)(report(verdicts))
    return 1 if missed else 0
