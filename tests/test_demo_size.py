"""`ccanalysis demo` of another size: more suppliers (copies of the three), more months, more contacts."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from ccanalysis import demo
from ccanalysis.demo.size import DemoSize, base_month, base_supplier, copy_number, supplier_id
from ccanalysis.engagement import load
from ccanalysis.errors import UsageError


def test_supplier_and_month_names():
    # 7 suppliers: the three, their first copies, then northwind's second copy
    assert DemoSize(suppliers=7).supplier_ids() == ("northwind", "southpoint", "eastline", "northwind2",
                                                    "southpoint2", "eastline2", "northwind3")
    assert supplier_id(5) == "eastline2"
    assert (base_supplier("southpoint12"), copy_number("southpoint12")) == ("southpoint", 11)
    assert (base_supplier("eastline"), copy_number("eastline")) == ("eastline", 0)
    # 2026-08 + 5 months = 2027-01; month 4 (2026-11) repeats 2026-08, 2027-01 (the 6th) repeats 2026-10
    assert DemoSize(months=6).month_ids() == ("2026-08", "2026-09", "2026-10", "2026-11", "2026-12", "2027-01")
    assert [base_month(m) for m in ("2026-11", "2026-12", "2027-01", "2027-02")] == [
        "2026-08", "2026-09", "2026-10", "2026-08"]
    assert DemoSize().is_default and not DemoSize(months=4).is_default


@pytest.mark.parametrize("size, message", [
    (dict(suppliers=0), "suppliers must be a whole number >= 1"),
    (dict(months=-1), "months must be a whole number >= 1"),
    (dict(contacts_per_month=-5), "contacts per supplier-month must be a whole number >= 0"),
])
def test_a_bad_size_is_wrong_usage(size, message):
    with pytest.raises(UsageError, match=message):
        DemoSize(**size)
    with pytest.raises(UsageError, match="not a demo supplier"):
        base_supplier("acme")


def test_the_default_size_writes_the_demo(tmp_path: Path):
    demo.write_demo_inputs(tmp_path / "a", contacts_scale=0.02)
    demo.write_demo_inputs(tmp_path / "b", contacts_scale=0.02, size=DemoSize(3, 3, None))
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*") if p.is_file())
    for name in files:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


@pytest.fixture(scope="module")
def grown(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("grown")
    # 4 suppliers (northwind2 the copy) x 4 months (2026-11 repeats 2026-08), 300 contacts per supplier-month
    demo.build_demo(root, size=DemoSize(suppliers=4, months=4, contacts_per_month=300))
    return root


def test_a_grown_demo_validates_and_has_every_supplier_month(grown: Path):
    eng = load("demo", root=grown)
    assert eng.suppliers == ["northwind", "southpoint", "eastline", "northwind2"]
    data = grown / "data" / "demo"
    months = ("2026-08", "2026-09", "2026-10", "2026-11")
    for supplier in eng.suppliers:
        suffix = "xlsx" if supplier == "southpoint" else "csv"
        assert sorted(p.name for p in (data / "invoices" / supplier).iterdir()) == [f"{m}.{suffix}" for m in months]
    records = eng.tables["contacts"]
    contacts = records[records["service"] == "care"]  # northwind billing's billing-care records are apart
    per_month = contacts.groupby([contacts["supplier"], contacts["start"].dt.strftime("%Y-%m")]).size()
    # 300 a month on average, Poisson by day: within +-25 % (sd of a 300 count is about 17)
    assert len(per_month) == 8 and per_month.between(225, 375).all(), per_month
    assert records["contact_id"].is_unique
    assert contacts.loc[contacts["supplier"] == "northwind2", "contact_id"].str.startswith("NW2C").all()
    activity = eng.tables["activity"]
    assert set(activity["supplier"]) == {"northwind", "southpoint", "eastline", "northwind2"}
    # the copy has northwind's billing service, drawn from its own Generator
    own = activity[(activity["supplier"] == "northwind") & (activity["service"] == "billing")]
    copy = activity[(activity["supplier"] == "northwind2") & (activity["service"] == "billing")]
    assert len(own) == len(copy) and not own["offered"].reset_index(drop=True).equals(
        copy["offered"].reset_index(drop=True))


def test_the_copy_bills_in_its_originals_style(grown: Path):
    lines = pd.read_csv(grown / "data" / "demo" / "invoices" / "northwind2" / "2026-11.csv")
    assert set(lines["invoice_id"]) == {"NW-202611-001-2"}
    truth = pd.read_csv(grown / "data" / "demo" / "truth" / "injected_errors.csv")
    # 2026-11 repeats 2026-08, when northwind's invoice carries a quantity error and a missing SLA penalty
    planned = set(truth.loc[(truth["supplier"] == "northwind2") & (truth["month"] == "2026-11"), "check"])
    assert planned <= {"quantity", "missing_sla_penalty"} and "quantity" in planned
