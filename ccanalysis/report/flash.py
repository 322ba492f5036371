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

import re
from datetime import date
from decimal import Decimal

import pandas as pd

from ccanalysis import workbook
from ccanalysis.engagement import Engagement
from ccanalysis.errors import UsageError
from ccanalysis.i18n import check_lang, format_date, format_percent, label, sentence
from ccanalysis.registry import Registry
from ccanalysis.report import text
from ccanalysis.report.section import Section, SectionRecord, Sections, build_sections, section_decorator

#: The tables whose dates are the engagement's data range for an as-of date (the activity it accrues).
ACTIVITY_TABLES = ("activity", "contacts")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

SECTIONS: Registry[SectionRecord] = Registry("flash section", "sections", key="section")
section = section_decorator(SECTIONS)


# --------------------------------------------------------------------------- the page
def data_range(eng: Engagement) -> tuple[date, date] | None:
    """First and last day of the engagement's activity data (activity rows and contact records); None
    without any."""
    sources = [s for s in eng.sources if s.table in ACTIVITY_TABLES and s.first and s.last]
    if not sources:
        return None
    return min(s.first for s in sources), max(s.last for s in sources)


def check_flash_parameters(eng: Engagement, as_of: str | date, lang: str, *, today: date | None = None) -> date:
    """The as-of date as a `date`; UsageError (one line) when it is not a real YYYY-MM-DD date, lies in the
    future (after `today`, default the machine's date) or outside the engagement's activity data (the
    message names the range); ValueError for an unknown language."""
    check_lang(lang)
    if isinstance(as_of, date):
        day = as_of
    else:
        try:
            if not isinstance(as_of, str) or not _ISO_DATE.fullmatch(as_of):
                raise ValueError
            day = date.fromisoformat(as_of)
        except ValueError:
            raise UsageError(f"the as-of date must be a real date YYYY-MM-DD, got {as_of!r}") from None
    today = today or date.today()
    if day > today:
        raise UsageError(f"the as-of date {day.isoformat()} is in the future (today is {today.isoformat()})")
    span = data_range(eng)
    if span is None:
        raise UsageError(f"engagement {eng.id} has no activity data: there is no date to report on")
    if not span[0] <= day <= span[1]:
        raise UsageError(f"the as-of date {day.isoformat()} is outside the activity data of engagement {eng.id} "
                         f"({span[0].isoformat()} .. {span[1].isoformat()})")
    return day


def flash_header(eng: Engagement, as_of: date, lang: str) -> dict:
    """The page header's facts (labelled by `report/html.py` in `lang`): engagement, client, as-of date
    and suppliers."""
    return {"engagement": eng.id, "client": eng.settings.client, "as_of": format_date(as_of, lang),
            "suppliers": ", ".join(eng.suppliers)}


def flash_title(eng: Engagement, as_of: date, lang: str) -> str:
    return f"{label('flash_report', lang)} — {eng.settings.client} — {format_date(as_of, lang)}"


def flash_sections(eng: Engagement, as_of: str | date, lang: str) -> Sections:
    """Every registered section of the flash for `as_of` (YYYY-MM-DD or a date), in registry order."""
    day = as_of if isinstance(as_of, date) else date.fromisoformat(as_of)
    return build_sections(SECTIONS, eng, day, lang)


# --------------------------------------------------------------------------- sections
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
