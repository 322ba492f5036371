"""The expected invoice of one supplier and billing period (pricing.md, steps 1–5), from plain inputs.

The order of adjustments is written once, here:
1. each service's charges: billable units (filtered by `applies_to`) → model → one line per tier, flat fee
   and per-charge minimum / maximum line (the rounded limit less the charge's rounded lines); then a
   collections service's lifetime fee cap per account (`account_cap_lines`);
2. the contract's minimum commitment true-up over all services;
3. SLA adjustments per service on its SLA base (after the true-up, so a true-up never cancels a penalty),
   then the caps;
4. every line rounded half-up to cents once; the net is the sum of rounded lines; tax per rate on the net.

Pure: the functions take the contract, the billing period and each service's `ServiceActivity`, and
return `Line`s whose label and explanation are facts (codes and numbers); `ccanalysis.workbook` asks the
engagement for the data and `ccanalysis.i18n.domain` words the facts. The accrual (`ccanalysis.accrual`)
builds its month-to-date lines with the same functions (`rated_lines` on cumulative units,
`minimum_commitment`, `sla_lines`), so the last day's accrual is this invoice.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pandas as pd

from ccanalysis import pricing, reprs
from ccanalysis import sla as sla_rules
from ccanalysis.contract import BillingPeriod, Contract, Service
from ccanalysis.errors import UsageError
from ccanalysis.money import ZERO, round_half_up, round_money, to_decimal
from ccanalysis.pricing import Fact
from ccanalysis.pricing.base import get as charge_value
from ccanalysis.pricing.units import UNITS, ServiceActivity, Units, billable_units, charge_units, filtered

LINE_COLUMNS = ["line", "service", "charge", "tier", "kind", "description", "quantity", "unit", "unit_price",
                "amount", "tax_rate", "explanation"]
KINDS = ("charge", "flat_fee", "minimum", "maximum", "minimum_commitment", "sla", "sla_cap")
#: The kinds of step 1 (a charge's own lines).
STEP_ONE_KINDS = ("charge", "flat_fee", "minimum", "maximum")
#: Engagement-level functions of `ccanalysis.workbook`, importable from here too (`invoice.expected_invoice(eng, …)`).
_WORKBOOK_NAMES = ("charges_to_date", "expected_invoice", "format_invoice_table", "invoice_json",
                   "service_activity", "sla_evaluations")


@dataclass(frozen=True)
class Line:
    """One expected invoice line: figures, the `label` fact its description is written from and the
    `facts` its explanation is written from. amount is rounded to cents; periodic: a fee billed per
    period (left out of the SLA base `variable_charges`)."""

    service: str | None
    charge: str
    tier: int | None
    kind: str
    quantity: Decimal
    unit: str | None
    unit_price: Decimal | None
    amount: Decimal
    label: Fact
    facts: tuple[Fact, ...]
    periodic: bool = False

    def __repr__(self) -> str:
        tier = f" tier {self.tier}" if self.tier is not None else ""
        price = "" if self.unit_price is None else f" × {self.unit_price:f}"
        return reprs.one_line(f"<Line {self.service or '-'}/{self.charge}{tier} {self.kind}: "
                              f"{self.quantity:f} {self.unit or ''}{price} = {self.amount:f}>")

    def _repr_html_(self) -> str:
        return reprs.html_table(f"Line {self.service or '-'}/{self.charge}", [
            ("kind", self.kind), ("tier", self.tier), ("quantity", self.quantity), ("unit", self.unit),
            ("unit_price", self.unit_price), ("amount", self.amount)])


def charge_lines(service: Service, charge: Mapping[str, Any], activity: ServiceActivity, *, active_days: int,
                 period_days: int) -> list[Line]:
    """One charge's lines for the period: a line per rated part, then its limit line on rounded lines."""
    units = billable_units(charge, activity, active_days=active_days, period_days=period_days)
    return rated_lines(service, charge, units, active_days=active_days, period_days=period_days)


def per_period(charge: Mapping[str, Any]) -> bool:
    """Whether a charge's amount is a per-period amount (a fee, a capacity charge, a charge on `month`)
    rather than a price on counted activity."""
    if pricing.get(charge["model"]).periodic:
        return True
    names = charge_units(charge)
    return bool(names) and all(name in UNITS and not UNITS.get(name).from_activity for name in names)


def rated_lines(service: Service, charge: Mapping[str, Any], units: Units, *, active_days: int, period_days: int,
                in_force_days: int | None = None) -> list[Line]:
    """One charge's lines rated on given `units` (the period's, or the cumulative units of days 1..d for
    the accrual, `ccanalysis.accrual`): a line per rated part, then its limit line on rounded lines.

    active_days: the days of the period the service is in force (the accrual: in force up to day d), which
    prorate the per-period amounts; in_force_days: the accrual's days in force in the whole period — a
    charge with `prorate: false` then accrues its per-period amounts (fee, capacity, minimum, maximum) by
    active_days / in_force_days; None (the invoice): no accrual."""
    kwargs: dict[str, Any] = {"active_days": active_days, "period_days": period_days}
    if units.events is not None:
        parts = pricing.rate_breakdown(charge, events=units.events, **kwargs)
    else:
        parts = pricing.rate_breakdown(charge, units.units, **kwargs)
    model = pricing.get(charge["model"])
    share = None
    if in_force_days and active_days != in_force_days and charge.get("prorate", True) is False:
        share = Decimal(active_days) / Decimal(in_force_days)
    scaled = share is not None and per_period(charge)
    description = charge.get("description") or charge["id"]
    rule = _rule_fact(charge, model, active_days, period_days)
    lines: list[Line] = []
    for part in parts:
        if part.kind not in ("charge", "flat_fee"):
            continue  # the limit lines are recomputed on rounded lines below (pricing.md step 2)
        unit_price = part.unit_price
        if unit_price is not None and model.unit_price_in_cents and part.quantity == 1:
            unit_price = round_money(unit_price)  # 1 × the prorated fee, written in cents as on an invoice
        amount = round_money(part.quantity * unit_price if unit_price is not None else part.amount)
        if scaled:
            assert share is not None
            amount = round_money(amount * share)
        tier = part.tier if model.tiered else None
        if part.kind == "flat_fee":
            label, unit = Fact("flat_fee", {"description": description, "tier": tier}), "fee"
        else:
            label, unit = Fact("charge", {"description": description, "tier": tier}), model.line_unit(charge)
        lines.append(Line(service.id, charge["id"], part.tier, part.kind, part.quantity, unit, unit_price, amount,
                          label, (units.fact, rule, part.fact), model.periodic))
    rounded_total = sum((line.amount for line in lines), ZERO)
    limited = charge
    if share is not None:  # the bounds of a charge not prorated, accrued by the days in force so far
        limited = {**charge, **{key: charge_value(charge, key) * share for key in ("minimum", "maximum")
                                if charge_value(charge, key) is not None}}
    limit = pricing.limit_line_amount(limited, rounded_total, **kwargs)
    if limit is not None:
        kind, amount = limit
        amount = round_money(amount)
        if amount != 0:
            days = (active_days, period_days) if charge.get("prorate", True) is not False else None
            fact = Fact("limit_line", {"kind": kind, "total": rounded_total, "bound": charge_value(charge, kind),
                                       "days": days})
            lines.append(Line(service.id, f"{charge['id']}:{kind}", None, kind, Decimal(1), None, amount, amount,
                              Fact("limit", {"description": description, "kind": kind}), (fact,), model.periodic))
    return lines


def _rule_fact(charge: Mapping[str, Any], model: pricing.ChargeModel, active_days: int, period_days: int) -> Fact:
    days = None
    if model.periodic and charge.get("prorate", True) is not False and active_days != period_days:
        days = (active_days, period_days)
    rounding = charge.get("rounding")
    shown = (rounding.get("minimum_s", 0), rounding.get("increment_s", 1)) if rounding else None
    return Fact("rule", {"model": model.name, "days": days, "rounding": shown})


def kpi_data(activity: ServiceActivity) -> pd.DataFrame:
    """What the KPIs (SLA rules, compliance clauses) are computed on: contact records when they are the
    source, else activity rows."""
    if not activity.contacts.empty:
        return activity.contacts
    return activity.rows


def step_one(contract: Contract, period: BillingPeriod, activities: Mapping[str, ServiceActivity]) -> list[Line]:
    """Step 1: every service's charge lines, rated on its activity, then its account cap line."""
    lines: list[Line] = []
    for service in contract.services_for(period):
        active_days = contract.active_days(period, service)
        for charge in service.charges:
            lines += charge_lines(service, charge, activities[service.id], active_days=active_days,
                                  period_days=period.days)
        lines += account_cap_lines(service, activities[service.id], active_days=active_days,
                                   period_days=period.days)
    return lines


#: The reserved charge id of a collections service's account cap line (audit.md's reserved ids).
ACCOUNT_CAP = "account_cap"


def _fees_by_account(service: Service, records: pd.DataFrame | None, activity: ServiceActivity, *,
                     active_days: int, period_days: int) -> dict[str, Decimal]:
    """Σ per account of each payment's success fee (every charge on collected_amount, its `applies_to`
    deciding which payments it prices), exact; each payment priced alone by the charge's own model."""
    fees: dict[str, Decimal] = {}
    if records is None or records.empty:
        return fees
    for charge in service.charges:
        if not UNITS.get(charge["unit"]).events:
            continue
        act = filtered(activity.with_data(records, activity.rows.iloc[0:0]), charge.get("applies_to"))
        paid = act.contacts[(act.contacts["outcome"] == "payment") & act.contacts["amount"].notna()]
        for account, value in zip(paid["account_id"].astype(str), paid["amount"], strict=True):
            parts = pricing.rate_breakdown(charge, events=(to_decimal(value),), active_days=active_days,
                                           period_days=period_days)
            fee = sum((p.amount for p in parts if p.kind == "charge"), ZERO)
            fees[account] = fees.get(account, ZERO) + fee
    return fees


def account_cap_lines(service: Service, activity: ServiceActivity, *, active_days: int,
                      period_days: int) -> list[Line]:
    """Step 1b: a collections service's lifetime fee cap per account (`collections.max_fee_per_account`).

    An account's capped fees up to the period's end are min(cap, its uncapped fees of every period so
    far); those up to the period's start min(cap, its fees before). The period owes the difference, so the
    line is −Σ over accounts of (the period's fees − that difference): one negative line, rounded once,
    none when no account reaches the cap. Fees before the period come from `activity.prior_contacts`."""
    terms = service.collections
    if terms is None or terms.max_fee_per_account is None:
        return []
    cap = terms.max_fee_per_account
    kwargs = {"active_days": active_days, "period_days": period_days}
    before = _fees_by_account(service, activity.prior_contacts, activity, **kwargs)
    now = _fees_by_account(service, activity.contacts, activity, **kwargs)
    reduction, accounts, reached_before = ZERO, 0, 0
    for account, fee in now.items():
        earlier = before.get(account, ZERO)
        owed = min(cap, earlier + fee) - min(cap, earlier)
        if owed < fee:
            reduction += fee - owed
            accounts += 1
            reached_before += earlier >= cap
    amount = round_money(-reduction)
    if amount == 0:
        return []
    fact = Fact("account_cap", {"cap": cap, "accounts": accounts, "reached_before": reached_before,
                                "fees": sum(now.values(), ZERO), "reduction": reduction})
    return [Line(service.id, ACCOUNT_CAP, None, "account_cap", Decimal(accounts), "account", None, amount,
                 Fact("account_cap_label", {"cap": cap}), (fact,), False)]


def invoice_lines(contract: Contract, period: BillingPeriod, activities: Mapping[str, ServiceActivity],
                  charges: list[Line] | None = None, *, supplier: str | None = None) -> list[Line]:
    """Every line of the expected invoice: step 1 (or the `charges` already rated), the minimum
    commitment true-up, then each service's SLA lines."""
    contract_days = contract.active_days(period)
    if contract_days == 0:
        raise UsageError(f"the contract of {supplier or contract.supplier} is not in force in billing period "
                         f"{period.month} ({period.start}..{period.end}; valid {contract.valid_from}.."
                         f"{contract.valid_to or 'open'})")
    charges = step_one(contract, period, activities) if charges is None else charges
    lines = list(charges)
    lines += minimum_commitment(contract, period, charges, contract_days)
    for service in contract.services_for(period):
        if service.sla:
            lines += sla_lines(service, charges, activities[service.id], period)
    return lines


def minimum_commitment(contract: Contract, period: BillingPeriod, charges: list[Line], active_days: int,
                       in_force_days: int | None = None) -> list[Line]:
    """Step 2: the true-up line bringing the charges of all services up to the commitment (none when met).

    active_days: the contract's days in force in the period (the accrual: up to day d); in_force_days: the
    accrual's days in force in the whole period — a commitment with `prorate: false` is then accrued by
    active_days / in_force_days; None (the invoice): no accrual."""
    commitment = contract.commitment_for(period)
    if commitment is None:
        return []
    if commitment.prorate:
        committed = round_half_up(commitment.amount * active_days / period.days, 2)
    elif in_force_days and active_days != in_force_days:
        committed = round_half_up(commitment.amount * active_days / in_force_days, 2)
    else:
        committed = round_half_up(commitment.amount, 2)
    billed = sum((line.amount for line in charges), ZERO)
    true_up = max(ZERO, committed - billed)
    if true_up == 0:
        return []
    fact = Fact("commitment", {"amount": commitment.amount, "prorated": bool(commitment.prorate),
                               "active_days": active_days, "period_days": period.days, "committed": committed,
                               "billed": billed, "true_up": true_up})
    return [Line(None, "minimum_commitment", None, "minimum_commitment", Decimal(1), None, true_up, true_up,
                 Fact("minimum_commitment"), (fact,))]


def sla_base(service: Service, charges: list[Line]) -> tuple[Decimal, Fact]:
    """The service's SLA base (pricing.md step 3) and the fact of what it includes."""
    base_kind = (service.sla or {}).get("base", "variable_charges")
    own = [line for line in charges if line.service == service.id]
    if base_kind != "all_charges":
        own = [line for line in own if not line.periodic]
    amount = sum((line.amount for line in own), ZERO)
    return amount, Fact("sla_base", {"base": base_kind, "service": service.id, "amount": amount})


def sla_assessment(service: Service, charges: list[Line], activity: ServiceActivity | None,
                   period: BillingPeriod, kpi_values: sla_rules.RuleValues | None = None
                   ) -> sla_rules.SlaResult:
    """Every SLA rule of the service on its base: its KPIs on `activity`, or the values given per rule
    (`kpi_values`: the service's parsed rules and their values, e.g. the accrual's KPIs of days 1..d)."""
    base, _ = sla_base(service, charges)
    if kpi_values is not None:
        return sla_rules.assess_values(kpi_values.rules, service.kpi_settings(), kpi_values.values, base,
                                       period.start)
    assert activity is not None
    return sla_rules.assess(service.sla, service.kpi_settings(), kpi_data(activity), base, period.start)


def sla_lines(service: Service, charges: list[Line], activity: ServiceActivity | None, period: BillingPeriod,
              kpi_values: sla_rules.RuleValues | None = None, result: sla_rules.SlaResult | None = None
              ) -> list[Line]:
    """Step 3: the service's SLA adjustment and cap lines: of `result` when the assessment is done, else
    assessed on `activity` (or on `kpi_values` per rule)."""
    base, base_fact = sla_base(service, charges)
    result = sla_assessment(service, charges, activity, period, kpi_values) if result is None else result
    out = []
    for item in result.lines:
        if item.kind == "sla_cap":
            label = Fact("sla_cap", {"kind": item.target_fact.figures["kind"]})
        else:
            label = Fact("sla", {"kpi": item.kpi, "bonus": item.fraction > 0})
        out.append(Line(service.id, item.charge, None, item.kind, base, None, item.fraction,
                        round_money(item.amount), label, (Fact("sla_line", {"line": item}), base_fact)))
    return out


def to_frame(lines: list[Line], tax_rate: Decimal, describe: Any, explain: Any) -> pd.DataFrame:
    """Lines as the invoice DataFrame (LINE_COLUMNS); describe(label) and explain(facts) write the texts."""
    rows = []
    for number, line in enumerate(lines, start=1):
        rows.append({"line": number, "service": line.service, "charge": line.charge, "tier": line.tier,
                     "kind": line.kind, "description": describe(line.label), "quantity": line.quantity,
                     "unit": line.unit, "unit_price": line.unit_price, "amount": line.amount,
                     "tax_rate": tax_rate, "explanation": explain(line.facts)})
    frame = pd.DataFrame(rows, columns=LINE_COLUMNS)
    frame["tier"] = frame["tier"].astype("Int64")
    return frame


@dataclass(frozen=True)
class Totals:
    """An invoice's totals, in its currency: net, tax (per rate in `tax_by_rate`) and gross."""

    net: Decimal
    tax: Decimal
    gross: Decimal
    tax_by_rate: dict[Decimal, Decimal]

    def __repr__(self) -> str:
        return reprs.one_line(f"<Totals net {self.net:f} tax {self.tax:f} gross {self.gross:f}>")

    def _repr_html_(self) -> str:
        rows = [("net", self.net), *((f"tax {rate:f}", tax) for rate, tax in self.tax_by_rate.items()),
                ("gross", self.gross)]
        return reprs.html_table("Totals", rows)


def totals(lines: pd.DataFrame) -> Totals:
    """Net = Σ rounded lines; tax per rate = round_half_up(net of that rate × rate); gross = net + tax."""
    by_rate: dict[Decimal, Decimal] = {}
    for rate, amount in zip(lines["tax_rate"], lines["amount"], strict=True):
        by_rate[Decimal(rate)] = by_rate.get(Decimal(rate), ZERO) + Decimal(amount)
    tax_by_rate = {rate: round_money(net * rate) for rate, net in by_rate.items()}
    net = sum(by_rate.values(), ZERO)
    tax = sum(tax_by_rate.values(), ZERO)
    return Totals(net=round_money(net), tax=tax, gross=round_money(net + tax), tax_by_rate=tax_by_rate)


def __getattr__(name: str) -> Any:
    """The engagement-level functions (`expected_invoice(eng, supplier, month)`, …) live in
    `ccanalysis.workbook`; they stay importable from here."""
    if name in _WORKBOOK_NAMES:
        from ccanalysis import workbook

        return getattr(workbook, name)
    raise AttributeError(f"module 'ccanalysis.invoice' has no attribute {name!r}")
