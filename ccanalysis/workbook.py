"""The wiring between a loaded engagement and the pure domain: what notebooks, report sections and the CLI call.

Each function here asks the `Engagement` for the contract, the period and the DataFrames a domain function
needs and passes them down; memoisation, where it pays, is explicit and keyed on its inputs (the
engagement's fingerprint of its input files, the supplier, the month and the date rated up to).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

import pandas as pd

from ccanalysis import accrual as _accrual
from ccanalysis import billing as _billing
from ccanalysis import compliance as _compliance
from ccanalysis import invoice
from ccanalysis import kpis as _kpis
from ccanalysis import portfolio as _portfolio
from ccanalysis.errors import UsageError
from ccanalysis.i18n import check_lang, format_date
from ccanalysis.i18n import domain as words
from ccanalysis.invoice import Line, kpi_data, totals  # noqa: F401  (kpi_data, totals: part of this face)
from ccanalysis.money import ZERO, round_money
from ccanalysis.pricing.units import ServiceActivity, has_intervals, interval_length_minutes
from ccanalysis.sla import SlaLine

if TYPE_CHECKING:
    from ccanalysis.contract import BillingPeriod, Contract, Service
    from ccanalysis.engagement import Engagement

T = TypeVar("T")


class Memo:
    """A small bounded memo: the last `size` results by key (oldest dropped first)."""

    def __init__(self, size: int = 128) -> None:
        self.size = size
        self._results: OrderedDict[Hashable, Any] = OrderedDict()

    def get(self, key: Hashable | None, compute: Callable[[], T]) -> T:
        """The memoised result for `key`, else `compute()`, stored (the oldest dropped past `size`); a None key
        is never memoised."""
        if key is None:  # an engagement without a fingerprint is not memoised
            return compute()
        if key in self._results:
            self._results.move_to_end(key)
            return self._results[key]
        value = compute()
        self._results[key] = value
        if len(self._results) > self.size:
            self._results.popitem(last=False)
        return value

    def clear(self) -> None:
        """Forget every memoised result."""
        self._results.clear()

    def __len__(self) -> int:
        return len(self._results)


#: A period's step-1 lines and the activities they were rated on, by (engagement fingerprint, supplier, month).
CHARGES = Memo(32)
#: The accrual engine (each service's activity split by day, each charge's units per day), by
#: (engagement fingerprint, supplier, month).
ACCRUAL = Memo(32)
#: The accrual's lines of every day up to a date, by (engagement fingerprint, supplier, month, until).
ACCRUAL_DAYS = Memo(64)
#: The expected invoice's lines (facts, frozen), by (engagement fingerprint, supplier, month): a report's
#: sections and the audit share one.
EXPECTED = Memo(32)
#: Audit results, by (engagement fingerprint, supplier, month, lang): a report's sections share one audit.
AUDITS = Memo(64)
#: The classifier's training lines of a supplier (every month), by (engagement fingerprint, supplier).
TRAINING = Memo(16)


def _key(eng: Engagement, *parts: Hashable) -> tuple | None:
    return (eng.fingerprint, *parts) if eng.fingerprint else None


def _lang(eng: Engagement, lang: str | None) -> str:
    return check_lang(lang or eng.settings.lang)


def service_activity(eng: Engagement, supplier: str, service: Service, period: BillingPeriod,
                     until: date | None = None, *, contract: Contract | None = None) -> ServiceActivity:
    """The service's contact records and activity rows dated inside the billing period and the contract's
    and the service's validity (up to `until`, for the month-to-date cost; the period itself stays whole,
    e.g. for its working days). `contract`: the terms to use instead of the supplier's (a what-if)."""
    first, last = (contract or eng.contract(supplier)).active_range(period, service)
    if until is not None:
        last = min(last, until)
    prior = None
    if service.collections is not None:
        contacts = collections_records(eng, supplier, service, first, last)
        if service.collections.max_fee_per_account is not None:  # the fees each account has earned before
            prior = collections_records(eng, supplier, service, date.min, first - timedelta(days=1),
                                        with_attempts=False)
    else:
        contacts = eng.contacts_for(supplier, service.id, first, last)
    rows = eng.activity_rows(supplier, service.id, first, last)
    interval_minutes = interval_length_minutes(rows) if has_intervals(rows) else None
    records = None  # a billing-care service's records beside its activity rows
    if (supplier, service.id) in eng.billing_care_services() and not rows.empty:
        records = eng.billing_care_contacts(supplier, service.id, first, last)
    customers = eng.tables.get("customers")
    return ServiceActivity(contacts=contacts, rows=rows, holidays=eng.holidays, period_start=period.start,
                           period_end=period.end, interval_minutes=interval_minutes, records=records,
                           customers=customers, prior_contacts=prior)


def attributable_payments(eng: Engagement, supplier: str, month: str) -> frozenset[tuple[str, date]] | None:
    """For a collection agency (a service with `collections:` terms in billing period `month`): the
    (account_id, paid_on) of every payment attributed to it under those terms, any date; None otherwise."""
    contract = eng.contract(supplier)
    services = [s for s in contract.services_for(contract.period(month)) if s.collections is not None]
    if not services:
        return None
    mine = _attributed(eng, supplier, services[0])
    return frozenset(zip(mine["account_id"].astype(str), pd.to_datetime(mine["paid_on"]).dt.date, strict=True))


def _attributed(eng: Engagement, supplier: str, service: Service) -> pd.DataFrame:
    """`collections.fees.attributed_payments` of the agency under the service's terms, every date: computed
    once per engagement, agency and terms (the fees of every period and the audit read it)."""
    from ccanalysis.collections import fees

    terms = service.collections
    assert terms is not None
    cache = eng.__dict__.setdefault("_attributed", {})
    key = (supplier, terms.attribution_tail_days, terms.debt_age_at)
    if key not in cache:
        cache[key] = fees.attributed_payments(eng.table("placements"), eng.table("payments"), supplier,
                                              tail_days=terms.attribution_tail_days, debt_age_at=terms.debt_age_at)
    return cache[key]


def collections_records(eng: Engagement, supplier: str, service: Service, first: date, last: date, *,
                        with_attempts: bool = True) -> pd.DataFrame:
    """A collections service's contact records between two dates, inclusive
    (`collections.fees.as_contact_records`): the payments attributed to the agency under its contract's
    `collections:` terms, and (`with_attempts`) its attempts."""
    from ccanalysis.collections import fees

    terms = service.collections
    assert terms is not None
    placements, attempts = eng.table("placements"), eng.table("attempts")
    attributed = _attributed(eng, supplier, service)
    days = pd.to_datetime(attributed["paid_on"]).dt.date
    attributed = attributed[(days >= first) & (days <= last)]
    if not with_attempts:
        attempts = attempts.iloc[0:0]
    elif not attempts.empty:
        when = pd.to_datetime(attempts["start"]).dt.date
        attempts = attempts[(when >= first) & (when <= last)]
    return fees.as_contact_records(attributed, attempts, supplier=supplier, service=service.id,
                                   placements=placements, debt_age_at=terms.debt_age_at)


def _activities(eng: Engagement, supplier: str, contract: Contract, period: BillingPeriod,
                until: date | None) -> dict[str, ServiceActivity]:
    return {service.id: service_activity(eng, supplier, service, period, until, contract=contract)
            for service in contract.services_for(period)}


def _rated(eng: Engagement, supplier: str, month: str) -> tuple[list[Line], dict[str, ServiceActivity]]:
    """The period's step-1 lines and the activities they were rated on (kept for the SLA lines)."""
    def compute() -> tuple[list[Line], dict[str, ServiceActivity]]:
        contract = eng.contract(supplier)
        period = contract.period(month)
        activities = _activities(eng, supplier, contract, period, None)
        return invoice.step_one(contract, period, activities), activities

    return CHARGES.get(_key(eng, supplier, month), compute)


def _what_if(eng: Engagement, supplier: str, contract: Contract) -> Contract:
    """`contract`, checked to be a contract of `supplier` (UsageError otherwise)."""
    eng.contract(supplier)  # an unknown supplier is a UsageError naming the known ones
    if contract.supplier != supplier:
        raise UsageError(f"the contract given is {contract.supplier!r}'s, not {supplier!r}'s")
    return contract


def invoice_lines(eng: Engagement, supplier: str, month: str, *, contract: Contract | None = None) -> list[Line]:
    """The expected invoice's lines, as facts; `contract`: price these terms instead of the supplier's
    (a what-if, e.g. `Contract.with_changes`; not memoised)."""
    if contract is not None:
        contract = _what_if(eng, supplier, contract)
        period = contract.period(month)
        activities = _activities(eng, supplier, contract, period, None) if contract.active_days(period) else {}
        return invoice.invoice_lines(contract, period, activities, supplier=supplier)
    contract = eng.contract(supplier)
    period = contract.period(month)
    if contract.active_days(period) == 0:
        return invoice.invoice_lines(contract, period, {}, [], supplier=supplier)  # raises: not in force
    def compute() -> list[Line]:
        charges, activities = _rated(eng, supplier, month)
        return invoice.invoice_lines(contract, period, activities, charges, supplier=supplier)

    return list(EXPECTED.get(_key(eng, supplier, month), compute))


def lines_frame(lines: list[Line], tax_rate: Decimal, lang: str) -> pd.DataFrame:
    """Lines as the invoice DataFrame (LINE_COLUMNS), description and explanation in `lang`."""
    return invoice.to_frame(lines, tax_rate, lambda label: words.describe(label, lang),
                            lambda facts: words.explain(facts, lang))


def expected_invoice(eng: Engagement, supplier: str, month: str, lang: str | None = None, *,
                     contract: Contract | None = None) -> pd.DataFrame:
    """The lines the supplier's invoice for billing period `month` (YYYY-MM) should have.

    An invoice is rated per billing period (tiers, minimums and SLA adjustments apply to the whole period),
    so there is no date-range variant: for part of a period, `charges_to_date` gives the charges accrued up
    to a day. `contract`: price these terms instead of the supplier's, on the same activity (a what-if, e.g.
    `eng.contract(supplier).with_changes({...})`).

    Columns: line, service, charge, tier, kind, description, quantity, unit, unit_price, amount (Decimal,
    rounded to cents), tax_rate, explanation; description and explanation in `lang` (default: the
    engagement's language). `kind` is one of charge, flat_fee, minimum, maximum, minimum_commitment, sla,
    sla_cap.
    """
    terms = eng.contract(supplier) if contract is None else contract
    return lines_frame(invoice_lines(eng, supplier, month, contract=contract), terms.tax_rate, _lang(eng, lang))


def charges_to_date(eng: Engagement, supplier: str, month: str, until: date) -> Decimal:
    """The rounded step-1 charges (charge, flat fee, minimum and maximum lines) of billing period `month`
    accrued on activity up to `until` inclusive (`accrual_lines`)."""
    period = eng.period(supplier, month)
    if until < period.start:
        return ZERO
    _, lines = accrual_days(eng, supplier, month, until)[-1]
    return sum((line.amount for line in lines if line.kind in invoice.STEP_ONE_KINDS), ZERO)


def sla_evaluations(eng: Engagement, supplier: str, month: str, *, include_neutral: bool = False,
                    lang: str | None = None) -> dict[str, list[SlaLine]]:
    """Every SLA rule of every service of the period with its KPI value and adjustment (money lines first,
    then, with `include_neutral`, the rules that gave no money), by service id; texts in `lang`."""
    lang = _lang(eng, lang)
    contract = eng.contract(supplier)
    period = contract.period(month)
    charges, activities = _rated(eng, supplier, month)
    out: dict[str, list[SlaLine]] = {}
    for service in contract.services_for(period):
        if not service.sla:
            continue
        result = invoice.sla_assessment(service, charges, activities[service.id], period)
        items = list(result.lines) + (list(result.tracked) if include_neutral else [])
        out[service.id] = [words.describe_sla_line(item, lang) for item in items]
    return out


def invoice_json(eng: Engagement, supplier: str, month: str, lines: pd.DataFrame,
                 lang: str | None = None) -> dict[str, Any]:
    """The JSON object of data.md "Outputs": money as decimal strings, ratios as numbers, dates ISO; the
    texts are those of `lines` (see `expected_invoice`)."""
    contract = eng.contract(supplier)
    period = contract.period(month)
    result = totals(lines)

    def text(value: Any) -> str | None:
        return None if value is None or (not isinstance(value, Decimal) and pd.isna(value)) else f"{value:f}"

    out_lines = []
    for row in lines.to_dict("records"):
        out_lines.append({
            "line": int(row["line"]), "service": row["service"], "charge": row["charge"],
            "tier": None if pd.isna(row["tier"]) else int(row["tier"]), "kind": row["kind"],
            "description": row["description"], "quantity": text(row["quantity"]), "unit": row["unit"],
            "unit_price": text(row["unit_price"]), "amount": f"{round_money(row['amount']):f}",
            "tax_rate": float(row["tax_rate"]), "explanation": row["explanation"],
        })
    return {"supplier": supplier, "month": month, "invoice_period": [period.start.isoformat(), period.end.isoformat()],
            "currency": contract.currency, "lines": out_lines, "net": f"{result.net:f}", "tax": f"{result.tax:f}",
            "gross": f"{result.gross:f}"}


def format_invoice_table(eng: Engagement, supplier: str, month: str, lines: pd.DataFrame,
                         lang: str | None = None) -> str:
    """A plain-text rendering for the terminal: lines, then the explanations, then totals, in `lang`."""
    from ccanalysis.i18n import format_number, label

    lang = _lang(eng, lang)
    contract = eng.contract(supplier)
    period = contract.period(month)
    result = totals(lines)
    columns = ["line", "service", "charge", "tier", "kind", "quantity", "unit", "unit_price", "amount"]
    shown = lines[columns].copy()
    shown["kind"] = shown["kind"].map(lambda k: label("charge_line" if k == "charge" else k, lang))
    shown["quantity"] = shown["quantity"].map(lambda q: words.quantity(q, lang, 4))
    shown["unit"] = shown["unit"].map(lambda u: words.unit_name(u, lang) if isinstance(u, str) else "")
    shown["unit_price"] = shown["unit_price"].map(
        lambda p: "" if p is None or pd.isna(p) else words.price(p, lang))
    shown["amount"] = shown["amount"].map(lambda a: words.money(a, lang))
    shown["tier"] = shown["tier"].map(lambda t: "" if pd.isna(t) else str(t))
    shown = shown.fillna("")
    shown.columns = ["#" if c == "line" else label(c, lang) for c in columns]
    period_text = f"{format_date(period.start, lang)}..{format_date(period.end, lang)}"
    out = [f"{words.word('expected_invoice', lang)}: {contract.name} ({supplier}), "
           f"{words.word('billing_period', lang)} {month} ({period_text}), {contract.currency}", "",
           shown.to_string(index=False), "", f"{words.word('explanations', lang)}:"]
    for row in lines.itertuples():
        out.append(f"  {row.line:>3}. {row.description}: {row.explanation}")
    out.append("")
    out.append(f"{words.word('net', lang)} {format_number(result.net, lang):>14}")
    for rate, tax in result.tax_by_rate.items():
        out.append(f"{words.word('tax', lang)} {words.percent(rate, lang)} {format_number(tax, lang):>10}")
    out.append(f"{words.word('gross', lang)} {format_number(result.gross, lang):>12}")
    return "\n".join(out)


# --- billing, accrual, portfolio, compliance ---

def billed_lines(eng: Engagement, supplier: str, month: str) -> pd.DataFrame:
    """The supplier's invoice lines for billing period `month`."""
    return _billing.billed_lines(eng.invoices, supplier, month)


def billed_net(eng: Engagement, supplier: str, month: str) -> Decimal | None:
    """The supplier's billed net for billing period `month`, None without an invoice."""
    return _billing.billed_net(billed_lines(eng, supplier, month))


def billed_vs_expected(eng: Engagement, supplier: str, month: str, lang: str | None = None) -> _billing.Comparison:
    """The supplier's billed lines, each under the charge the audit matched it to (credits of earlier
    invoices left out), against its expected invoice for billing period `month`; to claim: the audit's."""
    expected = expected_invoice(eng, supplier, month, lang=lang)
    result = audit(eng, supplier, month, lang)
    billed = result.lines[result.lines["role"] != "credit"] if len(result.lines) else result.lines
    return _billing.compare(expected, totals(expected).net, billed[["service", "charge", "amount"]],
                            result.claimable if result.has_invoice else None)


def accrual_engine(eng: Engagement, supplier: str, month: str) -> _accrual.Engine:
    """The accrual engine of billing period `month` (`ccanalysis.accrual.engine`: the period's activity split
    by day, each charge's units per day computed once), memoised."""
    def compute() -> _accrual.Engine:
        contract = eng.contract(supplier)
        period = contract.period(month)
        if contract.active_days(period) == 0:
            invoice.invoice_lines(contract, period, {}, [], supplier=supplier)  # raises: not in force
        activities = _activities(eng, supplier, contract, period, None)
        def kpi_days(service: Service) -> pd.DataFrame:  # asked only where the KPIs cannot be cumulated
            first, last = contract.active_range(period, service)
            return eng.daily_activity(supplier, service.id, first, last)

        return _accrual.engine(contract, period, activities, kpi_days)

    return ACCRUAL.get(_key(eng, supplier, month), compute)


def accrual_days(eng: Engagement, supplier: str, month: str, until: date | None = None
                 ) -> list[tuple[date, list[Line]]]:
    """(day, the accrual's lines of days 1..day) for every day of billing period `month` up to `until`
    (default: the period end), memoised; the last day of the period is the expected invoice."""
    period = eng.period(supplier, month)
    until = period.end if until is None else min(until, period.end)
    return ACCRUAL_DAYS.get(_key(eng, supplier, month, until),
                            lambda: accrual_engine(eng, supplier, month).days(until))


def last_activity_day(eng: Engagement, supplier: str, month: str) -> date | None:
    """The last day of billing period `month` with an activity row or contact record of the supplier (for a
    collection agency: an attempt, or a payment attributed to it)."""
    period = eng.period(supplier, month)
    last = _accrual.last_activity_day(eng.activity, eng.contacts, supplier, period.start, period.end)
    contract = eng.contract(supplier)
    for service in contract.services_for(period):
        if service.collections is not None:
            first, end = contract.active_range(period, service)
            records = collections_records(eng, supplier, service, first, end)
            if not records.empty:
                day = pd.Timestamp(records["start"].max()).date()
                last = day if last is None else max(last, day)
    return last


def accrual(eng: Engagement, supplier: str, month: str) -> pd.DataFrame:
    """The month-to-date cost of billing period `month`, day by day up to the last day with activity:
    date, cost (Decimal, the day's increment), cumulative (Decimal, the accrued net of every line kind:
    charges, fees, minimums, the commitment true-up, SLA); the period's last day is the expected net."""
    last = last_activity_day(eng, supplier, month)
    if last is None:
        return _accrual.daily_totals([])
    return _accrual.daily_totals(accrual_days(eng, supplier, month, last))


def accrual_lines(eng: Engagement, supplier: str, month: str, as_of: date | None = None, *,
                  today: date | None = None) -> pd.DataFrame:
    """The accrual per line, day by day up to `as_of` (default: the last day with activity): date, service,
    charge, tier, kind, accrued (Decimal, month to date), increment (Decimal, the day's change); see
    `ccanalysis.accrual.lines_frame`. UsageError for an as-of date outside the period's data or after
    `today` (default: the machine's date)."""
    from ccanalysis import projection as _projection

    period = eng.period(supplier, month)
    last = last_activity_day(eng, supplier, month)
    until = last if as_of is None else _projection.check_as_of(as_of, period, last, supplier, today=today)
    if until is None:
        return _accrual.lines_frame([])
    return _accrual.lines_frame(accrual_days(eng, supplier, month, until))


#: Projections by (engagement fingerprint, supplier, month, as_of).
PROJECTIONS = Memo(64)


def plan_activity(eng: Engagement, supplier: str, month: str) -> dict[str, dict[date, ServiceActivity]]:
    """The plan (table `plan`) of every service of billing period `month` as activity rows per day
    (`projection.plan_rows`): handled, when the plan leaves it blank, from the service's answer rate over the
    period's and the previous period's actuals; logged time, when blank, from the staffing engine
    (`projection.plan_hours`: Erlang C on the day's volume spread over the service's intraday profile, the
    SLA's service-level target, the engagement's `staffing:` shrinkage). Services without plan rows: absent."""
    from ccanalysis import projection as _projection

    table = eng.table("plan")
    contract = eng.contract(supplier)
    period = contract.period(month)
    if table.empty:
        return {}
    mine = table[(table["supplier"] == supplier) & (table["date"] >= pd.Timestamp(period.start))
                 & (table["date"] <= pd.Timestamp(period.end))]
    settings = eng.settings.staffing
    out: dict[str, dict[date, ServiceActivity]] = {}
    for service in contract.services_for(period):
        rows = mine[mine["service"] == service.id].sort_values("date")
        if rows.empty:
            continue
        before = period.start - timedelta(days=28)
        seen = eng.daily_activity(supplier, service.id, before, period.end)
        offered = int(pd.to_numeric(seen.get("offered", pd.Series(dtype=float))).fillna(0).sum()) if len(seen) else 0
        handled = int(pd.to_numeric(seen.get("handled", pd.Series(dtype=float))).fillna(0).sum()) if len(seen) else 0
        rate = Decimal(handled) / Decimal(offered) if offered else None
        hours = None
        blank = rows["logged_s"].isna() if "logged_s" in rows else pd.Series(True, index=rows.index)
        if blank.any():
            threshold, _ = eng.thresholds(supplier, service, period.start)
            profile = _projection.intraday_profile(eng.activity_rows(supplier, service.id, before, period.end),
                                                   settings.opening_hours, 1800)
            hours = _projection.plan_hours(rows[blank], profile,
                                           sl_target_=_projection.sl_target(service, settings.sl_target),
                                           threshold_s=float(threshold), shrinkage=float(settings.shrinkage))
        like = service_activity(eng, supplier, service, period)
        out[service.id] = _projection.plan_activity(
            _projection.plan_rows(rows, service, answer_rate=rate, hours=hours), like)
    return out


def _plan_file(eng: Engagement) -> str:
    files = [s.file for s in eng.sources if s.table == "plan"]
    return ", ".join(files) if files else f"data/{eng.id}/plan/"


def projected_close(eng: Engagement, supplier: str, month: str, as_of: date, *, today: date | None = None) -> Any:
    """The projected close of billing period `month` on `as_of` (`ccanalysis.projection.Projection`:
    accrued_net, projected_net, projected_low, projected_high (80 % band), planned_net, lines [service,
    charge, accrued, projected, planned], daily [date, actual, projected, projected_low, projected_high,
    planned] for the chart, gaps, methods, unplanned). UsageError for an as-of date after `today` (default:
    the machine's date), outside the period or after the supplier's data."""
    from ccanalysis import projection as _projection

    period = eng.period(supplier, month)
    last = last_activity_day(eng, supplier, month)
    first = None
    if last is not None:
        lines = accrual_engine(eng, supplier, month)
        starts = [min(sp.daily.days) for sp in lines.services.values() if sp.daily.days]
        first = min(starts) if starts else None
    _projection.check_as_of(as_of, period, last, supplier, first=first, today=today)

    def compute() -> Any:
        actual = accrual_engine(eng, supplier, month)
        plan = plan_activity(eng, supplier, month)
        history = None
        previous = eng.contract(supplier).period_containing(period.start - timedelta(days=1)).month
        if eng.contract(supplier).active_days(eng.period(supplier, previous)) > 0:
            history = accrual_engine(eng, supplier, previous)
        return _projection.project(actual, as_of, plan=plan, holidays=eng.holidays, history=history,
                                   planned=_projection.planned_engine(actual, plan), plan_file=_plan_file(eng),
                                   supplier=supplier, actual_days=accrual_days(eng, supplier, month, as_of))

    return PROJECTIONS.get(_key(eng, supplier, month, as_of), compute)


def planned_cost(eng: Engagement, supplier: str, month: str) -> pd.DataFrame:
    """The plan of billing period `month` priced by the contract engine, per day, service and charge: date,
    service, charge, planned (Decimal, the day's planned cost), planned_cumulative (month to date). Empty
    without plan rows for the supplier."""
    from ccanalysis import projection as _projection

    engine = _projection.planned_engine(accrual_engine(eng, supplier, month), plan_activity(eng, supplier, month))
    return _projection.planned_frame(engine.days() if engine is not None else [])


def day_staffing(eng: Engagement, supplier: str, service: str, day: date | str, *,
                 sl_target: float | None = None, threshold_s: float | None = None, shrinkage: float | None = None,
                 interval_s: int = 1800) -> pd.DataFrame:
    """The agents the service needed on `day` (a date or "YYYY-MM-DD") to answer its offered contacts at
    the service-level target: the day's offered spread over its intraday profile (its interval rows, else
    evenly over the engagement's `staffing.opening_hours`), at the day's AHT, through
    `staffing.interval_requirements` (Erlang C).

    Defaults: `sl_target` (fraction 0–1) the level the service's SLA penalises below, else the engagement's
    `staffing.sl_target`; `threshold_s` (seconds) the contract's service-level threshold; `shrinkage`
    (fraction) the engagement's; `interval_s` (seconds) the interval length. One row per interval: date,
    interval_start, offered (contacts), aht_s (seconds), then the `staffing.required_agents` columns (agents,
    raw_agents, service_level, asa_s, occupancy…) and productive_hours, staffed_hours (exact Decimal hours).
    Empty without activity that day; UsageError for an unknown supplier or service or a malformed day."""
    from ccanalysis import projection as _projection
    from ccanalysis import staffing as _staffing
    from ccanalysis.engagement import as_day

    when = as_day(day, "day")
    terms = eng._service(supplier, service, when)
    settings = eng.settings.staffing
    days = eng.daily_activity(supplier, service, when, when)
    offered = float(pd.to_numeric(days["offered"]).sum()) if len(days) else 0.0
    handled = float(pd.to_numeric(days["handled"]).sum()) if len(days) else 0.0
    if offered == 0 or handled == 0:
        return pd.DataFrame(columns=["date", "interval_start", "offered", "aht_s"])
    work = sum(float(pd.to_numeric(days[c]).fillna(0).sum()) for c in ("talk_s", "hold_s", "acw_s") if c in days)
    profile = _projection.intraday_profile(eng.activity_rows(supplier, service, when, when),
                                           settings.opening_hours, interval_s)
    forecast = pd.DataFrame({"date": [when] * len(profile), "interval_start": list(profile.index),
                             "offered": (profile * offered).to_numpy(), "aht_s": work / handled})
    return _staffing.interval_requirements(
        forecast, interval_s=interval_s,
        sl_target=_projection.sl_target(terms, settings.sl_target) if sl_target is None else sl_target,
        threshold_s=float(eng.thresholds(supplier, terms)[0]) if threshold_s is None else threshold_s,
        shrinkage=float(settings.shrinkage) if shrinkage is None else shrinkage)


def service_days(eng: Engagement, supplier: str, month: str) -> dict[str, pd.DataFrame]:
    """The daily activity of every service of the supplier in force in billing period `month`, by service id."""
    contract = eng.contract(supplier)
    period = contract.period(month)
    return {service.id: eng.daily_activity(supplier, service.id, period.start, period.end)
            for service in contract.services_for(period)}


def active_suppliers(eng: Engagement, month: str) -> list[str]:
    """The suppliers whose contract is in force on some day of billing period `month`."""
    return [s for s in eng.suppliers if eng.contract(s).active_days(eng.contract(s).period(month)) > 0]


def portfolio_frame(eng: Engagement, month: str) -> pd.DataFrame:
    """`portfolio.supplier_comparison` of every supplier in force in `month`."""
    rows = []
    for supplier in active_suppliers(eng, month):
        activity = _portfolio.activity_totals(service_days(eng, supplier, month).values())
        rows.append({"supplier": supplier, "billed_net": billed_net(eng, supplier, month),
                     "expected_net": totals(expected_invoice(eng, supplier, month)).net, **activity})
    return _portfolio.supplier_comparison(pd.DataFrame(rows, columns=_portfolio.COMPARISON_INPUT))


def portfolio_channels(eng: Engagement, month: str) -> pd.DataFrame:
    """`portfolio.channel_comparison` of every supplier in force in `month`: each service's expected cost
    (its own lines), handled contacts and productive hours, by channel. Lines billed to no service (a
    minimum commitment's true-up) are in no channel: `portfolio_unassigned` gives them."""
    rows = []
    for supplier in active_suppliers(eng, month):
        contract = eng.contract(supplier)
        lines = expected_invoice(eng, supplier, month)
        days = service_days(eng, supplier, month)
        for service in contract.services_for(contract.period(month)):
            own = lines[lines["service"] == service.id]
            activity = _portfolio.activity_totals([days[service.id]])
            rows.append({"supplier": supplier, "service": service.id, "channel": service.channel,
                         "expected_net": sum(own["amount"], ZERO), **activity})
    return _portfolio.channel_comparison(pd.DataFrame(rows, columns=_portfolio.CHANNEL_INPUT))


def portfolio_unassigned(eng: Engagement, month: str) -> dict[str, Decimal]:
    """Per supplier in force in `month`: the net of its expected lines billed to no service (0 when none)."""
    out = {}
    for supplier in active_suppliers(eng, month):
        lines = expected_invoice(eng, supplier, month)
        out[supplier] = sum(lines.loc[lines["service"].isna(), "amount"], ZERO)
    return out


def dispute_deadlines(eng: Engagement) -> dict[str, date]:
    """Each invoice's dispute deadline (issue date + its contract's dispute_window_days)."""
    from ccanalysis import disputes

    return disputes.deadlines(eng.invoices, {s: c.dispute_window_days for s, c in eng.contracts.items()})


def dispute_states(eng: Engagement, as_of: date | None = None) -> pd.DataFrame:
    """`disputes.state` of every dispute in the register on `as_of` (default today), with deadlines."""
    from ccanalysis import disputes

    return disputes.state(eng.table("disputes"), as_of or date.today(), dispute_deadlines(eng))


def portfolio_to_date(eng: Engagement, month: str, as_of: date | None = None) -> pd.DataFrame:
    """`portfolio.to_date`: per supplier, billed, expected, claimable, recovered and pending from the
    engagement's first month to `month`."""
    frame = savings(eng, month)
    expected = pd.DataFrame([{"supplier": s, "month": m, "expected_net": totals(expected_invoice(eng, s, m)).net}
                             for s, m in zip(frame["supplier"], frame["month"], strict=True)],
                            columns=["supplier", "month", "expected_net"])
    return _portfolio.to_date(frame, expected, dispute_states(eng, as_of))


def portfolio_attainment(eng: Engagement, month: str, lang: str | None = None) -> pd.DataFrame:
    """`portfolio.kpi_attainment` of every supplier's SLA rules in `month`."""
    return _portfolio.kpi_attainment({
        supplier: sla_evaluations(eng, supplier, month, include_neutral=True, lang=lang)
        for supplier in eng.suppliers})


def portfolio_budget(eng: Engagement, month: str, *, months: list[str] | None = None) -> pd.DataFrame:
    """`portfolio.budget_vs_actual` (actual = the expected net, billed beside it; `ccanalysis.budget`) per
    supplier in force and month (`months`, default the engagement's months up to `month`)."""
    months = months or [m for m in eng.months() if m <= month] or [month]
    rows = [{"supplier": supplier, "month": current, "billed_net": billed_net(eng, supplier, current),
             "expected_net": totals(expected_invoice(eng, supplier, current)).net}
            for supplier in eng.suppliers for current in months if supplier in active_suppliers(eng, current)]
    return _portfolio.budget_vs_actual(eng.table("budget"), pd.DataFrame(rows, columns=_portfolio.COSTS_INPUT))


def scorecard(eng: Engagement, supplier: str, month: str) -> pd.DataFrame:
    """`compliance.evaluate` of the contract's clauses for every service in force in billing period `month`
    (KPI clauses on the same data as the invoice's SLA; controls and certificates on the
    `compliance_evidence` table, as of the period's end)."""
    contract = eng.contract(supplier)
    period = contract.period(month)
    if not contract.compliance:
        return pd.DataFrame(columns=_compliance.COLUMNS)
    workforce = eng.table("workforce")
    evidence = eng.table("compliance_evidence")
    frames = [_compliance.evaluate(contract.compliance, workforce=workforce,
                                   activity=kpi_data(service_activity(eng, supplier, service, period)),
                                   supplier=supplier, service=service.id, month=month, evidence=evidence,
                                   period_end=period.end)
              for service in contract.services_for(period)]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=_compliance.COLUMNS)


def planned_offered(eng: Engagement, supplier: str, month: str) -> dict[str, pd.DataFrame]:
    """Per service with a plan in billing period `month`: date, planned_offered (the plan's offered contacts
    summed per day; intervals added up)."""
    plan = eng.table("plan")
    if plan.empty or "offered" not in plan.columns:
        return {}
    period = eng.contract(supplier).period(month)
    dates = pd.to_datetime(plan["date"])
    mine = plan[(plan["supplier"] == supplier) & (dates >= pd.Timestamp(period.start))
                & (dates <= pd.Timestamp(period.end))]
    out = {}
    for service, rows in mine.groupby("service", sort=True):
        days = rows.assign(date=pd.to_datetime(rows["date"])).groupby("date", sort=True)["offered"].sum()
        out[str(service)] = pd.DataFrame({"date": days.index, "planned_offered": days.to_numpy(dtype=float)})
    return out


def service_kpi_data(eng: Engagement, supplier: str, month: str) -> dict[str, pd.DataFrame]:
    """The KPI data of every service in force in billing period `month` (exactly what the SLA uses)."""
    contract = eng.contract(supplier)
    period = contract.period(month)
    return {service.id: kpi_data(service_activity(eng, supplier, service, period))
            for service in contract.services_for(period)}


def reported_kpis(eng: Engagement, supplier: str, month: str) -> dict[str, list[Any]]:
    """Per service in force in billing period `month`: the KPIs the supplier reported for it (its
    `reported_kpis` rows of that month) beside the recomputed values (`ccanalysis.reported.Comparison`).
    A service the supplier reported nothing for is left out."""
    from ccanalysis import reported as _reported

    table = eng.table("reported_kpis")
    if table.empty:
        return {}
    contract = eng.contract(supplier)
    data_by_service = service_kpi_data(eng, supplier, month)
    mine = table[table["supplier"] == supplier]
    out: dict[str, list[Any]] = {}
    for service in contract.services_for(contract.period(month)):
        figures = _reported.month_figures(mine[mine["service"] == service.id], month)
        if figures:
            out[service.id] = _reported.compare(figures, data_by_service[service.id], service.kpi_settings())
    return out


# --- the invoice audit ---

def invoice_months(eng: Engagement, supplier: str) -> dict[str, str]:
    """Every invoice id the supplier issued in the engagement → the billing month whose file holds it."""
    invoices = eng.invoices
    if invoices.empty:
        return {}
    mine = invoices[invoices["supplier"] == supplier]
    return dict(zip(mine["invoice_id"].astype(str), mine["month"], strict=True))


def _previous_end(eng: Engagement, supplier: str, month: str) -> date | None:
    """The last day billed by the previous billing period's invoices (None: none was received)."""
    contract = eng.contract(supplier)
    previous = contract.period_containing(contract.period(month).start - timedelta(days=1))
    lines = billed_lines(eng, supplier, previous.month)
    if lines.empty:
        return None
    return pd.Timestamp(lines["period_end"].max()).date()


def retentions(eng: Engagement, supplier: str, month: str) -> dict[tuple[str, str], pd.DataFrame]:
    """Per (service, charge) billed per retained customer in billing period `month`: each retained contact the
    charge counts and whether its fee is earned (`pricing.units.retention_outcomes`, the unit's own
    definition), from the activities the expected invoice was rated on."""
    from ccanalysis.pricing import units

    contract = eng.contract(supplier)
    period = contract.period(month)
    if contract.active_days(period) == 0:
        return {}
    out: dict[tuple[str, str], pd.DataFrame] = {}
    activities = None
    for service in contract.services_for(period):
        for charge in service.charges:
            if "retained_customer" not in units.charge_units(charge):
                continue
            if activities is None:
                activities = _rated(eng, supplier, month)[1]
            act = units.filtered(activities[service.id], charge.get("applies_to"))
            out[(service.id, charge["id"])] = units.retention_outcomes(
                act.care_records(), act.customers, units.retention_window_days(charge))
    return out


def _sla_facts(lines: list[Line]) -> dict[tuple[str | None, str], dict[str, Any]]:
    """Per (service, SLA charge id) of the expected invoice's SLA lines, the KPI a finding on it is explained
    with (read from the lines' facts: nothing is recomputed)."""
    out: dict[tuple[str | None, str], dict[str, Any]] = {}
    for line in lines:
        if line.kind != "sla":
            continue
        item = next((f.figures["line"] for f in line.facts if f.code == "sla_line"), None)
        if item is None or item.kpi is None:
            continue
        out[(line.service, line.charge)] = {"kpi": item.kpi, "kpi_value": item.value,
                                            "kpi_unit": _kpis.REGISTRY[item.kpi].variant(item.variant).unit,
                                            "fraction": item.fraction, "base": item.base}
    return out


def matched_lines(eng: Engagement, supplier: str, month: str, expected: pd.DataFrame | None = None) -> pd.DataFrame:
    """The period's billed lines matched to the contract (`audit.matching.match_lines`: a person's decision,
    the supplier's ids, the supplier's rules, then the classifier trained on every month of the supplier's
    lines matched by ids, rules or decisions). `expected`: the expected invoice's lines, which resolve the
    service of a charge several services bill (computed here when not given)."""
    from ccanalysis.audit import matching

    contract = eng.contract(supplier)
    period = contract.period(month)
    rules = eng.invoice_rules.get(supplier, ())
    labels = eng.invoice_labels
    if expected is None and contract.active_days(period) > 0:
        expected = expected_invoice(eng, supplier, month)
    def training() -> pd.DataFrame:
        def compute() -> pd.DataFrame:
            everything = eng.invoices[eng.invoices["supplier"] == supplier] if len(eng.invoices) else eng.invoices
            return matching.training_set(everything, lambda m: matching.catalogue(contract, contract.period(m)),
                                         rules, labels)
        return TRAINING.get(_key(eng, supplier), compute)

    return matching.match_lines(billed_lines(eng, supplier, month).reset_index(drop=True),
                                matching.catalogue(contract, period), rules=rules, labels=labels,
                                training=training, threshold=float(eng.settings.match_threshold),
                                expected=expected)


def audit(eng: Engagement, supplier: str, month: str, lang: str | None = None) -> Any:
    """The audit of the supplier's invoices for billing period `month` (`ccanalysis.audit.AuditResult`),
    every finding described in `lang` (default: the engagement's language)."""
    lang = _lang(eng, lang)
    return AUDITS.get(_key(eng, supplier, month, lang), lambda: _audit(eng, supplier, month, lang))


def _audit(eng: Engagement, supplier: str, month: str, lang: str) -> Any:
    from ccanalysis.audit.engine import audit_invoice
    from ccanalysis.i18n import audit as audit_words

    contract = eng.contract(supplier)
    period = contract.period(month)
    if contract.active_days(period) > 0:
        lines = invoice_lines(eng, supplier, month)
        expected = lines_frame(lines, contract.tax_rate, lang)
    else:  # an invoice for a period the contract does not cover: every line is outside it
        lines, expected = [], pd.DataFrame(columns=invoice.LINE_COLUMNS)
    result = audit_invoice(contract, period, expected, matched_lines(eng, supplier, month, expected),
                           supplier=supplier,
                           month=month, tolerances=eng.settings.tolerances,
                           max_terms_days=eng.settings.payment_terms_days,
                           invoice_months=invoice_months(eng, supplier),
                           previous_end=_previous_end(eng, supplier, month), disputes=eng.table("disputes"),
                           sla_facts=_sla_facts(lines), attributable=attributable_payments(eng, supplier, month),
                           retentions=retentions(eng, supplier, month))
    names = {(None if _missing(s) else s, c): d for s, c, d
             in zip(expected["service"], expected["charge"], expected["description"], strict=True)}
    for service in contract.services_for(period):
        for charge in service.charges:
            names[(service.id, charge["id"])] = charge.get("description") or charge["id"]
    return result.with_descriptions([audit_words.describe(row["cause"], row["facts"], lang, names)
                                     for row in result.findings.to_dict("records")])


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and pd.isna(value))


def savings(eng: Engagement, month: str, *, months: list[str] | None = None) -> pd.DataFrame:
    """What the audits recover: per supplier in force and billing month up to `month` (`months`, default the
    engagement's months up to it), the billed net, the claimable and the under-billing (None without an
    invoice). Columns: supplier, supplier_name, month, billed_net, claimable, under_billed."""
    months = months or [m for m in eng.months() if m <= month] or [month]
    rows = []
    for current in months:
        for supplier in active_suppliers(eng, current):
            result = audit(eng, supplier, current)
            rows.append({"supplier": supplier, "supplier_name": eng.contract(supplier).name, "month": current,
                         "billed_net": result.billed_net,
                         "claimable": result.claimable if result.has_invoice else None,
                         "under_billed": result.under_billed if result.has_invoice else None})
    return pd.DataFrame(rows, columns=["supplier", "supplier_name", "month", "billed_net", "claimable", "under_billed"])


def carried_disputes(eng: Engagement, supplier: str, month: str, as_of: date | None = None) -> pd.DataFrame:
    """The supplier's disputes of earlier months still open on `as_of` (default today), with their deadlines
    (invoice issue date + the contract's dispute_window_days): the supplier report carries them."""
    from ccanalysis import disputes

    return disputes.carried(eng.table("disputes"), supplier, month, as_of or date.today(), dispute_deadlines(eng))
