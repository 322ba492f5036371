"""The demo engagement generator: determinism, data.md row rules, contract keys, invoice rendering."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
import yaml

from ccanalysis import demo
from ccanalysis.demo import build
from ccanalysis.demo.invoices import transpose_digits
from ccanalysis.errors import UsageError
from ccanalysis.money import round_half_up

SCALE = 0.05  # 5 % of the contact records keeps the tests fast


@pytest.fixture(scope="module")
def demo_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("demo_a")
    demo.write_demo_inputs(root, contacts_scale=SCALE)
    return root


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _read_csvs(folder: Path) -> pd.DataFrame:
    return pd.concat([pd.read_csv(f, dtype={"interval_start": str}) for f in sorted(folder.glob("*.csv"))],
                     ignore_index=True)


# --------------------------------------------------------------------------- layout and determinism
def test_layout(demo_root: Path) -> None:
    params = demo_root / "parameters" / "demo"
    data = demo_root / "data" / "demo"
    assert (params / "engagement.yaml").is_file()
    assert sorted(p.stem for p in (params / "contracts").glob("*.yaml")) == ["eastline", "northwind", "southpoint"]
    for folder in ("activity", "contacts", "plan", "workforce"):
        assert any((data / folder).iterdir()), folder
    assert (data / "budget.csv").is_file()
    assert not list(demo_root.glob(".demo-*")), "staging folder left behind"


def test_two_runs_are_byte_identical(demo_root: Path, tmp_path: Path) -> None:
    demo.write_demo_inputs(tmp_path, contacts_scale=SCALE)
    assert _files(tmp_path) == _files(demo_root)


def test_another_seed_gives_other_data(demo_root: Path, tmp_path: Path) -> None:
    demo.write_demo_inputs(tmp_path, seed=7, contacts_scale=SCALE)
    ours = (demo_root / "data/demo/activity/northwind.csv").read_bytes()
    assert (tmp_path / "data/demo/activity/northwind.csv").read_bytes() != ours


def test_failure_leaves_previous_demo_untouched(demo_root: Path, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    demo.write_demo_inputs(tmp_path, contacts_scale=SCALE)
    before = _files(tmp_path)

    def broken(*_args: object) -> pd.DataFrame:
        raise RuntimeError("disk full")

    monkeypatch.setattr(build, "workforce_table", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        demo.write_demo_inputs(tmp_path, seed=99, contacts_scale=SCALE)
    assert _files(tmp_path) == before
    fresh = tmp_path / "fresh"
    with pytest.raises(RuntimeError):
        demo.write_demo_inputs(fresh, contacts_scale=SCALE)
    assert list(fresh.iterdir()) == []  # nothing half-written


# --------------------------------------------------------------------------- calendar
def test_calendar_spanish_holidays() -> None:
    cal = demo.demo_calendar().set_index("date")
    assert len(cal) == 31 + 30 + 31
    assert cal.loc[date(2026, 8, 15), "day_class"] == "holiday"  # a Saturday, holiday first
    assert cal.loc[date(2026, 10, 12), "day_class"] == "holiday"  # a Monday
    assert cal.loc[date(2026, 8, 16), "day_class"] == "sunday"
    assert cal.loc[date(2026, 8, 22), "day_class"] == "saturday"
    assert (cal["day_class"] == "holiday").sum() == 2


# --------------------------------------------------------------------------- row rules of data.md
COUNTS = ["offered", "handled", "abandoned", "abandoned_short", "answered_within_sl", "abandoned_within_sl",
          "resolved_first_contact", "sales"]
SECONDS = ["wait_s", "talk_s", "hold_s", "acw_s", "logged_s", "aux_s"]


def test_activity_row_rules(demo_root: Path) -> None:
    act = _read_csvs(demo_root / "data/demo/activity")
    for column in COUNTS:
        assert pd.api.types.is_integer_dtype(act[column]), column
        assert (act[column] >= 0).all(), column
    for column in SECONDS + ["collected_amount", "placed_amount", "qa_score", "csat"]:
        assert (act[column] >= 0).all(), column
    daily = act.groupby(["date", "supplier", "service"])[COUNTS].sum()
    assert (daily["handled"] + daily["abandoned"] <= daily["offered"]).all()
    assert (act["answered_within_sl"] <= act["handled"]).all()
    assert (act["abandoned_short"] <= act["abandoned"]).all()
    assert (act["abandoned_within_sl"] <= act["abandoned"]).all()
    assert (act["aux_s"] <= act["logged_s"]).all()
    assert act["qa_score"].between(0, 100).all() and act["csat"].between(1, 5).all()
    key = ["date", "interval_start", "utc_offset", "supplier", "service"]
    assert not act[key].fillna("").duplicated().any()
    assert set(act["date"].str[:7]) == set(demo.MONTHS)
    # one granularity per supplier and service: intervals only for eastline chat, no daily rows for care
    intervals = act["interval_start"].notna()
    assert set(map(tuple, act.loc[intervals, ["supplier", "service"]].drop_duplicates().values)) == {
        ("eastline", "chat")}
    assert not ((act["supplier"] == "northwind") & (act["service"] == "care")).any()
    assert act.loc[intervals, "interval_start"].str.match(r"^\d\d:[03]0$").all()


def test_activity_patterns(demo_root: Path) -> None:
    act = _read_csvs(demo_root / "data/demo/activity")
    act["month"] = act["date"].str[:7]
    cal = demo.demo_calendar()
    cal["date"] = cal["date"].astype(str)
    act = act.merge(cal[["date", "day_class"]], on="date")
    billing = act[act["service"] == "billing"].groupby(["date", "day_class"])["offered"].sum().reset_index()
    by_class = billing.groupby("day_class")["offered"].mean()
    assert by_class["saturday"] < 0.6 * by_class["weekday"]
    chat = act[act["service"] == "chat"].groupby(["date", "day_class"])["offered"].sum().reset_index()
    chat_class = chat.groupby("day_class")["offered"].mean()
    assert chat_class["holiday"] < chat_class["weekday"] and chat_class["sunday"] < chat_class["weekday"]
    # occupancy 80-88 % per service and month; AHT near the profile (billing ~240 s)
    month = act.groupby(["supplier", "service", "month"])[SECONDS + COUNTS].sum()
    occupancy = (month["talk_s"] + month["hold_s"] + month["acw_s"]) / month["logged_s"]
    assert occupancy.between(0.80, 0.88).all()
    aht = (month["talk_s"] + month["hold_s"] + month["acw_s"]) / month["handled"]
    assert aht.loc[("northwind", "billing")].between(225, 255).all()
    # service level (offered less short abandons) of billing: a bonus month and a penalty month
    sl = month["answered_within_sl"] / (month["offered"] - month["abandoned_short"])
    billing_sl = sl.loc[("northwind", "billing")]
    assert billing_sl["2026-08"] >= 0.85 and billing_sl["2026-09"] < 0.78


def test_contact_records(demo_root: Path) -> None:
    files = sorted((demo_root / "data/demo/contacts").glob("northwind_care_*.parquet"))
    assert [f.name for f in files] == [f"northwind_care_{m}.parquet" for m in demo.MONTHS]
    assert sorted(f.name for f in (demo_root / "data/demo/contacts").glob("northwind_billing_*.parquet")) == [
        f"northwind_billing_{m}.parquet" for m in demo.MONTHS]  # billing care (tests/test_demo_billing_care.py)
    contacts = pd.concat([pd.read_parquet(f) for f in files], ignore_index=True)
    assert contacts["contact_id"].is_unique
    assert (contacts["answered"] != contacts["abandoned"]).all()
    for column in ("queue_s", "talk_s", "hold_s", "acw_s"):
        assert pd.api.types.is_integer_dtype(contacts[column]) and (contacts[column] >= 0).all()
    gone = contacts["abandoned"]
    assert (contacts.loc[gone, ["talk_s", "hold_s", "acw_s"]] == 0).all().all()
    assert (contacts.loc[~gone, "talk_s"] > 0).all()
    assert contacts["customer_id"].nunique() < len(contacts)  # repeat callers
    assert set(contacts["supplier"]) == {"northwind"} and set(contacts["service"]) == {"care"}
    assert contacts["start"].dt.strftime("%Y-%m").isin(demo.MONTHS).all()
    assert contacts["start"].dt.hour.between(8, 21).all()


def test_full_scale_contacts_and_their_kpis() -> None:
    contacts = demo.contact_records(np.random.default_rng([demo.DEFAULT_SEED, 3]), demo.demo_calendar())
    assert len(contacts) >= 200_000
    contacts["month"] = contacts["start"].dt.strftime("%Y-%m")
    short = contacts["abandoned"] & (contacts["queue_s"] <= 5)
    within = contacts["answered"] & (contacts["queue_s"] <= 20)
    grouped = contacts.assign(short=short, within=within).groupby("month")
    sl = grouped["within"].sum() / (grouped.size() - grouped["short"].sum())
    # care bands: [0.75, 0.80) penalty -2 %, >= 0.85 bonus +2 %
    assert 0.75 <= sl["2026-08"] < 0.80 and sl["2026-10"] >= 0.85
    answered = contacts[contacts["answered"]]
    aht = (answered["talk_s"] + answered["hold_s"] + answered["acw_s"]).groupby(answered["month"]).mean()
    assert aht["2026-08"] < 300 < aht["2026-10"]  # the AHT rule bites in October only
    assert ((aht > 280) & (aht < 330)).all()


def test_plan_budget_workforce(demo_root: Path) -> None:
    data = demo_root / "data/demo"
    plan = pd.read_csv(data / "plan/plan.csv")
    assert list(plan.columns) == ["date", "supplier", "service", "offered", "aht_s", "handled", "logged_s", "cost"]
    assert not plan.duplicated(["date", "supplier", "service"]).any()
    assert (plan[["offered", "aht_s", "handled", "logged_s", "cost"]] >= 0).all().all()
    assert (plan["handled"] <= plan["offered"]).all()
    assert len(plan.groupby(["supplier", "service"])) == 6
    budget = pd.read_csv(data / "budget.csv")
    assert list(budget.columns) == ["month", "supplier", "service", "amount"]
    assert not budget.duplicated(["month", "supplier", "service"]).any()
    assert set(budget.loc[budget["supplier"] == "eastline", "service"]) == {"*"}
    assert (budget["amount"] > 0).all()
    wf = pd.read_csv(data / "workforce/workforce.csv")
    assert list(wf.columns) == ["month", "supplier", "service", "headcount_avg", "leavers", "hires",
                                "training_hours", "headcount_start", "new_hire_training_hours",
                                "certifications", "security_incidents"]
    assert not wf.duplicated(["month", "supplier", "service"]).any()
    assert (wf["leavers"] <= wf["headcount_avg"]).all()
    assert wf["certifications"].str.fullmatch(r"[A-Z0-9-]+(;[A-Z0-9-]+)*").all()
    # some clauses fail: attrition 4 / 52 > 5 % (northwind care, September), a security incident, ISO lapsed
    care_sep = wf[(wf["supplier"] == "northwind") & (wf["service"] == "care") & (wf["month"] == "2026-09")]
    assert (care_sep["leavers"] / care_sep["headcount_avg"]).iloc[0] > 0.05
    assert (wf["security_incidents"] > 0).any()
    assert (~wf["certifications"].str.contains("ISO27001")).any()


# --------------------------------------------------------------------------- YAML keys (data.md, pricing.md, kpis.md)
ENGAGEMENT_KEYS = {"id", "client", "currency", "lang", "holidays", "suppliers", "tolerances", "alerts"}
CONTRACT_KEYS = {"supplier", "name", "currency", "tax_rate", "tax_note", "valid_from", "valid_to", "billing_cycle",
                 "payment_terms_days", "dispute_window_days", "withholding_rate", "minimum_commitment", "services",
                 "compliance", "versions"}
SERVICE_KEYS = {"id", "name", "channel", "kpis", "charges", "sla", "valid_from", "valid_to", "billing_care"}
CHARGE_KEYS = {"id", "description", "unit", "model", "minimum", "maximum", "prorate", "applies_to", "rounding",
               "fte_hours", "retention_window_days"}
MODEL_KEYS = {
    "per_unit": {"unit_price"},
    "graduated": {"tiers", "flat_fee_at_zero"},
    "volume": {"tiers", "flat_fee_at_zero"},
    "package": {"package_size", "package_price", "free_units", "package_rounding"},
    "percentage": {"rate", "fixed_per_event", "min_per_event", "max_per_event", "free_events", "free_amount"},
    "graduated_percentage": {"tiers", "flat_fee_at_zero"},
    "capacity": {"dimensions", "tiers", "peak_over"},
    "fixed": {"amount"},
}
TIER_KEYS = {"up_to", "unit_price", "flat_fee", "block_size"}
UNITS = {"logged_hour", "productive_hour", "effective_hour", "productive_minute", "talk_minute", "handled_contact",
         "offered_contact", "customer", "fte", "sale", "collected_amount", "month", "retained_customer"}
KPIS = {"service_level", "abandonment_rate", "asa_s", "aht_s", "occupancy", "fcr", "qa_score", "csat",
        "attrition_rate", "training_hours_per_head", "cost_per_contact", "collections_recovery_rate"}
KPI_SETTING_KEYS = {"variant", "threshold_s", "short_abandon_s", "aggregation", "decimals"}
SLA_KEYS = {"base", "start", "penalty_cap", "bonus_cap", "rules"}
RULE_KEYS = {"id", "kpi", "bands", "linear", "variant", "threshold_s", "short_abandon_s", "decimals"}
BAND_KEYS = {"from", "below", "adjustment"}
LINEAR_KEYS = {"target", "per_unit", "per_point", "worse", "side", "min", "max"}
CLAUSE_KEYS = {"id", "kpi", "min", "max", "certification", "evidence", "max_incidents", "control", "owner", "penalty",
               "consequence"}


def _contracts(root: Path) -> dict[str, dict]:
    folder = root / "parameters/demo/contracts"
    return {p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.yaml"))}


def _all_services(contract: dict) -> list[dict]:
    return contract["services"] + [s for v in contract.get("versions", []) for s in v["services"]]


def _check_charge(charge: dict) -> None:
    model = charge["model"]
    assert set(charge) <= CHARGE_KEYS | MODEL_KEYS[model], (charge["id"], set(charge) - CHARGE_KEYS)
    if model == "capacity":
        assert "unit" not in charge and set(charge["dimensions"]) <= UNITS
        for tier in charge["tiers"]:
            assert set(tier) == {"limits", "price"} and set(tier["limits"]) == set(charge["dimensions"])
        assert "fte_hours" in charge  # needed by the fte unit
    else:
        assert charge["unit"] in UNITS
    if model in ("graduated", "volume", "graduated_percentage"):
        tiers = charge["tiers"]
        allowed = TIER_KEYS if model != "graduated_percentage" else (TIER_KEYS - {"unit_price"}) | {"rate"}
        assert all(set(t) <= allowed for t in tiers)
        bounds = [t["up_to"] for t in tiers]
        assert bounds[-1] is None and None not in bounds[:-1] and bounds[:-1] == sorted(set(bounds[:-1]))
    if "rounding" in charge:
        assert set(charge["rounding"]) <= {"increment_s", "minimum_s", "first_free_s", "acw_cap_s"}
    if "applies_to" in charge:
        assert set(charge["applies_to"]) <= {"days", "hours"}
        assert set(charge["applies_to"]["days"]) <= {"weekday", "saturday", "sunday", "holiday"}


def _check_service(service: dict) -> None:
    assert set(service) <= SERVICE_KEYS
    assert 2 <= len(service["charges"]) <= 3
    assert service["kpis"] and set(service["kpis"]) <= KPIS
    assert all(set(setting) <= KPI_SETTING_KEYS for setting in service["kpis"].values())
    for charge in service["charges"]:
        _check_charge(charge)
    sla = service["sla"]
    assert set(sla) <= SLA_KEYS and sla["rules"]
    for rule in sla["rules"]:
        assert set(rule) <= RULE_KEYS and rule["kpi"] in KPIS
        assert all(set(b) <= BAND_KEYS for b in rule.get("bands", []))
        assert set(rule.get("linear", {})) <= LINEAR_KEYS


def test_yaml_keys(demo_root: Path) -> None:
    settings = yaml.safe_load((demo_root / "parameters/demo/engagement.yaml").read_text(encoding="utf-8"))
    assert set(settings) <= ENGAGEMENT_KEYS
    assert settings["client"] == "Demo Utilities S.A." and settings["currency"] == "EUR"
    assert settings["lang"] == "es" and settings["holidays"] == "ES"
    assert settings["suppliers"] == ["northwind", "southpoint", "eastline"]
    contracts = _contracts(demo_root)
    for supplier, contract in contracts.items():
        assert contract["supplier"] == supplier
        assert set(contract) <= CONTRACT_KEYS
        assert contract["tax_rate"] == 0.21 and contract["valid_from"] == date(2026, 1, 1)
        assert {"payment_terms_days", "dispute_window_days", "compliance"} <= set(contract)
        assert contract["billing_cycle"] == {"cutoff_day": None}
        assert 2 <= len(contract["services"]) <= 3
        for service in _all_services(contract):
            _check_service(service)
        for clause in contract["compliance"]:
            assert set(clause) <= CLAUSE_KEYS
        for version in contract.get("versions", []):
            assert set(version) <= {"valid_from", "services", "minimum_commitment"}
            assert version["valid_from"].day == 1
    assert set(contracts["northwind"]["minimum_commitment"]) <= {"amount", "prorate"}


def test_every_pricing_model_is_used(demo_root: Path) -> None:
    models = {charge["model"] for contract in _contracts(demo_root).values()
              for service in _all_services(contract) for charge in service["charges"]}
    assert models == set(MODEL_KEYS)


def test_contract_specifics(demo_root: Path) -> None:
    contracts = _contracts(demo_root)
    care = contracts["northwind"]["services"][0]
    assert care["charges"][0]["rounding"] == {"increment_s": 6, "minimum_s": 30}
    assert {r["kpi"] for r in care["sla"]["rules"]} == {"service_level", "aht_s"}
    sales = contracts["southpoint"]["services"][0]["charges"]
    assert [c["applies_to"]["days"] for c in sales[:2]] == [["weekday"], ["saturday", "sunday", "holiday"]]
    assert sales[1]["unit_price"] > sales[0]["unit_price"]
    assert "minimum" in contracts["southpoint"]["services"][1]["charges"][0]
    email = contracts["eastline"]["services"][0]["charges"]
    assert email[0]["package_size"] == 50 and email[2]["prorate"] is False
    version = contracts["eastline"]["versions"][0]
    assert version["valid_from"] == date(2026, 10, 1)
    old = contracts["eastline"]["services"][1]["charges"][0]["unit_price"]
    new = version["services"][0]["charges"][0]["unit_price"]
    assert (old, new) == (1.10, 1.13)


# --------------------------------------------------------------------------- render_invoice
def _expected() -> pd.DataFrame:
    """A small expected invoice, worked by hand (amounts half-up to cents)."""
    d = Decimal
    rows = [
        # line, service, charge, tier, kind, quantity, unit, unit_price, amount
        (1, "care", "care_minutes", 1, "charge", d("1000"), "productive_minute", d("0.55"), d("550.00")),
        (2, "care", "care_minutes", 2, "charge", d("200.5"), "productive_minute", d("0.50"), d("100.25")),
        (3, "care", "care_platform", None, "charge", d("1"), "month", d("1500.00"), d("1500.00")),
        # 650.25 × -0.02 = -13.005 → -13.01 (half away from zero)
        (4, "care", "sla:service_level", None, "sla", d("650.25"), None, d("-0.02"), d("-13.01")),
        (5, "billing", "billing_contacts", 2, "charge", d("300"), "handled_contact", d("1.95"), d("585.00")),
    ]
    frame = pd.DataFrame(rows, columns=["line", "service", "charge", "tier", "kind", "quantity", "unit",
                                        "unit_price", "amount"])
    frame["tier"] = frame["tier"].astype("Int64")
    frame["description"] = "x"
    frame["tax_rate"] = Decimal("0.21")
    frame["explanation"] = "hand-made"
    return frame


EXPECTED_NET = Decimal("2722.24")  # 550 + 100.25 + 1500 − 13.01 + 585


def _render(errors: tuple[str, ...], *, style: str = "northwind", seed: int = 1,
            expected: pd.DataFrame | None = None) -> tuple[pd.DataFrame, list[dict]]:
    return demo.render_invoice(_expected() if expected is None else expected, supplier=style, month="2026-08",
                               style=style, rng=np.random.default_rng(seed), errors=errors)


def test_clean_render_reproduces_expected() -> None:
    lines, records = _render(())
    assert records == []
    assert list(lines.columns) == demo.INVOICE_COLUMNS
    assert list(lines["line"]) == [1, 2, 3, 4, 5]
    assert list(lines["amount"]) == list(_expected()["amount"])
    assert list(lines["quantity"]) == list(_expected()["quantity"])
    assert list(lines["charge"]) == list(_expected()["charge"])
    # tax = 2722.24 × 0.21 = 571.6704 → 571.67; gross 3293.91
    assert set(lines["total_net"]) == {EXPECTED_NET}
    assert set(lines["total_tax"]) == {Decimal("571.67")}
    assert set(lines["total_gross"]) == {Decimal("3293.91")}
    assert set(lines["period_start"]) == {date(2026, 8, 1)} and set(lines["period_end"]) == {date(2026, 8, 31)}
    assert list(lines["description"][:4]) == ["Minutos productivos tramo 1", "Minutos productivos tramo 2",
                                              "Cuota plataforma", "Penalización ANS nivel de servicio"]


def test_eastline_style_leaves_ids_blank() -> None:
    lines, _ = _render((), style="eastline")
    assert set(lines["service"]) == {""} and set(lines["charge"]) == {""}
    assert lines["description"].iloc[0] == "Minutos productivos tramo 1 agosto 2026"
    assert set(lines["total_net"]) == {EXPECTED_NET}


def _billed_minus_expected_line(lines: pd.DataFrame, record: dict, expected_amount: Decimal) -> Decimal:
    billed = lines.loc[lines["line"] == record["line"]].iloc[0]
    return billed["amount"] - expected_amount


EXPECTED_BY_KEY = {("care_minutes", "2"): Decimal("100.25"), ("billing_contacts", "2"): Decimal("585.00"),
                   ("care_minutes", "1"): Decimal("550.00"), ("care_platform", ""): Decimal("1500.00")}


def _key(row: pd.Series) -> tuple[str, str]:
    tier = row["description"].rsplit("tramo ", 1)[1] if "tramo" in row["description"] else ""
    return row["charge"], tier


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_quantity_error(seed: int) -> None:
    lines, [record] = _render(("quantity",), seed=seed)
    assert record["check"] == "quantity" and record["supplier"] == "northwind" and record["month"] == "2026-08"
    billed = lines.loc[lines["line"] == record["line"]].iloc[0]
    original = _expected().set_index("line").loc[record["line"]]
    assert billed["quantity"] > original["quantity"]  # inflated …
    assert billed["unit_price"] == original["unit_price"]  # … at the contract price
    assert billed["amount"] == round_half_up(billed["quantity"] * billed["unit_price"])
    assert record["difference"] == billed["amount"] - EXPECTED_BY_KEY[_key(billed)] > 0
    assert set(lines["total_net"]) == {EXPECTED_NET + record["difference"]}


def test_tier_error() -> None:
    lines, [record] = _render(("tier",))
    # only line 2 has a dearer tier beside it: 200.5 × 0.55 = 110.275 → 110.28; 110.28 − 100.25 = 10.03
    assert record["line"] == 2 and record["difference"] == Decimal("10.03")
    assert lines.loc[1, "unit_price"] == Decimal("0.55") and lines.loc[1, "amount"] == Decimal("110.28")


def test_unit_price_error_bills_the_price_before_indexation() -> None:
    d = Decimal
    expected = pd.DataFrame([
        {"line": 1, "service": "chat", "charge": "chat_sessions", "tier": None, "kind": "charge",
         "description": "x", "quantity": d("1000"), "unit": "handled_contact", "unit_price": d("1.13"),
         "amount": d("1130.00"), "tax_rate": d("0.21"), "explanation": ""},
        {"line": 2, "service": "chat", "charge": "chat_licences", "tier": None, "kind": "charge",
         "description": "x", "quantity": d("1"), "unit": "month", "unit_price": d("750.00"),
         "amount": d("750.00"), "tax_rate": d("0.21"), "explanation": ""},
    ])
    lines, [record] = demo.render_invoice(expected, supplier="eastline", month="2026-10", style="eastline",
                                          rng=np.random.default_rng(0), errors=("unit_price",))
    # 1000 × 1.10 = 1100.00 billed against 1130.00 expected
    assert record == {"supplier": "eastline", "month": "2026-10", "line": 1, "check": "unit_price",
                      "difference": Decimal("-30.00")}
    assert lines.loc[0, "unit_price"] == Decimal("1.10")
    assert set(lines["total_net"]) == {Decimal("1850.00")}  # 1100 + 750


def test_transpose_digits_by_hand() -> None:
    assert transpose_digits(Decimal("4512.30")) == Decimal("4521.30")  # 12 → 21: +9.00
    assert transpose_digits(Decimal("585.00")) == Decimal("855.00")
    assert transpose_digits(Decimal("550.00")) == Decimal("650.00")  # no rising pair: +100.00


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_arithmetic_error(seed: int) -> None:
    lines, [record] = _render(("arithmetic",), seed=seed)
    billed = lines.loc[lines["line"] == record["line"]].iloc[0]
    assert billed["amount"] != round_half_up(billed["quantity"] * billed["unit_price"])
    assert record["difference"] == billed["amount"] - EXPECTED_BY_KEY[_key(billed)] > 0


def test_duplicate_error() -> None:
    lines, [record] = _render(("duplicate",), seed=5)
    copy = lines.loc[lines["line"] == record["line"]].iloc[0]
    earlier = lines.loc[lines["line"] == record["line"] - 1].iloc[0]
    assert len(lines) == 6
    same = ["service", "charge", "description", "quantity", "unit_price", "amount"]
    assert list(copy[same]) == list(earlier[same])
    assert record["difference"] == copy["amount"] == EXPECTED_BY_KEY[_key(copy)]
    assert set(lines["total_net"]) == {EXPECTED_NET + copy["amount"]}


def test_missing_sla_penalty() -> None:
    lines, [record] = _render(("missing_sla_penalty",))
    assert record["line"] is None and record["difference"] == Decimal("13.01")  # billed 0 − (−13.01)
    assert "sla:service_level" not in set(lines["charge"])
    assert list(lines["line"]) == [1, 2, 3, 4]
    assert set(lines["total_net"]) == {Decimal("2735.25")}  # 2722.24 + 13.01


def test_not_in_contract() -> None:
    lines, [record] = _render(("not_in_contract",), seed=3)
    extra = lines.loc[lines["line"] == record["line"]].iloc[0]
    assert record["line"] == 6 and extra["charge"] not in set(_expected()["charge"])
    assert record["difference"] == extra["amount"] == round_half_up(extra["quantity"] * extra["unit_price"])


def test_totals_error() -> None:
    lines, [record] = _render(("totals",))
    assert record["line"] is None and record["difference"] in {Decimal(100), Decimal(250), Decimal(1000)}
    assert list(lines["amount"]) == list(_expected()["amount"])  # the lines are right …
    net = lines["total_net"].iloc[0]
    assert net - sum(lines["amount"]) == record["difference"]  # … the header is not
    assert lines["total_tax"].iloc[0] == round_half_up(net * Decimal("0.21"))
    assert lines["total_gross"].iloc[0] == net + lines["total_tax"].iloc[0]


@pytest.mark.parametrize("seed", range(6))
def test_line_differences_add_up_to_the_net(seed: int) -> None:
    errors = ("quantity", "duplicate", "missing_sla_penalty", "not_in_contract", "tier", "arithmetic")
    lines, records = _render(errors, seed=seed)
    assert {r["check"] for r in records} <= set(errors) and len(records) >= 4
    lined = [r["line"] for r in records if r["line"] is not None]
    assert len(lined) == len(set(lined))  # one error per line
    assert lines["total_net"].iloc[0] - EXPECTED_NET == sum(r["difference"] for r in records)


def test_unknown_check_is_rejected() -> None:
    with pytest.raises(UsageError, match="unknown error check"):
        _render(("typo",))


def test_default_plan_has_clean_invoices() -> None:
    assert set(demo.DEFAULT_ERRORS) == {(s, m) for s in demo.SUPPLIERS for m in demo.MONTHS}
    assert any(not errors for errors in demo.DEFAULT_ERRORS.values())
    from ccanalysis.demo.collections import FEE_ERRORS

    used = {c for errors in demo.DEFAULT_ERRORS.values() for c in errors}
    used |= {c for errors in FEE_ERRORS.values() for c in errors}  # a fee cap left off: the agencies' invoices
    assert used == set(demo.ERROR_CHECKS)


# --------------------------------------------------------------------------- write_invoices
def _fake_expected(supplier: str, month: str) -> pd.DataFrame:
    frame = _expected()
    if supplier == "eastline":
        frame["amount"] = frame["amount"] * 10  # thousands separators in the eastline file
        frame["quantity"] = frame["quantity"] * 10
    return frame


def test_write_invoices(tmp_path: Path) -> None:
    truth = demo.write_invoices(tmp_path, _fake_expected, seed=11)
    data = tmp_path / "data/demo"
    northwind = pd.read_csv(data / "invoices/northwind/2026-09.csv", dtype=str, keep_default_na=False)
    assert list(northwind.columns) == demo.INVOICE_COLUMNS
    assert list(northwind["amount"]) == ["550.00", "100.25", "1500.00", "-13.01", "585.00"]  # clean month
    sheet = openpyxl.load_workbook(data / "invoices/southpoint/2026-09.xlsx").active
    header = [c.value for c in sheet[1]]
    assert header == demo.INVOICE_COLUMNS
    assert sheet.cell(2, header.index("period_start") + 1).value.date() == date(2026, 9, 1)
    text = (data / "invoices/eastline/2026-08.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert [r["amount"] for r in rows] == ["5.500,00", "1.002,50", "15.000,00", "-130,10", "5.850,00"]
    assert rows[0]["service"] == "" and rows[0]["tax_rate"] == "0,21"
    mapping = yaml.safe_load((tmp_path / "parameters/demo/mappings/eastline_invoices.yaml").read_text())
    assert mapping == {"table": "invoice_lines", "files": ["invoices/eastline/*.csv"], "sep": ";",
                       "decimal": ",", "thousands": "."}
    written = pd.read_csv(data / "truth/injected_errors.csv", dtype=str, keep_default_na=False)
    assert list(written.columns) == demo.TRUTH_COLUMNS and len(written) == len(truth) > 0
    assert set(written["check"]) <= set(demo.ERROR_CHECKS)
    clean = {(s, m) for (s, m), errors in demo.DEFAULT_ERRORS.items() if not errors}
    assert not set(zip(written["supplier"], written["month"], strict=True)) & clean
    assert not list(tmp_path.glob(".demo-*"))


def test_write_invoices_is_deterministic(tmp_path: Path) -> None:
    demo.write_invoices(tmp_path / "a", _fake_expected, seed=11)
    demo.write_invoices(tmp_path / "b", _fake_expected, seed=11)
    assert _files(tmp_path / "a") == _files(tmp_path / "b")


# --------------------------------------------------------------------------- with the lead's engine
def _billed_net(path: Path) -> Decimal:
    """The header total_net of one written invoice file, read from its text."""
    if path.suffix == ".xlsx":
        sheet = openpyxl.load_workbook(path).active
        header = [c.value for c in sheet[1]]
        return Decimal(repr(sheet.cell(2, header.index("total_net") + 1).value))
    if path.parent.name == "eastline":
        row = next(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8")), delimiter=";"))
        return Decimal(row["total_net"].replace(".", "").replace(",", "."))
    return Decimal(pd.read_csv(path, dtype=str)["total_net"].iloc[0])


def test_build_demo_end_to_end(tmp_path: Path) -> None:
    engagement = pytest.importorskip("ccanalysis.engagement")
    invoice = pytest.importorskip("ccanalysis.invoice")
    demo.build_demo(tmp_path, contacts_scale=SCALE)
    truth = pd.read_csv(tmp_path / "data/demo/truth/injected_errors.csv", dtype={"difference": str})
    assert len(truth) >= 8
    # the expected invoices, from the same inputs without the invoices (what build_demo rendered from)
    inputs = tmp_path / "inputs"
    demo.write_demo_inputs(inputs, contacts_scale=SCALE)
    eng = engagement.load("demo", root=inputs)
    for supplier in demo.SUPPLIERS:
        for month in demo.MONTHS:
            expected_net = sum(invoice.expected_invoice(eng, supplier, month)["amount"], Decimal(0))
            found = list((tmp_path / "data/demo/invoices" / supplier).glob(f"{month}.*"))
            assert len(found) == 1
            errors = truth[(truth["supplier"] == supplier) & (truth["month"] == month)]
            # billed − expected, net of tax, is the sum of the recorded differences
            assert _billed_net(found[0]) - expected_net == sum((Decimal(v) for v in errors["difference"]),
                                                              Decimal(0)), (supplier, month)
