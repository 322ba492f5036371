"""Contact records → activity: counts per threshold, intervals, exact sums, distinct customers."""

from datetime import date
from decimal import Decimal

import pandas as pd
import pytest

from ccanalysis import contacts as contact_records
from ccanalysis.contacts import distinct_customers, to_activity
from ccanalysis.errors import UsageError


@pytest.fixture
def contacts():
    # six contacts of one service on Monday 2026-01-05 and one on Tuesday
    return pd.DataFrame({
        "contact_id": ["a", "b", "c", "d", "e", "f", "g"],
        "supplier": ["northwind"] * 7,
        "service": ["care"] * 6 + ["billing"],
        "start": pd.to_datetime(["2026-01-05 09:05", "2026-01-05 09:20", "2026-01-05 09:40", "2026-01-05 09:45",
                                 "2026-01-05 10:10", "2026-01-06 08:00", "2026-01-05 09:00"]),
        "queue_s": [10, 20, 21, 4, 6, 15, 1],
        "answered": [True, True, True, False, False, True, True],
        "abandoned": [False, False, False, True, True, False, False],
        "talk_s": pd.Series([Decimal("100.5"), 200, 300, 0, 0, 50, 10], dtype=object),
        "hold_s": [10, 0, 0, 0, 0, 0, 0],
        "acw_s": [20, 20, 20, 0, 0, 20, 5],
        "customer_id": ["k1", "k2", "k1", "k3", None, "k1", "k9"],
        "outcome": ["sale", None, "payment", None, None, "payment", None],
        "amount": pd.Series([None, None, Decimal("10.10"), None, None, Decimal("5"), None], dtype=object),
        "resolved": [True, False, True, False, False, True, True],
    })


def test_daily_activity(contacts):
    activity = to_activity(contacts, threshold_s=20, short_abandon_s=5)
    care = activity[(activity["service"] == "care") & (activity["date"] == pd.Timestamp("2026-01-05"))]
    row = care.iloc[0]
    assert len(care) == 1 and len(activity) == 3
    # Monday care: a, b, c answered (queue 10, 20, 21); d, e abandoned (queue 4, 6)
    assert (row.offered, row.handled, row.abandoned) == (5, 3, 2)
    assert row.answered_within_sl == 2  # 10 ≤ 20 and 20 ≤ 20 (inclusive); 21 is late
    assert row.abandoned_short == 1  # 4 ≤ 5
    assert row.abandoned_within_sl == 2  # 4 and 6 ≤ 20
    assert row.wait_s == 51  # 10 + 20 + 21, answered contacts only
    assert row.talk_s == Decimal("600.5") and row.acw_s == 60
    assert row.customers == 3  # k1, k2, k3 (k1 twice; e has no id)
    assert (row.sales, row.resolved_first_contact) == (1, 2)
    assert row.collected_amount == Decimal("10.10")
    assert "logged_s" not in activity.columns and "interval_start" not in activity.columns


def test_other_threshold(contacts):
    activity = to_activity(contacts, threshold_s=10, short_abandon_s=6)
    row = activity.iloc[0]  # billing on Monday sorts first: queue 1
    assert (row.service, row.answered_within_sl) == ("billing", 1)
    care = activity[activity["service"] == "care"].iloc[0]
    assert (care.answered_within_sl, care.abandoned_short) == (1, 2)  # only 10 ≤ 10; 4 and 6 ≤ 6


def test_intervals(contacts):
    activity = to_activity(contacts, threshold_s=20, short_abandon_s=5, freq="30min")
    monday_care = activity[(activity["service"] == "care") & (activity["date"] == pd.Timestamp("2026-01-05"))]
    # 09:05, 09:20 → 09:00; 09:40, 09:45 → 09:30; 10:10 → 10:00
    assert monday_care["interval_start"].tolist() == ["09:00", "09:30", "10:00"]
    assert monday_care["offered"].tolist() == [2, 2, 1]
    hourly = to_activity(contacts, threshold_s=20, short_abandon_s=5, freq="60min")
    assert hourly[hourly["service"] == "care"]["interval_start"].tolist() == ["09:00", "10:00", "08:00"]


def test_day_types(contacts):
    activity = to_activity(contacts, threshold_s=20, short_abandon_s=5, holidays={date(2026, 1, 6)})
    assert activity.set_index(["date", "service"])["day_type"].to_dict() == {
        (pd.Timestamp("2026-01-05"), "billing"): "weekday", (pd.Timestamp("2026-01-05"), "care"): "weekday",
        (pd.Timestamp("2026-01-06"), "care"): "holiday"}


def test_distinct_customers_are_not_summed(contacts):
    activity = to_activity(contacts, threshold_s=20, short_abandon_s=5)
    assert activity["customers"].sum() == 5  # Monday care 3 + billing 1 + Tuesday care 1 (k1 again)
    assert distinct_customers(contacts) == 4  # k1, k2, k3, k9


def test_float_amounts_are_summed_as_their_decimals():
    contacts = pd.DataFrame({"supplier": ["s"] * 3, "service": ["c"] * 3,
                             "start": pd.to_datetime(["2026-01-05 10:00"] * 3), "queue_s": [0, 0, 0],
                             "answered": [True] * 3, "abandoned": [False] * 3, "talk_s": [1, 1, 1],
                             "hold_s": [0, 0, 0], "acw_s": [0, 0, 0], "outcome": ["payment"] * 3,
                             "amount": [0.1, 0.2, 0.29]})
    assert to_activity(contacts, threshold_s=20, short_abandon_s=5)["collected_amount"][0] == Decimal("0.59")


def test_bad_frequency(contacts):
    with pytest.raises(UsageError, match="freq must be D, 15min, 30min or 60min"):
        to_activity(contacts, threshold_s=20, short_abandon_s=5, freq="45min")  # type: ignore[arg-type]


# --- the fast paths of to_activity give the hand-counted figures too -------------------------------------
# customers per daily row of the fixture: Monday care k1, k2, k1, k3, (blank) → 3; Monday billing k9 → 1;
# Tuesday care k1 → 1 (rows sort billing, care on Monday, then care on Tuesday)
DAILY_CUSTOMERS = [1, 3, 1]


@pytest.mark.parametrize("dtype", ["category", object, "str"])
def test_distinct_customers_per_day_for_each_id_dtype(contacts, dtype):
    contacts["customer_id"] = contacts["customer_id"].astype(dtype)
    activity = to_activity(contacts, threshold_s=20, short_abandon_s=5)
    assert activity["service"].tolist() == ["billing", "care", "care"]
    assert activity["customers"].tolist() == DAILY_CUSTOMERS


def test_distinct_customers_of_large_groups_path(contacts, monkeypatch):
    # every group counts as "large": the string-view gather and per-group unique run on the fixture,
    # with its blank id (contact e) left out
    monkeypatch.setattr(contact_records, "_LARGE_GROUP", 1)
    assert contacts["customer_id"].dtype == "str"
    activity = to_activity(contacts, threshold_s=20, short_abandon_s=5)
    assert activity["customers"].tolist() == DAILY_CUSTOMERS


def test_distinct_customers_per_interval(contacts):
    activity = to_activity(contacts, threshold_s=20, short_abandon_s=5, freq="30min")
    care = activity[(activity["service"] == "care") & (activity["date"] == pd.Timestamp("2026-01-05"))]
    # 09:00 {k1, k2}; 09:30 {k1, k3}; 10:00 only contact e, no id
    assert care["customers"].tolist() == [2, 2, 0]


def test_blocks_of_rows_give_the_same_sums(contacts, monkeypatch):
    monkeypatch.setattr(contact_records, "_BLOCK", 2)  # 7 rows in 4 blocks
    contacts["talk_s"] = [100, 200, 300, 0, 0, 50, 10]
    activity = to_activity(contacts, threshold_s=20, short_abandon_s=5)
    row = activity.iloc[1]  # Monday care
    assert (row.offered, row.handled, row.answered_within_sl, row.abandoned_short) == (5, 3, 2, 1)
    assert (row.wait_s, row.talk_s, row.hold_s, row.acw_s) == (51, 600, 10, 60)  # a, b, c answered
    assert activity["talk_s"].tolist() == [10, 600, 50]


def test_huge_integers_are_summed_exactly(contacts):
    contacts["talk_s"] = [2**60, 3, 0, 0, 0, 0, 0]  # float64 would round 2**60 + 3 to 2**60
    row = to_activity(contacts, threshold_s=20, short_abandon_s=5).iloc[1]
    assert row.talk_s == 2**60 + 3


def test_nullable_integers_count_blank_as_nothing(contacts):
    contacts["hold_s"] = pd.array([10, pd.NA, 5, 0, 0, 7, None], dtype="Int64")
    activity = to_activity(contacts, threshold_s=20, short_abandon_s=5)
    assert activity["hold_s"].tolist() == [0, 15, 7]  # billing blank; Monday care 10 + 5; Tuesday 7


def test_empty_contacts(contacts):
    activity = to_activity(contacts.iloc[0:0], threshold_s=20, short_abandon_s=5)
    assert len(activity) == 0 and "customers" in activity.columns


def test_large_groups_path_with_long_and_blank_ids(contacts, monkeypatch):
    # ids longer than 12 bytes live in the views' data buffers, not inline: same counts as short ids
    monkeypatch.setattr(contact_records, "_LARGE_GROUP", 1)
    contacts["customer_id"] = contacts["customer_id"].map(lambda k: f"customer-number-{k}-of-the-region",
                                                          na_action="ignore")
    assert to_activity(contacts, threshold_s=20, short_abandon_s=5)["customers"].tolist() == DAILY_CUSTOMERS
    contacts["customer_id"] = pd.Series([None] * 7, dtype="str")
    assert to_activity(contacts, threshold_s=20, short_abandon_s=5)["customers"].tolist() == [0, 0, 0]
