"""The billing-care sections of the supplier-month report (issue 17), for a supplier whose service has a
`billing_care:` block and contact records with a reason: what drives the calls (the driver chart, repeats,
growing reasons, outliers), the discount table, the discounts against policy, and the retention comparison
stated as observational with the net value per discount euro.

The page is the registry `SECTIONS`, built in order by `billing_care_sections(eng, supplier, month, lang)`
from one `commands.billing_care.month_facts`; it is empty (no section) for a supplier without billing-care
data, so the notebook cell shows nothing there.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ccanalysis.commands.billing_care import billing_services, month_facts, tables
from ccanalysis.engagement import Engagement
from ccanalysis.i18n import billing_care as words
from ccanalysis.i18n import format_date, format_money, format_number, format_percent
from ccanalysis.registry import Registry
from ccanalysis.report import figures
from ccanalysis.report.section import Section, SectionRecord, Sections, build_sections, section_decorator

#: At most this many findings listed in the report, the largest (all of them in the command's CSV), and agents
#: in the discount table.
FINDINGS_SHOWN = 25
AGENTS_SHOWN = 10
#: The net value table lists every reason and the agents of the AGENTS_EACH_END highest and lowest net value per euro.
AGENTS_EACH_END = 5

SECTIONS: Registry[SectionRecord] = Registry("billing-care section", "sections", key="section")
section = section_decorator(SECTIONS)


def billing_care_sections(eng: Engagement, supplier: str, month: str, lang: str) -> Sections:
    """Every registered billing-care section for the supplier's month; none when it has no billing-care
    service in the month or no contact records with a reason."""
    from ccanalysis.errors import UsageError

    if not billing_services(eng, supplier, month):
        return Sections(())
    try:
        facts = month_facts(eng, supplier, month)
    except UsageError:
        return Sections(())
    currency = eng.contract(supplier).currency
    return build_sections(SECTIONS, facts, tables(facts, lang, currency), lang, currency)


@section("drivers", "contacts per 1,000 bills by reason and month (chart), repeats, growing reasons, outliers")
def drivers_section(facts: dict, shown: dict, lang: str, currency: str) -> Section:
    """Why customers call: contacts per 1,000 bills by reason and month (chart), repeats, growing reasons, outliers."""
    drv = facts["drivers"]
    month = facts["month"]
    months = sorted({r["month"] for r in drv["per_1000_bills"]})[-6:]
    reasons = sorted({r["reason"] for r in drv["per_1000_bills"]})
    value = {(r["month"], r["reason"]): r["per_1000_bills"] for r in drv["per_1000_bills"]}
    series = {words.reason_name(reason, lang): [0.0 if value.get((m, reason)) != value.get((m, reason))
                                                else float(value.get((m, reason), 0.0)) for m in months]
              for reason in reasons}
    fig = figures.stacked_bars(months, series, lang, words.heading("chart_title", lang))
    top = max((sum(v[i] for v in series.values()) for i in range(len(months))), default=0.0)
    fig.axes[0].set_ylim(0, top * 1.5 or 1.0)  # room for the legend's rows above the bars
    repeats = {r["definition"]: r["rate"] for r in drv["repeats"]}
    per_1000 = "" if not drv["bills"] else format_number(drv["contacts"] * 1000 / drv["bills"], lang, 2)
    parts = [words.sentence("drivers_narrative", lang, contacts=format_number(drv["contacts"], lang, 0),
                            month=month, per_1000=per_1000,
                            repeat_7d=format_percent(repeats.get("repeat_7d") or 0.0, lang, 1),
                            repeat_30d=format_percent(repeats.get("repeat_30d") or 0.0, lang, 1))]
    growing = [words.reason_name(r["reason"], lang) for r in drv["growing"] if r["growing"]]
    parts.append(words.sentence("growing", lang, threshold=format_percent(facts["definitions"]["growth_threshold"],
                                                                          lang, 0),
                                reasons=", ".join(growing) or words.heading("none", lang)))
    odd = [r["agent_id"] for r in drv["outliers"]["agents"] if r["outlier"]] + \
          [words.reason_name(r["reason"], lang) for r in drv["outliers"]["reasons"] if r["outlier"]]
    parts.append(words.sentence("outliers", lang, names=", ".join(odd) or words.heading("none", lang)))
    headline = [(words.heading("headline_contacts", lang), format_number(drv["contacts"], lang, 0), False),
                (words.heading("per_1000_bills", lang), per_1000, False),
                (words.heading("headline_repeat", lang), format_percent(repeats.get("repeat_7d") or 0.0, lang, 1),
                 False)]
    tables_ = [(words.heading("per_1000_bills", lang), shown["drivers"]), (words.heading("repeats", lang),
                                                                          shown["repeats"])]
    if len(shown["outliers"]):
        tables_.append((words.heading("outlier", lang), shown["outliers"]))
    return Section(words.heading("drivers_title", lang), "\n\n".join(parts), headline, tables_, [fig],
                   {"billing_care_contacts": drv["contacts"], "billing_care_repeat_7d": repeats.get("repeat_7d"),
                    "billing_care_growing": [r["reason"] for r in drv["growing"] if r["growing"]]})


@section("discounts", "discount cost by reason with the multi-month part")
def discounts_section(facts: dict, shown: dict, lang: str, currency: str) -> Section:
    """What the discounts cost: by reason, agent and month, and the multi-month value."""
    totals = facts["discounts"]["totals"]
    text = words.sentence("discounts_narrative", lang, discounts=format_number(totals["discounts"], lang, 0),
                          month=facts["month"], value=format_money(totals["value"], lang, currency),
                          multi=format_money(totals["multi_month_value"], lang, currency))
    headline = [(words.heading("headline_value", lang), format_money(totals["value"], lang, currency), False)]
    tables_ = [("", shown["discounts"]),
               (words.heading("discounts_by_agent", lang), shown["discounts_by_agent"].head(AGENTS_SHOWN)),
               (words.heading("discounts_by_month", lang), shown["discounts_by_month"])]
    return Section(words.heading("discounts_title", lang), text, headline, tables_, [],
                   {"billing_care_discounts": totals["discounts"], "billing_care_discount_value": totals["value"]})


@section("findings", "discounts against policy: over authority, without a retention reason, repeated")
def findings_section(facts: dict, shown: dict, lang: str, currency: str) -> Section:
    """The discounts that break the policy (over authority, no retention reason, repeated), summed and the largest listed."""
    found = facts["discounts"]["findings"]
    d = facts["definitions"]
    text = words.sentence("findings_narrative", lang, count=format_number(len(found), lang, 0),
                          reasons=", ".join(words.reason_name(r, lang) for r in d["retention_reasons"]),
                          months=d["repeat_discount_months"]) if found else words.sentence("no_findings", lang)
    headline = [(words.heading("headline_findings", lang), format_number(len(found), lang, 0), bool(found))]
    counts: dict[str, int] = {}
    for f in found:
        counts[f["code"]] = counts.get(f["code"], 0) + 1
    tables_ = []
    if found:
        value: dict[str, Any] = {}
        for f in found:
            value[f["code"]] = value.get(f["code"], 0) + f["value"]
        tables_.append((words.heading("findings_by_check", lang), pd.DataFrame({
            words.heading("check", lang): [words.check_name(c, lang) for c in counts],
            words.heading("discounts", lang): [format_number(n, lang, 0) for n in counts.values()],
            words.heading("value", lang): [format_money(value[c], lang, currency) for c in counts]})))
        command = (f"ccanalysis billing-care {facts['engagement']} --supplier {facts['supplier']} "
                   f"--month {facts['month']} --format csv --table findings")
        caption = words.heading("findings_largest", lang, shown=format_number(min(len(found), FINDINGS_SHOWN), lang, 0),
                                count=format_number(len(found), lang, 0), command=command) \
            if len(found) > FINDINGS_SHOWN else ""
        largest = sorted(range(len(found)), key=lambda i: (-found[i]["value"], i))[:FINDINGS_SHOWN]
        tables_.append((caption, shown["findings"].iloc[largest]))
    return Section(words.heading("findings_title", lang), text, headline, tables_, [],
                   {"billing_care_findings": counts})


@section("retention", "churn with and without a discount: raw, matched, propensity-weighted (observational); "
                      "net value per discount euro")
def retention_section(facts: dict, shown: dict, lang: str, currency: str) -> Section:
    """Churn at 30/90/180 days with and without a discount: raw, matched and weighted, stated as observational."""
    ret, d = facts["retention"], facts["definitions"]
    title = words.heading("retention_title", lang)
    end = format_date(facts["period_end"], lang)
    if not ret["cohort"]:
        return Section(title, words.sentence("no_cohort", lang, end=end), [], [], [], {})
    parts = [words.sentence("retention_observational", lang, seed=d["bootstrap_seed"]),
             words.sentence("retention_cohort", lang, customers=format_number(ret["cohort"], lang, 0), end=end,
                            as_of=format_date(facts["as_of"], lang)),
             words.sentence("net_value_narrative", lang, months=d["margin_months"],
                            basis=words.basis_name(d["value_basis"] or "monthly_margin", lang),
                            horizon=d["net_value_horizon_days"])]
    results = {"billing_care_retention": {
        item["horizon_days"]: {m: (item[m]["difference"], item[m]["low"], item[m]["high"])
                               for m in ("raw", "matched", "ipw")} for item in ret["horizons"]}}
    headline = []
    for item in ret["horizons"]:
        if item["horizon_days"] == d["net_value_horizon_days"] and item["matched"]["difference"] == \
                item["matched"]["difference"]:
            headline.append((words.heading("headline_retention", lang, days=item["horizon_days"]),
                             format_percent(item["matched"]["difference"], lang, 1), False))
    rows = [(f"{words.heading('days', lang, days=item['horizon_days'])} · {words.method_short(m, lang)}",
             item[m]["difference"], item[m]["low"], item[m]["high"])
            for item in ret["horizons"] for m in ("raw", "matched", "ipw")]
    fig = figures.intervals(rows, lang, words.heading("interval_chart", lang))
    tables_ = [("", shown["retention"])]
    if len(shown["net_value"]):
        reasons = len(ret["net_value"]["reason"])
        agents = ret["net_value"]["agent_id"]
        order = sorted(range(len(agents)), key=lambda i: (-(agents[i]["per_euro"] if agents[i]["per_euro"] ==
                                                            agents[i]["per_euro"] else float("-inf")), i))
        keep = order if len(order) <= 2 * AGENTS_EACH_END else order[:AGENTS_EACH_END] + order[-AGENTS_EACH_END:]
        caption = words.heading("net_value_title", lang) if len(keep) == len(order) else \
            words.heading("net_value_ends", lang, shown=AGENTS_EACH_END, count=len(order))
        tables_.append((caption, shown["net_value"].iloc[list(range(reasons)) + [reasons + i for i in keep]]))
    return Section(title, "\n\n".join(parts), headline, tables_, [fig], results)
