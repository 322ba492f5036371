"""Review tests for ccanalysis.staffing (issue 4): published Erlang figures and exact oracles.

Oracles: the standard Erlang B 2 % grade-of-service table, the issue's published Erlang C figures, and
exact `Fraction` arithmetic (Erlang B recursion B(k) = A·B(k−1) / (k + A·B(k−1)), B(0) = 1;
Erlang C = n·B / (n − A·(1 − B))) for small n.
"""

import math
from fractions import Fraction

import numpy as np
import pytest

from ccanalysis import staffing as st


def exact_b(n: int, a: Fraction) -> Fraction:
    b = Fraction(1)
    for k in range(1, n + 1):
        b = a * b / (k + a * b)
    return b


def exact_c(n: int, a: Fraction) -> Fraction:
    b = exact_b(n, a)
    return n * b / (n - a * (1 - b))


# ----------------------------------------------------------------------------- Erlang B table

@pytest.mark.parametrize(("lines", "erlangs"), [
    # standard Erlang B table at 2 % blocking (traffic rounded to 3 decimals in the table)
    (1, 0.0204), (2, 0.223), (3, 0.602), (4, 1.092), (5, 1.657), (10, 5.084), (20, 13.182),
    (21, 14.036), (30, 21.932), (50, 40.255), (100, 87.972),
])
def test_erlang_b_two_percent_table(lines, erlangs):
    # the table value is the traffic where B = 2 %, rounded: B just below it < 2 % < B just above it
    step = 0.0005 if lines > 1 else 0.00005
    assert st.erlang_b(lines, erlangs - step) < 0.02 < st.erlang_b(lines, erlangs + step)
    assert st.erlang_b(lines, erlangs) == pytest.approx(0.02, abs=2e-4)


@pytest.mark.parametrize("n", [1, 2, 3, 7, 14, 30, 60])
@pytest.mark.parametrize("a", [Fraction(1, 2), Fraction(5), Fraction(10), Fraction(101, 4)])
def test_erlang_b_and_c_against_exact_fractions(n, a):
    assert st.erlang_b(n, float(a)) == pytest.approx(float(exact_b(n, a)), rel=1e-11)
    if n > a:
        assert st.erlang_c(n, float(a)) == pytest.approx(float(exact_c(n, a)), rel=1e-11)


def test_erlang_b_edge_values():
    assert st.erlang_b(0, 5.0) == 1.0  # no lines: everything blocked
    assert st.erlang_b(5, 0.0) == 0.0  # no traffic: nothing blocked
    # B(1, A) = A / (1 + A): A = 3 → 0.75
    assert st.erlang_b(1, 3.0) == pytest.approx(0.75, rel=1e-14)


# ----------------------------------------------------------------------------- Erlang C published

def test_issue_published_traffic_10():
    # 100 calls per 30 min × 180 s / 1800 s = 10 Erlangs
    assert st.erlang_c(14, 10) == pytest.approx(0.1741319, abs=5e-8)
    assert st.service_level(14, 10, 180, 20) == pytest.approx(0.8883500, abs=5e-8)
    assert st.asa_s(14, 10, 180) == pytest.approx(7.8359, abs=5e-5)  # seconds, not minutes
    assert st.occupancy(14, 10) == pytest.approx(10 / 14, rel=1e-15)  # a fraction, not a percentage
    assert st.erlang_c(11, 10) == pytest.approx(0.6821182, abs=5e-8)
    assert st.service_level(11, 10, 180, 20) == pytest.approx(0.3896138, abs=5e-8)
    out = st.required_agents(100, 180, interval_s=1800, sl_target=0.8, threshold_s=20, shrinkage=0.3)
    assert int(out["raw_agents"].iloc[0]) == 14
    assert int(out["agents"].iloc[0]) == 20  # 14 / 0.7 = 20 exactly, not 21
    assert out["wait_probability"].iloc[0] == pytest.approx(0.1741319, abs=5e-8)
    assert out["asa_s"].iloc[0] == pytest.approx(7.8359, abs=5e-5)


def test_issue_published_1000_calls_per_hour():
    out = st.required_agents(1000, 120, interval_s=3600, sl_target=0.8, threshold_s=20, max_occupancy=0.85)
    row = out.iloc[0]
    assert row["traffic"] == pytest.approx(1000 * 120 / 3600)
    assert int(row["raw_agents"]) == 40  # 33.33 / 0.85 = 39.2 → 40
    assert row["wait_probability"] == pytest.approx(0.1907, abs=5e-5)
    assert row["service_level"] == pytest.approx(0.9372, abs=5e-5)
    assert row["asa_s"] == pytest.approx(3.43, abs=5e-3)
    assert row["occupancy"] == pytest.approx(100 / 3 / 40)
    sl_only = st.required_agents(1000, 120, interval_s=3600, sl_target=0.8, threshold_s=20)
    assert int(sl_only["raw_agents"].iloc[0]) == 38


def test_search_gives_the_exact_minimum_by_fraction_oracle():
    # for A = 10, AHT 180: SL(n) = 1 − C(n)·e^{−(n−10)·20/180}; smallest n with SL ≥ target, by hand:
    def sl(n: int) -> float:
        return 1 - float(exact_c(n, Fraction(10))) * math.exp(-(n - 10) * 20 / 180)
    for target in (0.5, 0.8, 0.9, 0.95, 0.99):
        expected = next(n for n in range(11, 40) if sl(n) >= target)
        got = st.required_agents(100, 180, sl_target=target)["raw_agents"].iloc[0]
        assert int(got) == expected, target


def test_asa_target():
    # ASA(n) = C(n)·180/(n − 10); smallest n with ASA ≤ 2 s, from exact C
    expected = next(n for n in range(11, 40) if float(exact_c(n, Fraction(10))) * 180 / (n - 10) <= 2)
    out = st.required_agents(100, 180, sl_target=0.5, asa_target_s=2)
    assert int(out["raw_agents"].iloc[0]) == expected
    assert out["asa_s"].iloc[0] <= 2


def test_threshold_zero_gives_one_minus_wait_probability():
    assert st.service_level(14, 10, 180, 0) == pytest.approx(1 - 0.1741319, abs=5e-8)


# ----------------------------------------------------------------------------- exact ceilings

def test_exact_occupancy_ceiling_and_shrinkage_ceiling():
    # volume 2401 × 180 / 1800 = 240.1 E; / 0.7 = 343 exactly (floats: 343.00000000000006)
    out = st.required_agents(2401, 180, sl_target=0.8, max_occupancy=0.7, shrinkage=0.3)
    assert int(out["raw_agents"].iloc[0]) == 343
    assert int(out["agents"].iloc[0]) == 490  # 343 / 0.7 = 490, not 491
    # 1751 × 180 / 1800 = 175.1 E at 0.85 → 206 exactly, not 207
    out = st.required_agents(1751, 180, max_occupancy=0.85)
    assert int(out["raw_agents"].iloc[0]) == 206
    # 13 raw at 35 % shrinkage → 13 / 0.65 = 20 exactly
    assert st._exact_ceil([st._rationalize(np.array([13]))], [(np.array([65]), np.array([100]))])[0] == 20


def test_integer_traffic_needs_strictly_more_agents():
    # 35 × 360 / 1800 = 7 E exactly; target 0 → smallest stable n is 8 (n must exceed A)
    out = st.required_agents(35, 360, sl_target=0.0)
    assert int(out["raw_agents"].iloc[0]) == 8


def test_zero_volume_needs_nobody():
    out = st.required_agents([0, 100], 180, shrinkage=0.3)
    assert list(out["raw_agents"]) == [0, 14]
    assert list(out["agents"]) == [0, 20]
    assert out["service_level"].iloc[0] == 1.0


# ----------------------------------------------------------------------------- limits and shapes

def test_unstable_queue_limits_never_above_one():
    assert st.erlang_c(10, 10) == 1.0
    assert st.erlang_c(5, 10) == 1.0
    assert st.service_level(10, 10, 180, 20) == 0.0
    assert st.asa_s(10, 10, 180) == math.inf
    assert st.occupancy(5, 10) == 1.0


def test_vectorised_shapes_and_scalars():
    assert isinstance(st.erlang_c(14, 10), float)
    grid = st.erlang_c(np.array([[11, 14], [20, 30]]), 10.0)
    assert grid.shape == (2, 2)
    assert grid[0, 1] == pytest.approx(0.1741319, abs=5e-8)
    row = st.service_level(np.arange(11, 16), 10, 180, 20)
    assert row.shape == (5,)
    assert np.all(np.diff(row) > 0)
    out = st.required_agents(np.array([100, 1000, 0]), np.array([180, 120, 300]),
                             interval_s=np.array([1800, 3600, 1800]), max_occupancy=0.85)
    assert list(out["raw_agents"]) == [14, 40, 0]


def test_huge_traffic_is_finite():
    a = 200_000.0
    n = np.array([200_001, 200_100, 200_500, 201_000, 202_000])
    for values in (st.erlang_c(n, a), st.erlang_b(n, a), st.service_level(n, a, 180, 20), st.asa_s(n, a, 180)):
        assert np.all(np.isfinite(values))
    c = st.erlang_c(n, a)
    assert np.all((c >= 0) & (c <= 1)) and np.all(np.diff(c) < 0)
    # Halfin–Whitt: β = (n − A)/√A = 1000/447.2 = 2.236 → C ≈ 1/(1 + βΦ(β)/φ(β)) ≈ 0.0147
    assert c[3] == pytest.approx(0.0147, rel=0.02)
    out = st.required_agents(2_000_000, 180, interval_s=1800)  # 200,000 E
    raw = int(out["raw_agents"].iloc[0])
    assert 200_001 <= raw <= 200_000 + 3 * 448
    assert np.isfinite(out["asa_s"].iloc[0])


# ----------------------------------------------------------------------------- Erlang A

def test_erlang_a_infinite_patience_is_erlang_c():
    out = st.erlang_a(14, 10, 180, 1e9, 20)
    assert out["wait_probability"].iloc[0] == pytest.approx(0.1741319, rel=1e-5)
    assert out["service_level"].iloc[0] == pytest.approx(0.8883500, rel=1e-5)
    assert out["abandonment"].iloc[0] == pytest.approx(0.0, abs=1e-5)


def test_erlang_a_impatient_callers_is_erlang_b():
    # patience → 0: a contact that finds all agents busy leaves at once → abandonment = Erlang B
    out = st.erlang_a(14, 10, 180, 1e-6, 20)
    assert out["abandonment"].iloc[0] == pytest.approx(st.erlang_b(14, 10), rel=1e-4)


def _birth_death(n: int, lam: float, mu: float, theta: float, top: int = 400):
    """Stationary M/M/n+M by a truncated birth–death chain: (P(wait), P(abandon))."""
    p = [1.0]
    for k in range(1, top):
        p.append(p[-1] * lam / (min(k, n) * mu + max(k - n, 0) * theta))
    total = sum(p)
    p = [x / total for x in p]
    wait = sum(p[n:])
    abandon = theta * sum((k - n) * p[k] for k in range(n, top)) / lam
    return wait, abandon


@pytest.mark.parametrize(("n", "a", "patience"), [(14, 10, 60.0), (9, 10, 120.0), (3, 2.5, 30.0), (20, 18, 300.0)])
def test_erlang_a_against_a_birth_death_chain(n, a, patience):
    aht = 180.0
    wait, abandon = _birth_death(n, a / aht, 1 / aht, 1 / patience)
    out = st.erlang_a(n, a, aht, patience, 20).iloc[0]
    assert out["wait_probability"] == pytest.approx(wait, rel=1e-8)
    assert out["abandonment"] == pytest.approx(abandon, rel=1e-8)
    assert 0 <= out["service_level"] <= 1


def test_erlang_a_required_agents_returns_abandonment():
    out = st.required_agents(np.full(10_000, 100), 180, patience_s=120)
    assert "abandonment" in out.columns and len(out) == 10_000
    n = int(out["raw_agents"].iloc[0])
    # Erlang A needs at most the Erlang C count (abandons relieve the queue)
    assert n <= 14


def test_staffed_hours_and_fte_from_an_interval_forecast():
    from decimal import Decimal

    import pandas as pd
    forecast = pd.DataFrame({"date": ["2026-03-02", "2026-03-02"], "interval_start": ["09:00", "09:30"],
                             "supplier": ["nw", "nw"], "service": ["care", "care"],
                             "offered": [100, 0], "aht_s": [180, 180]})
    req = st.interval_requirements(forecast, shrinkage=0.3)
    # 14 raw → 20 scheduled over 30 min = 10 h staffed, 7 h productive; the empty interval adds 0
    assert list(req["staffed_hours"]) == [Decimal("10"), Decimal("0")]
    daily = st.staffed_hours(req, period="day", fte_hours=147)
    assert daily["staffed_hours"].iloc[0] == Decimal("10")
    assert daily["productive_hours"].iloc[0] == Decimal("7")
    # March 2026 has 22 weekdays (1 March is a Sunday): daily FTE = 10 ÷ (147 ÷ 22) = 220/147
    assert daily["fte"].iloc[0] == Fraction(220, 147)
    monthly = st.staffed_hours(req, period="month", fte_hours=147)
    assert monthly["fte"].iloc[0] == Fraction(10, 147)
