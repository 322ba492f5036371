"""Setting every billed line of a period beside what it bills (audit.md "Reading a supplier invoice").

The order is written once, here:
1. credits: negative lines that credit an invoice of another period (a credit note, a corrective invoice
   naming it, its id in the description, or the amount of an open dispute) — kept for the register;
2. cancellations: a negative line on a corrective invoice that cancels a positive line of the period;
3. duplicates: the later of two identical lines (the earlier one is compared normally);
4. unmatched lines (no contract charge, or below the match threshold): `not_in_contract`;
5. the rest, by (service, charge), beside the expected lines of that charge: a single expected line takes
   every billed line of its charge; several (tiers) are paired by equal quantity and price, then by a
   unique equal price, then in order — so tiers follow from the line order, quantity and unit price.

Pure: plain rows in, `Pair`s and line roles out.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import pandas as pd

from ccanalysis.invoice import ACCOUNT_CAP
from ccanalysis.money import round_money, to_decimal

OPEN_FOR_CREDIT = ("detected", "validated", "submitted", "accepted", "partially_accepted", "credited")


@dataclass(slots=True, eq=False)
class Billed:
    """One billed line as the audit reads it (money exact); `tier` is set when it is paired."""

    invoice_id: str
    line: int
    description: str
    quantity: Decimal
    unit: str | None
    unit_price: Decimal | None
    amount: Decimal
    tax_rate: Decimal | None
    service: str | None  # the match
    charge: str | None
    billed_service: str | None  # as the supplier wrote it
    billed_charge: str | None
    match_method: str | None
    match_confidence: float | None
    match_rule: int | None
    suggested_service: str | None
    suggested_charge: str | None
    corrects_invoice_id: str | None
    file: str | None = None
    row: int | None = None
    tier: int | None = None
    order: int = 0
    account_id: str | None = None  # a collection agency's fee on one payment: its account and day
    paid_on: date | None = None
    customer_id: str | None = None  # a retention fee on one retained customer

    @property
    def computed(self) -> Decimal | None:
        """quantity × unit price rounded to cents, when the line carries a unit price."""
        return None if self.unit_price is None else round_money(self.quantity * self.unit_price)

    def at_price(self, price: Decimal | None) -> Decimal:
        """The line's money at `price` (None: at its own price); a line without a unit price is its amount."""
        if self.unit_price is None:
            return self.amount
        return self.computed if price is None else round_money(self.quantity * price)

    def figures(self) -> tuple:
        """What two identical lines share, but the description (compared only when these agree)."""
        return (self.service or self.billed_service, self.charge or self.billed_charge, self.quantity,
                self.unit_price, self.amount)


@dataclass(frozen=True)
class Expected:
    line: int
    service: str | None
    charge: str
    tier: int | None
    kind: str
    quantity: Decimal
    unit: str | None
    unit_price: Decimal | None
    amount: Decimal


@dataclass
class Pair:
    """An expected line (or None: billed, nothing due) and the billed lines that bill it (or none: unbilled)."""

    service: str | None
    charge: str
    kind: str
    expected: Expected | None
    billed: list[Billed] = field(default_factory=list)


@dataclass(frozen=True)
class Credit:
    line: Billed
    credits_invoice_id: str | None
    dispute_id: str | None


@dataclass
class Reading:
    """The period's billed lines sorted into what they are."""

    pairs: list[Pair]
    credits: list[Credit]
    cancelled: list[tuple[Billed, Billed]]  # (negative line, the line it cancels)
    duplicates: list[tuple[Billed, Billed]]  # (later copy, first)
    unmatched: list[Billed]

    def role_of(self) -> dict[tuple[str, int], str]:
        """Each billed line's role by (invoice_id, line): "paired", "credit", "cancelled", "duplicate" or
        "unmatched"."""
        roles: dict[tuple[str, int], str] = {}
        for pair in self.pairs:
            for b in pair.billed:
                roles[(b.invoice_id, b.line)] = "paired"
        for credit in self.credits:
            roles[(credit.line.invoice_id, credit.line.line)] = "credit"
        for neg, pos in self.cancelled:
            roles[(neg.invoice_id, neg.line)] = roles[(pos.invoice_id, pos.line)] = "cancelled"
        for dup, _ in self.duplicates:
            roles[(dup.invoice_id, dup.line)] = "duplicate"
        for b in self.unmatched:
            roles[(b.invoice_id, b.line)] = "unmatched"
        return roles

    def tiers(self) -> dict[tuple[str, int], int | None]:
        """The tier (1-based, None without tiers) of each paired billed line, by (invoice_id, line)."""
        return {(b.invoice_id, b.line): b.tier for pair in self.pairs for b in pair.billed}


def _normal(text: object) -> str:
    if not isinstance(text, str):
        return ""
    decomposed = unicodedata.normalize("NFKD", text)
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).casefold().split())


def _text(value: object) -> str | None:
    if isinstance(value, str):  # the common case first: this runs on every cell of every billed line
        return value.strip() or None
    if value is None or pd.isna(value):
        return None
    return str(value).strip() or None


def _decimal(value: object) -> Decimal | None:
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if value is None or pd.isna(value):
        return None
    return to_decimal(value)


def sorted_lines(frame: pd.DataFrame) -> pd.DataFrame:
    """The billed lines in reading order: invoices by issue date and id, lines by number."""
    return frame.sort_values(["issue_date", "invoice_id", "line"], kind="stable").reset_index(drop=True)


_LINE_COLUMNS = ("invoice_id", "line", "description", "quantity", "unit", "unit_price", "amount", "tax_rate",
                 "service", "charge", "billed_service", "billed_charge", "match_method", "match_confidence",
                 "match_rule", "suggested_service", "suggested_charge", "corrects_invoice_id", "_file", "_row",
                 "account_id", "paid_on", "customer_id")


def _day(value: object) -> date | None:
    if value is None or value is pd.NaT or (not isinstance(value, str) and pd.isna(value)):
        return None
    return pd.Timestamp(value).date()


def billed_from_frame(frame: pd.DataFrame) -> list[Billed]:
    """The matched billed lines (columns of data.md invoice lines + the match columns; `sorted_lines`) as
    `Billed`s, read column by column (no row objects)."""
    n = len(frame)
    cols = {c: (frame[c].tolist() if c in frame.columns else [None] * n) for c in _LINE_COLUMNS}
    out = []
    for order in range(n):
        confidence, rule, row = cols["match_confidence"][order], cols["match_rule"][order], cols["_row"][order]
        out.append(Billed(
            invoice_id=str(cols["invoice_id"][order]), line=int(cols["line"][order]),
            description=_text(cols["description"][order]) or "",
            quantity=_decimal(cols["quantity"][order]) or Decimal(0), unit=_text(cols["unit"][order]),
            unit_price=_decimal(cols["unit_price"][order]), amount=_decimal(cols["amount"][order]) or Decimal(0),
            tax_rate=_decimal(cols["tax_rate"][order]), service=_text(cols["service"][order]),
            charge=_text(cols["charge"][order]), billed_service=_text(cols["billed_service"][order]),
            billed_charge=_text(cols["billed_charge"][order]), match_method=_text(cols["match_method"][order]),
            match_confidence=None if confidence is None or pd.isna(confidence) else float(confidence),
            match_rule=None if rule is None or pd.isna(rule) else int(rule),
            suggested_service=_text(cols["suggested_service"][order]),
            suggested_charge=_text(cols["suggested_charge"][order]),
            corrects_invoice_id=_text(cols["corrects_invoice_id"][order]), file=_text(cols["_file"][order]),
            row=None if row is None or pd.isna(row) else int(row), order=order,
            account_id=_text(cols["account_id"][order]), paid_on=_day(cols["paid_on"][order]),
            customer_id=_text(cols["customer_id"][order])))
    return out


def expected_from_frame(frame: pd.DataFrame) -> list[Expected]:
    """The expected invoice's lines (`workbook.expected_invoice`) as `Expected`s."""
    out = []
    for row in frame.to_dict("records"):
        tier = row.get("tier")
        out.append(Expected(int(row["line"]), _text(row.get("service")), str(row["charge"]),
                            None if tier is None or pd.isna(tier) else int(tier), str(row["kind"]),
                            _decimal(row["quantity"]) or Decimal(0), _text(row.get("unit")),
                            _decimal(row.get("unit_price")), round_money(_decimal(row["amount"]) or Decimal(0))))
    return out


def kind_of(charge: str) -> str:
    """The expected-line kind a billed charge id bills (audit.md's reserved ids)."""
    if charge.startswith("sla:cap_"):
        return "sla_cap"
    if charge.startswith("sla:"):
        return "sla"
    if charge == "minimum_commitment":
        return "minimum_commitment"
    if charge.endswith(":minimum"):
        return "minimum"
    if charge.endswith(":maximum"):
        return "maximum"
    if charge == ACCOUNT_CAP:
        return "account_cap"
    return "charge"


def read_lines(billed: list[Billed], expected: list[Expected], *, month: str,
               invoice_months: Mapping[str, str], disputes: pd.DataFrame | None = None) -> Reading:
    """Sort the period's billed lines (see the module's docstring for the order)."""
    credits, rest = _credits(billed, month=month, invoice_months=invoice_months, disputes=disputes)
    cancelled, rest = _cancellations(rest)
    duplicates, rest = _duplicates(rest)
    unmatched = [b for b in rest if b.charge is None]
    matched = [b for b in rest if b.charge is not None]
    return Reading(_pairs(matched, expected), credits, cancelled, duplicates, unmatched)


def _credits(billed: list[Billed], *, month: str, invoice_months: Mapping[str, str],
             disputes: pd.DataFrame | None) -> tuple[list[Credit], list[Billed]]:
    earlier = {i for i, m in invoice_months.items() if m < month}
    open_disputes = _open_disputes(disputes)
    credits, rest = [], []
    for b in billed:
        if b.amount >= 0 or (b.charge or "").startswith("sla:"):
            rest.append(b)
            continue
        target = None
        if b.corrects_invoice_id and b.corrects_invoice_id in earlier:
            target = b.corrects_invoice_id
        else:
            text = _normal(b.description)
            named = [i for i in earlier if _normal(i) and _normal(i) in text]
            target = max(named, key=len) if named else None
        dispute = _dispute_for(open_disputes, target, -b.amount)
        if target is None and dispute is None or (target is None and b.charge is not None):
            rest.append(b)
            continue
        if dispute is not None and target is None:
            target = dispute[1]
        credits.append(Credit(b, target, dispute[0] if dispute else None))
    return credits, rest


def _open_disputes(disputes: pd.DataFrame | None) -> list[tuple[str, str, Decimal]]:
    """(dispute_id, invoice_id, amount at stake) of the disputes a credit can settle (latest row each)."""
    if disputes is None or disputes.empty:
        return []
    latest = disputes.groupby("dispute_id", sort=False).tail(1)
    out = []
    for row in latest.to_dict("records"):
        if row.get("status") not in OPEN_FOR_CREDIT:
            continue
        accepted = _decimal(row.get("amount_accepted"))
        out.append((str(row["dispute_id"]), str(row["invoice_id"]), accepted or _decimal(row["amount_claimed"])))
    return out


def _dispute_for(open_disputes: list[tuple[str, str, Decimal]], invoice_id: str | None,
                 amount: Decimal) -> tuple[str, str] | None:
    same_amount = [d for d in open_disputes if d[2] == amount]
    for dispute_id, inv, _ in same_amount:
        if invoice_id is None or inv == invoice_id:
            return dispute_id, inv
    return None


def _cancellations(billed: list[Billed]) -> tuple[list[tuple[Billed, Billed]], list[Billed]]:
    """A negative line of a corrective invoice that exactly cancels a positive line of another invoice."""
    used: set[int] = set()
    pairs = []
    for neg in billed:
        if neg.amount >= 0 or neg.order in used:
            continue
        for pos in billed:
            if (pos.order in used or pos.invoice_id == neg.invoice_id or pos.amount != -neg.amount
                    or (pos.charge or pos.billed_charge) != (neg.charge or neg.billed_charge)
                    or (neg.quantity and pos.quantity != -neg.quantity)):
                continue
            if neg.corrects_invoice_id not in (None, pos.invoice_id):
                continue
            pairs.append((neg, pos))
            used |= {neg.order, pos.order}
            break
    return pairs, [b for b in billed if b.order not in used]


def _duplicates(billed: list[Billed]) -> tuple[list[tuple[Billed, Billed]], list[Billed]]:
    # identical = the same service, charge, quantity, price, amount and description (spaces collapsed)
    seen: dict[tuple, dict[str, Billed]] = {}
    dups, rest = [], []
    for b in billed:
        bucket = seen.setdefault(b.figures(), {})
        text = " ".join(b.description.split())
        first = bucket.get(text)
        if b.amount != 0 and first is not None:
            dups.append((b, first))
        else:
            bucket.setdefault(text, b)
            rest.append(b)
    return dups, rest


def _pairs(billed: Iterable[Billed], expected: list[Expected]) -> list[Pair]:
    by_key: dict[tuple[str | None, str], list[Billed]] = {}
    for b in billed:
        by_key.setdefault((b.service, b.charge), []).append(b)
    expected_by_key: dict[tuple[str | None, str], list[Expected]] = {}
    for e in expected:
        expected_by_key.setdefault((e.service, e.charge), []).append(e)
    pairs: list[Pair] = []
    for key in list(expected_by_key) + [k for k in by_key if k not in expected_by_key]:
        pairs += _pair_charge(key, expected_by_key.get(key, []), by_key.get(key, []))
    return pairs


def _pair_charge(key: tuple[str | None, str], expected: list[Expected], billed: list[Billed]) -> list[Pair]:
    service, charge = key
    if not expected:
        return [Pair(service, charge, kind_of(charge), None, [b]) for b in billed]
    pairs = [Pair(service, charge, e.kind, e) for e in expected]
    if len(expected) == 1:
        for b in billed:
            b.tier = expected[0].tier
        pairs[0].billed = list(billed)
        return pairs
    taken: dict[int, Pair] = {}
    extra: list[Pair] = []

    def take(index: int, b: Billed) -> None:
        pair = pairs[index]
        b.tier = pair.expected.tier
        pair.billed.append(b)
        taken[index] = pair

    for b in billed:
        free = [k for k in range(len(pairs)) if k not in taken]
        exact = [k for k in free if pairs[k].expected.quantity == b.quantity
                 and pairs[k].expected.unit_price == b.unit_price]
        priced = [k for k in free if b.unit_price is not None and pairs[k].expected.unit_price == b.unit_price]
        if exact:
            take(exact[0], b)
        elif len(priced) == 1:
            take(priced[0], b)
        elif free:
            take(free[0], b)
        else:
            same = [p for p in pairs if p.expected.unit_price == b.unit_price and b.unit_price is not None]
            if same:
                b.tier = same[0].expected.tier
                same[0].billed.append(b)
            else:
                extra.append(Pair(service, charge, kind_of(charge), None, [b]))
    return pairs + extra
