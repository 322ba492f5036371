"""Resolving a retailer's charges: who owns each, accepting, disputing or writing it off through the audit's
append-only dispute register, its aging and deadline, and the cost-to-dispute triage. Pure: plain data in
(charges, the validation, the register as a DataFrame, the agreements' windows and owners), rows and facts
out; reading and appending the register is `ccanalysis.io.register`, the words `ccanalysis.i18n.cargos`.

The register (`data/ENG/disputes.csv`) holds a charge's resolution as disputes of the audit do: supplier =
retailer, invoice_id = document_id, month = the issue month, check = the validation's check code, charge =
the charge's type, dispute_id = `C-<retailer>-<document_id>` (one per charge, for good). Its first row is
one of the ACTIONS:
    dispute    status `submitted`, amount_claimed = the disputable amount (the validation's invalid amount,
               or the amount given)
    accept     status `charge_accepted`, amount_claimed 0 (we accept it as charged)
    write_off  status `written_off`, amount_claimed = what we give up (the disputable amount)
then the retailer's answer moves a dispute as the audit's (`disputes.transition`: accepted, partially_accepted,
rejected, credited), and a submitted or rejected dispute may still be written off.

    deadline      issue_date + the retailer's `dispute_window_days` (`disputes.deadlines`: the one computation)
    aging_days    days from issue_date to `as_of` while the charge is unresolved, to its last register
                  change once resolved
    win rate      of a charge type, from the register's history of cargo disputes: won ÷ answered, where a
                  dispute is answered once the retailer accepted (wholly or partly), credited or rejected it,
                  and won when its latest answer is not a rejection; shrunk toward the pooled win rate of every
                  type (DEFAULT_WIN_RATE with no history at all) with PRIOR_WEIGHT pseudo-disputes:
                  (won + PRIOR_WEIGHT × pooled) ÷ (answered + PRIOR_WEIGHT) — a type with no history gets the
                  pooled rate, one with hundreds of answers its own
    triage        expected recovery = disputable × win rate, against the handling cost of one dispute
                  (engagement `cargos.handling_cost`, EUR): `fight` when expected ≥ FIGHT_MULTIPLE × cost,
                  `write_off` when expected < cost, `marginal` between; a valid charge is `accept`, one that
                  needs evidence `investigate`
    to decide     of a month [start, end]: the charges still undecided (no register row) that were issued in
                  the month, plus older undecided ones whose deadline falls within `disputes.AT_RISK_DAYS`
                  days of `as_of` (still open, not expired); an older charge past its deadline is lost and
                  not listed
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pandas as pd

from ccanalysis import disputes
from ccanalysis.errors import UsageError
from ccanalysis.money import ZERO, round_money, to_decimal
from ccanalysis.registry import Registry

PREFIX = "C-"
PRIOR_WEIGHT = 10
DEFAULT_WIN_RATE = Decimal("0.5")
FIGHT_MULTIPLE = 2
#: Statuses that are an answer of the retailer to a dispute; WON_STATUSES of them are wins.
ANSWER_STATUSES = ("accepted", "partially_accepted", "rejected", "credited", "verified")
WON_STATUSES = ("accepted", "partially_accepted", "credited", "verified")
TRIAGES = ("fight", "marginal", "write_off", "accept", "investigate")
STATE_COLUMNS = ["retailer", "document_id", "type", "owner", "issue_date", "amount", "verdict", "disputable",
                 "dispute_id", "status", "status_date", "amount_claimed", "amount_accepted", "amount_credited",
                 "deadline", "days_to_deadline", "aging_days", "expired", "at_risk", "win_rate",
                 "expected_recovery", "triage"]


@dataclass(frozen=True)
class Action:
    """A decision about a charge: its name (the command's), the register status it writes, and whether the
    amount it records is the disputable amount (dispute, write_off) or nothing (accept)."""

    name: str
    status: str
    records_amount: bool


ACTIONS: Registry[Action] = Registry("cargo action", "actions", key="action")
for _action in (Action("dispute", "submitted", True), Action("accept", "charge_accepted", False),
                Action("write_off", "written_off", True)):
    ACTIONS.register(_action)


def dispute_id(retailer: str, document_id: str) -> str:
    """The register id of a charge's resolution: C-<retailer>-<document_id>."""
    return f"{PREFIX}{retailer}-{document_id}"


def cargo_rows(register: pd.DataFrame) -> pd.DataFrame:
    """The register's rows about retailers' charges (dispute ids starting C-), in file order."""
    if register.empty:
        return register
    return register[register["dispute_id"].astype(str).str.startswith(PREFIX)]


def owner(owners: Mapping[str, str], charge_type: str | None) -> str | None:
    """Who handles a charge of `charge_type` under an agreement's `owners` (an untyped charge: the owner of
    `unidentified`); None when the agreement names nobody."""
    return owners.get(charge_type or "unidentified") or owners.get("unidentified")


def _money(value: Any) -> Decimal | None:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return None
    return to_decimal(value)


def _day(value: Any) -> date | None:
    if value is None or (not isinstance(value, date) and pd.isna(value)):
        return None
    return pd.Timestamp(value).date()


def action_row(register: pd.DataFrame, charge: Mapping[str, Any], action: str, as_of: date, *,
               amount: Decimal | None = None, note: str | None = None) -> dict[str, Any]:
    """The register row that records `action` (ACTIONS) on one charge.

    `charge`: retailer, document_id, issue_date, amount, type, and from the validation check and
    invalid_amount (either may be None). `amount`: what to dispute or write off instead of the invalid amount
    (> 0 and ≤ the charge's amount). The charge's first row opens its dispute id; a later one is a change
    checked by the audit's transition table (UsageError / IllegalTransition otherwise)."""
    record = ACTIONS.get(action)
    retailer, document = str(charge["retailer"]), str(charge["document_id"])
    key = dispute_id(retailer, document)
    charged = to_decimal(charge["amount"])
    if amount is not None and not ZERO < amount <= charged:
        raise UsageError(f"--amount {amount}: more than 0 and at most the charge's amount ({charged}) of "
                         f"{retailer} {document}")
    known = set(register["dispute_id"]) if not register.empty else set()
    if key in known:
        row = disputes.transition(register, key, record.status, as_of, note=note)
        if record.records_amount and amount is not None:
            row["amount_claimed"] = amount
        return row
    claimed = ZERO
    if record.records_amount:
        claimed = amount if amount is not None else _money(charge.get("invalid_amount"))
        if claimed is None or claimed <= 0:
            raise UsageError(f"{retailer} {document}: the validation found nothing invalid to "
                             f"{action.replace('_', ' ')}; give --amount (the amount at stake, ≤ {charged})")
    issued = _day(charge["issue_date"])
    return {**{c: None for c in disputes.REGISTER_COLUMNS}, "dispute_id": key, "supplier": retailer,
            "invoice_id": document, "month": issued.strftime("%Y-%m") if issued else None,
            "check": charge.get("check") or "manual", "charge": charge.get("type"),
            "amount_claimed": round_money(claimed), "status": record.status, "status_date": as_of,
            "note": note or None}


# --------------------------------------------------------------------------- win rates and triage
@dataclass(frozen=True)
class WinRate:
    """A charge type's win rate: `won` of `answered` disputes, the pooled rate it is shrunk toward and the
    shrunk `rate` (see the module doc); all exact."""

    type: str
    won: int
    answered: int
    pooled: Decimal
    rate: Decimal


def _outcomes(register: pd.DataFrame) -> dict[str, tuple[str, bool]]:
    """Each answered cargo dispute: (its type, won)."""
    out: dict[str, tuple[str, bool]] = {}
    rows = cargo_rows(register)
    for key, kind, status in zip(rows.get("dispute_id", []), rows.get("charge", []), rows.get("status", []),
                                 strict=True):
        if status in ANSWER_STATUSES:
            out[key] = (str(kind), status in WON_STATUSES)
    return out


def win_rates(register: pd.DataFrame, types: tuple[str, ...], *, prior_weight: int = PRIOR_WEIGHT
              ) -> dict[str, WinRate]:
    """The win rate of each of `types` from the register's answered cargo disputes (module doc)."""
    outcomes = list(_outcomes(register).values())
    answered_all = len(outcomes)
    pooled = (Decimal(sum(w for _, w in outcomes)) / answered_all) if answered_all else DEFAULT_WIN_RATE
    out = {}
    for kind in types:
        mine = [w for t, w in outcomes if t == kind]
        won, answered = sum(mine), len(mine)
        out[kind] = WinRate(kind, won, answered, pooled,
                            (won + prior_weight * pooled) / (answered + prior_weight))
    return out


def triage(disputable: Decimal | None, win_rate: Decimal, handling_cost: Decimal, *,
           verdict: str | None = None) -> str:
    """fight, marginal or write_off from the expected recovery (disputable × win rate) against the handling
    cost (module doc); `accept` for a valid charge (nothing disputable), `investigate` when it needs evidence."""
    if verdict == "needs_evidence":
        return "investigate"
    if disputable is None or disputable <= 0:
        return "accept"
    expected = disputable * win_rate
    if expected >= FIGHT_MULTIPLE * handling_cost:
        return "fight"
    if expected < handling_cost:
        return "write_off"
    return "marginal"


# --------------------------------------------------------------------------- the state of every charge
def charge_states(charges: pd.DataFrame, register: pd.DataFrame, windows: Mapping[str, int],
                  owners: Mapping[str, Mapping[str, str]], as_of: date, handling_cost: Decimal) -> pd.DataFrame:
    """Every charge (retailer, document_id, issue_date, amount, type; from the validation verdict and
    invalid_amount when present) with STATE_COLUMNS: its owner, its register state (status None while
    nobody decided), deadline and days left, aging, expired (undecided past the deadline), at_risk
    (undecided, deadline within `disputes.AT_RISK_DAYS`), its type's win rate, the expected recovery and
    the triage. `windows`: each retailer's dispute_window_days; `owners`: each retailer's owners by type."""
    latest = {r["dispute_id"]: r for r in disputes.current(cargo_rows(register)).to_dict("records")}
    deadline: dict[tuple[str, str], date] = {}
    for retailer, part in charges.groupby("retailer", sort=False):
        heads = pd.DataFrame({"supplier": part["retailer"], "invoice_id": part["document_id"].astype(str),
                              "issue_date": part["issue_date"]})
        deadline.update({(str(retailer), k): v for k, v in disputes.deadlines(heads, windows).items()})
    types = tuple(sorted({str(t) for t in charges.get("type", pd.Series(dtype=object)).dropna()}))
    rates = win_rates(register, types + ("unidentified",))
    rows = []
    for c in charges.to_dict("records"):
        retailer, document = str(c["retailer"]), str(c["document_id"])
        key = dispute_id(retailer, document)
        state = latest.get(key)
        status = state["status"] if state else None
        kind = c.get("type") if isinstance(c.get("type"), str) else None
        verdict = c.get("verdict") if isinstance(c.get("verdict"), str) else None
        disputable = _money(c.get("invalid_amount"))
        if verdict == "needs_evidence":
            disputable = None
        issued = _day(c["issue_date"])
        due = deadline.get((retailer, document))
        resolved = status in disputes.RESOLVED
        until = _day(state["status_date"]) if resolved else as_of
        undecided = status is None
        days = (due - as_of).days if due is not None and undecided else None
        rate = rates[kind or "unidentified"].rate
        rows.append({
            "retailer": retailer, "document_id": document, "type": kind,
            "owner": owner(owners.get(retailer, {}), kind), "issue_date": issued, "amount": to_decimal(c["amount"]),
            "verdict": verdict, "disputable": disputable, "dispute_id": key if state else None, "status": status,
            "status_date": _day(state["status_date"]) if state else None,
            "amount_claimed": _money(state["amount_claimed"]) if state else None,
            "amount_accepted": _money(state["amount_accepted"]) if state else None,
            "amount_credited": _money(state["amount_credited"]) if state else None,
            "deadline": due, "days_to_deadline": days,
            "aging_days": (until - issued).days if issued and until else None,
            "expired": bool(undecided and days is not None and days < 0),
            "at_risk": bool(undecided and days is not None and 0 <= days <= disputes.AT_RISK_DAYS),
            "win_rate": rate,
            "expected_recovery": None if disputable is None else round_money(disputable * rate),
            "triage": triage(disputable, rate, handling_cost, verdict=verdict)})
    return pd.DataFrame(rows, columns=STATE_COLUMNS, dtype=object)


def to_decide(states: pd.DataFrame, start: date, end: date, as_of: date, *,
              within_days: int = disputes.AT_RISK_DAYS) -> pd.Series:
    """Which of `states` (charge_states rows: issue_date, status, deadline) a month [start, end] must decide
    (module doc "to decide"): a boolean mask on `states`' index."""
    flags = []
    for issued, status, due in zip(states["issue_date"], states["status"], states["deadline"], strict=True):
        undecided = not isinstance(status, str)
        day, deadline = _day(issued), _day(due)
        in_month = day is not None and start <= day <= end
        closing = (deadline is not None and day is not None and day < start
                   and 0 <= (deadline - as_of).days <= within_days)
        flags.append(bool(undecided and (in_month or closing)))
    return pd.Series(flags, index=states.index, dtype=bool)
