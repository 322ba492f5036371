"""Do discounts retain customers? Churn of the customers who threatened to cancel, with and without a
discount — observational: the agents chose whom to discount, so the raw comparison mixes the discount's
effect with the difference between the customers; the matched and propensity-weighted comparisons adjust for
what is recorded (reason, tenure, margin) and nothing else.

**Cohort.** One row per customer: the customer's first contact, on or before `end`, whose reason is a
retention reason (`cancellation_threat` unless the service's settings say otherwise) — the *index contact*.
The customer is *discounted* when the index contact granted a discount (`discount_amount` > 0).

**Churn at h days.** The customer churned within h days when its `churn_date` (the first day it is no longer a
customer) is on or before the index day + h days — the rule of the retention fee: still a customer h days
later means churn_date blank or after day + h.

**Censoring.** A customer whose index day + h is after `as_of` has not been observed for h days yet: it is
left out of that horizon's comparison (counted in `censored`), whether it has churned already or not.

Rates and intervals are floats (statistical estimates); discount values stay Decimal EUR.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from ccanalysis.billing_care.discounts import discount_value
from ccanalysis.churn import churned_by
from ccanalysis.collections.calltime import Z95, wilson_interval
from ccanalysis.money import ZERO, exact_sum, round_money, to_decimal

HORIZONS_DAYS = (30, 90, 180)
#: Tenure bands of the matched comparison: months a customer since `customer_since` at the index contact,
#: < 12, 12–35, ≥ 36 (an unknown `customer_since` is its own band).
TENURE_EDGES_MONTHS = (12, 36)
#: Months of monthly margin a retained customer is worth in the net value per discount euro.
MARGIN_MONTHS = 12
#: Propensities are clipped to [CLIP, 1 − CLIP] before weighting (no customer weighs more than 1 ÷ CLIP).
CLIP = 0.01
BOOTSTRAP_DRAWS = 200
BOOTSTRAP_SEED = 20260917


def _blank(value: object) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value)


def value_basis(customers: pd.DataFrame) -> str:
    """The customers' value column: `monthly_margin`, else `monthly_revenue`."""
    if "monthly_margin" in customers.columns and customers["monthly_margin"].notna().any():
        return "monthly_margin"
    return "monthly_revenue"


def cohort(contacts: pd.DataFrame, customers: pd.DataFrame, *, end: date,
           reasons: Sequence[str] = ("cancellation_threat",)) -> pd.DataFrame:
    """The retention cohort (module docstring): per customer its index contact (`contact_id`, `day` date,
    `reason`, `agent_id`), `discounted` bool, `discount_value` (Decimal EUR, 0 without), `margin` (float EUR a
    month, from `value_basis`), `tenure_months` (float, NaN without `customer_since`) and `churn_date`
    (date or None). Contacts whose customer is not in `customers` are left out (the loader reports them)."""
    threat = contacts[contacts["reason"].isin(list(reasons)) & contacts["customer_id"].notna()]
    threat = threat.assign(day=pd.to_datetime(threat["start"]).dt.date)
    threat = threat[threat["day"] <= end].sort_values(["customer_id", "start", "contact_id"], kind="stable")
    first = threat.drop_duplicates("customer_id", keep="first")
    basis = value_basis(customers)
    info = customers.drop_duplicates("customer_id").set_index("customer_id")
    first = first[first["customer_id"].isin(info.index)]
    rows = []
    for row in first.itertuples(index=False):
        customer = info.loc[row.customer_id]
        amount = getattr(row, "discount_amount", None)
        given = not _blank(amount) and to_decimal(amount) > 0
        value = discount_value(amount, getattr(row, "discount_type", None), getattr(row, "discount_months", None)) \
            if given else ZERO
        since = customer.get("customer_since") if "customer_since" in info.columns else None
        tenure = float("nan") if _blank(since) else (row.day - pd.Timestamp(since).date()).days / (365.25 / 12)
        churn = customer.get("churn_date") if "churn_date" in info.columns else None
        rows.append({"customer_id": row.customer_id, "contact_id": row.contact_id, "day": row.day,
                     "reason": row.reason, "agent_id": getattr(row, "agent_id", None), "discounted": given,
                     "discount_value": value, "margin": float(customer[basis]) if not _blank(customer[basis]) else 0.0,
                     "tenure_months": tenure, "churn_date": None if _blank(churn) else pd.Timestamp(churn).date()})
    return pd.DataFrame(rows, columns=["customer_id", "contact_id", "day", "reason", "agent_id", "discounted",
                                       "discount_value", "margin", "tenure_months", "churn_date"])


def outcomes(frame: pd.DataFrame, horizon_days: int, as_of: date) -> pd.DataFrame:
    """The cohort rows observed for `horizon_days` (index day + h ≤ as_of) with `churned` (`churn.churned_by`:
    churn_date ≤ day + h)."""
    if frame.empty:
        return frame.assign(churned=pd.Series(dtype=bool))
    ends = [d + timedelta(days=horizon_days) for d in frame["day"]]
    observed = np.array([e <= as_of for e in ends], dtype=bool)
    churned = churned_by(frame["churn_date"], frame["day"], horizon_days)
    return frame.assign(churned=churned)[observed]


@dataclass(frozen=True)
class Rate:
    """A churn rate: `customers`, `churned`, `rate` = churned ÷ customers and its 95 % Wilson interval."""

    customers: int
    churned: int
    rate: float
    low: float
    high: float


def churn_rate(churned: int, customers: int) -> Rate:
    """The churn rate of `customers` of whom `churned` churned, with its 95 % Wilson interval."""
    low, high = wilson_interval(churned, customers)
    return Rate(customers, churned, churned / customers if customers else float("nan"), low, high)


def difference_interval(a: Rate, b: Rate) -> tuple[float, float]:
    """The 95 % interval of a.rate − b.rate from the two Wilson intervals (Newcombe 1998, method 10):
    low = d − √((p_a − l_a)² + (u_b − p_b)²), high = d + √((u_a − p_a)² + (p_b − l_b)²)."""
    d = a.rate - b.rate
    return (d - float(np.hypot(a.rate - a.low, b.high - b.rate)), d + float(np.hypot(a.high - a.rate, b.rate - b.low)))


@dataclass(frozen=True)
class RawComparison:
    """Churn at `horizon_days` of the discounted and the not discounted, as recorded: `difference` =
    discounted − not discounted (negative: fewer churn with a discount), its Newcombe interval, and the
    cohort's customers left out because the horizon is not observed yet (`censored`)."""

    horizon_days: int
    discounted: Rate
    not_discounted: Rate
    difference: float
    low: float
    high: float
    censored: int


def raw_comparison(frame: pd.DataFrame, horizon_days: int, as_of: date) -> RawComparison:
    """The raw comparison of a cohort (`cohort` rows) at `horizon_days`."""
    seen = outcomes(frame, horizon_days, as_of)
    treated = seen[seen["discounted"]]
    control = seen[~seen["discounted"]]
    a = churn_rate(int(treated["churned"].sum()), len(treated))
    b = churn_rate(int(control["churned"].sum()), len(control))
    low, high = difference_interval(a, b)
    return RawComparison(horizon_days, a, b, a.rate - b.rate, low, high, len(frame) - len(seen))


# --------------------------------------------------------------------------- matched comparison
#: The margin bands of the matched comparison: the cohort's margin quintiles.
MARGIN_QUANTILES = (0.2, 0.4, 0.6, 0.8)


def default_margin_edges(frame: pd.DataFrame) -> tuple[float, ...]:
    """The edges of the margin bands: the cohort's `MARGIN_QUANTILES` of `margin` (EUR a month)."""
    return tuple(float(x) for x in np.quantile(frame["margin"], MARGIN_QUANTILES)) if len(frame) else ()


def strata(frame: pd.DataFrame, *, tenure_edges_months: Sequence[float] = TENURE_EDGES_MONTHS,
           margin_edges: Sequence[float] | None = None) -> pd.DataFrame:
    """The cohort with its `tenure_band` (0 below the first edge, 1 from it to below the second, …; −1 when
    unknown), `margin_band` (the same on `margin`; edges = `margin_edges(frame)`, the cohort's margin quintiles, when not given) and
    `stratum` = reason | tenure band | margin band."""
    if margin_edges is None:
        margin_edges = default_margin_edges(frame)
    tenure = frame["tenure_months"].to_numpy(dtype=float)
    tenure_band = np.where(np.isnan(tenure), -1, np.searchsorted(np.asarray(tenure_edges_months, float),
                                                                  np.nan_to_num(tenure), side="right"))
    margin_band = np.searchsorted(np.asarray(margin_edges, float), frame["margin"].to_numpy(dtype=float),
                                  side="right")
    stratum = [f"{r}|{t}|{m}" for r, t, m in zip(frame["reason"], tenure_band, margin_band, strict=True)]
    return frame.assign(tenure_band=tenure_band.astype(int), margin_band=margin_band.astype(int), stratum=stratum)


@dataclass(frozen=True)
class Estimate:
    """An adjusted churn difference at `horizon_days` (discounted − not discounted; `method` `matched` or
    `ipw`): the discounted's and the others' adjusted churn rates, the `difference` and its 95 % interval,
    the `customers` it rests on, and for `matched` the `strata` used and the customers `unmatched` (in a
    stratum without both groups); for `ipw` the bootstrap `draws` and `seed`."""

    method: str
    horizon_days: int
    treated_rate: float
    control_rate: float
    difference: float
    low: float
    high: float
    customers: int
    strata: int = 0
    unmatched: int = 0
    draws: int = 0
    seed: int | None = None


def _stratum_table(seen: pd.DataFrame) -> pd.DataFrame:
    table = seen.groupby(["stratum", "discounted"])["churned"].agg(["size", "sum"]).unstack("discounted")
    table.columns = [f"{what}_{'t' if flag else 'c'}" for what, flag in table.columns]
    for col in ("size_t", "size_c", "sum_t", "sum_c"):
        if col not in table.columns:
            table[col] = 0
    return table.fillna(0)


def matched_comparison(frame: pd.DataFrame, horizon_days: int, as_of: date, **bands) -> Estimate:
    """Exact stratification on reason, tenure band and margin band (`strata`): in each stratum holding both
    discounted and not discounted customers, d_s = p_t,s − p_c,s; the difference is Σ n_s d_s ÷ Σ n_s (n_s the
    stratum's customers: the average over the strata both groups share), with variance
    Σ n_s² (p_t(1−p_t)/n_t + p_c(1−p_c)/n_c) ÷ (Σ n_s)² and a normal 95 % interval."""
    seen = outcomes(strata(frame, **bands), horizon_days, as_of)
    if seen.empty:
        return Estimate("matched", horizon_days, *(float("nan"),) * 5, 0)
    table = _stratum_table(seen)
    both = table[(table["size_t"] > 0) & (table["size_c"] > 0)]
    unmatched = int((table["size_t"] + table["size_c"]).sum() - (both["size_t"] + both["size_c"]).sum())
    if both.empty:
        return Estimate("matched", horizon_days, *(float("nan"),) * 5, 0, 0, unmatched)
    n = both["size_t"] + both["size_c"]
    pt, pc = both["sum_t"] / both["size_t"], both["sum_c"] / both["size_c"]
    weight = n / n.sum()
    treated, control = float((weight * pt).sum()), float((weight * pc).sum())
    variance = float((weight ** 2 * (pt * (1 - pt) / both["size_t"] + pc * (1 - pc) / both["size_c"])).sum())
    half = Z95 * variance ** 0.5
    diff = treated - control
    return Estimate("matched", horizon_days, treated, control, diff, diff - half, diff + half, int(n.sum()),
                    len(both), unmatched)


# --------------------------------------------------------------------------- propensity weighting
def _features(frame: pd.DataFrame) -> np.ndarray:
    """The covariates of the propensity model: reason (one-hot), tenure months (the median where unknown, and
    an unknown flag), log(1 + margin), and the margin's quintile (one-hot, so a step in the agents' choice is
    not forced onto a line); standardised."""
    tenure = frame["tenure_months"].to_numpy(dtype=float)
    unknown = np.isnan(tenure)
    fill = np.nanmedian(tenure) if (~unknown).any() else 0.0
    margin = frame["margin"].to_numpy(dtype=float)
    columns = [np.where(unknown, fill, tenure), unknown.astype(float), np.log1p(np.maximum(margin, 0))]
    quintile = np.searchsorted(np.quantile(margin, MARGIN_QUANTILES), margin, side="right")
    columns += [(quintile == q).astype(float) for q in range(1, 5)]
    reasons = sorted(set(frame["reason"]))
    columns += [(frame["reason"] == r).to_numpy(dtype=float) for r in reasons[1:]]
    x = np.column_stack(columns)
    spread = x.std(axis=0)
    return (x - x.mean(axis=0)) / np.where(spread > 0, spread, 1.0)


def _ipw_rates(x: np.ndarray, treated: np.ndarray, churned: np.ndarray, clip: float) -> tuple[float, float] | None:
    from sklearn.linear_model import LogisticRegression

    if treated.all() or not treated.any():
        return None
    model = LogisticRegression(C=1e4, solver="newton-cholesky", max_iter=200).fit(x, treated)
    e = np.clip(model.predict_proba(x)[:, 1], clip, 1 - clip)
    share = treated.mean()
    weight = np.where(treated, share / e, (1 - share) / (1 - e))  # stabilised
    t = float((weight * churned)[treated].sum() / weight[treated].sum())
    c = float((weight * churned)[~treated].sum() / weight[~treated].sum())
    return t, c


def ipw_comparison(frame: pd.DataFrame, horizon_days: int, as_of: date, *, draws: int = BOOTSTRAP_DRAWS,
                   seed: int = BOOTSTRAP_SEED, clip: float = CLIP) -> Estimate:
    """Inverse propensity weighting: the propensity e(x) of a discount from reason, tenure and margin by a
    logistic regression (scikit-learn), clipped to [clip, 1 − clip]; stabilised weights P(T) ÷ e for the
    discounted and (1 − P(T)) ÷ (1 − e) for the others; the weighted churn rates and their difference (the
    average effect over the cohort), with a 95 % percentile interval from `draws` bootstrap resamples of the
    customers (the model refitted on each; numpy generator seeded with `seed`)."""
    seen = outcomes(frame, horizon_days, as_of)
    x = _features(seen) if len(seen) else np.empty((0, 0))
    treated = seen["discounted"].to_numpy(dtype=bool)
    churned = seen["churned"].to_numpy(dtype=float)
    point = _ipw_rates(x, treated, churned, clip) if len(seen) else None
    if point is None:
        return Estimate("ipw", horizon_days, *(float("nan"),) * 5, len(seen), draws=0, seed=seed)
    rng = np.random.default_rng(seed)
    diffs = []
    for _ in range(draws):
        pick = rng.integers(0, len(seen), len(seen))
        got = _ipw_rates(x[pick], treated[pick], churned[pick], clip)
        if got is not None:
            diffs.append(got[0] - got[1])
    low, high = (np.quantile(diffs, [0.025, 0.975]) if diffs else (float("nan"), float("nan")))
    return Estimate("ipw", horizon_days, point[0], point[1], point[0] - point[1], float(low), float(high),
                    len(seen), draws=len(diffs), seed=seed)


# --------------------------------------------------------------------------- net value
def net_value(frame: pd.DataFrame, horizon_days: int, as_of: date, by: str, *, margin_months: int = MARGIN_MONTHS,
              **bands) -> pd.DataFrame:
    """The net value per discount euro of the discounted customers per `by` (`reason` or `agent_id`), on the
    matched comparison at `horizon_days`: each discounted customer i, observed and in a stratum s holding
    customers without a discount, is expected to churn at the stratum's rate c_s without it; the customers
    `kept` = Σ (c_s − churned_i); the `retained_margin` (EUR) = Σ margin_i × `margin_months` × (c_s − churned_i);
    `net` = retained_margin − `discount_cost` (Σ discount values, EUR) and `per_euro` = net ÷ discount_cost.
    Money columns are Decimal rounded to cents (the margin is an estimate)."""
    seen = outcomes(strata(frame, **bands), horizon_days, as_of)
    columns = [by, "customers", "discount_cost", "kept", "retained_margin", "net", "per_euro"]
    if seen.empty:
        return pd.DataFrame(columns=columns)
    control = seen[~seen["discounted"]].groupby("stratum")["churned"].mean()
    treated = seen[seen["discounted"] & seen["stratum"].isin(control.index)]
    treated = treated.assign(_c=treated["stratum"].map(control).astype(float))
    rows = []
    for key, group in treated.groupby(by, sort=True, dropna=False):
        kept = group["_c"] - group["churned"].astype(float)
        retained = round_money(to_decimal(round(float((group["margin"] * margin_months * kept).sum()), 2)))
        cost = exact_sum(group["discount_value"])
        net = retained - cost
        rows.append({by: key, "customers": len(group), "discount_cost": cost, "kept": float(kept.sum()),
                     "retained_margin": retained, "net": net,
                     "per_euro": float(net / cost) if cost else float("nan")})
    return pd.DataFrame(rows, columns=columns)
