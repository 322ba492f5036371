"""Charge models: from billable units (or event values) of one period to an exact amount (pricing.md).

A charge is the mapping written in a contract file. `validate_charge` checks its keys, `rate` returns the
exact unrounded amount after the charge's own minimum and maximum, and `rate_breakdown` returns the same
amount as parts (one per reached tier, flat fee, true-up or cap) that the invoice builder turns into
lines. Each model is one small pure function in `MODELS`; the order of adjustments is written once, in
`rate_breakdown`: model → per-charge minimum → per-charge maximum.

Also here: per-contact rounding of minute charges (`billable_seconds`, vectorised with NumPy) and the
`applies_to` filter (`day_class`, `applies_to_mask`).

Amounts are exact `Decimal`s. Proration (× active_days / period_days) and seconds / 60 are the only
divisions; they are computed to the Decimal context's precision (28 significant digits), and rounding
to cents happens once, per invoice line, outside this module.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any

import numpy as np

from ccanalysis.money import ZERO, round_half_up, to_decimal

# --------------------------------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------------------------------

#: The billable units a charge may count (data.md, "Billable units").
BILLABLE_UNITS: tuple[str, ...] = (
    "logged_hour", "productive_hour", "effective_hour", "productive_minute", "talk_minute",
    "handled_contact", "offered_contact", "customer", "fte", "sale", "collected_amount", "month",
)
#: Units that may carry per-contact `rounding`.
MINUTE_UNITS: tuple[str, ...] = ("productive_minute", "talk_minute")
#: Day classes of `applies_to.days`; a date has exactly one, holiday first.
DAY_CLASSES: tuple[str, ...] = ("weekday", "saturday", "sunday", "holiday")
PEAK_OVER: tuple[str, ...] = ("period", "day", "interval")
PACKAGE_ROUNDING: tuple[str, ...] = ("up", "down")

COMMON_KEYS: tuple[str, ...] = (
    "id", "description", "unit", "model", "minimum", "maximum", "prorate", "applies_to", "rounding",
    "fte_hours",
)
#: Keys of each model, beside the common keys (pricing.md, "Models").
MODEL_KEYS: dict[str, tuple[str, ...]] = {
    "per_unit": ("unit_price",),
    "graduated": ("tiers", "flat_fee_at_zero"),
    "volume": ("tiers", "flat_fee_at_zero"),
    "package": ("package_size", "package_price", "free_units", "package_rounding"),
    "percentage": ("rate", "fixed_per_event", "min_per_event", "max_per_event", "free_events", "free_amount"),
    "graduated_percentage": ("tiers", "flat_fee_at_zero"),
    "capacity": ("dimensions", "tiers", "peak_over"),
    "fixed": ("amount",),
}
REQUIRED_KEYS: dict[str, tuple[str, ...]] = {
    "per_unit": ("unit_price",),
    "graduated": ("tiers",),
    "volume": ("tiers",),
    "package": ("package_size", "package_price"),
    "percentage": ("rate",),
    "graduated_percentage": ("tiers",),
    "capacity": ("dimensions", "tiers"),
    "fixed": ("amount",),
}
PRICE_TIER_KEYS = ("up_to", "unit_price", "flat_fee", "block_size")
RATE_TIER_KEYS = ("up_to", "rate", "flat_fee")
ROUNDING_KEYS = ("increment_s", "minimum_s", "first_free_s", "acw_cap_s")
EVENT_MODELS = ("percentage", "graduated_percentage")
#: Models whose amount is billed per period and so prorated by active days by default.
PERIOD_MODELS = ("fixed", "capacity")

SECONDS_PER_MINUTE = 60
SECONDS_PER_DAY = 86_400
_HOURS_PATTERN = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


@dataclass(frozen=True)
class RatedPart:
    """One exact, unrounded part of a rated charge; the invoice builder makes it a line.

    kind: "charge" | "flat_fee" | "minimum" | "maximum"; tier: 1-based tier number or None;
    quantity × unit_price == amount where unit_price is given (percentages: unit_price None).
    """

    kind: str
    tier: int | None
    quantity: Decimal
    unit_price: Decimal | None
    amount: Decimal
    note: str


@dataclass(frozen=True)
class Usage:
    """What a model rates: units (a Decimal, or dimension → Decimal for capacity) or event values, and
    the proration of period charges (active_days / period_days; both None = a whole period)."""

    units: Decimal | dict[str, Decimal] | None
    events: tuple[Decimal, ...] | None
    active_days: int | None = None
    period_days: int | None = None


# --------------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------------

def format_quantity(value: Decimal | int) -> str:
    """A Decimal as plain text without exponent or trailing zeros (1.50 → 1.5, 1E+2 → 100); a value with
    more than 6 decimals (hours from seconds) is shown to 6, marked ≈ (the amount uses the exact value)."""
    d = Decimal(value)
    if d == d.to_integral_value():
        return f"{d.quantize(Decimal(1)):f}"
    shown = d.normalize()
    if -shown.as_tuple().exponent > 6:
        return f"≈{d.quantize(Decimal('0.000001')).normalize():f}"
    return f"{shown:f}"


def _percent(rate: Decimal) -> str:
    return f"{format_quantity(rate * 100)}%"


def _number(value: object, path: str, *, fraction: bool = False) -> Decimal:
    """An exact Decimal from a contract value; "20%" only where the key is a fraction (a rate)."""
    if isinstance(value, str) and value.strip().endswith("%") and not fraction:
        raise ValueError(f"{path}: a percentage is only allowed for a rate, got {value!r}")
    return to_decimal(value, what=path)


def _get(charge: Mapping[str, Any], key: str, default: Decimal | None = None, *,
         fraction: bool = False) -> Decimal | None:
    value = charge.get(key)
    return default if value is None else _number(value, key, fraction=fraction)


def _flag(charge: Mapping[str, Any], key: str, default: bool) -> bool:
    value = charge.get(key)
    return default if value is None else bool(value)


def _ceil(value: Decimal) -> Decimal:
    return value.to_integral_value(rounding=ROUND_CEILING)


def _prorates(charge: Mapping[str, Any]) -> bool:
    return _flag(charge, "prorate", True)


def prorate(amount: Decimal, active_days: int | None, period_days: int | None) -> Decimal:
    """amount × active_days / period_days (amount unchanged for a whole period, both None)."""
    if active_days is None or period_days is None or active_days == period_days:
        return amount
    return amount * active_days / period_days


def _days_note(active_days: int | None, period_days: int | None) -> str:
    if active_days is None or period_days is None or active_days == period_days:
        return ""
    return f" × {active_days}/{period_days} active days"


@dataclass(frozen=True)
class _Tier:
    number: int  # 1-based
    lower: Decimal
    upper: Decimal | None  # None = unbounded
    price: Decimal  # unit_price, or rate for graduated_percentage
    flat_fee: Decimal
    block_size: Decimal | None

    def span(self) -> str:
        if self.upper is None:
            return f"above {format_quantity(self.lower)}"
        return f"in ({format_quantity(self.lower)}, {format_quantity(self.upper)}]"

    def contains(self, units: Decimal) -> bool:
        return self.upper is None or units <= self.upper


def _tiers(charge: Mapping[str, Any], price_key: str) -> list[_Tier]:
    """The charge's tiers with their lower bounds (the previous up_to, the first starting at 0)."""
    tiers: list[_Tier] = []
    lower = ZERO
    for number, tier in enumerate(charge["tiers"], start=1):
        path = f"tiers[{number - 1}]"
        up_to = tier.get("up_to")
        upper = None if up_to is None else _number(up_to, f"{path}.up_to")
        price = _number(tier.get(price_key, 0), f"{path}.{price_key}", fraction=price_key == "rate")
        flat_fee = _number(tier.get("flat_fee", 0), f"{path}.flat_fee")
        block = tier.get("block_size")
        block_size = None if block is None else _number(block, f"{path}.block_size")
        tiers.append(_Tier(number, lower, upper, price, flat_fee, block_size))
        if upper is not None:
            lower = upper
    return tiers


def _flat_fee_part(tier: _Tier, note: str) -> RatedPart:
    return RatedPart("flat_fee", tier.number, Decimal(1), tier.flat_fee, tier.flat_fee, note)


def _zero_part(tier: int | None, note: str) -> RatedPart:
    return RatedPart("charge", tier, ZERO, None, ZERO, note)


def _units_of(usage: Usage, model: str) -> Decimal:
    if not isinstance(usage.units, Decimal):
        raise ValueError(f"units: model {model!r} needs a number of units")
    return usage.units


# --------------------------------------------------------------------------------------------------
# The models: (charge, usage) → parts before the per-charge minimum and maximum
# --------------------------------------------------------------------------------------------------

def per_unit(charge: Mapping[str, Any], usage: Usage) -> list[RatedPart]:
    """units × unit_price."""
    units = _units_of(usage, "per_unit")
    price = _get(charge, "unit_price")
    assert price is not None
    return [RatedPart("charge", None, units, price, units * price, f"{format_quantity(units)} units at {format_quantity(price)}")]


def _tier_units_part(tier: _Tier, quantity: Decimal, label: str) -> RatedPart:
    """A tier's charge part: quantity units (or whole blocks, rounded up) × the tier's price."""
    if tier.block_size is None:
        note = f"{label}: {format_quantity(quantity)} at {format_quantity(tier.price)}"
        return RatedPart("charge", tier.number, quantity, tier.price, quantity * tier.price, note)
    blocks = _ceil(quantity / tier.block_size)
    note = (f"{label}: {format_quantity(quantity)} = {format_quantity(blocks)} blocks of {format_quantity(tier.block_size)}"
            f" (rounded up) at {format_quantity(tier.price)} per block")
    return RatedPart("charge", tier.number, blocks, tier.price, blocks * tier.price, note)


def _graduated_parts(tiers: list[_Tier], units: Decimal, at_zero: bool, *, percent: bool) -> list[RatedPart]:
    what = "value" if percent else "units"
    parts: list[RatedPart] = []
    if units == 0:
        if at_zero and tiers[0].flat_fee:
            parts.append(_flat_fee_part(tiers[0], "flat fee of tier 1, charged at zero usage (flat_fee_at_zero)"))
        return parts or [_zero_part(None, f"no {what}: no tier reached")]
    for tier in tiers:
        if units <= tier.lower:
            break
        in_tier = (units if tier.upper is None else min(units, tier.upper)) - tier.lower
        if percent:
            note = f"value {tier.span()}: {format_quantity(in_tier)} at {_percent(tier.price)}"
            parts.append(RatedPart("charge", tier.number, in_tier, None, in_tier * tier.price, note))
        else:
            parts.append(_tier_units_part(tier, in_tier, f"units {tier.span()}"))
        if tier.flat_fee:
            parts.append(_flat_fee_part(tier, f"flat fee of tier {tier.number}, reached ({what} above "
                                              f"{format_quantity(tier.lower)})"))
    return parts


def graduated(charge: Mapping[str, Any], usage: Usage) -> list[RatedPart]:
    """Σ over reached tiers: units in the tier × unit_price (or whole blocks × unit_price) + flat_fee."""
    units = _units_of(usage, "graduated")
    return _graduated_parts(_tiers(charge, "unit_price"), units, _flag(charge, "flat_fee_at_zero", False),
                            percent=False)


def volume(charge: Mapping[str, Any], usage: Usage) -> list[RatedPart]:
    """The one tier containing the total prices all units (+ its flat_fee); 0 units → the first tier."""
    units = _units_of(usage, "volume")
    tiers = _tiers(charge, "unit_price")
    tier = next(t for t in tiers if t.contains(units))  # the last tier is unbounded
    if units == 0:
        parts: list[RatedPart] = []
        if _flag(charge, "flat_fee_at_zero", False) and tier.flat_fee:
            parts.append(_flat_fee_part(tier, "flat fee of tier 1, charged at zero usage (flat_fee_at_zero)"))
        return parts or [_zero_part(1, "no units: tier 1 at zero")]
    parts = [_tier_units_part(tier, units, f"all units at tier {tier.number}, the total being {tier.span()}")]
    if tier.flat_fee:
        parts.append(_flat_fee_part(tier, f"flat fee of tier {tier.number} (the tier the total falls in)"))
    return parts


def package(charge: Mapping[str, Any], usage: Usage) -> list[RatedPart]:
    """Whole packages of max(0, units − free_units) / package_size (rounded up or down) × package_price."""
    units = _units_of(usage, "package")
    size = _get(charge, "package_size")
    price = _get(charge, "package_price")
    free = _get(charge, "free_units", ZERO)
    assert size is not None and price is not None and free is not None
    direction = charge.get("package_rounding") or "up"
    billable = max(ZERO, units - free)
    packages = (billable / size).to_integral_value(rounding=ROUND_CEILING if direction == "up" else ROUND_FLOOR)
    free_note = f" − {format_quantity(free)} free" if free else ""
    note = (f"{format_quantity(units)} units{free_note} in packages of {format_quantity(size)} = {format_quantity(packages)} packages "
            f"(rounded {direction}) at {format_quantity(price)}")
    return [RatedPart("charge", None, packages, price, packages * price, note)]


def _events_of(usage: Usage) -> tuple[Decimal, ...]:
    if usage.events is not None:
        return usage.events
    if isinstance(usage.units, Decimal):
        return (usage.units,)  # given only a total, the total is one event
    raise ValueError("events: model needs event values or a total in units")


def percentage(charge: Mapping[str, Any], usage: Usage) -> list[RatedPart]:
    """Event by event, in order: free period (free_events / free_amount), then
    value_paid × rate + fixed_per_event clamped to [min_per_event, max_per_event]."""
    events = _events_of(usage)
    rate = _get(charge, "rate", fraction=True)
    fixed = _get(charge, "fixed_per_event", ZERO)
    low = _get(charge, "min_per_event")
    high = _get(charge, "max_per_event")
    assert rate is not None and fixed is not None
    free_events_left = int(_get(charge, "free_events", ZERO) or 0)
    free_amount = _get(charge, "free_amount", ZERO) or ZERO
    free_amount_left: Decimal | None = free_amount if free_amount > 0 else None
    counting_events = free_events_left > 0
    in_free = counting_events or free_amount_left is not None
    amount = value_paid_total = ZERO
    free_count = paying = raised = capped = 0
    for value in events:
        value_paid = value
        if in_free:
            if free_amount_left is not None and value > free_amount_left:
                value_paid = value - free_amount_left  # pays on the part above what is left; free period ends
                in_free = False
            else:
                free_count += 1
                if free_amount_left is not None:
                    free_amount_left -= value
                    if free_amount_left == 0:
                        in_free = False
                if counting_events:
                    free_events_left -= 1
                    if free_events_left == 0:
                        in_free = False
                continue
        paying += 1
        event_amount = value_paid * rate + fixed
        if low is not None and event_amount < low:
            event_amount, raised = low, raised + 1
        if high is not None and event_amount > high:
            event_amount, capped = high, capped + 1
        amount += event_amount
        value_paid_total += value_paid
    note = f"{len(events)} events"
    if free_count:
        note += f" ({free_count} free)"
    note += f": value paid on {format_quantity(value_paid_total)} at {_percent(rate)}"
    if fixed:
        note += f" + {format_quantity(fixed)} per event × {paying}"
    if raised:
        note += f"; {raised} raised to the minimum {format_quantity(low or ZERO)} per event"
    if capped:
        note += f"; {capped} capped at the maximum {format_quantity(high or ZERO)} per event"
    return [RatedPart("charge", None, value_paid_total, None, amount, note)]


def graduated_percentage(charge: Mapping[str, Any], usage: Usage) -> list[RatedPart]:
    """Σ over reached tiers: value in the tier × rate + flat_fee, over the sum of event values."""
    if usage.events is not None:
        total = sum(usage.events, ZERO)
    else:
        total = _units_of(usage, "graduated_percentage")
    return _graduated_parts(_tiers(charge, "rate"), total, _flag(charge, "flat_fee_at_zero", False),
                            percent=True)


def capacity(charge: Mapping[str, Any], usage: Usage) -> list[RatedPart]:
    """The price of the first tier whose limits hold for every dimension (past the last: the last tier),
    prorated by active days unless prorate: false; 0 when every value is 0."""
    values = usage.units
    if not isinstance(values, dict):
        raise ValueError("units: a capacity charge needs a mapping from each dimension to its value")
    if all(v == 0 for v in values.values()):
        return [_zero_part(None, "no usage in any dimension")]
    chosen, number, past_last = None, 0, True
    for number, tier in enumerate(charge["tiers"], start=1):
        limits = tier["limits"]
        if all(limits[d] is None or values[d] <= _number(limits[d], f"tiers[{number - 1}].limits.{d}")
               for d in values):
            chosen, past_last = tier, False
            break
    if chosen is None:
        chosen = charge["tiers"][-1]
    price = _number(chosen["price"], f"tiers[{number - 1}].price")
    prorated_flag = _prorates(charge)
    amount = prorate(price, usage.active_days, usage.period_days) if prorated_flag else price
    figures = ", ".join(f"{d} {format_quantity(values[d])}" for d in values)
    reason = "past the last tier, the last tier's price" if past_last else "the first tier whose limits hold"
    days = _days_note(usage.active_days, usage.period_days) if prorated_flag else ""
    note = f"{figures}: tier {number} ({reason}) at {format_quantity(price)}{days}"
    return [RatedPart("charge", number, Decimal(1), amount, amount, note)]


def fixed(charge: Mapping[str, Any], usage: Usage) -> list[RatedPart]:
    """amount × active_days / period_days (or amount when prorate: false)."""
    base = _get(charge, "amount")
    assert base is not None
    if _prorates(charge):
        amount = prorate(base, usage.active_days, usage.period_days)
        note = f"fixed {format_quantity(base)}{_days_note(usage.active_days, usage.period_days)}"
    else:
        amount, note = base, f"fixed {format_quantity(base)} (not prorated)"
    return [RatedPart("charge", None, Decimal(1), amount, amount, note)]


ModelFunction = Callable[[Mapping[str, Any], Usage], list[RatedPart]]

#: Model name → pure function (charge, usage) → parts before the per-charge minimum / maximum.
MODELS: dict[str, ModelFunction] = {
    "per_unit": per_unit,
    "graduated": graduated,
    "volume": volume,
    "package": package,
    "percentage": percentage,
    "graduated_percentage": graduated_percentage,
    "capacity": capacity,
    "fixed": fixed,
}


# --------------------------------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------------------------------

def _check_number(value: object, path: str, *, minimum: Decimal | None = ZERO, positive: bool = False,
                  fraction: bool = False) -> Decimal:
    number = _number(value, path, fraction=fraction)
    if positive and number <= 0:
        raise ValueError(f"{path}: must be greater than 0, got {value!r}")
    if minimum is not None and number < minimum:
        raise ValueError(f"{path}: must not be negative, got {value!r}")
    if fraction and number > 1:
        raise ValueError(f"{path}: a rate is a fraction between 0 and 1, got {value!r} "
                         f"(write 2.99 % as \"2.99%\" or 0.0299)")
    return number


def _check_whole(value: object, path: str, *, minimum: int = 0) -> int:
    number = value if isinstance(value, int) and not isinstance(value, bool) else None
    if number is None and not isinstance(value, bool) and isinstance(value, (str, float, Decimal)):
        try:
            d = _number(value, path)
        except ValueError:
            d = None
        if d is not None and d == d.to_integral_value():
            number = int(d)
    if number is None or number < minimum:
        raise ValueError(f"{path}: must be a whole number >= {minimum}, got {value!r}")
    return number


def _check_bool(charge: Mapping[str, Any], key: str) -> None:
    if key in charge and charge[key] is not None and not isinstance(charge[key], bool):
        raise ValueError(f"{key}: must be true or false, got {charge[key]!r}")


def _check_tiers(charge: Mapping[str, Any], model: str) -> None:
    tiers = charge["tiers"]
    if not isinstance(tiers, list) or not tiers:
        raise ValueError("tiers: must be a non-empty list")
    allowed = RATE_TIER_KEYS if model == "graduated_percentage" else PRICE_TIER_KEYS
    price_key = "rate" if model == "graduated_percentage" else "unit_price"
    previous: Decimal | None = None
    for index, tier in enumerate(tiers):
        path = f"tiers[{index}]"
        if not isinstance(tier, Mapping):
            raise ValueError(f"{path}: must be a mapping of {', '.join(allowed)}")
        for key in tier:
            if key not in allowed:
                raise ValueError(f"{path}: unknown key {key!r} (allowed: {', '.join(allowed)})")
        last = index == len(tiers) - 1
        up_to = tier.get("up_to")
        if up_to is None and not last:
            raise ValueError(f"{path}.up_to: null only allowed on the last tier")
        if up_to is not None:
            if last:
                raise ValueError(f"{path}.up_to: the last tier must have up_to: null (no upper limit)")
            bound = _check_number(up_to, f"{path}.up_to", positive=True)
            if previous is not None and bound <= previous:
                raise ValueError(f"{path}.up_to: must be greater than {format_quantity(previous)}")
            previous = bound
        if tier.get(price_key) is not None:
            _check_number(tier[price_key], f"{path}.{price_key}", fraction=price_key == "rate")
        if tier.get("flat_fee") is not None:
            _check_number(tier["flat_fee"], f"{path}.flat_fee")
        if tier.get("block_size") is not None:
            _check_number(tier["block_size"], f"{path}.block_size", positive=True)


def _check_capacity(charge: Mapping[str, Any]) -> None:
    dimensions = charge["dimensions"]
    if not isinstance(dimensions, list) or not dimensions:
        raise ValueError("dimensions: must be a non-empty list of billable units")
    for index, unit in enumerate(dimensions):
        if unit not in BILLABLE_UNITS:
            raise ValueError(f"dimensions[{index}]: unknown unit {unit!r} (billable units: "
                             f"{', '.join(BILLABLE_UNITS)})")
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
        _check_number(tier["price"], f"{path}.price")
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
                _check_number(limits[unit], f"{path}.limits.{unit}")


def _check_applies_to(charge: Mapping[str, Any]) -> None:
    applies_to = charge["applies_to"]
    if not isinstance(applies_to, Mapping) or not applies_to:
        raise ValueError("applies_to: must be a mapping with days and/or hours")
    for key in applies_to:
        if key not in ("days", "hours"):
            raise ValueError(f"applies_to: unknown key {key!r} (allowed: days, hours)")
    if "days" in applies_to:
        days = applies_to["days"]
        if not isinstance(days, list) or not days:
            raise ValueError(f"applies_to.days: must be a non-empty list of {', '.join(DAY_CLASSES)}")
        for index, day in enumerate(days):
            if day not in DAY_CLASSES:
                raise ValueError(f"applies_to.days[{index}]: unknown day class {day!r} "
                                 f"(allowed: {', '.join(DAY_CLASSES)})")
    if "hours" in applies_to:
        parse_hours(applies_to["hours"])


def _check_rounding(charge: Mapping[str, Any], unit: object) -> None:
    rounding = charge["rounding"]
    if unit not in MINUTE_UNITS:
        raise ValueError(f"rounding: only for minute units ({', '.join(MINUTE_UNITS)}), not {unit!r}")
    if not isinstance(rounding, Mapping):
        raise ValueError(f"rounding: must be a mapping of {', '.join(ROUNDING_KEYS)}")
    for key, value in rounding.items():
        if key not in ROUNDING_KEYS:
            raise ValueError(f"rounding: unknown key {key!r} (allowed: {', '.join(ROUNDING_KEYS)})")
        if value is None and key == "acw_cap_s":
            continue
        _check_whole(value, f"rounding.{key}", minimum=1 if key == "increment_s" else 0)


def validate_charge(charge: Mapping[str, Any]) -> None:
    """Raise ValueError naming the offending key when the charge is not a valid pricing.md charge."""
    if not isinstance(charge, Mapping):
        raise ValueError(f"charge: must be a mapping, got {type(charge).__name__}")
    model = charge.get("model")
    if model is None:
        raise ValueError(f"model: required (one of {', '.join(MODELS)})")
    if model not in MODELS:
        raise ValueError(f"model: unknown model {model!r} (models: {', '.join(MODELS)})")
    allowed = COMMON_KEYS + MODEL_KEYS[model]
    for key in charge:
        if key not in allowed:
            raise ValueError(f"unknown key {key!r} for model {model!r} (allowed: {', '.join(allowed)})")
    for key in REQUIRED_KEYS[model]:
        if charge.get(key) is None:
            raise ValueError(f"{key}: required for model {model!r}")
    for key in ("id", "description"):
        if key in charge and not (isinstance(charge[key], str) and charge[key].strip()):
            raise ValueError(f"{key}: must be a non-empty text, got {charge[key]!r}")

    unit = charge.get("unit")
    if model == "capacity":
        if "unit" in charge:
            raise ValueError("unit: a capacity charge names its units in dimensions, not unit")
        _check_capacity(charge)
    elif unit is None:
        raise ValueError(f"unit: required (one of {', '.join(BILLABLE_UNITS)})")
    elif unit not in BILLABLE_UNITS:
        raise ValueError(f"unit: unknown unit {unit!r} (billable units: {', '.join(BILLABLE_UNITS)})")
    units = charge_units(charge)
    if "fte" in units:
        if charge.get("fte_hours") is None:
            raise ValueError("fte_hours: required for unit fte (the contract's monthly hours per FTE)")
        _check_number(charge["fte_hours"], "fte_hours", positive=True)
    elif charge.get("fte_hours") is not None:
        raise ValueError("fte_hours: only for unit fte")

    if model in ("graduated", "volume", "graduated_percentage"):
        _check_tiers(charge, model)
    for key in ("unit_price", "package_price", "free_units", "amount", "fixed_per_event", "free_amount",
                "min_per_event", "max_per_event", "minimum", "maximum"):
        if charge.get(key) is not None:
            _check_number(charge[key], key)
    if charge.get("rate") is not None:
        _check_number(charge["rate"], "rate", fraction=True)
    if charge.get("package_size") is not None:
        _check_number(charge["package_size"], "package_size", positive=True)
    if charge.get("package_rounding") is not None and charge["package_rounding"] not in PACKAGE_ROUNDING:
        raise ValueError(f"package_rounding: must be up or down, got {charge['package_rounding']!r}")
    if charge.get("free_events") is not None:
        _check_whole(charge["free_events"], "free_events")
    for low_key, high_key in (("min_per_event", "max_per_event"), ("minimum", "maximum")):
        if charge.get(low_key) is not None and charge.get(high_key) is not None:
            if _number(charge[high_key], high_key) < _number(charge[low_key], low_key):
                raise ValueError(f"{high_key}: must be at least {low_key} ({charge[low_key]})")
    for key in ("prorate", "flat_fee_at_zero"):
        _check_bool(charge, key)
    if charge.get("applies_to") is not None:
        if model == "fixed" or unit == "month":
            raise ValueError("applies_to: a fixed or monthly charge does not count activity")
        _check_applies_to(charge)
    if charge.get("rounding") is not None:
        _check_rounding(charge, unit)


def charge_units(charge: Mapping[str, Any]) -> list[str]:
    """The billable units a charge counts: [unit], or a capacity charge's dimensions."""
    if charge.get("model") == "capacity":
        return list(charge.get("dimensions") or [])
    unit = charge.get("unit")
    return [] if unit is None else [unit]


# --------------------------------------------------------------------------------------------------
# Rating
# --------------------------------------------------------------------------------------------------

def _usage(charge: Mapping[str, Any], units: object, events: Sequence[object] | None,
           active_days: int | None, period_days: int | None) -> Usage:
    model = charge["model"]
    if (active_days is None) != (period_days is None):
        raise ValueError("active_days: give both active_days and period_days, or neither")
    if period_days is not None:
        active = _check_whole(active_days, "active_days")
        period = _check_whole(period_days, "period_days", minimum=1)
        if active > period:
            raise ValueError(f"active_days: {active} is more than period_days {period}")
        active_days, period_days = active, period
    if units is not None and events is not None:
        raise ValueError("events: give units or events, not both")
    if events is not None:
        if model not in EVENT_MODELS:
            raise ValueError(f"events: only for models {', '.join(EVENT_MODELS)}, not {model!r}")
        values = tuple(_check_number(v, f"events[{i}]") for i, v in enumerate(events))
        return Usage(None, values, active_days, period_days)
    if model == "capacity":
        if not isinstance(units, Mapping):
            raise ValueError(f"units: a capacity charge needs a mapping of {charge['dimensions']} to values")
        dims = list(charge["dimensions"])
        for name in units:
            if name not in dims:
                raise ValueError(f"units: {name!r} is not a dimension of the charge ({dims})")
        missing = [d for d in dims if d not in units]
        if missing:
            raise ValueError(f"units: missing value for dimension {missing[0]!r}")
        values_by_dim = {d: _check_number(units[d], f"units.{d}") for d in dims}
        return Usage(values_by_dim, None, active_days, period_days)
    if units is None:
        if model == "fixed":
            return Usage(None, None, active_days, period_days)
        raise ValueError(f"units: required for model {model!r}")
    if isinstance(units, Mapping):
        raise ValueError(f"units: a number for model {model!r}, not a mapping")
    return Usage(_check_number(units, "units"), None, active_days, period_days)


def _limits(charge: Mapping[str, Any], active_days: int | None, period_days: int | None
            ) -> tuple[Decimal | None, Decimal | None]:
    """The per-charge minimum and maximum for the period, prorated unless prorate: false."""
    minimum = _get(charge, "minimum")
    maximum = _get(charge, "maximum")
    if _prorates(charge):
        minimum = None if minimum is None else prorate(minimum, active_days, period_days)
        maximum = None if maximum is None else prorate(maximum, active_days, period_days)
    return minimum, maximum


def _limit_note(kind: str, charge: Mapping[str, Any], limit: Decimal, active_days: int | None,
                period_days: int | None) -> str:
    days = _days_note(active_days, period_days) if _prorates(charge) else ""
    return f"{kind} {format_quantity(_get(charge, kind) or ZERO)}{days} = {format_quantity(limit)}"


def rate_breakdown(charge: Mapping[str, Any], units: object = None, *, events: Sequence[object] | None = None,
                   active_days: int | None = None, period_days: int | None = None) -> list[RatedPart]:
    """The exact parts of one charge for one period: the model's parts, then the per-charge minimum
    true-up (positive) or maximum cap (negative). Their amounts sum to `rate(...)`; never empty."""
    validate_charge(charge)
    usage = _usage(charge, units, events, active_days, period_days)
    parts = MODELS[charge["model"]](charge, usage)
    base = sum((p.amount for p in parts), ZERO)
    minimum, maximum = _limits(charge, usage.active_days, usage.period_days)
    if minimum is not None and base < minimum:
        note = _limit_note("minimum", charge, minimum, usage.active_days, usage.period_days)
        parts.append(RatedPart("minimum", None, Decimal(1), minimum - base, minimum - base,
                               f"{note}; charge {format_quantity(base)} raised to it"))
    elif maximum is not None and base > maximum:
        note = _limit_note("maximum", charge, maximum, usage.active_days, usage.period_days)
        parts.append(RatedPart("maximum", None, Decimal(1), maximum - base, maximum - base,
                               f"{note}; charge {format_quantity(base)} capped at it"))
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


# --------------------------------------------------------------------------------------------------
# Per-contact rounding (vectorised)
# --------------------------------------------------------------------------------------------------

#: Contacts processed per block: small enough for the working buffers to stay in the CPU cache.
_BLOCK = 1 << 15
#: Below this (2**29 s), three values and any rounding can be added in int32 without overflow.
_NARROW_LIMIT = 1 << 29
#: Totals below this (about 18 hours) are rounded through a look-up table.
_TABLE_SIZE = 1 << 16


def _rounding_table(increment: int, minimum: int, lowest_billed: int) -> np.ndarray:
    """Billable seconds for every total from 0 to _TABLE_SIZE − 1 seconds (int64)."""
    totals = np.arange(_TABLE_SIZE, dtype=np.int64)
    rounded = -(-np.maximum(totals, minimum) // increment) * increment
    return np.where(totals >= lowest_billed, rounded, 0)


def _rounding_values(rounding: Mapping[str, Any] | None) -> tuple[int, int, int, int | None]:
    rounding = rounding or {}
    for key in rounding:
        if key not in ROUNDING_KEYS:
            raise ValueError(f"rounding: unknown key {key!r} (allowed: {', '.join(ROUNDING_KEYS)})")
    increment = _check_whole(rounding.get("increment_s", 1), "rounding.increment_s", minimum=1)
    minimum = _check_whole(rounding.get("minimum_s", 0), "rounding.minimum_s")
    first_free = _check_whole(rounding.get("first_free_s", 0), "rounding.first_free_s")
    cap = rounding.get("acw_cap_s")
    acw_cap = None if cap is None else _check_whole(cap, "rounding.acw_cap_s")
    return increment, minimum, first_free, acw_cap


def _seconds_array(values: object, name: str, size: int | None) -> np.ndarray:
    array = np.asarray(values)
    if array.ndim != 1:
        raise ValueError(f"{name}: must be a one-dimensional array of seconds")
    if size is not None and array.shape[0] != size:
        raise ValueError(f"{name}: has {array.shape[0]} contacts, expected {size}")
    if array.dtype.kind not in "iuf":
        raise ValueError(f"{name}: must hold numbers of seconds, got dtype {array.dtype}")
    return array


def billable_seconds(talk_s: object, hold_s: object, acw_s: object, handled: object,
                     rounding: Mapping[str, Any] | None) -> np.ndarray:
    """Billable seconds per contact (int64) under a charge's per-contact `rounding` (pricing.md).

    0 for a contact not handled (abandoned contacts are never billed), with 0 seconds, or shorter than
    first_free_s; else talk + hold + ACW (ACW capped at acw_cap_s), raised to minimum_s, rounded up to
    a multiple of increment_s. Inputs are arrays of whole seconds; fractional seconds are accepted and
    each contact's total (after the ACW cap) is first rounded up to the next whole second (totals are
    taken to the microsecond first, so float noise such as 30.000000000000004 stays 30).
    For talk_minute charges pass zeros as hold_s and acw_s.
    """
    increment, minimum, first_free, acw_cap = _rounding_values(rounding)
    handled_array = np.asarray(handled)
    if handled_array.ndim != 1:
        raise ValueError("handled: must be a one-dimensional array of booleans")
    if handled_array.dtype != bool:
        if handled_array.dtype.kind not in "iub":
            raise ValueError(f"handled: must hold booleans, got dtype {handled_array.dtype}")
        handled_array = handled_array.astype(bool)
    size = handled_array.shape[0]
    inputs = {name: _seconds_array(values, name, size)
              for name, values in (("talk_s", talk_s), ("hold_s", hold_s), ("acw_s", acw_s))}
    fractional = any(a.dtype.kind == "f" for a in inputs.values())
    # Whole seconds of at most 32 bits are summed in int32 buffers (twice the SIMD lanes) when every
    # value of the block is small enough that nothing can overflow; otherwise int64.
    narrow = (not fractional and all(a.dtype.itemsize <= 4 for a in inputs.values())
              and max(minimum, increment, first_free) < _NARROW_LIMIT)
    cap = None if acw_cap is None else min(acw_cap, _NARROW_LIMIT)
    lowest_billed = max(first_free, 1)  # seconds > 0 and not shorter than first_free_s
    out = np.empty(size, dtype=np.int64)
    block = min(_BLOCK, max(size, 1))
    buffers = {dtype: (np.empty(block, dtype=dtype), np.empty(block, dtype=dtype))
               for dtype in (np.int32, np.int64, np.float64)}
    billed_buffer = np.empty(block, dtype=bool)
    table: np.ndarray | None = None
    for start in range(0, size, block):
        stop = min(start + block, size)
        n = stop - start
        billed = billed_buffer[:n]
        chunks = [inputs[name][start:stop] for name in ("talk_s", "hold_s", "acw_s")]
        is_handled = handled_array[start:stop]
        largest = 0
        for name, chunk in zip(("talk_s", "hold_s", "acw_s"), chunks, strict=True):
            if fractional and chunk.dtype.kind == "f" and np.isnan(chunk).any():
                if (np.isnan(chunk) & is_handled).any():
                    raise ValueError(f"{name}: missing seconds on a handled contact")
            if chunk.dtype.kind != "u" and chunk.min() < 0:
                raise ValueError(f"{name}: seconds must not be negative")
            if narrow:
                largest += int(chunk.max())  # bounds the block's largest total
        if narrow and largest < _TABLE_SIZE:
            # Billable seconds as a function of the total: one table look-up per contact.
            if table is None:
                table = _rounding_table(increment, minimum, lowest_billed)
            total = buffers[np.int32][0][:n]
            np.add(chunks[0], chunks[1], out=total, casting="unsafe")
            if cap is None:
                np.add(total, chunks[2], out=total, casting="unsafe")
            else:
                part = buffers[np.int32][1][:n]
                np.minimum(chunks[2], cap, out=part, casting="unsafe")
                np.add(total, part, out=total)
            np.multiply(total, is_handled, out=total)  # not handled → total 0 → never billed
            np.take(table, total, out=out[start:stop], mode="clip")
            continue
        if fractional:
            total, part = buffers[np.float64]
        elif narrow and largest < _NARROW_LIMIT:
            total, part = buffers[np.int32]
        else:
            total, part = buffers[np.int64]
        total, part = total[:n], part[:n]
        talk, hold, acw = chunks
        np.add(talk, hold, out=total, casting="unsafe")
        if cap is None:
            np.add(total, acw, out=total, casting="unsafe")
        else:
            np.minimum(acw, cap if not fractional else float(acw_cap), out=part, casting="unsafe")
            np.add(total, part, out=total)
        if fractional:
            np.nan_to_num(total, copy=False, nan=0.0)
            np.round(total, 6, out=total)
            np.ceil(total, out=total)
            seconds = total.astype(np.int64)
        else:
            seconds = total
        np.greater_equal(seconds, lowest_billed, out=billed)
        np.logical_and(billed, is_handled, out=billed)
        if minimum:
            np.maximum(seconds, minimum, out=seconds)
        if increment > 1:
            seconds += increment - 1
            seconds //= increment
            seconds *= increment
        np.multiply(seconds, billed, out=out[start:stop])
    return out


def billable_minutes(talk_s: object, hold_s: object, acw_s: object, handled: object,
                     rounding: Mapping[str, Any] | None) -> Decimal:
    """The period's billable minutes: Σ billable_seconds / 60, exact (a Decimal)."""
    seconds = billable_seconds(talk_s, hold_s, acw_s, handled, rounding)
    return Decimal(int(seconds.sum(dtype=np.int64))) / SECONDS_PER_MINUTE


# --------------------------------------------------------------------------------------------------
# applies_to: day classes and hours
# --------------------------------------------------------------------------------------------------

def parse_hours(hours: object) -> tuple[int, int]:
    """"HH:MM-HH:MM" → (start, end) in minutes since midnight; end may be 24:00; start > end wraps."""
    match = _HOURS_PATTERN.match(hours) if isinstance(hours, str) else None
    if match is None:
        raise ValueError(f"applies_to.hours: must look like \"22:00-08:00\", got {hours!r}")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    for hour, minute in ((h1, m1), (h2, m2)):
        if minute > 59 or hour > 24 or (hour == 24 and minute):
            raise ValueError(f"applies_to.hours: {hour:02d}:{minute:02d} is not a time of day in {hours!r}")
    start, end = h1 * 60 + m1, h2 * 60 + m2
    if start == SECONDS_PER_DAY // 60:
        raise ValueError(f"applies_to.hours: the window cannot start at 24:00 in {hours!r}")
    if start == end % (SECONDS_PER_DAY // 60):
        raise ValueError(f"applies_to.hours: start and end are the same time in {hours!r}")
    return start, end


def _as_days(dates: object) -> np.ndarray:
    """Dates (date objects, ISO strings, datetime64, Timestamps) as datetime64[D]; a datetime counts as
    the date it starts on."""
    array = np.asarray(dates)
    if array.dtype.kind == "M":
        return array.astype("datetime64[D]")
    if array.dtype.kind != "O":
        return array.astype("datetime64[D]")
    uniques, inverse = np.unique(array, return_inverse=True)  # convert each distinct date once
    converted = np.array([np.datetime64(d.date() if isinstance(d, dt.datetime) else d, "D") for d in uniques],
                         dtype="datetime64[D]")
    return converted[inverse.reshape(array.shape)]


def day_class(dates: object, holidays: set[dt.date] | frozenset[dt.date] | None) -> np.ndarray:
    """Each date's one class: "holiday" (engagement calendar) first, else "saturday", "sunday", "weekday"."""
    days = _as_days(dates)
    weekday = (days.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday; Monday = 0
    holiday_days = np.array(sorted(holidays or ()), dtype="datetime64[D]")
    classes = np.full(days.shape, "weekday", dtype="<U8")
    classes[weekday == 5] = "saturday"
    classes[weekday == 6] = "sunday"
    if holiday_days.size:
        classes[np.isin(days, holiday_days)] = "holiday"
    return classes


def _time_to_seconds(value: object) -> int:
    if isinstance(value, dt.datetime):
        value = value.time()
    if isinstance(value, dt.time):
        return value.hour * 3600 + value.minute * 60 + value.second
    if isinstance(value, str):
        pieces = value.strip().split(":")
        if len(pieces) in (2, 3) and all(p.isdigit() for p in pieces):
            hour, minute, second = (int(p) for p in (*pieces, "0")[:3])
            if hour < 24 and minute < 60 and second < 60:
                return hour * 3600 + minute * 60 + second
    raise ValueError(f"times: expected a time of day such as \"08:30\", got {value!r}")


def _seconds_of_day(times: object, size: int) -> np.ndarray:
    array = np.asarray(times)
    if array.shape != (size,):
        raise ValueError(f"times: expected {size} times, one per date, got shape {array.shape}")
    if array.dtype.kind == "M":
        return (array - array.astype("datetime64[D]")).astype("timedelta64[s]").astype(np.int64)
    if array.dtype.kind == "m":
        return array.astype("timedelta64[s]").astype(np.int64)
    uniques, inverse = np.unique(array.astype(object) if array.dtype.kind == "O" else array, return_inverse=True)
    converted = np.array([_time_to_seconds(v) for v in uniques], dtype=np.int64)
    return converted[inverse.reshape(size)]


def applies_to_mask(dates: object, applies_to: Mapping[str, Any] | None,
                    holidays: set[dt.date] | frozenset[dt.date] | None, times: object = None,
                    interval_minutes: int | None = None) -> np.ndarray:
    """Which rows (intervals, contacts or days) a charge's `applies_to` counts: days AND hours.

    A row belongs to the date and time it starts. `times` are start times of day (for interval rows
    or contact records); `hours` without times (daily data) is an error, and with interval data its
    limits must fall on interval boundaries. No applies_to: every row counts.
    """
    days = _as_days(dates)
    mask = np.ones(days.shape, dtype=bool)
    if not applies_to:
        return mask
    if applies_to.get("days"):
        mask &= np.isin(day_class(days, holidays), list(applies_to["days"]))
    if applies_to.get("hours") is not None:
        start, end = parse_hours(applies_to["hours"])
        if times is None:
            raise ValueError("applies_to.hours: needs interval data or contact records; the activity is daily")
        if interval_minutes is not None:
            for limit in (start, end):
                if limit % interval_minutes:
                    raise ValueError(f"applies_to.hours: {limit // 60:02d}:{limit % 60:02d} does not fall on a "
                                     f"{interval_minutes}-minute interval boundary")
        seconds = _seconds_of_day(times, days.shape[0])
        start_s, end_s = start * 60, end * 60
        if start_s < end_s:
            in_hours = (seconds >= start_s) & (seconds < end_s)
        else:  # wraps midnight, e.g. 22:00-08:00
            in_hours = (seconds >= start_s) | (seconds < end_s)
        mask &= in_hours
    return mask
