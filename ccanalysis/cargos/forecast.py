"""Forecasting a retailer's charges per type for the next months, with an interval, and its backtest.

The model (no statsmodels in the environment, so written here, small and exact to its textbook form):
exponential smoothing with additive errors (Hyndman & Athanasopoulos, *Forecasting: Principles and
Practice*, 3rd ed., ch. 8) — ETS(A,N,A), level and an additive season of `SEASON` months, when the series
holds at least two full seasons; ETS(A,N,N), level only, otherwise. α (and γ) are chosen on a grid by the
least sum of squared one-step errors; the interval is the normal one of the book's table 8.8 at `level`
(h-step variance σ²(1 + (h − 1)α²) without season, + ⌊(h − 1)/m⌋ γ(2α + γ) with it), bounded below by 0.

Charges a retailer makes by the agreement's calendar are forecast from the calendar, not from the past:
- promotion: each promotion of the agreement is charged LAG months after the month it ends (the median lag
  of the past charges referencing a promotion, 1 without any): its amount, or percent_of_sales × the
  promotion's share of the forecast sales of its products (all, or those listed when the sales are by
  product) in its months (pro rata by days), the interval from the sales' interval; a month after the calendar's last charge month goes back to the model;
- rappel: each period (quarter or year) ending in the horizon is charged LAG months after its end (the
  median lag of past rappel charges, 1 without any) at the rate of the tier its projected sales reach
  (actual months + forecast months) × those sales; the interval takes the tier and sales at the sales'
  interval bounds.
Pure: DataFrames in, a DataFrame out.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

SEASON = 12
LEVEL = 0.9
ALPHAS = tuple(np.round(np.arange(0.05, 1.0, 0.05), 2))
GAMMAS = tuple(np.round(np.arange(0.0, 0.55, 0.05), 2))
DEFAULT_LAG = 1
FORECAST_COLUMNS = ["retailer", "type", "month", "forecast", "low", "high", "basis"]


def _z(level: float) -> float:
    from scipy.stats import norm

    if not 0 < level < 1:
        raise ValueError(f"level: expected a fraction between 0 and 1, got {level}")
    return float(norm.ppf(0.5 + level / 2))


@dataclass(frozen=True)
class Fit:
    """A fitted exponential smoothing model: its parameters, final state and one-step error σ."""

    alpha: float
    gamma: float | None  # None: no season
    level: float
    season: tuple[float, ...]  # the seasonal state for the next m months, the first being month n + 1
    sigma: float
    n: int


def _grid(y: np.ndarray, alphas: np.ndarray, gammas: np.ndarray | None, m: int
          ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The filter run for every (alpha, gamma) pair at once: (SSE of the one-step errors, final level, final
    season rotated to start at the next month) per pair."""
    k = len(alphas)
    if gammas is None:
        level, sse = np.full(k, y[0]), np.zeros(k)
        for value in y[1:]:
            error = value - level
            sse += error * error
            level = level + alphas * error
        return sse, level, np.zeros((k, 0))
    cycles = len(y) // m
    season = np.tile([np.mean([y[c * m + i] - y[c * m:(c + 1) * m].mean() for c in range(cycles)])
                      for i in range(m)], (k, 1))
    level, sse = np.full(k, y[:m].mean()), np.zeros(k)
    for t, value in enumerate(y):
        s = season[:, t % m]
        error = value - level - s
        sse += error * error
        level = level + alphas * error
        season[:, t % m] = s + gammas * error
    return sse, level, np.roll(season, -(len(y) % m), axis=1)


def fit(y: np.ndarray | list[float], *, season: int = SEASON) -> Fit:
    """Fit ETS(A,N,A) when `y` holds two full seasons, ETS(A,N,N) otherwise (module doc): the grid's pair
    with the least SSE (the first of equals). ValueError on an empty series."""
    y = np.asarray(y, dtype=float)
    if len(y) == 0:
        raise ValueError("forecast: an empty series")
    seasonal = len(y) >= 2 * season
    if seasonal:
        pairs = [(a, g) for a in ALPHAS for g in GAMMAS if g <= 1 - a]
        alphas, gammas = np.array([a for a, _ in pairs]), np.array([g for _, g in pairs])
    else:
        alphas, gammas = np.array(ALPHAS, dtype=float), None
    sse, levels, states = _grid(y, alphas, gammas, season)
    best = int(np.argmin(sse))
    alpha, gamma = float(alphas[best]), None if gammas is None else float(gammas[best])
    errors = len(y) if seasonal else len(y) - 1
    parameters = 1 + (0 if gamma is None else 1 + season)
    sigma = math.sqrt(float(sse[best]) / max(errors - parameters, 1)) if errors > 0 else 0.0
    return Fit(alpha, gamma, float(levels[best]), tuple(float(x) for x in states[best]), sigma, len(y))


def predict(model: Fit, horizon: int, *, level: float = LEVEL) -> pd.DataFrame:
    """h = 1..horizon: forecast, low, high (the interval at `level`, bounded below by 0)."""
    if horizon < 1:
        raise ValueError(f"horizon: expected at least 1 month, got {horizon}")
    z = _z(level)
    rows = []
    m = len(model.season)
    for h in range(1, horizon + 1):
        point = model.level + (model.season[(h - 1) % m] if m else 0.0)
        variance = 1 + (h - 1) * model.alpha ** 2
        if model.gamma is not None:
            variance += ((h - 1) // m) * model.gamma * (2 * model.alpha + model.gamma)
        half = z * model.sigma * math.sqrt(variance)
        rows.append({"h": h, "forecast": max(point, 0.0), "low": max(point - half, 0.0),
                     "high": max(point + half, 0.0)})
    return pd.DataFrame(rows)


def months_after(month: str, horizon: int) -> list[str]:
    """The `horizon` months YYYY-MM after `month`."""
    start = pd.Period(month, freq="M")
    return [str(start + k) for k in range(1, horizon + 1)]


def monthly(charges: pd.DataFrame, through: str, *, start: str | None = None) -> pd.DataFrame:
    """Σ amount per retailer, type and issue month (as floats, EUR) from `start` (default: the first month
    of the charges) to `through`, months without charges as 0: a frame indexed by month, one column per
    (retailer, type)."""
    months = pd.PeriodIndex(pd.to_datetime(charges["issue_date"]), freq="M").astype(str)
    frame = pd.DataFrame({"retailer": charges["retailer"].astype(str).to_numpy(),
                          "type": charges["type"].fillna("unidentified").astype(str).to_numpy(),
                          "month": np.asarray(months), "amount": [float(v) for v in charges["amount"]]})
    frame = frame[frame["month"] <= through]
    first = start or (frame["month"].min() if len(frame) else through)
    index = [str(p) for p in pd.period_range(first, through, freq="M")]
    table = frame.pivot_table(index="month", columns=["retailer", "type"], values="amount", aggfunc="sum")
    return table.reindex(index).fillna(0.0)


def forecast_series(history: pd.Series, horizon: int, *, level: float = LEVEL) -> pd.DataFrame:
    """month, forecast, low, high of a monthly series indexed by YYYY-MM (module doc)."""
    out = predict(fit(history.to_numpy(float)), horizon, level=level)
    out.insert(0, "month", months_after(str(history.index[-1]), horizon))
    return out.drop(columns="h")


# --------------------------------------------------------------------------- the agreement's calendar
def _lag(charges: pd.DataFrame, ends: Mapping[str, date]) -> int:
    """The median months from the end of the promotion or period a charge references to its issue month."""
    if "reference" not in charges or charges.empty:
        return DEFAULT_LAG
    lags = [(pd.Period(pd.Timestamp(d), freq="M") - pd.Period(ends[r], freq="M")).n
            for r, d in zip(charges["reference"], charges["issue_date"], strict=True)
            if isinstance(r, str) and r in ends]
    return int(np.median(lags)) if lags else DEFAULT_LAG


Path = dict[str, tuple[float, float, float]]


class SalesPaths:
    """A retailer's net sales per month — actual (point = low = high) up to `through`, then forecast — of
    all its products or of some (when the sales are by product), each computed once."""

    def __init__(self, sales: pd.DataFrame, retailer: str, through: str, horizon: int, level: float) -> None:
        self.mine = sales[(sales["retailer"].astype(str) == retailer) & (sales["month"].astype(str) <= through)]
        self.through, self.horizon, self.level = through, horizon, level
        self._paths: dict[tuple[str, ...] | None, Path] = {}

    def path(self, products: tuple[str, ...] | None = None) -> Path:
        """The path of `products` (None: all); products the sales do not break down count as all."""
        if products is not None and "product" not in self.mine.columns:
            products = None
        if products not in self._paths:
            rows = self.mine if products is None else self.mine[self.mine["product"].isin(products)]
            self._paths[products] = _sales_path(rows, self.through, self.horizon, self.level)
        return self._paths[products]


def _sales_path(mine: pd.DataFrame, through: str, horizon: int, level: float) -> Path:
    """Net sales per month of `mine` (sales rows): actual up to `through`, then forecast."""
    by_month = mine.groupby(mine["month"].astype(str))["net_sales"].apply(lambda v: float(sum(v, Decimal(0))))
    path = {m: (v, v, v) for m, v in by_month.items()}
    if len(by_month):
        series = by_month.reindex([str(p) for p in pd.period_range(by_month.index.min(), through, freq="M")]
                                  ).fillna(0.0)
        for row in forecast_series(series, horizon + 15, level=level).itertuples(index=False):
            path[row.month] = (row.forecast, row.low, row.high)
    return path


def _days_in(start: date, end: date, month: str) -> tuple[int, int]:
    first = pd.Period(month, freq="M").start_time.date()
    last = pd.Period(month, freq="M").end_time.date()
    lo, hi = max(start, first), min(end, last)
    return max((hi - lo).days + 1, 0), (last - first).days + 1


def _promotions(agreement: Any, charges: pd.DataFrame, paths: SalesPaths) -> dict[str, tuple[float, float, float]]:
    """The promotion charges the calendar expects per charge month."""
    promotions = list(getattr(agreement, "promotions", []) or [])
    lag = _lag(charges[charges["type"] == "promotion"], {p.id: p.end for p in promotions})
    out: dict[str, list[float]] = {}
    for p in promotions:
        month = str(pd.Period(p.end, freq="M") + lag)
        if p.contribution.amount is not None:
            value = float(p.contribution.amount)
            point = low = high = value
        else:
            rate = float(p.contribution.percent_of_sales)
            path = paths.path(None if p.products == "all" else tuple(sorted(p.products)))
            point = low = high = 0.0
            for m in pd.period_range(p.start, p.end, freq="M").astype(str):
                days, total = _days_in(p.start, p.end, m)
                sales = path.get(m, (0.0, 0.0, 0.0))
                point += rate * sales[0] * days / total
                low += rate * sales[1] * days / total
                high += rate * sales[2] * days / total
        acc = out.setdefault(month, [0.0, 0.0, 0.0])
        acc[0], acc[1], acc[2] = acc[0] + point, acc[1] + low, acc[2] + high
    return {m: (v[0], v[1], v[2]) for m, v in out.items()}


def _rappels(agreement: Any, charges: pd.DataFrame, path: Path, months: list[str]
             ) -> dict[str, tuple[float, float, float]]:
    """The rappel charges the calendar expects per charge month, for the periods charged in `months`."""
    from ccanalysis.cargos.agreement import period_end, period_months

    rappel = getattr(agreement, "rappel", None)
    if rappel is None:
        return {}
    first, last = pd.Period(months[0], freq="M"), pd.Period(months[-1], freq="M")
    periods = sorted({rappel.period_of(str(p)) for p in pd.period_range(first - 15, last, freq="M")})
    lag = _lag(charges[charges["type"] == "rappel"], {k: period_end(k) for k in periods})
    out = {}
    for period in periods:
        month = str(pd.Period(period_end(period), freq="M") + lag)
        if month not in months:
            continue
        values = []
        for k in range(3):
            sales = sum(path.get(m, (0.0, 0.0, 0.0))[k] for m in period_months(period))
            tier = rappel.tier(Decimal(str(round(sales, 2))))
            values.append(0.0 if tier is None else float(tier[1].rate) * sales)
        out[month] = (values[0], min(values), max(values))
    return out


def forecast_cargos(charges: pd.DataFrame, agreements: Mapping[str, Any], sales: pd.DataFrame | None, *,
                    through: str, horizon: int, level: float = LEVEL, calendar: bool = True) -> pd.DataFrame:
    """FORECAST_COLUMNS for every retailer and type seen in `charges` (typed: an untyped charge counts as
    `unidentified`) for the `horizon` months after `through`, from the charges issued up to `through`;
    basis `model` or `calendar` (module doc; `calendar=False`: the model alone)."""
    if not 1 <= horizon <= 24:
        raise ValueError(f"horizon: expected 1 to 24 months, got {horizon}")
    table = monthly(charges, through)
    months = months_after(through, horizon)
    seen = charges[pd.PeriodIndex(pd.to_datetime(charges["issue_date"]), freq="M").astype(str) <= through]
    rows = []
    paths_of: dict[str, SalesPaths] = {}
    for retailer, kind in table.columns:
        forecast = forecast_series(table[(retailer, kind)], horizon, level=level)
        known: dict[str, tuple[float, float, float]] = {}
        agreement = agreements.get(retailer)
        if calendar and agreement is not None and kind in ("promotion", "rappel") and sales is not None:
            paths = paths_of.setdefault(retailer, SalesPaths(sales, retailer, through, horizon, level))
            mine = seen[seen["retailer"].astype(str) == retailer]
            if kind == "promotion":
                known = _promotions(agreement, mine, paths)
                last = max(known, default=None)
                known = {m: known.get(m, (0.0, 0.0, 0.0)) for m in months if last is not None and m <= last}
            else:
                rappels = _rappels(agreement, mine, paths.path(), months)
                known = {m: rappels.get(m, (0.0, 0.0, 0.0)) for m in months}
        for row in forecast.itertuples(index=False):
            point, low, high, basis = row.forecast, row.low, row.high, "model"
            if row.month in known:
                (point, low, high), basis = known[row.month], "calendar"
            rows.append({"retailer": retailer, "type": kind, "month": row.month, "forecast": point, "low": low,
                         "high": high, "basis": basis})
    return pd.DataFrame(rows, columns=FORECAST_COLUMNS)


# --------------------------------------------------------------------------- backtest
@dataclass(frozen=True)
class Backtest:
    """Rolling-origin backtest of the retailers' monthly totals: one row per (origin, retailer, month ahead)
    with actual and forecast; MAE (EUR) and MAPE (fraction, months with actual > 0) over them all."""

    rows: pd.DataFrame
    mae: float
    mape: float
    coverage: float  # share of actuals inside the interval


def backtest(charges: pd.DataFrame, agreements: Mapping[str, Any], sales: pd.DataFrame | None, *,
             origins: list[str], horizon: int, level: float = LEVEL, calendar: bool = True) -> Backtest:
    """Forecast from each origin month (its charges up to it only) `horizon` months ahead and compare each
    retailer's forecast total (Σ types) with what it charged."""
    last = pd.PeriodIndex(pd.to_datetime(charges["issue_date"]), freq="M").max()
    actual = monthly(charges, str(last)).T.groupby(level=0).sum().T  # month × retailer
    rows = []
    for origin in origins:
        future = forecast_cargos(charges, agreements, sales, through=origin, horizon=horizon, level=level,
                                 calendar=calendar)
        totals = future.groupby(["retailer", "month"])[["forecast", "low", "high"]].sum().reset_index()
        for row in totals.itertuples(index=False):
            if row.month in actual.index and row.retailer in actual.columns:
                rows.append({"origin": origin, "retailer": row.retailer, "month": row.month,
                             "ahead": (pd.Period(row.month, freq="M") - pd.Period(origin, freq="M")).n,
                             "actual": float(actual.loc[row.month, row.retailer]), "forecast": row.forecast,
                             "low": row.low, "high": row.high})
    frame = pd.DataFrame(rows, columns=["origin", "retailer", "month", "ahead", "actual", "forecast", "low", "high"])
    if frame.empty:
        raise ValueError("backtest: no month after the origins has actual charges; choose earlier origins")
    errors = (frame["forecast"] - frame["actual"]).abs()
    positive = frame["actual"] > 0
    mape = float((errors[positive] / frame["actual"][positive]).mean()) if positive.any() else float("nan")
    inside = (frame["actual"] >= frame["low"]) & (frame["actual"] <= frame["high"])
    return Backtest(frame, float(errors.mean()), mape, float(inside.mean()))


def default_origins(charges: pd.DataFrame, horizon: int, count: int = 6) -> list[str]:
    """The last `count` months whose `horizon` months ahead are all in the charges (rolling origins)."""
    last = pd.PeriodIndex(pd.to_datetime(charges["issue_date"]), freq="M").max()
    return [str(last - horizon - k) for k in reversed(range(count))]


def as_date(month: str) -> date:
    """The first day of month YYYY-MM."""
    return pd.Period(month, freq="M").start_time.date()
