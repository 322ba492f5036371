"""The sections of the collections month report (`notebooks/collections_month.ipynb`), one function each:
the fee audit (page 1, the supplier report's), the agency's KPIs with their definitions, its liquidation
curves by placement vintage, the agencies compared on the same mix, the best time to call and the expected
fee invoice. Each takes the engagement, supplier, billing period `month` and `lang` and returns a `Section`
whose every word is in `lang` (`i18n/collections.py`, `i18n/report.py`)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pandas as pd

from ccanalysis.collections import vintage
from ccanalysis.commands.collections import month_facts
from ccanalysis.engagement import Engagement
from ccanalysis.i18n import collections as words
from ccanalysis.i18n import format_number, format_percent, label, sentence
from ccanalysis.report import figures
from ccanalysis.report.section import Section


def _percent(value: Fraction | None, lang: str) -> str:
    return "" if value is None else format_percent(Decimal(value.numerator) / value.denominator, lang, 2)


def collections_kpi_section(eng: Engagement, supplier: str, month: str, lang: str) -> Section:
    """Every collections KPI of the agency for the month, with what it divides by what, and the figures."""
    facts = month_facts(eng, supplier, month)
    rows = facts["kpis"]
    table = pd.DataFrame({
        label("kpi", lang): [words.kpi_name(r["kpi"], lang) for r in rows],
        label("definition", lang): [words.kpi_definition(r["kpi"], lang) for r in rows],
        label("value", lang): [_percent(r["value"], lang) for r in rows],
        words.heading("numerator", lang): [_figure(r["numerator"], lang) for r in rows],
        words.heading("denominator", lang): [_figure(r["denominator"], lang) for r in rows],
    })
    headline = [(words.kpi_name(r["kpi"], lang), _percent(r["value"], lang), False) for r in rows
                if r["kpi"] in ("recovery_rate", "net_liquidation", "cost_to_collect")]
    return Section(words.heading("kpis_title", lang), sentence("collections_kpi_narrative", lang), headline,
                   [("", table)], [], {"kpis": {r["kpi"]: r["value"] for r in rows}})


def _figure(value: object, lang: str) -> str:
    return format_number(value, lang, 2 if isinstance(value, Decimal) else 0)


def vintage_section(eng: Engagement, supplier: str, month: str, lang: str) -> Section:
    """Liquidation by placement vintage: collected to date ÷ placed, month on book by month on book."""
    period = eng.period(supplier, month)
    curve = vintage.liquidation_curve(eng.table("placements"), eng.table("payments"), supplier=supplier,
                                      as_of=period.end)
    if curve.empty:
        return Section(words.heading("vintage_title", lang), sentence("collections_no_placements", lang,
                                                                      supplier=supplier), [], [], [], {})
    series = {v: (list(g["months_on_book"]), [float(x) if x is not None else None for x in g["liquidation"]])
              for v, g in curve.groupby("vintage", sort=True)}
    fig = figures.curves(series, lang, words.heading("vintage_title", lang), x_label=words.heading("months_on_book", lang))
    wide = curve.pivot(index="vintage", columns="months_on_book", values="liquidation")
    table = pd.DataFrame({words.heading("vintage", lang): list(wide.index),
                          **{str(m): [_percent(v, lang) if v is not None and v == v else "" for v in wide[m]]
                             for m in wide.columns}})
    return Section(words.heading("vintage_title", lang), sentence("collections_vintage_narrative", lang), [],
                   [("", table)], [fig], {"vintages": len(wide)})


def agency_comparison_section(eng: Engagement, supplier: str, month: str, lang: str) -> Section:
    """The agencies compared on the same vintages, segments and debt-age bands (never on raw totals)."""
    placements = eng.table("placements")
    agencies = sorted(placements["supplier"].unique()) if not placements.empty else []
    title = words.heading("comparison_title", lang)
    if len(agencies) < 2:
        return Section(title, sentence("collections_single_agency", lang), [], [], [], {})
    result = vintage.compare_agencies(placements, eng.table("payments"))
    names = {s: eng.contract(s).name for s in agencies if s in eng.contracts}
    table = pd.DataFrame({
        label("supplier", lang): [names.get(a, a) for a in result.agencies],
        words.heading("adjusted", lang): [_percent(result.adjusted[a], lang) for a in result.agencies],
        words.heading("raw", lang): [_percent(result.raw[a], lang) for a in result.agencies],
    })
    parts = [sentence("collections_comparison_narrative", lang)]
    if result.leader:
        parts.append(sentence("collections_leader", lang, supplier=names.get(result.leader, result.leader)))
    if len(result.excluded):
        parts.append(sentence("collections_excluded", lang, count=len(result.excluded)))
    return Section(title, "\n\n".join(parts), [], [("", table)], [],
                   {"adjusted": dict(result.adjusted), "raw": dict(result.raw), "leader": result.leader})
