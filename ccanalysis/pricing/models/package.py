"""package: whole packages of max(0, units − free_units) / package_size (rounded up or down) × package_price."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_CEILING, ROUND_FLOOR
from typing import Any

import numpy as np

from ccanalysis.money import ZERO
from ccanalysis.pricing.base import (
    ChargeModel,
    Fact,
    RatedPart,
    Usage,
    array_units,
    ceil_array,
    check_number,
    check_numbers,
    floor_array,
    fnumber,
    get,
    key_prices,
    units_of,
)
from ccanalysis.pricing.registry import register

PACKAGE_ROUNDING: tuple[str, ...] = ("up", "down")


def rate(charge: Mapping[str, Any], usage: Usage) -> list[RatedPart]:
    """One part: (units − free_units) / package_size packages, rounded up (or down), at package_price."""
    units = units_of(usage, "package")
    size = get(charge, "package_size")
    price = get(charge, "package_price")
    free = get(charge, "free_units", ZERO)
    assert size is not None and price is not None and free is not None
    direction = charge.get("package_rounding") or "up"
    billable = max(ZERO, units - free)
    packages = (billable / size).to_integral_value(rounding=ROUND_CEILING if direction == "up" else ROUND_FLOOR)
    fact = Fact("packages", {"units": units, "free": free, "size": size, "packages": packages,
                             "direction": direction, "price": price})
    return [RatedPart("charge", None, packages, price, packages * price, fact)]


def rate_array(charge: Mapping[str, Any], units: Any, active_days: int | None, period_days: int | None) -> np.ndarray:
    """The package cost of each draw's units, as floats (the Monte Carlo's arrays)."""
    billable = np.maximum(0.0, array_units(units) - fnumber(charge, "free_units"))
    quotient = billable / fnumber(charge, "package_size")
    whole = ceil_array if (charge.get("package_rounding") or "up") == "up" else floor_array
    return whole(quotient) * fnumber(charge, "package_price")


def validate(charge: Mapping[str, Any]) -> None:
    """ValueError unless the prices are ≥ 0, package_size > 0 and package_rounding is up or down."""
    check_numbers(charge, "package_price", "free_units")
    check_number(charge["package_size"], "package_size", positive=True)
    if charge.get("package_rounding") is not None and charge["package_rounding"] not in PACKAGE_ROUNDING:
        raise ValueError(f"package_rounding: must be up or down, got {charge['package_rounding']!r}")


MODEL = register(ChargeModel("package", rate, required=("package_size", "package_price"),
                             optional=("free_units", "package_rounding"), validate=validate,
                             line_unit=lambda charge: "package", rate_array=rate_array,
                             prices=key_prices("package_price")))
