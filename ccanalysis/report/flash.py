"""The daily flash (`notebooks/daily_flash.ipynb`): the morning's cost picture of every supplier on one as-of date.

The page is the registry `SECTIONS`, built in order by `flash_sections(eng, as_of, lang)`; each section is a
function `(eng, as_of: date, lang) -> Section` that asks `ccanalysis.workbook` for the facts and returns
words in `lang` only. Adding a section = one function here decorated with `@section(name, description)`
(its words in `i18n/report.py`, its test); the notebook needs no change.

`check_flash_parameters` is the one validation of the as-of date, shared by `ccanalysis report --flash`
(before any kernel starts) and the notebook's first cell; `flash_header` / `flash_title` are the page's
header and title in the report's language.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pandas as pd

from ccanalysis import morning, workbook
from ccanalysis.engagement import Engagement
from ccanalysis.i18n import check_lang, format_date, format_percent, label, sentence
from ccanalysis.registry import Registry
from ccanalysis.report import text
from ccanalysis.report.section import Section, SectionRecord, Sections, build_sections, section_decorator

SECTIONS: Registry[SectionRecord] = Registry("flash section", "sections", key="section")
section = section_decorator(SECTIONS)


# --------------------------------------------------------------------------- the page

def check_flash_parameters(eng: Engagement, as_of: str | date, lang: str, *, today: date | None = None) -> date:
    """The as-of date as a `date` (`morning.check_as_of`, the one check `ccanalysis accrual` also makes):
    UsageError (one line) when it is not a real YYYY-MM-DD date, lies in the future (after `today`,
    default the machine's date) or outside the engagement's activity data (the message names the range);
    ValueError for an unknown language."""
    check_lang(lang)
    return morning.check_as_of(eng, as_of, today=today)


def flash_header(eng: Engagement, as_of: date, lang: str) -> dict:
    """The page header's facts (labelled by `report/html.py` in `lang`): engagement, client, as-of date
    and suppliers."""
    return {"engagement": eng.id, "client": eng.settings.client, "as_of": format_date(as_of, lang),
            "suppliers": ", ".join(eng.suppliers)}


def flash_title(eng: Engagement, as_of: date, lang: str) -> str:
    """The flash report's title in `lang`: "<flash report> — client — as-of date"."""
    return f"{label('flash_report', lang)} — {eng.settings.client} — {format_date(as_of, lang)}"


def flash_sections(eng: Engagement, as_of: str | date, lang: str) -> Sections:
    """Every registered section of the flash for `as_of` (YYYY-MM-DD or a date), in registry order."""
    day = as_of if isinstance(as_of, date) else date.fromisoformat(as_of)
    return build_sections(SECTIONS, eng, day, lang)


# --------------------------------------------------------------------------- sections
def _money(value: Decimal | None, lang: str, currency: str) -> str:
    return text.money(value, lang, currency) if value is not None else "—"


def _delta(actual: Decimal | None, reference: Decimal | None, lang: str, currency: str) -> str:
    """A table cell: "+€1,200.00 (+1.5%)" / "−…" / "—" (nothing to compare)."""
    if actual is None or reference is None:
        return "—"
    delta = actual - reference
    sign = "+" if delta > 0 else ""
    percent = f" ({sign}{format_percent(delta / reference, lang, 1)})" if reference else ""
    return f"{sign}{text.money(delta, lang, currency)}{percent}"


def _versus(actual: Decimal | None, reference: Decimal | None, lang: str, currency: str) -> str:
    """For a sentence: "€1,200.00 over (1.5%)" / "on target" / "—" (nothing to compare)."""
    if actual is None or reference is None:
        return "—"
    delta = actual - reference
    if delta == 0:
        return sentence("on_target", lang)
    percent = format_percent(abs(delta) / reference, lang, 1) if reference else ""
    key = "over_by" if delta > 0 else "under_by"
    return sentence(key, lang, amount=text.money(abs(delta), lang, currency), percent=percent)


def _run(eng: Engagement, as_of: date) -> morning.Morning:
    return morning.morning(eng, as_of, today=date.max)


@section("summary", "page 1 for a finance director: total accrued, projected close with its band, vs plan and budget")
def summary_section(eng: Engagement, as_of: date, lang: str) -> Section:
    """Two sentences over every supplier with activity on `as_of` (one currency; otherwise a pointer to the
    suppliers' table): accrued to date, projected close and its 80 % band; the close against the plan
    (charges the plan prices, `morning.comparable`) and against the month's budget."""
    run = _run(eng, as_of)
    currencies = {run.currency[s] for s in run.projections}
    results: dict = {"as_of": as_of.isoformat()}
    if not run.projections:
        return Section(label("flash_summary", lang), sentence("flash_summary_partial", lang,
                                                              suppliers=", ".join(run.not_in_force)),
                       results=results)
    if len(currencies) > 1:
        return Section(label("flash_summary", lang), sentence("flash_summary_currencies", lang), results=results)
    currency = currencies.pop()
    projections = run.projections.values()
    accrued = sum((p.accrued_net for p in projections), Decimal(0))
    projected = sum((p.projected_net for p in projections), Decimal(0))
    low = sum((p.projected_low for p in projections), Decimal(0))
    high = sum((p.projected_high for p in projections), Decimal(0))
    pairs = [morning.comparable(p) for p in projections]
    planned_close = None if any(c is None for c, _ in pairs) else sum((c for c, _ in pairs), Decimal(0))
    planned = None if any(q is None for _, q in pairs) else sum((q for _, q in pairs), Decimal(0))
    budgets = list(run.budgets.values())
    budget = None if any(b is None for b in budgets) else sum(budgets, Decimal(0))
    day = format_date(as_of, lang)
    money = lambda v: _money(v, lang, currency)  # noqa: E731
    narrative = sentence("flash_summary_total", lang, as_of=day, accrued=money(accrued), projected=money(projected),
                         low=money(low), high=money(high))
    partial = any(p.unplanned for p in projections)
    narrative += " " + sentence("flash_summary_vs_partial" if partial else "flash_summary_vs", lang,
                                plan_delta=_versus(planned_close, planned, lang, currency),
                                planned=money(planned), budget_delta=_versus(projected, budget, lang, currency),
                                budget=money(budget))
    if run.not_in_force:
        narrative += " " + sentence("flash_summary_partial", lang, suppliers=", ".join(
            eng.contract(s).name for s in run.not_in_force))
    headline = [(label("accrued", lang), money(accrued), False),
                (label("projected", lang), money(projected), False),
                (label("projected_band", lang), f"{money(low)} – {money(high)}", False),
                (label("vs_budget", lang), _versus(projected, budget, lang, currency),
                 budget is not None and projected > budget)]
    results.update(accrued_net=accrued, projected_net=projected, projected_low=low, projected_high=high,
                   planned_net=planned, budget=budget)
    return Section(label("flash_summary", lang), narrative, headline, results=results)


@section("suppliers", "per supplier: accrued, projected close (low–high), planned, budget, deviations")
def suppliers_section(eng: Engagement, as_of: date, lang: str) -> Section:
    """One row per supplier: its billing month, accrued to `as_of`, projected close with the 80 % band, the
    plan priced, the month's budget and the close against each. A plan that leaves charges out (their unit
    is not in the plan) is marked and compared on the charges it prices."""
    run = _run(eng, as_of)
    rows, notes, results = [], [], {}
    for supplier in eng.suppliers:
        contract = eng.contract(supplier)
        name = contract.name
        if supplier not in run.projections:
            rows.append({label("supplier", lang): name, label("accrued", lang): label("not_in_force", lang)
                         if not morning.in_force(eng, supplier, as_of)
                         else sentence("flash_no_activity", lang, as_of=format_date(as_of, lang))})
            continue
        p = run.projections[supplier]
        currency = contract.currency
        close, planned = morning.comparable(p)
        marker = ""
        if p.unplanned:
            marker = f" ({len(notes) + 1})"
            charges = ", ".join(f"{s}/{c}" for s, c in p.unplanned)
            notes.append((str(len(notes) + 1), sentence("flash_unplanned", lang, supplier=name, charges=charges)))
        budget = run.budgets.get(supplier)
        rows.append({
            label("supplier", lang): name, label("month", lang): p.month,
            label("accrued", lang): _money(p.accrued_net, lang, currency),
            label("projected", lang): _money(p.projected_net, lang, currency),
            label("projected_band", lang): f"{_money(p.projected_low, lang, currency)} – "
                                           f"{_money(p.projected_high, lang, currency)}",
            label("planned", lang): _money(p.planned_net, lang, currency) + marker,
            label("vs_plan", lang): _delta(close, planned, lang, currency) + marker,
            label("budget", lang): _money(budget, lang, currency) if budget is not None else label("no_budget", lang),
            label("vs_budget", lang): _delta(p.projected_net, budget, lang, currency),
        })
        results[supplier] = {"month": p.month, "accrued_net": p.accrued_net, "projected_net": p.projected_net,
                             "projected_low": p.projected_low, "projected_high": p.projected_high,
                             "planned_net": p.planned_net, "budget": budget}
    columns = [label(k, lang) for k in ("supplier", "month", "accrued", "projected", "projected_band", "planned",
                                         "vs_plan", "budget", "vs_budget")]
    table = pd.DataFrame(rows).reindex(columns=columns).fillna("")
    for supplier, gap in run.supplier_gaps():
        notes.append((str(len(notes) + 1), sentence("gap_activity" if gap.what == "activity" else "gap_plan", lang,
                                                    supplier=eng.contract(supplier).name, service=gap.service,
                                                    day=format_date(gap.day, lang), file=gap.file or "")))
    return Section(label("flash_suppliers", lang), sentence("flash_suppliers_narrative", lang), [],
                   [("", table)], [], {"suppliers": results}, notes)


@section("alerts", "the day's alerts against plan, each in a sentence, with the cost deviation's driver split")
def alerts_section(eng: Engagement, as_of: date, lang: str) -> Section:
    """The alerts of `as_of` (`morning.alerts_on`): where, the sentence (`i18n.deviations.describe`), the rule
    and the cost deviation split into volume, handling-time and price/mix effects, and the owner."""
    from ccanalysis.i18n import deviations as dw
    from ccanalysis.io.alerts import service_owners

    run = _run(eng, as_of)
    owners = service_owners(eng.contracts, as_of)
    rows = []
    for alert in run.alerts.to_dict("records"):
        currency = eng.contract(alert["supplier"]).currency
        rows.append({
            label("supplier", lang): eng.contract(alert["supplier"]).name,
            label("service", lang): alert["service"],
            label("alert", lang): dw.describe(alert, lang, currency),
            label("basis", lang): dw.name("basis", alert["basis"], lang),
            label("volume_effect", lang): text.money(alert["volume_effect"], lang, currency),
            label("aht_effect", lang): text.money(alert["aht_effect"], lang, currency),
            label("price_effect", lang): text.money(alert["price_effect"], lang, currency),
            label("owner", lang): owners.get((alert["supplier"], alert["service"])) or "",
        })
    tables = [("", pd.DataFrame(rows))] if rows else []
    narrative = sentence("flash_alerts_narrative", lang)
    if not rows:
        narrative += "\n\n" + label("no_alerts", lang)
    return Section(label("flash_alerts", lang), narrative, [], tables, [],
                   {"alerts": [{"supplier": a["supplier"], "service": a["service"], "metric": a["metric"],
                                "driver": a["driver"], "money": a["money"]} for a in run.alerts.to_dict("records")]})


@section("budget", "per supplier and service: month, year to date and full-year projection against budget")
def budget_section(eng: Engagement, as_of: date, lang: str) -> Section:
    """`morning.budget_on` of the as-of month: per supplier, service and the supplier's total, the month's
    budget against its projected close, the year to date (the current month at its close) against its
    budget and the full-year projection against the year's budget."""
    run = _run(eng, as_of)
    report = run.budget
    rows, results = [], {}
    order = {s: i for i, s in enumerate(eng.suppliers)}
    records = sorted(report.to_dict("records"), key=lambda r: order.get(r["supplier"], len(order)))
    shown = None
    for r in records:
        supplier, service = r["supplier"], r["service"]
        name = eng.contract(supplier).name if supplier != shown else ""  # the name once per supplier
        shown = supplier
        currency = eng.contract(supplier).currency
        p = run.projections.get(supplier)
        close = None
        if p is not None:
            lines = p.lines
            close = sum(lines["projected"], Decimal(0)) if service == "*" else \
                sum(lines[lines["service"] == service]["projected"], Decimal(0))
        ytd = None
        if r["ytd_expected"] is not None and close is not None:
            ytd = r["ytd_expected"] - (r["month_expected"] or Decimal(0)) + close
        money = lambda v, c=currency: _money(v, lang, c)  # noqa: E731
        rows.append({
            label("supplier", lang): name,
            label("service", lang): label("service_total", lang) if service == "*" else service,
            label("month_budget", lang): money(r["month_budget"]) if r["month_budget"] is not None
            else label("no_budget", lang),
            label("projected", lang): money(close),
            label("month_vs_budget", lang): _delta(close, r["month_budget"], lang, currency),
            label("ytd_budget", lang): money(r["ytd_budget"]),
            label("ytd_actual", lang): money(ytd),
            label("year_budget", lang): money(r["year_budget"]),
            label("year_projection", lang): money(r["year_projection"]) if r["year_projection"] is not None
            else label("not_projected", lang),
            label("year_vs_budget", lang): _delta(r["year_projection"], r["year_budget"], lang, currency),
        })
        results[f"{supplier}/{service}"] = {"month_budget": r["month_budget"], "close": close, "ytd": ytd,
                                            "year_budget": r["year_budget"], "year_projection": r["year_projection"]}
    tables = [("", pd.DataFrame(rows))] if rows else []
    return Section(label("flash_budget", lang), sentence("flash_budget_narrative", lang), [], tables, [],
                   {"budget": results})


@section("charts", "per supplier: cumulative actual, plan, budget and the projected close with its band")
def charts_section(eng: Engagement, as_of: date, lang: str) -> Section:
    """One chart per supplier with activity on `as_of` (`figures.cost_to_close`)."""
    from ccanalysis.report import figures

    run = _run(eng, as_of)
    figs = [figures.cost_to_close(p.daily, lang, f"{eng.contract(s).name} — {p.month}",
                                  budget=float(run.budgets[s]) if run.budgets.get(s) is not None else None,
                                  plan_label=label("chart_plan_partial", lang) if p.unplanned else None)
            for s, p in run.projections.items()]
    return Section(label("flash_charts", lang), sentence("flash_charts_narrative", lang), [], [], figs, {})


@section("month_to_date", "per supplier: cost accrued from the billing period's start to as_of, and the plan's")
def month_to_date_section(eng: Engagement, as_of: date, lang: str) -> Section:
    """Per supplier, the billing period holding `as_of`: the month-to-date cost on `as_of` (the accrual's
    cumulative cost that day) and the plan's cost summed over the same days (table `plan`, column
    `cost`), with the deviation. A supplier without activity on `as_of` shows that, never a zero."""
    rows, accrued_by, planned_by = [], {}, {}
    plan = eng.table("plan")
    for supplier in eng.suppliers:
        contract = eng.contract(supplier)
        period = contract.period_containing(as_of)
        row = {label("supplier", lang): contract.name, label("month", lang): period.month,
               label("days_elapsed", lang): sentence("days_of", lang, elapsed=(as_of - period.start).days + 1,
                                                     days=period.days)}
        if contract.active_days(period) == 0:
            rows.append({**row, label("accrued_to_date", lang): label("not_in_force", lang)})
            accrued_by[supplier] = planned_by[supplier] = None
            continue
        accrued = _cumulative_on(workbook.accrual(eng, supplier, period.month), as_of)
        planned, plan_state = _planned_to_date(plan, supplier, period.start, as_of)
        accrued_by[supplier], planned_by[supplier] = accrued, planned
        deviation = accrued - planned if accrued is not None and planned is not None else None
        currency = contract.currency
        rows.append({
            **row,
            label("accrued_to_date", lang): text.money(accrued, lang, currency) if accrued is not None
            else sentence("flash_no_activity", lang, as_of=format_date(as_of, lang)),
            label("planned_to_date", lang): text.money(planned, lang, currency) if planned is not None else label(plan_state, lang),
            label("deviation", lang): text.money(deviation, lang, currency),
            "%": format_percent(deviation / planned, lang, 1) if deviation is not None and planned else "",
        })
    columns = [label(k, lang) for k in ("supplier", "month", "days_elapsed", "accrued_to_date", "planned_to_date",
                                         "deviation")] + ["%"]
    table = pd.DataFrame(rows).reindex(columns=columns).fillna("")
    return Section(label("month_to_date", lang), sentence("flash_narrative", lang, as_of=format_date(as_of, lang)),
                   [], [("", table)], [], {"as_of": as_of.isoformat(), "accrued_to_date": accrued_by,
                                           "planned_to_date": planned_by})


def _cumulative_on(accrual: pd.DataFrame, day: date) -> Decimal | None:
    """The month-to-date cost of a `workbook.accrual` frame on `day`; None when the frame has no row that
    day (no activity recorded up to it)."""
    rows = accrual[accrual["date"] == pd.Timestamp(day)]
    return rows["cumulative"].iloc[0] if not rows.empty else None


def _planned_to_date(plan: pd.DataFrame, supplier: str, start: date, day: date) -> tuple[Decimal | None, str]:
    """Σ of the plan's `cost` for `supplier` from `start` to `day` inclusive, and why it is None:
    "no_plan" (no plan row of the supplier in those days, or no cost column) or "plan_incomplete" (a day
    without a row, or a row without a cost: a partial sum would understate the plan)."""
    if plan.empty or "cost" not in plan.columns:
        return None, "no_plan"
    rows = plan[(plan["supplier"] == supplier) & (plan["date"] >= pd.Timestamp(start))
                & (plan["date"] <= pd.Timestamp(day))]
    if rows.empty or rows["cost"].map(text.missing).all():
        return None, "no_plan"
    covered = set(rows["date"].dt.date)
    if len(covered) < (day - start).days + 1 or rows["cost"].map(text.missing).any():
        return None, "plan_incomplete"
    return sum((Decimal(v) for v in rows["cost"]), Decimal(0)), ""
