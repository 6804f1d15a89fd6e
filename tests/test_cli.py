"""The command line (``autograder/cli.py``): its options and what each verbosity lets through."""

import logging

import pytest

from autograder import cli


@pytest.mark.parametrize("command", [["release"], ["build"], ["translate"], ["mutation-report"],
                                     ["grade", "submitted", "all"]])
@pytest.mark.parametrize("flag, verbosity", [([], 0), (["-q"], -1), (["--quiet"], -1), (["-v"], 1)])
def test_every_command_takes_v_and_q(command, flag, verbosity):
    """Does every subcommand accept -v and -q after its name, and default to the normal verbosity?"""
    args = cli.parser().parse_args([*command, *flag])
    assert args.verbosity == verbosity


def test_v_and_q_together_are_refused(capsys):
    """Is asking for both more and less output an error, not a silent choice?"""
    with pytest.raises(SystemExit):
        cli.parser().parse_args(["release", "-v", "-q"])
    assert "not allowed with" in capsys.readouterr().err


@pytest.mark.parametrize("verbosity, shown", [(-1, {"warning"}), (0, {"info", "warning"}),
                                              (1, {"debug", "info", "warning"})])
def test_each_verbosity_lets_through_its_levels_on_stdout(capsys, verbosity, shown):
    """Do the autograder's loggers write plain lines to stdout, at the levels the verbosity asks for?"""
    cli.configure_logging(verbosity)
    try:
        logger = logging.getLogger("autograder.grading.command")
        logger.debug("debug")
        logger.info("info")
        logger.warning("warning")
        printed = capsys.readouterr().out.split()
    finally:
        cli.configure_logging(0)
    assert set(printed) == shown


def test_configuring_twice_does_not_print_twice(capsys):
    """Does a second configuration replace the first handler, rather than add a second one?"""
    cli.configure_logging(0)
    cli.configure_logging(0)
    logging.getLogger("autograder.release").info("once")
    assert capsys.readouterr().out == "once\n"


def test_quiet_grading_shows_no_progress_bar(monkeypatch):
    """Does -q reach the grade command as no progress bar, and the default as one?"""
    seen = []
    from autograder.grading import command

    monkeypatch.setattr(command, "main", lambda **kwargs: seen.append(kwargs["progress"]) or 0)
    for flag in (["-q"], []):
        with pytest.raises(SystemExit):
            cli.main(["grade", "submitted", "all", *flag])
    assert seen == [False, True]
