"""How long do both editions of the website take to build from scratch, and to rebuild when nothing changed?

Not a test: run it by hand and read the numbers.

    .venv/bin/python bench/bench_build.py            # build a copy of the repository in a temporary folder
    .venv/bin/python bench/bench_build.py --keep     # ... and keep the copy to look at

The repository is copied (without ``.venv``, ``.git`` and build outputs, with
``node_modules`` linked) so that the clean build starts from an empty execution
cache without touching the ``_build/`` of the working tree. The copy is then
built twice with the same code as ``./course build`` (``autograder.site.build.build_book``:
the English edition, then the Chinese one from the same execution cache): the
first build executes every chapter once (the Chinese edition executes nothing);
the second, with nothing changed, must execute nothing and rebuild both editions
in under 30 s. Each build's time is printed per edition.
"""

import argparse
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LEFT_OUT = (".git", ".venv", "node_modules", "_build", "test-artifacts", "grading-output", ".grading",
            ".pytest_cache", "__pycache__", "*.egg-info", ".ipynb_checkpoints")
REBUILD_TARGET_S = 30.0
# Run in the copy, so that autograder.site.build's REPO is the copy.
BUILD_BOTH = (
    "import sys; from autograder.site.build import build_book; result = build_book(); "
    "sys.stdout.write(result.stdout); sys.stderr.write(result.stderr); "
    "print('EDITION SECONDS', ' '.join(f'{k}={v:.1f}' for k, v in result.seconds.items())); "
    "sys.exit(result.returncode)"
)


def copy_repository(target):
    """A copy of the repository's sources in ``target``, sharing its MathJax."""
    shutil.copytree(REPO, target, ignore=shutil.ignore_patterns(*LEFT_OUT), symlinks=True)
    (target / "node_modules").symlink_to(REPO / "node_modules", target_is_directory=True)
    return target


def build(root):
    """Build both editions of ``root`` as ``./course build`` does; return a :class:`Build`."""
    command = [sys.executable, "-c", BUILD_BOTH]
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", PYTHONPATH=str(root))
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(command, cwd=root, env=env, text=True, capture_output=True)
    seconds = time.perf_counter() - started
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    log = result.stdout + result.stderr
    if result.returncode != 0:
        sys.stderr.write(log[-4000:])
        raise SystemExit(f"the build of {root} failed (exit status {result.returncode})")
    cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    executed = len(re.findall(r"Executing notebook", log))
    changed = re.findall(r"updating environment: (?:\x1b\[[0-9;]*m)?(?:\[[^\]]*\] )?(.*?added, .*?changed, .*?removed)", log)
    editions = re.search(r"EDITION SECONDS (.*)", log)
    return Build(seconds, cpu, executed, " | ".join(changed) or "nothing to read", log,
                 editions.group(1) if editions else "")


@dataclass
class Build:
    """One build's wall time, CPU time (of every process it started), executions and re-read pages."""

    seconds: float
    cpu_seconds: float
    executed: int
    changed: str
    log: str
    editions: str = ""

    def line(self):
        return (f"{self.seconds:7.1f} s wall (per edition, s: {self.editions}), "
                f"{self.cpu_seconds:7.1f} s CPU; {self.executed} notebook(s) executed; "
                f"sources (en | zh_CN): {self.changed}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="keep the temporary copy and print where it is")
    args = parser.parse_args(argv)

    scratch = Path(tempfile.mkdtemp(prefix="bnweek-bench-"))
    try:
        root = copy_repository(scratch / "repo")
        pages = len(re.findall(r"file: ", (root / "_toc.yml").read_text())) + 1
        print(f"building a copy of {REPO} ({pages} pages, English and Chinese) in {root}")
        print(f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPU(s)")
        clean = build(root)
        print(f"clean build:       {clean.line()}")
        rebuild = build(root)
        print(f"unchanged rebuild: {rebuild.line()}")
        if args.keep:
            (scratch / "clean.log").write_text(clean.log)
            (scratch / "rebuild.log").write_text(rebuild.log)
        met = rebuild.executed == 0 and rebuild.seconds < REBUILD_TARGET_S
        print(f"target (rebuild of both editions executes nothing, under {REBUILD_TARGET_S:g} s): "
              f"{'met' if met else 'MISSED'}")
        return 0 if met else 1
    finally:
        if args.keep:
            print(f"kept {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
