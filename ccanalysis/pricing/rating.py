"""Rating one charge for one period; the order of adjustments is written once, in `rate_breakdown`:
model → per-charge minimum → per-charge maximum (pricing.md step 1), and the invoice's limit line on
rounded lines (step 2) in `limit_line_amount`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import numpy as np

from ccanalysis.money import ZERO, round_half_up, to_decimal
from ccanalysis.pricing.base import (
    Fact,
    RatedPart,
    Usage,
    check_number,
    check_whole,
    get,
    partial_days,
    prorate,
    prorates,
)
from ccanalysis.pricing.registry import CHARGE_MODELS
from ccanalysis.pricing.validation import validate_charge


def _usage(charge: Mapping[str, Any], units: object, events: Sequence[object] | None,
           active_days: int | None, period_days: int | None) -> Usage:
    model = CHARGE_MODELS.get(charge["model"])
    if (active_days is None) != (period_days is None):
        raise ValueError("active_days: give both active_days and period_days, or neither")
    if period_days is not None:
        active = check_whole(active_days, "active_days")
        period = check_whole(period_days, "period_days", minimum=1)
        if active > period:
            raise ValueError(f"active_days: {active} is more than period_days {period}")
        active_days, period_days = active, period
    if units is not None and events is not None:
        raise ValueError("events: give units or events, not both")
    if events is not None:
        if not model.events:
            event_models = [m.name for m in CHARGE_MODELS.records() if m.events]
            raise ValueError(f"events: only for models {', '.join(event_models)}, not {model.name!r}")
        values = tuple(check_number(v, f"events[{i}]") for i, v in enumerate(events))
        return Usage(None, values, active_days, period_days)
    if model.dimensions:
        if not isinstance(units, Mapping):
            raise ValueError(f"units: a {model.name} charge needs a mapping of {charge['dimensions']} to values")
        dims = list(charge["dimensions"])
        for name in units:
            if name not in dims:
                raise ValueError(f"units: {name!r} is not a dimension of the charge ({dims})")
        missing = [d for d in dims if d not in units]
        if missing:
            raise ValueError(f"units: missing value for dimension {missing[0]!r}")
        values_by_dim = {d: check_number(units[d], f"units.{d}") for d in dims}
        return Usage(values_by_dim, None, active_days, period_days)
    if units is None:
        if not model.needs_units:
            return Usage(None, None, active_days, period_days)
        raise ValueError(f"units: required for model {model.name!r}")
    if isinstance(units, Mapping):
        raise ValueError(f"units: a number for model {model.name!r}, not a mapping")
    return Usage(check_number(units, "units"), None, active_days, period_days)


def _limits(charge: Mapping[str, Any], active_days: int | None, period_days: int | None
            ) -> tuple[Decimal | None, Decimal | None]:
    """The per-charge minimum and maximum for the period, prorated unless prorate: false."""
    minimum = get(charge, "minimum")
    maximum = get(charge, "maximum")
    if prorates(charge):
        minimum = None if minimum is None else prorate(minimum, active_days, period_days)
        maximum = None if maximum is None else prorate(maximum, active_days, period_days)
    return minimum, maximum


def rate_breakdown(charge: Mapping[str, Any], units: object = None, *, events: Sequence[object] | None = None,
                   active_days: int | None = None, period_days: int | None = None) -> list[RatedPart]:
    """The exact parts of one charge for one period: the model's parts, then the per-charge minimum
    true-up (positive) or maximum cap (negative). Their amounts sum to `rate(...)`; never empty."""
    validate_charge(charge)
    usage = _usage(charge, units, events, active_days, period_days)
    parts = CHARGE_MODELS.get(charge["model"]).rate(charge, usage)
    base = sum((p.amount for p in parts), ZERO)
    minimum, maximum = _limits(charge, usage.active_days, usage.period_days)
    days = partial_days(usage.active_days, usage.period_days) if prorates(charge) else None
    for kind, limit, passed in (("minimum", minimum, minimum is not None and base < minimum),
                                ("maximum", maximum, maximum is not None and base > maximum)):
        if passed:
            assert limit is not None
            fact = Fact("limit", {"kind": kind, "bound": get(charge, kind), "days": days, "limit": limit,
                                  "charge": base})
            parts.append(RatedPart(kind, None, Decimal(1), limit - base, limit - base, fact))
            break
    return parts


def rate(charge: Mapping[str, Any], units: object = None, *, events: Sequence[object] | None = None,
         active_days: int | None = None, period_days: int | None = None) -> Decimal:
    """The exact, unrounded amount of one charge for one period, after its own minimum and maximum.

    units: a number of the charge's unit (capacity: dimension → value); events: event values (money)
    for percentage models; active_days / period_days: proration (default: a whole period).
    """
    parts = rate_breakdown(charge, units, events=events, active_days=active_days, period_days=period_days)
    return sum((p.amount for p in parts), ZERO)


def limit_line_amount(charge: Mapping[str, Any], rounded_lines_total: Decimal, *,
                      active_days: int | None = None, period_days: int | None = None
                      ) -> tuple[str, Decimal] | None:
    """The invoice's per-charge limit line (pricing.md step 2): ("minimum", rounded limit − the charge's
    rounded lines) when below the minimum, ("maximum", negative) when above the maximum, else None."""
    validate_charge(charge)
    if (active_days is None) != (period_days is None):
        raise ValueError("active_days: give both active_days and period_days, or neither")
    minimum, maximum = _limits(charge, active_days, period_days)
    total = to_decimal(rounded_lines_total, what="rounded_lines_total")
    if minimum is not None and total < round_half_up(minimum, 2):
        return "minimum", round_half_up(minimum, 2) - total
    if maximum is not None and total > round_half_up(maximum, 2):
        return "maximum", round_half_up(maximum, 2) - total
    return None


def rate_array(charge: Mapping[str, Any], units: Any = None, *, active_days: int | None = None,
               period_days: int | None = None) -> np.ndarray:
    """`rate` over many values at once, in float64 (the Monte Carlo's draws): the model's `rate_array`,
    then the per-charge minimum and maximum (prorated as in `rate`). units: an array of shape (n,) (capacity:
    dimension → array; event models: (n, k) event values in order, or totals); fixed: the shape only.
    Amounts are before the per-line rounding to cents."""
    model = CHARGE_MODELS.get(charge["model"])
    if model.rate_array is None:
        raise ValueError(f"model: {model.name!r} has no vectorised rating (rate_array), so it cannot be simulated")
    amount = model.rate_array(charge, units, active_days, period_days)
    minimum, maximum = _limits(charge, active_days, period_days)
    if minimum is not None:
        amount = np.maximum(amount, float(minimum))
    if maximum is not None:
        amount = np.minimum(amount, float(maximum))
    return amount
