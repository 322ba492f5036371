"""Each charge checked against what was agreed: one registered validator per type of charge (`VALIDATORS`),
plus the checks every charge gets (a duplicate of an earlier document, a charge issued outside the claim
window). Pure: the loaded tables and agreements in, one verdict per charge out (codes and numbers, no text).

A verdict is `valid` (the whole amount is due), `invalid` (none of it), `partly_valid` (part of it) or
`needs_evidence` (nothing to check it against: the valid and invalid amounts are then None). `check` is the
code of the reason and `evidence` the facts compared (amounts as Decimal, days as ISO text, ids).

What each type is checked against (the retailer's agreement, `ccanalysis.cargos.agreement`):

- promotion (reference: the promotion id): agreed = its amount, or percent_of_sales × the retailer's net sales
  of the months the promotion overlaps, pro rata by days for partial months; minus what was already accepted
  for it by earlier charges;
- rappel (reference: the period, `2026-Q2` or `2026`): the rate of the highest tier the period's net sales
  reach × those sales, minus what was already accepted for the period;
- logistics_penalty (reference: a delivery note or its order): late (the description says so, or the rule is
  the only one) = rate_of_value × the value of the order's delivery notes delivered more than after_hours
  late; short = rate_of_missing_value × Σ (ordered − accepted) × (value ÷ delivered_qty); each capped per order;
- price_difference (reference: a delivery note): max(0, invoiced unit_price − agreed price on the delivery
  day) × delivered_qty;
- listing_fee (reference: the fee id, or its product in the description): the agreed fee, once;
- returns_damage (reference: a delivery note with a shortfall): up to (delivered − accepted) × unit value;
  without one, and marketing and unidentified charges, need evidence.

Duplicates come first: a later document (issue_date, then document_id) of the same retailer with the same
reference and amount, or the same description and amount within `DUPLICATE_DAYS` days, is invalid whole.
Then, a charge issued more than the agreement's claim_window_days after its event (promotion end, period end,
delivery, listing day) is invalid whole. Amounts are rounded to cents once, half up.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import cached_property

import pandas as pd

from ccanalysis.audit.matching import fold
from ccanalysis.cargos.agreement import PERIOD_ID, Agreement, period_end, period_months
from ccanalysis.money import ZERO, round_money, to_decimal
from ccanalysis.periods import month_days, month_of, next_month
from ccanalysis.registry import Registry

#: Verdicts a charge may get.
VERDICTS = ("valid", "invalid", "partly_valid", "needs_evidence")
#: Days within which the same description and amount make a second document a duplicate.
DUPLICATE_DAYS = 30
#: The columns of `validate_charges`' result.
COLUMNS = ["retailer", "document_id", "type", "verdict", "amount", "valid_amount", "invalid_amount", "check",
           "evidence", "related_document"]

_WORD = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9/_.-]*[A-Za-z0-9])?")
_LATE_WORDS = re.compile(r"retras|tarde|demora|late|plazo|hora")
_SHORT_WORDS = re.compile(r"falta|faltante|incomplet|short|rotura de stock|servicio parcial|cantidad")


@dataclass(frozen=True)
class Charge:
    """One charge as a validator reads it."""

    retailer: str
    document_id: str
    type: str | None
    issue_date: date
    amount: Decimal
    description: str
    reference: str | None


@dataclass(frozen=True)
class Finding:
    """What a validator found: the amount the agreement allows (None: nothing to check against), the check
    code when less than the charge is allowed, the event the claim window runs from, and the key of what the
    charge is for (what earlier accepted charges of the same key reduce)."""

    allowed: Decimal | None
    check: str
    evidence: dict[str, object] = field(default_factory=dict)
    event: date | None = None
    key: tuple[str, ...] | None = None


@dataclass
class Context:
    """What a retailer's charges are checked against: its agreement, its sales and deliveries, and what
    earlier charges were accepted for (`accepted`, by finding key)."""

    agreement: Agreement
    sales: pd.DataFrame
    deliveries: pd.DataFrame
    accepted: dict[tuple[str, ...], Decimal] = field(default_factory=dict)

    def already(self, key: tuple[str, ...]) -> Decimal:
        """What earlier charges of the same key were found valid for."""
        return self.accepted.get(key, ZERO)

    @cached_property
    def _sales(self) -> dict[str, tuple[Decimal | None, dict[str, Decimal]]]:
        """month → (the retailer's total net sales, written without product; net sales by product)."""
        out: dict[str, tuple[Decimal | None, dict[str, Decimal]]] = {}
        if self.sales.empty:
            return out
        products = self.sales["product"] if "product" in self.sales.columns else [None] * len(self.sales)
        for month, product, value in zip(self.sales["month"], products, self.sales["net_sales"], strict=True):
            total, by_product = out.get(month, (None, {}))
            amount = to_decimal(value)
            if _text(product) is None:
                total = (total or ZERO) + amount
            else:
                by_product[str(product)] = by_product.get(str(product), ZERO) + amount
            out[month] = (total, by_product)
        return out

    def monthly_sales(self, month: str, products: list[str] | None = None) -> Decimal | None:
        """The retailer's net sales of `month` (of `products` when given and sales are by product); None when
        the sales table has no row for that month."""
        if month not in self._sales:
            return None
        total, by_product = self._sales[month]
        if products is not None and by_product:
            return sum((v for p, v in by_product.items() if p in products), ZERO)
        return total if total is not None else sum(by_product.values(), ZERO)

    def reference(self, charge: Charge, ids: Iterable[str]) -> str | None:
        """The charge's reference; without one, the first word of its description that is one of `ids` (a
        retailer often writes the delivery note or promotion in the text only)."""
        if charge.reference:
            return charge.reference
        known = ids if isinstance(ids, (set, frozenset)) else set(ids)
        return next((word for word in _WORD.findall(charge.description) if word in known), None)

    @cached_property
    def _index(self) -> tuple[dict[str, dict], dict[str, list[dict]]]:
        """The delivery notes as records, by delivery note and by order."""
        by_note: dict[str, dict] = {}
        by_order: dict[str, list[dict]] = {}
        for record in ([] if self.deliveries.empty else self.deliveries.to_dict("records")):
            by_note.setdefault(str(record["delivery_note"]), record)
            by_order.setdefault(str(record["order_id"]), []).append(record)
        return by_note, by_order

    @cached_property
    def _ids(self) -> frozenset[str]:
        by_note, by_order = self._index
        return frozenset(by_note) | frozenset(by_order)

    def delivery_ids(self) -> frozenset[str]:
        """Every delivery note and order id of the retailer."""
        return self._ids

    def notes(self, reference: str | None) -> list[dict]:
        """The delivery notes a reference names: the note and the other notes of its order, or the order's."""
        by_note, by_order = self._index
        if not reference:
            return []
        order = str(by_note[reference]["order_id"]) if reference in by_note else reference
        return by_order.get(order, [])

    def note(self, reference: str | None) -> dict | None:
        """The delivery note `reference`, None when there is none."""
        return self._index[0].get(reference) if reference else None


@dataclass(frozen=True)
class Validator:
    """The check of one type of charge: `check(charge, context) -> Finding`."""

    name: str
    check: Callable[[Charge, Context], Finding]


VALIDATORS: Registry[Validator] = Registry("charge validator", "validators", key="type")


def validator(name: str) -> Callable[[Callable[[Charge, Context], Finding]], Callable[[Charge, Context], Finding]]:
    """Register the decorated function as the validator of charges of type `name`."""
    def add(fn: Callable[[Charge, Context], Finding]) -> Callable[[Charge, Context], Finding]:
        VALIDATORS.register(Validator(name, fn))
        return fn
    return add


def _remaining(agreed: Decimal, already: Decimal) -> Decimal:
    return max(ZERO, agreed - already)


# --------------------------------------------------------------------------- the validators
@validator("promotion")
def _promotion(charge: Charge, ctx: Context) -> Finding:
    reference = ctx.reference(charge, (p.id for p in ctx.agreement.promotions))
    if reference is None:
        return Finding(None, "no_reference", {"reference": None})
    promo = ctx.agreement.promotion(reference)
    if promo is None:
        return Finding(ZERO, "not_in_agreement", {"reference": reference,
                                                  "promotions": [p.id for p in ctx.agreement.promotions]})
    key = ("promotion", promo.id)
    already = ctx.already(key)
    evidence: dict[str, object] = {"promotion": promo.id, "from": promo.start.isoformat(),
                                   "to": promo.end.isoformat(), "already_charged": already}
    if promo.contribution.amount is not None:
        agreed = round_money(promo.contribution.amount)
    else:
        products = None if promo.products == "all" else list(promo.products)
        basis = ZERO
        month = month_of(promo.start)
        while month <= month_of(promo.end):
            first, last = month_days(month)
            overlap = (min(last, promo.end) - max(first, promo.start)).days + 1
            sales = ctx.monthly_sales(month, products)
            if sales is None:
                return Finding(None, "no_sales", {**evidence, "month": month}, promo.end, key)
            basis += sales * overlap / ((last - first).days + 1)
            month = next_month(month)
        agreed = round_money(promo.contribution.percent_of_sales * basis)
        evidence.update(percent_of_sales=promo.contribution.percent_of_sales, sales=round_money(basis))
    evidence["agreed"] = agreed
    check = "already_charged" if already and already >= agreed else "over_agreed"
    return Finding(_remaining(agreed, already), check, evidence, promo.end, key)


@validator("rappel")
def _rappel(charge: Charge, ctx: Context) -> Finding:
    rappel = ctx.agreement.rappel
    reference = (charge.reference or "").strip()
    if not PERIOD_ID.match(reference):  # a reference that is not a period: the description may name one
        reference = _period_in(charge.description) or reference
    match = PERIOD_ID.match(reference)
    if rappel is None:
        return Finding(ZERO, "not_in_agreement", {"reference": charge.reference})
    if match is None:
        return Finding(None, "no_period", {"reference": charge.reference, "basis": rappel.basis})
    if (match.group(2) is None) != (rappel.basis == "annual"):
        return Finding(ZERO, "not_in_agreement", {"period": reference, "basis": rappel.basis})
    key = ("rappel", reference)
    end = period_end(reference)
    sales = ZERO
    for month in period_months(reference):
        value = ctx.monthly_sales(month)
        if value is None:
            return Finding(None, "no_sales", {"period": reference, "month": month}, end, key)
        sales += value
    reached = rappel.tier(sales)
    rate = reached[1].rate if reached else ZERO
    agreed = round_money(rate * sales)
    already = ctx.already(key)
    evidence = {"period": reference, "sales": sales, "tier": reached[0] if reached else None, "rate": rate,
                "agreed": agreed, "already_charged": already}
    return Finding(_remaining(agreed, already), "already_charged" if already and already >= agreed else "above_tier", evidence,
                   end, key)


_QUARTER_TEXT = (re.compile(r"\b(\d{4})-?q([1-4])\b"), re.compile(r"\bq([1-4])[ -/]?(\d{4})\b"),
                 re.compile(r"\b([1-4])\s*(?:t|º|o|er|do)?\s*(?:trimestre|trim\.?|t)\s*(?:de\s+)?(\d{4})\b"))


def _period_in(description: str) -> str | None:
    """A rappel period written in a description: 2026-Q2, Q2 2026, 2T 2026, 2º trimestre 2026 → 2026-Q2."""
    text = fold(description)
    for i, pattern in enumerate(_QUARTER_TEXT):
        match = pattern.search(text)
        if match:
            year, quarter = (match.group(1), match.group(2)) if i == 0 else (match.group(2), match.group(1))
            return f"{year}-Q{quarter}"
    return None


def _penalty_kind(charge: Charge, ctx: Context) -> str | None:
    """late or short from the description, else the agreement's only rule; None when it cannot be told."""
    text = fold(charge.description)
    late, short = bool(_LATE_WORDS.search(text)), bool(_SHORT_WORDS.search(text))
    if late != short:
        return "late" if late else "short"
    kinds = [rule.kind for rule in ctx.agreement.logistics_penalties]
    return kinds[0] if len(kinds) == 1 else None


def _hours_late(note: dict) -> float:
    return (pd.Timestamp(note["delivered_at"]) - pd.Timestamp(note["promised_at"])).total_seconds() / 3600


@validator("logistics_penalty")
def _logistics(charge: Charge, ctx: Context) -> Finding:
    reference = ctx.reference(charge, ctx.delivery_ids())
    notes = ctx.notes(reference)
    if not notes:
        return Finding(None, "no_evidence", {"reference": reference})
    order = str(notes[0]["order_id"])
    event = max(pd.Timestamp(n["delivered_at"]) for n in notes).date()
    kind = _penalty_kind(charge, ctx)
    evidence: dict[str, object] = {"order": order, "delivery_notes": sorted(str(n["delivery_note"]) for n in notes),
                                   "kind": kind}
    if kind is None:
        return Finding(None, "no_penalty_kind", evidence, event)
    rule = ctx.agreement.penalty_rule(kind)
    if rule is None:
        return Finding(ZERO, "not_in_agreement", evidence, event)
    key = ("logistics_penalty", order, kind)
    already = ctx.already(key)
    if kind == "late":
        assert rule.after_hours is not None and rule.rate_of_value is not None
        late = [n for n in notes if _hours_late(n) > float(rule.after_hours)]
        base = sum((to_decimal(n["value"]) for n in late), ZERO)
        raw = base * rule.rate_of_value
        evidence.update(late_notes=sorted(str(n["delivery_note"]) for n in late), late_value=base,
                        after_hours=rule.after_hours, rate_of_value=rule.rate_of_value,
                        hours_late=max(ZERO, to_decimal(round(max(_hours_late(n) for n in notes), 2))))
        if not late:
            check = "on_time"
        elif len(late) < len(notes):
            check = "partly_late"
        else:
            check = "over_agreed"
    else:
        assert rule.rate_of_missing_value is not None
        missing = ZERO
        for n in notes:
            ordered, delivered, accepted = int(n["ordered_qty"]), int(n["delivered_qty"]), int(n["accepted_qty"])
            if delivered > 0 and ordered > accepted:
                missing += (ordered - accepted) * to_decimal(n["value"]) / delivered
        raw = missing * rule.rate_of_missing_value
        evidence.update(missing_value=round_money(missing), rate_of_missing_value=rule.rate_of_missing_value)
        check = "no_shortfall" if missing == 0 else "over_agreed"
    agreed = round_money(min(raw, rule.cap) if rule.cap is not None else raw)
    evidence.update(cap=rule.cap, agreed=agreed, already_charged=already)
    return Finding(_remaining(agreed, already), check, evidence, event, key)


@validator("price_difference")
def _price_difference(charge: Charge, ctx: Context) -> Finding:
    reference = ctx.reference(charge, ctx.delivery_ids())
    note = ctx.note(reference)
    if note is None:
        return Finding(None, "no_evidence", {"reference": reference})
    day = pd.Timestamp(note["delivered_at"]).date()
    product = note.get("product")
    invoiced = note.get("unit_price")
    if _text(product) is None or invoiced is None or pd.isna(invoiced):
        return Finding(None, "no_evidence", {"delivery_note": reference}, day)
    price = ctx.agreement.price_on(str(product), day)
    evidence: dict[str, object] = {"delivery_note": reference, "product": product, "delivered_on": day.isoformat(),
                                   "invoiced_unit_price": to_decimal(invoiced), "quantity": int(note["delivered_qty"])}
    if price is None:
        return Finding(None, "no_agreed_price", evidence, day)
    key = ("price_difference", str(reference))
    already = ctx.already(key)
    gap = max(ZERO, to_decimal(invoiced) - price.unit_price)
    agreed = round_money(gap * int(note["delivered_qty"]))
    evidence.update(agreed_unit_price=price.unit_price, agreed=agreed, already_charged=already)
    return Finding(_remaining(agreed, already), "price_agreed" if gap == 0 else "over_agreed", evidence, day, key)


@validator("listing_fee")
def _listing_fee(charge: Charge, ctx: Context) -> Finding:
    fees = ctx.agreement.listing_fees
    reference = ctx.reference(charge, (f.id for f in fees))
    fee = next((f for f in fees if f.id == reference), None)
    if fee is None:
        text = fold(charge.description)
        fee = next((f for f in fees if fold(f.product) in text), None)
    if fee is None:
        return Finding(ZERO, "not_in_agreement", {"reference": charge.reference, "listing_fees": [f.id for f in fees]})
    key = ("listing_fee", fee.id)
    already = ctx.already(key)
    agreed = round_money(fee.amount)
    evidence = {"listing_fee": fee.id, "product": fee.product, "agreed": agreed, "already_charged": already}
    return Finding(_remaining(agreed, already), "already_charged" if already else "over_agreed", evidence, fee.on,
                   key)


@validator("returns_damage")
def _returns(charge: Charge, ctx: Context) -> Finding:
    reference = ctx.reference(charge, ctx.delivery_ids())
    note = ctx.note(reference)
    if note is None or int(note["delivered_qty"]) <= int(note["accepted_qty"]):
        return Finding(None, "no_evidence", {"reference": reference})
    short = int(note["delivered_qty"]) - int(note["accepted_qty"])
    key = ("returns_damage", str(reference))
    already = ctx.already(key)
    agreed = round_money(short * to_decimal(note["value"]) / int(note["delivered_qty"]))
    evidence = {"delivery_note": reference, "rejected_qty": short, "agreed": agreed, "already_charged": already}
    return Finding(_remaining(agreed, already), "over_agreed", evidence, pd.Timestamp(note["delivered_at"]).date(), key)


@validator("marketing")
def _marketing(charge: Charge, ctx: Context) -> Finding:
    return Finding(None, "no_evidence", {"reference": charge.reference})


@validator("unidentified")
def _unidentified(charge: Charge, ctx: Context) -> Finding:
    return Finding(None, "no_evidence", {"reference": charge.reference})


# --------------------------------------------------------------------------- the engine
def _text(value: object) -> str | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    text = str(value).strip()
    return text or None


def _charges(charges: pd.DataFrame) -> list[Charge]:
    out = []
    for row in charges.itertuples(index=False):
        kind = getattr(row, "type", None)
        out.append(Charge(retailer=str(row.retailer), document_id=str(row.document_id), type=_text(kind),
                          issue_date=pd.Timestamp(row.issue_date).date(), amount=to_decimal(row.amount),
                          description=str(row.description or ""), reference=_text(getattr(row, "reference", None))))
    return out


@dataclass
class _Seen:
    """The earlier charges of a retailer, by reference and amount and by description and amount."""

    by_reference: dict[tuple[str, Decimal], Charge] = field(default_factory=dict)
    by_text: dict[tuple[str, Decimal], list[Charge]] = field(default_factory=dict)

    def duplicate_of(self, charge: Charge) -> Charge | None:
        """The first earlier charge `charge` repeats, None when it repeats none; then `charge` is remembered."""
        found = self.by_reference.get((charge.reference, charge.amount)) if charge.reference else None
        text = (fold(charge.description).strip(), charge.amount)
        if found is None:
            found = next((other for other in self.by_text.get(text, [])
                          if (charge.issue_date - other.issue_date).days <= DUPLICATE_DAYS), None)
        if charge.reference:
            self.by_reference.setdefault((charge.reference, charge.amount), charge)
        self.by_text.setdefault(text, []).append(charge)
        return found


def _row(charge: Charge, verdict: str, valid: Decimal | None, check: str, evidence: dict,
         related: str | None = None) -> dict[str, object]:
    invalid = None if valid is None else charge.amount - valid
    return {"retailer": charge.retailer, "document_id": charge.document_id, "type": charge.type, "verdict": verdict,
            "amount": charge.amount, "valid_amount": valid, "invalid_amount": invalid, "check": check,
            "evidence": evidence, "related_document": related}


def judge(charge: Charge, finding: Finding) -> tuple[str, Decimal | None, str]:
    """The verdict, valid amount and check of a charge from what its validator found."""
    if finding.allowed is None:
        return "needs_evidence", None, finding.check
    valid = min(charge.amount, finding.allowed)
    if valid == charge.amount:
        return "valid", valid, "ok"
    return ("invalid" if valid == 0 else "partly_valid"), valid, finding.check


def validate_charges(charges: pd.DataFrame, agreements: Mapping[str, Agreement], sales: pd.DataFrame,
                     deliveries: pd.DataFrame, *, as_of: date) -> pd.DataFrame:
    """One verdict per charge (`COLUMNS`), in the order of `charges` (which has a `type` column: one of
    CHARGE_TYPES, blank when not classified yet → needs_evidence `no_type`).

    Each retailer's charges are taken in issue_date, then document_id order: a duplicate of an earlier
    document is invalid whole (`related_document` names it); a charge issued more than claim_window_days after
    its event is invalid whole (`outside_claim_window`); else its type's validator says what the agreement
    allows, less what earlier charges were found valid for. `evidence` also gives the dispute deadline (issue
    date + dispute_window_days) and the days left to it at `as_of`. A retailer without an agreement gets
    needs_evidence `no_agreement`."""
    items = _charges(charges)
    rows: dict[tuple[str, str], dict[str, object]] = {}
    order = sorted(range(len(items)), key=lambda i: (items[i].retailer, items[i].issue_date, items[i].document_id))
    contexts: dict[str, Context] = {}
    seen: dict[str, _Seen] = {}
    for i in order:
        charge = items[i]
        agreement = agreements.get(charge.retailer)
        if agreement is None:
            rows[(charge.retailer, charge.document_id)] = _row(charge, "needs_evidence", None, "no_agreement", {})
            continue
        ctx = contexts.get(charge.retailer)
        if ctx is None:
            ctx = contexts[charge.retailer] = Context(
                agreement, sales[sales["retailer"] == charge.retailer] if not sales.empty else sales,
                deliveries[deliveries["retailer"] == charge.retailer] if not deliveries.empty else deliveries)
        deadline = charge.issue_date + timedelta(days=agreement.dispute_window_days)
        when = {"dispute_deadline": deadline.isoformat(), "days_to_deadline": (deadline - as_of).days}
        first = seen.setdefault(charge.retailer, _Seen()).duplicate_of(charge)
        if first is not None:
            rows[(charge.retailer, charge.document_id)] = _row(
                charge, "invalid", ZERO, "duplicate", {"first_document": first.document_id,
                                                       "first_issue_date": first.issue_date.isoformat(), **when},
                related=first.document_id)
            continue
        if charge.type is None or charge.type not in VALIDATORS:
            rows[(charge.retailer, charge.document_id)] = _row(charge, "needs_evidence", None, "no_type", when)
            continue
        finding = VALIDATORS.get(charge.type).check(charge, ctx)
        evidence = {**finding.evidence, **when}
        if finding.event is not None:
            late = (charge.issue_date - finding.event).days
            if late > agreement.claim_window_days:
                evidence.update(event_date=finding.event.isoformat(), days_after_event=late,
                                claim_window_days=agreement.claim_window_days)
                rows[(charge.retailer, charge.document_id)] = _row(charge, "invalid", ZERO, "outside_claim_window",
                                                                   evidence)
                continue
            evidence["event_date"] = finding.event.isoformat()
        verdict, valid, check = judge(charge, finding)
        if valid and finding.key is not None:
            ctx.accepted[finding.key] = ctx.already(finding.key) + valid
        rows[(charge.retailer, charge.document_id)] = _row(charge, verdict, valid, check, evidence)
    return pd.DataFrame([rows[(c.retailer, c.document_id)] for c in items], columns=COLUMNS)
