"""`validate_charge`: the keys every charge shares, then the charge's model and billable unit records
check their own (pricing.md)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ccanalysis.pricing.applies_to import check_applies_to
from ccanalysis.pricing.base import check_not_above, check_number, check_numbers
from ccanalysis.pricing.registry import CHARGE_MODELS
from ccanalysis.pricing.rounding import check_rounding
from ccanalysis.pricing.units import UNITS, charge_units

COMMON_KEYS: tuple[str, ...] = (
    "id", "description", "unit", "model", "minimum", "maximum", "prorate", "applies_to", "rounding",
)


def validate_charge(charge: Mapping[str, Any]) -> None:
    """Raise ValueError naming the offending key when the charge is not a valid pricing.md charge."""
    if not isinstance(charge, Mapping):
        raise ValueError(f"charge: must be a mapping, got {type(charge).__name__}")
    model = CHARGE_MODELS.get(charge.get("model"))
    unit_keys = tuple(k for unit in UNITS.records() for k in unit.charge_keys)
    allowed = COMMON_KEYS + unit_keys + model.keys
    for key in charge:
        if key not in allowed:
            raise ValueError(f"unknown key {key!r} for model {model.name!r} (allowed: {', '.join(allowed)})")
    for key in model.required:
        if charge.get(key) is None:
            raise ValueError(f"{key}: required for model {model.name!r}")
    for key in ("id", "description"):
        if key in charge and not (isinstance(charge[key], str) and charge[key].strip()):
            raise ValueError(f"{key}: must be a non-empty text, got {charge[key]!r}")

    unit = charge.get("unit")
    if not model.dimensions:
        if unit is None:
            raise ValueError(f"unit: required (one of {', '.join(UNITS.names())})")
        if unit not in UNITS:
            raise ValueError(f"unit: unknown unit {unit!r} (billable units: {', '.join(UNITS.names())})")
    model.validate(charge)
    units = [UNITS.get(name) for name in charge_units(charge)]
    for key in unit_keys:
        needed_by = [u for u in units if key in u.charge_keys]
        if needed_by:
            if charge.get(key) is None:
                raise ValueError(f"{key}: required for unit {needed_by[0].name} ({needed_by[0].charge_keys[key]})")
            check_number(charge[key], key, positive=True)
        elif charge.get(key) is not None:
            owners = [u.name for u in UNITS.records() if key in u.charge_keys]
            raise ValueError(f"{key}: only for unit {', '.join(owners)}")

    check_numbers(charge, "minimum", "maximum")
    check_not_above(charge, "minimum", "maximum")
    if "prorate" in charge and charge["prorate"] is not None and not isinstance(charge["prorate"], bool):
        raise ValueError(f"prorate: must be true or false, got {charge['prorate']!r}")
    if charge.get("applies_to") is not None:
        if not model.counts_activity or any(not u.from_activity for u in units):
            raise ValueError("applies_to: a fixed or monthly charge does not count activity")
        check_applies_to(charge["applies_to"])
    if charge.get("rounding") is not None:
        minute_units = [u.name for u in UNITS.records() if u.per_contact_rounding]
        if unit not in minute_units:
            raise ValueError(f"rounding: only for minute units ({', '.join(minute_units)}), not {unit!r}")
        check_rounding(charge["rounding"])
