"""The wiring between a loaded engagement and the pure domain: what notebooks, report sections and the CLI call.

Each function here asks the `Engagement` for the contract, the period and the DataFrames a domain function
needs and passes them down; memoisation, where it pays, is explicit and keyed on its inputs.
(For now these forward to the engagement-level functions of `ccanalysis.invoice`.)
"""

from __future__ import annotations

from ccanalysis.invoice import (  # noqa: F401
    charges_to_date,
    expected_invoice,
    format_invoice_table,
    invoice_json,
    kpi_data,
    service_activity,
    sla_evaluations,
    totals,
)

# --- billing, accrual, portfolio, compliance ---
# isort: split
from decimal import Decimal  # noqa: E402
from typing import TYPE_CHECKING  # noqa: E402

import pandas as pd  # noqa: E402

from ccanalysis import accrual as _accrual  # noqa: E402
from ccanalysis import billing as _billing  # noqa: E402
from ccanalysis import compliance as _compliance  # noqa: E402
from ccanalysis import portfolio as _portfolio  # noqa: E402

if TYPE_CHECKING:
    from ccanalysis.engagement import Engagement


def billed_lines(eng: Engagement, supplier: str, month: str) -> pd.DataFrame:
    """The supplier's invoice lines for billing period `month`."""
    return _billing.billed_lines(eng.invoices, supplier, month)


def billed_net(eng: Engagement, supplier: str, month: str) -> Decimal | None:
    """The supplier's billed net for billing period `month`, None without an invoice."""
    return _billing.billed_net(billed_lines(eng, supplier, month))


def billed_vs_expected(eng: Engagement, supplier: str, month: str, lang: str = "en") -> _billing.Comparison:
    """The supplier's billed lines against its expected invoice for billing period `month`."""
    expected = expected_invoice(eng, supplier, month, lang=lang)
    return _billing.compare(expected, totals(expected).net, billed_lines(eng, supplier, month))


def accrual(eng: Engagement, supplier: str, month: str) -> pd.DataFrame:
    """The month-to-date cost of billing period `month`, day by day up to the last day with activity."""
    period = eng.period(supplier, month)
    last = _accrual.last_activity_day(eng.activity, eng.contacts, supplier, period.start, period.end)
    return _accrual.daily_cost(period.start, last, lambda day: charges_to_date(eng, supplier, month, day))


def service_days(eng: Engagement, supplier: str, month: str) -> dict[str, pd.DataFrame]:
    """The daily activity of every service of the supplier in force in billing period `month`, by service id."""
    contract = eng.contract(supplier)
    period = contract.period(month)
    return {service.id: eng.daily_activity(supplier, service.id, period.start, period.end)
            for service in contract.services_for(period)}


def active_suppliers(eng: Engagement, month: str) -> list[str]:
    """The suppliers whose contract is in force on some day of billing period `month`."""
    return [s for s in eng.suppliers if eng.contract(s).active_days(eng.contract(s).period(month)) > 0]


def portfolio_frame(eng: Engagement, month: str) -> pd.DataFrame:
    """`portfolio.supplier_comparison` of every supplier in force in `month`."""
    rows = []
    for supplier in active_suppliers(eng, month):
        activity = _portfolio.activity_totals(service_days(eng, supplier, month).values())
        rows.append({"supplier": supplier, "billed_net": billed_net(eng, supplier, month),
                     "expected_net": totals(expected_invoice(eng, supplier, month)).net, **activity})
    return _portfolio.supplier_comparison(pd.DataFrame(rows, columns=_portfolio.COMPARISON_INPUT))


def portfolio_attainment(eng: Engagement, month: str, lang: str = "en") -> pd.DataFrame:
    """`portfolio.kpi_attainment` of every supplier's SLA rules in `month`."""
    return _portfolio.kpi_attainment({
        supplier: sla_evaluations(eng, supplier, month, include_neutral=True, lang=lang)
        for supplier in eng.suppliers})


def portfolio_budget(eng: Engagement, month: str, *, months: list[str] | None = None) -> pd.DataFrame:
    """`portfolio.budget_vs_actual` per supplier in force and month (`months`, default the engagement's
    months up to `month`)."""
    months = months or [m for m in eng.months() if m <= month] or [month]
    rows = [{"supplier": supplier, "month": current, "billed_net": billed_net(eng, supplier, current),
             "expected_net": totals(expected_invoice(eng, supplier, current)).net}
            for supplier in eng.suppliers for current in months if supplier in active_suppliers(eng, current)]
    return _portfolio.budget_vs_actual(eng.table("budget"), pd.DataFrame(rows, columns=_portfolio.COSTS_INPUT))


def scorecard(eng: Engagement, supplier: str, month: str) -> pd.DataFrame:
    """`compliance.evaluate` of the contract's clauses for every service in force in billing period `month`
    (KPI clauses on the same data as the invoice's SLA)."""
    contract = eng.contract(supplier)
    period = contract.period(month)
    if not contract.compliance:
        return pd.DataFrame(columns=_compliance.COLUMNS)
    workforce = eng.table("workforce")
    frames = [_compliance.evaluate(contract.compliance, workforce=workforce,
                                   activity=kpi_data(service_activity(eng, supplier, service, period)),
                                   supplier=supplier, service=service.id, month=month)
              for service in contract.services_for(period)]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=_compliance.COLUMNS)


def service_kpi_data(eng: Engagement, supplier: str, month: str) -> dict[str, pd.DataFrame]:
    """The KPI data of every service in force in billing period `month` (exactly what the SLA uses)."""
    contract = eng.contract(supplier)
    period = contract.period(month)
    return {service.id: kpi_data(service_activity(eng, supplier, service, period))
            for service in contract.services_for(period)}
