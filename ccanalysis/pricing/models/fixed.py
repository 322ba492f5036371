"""fixed: amount × active_days / period_days (or amount when prorate: false)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ccanalysis.pricing.base import (
    ChargeModel,
    Fact,
    RatedPart,
    Usage,
    check_numbers,
    get,
    partial_days,
    prorate,
    prorates,
)
from ccanalysis.pricing.registry import register


def rate(charge: Mapping[str, Any], usage: Usage) -> list[RatedPart]:
    base = get(charge, "amount")
    assert base is not None
    if prorates(charge):
        amount = prorate(base, usage.active_days, usage.period_days)
        fact = Fact("fixed", {"amount": base, "prorated": True,
                              "days": partial_days(usage.active_days, usage.period_days)})
    else:
        amount, fact = base, Fact("fixed", {"amount": base, "prorated": False, "days": None})
    return [RatedPart("charge", None, Decimal(1), amount, amount, fact)]


def validate(charge: Mapping[str, Any]) -> None:
    check_numbers(charge, "amount")


MODEL = register(ChargeModel("fixed", rate, required=("amount",), validate=validate,
                             line_unit=lambda charge: "month", unit_price_in_cents=True, periodic=True,
                             needs_units=False, counts_activity=False))
