"""Does ``./course publish OUT`` write everything a student needs and nothing that holds an answer?"""

import hashlib
import importlib.util
import subprocess
import sys

import pytest

from autograder import cli
from autograder.course import CATALOGUE, EXERCISES, REPO, SOLUTIONS, assignments
from autograder.site import leaks, publish


def _digests(folder):
    return {hashlib.sha256(path.read_bytes()).hexdigest(): path for path in folder.rglob("*")
            if path.is_file() and path.stat().st_size}


@pytest.mark.book
def test_public_edition_holds_the_site_and_notebooks_and_no_answer(site, tmp_path):
    """Published from the built site, does the edition hold both editions of the site, every student notebook and
    helper, every page as a notebook, and no file of solutions/, tests/ or autograder/, nor any solution's lines?"""
    out = tmp_path / "public"
    run = subprocess.run([sys.executable, "-m", "autograder", "publish", str(out), "--no-build"], cwd=REPO,
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    files = {path.relative_to(out).as_posix() for path in out.rglob("*") if path.is_file()}
    assert {"site/index.html", "site/zh/index.html", "site/.nojekyll", "requirements.txt", "README.md",
            "book/page_figures.py"} <= files
    for assignment in assignments():
        for student_file in (EXERCISES / assignment).rglob("*"):
            if student_file.is_file() and "__pycache__" not in student_file.parts:
                relative = student_file.relative_to(REPO).as_posix()
                assert relative in files, f"the public edition lacks {relative}"
                assert (out / relative).read_bytes() == student_file.read_bytes()
    chapters = [page for page in publish.toc_pages() if page.startswith("book/ch")]
    assert chapters and all(f"{page}.ipynb" in files and f"{page}.md" in files for page in chapters)
    private_roots = ("solutions/", "tests/", "autograder/", "locale/", ".git/", "grading-output/", "_build/")
    assert not [name for name in files if name.startswith(private_roots)]
    private = {**_digests(SOLUTIONS), **_digests(CATALOGUE), **_digests(REPO / "autograder")}
    public_files = _digests(out)
    shared = {public_files[digest].relative_to(out).as_posix() for digest in public_files.keys() & private.keys()}
    # The helper modules a student imports are copied from solutions/ by ./course release on purpose (and the
    # site offers them for download).
    helpers = {path.name for path in EXERCISES.rglob("*.py")}
    assert {name for name in shared if name.rsplit("/", 1)[-1] not in helpers} == set(), shared
    regions = [region for assignment in assignments() for region in leaks.secret_regions(assignment)]
    for name in files:
        if name.endswith((".html", ".ipynb", ".md", ".py", ".txt", ".js")):
            text = (out / name).read_text(encoding="utf-8", errors="replace")
            assert not leaks.find_leaks(text, regions), f"{name} holds a solution or hidden test"
    alternatives = [path.read_text() for path in CATALOGUE.rglob("alt_*.py")]
    assert alternatives
    for name in files:
        if name.endswith((".html", ".ipynb", ".md", ".py", ".txt")):
            text = (out / name).read_text(encoding="utf-8", errors="replace")
            assert not any(alternative.strip() in text for alternative in alternatives), f"{name} holds a catalogue file"

    # Published again into the same folder (a checkout of the public repository): .git stays, the rest is new.
    (out / ".git").mkdir()
    (out / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (out / "stale.txt").write_text("from an older edition")
    publish.main(output=out, build_site=False)
    assert (out / ".git" / "HEAD").is_file() and not (out / "stale.txt").exists()


def test_publish_refuses_folders_it_must_not_write(tmp_path):
    """Does publish refuse the repository itself, its private folders and a folder it did not write?"""
    for folder in (REPO, REPO / "solutions" / "x", REPO / "tests" / "out", REPO.parent):
        with pytest.raises(SystemExit):
            publish._refuse_output(folder)
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine")
    with pytest.raises(SystemExit):
        publish._refuse_output(foreign)
    publish._refuse_output(tmp_path / "new")
    checkout = tmp_path / "checkout"
    (checkout / ".git").mkdir(parents=True)
    publish._refuse_output(checkout)


def test_publish_finds_a_solution_planted_in_a_file(tmp_path):
    """Does the edition's own check find a solution region's lines in a published file, and pass a clean one?"""
    assignment = assignments()[0]
    region = leaks.secret_regions(assignment, kinds=("SOLUTION",))[0]
    (tmp_path / "clean.md").write_text("# Batch Norm\n\nNothing here.\n")
    (tmp_path / "page.html").write_text("<pre>" + "\n".join(region) + "</pre>\n")
    found = publish.find_answers(publish.Edition(tmp_path, ("clean.md", "page.html")))
    assert set(found) == {"page.html"}


def test_publish_is_a_command():
    """Does ``./course publish OUT`` parse, with ``--no-build``?"""
    args = cli.parser().parse_args(["publish", "out", "--no-build"])
    assert args.output == "out" and args.no_build and args.run is cli._publish


def test_launch_buttons_open_the_pages_notebook():
    """Do the launch buttons open ``book/<page>.ipynb`` (which the public edition holds) instead of the MyST source?"""
    spec = importlib.util.spec_from_file_location("repository_buttons", REPO / "book" / "_ext" / "repository_buttons.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    binder = "https://mybinder.org/v2/gh/org/course/main?urlpath=lab/tree/book/ch1_normalizing.md"
    context = {"header_buttons": [{"label": "launch-buttons", "buttons": [{"url": binder}]},
                                  {"label": "download-buttons", "buttons": [{"url": "book/ch1_normalizing.md"}]}]}
    module.launch_notebooks(None, "book/ch1_normalizing", None, context, None)
    assert context["header_buttons"][0]["buttons"][0]["url"].endswith("lab/tree/book/ch1_normalizing.ipynb")
    assert context["header_buttons"][1]["buttons"][0]["url"] == "book/ch1_normalizing.md"
