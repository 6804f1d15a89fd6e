"""Inert text (``autograder/grading/inert.py``): what a student's name or file name becomes in each medium."""

import csv
import io
import logging

import pytest

from autograder.grading.inert import FORMULA_STARTS, html, markdown, printable, quiet_terminal, spreadsheet

HOSTILE = "a\x1b[2J\x1b]52;c;cm0gLXJm\x07b\r\n| forged | row |\u202etxt.exe\x00<img src=x onerror=alert(1)>"


def test_no_control_or_format_character_survives():
    """Are escapes, CR/LF, NUL, BEL and a right-to-left override all written as visible escapes?"""
    shown = printable(HOSTILE)
    assert all(c.isprintable() for c in shown) and "\\x1b[2J" in shown and "\\u202e" in shown and "\\n" in shown


def test_ordinary_names_of_any_script_pass_unchanged():
    """Does a Chinese, accented or plain name come out as it went in?"""
    for name in ("张伟", "José Ñúñez", "alice.smith@uni-x.edu"):
        assert printable(name) == name


def test_markdown_has_no_markup_left():
    """Can a name open a table cell, a link, emphasis, code, math or an HTML tag in the report?"""
    shown = markdown(HOSTILE + "[x](http://e) *b* `c` $d$")
    assert "\n" not in shown and "<" not in shown and ">" not in shown
    for mark in "|[]*`$":
        assert all(shown[i - 1] == "\\" for i, c in enumerate(shown) if c == mark), mark


def test_html_has_no_tag_or_attribute_break():
    """Can a name open a tag or leave a quoted attribute?"""
    assert not set("<>\"'") & set(html(HOSTILE + "\"'"))


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_no_cell_starts_a_formula(start):
    """Does every character a spreadsheet reads as a formula's start get a quote (or an escape), and nothing else change?"""
    cell = spreadsheet(f"{start}SUM(A1)")
    assert not cell.startswith(FORMULA_STARTS) and cell[:1] in ("'", "\\")
    assert spreadsheet("alice") == "alice"


def test_a_csv_row_stays_one_row():
    """Does a problem text with a newline stay in its cell (one line per row in the file)?"""
    buffer = io.StringIO()
    csv.writer(buffer).writerow(["alice", spreadsheet(HOSTILE)])
    assert buffer.getvalue().count("\n") == 1


def test_log_records_reach_handlers_escaped(caplog):
    """While grading, does a record carrying an escape sequence reach every handler escaped, newlines kept?"""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger = logging.getLogger("autograder.test_inert")
    logger.addHandler(handler)
    try:
        with quiet_terminal():
            logger.warning("note: %s\nsecond line", "x\x1b[31mred")
        logger.warning("after: \x1b[0m")
    finally:
        logger.removeHandler(handler)
    lines = stream.getvalue().splitlines()
    assert lines[:2] == ["note: x\\x1b[31mred", "second line"] and lines[2] == "after: \x1b[0m"
