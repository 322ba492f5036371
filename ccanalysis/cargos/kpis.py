"""Cargos KPIs: named definitions over a retailer's charges, its sales and the dispute register.

Every KPI is one ratio Σ numerator ÷ Σ denominator for one retailer (or all, `retailer=None`), optionally one
charge type, over one period [start, end] of dates, as an exact `Fraction`; `None` when the denominator is 0.
The registry `CARGOS_KPIS` names each definition and what its numerator and denominator count (codes,
worded by `ccanalysis.i18n.cargos`); `unit` says whether the value is a fraction or days.

Scope, shared by every KPI:
- *charges of the period*: the charges (retailer, document_id, issue_date, amount, type; the validation's
  verdict and invalid_amount) issued in [start, end];
- *open deductions at the end*: the charges issued by `end` whose resolution, as the register stood at
  `end` (rows dated ≤ end), is missing or not final (`disputes.RESOLVED`): undecided, disputed and not yet
  settled;
- *disputes of the period*: the cargo disputes (register rows `C-…`) of the scope's charges first
  `submitted` in [start, end], in their state as the register stood at `end`. Answered = the retailer
  accepted (wholly or partly), credited or rejected it at some point (a rejected dispute written off later
  stays answered, and lost); won = its latest answer is not a rejection;
  recovered = `disputes.owed` of a won dispute (credited, else accepted, else claimed).

Days deductions outstanding follows the "by dollars" definition published by the Corporate Finance
Institute (https://corporatefinanceinstitute.com/resources/knowledge/accounting/days-deduction-outstanding-ddo/):
open deductions ÷ average daily deductions of the period = open deductions at the end ÷ deductions taken in
the period × days in the period.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction

import pandas as pd

from ccanalysis import disputes
from ccanalysis.cargos.resolution import ANSWER_STATUSES, WON_STATUSES, cargo_rows, dispute_id
from ccanalysis.money import ZERO, exact_sum, to_decimal
from ccanalysis.registry import Registry

Number = int | Decimal
CHARGE_COLUMNS = ("retailer", "document_id", "issue_date", "amount")


@dataclass(frozen=True, eq=False)
class Scope:
    """What the KPIs count for one retailer (all when None), type (all when None) and period."""

    charges: pd.DataFrame  # the charges of the period
    outstanding: pd.DataFrame  # open deductions at the end
    disputes: pd.DataFrame  # disputes of the period: their state at the end, issue_date, submitted_on, window
    sales: Decimal  # net sales of the months the period covers
    days: int  # days in the period


def _days(values: pd.Series) -> list[date]:
    return [pd.Timestamp(v).date() for v in values]


def scope(charges: pd.DataFrame, sales: pd.DataFrame | None, register: pd.DataFrame,
          windows: Mapping[str, int], *, start: date, end: date, retailer: str | None = None,
          charge_type: str | None = None) -> Scope:
    """The `Scope` of the KPIs (module doc). `sales`: retailer, month (YYYY-MM), net_sales (the months
    overlapping [start, end] count whole; optional product rows are summed)."""
    if start > end:
        raise ValueError(f"period: start {start} after end {end}")
    missing = [c for c in CHARGE_COLUMNS if c not in charges.columns]
    if missing:
        raise ValueError(f"charges: missing columns {', '.join(missing)}")
    mine = charges
    if retailer is not None:
        mine = mine[mine["retailer"].astype(str) == retailer]
    if charge_type is not None:
        mine = mine[mine["type"] == charge_type]
    issued = pd.Series(_days(mine["issue_date"]), index=mine.index, dtype=object)
    period = mine[(issued >= start) & (issued <= end)]
    by_end = mine[issued <= end]
    rows = cargo_rows(register)
    if not rows.empty:
        rows = rows[pd.Series([d is not None and pd.Timestamp(d).date() <= end for d in rows["status_date"]],
                              index=rows.index, dtype=bool)]
    state = {r["dispute_id"]: r for r in disputes.current(rows).to_dict("records")} if not rows.empty else {}
    submitted: dict[str, date] = {}
    answer: dict[str, str] = {}  # each dispute's latest answer (a later write-off does not erase a rejection)
    for key, status, day in zip(rows.get("dispute_id", []), rows.get("status", []), rows.get("status_date", []),
                                strict=True):
        if status == "submitted" and key not in submitted:
            submitted[key] = pd.Timestamp(day).date()
        if status in ANSWER_STATUSES:
            answer[key] = status
    keys = [dispute_id(str(r), str(d)) for r, d in zip(by_end["retailer"], by_end["document_id"], strict=True)]
    open_ = [k not in state or state[k]["status"] not in disputes.RESOLVED for k in keys]
    outstanding = by_end[open_]
    filed = []
    for key, r, issue in zip(keys, by_end["retailer"], by_end["issue_date"], strict=True):
        on = submitted.get(key)
        if on is not None and start <= on <= end:
            filed.append({**state[key], "answer": answer.get(key), "issue_date": pd.Timestamp(issue).date(),
                          "submitted_on": on,
                          "window_days": int(windows.get(str(r), 0))})
    total_sales = ZERO
    if sales is not None and not sales.empty:
        months = {m.strftime("%Y-%m") for m in pd.period_range(start, end, freq="M").to_timestamp()}
        chosen = sales[sales["month"].astype(str).isin(months)]
        if retailer is not None:
            chosen = chosen[chosen["retailer"].astype(str) == retailer]
        total_sales = exact_sum(chosen["net_sales"])
    return Scope(period, outstanding, pd.DataFrame(filed), total_sales, (end - start).days + 1)


def _amounts(frame: pd.DataFrame, column: str) -> Decimal:
    if frame.empty or column not in frame:
        return ZERO
    return exact_sum(to_decimal(v) for v in frame[column] if v is not None and not pd.isna(v))


def _judged(s: Scope) -> pd.DataFrame:
    verdicts = s.charges.get("verdict", pd.Series(dtype=object))
    return s.charges[verdicts.isin(("valid", "invalid", "partly_valid"))]


def _answered(s: Scope) -> pd.DataFrame:
    return s.disputes[s.disputes["answer"].isin(ANSWER_STATUSES)] if not s.disputes.empty else s.disputes


def _cargos_of_sales(s: Scope) -> tuple[Number, Number]:
    return _amounts(s.charges, "amount"), s.sales


def _ddo(s: Scope) -> tuple[Number, Number]:
    return _amounts(s.outstanding, "amount") * s.days, _amounts(s.charges, "amount")


def _invalid_rate(s: Scope) -> tuple[Number, Number]:
    judged = _judged(s)
    return _amounts(judged, "invalid_amount"), _amounts(judged, "amount")


def _recovery_rate(s: Scope) -> tuple[Number, Number]:
    if s.disputes.empty:
        return ZERO, ZERO
    won = s.disputes[s.disputes["answer"].isin(WON_STATUSES)]
    return exact_sum(disputes.owed(r) for r in won.to_dict("records")), _amounts(s.disputes, "amount_claimed")


def _win_rate(s: Scope) -> tuple[Number, Number]:
    answered = _answered(s)
    return int(answered["answer"].isin(WON_STATUSES).sum()) if len(answered) else 0, len(answered)


def _filing_lag(s: Scope) -> tuple[Number, Number]:
    if s.disputes.empty:
        return 0, 0
    lag = sum((r.submitted_on - r.issue_date).days for r in s.disputes.itertuples(index=False))
    return lag, int(s.disputes["window_days"].sum())


def _filed_late(s: Scope) -> tuple[Number, Number]:
    if s.disputes.empty:
        return 0, 0
    late = sum((r.submitted_on - r.issue_date).days > r.window_days for r in s.disputes.itertuples(index=False))
    return int(late), len(s.disputes)


@dataclass(frozen=True)
class CargosKpi:
    """One cargos KPI: its named `definition`, what its numerator and denominator count (codes), its unit
    (`fraction` or `days`) and `compute(scope) → (numerator, denominator)`."""

    name: str
    definition: str
    numerator: str
    denominator: str
    unit: str
    compute: Callable[[Scope], tuple[Number, Number]] = field(repr=False, compare=False)


CARGOS_KPIS: Registry[CargosKpi] = Registry("cargos KPI", "KPIs", key="kpi")

for _record in (
    CargosKpi("cargos_of_sales", "charged_of_net_sales", "charged", "net_sales", "fraction", _cargos_of_sales),
    CargosKpi("days_deductions_outstanding", "cfi_open_of_period_deductions_times_days",
              "open_deductions_times_days", "deductions_of_period", "days", _ddo),
    CargosKpi("invalid_rate", "invalid_of_judged", "invalid_amount", "judged_amount", "fraction", _invalid_rate),
    CargosKpi("recovery_rate", "recovered_of_disputed", "recovered", "disputed", "fraction", _recovery_rate),
    CargosKpi("win_rate", "won_of_answered", "disputes_won", "disputes_answered", "fraction", _win_rate),
    CargosKpi("filing_lag", "filing_days_of_window_days", "days_to_file", "window_days", "fraction",
              _filing_lag),
    CargosKpi("filed_late_rate", "filed_after_window_of_filed", "filed_late", "disputes_filed", "fraction",
              _filed_late),
):
    CARGOS_KPIS.register(_record)


def ratio(numerator: Number, denominator: Number) -> Fraction | None:
    """numerator ÷ denominator exactly; None when the denominator is 0."""
    if denominator == 0:
        return None
    return Fraction(numerator) / Fraction(denominator)


def cargos_kpi_terms(name: str, s: Scope) -> tuple[Number, Number]:
    """(numerator, denominator) of KPI `name` over scope `s`: counts and days as ints, money as Decimals."""
    return CARGOS_KPIS.get(name).compute(s)


def cargos_kpi(name: str, s: Scope) -> Fraction | None:
    """KPI `name` over scope `s` as an exact Fraction (None when its denominator is 0). An unknown name
    raises the registry's ValueError naming the KPIs there are."""
    return ratio(*cargos_kpi_terms(name, s))


def kpi_table(charges: pd.DataFrame, sales: pd.DataFrame | None, register: pd.DataFrame,
              windows: Mapping[str, int], *, start: date, end: date, retailer: str | None = None,
              charge_type: str | None = None) -> list[dict]:
    """Every KPI of one scope: kpi, definition, unit, value (Fraction or None), numerator, denominator."""
    s = scope(charges, sales, register, windows, start=start, end=end, retailer=retailer, charge_type=charge_type)
    rows = []
    for record in CARGOS_KPIS.records():
        numerator, denominator = record.compute(s)
        rows.append({"kpi": record.name, "definition": record.definition, "unit": record.unit,
                     "value": ratio(numerator, denominator), "numerator": numerator, "denominator": denominator})
    return rows


def by_group(charges: pd.DataFrame, register: pd.DataFrame, windows: Mapping[str, int], name: str, *,
             start: date, end: date) -> pd.DataFrame:
    """KPI `name` per retailer and type (e.g. win_rate by type and retailer): retailer, type, value,
    numerator, denominator, one row per pair that has charges."""
    rows = []
    pairs = charges[["retailer", "type"]].dropna().drop_duplicates().sort_values(["retailer", "type"])
    for retailer, kind in pairs.itertuples(index=False):
        s = scope(charges, None, register, windows, start=start, end=end, retailer=retailer, charge_type=kind)
        numerator, denominator = cargos_kpi_terms(name, s)
        rows.append({"retailer": retailer, "type": kind, "value": ratio(numerator, denominator),
                     "numerator": numerator, "denominator": denominator})
    return pd.DataFrame(rows, columns=["retailer", "type", "value", "numerator", "denominator"])
