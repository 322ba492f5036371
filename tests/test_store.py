"""The columnar store (`ccanalysis.io.store`): exact round trip of every dtype the loader gives, partitions by
supplier and month, scoped reads equal to the whole table filtered, and generic over `TABLES`."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ccanalysis import demo
from ccanalysis.demo.size import DemoSize
from ccanalysis.engagement import load
from ccanalysis.io import store
from ccanalysis.io.cache import load_cached, month_scope
from ccanalysis.io.store import Scope
from ccanalysis.workbook import audit, expected_invoice


def _cells(series: pd.Series) -> list[tuple[str, str]]:
    return [(type(v).__name__, repr(v)) for v in series]


def assert_same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    """Equal values, dtypes and index, and for object columns the same type and repr cell by cell."""
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    for column in a.columns:
        if a[column].dtype == object:
            assert _cells(a[column]) == _cells(b[column]), column


def _frame() -> pd.DataFrame:
    return pd.DataFrame({
        "supplier": ["acme", "acme", "zeta", None],
        "date": pd.to_datetime(["2026-08-01", "2026-09-30", "2026-08-15", "2026-10-01"]),
        "money": [Decimal("1.50"), Decimal("0.1"), None, Decimal("-3E+2")],  # the text of each kept
        "quantity": [3, Decimal("2.5"), 7, None],  # whole numbers as int beside Decimals (mixed files)
        "mixed": ["x", 1.5, float("nan"), pd.NA],
        "text": ["a", None, "c", "d"],
        "blank": [None, None, None, None],
        "arrow_text": pd.array(["p", None, "q", "r"], dtype="string[pyarrow]"),
        "count": np.array([1, 2, 3, 4], dtype=np.int64),
        "optional": pd.array([1, None, 3, None], dtype="Int64"),
        "flag": [True, False, True, False],
        "maybe": pd.array([True, None, False, None], dtype="boolean"),
        "day": [date(2026, 8, 1), None, date(2026, 8, 3), None],
    })


def test_every_dtype_comes_back_exactly(tmp_path):
    frame = _frame()
    entry = store._write_table(tmp_path, "things", frame)
    back = store._read_table(tmp_path, "things", entry, Scope(), ["acme", "zeta"])
    assert_same(frame, back)
    # money is kept as its text, not a float: 1.50 stays 1.50 (not 1.5), -3E+2 stays -3E+2
    assert [repr(v) for v in back["money"]] == ["Decimal('1.50')", "Decimal('0.1')", "None", "Decimal('-3E+2')"]


def test_partitions_by_supplier_and_month(tmp_path):
    entry = store._write_table(tmp_path, "things", _frame())
    # acme 2026-08 and 2026-09, zeta 2026-08, and the row without a supplier (2026-10)
    assert [(p["supplier"], p["month"], p["rows"]) for p in entry["partitions"]] == [
        (None, "2026-10", 1), ("acme", "2026-08", 1), ("acme", "2026-09", 1), ("zeta", "2026-08", 1)]
    assert (tmp_path / "things" / "supplier=acme" / "month=2026-09.parquet").is_file()


def test_a_scoped_read_is_the_whole_table_filtered(tmp_path):
    frame = _frame()
    entry = store._write_table(tmp_path, "things", frame)
    # acme in 2026-09 (a table whose rows stay in force: every month up to 2026-09), and the row of no supplier
    # is of 2026-10, after the scope
    back = store._read_table(tmp_path, "things", entry, Scope("acme", ("2026-09",)), ["acme", "zeta"])
    assert_same(frame.iloc[[0, 1]], back)
    # a per-period table ("activity") reads the scope's months only
    entry = store._write_table(tmp_path, "activity", frame)
    back = store._read_table(tmp_path, "activity", entry, Scope("acme", ("2026-09",)), ["acme", "zeta"])
    assert_same(frame.iloc[[1]], back)
    # nothing in scope: no rows, the columns still there
    back = store._read_table(tmp_path, "activity", entry, Scope("nobody", ("2030-01",)), ["acme", "zeta"])
    assert list(back.columns) == list(frame.columns) and back.empty


def test_a_table_the_store_cannot_keep_means_no_store(tmp_path):
    frame = pd.DataFrame({"supplier": ["acme"], "odd": [object()]})
    with pytest.raises(ValueError, match="a object cell"):
        store._write_table(tmp_path, "things", frame)


@pytest.fixture(scope="module")
def grown(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("store")
    # 4 suppliers (northwind2 the copy) x 4 months, 300 contact records per northwind supplier-month
    demo.build_demo(root, size=DemoSize(suppliers=4, months=4, contacts_per_month=300))
    return root


def test_the_stored_engagement_is_the_loaded_one(grown):
    full = load("demo", root=grown)
    load_cached("demo", root=grown)  # validates and stores
    back = load_cached("demo", root=grown)  # reads the store
    assert set(back.tables) == set(full.tables)
    for name, frame in full.tables.items():
        assert_same(frame, back.tables[name])
    assert (back.sources, back.granularity, back.holidays, back.fingerprint) == (
        full.sources, full.granularity, full.holidays, full.fingerprint)
    manifest = json.loads((store.store_dir("demo", grown) / "manifest.json").read_text())
    contacts = {(p["supplier"], p["month"]) for p in manifest["tables"]["contacts"]["partitions"]}
    assert contacts == {(s, m) for s in ("northwind", "northwind2")
                        for m in ("2026-08", "2026-09", "2026-10", "2026-11")}


@pytest.mark.parametrize("supplier", ["northwind", "southpoint", "eastline", "northwind2"])
def test_one_supplier_month_from_its_partitions_gives_the_same_invoice_and_audit(grown, supplier):
    full = load("demo", root=grown)
    load_cached("demo", root=grown)
    for month in ("2026-08", "2026-11"):
        scope = month_scope("demo", grown, supplier, month)
        # the period's month and the one before (the previous invoice an audit compares with)
        assert scope.months == ({"2026-08": "2026-07", "2026-11": "2026-10"}[month], month)
        part = load_cached("demo", root=grown, scope=scope)
        assert len(part.table("contacts")) < len(full.table("contacts"))
        assert_same(expected_invoice(full, supplier, month), expected_invoice(part, supplier, month))
        assert audit(full, supplier, month).to_json() == audit(part, supplier, month).to_json()


def test_a_new_table_needs_no_store_code(tmp_path, monkeypatch):
    # any table of TABLES is stored and read the same way: here one the store has never heard of
    frame = pd.DataFrame({"supplier": ["acme", "acme"], "month": ["2026-08", "2026-09"],
                          "fee": [Decimal("10.00"), Decimal("12.50")]})
    entry = store._write_table(tmp_path, "cargos", frame)
    assert [p["month"] for p in entry["partitions"]] == ["2026-08", "2026-09"]
    assert_same(frame, store._read_table(tmp_path, "cargos", entry, Scope(), ["acme"]))
