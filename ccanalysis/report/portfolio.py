"""The sections of the portfolio report (`notebooks/portfolio.ipynb`), one function each.

Each takes the engagement, billing period `month` and `lang`, asks `ccanalysis.workbook` for the facts and
returns a `Section` whose every word is in `lang`. Adding a section = one `*_section` function here, one
cell in `tools/make_notebooks.py` (then regenerate the notebook), its words in `i18n/report.py` and its
test.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pandas as pd

from ccanalysis import portfolio, workbook
from ccanalysis.engagement import Engagement
from ccanalysis.i18n import domain as words
from ccanalysis.i18n import format_number, format_percent, label, sentence
from ccanalysis.report import figures, text
from ccanalysis.report.section import Section


def portfolio_recovery_section(eng: Engagement, month: str, lang: str) -> Section:
    """Page 1: per supplier, from the first audited month to `month`, billed, expected, claimable (and as a
    fraction of billed: the 2–3 % a month the audit brings), recovered through the disputes and still
    pending; one total row."""
    frame = workbook.portfolio_to_date(eng, month)
    currency = eng.settings.currency
    names = {s: eng.contract(s).name for s in eng.suppliers}

    def money(value: object) -> str:
        return "" if text.missing(value) else text.money(value, lang, currency)

    audited = frame[frame["months"] > 0]
    total = {c: sum(audited[c], Decimal(0)) for c in ("billed_net", "expected_net", "claimable", "recovered",
                                                        "pending", "under_billed")}
    share = Fraction(total["claimable"]) / Fraction(total["billed_net"]) if total["billed_net"] else None
    results = {"claimable": total["claimable"], "claimable_share": share, "recovered": total["recovered"],
               "pending": total["pending"], "billed_net": total["billed_net"],
               "by_supplier": {r["supplier"]: {k: r[k] for k in ("billed_net", "expected_net", "claimable",
                                                                  "recovered", "pending")}
                               for r in audited.to_dict("records")}}
    title = label("portfolio_recovery", lang)
    if audited.empty:
        return Section(title, sentence("savings_none", lang), [], [], [], results)
    registered = not eng.table("disputes").empty
    headline = [(label("claimable_to_date", lang), money(total["claimable"]), False),
                (label("share_of_invoice", lang), format_percent(share, lang, 2) if share is not None else "", False)]
    if registered:  # without a register nothing recovered or pending is on record: no boxes of zeros
        headline += [(label("recovered", lang), money(total["recovered"]), False),
                     (label("pending", lang), money(total["pending"]), False)]
    months = [m for m in eng.months() if m <= month]
    narrative = sentence("recovery_narrative", lang, first=months[0], last=month, claimable=money(total["claimable"]),
                         billed=money(total["billed_net"]),
                         share=format_percent(share, lang, 2) if share is not None else "")
    narrative += " " + (sentence("recovery_disputes", lang, recovered=money(total["recovered"]),
                                 pending=money(total["pending"])) if registered
                        else sentence("no_dispute_register", lang, engagement=eng.id))
    rows = [*audited.to_dict("records"), {"supplier": None, "months": None, **total, "claimable_share": share}]
    table = pd.DataFrame({
        label("supplier", lang): [names[r["supplier"]] if r["supplier"] else label("total", lang) for r in rows],
        label("months_audited", lang): ["" if r["months"] is None else str(r["months"]) for r in rows],
        label("billed", lang): [money(r["billed_net"]) for r in rows],
        label("expected", lang): [money(r["expected_net"]) for r in rows],
        label("claimable", lang): [money(r["claimable"]) for r in rows],
        label("share_of_invoice", lang): [format_percent(r["claimable_share"], lang, 2)
                                          if r["claimable_share"] is not None else "" for r in rows],
        label("recovered", lang): [money(r["recovered"]) for r in rows],
        label("pending", lang): [money(r["pending"]) for r in rows],
        label("under_billed", lang): [money(r["under_billed"]) for r in rows],
    })
    if not registered:  # no register: no columns of zeros
        table = table.drop(columns=[label("recovered", lang), label("pending", lang)])
    return Section(title, narrative, headline, [("", table)], [], results)


def portfolio_savings_section(eng: Engagement, month: str, lang: str) -> Section:
    """What the audits claim per supplier and month and cumulative, in money and as % of the invoice."""
    from ccanalysis.report import audit as audit_report

    return audit_report.savings_section(workbook.savings(eng, month), lang=lang, currency=eng.settings.currency,
                                        by_supplier=False)


def portfolio_disputes_section(eng: Engagement, month: str, lang: str) -> Section:
    """The disputes still open, every supplier's, oldest deadline first: what each claims, its status and
    the days left to its deadline (a dispute not yet sent with its deadline near is at risk)."""
    from ccanalysis import disputes
    from ccanalysis.i18n import disputes as dispute_words

    title = label("pending_disputes", lang)
    if eng.table("disputes").empty:
        return Section(title, sentence("no_dispute_register", lang, engagement=eng.id), [], [], [],
                       {"open": 0, "at_risk": 0})
    states = workbook.dispute_states(eng)
    open_ = states[states["status"].isin(disputes.OPEN) & (states["month"].astype(str) <= month)]
    if open_.empty:
        return Section(title, sentence("no_open_disputes", lang), [], [], [], {"open": 0, "at_risk": 0})
    open_ = open_.sort_values(["deadline", "dispute_id"], kind="stable", na_position="last")
    columns = ["dispute_id", "supplier", "month", "check", "amount_claimed", "status", "deadline", "days_to_deadline",
               "at_risk"]
    at_risk = int(open_["at_risk"].sum())
    currency = eng.settings.currency
    headline = [(label("open_disputes", lang), str(len(open_)), False),
                (label("amount_claimed", lang), text.money(sum(open_["amount_claimed"], Decimal(0)), lang, currency),
                 False),
                (label("at_risk", lang), str(at_risk), at_risk > 0)]
    return Section(title, sentence("open_disputes_narrative", lang, days=disputes.AT_RISK_DAYS), headline,
                   [("", dispute_words.table(open_[columns], lang, currency))], [],
                   {"open": len(open_), "at_risk": at_risk})


def portfolio_channel_section(eng: Engagement, month: str, lang: str) -> Section:
    """Suppliers side by side within each channel: the expected cost of their services on it, handled
    contacts, productive hours, cost per handled contact and per productive hour, share of the channel."""
    frame = workbook.portfolio_channels(eng, month)
    currency = eng.settings.currency
    names = {s: eng.contract(s).name for s in eng.suppliers}

    def money(value: object) -> str:
        return "" if text.missing(value) else text.money(value, lang, currency)

    table = pd.DataFrame({
        label("channel", lang): [words.channel_name(c, lang) for c in frame["channel"]],
        label("supplier", lang): [names[s] for s in frame["supplier"]],
        label("services", lang): [", ".join(v) for v in frame["services"]],
        label("expected", lang): [money(v) for v in frame["expected_net"]],
        label("handled", lang): [format_number(v, lang, 0) for v in frame["handled"]],
        label("cost_per_contact", lang): [money(v) for v in frame["cost_per_contact"]],
        label("productive_hours", lang): [format_number(v, lang, 1) for v in frame["productive_hours"]],
        label("cost_per_productive_hour", lang): [money(v) for v in frame["cost_per_productive_hour"]],
        label("share_of_channel", lang): [format_percent(v, lang, 1) for v in frame["share_handled"]],
    }) if not frame.empty else pd.DataFrame()
    parts = [sentence("channel_basis", lang)]
    unassigned = {s: v for s, v in workbook.portfolio_unassigned(eng, month).items() if v}
    if unassigned:
        parts.append(sentence("channel_unassigned", lang, suppliers=", ".join(
            sentence("supplier_amount", lang, supplier=names[s], amount=money(v)) for s, v in unassigned.items())))
    counts = frame.groupby("channel")["supplier"].count() if not frame.empty else pd.Series(dtype=int)
    alone = [words.channel_name(c, lang) for c, n in counts.items() if n == 1]
    if alone:
        parts.append(sentence("channel_single_supplier", lang, channels=", ".join(alone)))
    figs = []
    if not frame.empty and (counts > 1).any():  # a chart only where suppliers share a channel
        panels = {words.channel_name(c, lang): [(names[s], v) for s, v in zip(g["supplier"], g["cost_per_contact"],
                                                                              strict=True)]
                  for c, g in frame.groupby("channel", sort=True) if len(g) > 1}
        figs.append(figures.unit_costs(panels, lang, label("cost_per_contact", lang),
                                       lambda v: text.money(v, lang, currency)))
    return Section(label("channel_comparison", lang), "\n\n".join(parts), [], [("", table)], figs,
                   {"channels": {c: list(g["supplier"]) for c, g in frame.groupby("channel", sort=True)}
                    if not frame.empty else {},
                    "cost_per_contact": {(c, s): v for c, s, v in zip(frame["channel"], frame["supplier"],
                                                                      frame["cost_per_contact"], strict=True)}})


def portfolio_cost_section(eng: Engagement, month: str, lang: str) -> Section:
    """Concentration, last: each supplier's share of the handled contacts and the HHI of the portfolio and of
    each channel, with a sentence on what the figure means."""
    frame = workbook.portfolio_frame(eng, month)
    channels = portfolio.channel_concentration(workbook.portfolio_channels(eng, month))
    concentration = portfolio.hhi(frame["share_handled"].tolist())
    suppliers = frame["supplier"].tolist()
    names = {s: eng.contract(s).name for s in eng.suppliers}
    share_fig = figures.shares([names[s] for s in suppliers], [float(v) for v in frame["share_handled"]], lang)
    parts = []
    if suppliers:  # what the index means here: its class and the lowest value this many suppliers can reach
        parts.append(sentence(
            "hhi_meaning", lang, hhi=format_number(concentration, lang, 0),
            level=sentence(f"hhi_level_{portfolio.hhi_level(concentration)}", lang),
            moderate=format_number(portfolio.HHI_MODERATE, lang, 0), high=format_number(portfolio.HHI_HIGH, lang, 0),
            count=len(suppliers), floor=format_number(portfolio.hhi_floor(len(suppliers)), lang, 0)))
    single = [words.channel_name(c, lang) for c, n in zip(channels["channel"], channels["suppliers"], strict=True)
              if n == 1]
    if single:
        parts.append(sentence("hhi_single_channels", lang, channels=", ".join(single)))
    table = pd.DataFrame({
        label("channel", lang): [words.channel_name(c, lang) for c in channels["channel"]],
        label("suppliers", lang): [str(n) for n in channels["suppliers"]],
        label("hhi", lang): [format_number(v, lang, 0) for v in channels["hhi"]],
        label("concentration", lang): [sentence(f"hhi_level_{v}", lang) for v in channels["level"]],
        label("hhi_floor", lang): [format_number(v, lang, 0) for v in channels["floor"]],
    }) if not channels.empty else pd.DataFrame()
    headline = [(label("hhi", lang), format_number(concentration, lang, 0), False)]  # a fact, not an alarm
    return Section(label("concentration", lang), "\n\n".join(parts), headline, [("", table)], [share_fig],
                   {"hhi": concentration, "suppliers": suppliers,
                    "hhi_by_channel": dict(zip(channels["channel"], channels["hhi"], strict=True)),
                    "billed_net": dict(zip(suppliers, frame["billed_net"], strict=True)),
                    "expected_net": dict(zip(suppliers, frame["expected_net"], strict=True))})


def portfolio_kpi_section(eng: Engagement, month: str, lang: str) -> Section:
    """KPI attainment under each contract's own definitions."""
    frame = workbook.portfolio_attainment(eng, month, lang)
    channel_of = {(s, svc.id): svc.channel for s in eng.suppliers
                  for svc in [*eng.contract(s).services, *(v for version in eng.contract(s).versions
                                                           for v in version.services)]}
    table = pd.DataFrame({
        label("supplier", lang): frame["supplier"],
        label("channel", lang): [words.channel_name(channel_of.get((s, v), ""), lang)
                                 for s, v in zip(frame["supplier"], frame["service"], strict=True)],
        label("service", lang): frame["service"],
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
    title = f"{label('budget', lang)} / {label('expected', lang)} / {label('billed', lang)}"
    if eng.table("budget").empty:  # nothing to compare with: one line saying why, no empty table
        return Section(title, sentence("budget_no_file", lang, engagement=eng.id), [], [], [],
                       {"budget_month": None, "actual_month": None, "over_budget": []})
    frame = workbook.portfolio_budget(eng, month)
    currency = eng.settings.currency
    table = pd.DataFrame({
        label("supplier", lang): frame["supplier"],
        label("month", lang): frame["month"],
        label("budget", lang): [text.money(v, lang, currency) for v in frame["budget"]],
        label("expected", lang): [text.money(v, lang, currency) for v in frame["actual"]],
        f"{label('expected', lang)} − {label('budget', lang)}": [text.money(v, lang, currency)
                                                                 for v in frame["deviation"]],
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
