"""Best time to call and tomorrow's call list (issue 15 items 4 and 5), on frames built by hand."""

from __future__ import annotations

import math
import re
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from ccanalysis.collections.calllist import backtest_lift, call_list, fit_model, open_accounts
from ccanalysis.collections.calltime import (
    CallingRules,
    beta_prior,
    expected_gain,
    recommend_windows,
    rpc_by_hour,
    wilson_interval,
)

Z = 1.959963984540054
WEEKDAYS_9_20 = {"windows": {d: [9, 20] for d in ("mon", "tue", "wed", "thu", "fri")},
                 "max_attempts_per_7_days": 3, "max_attempts_per_day": 1}


def placements(rows):
    """rows: (account_id, supplier, placed_on, recalled_on or None, debt_amount, days_past_due, segment)."""
    frame = pd.DataFrame(rows, columns=["account_id", "supplier", "placed_on", "recalled_on", "debt_amount",
                                        "days_past_due", "segment"])
    frame["placed_on"] = pd.to_datetime(frame["placed_on"])
    frame["recalled_on"] = pd.to_datetime(frame["recalled_on"])
    frame["debt_amount"] = frame["debt_amount"].map(Decimal).astype(object)
    return frame


def attempts(rows):
    """rows: (account_id, supplier, start, channel, outcome)."""
    frame = pd.DataFrame(rows, columns=["account_id", "supplier", "start", "channel", "outcome"])
    frame["start"] = pd.to_datetime(frame["start"])
    frame["promised_amount"] = None
    frame["promised_date"] = pd.NaT
    return frame


def payments(rows):
    frame = pd.DataFrame(rows, columns=["account_id", "paid_on", "amount"])
    frame["paid_on"] = pd.to_datetime(frame["paid_on"])
    frame["amount"] = frame["amount"].map(Decimal).astype(object)
    return frame


# --- Wilson ---------------------------------------------------------------------------------------------

def _published(k, n, z=Z):
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


def test_wilson_eight_of_ten():
    low, high = wilson_interval(8, 10)
    assert (round(low, 3), round(high, 3)) == (0.490, 0.943)
    assert (low, high) == pytest.approx(_published(8, 10), abs=1e-12)


def test_wilson_no_trials_and_all_successes():
    assert wilson_interval(0, 0) == (0.0, 1.0)
    low, high = wilson_interval(10, 10)
    assert high == 1.0
    assert low == pytest.approx(10 / (10 + Z * Z), abs=1e-12) == pytest.approx(_published(10, 10)[0])
    assert round(low, 3) == 0.722
    assert wilson_interval(0, 10)[0] == 0.0


# --- the hour table and its shrinkage -------------------------------------------------------------------

def _cell(account, start, n, k):
    return [(account, "agency", start, "voice", "rpc" if i < k else "no_answer") for i in range(n)]


def _three_cells():
    pl = placements([("a", "agency", "2026-01-01", None, "100", 30, "A"),
                     ("b", "agency", "2026-01-01", None, "100", 30, "B")])
    # segment A: Mon 09h 10/50, Mon 10h 18/48, Tue 11h 2/2 (the thin cell); 2026-01-05 is a Monday
    rows = (_cell("a", "2026-01-05 09:15", 50, 10) + _cell("a", "2026-01-05 10:40", 48, 18)
            + _cell("a", "2026-01-06 11:05", 2, 2) + _cell("b", "2026-01-07 15:00", 4, 1))
    rows.append(("a", "agency", "2026-01-05 09:30", "sms", "rpc"))  # not a call: left out
    rows.append(("a", "other", "2026-01-05 09:30", "voice", "rpc"))  # under no placement: left out
    rows.append(("a", "agency", "2025-12-30 09:30", "voice", "rpc"))  # before the placement: left out
    return attempts(rows), pl


def test_thin_cell_is_shrunk_toward_its_segment():
    at, pl = _three_cells()
    table = rpc_by_hour(at, pl)
    a = table.loc[table["segment"] == "A"].set_index(["weekday", "hour"])
    assert a["attempts"].to_dict() == {(0, 9): 50, (0, 10): 48, (1, 11): 2}
    assert a["rpc"].to_dict() == {(0, 9): 10, (0, 10): 18, (1, 11): 2}
    # by hand: m = 30/100 = 0.3; v = (50·0.1² + 48·0.075² + 2·0.7²)/100 = 1.75/100 = 0.0175;
    # α+β = 0.3·0.7/0.0175 − 1 = 11, α = 3.3, β = 7.7
    assert a["prior_alpha"].iloc[0] == pytest.approx(3.3)
    assert a["prior_beta"].iloc[0] == pytest.approx(7.7)
    thin = a.loc[(1, 11)]
    assert thin["rate"] == 1.0
    assert thin["shrunk"] == pytest.approx((2 + 3.3) / (2 + 11))  # 0.4077: pulled from 1.0 toward 0.3
    assert a.loc[(0, 9), "shrunk"] == pytest.approx((10 + 3.3) / (50 + 11))
    assert (thin["wilson_low"], thin["wilson_high"]) == pytest.approx(wilson_interval(2, 2))
    # segment B has one cell: no spread, the floor gives α+β = N = 4 and the shrunk rate is its own rate
    b = table.loc[table["segment"] == "B"].iloc[0]
    assert (b["weekday"], b["hour"], b["attempts"], b["rpc"]) == (2, 15, 4, 1)
    assert b["prior_alpha"] + b["prior_beta"] == pytest.approx(4) and b["shrunk"] == pytest.approx(0.25)


def test_beta_prior_degenerate_groups():
    alpha, beta = beta_prior(np.array([0, 0, 1]), np.array([0, 0, 3]), np.array([5, 5, 3]), 3)
    assert (alpha[0], beta[0]) == (0.0, 10.0)  # every cell 0: shrunk stays 0
    assert (alpha[1], beta[1]) == (3.0, 0.0)  # every cell 1: shrunk stays 1
    assert (alpha[2], beta[2]) == (0.0, 0.0)  # no trials


@pytest.mark.parametrize("dtype", ["category", object, "str"])
def test_rpc_by_hour_is_the_same_for_any_column_type_and_thread_count(dtype):
    at, pl = _three_cells()
    expected = rpc_by_hour(at, pl)
    cast = {c: dtype for c in ("account_id", "supplier", "channel", "outcome")}
    got = rpc_by_hour(at.astype(cast), pl.astype({"account_id": dtype, "supplier": dtype, "segment": dtype}),
                      threads=1)
    key = ["segment", "weekday", "hour"]
    expected = expected.astype({"segment": str}).sort_values(key).reset_index(drop=True)
    got = got.astype({"segment": str}).sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(got, expected)


def test_an_account_placed_twice_with_the_same_agency():
    pl = placements([("a", "agency", "2026-01-01", "2026-01-31", "100", 30, "A"),
                     ("a", "agency", "2026-03-01", None, "100", 90, "B"),
                     ("a", "other", "2026-02-01", "2026-02-27", "100", 60, "C")])
    at = attempts([("a", "agency", "2026-01-05 09:00", "voice", "rpc"),  # first placement: A
                   ("a", "agency", "2026-01-31 18:00", "voice", "busy"),  # the recall day still counts: A
                   ("a", "agency", "2026-02-10 09:00", "voice", "rpc"),  # between placements: none
                   ("a", "other", "2026-02-10 09:00", "voice", "rpc"),  # the other agency's: C
                   ("a", "agency", "2026-03-02 09:00", "voice", "ptp")])  # second placement: B
    table = rpc_by_hour(at, pl)
    assert table[["segment", "weekday", "hour", "attempts", "rpc"]].values.tolist() == [
        ["A", 0, 9, 1, 1], ["A", 5, 18, 1, 0], ["B", 0, 9, 1, 1], ["C", 1, 9, 1, 1]]


def test_rpc_by_hour_by_supplier_from_the_attempts():
    at, pl = _three_cells()
    table = rpc_by_hour(at, pl, by=("segment", "supplier"))
    assert set(table["supplier"]) == {"agency"} and table["attempts"].sum() == 104


# --- rules ----------------------------------------------------------------------------------------------

def test_rules_from_mapping():
    rules = CallingRules.from_mapping({**WEEKDAYS_9_20, "windows": {**WEEKDAYS_9_20["windows"], "sat": [9, 14]}})
    assert rules.windows[5] == (9, 14) and 6 not in rules.windows
    assert rules.max_attempts_per_7_days == 3 and rules.max_attempts_per_day == 1
    assert rules.is_legal(5, 13) and not rules.is_legal(5, 14) and not rules.is_legal(6, 10)


@pytest.mark.parametrize("change, path", [
    ({"windows": {"sat": [14, 9]}}, "collections.calling_rules.windows.sat"),
    ({"windows": {"sat": "9-14"}}, "collections.calling_rules.windows.sat"),
    ({"windows": {"sab": [9, 14]}}, "collections.calling_rules.windows.sab"),
    ({"max_attempts_per_7_days": 0}, "collections.calling_rules.max_attempts_per_7_days"),
    ({"max_attempts_per_day": 1.5}, "collections.calling_rules.max_attempts_per_day"),
    ({"max_calls": 3}, "collections.calling_rules.max_calls"),
])
def test_bad_rules_name_the_key_path(change, path):
    with pytest.raises(ValueError, match="^" + re.escape(path) + ": "):
        CallingRules.from_mapping({**WEEKDAYS_9_20, **change})


def test_missing_key_names_the_path():
    with pytest.raises(ValueError, match=r"^collections\.calling_rules\.windows: missing"):
        CallingRules.from_mapping({"max_attempts_per_7_days": 3, "max_attempts_per_day": 1})


# --- recommendation and gain ----------------------------------------------------------------------------

def _table(cells):
    """cells: (segment, weekday, hour, attempts, shrunk)."""
    frame = pd.DataFrame(cells, columns=["segment", "weekday", "hour", "attempts", "shrunk"])
    frame["rpc"] = 0
    frame["rate"] = frame["shrunk"]
    frame["wilson_low"], frame["wilson_high"] = 0.0, 1.0
    frame["prior_alpha"], frame["prior_beta"] = 1.0, 4.0
    return frame


def test_recommendation_never_leaves_the_legal_windows():
    rules = CallingRules.from_mapping(WEEKDAYS_9_20)
    rng = np.random.default_rng(7)
    cells = [(s, d, h, int(rng.integers(1, 50)), float(rng.random())) for s in "AB" for d in range(7)
             for h in range(24)]
    cells += [("A", 6, 12, 100, 0.99), ("B", 2, 22, 100, 0.99), ("C", 6, 10, 5, 0.9)]  # illegal best cells
    table = _table(cells).drop_duplicates(["segment", "weekday", "hour"], keep="last")
    best = recommend_windows(table, rules, top=3)
    assert rules.is_legal(best["weekday"].to_numpy(), best["hour"].to_numpy()).all()
    assert set(best["segment"]) == {"A", "B"}  # C has no legal cell
    assert best.groupby("segment").size().tolist() == [3, 3]
    legal = table.loc[rules.is_legal(table["weekday"].to_numpy(), table["hour"].to_numpy())]
    for segment, group in best.groupby("segment"):
        assert group["shrunk"].tolist() == sorted(legal.loc[legal["segment"] == segment, "shrunk"], reverse=True)[:3]
        assert group["rank"].tolist() == [1, 2, 3]


def test_expected_gain_by_hand():
    rules = CallingRules.from_mapping(WEEKDAYS_9_20)
    table = _table([("A", 0, 9, 30, 0.1), ("A", 0, 10, 10, 0.3), ("A", 1, 22, 10, 0.5)])
    best = recommend_windows(table, rules, top=1)
    assert best[["weekday", "hour"]].values.tolist() == [[0, 10]]  # Tue 22h is better but illegal
    gain = expected_gain(table, table, best).iloc[0]
    # now 30·0.1 + 10·0.3 + 10·0.5 = 11; moved: 50·0.3 = 15; 40 attempts move, 40·180 s = 2 h
    assert gain["attempts"] == 50 and gain["attempts_moved"] == 40
    assert gain["rpc_current"] == pytest.approx(11) and gain["rpc_recommended"] == pytest.approx(15)
    assert gain["rpc_gain"] == pytest.approx(4) and gain["agent_hours_moved"] == pytest.approx(2.0)
    # a current cell the table does not know counts at the segment's prior mean 1/(1+4) = 0.2
    current = pd.DataFrame({"segment": ["A"], "weekday": [3], "hour": [12], "attempts": [10]})
    other = expected_gain(table, current, best, handling_s=360).iloc[0]
    assert other["rpc_current"] == pytest.approx(2) and other["rpc_gain"] == pytest.approx(1)
    assert other["agent_hours_moved"] == pytest.approx(1.0)


# --- the call list --------------------------------------------------------------------------------------

AS_OF = "2026-03-10"  # a Tuesday: the list is for Wednesday 2026-03-11


def _history():
    """Ten closed accounts of segment A, one call each on Mon 2026-02-02 10h: 5 RPCs, one paid within the week."""
    pl = [(f"h{i}", "agency", "2026-01-01", "2026-02-20", "100", 30, "A") for i in range(10)]
    at = [(f"h{i}", "agency", "2026-02-02 10:00", "voice", "rpc" if i < 5 else "no_answer") for i in range(10)]
    pay = [("h0", "2026-02-04", "10")]
    return pl, at, pay


def test_expected_recovery_of_two_accounts_by_hand():
    pl, at, pay = _history()
    pl += [("a1", "agency", "2026-03-01", None, "1000", 20, "A"), ("a2", "agency", "2026-03-01", None, "500", 20, "A")]
    pay += [("a2", "2026-03-05", "100")]
    frames = placements(pl), attempts(at), payments(pay)
    rules = CallingRules.from_mapping(WEEKDAYS_9_20)
    model = fit_model(*frames, AS_OF)
    listed = call_list(model, *frames, AS_OF, rules)
    # P(RPC) = 5/10; P(pay within 7 days | RPC) = 1/5; no hour of Wednesday was tried: lift 1, first legal hour
    assert listed["account_id"].tolist() == ["a1", "a2"]
    assert listed["balance"].tolist() == [Decimal("1000"), Decimal("400")]
    assert listed["p_rpc"].tolist() == pytest.approx([0.5, 0.5])
    assert listed["p_pay"].tolist() == pytest.approx([0.2, 0.2])
    assert listed["expected_recovery"].tolist() == [Decimal("100.00"), Decimal("40.00")]
    assert listed["window_start_hour"].tolist() == [9, 9] and listed["rank"].tolist() == [1, 2]
    assert listed["supplier"].tolist() == ["agency", "agency"] and listed["segment"].tolist() == ["A", "A"]


def test_the_window_is_the_best_legal_hour_of_tomorrow():
    pl, at, pay = _history()
    pl += [("a1", "agency", "2026-03-01", None, "1000", 20, "A")]
    # Wednesdays: 11h 8/10 (above the segment's 23/30, so above the untried hours), 20h 10/10 but outside
    # the window (9–20 ends at 20)
    at += [(f"h{i}", "agency", "2026-02-04 11:00", "voice", "rpc" if i < 8 else "busy") for i in range(10)]
    at += [(f"h{i}", "agency", "2026-02-04 20:30", "voice", "rpc") for i in range(10)]
    frames = placements(pl), attempts(at), payments(pay)
    listed = call_list(fit_model(*frames, AS_OF), *frames, AS_OF, CallingRules.from_mapping(WEEKDAYS_9_20))
    assert listed["window_start_hour"].tolist() == [11]
    table = rpc_by_hour(frames[1], frames[0])
    cell = table.set_index(["weekday", "hour"]).loc[(2, 11)]
    lift = cell["shrunk"] / (23 / 30)
    assert lift > 1
    assert listed["p_rpc"].iloc[0] == pytest.approx(min(1.0, model_p_rpc(frames) * lift))


def model_p_rpc(frames):
    return fit_model(*frames, AS_OF).cells.set_index(["segment", "band"]).loc[("A", 0), "p_rpc"]


def test_the_list_never_breaks_the_caps():
    pl, at, pay = _history()
    pl += [(f"a{i}", "agency", "2026-03-01", None, "1000", 20, "A") for i in range(1, 5)]
    # T = 2026-03-11: its 7 days are 03-05 … 03-11
    at += [("a1", "agency", day, "sms", "no_answer") for day in ("2026-03-05 10:00", "2026-03-06 10:00",
                                                                  "2026-03-09 10:00")]  # 3 in 7 days: out
    at += [("a2", "agency", day, "sms", "no_answer") for day in ("2026-03-04 10:00", "2026-03-06 10:00",
                                                                  "2026-03-09 10:00")]  # 03-04 is outside: in
    at += [("a3", "other", "2026-03-11 09:00", "voice", "no_answer")]  # already called on T, via any agency: out
    frames = placements(pl), attempts(at), payments(pay)
    rules = CallingRules.from_mapping(WEEKDAYS_9_20)
    listed = call_list(fit_model(*frames, AS_OF), *frames, AS_OF, rules)
    assert sorted(listed["account_id"]) == ["a2", "a4"]
    days = frames[1].assign(day=frames[1]["start"].dt.normalize())
    for account in listed["account_id"]:
        mine = days.loc[days["account_id"] == account, "day"]
        in_7 = mine.between(pd.Timestamp("2026-03-05"), pd.Timestamp("2026-03-11")).sum()
        assert in_7 + 1 <= rules.max_attempts_per_7_days
        assert (mine == pd.Timestamp("2026-03-11")).sum() + 1 <= rules.max_attempts_per_day
    assert len(call_list(fit_model(*frames, AS_OF), *frames, AS_OF, rules, capacity=1)) == 1


def test_no_list_on_a_day_without_a_legal_hour():
    pl, at, pay = _history()
    pl += [("a1", "agency", "2026-03-01", None, "1000", 20, "A")]
    frames = placements(pl), attempts(at), payments(pay)
    saturday_eve = "2026-03-14"  # the list would be for Sunday
    listed = call_list(fit_model(*frames, saturday_eve), *frames, saturday_eve, CallingRules.from_mapping(WEEKDAYS_9_20))
    assert listed.empty and "expected_recovery" in listed.columns


def test_open_accounts_balance_and_band():
    pl = placements([("x", "s", "2026-01-01", None, "250.50", 80, "A"), ("y", "s", "2026-01-01", "2026-02-01", "9", 0, "A"),
                     ("z", "s", "2026-01-01", None, "10", 400, "B")])
    pay = payments([("x", "2026-01-10", "50.25"), ("x", "2026-03-02", "1"), ("z", "2026-01-05", "10")])
    frame = open_accounts(pl, pay, pd.Timestamp("2026-03-01").value // 86_400_000_000_000)
    assert frame["account_id"].tolist() == ["x"]  # y recalled, z paid off
    assert frame["balance"].tolist() == [Decimal("200.25")]
    assert frame["age_days"].tolist() == [80 + 59] and frame["band"].tolist() == [1]


# --- backtest -------------------------------------------------------------------------------------------

def _portfolio():
    pl, at, pay = _history()
    pl += [(f"b{i}", "agency", "2026-03-01", None, str(100 * (i + 1)), 20, "A") for i in range(10)]
    pay += [("b9", "2026-03-12", "50"), ("b0", "2026-03-13", "30"), ("b1", "2026-03-17", "20"),
            ("b2", "2026-03-18", "999")]  # after the week
    return placements(pl), attempts(at), payments(pay)


def test_backtest_lift_by_hand():
    lift = backtest_lift("rates", *_portfolio(), AS_OF)
    # the same rates for all: ranked by balance, b9 (1000) is the top decile and paid 50 of the week's 100
    assert (lift.accounts, lift.top_accounts) == (10, 1)
    assert (lift.paid_top, lift.paid_all) == (Decimal("50"), Decimal("100"))
    assert lift.share == Decimal("0.5") and lift.lift == Decimal("5")


def test_logistic_model_lists_and_backtests():
    frames = _portfolio()
    model = fit_model(*frames, AS_OF, kind="logistic")
    listed = call_list(model, *frames, AS_OF, CallingRules.from_mapping(WEEKDAYS_9_20))
    assert len(listed) == 10 and listed["rank"].tolist() == list(range(1, 11))
    assert ((listed["p_pay"] >= 0) & (listed["p_pay"] <= 1)).all()
    assert listed["expected_recovery"].is_monotonic_decreasing
    lift = backtest_lift("logistic", *frames, AS_OF)
    assert 0 <= lift.share <= 1 and lift.paid_all == Decimal("100")
    with pytest.raises(ValueError, match="kind"):
        fit_model(*frames, AS_OF, kind="forest")


# --- the benchmark's data -------------------------------------------------------------------------------

def test_benchmark_data_is_all_under_placements(tmp_path):
    from bench import collections as bench_collections

    attempts_path, dictionary_path, placements_path = bench_collections.write_data(tmp_path, 5_000, 300, chunk=2_000)
    pl = pd.read_parquet(placements_path)
    plain, coded = pd.read_parquet(attempts_path), pd.read_parquet(dictionary_path)
    assert list(plain.columns) == ["account_id", "supplier", "start", "channel", "outcome", "promised_amount",
                                   "promised_date"]
    assert isinstance(coded["account_id"].dtype, pd.CategoricalDtype)
    table = rpc_by_hour(plain, pl)
    # every generated attempt falls inside one of its account's placements
    assert table["attempts"].sum() == (plain["channel"] == "voice").sum()
    key = ["segment", "weekday", "hour"]
    pd.testing.assert_frame_equal(rpc_by_hour(coded, pl).sort_values(key).reset_index(drop=True),
                                  table.sort_values(key).reset_index(drop=True))
