"""Collection agencies' fees as the contract engine prices them: which payments an agency earns a fee on
(attribution), each payment's debt age, and the collections data as the engine's contact records.

A payment is **attributed** to the agency holding the account on the day it is paid (placed_on ≤ paid_on ≤
recalled_on, or still placed), or — when no agency holds it that day — to the agency that held it last, for
`tail_days` after its recall (the contract's `collections.attribution_tail_days`). The **debt age** of a
payment is the account's days past due at placement ("placement") or that plus the days from placement to
the payment ("payment"), as the contract's `collections.debt_age_at` says.

The engine prices a collections service on **contact records** built here (`as_contact_records`): one
record per attributed payment (outcome `payment`, its amount, debt age and segment) and one per attempt
(its outcome, so a `right_party_contact` charge counts RPCs). A charge's `applies_to` then restricts them
by `debt_age_days` and `segments` like any other filter. Pure: DataFrames in, DataFrames out.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Outcomes of an attempt (the attempts table) and the ones that are a right-party contact.
OUTCOMES = ("no_answer", "busy", "voicemail", "wrong_party", "third_party", "rpc", "ptp", "refusal", "dispute")
CONTACT_OUTCOMES = ("wrong_party", "third_party", "rpc", "ptp", "refusal", "dispute")
RPC_OUTCOMES = ("rpc", "ptp", "refusal", "dispute")
DEBT_AGE_AT = ("placement", "payment")
ATTRIBUTED_COLUMNS = ["account_id", "supplier", "paid_on", "amount", "placed_on", "recalled_on", "days_past_due",
                      "segment", "debt_age_days", "by_tail"]


def holds(when, placed_on, recalled_on):
    """Whether a placement holds its account on each day `when`: from placed_on to recalled_on, both
    included (the recall day is the agency's last), or open when recalled_on is blank. The one definition
    of attribution: fees, KPIs, the agency comparison and the call-time tables all use it, on Series of
    dates (blank = NaT) or on arrays of day numbers (open = a day beyond any other)."""
    return (when >= placed_on) & ~(when > recalled_on)  # a comparison with NaT is False: an open end


def holds_sql(when: str, placed_on: str, recalled_on: str) -> str:
    """`holds` as a SQL predicate (DuckDB) on three date expressions: the same rule, a NULL recall open (a
    comparison with NULL is NULL in SQL, and NULL IS NOT TRUE)."""
    return f"({when} >= {placed_on} AND ({when} > {recalled_on}) IS NOT TRUE)"


def attributed_payments(placements: pd.DataFrame, payments: pd.DataFrame, supplier: str, *, tail_days: int = 0,
                        debt_age_at: str = "placement") -> pd.DataFrame:
    """The payments `supplier` earns a fee on (ATTRIBUTED_COLUMNS), oldest first: paid while it held the
    account, or within `tail_days` after its recall when no agency held the account that day (`by_tail`).
    `debt_age_days` per `debt_age_at` ("placement" | "payment")."""
    if debt_age_at not in DEBT_AGE_AT:
        raise ValueError(f"debt_age_at: expected one of {', '.join(DEBT_AGE_AT)}, got {debt_age_at!r}")
    if placements.empty or payments.empty:
        return pd.DataFrame(columns=ATTRIBUTED_COLUMNS)
    # recalled_on is optional (blank or absent: still placed)
    spans = placements.reindex(columns=["account_id", "supplier", "placed_on", "recalled_on", "days_past_due",
                                        "segment"]).copy()
    spans["placed_on"] = pd.to_datetime(spans["placed_on"])
    spans["recalled_on"] = pd.to_datetime(spans["recalled_on"])
    pays = payments[["account_id", "paid_on", "amount"]].copy()
    pays["paid_on"] = pd.to_datetime(pays["paid_on"])
    pays["_payment"] = np.arange(len(pays))
    joined = pays.merge(spans, on="account_id", how="inner")
    open_end = joined["recalled_on"].isna()
    holding = holds(joined["paid_on"], joined["placed_on"], joined["recalled_on"])
    held = set(joined.loc[holding, "_payment"])
    tail_end = joined["recalled_on"] + pd.Timedelta(days=int(tail_days))
    in_tail = (~open_end & (joined["paid_on"] > joined["recalled_on"]) & (joined["paid_on"] <= tail_end)
               & ~joined["_payment"].isin(held))
    if tail_days and in_tail.any():  # the last agency to hold it before the payment, if several
        tails = joined[in_tail].sort_values(["_payment", "recalled_on"]).drop_duplicates("_payment", keep="last")
        in_tail = joined.index.isin(tails.index)
    else:
        in_tail = np.zeros(len(joined), dtype=bool)
    chosen = (holding | in_tail) & (joined["supplier"] == supplier)
    mine = joined[chosen].copy()
    mine["by_tail"] = np.asarray(in_tail, dtype=bool)[chosen.to_numpy()]
    age = mine["days_past_due"].astype("int64")
    if debt_age_at == "payment":
        age = age + (mine["paid_on"] - mine["placed_on"]).dt.days.astype("int64")
    mine["debt_age_days"] = age
    mine = mine.sort_values(["paid_on", "_payment"], kind="stable")
    return mine[ATTRIBUTED_COLUMNS].reset_index(drop=True)


def not_attributable(placements: pd.DataFrame, payments: pd.DataFrame, supplier: str, claimed: pd.DataFrame,
                     *, tail_days: int = 0) -> pd.DataFrame:
    """The rows of `claimed` (account_id, paid_on[, amount]: the payments an agency's fee invoice bills) that
    are not attributed to `supplier` (`attributed_payments`): a fee on a payment made while the account was
    not placed with it."""
    if claimed.empty:
        return claimed.iloc[0:0]
    mine = attributed_payments(placements, payments, supplier, tail_days=tail_days)
    keys = set(zip(mine["account_id"].astype(str), pd.to_datetime(mine["paid_on"]).dt.date, strict=True))
    days = pd.to_datetime(claimed["paid_on"]).dt.date
    mask = [(str(a), d) not in keys for a, d in zip(claimed["account_id"], days, strict=True)]
    return claimed[mask]


CONTACT_COLUMNS = ["contact_id", "supplier", "service", "start", "queue_s", "answered", "abandoned", "talk_s",
                   "hold_s", "acw_s", "outcome", "amount", "account_id", "debt_age_days", "segment"]


def as_contact_records(attributed: pd.DataFrame, attempts: pd.DataFrame, *, supplier: str, service: str,
                       placements: pd.DataFrame | None = None, debt_age_at: str = "placement") -> pd.DataFrame:
    """The engine's contact records of a collections service (CONTACT_COLUMNS), start-ordered: one per
    attributed payment (outcome `payment`, at midnight of its day) and one per attempt of `supplier` (its
    outcome; `answered` when a contact). Times are zero: an agency is not paid by the minute here. An
    attempt's debt age and segment come from its account's placement with the agency, when given."""
    pays = pd.DataFrame({
        "contact_id": [f"payment:{a}:{i}" for i, a in enumerate(attributed["account_id"])],
        "start": pd.to_datetime(attributed["paid_on"]), "outcome": "payment",
        "amount": list(attributed["amount"]), "account_id": attributed["account_id"].astype(str),
        "debt_age_days": attributed["debt_age_days"].astype("int64"), "segment": attributed["segment"],
    })
    mine = attempts[attempts["supplier"] == supplier] if not attempts.empty else attempts
    tries = pd.DataFrame({
        "contact_id": [f"attempt:{a}:{i}" for i, a in enumerate(mine.get("account_id", []))],
        "start": pd.to_datetime(mine["start"]) if not mine.empty else pd.Series(dtype="datetime64[ns]"),
        "outcome": list(mine.get("outcome", [])), "amount": None,
        "account_id": mine["account_id"].astype(str) if not mine.empty else pd.Series(dtype=str),
    })
    if placements is not None and not mine.empty:
        spans = placements[placements["supplier"] == supplier].reindex(
            columns=["account_id", "placed_on", "days_past_due", "segment"])
        spans = spans.assign(account_id=spans["account_id"].astype(str), placed_on=pd.to_datetime(spans["placed_on"]))
        spans = spans.sort_values("placed_on").drop_duplicates("account_id", keep="last")
        tries = tries.merge(spans, on="account_id", how="left")
        age = tries["days_past_due"].astype("Float64")
        if debt_age_at == "payment":
            age = age + (tries["start"].dt.normalize() - tries["placed_on"]).dt.days
        tries["debt_age_days"] = age.astype("Int64")
        tries = tries.drop(columns=["placed_on", "days_past_due"])
    records = pd.concat([pays, tries], ignore_index=True) if len(tries) else pays
    records["supplier"], records["service"] = supplier, service
    records["queue_s"] = 0
    records["answered"] = records["outcome"].isin(CONTACT_OUTCOMES + ("payment",))
    records["abandoned"] = False
    for column in ("talk_s", "hold_s", "acw_s"):
        records[column] = 0
    records = records.sort_values(["start", "contact_id"], kind="stable").reset_index(drop=True)
    return records[CONTACT_COLUMNS]
