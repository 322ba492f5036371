"""fixed: amount × active_days / period_days (or amount when prorate: false)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import numpy as np

from ccanalysis.pricing.base import (
    ChargeModel,
    Fact,
    RatedPart,
    Usage,
    array_units,
    check_numbers,
    fnumber,
    get,
    key_prices,
    partial_days,
    prorate,
    prorate_factor,
    prorates,
)
from ccanalysis.pricing.registry import register


def rate(charge: Mapping[str, Any], usage: Usage) -> list[RatedPart]:
    """One part: `amount`, prorated by active_days / period_days unless `prorate: false`."""
    base = get(charge, "amount")
    assert base is not None
    if prorates(charge):
        amount = prorate(base, usage.active_days, usage.period_days)
        fact = Fact("fixed", {"amount": base, "prorated": True,
                              "days": partial_days(usage.active_days, usage.period_days)})
    else:
        amount, fact = base, Fact("fixed", {"amount": base, "prorated": False, "days": None})
    return [RatedPart("charge", None, Decimal(1), amount, amount, fact)]


def rate_array(charge: Mapping[str, Any], units: Any, active_days: int | None, period_days: int | None) -> np.ndarray:
    """The (prorated) amount for every value of units (only their shape counts)."""
    amount = fnumber(charge, "amount") * prorate_factor(charge, active_days, period_days)
    return np.full(np.shape(array_units(units)), amount)


def validate(charge: Mapping[str, Any]) -> None:
    """ValueError unless `amount` is a number ≥ 0."""
    check_numbers(charge, "amount")


MODEL = register(ChargeModel("fixed", rate, required=("amount",), validate=validate,
                             line_unit=lambda charge: "month", unit_price_in_cents=True, periodic=True,
                             needs_units=False, counts_activity=False, rate_array=rate_array,
                             prices=key_prices("amount")))
