"""Tomorrow's call list: open accounts ranked by expected recovery, each in its segment's best legal hour,
never past the attempt caps, and the backtest of the list's top decile.

Days are whole days since 1970-01-01 inside; `as_of` is the day the list is made (its data known up to
the end of that day) and the list is for the day after. Balances and expected recoveries are exact
`Decimal` money; probabilities are model estimates (floats).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
import pandas as pd

from ccanalysis.collections.calltime import (
    RPC,
    CallingRules,
    beta_prior,
    codes_in,
    epoch_units,
    is_in,
    placement_of,
    rpc_by_hour,
)
from ccanalysis.money import ZERO, round_money, to_decimal

BANDS = ("0-90", "91-180", "181-365", "366+")
_EDGES = np.array([91, 181, 366])  # band = number of edges ≤ age in days
_SHIFT = np.int64(1 << 21)
PAY_DAYS = 7
_NO_RPC_DAYS = 365


def age_band(age_days: np.ndarray) -> np.ndarray:
    """Debt-age band code 0..3 (BANDS: 0–90, 91–180, 181–365, 366+ days past due)."""
    return np.searchsorted(_EDGES, np.asarray(age_days, dtype=np.int64), side="right")


def _day(value: object) -> int:
    return int(pd.Timestamp(value).normalize().value // 86_400_000_000_000)


def _money(values: pd.Series) -> list[Decimal]:
    return [ZERO if v is None or (isinstance(v, float) and math.isnan(v)) else to_decimal(v, what="money")
            for v in values.tolist()]


# --- state of the portfolio on a day --------------------------------------------------------------------

def open_accounts(placements: pd.DataFrame, payments: pd.DataFrame, day: int) -> pd.DataFrame:
    """Placements open at the end of `day` (placed_on ≤ day, recalled_on blank or after day) with a
    balance > 0: debt_amount − the account's payments from placed_on to day. Columns: the placement's row
    position `placement`, account_id, supplier, segment, balance (Decimal), age_days (days_past_due +
    day − placed_on), band (code into BANDS)."""
    placed = epoch_units(placements["placed_on"], "D")
    recalled = epoch_units(placements["recalled_on"], "D") if "recalled_on" in placements else \
        np.full(len(placements), np.iinfo(np.int64).min)
    still = (recalled == np.iinfo(np.int64).min) | (recalled > day)
    rows = np.flatnonzero((placed <= day) & still)
    frame = pd.DataFrame({
        "placement": rows,
        "account_id": placements["account_id"].to_numpy(dtype=object)[rows],
        "supplier": placements["supplier"].to_numpy(dtype=object)[rows],
        "segment": placements["segment"].to_numpy(dtype=object)[rows],
        "placed_day": placed[rows],
        "age_days": placements["days_past_due"].to_numpy(dtype=np.int64)[rows] + (day - placed[rows]),
    })
    debt = _money(placements["debt_amount"].iloc[rows])
    paid = _paid_between(frame, payments, frame["placed_day"].to_numpy(), np.full(len(frame), day))
    frame["balance"] = pd.Series([d - p for d, p in zip(debt, paid, strict=True)], dtype=object)
    frame["band"] = age_band(frame["age_days"].to_numpy())
    frame = frame.loc[frame["balance"].map(lambda b: b > 0).astype(bool)].reset_index(drop=True)
    return frame.drop(columns="placed_day")


def _paid_between(accounts: pd.DataFrame, payments: pd.DataFrame, first: np.ndarray,
                  last: np.ndarray) -> list[Decimal]:
    """Per row of `accounts`, the exact sum of its account's payments with first ≤ paid_on ≤ last."""
    if accounts.empty or payments.empty:
        return [ZERO] * len(accounts)
    pay = pd.DataFrame({"account_id": payments["account_id"].to_numpy(dtype=object),
                        "day": epoch_units(payments["paid_on"], "D"), "amount": _money(payments["amount"])})
    rows = pd.DataFrame({"account_id": accounts["account_id"].to_numpy(dtype=object), "row": np.arange(len(accounts)),
                         "first": first, "last": last})
    joined = rows.merge(pay, on="account_id", how="inner")
    joined = joined.loc[(joined["day"] >= joined["first"]) & (joined["day"] <= joined["last"])]
    sums = {row: sum(group, ZERO) for row, group in joined.groupby("row")["amount"]}
    return [sums.get(i, ZERO) for i in range(len(accounts))]


def _attempt_days(attempts: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"account_id": attempts["account_id"].to_numpy(dtype=object),
                         "day": epoch_units(attempts["start"], "D"),
                         "rpc": is_in(attempts["outcome"], RPC)})


def _count_between(accounts: pd.Series, attempt_days: pd.DataFrame, first: int, last: int) -> np.ndarray:
    """Attempts per account (any agency, any channel) with first ≤ day ≤ last."""
    hit = attempt_days.loc[(attempt_days["day"] >= first) & (attempt_days["day"] <= last), "account_id"]
    counts = hit.value_counts()
    return accounts.map(counts).fillna(0).astype(np.int64).to_numpy()


def _days_since_rpc(accounts: pd.Series, attempt_days: pd.DataFrame, day: int) -> np.ndarray:
    done = attempt_days.loc[attempt_days["rpc"] & (attempt_days["day"] <= day)]
    last = done.groupby("account_id")["day"].max()
    since = day - accounts.map(last).to_numpy(dtype=float)
    return np.where(np.isnan(since), _NO_RPC_DAYS, np.minimum(since, _NO_RPC_DAYS))


# --- the model ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CallModel:
    """A fitted call-list model (`fit_model`): the hour table of the history for the windows, the shrunk
    P(RPC) and P(pay within 7 days | RPC) per segment × band, and for kind "logistic" the estimator."""

    kind: str
    as_of: int
    table: pd.DataFrame
    cells: pd.DataFrame  # segment, band, p_rpc, p_pay
    segment_rate: pd.Series  # overall RPC rate per segment (the hour table's prior mean)
    overall_rpc: float
    overall_pay: float
    estimator: object = None
    segments: tuple = field(default_factory=tuple)


def _shrunk_cells(segment: np.ndarray, band: np.ndarray, hit: np.ndarray, levels: pd.Index) -> pd.DataFrame:
    """Per segment × band: trials, successes and the rate shrunk toward the segment (`beta_prior`)."""
    if len(segment) == 0:
        return pd.DataFrame({"segment": [], "band": [], "trials": [], "rate": []})
    cell = segment * len(BANDS) + band
    n = np.bincount(cell, minlength=len(levels) * len(BANDS))
    k = np.bincount(cell, weights=hit.astype(float), minlength=len(levels) * len(BANDS))
    present = np.flatnonzero(n)
    group = present // len(BANDS)
    alpha, beta = beta_prior(group, k[present], n[present], len(levels))
    rate = (k[present] + alpha[group]) / (n[present] + alpha[group] + beta[group])
    return pd.DataFrame({"segment": levels.take(group), "band": present % len(BANDS), "trials": n[present],
                         "rate": rate})


def fit_model(placements: pd.DataFrame, attempts: pd.DataFrame, payments: pd.DataFrame, as_of: object, *,
              kind: str = "rates", weeks: int = 8) -> CallModel:
    """Fit the call-list model on the history before `as_of` (attempts and payments dated before it).

    kind "rates":
      P(RPC in best window) per segment × debt-age band (the band of the debt's age on the attempt's day)
      = the voice attempts' RPC rate of the cell, shrunk toward the segment (`beta_prior` over its bands);
      at listing time it is scaled by the best window's lift, shrunk rate of the (weekday, hour) cell ÷ the
      segment's overall rate (see `call_list`).
      P(pay within 7 days | RPC) per the same cells = the share of RPC account-days d (d ≤ as_of − 7, so the
      whole week d..d+6 is observed) with a payment on the account in d..d+6, shrunk the same way.
    kind "logistic": the rates above (for P(RPC) and the windows) plus a scikit-learn LogisticRegression
      predicting a payment in the next 7 days (s+1..s+7) of each open account on weekly snapshot days
      s = as_of − 1 − 7j, j = 1..weeks, from: segment and band (one-hot), log(1 + balance), attempts in
      the 7 days to s, and days since the last RPC (capped at 365, 365 when none).
    """
    if kind not in ("rates", "logistic"):
        raise ValueError(f"kind: expected 'rates' or 'logistic', got {kind!r}")
    day = _day(as_of)
    att_day = epoch_units(attempts["start"], "D")
    history = attempts.loc[att_day < day]
    voice = history.loc[is_in(history["channel"], ("voice",))] if "channel" in history else history
    table = rpc_by_hour(voice, placements)
    where = placement_of(voice, placements)
    ok = where >= 0
    levels = pd.Index(pd.unique(placements["segment"]))
    seg_codes = codes_in(placements["segment"], levels)
    rows = where[ok]
    v_day = epoch_units(voice["start"], "D")[ok]
    placed = epoch_units(placements["placed_on"], "D")
    dpd = placements["days_past_due"].to_numpy(dtype=np.int64)
    band = age_band(dpd[rows] + (v_day - placed[rows]))
    hit = is_in(voice["outcome"], RPC)[ok]
    rpc_cells = _shrunk_cells(seg_codes[rows], band, hit, levels)

    # RPC account-days with the whole following week observed, and whether a payment fell in it
    frame = pd.DataFrame({"account_id": voice["account_id"].to_numpy(dtype=object)[ok], "day": v_day,
                          "segment": seg_codes[rows], "band": band})
    frame = frame.loc[hit & (v_day <= day - PAY_DAYS)].drop_duplicates(["account_id", "day"])
    paid = _paid_within(frame["account_id"], frame["day"].to_numpy(), payments, day)
    pay_cells = _shrunk_cells(frame["segment"].to_numpy(), frame["band"].to_numpy(), paid, levels)

    cells = rpc_cells.rename(columns={"rate": "p_rpc", "trials": "attempts"}).merge(
        pay_cells.rename(columns={"rate": "p_pay", "trials": "rpc_days"}), on=["segment", "band"], how="outer")
    segment_rate = (table.groupby("segment")["prior_alpha"].first()
                    / (table.groupby("segment")["prior_alpha"].first() + table.groupby("segment")["prior_beta"].first()))
    overall_rpc = float(hit.mean()) if len(hit) else 0.0
    overall_pay = float(paid.mean()) if len(paid) else 0.0
    estimator = None
    if kind == "logistic":
        estimator = _fit_logistic(placements, attempts, payments, day, weeks, tuple(levels))
    return CallModel(kind, day, table, cells, segment_rate, overall_rpc, overall_pay, estimator, tuple(levels))


def _paid_within(accounts: pd.Series, days: np.ndarray, payments: pd.DataFrame, before: int) -> np.ndarray:
    """Whether each (account, day d) has a payment dated d..d+6 (and before `before`)."""
    if len(days) == 0 or payments.empty:
        return np.zeros(len(days), dtype=bool)
    pay_day = epoch_units(payments["paid_on"], "D")
    keep = pay_day < before
    names = pd.Index(pd.unique(payments["account_id"]))
    p_comp = np.sort(codes_in(payments["account_id"], names)[keep] * _SHIFT + pay_day[keep])
    codes = codes_in(accounts, names)
    query = codes * _SHIFT + days
    pos = np.searchsorted(p_comp, query, side="left")
    found = np.append(p_comp, np.iinfo(np.int64).max)[pos]
    return (codes >= 0) & (found <= query + PAY_DAYS - 1)


def _features(snapshot: pd.DataFrame, attempt_days: pd.DataFrame, day: int, segments: tuple) -> np.ndarray:
    """segment and band one-hot, log(1 + balance), attempts in day−6..day, days since the last RPC."""
    seg = codes_in(snapshot["segment"], pd.Index(segments))
    columns = [(seg == i).astype(float) for i in range(len(segments))]
    columns += [(snapshot["band"].to_numpy() == b).astype(float) for b in range(len(BANDS))]
    columns.append(np.log1p(snapshot["balance"].map(float).to_numpy(dtype=float)))
    columns.append(_count_between(snapshot["account_id"], attempt_days, day - 6, day).astype(float))
    columns.append(_days_since_rpc(snapshot["account_id"], attempt_days, day) / _NO_RPC_DAYS)
    return np.column_stack(columns) if columns else np.zeros((len(snapshot), 0))


def _fit_logistic(placements, attempts, payments, day, weeks, segments):
    from sklearn.linear_model import LogisticRegression

    attempt_days = _attempt_days(attempts)
    pay_days = epoch_units(payments["paid_on"], "D")
    xs, ys = [], []
    for j in range(1, weeks + 1):
        s = day - 1 - PAY_DAYS * j
        snapshot = open_accounts(placements, payments, s)
        if snapshot.empty:
            continue
        paid_next = set(payments["account_id"].to_numpy(dtype=object)[(pay_days > s) & (pay_days <= s + PAY_DAYS)])
        xs.append(_features(snapshot, attempt_days.loc[attempt_days["day"] <= s], s, segments))
        ys.append(snapshot["account_id"].isin(paid_next).to_numpy())
    if not xs:
        return ("constant", 0.0)
    x, y = np.vstack(xs), np.concatenate(ys)
    if y.all() or not y.any():
        return ("constant", float(y.mean()))
    return LogisticRegression(max_iter=1000).fit(x, y)


def _predict_pay_7d(model: CallModel, snapshot: pd.DataFrame, attempt_days: pd.DataFrame, day: int) -> np.ndarray:
    if isinstance(model.estimator, tuple):
        return np.full(len(snapshot), model.estimator[1])
    x = _features(snapshot, attempt_days.loc[attempt_days["day"] <= day], day, model.segments)
    return model.estimator.predict_proba(x)[:, 1]


# --- the list -------------------------------------------------------------------------------------------

COLUMNS = ["account_id", "supplier", "segment", "balance", "p_rpc", "p_pay", "expected_recovery",
           "window_start_hour", "rank"]


def best_hours(model: CallModel, rules: CallingRules, weekday: int) -> pd.DataFrame:
    """Per segment of the model, the legal hour of `weekday` with the highest shrunk RPC rate (an hour the
    history has not tried counts at the segment's overall rate; ties: the earliest hour) and its lift =
    that rate ÷ the segment's overall rate. Empty when `weekday` has no legal hour."""
    hours = [h for h in range(24) if rules.grid()[weekday % 7, h]]
    if not hours:
        return pd.DataFrame({"segment": pd.Series(dtype=object), "hour": pd.Series(dtype=np.int64),
                             "lift": pd.Series(dtype=float)})
    table = model.table
    day_table = table.loc[(table["weekday"] == weekday % 7) & table["hour"].isin(hours)]
    out = []
    for segment in model.segments:
        base = float(model.segment_rate.get(segment, model.overall_rpc))
        rates = dict(zip(day_table.loc[day_table["segment"] == segment, "hour"],
                         day_table.loc[day_table["segment"] == segment, "shrunk"], strict=True))
        scored = [(rates.get(h, base), -h) for h in hours]
        rate, neg_hour = max(scored)
        out.append((segment, -neg_hour, rate / base if base > 0 else 1.0))
    return pd.DataFrame(out, columns=["segment", "hour", "lift"])


def call_list(model: CallModel, placements: pd.DataFrame, attempts: pd.DataFrame, payments: pd.DataFrame,
              as_of: object, rules: CallingRules, *, capacity: int | None = None) -> pd.DataFrame:
    """Tomorrow's (as_of + 1) call list.

    Open accounts at the end of as_of (`open_accounts`: placed, not recalled, balance > 0 =
    debt_amount − payments so far), less those at a cap: with T = as_of + 1, an account is left out when
    its attempts on T−6..T ≥ max_attempts_per_7_days or on T ≥ max_attempts_per_day (every attempt to the
    account counts, any agency or channel), so one more call on T breaks neither cap.

    p_rpc = the cell's P(RPC) (segment × band of the age at as_of) × the lift of the segment's best legal
    hour on T's weekday (`best_hours`), at most 1; p_pay = the cell's P(pay within 7 days | RPC) for
    kind "rates", or the logistic P(pay in 7 days) ÷ p_rpc (at most 1) for kind "logistic"; a cell
    without history takes the segment's (or the overall) rate. expected_recovery = p_rpc × p_pay × balance
    (Decimal, to cents). Ranked by expected recovery (ties: larger balance, then account_id), rank 1 = best,
    the first `capacity` rows when given. window_start_hour = the best legal hour; no rows when T has no
    legal hour.
    """
    day = _day(as_of)
    target = day + 1
    accounts = open_accounts(placements, payments, day)
    attempt_days = _attempt_days(attempts)
    in_7 = _count_between(accounts["account_id"], attempt_days, target - 6, target)
    on_day = _count_between(accounts["account_id"], attempt_days, target, target)
    accounts = accounts.loc[(in_7 < rules.max_attempts_per_7_days) & (on_day < rules.max_attempts_per_day)]
    weekday = (target + 3) % 7
    windows = best_hours(model, rules, weekday)
    accounts = accounts.merge(windows, on="segment", how="inner")
    if accounts.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in COLUMNS})
    cells = model.cells.assign(band=model.cells["band"].astype(np.int64))
    accounts = accounts.merge(cells[["segment", "band", "p_rpc", "p_pay"]], on=["segment", "band"], how="left")
    seg_rpc = _weighted(model.cells, "p_rpc", "attempts")
    seg_pay = _weighted(model.cells, "p_pay", "rpc_days")
    accounts["p_rpc"] = accounts["p_rpc"].fillna(accounts["segment"].map(seg_rpc)).fillna(model.overall_rpc)
    accounts["p_pay"] = accounts["p_pay"].fillna(accounts["segment"].map(seg_pay)).fillna(model.overall_pay)
    accounts["p_rpc"] = np.minimum(accounts["p_rpc"].to_numpy(dtype=float) * accounts["lift"].to_numpy(), 1.0)
    if model.kind == "logistic":
        p7 = _predict_pay_7d(model, accounts, attempt_days, day)
        p_rpc = accounts["p_rpc"].to_numpy(dtype=float)
        accounts["p_pay"] = np.where(p_rpc > 0, np.minimum(p7 / np.where(p_rpc > 0, p_rpc, 1), 1.0), 0.0)
    p_rpc = accounts["p_rpc"].to_numpy(dtype=float)
    p_pay = accounts["p_pay"].to_numpy(dtype=float)
    score = p_rpc * p_pay * accounts["balance"].map(float).to_numpy(dtype=float)
    accounts["expected_recovery"] = [round_money(to_decimal(a) * to_decimal(b) * bal)
                                     for a, b, bal in zip(p_rpc, p_pay, accounts["balance"], strict=True)]
    accounts["score"] = score
    accounts["balance_f"] = accounts["balance"].map(float)
    accounts = accounts.sort_values(["score", "balance_f", "account_id"], ascending=[False, False, True],
                                    kind="stable").reset_index(drop=True)
    if capacity is not None:
        accounts = accounts.head(int(capacity))
    accounts["window_start_hour"] = accounts["hour"].astype(np.int64)
    accounts["rank"] = np.arange(1, len(accounts) + 1)
    return accounts[COLUMNS]


def _weighted(cells: pd.DataFrame, rate: str, weight: str) -> pd.Series:
    """Per segment, the mean of `rate` over its bands weighted by `weight` (NaN without weight)."""
    w = cells[weight].fillna(0).astype(float)
    total = w.groupby(cells["segment"]).sum()
    return ((cells[rate].fillna(0).astype(float) * w).groupby(cells["segment"]).sum() / total).where(total > 0)


# --- backtest -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Lift:
    """The top decile's share of the next week's paid amount, and its lift over a random tenth."""

    accounts: int
    top_accounts: int
    paid_top: Decimal
    paid_all: Decimal
    share: Decimal
    lift: Decimal


def backtest_lift(model_kind: str, placements: pd.DataFrame, attempts: pd.DataFrame, payments: pd.DataFrame,
                  as_of: object, *, rules: CallingRules | None = None) -> Lift:
    """Fit `model_kind` at `as_of`, make the list at `as_of` (every account, no capacity), and measure the
    amount paid on as_of+1..as_of+7 by the accounts of the list: share = paid by its top decile (the first
    ⌈n/10⌉ ranks) ÷ paid by all of it; lift = share ÷ (⌈n/10⌉ / n), i.e. share ÷ 0.10 when n is a multiple
    of 10 (0 when nothing was paid). `rules` default: every hour legal, no caps."""
    rules = rules or CallingRules(windows={d: (0, 24) for d in range(7)}, max_attempts_per_7_days=10**9,
                                  max_attempts_per_day=10**9)
    model = fit_model(placements, attempts, payments, as_of, kind=model_kind)
    listed = call_list(model, placements, attempts, payments, as_of, rules)
    day = _day(as_of)
    pay_day = epoch_units(payments["paid_on"], "D")
    week = payments.loc[(pay_day > day) & (pay_day <= day + PAY_DAYS)]
    paid = {a: sum(_money(g), ZERO) for a, g in week.groupby("account_id")["amount"]}
    n = len(listed)
    top = max(1, math.ceil(n / 10)) if n else 0
    ids = listed["account_id"].tolist()
    unique_ids = list(dict.fromkeys(ids))
    paid_all = sum((paid.get(a, ZERO) for a in unique_ids), ZERO)
    paid_top = sum((paid.get(a, ZERO) for a in dict.fromkeys(ids[:top])), ZERO)
    share = paid_top / paid_all if paid_all > 0 else ZERO
    lift = share / (Decimal(top) / Decimal(n)) if n and paid_all > 0 else ZERO
    return Lift(n, top, paid_top, paid_all, share, lift)


__all__ = ["BANDS", "COLUMNS", "CallModel", "Lift", "age_band", "backtest_lift", "best_hours", "call_list",
           "fit_model", "open_accounts"]
