"""Overrides (``autograder/grading/overrides.py``): the CSV of scores set by hand."""

import pytest

from autograder.grading.overrides import Override, load

A = "ch1_normalizing"
HEADER = "student,assignment,function,score,reason\n"


def test_rows_are_read_with_a_test_cells_id_or_a_function(tmp_path):
    """Are a function's name and its test cell's id both read as the function?"""
    (tmp_path / "o.csv").write_text(HEADER + f'alice,{A},test_batchnorm_forward,2.5,"regrade, see mail"\n'
                                    f"bob,{A},normalize_inputs,0,copied\n")
    assert load(tmp_path / "o.csv", [A]) == [Override("alice", A, "batchnorm_forward", 2.5, "regrade, see mail"),
                                             Override("bob", A, "normalize_inputs", 0.0, "copied")]


@pytest.mark.parametrize("row, said", [
    (f"alice,{A},f,two,why", "is no number"),
    (f"alice,{A},f,-1,why", "below 0"),
    (f"alice,{A},f,nan,why", "below 0"),
    (f"alice,{A},f,1,", "reason are required"),
    ("alice,ch9,f,1,why", "unknown assignment"),
    (f"alice,{A},f,1,why\nalice,{A},test_f,2,again", "a second override"),
])
def test_a_wrong_row_is_refused_with_its_line(tmp_path, row, said):
    """Is every wrong row refused, naming what is wrong, rather than guessed?"""
    (tmp_path / "o.csv").write_text(HEADER + row + "\n")
    with pytest.raises(ValueError, match=said):
        load(tmp_path / "o.csv", [A])


def test_a_header_without_a_reason_is_refused(tmp_path):
    (tmp_path / "o.csv").write_text(f"student,assignment,function,score\nalice,{A},f,1\n")
    with pytest.raises(ValueError, match="header must name"):
        load(tmp_path / "o.csv", [A])
