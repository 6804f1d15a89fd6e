"""Build the website with Jupyter Book, and optionally grade a demo class.

Pages are executed with Jupyter Book's cache, so an unchanged page is not
re-run on rebuild; warnings are errors, so a broken reference or a failing cell
stops the build.
"""

import subprocess
import sys
from pathlib import Path

from autograder.course import REPO

BUILD = REPO / "_build"
SITE = BUILD / "html"


def build_book(builder="html", extra=()):
    """Run ``jupyter-book build`` on the repository root with warnings as errors.

    Returns
    -------
    subprocess.CompletedProcess
    """
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    command = [str(jupyter_book), "build", str(REPO), "--builder", builder, "--warningiserror", "--keep-going", *extra]
    return subprocess.run(command, cwd=REPO, text=True, capture_output=True)


def main(*, demo_grade=False):
    """Build the site; with ``demo_grade``, also grade a small demo class."""
    print("building the website (the first build executes every chapter; a few minutes)")
    result = build_book()
    if result.returncode != 0:
        sys.stdout.write(result.stdout[-6000:])
        sys.stderr.write(result.stderr[-6000:])
        raise SystemExit("the website build failed; see the messages above")
    print(f"website built: open {SITE / 'index.html'}")
    if demo_grade:
        from autograder import demo

        demo.main(output=REPO / "grading-output" / "demo")
