"""Billing-care discounts (issue 17): value, cost by reason/agent/month and the policy findings — authority
breaches at the limit, a discount without a retention reason, a repeat within N months — by hand."""

from datetime import date
from decimal import Decimal

import pandas as pd
import pytest

from ccanalysis.billing_care import discounts as dc
from ccanalysis.contract import BillingCareSettings

POLICY = dc.policy_from_settings(BillingCareSettings.model_validate({
    "discount_authority": {"default": "50.00", "agents": {"A017": "150.00"}, "by_type": {"percent_off": "80.00"}},
    "retention_reasons": ["cancellation_threat"], "repeat_discount_months": 6}))
COLUMNS = ["contact_id", "customer_id", "start", "reason", "agent_id", "discount_amount", "discount_type",
           "discount_months"]
ROWS = [
    ("c1", "K1", "2026-03-15 10:00", "cancellation_threat", "A001", Decimal("50.00"), "credit", None),  # = limit
    ("c2", "K2", "2026-09-02 10:00", "cancellation_threat", "A001", Decimal("50.01"), "credit", None),  # > 50
    ("c3", "K3", "2026-09-03 10:00", "bill_explanation", "A017", Decimal("120.00"), "credit", 1),  # ≤ 150; reason
    ("c4", "K4", "2026-09-04 10:00", "cancellation_threat", "A002", Decimal("10.00"), "percent_off", 9),  # 90 > 80
    ("c5", "K5", "2026-09-05 10:00", "cancellation_threat", "A017", Decimal("20.00"), "percent_off", 8),  # 160 > 150
    ("c6", "K1", "2026-09-15 10:00", "cancellation_threat", "A001", Decimal("5.00"), "credit", None),  # 6 months
    ("c7", "K6", "2026-03-15 10:00", "cancellation_threat", "A001", Decimal("5.00"), "credit", None),
    ("c8", "K6", "2026-09-16 10:00", "cancellation_threat", "A001", Decimal("5.00"), "credit", None),  # 6 m + 1 d
    ("c9", "K7", "2026-09-06 10:00", "cancellation_threat", "A001", None, None, None),  # no discount
]
CONTACTS = pd.DataFrame(ROWS, columns=COLUMNS).assign(start=lambda f: pd.to_datetime(f["start"]))


def test_value_is_the_credit_or_the_monthly_amount_times_months():
    assert dc.discount_value(Decimal("50.01"), "credit", None) == Decimal("50.01")
    assert dc.discount_value(Decimal("10.00"), "percent_off", 9) == Decimal("90.00")
    assert dc.discount_value(Decimal("3.333"), "percent_off", 3) == Decimal("10.00")  # 9.999 rounded once


def test_discounts_leave_out_contacts_without_one():
    granted = dc.discounts(CONTACTS)
    assert granted["contact_id"].tolist() == ["c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8"]


def test_cost_by_reason_and_multi_month_value():
    granted = dc.discounts(CONTACTS)
    by_reason = dc.discount_cost(granted[granted["month"] == "2026-09"], "reason").set_index("reason")
    # September cancellation_threat: c2 50.01 + c4 90.00 + c5 160.00 + c6 5.00 + c8 5.00 = 310.01
    assert by_reason.loc["cancellation_threat", "value"] == Decimal("310.01")
    assert by_reason.loc["cancellation_threat", "discounts"] == 5
    # multi-month: c4 90.00 + c5 160.00 = 250.00
    assert by_reason.loc["cancellation_threat", "multi_month_value"] == Decimal("250.00")
    assert by_reason.loc["bill_explanation", "value"] == Decimal("120.00")
    totals = dc.totals(granted)
    # all months: 50.00 + 310.01 + 120.00 + 5.00 (c7) = 485.01
    assert totals == {"discounts": 8, "value": Decimal("485.01"), "multi_month_value": Decimal("250.00")}


def test_authority_breaches_agent_limit_wins_over_type_over_default():
    found = [f for f in dc.policy_findings(dc.discounts(CONTACTS), POLICY) if f.code == "over_authority"]
    # c1 50.00 = the default 50.00: not over; c2 50.01 > 50.00; c3 120 ≤ A017's 150; c4 90 > percent_off's 80;
    # c5 160 > A017's own 150 (the agent's limit, not the type's 80)
    assert [(f.contact_id, f.value, f.limit) for f in found] == [
        ("c2", Decimal("50.01"), Decimal("50.00")), ("c4", Decimal("90.00"), Decimal("80.00")),
        ("c5", Decimal("160.00"), Decimal("150.00"))]


def test_no_retention_reason():
    found = [f for f in dc.policy_findings(dc.discounts(CONTACTS), POLICY) if f.code == "no_retention_reason"]
    assert [(f.contact_id, f.reason) for f in found] == [("c3", "bill_explanation")]


def test_repeated_discount_within_six_calendar_months_edge_included():
    found = [f for f in dc.policy_findings(dc.discounts(CONTACTS), POLICY) if f.code == "repeated_discount"]
    # K1: 15 March → 15 September = exactly 6 months: repeated; K6: 15 March → 16 September: not
    assert [(f.contact_id, f.previous_contact_id, f.previous_day) for f in found] == [("c6", "c1", date(2026, 3, 15))]


def test_findings_kept_to_the_month_look_back_into_history():
    found = dc.policy_findings(dc.discounts(CONTACTS), POLICY, month="2026-03")
    assert found == []  # c1 and c7 are within policy; the repeat c6 is a September finding
    assert [f.code for f in dc.policy_findings(dc.discounts(CONTACTS), POLICY, month="2026-09")] == [
        "over_authority", "over_authority", "over_authority", "no_retention_reason", "repeated_discount"]


def test_policy_checks_registry_names_what_exists():
    assert dc.POLICY_CHECKS.names() == ("over_authority", "no_retention_reason", "repeated_discount")
    with pytest.raises(ValueError, match="check: unknown policy check 'x'.*over_authority"):
        dc.POLICY_CHECKS.get("x")


def test_no_authority_in_the_contract_means_no_authority_finding():
    policy = dc.policy_from_settings(BillingCareSettings.model_validate({"repeat_discount_months": 3}))
    found = dc.policy_findings(dc.discounts(CONTACTS), policy)
    assert "over_authority" not in {f.code for f in found}
    # with 3 months K1's 15 March → 15 September is no repeat any more
    assert "repeated_discount" not in {f.code for f in found}
