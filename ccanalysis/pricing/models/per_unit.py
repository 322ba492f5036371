"""per_unit: units × unit_price."""

from __future__ import annotations

from collections.abc import Mapping
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
    units_of,
)
from ccanalysis.pricing.registry import register


def rate(charge: Mapping[str, Any], usage: Usage) -> list[RatedPart]:
    """One part: units × unit_price."""
    units = units_of(usage, "per_unit")
    price = get(charge, "unit_price")
    assert price is not None
    return [RatedPart("charge", None, units, price, units * price, Fact("units_at_price", {"units": units, "price": price}))]


def rate_array(charge: Mapping[str, Any], units: Any, active_days: int | None, period_days: int | None) -> np.ndarray:
    """units × unit_price for each draw, as floats (the Monte Carlo's arrays)."""
    return array_units(units) * fnumber(charge, "unit_price")


def validate(charge: Mapping[str, Any]) -> None:
    """ValueError unless `unit_price` is a number ≥ 0."""
    check_numbers(charge, "unit_price")


MODEL = register(ChargeModel("per_unit", rate, required=("unit_price",), validate=validate, rate_array=rate_array,
                             prices=key_prices("unit_price")))
