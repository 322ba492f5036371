"""The sections of the supplier month report (`notebooks/supplier_month.ipynb`), one function each.

Each takes the engagement, supplier, billing period `month` and `lang`, asks `ccanalysis.workbook` for the facts and
returns a `Section` whose every word is in `lang`. Adding a section = one `*_section` function here, one
cell in `tools/make_notebooks.py` (then regenerate the notebook), its words in `i18n/report.py` and its
test.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pandas as pd

from ccanalysis import accrual, billing, kpis, morning, workbook
from ccanalysis.engagement import Engagement
from ccanalysis.i18n import domain as words
from ccanalysis.i18n import format_date, format_number, format_percent, label, sentence
from ccanalysis.report import figures, text
from ccanalysis.report.section import Section


def audit_section(eng: Engagement, supplier: str, month: str, lang: str) -> Section:
    """Page 1: the audit of the supplier's invoice — the claim, every finding in words, the lines that need
    review, the disputes carried from earlier months, the waterfall from expected to billed."""
    from ccanalysis.report import audit as audit_report

    contract = eng.contract(supplier)
    period = contract.period(month)
    result = workbook.audit(eng, supplier, month, lang)
    names = None
    if contract.active_days(period) > 0:  # the charges' names in the contract in force
        names = text.charge_names(contract.services_for(period),
                                  workbook.expected_invoice(eng, supplier, month, lang=lang))
    return audit_report.audit_section(result, workbook.carried_disputes(eng, supplier, month), lang=lang,
                                      supplier_name=contract.name, charge_names=names)


def summary_section(eng: Engagement, supplier: str, month: str, lang: str) -> Section:
    """Billed against expected per service and charge, each billed line counted under the charge the audit
    matched it to (credits of earlier invoices left out); the claim itself is the audit's (page 1)."""
    contract = eng.contract(supplier)
    period = contract.period(month)
    lines = workbook.expected_invoice(eng, supplier, month, lang=lang)
    expected = workbook.totals(lines)
    comparison = workbook.billed_vs_expected(eng, supplier, month, lang)
    currency = contract.currency
    names = text.charge_names(contract.services_for(period), lines)

    def money(value: Decimal | None) -> str:
        return text.money(value, lang, currency)

    narrative = sentence("by_charge", lang) if comparison.billed_net is not None else label("no_invoice", lang)
    if comparison.unidentified_lines:
        narrative += "\n\n" + sentence("unidentified_lines", lang, count=comparison.unidentified_lines)
    by_charge = comparison.by_charge
    table = pd.DataFrame({
        label("service", lang): by_charge["service"],
        label("charge", lang): [label("unidentified", lang) if c == billing.UNIDENTIFIED
                                else text.charge_name(names, s, c)
                                for s, c in zip(by_charge["service"], by_charge["charge"], strict=True)],
        label("expected", lang): [money(v) for v in by_charge["expected"]],
        label("billed", lang): [money(v) for v in by_charge["billed"]],
        label("difference", lang): [money(v) for v in by_charge["difference"]],
    })
    results = {"supplier": supplier, "month": month, "currency": currency,
               "expected_net": expected.net, "expected_tax": expected.tax, "expected_gross": expected.gross,
               "billed_net": comparison.billed_net, "difference": comparison.difference,
               "to_claim": comparison.to_claim, "unidentified_lines": comparison.unidentified_lines}
    return Section(f"{label('billed', lang)} / {label('expected', lang)}", narrative, [], [("", table)], [],
                   results)  # the audit's waterfall (page 1) is the chart of billed against expected


def expected_invoice_section(eng: Engagement, supplier: str, month: str, lang: str) -> Section:
    """The expected invoice by service and charge, every line with its explanation."""
    contract = eng.contract(supplier)
    lines = workbook.expected_invoice(eng, supplier, month, lang=lang)
    result = workbook.totals(lines)
    currency = contract.currency
    table = pd.DataFrame({
        "#": lines["line"],
        label("service", lang): lines["service"].fillna(""),
        label("charge", lang): lines["description"],
        label("tier", lang): lines["tier"].map(lambda t: "" if pd.isna(t) else str(t)),
        label("kind", lang): lines["kind"].map(lambda k: label(k if k != "charge" else "charge_line", lang)),
        label("quantity", lang): [_quantity(q, k, lang) for q, k in zip(lines["quantity"], lines["kind"], strict=True)],
        label("unit", lang): lines["unit"].map(lambda u: "" if text.missing(u) else words.unit_name(u, lang)),
        label("unit_price", lang): lines["unit_price"].map(lambda p: "" if text.missing(p) else words.price(p, lang)),
        label("amount", lang): lines["amount"].map(lambda a: text.money(a, lang, currency)),
    })
    notes = [(str(n), e) for n, e in zip(lines["line"], lines["explanation"], strict=True)]
    totals_table = pd.DataFrame({
        "": [label("net", lang)]
        + [sentence("tax_at", lang, tax=label("tax", lang), rate=format_percent(rate, lang, 0))
           for rate in result.tax_by_rate]
        + [label("gross", lang)],
        label("amount", lang): [text.money(result.net, lang, currency)]
        + [text.money(t, lang, currency) for t in result.tax_by_rate.values()]
        + [text.money(result.gross, lang, currency)],
    })
    period = contract.period(month)
    narrative = sentence("invoice_period", lang, period=label("period", lang), start=format_date(period.start, lang),
                         end=format_date(period.end, lang))
    return Section(f"{words.word('expected_invoice', lang)} — {contract.name}", narrative, [], [("", table), ("", totals_table)],
                   [], {"lines": len(lines), "net": result.net, "tax": result.tax, "gross": result.gross},
                   notes=notes)


def _quantity(value: Decimal | None, kind: str, lang: str) -> str:
    """An invoice line's quantity: an SLA line's is its base, in money."""
    if text.missing(value):
        return ""
    return words.money(value, lang) if kind in ("sla", "sla_cap") else words.quantity(value, lang, 2)


def kpi_section(eng: Engagement, supplier: str, month: str, lang: str) -> Section:
    """KPIs of each service under the contract's definitions, and the SLA adjustments they give.

    Only the KPIs that apply (`kpis.applicable`): those the contract, its SLA rules or its compliance
    clauses name, and those the data computes that mean something on the service's channel; one line says
    what was left out and why. A wait is read in hours on an asynchronous channel (`kpis.display_unit`)."""
    contract = eng.contract(supplier)
    data_by_service = workbook.service_kpi_data(eng, supplier, month)
    evaluations = workbook.sla_evaluations(eng, supplier, month, include_neutral=True, lang=lang)
    clause_kpis = {c["kpi"] for c in contract.compliance if c.get("kpi")}
    rows, left_out = [], []
    for service in contract.services_for(contract.period(month)):
        data = data_by_service[service.id]
        if data.empty:
            left_out.append(sentence("kpis_no_data", lang, service=service.id))
            continue
        settings = service.kpi_settings()
        named = {*settings, *(item.kpi for item in evaluations.get(service.id, [])), *clause_kpis}
        shown, omitted = kpis.applicable(kpis.kpi_table(data, settings), service.channel, named)
        if omitted:
            left_out.append(sentence("kpis_left_out", lang, service=service.id,
                                     channel=words.channel_name(service.channel, lang),
                                     kpis=", ".join(words.kpi_name(k, lang) for k in omitted)))
        for row in shown.itertuples(index=False):
            definition = words.kpi_definition(row.kpi, row.variant, lang, threshold_s=row.threshold_s,
                                              short_abandon_s=row.short_abandon_s, aggregation=row.aggregation)
            unit = kpis.display_unit(row.kpi, row.unit, service.channel)
            if unit != row.unit:  # seconds read in hours
                value = words.kpi_value(None if row.value is None else row.value / 3600, unit, lang)
            else:
                value = text.kpi_value(row.kpi, row.value, lang, row.variant, row.decimals, contract.currency)
            rows.append({label("service", lang): service.id, label("kpi", lang): words.kpi_name(row.kpi, lang),
                         label("definition", lang): definition, label("value", lang): value})
    names = text.charge_names(contract.services_for(contract.period(month)),
                              workbook.expected_invoice(eng, supplier, month, lang=lang))
    sla_rows = []
    for service_id, items in evaluations.items():
        for item in items:
            value = item.value_used if item.value_used is not None else item.value
            sla_rows.append({
                label("service", lang): service_id,
                label("charge", lang): names.get((service_id, item.charge))
                or f"{label('sla', lang)} {words.kpi_name(item.kpi, lang)}",
                label("kpi", lang): words.kpi_name(item.kpi, lang), label("definition", lang): item.definition,
                label("value", lang): text.kpi_value(item.kpi, value, lang, item.variant),
                label("target", lang): item.target or "",
                label("fraction", lang): format_percent(item.fraction, lang, 2) if item.fraction is not None else "",
                label("amount", lang): text.money(item.amount, lang, contract.currency),
            })
    tables = [("", pd.DataFrame(rows))]
    if sla_rows:
        tables.append((label("sla", lang), pd.DataFrame(sla_rows)))
    adjustments = sum((i.amount for items in evaluations.values() for i in items), Decimal(0))
    narrative = "\n\n".join([sentence("kpi_narrative", lang), *left_out])
    return Section(label("kpis_and_sla", lang), narrative, [], tables, [],
                   {"sla_adjustments": adjustments})


def activity_section(eng: Engagement, supplier: str, month: str, lang: str) -> Section:
    """Daily contacts of every service and the month-to-date cost, day by day."""
    contract = eng.contract(supplier)
    days_by_service = workbook.service_days(eng, supplier, month)
    figs = []
    totals_rows = []
    panels: dict[str, pd.DataFrame] = {}
    for service in contract.services_for(contract.period(month)):
        days = days_by_service[service.id]
        if days.empty or "offered" not in days.columns:
            continue
        panels[sentence("contacts_of", lang, contacts=label("contacts", lang), service=service.name)] = days
        totals_rows.append({label("service", lang): service.id,
                            **{label(col, lang): format_number(int(days[col].sum()), lang, 0)
                               for col in ("offered", "handled", "abandoned")}})
    if panels:
        figs.append(figures.daily_activity(panels, lang))
    cost = workbook.accrual(eng, supplier, month)
    if not cost.empty:
        period = contract.period(month)
        last = pd.Timestamp(cost["date"].max()).date()
        projection = None
        if last < period.end:  # a month not yet closed: the projected close from its last day of data
            projection = workbook.projected_close(eng, supplier, month, last, today=date.max).daily
        budget = morning.supplier_budget(eng, supplier, month)
        plan = morning.planned_cumulative(eng, supplier, month)
        partial = bool(len(plan)) and bool(morning.unplanned_charges(eng, supplier, month))
        figs.append(figures.daily_cost(cost, lang, plan=plan, budget=float(budget) if budget is not None else None,
                                       projection=projection,
                                       plan_label=label("chart_plan_partial", lang) if partial else None))
    return Section(label("daily_cost", lang), sentence("accrual_narrative", lang), [],
                   [("", pd.DataFrame(totals_rows))], figs, {"month_to_date_charges": accrual.total(cost)})


def compliance_section(eng: Engagement, supplier: str, month: str, lang: str) -> Section:
    """The compliance scorecard: met / not met / no data per clause and service, with the figure."""
    contract = eng.contract(supplier)
    frame = workbook.scorecard(eng, supplier, month)
    rows = frame.to_dict("records")
    table = pd.DataFrame({
        label("service", lang): [r["service"] or "" for r in rows],
        label("clause", lang): [r["id"] for r in rows],
        label("status", lang): [label(r["status"], lang) for r in rows],
        label("figure", lang): [text.clause_figure(r, lang) for r in rows],
        label("threshold", lang): [text.clause_threshold(r, lang) for r in rows],
        label("explanation", lang): [text.clause_explanation(r, lang) for r in rows],
    }) if rows else pd.DataFrame()
    counts = frame["status"].value_counts().to_dict() if rows else {}
    headline = [(label(s, lang), str(counts.get(s, 0)), s == "not_met" and counts.get(s, 0) > 0)
                for s in ("met", "not_met", "no_data")]
    return Section(f"{label('compliance_scorecard', lang)} — {contract.name}", "", headline, [("", table)], [],
                   {"compliance": counts})
