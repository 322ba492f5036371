"""Suppliers side by side for one month: cost, unit costs, KPI attainment, shares, concentration, budget.

Pure functions of a loaded engagement; exact Decimals for money and Fractions for shares.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING

import pandas as pd

from . import billing
from .invoice import expected_invoice, sla_evaluations, totals
from .money import ZERO, exact_sum, round_money

if TYPE_CHECKING:
    from .engagement import Engagement


def supplier_activity(eng: Engagement, supplier: str, month: str) -> dict[str, Decimal]:
    """Handled contacts and productive hours of every service of a supplier in billing period `month`."""
    contract = eng.contract(supplier)
    period = contract.period(month)
    handled = ZERO
    productive_s = ZERO
    for service in contract.services_for(period):
        days = eng.daily_activity(supplier, service.id, period.start, period.end)
        if days.empty:
            continue
        if "handled" in days:
            handled += exact_sum(days["handled"])
        for col in ("talk_s", "hold_s", "acw_s"):
            if col in days:
                productive_s += exact_sum(days[col])
    return {"handled": handled, "productive_hours": productive_s / 3600}


def supplier_comparison(eng: Engagement, month: str) -> pd.DataFrame:
    """One row per supplier: billed_net (None without invoice), expected_net, handled, productive_hours,
    cost_per_contact and cost_per_productive_hour (on the billed net, else expected), share_handled."""
    rows = []
    for supplier in eng.suppliers:
        contract = eng.contract(supplier)
        if contract.active_days(contract.period(month)) == 0:
            continue
        expected = totals(expected_invoice(eng, supplier, month)).net
        billed = billing.billed_net(eng, supplier, month)
        activity = supplier_activity(eng, supplier, month)
        cost = billed if billed is not None else expected
        rows.append({
            "supplier": supplier, "billed_net": billed, "expected_net": expected,
            "handled": activity["handled"], "productive_hours": activity["productive_hours"],
            "cost_per_contact": round_money(cost / activity["handled"]) if activity["handled"] else None,
            "cost_per_productive_hour": (round_money(cost / activity["productive_hours"])
                                         if activity["productive_hours"] else None),
        })
    frame = pd.DataFrame(rows, columns=["supplier", "billed_net", "expected_net", "handled", "productive_hours",
                                        "cost_per_contact", "cost_per_productive_hour"])
    total = sum(frame["handled"], ZERO)
    frame["share_handled"] = [Fraction(h) / Fraction(total) if total else Fraction(0) for h in frame["handled"]]
    return frame


def hhi(shares: list[Fraction]) -> Fraction:
    """Herfindahl–Hirschman index of shares given as fractions: Σ (share × 100)², from 0 to 10,000."""
    return sum((Fraction(s) * 100) ** 2 for s in shares) if shares else Fraction(0)


def kpi_attainment(eng: Engagement, month: str, lang: str = "en") -> pd.DataFrame:
    """Every SLA rule of every supplier: KPI value under the contract's definition, target, and whether it
    was attained (no penalty); None when there is no data."""
    rows = []
    for supplier in eng.suppliers:
        for service_id, items in sla_evaluations(eng, supplier, month, include_neutral=True, lang=lang).items():
            for item in items:
                if item.kind not in ("sla", "tracked"):
                    continue
                attained = None if item.value is None else item.fraction >= 0
                rows.append({"supplier": supplier, "service": service_id, "rule": item.rule_id, "kpi": item.kpi,
                             "variant": item.variant,
                             "definition": item.definition, "value": item.value_used if item.value_used is not None
                             else item.value, "target": item.target, "fraction": item.fraction,
                             "attained": attained})
    return pd.DataFrame(rows, columns=["supplier", "service", "rule", "kpi", "variant", "definition", "value", "target",
                                       "fraction", "attained"])


def budget_vs_actual(eng: Engagement, month: str, *, months: list[str] | None = None) -> pd.DataFrame:
    """Per supplier and month (`months`, default the engagement's months up to `month`): the budget (every
    service row, or the supplier's `*` row), the actual cost (billed net, or expected net where not yet
    invoiced), the deviation and its fraction of budget."""
    budget = eng.table("budget")
    months = months or [m for m in eng.months() if m <= month] or [month]
    rows = []
    for supplier in eng.suppliers:
        contract = eng.contract(supplier)
        for current in months:
            if contract.active_days(contract.period(current)) == 0:
                continue
            lines = (budget[(budget["supplier"] == supplier) & (budget["month"] == current)]
                     if not budget.empty else budget)
            amount = exact_sum(lines["amount"]) if not lines.empty else None
            billed = billing.billed_net(eng, supplier, current)
            actual = billed if billed is not None else totals(expected_invoice(eng, supplier, current)).net
            deviation = actual - amount if amount is not None else None
            rows.append({"supplier": supplier, "month": current, "budget": amount, "actual": actual,
                         "deviation": deviation, "deviation_fraction": (deviation / amount) if amount else None,
                         "actual_source": "billed" if billed is not None else "expected"})
    return pd.DataFrame(rows, columns=["supplier", "month", "budget", "actual", "deviation", "deviation_fraction",
                                       "actual_source"])
