"""Report sections: one function per section, each returning a `Section` a notebook cell displays.

Adding a section to a report is one function here and one cell in the notebook. A section holds its
title, a few lines of narrative, formatted tables, figures (embedded as PNG, so the HTML stays
self-contained) and the key results that go into the report's `.json`.
"""

from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pandas as pd
from matplotlib.figure import Figure

from ccanalysis import accrual, billing, portfolio
from ccanalysis import compliance as compliance_rules
from ccanalysis import kpis as kpi_registry
from ccanalysis.engagement import Engagement, load_cached
from ccanalysis.i18n import check_lang, format_money, format_number, format_percent, label
from ccanalysis.invoice import expected_invoice, kpi_data, service_activity, sla_evaluations, totals
from ccanalysis.report import figures
from ccanalysis.report.results import publish_results

CSS = """
<style>
.cca-section h2 {font-family: system-ui, sans-serif; color: #1f4e79; border-bottom: 2px solid #1f4e79;
  padding-bottom: 2px; margin-top: 1.6em;}
.cca-section p {font-family: system-ui, sans-serif; max-width: 60em;}
.cca-table {border-collapse: collapse; font-family: system-ui, sans-serif; font-size: 12px; margin: 0.5em 0 1em;}
.cca-table th {background: #1f4e79; color: white; padding: 4px 8px; text-align: left;}
.cca-table td {padding: 3px 8px; border-bottom: 1px solid #ddd; text-align: left; vertical-align: top;}
.cca-table td.num {text-align: right; white-space: nowrap;}
.cca-kpi {display: inline-block; margin: 0 1.5em 0.8em 0; font-family: system-ui, sans-serif;}
.cca-kpi .v {font-size: 22px; font-weight: bold; color: #1f4e79;} .cca-kpi .v.bad {color: #c00000;}
.cca-kpi .l {font-size: 11px; color: #555;}
.cca-notes {font-family: system-ui, sans-serif; font-size: 12px; color: #333; max-width: 70em;}
.cca-notes li {margin-bottom: 3px;}
</style>
"""


@dataclass
class Section:
    """What one notebook cell shows: title, narrative, headline figures, tables and charts."""

    title: str
    narrative: str = ""
    headline: list[tuple[str, str, bool]] = field(default_factory=list)  # (label, value, is_bad)
    tables: list[tuple[str, pd.DataFrame]] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    results: dict[str, Any] = field(default_factory=dict)
    notes: list[tuple[str, str]] = field(default_factory=list)  # (marker, text), e.g. line explanations

    def _repr_html_(self) -> str:
        parts = [CSS, '<div class="cca-section">', f"<h2>{html.escape(self.title)}</h2>"]
        if self.headline:
            parts.append("<div>")
            for name, value, bad in self.headline:
                cls = "v bad" if bad else "v"
                parts.append(f'<div class="cca-kpi"><div class="{cls}">{html.escape(value)}</div>'
                             f'<div class="l">{html.escape(name)}</div></div>')
            parts.append("</div>")
        if self.narrative:
            parts += [f"<p>{html.escape(p)}</p>" for p in self.narrative.split("\n\n") if p.strip()]
        for caption, table in self.tables:
            if caption:
                parts.append(f"<p><b>{html.escape(caption)}</b></p>")
            parts.append(_table_html(table))
        if self.notes:
            parts.append('<ol class="cca-notes">')
            parts += [f'<li value="{html.escape(m)}">{html.escape(t)}</li>' for m, t in self.notes]
            parts.append("</ol>")
        for fig in self.figures:
            parts.append(f'<img alt="{html.escape(self.title)}" src="data:image/svg+xml;base64,{_svg(fig)}"/>')
        parts.append("</div>")
        return "\n".join(parts)

    def __repr__(self) -> str:  # plain text for terminals and nbval
        lines = [self.title]
        lines += [f"  {name}: {value}" for name, value, _ in self.headline]
        return "\n".join(lines)


def _table_html(table: pd.DataFrame) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in table.columns)
    body = []
    for row in table.itertuples(index=False):
        cells = []
        for value in row:
            text = "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
            numeric = bool(text) and (text[0].isdigit() or text[0] in "-€$") and any(ch.isdigit() for ch in text)
            cells.append(f'<td class="num">{html.escape(text)}</td>' if numeric else f"<td>{html.escape(text)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f'<table class="cca-table"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def _svg(fig: Figure) -> str:
    """The figure as base64 SVG: vector (sharp at any zoom), embedded, and quicker to render than PNG."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="svg")  # figures are laid out by tight_layout when built
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _money_text(value: Decimal | None, lang: str, currency: str) -> str:
    return format_money(value, lang, currency) if value is not None else ""


def _quantity_text(value: Any, lang: str) -> str:
    if value is None or (not isinstance(value, Decimal) and pd.isna(value)):
        return ""
    value = Decimal(value)
    places = 0 if value == value.to_integral_value() else 2
    return format_number(value, lang, places)


# =========================================================================== supplier month report
def open_engagement(engagement: str, root: str | None = None) -> Engagement:
    """The report notebooks' one validation call: load and validate the engagement (reusing the validated
    engagement of an earlier report while no input file changed)."""
    return load_cached(engagement, root=root)


def check_parameters(eng: Engagement, supplier: str | None, month: str, lang: str) -> None:
    """Raise ValueError with a one-line message for an unknown supplier, bad month or language."""
    check_lang(lang)
    if supplier is not None:
        eng.contract(supplier)
    if not isinstance(month, str) or len(month) != 7 or month[4] != "-":
        raise ValueError(f"month must be YYYY-MM, got {month!r}")
    if month not in eng.months():
        raise ValueError(f"no activity for {month} in engagement {eng.id}; months with data: "
                         f"{', '.join(eng.months()) or 'none'}")


def summary_section(eng: Engagement, supplier: str, month: str, lang: str) -> Section:
    """The figure that matters first: billed against expected, and the difference to claim."""
    contract = eng.contract(supplier)
    expected = expected_invoice(eng, supplier, month)
    expected_totals = totals(expected)
    billed = billing.billed_lines(eng, supplier, month)
    billed_net = billing.billed_net(eng, supplier, month)
    comparison = billing.by_charge(expected, billed)
    unidentified = int(billed["charge"].isna().sum()) if "charge" in billed.columns else len(billed)
    if unidentified:
        # lines without a charge id cannot be set against a charge until they are matched: only the
        # invoice total is compared
        over = max(Decimal(0), (billed_net or Decimal(0)) - expected_totals.net)
    else:
        over = sum((d for d in comparison["difference"] if d > 0), Decimal(0))
    currency = contract.currency
    period = contract.period(month)
    headline = [(label("expected", lang) + " (" + label("net", lang).lower() + ")",
                 _money_text(expected_totals.net, lang, currency), False)]
    if billed_net is not None:
        difference = billed_net - expected_totals.net
        headline += [(label("billed", lang) + " (" + label("net", lang).lower() + ")",
                      _money_text(billed_net, lang, currency), False),
                     (label("difference", lang), _money_text(difference, lang, currency), difference > 0),
                     (label("to_claim", lang), _money_text(over, lang, currency), over > 0)]
        if lang == "es":
            narrative = (f"{contract.name} facturó {_money_text(billed_net, lang, currency)} netos por el periodo "
                         f"{period.start:%d/%m/%Y}–{period.end:%d/%m/%Y}; según el contrato y la actividad "
                         f"registrada, la factura debía sumar {_money_text(expected_totals.net, lang, currency)}. "
                         f"El importe facturado por encima de lo esperado, a reclamar, es "
                         f"{_money_text(over, lang, currency)}.")
        else:
            narrative = (f"{contract.name} billed {_money_text(billed_net, lang, currency)} net for "
                         f"{period.start}–{period.end}; under the contract and the recorded activity the invoice "
                         f"should total {_money_text(expected_totals.net, lang, currency)}. The amount billed above "
                         f"what was expected, to claim, is {_money_text(over, lang, currency)}.")
    else:
        difference = None
        narrative = label("no_invoice", lang)
    if unidentified:
        narrative += ("\n\n" + (f"{unidentified} líneas facturadas no indican el concepto del contrato: se comparan "
                                 "solo los totales hasta que se asignen a sus conceptos."
                                 if lang == "es" else
                                 f"{unidentified} billed lines do not name their contract charge: only the totals "
                                 "are compared until they are matched to their charges."))
    table = pd.DataFrame({
        label("service", lang): comparison["service"],
        label("charge", lang): comparison["charge"],
        label("expected", lang): [_money_text(v, lang, currency) for v in comparison["expected"]],
        label("billed", lang): [_money_text(v, lang, currency) for v in comparison["billed"]],
        label("difference", lang): [_money_text(v, lang, currency) for v in comparison["difference"]],
    })
    fig = figures.billed_vs_expected(
        [label("net", lang)], [float(billed_net or 0)], [float(expected_totals.net)], lang)
    results = {"supplier": supplier, "month": month, "currency": currency,
               "expected_net": expected_totals.net, "expected_tax": expected_totals.tax,
               "expected_gross": expected_totals.gross, "billed_net": billed_net,
               "difference": difference, "to_claim": over, "unidentified_lines": unidentified}
    return Section(f"{label('billed', lang)} / {label('expected', lang)}", narrative, headline,
                   [("", table)], [fig], results)


def expected_invoice_section(eng: Engagement, supplier: str, month: str, lang: str) -> Section:
    """The expected invoice by service and charge, every line with its explanation."""
    contract = eng.contract(supplier)
    lines = expected_invoice(eng, supplier, month)
    result = totals(lines)
    currency = contract.currency
    table = pd.DataFrame({
        "#": lines["line"],
        label("service", lang): lines["service"].fillna(""),
        label("charge", lang): lines["charge"],
        label("tier", lang): lines["tier"].map(lambda t: "" if pd.isna(t) else str(t)),
        label("kind", lang): lines["kind"].map(lambda k: label(k if k != "charge" else "charge_line", lang)),
        label("quantity", lang): lines["quantity"].map(lambda q: _quantity_text(q, lang)),
        label("unit", lang): lines["unit"].fillna(""),
        label("unit_price", lang): lines["unit_price"].map(lambda p: "" if p is None or pd.isna(p)
                                                             else format_number(p, lang, max(2, _places(p)))),
        label("amount", lang): lines["amount"].map(lambda a: _money_text(a, lang, currency)),
    })
    notes = [(str(n), f"{d}: {e}") for n, d, e in zip(lines["line"], lines["description"], lines["explanation"],
                                                       strict=True)]
    totals_table = pd.DataFrame({
        "": [label("net", lang)] + [f"{label('tax', lang)} {format_percent(rate, lang, 0)}"
                                     for rate in result.tax_by_rate] + [label("gross", lang)],
        label("amount", lang): [_money_text(result.net, lang, currency)]
        + [_money_text(t, lang, currency) for t in result.tax_by_rate.values()]
        + [_money_text(result.gross, lang, currency)],
    })
    period = contract.period(month)
    narrative = (f"{label('period', lang)}: {period.start:%d/%m/%Y} – {period.end:%d/%m/%Y}. "
                 + ("Cada línea se redondea a céntimos una sola vez; el impuesto se calcula sobre la base "
                    "imponible de cada tipo." if lang == "es" else
                    "Each line is rounded to cents once; tax is computed on the net of each rate."))
    return Section(label("expected", lang) + " — " + contract.name, narrative, [], [("", table), ("", totals_table)],
                   [], {"lines": len(lines), "net": result.net, "tax": result.tax, "gross": result.gross},
                   notes=notes)


def _places(value: Decimal) -> int:
    exponent = Decimal(value).normalize().as_tuple().exponent
    return max(0, -int(exponent)) if isinstance(exponent, int) else 2


def kpi_section(eng: Engagement, supplier: str, month: str, lang: str) -> Section:
    """KPIs of each service under the contract's definitions, and the SLA adjustments they give."""
    contract = eng.contract(supplier)
    period = contract.period(month)
    rows = []
    for service in contract.services_for(period):
        data = _kpi_data(eng, supplier, service, period)
        if data.empty:
            continue
        table = kpi_registry.kpi_table(data, service.kpi_settings(), lang=lang)
        for row in table.itertuples(index=False):
            rows.append({label("service", lang): service.id, label("kpi", lang): row.kpi,
                         label("definition", lang): row.definition,
                         label("value", lang): row.text if row.value is not None else label("no_data", lang)})
    evaluations = sla_evaluations(eng, supplier, month, include_neutral=True, lang=lang)
    sla_rows = []
    for service_id, items in evaluations.items():
        for item in items:
            sla_rows.append({
                label("service", lang): service_id, label("charge", lang): item.charge,
                label("kpi", lang): item.kpi or "", label("definition", lang): item.definition or "",
                label("value", lang): _kpi_text(item.kpi, item.value_used if item.value_used is not None
                                                else item.value, lang, item.variant),
                label("target", lang): item.target or "",
                label("fraction", lang): format_percent(item.fraction, lang, 2) if item.fraction is not None else "",
                label("amount", lang): _money_text(item.amount, lang, contract.currency),
            })
    tables = [("", pd.DataFrame(rows))]
    if sla_rows:
        tables.append(("ANS / SLA", pd.DataFrame(sla_rows)))
    narrative = ("Cada indicador se calcula con la definición del contrato (cociente de sumas del periodo) "
                 "a partir de la actividad del cliente, no de los indicadores que reporta el proveedor."
                 if lang == "es" else
                 "Each KPI is computed under the contract's definition (ratio of the period's sums) from the "
                 "client's activity data, never from the supplier's reported figures.")
    adjustments = sum((i.amount for items in evaluations.values() for i in items), Decimal(0))
    return Section(label("kpi", lang) + " / ANS" if lang == "es" else "KPIs and SLA", narrative, [], tables, [],
                   {"sla_adjustments": adjustments})


def _kpi_data(eng: Engagement, supplier: str, service, period) -> pd.DataFrame:
    """The service's KPI data of the period, inside its validity: exactly what the invoice's SLA uses."""
    return kpi_data(service_activity(eng, supplier, service, period))


def _kpi_text(name: str | None, value: Fraction | None, lang: str, variant: str | None = None) -> str:
    """A KPI value in the unit of its definition: percentages for ratios, seconds, scores, hours."""
    if value is None:
        return label("no_data", lang)
    spec = kpi_registry.REGISTRY.get(name) if name else None
    unit = spec.variant(variant or spec.default).unit if spec else "fraction"
    return unit_text(value, unit, lang)


def unit_text(value: Fraction | Decimal | int, unit: str, lang: str) -> str:
    """Display text of a value in a KPI unit, in the report's language."""
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    if unit == "fraction":
        return format_percent(value, lang, 2)
    if unit == "seconds":
        return format_number(value, lang, 1) + " s"
    if unit == "hours":
        return format_number(value, lang, 2) + " h"
    if unit == "money":
        return format_money(value, lang)
    return format_number(value, lang, 2)


def activity_section(eng: Engagement, supplier: str, month: str, lang: str) -> Section:
    """Daily contacts of every service and the month-to-date cost, day by day."""
    contract = eng.contract(supplier)
    period = contract.period(month)
    figs = []
    totals_rows = []
    panels: dict[str, pd.DataFrame] = {}
    for service in contract.services_for(period):
        days = eng.daily_activity(supplier, service.id, period.start, period.end)
        if days.empty or "offered" not in days.columns:
            continue
        panels[f"{label('contacts', lang)} — {service.name}"] = days
        totals_rows.append({label("service", lang): service.id,
                            label("offered", lang): format_number(int(days["offered"].sum()), lang, 0),
                            label("handled", lang): format_number(int(days["handled"].sum()), lang, 0),
                            label("abandoned", lang): format_number(int(days["abandoned"].sum()), lang, 0)})
    if panels:
        figs.append(figures.daily_activity(panels, lang))
    cost = accrual.daily_cost(eng, supplier, month)
    if not cost.empty:
        figs.append(figures.daily_cost(cost, lang))
    narrative = ("El coste diario es el coste acumulado del mes calculado con el contrato (tramos incluidos) "
                 "al final de cada día, menos el del día anterior; los ajustes ANS y el compromiso mínimo se "
                 "liquidan al cierre." if lang == "es" else
                 "The daily cost is the month-to-date cost rated with the contract (tiers included) at the end "
                 "of each day less that of the day before; SLA adjustments and the minimum commitment are "
                 "settled at the close.")
    return Section(label("daily_cost", lang), narrative, [], [("", pd.DataFrame(totals_rows))], figs,
                   {"month_to_date_charges": accrual.total(cost)})


def compliance_section(eng: Engagement, supplier: str, month: str, lang: str) -> Section:
    """The compliance scorecard: met / not met / no data per clause and service, with the figure."""
    contract = eng.contract(supplier)
    frame = compliance_scorecard(eng, supplier, month)
    table = pd.DataFrame({
        label("service", lang): frame["service"].fillna(""),
        label("clause", lang): frame["clause"],
        label("status", lang): frame["status"].map(lambda s: label(s, lang)),
        label("figure", lang): [_figure_text(contract, clause, v, lang)
                                for clause, v in zip(frame["clause"], frame["figure"], strict=True)],
        label("threshold", lang): frame["threshold"].map(lambda v: "" if v is None else str(v)),
        label("explanation", lang): frame["explanation"],
    }) if not frame.empty else pd.DataFrame()
    counts = frame["status"].value_counts().to_dict() if not frame.empty else {}
    headline = [(label(s, lang), str(counts.get(s, 0)), s == "not_met" and counts.get(s, 0) > 0)
                for s in ("met", "not_met", "no_data")]
    return Section(("Cumplimiento contractual" if lang == "es" else "Compliance scorecard") + f" — {contract.name}",
                   "", headline, [("", table)], [], {"compliance": counts})


def _figure_text(contract, clause_id: str, value: object, lang: str) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if not isinstance(value, (Fraction, Decimal)):
        return str(value)
    clause = next((c for c in contract.compliance if c.get("id") == clause_id), {})
    name = clause.get("kpi") or clause.get("evidence")
    return _kpi_text(name, Fraction(value), lang) if name in kpi_registry.REGISTRY else format_number(value, lang, 2)


def compliance_scorecard(eng: Engagement, supplier: str, month: str) -> pd.DataFrame:
    """One row per clause and service of the contract for the month."""
    contract = eng.contract(supplier)
    period = contract.period(month)
    if not contract.compliance:
        return pd.DataFrame(columns=["service", "clause", "kind", "status", "figure", "threshold", "explanation"])
    workforce = eng.table("workforce")
    frames = []
    for service in contract.services_for(period):
        activity = _kpi_data(eng, supplier, service, period)
        result = compliance_rules.evaluate(contract.compliance, workforce=workforce, activity=activity,
                                           supplier=supplier, service=service.id, month=month)
        frames.append(result)
    out = pd.concat(frames, ignore_index=True)
    if "clause" not in out.columns and "id" in out.columns:
        out = out.rename(columns={"id": "clause"})
    return out


def summary_check(eng: Engagement, supplier: str, month: str) -> str:
    """A deterministic self-check for the notebook's summary cell (checked by nbval): the invoice's
    invariants, which hold for any engagement, stated in one line."""
    lines = expected_invoice(eng, supplier, month)
    result = totals(lines)
    sums = sum(lines["amount"], Decimal(0)) == result.net
    cents = all(Decimal(a) == Decimal(a).quantize(Decimal("0.01")) for a in lines["amount"])
    tax = all(t == (n * r).quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")
              for r, t in result.tax_by_rate.items()
              for n in [sum((a for a, x in zip(lines["amount"], lines["tax_rate"], strict=True) if x == r),
                            Decimal(0))])
    return (f"supplier={supplier} month={month} lines_sum_to_net={sums} amounts_in_cents={cents} "
            f"tax_on_net={tax}")


# =========================================================================== portfolio report
def portfolio_cost_section(eng: Engagement, month: str, lang: str) -> Section:
    """All suppliers side by side: billed and expected cost, cost per contact and per productive hour."""
    frame = portfolio.supplier_comparison(eng, month)
    currency = eng.settings.currency
    table = pd.DataFrame({
        label("supplier", lang): frame["supplier"],
        label("billed", lang): [_money_text(v, lang, currency) for v in frame["billed_net"]],
        label("expected", lang): [_money_text(v, lang, currency) for v in frame["expected_net"]],
        label("handled", lang): [format_number(v, lang, 0) for v in frame["handled"]],
        label("cost_per_contact", lang): [_money_text(v, lang, currency) for v in frame["cost_per_contact"]],
        label("cost_per_productive_hour", lang): [_money_text(v, lang, currency)
                                                  for v in frame["cost_per_productive_hour"]],
        label("share_handled", lang): [format_percent(v, lang, 1) for v in frame["share_handled"]],
    })
    concentration = portfolio.hhi(frame["share_handled"].tolist())
    fig = figures.billed_vs_expected(frame["supplier"].tolist(),
                                     [float(v or 0) for v in frame["billed_net"]],
                                     [float(v) for v in frame["expected_net"]], lang)
    share_fig = figures.shares(frame["supplier"].tolist(), [float(v) for v in frame["share_handled"]], lang)
    narrative = (("El coste por contacto y por hora productiva usa lo facturado (o lo esperado cuando no hay "
                  "factura). El HHI suma los cuadrados de las cuotas de contactos atendidos en puntos "
                  "porcentuales: por encima de 2.500, la cartera está muy concentrada.")
                 if lang == "es" else
                 ("Cost per contact and per productive hour use the billed net (the expected net where there is "
                  "no invoice). HHI is the sum of squared shares of handled contacts in percentage points: "
                  "above 2,500 the portfolio is highly concentrated."))
    headline = [(label("hhi", lang), format_number(concentration, lang, 0), concentration > 2500)]
    return Section(label("portfolio_report", lang) + f" — {month}", narrative, headline, [("", table)],
                   [fig, share_fig], {"hhi": concentration, "suppliers": frame["supplier"].tolist(),
                                      "billed_net": dict(zip(frame["supplier"], frame["billed_net"], strict=True)),
                                      "expected_net": dict(zip(frame["supplier"], frame["expected_net"],
                                                               strict=True))})


def portfolio_kpi_section(eng: Engagement, month: str, lang: str) -> Section:
    """KPI attainment under each contract's own definitions."""
    frame = portfolio.kpi_attainment(eng, month, lang)
    table = pd.DataFrame({
        label("supplier", lang): frame["supplier"], label("service", lang): frame["service"],
        label("kpi", lang): frame["kpi"], label("definition", lang): frame["definition"],
        label("value", lang): [_kpi_text(k, v, lang, var) for k, v, var
                               in zip(frame["kpi"], frame["value"], frame["variant"], strict=True)],
        label("target", lang): frame["target"],
        label("attainment", lang): frame["attained"].map(lambda a: label("met" if a else "not_met", lang)
                                                         if a is not None else label("no_data", lang)),
    }) if not frame.empty else pd.DataFrame()
    return Section(label("attainment", lang) + " ANS" if lang == "es" else "SLA attainment", "", [],
                   [("", table)], [], {"rules": len(frame)})


def portfolio_budget_section(eng: Engagement, month: str, lang: str) -> Section:
    """Cost against budget per supplier and month, from the first month with data to the report's month
    (billed net; expected net where not yet invoiced)."""
    frame = portfolio.budget_vs_actual(eng, month)
    currency = eng.settings.currency
    table = pd.DataFrame({
        label("supplier", lang): frame["supplier"],
        label("month", lang): frame["month"],
        label("budget", lang): [_money_text(v, lang, currency) for v in frame["budget"]],
        label("actual", lang): [_money_text(v, lang, currency) for v in frame["actual"]],
        label("deviation", lang): [_money_text(v, lang, currency) for v in frame["deviation"]],
        "%": [format_percent(v, lang, 1) if v is not None else "" for v in frame["deviation_fraction"]],
    }) if not frame.empty else pd.DataFrame()
    current = frame[frame["month"] == month]
    over = [(s, d) for s, d, b in zip(current["supplier"], current["deviation"], current["budget"], strict=True)
            if d is not None and b and d > 0]
    if lang == "es":
        narrative = ("Real = importe facturado (o esperado si aún no hay factura). "
                     + (f"Por encima del presupuesto en {month}: " + ", ".join(
                         f"{s} ({_money_text(d, lang, currency)})" for s, d in over) + "." if over
                        else f"Ningún proveedor supera su presupuesto en {month}."))
    else:
        narrative = ("Actual = billed net (expected net where there is no invoice yet). "
                     + (f"Over budget in {month}: " + ", ".join(
                         f"{s} ({_money_text(d, lang, currency)})" for s, d in over) + "." if over
                        else f"No supplier is over its budget in {month}."))
    return Section(f"{label('budget', lang)} / {label('actual', lang)}", narrative, [], [("", table)], [],
                   {"budget_month": sum((v for v in current["budget"] if v is not None), Decimal(0)),
                    "actual_month": sum((v for v in current["actual"] if v is not None), Decimal(0)),
                    "over_budget": [s for s, _ in over]})


def portfolio_check(eng: Engagement, month: str) -> str:
    """A deterministic self-check for the portfolio notebook's summary cell: shares add up to one and the
    concentration index is within its bounds (10,000 / n ≤ HHI ≤ 10,000)."""
    frame = portfolio.supplier_comparison(eng, month)
    shares = list(frame["share_handled"])
    concentration = portfolio.hhi(shares)
    n = len(shares)
    ok_sum = sum(shares, Fraction(0)) == 1
    ok_hhi = n > 0 and Fraction(10000, n) <= concentration <= 10000
    return f"month={month} suppliers={n} shares_sum_to_one={ok_sum} hhi_within_bounds={ok_hhi}"


def publish(*sections: Section) -> None:
    """Display the report's key results (all sections' `results`) for the batch runner's `.json`."""
    merged: dict[str, Any] = {}
    for section in sections:
        merged.update(section.results)
    publish_results(merged)
