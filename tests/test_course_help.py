"""The ``course`` script: ``./course help`` lists every command, each one it lists runs, and the code passes ``./course lint``."""

import re
import subprocess
from pathlib import Path

import pytest

from autograder import cli

ROOT = Path(__file__).resolve().parent.parent
MATHJAX = ROOT / "node_modules" / "mathjax" / "es5" / "tex-chtml.js"


def course(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(ROOT / "course"), *args], capture_output=True, text=True, timeout=120, cwd=ROOT)


def listed_commands() -> list[str]:
    """The command names ``./course help`` prints, in its order."""
    done = course("help")
    assert done.returncode == 0, done.stderr
    return re.findall(r"^  \./course (\S+)", done.stdout, flags=re.MULTILINE)


def cli_commands() -> list[str]:
    """The subcommands of ``autograder/cli.py``'s parser."""
    top = cli.parser()
    (commands,) = [action for action in top._actions if action.dest == "command"]
    return list(commands.choices)


def test_help_lists_every_subcommand_of_the_cli():
    """Does ``./course help`` name every subcommand the Python command line has, each once?"""
    listed = listed_commands()
    assert len(listed) == len(set(listed)), listed
    assert set(cli_commands()) <= set(listed), set(cli_commands()) - set(listed)
    assert {"test", "lint", "help"} <= set(listed)


def test_help_is_the_default_and_an_unknown_command_is_refused():
    """Is a bare ``./course`` the help, and does a misspelt command fail with a pointer to it?"""
    assert course().stdout == course("help").stdout == course("--help").stdout
    wrong = course("graed")
    assert wrong.returncode != 0 and "./course help" in wrong.stderr


@pytest.mark.parametrize("command", cli_commands())
def test_every_cli_subcommand_is_reached_through_the_script(command):
    """Does ``./course <command> --help`` reach the cli's own parser for that command?"""
    if command in {"build", "translate", "publish"} and not MATHJAX.exists():
        pytest.skip("the website's commands install MathJax first (npm); not installed here")
    done = course(command, "--help")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"usage: ./course {command} ")


def test_the_code_passes_lint():
    """Does ``./course lint`` (ruff, with pyproject.toml's rules) pass, as .ci/run requires before the tests?"""
    done = course("lint")
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
