"""Equivalent prices, crossings and the break-even curve (`ccanalysis.simulation.breakeven`)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from ccanalysis.simulation.breakeven import cost_curve, crossing, equivalent_price
from ccanalysis.simulation.montecarlo import basis_cost
from tests.test_montecarlo import PER_CONTACT, PER_HOUR, PER_MINUTE, make_basis, make_candidate


def test_equivalent_price_per_contact_of_a_per_hour_candidate_is_the_closed_form() -> None:
    # p_contact = p_hour × hours / contacts = 25 × 1,000 / 20,000 = 1.25 (every month alike)
    basis = make_basis()
    result = equivalent_price(make_candidate("hourly", PER_HOUR), make_candidate("contact", PER_CONTACT), basis,
                              "contacts")
    assert result.price == D("1.25")
    assert result.target == D("300000.00") and result.cost == D("300000.00")
    assert result.method == "linear" and result.key == "unit_price"


def test_equivalent_price_closed_form_with_uneven_months() -> None:
    # hours 1,000 and 1,500 a month, contacts 20,000 and 40,000 over two months:
    # p = 25 × 2,500 / 60,000 = 1.041666… → 1.041667 (to 6 decimals)
    day = {"offered": 0, "abandoned": 0, "answered_within_sl": 0, "talk_s": 0, "hold_s": 0, "acw_s": 0}
    basis = make_basis({"2026-01": [day | {"handled": 20000, "logged_s": 3_600_000}],
                        "2026-02": [day | {"handled": 40000, "logged_s": 5_400_000}]})
    result = equivalent_price(make_candidate("hourly", PER_HOUR), make_candidate("contact", PER_CONTACT), basis,
                              "contacts")
    assert result.price == D("1.041667")
    assert abs(result.cost - result.target) <= D("0.02")


GRADUATED = {"id": "tiers", "model": "graduated", "unit": "handled_contact",
             "tiers": [{"up_to": 10000, "unit_price": "1.00"}, {"up_to": None, "unit_price": "0.50"}]}


def test_equivalent_price_of_a_graduated_tier_by_hand() -> None:
    # A costs 25,000 a month; B: 10,000 × 1.00 + 10,000 × p = 25,000 → p = 1.50 for the second tier.
    basis = make_basis()
    result = equivalent_price(make_candidate("hourly", PER_HOUR), make_candidate("tiered", GRADUATED), basis,
                              "tiers", key=("tiers", 1, "unit_price"))
    assert result.price == D("1.5") and result.key == "tiers[1].unit_price"
    with pytest.raises(ValueError, match="2 prices"):
        equivalent_price(make_candidate("hourly", PER_HOUR), make_candidate("tiered", GRADUATED), basis, "tiers")


def test_equivalent_price_by_bisection_when_a_minimum_binds() -> None:
    # B: the graduated charge with a 12,000 monthly minimum. At p = 0: max(12,000, 10,000) = 12,000; at
    # p = 1: 20,000; the line through them gives (25,000 − 12,000) / 8,000 = 1.625, where B costs
    # 10,000 + 16,250 = 26,250 ≠ 25,000: bisection finds p = 1.50 (10,000 + 15,000 = 25,000).
    basis = make_basis()
    b = make_candidate("tiered", GRADUATED | {"minimum": 12000})
    result = equivalent_price(make_candidate("hourly", PER_HOUR), b, basis, "tiers", key=("tiers", 1, "unit_price"))
    assert result.method == "bisection"
    assert result.price == D("1.5")
    assert abs(result.cost - D("300000")) < D("0.01")


def test_no_equivalent_price_when_b_costs_more_at_zero() -> None:
    # B's fixed fee alone (30,000 a month) is above A's 25,000: no price ≥ 0 reaches A.
    basis = make_basis()
    fee = {"id": "fee", "model": "fixed", "unit": "month", "amount": 30000}
    b = make_candidate("b", fee, PER_CONTACT)
    result = equivalent_price(make_candidate("hourly", PER_HOUR), b, basis, "contacts")
    assert result.price is None


def test_crossing_volume_and_aht_in_closed_form() -> None:
    basis = make_basis()
    a = make_candidate("a", PER_CONTACT)  # 20,000 v a month
    # B: 15,000 fixed + 0.50 per contact = 15,000 + 10,000 v; equal at 20,000 v = 15,000 + 10,000 v → v = 1.5
    b = make_candidate("b", {"id": "fee", "model": "fixed", "unit": "month", "amount": 15000},
                       PER_CONTACT | {"unit_price": "0.50"})
    assert crossing(a, b, basis) == pytest.approx(1.5, abs=1e-8)
    # per minute: 100,000 min × a × 0.25 = 25,000 a against per contact 20,000: a = 0.8
    assert crossing(make_candidate("m", PER_MINUTE), a, basis, driver="aht") == pytest.approx(0.8, abs=1e-8)
    # 1.00 against 2.00 per contact: never equal
    assert crossing(a, make_candidate("c", PER_CONTACT | {"unit_price": "2"}), basis) is None
    # outside the range asked
    assert crossing(a, b, basis, low=0.5, high=1.4) is None
    with pytest.raises(ValueError, match="driver"):
        crossing(a, b, basis, driver="shrinkage")


def test_cost_curve_per_candidate() -> None:
    basis = make_basis()
    a, m = make_candidate("a", PER_CONTACT), make_candidate("m", PER_MINUTE)
    curve = cost_curve([a, m], basis, multipliers=[0.5, 1.0, 2.0])
    assert list(curve.columns) == ["multiplier", "a", "m"]
    # 12 × 20,000 × v; 12 × 25,000 × v
    assert curve["a"].tolist() == pytest.approx([120_000, 240_000, 480_000])
    assert curve["m"].tolist() == pytest.approx([150_000, 300_000, 600_000])
    assert curve.loc[1, "a"] == pytest.approx(float(basis_cost(a, basis)))
    by_aht = cost_curve([a], basis, driver="aht", multipliers=[0.5, 2.0])
    assert by_aht["a"].tolist() == pytest.approx([240_000, 240_000])
