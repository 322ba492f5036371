"""What every charge model shares: the rated part, the usage it rates, the fact a part records, the
`ChargeModel` record, and the exact-number helpers of contract values."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal
from typing import Any

import numpy as np

from ccanalysis.money import to_decimal


@dataclass(frozen=True)
class Fact:
    """What a figure is, as data: a code (e.g. "tier", "packages", "fixed") and its numbers by name.

    The display layer (`ccanalysis.i18n.domain`) turns a fact into a sentence in the report's language."""

    code: str
    figures: Mapping[str, Any] = field(default_factory=dict)

    def __getitem__(self, name: str) -> Any:
        return self.figures[name]

    def get(self, name: str, default: Any = None) -> Any:
        """The figure called `name`, `default` when the fact has none."""
        return self.figures.get(name, default)


@dataclass(frozen=True)
class RatedPart:
    """One exact, unrounded part of a rated charge; the invoice builder makes it a line.

    kind: "charge" | "flat_fee" | "minimum" | "maximum"; tier: 1-based tier number or None;
    quantity × unit_price == amount where unit_price is given (percentages: unit_price None);
    fact: how the part was computed (code and figures).
    """

    kind: str
    tier: int | None
    quantity: Decimal
    unit_price: Decimal | None
    amount: Decimal
    fact: Fact


@dataclass(frozen=True)
class Usage:
    """What a model rates: units (a Decimal, or dimension → Decimal for capacity) or event values, and
    the proration of period charges (active_days / period_days; both None = a whole period)."""

    units: Decimal | dict[str, Decimal] | None
    events: tuple[Decimal, ...] | None
    active_days: int | None = None
    period_days: int | None = None


ModelFunction = Callable[[Mapping[str, Any], Usage], list[RatedPart]]
#: Where a price sits in a charge: ("unit_price",) or ("tiers", 0, "unit_price").
PricePath = tuple["str | int", ...]
#: (charge, units, active_days, period_days) → float64 amounts before the per-charge minimum and maximum, one
#: per value of units (an array of shape (n,); capacity: dimension → array; event models: (n, k) event
#: values too). The Monte Carlo's rating of many draws at once (`pricing.rating.rate_array`).
ArrayFunction = Callable[[Mapping[str, Any], Any, "int | None", "int | None"], np.ndarray]


def _no_check(charge: Mapping[str, Any]) -> None:
    """A model without keys of its own to check beyond the common ones."""


def _charge_unit(charge: Mapping[str, Any]) -> str | None:
    return charge.get("unit")


@dataclass(frozen=True)
class ChargeModel:
    """One charge model (pricing.md "Models"): everything the rest of the package needs to know about it.

    rate: (charge, usage) → parts before the per-charge minimum and maximum;
    required / optional: its keys beside the common ones; validate: its own checks (ValueError naming the key);
    line_unit: the unit code written on its invoice lines (e.g. "package", "month", the charge's unit);
    unit_price_in_cents: 1 × a (prorated) fee, its unit price written in cents as on an invoice;
    periodic: billed per period — prorated by active days by default and left out of the SLA base
    `variable_charges`; events: rates event values (payments); dimensions: counts several units
    (`dimensions`, not `unit`); needs_units: rating needs units (fixed: no); counts_activity: may have
    `applies_to`; tiered: its lines are per tier (the description says the tier);
    rate_array: the same rating as `rate` in float64 over an array of units (many Monte Carlo draws at once),
    equal to it to 1e-6 relative (tests/test_rate_array.py); None: the model cannot be simulated;
    prices(charge): the key paths of its prices (("unit_price",), ("tiers", 0, "unit_price"), …), what the
    break-even and the tornado move.
    """

    name: str
    rate: ModelFunction
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    validate: Callable[[Mapping[str, Any]], None] = _no_check
    line_unit: Callable[[Mapping[str, Any]], str | None] = _charge_unit
    unit_price_in_cents: bool = False
    periodic: bool = False
    events: bool = False
    dimensions: bool = False
    needs_units: bool = True
    counts_activity: bool = True
    tiered: bool = False
    rate_array: ArrayFunction | None = None
    prices: Callable[[Mapping[str, Any]], tuple[PricePath, ...]] = lambda charge: ()

    @property
    def keys(self) -> tuple[str, ...]:
        """Its own keys, required first."""
        return self.required + self.optional


# ------------------------------------------------------------------------------------------------ numbers

def number(value: object, path: str, *, fraction: bool = False) -> Decimal:
    """An exact Decimal from a contract value; "20%" only where the key is a fraction (a rate)."""
    if isinstance(value, str) and value.strip().endswith("%") and not fraction:
        raise ValueError(f"{path}: a percentage is only allowed for a rate, got {value!r}")
    return to_decimal(value, what=path)


def get(charge: Mapping[str, Any], key: str, default: Decimal | None = None, *,
        fraction: bool = False) -> Decimal | None:
    """The charge's value of `key` as an exact Decimal (a fraction 0–1 where `fraction`), `default` when
    absent."""
    value = charge.get(key)
    return default if value is None else number(value, key, fraction=fraction)


def flag(charge: Mapping[str, Any], key: str, default: bool) -> bool:
    """The charge's boolean `key`, `default` when absent."""
    value = charge.get(key)
    return default if value is None else bool(value)


def ceil(value: Decimal) -> Decimal:
    """`value` rounded up to a whole number (exact Decimal)."""
    return value.to_integral_value(rounding=ROUND_CEILING)


def prorates(charge: Mapping[str, Any]) -> bool:
    """Whether a period charge is prorated on the days in force (`prorate`, true by default)."""
    return flag(charge, "prorate", True)


def prorate(amount: Decimal, active_days: int | None, period_days: int | None) -> Decimal:
    """amount × active_days / period_days (amount unchanged for a whole period, both None)."""
    if active_days is None or period_days is None or active_days == period_days:
        return amount
    return amount * active_days / period_days


def partial_days(active_days: int | None, period_days: int | None) -> tuple[int, int] | None:
    """(active_days, period_days) when a charge is prorated on part of the period, else None."""
    if active_days is None or period_days is None or active_days == period_days:
        return None
    return active_days, period_days


def check_number(value: object, path: str, *, minimum: Decimal | None = Decimal(0), positive: bool = False,
                 fraction: bool = False) -> Decimal:
    """`value` as an exact Decimal, checked: ≥ `minimum` (0 by default; None: any), > 0 where `positive`,
    ≤ 1 where `fraction`; ValueError naming `path` otherwise."""
    value_number = number(value, path, fraction=fraction)
    if positive and value_number <= 0:
        raise ValueError(f"{path}: must be greater than 0, got {value!r}")
    if minimum is not None and value_number < minimum:
        raise ValueError(f"{path}: must not be negative, got {value!r}")
    if fraction and value_number > 1:
        raise ValueError(f"{path}: a rate is a fraction between 0 and 1, got {value!r} "
                         f"(write 2.99 % as \"2.99%\" or 0.0299)")
    return value_number


def check_whole(value: object, path: str, *, minimum: int = 0) -> int:
    """`value` as an int, checked to be a whole number ≥ `minimum` (2, "2" and 2.0 pass; True does not);
    ValueError naming `path` otherwise."""
    whole = value if isinstance(value, int) and not isinstance(value, bool) else None
    if whole is None and not isinstance(value, bool) and isinstance(value, (str, float, Decimal)):
        try:
            d = number(value, path)
        except ValueError:
            d = None
        if d is not None and d == d.to_integral_value():
            whole = int(d)
    if whole is None or whole < minimum:
        raise ValueError(f"{path}: must be a whole number >= {minimum}, got {value!r}")
    return whole


def check_numbers(charge: Mapping[str, Any], *keys: str) -> None:
    """Each key present is a number ≥ 0."""
    for key in keys:
        if charge.get(key) is not None:
            check_number(charge[key], key)


def check_not_above(charge: Mapping[str, Any], low_key: str, high_key: str) -> None:
    """ValueError when both keys are present and `high_key`'s value is below `low_key`'s."""
    if charge.get(low_key) is not None and charge.get(high_key) is not None:
        if number(charge[high_key], high_key) < number(charge[low_key], low_key):
            raise ValueError(f"{high_key}: must be at least {low_key} ({charge[low_key]})")


def units_of(usage: Usage, model: str) -> Decimal:
    """The usage's number of units (Decimal); ValueError when `model` is given a mapping or nothing."""
    if not isinstance(usage.units, Decimal):
        raise ValueError(f"units: model {model!r} needs a number of units")
    return usage.units


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


# ------------------------------------------------------------------------------------------------ arrays

#: Float noise below this is taken as zero where a quotient is rounded up or down to whole blocks.
_ARRAY_NOISE = 1e-9


def fnumber(charge: Mapping[str, Any], key: str, default: float = 0.0, *, fraction: bool = False) -> float:
    """A contract value as a float (the Monte Carlo's arrays), `default` when absent."""
    value = get(charge, key, fraction=fraction)
    return default if value is None else float(value)


def prorate_factor(charge: Mapping[str, Any], active_days: int | None, period_days: int | None) -> float:
    """active_days / period_days for a prorated period charge, else 1."""
    if not prorates(charge) or active_days is None or period_days is None or active_days == period_days:
        return 1.0
    return active_days / period_days


def array_units(units: Any) -> np.ndarray:
    """Units as a float64 array."""
    return np.asarray(units, dtype=np.float64)


def ceil_array(values: np.ndarray) -> np.ndarray:
    """⌈values⌉ ignoring float noise (2.0000000000000004 → 2)."""
    return np.ceil(values - _ARRAY_NOISE * np.maximum(1.0, np.abs(values)))


def floor_array(values: np.ndarray) -> np.ndarray:
    """⌊values⌋ ignoring float noise (2.9999999999999996 → 3)."""
    return np.floor(values + _ARRAY_NOISE * np.maximum(1.0, np.abs(values)))


def key_prices(*keys: str) -> Callable[[Mapping[str, Any]], tuple[PricePath, ...]]:
    """`ChargeModel.prices` of a model whose prices are top-level keys (those the charge sets)."""
    return lambda charge: tuple((key,) for key in keys if charge.get(key) is not None)


def tier_prices(price_key: str) -> Callable[[Mapping[str, Any]], tuple[PricePath, ...]]:
    """`ChargeModel.prices` of a tiered model: each tier's price."""
    return lambda charge: tuple(("tiers", i, price_key) for i in range(len(charge.get("tiers") or [])))


def price_label(path: PricePath) -> str:
    """A price path as written in the contract: unit_price, tiers[1].unit_price."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out
