"""What drives billing-inquiry calls: contacts per 1,000 bills by reason and month, repeat contacts under a
named definition, the reasons that grow and the agents and reasons out of line with the team.

Counts are integers; rates are floats (they feed tests and intervals). Contacts are rows of the `contacts`
table (`start`, `customer_id`, `reason`, `agent_id`, `contact_id`); bills are rows of the `bills` table
(`month` YYYY-MM, `bills_issued`, optionally `segment`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from ccanalysis.periods import as_days, previous_month
from ccanalysis.registry import Registry


@dataclass(frozen=True)
class RepeatDefinition:
    """A repeat-contact definition: a contact is a repeat when the same customer had a previous contact (any
    reason, any channel) at most `window_days` calendar days before it — counted from the previous contact's
    date to this contact's date, the edge included: a contact exactly `window_days` days after the previous one
    is a repeat, one `window_days + 1` days after is not; a second contact on the same day is a repeat
    (0 days). Contacts without a customer are never repeats and never make one."""

    name: str
    window_days: int


REPEAT_DEFINITIONS: Registry[RepeatDefinition] = Registry("repeat-contact definition", "definitions",
                                                          key="repeat")
REPEAT_DEFINITIONS.register(RepeatDefinition("repeat_7d", 7))
REPEAT_DEFINITIONS.register(RepeatDefinition("repeat_30d", 30))


def _ordered(contacts: pd.DataFrame) -> pd.DataFrame:
    """The contacts with a customer, by customer then start (then contact id: same-second contacts in a
    stable order), with their day (datetime64[D]) and the day gap to the customer's previous and next one."""
    known = contacts[contacts["customer_id"].notna() & (contacts["customer_id"].astype(str) != "")]
    frame = known.sort_values(["customer_id", "start", "contact_id"], kind="stable")
    days = as_days(pd.to_datetime(frame["start"]).to_numpy()).astype("int64")  # days since 1970
    same_prev = np.r_[False, frame["customer_id"].to_numpy()[1:] == frame["customer_id"].to_numpy()[:-1]]
    gap_prev = np.where(same_prev, np.r_[0, np.diff(days)], -1)
    same_next = np.r_[same_prev[1:], False]
    gap_next = np.where(same_next, np.r_[np.diff(days), 0], -1)
    return frame.assign(_gap_prev=gap_prev, _gap_next=gap_next)


def repeat_flags(contacts: pd.DataFrame, definition: str = "repeat_7d") -> pd.DataFrame:
    """Per contact (the input's index): `repeat` — it is a repeat under `definition` (a previous contact of the
    customer within the window) — and `followed` — the customer called again within the window after it (the
    contact did not settle the question: what an agent's or a reason's repeat rate counts)."""
    window = REPEAT_DEFINITIONS.get(definition).window_days
    frame = _ordered(contacts)
    repeat = pd.Series(False, index=contacts.index)
    followed = pd.Series(False, index=contacts.index)
    repeat.loc[frame.index] = (frame["_gap_prev"] >= 0) & (frame["_gap_prev"] <= window)
    followed.loc[frame.index] = (frame["_gap_next"] >= 0) & (frame["_gap_next"] <= window)
    return pd.DataFrame({"repeat": repeat, "followed": followed})


def month_column(contacts: pd.DataFrame) -> pd.Series:
    """Each contact's month, YYYY-MM (the month its start falls in)."""
    return pd.to_datetime(contacts["start"]).dt.strftime("%Y-%m")


def repeat_rates(contacts: pd.DataFrame, definition: str = "repeat_7d",
                 by: tuple[str, ...] = ("month", "reason")) -> pd.DataFrame:
    """Repeat contacts under `definition` per group of `by` (columns of the contacts, or `month`): `contacts`,
    `repeats` and `rate` = repeats ÷ contacts (fraction)."""
    flags = repeat_flags(contacts, definition)
    frame = contacts.assign(month=month_column(contacts), _repeat=flags["repeat"].astype(int))
    grouped = frame.groupby(list(by), sort=True, dropna=False)["_repeat"].agg(["size", "sum"]).reset_index()
    grouped = grouped.rename(columns={"size": "contacts", "sum": "repeats"})
    grouped["rate"] = grouped["repeats"] / grouped["contacts"]
    return grouped


def bills_by_month(bills: pd.DataFrame) -> pd.Series:
    """Bills issued per month (YYYY-MM), summed over segments."""
    if bills is None or bills.empty:
        return pd.Series(dtype="int64")
    return bills.groupby(bills["month"].astype(str))["bills_issued"].sum().astype("int64")


def contacts_per_1000_bills(contacts: pd.DataFrame, bills: pd.DataFrame) -> pd.DataFrame:
    """Contacts by `month` × `reason` with the month's `bills` and `per_1000_bills` = contacts × 1000 ÷ bills
    (NaN when the month has no bills row). Every reason appears in every month (0 contacts where none)."""
    months = month_column(contacts)
    counts = pd.crosstab(months, contacts["reason"].fillna("other")).stack()
    counts.index.names = ["month", "reason"]
    frame = counts.rename("contacts").reset_index()
    issued = bills_by_month(bills)
    frame["bills"] = frame["month"].map(issued).astype("Int64")
    frame["per_1000_bills"] = (frame["contacts"] * 1000 / frame["bills"].astype("float")).astype(float)
    return frame.sort_values(["month", "reason"]).reset_index(drop=True)


def growing_reasons(rates: pd.DataFrame, month: str, *, threshold: float = 0.20,
                    alpha: float = 0.05) -> pd.DataFrame:
    """The reasons whose contacts per 1,000 bills grow from the month before `month` to `month`
    (`contacts_per_1000_bills` rows): `growth` = rate_M ÷ rate_M−1 − 1 (fraction), `p_value` of the
    conditional test of two Poisson rates (given k = k_M + k_M−1 contacts, k_M ~ Binomial(k, b_M ÷ (b_M + b_M−1)),
    b the months' bills; one-sided, greater) and `growing` = growth ≥ `threshold` and p < `alpha`.
    Reasons without contacts in the month before are judged on the test alone (growth NaN)."""
    before = previous_month(month)
    now = rates[rates["month"] == month].set_index("reason")
    prev = rates[rates["month"] == before].set_index("reason")
    rows = []
    for reason in now.index:
        k1, b1 = int(now.at[reason, "contacts"]), now.at[reason, "bills"]
        k0 = int(prev.at[reason, "contacts"]) if reason in prev.index else 0
        b0 = prev.at[reason, "bills"] if reason in prev.index else pd.NA
        if pd.isna(b1) or pd.isna(b0) or k1 + k0 == 0:
            continue
        share = float(b1) / (float(b1) + float(b0))
        p_value = float(stats.binomtest(k1, k1 + k0, share, alternative="greater").pvalue)
        r1, r0 = k1 * 1000 / float(b1), k0 * 1000 / float(b0)
        growth = r1 / r0 - 1 if r0 > 0 else float("nan")
        rows.append({"reason": reason, "contacts": k1, "contacts_before": k0, "per_1000_bills": r1,
                     "per_1000_bills_before": r0, "growth": growth, "p_value": p_value,
                     "growing": bool((np.isnan(growth) or growth >= threshold) and p_value < alpha)})
    return pd.DataFrame(rows, columns=["reason", "contacts", "contacts_before", "per_1000_bills",
                                       "per_1000_bills_before", "growth", "p_value", "growing"])


def outliers(frame: pd.DataFrame, group: str, flag: str, *, alpha: float = 0.05,
             min_contacts: int = 20) -> pd.DataFrame:
    """The groups (agents, reasons) whose rate of boolean column `flag` is out of line with the rest of the
    team: per group its `contacts`, `hits`, `rate`, the `team_rate` of the other groups' contacts together,
    `z` = (rate − team_rate) ÷ √(team_rate (1 − team_rate) ÷ n), the two-sided exact binomial `p_value` against
    the team rate and `outlier` = p < alpha ÷ groups (Bonferroni) for groups with at least `min_contacts`."""
    data = frame[frame[group].notna()]
    counts = data.groupby(group, sort=True)[flag].agg(["size", "sum"])
    total_n, total_k = int(counts["size"].sum()), int(counts["sum"].sum())
    tested = int((counts["size"] >= min_contacts).sum())
    rows = []
    for name, (n, k) in counts.iterrows():
        n, k = int(n), int(k)
        rest_n, rest_k = total_n - n, total_k - k
        team = rest_k / rest_n if rest_n else float("nan")
        rate = k / n
        if rest_n and 0 < team < 1:
            z = (rate - team) / np.sqrt(team * (1 - team) / n)
            p_value = float(stats.binomtest(k, n, team).pvalue)
        else:
            z, p_value = float("nan"), float("nan")
        big = n >= min_contacts and tested > 0
        rows.append({group: name, "contacts": n, "hits": k, "rate": rate, "team_rate": team, "z": float(z),
                     "p_value": p_value, "outlier": bool(big and p_value == p_value and p_value < alpha / tested)})
    return pd.DataFrame(rows, columns=[group, "contacts", "hits", "rate", "team_rate", "z", "p_value", "outlier"])
