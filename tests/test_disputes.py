"""disputes: the transition table, opening disputes once, changes by hand, credits, aging, deadlines, money
at risk, disputes carried forward and the monthly close statement — on hand-built audit results, every
expected figure computed by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pandas as pd
import pytest

from ccanalysis import disputes
from ccanalysis.audit.result import (
    CREDIT_COLUMNS,
    FINDING_COLUMNS,
    MATCHED_COLUMNS,
    REVIEW_COLUMNS,
    AuditResult,
)
from ccanalysis.disputes import (
    TRANSITIONS,
    IllegalTransition,
    InvoiceTotals,
    UnknownDispute,
    apply_credits,
    carried,
    close_statement,
    current,
    open_disputes,
    transition,
)
from ccanalysis.errors import InputError, UsageError

OCT5 = date(2026, 10, 5)


def finding(finding_id: str, check: str, claimable: str | None, *, line: int | None = None,
            invoice_id: str = "F-9", charge: str = "care_contacts") -> dict:
    return {"finding_id": finding_id, "check": check, "service": "care", "charge": charge, "tier": None,
            "line": line, "invoice_id": invoice_id, "billed": None, "expected": None, "difference": None,
            "claimable": None if claimable is None else D(claimable), "cause": check, "facts": {},
            "evidence": {}, "description": None}


def audit_result(findings=(), *, supplier: str = "acme", month: str = "2026-09", invoice_ids=("F-9",),
                 review=(), credits=(), expected: str = "1000.00", billed: str | None = "1100.00") -> AuditResult:
    """An AuditResult as the audit engine returns it, built by hand."""
    rows = list(findings)
    claimable = sum((r["claimable"] for r in rows if r["claimable"] is not None), D(0))
    return AuditResult(
        supplier=supplier, month=month, currency="EUR", tax_rate=D("0.21"), invoice_ids=tuple(invoice_ids),
        issue_date=date(2026, 10, 2), due_date=date(2026, 12, 1),
        billed_net=None if billed is None else D(billed), billed_header_net=None, expected_net=D(expected),
        claimable=claimable, claimable_tax=(claimable * D("0.21")).quantize(D("0.01")), under_billed=D(0),
        findings=pd.DataFrame(rows, columns=FINDING_COLUMNS),
        needs_review=pd.DataFrame(list(review), columns=REVIEW_COLUMNS),
        lines=pd.DataFrame(columns=MATCHED_COLUMNS),
        credits=pd.DataFrame(list(credits), columns=CREDIT_COLUMNS))


def credit(invoice_id: str, line: int, amount: str, names: str | None = None, dispute_id: str | None = None) -> dict:
    return {"invoice_id": invoice_id, "line": line, "description": "Abono", "amount": D(amount),
            "credits_invoice_id": names, "dispute_id": dispute_id}


def register(*rows: dict) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=disputes.REGISTER_COLUMNS)


SEPTEMBER = audit_result([finding("f-rate", "rate", "25.00", line=2), finding("f-dup", "duplicate", "120.00", line=4),
                          finding("f-unbilled", "unbilled", "0"), finding("f-terms", "payment_terms", None)])


def opened() -> pd.DataFrame:
    return register(*open_disputes(register(), SEPTEMBER, OCT5))


def moved(reg: pd.DataFrame, dispute_id: str, status: str, day: date, **kw) -> pd.DataFrame:
    return pd.concat([reg, register(transition(reg, dispute_id, status, day, **kw))], ignore_index=True)


# --------------------------------------------------------------------------- the transition table
def test_the_transition_table_covers_every_status_and_only_statuses():
    assert set(TRANSITIONS) == set(disputes.STATUSES)
    assert all(set(targets) <= set(disputes.STATUSES) for targets in TRANSITIONS.values())
    assert TRANSITIONS["closed"] == TRANSITIONS["cancelled"] == ()
    assert TRANSITIONS["credited"] == ("verified",)
    assert "submitted" in TRANSITIONS["rejected"]  # a rejected claim can be re-submitted


# --------------------------------------------------------------------------- opening
def test_claimable_findings_become_detected_disputes_numbered_per_supplier_and_month():
    reg = opened()
    assert list(reg["dispute_id"]) == ["D-acme-202609-001", "D-acme-202609-002"]
    assert list(reg["finding_id"]) == ["f-rate", "f-dup"]  # no dispute for 0 or no claim
    assert list(reg["amount_claimed"]) == [D("25.00"), D("120.00")]
    assert set(reg["status"]) == {"detected"} and set(reg["status_date"]) == {OCT5}
    assert list(reg["invoice_id"]) == ["F-9", "F-9"] and list(reg["check"]) == ["rate", "duplicate"]


def test_opening_again_adds_nothing_and_a_new_finding_takes_the_next_number():
    reg = opened()
    assert open_disputes(reg, SEPTEMBER, date(2026, 10, 9)) == []
    later = audit_result([*SEPTEMBER.findings.to_dict("records"), finding("f-qty", "quantity", "7.10")])
    rows = open_disputes(reg, later, date(2026, 10, 9))
    assert [(r["dispute_id"], r["finding_id"], r["amount_claimed"]) for r in rows] == [
        ("D-acme-202609-003", "f-qty", D("7.10"))]


def test_a_cancelled_dispute_is_not_opened_again():
    reg = moved(opened(), "D-acme-202609-001", "cancelled", OCT5)
    assert open_disputes(reg, SEPTEMBER, date(2026, 10, 9)) == []


def test_the_current_state_is_the_latest_row_in_opening_order():
    reg = moved(moved(opened(), "D-acme-202609-002", "submitted", date(2026, 10, 6)),
                "D-acme-202609-001", "validated", date(2026, 10, 7))
    state = current(reg)
    assert list(state["dispute_id"]) == ["D-acme-202609-001", "D-acme-202609-002"]
    assert list(state["status"]) == ["validated", "submitted"]


# --------------------------------------------------------------------------- changes by hand
def test_a_legal_change_carries_the_state_and_sets_the_amounts():
    reg = moved(opened(), "D-acme-202609-002", "submitted", date(2026, 10, 6), note="enviada por correo")
    row = transition(reg, "D-acme-202609-002", "partially_accepted", date(2026, 10, 20), amount=D("100.00"))
    assert row["amount_claimed"] == D("120.00") and row["amount_accepted"] == D("100.00")
    assert row["finding_id"] == "f-dup" and row["note"] is None  # the note is the change's own
    accepted = transition(moved(opened(), "D-acme-202609-001", "submitted", OCT5), "D-acme-202609-001",
                          "accepted", OCT5)
    assert accepted["amount_accepted"] == D("25.00")


def test_an_illegal_change_lists_the_allowed_ones():
    reg = moved(moved(opened(), "D-acme-202609-001", "submitted", OCT5), "D-acme-202609-001", "credited", OCT5)
    with pytest.raises(IllegalTransition, match="from credited it can go to: verified") as info:
        transition(reg, "D-acme-202609-001", "submitted", OCT5)
    assert info.value.exit_code == 2 and info.value.allowed == ("verified",)
    cancelled = moved(opened(), "D-acme-202609-002", "cancelled", OCT5)
    with pytest.raises(IllegalTransition, match="final"):
        transition(cancelled, "D-acme-202609-002", "submitted", OCT5)


def test_an_unknown_dispute_names_similar_ids():
    with pytest.raises(UnknownDispute, match="D-acme-202609-001") as info:
        transition(opened(), "D-acme-202609-01", "submitted", OCT5)
    assert isinstance(info.value, UsageError)
    with pytest.raises(UnknownDispute, match="register is empty"):
        transition(register(), "D-x", "submitted", OCT5)


@pytest.mark.parametrize("status, kw, text", [
    ("partially_accepted", {}, "needs --amount"),
    ("partially_accepted", {"amount": D("120.01")}, "at most the claim"),
    ("partially_accepted", {"amount": D("0")}, "use rejected"),
    ("accepted", {"amount": D("100")}, "use partially_accepted"),
    ("rejected", {"amount": D("10")}, "--amount applies to"),
    ("rejected", {"credit_invoice_id": "F-10"}, "--credit-invoice applies to credited"),
])
def test_amounts_that_do_not_fit_the_change_are_refused(status, kw, text):
    reg = moved(opened(), "D-acme-202609-002", "submitted", OCT5)
    with pytest.raises(UsageError, match=text):
        transition(reg, "D-acme-202609-002", status, OCT5, **kw)


def test_detected_and_verified_are_set_by_the_workbook_and_changes_cannot_go_back_in_time():
    reg = moved(opened(), "D-acme-202609-001", "submitted", date(2026, 10, 6))
    for status in ("verified", "detected"):
        with pytest.raises(UsageError, match="set by the workbook"):
            transition(reg, "D-acme-202609-001", status, OCT5)
    with pytest.raises(UsageError, match="before it"):
        transition(reg, "D-acme-202609-001", "accepted", OCT5)
    with pytest.raises(UsageError, match="unknown status"):
        transition(reg, "D-acme-202609-001", "paid", OCT5)


def test_amounts_from_the_command_line_are_exact_cents():
    assert disputes.parse_amount("120.50") == D("120.50")
    for bad in ("12,50", "1.005", "-3", "abc"):
        with pytest.raises(UsageError):
            disputes.parse_amount(bad)


# --------------------------------------------------------------------------- credits
def submitted_both() -> pd.DataFrame:
    reg = moved(opened(), "D-acme-202609-001", "submitted", date(2026, 10, 6))
    return moved(reg, "D-acme-202609-002", "submitted", date(2026, 10, 6))


def test_a_credit_naming_the_invoice_credits_and_verifies_the_dispute_it_pays_once():
    reg = moved(submitted_both(), "D-acme-202609-002", "partially_accepted", date(2026, 10, 20),
                amount=D("100.00"))
    credits = pd.DataFrame([credit("F-10", 7, "-100.00", names="F-9")], columns=CREDIT_COLUMNS)
    rows = apply_credits(reg, credits, date(2026, 11, 3))
    assert [(r["dispute_id"], r["status"], r["amount_credited"], r["credit_invoice_id"]) for r in rows] == [
        ("D-acme-202609-002", "credited", D("100.00"), "F-10"), ("D-acme-202609-002", "verified", D("100.00"), "F-10")]
    assert rows[1]["amount_accepted"] == D("100.00")
    assert apply_credits(pd.concat([reg, register(*rows)], ignore_index=True), credits, date(2026, 11, 4)) == []


def test_one_credit_pays_one_of_two_equal_disputes_and_the_same_one_on_every_run():
    reg = opened()
    reg["amount_claimed"] = [D("50.00"), D("50.00")]
    for dispute_id in ("D-acme-202609-001", "D-acme-202609-002"):
        reg = moved(reg, dispute_id, "submitted", date(2026, 10, 6))
    credits = pd.DataFrame([credit("F-10", 3, "-50.00")], columns=CREDIT_COLUMNS)
    rows = apply_credits(reg, credits, date(2026, 11, 3), supplier="acme")
    assert {r["dispute_id"] for r in rows} == {"D-acme-202609-001"}
    again = pd.concat([reg, register(*rows)], ignore_index=True)
    assert apply_credits(again, credits, date(2026, 11, 4), supplier="acme") == []
    assert apply_credits(reg, credits, date(2026, 11, 3), supplier="other") == []


def test_a_credit_of_the_whole_claim_pays_every_dispute_of_the_named_invoice():
    credits = pd.DataFrame([credit("F-10", 1, "-145.00", names="F-9")], columns=CREDIT_COLUMNS)
    rows = apply_credits(submitted_both(), credits, date(2026, 11, 3))
    verified = {r["dispute_id"]: r["amount_credited"] for r in rows if r["status"] == "verified"}
    assert verified == {"D-acme-202609-001": D("25.00"), "D-acme-202609-002": D("120.00")}


def test_a_dispute_credited_by_hand_is_verified_when_the_credit_is_seen():
    reg = moved(submitted_both(), "D-acme-202609-001", "credited", date(2026, 10, 25), note="dicen que abonan")
    assert current(reg)["status"].tolist() == ["credited", "submitted"]
    credits = pd.DataFrame([credit("F-10", 2, "-25.00", dispute_id="D-acme-202609-001")], columns=CREDIT_COLUMNS)
    rows = apply_credits(reg, credits, date(2026, 11, 3))
    assert [(r["status"], r["credit_invoice_id"]) for r in rows] == [("verified", "F-10")]


def test_a_credit_that_pays_no_dispute_the_supplier_has_changes_nothing_and_is_reported():
    credits = pd.DataFrame([credit("F-10", 5, "-25.00", names="F-9"), credit("F-10", 6, "-99.00", names="F-9")],
                           columns=CREDIT_COLUMNS)
    assert apply_credits(opened(), credits, date(2026, 11, 3)) == []  # detected: not yet claimed
    matches = disputes.match_credits(submitted_both(), credits)
    assert [(m.line, m.dispute_ids) for m in matches] == [(5, ("D-acme-202609-001",)), (6, ())]


# --------------------------------------------------------------------------- aging, deadlines, risk
DEADLINES = {"F-9": date(2026, 12, 31), "F-8": date(2026, 11, 30)}  # issue 2026-10-02 + 90 days = 2026-12-31


def test_deadlines_are_the_issue_date_plus_the_dispute_window():
    lines = pd.DataFrame({"supplier": ["acme", "acme", "beta"], "invoice_id": ["F-9", "F-9", "B-1"],
                          "issue_date": pd.to_datetime(["2026-10-02", "2026-10-02", "2026-10-31"])})
    assert disputes.deadlines(lines, {"acme": 90, "beta": 60}) == {"F-9": date(2026, 12, 31),
                                                                   "B-1": date(2026, 12, 30)}


def test_aging_counts_from_the_first_submission_and_risk_is_for_unsubmitted_disputes_near_the_deadline():
    reg = moved(opened(), "D-acme-202609-001", "submitted", date(2026, 10, 6))
    states = disputes.state(reg, date(2026, 11, 5), DEADLINES).set_index("dispute_id")
    assert states.loc["D-acme-202609-001", "aging_days"] == 30  # 6 Oct → 5 Nov
    assert pd.isna(states.loc["D-acme-202609-002", "aging_days"])
    assert states.loc["D-acme-202609-002", "days_to_deadline"] == 56  # 5 Nov → 31 Dec
    assert not states["at_risk"].any()
    near = disputes.state(reg, date(2026, 12, 10), DEADLINES).set_index("dispute_id")
    assert near.loc["D-acme-202609-002", "days_to_deadline"] == 21
    assert bool(near.loc["D-acme-202609-002", "at_risk"]) and not near.loc["D-acme-202609-001", "at_risk"]
    assert disputes.money_at_risk(near.reset_index()) == D("120.00")
    late = disputes.state(reg, date(2027, 1, 2), DEADLINES).set_index("dispute_id")
    assert bool(late.loc["D-acme-202609-002", "expired"]) and not late.loc["D-acme-202609-002", "at_risk"]


def test_aging_stops_when_a_dispute_is_resolved():
    reg = moved(moved(opened(), "D-acme-202609-001", "submitted", date(2026, 10, 6)), "D-acme-202609-001",
                "cancelled", date(2026, 10, 16))
    states = disputes.state(reg, date(2026, 12, 1), DEADLINES).set_index("dispute_id")
    assert states.loc["D-acme-202609-001", "aging_days"] == 10
    assert pd.isna(states.loc["D-acme-202609-001", "days_to_deadline"])


def test_disputes_carried_are_the_open_ones_of_earlier_months():
    august = audit_result([finding("f-aug", "rate", "40.00", invoice_id="F-8")], month="2026-08",
                          invoice_ids=("F-8",))
    reg = pd.concat([register(*open_disputes(register(), august, date(2026, 9, 5))), opened()], ignore_index=True)
    out = carried(reg, "acme", "2026-09", date(2026, 11, 1), DEADLINES)
    assert list(out.columns) == disputes.CARRIED_COLUMNS
    assert out.to_dict("records") == [{"dispute_id": "D-acme-202608-001", "month": "2026-08", "invoice_id": "F-8",
                                       "check": "rate", "amount_claimed": D("40.00"), "status": "detected",
                                       "deadline": date(2026, 11, 30), "days_to_deadline": 29}]
    reg = moved(reg, "D-acme-202608-001", "cancelled", date(2026, 10, 1))
    assert carried(reg, "acme", "2026-09", date(2026, 11, 1), DEADLINES).empty
    assert carried(reg, "other", "2026-09", date(2026, 11, 1), DEADLINES).empty


# --------------------------------------------------------------------------- the close
def test_invoice_totals_take_the_header_when_given_and_the_lines_otherwise():
    lines = pd.DataFrame({"invoice_id": ["F-9", "F-9", "C-1"], "amount": [D("600.00"), D("500.00"), D("-10.00")],
                          "tax_rate": [D("0.21")] * 3, "total_net": [D("1350.00"), D("1350.00"), None],
                          "total_tax": [D("283.50"), D("283.50"), None],
                          "total_gross": [D("1633.50"), D("1633.50"), None]})
    # F-9 asks its header (over-stated by 250); C-1: -10.00 net, -2.10 VAT
    assert disputes.invoice_totals(lines) == InvoiceTotals(D("1340.00"), D("281.40"), D("1621.40"))
    assert disputes.invoice_totals(lines.iloc[0:0]) is None


BILLED = InvoiceTotals(D("1100.00"), D("231.00"), D("1331.00"))


def test_a_month_with_claims_unopened_and_unanswered_disputes_is_pending():
    review = [{"invoice_id": "F-9", "line": 6, "description": "Servicio extra", "amount": D("12.00"),
               "suggested_service": None, "suggested_charge": None, "confidence": 0.4}]
    result = audit_result(SEPTEMBER.findings.to_dict("records"), review=review)
    statement = close_statement(result, register(), pd.DataFrame(), OCT5, DEADLINES, BILLED)
    kinds = [(p.kind, p.ref, p.line, p.amount) for p in statement.pending]
    assert kinds == [("needs_review", "F-9", 6, D("12.00")), ("no_dispute", "f-rate", 2, D("25.00")),
                     ("no_dispute", "f-dup", 4, D("120.00"))]
    assert statement.withheld_net == D("145.00") and statement.withheld_tax == D("30.45")  # 5.25 + 25.20
    assert not statement.can_close
    statement = close_statement(SEPTEMBER, submitted_both(), pd.DataFrame(), OCT5, DEADLINES, BILLED)
    assert [(p.kind, p.ref, p.status) for p in statement.pending] == [
        ("unanswered", "D-acme-202609-001", "submitted"), ("unanswered", "D-acme-202609-002", "submitted")]


def test_the_close_statement_of_an_answered_month():
    reg = moved(submitted_both(), "D-acme-202609-001", "accepted", date(2026, 10, 20))
    reg = moved(reg, "D-acme-202609-002", "partially_accepted", date(2026, 10, 20), amount=D("100.00"))
    result = audit_result(SEPTEMBER.findings.to_dict("records"),
                          credits=[credit("F-9", 9, "-30.00", names="F-8")])
    s = close_statement(result, reg, pd.DataFrame(), date(2026, 10, 21), DEADLINES, BILLED)
    assert s.pending == () and s.can_close
    assert (s.billed_net, s.billed_tax, s.billed_gross) == (D("1100.00"), D("231.00"), D("1331.00"))
    assert (s.expected_net, s.expected_tax, s.expected_gross) == (D("1000.00"), D("210.00"), D("1210.00"))
    assert s.agreed == D("125.00") and s.credits_received == D("30.00")
    # withheld: 25.00 + 100.00 accepted and not yet credited; VAT 5.25 + 21.00
    assert (s.withheld_net, s.withheld_tax, s.withheld_gross) == (D("125.00"), D("26.25"), D("151.25"))
    assert s.to_pay_gross == D("1179.75")  # 1331.00 − 151.25
    assert list(s.open_disputes["dispute_id"]) == ["D-acme-202609-001", "D-acme-202609-002"]
    row = s.close_row(date(2026, 10, 21), forced=False, note=None)
    assert row == {"supplier": "acme", "month": "2026-09", "closed_at": date(2026, 10, 21), "forced": False,
                   "note": None, "billed_net": D("1100.00"), "expected_net": D("1000.00"),
                   "to_pay_gross": D("1179.75"), "withheld_gross": D("151.25")}
    closes = pd.DataFrame([row])
    again = close_statement(result, reg, closes, date(2026, 10, 22), DEADLINES, BILLED)
    assert again.closed_at == date(2026, 10, 21) and not again.can_close


def test_a_rejected_or_cancelled_claim_is_neither_agreed_nor_withheld():
    reg = moved(submitted_both(), "D-acme-202609-001", "rejected", date(2026, 10, 20))
    reg = moved(reg, "D-acme-202609-002", "cancelled", date(2026, 10, 20))
    s = close_statement(SEPTEMBER, reg, pd.DataFrame(), date(2026, 10, 21), DEADLINES, BILLED)
    assert s.pending == () and s.agreed == D("0") and s.withheld_gross == D("0") and s.to_pay_gross == D("1331.00")
    assert list(s.open_disputes["status"]) == ["rejected"]  # still open: re-submit or close it


# --------------------------------------------------------------------------- words
def test_every_word_of_the_register_and_the_close_is_in_both_languages_with_the_same_fields():
    import string

    from ccanalysis.i18n import disputes as words

    assert set(words.STATUS_NAMES) == set(disputes.STATUSES)
    assert set(disputes.STATE_COLUMNS) | set(disputes.REGISTER_COLUMNS) <= set(words.HEADINGS)
    for catalogue in (words.STATUS_NAMES, words.HEADINGS, words.WORDS):
        for key, entry in catalogue.items():
            assert set(entry) == {"es", "en"} and all(entry.values()), key
            fields = [{f for _, f, _, _ in string.Formatter().parse(text) if f} for text in entry.values()]
            assert fields[0] == fields[1], key
    assert {"needs_review", "no_dispute", "not_submitted", "unanswered"} <= set(words.WORDS)  # Pending kinds


@pytest.mark.parametrize("start", disputes.STATUSES)
def test_every_change_by_hand_is_allowed_exactly_when_the_table_says(start):
    reg = opened().iloc[:1].copy()
    reg["status"] = start
    for target in disputes.STATUSES:
        kw = {"amount": D("10.00")} if target == "partially_accepted" else {}
        if target in disputes.AUTOMATIC:
            with pytest.raises(UsageError, match="set by the workbook"):
                transition(reg, "D-acme-202609-001", target, OCT5, **kw)
        elif target in TRANSITIONS[start]:
            assert transition(reg, "D-acme-202609-001", target, OCT5, **kw)["status"] == target
        else:
            with pytest.raises(IllegalTransition):
                transition(reg, "D-acme-202609-001", target, OCT5, **kw)


def test_a_claim_without_an_invoice_is_an_error_not_an_unreadable_row():
    result = audit_result([finding("f-x", "rate", "5.00", invoice_id=None)], invoice_ids=())
    with pytest.raises(InputError, match="names no invoice"):
        open_disputes(register(), result, OCT5)
