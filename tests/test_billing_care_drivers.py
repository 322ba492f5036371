"""Billing-care drivers (issue 17): repeat contacts at the window edges, contacts per 1,000 bills, the reasons
that grow and the outliers — every expected value computed by hand in the test."""

from math import comb, sqrt

import pandas as pd
import pytest

from ccanalysis.billing_care import drivers


def contacts(rows):
    """rows: (contact_id, customer_id, start, reason, agent_id)."""
    return pd.DataFrame(rows, columns=["contact_id", "customer_id", "start", "reason", "agent_id"]).assign(
        start=lambda f: pd.to_datetime(f["start"]))


EDGES = contacts([
    ("k1", "C1", "2026-09-01 10:00", "bill_explanation", "A1"),
    ("k2", "C1", "2026-09-08 09:00", "disputed_charge", "A2"),   # 7 days after k1: a repeat_7d (edge included)
    ("k3", "C1", "2026-09-16 18:00", "bill_explanation", "A1"),  # 8 days after k2: not repeat_7d; repeat_30d
    ("k4", "C2", "2026-09-01 10:00", "bill_explanation", "A1"),
    ("k5", "C2", "2026-09-01 15:00", "payment_plan", "A2"),      # same day (0 days): a repeat
    ("k6", "C3", "2026-09-01 23:59", "tariff_change", "A1"),
    ("k7", "C3", "2026-10-01 00:01", "tariff_change", "A1"),     # 30 days later (September has 30): repeat_30d
    ("k8", "C3", "2026-11-01 00:00", "tariff_change", "A1"),     # 31 days after k7: neither
    ("k9", None, "2026-09-01 10:05", "other", "A1"),             # no customer: never a repeat
])


def test_repeat_7d_counts_days_from_the_previous_contact_edge_included():
    flags = drivers.repeat_flags(EDGES, "repeat_7d").set_index(EDGES["contact_id"])
    assert flags["repeat"][flags["repeat"]].index.tolist() == ["k2", "k5"]
    # followed: the contact had a next one of the same customer within 7 days (k1 → k2, k4 → k5)
    assert flags["followed"][flags["followed"]].index.tolist() == ["k1", "k4"]


def test_repeat_30d_edges():
    flags = drivers.repeat_flags(EDGES, "repeat_30d").set_index(EDGES["contact_id"])
    # k2 (7 d), k3 (8 d), k5 (0 d), k7 (30 d, the edge) are repeats; k8 is 31 days after k7
    assert flags["repeat"][flags["repeat"]].index.tolist() == ["k2", "k3", "k5", "k7"]


def test_unknown_definition_names_the_registered_ones():
    with pytest.raises(ValueError, match="repeat: unknown repeat-contact definition 'repeat_8d'.*repeat_7d, repeat_30d"):
        drivers.repeat_flags(EDGES, "repeat_8d")


def test_repeat_rates_by_month():
    rates = drivers.repeat_rates(EDGES, "repeat_7d", by=("month",)).set_index("month")
    # September: k1..k6 and k9 = 7 contacts, repeats k2, k5 → 2/7; October: k7 alone, 0/1
    assert rates.loc["2026-09", "contacts"] == 7 and rates.loc["2026-09", "repeats"] == 2
    assert rates.loc["2026-09", "rate"] == pytest.approx(2 / 7)
    assert rates.loc["2026-10", "repeats"] == 0


def test_contacts_per_1000_bills_sums_the_segments():
    bills = pd.DataFrame({"month": ["2026-09", "2026-09", "2026-10"], "segment": ["home", "business", "home"],
                          "bills_issued": [2000, 1000, 4000]})
    table = drivers.contacts_per_1000_bills(EDGES, bills).set_index(["month", "reason"])
    # September: 3 bill_explanation contacts (k1, k3, k4) ÷ 3,000 bills × 1,000 = 1.0
    assert table.loc[("2026-09", "bill_explanation"), "contacts"] == 3
    assert table.loc[("2026-09", "bill_explanation"), "per_1000_bills"] == pytest.approx(1.0)
    # October: 1 tariff_change ÷ 4,000 × 1,000 = 0.25; a reason absent that month shows 0
    assert table.loc[("2026-10", "tariff_change"), "per_1000_bills"] == pytest.approx(0.25)
    assert table.loc[("2026-10", "payment_plan"), "contacts"] == 0


def _many(month, reason, n):
    return [(f"{month}-{reason}-{i}", f"{reason}{i}", f"{month}-10 10:00", reason, "A1") for i in range(n)]


def test_growing_reasons_month_over_month_with_a_test():
    frame = contacts(_many("2026-08", "disputed_charge", 10) + _many("2026-09", "disputed_charge", 30)
                     + _many("2026-08", "bill_explanation", 20) + _many("2026-09", "bill_explanation", 22))
    bills = pd.DataFrame({"month": ["2026-08", "2026-09"], "bills_issued": [10000, 10000]})
    grow = drivers.growing_reasons(drivers.contacts_per_1000_bills(frame, bills), "2026-09").set_index("reason")
    # disputed_charge: 1.0 → 3.0 per 1,000 bills, growth 3/1 − 1 = 2.0; equal bills: k_M ~ Bin(40, 1/2),
    # p = P(X ≥ 30) = Σ_{k=30}^{40} C(40, k) / 2^40
    assert grow.loc["disputed_charge", "growth"] == pytest.approx(2.0)
    assert grow.loc["disputed_charge", "p_value"] == pytest.approx(sum(comb(40, k) for k in range(30, 41)) / 2 ** 40)
    assert grow.loc["disputed_charge", "growing"]
    # bill_explanation: 2.0 → 2.2, growth 0.10 < threshold 0.20
    assert grow.loc["bill_explanation", "growth"] == pytest.approx(0.10)
    assert not grow.loc["bill_explanation", "growing"]


def test_agent_outliers_against_the_rest_of_the_team():
    frame = pd.DataFrame({"agent_id": ["A"] * 100 + ["B"] * 100 + ["C"] * 100,
                          "followed": [True] * 40 + [False] * 60 + ([True] * 10 + [False] * 90) * 2})
    out = drivers.outliers(frame, "agent_id", "followed").set_index("agent_id")
    # A: 40/100 against the others' 20/200 = 0.10: z = (0.40 − 0.10) / √(0.10 × 0.90 / 100) = 0.30 / 0.03 = 10
    assert out.loc["A", "team_rate"] == pytest.approx(0.10)
    assert out.loc["A", "z"] == pytest.approx(10.0)
    assert out.loc["A", "outlier"]
    # B: 10/100 against 50/200 = 0.25: z = −0.15 / √(0.25 × 0.75 / 100)
    assert out.loc["B", "z"] == pytest.approx(-0.15 / sqrt(0.25 * 0.75 / 100))


def test_small_groups_are_never_outliers():
    frame = pd.DataFrame({"agent_id": ["A"] * 5 + ["B"] * 100, "followed": [True] * 5 + [False] * 100})
    out = drivers.outliers(frame, "agent_id", "followed", min_contacts=20).set_index("agent_id")
    assert not out.loc["A", "outlier"]  # 5/5, but 5 contacts < 20
