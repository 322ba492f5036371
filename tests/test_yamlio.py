"""YAML parameter files (`ccanalysis.io.yamlio`): numbers exact, errors naming file, line and column."""

from datetime import date
from decimal import Decimal

import pytest

from ccanalysis.errors import EngagementError
from ccanalysis.io.yamlio import load_yaml, load_yaml_text


def test_floats_are_exact_decimals_from_their_text():
    data = load_yaml_text("price: 1.005\nrate: 0.21\nbig: 1_000.50\nexp: 1.5e+3\n", "x.yaml")
    assert data == {"price": Decimal("1.005"), "rate": Decimal("0.21"), "big": Decimal("1000.50"),
                    "exp": Decimal("1.5E+3")}
    assert all(isinstance(v, Decimal) for v in data.values())
    assert str(data["price"]) == "1.005"  # not the nearest binary float 1.00499999…


def test_integers_dates_and_text_keep_their_types():
    data = load_yaml_text("n: 42\nday: 2026-09-01\nname: Acme\nflag: true\nnothing: null\n", "x.yaml")
    assert data == {"n": 42, "day": date(2026, 9, 1), "name": "Acme", "flag": True, "nothing": None}
    assert type(data["n"]) is int


def test_infinities_and_nan_stay_floats_for_the_models_to_reject():
    data = load_yaml_text("a: .inf\nb: -.inf\nc: .nan\n", "x.yaml")
    assert data["a"] == float("inf") and data["b"] == float("-inf") and data["c"] != data["c"]


def test_malformed_yaml_names_the_file_line_and_column():
    with pytest.raises(EngagementError) as info:
        load_yaml_text("supplier: acme\nservices: [\n  - id: x\n", "contracts/acme.yaml")
    (problem,) = info.value.problems
    assert problem.file == "contracts/acme.yaml" and problem.column.startswith("line ")
    assert "column" in problem.column and problem.message.startswith("malformed YAML")
    assert info.value.title == "Cannot read contracts/acme.yaml"


def test_a_file_is_read_as_utf8(tmp_path):
    path = tmp_path / "engagement.yaml"
    path.write_text("client: Señora Ñúñez\n", encoding="utf-8")
    assert load_yaml(path) == {"client": "Señora Ñúñez"}


def test_a_file_that_is_not_utf8_or_empty_is_one_problem(tmp_path):
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("client: Se\u00f1ora\n".encode("latin-1"))
    with pytest.raises(EngagementError) as info:
        load_yaml(latin, "parameters/x/latin.yaml")
    (problem,) = info.value.problems
    assert problem.file == "parameters/x/latin.yaml" and "not UTF-8" in problem.message
    empty = tmp_path / "empty.yaml"
    empty.write_text("  \n")
    with pytest.raises(EngagementError, match="the file is empty"):
        load_yaml(empty)


def test_a_key_written_twice_is_an_error_naming_both_lines():
    with pytest.raises(EngagementError) as info:
        load_yaml_text("amount: 1500.00\nunit: month\namount: 15000.00\n", "contracts/acme.yaml")
    problem = info.value.problems[0]
    assert problem.column == "line 3, column 1"
    assert "duplicate key 'amount'" in problem.message and "line 1" in problem.message


def test_duplicate_keys_in_nested_mappings_and_lists_too():
    with pytest.raises(EngagementError, match="duplicate key 'unit_price'"):
        load_yaml_text("charges:\n  - {id: a, unit_price: 1.0, unit_price: 2.0}\n", "c.yaml")


def test_scalars_follow_yaml_1_2_core():
    data = load_yaml_text("a: yes\nb: 1:30.5\nc: no\nd: on\ne: 0o17\nf: 017\ng: true\nh: 0x1F\ni: 1_000\n", "x.yaml")
    assert data == {"a": "yes", "b": "1:30.5", "c": "no", "d": "on", "e": 15, "f": 17, "g": True, "h": 31,
                    "i": 1000}
