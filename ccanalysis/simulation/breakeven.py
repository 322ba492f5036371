"""Break-even and equivalent prices (issue 13, item 5).

- `equivalent_price`: the price of one charge of candidate B at which B costs on the basis what A costs
  (for negotiation), on the exact engine: solved from two prices where the cost is linear in it, else by
  bisection on the exact cost to the cent (tiers, minimums, commitments).
- `crossing`: the volume (or AHT) multiplier at which two candidates cost the same (brentq on the
  vectorised cost; None when they do not cross in [low, high]).
- `cost_curve`: cost against the volume (or AHT) multiplier per candidate, for the break-even chart.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import brentq

from ccanalysis.money import ZERO
from ccanalysis.pricing.base import PricePath, price_label
from ccanalysis.pricing.registry import CHARGE_MODELS
from ccanalysis.simulation.model import Basis, Candidate
from ccanalysis.simulation.montecarlo import (
    CandidatePricer,
    HoursCurve,
    basis_cost,
    basis_lines,
    monthly_drivers,
)

PRICE_STEP = Decimal("0.000001")  # prices are solved to 6 decimals
CENT = Decimal("0.01")
DRIVERS = ("volume", "aht")
#: Grid the crossing is bracketed on before brentq refines it.
CROSSING_GRID = 301


@dataclass(frozen=True)
class EquivalentPrice:
    """B's price `price` (key path `key` of charge `charge`) at which B costs `cost` ≈ A's `target` on the
    basis; method: "linear" (two prices) or "bisection"; None price: no price ≥ 0 reaches A's cost (B costs
    more than A even at price 0, or its cost does not depend on the price)."""

    candidate: str
    charge: str
    key: str
    price: Decimal | None
    target: Decimal
    cost: Decimal | None
    method: str


def charge_of(candidate: Candidate, charge_id: str) -> Mapping[str, Any]:
    """The candidate's charge with id `charge_id`; ValueError listing its charges otherwise."""
    for charge in candidate.service.charges:
        if charge["id"] == charge_id:
            return charge
    raise ValueError(f"charge: candidate {candidate.id!r} has no charge {charge_id!r} "
                     f"(its charges: {', '.join(c['id'] for c in candidate.service.charges)})")


def price_paths(charge: Mapping[str, Any]) -> tuple[PricePath, ...]:
    """The key paths of a charge's prices (`ChargeModel.prices`)."""
    return CHARGE_MODELS.get(charge["model"]).prices(charge)


def price_at(charge: Mapping[str, Any], path: PricePath) -> Decimal:
    """The price at `path` in the charge, as an exact Decimal."""
    value: Any = charge
    for part in path:
        value = value[part]
    return Decimal(str(value))


def with_price(charge: Mapping[str, Any], path: PricePath, price: Decimal) -> dict[str, Any]:
    """A copy of the charge with the price at `path` set (as text, exact)."""
    import copy

    out = copy.deepcopy(dict(charge))
    target: Any = out
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = f"{price:f}"
    return out


def with_charge_price(candidate: Candidate, charge_id: str, path: PricePath, price: Decimal) -> Candidate:
    """The candidate with one charge's price changed (in the base terms and every version)."""
    contract = candidate.contract.model_copy(deep=True)
    services = list(contract.services) + [s for v in contract.versions for s in v.services]
    for service in services:
        if service.id != candidate.service_id:
            continue
        for index, charge in enumerate(service.charges):
            if charge["id"] == charge_id:
                service.charges[index] = with_price(charge, path, price)
    return Candidate(candidate.id, contract, candidate.service_id, candidate.source, candidate.offer,
                     candidate.supplier)


def _path(charge: Mapping[str, Any], key: PricePath | None) -> PricePath:
    paths = price_paths(charge)
    if key is not None:
        key = tuple(key)
        if key not in paths:
            raise ValueError(f"key: charge {charge['id']!r} has no price {price_label(key)} "
                             f"(its prices: {', '.join(price_label(p) for p in paths)})")
        return key
    if len(paths) != 1:
        raise ValueError(f"key: charge {charge['id']!r} has {len(paths)} prices; name the one to solve "
                         f"({', '.join(price_label(p) for p in paths)})")
    return paths[0]


def _line_count(candidate: Candidate, basis: Basis) -> int:
    return sum(len(lines) for month in basis.months for lines in basis_lines(candidate, basis, month))


def equivalent_price(a: Candidate, b: Candidate, basis: Basis, charge_id: str, *,
                     key: PricePath | None = None) -> EquivalentPrice:
    """The price of B's charge `charge_id` (key: which of its prices, needed when it has several, e.g.
    ("tiers", 1, "unit_price")) at which B's exact cost on the basis equals A's."""
    path = _path(charge_of(b, charge_id), key)
    target = basis_cost(a, basis)

    def cost(price: Decimal) -> Decimal:
        return basis_cost(with_charge_price(b, charge_id, path, price), basis)

    label = price_label(path)
    c0, c1 = cost(ZERO), cost(Decimal(1))
    if c0 > target:
        return EquivalentPrice(b.id, charge_id, label, None, target, None, "none")
    # Every line rounds to cents: a solution is one within half a cent a line (plus one price step).
    tolerance = CENT / 2 * max(1, _line_count(b, basis)) + abs(c1 - c0) * PRICE_STEP
    if c1 != c0:
        guess = ((target - c0) / (c1 - c0)).quantize(PRICE_STEP)
        if guess >= 0:
            at_guess = cost(guess)
            if abs(at_guess - target) <= tolerance:
                return EquivalentPrice(b.id, charge_id, label, guess, target, at_guess, "linear")
    low, high = ZERO, Decimal(1)
    for _ in range(60):
        if cost(high) >= target:
            break
        low, high = high, high * 2
    else:
        return EquivalentPrice(b.id, charge_id, label, None, target, None, "none")
    while high - low > PRICE_STEP:
        middle = ((low + high) / 2).quantize(PRICE_STEP)
        if middle in (low, high):
            break
        value = cost(middle)
        if abs(value - target) < CENT / 2:
            return EquivalentPrice(b.id, charge_id, label, middle, target, value, "bisection")
        if value < target:
            low = middle
        else:
            high = middle
    value_low, value_high = cost(low), cost(high)
    best = low if abs(value_low - target) <= abs(value_high - target) else high
    return EquivalentPrice(b.id, charge_id, label, best, target, min(value_low, value_high, key=lambda v: abs(v - target)),
                           "bisection")


# ------------------------------------------------------------------------------------------ crossings

def _driver_costs(pricer: CandidatePricer, driver: str, multipliers: np.ndarray,
                  hours_curve: HoursCurve | None) -> np.ndarray:
    if driver not in DRIVERS:
        raise ValueError(f"driver: must be one of {', '.join(DRIVERS)}, got {driver!r}")
    months = len(pricer.months)
    moved = np.repeat(np.asarray(multipliers, dtype=float)[:, None], months, axis=1)
    still = np.ones_like(moved)
    volume, aht = (moved, still) if driver == "volume" else (still, moved)
    return pricer.cost(monthly_drivers(volume, aht, hours_curve))


def cost_curve(candidates: Sequence[Candidate], basis: Basis, *, driver: str = "volume",
               multipliers: Sequence[float] | np.ndarray | None = None,
               hours_curve: HoursCurve | None = None) -> pd.DataFrame:
    """Cost over the basis months per candidate (float) against the driver's multiplier (same in every
    month): columns multiplier and one per candidate id."""
    grid = np.linspace(0.5, 2.0, 31) if multipliers is None else np.asarray(multipliers, dtype=float)
    frame = pd.DataFrame({"multiplier": grid})
    for candidate in candidates:
        frame[candidate.id] = _driver_costs(CandidatePricer.build(candidate, basis), driver, grid, hours_curve)
    return frame


def crossing(a: Candidate, b: Candidate, basis: Basis, *, driver: str = "volume", low: float = 0.5,
             high: float = 2.0, hours_curve: HoursCurve | None = None) -> float | None:
    """The smallest multiplier of `driver` ("volume" or "aht") in [low, high] at which A and B cost the
    same on the basis (brentq on the vectorised cost); None when they never cross there."""
    pa, pb = CandidatePricer.build(a, basis), CandidatePricer.build(b, basis)

    def difference(values: np.ndarray) -> np.ndarray:
        return _driver_costs(pa, driver, values, hours_curve) - _driver_costs(pb, driver, values, hours_curve)

    grid = np.linspace(low, high, CROSSING_GRID)
    gaps = difference(grid)
    scale = max(1.0, float(np.abs(gaps).max()))
    zero = np.abs(gaps) <= 1e-9 * scale
    if zero.all():
        return None  # the same cost everywhere: no crossing point
    for index in range(len(grid) - 1):
        if zero[index]:
            return float(grid[index])
        if gaps[index] * gaps[index + 1] < 0:
            return float(brentq(lambda m: float(difference(np.array([m]))[0]), grid[index], grid[index + 1],
                                xtol=1e-10))
    return float(grid[-1]) if zero[-1] else None
