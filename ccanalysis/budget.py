"""Budget against actual, month and year to date, and the full-year projection against the annual budget
(practice 10). Pure: plain frames in, exact Decimal facts out.

Inputs:

* the budget table (`BUDGET_INPUT`, data.md): month (YYYY-MM), supplier, service (``*``: the supplier as a
  whole), amount;
* a costs frame (`COSTS_INPUT`), one row per month, supplier and service: ``expected_net`` (the contract
  engine's figure: what the month costs), ``billed_net`` (what the invoice charged for it; None before the
  invoice), ``projected_net`` (the month's projected close; None once the month is closed, when the expected
  figure is the close) and ``planned_net`` (the plan priced by the engine; None without a plan). A row with
  service ``*`` or None holds supplier-level amounts (e.g. a minimum-commitment true-up): it counts in the
  supplier's total only.

The actual is the **expected** net: a duplicated invoice line is an audit finding, not a budget overrun.
The billed net is shown beside it, against the budget of the months invoiced.

Full-year projection of a (supplier, service) = Σ over the year's months (the calendar year of the as-of
month) of: the expected net of the months before it, the projected close of the month itself (its expected
net when it has no projection) and the planned net of the months after it. A month of the year with a
budget but no such figure (no costs row; a later month without plan) is listed in ``unprojected`` and the
projection is None: never a silent zero.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import pandas as pd

from .money import ZERO, to_decimal

BUDGET_INPUT = ["month", "supplier", "service", "amount"]
COSTS_INPUT = ["month", "supplier", "service", "expected_net", "billed_net", "projected_net", "planned_net"]
#: the service of a supplier's total (and of a budget row for the supplier as a whole)
TOTAL = "*"

MONTH_COLUMNS = ["supplier", "service", "month", "budget", "expected", "billed", "deviation", "deviation_fraction",
                 "billed_deviation", "billed_deviation_fraction"]
REPORT_COLUMNS = ["supplier", "service", "month",
                  "month_budget", "month_expected", "month_billed", "month_deviation", "month_deviation_fraction",
                  "month_billed_deviation",
                  "ytd_budget", "ytd_expected", "ytd_deviation", "ytd_deviation_fraction",
                  "ytd_billed", "ytd_billed_budget", "ytd_billed_deviation",
                  "year_budget", "year_projection", "year_deviation", "year_deviation_fraction", "unprojected"]


def month_comparison(budget: pd.DataFrame, costs: pd.DataFrame) -> pd.DataFrame:
    """Per supplier, service and month (`MONTH_COLUMNS`), and per supplier and month with service ``*`` (the
    total: every budget row of the supplier, every costs row): budget, expected, billed, deviation =
    expected − budget and billed_deviation = billed − budget, with their fractions of budget. None where a
    figure is missing (no budget row, no costs row, no invoice)."""
    cells = _cells(budget, costs)
    rows = []
    for (supplier, service, month), cell in sorted(cells.items(), key=lambda kv: _order(kv[0])):
        rows.append({"supplier": supplier, "service": service, "month": month, "budget": cell["budget"],
                     "expected": cell["expected"], "billed": cell["billed"],
                     **_deviation(cell["expected"], cell["budget"], ""),
                     **_deviation(cell["billed"], cell["budget"], "billed_")})
    return pd.DataFrame(rows, columns=MONTH_COLUMNS)


def budget_report(budget: pd.DataFrame, costs: pd.DataFrame, month: str) -> pd.DataFrame:
    """For `month` (YYYY-MM): per supplier and service, then the supplier's total (service ``*``), the month,
    the year to date and the full-year projection against budget (`REPORT_COLUMNS`; see the module
    docstring). YTD billed is over the months invoiced, against their budget (`ytd_billed_budget`)."""
    year = month[:4]
    cells = _cells(budget, costs)
    keys = sorted({(s, sv) for (s, sv, m) in cells if m[:4] == year}, key=lambda k: _order((*k, "")))
    rows = []
    for supplier, service in keys:
        mine = {m: cell for (s, sv, m), cell in cells.items() if (s, sv) == (supplier, service) and m[:4] == year}
        now = mine.get(month, _EMPTY)
        to_date = [cell for m, cell in mine.items() if m <= month]
        invoiced = [cell for cell in to_date if cell["billed"] is not None]
        ytd_budget = _total(c["budget"] for c in to_date)
        ytd_expected = _total(c["expected"] for c in to_date)
        ytd_billed = _total(c["billed"] for c in invoiced)
        ytd_billed_budget = _total(c["budget"] for c in invoiced)
        projection, unprojected = _projection(mine, month)
        year_budget = _total(c["budget"] for c in mine.values())
        rows.append({
            "supplier": supplier, "service": service, "month": month,
            "month_budget": now["budget"], "month_expected": now["expected"], "month_billed": now["billed"],
            **_prefixed("month_", _deviation(now["expected"], now["budget"], "")),
            "month_billed_deviation": _minus(now["billed"], now["budget"]),
            "ytd_budget": ytd_budget, "ytd_expected": ytd_expected,
            **_prefixed("ytd_", _deviation(ytd_expected, ytd_budget, "")),
            "ytd_billed": ytd_billed, "ytd_billed_budget": ytd_billed_budget,
            "ytd_billed_deviation": _minus(ytd_billed, ytd_billed_budget),
            "year_budget": year_budget, "year_projection": projection,
            **_prefixed("year_", _deviation(projection, year_budget, "")),
            "unprojected": tuple(unprojected)})
    return pd.DataFrame(rows, columns=REPORT_COLUMNS)


# --------------------------------------------------------------------------- internals
_EMPTY: dict[str, Any] = {"budget": None, "expected": None, "billed": None, "close": None, "planned": None,
                          "costed": False, "unpriced": False}


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (not isinstance(value, Decimal) and pd.isna(value))


def _money(value: object) -> Decimal | None:
    return None if _missing(value) else to_decimal(value)


def _add(a: Decimal | None, b: Decimal | None) -> Decimal | None:
    if a is None:
        return b
    return a if b is None else a + b


def _total(values: Iterable[Decimal | None]) -> Decimal | None:
    out = None
    for value in values:
        out = _add(out, value)
    return out


def _minus(a: Decimal | None, b: Decimal | None) -> Decimal | None:
    return None if a is None or b is None else a - b


def _deviation(actual: Decimal | None, budget: Decimal | None, prefix: str) -> dict[str, Decimal | None]:
    deviation = _minus(actual, budget)
    return {f"{prefix}deviation": deviation,
            f"{prefix}deviation_fraction": deviation / budget if deviation is not None and budget else None}


def _prefixed(prefix: str, values: dict[str, Any]) -> dict[str, Any]:
    return {prefix + k: v for k, v in values.items()}


def _order(key: tuple[str, str, str]) -> tuple:
    supplier, service, month = key
    return (supplier, service == TOTAL, service, month)


def _cells(budget: pd.DataFrame, costs: pd.DataFrame) -> dict[tuple[str, str, str], dict[str, Any]]:
    """(supplier, service, month) → budget, expected, billed, close (projected, else expected), planned,
    whether a costs row exists (`costed`) and whether one lacks a plan (`unpriced`), for services and for
    the supplier total (service ``*``)."""
    for name, frame, columns in (("budget", budget, BUDGET_INPUT), ("costs", costs, COSTS_INPUT[:4])):
        missing = [c for c in columns if c not in frame.columns]
        if missing:
            raise ValueError(f"the {name} frame lacks columns {', '.join(missing)}")
    cells: dict[tuple[str, str, str], dict[str, Any]] = {}

    def cell(supplier: str, service: str, month: str) -> dict[str, Any]:
        return cells.setdefault((supplier, service, month), dict(_EMPTY))

    for row in budget[BUDGET_INPUT].to_dict("records"):
        amount = to_decimal(row["amount"], what=f"budget amount of {row['supplier']} {row['month']}")
        service = TOTAL if _missing(row["service"]) else row["service"]
        targets = [TOTAL] if service == TOTAL else [service, TOTAL]
        for target in targets:
            c = cell(row["supplier"], target, row["month"])
            c["budget"] = _add(c["budget"], amount)
    for row in costs.to_dict("records"):
        service = TOTAL if _missing(row.get("service")) else row["service"]
        targets = [TOTAL] if service == TOTAL else [service, TOTAL]
        expected = _money(row["expected_net"])
        if expected is None:
            raise ValueError(f"costs of {row['supplier']} {service} {row['month']}: expected_net is missing")
        projected = _money(row.get("projected_net"))
        figures = {"expected": expected, "billed": _money(row.get("billed_net")),
                   "close": projected if projected is not None else expected,
                   "planned": _money(row.get("planned_net"))}
        for target in targets:
            c = cell(row["supplier"], target, row["month"])
            c["costed"] = True
            for k, v in figures.items():
                c[k] = _add(c[k], v)
            # a total is priced for a later month only when every one of its rows has a plan
            c["unpriced"] = c["unpriced"] or figures["planned"] is None
    return cells


def _projection(cells: dict[str, dict[str, Any]], month: str) -> tuple[Decimal | None, list[str]]:
    """The full-year projection of one (supplier, service) from its months' cells (see the module
    docstring) and the months it lacks a figure for."""
    total = ZERO
    gaps: list[str] = []
    for m in sorted(cells):
        c = cells[m]
        if m < month:
            figure = c["expected"] if c["costed"] else None
        elif m == month:
            figure = c["close"] if c["costed"] else None
        else:
            figure = None if not c["costed"] or c["unpriced"] else c["planned"]
        if figure is None:
            gaps.append(m)
        else:
            total += figure
    return (None if gaps else total), gaps
