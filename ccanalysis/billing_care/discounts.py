"""What the discounts cost and whether they keep to policy.

A discount is a contact with a `discount_amount` > 0. Its **value** (EUR) is what it gives away in total: a
one-off `credit` is its amount; a `percent_off` discount is its monthly amount × `discount_months`. The value
is exact (Decimal) and rounded once to cents.

The policy checks are one registry, `POLICY_CHECKS`; each turns the discounts and the service's `Policy` into
findings (a code and its facts: the contact, the customer, the agent, the value, the limit).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pandas as pd

from ccanalysis.billing_care.drivers import month_column
from ccanalysis.money import ZERO, exact_sum, round_money, to_decimal
from ccanalysis.registry import Registry


@dataclass(frozen=True)
class Policy:
    """A service's discount policy, from the contract's `billing_care:` settings (`contract.BillingCareSettings`):
    `authority`, the contract's `DiscountAuthority` (its `limit(agent_id, discount_type)` is the most one
    discount may be worth, EUR: the agent's own limit, else the type's, else the default; None when the
    contract sets none, and then no discount is over authority); `retention_reasons`, the reasons a discount
    is meant for; `repeat_discount_months`, the months within which a second discount to the same customer
    is a finding."""

    authority: Any = None
    retention_reasons: tuple[str, ...] = ("cancellation_threat",)
    repeat_discount_months: int = 6


def policy_from_settings(settings: Any) -> Policy:
    """The `Policy` of a service's `billing_care` settings (`contract.BillingCareSettings`)."""
    return Policy(settings.discount_authority, tuple(settings.retention_reasons), int(settings.repeat_discount_months))


def _months(value: object) -> int:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return 1
    return max(int(value), 1)


def discount_value(amount: object, kind: object, months: object) -> Decimal:
    """The total value of one discount, EUR to cents: a credit's amount, or the monthly amount × months."""
    value = to_decimal(amount)
    if kind == "percent_off":
        value = value * _months(months)
    return round_money(value)


def discounts(contacts: pd.DataFrame) -> pd.DataFrame:
    """The contacts that granted a discount (`discount_amount` > 0), with `month`, `day` (date), `value`
    (Decimal EUR, `discount_value`) and `multi_month` (a percent_off over more than one month)."""
    if "discount_amount" not in contacts.columns:
        return contacts.iloc[0:0].assign(month=[], day=[], value=[], multi_month=[])
    mask = [_text(v) is not None and to_decimal(v) > 0 for v in contacts["discount_amount"]]
    granted = contacts.loc[pd.Series(mask, index=contacts.index, dtype=bool)]
    kinds = granted["discount_type"] if "discount_type" in granted else pd.Series(None, index=granted.index)
    months = granted["discount_months"] if "discount_months" in granted else pd.Series(None, index=granted.index)
    values = [discount_value(a, k, m) for a, k, m in zip(granted["discount_amount"], kinds, months, strict=True)]
    multi = [k == "percent_off" and _months(m) > 1 for k, m in zip(kinds, months, strict=True)]
    return granted.assign(month=month_column(granted), day=pd.to_datetime(granted["start"]).dt.date,
                          value=pd.Series(values, index=granted.index, dtype=object),
                          multi_month=pd.Series(multi, index=granted.index, dtype=bool))


def discount_cost(granted: pd.DataFrame, by: str) -> pd.DataFrame:
    """Discounts per `by` (`reason`, `agent_id` or `month`): `discounts` (count), `value` (Decimal EUR, the
    total given away), `multi_month_value` (the part in percent_off discounts over more than one month) and
    `mean_value` (value ÷ discounts, to cents); sorted by value, the largest first."""
    rows = []
    for key, group in granted.groupby(by, sort=True, dropna=False):
        value = exact_sum(group["value"])
        rows.append({by: key, "discounts": len(group), "value": value,
                     "multi_month_value": exact_sum(group.loc[group["multi_month"], "value"]),
                     "mean_value": round_money(value / len(group))})
    frame = pd.DataFrame(rows, columns=[by, "discounts", "value", "multi_month_value", "mean_value"])
    if not frame.empty:
        frame = frame.iloc[sorted(range(len(frame)), key=lambda i: (-frame["value"].iloc[i], str(frame[by].iloc[i])))]
    return frame.reset_index(drop=True)


def totals(granted: pd.DataFrame) -> dict[str, Any]:
    """The discounts' count, total value and the total value of multi-month discounts (Decimal EUR)."""
    return {"discounts": len(granted), "value": exact_sum(granted["value"]) if len(granted) else ZERO,
            "multi_month_value": exact_sum(granted.loc[granted["multi_month"], "value"]) if len(granted) else ZERO}


# --------------------------------------------------------------------------- policy checks
@dataclass(frozen=True)
class PolicyFinding:
    """One discount against policy: the check's `code` and its facts."""

    code: str
    contact_id: str
    customer_id: str | None
    agent_id: str | None
    day: Any
    reason: str | None
    value: Decimal
    limit: Decimal | None = None          # over_authority: the agent's authority, EUR
    previous_contact_id: str | None = None  # repeated_discount: the earlier discount
    previous_day: Any = None


@dataclass(frozen=True)
class PolicyCheck:
    """One policy check: `name` (the finding code), the function (granted discounts of the whole history,
    `Policy`) → findings, and a line for developers."""

    name: str
    function: Callable[[pd.DataFrame, Policy], list[PolicyFinding]]
    description: str


POLICY_CHECKS: Registry[PolicyCheck] = Registry("policy check", "checks", key="check")


def _text(value: object) -> str | None:
    return None if value is None or value is pd.NA or (isinstance(value, float) and value != value) else str(value)


def _finding(code: str, row: Any, **facts: Any) -> PolicyFinding:
    return PolicyFinding(code, str(row.contact_id), _text(getattr(row, "customer_id", None)),
                         _text(getattr(row, "agent_id", None)), row.day, _text(getattr(row, "reason", None)),
                         row.value, **facts)


def policy_check(name: str, description: str) -> Callable:
    """Register the decorated function as the policy check `name` (`POLICY_CHECKS`)."""
    def register(function: Callable) -> Callable:
        POLICY_CHECKS.register(PolicyCheck(name, function, description))
        return function
    return register


@policy_check("over_authority", "a discount worth more than its agent's authority (value > limit, EUR)")
def over_authority(granted: pd.DataFrame, policy: Policy) -> list[PolicyFinding]:
    """Discounts whose value (EUR) is above the limit of the agent who granted them (`DiscountAuthority.limit`)."""
    found: list[PolicyFinding] = []
    if policy.authority is None:
        return found
    for row in granted.itertuples(index=False):
        limit = policy.authority.limit(_text(getattr(row, "agent_id", None)), _text(getattr(row, "discount_type", None)))
        if row.value > limit:
            found.append(_finding("over_authority", row, limit=limit))
    return found


@policy_check("no_retention_reason", "a discount on a contact whose reason is not a retention reason")
def no_retention_reason(granted: pd.DataFrame, policy: Policy) -> list[PolicyFinding]:
    """Discounts on a contact whose reason is not one of the service's retention reasons."""
    return [_finding("no_retention_reason", row) for row in granted.itertuples(index=False)
            if _text(getattr(row, "reason", None)) not in policy.retention_reasons]


def add_months(day: Any, months: int) -> Any:
    """The same day `months` calendar months later (the month's last day when it is shorter)."""
    return (pd.Timestamp(day) + pd.DateOffset(months=months)).date()


@policy_check("repeated_discount", "a second discount to the same customer on or before the day "
                                   "repeat_discount_months calendar months after the previous one")
def repeated_discount(granted: pd.DataFrame, policy: Policy) -> list[PolicyFinding]:
    """A discount to a customer on or before the day `repeat_discount_months` calendar months after its previous one."""
    found = []
    known = granted[granted["customer_id"].notna()].sort_values(["customer_id", "start", "contact_id"])
    previous: dict[str, Any] = {}
    for row in known.itertuples(index=False):
        before = previous.get(row.customer_id)
        if before is not None and row.day <= add_months(before.day, policy.repeat_discount_months):
            found.append(_finding("repeated_discount", row, previous_contact_id=str(before.contact_id),
                                  previous_day=before.day))
        previous[row.customer_id] = row
    return found


def policy_findings(granted: pd.DataFrame, policy: Policy, month: str | None = None) -> list[PolicyFinding]:
    """Every registered check's findings on the discounts (`discounts` rows of the whole history, so a repeat
    looks back into earlier months), kept to the discounts of `month` (YYYY-MM) when given; by check, then
    day and contact."""
    found = []
    for check in POLICY_CHECKS.records():
        found += [f for f in check.function(granted, policy) if month is None or f.day.strftime("%Y-%m") == month]
    order = {name: i for i, name in enumerate(POLICY_CHECKS.names())}
    return sorted(found, key=lambda f: (order[f.code], f.day, f.contact_id))
