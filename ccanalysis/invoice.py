"""The expected invoice of one supplier and billing period (pricing.md, steps 1–5).

The order of adjustments is written once, here:
1. each service's charges: billable units (filtered by `applies_to`) → model → one line per tier, flat fee
   and per-charge minimum / maximum line (the rounded limit less the charge's rounded lines);
2. the contract's minimum commitment true-up over all services;
3. SLA adjustments per service on its SLA base (after the true-up, so a true-up never cancels a penalty),
   then the caps;
4. every line rounded half-up to cents once; the net is the sum of rounded lines; tax per rate on the net.
Each line explains its units, source, rule and figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pandas as pd

from . import pricing
from . import sla as sla_rules
from .contract import BillingPeriod, Contract, Service
from .money import ZERO, round_half_up, round_money
from .units import ServiceActivity, billable_units

if TYPE_CHECKING:
    from .engagement import Engagement

LINE_COLUMNS = ["line", "service", "charge", "tier", "kind", "description", "quantity", "unit", "unit_price",
                "amount", "tax_rate", "explanation"]
KINDS = ("charge", "flat_fee", "minimum", "maximum", "minimum_commitment", "sla", "sla_cap")
#: Charges left out of the default SLA base (`base: variable_charges`).
FIXED_MODELS = ("fixed", "capacity")


@dataclass
class _Line:
    service: str | None
    charge: str
    tier: int | None
    kind: str
    description: str
    quantity: Decimal
    unit: str | None
    unit_price: Decimal | None
    amount: Decimal  # rounded to cents
    explanation: str
    model: str | None = None


def service_activity(eng: Engagement, supplier: str, service: Service, period: BillingPeriod,
                     until: date | None = None) -> ServiceActivity:
    """The service's contact records and activity rows dated inside the billing period and the contract's
    and the service's validity (up to `until`, for the month-to-date cost; the period itself stays whole,
    e.g. for its working days)."""
    first, last = eng.contract(supplier).active_range(period, service)
    if until is not None:
        last = min(last, until)
    contacts = eng.contacts_for(supplier, service.id, first, last)
    rows = eng.activity_rows(supplier, service.id, first, last)
    interval_minutes = None
    if not rows.empty and "interval_start" in rows and rows["interval_start"].notna().any():
        interval_minutes = interval_length_minutes(rows)
    return ServiceActivity(contacts=contacts, rows=rows, holidays=eng.holidays, period_start=period.start,
                           period_end=period.end, interval_minutes=interval_minutes)


def interval_length_minutes(rows: pd.DataFrame) -> int:
    """The interval length of interval rows: the smallest step between consecutive starts of a day."""
    minutes = rows["interval_start"].dropna().map(lambda t: int(t[:2]) * 60 + int(t[3:5]))
    steps = pd.Series(sorted(set(minutes))).diff().dropna()
    steps = steps[steps > 0]
    return int(steps.min()) if not steps.empty else 60


def _charge_lines(service: Service, charge: dict[str, Any], activity: ServiceActivity, *, active_days: int,
                  period_days: int) -> list[_Line]:
    units = billable_units(charge, activity, active_days=active_days, period_days=period_days)
    kwargs: dict[str, Any] = {"active_days": active_days, "period_days": period_days}
    if units.events is not None:
        parts = pricing.rate_breakdown(charge, events=units.events, **kwargs)
    else:
        parts = pricing.rate_breakdown(charge, units.units, **kwargs)
    model = charge["model"]
    description = charge.get("description") or charge["id"]
    lines: list[_Line] = []
    for part in parts:
        if part.kind not in ("charge", "flat_fee"):
            continue  # the limit lines are recomputed on rounded lines below (pricing.md step 2)
        unit_price = part.unit_price
        if unit_price is not None and model in FIXED_MODELS and part.quantity == 1:
            unit_price = round_money(unit_price)  # 1 × the prorated fee, written in cents as on an invoice
        if unit_price is not None:
            amount = round_money(part.quantity * unit_price)
        else:
            amount = round_money(part.amount)
        tier_text = f" tier {part.tier}" if part.tier is not None and model not in ("capacity",) else ""
        if part.kind == "flat_fee":
            text = f"{description} — flat fee{tier_text}"
            unit = "fee"
        else:
            text = f"{description}{tier_text}" if model in ("graduated", "volume", "graduated_percentage") else description
            unit = _line_unit(charge, model)
        rule = _rule_text(charge, model, active_days, period_days)
        lines.append(_Line(service.id, charge["id"], part.tier, part.kind, text, part.quantity, unit,
                           unit_price, amount, f"{units.explanation}; {rule}; {part.note}", model))
    rounded_total = sum((line.amount for line in lines), ZERO)
    limit = pricing.limit_line_amount(charge, rounded_total, active_days=active_days, period_days=period_days)
    if limit is not None:
        kind, amount = limit
        amount = round_money(amount)
        if amount != 0:
            bound = charge[kind]
            prorated = f" × {active_days}/{period_days} days" if charge.get("prorate", True) is not False else ""
            verb = "raised to the minimum" if kind == "minimum" else "capped at the maximum"
            lines.append(_Line(service.id, f"{charge['id']}:{kind}", None, kind,
                               f"{description} — {'mínimo' if kind == 'minimum' else 'máximo'}",
                               Decimal(1), None, amount, amount,
                               f"charge lines total {rounded_total:f}; {verb} {bound}{prorated}", model))
    return lines


def _line_unit(charge: dict[str, Any], model: str) -> str | None:
    if model == "package":
        return "package"
    if model in ("fixed", "capacity"):
        return "month"
    tiers = charge.get("tiers") or []
    if any(t.get("block_size") for t in tiers):
        return f"block of {charge['unit']}"
    return charge.get("unit")


def _rule_text(charge: dict[str, Any], model: str, active_days: int, period_days: int) -> str:
    prorated = ""
    if model in ("fixed", "capacity") and charge.get("prorate", True) is not False and active_days != period_days:
        prorated = f", prorated {active_days}/{period_days} days"
    rounding = charge.get("rounding")
    rounding_text = ""
    if rounding:
        rounding_text = (f", per contact: minimum {rounding.get('minimum_s', 0)} s, "
                         f"increments of {rounding.get('increment_s', 1)} s")
    return f"model {model}{prorated}{rounding_text}"


def kpi_data(activity: ServiceActivity) -> pd.DataFrame:
    """What the KPIs (SLA rules, compliance clauses) are computed on: contact records when they are the source, else activity rows."""
    if not activity.contacts.empty:
        return activity.contacts
    return activity.rows


def expected_invoice(engagement: Engagement, supplier: str, month: str, lang: str | None = None) -> pd.DataFrame:
    """The lines the supplier's invoice for billing period `month` (YYYY-MM) should have.

    Columns: line, service, charge, tier, kind, description, quantity, unit, unit_price, amount (Decimal,
    rounded to cents), tax_rate, explanation. `kind` is one of charge, flat_fee, minimum, maximum,
    minimum_commitment, sla, sla_cap.
    """
    return engagement.cached(("expected_invoice", supplier, month),
                             lambda: _expected_invoice(engagement, supplier, month)).copy()


def _expected_invoice(engagement: Engagement, supplier: str, month: str) -> pd.DataFrame:
    contract = engagement.contract(supplier)
    period = contract.period(month)
    contract_days = contract.active_days(period)
    if contract_days == 0:
        raise ValueError(f"the contract of {supplier} is not in force in billing period {month} "
                         f"({period.start}..{period.end}; valid {contract.valid_from}..{contract.valid_to or 'open'})")
    services = contract.services_for(period)
    charge_lines, activities = _step_one(engagement, supplier, contract, period)
    lines = list(charge_lines)
    lines += _minimum_commitment(contract, period, charge_lines, contract_days)
    for service in services:
        if service.sla:
            lines += _sla_lines(service, charge_lines, activities[service.id], period)
    return _frame(lines, contract.tax_rate)


def _step_one(eng: Engagement, supplier: str, contract: Contract, period: BillingPeriod,
              until: date | None = None) -> tuple[list[_Line], dict[str, ServiceActivity]]:
    """Step 1: every service's charge lines, rated on activity from the period start to `until`
    (default: the period end; earlier dates give the month-to-date cost, periodic charges prorated to date)."""
    if until is None:  # the whole period: the same for the invoice, its SLA lines and the reports
        return eng.cached(("charge_lines", supplier, period.month),
                          lambda: _step_one(eng, supplier, contract, period, period.end))
    rated = BillingPeriod(period.month, period.start, min(until, period.end))
    lines: list[_Line] = []
    activities: dict[str, ServiceActivity] = {}
    for service in contract.services_for(period):
        activity = service_activity(eng, supplier, service, period, until)
        activities[service.id] = activity
        active_days = contract.active_days(rated, service)
        for charge in service.charges:
            lines += _charge_lines(service, charge, activity, active_days=active_days, period_days=period.days)
    return lines, activities


def charges_to_date(eng: Engagement, supplier: str, month: str, until: date) -> Decimal:
    """The rounded step-1 charges of billing period `month` rated on activity up to `until` inclusive."""
    contract = eng.contract(supplier)
    lines, _ = _step_one(eng, supplier, contract, contract.period(month), until)
    return sum((line.amount for line in lines), ZERO)


def _minimum_commitment(contract: Contract, period: BillingPeriod, charge_lines: list[_Line],
                        active_days: int) -> list[_Line]:
    commitment = contract.commitment_for(period)
    if commitment is None:
        return []
    if commitment.prorate:
        committed = round_half_up(commitment.amount * active_days / period.days, 2)
        how = f"{commitment.amount:f} × {active_days}/{period.days} days = {committed:f}"
    else:
        committed = round_half_up(commitment.amount, 2)
        how = f"{committed:f}"
    billed = sum((line.amount for line in charge_lines), ZERO)
    true_up = max(ZERO, committed - billed)
    if true_up == 0:
        return []
    return [_Line(None, "minimum_commitment", None, "minimum_commitment", "Compromiso mínimo — regularización",
                  Decimal(1), None, true_up, true_up,
                  f"minimum commitment {how}; charges of all services total {billed:f}; true-up {true_up:f}")]


def sla_base(service: Service, charge_lines: list[_Line]) -> tuple[Decimal, str]:
    """The service's SLA base (pricing.md step 3) and a sentence saying what it includes."""
    base_kind = (service.sla or {}).get("base", "variable_charges")
    own = [line for line in charge_lines if line.service == service.id]
    if base_kind != "all_charges":
        own = [line for line in own if line.model not in FIXED_MODELS]
        what = "variable charges (fixed and capacity charges excluded)"
    else:
        what = "all charges"
    return sum((line.amount for line in own), ZERO), what


def _sla_lines(service: Service, charge_lines: list[_Line], activity: ServiceActivity,
               period: BillingPeriod) -> list[_Line]:
    base, what = sla_base(service, charge_lines)
    result = sla_rules.assess(service.sla, service.kpi_settings(), kpi_data(activity), base,
                              period.start)
    out = []
    for item in result.lines:
        out.append(_Line(service.id, item.charge, None, item.kind, _sla_description(item), base, None, item.fraction,
                         round_money(item.amount), f"{item.explanation.rstrip('.')}; base = {what} of {service.id}: {base:f}"))
    return out


def sla_evaluations(eng: Engagement, supplier: str, month: str, *, include_neutral: bool = False,
                    lang: str = "en") -> dict[str, list[sla_rules.SlaLine]]:
    """Every SLA rule of every service of the period with its KPI value and adjustment (money lines first,
    then, with `include_neutral`, the rules that gave no money), by service id."""
    contract = eng.contract(supplier)
    period = contract.period(month)
    charge_lines, activities = _step_one(eng, supplier, contract, period)
    out: dict[str, list[sla_rules.SlaLine]] = {}
    for service in contract.services_for(period):
        if not service.sla:
            continue
        base, _ = sla_base(service, charge_lines)
        result = sla_rules.assess(service.sla, service.kpi_settings(),
                                  kpi_data(activities[service.id]), base, period.start, lang=lang)
        out[service.id] = list(result.lines) + (list(result.tracked) if include_neutral else [])
    return out


def _sla_description(item: Any) -> str:
    if item.kind == "sla_cap":
        return "Tope de penalizaciones ANS" if "penalty" in item.charge else "Tope de bonus ANS"
    word = "Bonus" if item.fraction > 0 else "Penalización"
    return f"{word} ANS {item.kpi}"


def _frame(lines: list[_Line], tax_rate: Decimal) -> pd.DataFrame:
    rows = []
    for number, line in enumerate(lines, start=1):
        rows.append({"line": number, "service": line.service, "charge": line.charge, "tier": line.tier,
                     "kind": line.kind, "description": line.description, "quantity": line.quantity,
                     "unit": line.unit, "unit_price": line.unit_price, "amount": line.amount,
                     "tax_rate": tax_rate, "explanation": line.explanation})
    frame = pd.DataFrame(rows, columns=LINE_COLUMNS)
    frame["tier"] = frame["tier"].astype("Int64")
    return frame


@dataclass(frozen=True)
class Totals:
    net: Decimal
    tax: Decimal
    gross: Decimal
    tax_by_rate: dict[Decimal, Decimal]


def totals(lines: pd.DataFrame) -> Totals:
    """Net = Σ rounded lines; tax per rate = round_half_up(net of that rate × rate); gross = net + tax."""
    by_rate: dict[Decimal, Decimal] = {}
    for rate, amount in zip(lines["tax_rate"], lines["amount"], strict=True):
        by_rate[Decimal(rate)] = by_rate.get(Decimal(rate), ZERO) + Decimal(amount)
    tax_by_rate = {rate: round_money(net * rate) for rate, net in by_rate.items()}
    net = sum(by_rate.values(), ZERO)
    tax = sum(tax_by_rate.values(), ZERO)
    return Totals(net=round_money(net), tax=tax, gross=round_money(net + tax), tax_by_rate=tax_by_rate)


def invoice_json(eng: Engagement, supplier: str, month: str, lines: pd.DataFrame,
                 lang: str | None = None) -> dict[str, Any]:
    """The JSON object of data.md "Outputs": money as decimal strings, ratios as numbers, dates ISO."""
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
    """A plain-text rendering for the terminal: lines, then the explanations, then totals."""
    contract = eng.contract(supplier)
    period = contract.period(month)
    result = totals(lines)
    shown = lines[["line", "service", "charge", "tier", "kind", "quantity", "unit", "unit_price", "amount"]].copy()
    shown["quantity"] = shown["quantity"].map(lambda q: f"{q.quantize(Decimal('0.0001')).normalize():f}")
    shown["unit_price"] = shown["unit_price"].map(lambda p: "" if p is None or pd.isna(p) else f"{p.normalize():f}")
    shown["tier"] = shown["tier"].map(lambda t: "" if pd.isna(t) else str(t))
    shown = shown.fillna("")
    out = [f"Expected invoice: {contract.name} ({supplier}), billing period {month} "
           f"({period.start}..{period.end}), {contract.currency}", "", shown.to_string(index=False), ""]
    out.append("Explanations:")
    for row in lines.itertuples():
        out.append(f"  {row.line:>3}. {row.description}: {row.explanation}")
    out.append("")
    out.append(f"Net {result.net:>14,.2f}")
    for rate, tax in result.tax_by_rate.items():
        out.append(f"Tax {(rate * 100).normalize():f} % {tax:>10,.2f}")
    out.append(f"Gross {result.gross:>12,.2f}")
    return "\n".join(out)
