"""Forecasting a retailer's charges per type for the next months, with an interval, and its backtest.

The model is statsmodels' exponential smoothing in state-space form (`ETSModel`; Hyndman & Athanasopoulos,
*Forecasting: Principles and Practice*, 3rd ed., ch. 8), with additive errors: a month without charges is 0
and a credit can make one negative, which multiplicative errors or seasons cannot take.
- at least two full seasons of `SEASON` months: ETS(A,N,A), level and additive season, and ETS(A,Ad,A), with a
  damped trend; the one of the least AICc is kept (the first on a tie). The initial states are the
  heuristic ones (first cycles' means), the smoothing parameters by maximum likelihood;
- fewer: ETS(A,N,N), level only, its initial level estimated with α;
- a series without variation (a single month, or every month the same): that value, a zero-width interval
  (no error to estimate; the likelihood is degenerate).
The interval is the model's exact one at `level` (`get_prediction(...).summary_frame`, σ² = the mean squared
one-step error), bounded below by 0 like the forecast. The fit is deterministic (L-BFGS-B from fixed
starting values); its convergence and index warnings are silenced inside the fit only.

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
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

SEASON = 12
LEVEL = 0.9
DEFAULT_LAG = 1
FORECAST_COLUMNS = ["retailer", "type", "month", "forecast", "low", "high", "basis"]


@dataclass(frozen=True)
class Fit:
    """A fitted exponential smoothing model: its smoothing parameters, one-step error σ (the square root of
    the mean squared one-step error, the series' unit) and the statsmodels results it forecasts from (None:
    a series without variation, forecast flat at `value`)."""

    alpha: float
    gamma: float | None  # None: no season
    phi: float | None  # the trend's damping; None: no trend
    sigma: float
    n: int
    value: float  # the last observation
    aicc: float | None = None
    results: Any = field(default=None, repr=False, compare=False)


def _ets(y: np.ndarray, **spec: Any) -> Any:
    """statsmodels' ETSModel with additive errors fitted to `y` (months as a monthly PeriodIndex), its
    convergence and index warnings silenced here only."""
    from statsmodels.tools.sm_exceptions import ConvergenceWarning, ValueWarning
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    series = pd.Series(y, index=pd.period_range("2000-01", periods=len(y), freq="M"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", ValueWarning)
        return ETSModel(series, error="add", **spec).fit(disp=False)


def fit(y: np.ndarray | list[float], *, season: int = SEASON) -> Fit:
    """The model of the module doc for `y` (a month per value). ValueError on an empty series."""
    y = np.asarray(y, dtype=float)
    if len(y) == 0:
        raise ValueError("forecast: an empty series")
    if np.ptp(y) == 0:
        return Fit(alpha=0.0, gamma=None, phi=None, sigma=0.0, n=len(y), value=float(y[-1]))
    if len(y) >= 2 * season:
        candidates = [_ets(y, seasonal="add", seasonal_periods=season, initialization_method="heuristic"),
                      _ets(y, trend="add", damped_trend=True, seasonal="add", seasonal_periods=season,
                           initialization_method="heuristic")]
        results = min(candidates, key=lambda r: r.aicc if np.isfinite(r.aicc) else r.aic)
    else:
        results = _ets(y, initialization_method="estimated")
    return Fit(alpha=float(results.smoothing_level),
               gamma=float(results.smoothing_seasonal) if results.model.has_seasonal else None,
               phi=float(results.damping_trend) if results.model.has_trend else None,
               sigma=math.sqrt(float(results.mse)), n=len(y), value=float(y[-1]),
               aicc=float(results.aicc), results=results)


def predict(model: Fit, horizon: int, *, level: float = LEVEL) -> pd.DataFrame:
    """h = 1..horizon: forecast, low, high (the interval at `level`, bounded below by 0)."""
    if horizon < 1:
        raise ValueError(f"horizon: expected at least 1 month, got {horizon}")
    if not 0 < level < 1:
        raise ValueError(f"level: expected a fraction between 0 and 1, got {level}")
    h = np.arange(1, horizon + 1)
    if model.results is None:
        point = low = high = np.full(horizon, model.value)
    else:
        frame = model.results.get_prediction(start=model.n, end=model.n + horizon - 1).summary_frame(
            alpha=1 - level)
        point, low, high = (frame[c].to_numpy(float) for c in ("mean", "pi_lower", "pi_upper"))
    return pd.DataFrame({"h": h, "forecast": np.maximum(point, 0.0), "low": np.maximum(low, 0.0),
                         "high": np.maximum(high, 0.0)})


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
