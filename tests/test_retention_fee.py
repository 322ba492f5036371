"""The retention fee (spec: billing care): a charge on the billable unit `retained_customer` is earned per
retained contact (outcome `retained`) whose customer is still a customer `retention_window_days` after the
contact's day; the expected invoice counts only earned fees, and the audit's `retention_not_earned` names each
fee line on a customer who churned inside the window, its money claimed once (in the charge's quantity
finding)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pandas as pd
import pytest

from ccanalysis import expected_invoice
from ccanalysis.audit.checks import CHECKS
from ccanalysis.engagement import load
from ccanalysis.pricing.units import UNITS, retention_outcomes
from ccanalysis.workbook import accrual_days, audit
from tests.engagements import activity_row, contract, load_problems, one_problem, write_engagement

WINDOW = 30  # N: the contract's retention_window_days


def fee_contract(window=WINDOW) -> dict:
    c = contract()
    service = c["services"][0]
    service["billing_care"] = {"discount_authority": {"default": "50.00"}}
    service["charges"].append({"id": "retention_fee", "description": "Cliente retenido", "unit": "retained_customer",
                               "model": "per_unit", "unit_price": "25.00", "retention_window_days": window})
    return c


def contact(cid: str, customer: str, outcome: str = "retained", start: str = "2026-09-01 10:00:00") -> dict:
    return {"contact_id": cid, "supplier": "acme", "service": "care", "start": start, "queue_s": 8, "answered": True,
            "abandoned": False, "talk_s": 300, "hold_s": 0, "acw_s": 30, "customer_id": customer,
            "reason": "cancellation_threat", "agent_id": "A001", "outcome": outcome}


def customer(cid: str, churn_date: str = "") -> dict:
    return {"customer_id": cid, "monthly_margin": "20.00", "status": "churned" if churn_date else "active",
            "churn_date": churn_date}


# The retention contacts are all on 1 September (day 0); day N−1 = 30 September, day N = 1 October,
# day N+1 = 2 October.
CUSTOMERS = [customer("C29", "2026-09-30"), customer("C30", "2026-10-01"), customer("C31", "2026-10-02"),
             customer("C00")]
CONTACTS = [contact("K1", "C29"), contact("K2", "C30"), contact("K3", "C31"), contact("K4", "C00"),
            contact("K5", "C00", outcome="", start="2026-09-02 09:00:00")]


def fee_line(line: int, customer_id: str) -> dict:
    return {"invoice_id": "AC-2609", "issue_date": "2026-10-03", "period_start": "2026-09-01",
            "period_end": "2026-09-30", "line": line, "service": "care", "charge": "retention_fee",
            "description": f"Cliente retenido {customer_id}", "quantity": 1, "unit": "retained_customer",
            "unit_price": "25.00", "amount": "25.00", "tax_rate": "0.21", "customer_id": customer_id}


def invoice() -> list[dict]:
    contacts = {**fee_line(1, ""), "charge": "care_contacts", "description": "Contacto atendido", "quantity": 5,
                "unit": "handled_contact", "unit_price": "1.50", "amount": "7.50", "customer_id": ""}
    # the supplier bills every retained contact: C29, C30, C31 and C00
    return [contacts] + [fee_line(i, c) for i, c in enumerate(["C29", "C30", "C31", "C00"], start=2)]


def engagement(tmp_path, contacts=CONTACTS, customers=CUSTOMERS, lines=None, rows=None, window=WINDOW):
    tables = {"contacts/care.csv": contacts, "billing_care/customers.csv": customers,
              "invoices/acme/2026-09.csv": lines if lines is not None else invoice()}
    if rows is not None:
        tables["activity/care.csv"] = rows
    write_engagement(tmp_path, contracts=[fee_contract(window)], tables=tables)
    return load("tiny", root=tmp_path)


def test_retained_customer_is_one_record_in_the_units_registry():
    unit = UNITS.get("retained_customer")
    assert unit.contact_columns == ("outcome", "customer_id")
    assert "retention_window_days" in unit.charge_keys


def test_churn_on_day_n_minus_1_and_n_is_not_earned_on_day_n_plus_1_it_is():
    records = pd.DataFrame(CONTACTS).assign(start=lambda f: pd.to_datetime(f["start"]))
    customers = pd.DataFrame(CUSTOMERS).assign(churn_date=lambda f: pd.to_datetime(f["churn_date"]))
    out = retention_outcomes(records, customers, WINDOW)
    assert out["customer_id"].tolist() == ["C29", "C30", "C31", "C00"]  # K5 is not a retention
    assert out["days_to_churn"].tolist() == [29, 30, 31, None]
    # churn day 29 (N−1): not earned; day 30 (N): not a customer on day N, not earned; day 31 (N+1): earned
    assert out["earned"].tolist() == [False, False, True, True]
    assert out["churn_date"].tolist()[:3] == [date(2026, 9, 30), date(2026, 10, 1), date(2026, 10, 2)]


def test_a_customer_missing_from_the_customers_cannot_be_shown_to_stay():
    records = pd.DataFrame([contact("K1", "C77")]).assign(start=lambda f: pd.to_datetime(f["start"]))
    assert retention_outcomes(records, pd.DataFrame(CUSTOMERS[:1]), WINDOW)["earned"].tolist() == [False]


def test_the_expected_invoice_counts_only_earned_fees(tmp_path):
    eng = engagement(tmp_path)
    lines = expected_invoice(eng, "acme", "2026-09")
    fee = lines[lines["charge"] == "retention_fee"].iloc[0]
    # earned: C31 (churned on day 31) and C00 (active) = 2 × 25.00 = 50.00
    assert (fee["quantity"], fee["amount"]) == (2, Decimal("50.00"))
    handled = lines[lines["charge"] == "care_contacts"].iloc[0]
    assert (handled["quantity"], handled["amount"]) == (5, Decimal("7.50"))  # 5 contacts × 1.50


def test_a_window_of_29_days_earns_the_churn_on_day_30(tmp_path):
    # with N = 29 the customer who churned on day 30 stayed past the window: C30, C31, C00 = 3 fees
    lines = expected_invoice(engagement(tmp_path, window=29), "acme", "2026-09")
    assert lines.loc[lines["charge"] == "retention_fee", "quantity"].tolist() == [3]


def test_the_audit_finds_the_unearned_fee_lines_and_claims_them_once(tmp_path):
    result = audit(engagement(tmp_path), "acme", "2026-09", lang="en")
    findings = result.findings
    unearned = findings[findings["check"] == "retention_not_earned"]
    assert unearned["line"].tolist() == [2, 3]  # the fee lines of C29 and C30
    assert unearned["cause"].tolist() == ["churned_in_window"] * 2
    assert [f["days_to_churn"] for f in unearned["facts"]] == [29, 30]
    assert "left on 2026-09-30 (29 days later, inside the contract's 30-day window)" in unearned["description"].iloc[0]
    assert unearned["claimable"].tolist() == [None] * 2  # named, never claimed again
    # billed 4 fees × 25.00 = 100.00, earned 2 × 25.00 = 50.00: the quantity finding claims 50.00, once
    quantity = findings[(findings["check"] == "quantity") & (findings["charge"] == "retention_fee")]
    assert quantity["claimable"].tolist() == [Decimal("50.00")]
    assert result.claimable == Decimal("50.00")
    assert not CHECKS.get("retention_not_earned").claimable


def test_a_fee_on_a_customer_not_retained_in_the_period(tmp_path):
    lines = invoice() + [fee_line(6, "C00")]  # C00 billed twice, retained once
    lines[-1]["description"] = "Cliente retenido C00 (2)"
    lines.append(fee_line(7, "C99"))
    result = audit(engagement(tmp_path, customers=CUSTOMERS + [customer("C99")], lines=lines), "acme", "2026-09",
                   lang="en")
    unearned = result.findings[result.findings["check"] == "retention_not_earned"]
    assert unearned["line"].tolist() == [2, 3, 6, 7]
    assert unearned["cause"].tolist()[2:] == ["more_fees_than_retentions", "no_retained_contact"]
    # billed 6 fees, earned 2: (6 − 2) × 25.00 = 100.00 claimed by the quantity finding only
    assert result.claimable == Decimal("100.00")


def test_a_correct_invoice_has_no_retention_finding(tmp_path):
    lines = [line for line in invoice() if line["customer_id"] not in ("C29", "C30")]
    result = audit(engagement(tmp_path, lines=lines), "acme", "2026-09")
    assert result.findings.empty and result.claimable == Decimal("0.00")


def test_records_beside_activity_rows_earn_the_fee_and_the_accrual_adds_up(tmp_path):
    # the counts come from the daily rows (6 handled × 1.50 = 9.00); the fee from the billing-care records
    rows = [activity_row("2026-09-01", 4, 4), activity_row("2026-09-02", 2, 2)]
    eng = engagement(tmp_path, rows=rows)
    lines = expected_invoice(eng, "acme", "2026-09")
    assert lines.set_index("charge")["amount"].to_dict() == {"care_contacts": Decimal("9.00"),
                                                             "retention_fee": Decimal("50.00")}
    days = dict(accrual_days(eng, "acme", "2026-09"))
    fee = {day: next(line.amount for line in lines if line.charge == "retention_fee")
           for day, lines in days.items() if day <= date(2026, 9, 2)}
    # the four retention contacts are on 1 September: both earned fees accrue that day
    assert fee == {date(2026, 9, 1): Decimal("50.00"), date(2026, 9, 2): Decimal("50.00")}


def test_the_charge_needs_its_window_and_the_customers(tmp_path):
    c = fee_contract()
    del c["services"][0]["charges"][1]["retention_window_days"]
    write_engagement(tmp_path, contracts=[c], tables={"contacts/care.csv": CONTACTS})
    one_problem(load_problems(tmp_path), column="services[0].charges[1].retention_window_days",
                text="required for unit retained_customer")
    write_engagement(tmp_path, contracts=[fee_contract()], tables={"contacts/care.csv": CONTACTS})
    one_problem(load_problems(tmp_path), file="parameters/tiny/contracts/acme.yaml",
                column="services[care].charges[1]", text="needs data/tiny/billing_care/customers.csv")


@pytest.mark.parametrize("window", ["30.5", 0])
def test_the_window_is_whole_days(tmp_path, window):
    c = fee_contract(window)
    write_engagement(tmp_path, contracts=[c], tables={"contacts/care.csv": CONTACTS,
                                                      "billing_care/customers.csv": CUSTOMERS})
    problems = load_problems(tmp_path) if window == 0 else None
    if problems is not None:
        one_problem(problems, column="services[0].charges[1].retention_window_days")
        return
    from ccanalysis.errors import ContractError

    with pytest.raises(ContractError, match="retention_window_days is whole days"):
        expected_invoice(load("tiny", root=tmp_path), "acme", "2026-09")
