"""The sections of the collections month report (`notebooks/collections_month.ipynb`), one function each:
the fee audit (page 1, the supplier report's), the agency's KPIs with their definitions, its liquidation
curves by placement vintage, the agencies compared on the same mix, the best time to call and the expected
fee invoice. Each takes the engagement, supplier, billing period `month` and `lang` and returns a `Section`
whose every word is in `lang` (`i18n/collections.py`, `i18n/report.py`)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pandas as pd

from ccanalysis.collections import calltime, vintage
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
    placements = eng.table("placements")
    placed = placements[pd.to_datetime(placements["placed_on"]).dt.date <= period.end] if not placements.empty \
        else placements  # the vintages placed by the period's end
    curve = vintage.liquidation_curve(placed, eng.table("payments"), supplier=supplier, as_of=period.end)
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
    """The agencies compared on the same vintages, segments and debt-age bands (never on raw totals), on the
    data as it stood at the period's end (`vintage.as_known_on`)."""
    period = eng.period(supplier, month)
    placements = eng.table("placements")
    if not placements.empty:  # the placements made by the period's end
        placements = placements[pd.to_datetime(placements["placed_on"]).dt.date <= period.end]
    agencies = sorted(placements["supplier"].unique()) if not placements.empty else []
    title = words.heading("comparison_title", lang)
    if len(agencies) < 2:
        return Section(title, sentence("collections_single_agency", lang), [], [], [], {})
    result = vintage.compare_agencies(placements, eng.table("payments"), as_of=period.end)
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


#: Weekday names in each language, Monday first (the call-time grid's rows).
WEEKDAYS = {"es": ("lun", "mar", "mié", "jue", "vie", "sáb", "dom"), "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")}


def call_time_section(eng: Engagement, supplier: str, month: str, lang: str) -> Section:
    """When the agency's debtors answer: the right-party contact rate by weekday and hour for each segment
    (shrunk toward the segment's rate; `calltime.rpc_by_hour`, the agency's voice attempts up to the period's
    end), the best legal windows with their 95 % Wilson intervals (`recommend_windows`, the engagement's
    calling rules) and what moving the attempts there would gain (`expected_gain`)."""
    period = eng.period(supplier, month)
    attempts = eng.table("attempts")
    title = words.heading("call_time_title", lang)
    if attempts.empty:
        return Section(title, sentence("collections_no_attempts", lang, supplier=supplier), [], [], [], {})
    mine = attempts[(attempts["supplier"] == supplier)
                    & (pd.to_datetime(attempts["start"]).dt.date <= period.end)]
    table = calltime.rpc_by_hour(mine, eng.table("placements"), by=("segment",))
    if table.empty:
        return Section(title, sentence("collections_no_attempts", lang, supplier=supplier), [], [], [], {})
    figs = []
    for segment, cells in table.groupby("segment", sort=True):
        hours = list(range(int(cells["hour"].min()), int(cells["hour"].max()) + 1))
        grid = [[None] * len(hours) for _ in range(7)]
        for row in cells.itertuples(index=False):
            grid[int(row.weekday)][hours.index(int(row.hour))] = row.shrunk
        used = [d for d in range(7) if any(v is not None for v in grid[d])]
        figs.append(figures.heat_map([grid[d] for d in used], [WEEKDAYS[lang][d] for d in used],
                                     [f"{h:02d}" for h in hours], lang,
                                     sentence("collections_heat_title", lang, segment=segment)))
    rules = eng.settings.calling_rules()
    parts = [sentence("collections_call_time_narrative", lang)]
    tables = []
    results: dict = {"cells": len(table)}
    if rules is None:
        parts.append(sentence("collections_no_rules", lang, engagement=eng.id))
    else:
        best = calltime.recommend_windows(table, rules)
        cells = best.merge(table[["segment", "weekday", "hour", "wilson_low", "wilson_high", "rate"]],
                           on=["segment", "weekday", "hour"], how="left")
        tables.append((words.heading("best_windows", lang), pd.DataFrame({
            words.heading("segment", lang): cells["segment"],
            words.heading("rank", lang): cells["rank"],
            words.heading("when", lang): [f"{WEEKDAYS[lang][int(d)]} {int(h):02d}:00–{int(h) + 1:02d}:00"
                                          for d, h in zip(cells["weekday"], cells["hour"], strict=True)],
            words.heading("attempts", lang): [format_number(int(n), lang, 0) for n in cells["attempts"]],
            words.heading("rpc_rate", lang): [format_percent(r, lang, 1) for r in cells["rate"]],
            words.heading("interval", lang): [f"{format_percent(lo, lang, 1)} – {format_percent(hi, lang, 1)}"
                                              for lo, hi in zip(cells["wilson_low"], cells["wilson_high"], strict=True)],
            words.heading("shrunk", lang): [format_percent(r, lang, 1) for r in cells["shrunk"]],
        })))
        gain = calltime.expected_gain(table, table, best)
        for row in gain.itertuples(index=False):
            parts.append(sentence("collections_gain", lang, segment=row.segment,
                                  gain=format_number(row.rpc_gain, lang, 0),
                                  now=format_number(row.rpc_current, lang, 0),
                                  moved=format_number(int(row.attempts_moved), lang, 0),
                                  hours=format_number(row.agent_hours_moved, lang, 0)))
        results["gain"] = {r.segment: float(r.rpc_gain) for r in gain.itertuples(index=False)}
        results["best"] = [(r.segment, int(r.weekday), int(r.hour)) for r in best.itertuples(index=False)]
    return Section(title, "\n\n".join(parts), [], tables, figs, results)
