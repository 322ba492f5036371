"""graduated: Σ over reached tiers of the units in the tier × unit_price (or whole blocks × unit_price),
plus each reached tier's flat_fee."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ccanalysis.pricing.base import ChargeModel, RatedPart, Usage, array_units, tier_prices, units_of
from ccanalysis.pricing.registry import register
from ccanalysis.pricing.tiers import (
    check_flat_fee_at_zero,
    check_tiers,
    graduated_array,
    graduated_parts,
    tiered_line_unit,
)


def rate(charge: Mapping[str, Any], usage: Usage) -> list[RatedPart]:
    """One part per tier reached, each tier's units at its own unit price, plus the tiers' flat fees."""
    return graduated_parts(charge, "unit_price", units_of(usage, "graduated"))


def rate_array(charge: Mapping[str, Any], units: Any, active_days: int | None, period_days: int | None) -> np.ndarray:
    """The graduated cost of each draw's units, as floats (the Monte Carlo's arrays)."""
    return graduated_array(charge, "unit_price", array_units(units))


def validate(charge: Mapping[str, Any]) -> None:
    """ValueError unless the tiers are valid with a `unit_price` each and flat_fee_at_zero is a boolean."""
    check_tiers(charge, "unit_price")
    check_flat_fee_at_zero(charge)


MODEL = register(ChargeModel("graduated", rate, required=("tiers",), optional=("flat_fee_at_zero",),
                             validate=validate, line_unit=tiered_line_unit, tiered=True,
                             rate_array=rate_array,
                             prices=tier_prices("unit_price")))
