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


def problems_of(tmp_path, text):
    with pytest.raises(EngagementError) as err:
        load_mapping(write(tmp_path, text))
    return err.value.problems


BASE = "table: contacts\nfiles: [calls.csv]\ncolumns: {answered: Answered, queue_s: Queue}\n"


def test_blanks_codes_and_ids(tmp_path):
    mapping = load_mapping(write(tmp_path, BASE + """
fill: {talk_s: {value: 0, when: {answered: false}}, hold_s: 0}
optional_when: {queue_s: {answered: false, outcome: [abandoned, timeout]}}
values: {answered: {Success: true, Abandoned: false, 1: true}}
values_ignore_case: true
id: {contact_id: {hash: [Date, Time, Agent]}, customer_id: row}
"""))
    assert mapping.fill["talk_s"].value == 0 and mapping.fill["talk_s"].when == {"answered": False}
    assert mapping.fill["hold_s"].value == 0 and mapping.fill["hold_s"].when == {}
    assert mapping.optional_when["queue_s"] == {"answered": False, "outcome": ["abandoned", "timeout"]}
    assert mapping.values["answered"] == {"Success": True, "Abandoned": False, "1": True}  # a key is text
    assert mapping.record_ids["contact_id"].hash == ["Date", "Time", "Agent"]
    assert mapping.record_ids["customer_id"].row
    assert mapping.helpers() == set()  # answered and outcome are columns of contacts


def test_a_key_written_twice_is_an_error(tmp_path):
    problems = problems_of(tmp_path, "table: contacts\nfiles: [a.csv]\nconstants: {supplier: a}\n"
                                     "constants: {supplier: b}\n")
    assert len(problems) == 1
    assert "duplicate key 'constants' (first written on line 3)" in problems[0].message
    assert problems[0].column == "line 4, column 1"


def test_yaml_1_2_scalars(tmp_path):
    mapping = load_mapping(write(tmp_path, "table: contacts\nfiles: [a.csv]\nconstants: {service: yes, "
                                           "supplier: 1:30}\nvalues: {answered: {Y: true, N: false}}\n"))
    assert mapping.constants == {"service": "yes", "supplier": "1:30"}  # YAML 1.1: True and 90
    assert mapping.values["answered"] == {"Y": True, "N": False}


def test_unknown_keys_name_their_path_and_the_keys_allowed_there(tmp_path):
    problems = problems_of(tmp_path, BASE + "fill: {talk_s: {value: 0, whenn: {answered: false}}}\n"
                                            "filll: {}\n")
    by_key = {p.column: p.message for p in problems}
    assert by_key["fill.talk_s.whenn"] == "unknown key; allowed: value, when"
    assert by_key["filll"].startswith("unknown key; allowed: table, files, columns,")
    assert "fill, optional_when, values, values_ignore_case, id" in by_key["filll"]


def test_id_is_row_or_a_hash(tmp_path):
    for text in ("id: {contact_id: rows}", "id: {contact_id: {hash: []}}", "id: {contact_id: {row: true, "
                                                                             "hash: [A]}}"):
        problems = problems_of(tmp_path, "table: contacts\nfiles: [a.csv]\n" + text + "\n")
        assert [p.column for p in problems] == ["id.contact_id" + (".hash" if "[]" in text else "")]


def test_separator_and_encoding_are_checked(tmp_path):
    problems = problems_of(tmp_path, 'table: contacts\nfiles: [a.csv]\nsep: ""\nencoding: utf9\n')
    by_key = {p.column: p.message for p in problems}
    assert "a column separator is one character" in by_key["sep"]
    assert "unknown encoding 'utf9'" in by_key["encoding"] and "cp1252" in by_key["encoding"]


def test_names_and_values_are_checked_against_the_table(tmp_path):
    problems = problems_of(tmp_path, BASE + """
fill: {talk_s: {value: none, when: {answerd: false}}, talk_time: 0}
optional_when: {queue_s: {answered: maybe}}
values: {answered: {"Y": si, "N": false}, queue_s: {}}
parse: {answered: yes_no}
id: {start: row}
constants: {supplier: 7}
""")
    by_key = {p.column: p.message for p in problems}
    assert by_key["fill.talk_s.value"] == "'none' is not a number (the type of talk_s)"
    assert "neither a column of table contacts" in by_key["fill.talk_s.when.answerd"]
    assert by_key["fill.talk_time"].startswith("'talk_time' is not a column of table contacts; table columns: "
                                               "contact_id, supplier,")
    assert by_key["optional_when.queue_s.answered"] == "'maybe' is not true or false (the type of answered)"
    assert "both a value map and a parser" in by_key["values.answered"]
    assert "an empty value map" in by_key["values.queue_s"]
    assert by_key["id.start"] == "an id is text; 'start' is a datetime"
    assert "constants.supplier" not in by_key  # 7 is the text "7"
    assert all(p.file == str(tmp_path / "m.yaml") for p in problems)


def test_value_map_texts_differing_only_in_case(tmp_path):
    problems = problems_of(tmp_path, BASE + "values: {answered: {Y: true, y: false}}\nvalues_ignore_case: true\n")
    assert [p.column for p in problems] == ["values.answered"]
    assert "differ only in case" in problems[0].message


def test_a_value_that_is_not_one_value_is_one_problem(tmp_path):
    problems = problems_of(tmp_path, "table: contacts\nfiles: [a.csv]\nconstants: {supplier: {a: 1}}\n"
                                     "fill: {talk_s: {value: 0, when: {answered: {x: 1}}}}\n")
    assert [(p.column, p.message) for p in problems] == [
        ("constants.supplier", "expected one value: a text, a number, true/false or a date"),
        ("fill.talk_s.when.answered", "expected one value: a text, a number, true/false or a date")]


def test_a_parser_must_give_the_columns_type(tmp_path):
    problems = problems_of(tmp_path, "table: contacts\nfiles: [a.csv]\nparse: {talk_s: text, answered: number, "
                                     "start: date, queue_s: duration_hms, contact_id: month}\n")
    assert [(p.column, p.message) for p in problems] == [
        ("parse.talk_s", "text does not give a number, the type of talk_s; parsers for it: number, integer, "
                         "percent, duration_hms"),
        ("parse.answered", "number does not give true or false, the type of answered; parsers for it: yes_no, "
                           "not_yes_no"),
        ("parse.contact_id", "month does not give a text, the type of contact_id; parsers for it: text")]
