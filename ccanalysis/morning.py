"""The morning run of an engagement (issue 12): accrued cost to date, the projected close, plan deviations and
their alerts, and the budget, on one as-of date, for every supplier (or one).

Engagement-level wiring over the pure domain (`ccanalysis.accrual`, `ccanalysis.projection`,
`ccanalysis.deviations`, `ccanalysis.budget`), like `ccanalysis.workbook` (whose memoised engines it reuses):

    check_as_of(eng, as_of, today=None)          the one check of an as-of date (`report --flash`, `accrual`)
    daily_frame(eng, supplier, as_of)            the `deviations.INPUT` frame: actual vs plan per day and service
    alerts_on(eng, as_of, supplier=None)         `deviations.alerts` of that day (`deviations.ALERT_COLUMNS`)
    budget_on(eng, as_of, supplier=None)         `budget.budget_report` of the as-of month
    morning(eng, as_of, supplier=None)           all of it (`Morning`): what the command and the flash show

The daily frame, per supplier and service, from `HISTORY_DAYS` days before the billing period holding the
as-of date up to it: actual offered (contacts), AHT (talk + hold + ACW ÷ handled, seconds), hours (logged
time) and cost (the accrual's daily increment of the service's lines: per-period amounts accrue by elapsed
days, so a day's cost includes its share of the fixed fees); plan offered, aht_s, hours (logged_s as planned,
else the staffing engine's, `workbook.plan_activity`) and cost (the plan priced by the contract engine,
`workbook.planned_cost`); weekday_class from the engagement's calendar. A day without an activity row or
without a plan row is left out (never read as zero): the projection reports it as a gap.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pandas as pd

from ccanalysis import budget as _budget
from ccanalysis import deviations as _deviations
from ccanalysis import workbook
from ccanalysis.errors import UsageError
from ccanalysis.money import ZERO, round_money
from ccanalysis.periods import day_class

if TYPE_CHECKING:
    from ccanalysis.engagement import Engagement
    from ccanalysis.projection import Gap, Projection

#: Days of history before the billing period the statistical control reads.
HISTORY_DAYS = 20
#: The tables whose dates are the engagement's data range for an as-of date (the activity it accrues).
ACTIVITY_TABLES = ("activity", "contacts")


# --------------------------------------------------------------------------- the as-of date
def data_range(eng: Engagement) -> tuple[date, date] | None:
    """First and last day of the engagement's activity data (activity rows and contact records); None
    without any."""
    sources = [s for s in eng.sources if s.table in ACTIVITY_TABLES and s.first and s.last]
    if not sources:
        return None
    return min(s.first for s in sources), max(s.last for s in sources)


def parse_day(as_of: str | date) -> date:
    """A YYYY-MM-DD text (or a date) as a date; UsageError (one line) otherwise."""
    if isinstance(as_of, date):
        return as_of
    try:
        if not isinstance(as_of, str) or len(as_of) != 10 or as_of[4] != "-" or as_of[7] != "-":
            raise ValueError
        return date.fromisoformat(as_of)
    except ValueError:
        raise UsageError(f"the as-of date must be a real date YYYY-MM-DD, got {as_of!r}") from None


def check_as_of(eng: Engagement, as_of: str | date, *, today: date | None = None) -> date:
    """The as-of date as a `date`; UsageError (one line) when it is not a real YYYY-MM-DD date, lies in the
    future (after `today`, default the machine's date) or outside the engagement's activity data (the
    message names the range)."""
    day = parse_day(as_of)
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


def check_supplier(eng: Engagement, supplier: str | None) -> list[str]:
    """The suppliers a run covers: all, or the one asked for (UsageError listing them when unknown)."""
    if supplier is None:
        return list(eng.suppliers)
    if supplier not in eng.suppliers:
        raise UsageError(f"unknown supplier {supplier!r} in engagement {eng.id}; its suppliers are "
                         f"{', '.join(eng.suppliers)}")
    return [supplier]


def in_force(eng: Engagement, supplier: str, as_of: date) -> bool:
    """Whether the supplier's contract has days in force in the billing period containing `as_of`."""
    contract = eng.contract(supplier)
    return contract.active_days(contract.period_containing(as_of)) > 0


# --------------------------------------------------------------------------- actual vs plan per day
def _period_frame(eng: Engagement, supplier: str, month: str, start: date, until: date) -> pd.DataFrame:
    """Rows of `deviations.INPUT` (+ period) of billing period `month` from `start` to `until`."""
    contract = eng.contract(supplier)
    period = contract.period(month)
    if contract.active_days(period) == 0 or until < start:
        return pd.DataFrame(columns=[*_deviations.INPUT, "period"])
    last = workbook.last_activity_day(eng, supplier, month)
    if last is None:
        return pd.DataFrame(columns=[*_deviations.INPUT, "period"])
    until = min(until, last)
    cost = workbook.accrual_lines(eng, supplier, month, until, today=date.max)
    cost = cost[cost["date"] >= pd.Timestamp(start)].dropna(subset=["service"])
    planned = workbook.planned_cost(eng, supplier, month)
    # the cost compared is that of the charges the plan prices (SLA lines and units the plan lacks are not)
    priced = set(zip(planned["service"], planned["charge"], strict=True))
    cost = cost[[(s, str(c).split(":")[0]) in priced for s, c in zip(cost["service"], cost["charge"], strict=True)]]
    cost_by = {(d.date(), s): v for (d, s), v in
               cost.groupby(["date", "service"])["increment"].agg(lambda v: sum(v, ZERO)).items()}
    plan_cost = {(pd.Timestamp(d).date(), s): v for (d, s), v in
                 planned.dropna(subset=["service"]).groupby(["date", "service"])["planned"]
                 .agg(lambda v: sum(v, ZERO)).items()} if len(planned) else {}
    plan_rows = workbook.plan_activity(eng, supplier, month)
    table = eng.table("plan")
    rows = []
    for service in contract.services_for(period):
        sid = service.id
        days = plan_rows.get(sid)
        if not days:
            continue
        mine = table[(table["supplier"] == supplier) & (table["service"] == sid)]
        aht_plan = {pd.Timestamp(d).date(): a for d, a in zip(mine["date"], mine["aht_s"], strict=True)}
        actual = eng.daily_activity(supplier, sid, start, until)
        for record in actual.to_dict("records"):
            day = pd.Timestamp(record["date"]).date()
            plan = days.get(day)
            if plan is None or day not in aht_plan:
                continue
            handled = int(record.get("handled") or 0)
            work = sum(Decimal(str(record.get(c) or 0)) for c in ("talk_s", "hold_s", "acw_s"))
            prow = plan.rows
            logged = record.get("logged_s")
            has_hours = logged is not None and not pd.isna(logged) and bool(logged)
            has_cost = any(s == sid for s, _ in priced)
            rows.append({
                "date": pd.Timestamp(day), "supplier": supplier, "service": sid, "period": month,
                "offered_actual": int(record.get("offered") or 0), "offered_plan": int(prow["offered"].sum()),
                "aht_s_actual": work / handled if handled else None,
                "aht_s_plan": Decimal(str(aht_plan[day])),
                # a service without logged time (contact records only): hours not compared (None on both
                # sides, never a zero against the plan); without a charge the plan prices: cost 0 against 0
                # (`deviations.decompose` needs numbers; nothing to compare, no deviation)
                "hours_actual": Decimal(str(logged)) / 3600 if has_hours else None,
                "hours_plan": sum((Decimal(str(v)) for v in prow["logged_s"]), ZERO) / 3600 if has_hours else None,
                "cost_actual": cost_by.get((day, sid), ZERO) if has_cost else ZERO,
                "cost_plan": plan_cost.get((day, sid), ZERO) if has_cost else ZERO,
            })
    frame = pd.DataFrame(rows, columns=[*_deviations.INPUT, "period"])
    if len(frame):
        frame["weekday_class"] = day_class(frame["date"].dt.date.tolist(), eng.holidays)
    return frame


def daily_frame(eng: Engagement, supplier: str, as_of: date) -> pd.DataFrame:
    """The `deviations.INPUT` frame (with `period`) of `supplier` from `HISTORY_DAYS` days before the billing
    period holding `as_of` up to `as_of` (see the module docstring)."""
    contract = eng.contract(supplier)
    period = contract.period_containing(as_of)
    previous = contract.period_containing(period.start - timedelta(days=1))
    parts = [_period_frame(eng, supplier, previous.month, period.start - timedelta(days=HISTORY_DAYS),
                           previous.end),
             _period_frame(eng, supplier, period.month, period.start, as_of)]
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame(columns=[*_deviations.INPUT, "period"])
    return pd.concat(parts, ignore_index=True)


def alerts_on(eng: Engagement, as_of: date, supplier: str | None = None) -> pd.DataFrame:
    """The alerts of `as_of` (`deviations.alerts` against engagement.yaml's `alerts:` thresholds) of every
    supplier in force (or `supplier`)."""
    frames = [daily_frame(eng, s, as_of) for s in check_supplier(eng, supplier) if in_force(eng, s, as_of)]
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame(columns=_deviations.ALERT_COLUMNS)
    return _deviations.alerts(pd.concat(frames, ignore_index=True), eng.settings.alerts, as_of=as_of)


# --------------------------------------------------------------------------- budget
def _by_service(lines: pd.DataFrame, column: str) -> dict[str, Decimal]:
    """Σ `column` per service of a lines frame (supplier-level lines, without service, under `budget.TOTAL`)."""
    out: dict[str, Decimal] = {}
    for service, amount in zip(lines["service"], lines[column], strict=True):
        key = _budget.TOTAL if service is None or (isinstance(service, float) and pd.isna(service)) else service
        out[key] = out.get(key, ZERO) + Decimal(amount)
    return out


def costs_frame(eng: Engagement, as_of: date, supplier: str | None = None,
                projections: dict[str, Projection] | None = None) -> pd.DataFrame:
    """The `budget.COSTS_INPUT` frame of the year of `as_of`: per month of the engagement and of the budget,
    supplier and service, the expected net (invoice lines), the billed net (billed lines), the projected
    close (the as-of month) and the planned net (the plan priced)."""
    budget = eng.table("budget")
    months = sorted(set(eng.months()) | (set(budget["month"]) if len(budget) else set()))
    year = as_of.strftime("%Y")
    rows = []
    for s in check_supplier(eng, supplier):
        contract = eng.contract(s)
        current = contract.period_containing(as_of).month
        for month in (m for m in months if m[:4] == year):
            if contract.active_days(contract.period(month)) == 0:
                continue
            if month > current:
                planned = workbook.planned_cost(eng, s, month) if month in eng.months() else None
                by = (_by_service(planned.rename(columns={"planned": "amount"}), "amount")
                      if planned is not None and len(planned) else {})
                for service, amount in by.items():
                    rows.append({"month": month, "supplier": s, "service": service, "expected_net": ZERO,
                                 "billed_net": None, "projected_net": None, "planned_net": amount})
                continue
            expected = _by_service(workbook.expected_invoice(eng, s, month), "amount")
            billed_frame = workbook.billed_lines(eng, s, month)
            billed = _by_service(billed_frame, "amount") if len(billed_frame) else {}
            planned_frame = workbook.planned_cost(eng, s, month)
            planned = (_by_service(planned_frame.rename(columns={"planned": "amount"}), "amount")
                       if len(planned_frame) else {})
            projected: dict[str, Decimal] = {}
            if month == current and projections and s in projections:
                projected = _by_service(projections[s].lines, "projected")
                expected = _by_service(projections[s].lines, "accrued")
            for service in dict.fromkeys([*expected, *projected, *billed]):
                rows.append({"month": month, "supplier": s, "service": service,
                             "expected_net": expected.get(service, ZERO),
                             "billed_net": billed.get(service) if billed else None,
                             "projected_net": projected.get(service) if month == current else None,
                             "planned_net": planned.get(service)})
    return pd.DataFrame(rows, columns=_budget.COSTS_INPUT)


def budget_on(eng: Engagement, as_of: date, supplier: str | None = None,
              projections: dict[str, Projection] | None = None) -> pd.DataFrame:
    """`budget.budget_report` of the billing month holding `as_of`: per supplier and service, then the
    supplier's total (service ``*``), month, year to date and full-year projection against budget. The
    as-of month's actual is its accrual to date and its close the projection (`projections`, computed when
    not given)."""
    suppliers = check_supplier(eng, supplier)
    if projections is None:
        projections = {s: workbook.projected_close(eng, s, eng.contract(s).period_containing(as_of).month, as_of,
                                                   today=date.max)
                       for s in suppliers if in_force(eng, s, as_of)}
    month = eng.contract(suppliers[0]).period_containing(as_of).month
    budget = eng.table("budget")
    if len(budget):
        budget = budget[budget["supplier"].isin(suppliers)]
    report = _budget.budget_report(budget.reindex(columns=_budget.BUDGET_INPUT),
                                   costs_frame(eng, as_of, supplier, projections), month)
    return report


# --------------------------------------------------------------------------- everything
@dataclass(frozen=True)
class Morning:
    """The morning run on `as_of`: per supplier in force its projection (`projection.Projection`: accrued,
    projected close and band, planned, lines, daily), its budget for the month (None without a budget row),
    the day's alerts (`deviations.ALERT_COLUMNS`), the budget report (`budget.REPORT_COLUMNS`), the data
    gaps (`projection.Gap`) and the suppliers not in force."""

    engagement: str
    as_of: date
    projections: dict[str, Projection]
    budgets: dict[str, Decimal | None]
    alerts: pd.DataFrame
    budget: pd.DataFrame
    gaps: list[Gap] = field(default_factory=list)
    not_in_force: list[str] = field(default_factory=list)
    currency: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The `ccanalysis accrual --format json` object (money as Decimal: `jsonio.dumps` writes strings)."""
        suppliers = []
        for s, p in self.projections.items():
            lines = [{"service": r["service"], "charge": r["charge"], "accrued": r["accrued"],
                      "projected": r["projected"], "planned": r["planned"]}
                     for r in planned_lines(p).to_dict("records")]
            suppliers.append({"supplier": s, "month": p.month, "accrued_net": p.accrued_net,
                              "projected_net": p.projected_net, "projected_low": p.projected_low,
                              "projected_high": p.projected_high, "planned_net": p.planned_net,
                              "budget": self.budgets.get(s), "currency": self.currency.get(s), "lines": lines})
        alerts = [{"supplier": a["supplier"], "service": a["service"], "metric": a["metric"],
                   "since": a["since"], "deviation": a["deviation"], "units": a["units"], "money": a["money"],
                   "driver": a["driver"], "basis": a["basis"], "unit": a["unit"],
                   "volume_effect": a["volume_effect"], "aht_effect": a["aht_effect"],
                   "price_effect": a["price_effect"]}
                  for a in self.alerts.to_dict("records")]
        gaps = [{"supplier": s, "what": g.what, "service": g.service, "date": g.day, "file": g.file}
                for s, g in self.supplier_gaps()]
        return {"engagement": self.engagement, "as_of": self.as_of, "suppliers": suppliers, "alerts": alerts,
                "gaps": gaps, "not_in_force": list(self.not_in_force)}

    def supplier_gaps(self) -> list[tuple[str, Gap]]:
        """Every (supplier, gap) of the projections: missing activity or plan days."""
        return [(s, g) for s, p in self.projections.items() for g in p.gaps]


def planned_lines(projection: Projection) -> pd.DataFrame:
    """The projection's lines with `planned` None (not 0) for the charges whose unit the plan does not give
    (`Projection.unplanned`): they are not planned, not planned at zero."""
    lines = projection.lines.copy()
    unplanned = set(projection.unplanned)
    lines["planned"] = [None if (s, c) in unplanned else v
                        for s, c, v in zip(lines["service"], lines["charge"], lines["planned"], strict=True)]
    return lines


def supplier_budget(eng: Engagement, supplier: str, month: str) -> Decimal | None:
    """The supplier's budget of billing month `month` (every budget row of it: `budget.month_comparison`'s
    total), None without a budget row."""
    table = eng.table("budget")
    if table.empty:
        return None
    table = table[(table["supplier"] == supplier) & (table["month"] == month)]
    rows = _budget.month_comparison(table.reindex(columns=_budget.BUDGET_INPUT),
                                    pd.DataFrame(columns=_budget.COSTS_INPUT))
    rows = rows[rows["service"] == _budget.TOTAL]
    return round_money(rows["budget"].iloc[0]) if len(rows) else None  # in cents, as money is shown


def unplanned_charges(eng: Engagement, supplier: str, month: str) -> list[tuple[str, str]]:
    """(service, charge) of billing period `month` the plan does not price (their unit is not in the plan)."""
    from ccanalysis import projection as _projection

    actual = workbook.accrual_engine(eng, supplier, month)
    planned = _projection.planned_engine(actual, workbook.plan_activity(eng, supplier, month))
    return _projection.unplanned(actual, planned) if planned is not None else []


def planned_cumulative(eng: Engagement, supplier: str, month: str) -> pd.DataFrame:
    """date, planned: the plan priced (`workbook.planned_cost`), summed per day and accumulated over the
    month (empty without a plan)."""
    frame = workbook.planned_cost(eng, supplier, month)
    if frame.empty:
        return pd.DataFrame(columns=["date", "planned"])
    days = frame.groupby("date", sort=True)["planned"].agg(lambda v: sum(v, ZERO))
    total, rows = ZERO, []
    for day, amount in days.items():
        total += amount
        rows.append({"date": pd.Timestamp(day), "planned": total})
    return pd.DataFrame(rows, columns=["date", "planned"])


def comparable(projection: Projection) -> tuple[Decimal | None, Decimal | None]:
    """(projected close, planned net) over the charges the plan prices (those of `Projection.unplanned`, whose
    unit the plan lacks, left out of both sides), so the deviation from plan compares like with like; (None,
    None) without a plan."""
    if projection.planned_net is None:
        return None, None
    lines = planned_lines(projection)
    kept = lines[lines["planned"].notna()]
    return sum(kept["projected"], ZERO), sum(kept["planned"], ZERO)


def month_budget(report: pd.DataFrame, supplier: str) -> Decimal | None:
    """The supplier's budget of the report's month (its total row), None without one."""
    rows = report[(report["supplier"] == supplier) & (report["service"] == _budget.TOTAL)]
    if rows.empty:
        return None
    value = rows["month_budget"].iloc[0]
    return None if value is None or (not isinstance(value, Decimal) and pd.isna(value)) else round_money(value)


#: Morning runs by (engagement fingerprint, as_of, supplier): the flash's sections share one.
MORNINGS = workbook.Memo(8)


def morning(eng: Engagement, as_of: str | date, supplier: str | None = None, *,
            today: date | None = None) -> Morning:
    """The morning run on `as_of` (checked by `check_as_of`) for every supplier, or `supplier`, memoised."""
    day = check_as_of(eng, as_of, today=today)
    return MORNINGS.get(workbook._key(eng, day, supplier), lambda: _morning(eng, day, supplier, today))


def _morning(eng: Engagement, day: date, supplier: str | None, today: date | None) -> Morning:
    suppliers = check_supplier(eng, supplier)
    projections, off = {}, []
    for s in suppliers:
        if not in_force(eng, s, day) or workbook.last_activity_day(
                eng, s, eng.contract(s).period_containing(day).month) is None:
            off.append(s)
            continue
        month = eng.contract(s).period_containing(day).month
        projections[s] = workbook.projected_close(eng, s, month, day, today=today or date.today())
    report = budget_on(eng, day, supplier, projections)
    alerts = alerts_on(eng, day, supplier)
    return Morning(eng.id, day, projections, {s: month_budget(report, s) for s in projections}, alerts, report,
                   [g for p in projections.values() for g in p.gaps], off,
                   {s: eng.contract(s).currency for s in suppliers})
