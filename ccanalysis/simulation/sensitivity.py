"""Sensitivity (issue 13, item 6): a tornado of each candidate's cost on the basis against ± fraction of each
driver — volume, AHT, shrinkage (through the staffed hours of time-paid units) and each price of the
candidate's charges — on the vectorised cost (`montecarlo.CandidatePricer`).

Shrinkage s moves staffed hours as 1 / (1 − s): at s × (1 ± fraction) the hours are multiplied by
(1 − s) / (1 − s × (1 ± fraction)).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import numpy as np
import pandas as pd

from ccanalysis.pricing.base import price_label
from ccanalysis.simulation.breakeven import price_at, price_paths, with_price
from ccanalysis.simulation.model import Basis, Candidate
from ccanalysis.simulation.montecarlo import CandidatePricer, HoursCurve, cents, monthly_drivers

TORNADO_COLUMNS = ["candidate", "driver", "charge", "price", "base_cost", "low_cost", "high_cost", "swing"]


def _cost_at(pricer: CandidatePricer, hours_curve: HoursCurve | None, volume: float = 1.0, aht: float = 1.0,
             hours: float = 1.0) -> float:
    """The cost over the basis months with every month's volume, AHT and hours multiplied."""
    ones = np.ones((1, len(pricer.months)))
    return float(pricer.cost(monthly_drivers(ones * volume, ones * aht, hours_curve, hours_factor=hours))[0])


def tornado(candidates: Sequence[Candidate], basis: Basis, *, fraction: Decimal | float = Decimal("0.10"),
            shrinkage: Decimal | float = Decimal("0.3"), hours_curve: HoursCurve | None = None) -> pd.DataFrame:
    """One row per candidate and driver: the cost on the basis with the driver at −fraction (low_cost)
    and +fraction (high_cost) and swing = |high − low| (Decimal, cents); driver "volume", "aht",
    "shrinkage" or "price" (charge and price name which). Sorted by candidate (in order), then swing,
    largest first."""
    x = float(fraction)
    s = float(shrinkage)
    if not 0 <= x < 1:
        raise ValueError(f"fraction: must be from 0 to 1, got {fraction}")
    if not 0 <= s < 1 or s * (1 + x) >= 1:
        raise ValueError(f"shrinkage: must be from 0 to 1 (also at + {x:.0%}), got {shrinkage}")
    rows = []
    for order, candidate in enumerate(candidates):
        pricer = CandidatePricer.build(candidate, basis)
        ones = np.ones((1, len(basis.months)))
        at_one = monthly_drivers(ones, ones, hours_curve)
        base = _cost_at(pricer, hours_curve)
        moves = [("volume", None, None, _cost_at(pricer, hours_curve, volume=1 - x),
                  _cost_at(pricer, hours_curve, volume=1 + x)),
                 ("aht", None, None, _cost_at(pricer, hours_curve, aht=1 - x), _cost_at(pricer, hours_curve, aht=1 + x)),
                 ("shrinkage", None, None, _cost_at(pricer, hours_curve, hours=(1 - s) / (1 - s * (1 - x))),
                  _cost_at(pricer, hours_curve, hours=(1 - s) / (1 - s * (1 + x))))]
        for charge in candidate.service.charges:
            for path in price_paths(charge):
                price = price_at(charge, path)
                costs = [float(pricer.cost(at_one, {charge["id"]: with_price(charge, path, price * Decimal(k))})[0])
                         for k in (1 - Decimal(str(x)), 1 + Decimal(str(x)))]
                moves.append(("price", charge["id"], price_label(path), *costs))
        for driver, charge_id, price_key, low, high in moves:
            rows.append({"order": order, "candidate": candidate.id, "driver": driver, "charge": charge_id,
                         "price": price_key, "base_cost": cents(base), "low_cost": cents(low),
                         "high_cost": cents(high), "swing": cents(abs(high - low))})
    frame = pd.DataFrame(rows, columns=["order", *TORNADO_COLUMNS])
    frame["abs_swing"] = frame["swing"].astype(float)
    frame = frame.sort_values(["order", "abs_swing"], ascending=[True, False], kind="stable")
    frame = frame.drop(columns=["order", "abs_swing"]).reset_index(drop=True)
    for column in ("charge", "price"):  # None (not NaN) for the drivers that are not a price
        frame[column] = pd.Series([None if pd.isna(v) else v for v in frame[column]], dtype=object)
    return frame
