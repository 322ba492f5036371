"""`ccanalysis accrual ENG --as-of DATE`: the JSON's keys and types on the demo, the accrual of a period's last
day against `ccanalysis expected`, the alert register written once per day, and the bad inputs (an as-of
date in the future or outside the data, an unknown supplier, a missing day of activity)."""

from __future__ import annotations

import json
import shutil
from decimal import Decimal

import pandas as pd
import pytest

from ccanalysis import cli


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def demo_copy(demo_root, tmp_path):
    """A copy of the demo's parameters and data (the command writes reports/demo/alerts.csv)."""
    for part in ("parameters", "data"):
        shutil.copytree(demo_root / part, tmp_path / part)
    return tmp_path


@pytest.fixture(scope="module")
def october_20(demo_root, tmp_path_factory):
    root = tmp_path_factory.mktemp("accrual")
    for part in ("parameters", "data"):
        shutil.copytree(demo_root / part, root / part)
    return root


def test_json_keys_and_types(october_20, capsys):
    demo_copy = october_20
    code, out, _ = run(capsys, "accrual", "demo", "--root", str(demo_copy), "--as-of", "2026-10-20",
                       "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert {"engagement", "as_of", "suppliers", "alerts"} <= set(data)
    assert data["engagement"] == "demo" and data["as_of"] == "2026-10-20"
    assert [s["supplier"] for s in data["suppliers"]] == ["northwind", "southpoint", "eastline"]
    for supplier in data["suppliers"]:
        assert {"supplier", "month", "accrued_net", "projected_net", "projected_low", "projected_high",
                "planned_net", "budget", "lines"} <= set(supplier)
        assert supplier["month"] == "2026-10"
        for key in ("accrued_net", "projected_net", "projected_low", "projected_high", "planned_net", "budget"):
            assert isinstance(supplier[key], str)
            assert Decimal(supplier[key]).as_tuple().exponent == -2  # a decimal string in cents ("79600.00")
        low, central, high = (Decimal(supplier[k]) for k in ("projected_low", "projected_net", "projected_high"))
        assert low <= central <= high
        # 20 of October's 31 days accrued: the close is beyond what is accrued
        assert Decimal(supplier["accrued_net"]) < central
        for line in supplier["lines"]:
            assert set(line) == {"service", "charge", "accrued", "projected", "planned"}
            assert isinstance(line["accrued"], str) and isinstance(line["projected"], str)
            assert line["planned"] is None or isinstance(line["planned"], str)
        # the supplier's accrued net is the sum of its lines, to the cent
        assert sum(Decimal(line["accrued"]) for line in supplier["lines"]) == Decimal(supplier["accrued_net"])
    # the demo budget of southpoint for 2026-10 (planning.budget_table): collections + sales rows
    budget = pd.read_csv(demo_copy / "data" / "demo" / "budget.csv", dtype=str)
    mine = budget[(budget["month"] == "2026-10") & (budget["supplier"] == "southpoint")]
    southpoint = next(s for s in data["suppliers"] if s["supplier"] == "southpoint")
    assert Decimal(southpoint["budget"]) == sum(Decimal(a) for a in mine["amount"])
    for alert in data["alerts"]:
        assert {"supplier", "service", "metric", "since", "deviation", "units", "money", "driver"} <= set(alert)
        assert isinstance(alert["money"], str) and isinstance(alert["deviation"], float)
        assert alert["driver"] in ("volume", "handling_time", "price_mix")


@pytest.mark.parametrize("supplier", ["northwind", "eastline"])
def test_the_last_day_accrues_the_expected_invoice(demo_root, capsys, supplier):
    code, out, _ = run(capsys, "expected", "demo", "--root", str(demo_root), "--supplier", supplier,
                       "--month", "2026-09", "--format", "json")
    assert code == 0
    expected = json.loads(out)
    last = expected["invoice_period"][1]
    code, out, _ = run(capsys, "accrual", "demo", "--root", str(demo_root), "--as-of", last, "--supplier",
                       supplier, "--format", "json")
    assert code == 0
    (row,) = json.loads(out)["suppliers"]
    assert row["accrued_net"] == expected["net"]
    assert row["projected_net"] == expected["net"]  # nothing left to project on the last day
    (demo_root / "reports" / "demo" / "alerts.csv").unlink(missing_ok=True)


def test_alerts_are_written_once_per_day(october_20, capsys):
    register = october_20 / "reports" / "demo" / "alerts.csv"
    if not register.exists():
        assert cli.main(["accrual", "demo", "--root", str(october_20), "--as-of", "2026-10-20"]) == 0
        capsys.readouterr()
    first = register.read_text()
    code, out, _ = run(capsys, "accrual", "demo", "--root", str(october_20), "--as-of", "2026-10-20",
                       "--format", "json")
    assert code == 0
    alerts = json.loads(out)["alerts"]
    assert register.read_text() == first  # the same day again: nothing appended
    rows = pd.read_csv(register, dtype=str)
    assert len(rows) == len(alerts) and set(rows["as_of"]) == {"2026-10-20"}
    assert "owner" in rows.columns


def test_table_in_english(october_20, capsys):
    code, out, _ = run(capsys, "accrual", "demo", "--root", str(october_20), "--as-of", "2026-10-20", "--lang", "en")
    assert code == 0
    assert "Projected close" in out and "80% band" in out and "Alerts:" in out
    code, out, _ = run(capsys, "accrual", "demo", "--root", str(october_20), "--as-of", "2026-10-20", "--lang", "es")
    assert "Cierre previsto" in out and "Alertas:" in out


def test_csv_is_the_lines(october_20, capsys):
    code, out, _ = run(capsys, "accrual", "demo", "--root", str(october_20), "--as-of", "2026-10-20",
                       "--supplier", "eastline", "--format", "csv")
    assert code == 0
    lines = out.strip().splitlines()
    assert lines[0] == "supplier,month,service,charge,accrued,projected,planned"
    assert all(line.startswith("eastline,2026-10,") for line in lines[1:])


@pytest.mark.parametrize("as_of, message", [
    ("2099-01-01", "in the future"),
    ("2026-11-20", "outside the activity data of engagement demo (2026-08-01 .. 2026-10-31)"),
    ("2026-10-32", "YYYY-MM-DD"),
])
def test_bad_as_of_is_usage(demo_root, capsys, as_of, message):
    code, out, err = run(capsys, "accrual", "demo", "--root", str(demo_root), "--as-of", as_of)
    assert code == 2 and out == ""
    assert message in err and "Traceback" not in err


def test_unknown_supplier_lists_them(demo_root, capsys):
    code, _, err = run(capsys, "accrual", "demo", "--root", str(demo_root), "--as-of", "2026-10-20",
                       "--supplier", "nobody")
    assert code == 2
    assert "'nobody'" in err and "northwind, southpoint, eastline" in err


def test_a_missing_day_is_a_gap_never_zero(demo_copy, capsys):
    path = demo_copy / "data" / "demo" / "activity" / "southpoint.csv"
    frame = pd.read_csv(path, dtype=str)
    frame = frame[~((frame["date"] == "2026-10-07") & (frame["service"] == "sales"))]
    frame.to_csv(path, index=False)
    code, out, err = run(capsys, "accrual", "demo", "--root", str(demo_copy), "--as-of", "2026-10-20",
                         "--supplier", "southpoint", "--format", "json", "--lang", "en")
    assert code == 0
    gaps = json.loads(out)["gaps"]
    assert {"supplier": "southpoint", "what": "activity", "service": "sales", "date": "2026-10-07",
            "file": None} in gaps
    assert "warning: southpoint sales: no activity on" in err and "not counted as zero" in err


def test_a_plan_not_covering_the_month_names_the_file_and_the_days(demo_copy, capsys):
    path = demo_copy / "data" / "demo" / "plan" / "plan.csv"
    plan = pd.read_csv(path, dtype=str)
    cut = (plan["supplier"] == "eastline") & (plan["service"] == "email") & (plan["date"] >= "2026-10-28")
    plan[~cut].to_csv(path, index=False)
    code, out, err = run(capsys, "accrual", "demo", "--root", str(demo_copy), "--as-of", "2026-10-20",
                         "--supplier", "eastline", "--format", "json", "--lang", "en")
    assert code == 0
    missing = sorted(g["date"] for g in json.loads(out)["gaps"] if g["what"] == "plan")
    # email opens Monday to Saturday (the weekdays it had data): 28..31 October 2026 are Wed..Sat; no Sunday
    # in those days, so every cut day is a day it opens
    assert missing == ["2026-10-28", "2026-10-29", "2026-10-30", "2026-10-31"]
    assert "the plan (data/demo/plan/plan.csv) does not cover 2026-10-28" in err
