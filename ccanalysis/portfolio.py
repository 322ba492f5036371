"""Suppliers side by side for one month: cost, unit costs, KPI attainment, shares, concentration, budget
(the budget comparison itself is `ccanalysis.budget`'s).

Pure functions of per-supplier facts (costs, activity, SLA evaluations, budget rows), which
`ccanalysis.workbook` gathers from an engagement; exact Decimals for money and Fractions for shares.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pandas as pd

from . import budget as _budget
from .money import ZERO, exact_sum, round_money

COMPARISON_INPUT = ["supplier", "billed_net", "expected_net", "handled", "productive_hours"]
COSTS_INPUT = ["supplier", "month", "billed_net", "expected_net"]
BUDGET_COLUMNS = ["supplier", "month", "budget", "actual", "deviation", "deviation_fraction", "billed",
                  "billed_deviation", "billed_deviation_fraction"]


def activity_totals(days: Iterable[pd.DataFrame]) -> dict[str, Decimal]:
    """Handled contacts and productive hours (talk + hold + after-call work, in hours) of daily activity
    frames, e.g. one per service of a supplier."""
    handled = ZERO
    productive_s = ZERO
    for frame in days:
        if frame.empty:
            continue
        if "handled" in frame:
            handled += exact_sum(frame["handled"])
        for col in ("talk_s", "hold_s", "acw_s"):
            if col in frame:
                productive_s += exact_sum(frame[col])
    return {"handled": handled, "productive_hours": productive_s / 3600}


def supplier_comparison(suppliers: pd.DataFrame) -> pd.DataFrame:
    """From one row per supplier (supplier, billed_net — None without invoice —, expected_net, handled,
    productive_hours): the same with cost_per_contact and cost_per_productive_hour (on the billed net, else
    the expected) and share_handled (Fraction of all handled contacts)."""
    rows = []
    for row in suppliers[COMPARISON_INPUT].to_dict("records"):
        billed = None if _missing(row["billed_net"]) else row["billed_net"]
        cost = billed if billed is not None else row["expected_net"]
        rows.append({
            **row, "billed_net": billed,
            "cost_per_contact": round_money(cost / row["handled"]) if row["handled"] else None,
            "cost_per_productive_hour": (round_money(cost / row["productive_hours"])
                                         if row["productive_hours"] else None),
        })
    frame = pd.DataFrame(rows, columns=[*COMPARISON_INPUT, "cost_per_contact", "cost_per_productive_hour"])
    total = sum(frame["handled"], ZERO)
    frame["share_handled"] = [Fraction(h) / Fraction(total) if total else Fraction(0) for h in frame["handled"]]
    return frame


def hhi(shares: Sequence[Fraction]) -> Fraction:
    """Herfindahl–Hirschman index of shares given as fractions: Σ (share × 100)², from 0 to 10,000."""
    return sum((Fraction(s) * 100) ** 2 for s in shares) if len(shares) else Fraction(0)


#: HHI bounds (squared percentage points) of the classes of the US Horizontal Merger Guidelines (2010, § 5.3):
#: below MODERATE unconcentrated, MODERATE..HIGH moderately, above HIGH highly concentrated.
HHI_MODERATE = 1500
HHI_HIGH = 2500


def hhi_level(value: Fraction | float) -> str:
    """The concentration class of an HHI (squared percentage points, 0–10,000): "unconcentrated" below 1,500,
    "moderate" from 1,500 to 2,500, "high" above 2,500."""
    if value > HHI_HIGH:
        return "high"
    return "moderate" if value >= HHI_MODERATE else "unconcentrated"


def hhi_floor(suppliers: int) -> Fraction:
    """The lowest HHI `suppliers` suppliers can have (equal shares): 10,000 / n squared percentage points."""
    return Fraction(10000, suppliers)


def kpi_attainment(evaluations: Mapping[str, Mapping[str, Sequence[Any]]]) -> pd.DataFrame:
    """Every SLA rule of every supplier (supplier → service → SLA evaluations, neutral rules included):
    the KPI value under the contract's definition, whether it was attained (no penalty; None when there is
    no data) and the SLA line itself (`line`, whose facts the display layer words: definition, target)."""
    rows = []
    for supplier, by_service in evaluations.items():
        for service_id, items in by_service.items():
            for item in items:
                if item.kind not in ("sla", "tracked"):
                    continue
                attained = None if item.value is None else item.fraction >= 0
                rows.append({"supplier": supplier, "service": service_id, "rule": item.rule_id, "kpi": item.kpi,
                             "variant": item.variant,
                             "value": item.value_used if item.value_used is not None else item.value,
                             "fraction": item.fraction, "attained": attained, "line": item})
    return pd.DataFrame(rows, columns=["supplier", "service", "rule", "kpi", "variant", "value", "fraction",
                                       "attained", "line"])


def budget_vs_actual(budget: pd.DataFrame, costs: pd.DataFrame) -> pd.DataFrame:
    """Per row of `costs` (supplier, month, billed_net — None before the invoice —, expected_net): the
    supplier's total of `budget.month_comparison` (the budget is Σ of its budget rows of the month: every
    service row, or its `*` row). The actual is the expected net (the cost under the contract), the billed
    net beside it: a line billed twice is an audit finding, not a budget overrun. Columns: BUDGET_COLUMNS."""
    rows = costs[COSTS_INPUT].assign(service=_budget.TOTAL)
    totals = _budget.month_comparison(budget, rows)
    totals = totals[totals["service"] == _budget.TOTAL].set_index(["supplier", "month"])
    out = []
    for row in costs[COSTS_INPUT].to_dict("records"):
        t = totals.loc[(row["supplier"], row["month"])]
        out.append({"supplier": row["supplier"], "month": row["month"], "budget": t["budget"],
                    "actual": t["expected"], "deviation": t["deviation"],
                    "deviation_fraction": t["deviation_fraction"], "billed": t["billed"],
                    "billed_deviation": t["billed_deviation"],
                    "billed_deviation_fraction": t["billed_deviation_fraction"]})
    return pd.DataFrame(out, columns=BUDGET_COLUMNS)


def _missing(value: object) -> bool:
    return value is None or (not isinstance(value, Decimal) and pd.isna(value))


# --------------------------------------------------------------------------- what the audits bring back
TO_DATE_COLUMNS = ["supplier", "months", "billed_net", "expected_net", "claimable", "claimable_share", "recovered",
                   "pending", "under_billed"]


def to_date(savings: pd.DataFrame, expected: pd.DataFrame, disputes: pd.DataFrame) -> pd.DataFrame:
    """Per supplier, from its first month to the report's: billed, expected and claimable net (months with an
    invoice only, so the three compare), claimable as a fraction of billed, what its disputes brought back
    (`recovered`: credited) and what they still claim (`pending`: open disputes, accepted or claimed amount),
    and the under-billing. `savings`: supplier, month, billed_net (None without invoice), claimable,
    under_billed; `expected`: supplier, month, expected_net; `disputes`: `disputes.state` rows."""
    from ccanalysis import disputes as _disputes

    expected_by = {(s, m): v for s, m, v in zip(expected["supplier"], expected["month"], expected["expected_net"],
                                                strict=True)}
    rows = []
    for supplier in dict.fromkeys(savings["supplier"]):
        mine = savings[(savings["supplier"] == supplier) & savings["billed_net"].map(lambda v: not _missing(v))]
        billed = exact_sum(mine["billed_net"])
        claimable = exact_sum(mine["claimable"])
        theirs = disputes[disputes["supplier"] == supplier] if not disputes.empty else disputes
        recovered = exact_sum([v for v in theirs.get("amount_credited", []) if not _missing(v)])
        pending = exact_sum([_disputes.owed(s) for s in theirs.to_dict("records")
                             if s["status"] in _disputes.OPEN and s["status"] != "credited"])
        rows.append({"supplier": supplier, "months": len(mine), "billed_net": billed,
                     "expected_net": exact_sum([expected_by[(supplier, m)] for m in mine["month"]]),
                     "claimable": claimable, "claimable_share": Fraction(claimable) / Fraction(billed) if billed else None,
                     "recovered": recovered, "pending": pending, "under_billed": exact_sum(mine["under_billed"])})
    return pd.DataFrame(rows, columns=TO_DATE_COLUMNS)


# --------------------------------------------------------------------------- suppliers per channel
CHANNEL_INPUT = ["supplier", "service", "channel", "expected_net", "handled", "productive_hours"]
CHANNEL_COLUMNS = ["channel", "supplier", "services", "expected_net", "handled", "productive_hours",
                   "cost_per_contact", "cost_per_productive_hour", "share_handled"]


def channel_comparison(services: pd.DataFrame) -> pd.DataFrame:
    """Suppliers side by side within each channel only (an e-mail is not a call): from one row per supplier
    and service (CHANNEL_INPUT; expected_net the cost of the service's own lines under its contract), per
    channel and supplier the cost, handled contacts and productive hours, the cost per handled contact and
    per productive hour (rounded to cents once) and the supplier's share of the channel's handled contacts."""
    rows = []
    for (channel, supplier), group in services[CHANNEL_INPUT].groupby(["channel", "supplier"], sort=True):
        cost, handled, hours = (exact_sum(group[c]) for c in ("expected_net", "handled", "productive_hours"))
        rows.append({"channel": channel, "supplier": supplier, "services": list(group["service"]),
                     "expected_net": cost, "handled": handled, "productive_hours": hours,
                     "cost_per_contact": round_money(cost / handled) if handled else None,
                     "cost_per_productive_hour": round_money(cost / hours) if hours else None})
    frame = pd.DataFrame(rows, columns=CHANNEL_COLUMNS[:-1])
    totals = frame.groupby("channel")["handled"].agg(lambda v: sum(v, ZERO)) if len(frame) else {}
    frame["share_handled"] = [Fraction(h) / Fraction(totals[c]) if totals[c] else Fraction(0)
                              for c, h in zip(frame["channel"], frame["handled"], strict=True)]
    return frame


def channel_concentration(channels: pd.DataFrame) -> pd.DataFrame:
    """Per channel of `channel_comparison`: how many suppliers serve it, its HHI on handled-contact shares,
    the class of that HHI and the lowest HHI that many suppliers can have."""
    rows = []
    for channel, group in channels.groupby("channel", sort=True):
        value = hhi(list(group["share_handled"]))
        rows.append({"channel": channel, "suppliers": len(group), "hhi": value, "level": hhi_level(value),
                     "floor": hhi_floor(len(group))})
    return pd.DataFrame(rows, columns=["channel", "suppliers", "hhi", "level", "floor"])
