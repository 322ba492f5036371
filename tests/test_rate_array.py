"""The vectorised rating (`pricing.rating.rate_array`, one `rate_array` per charge model) against the exact
engine: every registered model, a hand-made charge of each, random units (hypothesis)."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ccanalysis import pricing
from ccanalysis.money import ZERO, round_money
from ccanalysis.pricing.rating import rate_array
from ccanalysis.pricing.units import DRIVERS, UNITS

TIERS = [{"up_to": 1000, "unit_price": "0.50"}, {"up_to": 5000, "unit_price": "0.40", "flat_fee": 25},
         {"up_to": None, "unit_price": "0.30", "block_size": 10}]

#: A hand-made charge (or several) of every registered model; the test below fails when a model is added
#: without one here.
CHARGES = {
    "per_unit": [{"id": "c", "model": "per_unit", "unit": "handled_contact", "unit_price": "0.85"},
                 {"id": "c", "model": "per_unit", "unit": "logged_hour", "unit_price": "21.40",
                  "minimum": 5000, "maximum": 90000}],
    "graduated": [{"id": "c", "model": "graduated", "unit": "productive_minute", "tiers": TIERS},
                  {"id": "c", "model": "graduated", "unit": "handled_contact", "flat_fee_at_zero": True,
                   "tiers": [{"up_to": 100, "unit_price": 1, "flat_fee": 40}, {"up_to": None, "unit_price": "0.7"}]}],
    "volume": [{"id": "c", "model": "volume", "unit": "handled_contact", "tiers": TIERS, "minimum": 300},
               {"id": "c", "model": "volume", "unit": "handled_contact", "flat_fee_at_zero": True,
                "tiers": [{"up_to": 100, "unit_price": 1, "flat_fee": 40}, {"up_to": None, "unit_price": "0.7"}]}],
    "graduated_percentage": [{"id": "c", "model": "graduated_percentage", "unit": "collected_amount",
                              "tiers": [{"up_to": 10000, "rate": "0.05"},
                                        {"up_to": None, "rate": "0.03", "flat_fee": 100}]}],
    "package": [{"id": "c", "model": "package", "unit": "handled_contact", "package_size": 500,
                 "package_price": 300, "free_units": 250},
                {"id": "c", "model": "package", "unit": "talk_minute", "package_size": "0.5",
                 "package_price": 7, "package_rounding": "down"}],
    "fixed": [{"id": "c", "model": "fixed", "unit": "month", "amount": "1500"},
              {"id": "c", "model": "fixed", "unit": "month", "amount": "1500", "prorate": False}],
    "capacity": [{"id": "c", "model": "capacity", "dimensions": ["fte", "handled_contact"], "fte_hours": 160,
                  "tiers": [{"limits": {"fte": 10, "handled_contact": 5000}, "price": 9000},
                            {"limits": {"fte": 20, "handled_contact": None}, "price": 15000},
                            {"limits": {"fte": None, "handled_contact": None}, "price": 21000}]}],
    "percentage": [{"id": "c", "model": "percentage", "unit": "collected_amount", "rate": "0.1"},
                   {"id": "c", "model": "percentage", "unit": "collected_amount", "rate": "0.08",
                    "fixed_per_event": "0.5", "min_per_event": 1, "max_per_event": 12, "free_events": 3,
                    "free_amount": 60, "maximum": 200}],
}

amounts = st.decimals(min_value=0, max_value=20000, places=2, allow_nan=False, allow_infinity=False)
days = st.sampled_from([(None, None), (30, 30), (12, 31), (0, 28)])


def close(vector: float, exact: Decimal) -> bool:
    return abs(vector - float(exact)) <= 1e-6 * max(1.0, abs(float(exact)))


def test_every_registered_unit_says_how_it_scales() -> None:
    for unit in UNITS.records():
        assert unit.drivers is not None, unit.name
        assert set(unit.drivers) <= set(DRIVERS), unit.name
    assert UNITS.get("logged_hour").drivers == ("hours",)
    assert UNITS.get("productive_minute").drivers == ("volume", "aht")
    assert UNITS.get("handled_contact").drivers == ("volume",)
    assert UNITS.get("month").drivers == ()


def test_every_registered_model_has_a_vectorised_rating_and_a_charge_here() -> None:
    for model in pricing.CHARGE_MODELS.records():
        assert model.rate_array is not None, model.name
        assert model.name in CHARGES, f"add a hand-made {model.name} charge to CHARGES"


@pytest.mark.parametrize("charge", [c for cs in CHARGES.values() for c in cs if c["model"] not in
                                    ("capacity", "percentage", "graduated_percentage")],
                         ids=lambda c: c["model"])
@settings(max_examples=60, deadline=None)
@given(values=st.lists(amounts, min_size=1, max_size=8), period=days)
def test_rate_array_equals_the_exact_engine(charge: dict, values: list[Decimal], period: tuple) -> None:
    active, total = period
    got = rate_array(charge, np.array([float(v) for v in values]), active_days=active, period_days=total)
    for value, amount in zip(values, got, strict=True):
        units = None if charge["model"] == "fixed" else value
        exact = pricing.rate(charge, units, active_days=active, period_days=total)
        assert close(amount, exact), (value, amount, exact)
        # The invoice's way: rounded parts plus the limit line on rounded lines, within half a cent a line.
        parts = pricing.rate_breakdown(charge, units, active_days=active, period_days=total)
        rounded = sum((round_money(p.amount) for p in parts if p.kind in ("charge", "flat_fee")), ZERO)
        limit = pricing.limit_line_amount(charge, rounded, active_days=active, period_days=total)
        invoiced = rounded + (limit[1] if limit else ZERO)
        assert abs(amount - float(invoiced)) <= 0.005 * len(parts) + 1e-9


@settings(max_examples=80, deadline=None)
@given(fte=st.decimals(min_value=0, max_value=40, places=1), contacts=st.integers(0, 9000), period=days)
def test_capacity_rate_array(fte: Decimal, contacts: int, period: tuple) -> None:
    charge = CHARGES["capacity"][0]
    active, total = period
    got = rate_array(charge, {"fte": np.array([float(fte)]), "handled_contact": np.array([float(contacts)])},
                     active_days=active, period_days=total)
    exact = pricing.rate(charge, {"fte": fte, "handled_contact": Decimal(contacts)}, active_days=active,
                         period_days=total)
    assert close(got[0], exact)


@pytest.mark.parametrize("charge", CHARGES["percentage"] + CHARGES["graduated_percentage"],
                         ids=lambda c: c["model"] + str(len(c)))
@settings(max_examples=80, deadline=None)
@given(events=st.lists(st.lists(st.integers(0, 8000).map(lambda c: Decimal(c) / 100), min_size=4, max_size=4),
                       min_size=1, max_size=5))
def test_event_models_rate_array(charge: dict, events: list[list[Decimal]]) -> None:
    """Rows of event values (payments in order): each row rated like the exact engine's events."""
    got = rate_array(charge, np.array([[float(v) for v in row] for row in events]))
    for row, amount in zip(events, got, strict=True):
        assert close(amount, pricing.rate(charge, events=row)), (row, amount)
    totals = rate_array(charge, np.array([float(sum(row)) for row in events]))
    for row, amount in zip(events, totals, strict=True):
        assert close(amount, pricing.rate(charge, sum(row, ZERO)))


def test_hand_values() -> None:
    # graduated TIERS at 6,000 units: 1000 × 0.50 + 4000 × 0.40 + 25 + ⌈1000 / 10⌉ × 0.30 = 500 + 1600 + 25 + 30
    graduated = CHARGES["graduated"][0]
    assert rate_array(graduated, np.array([6000.0]))[0] == pytest.approx(2155.0)
    # volume TIERS at 6,005 units: ⌈6005 / 10⌉ = 601 blocks × 0.30 = 180.30 (minimum 300 → 300)
    assert rate_array(CHARGES["volume"][0], np.array([6005.0, 2000.0]))[0] == pytest.approx(300.0)
    # … at 2,000: 2000 × 0.40 + 25 = 825
    assert rate_array(CHARGES["volume"][0], np.array([2000.0]))[0] == pytest.approx(825.0)
    # percentage with free period: events 20, 30, 40, 50 → free: 20 and 30 (50 of the 60 free), 40 pays on
    # 40 − 10 = 30: 30 × 0.08 + 0.5 = 2.9; 50 is the 4th event, past free_events 3: 50 × 0.08 + 0.5 = 4.5
    assert rate_array(CHARGES["percentage"][1], np.array([[20.0, 30.0, 40.0, 50.0]]))[0] == pytest.approx(7.4)
