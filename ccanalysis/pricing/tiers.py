"""Tiers of the tiered models (graduated, volume, graduated_percentage): parsing, checks and the parts of
the tiers a usage reaches."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np

from ccanalysis.money import ZERO
from ccanalysis.pricing.base import (
    Fact,
    RatedPart,
    ceil,
    ceil_array,
    check_number,
    flag,
    format_quantity,
    number,
)

PRICE_TIER_KEYS = ("up_to", "unit_price", "flat_fee", "block_size")
RATE_TIER_KEYS = ("up_to", "rate", "flat_fee")


@dataclass(frozen=True)
class Tier:
    number: int  # 1-based
    lower: Decimal
    upper: Decimal | None  # None = unbounded
    price: Decimal  # unit_price, or rate for graduated_percentage
    flat_fee: Decimal
    block_size: Decimal | None

    def contains(self, units: Decimal) -> bool:
        """Whether `units` fall in this tier: at most its upper bound (the last tier is unbounded)."""
        return self.upper is None or units <= self.upper


def tiers(charge: Mapping[str, Any], price_key: str) -> list[Tier]:
    """The charge's tiers with their lower bounds (the previous up_to, the first starting at 0)."""
    out: list[Tier] = []
    lower = ZERO
    for position, tier in enumerate(charge["tiers"], start=1):
        path = f"tiers[{position - 1}]"
        up_to = tier.get("up_to")
        upper = None if up_to is None else number(up_to, f"{path}.up_to")
        price = number(tier.get(price_key, 0), f"{path}.{price_key}", fraction=price_key == "rate")
        flat_fee = number(tier.get("flat_fee", 0), f"{path}.flat_fee")
        block = tier.get("block_size")
        block_size = None if block is None else number(block, f"{path}.block_size")
        out.append(Tier(position, lower, upper, price, flat_fee, block_size))
        if upper is not None:
            lower = upper
    return out


def check_tiers(charge: Mapping[str, Any], price_key: str) -> None:
    """The tiers list: mappings of the allowed keys, increasing up_to, the last one open (up_to: null)."""
    rows = charge["tiers"]
    if not isinstance(rows, list) or not rows:
        raise ValueError("tiers: must be a non-empty list")
    allowed = RATE_TIER_KEYS if price_key == "rate" else PRICE_TIER_KEYS
    previous: Decimal | None = None
    for index, tier in enumerate(rows):
        path = f"tiers[{index}]"
        if not isinstance(tier, Mapping):
            raise ValueError(f"{path}: must be a mapping of {', '.join(allowed)}")
        for key in tier:
            if key not in allowed:
                raise ValueError(f"{path}: unknown key {key!r} (allowed: {', '.join(allowed)})")
        last = index == len(rows) - 1
        up_to = tier.get("up_to")
        if up_to is None and not last:
            raise ValueError(f"{path}.up_to: null only allowed on the last tier")
        if up_to is not None:
            if last:
                raise ValueError(f"{path}.up_to: the last tier must have up_to: null (no upper limit)")
            bound = check_number(up_to, f"{path}.up_to", positive=True)
            if previous is not None and bound <= previous:
                raise ValueError(f"{path}.up_to: must be greater than {format_quantity(previous)}")
            previous = bound
        if tier.get(price_key) is not None:
            check_number(tier[price_key], f"{path}.{price_key}", fraction=price_key == "rate")
        if tier.get("flat_fee") is not None:
            check_number(tier["flat_fee"], f"{path}.flat_fee")
        if tier.get("block_size") is not None:
            check_number(tier["block_size"], f"{path}.block_size", positive=True)


def flat_fee_part(tier: Tier, reason: str) -> RatedPart:
    """A tier's flat fee; reason: "at_zero" (flat_fee_at_zero), "reached" (graduated) or "contains" (volume)."""
    return RatedPart("flat_fee", tier.number, Decimal(1), tier.flat_fee, tier.flat_fee,
                     Fact("flat_fee", {"tier": tier.number, "reason": reason, "lower": tier.lower}))


def zero_part(tier: int | None, what: str) -> RatedPart:
    """No usage: what is "units", "value" or "dimensions"; tier: the tier it falls in (volume: 1)."""
    return RatedPart("charge", tier, ZERO, None, ZERO, Fact("no_usage", {"what": what, "tier": tier}))


def units_part(tier: Tier, quantity: Decimal, scope: str) -> RatedPart:
    """A tier's charge part: quantity units (or whole blocks, rounded up) × the tier's price.

    scope: "graduated" (the units inside the tier) or "volume" (all units, at the tier the total is in)."""
    figures: dict[str, Any] = {"scope": scope, "tier": tier.number, "lower": tier.lower, "upper": tier.upper,
                               "quantity": quantity, "price": tier.price}
    if tier.block_size is None:
        return RatedPart("charge", tier.number, quantity, tier.price, quantity * tier.price,
                         Fact("tier_units", figures))
    blocks = ceil(quantity / tier.block_size)
    figures |= {"blocks": blocks, "block_size": tier.block_size}
    return RatedPart("charge", tier.number, blocks, tier.price, blocks * tier.price, Fact("tier_blocks", figures))


def graduated_parts(charge: Mapping[str, Any], price_key: str, total: Decimal) -> list[RatedPart]:
    """Σ over reached tiers: the units (or value) inside each tier × its price (or rate), + its flat_fee."""
    percent = price_key == "rate"
    rows = tiers(charge, price_key)
    parts: list[RatedPart] = []
    if total == 0:
        if flag(charge, "flat_fee_at_zero", False) and rows[0].flat_fee:
            parts.append(flat_fee_part(rows[0], "at_zero"))
        return parts or [zero_part(None, "value" if percent else "units")]
    for tier in rows:
        if total <= tier.lower:
            break
        in_tier = (total if tier.upper is None else min(total, tier.upper)) - tier.lower
        if percent:
            fact = Fact("tier_value", {"tier": tier.number, "lower": tier.lower, "upper": tier.upper,
                                       "quantity": in_tier, "rate": tier.price})
            parts.append(RatedPart("charge", tier.number, in_tier, None, in_tier * tier.price, fact))
        else:
            parts.append(units_part(tier, in_tier, "graduated"))
        if tier.flat_fee:
            parts.append(flat_fee_part(tier, "reached"))
    return parts


def tiered_line_unit(charge: Mapping[str, Any]) -> str | None:
    """The unit of a tiered charge's lines: "block of <unit>" when a tier prices whole blocks."""
    if any(t.get("block_size") for t in charge.get("tiers") or []):
        return f"block of {charge['unit']}"
    return charge.get("unit")


def check_flat_fee_at_zero(charge: Mapping[str, Any]) -> None:
    """ValueError unless `flat_fee_at_zero` is absent, true or false."""
    value = charge.get("flat_fee_at_zero")
    if value is not None and not isinstance(value, bool):
        raise ValueError(f"flat_fee_at_zero: must be true or false, got {value!r}")


# ------------------------------------------------------------------------------------------ arrays

def tier_arrays(charge: Mapping[str, Any], price_key: str) -> tuple[list[Tier], np.ndarray, np.ndarray]:
    """The tiers, their lower bounds and upper bounds (inf for the last) as float arrays."""
    rows = tiers(charge, price_key)
    lower = np.array([float(t.lower) for t in rows])
    upper = np.array([np.inf if t.upper is None else float(t.upper) for t in rows])
    return rows, lower, upper


def _tier_charge(tier: Tier, quantity: np.ndarray) -> np.ndarray:
    """quantity × price, or whole blocks (rounded up) × price."""
    if tier.block_size is None:
        return quantity * float(tier.price)
    return ceil_array(quantity / float(tier.block_size)) * float(tier.price)


def _at_zero_fee(charge: Mapping[str, Any], first: Tier) -> float:
    return float(first.flat_fee) if flag(charge, "flat_fee_at_zero", False) else 0.0


def graduated_array(charge: Mapping[str, Any], price_key: str, total: np.ndarray) -> np.ndarray:
    """`graduated_parts` summed, over an array of totals (float64)."""
    rows, lower, upper = tier_arrays(charge, price_key)
    amount = np.zeros(np.shape(total))
    for tier, low, high in zip(rows, lower, upper, strict=True):
        in_tier = np.clip(total - low, 0.0, high - low)
        reached = total > low
        amount += np.where(reached, _tier_charge(tier, in_tier), 0.0)
        if tier.flat_fee:
            amount += np.where(reached, float(tier.flat_fee), 0.0)
    return np.where(total == 0, _at_zero_fee(charge, rows[0]), amount)


def volume_array(charge: Mapping[str, Any], total: np.ndarray) -> np.ndarray:
    """The volume model over an array of totals: every unit at the tier containing the total (+ its fee)."""
    rows, _, upper = tier_arrays(charge, "unit_price")
    index = np.searchsorted(upper, total, side="left")  # the first tier whose up_to ≥ total
    amount = np.zeros(np.shape(total))
    for position, tier in enumerate(rows):
        chosen = index == position
        amount += np.where(chosen, _tier_charge(tier, total) + float(tier.flat_fee), 0.0)
    return np.where(total == 0, _at_zero_fee(charge, rows[0]), amount)
