"""Collections KPIs: named definitions over placements, attempts and payments (collections_spec.md).

Every KPI is one ratio Σ numerator ÷ Σ denominator for one supplier (or all, `supplier=None`) over one
period [start, end] of dates (either end open when None), as an exact `Fraction`; `None` when the
denominator is 0. The registry `COLLECTIONS_KPIS` names each KPI's definition and what its numerator and
denominator count (codes, worded by the i18n layer).

Scope, shared by every KPI:

- *accounts placed*: the placements (rows) of the supplier overlapping the period. A placement holds
  the account from placed_on to recalled_on, both included (the recall day is the agency's last), open
  when recalled_on is blank: `collections.fees.holds`, the one definition fees and KPIs share (two
  placements of one account never overlap: the loader checks it). One placement is one account placed
  (an account placed twice is two).
- an *attempt* counts for a placement when it is the placement's supplier's, on its account, with its
  date (the debtor's local date of `start`) in the placement's window; it counts in the period when
  that date is in [start, end].
- a *payment* is attributed to the placement holding the account on `paid_on` (payments carry no
  supplier: they are the agency's while it holds the account); it counts in the period when paid_on is
  in [start, end].
- *fees* (`cost_to_collect`, `net_liquidation`): either a DataFrame (account_id, amount; optionally
  supplier) whose rows for the accounts placed are summed — fee rows carry no date, so pass the fees of
  the period only — or a Decimal (int, str) taken as the supplier's fee total for the period.

`kept_promise_rate` judges each promise (a "ptp" attempt counting for a placement) due in the period:
due = promised_date + grace_days, start ≤ due ≤ end (`end` is required: a promise not yet due cannot be
judged). It is kept when the account's payments from the attempt's date to the due date, both included,
add up to at least promised_amount (instalments count; every payment of the account counts, whoever
holds it, and a payment may meet two promises of the same account).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction

import pandas as pd

from ccanalysis.money import ZERO, exact_sum, to_decimal
from ccanalysis.registry import Registry

OUTCOMES = ("no_answer", "busy", "voicemail", "wrong_party", "third_party", "rpc", "ptp", "refusal", "dispute")
#: Someone answered.
CONTACT_OUTCOMES = frozenset(("wrong_party", "third_party", "rpc", "ptp", "refusal", "dispute"))
#: Right-party contact (a promise to pay is one too).
RPC_OUTCOMES = frozenset(("rpc", "ptp", "refusal", "dispute"))
PTP = "ptp"

PLACEMENT_COLUMNS = ("account_id", "supplier", "placed_on", "debt_amount")
ATTEMPT_COLUMNS = ("account_id", "supplier", "start", "outcome")
PAYMENT_COLUMNS = ("account_id", "paid_on", "amount")

Fees = pd.DataFrame | Decimal | int | str | None
Number = int | Decimal


# --- the tables, normalised ------------------------------------------------------------------------------

def _require(frame: pd.DataFrame, columns: tuple[str, ...], table: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{table}: missing columns {', '.join(missing)}")


def days(values: pd.Series) -> pd.Series:
    """Dates (or datetimes, local wall time kept) as midnight Timestamps; blanks as NaT."""
    if values.dtype == object:
        values = values.map(lambda v: None if isinstance(v, str) and not v.strip() else v)
    stamps = pd.to_datetime(values)
    if getattr(stamps.dt, "tz", None) is not None:
        stamps = stamps.dt.tz_localize(None)
    return stamps.dt.normalize()


def day(value: date | datetime | str | None) -> pd.Timestamp | None:
    """One period bound as a midnight Timestamp (None stays open)."""
    return None if value is None else pd.Timestamp(value).normalize()


def placements_frame(placements: pd.DataFrame) -> pd.DataFrame:
    """The placements with a `placement` id (row position), dates as Timestamps, `debt` as Decimals,
    `days_past_due` as int (0 when the column is absent) and `segment` as str ("" when absent)."""
    _require(placements, PLACEMENT_COLUMNS, "placements")
    out = pd.DataFrame({
        "placement": range(len(placements)),
        "account_id": placements["account_id"].astype(str).to_numpy(),
        "supplier": placements["supplier"].astype(str).to_numpy(),
        "placed_on": days(placements["placed_on"]).to_numpy(),
        "recalled_on": (days(placements["recalled_on"]).to_numpy() if "recalled_on" in placements.columns
                        else pd.NaT),
        "debt": [to_decimal(v, what="placements.debt_amount") for v in placements["debt_amount"]],
        "days_past_due": (placements["days_past_due"].astype(int).to_numpy()
                          if "days_past_due" in placements.columns else 0),
        "segment": placements["segment"].astype(str).to_numpy() if "segment" in placements.columns else "",
    })
    out["recalled_on"] = pd.to_datetime(out["recalled_on"])
    return out


def _empty(columns: tuple[str, ...]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})


def payments_frame(payments: pd.DataFrame | None) -> pd.DataFrame:
    """account_id (str), paid_on (Timestamp), amount (Decimal)."""
    payments = _empty(PAYMENT_COLUMNS) if payments is None else payments
    _require(payments, PAYMENT_COLUMNS, "payments")
    return pd.DataFrame({
        "account_id": payments["account_id"].astype(str).to_numpy(),
        "paid_on": days(payments["paid_on"]).to_numpy(),
        "amount": pd.Series([to_decimal(v, what="payments.amount") for v in payments["amount"]],
                            dtype=object),
    })


def attempts_frame(attempts: pd.DataFrame | None) -> pd.DataFrame:
    """account_id, supplier, day (Timestamp of the debtor's local date), outcome, promised_amount,
    promised_date (Timestamp)."""
    attempts = _empty(ATTEMPT_COLUMNS) if attempts is None else attempts
    _require(attempts, ATTEMPT_COLUMNS, "attempts")
    n = len(attempts)
    return pd.DataFrame({
        "account_id": attempts["account_id"].astype(str).to_numpy(),
        "supplier": attempts["supplier"].astype(str).to_numpy(),
        "day": days(attempts["start"]).to_numpy(),
        "outcome": attempts["outcome"].astype(str).to_numpy(),
        "promised_amount": (attempts["promised_amount"].to_numpy() if "promised_amount" in attempts.columns
                            else [None] * n),
        "promised_date": (days(attempts["promised_date"]).to_numpy() if "promised_date" in attempts.columns
                          else pd.NaT),
    })


def _inside(when: pd.Series, frame: pd.DataFrame) -> pd.Series:
    from ccanalysis.collections.fees import holds

    return holds(when, frame["placed_on"], frame["recalled_on"])


def within(when: pd.Series, start: pd.Timestamp | None, end: pd.Timestamp | None) -> pd.Series:
    """when in [start, end] (an open bound always holds)."""
    mask = pd.Series(True, index=when.index)
    if start is not None:
        mask &= when >= start
    if end is not None:
        mask &= when <= end
    return mask


_WINDOW = ["placement", "account_id", "supplier", "placed_on", "recalled_on"]


def attributed_attempts(placed: pd.DataFrame, attempts: pd.DataFrame) -> pd.DataFrame:
    """The attempts (`attempts_frame`) counting for a placement of `placed`, with its `placement` id."""
    merged = attempts.merge(placed[_WINDOW], on=["account_id", "supplier"])
    return merged[_inside(merged["day"], merged)].reset_index(drop=True)


def attributed_payments(placed: pd.DataFrame, payments: pd.DataFrame) -> pd.DataFrame:
    """The payments (`payments_frame`) made while a placement of `placed` held the account, with the
    placement's id, supplier and placed_on."""
    merged = payments.merge(placed[_WINDOW], on="account_id")
    return merged[_inside(merged["paid_on"], merged)].reset_index(drop=True)


def fees_total(fees: Fees, accounts: pd.DataFrame) -> Decimal:
    """The fees of `accounts` (placements): a DataFrame's rows for their account_ids (and suppliers when
    the frame has a supplier column) summed, or a total taken as is."""
    if fees is None:
        raise ValueError("fees: required")
    if not isinstance(fees, pd.DataFrame):
        return to_decimal(fees, what="fees")
    _require(fees, ("account_id", "amount"), "fees")
    keys = ["account_id", "supplier"] if "supplier" in fees.columns else ["account_id"]
    rows = fees.assign(**{k: fees[k].astype(str) for k in keys})
    rows = rows.merge(accounts[keys].drop_duplicates(), on=keys)
    return exact_sum(rows["amount"])


# --- the scope of one KPI --------------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class Scope:
    """Everything a KPI counts, for one supplier and period (see the module docstring)."""

    accounts: pd.DataFrame  # placements overlapping the period
    attempts: pd.DataFrame  # attempts counting for them, in the period
    all_attempts: pd.DataFrame  # attempts counting for them, any date
    collected: pd.DataFrame  # payments attributed to them, in the period
    payments: pd.DataFrame  # every payment (payments_frame)
    fees: Fees
    start: pd.Timestamp | None
    end: pd.Timestamp | None
    grace_days: int


def scope(placements: pd.DataFrame, attempts: pd.DataFrame | None, payments: pd.DataFrame | None,
          fees: Fees = None, *, supplier: str | None = None, start: date | None = None,
          end: date | None = None, grace_days: int = 0) -> Scope:
    """The `Scope` of the KPIs of `supplier` (all when None) over [start, end]."""
    first, last = day(start), day(end)
    if first is not None and last is not None and first > last:
        raise ValueError(f"period: start {first.date()} after end {last.date()}")
    if grace_days < 0:
        raise ValueError(f"grace_days: {grace_days} < 0")
    placed = placements_frame(placements)
    if supplier is not None:
        placed = placed[placed["supplier"] == supplier]
    overlap = pd.Series(True, index=placed.index)
    if last is not None:
        overlap &= placed["placed_on"] <= last
    if first is not None:
        overlap &= placed["recalled_on"].isna() | (placed["recalled_on"] > first)
    accounts = placed[overlap].reset_index(drop=True)
    tried = attributed_attempts(accounts, attempts_frame(attempts))
    paid = payments_frame(payments)
    collected = attributed_payments(accounts, paid)
    return Scope(accounts, tried[within(tried["day"], first, last)], tried,
                 collected[within(collected["paid_on"], first, last)], paid, fees, first, last, grace_days)


# --- the KPIs --------------------------------------------------------------------------------------------

def _penetration(s: Scope) -> tuple[Number, Number]:
    return s.attempts["placement"].nunique(), len(s.accounts)


def _contact_rate(s: Scope) -> tuple[Number, Number]:
    return int(s.attempts["outcome"].isin(CONTACT_OUTCOMES).sum()), len(s.attempts)


def _rpc_rate_attempts(s: Scope) -> tuple[Number, Number]:
    return int(s.attempts["outcome"].isin(RPC_OUTCOMES).sum()), len(s.attempts)


def _rpc_rate_accounts(s: Scope) -> tuple[Number, Number]:
    rpc = s.attempts[s.attempts["outcome"].isin(RPC_OUTCOMES)]
    return rpc["placement"].nunique(), len(s.accounts)


def _ptp_rate(s: Scope) -> tuple[Number, Number]:
    outcomes = s.attempts["outcome"]
    return int((outcomes == PTP).sum()), int(outcomes.isin(RPC_OUTCOMES).sum())


def promises(s: Scope) -> pd.DataFrame:
    """The promises due in the period: account_id, day (of the attempt), promised_amount (Decimal), due,
    paid (Σ the account's payments from day to due) and kept (paid ≥ promised_amount)."""
    if s.end is None:
        raise ValueError("kept_promise_rate: end required")
    rows = s.all_attempts[s.all_attempts["outcome"] == PTP]
    if rows["promised_date"].isna().any() or rows["promised_amount"].isna().any():
        raise ValueError("attempts: ptp without promised_amount or promised_date")
    due = rows["promised_date"] + pd.Timedelta(days=s.grace_days)
    rows = rows.assign(due=due)[within(due, s.start, s.end)]
    by_account = {k: g for k, g in s.payments.groupby("account_id")}
    out = []
    for row in rows.itertuples(index=False):
        paid_rows = by_account.get(row.account_id)
        paid = ZERO if paid_rows is None else exact_sum(
            paid_rows["amount"][(paid_rows["paid_on"] >= row.day) & (paid_rows["paid_on"] <= row.due)])
        amount = to_decimal(row.promised_amount, what="attempts.promised_amount")
        out.append({"account_id": row.account_id, "day": row.day, "promised_amount": amount,
                    "due": row.due, "paid": paid, "kept": paid >= amount})
    return pd.DataFrame(out, columns=["account_id", "day", "promised_amount", "due", "paid", "kept"])


def _kept_promise_rate(s: Scope) -> tuple[Number, Number]:
    due = promises(s)
    return int(due["kept"].sum()), len(due)


def _collected(s: Scope) -> Decimal:
    return exact_sum(s.collected["amount"])


def _debt(s: Scope) -> Decimal:
    return exact_sum(s.accounts["debt"])


def _recovery_rate(s: Scope) -> tuple[Number, Number]:
    return _collected(s), _debt(s)


def _cost_to_collect(s: Scope) -> tuple[Number, Number]:
    return fees_total(s.fees, s.accounts), _collected(s)


def _net_liquidation(s: Scope) -> tuple[Number, Number]:
    return _collected(s) - fees_total(s.fees, s.accounts), _debt(s)


@dataclass(frozen=True)
class CollectionsKpi:
    """One collections KPI: its named `definition`, what its numerator and denominator count (codes),
    its unit and `compute(scope) → (numerator, denominator)`."""

    name: str
    definition: str
    numerator: str
    denominator: str
    unit: str
    compute: Callable[[Scope], tuple[Number, Number]] = field(repr=False, compare=False)


COLLECTIONS_KPIS: Registry[CollectionsKpi] = Registry("collections KPI", "KPIs", key="kpi")

for _record in (
    CollectionsKpi("penetration", "attempted_of_placed", "accounts_with_attempt", "accounts_placed",
                   "fraction", _penetration),
    CollectionsKpi("contact_rate", "contacts_of_attempts", "attempts_with_contact", "attempts", "fraction",
                   _contact_rate),
    CollectionsKpi("rpc_rate_attempts", "rpc_of_attempts", "rpc_attempts", "attempts", "fraction",
                   _rpc_rate_attempts),
    CollectionsKpi("rpc_rate_accounts", "rpc_accounts_of_placed", "accounts_with_rpc", "accounts_placed",
                   "fraction", _rpc_rate_accounts),
    CollectionsKpi("ptp_rate", "ptp_of_rpc", "ptp_attempts", "rpc_attempts", "fraction", _ptp_rate),
    CollectionsKpi("kept_promise_rate", "paid_in_full_by_due_with_grace", "promises_kept", "promises_due",
                   "fraction", _kept_promise_rate),
    CollectionsKpi("recovery_rate", "collected_while_placed_of_debt_placed", "collected", "debt_placed",
                   "fraction", _recovery_rate),
    # a ratio like the others, shown as a percentage; it can exceed 1 (fees above the amount collected)
    CollectionsKpi("cost_to_collect", "fees_of_collected", "fees", "collected", "fraction", _cost_to_collect),
    CollectionsKpi("net_liquidation", "collected_less_fees_of_debt_placed", "collected_less_fees",
                   "debt_placed", "fraction", _net_liquidation),
):
    COLLECTIONS_KPIS.register(_record)


def ratio(numerator: Number, denominator: Number) -> Fraction | None:
    """numerator ÷ denominator exactly; None when the denominator is 0."""
    if denominator == 0:
        return None
    return Fraction(numerator) / Fraction(denominator)


def collections_kpi_terms(name: str, placements: pd.DataFrame, attempts: pd.DataFrame | None,
                          payments: pd.DataFrame | None, fees: Fees = None, *, supplier: str | None = None,
                          start: date | None = None, end: date | None = None,
                          grace_days: int = 0) -> tuple[Number, Number]:
    """(numerator, denominator) of KPI `name`: counts as ints, money as Decimals."""
    record = COLLECTIONS_KPIS.get(name)
    return record.compute(scope(placements, attempts, payments, fees, supplier=supplier, start=start,
                                end=end, grace_days=grace_days))


def collections_kpi(name: str, placements: pd.DataFrame, attempts: pd.DataFrame | None,
                    payments: pd.DataFrame | None, fees: Fees = None, *, supplier: str | None = None,
                    start: date | None = None, end: date | None = None,
                    grace_days: int = 0) -> Fraction | None:
    """KPI `name` of `supplier` (all when None) over [start, end] as an exact Fraction; None when its
    denominator is 0. An unknown name raises the registry's ValueError naming the KPIs there are."""
    return ratio(*collections_kpi_terms(name, placements, attempts, payments, fees, supplier=supplier,
                                        start=start, end=end, grace_days=grace_days))
