"""The deterministic comparison: exact invoice lines per candidate, costs per unit, elasticities and risk."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ccanalysis.engagement import load
from ccanalysis.io.scenarios import load_scenario
from ccanalysis.simulation.compare import compare_scenario, elasticity, risk
from tests.engagements import activity_row, write_engagement, write_yaml

# September 2026: 300 handled contacts of 240 s talk (72,000 s = 20 productive hours), 30 logged hours.
ROWS = [activity_row("2026-09-01", 100, 100, talk_s=24000, logged_s=36000),
        activity_row("2026-09-02", 200, 200, talk_s=48000, logged_s=72000)]


def _inline(cid: str, *charges: dict, **extra) -> dict:
    return {"id": cid, "service": {"charges": list(charges)}, **extra}


def _per(unit: str, price: str, cid: str = "c") -> dict:
    return {"id": cid, "unit": unit, "model": "per_unit", "unit_price": price}


CANDIDATES = [
    _inline("per_contact", _per("handled_contact", "2.00")),
    _inline("per_hour", _per("logged_hour", "30")),
    # break-even: p_contact = p_hour × hours / contacts = 30 × 30 / 300 = 3.00
    _inline("break_even", _per("handled_contact", "3.00")),
    _inline("fixed", {"id": "fee", "unit": "month", "model": "fixed", "amount": "500"}),
    _inline("committed", _per("handled_contact", "2.00"), minimum_commitment={"amount": "1000"}),
    _inline("per_productive_minute", _per("productive_minute", "0.50")),
]


@pytest.fixture(scope="module")
def comparison(tmp_path_factory):
    root = tmp_path_factory.mktemp("compare")
    write_engagement(root, tables={"activity/a.csv": ROWS})
    write_yaml(root / "parameters/tiny/scenarios/s.yaml", {
        "service": "care", "basis": {"historic": {"months": "2026-09"}}, "candidates": CANDIDATES,
        "staffing": {"shrinkage": 0.25}})
    return compare_scenario(load_scenario(load("tiny", root=root), "s"))


def test_totals_and_costs_per_unit(comparison):
    assert comparison.handled == 300 and comparison.productive_hours == 20 and comparison.logged_hours == 30
    per_contact = comparison.row("per_contact")
    assert per_contact["total"] == Decimal("600.00")  # 300 × 2.00
    assert per_contact["per_contact"] == Decimal("2.0000") and per_contact["per_productive_hour"] == Decimal("30.0000")
    assert comparison.row("per_hour")["total"] == Decimal("900.00")  # 30 h × 30
    assert comparison.row("fixed")["total"] == Decimal("500.00")
    assert comparison.row("committed")["total"] == Decimal("1000.00")  # 600 charged + 400 true-up
    assert comparison.row("per_productive_minute")["total"] == Decimal("600.00")  # 1,200 min × 0.50


def test_a_per_contact_price_does_not_move_with_aht(comparison):
    row = comparison.row("per_contact")
    # AHT ± 10 %: still 300 contacts × 2.00
    assert row["cost_aht_up"] == row["cost_aht_down"] == Decimal("600.00")
    assert row["elasticity_aht"] == 0 and row["risk_aht"] == "supplier"
    # volume ± 10 %: 330 × 2 = 660, 270 × 2 = 540 → (660 − 540) / (0.2 × 600) = 1
    assert (row["cost_volume_up"], row["cost_volume_down"]) == (Decimal("660.00"), Decimal("540.00"))
    assert row["elasticity_volume"] == 1 and row["risk_volume"] == "client"


def test_a_per_hour_price_moves_with_the_hours(comparison):
    row = comparison.row("per_hour")
    # daily rows, no intervals: hours × volume × AHT → 33 h and 27 h at ± 10 % of either driver
    assert (row["cost_aht_up"], row["cost_aht_down"]) == (Decimal("990.00"), Decimal("810.00"))
    assert (row["cost_volume_up"], row["cost_volume_down"]) == (Decimal("990.00"), Decimal("810.00"))
    assert row["elasticity_aht"] == row["elasticity_volume"] == 1
    assert row["risk_aht"] == row["risk_volume"] == "client"
    # per productive minute: 1,320 min × 0.50 = 660 at AHT + 10 %
    assert comparison.row("per_productive_minute")["cost_aht_up"] == Decimal("660.00")


def test_break_even_price_in_closed_form(comparison):
    hour = comparison.row("per_hour")
    p_contact = Decimal(30) * comparison.logged_hours / comparison.handled
    assert p_contact == Decimal(3)
    assert comparison.row("break_even")["total"] == hour["total"] == Decimal("900.00")


def test_fixed_fees_and_minimums_put_the_risk_on_the_supplier(comparison):
    fixed = comparison.row("fixed")
    assert fixed["elasticity_volume"] == fixed["elasticity_aht"] == 0 and fixed["risk_volume"] == "supplier"
    committed = comparison.row("committed")
    # 660 and 540 both below the 1,000 commitment: the invoice stays 1,000
    assert committed["cost_volume_up"] == committed["cost_volume_down"] == Decimal("1000.00")
    assert committed["risk_volume"] == "supplier"


def test_the_lines_are_the_exact_invoice_lines(comparison):
    lines = comparison.lines
    committed = lines[lines["candidate"] == "committed"]
    assert committed["kind"].tolist() == ["charge", "minimum_commitment"]
    assert committed["amount"].tolist() == [Decimal("600.00"), Decimal("400.00")]
    assert committed["label"].iloc[1].code == "minimum_commitment"
    for candidate, group in lines.groupby("candidate"):
        assert sum(group["amount"]) == comparison.row(candidate)["total"]
    assert comparison.months["total"].tolist() == comparison.candidates["total"].tolist()


def test_elasticity_and_risk_codes():
    assert elasticity(Decimal(110), Decimal(90), Decimal(100), Decimal("0.1")) == 1
    assert elasticity(Decimal(105), Decimal(95), Decimal(100), Decimal("0.1")) == Decimal("0.5")
    assert elasticity(Decimal(0), Decimal(0), Decimal(0), Decimal("0.1")) is None
    assert [risk(Decimal(v)) for v in ("1", "0.5", "0.2")] == ["client", "shared", "supplier"]
    assert risk(None) is None


def test_contact_records_price_logged_hours_from_the_staffing_engine(tmp_path):
    # 10 contacts of 180 s in one half hour: 2 paid hours (test_basis: A = 1 Erlang, 3 agents, ÷ 0.75 → 4).
    contacts = [{"contact_id": f"c{i}", "supplier": "acme", "service": "care", "start": f"2026-09-01 09:{2 * i:02d}:00",
                 "queue_s": 0, "answered": True, "abandoned": False, "talk_s": 180, "hold_s": 0, "acw_s": 0}
                for i in range(10)]
    write_engagement(tmp_path, tables={"contacts/c.csv": contacts})
    write_yaml(tmp_path / "parameters/tiny/scenarios/s.yaml", {
        "service": "care", "basis": {"historic": {"months": "2026-09"}},
        "candidates": [_inline("per_hour", _per("logged_hour", "20")), {"id": "current", "contract": "contracts/acme.yaml"}],
        "staffing": {"shrinkage": 0.25}})
    result = compare_scenario(load_scenario(load("tiny", root=tmp_path), "s"))
    assert result.row("per_hour")["total"] == Decimal("40.00")  # 2 h × 20
    assert result.row("current")["total"] == Decimal("15.00")  # 10 × 1.50 (acme's contract)
    assert result.row("current")["risk_aht"] == "supplier"


def test_the_demo_scenario(demo_engagement):
    result = compare_scenario(load_scenario(demo_engagement, "care_models"))
    table = result.candidates.set_index("candidate")
    assert list(table.index) == ["per_logged_hour", "per_productive_minute", "per_contact_tiers",
                                 "fixed_plus_variable", "bidder_a", "bidder_b"]
    assert table.loc[["bidder_a", "bidder_b"], "offer"].all() and not table.loc["per_logged_hour", "offer"]
    assert table.loc["per_productive_minute", "notes"] == ("commitment_shared",)
    # per contact: handling time is the supplier's risk; per hour and per minute, the client's
    assert table.loc["per_contact_tiers", "risk_aht"] == "supplier" and table.loc["bidder_a", "risk_aht"] == "supplier"
    assert table.loc["per_logged_hour", "risk_aht"] == "client" and table.loc["bidder_b", "risk_aht"] == "client"
    assert (table["total"] > 0).all()

