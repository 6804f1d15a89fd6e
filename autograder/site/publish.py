"""``./course publish OUT``: the course's public edition, everything a student may see and nothing else.

This repository is the instructors' private source: ``solutions/`` holds every answer and hidden test,
``tests/catalogue/`` holds correct alternatives and catalogued mistakes, and the grader's code reads
them. What students get is written to ``OUT``, meant to be the public repository (and its web site):

- ``site/``: the built website, English and Chinese (``site/zh/``), ready to serve (GitHub Pages and the
  like: publish that folder);
- ``exercises/``: the student notebooks, English and ``zh_CN/``, and the helper modules they import;
- ``book/``: the pages as notebooks (``book/<page>.ipynb``, executed, and their MyST sources) and
  ``book/page_figures.py``, which the pages import: what the site's Binder, JupyterHub and Colab buttons open;
- ``requirements.txt`` (what the notebooks import, for Binder), ``README.md`` and ``.nojekyll``.

Nothing else is copied: not ``solutions/``, ``tests/``, ``autograder/``, ``locale/``, ``.git`` or the
gradebook. Before anything replaces ``OUT``, every text file of the edition is searched for the lines of
each solution and hidden-test region and for nbgrader's region markers (:mod:`autograder.site.leaks`);
one found, nothing is written. ``OUT`` may be a checkout of the public repository: its ``.git`` stays,
the rest is replaced; a folder that is neither empty nor an earlier public edition is refused.
"""

from __future__ import annotations

import json
import logging
import shutil
from dataclasses import dataclass
from pathlib import Path

import yaml

from autograder.course import EXERCISES, REPO, assignments
from autograder.site import build, leaks

log = logging.getLogger(__name__)

#: Marks a folder as a public edition written by this command, so that the next run may replace it.
MARKER = ".bnweek-public-edition"
#: What a notebook of the course imports, pinned as ``requirements.txt`` pins it (Binder installs these).
STUDENT_PACKAGES = ("numpy", "matplotlib", "scikit-learn", "tensorflow")
#: Folders of the repository that hold answers or the grader: never published, and never the output.
PRIVATE = ("solutions", "tests", "autograder", ".git", "grading-output", ".grading")
TEXT_SUFFIXES = {".html", ".htm", ".md", ".txt", ".ipynb", ".py", ".js", ".json", ".css", ".yml", ".yaml", ".csv", ""}


@dataclass(frozen=True)
class Edition:
    """What one run published: the folder and the files it holds, relative to it."""

    folder: Path
    files: tuple[str, ...]


def toc_pages(toc: Path = build.TOC) -> list[str]:
    """The site's pages, as ``_toc.yml`` lists them (``book/intro``, ``book/ch1_normalizing``, ...)."""
    data = yaml.safe_load(toc.read_text(encoding="utf-8"))

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                yield entry["file"].removesuffix(".md")
            for key in ("parts", "chapters", "sections"):
                yield from walk(entry.get(key))

    return [data["root"].removesuffix(".md"), *walk(data.get("parts") or data.get("chapters"))]


def student_requirements(requirements: Path = REPO / "requirements.txt") -> str:
    """``requirements.txt`` for the public edition: the course's pins of what the notebooks import."""
    pins = {}
    for line in requirements.read_text(encoding="utf-8").splitlines():
        name = line.split("==")[0].split("[")[0].strip().lower()
        if name in STUDENT_PACKAGES:
            pins[name] = line.strip()
    missing = set(STUDENT_PACKAGES) - set(pins)
    if missing:
        raise SystemExit(f"requirements.txt pins none of {sorted(missing)}")
    import myst_nb  # the chapters glue their numbers into the text with myst_nb.glue

    return ("# What the course's notebooks import (BN Week's public edition).\n"
            + "\n".join(pins[name] for name in STUDENT_PACKAGES) + f"\nmyst-nb=={myst_nb.__version__}\n")


def readme(site_url: str, repository_url: str) -> str:
    site = f"the website, {site_url}" if site_url else "the website (`site/`)"
    return f"""# BN Week (public edition)

A one-week course on Batch Normalization, softmax regression and TensorFlow: {site}, in English and
Chinese (`site/zh/`), and its exercise notebooks.

| path | what it holds |
|---|---|
| `exercises/<id>/<id>.ipynb` | the exercise notebook of each chapter; `zh_CN/<id>.ipynb` is the Chinese one |
| `book/<page>.ipynb` | each chapter page as a notebook (what the site's launch buttons open) |
| `site/` | the website, built (`site/zh/`: 中文版) |
| `requirements.txt` | what the notebooks need (`pip install -r requirements.txt`) |

The notebooks are graded by your course's staff: hand in the notebook file, with the function
names and signatures unchanged. This edition is written by the course's private repository
(`./course publish`); do not edit it by hand.{f" Source of this edition: {repository_url}." if repository_url else ""}
"""


def _copy(source: Path, target: Path, files: list[str], root: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, target)
    files.append(target.relative_to(root).as_posix())


def _copy_tree(source: Path, target: Path, files: list[str], root: Path, skip=()) -> None:
    for path in sorted(source.rglob("*")):
        relative = path.relative_to(source)
        if path.is_symlink() or not path.is_file() or any(part in skip for part in relative.parts):
            continue
        if "__pycache__" in relative.parts or ".ipynb_checkpoints" in relative.parts:
            continue
        _copy(path, target / relative, files, root)


def public_repository() -> dict:
    """``_config.yml``'s public repository (``sphinx.config.bnweek_public_repository``): url and branch."""
    config = yaml.safe_load(build.CONFIG.read_text(encoding="utf-8"))
    public = ((config.get("sphinx") or {}).get("config") or {}).get("bnweek_public_repository") or {}
    return {"url": (public.get("url") or "").strip(), "branch": public.get("branch") or "main",
            "site_url": (public.get("site_url") or "").strip()}


def executed_page(site: Path, page: str, cache_path: Path = build.CACHE) -> str | None:
    """The page as an executed notebook (nbformat JSON): the site's download of it, its outputs from the
    execution cache that built the site (the download's own outputs may be an older build's)."""
    import nbformat

    download = site / "_sources" / f"{page}.ipynb"
    if not download.is_file():
        return None
    notebook = nbformat.read(download, as_version=4)
    if cache_path.is_dir():
        from jupyter_cache import get_cache

        try:
            _, notebook = get_cache(cache_path).merge_match_into_notebook(notebook)
        except KeyError:
            log.warning(f"{page}: no execution in the cache matches its code; its notebook keeps the download's outputs")
    return nbformat.writes(notebook)


def write_edition(folder: Path, site: Path = build.SITE) -> Edition:
    """Write the public edition into an empty ``folder``; returns what it holds."""
    files: list[str] = []
    if not (site / "index.html").is_file() or not (site / "zh" / "index.html").is_file():
        raise SystemExit(f"no built site in {site} (both editions): run ./course build first")
    # The site, minus Sphinx's build bookkeeping and the logs of failed cells.
    _copy_tree(site, folder / "site", files, folder, skip={".buildinfo", "reports", ".doctrees"})
    (folder / "site" / ".nojekyll").write_text("")  # GitHub Pages: serve _static/ and _images/ as they are
    files.append("site/.nojekyll")
    for assignment in assignments():
        _copy_tree(EXERCISES / assignment, folder / "exercises" / assignment, files, folder)
    for page in toc_pages():
        _copy(REPO / f"{page}.md", folder / f"{page}.md", files, folder)
        notebook = executed_page(site, page)
        if notebook is not None:
            (folder / f"{page}.ipynb").write_text(notebook, encoding="utf-8")
            files.append(f"{page}.ipynb")
    _copy(REPO / "book" / "page_figures.py", folder / "book" / "page_figures.py", files, folder)
    repository = public_repository()
    for name, text in (("requirements.txt", student_requirements()),
                       ("README.md", readme(repository["site_url"], repository["url"])),
                       (MARKER, json.dumps({"written_by": "./course publish"}) + "\n")):
        (folder / name).write_text(text, encoding="utf-8")
        files.append(name)
    return Edition(folder, tuple(sorted(files)))


def find_answers(edition: Edition) -> dict[str, set[str]]:
    """``{file: what it holds of a solution or hidden test}`` over the edition's text files."""
    regions = [region for assignment in assignments() for region in leaks.secret_regions(assignment)]
    found = {}
    for name in edition.files:
        path = edition.folder / name
        if path.suffix.lower() not in TEXT_SUFFIXES:
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if path.suffix == ".ipynb":
            # The cells' code as lines, whatever the JSON's layout.
            try:
                text = "\n".join("".join(cell.get("source", "")) for cell in json.loads(text).get("cells", []))
            except (ValueError, AttributeError):
                pass
        leaked = leaks.find_leaks(text, regions)
        if leaked:
            found[name] = leaked
    return found


def _refuse_output(output: Path) -> None:
    output = output.resolve()
    if output == REPO or output in REPO.parents:
        raise SystemExit(f"{output} holds the private repository: publish into a folder of its own")
    for private in PRIVATE:
        if (REPO / private) == output or (REPO / private) in output.parents:
            raise SystemExit(f"{output} is inside the repository's {private}/: publish somewhere else")
    if output.exists() and (not output.is_dir() or (any(p.name != ".git" for p in output.iterdir())
                                                    and not (output / MARKER).is_file())):
        raise SystemExit(f"{output} exists and is not an earlier public edition: name an empty or new folder")


def main(*, output: Path, build_site: bool = True, site: Path = build.SITE) -> Edition:
    """Build the site (unless ``build_site`` is false) and write the public edition to ``output``.

    Parameters
    ----------
    output : Path
        A new or empty folder, or an earlier public edition (a checkout of the public repository:
        its ``.git`` is kept).
    build_site : bool
        Build both editions of the site first, as ``./course build`` does.
    site : Path
        The built site to publish (``_build/html``).

    Returns
    -------
    Edition
    """
    output = Path(output).resolve()
    _refuse_output(output)
    if build_site:
        build.main()
    staging = output.with_name(f".{output.name}.publishing")
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    try:
        edition = write_edition(staging, site)
        answers = find_answers(edition)
        if answers:
            listing = "\n".join(f"  {name}: {sorted(found)[:3]}" for name, found in sorted(answers.items()))
            raise SystemExit(f"the public edition would hand out answers; nothing was published:\n{listing}")
        output.mkdir(parents=True, exist_ok=True)
        for old in output.iterdir():
            if old.name == ".git":
                continue
            shutil.rmtree(old) if old.is_dir() and not old.is_symlink() else old.unlink()
        for new in staging.iterdir():
            new.rename(output / new.name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    published = Edition(output, edition.files)
    log.info(f"public edition written to {output}: {len(published.files)} files (site/, exercises/, book/); "
             "no solution or hidden test found in it")
    return published
