"""Mapping files: validation with the key path, malformed YAML with line and column, file globs."""

from decimal import Decimal

import pytest

from ccanalysis.errors import EngagementError
from ccanalysis.io.mapping import Mapping, load_mapping, matches, parse_derivation


def write(tmp_path, text, name="m.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_load_a_full_mapping(tmp_path):
    path = write(tmp_path, """
table: contacts
files: ["contacts/phonenow*.xlsx"]
columns: {contact_id: "Call Id", start: ["Date", "Time"], talk_s: "AvgTalkDuration"}
constants: {supplier: phonenow, service: care}
parse: {talk_s: duration_hms, answered: yes_no, abandoned: not_yes_no}
sep: ";"
decimal: ","
thousands: "."
encoding: cp1252
dayfirst: true
sheet: Datos
""")
    mapping = load_mapping(path)
    assert mapping.columns["start"] == ["Date", "Time"]
    assert mapping.decimal == "," and mapping.sheet == "Datos"
    assert mapping.source == str(path)


def test_malformed_yaml_names_file_line_and_column(tmp_path):
    path = write(tmp_path, "table: contacts\nfiles: [a.csv\ncolumns: {x: y}\n")
    with pytest.raises(EngagementError) as err:
        load_mapping(path)
    problem = err.value.problems[0]
    assert problem.file == str(path)
    assert "malformed YAML" in problem.message
    assert problem.column.startswith("line ")


def test_unknown_key_is_named_with_its_path(tmp_path):
    path = write(tmp_path, "table: contacts\nfiles: [a.csv]\ncolumnz: {}\ndates_from: {start: 2023-01-01, "
                           "order_by: Index, step: 2}\n")
    with pytest.raises(EngagementError) as err:
        load_mapping(path)
    columns = {p.column for p in err.value.problems}
    assert columns == {"columnz", "dates_from.step"}
    assert all(p.file == str(path) for p in err.value.problems)


def test_bad_values_are_reported(tmp_path):
    path = write(tmp_path, "table: calls\nfiles: []\nparse: {talk_s: minutes}\n")
    with pytest.raises(EngagementError) as err:
        load_mapping(path)
    assert {p.column for p in err.value.problems} == {"table", "files", "parse.talk_s"}


def test_derive_grammar():
    assert parse_derivation("avg_talk * handled").operands == ("avg_talk", "handled")
    assert parse_derivation("minutes × 60").operands == ("minutes", Decimal(60))
    for bad in ["a + b", "a * b * c", "2 * 3", ""]:
        with pytest.raises(ValueError):
            parse_derivation(bad)
    with pytest.raises(ValueError):
        Mapping(table="activity", files=["a.csv"], derive={"talk_s": "avg / handled"})


def test_decimal_separator_cannot_equal_column_separator():
    with pytest.raises(ValueError):
        Mapping(table="activity", files=["a.csv"], decimal=",")  # sep defaults to ","
    assert Mapping(table="activity", files=["a.csv"], sep=";", decimal=",").decimal == ","


def test_matches_globs_relative_to_the_data_folder():
    mapping = Mapping(table="contacts", files=["contacts/phonenow*.xlsx", "kpis/**/*.csv"])
    assert matches(mapping, "contacts/phonenow_2026-01.xlsx")
    assert not matches(mapping, "contacts/other.xlsx")
    assert not matches(mapping, "old/contacts/phonenow1.xlsx")  # globs are anchored at the data folder
    assert not matches(mapping, "contacts/sub/phonenow1.xlsx")  # * does not cross folders
    assert matches(mapping, "kpis/a/b/x.csv") and matches(mapping, "kpis/x.csv")
