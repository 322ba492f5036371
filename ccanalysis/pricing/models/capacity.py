"""capacity: the price of the first tier whose limits hold for every dimension (past the last: the last
tier), prorated by active days unless prorate: false; 0 when every value is 0."""

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
    check_number,
    number,
    partial_days,
    prorate,
    prorate_factor,
    prorates,
    tier_prices,
)
from ccanalysis.pricing.registry import register
from ccanalysis.pricing.tiers import zero_part

PEAK_OVER: tuple[str, ...] = ("period", "day", "interval")


def rate(charge: Mapping[str, Any], usage: Usage) -> list[RatedPart]:
    """One part: the price of the first tier whose limits hold every dimension's value (the last tier
    when none does), prorated on the days in force; a zero part when every value is 0."""
    values = usage.units
    if not isinstance(values, dict):
        raise ValueError("units: a capacity charge needs a mapping from each dimension to its value")
    if all(v == 0 for v in values.values()):
        return [zero_part(None, "dimensions")]
    chosen, position, past_last = None, 0, True
    for position, tier in enumerate(charge["tiers"], start=1):
        limits = tier["limits"]
        if all(limits[d] is None or values[d] <= number(limits[d], f"tiers[{position - 1}].limits.{d}")
               for d in values):
            chosen, past_last = tier, False
            break
    if chosen is None:
        chosen = charge["tiers"][-1]
    price = number(chosen["price"], f"tiers[{position - 1}].price")
    prorated = prorates(charge)
    amount = prorate(price, usage.active_days, usage.period_days) if prorated else price
    fact = Fact("capacity", {"values": dict(values), "tier": position, "past_last": past_last, "price": price,
                             "days": partial_days(usage.active_days, usage.period_days) if prorated else None})
    return [RatedPart("charge", position, Decimal(1), amount, amount, fact)]


def rate_array(charge: Mapping[str, Any], units: Any, active_days: int | None, period_days: int | None) -> np.ndarray:
    """units: dimension → array of values (one per draw); the price of the first tier whose limits hold."""
    if not isinstance(units, Mapping):
        raise ValueError("units: a capacity charge needs a mapping from each dimension to its values")
    values = {d: array_units(units[d]) for d in charge["dimensions"]}
    shape = np.broadcast_shapes(*(v.shape for v in values.values()))
    tiers = charge["tiers"]
    price = np.full(shape, float(number(tiers[-1]["price"], f"tiers[{len(tiers) - 1}].price")))
    settled = np.zeros(shape, dtype=bool)
    for position, tier in enumerate(tiers):
        fits = np.ones(shape, dtype=bool)
        for dim, value in values.items():
            limit = tier["limits"][dim]
            if limit is not None:
                fits &= value <= float(number(limit, f"tiers[{position}].limits.{dim}"))
        new = fits & ~settled
        price = np.where(new, float(number(tier["price"], f"tiers[{position}].price")), price)
        settled |= fits
    all_zero = np.logical_and.reduce([v == 0 for v in values.values()]) if values else np.ones(shape, bool)
    return np.where(all_zero, 0.0, price * prorate_factor(charge, active_days, period_days))


def validate(charge: Mapping[str, Any]) -> None:
    """ValueError unless `dimensions` are distinct billable units and every tier has a price ≥ 0 and a limit
    (or null = unlimited) for every dimension."""
    from ccanalysis.pricing.units import UNITS

    if "unit" in charge:
        raise ValueError("unit: a capacity charge names its units in dimensions, not unit")
    dimensions = charge["dimensions"]
    if not isinstance(dimensions, list) or not dimensions:
        raise ValueError("dimensions: must be a non-empty list of billable units")
    for index, unit in enumerate(dimensions):
        if unit not in UNITS:
            raise ValueError(f"dimensions[{index}]: unknown unit {unit!r} (billable units: "
                             f"{', '.join(UNITS.names())})")
    if len(set(dimensions)) != len(dimensions):
        raise ValueError("dimensions: a unit is named twice")
    peak_over = charge.get("peak_over")
    if peak_over is not None and peak_over not in PEAK_OVER:
        raise ValueError(f"peak_over: must be one of {', '.join(PEAK_OVER)}, got {peak_over!r}")
    tiers = charge["tiers"]
    if not isinstance(tiers, list) or not tiers:
        raise ValueError("tiers: must be a non-empty list")
    for index, tier in enumerate(tiers):
        path = f"tiers[{index}]"
        if not isinstance(tier, Mapping):
            raise ValueError(f"{path}: must be a mapping of limits and price")
        for key in tier:
            if key not in ("limits", "price"):
                raise ValueError(f"{path}: unknown key {key!r} (allowed: limits, price)")
        if tier.get("price") is None:
            raise ValueError(f"{path}.price: required")
        check_number(tier["price"], f"{path}.price")
        limits = tier.get("limits")
        if not isinstance(limits, Mapping):
            raise ValueError(f"{path}.limits: must map every dimension to a maximum or null")
        for unit in limits:
            if unit not in dimensions:
                raise ValueError(f"{path}.limits.{unit}: not one of the dimensions {dimensions}")
        for unit in dimensions:
            if unit not in limits:
                raise ValueError(f"{path}.limits.{unit}: every tier must name every dimension (null = unlimited)")
            if limits[unit] is not None:
                check_number(limits[unit], f"{path}.limits.{unit}")


MODEL = register(ChargeModel("capacity", rate, required=("dimensions", "tiers"), optional=("peak_over",),
                             validate=validate, line_unit=lambda charge: "month", unit_price_in_cents=True,
                             periodic=True, dimensions=True, rate_array=rate_array,
                             prices=tier_prices("price")))
