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

from ccanalysis import accrual, billing, kpis, morning, sla, workbook
from ccanalysis.engagement import Engagement
from ccanalysis.i18n import domain as words
from ccanalysis.i18n import format_date, format_number, format_percent, label, sentence
from ccanalysis.money import round_money
from ccanalysis.report import figures, text
from ccanalysis.report.section import Section

#: Who a supplier report is for: the client (everything) or the supplier's account manager (no budget).
AUDIENCES = ("client", "supplier")


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
        label("unit_price", lang): [_unit_price(p, k, lang) for p, k in zip(lines["unit_price"], lines["kind"], strict=True)],
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


def _unit_price(value: Decimal | None, kind: str, lang: str) -> str:
    """An invoice line's unit price; an SLA line's is the fraction of its base, read as a percentage
    (−0.0048171… → −0,482 %: the exact fraction is in the line's explanation)."""
    if text.missing(value):
        return ""
    if kind in ("sla", "sla_cap"):
        return format_percent(value, lang, 3)
    return words.price(value, lang)


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
            left_out.append(sentence("kpis_left_out", lang, service=_service_label(service, lang),
                                     kpis=", ".join(words.kpi_name(k, lang) for k in omitted)))
        for row in shown.itertuples(index=False):
            definition = words.kpi_definition(row.kpi, row.variant, lang, threshold_s=row.threshold_s,
                                              short_abandon_s=row.short_abandon_s, aggregation=row.aggregation)
            value = text.display_kpi(row.kpi, row.value, row.unit, service.channel, lang, row.variant, row.decimals,
                                     contract.currency)
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
    bullets = _bullets(contract.services_for(contract.period(month)), evaluations, lang)
    figs = [figures.kpi_bullets(bullets, lang, label("chart_kpi_bands", lang))] if bullets else []
    tables = [("", pd.DataFrame(rows))]
    if sla_rows:
        tables.append((label("sla", lang), pd.DataFrame(sla_rows)))
    adjustments = sum((i.amount for items in evaluations.values() for i in items), Decimal(0))
    narrative = "\n\n".join([sentence("kpi_narrative", lang), *left_out])
    reported_table, reported_text, reported_results = _reported(eng, supplier, month, lang)
    if reported_table is not None:
        tables.append((label("reported_kpis", lang), reported_table))
        narrative += "\n\n" + reported_text
    return Section(label("kpis_and_sla", lang), narrative, [], tables, figs,
                   {"sla_adjustments": adjustments, "reported_kpis": reported_results})


def _rule_items(services, evaluations):
    """(service, SLA line, parsed rule, the value the rule used) once per SLA rule with a KPI, in order."""
    seen = set()
    for service in services:
        if not service.sla:
            continue
        rules = {rule.id: rule for rule in sla.parse(service.sla).rules}
        for item in evaluations.get(service.id, []):
            rule = rules.get(item.rule_id)
            if rule is None or item.kpi is None or (service.id, rule.id) in seen:
                continue
            seen.add((service.id, rule.id))
            yield service, item, rule, item.value_used if item.value_used is not None else item.value


def _bullets(services, evaluations, lang: str) -> list[dict]:
    """One bullet per SLA rule with a KPI (`figures.kpi_bullets`): the value the rule used and the stretches
    of its scale (`sla.segments`)."""
    return [{"title": f"{service.id} · {words.kpi_name(item.kpi, lang)}",
             "unit": kpis.variant_of(item.kpi, item.variant).unit,
             "value": None if value is None else float(value),
             "segments": [(g.lower, g.upper, g.sign, g.adjustment) for g in sla.segments(rule)]}
            for service, item, rule, value in _rule_items(services, evaluations)]


def _service_label(service, lang: str) -> str:
    """A service by its id and, when the id does not say it, its channel in words: `billing, voz (entrante)`,
    but `chat`, not `chat, chat`."""
    channel = words.channel_name(service.channel, lang)
    if channel.casefold() == service.id.casefold():
        return service.id
    return sentence("service_on_channel", lang, service=service.id, channel=channel)


def _reported(eng: Engagement, supplier: str, month: str, lang: str) -> tuple[pd.DataFrame | None, str, list[dict]]:
    """The supplier's reported KPIs beside the recomputed ones (`workbook.reported_kpis`): the table, its
    summary sentence and the facts for the results record; (None, "", []) when it reported none."""
    comparisons = workbook.reported_kpis(eng, supplier, month)
    if not comparisons:
        return None, "", []
    contract = eng.contract(supplier)
    channels = {s.id: s.channel for s in contract.services_for(contract.period(month))}
    rows, facts = [], []
    for service_id, items in comparisons.items():
        channel = channels[service_id]
        for c in items:
            def shown(value, variant=c.variant, c=c, channel=channel):
                return text.display_kpi(c.kpi, value, c.unit, channel, lang, variant)

            if c.recomputed is None:
                verdict = sentence("reported_no_recompute", lang)
            elif c.matches:
                verdict = sentence("reported_matches", lang)
            elif c.explained_by_definition:
                verdict = sentence("reported_explained", lang, value=shown(c.under_reported_definition,
                                                                           c.reported_variant or c.variant))
            elif c.under_reported_definition is not None:
                verdict = sentence("reported_not_explained", lang, value=shown(c.under_reported_definition,
                                                                               c.reported_variant or c.variant))
            else:
                verdict = sentence("reported_differs", lang)
            theirs = (words.kpi_definition(c.kpi, c.reported_variant or c.variant, lang,
                                           threshold_s=c.reported_threshold_s or c.threshold_s,
                                           short_abandon_s=c.short_abandon_s)
                      if c.reported_variant or c.reported_threshold_s is not None
                      else sentence("reported_definition_unknown", lang))
            rows.append({
                label("service", lang): service_id, label("kpi", lang): words.kpi_name(c.kpi, lang),
                label("reported", lang): shown(c.reported), label("supplier_definition", lang): theirs,
                label("recomputed", lang): shown(c.recomputed),
                label("contract_definition", lang): words.kpi_definition(c.kpi, c.variant, lang,
                                                                         threshold_s=c.threshold_s,
                                                                         short_abandon_s=c.short_abandon_s),
                label("difference", lang): text.kpi_difference(c.kpi, c.difference, lang, c.variant),
                label("verdict", lang): verdict,
            })
            facts.append({"service": service_id, "kpi": c.kpi, "reported": c.reported,
                          "recomputed": None if c.recomputed is None else kpis.fraction_to_decimal(c.recomputed, 6),
                          "matches": c.matches, "explained_by_definition": c.explained_by_definition})
    count = len(facts)
    differ = sum(1 for f in facts if f["matches"] is False)
    explained = sum(1 for f in facts if f["matches"] is False and f["explained_by_definition"])
    summary = (sentence("reported_all_match", lang, count=count) if all(f["matches"] for f in facts)
               else sentence("reported_summary", lang, differ=differ, count=count, explained=explained))
    return pd.DataFrame(rows), f"{sentence('reported_narrative', lang)} {summary}", facts


def activity_section(eng: Engagement, supplier: str, month: str, lang: str, audience: str = "client") -> Section:
    """Daily contacts of every service against the plan's offered contacts, and the month-to-date cost, day
    by day against plan and budget. For the supplier's audience (`audience="supplier"`) the client's budget
    and the plan's cost are left out: they are the client's, not the supplier's."""
    if audience not in AUDIENCES:
        raise ValueError(f"audience: expected one of {', '.join(AUDIENCES)}, got {audience!r}")
    contract = eng.contract(supplier)
    days_by_service = workbook.service_days(eng, supplier, month)
    figs = []
    totals_rows = []
    panels: dict[str, pd.DataFrame] = {}
    planned = workbook.planned_offered(eng, supplier, month)
    for service in contract.services_for(contract.period(month)):
        days = days_by_service[service.id]
        if days.empty or "offered" not in days.columns:
            continue
        if service.id in planned:
            days = days.merge(planned[service.id], on="date", how="left")
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
        client = audience == "client"
        budget = morning.supplier_budget(eng, supplier, month) if client else None
        plan = morning.planned_cumulative(eng, supplier, month) if client else None
        partial = plan is not None and bool(len(plan)) and bool(morning.unplanned_charges(eng, supplier, month))
        figs.append(figures.daily_cost(cost, lang, plan=plan, budget=float(budget) if budget is not None else None,
                                       projection=projection,
                                       plan_label=label("chart_plan_partial", lang) if partial else None))
    return Section(label("daily_cost", lang), sentence("accrual_narrative", lang), [],
                   [("", pd.DataFrame(totals_rows))], figs, {"month_to_date_charges": accrual.total(cost)})


def compliance_section(eng: Engagement, supplier: str, month: str, lang: str) -> Section:
    """The compliance scorecard: per clause and service met / not met / no data, the figure and what is
    required, the evidence and its source, and for a clause not met its consequence and owner; certificates
    expiring within 60 days of the period's end flagged."""
    from ccanalysis import compliance

    contract = eng.contract(supplier)
    title = f"{label('compliance_scorecard', lang)} — {contract.name}"
    frame = workbook.scorecard(eng, supplier, month)
    rows = frame.to_dict("records")
    if not rows:  # nothing to say: one line saying why, no empty table
        return Section(title, sentence("no_clauses", lang, supplier=contract.name), [], [], [],
                       {"compliance": {}, "expiring": [], "penalties": Decimal(0)})
    currency = contract.currency

    def clause_name(r: dict) -> str:
        return text.control_name(r["subject"], lang) if r["kind"] == "control" else r["id"]

    shown = _collapse_services(rows, lang)
    table = pd.DataFrame({
        label("service", lang): [r["service_shown"] for r in shown],
        label("clause", lang): [clause_name(r) for r in shown],
        label("status", lang): [label(r["status"], lang) for r in shown],
        label("figure", lang): [text.clause_figure(r, lang) for r in shown],
        label("threshold", lang): [text.clause_threshold(r, lang) if r["kind"] != "control" else "" for r in shown],
        label("evidence", lang): [text.clause_evidence(r, lang) for r in shown],
        label("explanation", lang): [text.clause_explanation(r, lang) for r in shown],
        label("consequence", lang): [text.clause_consequence(r, lang, currency) for r in shown],
        label("owner", lang): ["" if r["status"] == "met" or text.missing(r["owner"]) else r["owner"] for r in shown],
    })
    counts = pd.Series([r["status"] for r in shown]).value_counts().to_dict()  # a supplier-wide clause once
    expiring = [r for r in rows if r["expiring"]]
    unique_expiring = list({(r["id"], r["valid_until"]): r for r in expiring}.values())
    headline = [(label(s, lang), str(counts.get(s, 0)), s == "not_met" and counts.get(s, 0) > 0)
                for s in ("met", "not_met", "no_data")]
    headline.append((label("expiring", lang), str(len(unique_expiring)), bool(unique_expiring)))
    parts = []
    if unique_expiring:
        parts.append(sentence("certificates_expiring", lang, days=compliance.EXPIRY_WARNING_DAYS, items=", ".join(
            sentence("expiring_item", lang, name=clause_name(r), reference=r["reference"] or "",
                     date=format_date(r["valid_until"], lang)) for r in unique_expiring)))
    # a supplier-wide clause is listed under each service; its penalty is owed once a month
    penalties = {r["id"]: r["penalty"] for r in rows if r["status"] == "not_met" and r["penalty"] is not None}
    total = sum(penalties.values(), Decimal(0))
    if total:
        parts.append(sentence("penalties_not_met", lang, amount=text.money(total, lang, currency)))
    return Section(title, "\n\n".join(parts), headline, [("", table)], [],
                   {"compliance": counts, "expiring": [r["id"] for r in unique_expiring], "penalties": total})


def _collapse_services(rows: list[dict], lang: str) -> list[dict]:
    """The scorecard's rows with a clause that gave the same on every service (a supplier-wide control or
    certificate) shown once, for all services; each row gains `service_shown`."""
    services = list(dict.fromkeys(r["service"] for r in rows))

    def key(r: dict) -> tuple:
        return (r["status"], str(r["figure"]), r["reason"], r["evidence_source"], r["reference"], r["evidence_date"],
                r["valid_until"])

    out, done = [], set()
    for r in rows:
        same = [x for x in rows if x["id"] == r["id"]]
        if len(services) > 1 and len(same) == len(services) and len({key(x) for x in same}) == 1:
            if r["id"] not in done:
                done.add(r["id"])
                out.append({**r, "service_shown": label("all_services", lang)})
            continue
        out.append({**r, "service_shown": r["service"] or ""})
    return out


def near_miss_section(eng: Engagement, supplier: str, month: str, lang: str) -> Section:
    """How far each SLA KPI is from the next band that pays more (`sla.near_miss`) and what reaching it would
    have been worth this month on the same base (before the caps), then the lines billed below the contract:
    what both sides need to agree the close on the same numbers."""
    contract = eng.contract(supplier)
    services = contract.services_for(contract.period(month))
    evaluations = workbook.sla_evaluations(eng, supplier, month, include_neutral=True, lang=lang)
    currency = contract.currency
    rows, facts = [], []
    for service, item, rule, value in _rule_items(services, evaluations):
        if value is None:
            continue
        miss = sla.near_miss(sla.segments(rule), value)
        if miss is None:
            continue
        worth = None
        if miss.segment.adjustment is not None:
            worth = round_money((miss.segment.adjustment - item.fraction) * item.base)
        rows.append({
            label("service", lang): service.id, label("kpi", lang): words.kpi_name(item.kpi, lang),
            label("value", lang): text.kpi_value(item.kpi, value, lang, item.variant),
            label("adjustment_now", lang): format_percent(item.fraction, lang, 2),
            label("next_band", lang): text.kpi_value(item.kpi, miss.boundary, lang, item.variant),
            label("gap", lang): text.kpi_difference(item.kpi, miss.gap, lang, item.variant),
            label("next_adjustment", lang): (format_percent(miss.segment.adjustment, lang, 2)
                                             if miss.segment.adjustment is not None
                                             else sentence("adjustment_grows", lang)),
            label("worth", lang): text.money(worth, lang, currency) if worth is not None else "",
        })
        facts.append({"service": service.id, "rule": rule.id, "kpi": item.kpi, "boundary": miss.boundary,
                      "gap": miss.gap, "worth": worth})
    result = workbook.audit(eng, supplier, month, lang)
    under = result.findings[[d is not None and d < 0 for d in result.findings["difference"]]] \
        if not result.findings.empty else result.findings
    names = text.charge_names(services, workbook.expected_invoice(eng, supplier, month, lang=lang))
    under_table = pd.DataFrame({
        label("finding", lang): under["finding_id"],
        label("service", lang): under["service"].fillna(""),
        label("charge", lang): [text.charge_name(names, s, c) if isinstance(c, str) else ""
                                for s, c in zip(under["service"], under["charge"], strict=True)],
        label("billed", lang): [text.money(v, lang, currency) for v in under["billed"]],
        label("expected", lang): [text.money(v, lang, currency) for v in under["expected"]],
        label("difference", lang): [text.money(v, lang, currency) for v in under["difference"]],
    }) if len(under) else None
    parts = [sentence("near_miss_narrative", lang) if rows else sentence("near_miss_none", lang)]
    parts.append(sentence("under_billed_lines", lang, amount=text.money(result.under_billed, lang, currency))
                 if under_table is not None else sentence("under_billed_none", lang))
    tables = [("", pd.DataFrame(rows))] if rows else []
    if under_table is not None:
        tables.append((label("under_billed", lang), under_table))
    return Section(label("near_misses", lang), "\n\n".join(parts), [], tables, [],
                   {"near_misses": facts, "under_billed": result.under_billed})
