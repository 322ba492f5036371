"""Monte Carlo of the candidates' cost on the basis (issue 13, item 4): many draws of the volume and AHT
multipliers priced at once with NumPy.

The exact engine runs once per candidate and month on the basis (`ccanalysis.simulation.replay`: the one
definition of a candidate's cost on a basis month, whose terms, periods and rated activities the base units
come from, and whose invoice gives the SLA fraction and the commitment); every draw then scales those base units by the product
of the multipliers its unit's `drivers` name (`pricing.units.BillableUnit.drivers`) and rates them with
the model's vectorised `rate_array` (`pricing.rating.rate_array`, per-charge minimum and maximum included).
Per month and candidate: charges, then the minimum commitment true-up, then the SLA adjustment.

Simplifications (what the draws do not model):
- KPI outcomes are not simulated: each month's SLA adjustment keeps the fraction of its SLA base it has on
  the basis (bonus or penalty, after caps), applied to the drawn base.
- Amounts are float64 before the per-line rounding to cents (an exact invoice differs by at most half a
  cent per line).
- Per-day draws (`uncertainty.per == "day"`) give each month one multiplier per driver: the days'
  multipliers weighted by the day's share of the driver on the basis (handled contacts for volume, handled
  seconds for volume × AHT, logged seconds for hours). Exact for sums of days; an approximation for
  distinct customers and capacity peaks, and the weights are the whole day's (not only the hours or
  day classes a charge's `applies_to` counts).
- A unit's base value scales linearly with its multipliers: per-contact rounding of minutes (`rounding`),
  capacity peaks and tier boundaries are taken on the scaled base value (the tiers themselves are exact).
- Hours of time-paid candidates follow `hours_curve(volume_mult, aht_mult) → hours_mult` (default: hours ∝
  volume × AHT); event values (payments) scale with the volume multiplier, their number does not.
- Only the candidate's priced service (`Candidate.service_id`) is rated; the commitment true-up compares
  the commitment with that service's charges (as in the replay).
- A candidate is "cheapest" in a draw when its cost is the lowest (ties go to the first candidate).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from ccanalysis import invoice
from ccanalysis.money import ZERO, round_money
from ccanalysis.pricing.rating import rate_array
from ccanalysis.pricing.registry import CHARGE_MODELS
from ccanalysis.pricing.units import UNITS, billable_units, charge_units
from ccanalysis.simulation.model import Basis, Candidate, Distribution, Uncertainty
from ccanalysis.simulation.replay import basis_cost, rated_activity, replay_month  # noqa: F401 (re-export)

#: hours_curve(volume_mult, aht_mult) → hours_mult, elementwise on arrays.
HoursCurve = Callable[[np.ndarray, np.ndarray], np.ndarray]
PERCENTILES = (5, 50, 95)
SUMMARY_COLUMNS = ["candidate", "mean", "sd", "p5", "p50", "p95", "p_cheapest"]


def proportional_hours(volume_mult: np.ndarray, aht_mult: np.ndarray) -> np.ndarray:
    """The default hours curve: staffed hours ∝ volume × AHT."""
    return np.asarray(volume_mult, dtype=float) * np.asarray(aht_mult, dtype=float)


# ------------------------------------------------------------------------------------------ drivers

@dataclass(frozen=True)
class Drivers:
    """Effective multipliers per draw and month, shape (n, months): of volume, of volume × AHT (handled
    time) and of staffed hours."""

    volume: np.ndarray
    handled_time: np.ndarray
    hours: np.ndarray

    @property
    def draws(self) -> int:
        """The number of draws."""
        return int(self.volume.shape[0])

    def of(self, drivers: tuple[str, ...], month: int) -> np.ndarray:
        """The multiplier of a unit with these drivers in month `month` (index), shape (n,)."""
        names = tuple(sorted(drivers))
        if names == ():
            return np.ones(self.draws)
        if names == ("volume",):
            return self.volume[:, month]
        if names == ("aht", "volume"):
            return self.handled_time[:, month]
        if names == ("hours",):
            return self.hours[:, month]
        if names == ("aht",):
            return self.handled_time[:, month] / np.where(self.volume[:, month] == 0, 1, self.volume[:, month])
        raise ValueError(f"drivers: no multiplier for {drivers!r}")


def monthly_drivers(volume: np.ndarray, aht: np.ndarray, hours_curve: HoursCurve | None = None, *,
                    hours_factor: float = 1.0) -> Drivers:
    """Drivers from one volume and AHT multiplier per draw and month (arrays (n, months));
    hours_factor multiplies the hours (the tornado's shrinkage)."""
    curve = hours_curve or proportional_hours
    volume = np.atleast_2d(np.asarray(volume, dtype=float))
    aht = np.atleast_2d(np.asarray(aht, dtype=float))
    return Drivers(volume, volume * aht, np.asarray(curve(volume, aht), dtype=float) * hours_factor)


def _weights(days: pd.DataFrame, columns: Sequence[str]) -> np.ndarray:
    present = [c for c in columns if c in days.columns]
    values = days[present].astype(float).sum(axis=1).to_numpy() if present else np.zeros(len(days))
    return values


def daily_drivers(basis: Basis, volume: np.ndarray, aht: np.ndarray,
                  hours_curve: HoursCurve | None = None) -> Drivers:
    """Drivers from one multiplier per draw and day (arrays (n, days) in the order of basis.days): each
    month's multiplier is the days' multipliers weighted by the day's share of the driver on the basis."""
    curve = hours_curve or proportional_hours
    days = basis.days
    months = days["month"].astype(str).to_numpy()
    hours_day = np.asarray(curve(volume, aht), dtype=float)
    handled_time = volume * aht
    weights = {"volume": _weights(days, ["handled"]), "handled_time": _weights(days, ["talk_s", "hold_s", "acw_s"]),
               "hours": _weights(days, ["logged_s"])}
    out = {name: np.ones((volume.shape[0], len(basis.months))) for name in weights}
    for index, month in enumerate(basis.months):
        in_month = months == month
        for name, per_day in (("volume", volume), ("handled_time", handled_time), ("hours", hours_day)):
            w = weights[name][in_month]
            if w.sum() <= 0:
                w = np.ones(int(in_month.sum()))
            if w.size:
                out[name][:, index] = per_day[:, in_month] @ (w / w.sum())
    return Drivers(out["volume"], out["handled_time"], out["hours"])


def _multipliers(dist: Distribution, z: np.ndarray) -> np.ndarray:
    """Multipliers (mean 1) of a distribution from standard normal scores z (the Gaussian copula)."""
    if dist.kind == "normal":
        return np.maximum(0.0, 1.0 + dist.sd * z)  # a multiplier below 0 is no activity
    if dist.kind == "lognormal":
        sigma2 = np.log1p(dist.sd ** 2)
        return np.exp(-sigma2 / 2 + np.sqrt(sigma2) * z)
    u = stats.norm.cdf(z)
    if dist.kind == "uniform":
        half = dist.sd * np.sqrt(3.0)
        low = 1.0 - half if dist.low is None else dist.low
        high = 1.0 + half if dist.high is None else dist.high
        return low + (high - low) * u
    if dist.kind == "triangular":
        half = dist.sd * np.sqrt(6.0)
        low = 1.0 - half if dist.low is None else dist.low
        high = 1.0 + half if dist.high is None else dist.high
        mode = (low + high) / 2 if dist.mode is None else dist.mode
        if high <= low:
            return np.full(z.shape, low)
        return stats.triang.ppf(u, (mode - low) / (high - low), loc=low, scale=high - low)
    raise ValueError(f"kind: unknown distribution {dist.kind!r}")


def draw_multipliers(uncertainty: Uncertainty, shape: tuple[int, int], rng: np.random.Generator
                     ) -> tuple[np.ndarray, np.ndarray]:
    """Correlated volume and AHT multipliers of the given shape (draws, months or days): correlated
    standard normals (correlation ρ) through each driver's distribution."""
    rho = float(uncertainty.correlation)
    if not -1.0 <= rho <= 1.0:
        raise ValueError(f"correlation: must be between -1 and 1, got {rho}")
    for name, dist in (("volume", uncertainty.volume), ("aht", uncertainty.aht)):
        if dist.sd < 0:
            raise ValueError(f"{name}.sd: must not be negative, got {dist.sd}")
    z_volume = rng.standard_normal(shape)
    z_aht = rho * z_volume + np.sqrt(1.0 - rho ** 2) * rng.standard_normal(shape)
    return _multipliers(uncertainty.volume, z_volume), _multipliers(uncertainty.aht, z_aht)


# ------------------------------------------------------------------------------------------ pricing

@dataclass(frozen=True)
class ChargeTerms:
    """One charge in one month: its base units on the basis (float, capacity: dimension → float, events:
    array of event values) and what scales them."""

    charge: Mapping[str, Any]
    units: Any
    drivers: Any  # tuple of driver names, or dimension → tuple for capacity
    active_days: int
    period_days: int
    periodic: bool


@dataclass(frozen=True)
class MonthTerms:
    month: str
    charges: tuple[ChargeTerms, ...]
    committed: float | None  # the commitment (rounded, prorated) for the month; None: no commitment
    sla_fraction: float  # Σ SLA lines / SLA base on the basis (0: no SLA or a zero base)
    sla_all_charges: bool  # the SLA base is all charges (else the non-periodic ones)


def _unit_drivers(name: str) -> tuple[str, ...]:
    unit = UNITS.get(name)
    if unit.drivers is None:
        raise ValueError(f"unit: {name!r} does not say how it scales with volume and AHT (BillableUnit.drivers), "
                         "so it cannot be simulated")
    return unit.drivers


def basis_lines(candidate: Candidate, basis: Basis, month: str) -> tuple[list[invoice.Line], list[invoice.Line],
                                                                           list[invoice.Line]]:
    """The exact lines of the candidate's service on the basis for one month: (charges, commitment true-up,
    SLA lines), from `replay.replay_month` (the one definition of a candidate's cost on a basis month)."""
    replayed = replay_month(candidate, basis, month)
    return list(replayed.charges), list(replayed.commitment), list(replayed.sla_lines)


@dataclass(frozen=True)
class CandidatePricer:
    """A candidate's base units per charge and month on the basis, priced for many draws at once."""

    candidate: Candidate
    months: tuple[MonthTerms, ...]

    @classmethod
    def build(cls, candidate: Candidate, basis: Basis) -> CandidatePricer:
        """The candidate's pricer: each basis month replayed, its charges ready to price on arrays of draws."""
        months = []
        for month in basis.months:
            replayed = replay_month(candidate, basis, month)
            service, days = replayed.service, replayed.period.days
            sla_all = (service.sla or {}).get("base", "variable_charges") == "all_charges"
            terms = []
            for charge in service.charges:
                model = CHARGE_MODELS.get(charge["model"])
                activity = rated_activity(charge, replayed.activity, replayed.time_activity)
                units = billable_units(charge, activity, active_days=days, period_days=days)
                if model.dimensions:
                    base: Any = {d: float(v) for d, v in units.units.items()}
                    drivers: Any = {d: _unit_drivers(d) for d in charge_units(charge)}
                elif units.events is not None:
                    base = np.array([float(v) for v in units.events])
                    drivers = _unit_drivers(charge["unit"])
                else:
                    base = 0.0 if units.units is None else float(units.units)
                    drivers = _unit_drivers(charge["unit"]) if charge.get("unit") else ()
                terms.append(ChargeTerms(charge, base, drivers, days, days, model.periodic))
            committed = None if replayed.committed is None else float(replayed.committed)
            sla_base = sum((line.amount for line in replayed.charges if sla_all or not line.periodic), ZERO)
            sla_total = sum((line.amount for line in replayed.sla_lines), ZERO)
            fraction = float(sla_total / sla_base) if sla_base else 0.0
            months.append(MonthTerms(month, tuple(terms), committed, fraction, sla_all))
        return cls(candidate, tuple(months))

    def _charge(self, terms: ChargeTerms, drivers: Drivers, month: int,
                charge: Mapping[str, Any] | None = None) -> np.ndarray:
        charge = terms.charge if charge is None else charge
        kwargs = {"active_days": terms.active_days, "period_days": terms.period_days}
        if isinstance(terms.units, dict):
            units: Any = {d: v * drivers.of(terms.drivers[d], month) for d, v in terms.units.items()}
        elif isinstance(terms.units, np.ndarray):
            return self._events(terms, drivers.of(terms.drivers, month), charge)
        else:
            units = terms.units * drivers.of(terms.drivers, month)
        return rate_array(charge, units, **kwargs)

    @staticmethod
    def _events(terms: ChargeTerms, multiplier: np.ndarray, charge: Mapping[str, Any]) -> np.ndarray:
        """Event values × the draw's volume multiplier, rated in blocks of draws (bounded memory)."""
        events = terms.units
        kwargs = {"active_days": terms.active_days, "period_days": terms.period_days}
        if events.size == 0:
            return rate_array(charge, np.zeros((multiplier.size, 0)), **kwargs)
        block = max(1, 2_000_000 // events.size)
        out = np.empty(multiplier.size)
        for start in range(0, multiplier.size, block):
            part = multiplier[start:start + block]
            out[start:start + block] = rate_array(charge, part[:, None] * events[None, :], **kwargs)
        return out

    def monthly_costs(self, drivers: Drivers, charges: Mapping[str, Mapping[str, Any]] | None = None
                      ) -> np.ndarray:
        """Cost per draw and month (n, months): charges, commitment true-up, SLA adjustment. charges:
        charge id → a replacement charge mapping (the tornado's and break-even's price changes)."""
        charges = charges or {}
        out = np.zeros((drivers.draws, len(self.months)))
        for index, month in enumerate(self.months):
            total = np.zeros(drivers.draws)
            sla_base = np.zeros(drivers.draws)
            for terms in month.charges:
                amount = self._charge(terms, drivers, index, charges.get(terms.charge["id"]))
                total += amount
                if month.sla_all_charges or not terms.periodic:
                    sla_base += amount
            true_up = np.maximum(0.0, month.committed - total) if month.committed is not None else 0.0
            out[:, index] = total + true_up + month.sla_fraction * sla_base
        return out

    def cost(self, drivers: Drivers, charges: Mapping[str, Mapping[str, Any]] | None = None) -> np.ndarray:
        """Cost per draw over every month (n,)."""
        return self.monthly_costs(drivers, charges).sum(axis=1)


# ------------------------------------------------------------------------------------------ simulate

def cents(value: float) -> Decimal:
    """A float amount as a Decimal rounded half-up to cents."""
    return round_money(Decimal(repr(float(value))))


@dataclass(frozen=True)
class MonteCarlo:
    """The draws and their summary.

    candidates: candidate ids in order; costs: cost per draw and candidate (draws × candidates, float64);
    volume / aht: the multipliers drawn (draws × months or days); summary: one row per candidate with mean,
    sd, p5, p50, p95 (Decimal, cents) and p_cheapest (the share of draws it is the cheapest in)."""

    candidates: tuple[str, ...]
    costs: np.ndarray
    volume: np.ndarray
    aht: np.ndarray
    summary: pd.DataFrame
    seed: int
    per: str

    @property
    def draws(self) -> int:
        """The number of draws."""
        return int(self.costs.shape[0])


def summarise(candidates: Sequence[str], costs: np.ndarray) -> pd.DataFrame:
    """Mean, sd, P5, P50, P95 per candidate (Decimal, cents) and the probability of being the cheapest."""
    cheapest = np.bincount(np.argmin(costs, axis=1), minlength=costs.shape[1]) / costs.shape[0]
    rows = []
    for index, candidate in enumerate(candidates):
        column = costs[:, index]
        p5, p50, p95 = np.percentile(column, PERCENTILES)
        rows.append({"candidate": candidate, "mean": cents(column.mean()),
                     "sd": cents(column.std(ddof=1) if column.size > 1 else 0.0), "p5": cents(p5),
                     "p50": cents(p50), "p95": cents(p95), "p_cheapest": float(cheapest[index])})
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)


def draw_drivers(basis: Basis, uncertainty: Uncertainty, *, draws: int, seed: int,
                 hours_curve: HoursCurve | None = None) -> tuple[Drivers, np.ndarray, np.ndarray]:
    """The drawn multipliers (per month or per day as uncertainty.per says) and the drivers per month."""
    if draws < 1:
        raise ValueError(f"draws: must be at least 1, got {draws}")
    rng = np.random.default_rng(seed)
    if uncertainty.per == "day":
        volume, aht = draw_multipliers(uncertainty, (draws, len(basis.days)), rng)
        return daily_drivers(basis, volume, aht, hours_curve), volume, aht
    if uncertainty.per != "month":
        raise ValueError(f"per: must be month or day, got {uncertainty.per!r}")
    volume, aht = draw_multipliers(uncertainty, (draws, len(basis.months)), rng)
    return monthly_drivers(volume, aht, hours_curve), volume, aht


def simulate(candidates: Sequence[Candidate], basis: Basis, uncertainty: Uncertainty, *, draws: int, seed: int,
             hours_curve: HoursCurve | None = None) -> MonteCarlo:
    """Cost distribution of every candidate over `draws` draws of the volume and AHT multipliers
    (reproducible: the same seed gives the same draws and costs)."""
    if not candidates:
        raise ValueError("candidates: at least one candidate to simulate")
    drivers, volume, aht = draw_drivers(basis, uncertainty, draws=draws, seed=seed, hours_curve=hours_curve)
    costs = np.column_stack([CandidatePricer.build(c, basis).cost(drivers) for c in candidates])
    ids = tuple(c.id for c in candidates)
    return MonteCarlo(ids, costs, volume, aht, summarise(ids, costs), seed, uncertainty.per)
