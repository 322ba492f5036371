"""The sections of the portfolio report (`notebooks/portfolio.ipynb`), one function each.

Each takes the engagement, billing period `month` and `lang`, asks `ccanalysis.workbook` for the facts and
returns a `Section` whose every word is in `lang`. Adding a section = one `*_section` function here, one
cell in `tools/make_notebooks.py` (then regenerate the notebook), its words in `i18n/report.py` and its
test.
"""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from ccanalysis import portfolio, workbook
from ccanalysis.engagement import Engagement
from ccanalysis.i18n import domain as words
from ccanalysis.i18n import format_number, format_percent, label, sentence
from ccanalysis.report import figures, text
from ccanalysis.report.section import Section


def portfolio_savings_section(eng: Engagement, month: str, lang: str) -> Section:
    """What the audits recover, per supplier and month and cumulative, in money and as % of the invoice."""
    from ccanalysis.report import audit as audit_report

    return audit_report.savings_section(workbook.savings(eng, month), lang=lang, currency=eng.settings.currency)


def portfolio_cost_section(eng: Engagement, month: str, lang: str) -> Section:
    """All suppliers side by side: billed and expected cost, cost per contact and per productive hour."""
    frame = workbook.portfolio_frame(eng, month)
    currency = eng.settings.currency

    def money(values: pd.Series) -> list[str]:
        return [text.money(v, lang, currency) for v in values]

    table = pd.DataFrame({
        label("supplier", lang): frame["supplier"],
        label("billed", lang): money(frame["billed_net"]),
        label("expected", lang): money(frame["expected_net"]),
        label("handled", lang): [format_number(v, lang, 0) for v in frame["handled"]],
        label("cost_per_contact", lang): money(frame["cost_per_contact"]),
        label("cost_per_productive_hour", lang): money(frame["cost_per_productive_hour"]),
        label("share_handled", lang): [format_percent(v, lang, 1) for v in frame["share_handled"]],
    })
    concentration = portfolio.hhi(frame["share_handled"].tolist())
    suppliers = frame["supplier"].tolist()
    fig = figures.billed_vs_expected(suppliers, [float(v or 0) for v in frame["billed_net"]],
                                     [float(v) for v in frame["expected_net"]], lang)
    share_fig = figures.shares(suppliers, [float(v) for v in frame["share_handled"]], lang)
    narrative = sentence("portfolio_cost_narrative", lang)
    if suppliers:  # what the index means here: its class and the lowest value this many suppliers can reach
        narrative += "\n\n" + sentence(
            "hhi_meaning", lang, hhi=format_number(concentration, lang, 0),
            level=sentence(f"hhi_level_{portfolio.hhi_level(concentration)}", lang),
            moderate=format_number(portfolio.HHI_MODERATE, lang, 0), high=format_number(portfolio.HHI_HIGH, lang, 0),
            count=len(suppliers), floor=format_number(portfolio.hhi_floor(len(suppliers)), lang, 0))
    headline = [(label("hhi", lang), format_number(concentration, lang, 0), False)]  # a fact, not an alarm
    return Section(f"{label('portfolio_report', lang)} — {month}", narrative, headline, [("", table)],
                   [fig, share_fig], {"hhi": concentration, "suppliers": suppliers,
                                      "billed_net": dict(zip(suppliers, frame["billed_net"], strict=True)),
                                      "expected_net": dict(zip(suppliers, frame["expected_net"], strict=True))})


def portfolio_kpi_section(eng: Engagement, month: str, lang: str) -> Section:
    """KPI attainment under each contract's own definitions."""
    frame = workbook.portfolio_attainment(eng, month, lang)
    table = pd.DataFrame({
        label("supplier", lang): frame["supplier"], label("service", lang): frame["service"],
        label("kpi", lang): [words.kpi_name(k, lang) for k in frame["kpi"]],
        label("definition", lang): [line.definition for line in frame["line"]],
        label("value", lang): [text.kpi_value(k, v, lang, var) for k, v, var
                               in zip(frame["kpi"], frame["value"], frame["variant"], strict=True)],
        label("target", lang): [line.target for line in frame["line"]],
        label("attainment", lang): frame["attained"].map(lambda a: label("met" if a else "not_met", lang)
                                                         if a is not None else label("no_data", lang)),
    }) if not frame.empty else pd.DataFrame()
    return Section(label("sla_attainment", lang), "", [], [("", table)], [], {"rules": len(frame)})


def portfolio_budget_section(eng: Engagement, month: str, lang: str) -> Section:
    """Cost against budget per supplier and month, from the first month with data to the report's month
    (actual: the expected net; the billed net and its deviation beside it)."""
    title = f"{label('budget', lang)} / {label('actual', lang)}"
    if eng.table("budget").empty:  # nothing to compare with: one line saying why, no empty table
        return Section(title, sentence("budget_no_file", lang, engagement=eng.id), [], [], [],
                       {"budget_month": None, "actual_month": None, "over_budget": []})
    frame = workbook.portfolio_budget(eng, month)
    currency = eng.settings.currency
    table = pd.DataFrame({
        label("supplier", lang): frame["supplier"],
        label("month", lang): frame["month"],
        label("budget", lang): [text.money(v, lang, currency) for v in frame["budget"]],
        label("actual", lang): [text.money(v, lang, currency) for v in frame["actual"]],
        label("deviation", lang): [text.money(v, lang, currency) for v in frame["deviation"]],
        "%": [format_percent(v, lang, 1) if v is not None else "" for v in frame["deviation_fraction"]],
        label("billed", lang): [text.money(v, lang, currency) for v in frame["billed"]],
        f"{label('billed', lang)} − {label('budget', lang)}": [text.money(v, lang, currency)
                                                               for v in frame["billed_deviation"]],
    }) if not frame.empty else pd.DataFrame()
    current = frame[frame["month"] == month]
    over = [(s, d) for s, d, b in zip(current["supplier"], current["deviation"], current["budget"], strict=True)
            if d is not None and b and d > 0]
    if over:
        listed = ", ".join(sentence("supplier_amount", lang, supplier=s, amount=text.money(d, lang, currency))
                           for s, d in over)
        verdict = sentence("budget_over", lang, month=month, suppliers=listed)
    else:
        verdict = sentence("budget_none_over", lang, month=month)
    return Section(title, f"{sentence('budget_actual_is', lang)} {verdict}", [], [("", table)], [],
                   {"budget_month": sum((v for v in current["budget"] if v is not None), Decimal(0)),
                    "actual_month": sum((v for v in current["actual"] if v is not None), Decimal(0)),
                    "over_budget": [s for s, _ in over]})
