"""The dispute register as facts: statuses and their transitions, the state of each dispute, disputes opened
from an audit's claimable findings, credits matched to disputes, aging, deadlines, money at risk, and the
monthly close statement. Pure: plain data in (the register as a DataFrame, an `AuditResult`), rows and
facts out; reading and appending the register is `ccanalysis.io.register`, the words `ccanalysis.i18n.disputes`.

The register (data.md, `data/ENG/disputes.csv`) is append-only: every change is a row carrying the whole
state of the dispute, and the current state of a dispute is its latest row (file order).

    dispute ids    D-<supplier>-<YYYYMM>-<nnn>: numbered from 001 per supplier and month in the order the
                   disputes are opened; a finding is opened once (keyed on its finding_id), so re-running
                   `open` adds nothing and a dispute keeps its id for good
    deadline       the disputed invoice's issue date + the contract's `dispute_window_days`
    aging          days from the first `submitted` row to `as_of` (to the last change once resolved)
    at risk        not yet submitted (detected, validated) with the deadline within AT_RISK_DAYS of `as_of`
    credits        a credit line (AuditResult.credits) moves the dispute it pays to `credited` and, as the
                   audit has read it on an invoice, to `verified`; a dispute set `credited` by hand (the
                   supplier's word) waits in `credited` until the credit is seen
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from difflib import get_close_matches
from typing import TYPE_CHECKING, Any

import pandas as pd

from ccanalysis.errors import InputError, UsageError
from ccanalysis.io.schemas import DISPUTE_STATUSES, TABLES
from ccanalysis.money import ZERO, exact_sum, round_money, to_decimal

if TYPE_CHECKING:
    from ccanalysis.audit.result import AuditResult

#: The register's columns, exactly as data.md lists them.
REGISTER_COLUMNS = list(TABLES["disputes"].columns)
STATUSES = DISPUTE_STATUSES
#: From each status, the statuses a dispute may move to (one table: every change is checked against it).
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "detected": ("validated", "submitted", "cancelled"),
    "validated": ("submitted", "cancelled"),
    "submitted": ("accepted", "partially_accepted", "rejected", "cancelled", "credited", "written_off"),
    "accepted": ("credited", "cancelled"),
    "partially_accepted": ("credited", "cancelled"),
    "rejected": ("submitted", "closed", "written_off"),
    "credited": ("verified",),
    "verified": ("closed",),
    "closed": (),
    "cancelled": (),
    # a retailer's charge (cargos, `ccanalysis.cargos.resolution`): the first row of a charge is submitted
    # (disputed), charge_accepted (accepted as charged) or written_off (not worth disputing)
    "charge_accepted": (),
    "written_off": (),
}
#: Set by the workbook, never by hand: `detected` when a dispute is opened, `verified` when its credit is seen.
AUTOMATIC = ("detected", "verified")
RESOLVED = ("verified", "closed", "cancelled", "charge_accepted", "written_off")
OPEN = tuple(s for s in STATUSES if s not in RESOLVED)
NOT_SUBMITTED = ("detected", "validated")
#: A month cannot be closed while one of its disputes is in one of these (the supplier has not answered).
UNANSWERED = ("detected", "validated", "submitted")
#: Statuses a credit line can pay (the supplier has the claim and has not yet been seen paying it).
CREDITABLE = ("submitted", "accepted", "partially_accepted", "credited")
#: Disputes whose money is withheld from the payment (open claims).
WITHHELD = ("detected", "validated", "submitted", "accepted", "partially_accepted", "credited")
AT_RISK_DAYS = 30

STATE_COLUMNS = ["dispute_id", "supplier", "month", "invoice_id", "check", "service", "charge", "amount_claimed",
                 "status", "status_date", "amount_accepted", "amount_credited", "credit_invoice_id",
                 "submitted_on", "aging_days", "deadline", "days_to_deadline", "at_risk", "expired"]
CARRIED_COLUMNS = ["dispute_id", "month", "invoice_id", "check", "amount_claimed", "status", "deadline",
                   "days_to_deadline"]


class UnknownDispute(UsageError):
    """A dispute id that is not in the register; `close` are the similar ids, `known` how many there are."""

    def __init__(self, dispute_id: str, close: list[str], known: int) -> None:
        hint = (f"; similar ids: {', '.join(close)}" if close else
                f"; the register has {known} dispute(s)" if known else "; the register is empty")
        super().__init__(f"no dispute {dispute_id!r} in the register{hint} "
                         "(list them with `ccanalysis dispute ENG`)")
        self.dispute_id, self.close = dispute_id, close


class IllegalTransition(UsageError):
    """A change the transition table does not allow from the dispute's current status."""

    def __init__(self, dispute_id: str, current: str, wanted: str) -> None:
        allowed = TRANSITIONS[current]
        then = f"it can go to: {', '.join(allowed)}" if allowed else "it is final and cannot change"
        super().__init__(f"dispute {dispute_id} is {current}; it cannot become {wanted}: from {current} {then}")
        self.dispute_id, self.current, self.wanted, self.allowed = dispute_id, current, wanted, allowed


class CloseRefused(InputError):
    """The month cannot be closed: something is pending (`pending`), or it was closed already (`closed_at`)."""

    def __init__(self, message: str, pending: list[Pending] | None = None, closed_at: date | None = None) -> None:
        super().__init__(message)
        self.pending, self.closed_at = list(pending or []), closed_at


# --------------------------------------------------------------------------- the register and its state
def current(register: pd.DataFrame) -> pd.DataFrame:
    """The latest row of each dispute (its current state), in the order the disputes were opened."""
    if register.empty:
        return register.iloc[0:0][REGISTER_COLUMNS].reset_index(drop=True)
    order = pd.Series(range(len(register)), index=register.index)
    first = order.groupby(register["dispute_id"]).transform("min")
    latest = register.assign(_first=first.to_numpy(), _order=order.to_numpy())
    latest = latest.drop_duplicates("dispute_id", keep="last").sort_values(["_first", "_order"])
    return latest[REGISTER_COLUMNS].reset_index(drop=True)


def _row(state: Mapping[str, Any], **changes: Any) -> dict[str, Any]:
    """A register row: the dispute's state carried over with `changes` (the note is never carried)."""
    row = {c: _value(state.get(c)) for c in REGISTER_COLUMNS}
    row["note"] = None
    row.update(changes)
    return row


def _value(value: Any) -> Any:
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value


def _money(value: Any) -> Decimal | None:
    value = _value(value)
    return None if value is None else to_decimal(value)


def _date(value: Any) -> date | None:
    value = _value(value)
    if value is None:
        return None
    return value.date() if hasattr(value, "date") and callable(value.date) else value


def cents(amount: Decimal) -> Decimal:
    """An amount that is whole cents written with two decimals (25 → 25.00); finer amounts unchanged."""
    return round_money(amount) if amount == round_money(amount) else amount


def owed(state: Mapping[str, Any]) -> Decimal:
    """What the supplier owes on a dispute: the credited amount (once credited), else the accepted amount,
    else the claim."""
    for column in ("amount_credited", "amount_accepted", "amount_claimed"):
        amount = _money(state.get(column))
        if amount is not None:
            return amount
    return ZERO


# --------------------------------------------------------------------------- opening disputes
def dispute_prefix(supplier: str, month: str) -> str:
    """The prefix of a month's dispute ids: D-SUPPLIER-YYYYMM-."""
    return f"D-{supplier}-{month.replace('-', '')}-"


def open_disputes(register: pd.DataFrame, result: AuditResult, as_of: date) -> list[dict[str, Any]]:
    """A `detected` row for every finding of `result` with claimable > 0 that the register does not hold yet
    (keyed on finding_id: re-running adds nothing). amount_claimed = the finding's claimable."""
    known = set(register["finding_id"].dropna()) if not register.empty else set()
    prefix = dispute_prefix(result.supplier, result.month)
    taken = [int(i[len(prefix):]) for i in (register["dispute_id"] if not register.empty else [])
             if isinstance(i, str) and i.startswith(prefix) and i[len(prefix):].isdigit()]
    number = max(taken, default=0)
    rows = []
    for finding in result.findings.to_dict("records"):
        claimable = _money(finding.get("claimable"))
        if claimable is None or claimable <= 0 or finding["finding_id"] in known:
            continue
        number += 1
        known.add(finding["finding_id"])
        invoice_id = _value(finding.get("invoice_id")) or (result.invoice_ids[0] if result.invoice_ids else None)
        if invoice_id is None:
            raise InputError(f"finding {finding['finding_id']} of {result.supplier} {result.month} claims "
                             f"{claimable} but names no invoice; a dispute is always about an invoice")
        rows.append(_row({}, dispute_id=f"{prefix}{number:03d}", supplier=result.supplier, invoice_id=invoice_id,
                         month=result.month, finding_id=finding["finding_id"], check=finding["check"],
                         service=_value(finding.get("service")), charge=_value(finding.get("charge")),
                         amount_claimed=claimable, status="detected", status_date=as_of))
    return rows


# --------------------------------------------------------------------------- changes by hand
def parse_amount(text: str) -> Decimal:
    """An amount given on the command line: an exact decimal ≥ 0 in cents (UsageError otherwise)."""
    try:
        amount = to_decimal(text, what="--amount")
    except ValueError as exc:
        raise UsageError(f"{exc}; write an amount such as 120.50") from None
    if amount < 0 or amount != round_money(amount):
        raise UsageError(f"--amount: expected an amount ≥ 0 in cents such as 120.50, got {text!r}")
    return amount


def find(register: pd.DataFrame, dispute_id: str) -> dict[str, Any]:
    """The current state of `dispute_id`; UnknownDispute naming similar ids when the register has none."""
    state = current(register)
    hit = state[state["dispute_id"] == dispute_id]
    if hit.empty:
        ids = [str(i) for i in state["dispute_id"]]
        raise UnknownDispute(dispute_id, get_close_matches(dispute_id, ids, n=5, cutoff=0.6), len(ids))
    return hit.iloc[0].to_dict()


def transition(register: pd.DataFrame, dispute_id: str, status: str, as_of: date, *,
               amount: Decimal | None = None, note: str | None = None,
               credit_invoice_id: str | None = None) -> dict[str, Any]:
    """The row that moves `dispute_id` to `status` by hand, checked against TRANSITIONS.

    `amount`: the accepted amount of `partially_accepted` (required, > 0 and ≤ claimed), the amount of
    `credited` (default: what is owed); `accepted` takes the whole claim. UsageError for anything else."""
    if status not in STATUSES:
        raise UsageError(f"unknown status {status!r}; a dispute's status is one of {', '.join(STATUSES)}")
    if status in AUTOMATIC:
        raise UsageError(f"{status!r} is set by the workbook, not by hand: `detected` when `dispute ... open` "
                         "opens a dispute, `verified` when the audit reads the credit on an invoice")
    state = find(register, dispute_id)
    if status not in TRANSITIONS[state["status"]]:
        raise IllegalTransition(dispute_id, state["status"], status)
    last = _date(state["status_date"])
    if last is not None and as_of < last:
        raise UsageError(f"dispute {dispute_id} last changed on {last.isoformat()}; a change cannot be dated "
                         f"{as_of.isoformat()}, before it")
    claimed = owed({"amount_claimed": state["amount_claimed"]})
    if amount is not None and status not in ("accepted", "partially_accepted", "credited"):
        raise UsageError(f"--amount applies to accepted, partially_accepted and credited, not to {status}")
    if credit_invoice_id is not None and status != "credited":
        raise UsageError(f"--credit-invoice applies to credited, not to {status}")
    changes: dict[str, Any] = {"status": status, "status_date": as_of, "note": note or None}
    if status == "accepted":
        if amount is not None and amount != claimed:
            raise UsageError(f"accepted takes the whole claim ({claimed}); for {amount} use partially_accepted")
        changes["amount_accepted"] = claimed
    elif status == "partially_accepted":
        if amount is None:
            raise UsageError("partially_accepted needs --amount: the amount the supplier accepts")
        if not ZERO < amount <= claimed:
            raise UsageError(f"--amount {amount}: a partial acceptance is more than 0 and at most the claim "
                             f"({claimed}); for nothing accepted use rejected")
        changes["amount_accepted"] = amount
    elif status == "credited":
        credited = owed(state) if amount is None else amount
        if not ZERO < credited <= claimed:
            raise UsageError(f"--amount {credited}: a credit is more than 0 and at most the claim ({claimed})")
        changes.update(amount_credited=credited, credit_invoice_id=credit_invoice_id)
    return _row(state, **changes)


# --------------------------------------------------------------------------- credits
@dataclass(frozen=True)
class CreditMatch:
    """One credit line and the disputes it pays (empty when it pays none the register holds)."""

    invoice_id: str
    line: int
    amount: Decimal  # what the line credits, positive
    credits_invoice_id: str | None
    dispute_ids: tuple[str, ...]
    shares: tuple[Decimal, ...]  # what it pays on each dispute


def match_credits(register: pd.DataFrame, credits: pd.DataFrame, *, supplier: str | None = None
                  ) -> list[CreditMatch]:
    """Which disputes each credit line pays, in this order: the dispute the audit matched (`dispute_id`);
    among the disputes on the invoice the line names (`credits_invoice_id`), one owed exactly the credit,
    else all of them when their sum is the credit; without a named invoice, one dispute of `supplier` owed
    exactly the credit. Ties go to a dispute this credit invoice already paid (so re-running matches the
    same), then to the oldest. Only disputes the supplier has (submitted, accepted, partially accepted,
    credited by hand) can be paid; a line that pays nothing is returned with no dispute."""
    state = current(register)
    matches: list[CreditMatch] = []
    used: set[str] = set()
    for credit in credits.to_dict("records"):
        amount = -to_decimal(credit["amount"])
        invoice_id = str(credit["invoice_id"])
        named = _value(credit.get("credits_invoice_id"))
        pool = [s for s in state.to_dict("records") if s["dispute_id"] not in used and s["invoice_id"] != invoice_id
                and (s["status"] in CREDITABLE
                     or (s["status"] in ("verified", "closed") and s["credit_invoice_id"] == invoice_id))
                and (supplier is None or s["supplier"] == supplier)]
        pool.sort(key=lambda s: s["credit_invoice_id"] != invoice_id)  # stable: the oldest first otherwise
        chosen: list[dict[str, Any]] = []
        if amount > 0:
            by_id = [s for s in pool if s["dispute_id"] == _value(credit.get("dispute_id"))]
            candidates = [s for s in pool if s["invoice_id"] == named] if named else pool
            exact = [s for s in candidates if owed(s) == amount]
            if by_id:
                chosen = by_id
            elif exact:
                chosen = exact[:1]
            elif named and candidates and exact_sum(owed(s) for s in candidates) == amount:
                chosen = candidates
        shares = (amount,) if len(chosen) == 1 else tuple(owed(s) for s in chosen)
        used |= {s["dispute_id"] for s in chosen}
        matches.append(CreditMatch(invoice_id, int(credit["line"]), amount, named,
                                   tuple(s["dispute_id"] for s in chosen), shares))
    return matches


def apply_credits(register: pd.DataFrame, credits: pd.DataFrame, as_of: date, *, supplier: str | None = None
                  ) -> list[dict[str, Any]]:
    """The rows that the credit lines seen on audited invoices write: each paid dispute to `credited`
    (amount_credited, credit_invoice_id) and then `verified`; one credited by hand straight to `verified`.
    A dispute already verified by the same credit gets nothing (re-running adds nothing)."""
    state = {s["dispute_id"]: s for s in current(register).to_dict("records")}
    rows: list[dict[str, Any]] = []
    for match in match_credits(register, credits, supplier=supplier):
        for dispute_id, share in zip(match.dispute_ids, match.shares, strict=True):
            dispute = state[dispute_id]
            if dispute["status"] not in CREDITABLE:
                continue
            paid = {"amount_credited": share, "credit_invoice_id": match.invoice_id, "status_date": as_of}
            if dispute["status"] != "credited":
                rows.append(_row(dispute, status="credited", **paid))
            rows.append(_row(dispute, status="verified", **paid))
    return rows


# --------------------------------------------------------------------------- deadlines, aging, risk
def deadlines(invoice_lines: pd.DataFrame, window_days: Mapping[str, int]) -> dict[str, date]:
    """Each invoice's dispute deadline: its issue date + its supplier's `dispute_window_days`."""
    if invoice_lines.empty:
        return {}
    out: dict[str, date] = {}
    heads = invoice_lines.drop_duplicates(["supplier", "invoice_id"])
    for supplier, invoice_id, issued in zip(heads["supplier"], heads["invoice_id"], heads["issue_date"],
                                            strict=True):
        day = _date(issued)
        if day is not None and supplier in window_days:
            out[str(invoice_id)] = day + timedelta(days=int(window_days[supplier]))
    return out


def state(register: pd.DataFrame, as_of: date, deadline_by_invoice: Mapping[str, date], *,
          supplier: str | None = None) -> pd.DataFrame:
    """The current state of every dispute (of `supplier`) with STATE_COLUMNS: when it was first submitted,
    its aging in days, its deadline and days left (open disputes only), and whether it is at risk (not
    submitted, deadline within AT_RISK_DAYS) or expired (not submitted, deadline passed)."""
    latest = current(register)
    if supplier is not None:
        latest = latest[latest["supplier"] == supplier]
    submitted: dict[str, date] = {}
    for dispute_id, status, day in zip(register.get("dispute_id", []), register.get("status", []),
                                       register.get("status_date", []), strict=True):
        if status == "submitted" and dispute_id not in submitted:
            submitted[dispute_id] = _date(day)
    rows = []
    for s in latest.to_dict("records"):
        is_open = s["status"] in OPEN
        since = submitted.get(s["dispute_id"])
        until = as_of if is_open else _date(s["status_date"])
        deadline = deadline_by_invoice.get(s["invoice_id"])
        days = (deadline - as_of).days if deadline is not None and is_open else None
        waiting = s["status"] in NOT_SUBMITTED and days is not None
        rows.append({**{c: _value(s[c]) for c in STATE_COLUMNS if c in s},
                     "amount_claimed": _money(s["amount_claimed"]), "amount_accepted": _money(s["amount_accepted"]),
                     "amount_credited": _money(s["amount_credited"]), "status_date": _date(s["status_date"]),
                     "submitted_on": since, "aging_days": (until - since).days if since else None,
                     "deadline": deadline, "days_to_deadline": days,
                     "at_risk": bool(waiting and 0 <= days <= AT_RISK_DAYS), "expired": bool(waiting and days < 0)})
    return pd.DataFrame(rows, columns=STATE_COLUMNS)


def money_at_risk(states: pd.DataFrame) -> Decimal:
    """Σ claimed of the disputes at risk of expiring (see `state`)."""
    return exact_sum(states.loc[states["at_risk"].astype(bool), "amount_claimed"]) if not states.empty else ZERO


def carried(register: pd.DataFrame, supplier: str, month: str, as_of: date,
            deadline_by_invoice: Mapping[str, date], *, through: bool = False) -> pd.DataFrame:
    """The supplier's disputes of months before `month` (with `through`, up to and including it) still open,
    with CARRIED_COLUMNS, oldest first: what the supplier report carries forward."""
    states = state(register, as_of, deadline_by_invoice, supplier=supplier)
    months = states["month"].astype(str)
    keep = states["status"].isin(OPEN) & ((months <= month) if through else (months < month))
    out = states[keep].sort_values(["month", "dispute_id"], kind="stable")
    return out[CARRIED_COLUMNS].reset_index(drop=True)


# --------------------------------------------------------------------------- the monthly close
@dataclass(frozen=True)
class Pending:
    """One thing that keeps a month from closing. kind: needs_review (a line nobody matched), no_dispute
    (a claimable finding not in the register), not_submitted (a dispute detected or validated, not yet sent
    to the supplier), unanswered (a dispute submitted that the supplier has not answered)."""

    kind: str
    ref: str  # the invoice id (needs_review), finding id (no_dispute) or dispute id (unanswered)
    line: int | None
    status: str | None
    amount: Decimal | None


@dataclass(frozen=True)
class InvoiceTotals:
    """What the month's invoices ask: header totals where given, else computed from the lines."""

    net: Decimal
    tax: Decimal
    gross: Decimal


def invoice_totals(lines: pd.DataFrame) -> InvoiceTotals | None:
    """The totals the supplier asks for over every invoice in `lines` (invoice-lines rows): an invoice's
    header total_net / total_tax / total_gross when given, else Σ amounts, Σ amount × tax_rate rounded, and
    net + tax. None without lines."""
    if lines.empty:
        return None
    net = tax = gross = ZERO
    for _, invoice in lines.groupby("invoice_id", sort=False):
        inv_net = _header(invoice, "total_net")
        inv_tax = _header(invoice, "total_tax")
        if inv_net is None:
            inv_net = exact_sum(invoice["amount"])
        if inv_tax is None:
            inv_tax = round_money(exact_sum(to_decimal(a) * to_decimal(r)
                                            for a, r in zip(invoice["amount"], invoice["tax_rate"], strict=True)))
        inv_gross = _header(invoice, "total_gross")
        net, tax = net + inv_net, tax + inv_tax
        gross += inv_net + inv_tax if inv_gross is None else inv_gross
    return InvoiceTotals(cents(net), cents(tax), cents(gross))


def _header(invoice: pd.DataFrame, column: str) -> Decimal | None:
    """An invoice's header total (the first value given on its lines), None when not given."""
    values = invoice[column].dropna() if column in invoice else pd.Series(dtype=object)
    return to_decimal(values.iloc[0]) if len(values) else None


@dataclass(frozen=True)
class CloseStatement:
    """The facts of one supplier's monthly close (money net of tax unless named gross)."""

    supplier: str
    month: str
    currency: str
    invoice_ids: tuple[str, ...]
    billed_net: Decimal
    billed_tax: Decimal
    billed_gross: Decimal
    expected_net: Decimal
    expected_tax: Decimal
    expected_gross: Decimal
    agreed: Decimal  # the supplier's accepted amounts on this month's disputes
    credits_received: Decimal  # credit lines on this month's invoices (they already lower what is billed)
    withheld_net: Decimal  # the open claims of this month
    withheld_tax: Decimal
    withheld_gross: Decimal
    to_pay_gross: Decimal  # billed gross − withheld gross
    open_disputes: pd.DataFrame  # CARRIED_COLUMNS: the supplier's open disputes of this and earlier months
    pending: tuple[Pending, ...]
    closed_at: date | None  # when the month was closed already
    closed_forced: bool

    @property
    def can_close(self) -> bool:
        """Whether the month can be closed: nothing pending and not closed yet."""
        return not self.pending and self.closed_at is None

    def close_row(self, closed_at: date, *, forced: bool, note: str | None) -> dict[str, Any]:
        """The row of `closes.csv` that records this close."""
        return {"supplier": self.supplier, "month": self.month, "closed_at": closed_at, "forced": forced,
                "note": note or None, "billed_net": self.billed_net, "expected_net": self.expected_net,
                "to_pay_gross": self.to_pay_gross, "withheld_gross": self.withheld_gross}

    def to_json(self) -> dict[str, Any]:
        """The statement as a JSON object; money as text in the contract currency, whole cents with two
        decimals (finer amounts unchanged)."""
        money = ("billed_net", "billed_tax", "billed_gross", "expected_net", "expected_tax", "expected_gross",
                 "agreed", "credits_received", "withheld_net", "withheld_tax", "withheld_gross", "to_pay_gross")
        return {"supplier": self.supplier, "month": self.month, "currency": self.currency,
                "invoice_ids": list(self.invoice_ids), **{k: f"{cents(getattr(self, k)):f}" for k in money},
                "open_disputes": records(self.open_disputes),
                "pending": [{"kind": p.kind, "ref": p.ref, "line": p.line, "status": p.status,
                             "amount": None if p.amount is None else f"{cents(p.amount):f}"} for p in self.pending],
                "closed_at": self.closed_at, "forced": self.closed_forced}


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as dicts with None for every missing value (strict JSON)."""
    return [{k: _value(v) for k, v in row.items()} for row in frame.to_dict("records")]


def close_statement(result: AuditResult, register: pd.DataFrame, closes: pd.DataFrame, as_of: date,
                    deadline_by_invoice: Mapping[str, date], billed: InvoiceTotals | None) -> CloseStatement:
    """The close statement of `result`'s supplier and month: billed (what the invoices ask, `billed`),
    expected, agreed, credits received, withheld (this month's open claims and claimable findings without a
    dispute, each with its VAT), to pay now, the open disputes of this and earlier months, and what is pending.
    Pending: lines needing review, claimable findings without a dispute, this month's disputes in detected,
    validated or submitted."""
    def tax(amount: Decimal) -> Decimal:
        return round_money(amount * result.tax_rate)

    billed = billed or InvoiceTotals(ZERO, ZERO, ZERO)
    latest = current(register)
    mine = latest[(latest["supplier"] == result.supplier) & (latest["month"] == result.month)]
    pending: list[Pending] = [
        Pending("needs_review", str(r["invoice_id"]), int(r["line"]), None, _money(r["amount"]))
        for r in result.needs_review.to_dict("records")]
    known = set(register["finding_id"].dropna()) if not register.empty else set()
    claims: list[Decimal] = []
    for finding in result.findings.to_dict("records"):
        claimable = _money(finding.get("claimable"))
        if claimable is not None and claimable > 0 and finding["finding_id"] not in known:
            line = _value(finding.get("line"))
            pending.append(Pending("no_dispute", str(finding["finding_id"]), None if line is None else int(line),
                                   None, claimable))
            claims.append(claimable)
    agreed = ZERO
    for dispute in mine.to_dict("records"):
        accepted = _money(dispute["amount_accepted"])
        if accepted is not None and dispute["status"] not in ("cancelled", "rejected"):
            agreed += accepted
        if dispute["status"] in UNANSWERED:
            kind = "unanswered" if dispute["status"] == "submitted" else "not_submitted"
            pending.append(Pending(kind, dispute["dispute_id"], None, dispute["status"],
                                   _money(dispute["amount_claimed"])))
        if dispute["status"] in WITHHELD:
            claims.append(owed(dispute))
    withheld_net = exact_sum(claims)
    withheld_tax = exact_sum(tax(c) for c in claims)
    done = closes[(closes["supplier"] == result.supplier) & (closes["month"] == result.month)] \
        if not closes.empty else closes
    credits_received = exact_sum(-to_decimal(a) for a in result.credits["amount"]) if not result.credits.empty \
        else ZERO
    return CloseStatement(
        supplier=result.supplier, month=result.month, currency=result.currency, invoice_ids=result.invoice_ids,
        billed_net=billed.net, billed_tax=billed.tax, billed_gross=billed.gross,
        expected_net=result.expected_net, expected_tax=tax(result.expected_net),
        expected_gross=result.expected_net + tax(result.expected_net), agreed=agreed,
        credits_received=credits_received, withheld_net=withheld_net, withheld_tax=withheld_tax,
        withheld_gross=withheld_net + withheld_tax, to_pay_gross=billed.gross - withheld_net - withheld_tax,
        open_disputes=carried(register, result.supplier, result.month, as_of, deadline_by_invoice, through=True),
        pending=tuple(pending), closed_at=_date(done["closed_at"].iloc[0]) if not done.empty else None,
        closed_forced=bool(done["forced"].iloc[0]) if not done.empty else False)
