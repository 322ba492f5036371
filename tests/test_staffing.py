"""Staffing engine: published Erlang figures, exact-fraction oracles, exact ceilings, extreme traffic."""

from __future__ import annotations

import math
from decimal import Decimal, localcontext
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from scipy import special

from ccanalysis import staffing as st

# ------------------------------------------------------------------------------------------ oracles


def erlang_b_exact(agents: int, traffic: Fraction) -> Fraction:
    """Erlang B by the forward recursion B_k = A·B_{k−1} / (k + A·B_{k−1}), B_0 = 1, in exact fractions."""
    blocking = Fraction(1)
    for k in range(1, agents + 1):
        blocking = traffic * blocking / (k + traffic * blocking)
    return blocking


def erlang_c_exact(agents: int, traffic: Fraction) -> Fraction:
    """Erlang C = n·B / (n − A·(1 − B)) for n > A."""
    blocking = erlang_b_exact(agents, traffic)
    return agents * blocking / (agents - traffic * (1 - blocking))


def service_level_exact(agents: int, traffic: Fraction, aht_s: int, threshold_s: int) -> Decimal:
    """1 − C·exp(−(n − A)·t/AHT), the exponential in 40-digit decimals."""
    with localcontext() as ctx:
        ctx.prec = 40
        c = erlang_c_exact(agents, traffic)
        gap = (agents - traffic) * threshold_s / aht_s
        exponent = -(Decimal(gap.numerator) / Decimal(gap.denominator))
        return 1 - Decimal(c.numerator) / Decimal(c.denominator) * exponent.exp()


def birth_death_erlang_a(n: int, traffic: float, aht: float, patience: float, threshold: float,
                         states: int = 3000) -> tuple[float, float, float]:
    """P(wait), P(abandon), service level of M/M/n+M from its truncated birth–death chain.

    Service level is mixed over the queue position k met on arrival: the offered wait is then
    −log(Beta(x, k+1))/θ with x = n·patience/aht, and P(answered within t | k) = x/(x+k+1)·(1 − I_u(x+1, k+1)),
    u = e^(−t/patience) — a route through the incomplete beta, not the gamma functions the module uses.
    """
    lam, mu, theta = traffic / aht, 1 / aht, 1 / patience
    log_p = np.zeros(states)
    for j in range(1, states):
        death = j * mu if j <= n else n * mu + (j - n) * theta
        log_p[j] = log_p[j - 1] + math.log(lam / death)
    p = np.exp(log_p - log_p.max())
    p /= p.sum()
    j = np.arange(states)
    wait = p[j >= n].sum()
    abandon = theta * ((j - n) * p)[j > n].sum() / lam  # abandonment rate θ·E[queue] over λ
    x, u, k = n * patience / aht, math.exp(-threshold / patience), np.arange(states - n)
    in_time = p[:n].sum() + (p[n:] * x / (x + k + 1) * (1 - special.betainc(x + 1, k + 1, u))).sum()
    return wait, abandon, in_time


# ------------------------------------------------------------------------------------------ published figures


def test_traffic_10_erlangs_published_figures():
    # 100 calls per 30 min × 180 s = 18,000 s / 1,800 s = 10 Erlangs
    assert st.erlang_c(14, 10) == pytest.approx(0.1741319, abs=5e-8)
    assert st.service_level(14, 10, 180, 20) == pytest.approx(0.8883500, abs=5e-8)
    assert st.asa_s(14, 10, 180) == pytest.approx(7.8359, abs=5e-5)  # 0.1741319 × 180 / 4
    assert st.occupancy(14, 10) == pytest.approx(10 / 14)
    assert st.erlang_c(11, 10) == pytest.approx(0.6821182, abs=5e-8)
    assert st.service_level(11, 10, 180, 20) == pytest.approx(0.3896138, abs=5e-8)
    result = st.required_agents(100, 180, shrinkage=0.3)
    assert result["raw_agents"].tolist() == [14]  # published: 14 agents for 80/20 (13 give SL 0.796)
    assert result["agents"].tolist() == [20]  # ⌈14 / 0.7⌉ = 20 exactly


def test_erlang_b_two_percent_table():
    # Erlang B table at 2 % blocking: 5 lines carry 1.657 E, 21 lines 14.036 E (three decimals)
    assert st.erlang_b(5, 1.657) <= 0.02 < st.erlang_b(5, 1.658)
    assert st.erlang_b(21, 14.036) == pytest.approx(0.02, abs=2e-6)
    assert st.erlang_b(21, 14.035) < 0.02 < st.erlang_b(21, 14.037)


def test_1000_calls_per_hour_at_85_percent_occupancy():
    # 500 calls per 30 min × 120 s / 1800 s = 33.33 E; occupancy ≤ 0.85 needs ⌈33.33/0.85⌉ = ⌈39.2⌉ = 40
    row = st.required_agents(500, 120, max_occupancy=0.85).iloc[0]
    assert row["raw_agents"] == 40
    assert row["wait_probability"] == pytest.approx(0.1907, abs=5e-5)
    assert row["service_level"] == pytest.approx(0.9372, abs=5e-5)
    assert row["asa_s"] == pytest.approx(3.43, abs=5e-3)
    assert st.required_agents(500, 120)["raw_agents"].tolist() == [38]  # the service level alone


# ------------------------------------------------------------------------------------------ exact oracles


def test_two_agents_one_erlang_by_hand():
    # B(1,1) = 1/2; B(2,1) = (1·½)/(2 + ½) = 1/5; C(2,1) = 2·(1/5)/(2 − 1·(4/5)) = (2/5)/(6/5) = 1/3
    assert st.erlang_b(2, 1) == pytest.approx(0.2, rel=1e-14)
    assert st.erlang_c(2, 1) == pytest.approx(1 / 3, rel=1e-14)
    # SL = 1 − ⅓·e^(−(2−1)·20/180); ASA = ⅓ · 180 / (2 − 1) = 60 s
    assert st.service_level(2, 1, 180, 20) == pytest.approx(1 - math.exp(-1 / 9) / 3, rel=1e-14)
    assert st.asa_s(2, 1, 180) == pytest.approx(60.0, rel=1e-14)


@pytest.mark.parametrize("traffic", [Fraction(1, 2), Fraction(3), Fraction(29, 4), Fraction(10), Fraction(1751, 10)])
def test_erlang_b_and_c_match_exact_fractions(traffic):
    agents = np.arange(0, int(traffic) + 25)
    b = st.erlang_b(agents, float(traffic))
    for n in agents.tolist():
        assert b[n] == pytest.approx(float(erlang_b_exact(n, traffic)), rel=1e-12, abs=1e-300)
    stable = agents[agents > traffic]
    c = st.erlang_c(stable, float(traffic))
    for n, value in zip(stable.tolist(), c, strict=True):
        assert value == pytest.approx(float(erlang_c_exact(n, traffic)), rel=1e-12, abs=1e-300)
        assert st.service_level(n, float(traffic), 240, 20) == pytest.approx(
            float(service_level_exact(n, traffic, 240, 20)), rel=1e-12)


# ------------------------------------------------------------------------------------------ exact ceilings


def test_shrinkage_ceiling_is_exact():
    assert math.ceil(343 / (1 - 0.3)) == 491  # the float slip this guards against
    # traffic 342.5 E (3425 calls × 180 s / 1800 s): with no service target the least stable n is 343
    row = st.required_agents(3425, 180, sl_target=0.0, shrinkage=0.3).iloc[0]
    assert row["raw_agents"] == 343
    assert row["agents"] == 490  # 343 / (7/10) = 490 exactly


def test_occupancy_ceiling_is_exact():
    # the slip: traffic as volume × (AHT ÷ interval) in floats, then ÷ 0.85 → 206.00000000000003 → 207
    assert math.ceil(1751 * (180 / 1800) / 0.85) == 207
    # 1751 calls × 180 s / 1800 s = 175.1 E; 175.1 / (17/20) = 206 exactly
    row = st.required_agents(1751, 180, sl_target=0.5, max_occupancy=0.85).iloc[0]
    assert row["raw_agents"] == 206
    assert row["occupancy"] == pytest.approx(0.85)
    # found by bench/staffing.py against pyworkforce: 1530 calls × 248 s / 1800 s = 210.8 E,
    # 210.8 / 0.85 = 248 exactly (floats: (1530/30)·(248/60)/0.85 = 248.00000000000003 → 249)
    assert math.ceil((1530 / 30) * (248 / 60) / 0.85) == 249
    assert st.required_agents(1530, 248, max_occupancy=0.85)["raw_agents"].tolist() == [248]


def test_stability_bound_at_whole_traffic():
    # traffic exactly 10 E: 10 agents is unstable (n must exceed A); with no targets the answer is 11
    assert st.required_agents(100, 180, sl_target=0.0)["raw_agents"].tolist() == [11]


def test_decimal_and_float_inputs_give_the_same_answer():
    as_float = st.required_agents([1751.0], [180.0], sl_target=0.5, max_occupancy=0.85, shrinkage=0.3)
    as_decimal = st.required_agents(np.array([Decimal("1751")], dtype=object), np.array([Decimal("180")],
                                    dtype=object), sl_target=Decimal("0.5"), max_occupancy=Decimal("0.85"),
                                    shrinkage=Decimal("0.3"))
    assert as_float["raw_agents"].tolist() == as_decimal["raw_agents"].tolist() == [206]
    assert as_float["agents"].tolist() == as_decimal["agents"].tolist() == [295]  # ⌈206/0.7⌉ = ⌈294.29⌉


def test_non_decimal_float_inputs_stay_exact_to_their_repr():
    # AHT 180.5 s (one decimal), volume 1000.25 calls: traffic = 1000.25 × 180.5 / 1800 = 100.3034…
    volume, aht = 1000.25, 180.5
    traffic = Fraction("1000.25") * Fraction("180.5") / 1800
    row = st.required_agents(volume, aht, sl_target=0.0, max_occupancy=0.85).iloc[0]
    assert row["raw_agents"] == math.ceil(traffic / Fraction(85, 100))


# ------------------------------------------------------------------------------------------ the search


def linear_scan(volume, aht, sl_target, threshold, max_occupancy, asa_target):
    """Smallest n > A meeting every target, by counting up from 1 with the public metric functions."""
    traffic = volume * aht / 1800
    n = 1
    while not (n > traffic and st.service_level(n, traffic, aht, threshold) >= sl_target
               and traffic / n <= max_occupancy and st.asa_s(n, traffic, aht) <= asa_target):
        n += 1
    return n


@pytest.mark.parametrize("sl_target,threshold,max_occupancy,asa_target", [
    (0.8, 20, 1.0, math.inf), (0.95, 10, 1.0, math.inf), (0.5, 60, 0.9, math.inf), (0.8, 20, 0.85, 15.0),
    (0.0, 20, 1.0, 5.0),
])
def test_search_never_skips_the_minimum(sl_target, threshold, max_occupancy, asa_target):
    volumes = np.array([1, 3, 7, 10, 33, 100, 257, 500, 999, 1500])
    ahts = np.array([60, 180, 240, 300, 420, 600, 95, 180, 333, 120])
    result = st.required_agents(volumes, ahts, sl_target=sl_target, threshold_s=threshold,
                                max_occupancy=max_occupancy,
                                asa_target_s=None if math.isinf(asa_target) else asa_target)
    expected = [linear_scan(v, h, sl_target, threshold, max_occupancy, asa_target)
                for v, h in zip(volumes.tolist(), ahts.tolist(), strict=True)]
    assert result["raw_agents"].tolist() == expected


# ------------------------------------------------------------------------------------------ numerics


def test_stable_at_200000_erlangs():
    traffic = 200_000.0
    agents = np.array([0, 1, 1_000, 150_000, 199_000, 199_999, 200_000, 200_001, 200_500, 201_000, 220_000,
                       1_000_000])
    b = st.erlang_b(agents, traffic)
    assert np.all(np.isfinite(b)) and np.all((0 <= b) & (b <= 1))
    assert np.all(np.diff(b) <= 0)
    assert b[0] == 1.0 and b[1] == pytest.approx(traffic / (1 + traffic))  # B(1, A) = A / (1 + A)
    # far below the traffic B → 1 − n/A: B(150000, 200000) ≈ 0.25
    assert b[3] == pytest.approx(0.25, rel=1e-4)
    # independent check: the stable forward recursion in floats up to 200,000 lines
    blocking = 1.0
    for k in range(1, 200_001):
        blocking = traffic * blocking / (k + traffic * blocking)
    assert b[6] == pytest.approx(blocking, rel=1e-9)
    c = st.erlang_c(agents, traffic)
    assert np.all(np.isfinite(c)) and np.all((0 <= c) & (c <= 1))
    assert np.all(np.diff(c) <= 0)
    row = st.required_agents(200_000 * 1800 / 180, 180).iloc[0]
    n = int(row["raw_agents"])
    assert row["service_level"] >= 0.8 > st.service_level(n - 1, traffic, 180, 20)
    assert np.isfinite(row[["wait_probability", "asa_s", "occupancy"]].astype(float)).all()


def test_undefined_erlang_c_returns_documented_limits():
    agents = np.array([0, 5, 9, 10])
    assert np.all(st.erlang_c(agents, 10.0) == 1.0)
    assert np.all(st.service_level(agents, 10.0, 180, 20) == 0.0)
    assert np.all(np.isinf(st.asa_s(agents, 10.0, 180)))
    assert np.all(st.occupancy(agents[1:], 10.0) == 1.0)
    grid_n, grid_a = np.meshgrid(np.arange(0, 60), np.linspace(0, 80, 41))
    for values in (st.erlang_b(grid_n, grid_a), st.erlang_c(grid_n, grid_a),
                   st.service_level(grid_n, grid_a, 200, 20), st.occupancy(grid_n, grid_a)):
        assert np.all((values >= 0) & (values <= 1))


def test_zero_volume_needs_no_agents():
    result = st.required_agents([0, 100], 180, shrinkage=0.3)
    assert result["raw_agents"].tolist() == [0, 14]
    assert result["agents"].tolist() == [0, 20]
    assert result.loc[0, ["service_level", "wait_probability", "asa_s", "occupancy"]].tolist() == [1, 0, 0, 0]


@pytest.mark.parametrize("kwargs,message", [
    ({"volume": -1}, "volume"),
    ({"aht_s": 0}, "aht_s"),
    ({"sl_target": 1.0}, "sl_target"),
    ({"shrinkage": 1.0}, "shrinkage"),
    ({"max_occupancy": 1.2}, "max_occupancy"),
    ({"volume": float("nan")}, "volume"),
    ({"max_abandonment": 0.05}, "max_abandonment"),
])
def test_bad_arguments_raise(kwargs, message):
    arguments = {"volume": 100, "aht_s": 180, **kwargs}
    with pytest.raises(ValueError, match=message):
        st.required_agents(**arguments)


def test_agents_must_be_whole():
    with pytest.raises(ValueError, match="agents"):
        st.erlang_c(10.5, 10)


def test_scalars_give_floats_and_series_keep_their_index():
    assert isinstance(st.erlang_c(14, 10), float)
    assert st.erlang_c([[14, 15]], 10).shape == (1, 2)
    volume = pd.Series([100, 500], index=["a", "b"])
    result = st.required_agents(volume, pd.Series([180, 120], index=["a", "b"]))
    assert list(result.index) == ["a", "b"]
    assert list(result.columns) == ["traffic", "raw_agents", "agents", "service_level", "occupancy",
                                    "wait_probability", "asa_s"]


# ------------------------------------------------------------------------------------------ Erlang A


@pytest.mark.parametrize("n,traffic,aht,patience,threshold", [
    (10, 10, 180, 60, 20), (5, 8, 300, 120, 20), (30, 25, 240, 600, 20), (3, 0.5, 100, 30, 10),
    (100, 150, 300, 30, 20),
])
def test_erlang_a_matches_birth_death_chain(n, traffic, aht, patience, threshold):
    wait, abandon, in_time = birth_death_erlang_a(n, traffic, aht, patience, threshold)
    row = st.erlang_a(n, traffic, aht, patience, threshold).iloc[0]
    assert row["wait_probability"] == pytest.approx(wait, rel=1e-9)
    assert row["abandonment"] == pytest.approx(abandon, rel=1e-9)
    assert row["service_level"] == pytest.approx(in_time, rel=1e-9)
    assert row["asa_s"] == pytest.approx(abandon * patience, rel=1e-9)  # Little: E[wait] = P(abandon)/θ


def test_erlang_a_with_endless_patience_is_erlang_c():
    row = st.erlang_a(50, 40, 200, 1e9, 20).iloc[0]
    assert row["wait_probability"] == pytest.approx(st.erlang_c(50, 40), rel=1e-6)
    assert row["service_level"] == pytest.approx(st.service_level(50, 40, 200, 20), rel=1e-6)
    assert row["abandonment"] < 1e-7


def test_erlang_a_no_agents_everyone_abandons():
    row = st.erlang_a(0, 2, 100, 50, 20).iloc[0]
    assert (row["wait_probability"], row["abandonment"], row["service_level"]) == (1.0, 1.0, 0.0)


def test_required_agents_erlang_a_is_minimal_and_below_erlang_c():
    volumes = np.array([20, 100, 400, 1500, 3000])
    ahts = np.array([300, 180, 240, 420, 600])
    patience = np.array([60, 120, 30, 300, 90])
    a_result = st.required_agents(volumes, ahts, patience_s=patience, max_abandonment=0.05)
    c_result = st.required_agents(volumes, ahts)
    assert "abandonment" in a_result.columns
    assert np.all(a_result["raw_agents"] <= c_result["raw_agents"] + 0)
    traffic = volumes * ahts / 1800
    for i, n in enumerate(a_result["raw_agents"].tolist()):
        here = st.erlang_a(n, traffic[i], ahts[i], patience[i]).iloc[0]
        below = st.erlang_a(n - 1, traffic[i], ahts[i], patience[i]).iloc[0]
        assert here["service_level"] >= 0.8 and here["abandonment"] <= 0.05
        assert below["service_level"] < 0.8 or below["abandonment"] > 0.05


# ------------------------------------------------------------------------------------------ hours and FTE


def test_forecast_to_staffed_hours_and_fte():
    forecast = pd.DataFrame({
        "date": ["2026-03-02", "2026-03-02", "2026-04-01"],
        "interval_start": ["09:00", "09:30", "09:00"],
        "supplier": "northwind", "service": "care",
        "offered": [100, 100, 0], "aht_s": [180, 180, 180],
    })
    plan = st.interval_requirements(forecast, shrinkage=0.3)
    # each busy interval: 14 productive agents → 20 scheduled; half an hour each
    assert plan["staffed_hours"].tolist() == [Decimal("10.0"), Decimal("10.0"), Decimal("0")]
    assert plan["productive_hours"].tolist() == [Decimal("7.0"), Decimal("7.0"), Decimal("0")]
    monthly = st.staffed_hours(plan, period="month", fte_hours=147)
    assert monthly["month"].tolist() == ["2026-03", "2026-04"]
    assert monthly["staffed_hours"].tolist() == [Decimal("20"), Decimal("0")]
    assert monthly["fte"].tolist() == [Fraction(20, 147), Fraction(0)]
    # March 2026: Mon–Fri = 22 days, less the holiday on Thursday 19 March → 21;
    # daily FTE = 20 h ÷ (147 h ÷ 21 days) = 20 × 21 / 147 = 20/7
    daily = st.staffed_hours(plan, period="day", fte_hours=147, holidays=[pd.Timestamp("2026-03-19").date()])
    assert daily.loc[0, "fte"] == Fraction(20, 7)
    assert daily["intervals"].tolist() == [2, 1]


def test_forecast_needs_its_columns():
    with pytest.raises(ValueError, match="aht_s"):
        st.interval_requirements(pd.DataFrame({"date": ["2026-03-02"], "offered": [10]}))


def test_working_days():
    assert st.working_days("2026-03") == 22
    assert st.working_days("2026-02") == 20


# ------------------------------------------------------------------------------------------------
# Worked checks against the spec (hand-computed)
# ------------------------------------------------------------------------------------------------

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
def test_erlang_b_two_percent_table_worked(lines, erlangs):
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
