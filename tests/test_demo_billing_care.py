"""The demo's billing care (`ccanalysis.demo.billing_care`): northwind billing's billing-care records agree
with its daily activity rows, every customer is in the customers file, the retention effect was generated as
its truth file says, the retention fee counts only earned fees and the audit finds every planted unearned fee
and nothing else, while the demo's other lines keep their figures."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest

from ccanalysis import workbook
from ccanalysis.io.schemas import BILLING_REASONS

MONTHS = ("2026-08", "2026-09", "2026-10")


@pytest.fixture(scope="module")
def care(demo_root):
    data = demo_root / "data" / "demo"
    records = pd.concat([pd.read_parquet(data / "contacts" / f"northwind_billing_{m}.parquet") for m in MONTHS],
                        ignore_index=True)
    customers = pd.read_csv(data / "billing_care" / "customers.csv", dtype={"churn_date": str},
                            keep_default_na=False)
    truth = pd.read_csv(data / "truth" / "billing_care_truth.csv", dtype=str, keep_default_na=False)
    activity = pd.read_csv(data / "activity" / "northwind.csv")
    return records, customers, truth, activity


def test_the_records_agree_with_the_billing_activity_rows(care):
    records, _, _, activity = care
    day = records.assign(day=records["start"].dt.strftime("%Y-%m-%d"), within=records["queue_s"] <= 20)
    sums = day.groupby("day").agg(handled=("contact_id", "size"), within=("within", "sum"),
                                  resolved=("resolved", "sum"), talk=("talk_s", "sum"), hold=("hold_s", "sum"),
                                  acw=("acw_s", "sum"))
    rows = activity[activity["service"] == "billing"].set_index("date")
    assert list(sums.index) == list(rows.index)
    assert (sums["handled"] == rows["handled"]).all() and (sums["within"] == rows["answered_within_sl"]).all()
    assert (sums["resolved"] == rows["resolved_first_contact"]).all()
    assert ((sums["talk"] == rows["talk_s"]) & (sums["hold"] == rows["hold_s"]) & (sums["acw"] == rows["acw_s"])).all()


def test_every_record_names_a_known_customer_and_a_reason(care):
    records, customers, _, _ = care
    assert records["customer_id"].isin(set(customers["customer_id"])).all()
    assert set(records["reason"]) == set(BILLING_REASONS)
    threats = records[records["reason"] == "cancellation_threat"]
    assert threats["customer_id"].is_unique  # each threat customer once
    assert set(threats["outcome"]) == {"retained", "not_retained"}
    assert records.loc[records["reason"] != "cancellation_threat", "outcome"].isna().all()
    month = records["start"].dt.strftime("%Y-%m")
    disputed = (records["reason"] == "disputed_charge").groupby(month).mean()
    assert disputed["2026-08"] < disputed["2026-09"] < disputed["2026-10"]  # the reason that grows
    discounted = records[records["discount_type"].notna()]
    assert set(discounted["discount_type"]) == {"credit", "percent_off"}
    assert discounted.loc[discounted["discount_type"] == "percent_off", "discount_months"].isin([3, 6]).all()


def test_the_demo_validates_with_the_billing_care_records_beside_the_rows(demo_engagement):
    eng = demo_engagement
    assert list(eng.billing_care_services()) == [("northwind", "billing")]
    assert {eng.granularity[("northwind", "billing", m)] for m in MONTHS} == {"daily"}
    period = eng.period("northwind", "2026-09")
    assert eng.contacts_for("northwind", "billing", period.start, period.end).empty  # counts: the daily rows
    assert len(eng.billing_care_contacts("northwind", "billing", period.start, period.end)) == 25448  # handled


def test_the_generated_retention_effect_is_in_the_truth_and_in_the_data(care):
    records, customers, truth, _ = care
    value = {(r["kind"], r["horizon_days"]): float(r["value"]) for r in truth.to_dict("records")
             if r["kind"] != "retention_not_earned"}
    # the model's 90-day churn of the threat customers: about 31 % without a discount, 18 % with one
    assert 0.29 < value[("churn_without_discount", "90")] < 0.33 and 0.16 < value[("churn_with_discount", "90")] < 0.20
    assert value[("effect_ate", "90")] == pytest.approx(value[("churn_with_discount", "90")]
                                                        - value[("churn_without_discount", "90")], abs=1e-4)
    # confounding: the discounted would have churned less anyway
    assert value[("churn_without_discount_discounted", "90")] < value[("churn_without_discount_not_discounted", "90")]
    # the draws follow the model: the observed 90-day churn of the not-discounted threat customers is their mean
    threats = records[records["reason"] == "cancellation_threat"].merge(customers, on="customer_id")
    churn = pd.to_datetime(threats["churn_date"].replace("", None))
    within_90 = (churn - threats["start"].dt.normalize()).dt.days <= 90
    plain = ~threats["discount_type"].notna()
    assert within_90[plain].mean() == pytest.approx(value[("churn_without_discount_not_discounted", "90")], abs=0.04)
    assert int(value[("threat_customers", "")]) == len(threats)


def test_the_fee_counts_the_earned_retentions_computed_from_the_files(care, demo_engagement):
    records, customers, _, _ = care
    kept = records[records["outcome"] == "retained"].merge(customers, on="customer_id")
    churn = pd.to_datetime(kept["churn_date"].replace("", None))
    earned = churn.isna() | ((churn - kept["start"].dt.normalize()).dt.days > 30)  # still a customer on day 30
    by_month = {m: int(n) for m, n in earned.groupby(kept["start"].dt.strftime("%Y-%m")).sum().items()}
    for month in MONTHS:
        lines = workbook.expected_invoice(demo_engagement, "northwind", month)
        fee = lines[lines["charge"] == "retention_fee"].iloc[0]
        assert fee["quantity"] == by_month[month]
        assert fee["amount"] == by_month[month] * Decimal("20.00")


def test_the_audit_finds_every_planted_unearned_fee_and_nothing_else(care, demo_engagement):
    _, _, truth, _ = care
    planted = truth[truth["kind"] == "retention_not_earned"]
    assert planted.groupby("month").size().to_dict() == {"2026-08": 2, "2026-10": 3}
    assert sorted(planted.loc[planted["month"] == "2026-08", "value"]) == ["29", "30"]  # the window's edges
    for month in MONTHS:
        result = workbook.audit(demo_engagement, "northwind", month)
        found = result.findings[result.findings["check"] == "retention_not_earned"]
        mine = planted[planted["month"] == month]
        assert found["line"].tolist() == [int(v) for v in mine["line"]]
        assert found["facts"].map(lambda f: f["customer_id"]).tolist() == mine["customer_id"].tolist()
        quantity = result.findings[(result.findings["check"] == "quantity")
                                   & (result.findings["charge"] == "retention_fee")]
        # each planted fee is 20.00, claimed once, by the charge's quantity finding
        assert quantity["claimable"].sum() == Decimal("20.00") * len(mine)
        assert found["claimable"].isna().all()


def test_the_other_lines_keep_their_figures(demo_engagement):
    # the expected invoice's lines before billing care (measured then): the care and billing charges
    before = {"2026-08": ("34722.20", 22345), "2026-09": ("63169.90", 25448), "2026-10": ("73385.35", 25747)}
    for month, (care_tier_2, handled) in before.items():
        lines = workbook.expected_invoice(demo_engagement, "northwind", month)
        care = lines[(lines["charge"] == "care_minutes") & (lines["tier"] == 2)].iloc[0]
        billing = lines[lines["charge"] == "billing_contacts"].iloc[0]
        assert care["amount"] == Decimal(care_tier_2) and billing["quantity"] == handled
