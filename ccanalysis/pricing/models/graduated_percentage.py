"""graduated_percentage: Σ over reached tiers of the value in the tier × rate (+ flat_fee), over the sum
of the event values (payments) or a total."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ccanalysis.money import ZERO
from ccanalysis.pricing.base import ChargeModel, RatedPart, Usage, array_units, tier_prices, units_of
from ccanalysis.pricing.registry import register
from ccanalysis.pricing.tiers import check_flat_fee_at_zero, check_tiers, graduated_array, graduated_parts


def rate(charge: Mapping[str, Any], usage: Usage) -> list[RatedPart]:
    """One part per tier reached, each tier's slice of the total event value (or units) at its own rate
    (a fraction 0–1)."""
    total = sum(usage.events, ZERO) if usage.events is not None else units_of(usage, "graduated_percentage")
    return graduated_parts(charge, "rate", total)


def rate_array(charge: Mapping[str, Any], units: Any, active_days: int | None, period_days: int | None) -> np.ndarray:
    """units: totals (n,), or event values (n, k) summed per row."""
    values = array_units(units)
    total = values.sum(axis=1) if values.ndim == 2 else values
    return graduated_array(charge, "rate", total)


def validate(charge: Mapping[str, Any]) -> None:
    """ValueError unless the tiers are valid with a `rate` (fraction 0–1) each and flat_fee_at_zero is a
    boolean."""
    check_tiers(charge, "rate")
    check_flat_fee_at_zero(charge)


MODEL = register(ChargeModel("graduated_percentage", rate, required=("tiers",), optional=("flat_fee_at_zero",),
                             validate=validate, events=True, tiered=True, rate_array=rate_array,
                             prices=tier_prices("rate")))
