"""bench/report/tsv_rows.py: how the reports read what scripts/bench wrote."""

import pytest

import tsv_rows

COLUMNS = ("mode", "connections")


def make(row):
    return row["mode"], int(row["connections"])


def write(tmp_path, text):
    path = tmp_path / "steps.tsv"
    path.write_text(text, encoding="utf-8")
    return path


def test_every_row_is_made_into_a_value_in_order(tmp_path):
    assert tsv_rows.read_rows(write(tmp_path, "mode\tconnections\nasync\t64\nsync\t9000\n"), COLUMNS, make) == [
        ("async", 64), ("sync", 9000)]


def test_a_tsv_with_other_columns_is_refused(tmp_path):
    with pytest.raises(ValueError, match="expected the columns mode, connections"):
        tsv_rows.read_rows(write(tmp_path, "mode\tconns\nasync\t64\n"), COLUMNS, make)


def test_a_row_the_maker_refuses_names_its_file_and_line(tmp_path):
    with pytest.raises(ValueError, match=r"steps.tsv:3: invalid literal"):
        tsv_rows.read_rows(write(tmp_path, "mode\tconnections\nasync\t64\nasync\tlots\n"), COLUMNS, make)


def test_an_empty_or_na_value_is_no_number():
    assert [tsv_rows.optional_float(text) for text in ("", "n/a", "27.5")] == [None, None, 27.5]


def test_the_median_leaves_out_the_values_that_are_not_there():
    assert tsv_rows.median_or_none([None, 10.0, 30.0, None, 20.0]) == 20.0
    assert tsv_rows.median_or_none([None, None]) is None
