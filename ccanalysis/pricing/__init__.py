"""Charge models: from billable units (or event values) of one period to an exact amount (pricing.md).

A charge is the mapping written in a contract file. `validate_charge` checks its keys, `rate` returns the
exact unrounded amount after the charge's own minimum and maximum, and `rate_breakdown` returns the same
amount as parts (one per reached tier, flat fee, true-up or cap), each with the `Fact` of how it was
computed, that the invoice builder turns into lines. Amounts are exact `Decimal`s; rounding to cents
happens once, per invoice line, outside this package.

Layout: `base` (RatedPart, Usage, Fact, the `ChargeModel` record, number helpers), `registry` (register,
get), `models/` (one module per model, each registering one record), `tiers` (tiered models),
`validation`, `rating` (the order of adjustments), `rounding` (per-contact rounding of minutes),
`applies_to` (the day-class and hours filter).

To add a charge model: one new module in `pricing/models/` registering its `ChargeModel`, plus its tests.
"""

from ccanalysis.periods import DAY_CLASSES, day_class
from ccanalysis.pricing import models as _models  # noqa: F401  (fills the registry)
from ccanalysis.pricing.applies_to import applies_to_mask, parse_hours
from ccanalysis.pricing.base import (
    ChargeModel,
    Fact,
    ModelFunction,
    RatedPart,
    Usage,
    format_quantity,
    prorate,
)
from ccanalysis.pricing.rating import limit_line_amount, rate, rate_breakdown
from ccanalysis.pricing.registry import CHARGE_MODELS, ModelFunctions, get, register
from ccanalysis.pricing.rounding import ROUNDING_KEYS, billable_minutes, billable_seconds
from ccanalysis.pricing.units import charge_units
from ccanalysis.pricing.validation import COMMON_KEYS, validate_charge

#: Model name → pure function (charge, usage) → parts before the per-charge minimum / maximum (read-only).
MODELS = ModelFunctions(CHARGE_MODELS)

__all__ = [
    "BILLABLE_UNITS", "CHARGE_MODELS", "COMMON_KEYS", "DAY_CLASSES", "MINUTE_UNITS", "MODELS", "ROUNDING_KEYS",
    "ChargeModel", "Fact", "ModelFunction", "RatedPart", "Usage", "applies_to_mask", "billable_minutes",
    "billable_seconds", "charge_units", "day_class", "format_quantity", "get", "limit_line_amount",
    "parse_hours", "prorate", "rate", "rate_breakdown", "register", "validate_charge",
]


def __getattr__(name: str) -> tuple[str, ...]:
    """BILLABLE_UNITS and MINUTE_UNITS: the names in the billable-unit registry (`ccanalysis.pricing.units`)."""
    if name in ("BILLABLE_UNITS", "MINUTE_UNITS"):
        from ccanalysis.pricing.units import UNITS

        if name == "BILLABLE_UNITS":
            return UNITS.names()
        return tuple(u.name for u in UNITS.records() if u.per_contact_rounding)
    raise AttributeError(f"module 'ccanalysis.pricing' has no attribute {name!r}")
