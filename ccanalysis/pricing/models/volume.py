"""volume: the one tier containing the total prices all units (+ its flat_fee); 0 units → the first tier."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ccanalysis.pricing.base import ChargeModel, RatedPart, Usage, array_units, flag, tier_prices, units_of
from ccanalysis.pricing.registry import register
from ccanalysis.pricing.tiers import (
    check_flat_fee_at_zero,
    check_tiers,
    flat_fee_part,
    tiered_line_unit,
    tiers,
    units_part,
    volume_array,
    zero_part,
)


def rate(charge: Mapping[str, Any], usage: Usage) -> list[RatedPart]:
    """All units at the unit price of the tier they fall in, plus that tier's flat fee."""
    units = units_of(usage, "volume")
    rows = tiers(charge, "unit_price")
    tier = next(t for t in rows if t.contains(units))  # the last tier is unbounded
    if units == 0:
        parts: list[RatedPart] = []
        if flag(charge, "flat_fee_at_zero", False) and tier.flat_fee:
            parts.append(flat_fee_part(tier, "at_zero"))
        return parts or [zero_part(1, "units")]
    parts = [units_part(tier, units, "volume")]
    if tier.flat_fee:
        parts.append(flat_fee_part(tier, "contains"))
    return parts


def rate_array(charge: Mapping[str, Any], units: Any, active_days: int | None, period_days: int | None) -> np.ndarray:
    """The volume-tier cost of each draw's units, as floats (the Monte Carlo's arrays)."""
    return volume_array(charge, array_units(units))


def validate(charge: Mapping[str, Any]) -> None:
    """ValueError unless the tiers are valid with a `unit_price` each and flat_fee_at_zero is a boolean."""
    check_tiers(charge, "unit_price")
    check_flat_fee_at_zero(charge)


MODEL = register(ChargeModel("volume", rate, required=("tiers",), optional=("flat_fee_at_zero",),
                             validate=validate, line_unit=tiered_line_unit, tiered=True,
                             rate_array=rate_array,
                             prices=tier_prices("unit_price")))
