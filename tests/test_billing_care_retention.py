"""Billing-care retention (issue 17): a dozen cancellation-threat customers, the raw, matched and
propensity-weighted comparisons, censoring and the net value per discount euro — computed by hand."""

from datetime import date, timedelta
from decimal import Decimal

import pandas as pd
import pytest

from ccanalysis.billing_care import retention as rt
from ccanalysis.collections.calltime import Z95, wilson_interval

DAY = date(2026, 6, 1)
AS_OF = date(2026, 12, 31)
# (customer, margin, discount EUR, type, months, agent, churn days after the index contact or None)
CUSTOMERS = [
    ("L1", 50, Decimal("50.00"), "credit", None, "A1", None),
    ("L2", 50, Decimal("10.00"), "percent_off", 3, "A1", 91),   # day 91: still a customer at 90 days
    ("L3", 50, None, None, None, "A1", 90),                      # day 90: churned within 90 days (edge)
    ("L4", 50, None, None, None, "A2", 10),
    ("L5", 50, None, None, None, "A2", None),
    ("L6", 50, None, None, None, "A2", None),
    ("H1", 200, Decimal("100.00"), "credit", None, "A2", 20),
    ("H2", 200, Decimal("100.00"), "credit", None, "A2", None),
    ("H3", 200, Decimal("40.00"), "credit", None, "A2", None),
    ("H4", 200, Decimal("60.00"), "credit", None, "A2", None),
    ("H5", 200, None, None, None, "A1", 60),
    ("H6", 200, None, None, None, "A1", None),
]


def tables():
    contacts = [(f"t-{c}", c, pd.Timestamp(DAY) + pd.Timedelta(hours=10), "cancellation_threat", a, d, k, m)
                for c, _, d, k, m, a, _ in CUSTOMERS]
    contacts += [("b-L1", "L1", pd.Timestamp("2026-05-20 09:00"), "bill_explanation", "A1", None, None, None),
                 ("t2-L1", "L1", pd.Timestamp("2026-07-01 09:00"), "cancellation_threat", "A1", Decimal("99"),
                  "credit", None),  # a later threat: not the index contact
                 ("t-Z", "Z", pd.Timestamp("2026-11-01 09:00"), "cancellation_threat", "A1", None, None, None)]
    frame = pd.DataFrame(contacts, columns=["contact_id", "customer_id", "start", "reason", "agent_id",
                                            "discount_amount", "discount_type", "discount_months"])
    customers = pd.DataFrame(
        [(c, Decimal(m), "churned" if ch is not None else "active", DAY + timedelta(days=ch) if ch is not None else None)
         for c, m, *_, ch in CUSTOMERS] + [("Z", Decimal(80), "active", None)],
        columns=["customer_id", "monthly_margin", "status", "churn_date"])
    return frame, customers


BANDS = {"margin_edges": (100,)}


def cohort():
    contacts, customers = tables()
    return rt.cohort(contacts, customers, end=AS_OF)


def test_cohort_takes_each_customers_first_threat():
    frame = cohort().set_index("customer_id")
    assert len(frame) == 13
    assert frame.loc["L1", "contact_id"] == "t-L1" and frame.loc["L1", "discount_value"] == Decimal("50.00")
    assert frame.loc["L2", "discount_value"] == Decimal("30.00")  # 10.00 a month × 3
    assert not frame.loc["L3", "discounted"]


def test_raw_comparison_and_censoring():
    raw = rt.raw_comparison(cohort(), 90, AS_OF)
    # Z's index day 1 Nov + 90 = 30 Jan 2027 > 31 Dec: censored. Discounted: L1 L2 H1 H2 H3 H4, churned H1 → 1/6;
    # others: L3 (day 90) L4 H5 churned of L3..L6 H5 H6 → 3/6
    assert raw.censored == 1
    assert (raw.discounted.customers, raw.discounted.churned) == (6, 1)
    assert (raw.not_discounted.customers, raw.not_discounted.churned) == (6, 3)
    assert raw.difference == pytest.approx(1 / 6 - 3 / 6)
    l1, u1 = wilson_interval(1, 6)
    l2, u2 = wilson_interval(3, 6)
    assert (raw.discounted.low, raw.discounted.high) == pytest.approx((l1, u1))
    # Newcombe: −1/3 − √((1/6 − l1)² + (u2 − 1/2)²), −1/3 + √((u1 − 1/6)² + (1/2 − l2)²)
    assert raw.low == pytest.approx(-1 / 3 - ((1 / 6 - l1) ** 2 + (u2 - 0.5) ** 2) ** 0.5)
    assert raw.high == pytest.approx(-1 / 3 + ((u1 - 1 / 6) ** 2 + (0.5 - l2) ** 2) ** 0.5)


def test_30_days_horizon():
    raw = rt.raw_comparison(cohort(), 30, AS_OF)
    # within 30 days: H1 (day 20) of the discounted, L4 (day 10) of the others; Z (1 Nov + 30 = 1 Dec) is observed
    assert (raw.discounted.churned, raw.not_discounted.churned, raw.not_discounted.customers) == (1, 1, 7)


def test_matched_comparison_by_hand():
    est = rt.matched_comparison(cohort(), 90, AS_OF, **BANDS)
    # stratum low margin (<100): treated L1 L2 0/2, control L3..L6 2/4 = 0.5, n = 6
    # stratum high margin: treated H1..H4 1/4 = 0.25, control H5 H6 1/2 = 0.5, n = 6
    # treated = ½·0 + ½·0.25 = 0.125; control = ½·0.5 + ½·0.5 = 0.5; difference −0.375
    assert (est.treated_rate, est.control_rate, est.difference) == pytest.approx((0.125, 0.5, -0.375))
    # variance = ¼(0/2 + 0.25/4) + ¼(0.1875/4 + 0.25/2) = 0.015625 + 0.04296875 = 0.05859375
    half = Z95 * 0.05859375 ** 0.5
    assert (est.low, est.high) == pytest.approx((-0.375 - half, -0.375 + half))
    assert (est.customers, est.strata, est.unmatched) == (12, 2, 0)


def test_unmatched_strata_are_counted_not_used():
    frame = cohort()
    frame = frame[frame["customer_id"] != "H5"]
    frame = frame[frame["customer_id"] != "H6"]  # the high stratum has no control left
    est = rt.matched_comparison(frame, 90, AS_OF, **BANDS)
    assert (est.strata, est.unmatched, est.difference) == (1, 4, pytest.approx(-0.5))  # low stratum: 0 − 0.5


def test_ipw_recovers_the_stratified_difference_on_one_binary_covariate():
    est = rt.ipw_comparison(cohort(), 90, AS_OF, draws=50, seed=1)
    # margin is the only varying covariate (two values): the propensities are 2/6 and 4/6; P(T) = 1/2, weights
    # treated 0.5/(1/3) = 1.5 (low), 0.5/(2/3) = 0.75 (high): (2·1.5·0 + 4·0.75·0.25)/(3 + 3) = 0.125;
    # control 0.75 (low), 1.5 (high): (4·0.75·0.5 + 2·1.5·0.5)/6 = 0.5
    assert (est.treated_rate, est.control_rate) == pytest.approx((0.125, 0.5), abs=1e-3)
    assert est.low <= est.difference <= est.high
    assert est.draws == 50 and est.seed == 1
    again = rt.ipw_comparison(cohort(), 90, AS_OF, draws=50, seed=1)
    assert (again.low, again.high) == (est.low, est.high)  # seeded


def test_net_value_per_discount_euro_by_agent():
    net = rt.net_value(cohort(), 90, AS_OF, "agent_id", **BANDS).set_index("agent_id")
    # control churn 0.5 in both strata. A1: L1, L2 kept 0.5 each → 1.0; margin 50 × 12 × 1.0 = 600; cost 50 + 30
    # = 80; net 520; per euro 6.5. A2: H1 −0.5, H2..H4 +0.5 → 1.0; 200 × 12 × 1.0 = 2400; cost 300; net 2100: 7.0
    assert net.loc["A1", "kept"] == pytest.approx(1.0)
    assert (net.loc["A1", "retained_margin"], net.loc["A1", "discount_cost"], net.loc["A1", "net"]) == (
        Decimal("600.00"), Decimal("80.00"), Decimal("520.00"))
    assert net.loc["A1", "per_euro"] == pytest.approx(6.5)
    assert net.loc["A2", "net"] == Decimal("2100.00") and net.loc["A2", "per_euro"] == pytest.approx(7.0)


def test_tenure_bands():
    frame = pd.DataFrame({"reason": ["r"] * 4, "tenure_months": [float("nan"), 11.9, 12.0, 40.0],
                          "margin": [1.0, 1.0, 1.0, 1.0]})
    banded = rt.strata(frame, margin_edges=(5,))
    assert banded["tenure_band"].tolist() == [-1, 0, 1, 2]  # unknown, <12, 12–35, ≥36
