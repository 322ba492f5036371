"""Monte Carlo of candidate contracts (`ccanalysis.simulation.montecarlo`) on hand-built bases."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from typing import Any

import numpy as np
import pandas as pd
import pytest

from ccanalysis.contract import parse_contract
from ccanalysis.pricing.units import ServiceActivity
from ccanalysis.simulation.model import Basis, Candidate, Distribution, Uncertainty
from ccanalysis.simulation.montecarlo import (
    CandidatePricer,
    basis_cost,
    daily_drivers,
    draw_multipliers,
    monthly_drivers,
    simulate,
)

MONTHS = tuple(f"2026-{m:02d}" for m in range(1, 13))


# ------------------------------------------------------------------------------------------ helpers

def make_basis(month_days: dict[str, list[dict[str, Any]]] | None = None, **totals: Any) -> Basis:
    """A basis from day rows per month; without month_days, one row a month (on its 1st) of `totals`
    (defaults: 20,000 handled of 21,000 offered, 100,000 handled minutes, 1,000 logged hours)."""
    if month_days is None:
        day = {"offered": 21000, "handled": 20000, "abandoned": 1000, "answered_within_sl": 16800,
               "talk_s": 4_800_000, "hold_s": 600_000, "acw_s": 600_000, "logged_s": 3_600_000} | totals
        month_days = {m: [day] for m in MONTHS}
    frames, activities = [], {}
    for month, rows in month_days.items():
        year, number = (int(p) for p in month.split("-"))
        start = date(year, number, 1)
        end = (pd.Timestamp(start) + pd.offsets.MonthEnd(0)).date()
        days = pd.DataFrame(rows)
        if "date" not in days:
            days["date"] = pd.date_range(start, periods=len(days), freq="D")
        days["date"] = pd.to_datetime(days["date"])
        days["supplier"], days["service"] = "x", "care"
        activities[month] = ServiceActivity(pd.DataFrame(), days.drop(columns=["month"], errors="ignore"),
                                            frozenset(), start, end)
        frames.append(days.assign(month=month))
    all_days = pd.concat(frames, ignore_index=True)
    handled = all_days["handled"].replace(0, 1)
    all_days["aht_s"] = (all_days["talk_s"] + all_days["hold_s"] + all_days["acw_s"]) / handled
    return Basis("care", "historic", tuple(month_days), all_days, activities, "historic")


def make_candidate(name: str, *charges: dict[str, Any], **contract_keys: Any) -> Candidate:
    """A candidate whose one service `care` has these charges (contract keys such as minimum_commitment;
    sla= and kpis= go to the service)."""
    service: dict[str, Any] = {"id": "care", "name": "Care", "charges": list(charges)}
    for key in ("sla", "kpis"):
        if key in contract_keys:
            service[key] = contract_keys.pop(key)
    data = {"supplier": name, "name": f"{name} offer", "tax_rate": "0.21", "valid_from": "2026-01-01",
            "services": [service]} | contract_keys
    contract, problems = parse_contract(data, f"scenarios/{name}.yaml")
    assert problems == [], problems
    assert contract is not None
    return Candidate(name, contract, "care", "inline")


PER_CONTACT = {"id": "contacts", "model": "per_unit", "unit": "handled_contact", "unit_price": "1.00"}
PER_HOUR = {"id": "hours", "model": "per_unit", "unit": "logged_hour", "unit_price": "25"}
PER_MINUTE = {"id": "minutes", "model": "per_unit", "unit": "productive_minute", "unit_price": "0.25"}


def ones(n: int = 1) -> np.ndarray:
    return np.ones((n, len(MONTHS)))


# ------------------------------------------------------------------------------------------ tests

def test_at_the_basis_the_vectorised_cost_is_the_exact_invoice_with_commitment_and_sla() -> None:
    # One month: 90 handled × 1.50 = 135.00; commitment 1,000 → true-up 865.00; SL 70 / 100 = 0.70 < 0.80
    # → −5 % of the SLA base 135.00 = −6.75; total 135 + 865 − 6.75 = 993.25.
    day = {"offered": 100, "handled": 90, "abandoned": 10, "answered_within_sl": 70, "talk_s": 0, "hold_s": 0,
           "acw_s": 0, "logged_s": 0}
    basis = make_basis({"2026-09": [day]})
    candidate = make_candidate(
        "acme", {"id": "c", "model": "per_unit", "unit": "handled_contact", "unit_price": "1.50"},
        minimum_commitment={"amount": "1000"},
        kpis={"service_level": {"variant": "offered", "threshold_s": 20}},
        sla={"rules": [{"kpi": "service_level", "bands": [{"below": "0.80", "adjustment": "-0.05"}]}]})
    assert basis_cost(candidate, basis) == D("993.25")
    pricer = CandidatePricer.build(candidate, basis)
    one = np.ones((1, 1))
    assert pricer.cost(monthly_drivers(one, one))[0] == pytest.approx(993.25)
    # At twice the volume: 180 × 1.50 = 270; true-up 730; SLA (fraction kept) −5 % × 270 = −13.50 → 986.50.
    assert pricer.cost(monthly_drivers(one * 2, one))[0] == pytest.approx(986.50)
    # At 10× the volume: 900 × 1.50 = 1,350 above the commitment (no true-up); −5 % → 1,350 − 67.50 = 1,282.50.
    assert pricer.cost(monthly_drivers(one * 10, one))[0] == pytest.approx(1282.50)


def test_units_scale_with_their_drivers() -> None:
    basis = make_basis()
    contacts, minutes, hours = (CandidatePricer.build(make_candidate(n, c), basis)
                                for n, c in (("a", PER_CONTACT), ("b", PER_MINUTE), ("c", PER_HOUR)))
    # volume × 1.2 and AHT × 0.5, hours from a curve giving 1.1 whatever the multipliers
    drivers = monthly_drivers(ones() * 1.2, ones() * 0.5, lambda v, a: np.full(np.shape(v), 1.1))
    # contacts: 12 × 20,000 × 1.2 × 1.00 = 288,000
    assert contacts.cost(drivers)[0] == pytest.approx(288_000)
    # minutes: (4.8 M + 0.6 M + 0.6 M) s / 60 = 100,000 min a month × 1.2 × 0.5 × 0.25 × 12 = 180,000
    assert minutes.cost(drivers)[0] == pytest.approx(180_000)
    # hours: 1,000 h a month × 1.1 × 25 × 12 = 330,000
    assert hours.cost(drivers)[0] == pytest.approx(330_000)
    # default hours curve: ∝ volume × AHT = 0.6 → 1,000 × 0.6 × 25 × 12 = 180,000
    assert hours.cost(monthly_drivers(ones() * 1.2, ones() * 0.5))[0] == pytest.approx(180_000)


def test_fixed_seed_gives_identical_results_and_another_seed_does_not() -> None:
    basis = make_basis()
    candidates = [make_candidate("a", PER_CONTACT), make_candidate("b", PER_MINUTE)]
    uncertainty = Uncertainty(Distribution("lognormal", 0.1), Distribution("normal", 0.15), correlation=0.3)
    first = simulate(candidates, basis, uncertainty, draws=500, seed=7)
    second = simulate(candidates, basis, uncertainty, draws=500, seed=7)
    other = simulate(candidates, basis, uncertainty, draws=500, seed=8)
    assert np.array_equal(first.costs, second.costs)
    pd.testing.assert_frame_equal(first.summary, second.summary)
    assert not np.array_equal(first.costs, other.costs)
    assert first.costs.shape == (500, 2) and first.volume.shape == (500, 12)


def test_monte_carlo_mean_matches_the_analytical_mean_within_its_standard_error() -> None:
    # Per handled contact at 1.00, volume normal (mean 1, sd 0.2) per month: the mean cost is
    # 1.00 × 20,000 × 12 = 240,000 exactly; the estimate is within 3 standard errors.
    basis = make_basis()
    result = simulate([make_candidate("a", PER_CONTACT)], basis,
                      Uncertainty(Distribution("normal", 0.2)), draws=4000, seed=11)
    costs = result.costs[:, 0]
    standard_error = costs.std(ddof=1) / np.sqrt(costs.size)
    assert abs(costs.mean() - 240_000) < 3 * standard_error
    # sd of the sum of 12 independent months: 20,000 × 0.2 × √12 = 13,856.4
    assert costs.std(ddof=1) == pytest.approx(13_856.4, rel=0.05)
    row = result.summary.iloc[0]
    assert isinstance(row["mean"], D) and row["mean"] == row["mean"].quantize(D("0.01"))
    assert row["p5"] < row["p50"] < row["p95"]


def test_a_per_contact_candidate_does_not_move_with_aht() -> None:
    basis = make_basis()
    result = simulate([make_candidate("a", PER_CONTACT), make_candidate("b", PER_MINUTE)], basis,
                      Uncertainty(aht=Distribution("lognormal", 0.2)), draws=300, seed=1)
    # per contact: 20,000 × 12 × 1.00 in every draw; per minute moves with AHT
    assert np.allclose(result.costs[:, 0], 240_000)
    assert result.costs[:, 1].std() > 1000
    assert result.summary.loc[0, "sd"] == D("0.00")


def test_probability_of_being_cheapest() -> None:
    # a: 1.00 per contact (240,000); b: 0.25 per minute (300,000 at the basis): with AHT sd 0.01 b is
    # cheaper only when its AHT multiplier is below 0.8 — twenty standard deviations away: a is cheapest.
    basis = make_basis()
    result = simulate([make_candidate("a", PER_CONTACT), make_candidate("b", PER_MINUTE)], basis,
                      Uncertainty(aht=Distribution("normal", 0.01)), draws=1000, seed=3)
    assert result.summary["p_cheapest"].tolist() == [1.0, 0.0]
    # with a wide AHT spread both win sometimes; the shares sum to 1
    wide = simulate([make_candidate("a", PER_CONTACT), make_candidate("b", PER_MINUTE)], basis,
                    Uncertainty(aht=Distribution("normal", 0.5), per="day"), draws=500, seed=3)
    assert wide.summary["p_cheapest"].sum() == pytest.approx(1.0)


def test_correlated_draws_and_distribution_means() -> None:
    rng = np.random.default_rng(5)
    uncertainty = Uncertainty(Distribution("lognormal", 0.1), Distribution("normal", 0.1), correlation=0.8)
    volume, aht = draw_multipliers(uncertainty, (20000, 1), rng)
    assert np.corrcoef(volume[:, 0], aht[:, 0])[0, 1] == pytest.approx(0.8, abs=0.02)
    assert volume.mean() == pytest.approx(1.0, abs=0.003) and volume.std() == pytest.approx(0.1, abs=0.003)
    for dist in (Distribution("uniform", 0.1), Distribution("triangular", 0.1),
                 Distribution("triangular", low=0.8, high=1.4, mode=0.8)):
        values, _ = draw_multipliers(Uncertainty(dist), (20000, 1), rng)
        # triangular (0.8, 0.8, 1.4): mean (0.8 + 0.8 + 1.4) / 3 = 1.0
        assert values.mean() == pytest.approx(1.0, abs=0.005), dist
    # uniform with sd 0.1: half-width 0.1 × √3 = 0.1732
    values, _ = draw_multipliers(Uncertainty(Distribution("uniform", 0.1)), (20000, 1), rng)
    assert values.min() >= 1 - 0.1733 and values.max() <= 1 + 0.1733


def test_bad_uncertainty_is_refused() -> None:
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="correlation"):
        draw_multipliers(Uncertainty(correlation=1.5), (2, 2), rng)
    with pytest.raises(ValueError, match="volume.sd"):
        draw_multipliers(Uncertainty(Distribution("normal", -0.1)), (2, 2), rng)
    with pytest.raises(ValueError, match="draws"):
        simulate([make_candidate("a", PER_CONTACT)], make_basis(), Uncertainty(), draws=0, seed=0)
    with pytest.raises(ValueError, match="per"):
        simulate([make_candidate("a", PER_CONTACT)], make_basis(), Uncertainty(per="week"), draws=2, seed=0)


def test_daily_multipliers_are_weighted_by_the_days_share() -> None:
    # January: day 1 with 100 handled, day 2 with 300; multipliers 2 and 1 → the month's volume multiplier
    # is (2 × 100 + 1 × 300) / 400 = 1.25; handled seconds 1,000 and 1,000 with AHT multipliers 1 and 3
    # → handled time (2 × 1 × 1,000 + 1 × 3 × 1,000) / 2,000 = 2.5.
    rows = [{"offered": 100, "handled": 100, "abandoned": 0, "answered_within_sl": 100, "talk_s": 1000,
             "hold_s": 0, "acw_s": 0, "logged_s": 3600},
            {"offered": 300, "handled": 300, "abandoned": 0, "answered_within_sl": 300, "talk_s": 1000,
             "hold_s": 0, "acw_s": 0, "logged_s": 3600}]
    basis = make_basis({"2026-01": rows})
    drivers = daily_drivers(basis, np.array([[2.0, 1.0]]), np.array([[1.0, 3.0]]))
    assert drivers.volume[0, 0] == pytest.approx(1.25)
    assert drivers.handled_time[0, 0] == pytest.approx(2.5)
    assert drivers.hours[0, 0] == pytest.approx(2.5)  # equal logged time both days: (2 + 3) / 2
    # per contact at 1.00 on 400 contacts × 1.25 = 500
    pricer = CandidatePricer.build(make_candidate("a", PER_CONTACT), basis)
    assert pricer.cost(drivers)[0] == pytest.approx(500)


def test_payments_scale_with_volume() -> None:
    # collected_amount 10,000 a month (daily total), 5 % success fee: 500 a month; at volume × 0.8 → 400.
    basis = make_basis(collected_amount=10000)
    fee = {"id": "fee", "model": "percentage", "unit": "collected_amount", "rate": "0.05"}
    pricer = CandidatePricer.build(make_candidate("a", fee), basis)
    assert pricer.cost(monthly_drivers(ones() * 0.8, ones() * 1.3))[0] == pytest.approx(400 * 12)


def test_simulate_passes_the_hours_curve_to_time_paid_candidates() -> None:
    # hours × 1.1 in every draw (volume and AHT do not vary): 12 × 1,000 h × 1.1 × 25 = 330,000
    result = simulate([make_candidate("c", PER_HOUR)], make_basis(), Uncertainty(), draws=3, seed=0,
                      hours_curve=lambda v, a: np.full(np.shape(v), 1.1))
    assert np.allclose(result.costs[:, 0], 330_000)
    assert result.summary.loc[0, "mean"] == D("330000.00")


@pytest.mark.parametrize("charges", [
    [{"id": "t", "model": "graduated", "unit": "productive_minute", "minimum": 30000,
      "tiers": [{"up_to": 60000, "unit_price": "0.30"}, {"up_to": None, "unit_price": "0.2", "block_size": 7}]}],
    [{"id": "t", "model": "volume", "unit": "handled_contact", "maximum": 21000,
      "tiers": [{"up_to": 15000, "unit_price": "1.2"}, {"up_to": None, "unit_price": "1.1", "flat_fee": 90}]}],
    [{"id": "p", "model": "package", "unit": "handled_contact", "package_size": 3000, "package_price": 2500}],
    [{"id": "f", "model": "fixed", "unit": "month", "amount": "1234.567"},
     {"id": "h", "model": "per_unit", "unit": "effective_hour", "unit_price": "21.333"}],
], ids=["graduated", "volume", "package", "fixed+hours"])
def test_at_the_basis_every_model_costs_what_the_exact_invoice_says(charges: list) -> None:
    # Multipliers of 1: the vectorised cost is the exact invoice's, but for the rounding of each line to cents.
    basis = make_basis(aux_s=360_000)
    candidate = make_candidate("x", *charges)
    exact = basis_cost(candidate, basis)
    vector = CandidatePricer.build(candidate, basis).cost(monthly_drivers(ones(), ones()))[0]
    assert abs(vector - float(exact)) <= 0.005 * 3 * 12
