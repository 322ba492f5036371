"""SLA rules: exact bands, linear and per-point rules, decimals, start date, caps, validation."""

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pandas as pd
import pytest

from ccanalysis import sla
from ccanalysis.i18n.domain import describe_sla_line
from ccanalysis.pricing import Fact

MARCH = date(2026, 3, 1)
BASE = Decimal("10000.00")
SERVICE_KPIS = {"service_level": {"variant": "offered", "threshold_s": 20}}


def activity(within: int = 700, offered: int = 1000, handled: int = 100, talk_s: int = 30000) -> pd.DataFrame:
    """One period of activity: service level = within / offered (variant offered), AHT = talk_s / handled."""
    return pd.DataFrame({"date": pd.to_datetime(["2026-03-02"]), "offered": [offered], "handled": [handled],
                         "abandoned": [0], "answered_within_sl": [within], "talk_s": [talk_s], "hold_s": [0],
                         "acw_s": [0]})


SL_BANDS = [{"below": 0.70, "adjustment": -0.05},
            {"from": 0.70, "below": 0.80, "adjustment": -0.02},
            {"from": 0.85, "adjustment": 0.02}]


def en(line):
    """The line with its target and explanation written in English."""
    return describe_sla_line(line, "en")


def sl_rule(bands=None, **extra):
    return {"rules": [{"kpi": "service_level", "bands": bands or SL_BANDS, **extra}]}


def test_exactly_seven_tenths_is_in_the_band_starting_at_0_70():
    lines = sla.evaluate(sl_rule(), SERVICE_KPIS, activity(within=700), BASE, MARCH)
    [line] = lines
    assert line.value == Fraction(7, 10)
    assert line.fraction == Decimal("-0.02")
    assert line.amount == Decimal("-200.00")  # 10,000 × −0.02
    assert (line.rule_id, line.charge, line.kind, line.kpi, line.variant) == (
        "service_level", "sla:service_level", "sla", "service_level", "offered")
    assert en(line).definition == "answered within 20 s / offered"
    assert en(line).target == "from 70% below 80% → -0.02"
    assert "70.00%" in en(line).explanation and "-200.00" in en(line).explanation
    assert describe_sla_line(line, "es").target == "desde 70 % por debajo de 80 % → -0,02"
    # one contact less: 699/1000 falls in the band below 0.70
    [below] = sla.evaluate(sl_rule(), SERVICE_KPIS, activity(within=699), BASE, MARCH)
    assert below.amount == Decimal("-500.00")


def test_band_bounds_given_as_decimals_behave_the_same():
    bands = [{"from": Decimal("0.70"), "below": Decimal("0.80"), "adjustment": Decimal("-0.02")}]
    [line] = sla.evaluate(sl_rule(bands), SERVICE_KPIS, activity(within=700), BASE, MARCH)
    assert line.amount == Decimal("-200.00")


def test_no_band_means_no_line_but_the_rule_is_tracked():
    result = sla.assess(sl_rule(), SERVICE_KPIS, activity(within=820), BASE, MARCH)  # 0.82: gap 0.80–0.85
    assert result.lines == []
    [tracked] = result.tracked
    assert tracked.kind == "tracked" and tracked.amount == Decimal("0.00")
    assert tracked.value == Fraction(82, 100)
    assert "no band" in en(tracked).explanation


def test_no_data_gives_no_line():
    result = sla.assess(sl_rule(), SERVICE_KPIS, activity(within=0, offered=0), BASE, MARCH)
    assert result.lines == []
    assert result.tracked[0].value is None and "no data" in en(result.tracked[0]).explanation


AHT_PENALTY = {"kpi": "aht_s", "linear": {"target": 300, "per_unit": -0.001, "worse": "above",
                                           "min": -0.03, "max": 0}}


@pytest.mark.parametrize(("talk_s", "amount"), [
    (31000, Decimal("-100.00")),  # AHT 310 s: 10 s over × −0.001 = −0.01 → −100.00
    (35000, Decimal("-300.00")),  # AHT 350 s: −0.05 clipped to min −0.03 → −300.00
    (30000, None),                # on target: 0, no line
    (29000, None),                # better than target: gap 0 (and max 0)
])
def test_linear_penalty_with_clipping(talk_s, amount):
    lines = sla.evaluate({"rules": [AHT_PENALTY]}, {}, activity(talk_s=talk_s), BASE, MARCH)
    if amount is None:
        assert lines == []
    else:
        [line] = lines
        assert line.amount == amount
        assert line.charge == "sla:aht_s"


def test_linear_exact_fraction_rounded_once():
    rule = {"kpi": "aht_s", "linear": {"target": 300, "per_unit": -0.001, "worse": "above", "min": -0.05}}
    # AHT = 1001/3 s; gap 101/3 s; fraction −101/3000; × 1000 = −33.666… → −33.67
    [line] = sla.evaluate({"rules": [rule]}, {}, activity(handled=3, talk_s=1001), Decimal("1000"), MARCH)
    assert line.value == Fraction(1001, 3)
    assert line.amount == Decimal("-33.67")


def test_half_cent_rounds_away_from_zero():
    bands = [{"below": 0.80, "adjustment": -0.005}]
    # 1001 × −0.005 = −5.005 → −5.01 (half away from zero)
    [line] = sla.evaluate(sl_rule(bands), SERVICE_KPIS, activity(within=700), Decimal("1001"), MARCH)
    assert line.amount == Decimal("-5.01")


def test_per_point_penalty():
    rule = {"kpi": "service_level",
            "linear": {"target": 0.80, "per_point": -0.005, "worse": "below", "min": -0.05}}
    # SL 76.5 %: 3.5 points below 80 % × −0.005 = −0.0175 → 10,000 × −0.0175 = −175.00
    [line] = sla.evaluate({"rules": [rule]}, SERVICE_KPIS, activity(within=765), BASE, MARCH)
    assert line.fraction == Decimal("-0.0175")
    assert line.amount == Decimal("-175.00")


@pytest.mark.parametrize(("within", "amount"), [
    (830, Decimal("60.00")),   # 3 points better × 0.002 = 0.006 → 60.00
    (900, Decimal("100.00")),  # 10 points × 0.002 = 0.02, clipped to max 0.01 → 100.00
    (780, None),               # worse than target: no bonus
])
def test_linear_bonus_on_the_better_side(within, amount):
    rule = {"kpi": "service_level", "linear": {"target": 0.80, "per_point": 0.002, "worse": "below",
                                                "side": "better", "max": 0.01}}
    lines = sla.evaluate({"rules": [rule]}, SERVICE_KPIS, activity(within=within), BASE, MARCH)
    assert [line.amount for line in lines] == ([] if amount is None else [amount])


def test_decimals_round_on_the_percentage_scale():
    bands = [{"below": 0.805, "adjustment": -0.01}, {"from": 0.805, "adjustment": 0.01}]
    data = activity(within=8046, offered=10000)  # 80.46 %
    [exact] = sla.evaluate(sl_rule(bands), SERVICE_KPIS, data, BASE, MARCH)
    assert exact.amount == Decimal("-100.00")  # 0.8046 < 0.805 without decimals
    [rounded] = sla.evaluate(sl_rule(bands, decimals=1), SERVICE_KPIS, data, BASE, MARCH)
    assert rounded.value == Fraction(8046, 10000)
    assert rounded.value_used == Fraction(805, 1000)  # 80.46 % → 80.5 %
    assert rounded.amount == Decimal("100.00")


def test_decimals_on_seconds():
    rule = {**AHT_PENALTY, "decimals": 0}
    # AHT 300.45 s → 300 s at 0 decimals: on target, no line; exact: 0.45 s × −0.001 × 10,000 = −4.50
    data = activity(handled=100, talk_s=30045)
    assert sla.evaluate({"rules": [rule]}, {}, data, BASE, MARCH) == []
    [line] = sla.evaluate({"rules": [AHT_PENALTY]}, {}, data, BASE, MARCH)
    assert line.amount == Decimal("-4.50")


def test_start_date():
    block = {"start": "2026-03-01", **sl_rule()}
    result = sla.assess(block, SERVICE_KPIS, activity(within=700), BASE, date(2026, 2, 1))
    assert result.lines == []
    assert "start-up" in en(result.tracked[0]).explanation
    block = {"start": date(2026, 3, 1), **sl_rule()}
    assert len(sla.evaluate(block, SERVICE_KPIS, activity(within=700), BASE, MARCH)) == 1


def test_penalty_cap():
    block = {"penalty_cap": 0.10, "rules": [
        {"kpi": "service_level", "bands": SL_BANDS},
        {"kpi": "aht_s", "linear": {"target": 300, "per_unit": -0.001, "worse": "above", "min": -0.08}}]}
    # SL 0.60 → −0.05 → −500.00; AHT 370 s → −0.07 → −700.00; Σ −1,200.00, cap 1,000.00 → +200.00
    lines = sla.evaluate(block, SERVICE_KPIS, activity(within=600, talk_s=37000), BASE, MARCH)
    assert [(line.charge, line.kind, line.amount) for line in lines] == [
        ("sla:service_level", "sla", Decimal("-500.00")),
        ("sla:aht_s", "sla", Decimal("-700.00")),
        ("sla:cap_penalty", "sla_cap", Decimal("200.00"))]
    assert lines[2].fraction == Decimal("0.02")  # −0.10 − (−0.12)
    assert sum(line.amount for line in lines) == Decimal("-1000.00")


def test_penalty_cap_on_rounded_lines():
    block = {"penalty_cap": 0.10, "rules": [
        {"kpi": "service_level", "bands": SL_BANDS},
        {"kpi": "aht_s", "linear": {"target": 300, "per_unit": -0.001, "worse": "above", "min": -0.08}}]}
    base = Decimal("1234.56")
    # −0.05 × 1234.56 = −61.728 → −61.73; −0.07 × 1234.56 = −86.4192 → −86.42; Σ −148.15
    # cap: 0.10 × 1234.56 = 123.456 → 123.46; cap line −123.46 − (−148.15) = +24.69
    lines = sla.evaluate(block, SERVICE_KPIS, activity(within=600, talk_s=37000), base, MARCH)
    assert [line.amount for line in lines] == [Decimal("-61.73"), Decimal("-86.42"), Decimal("24.69")]


def test_bonus_cap():
    block = {"bonus_cap": 0.05, "penalty_cap": 0.10, "rules": [
        {"kpi": "service_level", "bands": [{"from": 0.85, "adjustment": 0.04}]},
        {"kpi": "aht_s", "linear": {"target": 300, "per_unit": 0.001, "worse": "above", "side": "better",
                                    "max": 0.03}}]}
    # SL 0.90 → +400.00; AHT 280 s: 20 s better × 0.001 = 0.02 → +200.00; Σ 600.00, cap 500.00 → −100.00
    lines = sla.evaluate(block, SERVICE_KPIS, activity(within=900, talk_s=28000), BASE, MARCH)
    assert [(line.charge, line.amount) for line in lines] == [
        ("sla:service_level", Decimal("400.00")), ("sla:aht_s", Decimal("200.00")),
        ("sla:cap_bonus", Decimal("-100.00"))]
    assert "500.00" in en(lines[2]).explanation


def answered_contacts() -> pd.DataFrame:
    """Ten answered contacts; within 20 s: 4 (5, 10, 15, 18); within 60 s: 8."""
    queue = [5, 10, 15, 18, 25, 30, 45, 50, 70, 90]
    return pd.DataFrame({"contact_id": [f"c{i}" for i in range(10)],
                         "start": pd.to_datetime(["2026-03-02 09:00"] * 10), "queue_s": queue,
                         "answered": [True] * 10, "abandoned": [False] * 10,
                         "talk_s": [100] * 10, "hold_s": [0] * 10, "acw_s": [0] * 10})


def test_two_rules_on_one_kpi_add_up_before_the_cap():
    block = {"penalty_cap": 0.10, "rules": [
        {"id": "sl_20", "kpi": "service_level", "bands": [{"below": 0.80, "adjustment": -0.06}]},
        {"id": "sl_60", "kpi": "service_level", "threshold_s": 60,
         "bands": [{"below": 0.90, "adjustment": -0.05}]}]}
    lines = sla.evaluate(block, SERVICE_KPIS, answered_contacts(), BASE, MARCH)
    # SL at 20 s = 4/10 → −600.00; SL at 60 s = 8/10 → −500.00; Σ −1,100.00 > cap 1,000.00 → +100.00
    assert [(line.charge, line.value, line.amount) for line in lines] == [
        ("sla:sl_20", Fraction(4, 10), Decimal("-600.00")),
        ("sla:sl_60", Fraction(8, 10), Decimal("-500.00")),
        ("sla:cap_penalty", None, Decimal("100.00"))]
    assert en(lines[1]).definition == "answered within 60 s / offered"


def test_rules_on_one_kpi_net_before_the_caps():
    block = {"penalty_cap": 0.10, "rules": [
        {"id": "sl_20", "kpi": "service_level", "bands": [{"below": 0.80, "adjustment": -0.06}]},
        {"id": "sl_60", "kpi": "service_level", "threshold_s": 60,
         "bands": [{"from": 0.80, "adjustment": 0.03}]},
        {"kpi": "aht_s", "linear": {"target": 30, "per_unit": -0.001, "worse": "above", "min": -0.07}}]}
    # service level nets −600 + 300 = −300; AHT 100 s: −0.07 → −700; penalties Σ −1,000 = the cap: no cap line
    lines = sla.evaluate(block, SERVICE_KPIS, answered_contacts(), BASE, MARCH)
    assert [line.amount for line in lines] == [Decimal("-600.00"), Decimal("300.00"), Decimal("-700.00")]


@pytest.mark.parametrize(("block", "path"), [
    ({"rules": [], "penalty_caps": 0.1}, "sla.penalty_caps"),
    ({"base": "everything"}, "sla.base"),
    ({"rules": [{"kpi": "service_level", "bands": SL_BANDS, "weight": 1}]}, r"sla.rules\[0\].weight"),
    ({"rules": [{"kpi": "service_levels", "bands": SL_BANDS}]}, r"sla.rules\[0\].kpi"),
    ({"rules": [{"kpi": "service_level", "variant": "x", "bands": SL_BANDS}]}, r"sla.rules\[0\].variant"),
    ({"rules": [{"kpi": "service_level", "bands": [{"from": 0.8, "below": 0.9, "adjustment": 0},
                                                    {"from": 0.7, "below": 0.8, "adjustment": -0.02}]}]},
     r"sla.rules\[0\].bands\[1\].from"),
    ({"rules": [{"kpi": "service_level", "bands": [{"from": 0.8, "below": 0.8, "adjustment": 0}]}]},
     r"sla.rules\[0\].bands\[0\]"),
    ({"rules": [{"kpi": "service_level", "bands": [{"from": 0.8, "adjustment": 0}, {"from": 0.9,
                                                                                     "adjustment": 0}]}]},
     r"sla.rules\[0\].bands\[0\].below"),
    ({"rules": [{"kpi": "service_level", "bands": [{"from": 0.8, "adj": 0}]}]}, r"sla.rules\[0\].bands\[0\].adj"),
    ({"rules": [{"kpi": "service_level", "bands": SL_BANDS}, {"kpi": "service_level", "bands": SL_BANDS}]},
     r"sla.rules\[1\].id"),
    ({"rules": [{"kpi": "aht_s", "linear": {"target": 300, "per_point": -0.01, "worse": "above"}}]},
     r"sla.rules\[0\].linear.per_point"),
    ({"rules": [{"kpi": "aht_s", "linear": {"target": 300, "per_unit": -0.01}}]}, r"sla.rules\[0\].linear.worse"),
    ({"rules": [{"kpi": "aht_s", "linear": {"per_unit": -0.01, "worse": "above"}}]},
     r"sla.rules\[0\].linear.target"),
    ({"rules": [{"kpi": "aht_s", "linear": {"target": 300, "per_unit": -0.01, "worse": "above",
                                            "min": 0, "max": -0.03}}]}, r"sla.rules\[0\].linear.min"),
    ({"rules": [{"kpi": "aht_s"}]}, r"sla.rules\[0\].bands"),
    ({"rules": [{"kpi": "aht_s", "linear": {"target": "fast", "per_unit": -0.01, "worse": "above"}}]},
     r"sla.rules\[0\].linear.target"),
    ({"start": "March", "rules": []}, "sla.start"),
    ({"rules": [{"id": "cap_penalty", "kpi": "aht_s", "bands": SL_BANDS}]}, r"sla.rules\[0\].id"),
])
def test_invalid_blocks_name_the_key(block, path):
    with pytest.raises(ValueError, match=path):
        sla.parse(block)


def test_to_frame():
    lines = sla.evaluate(sl_rule(), SERVICE_KPIS, activity(within=700), BASE, MARCH)
    frame = sla.to_frame(lines)
    assert list(frame["charge"]) == ["sla:service_level"]
    assert frame.loc[0, "amount"] == Decimal("-200.00")


def test_validate_and_rule_aggregation_path():
    sla.validate(sl_rule())
    with pytest.raises(ValueError, match=r"sla.rules\[0\].aggregation"):
        sla.validate(sl_rule(aggregation="median"))


def test_rule_kind_lookup_names_the_kinds():
    with pytest.raises(ValueError, match=r"unknown SLA rule kind 'steps' \(kinds: bands, linear\)"):
        sla.RULE_KINDS.get("steps")
    with pytest.raises(ValueError, match=r"sla.rules\[0\].bands: give exactly one of bands or linear"):
        sla.parse({"rules": [{"kpi": "aht_s", "bands": [{"adjustment": 0}], "linear": {"target": 1}}]})


def test_a_registered_rule_kind_is_parsed_and_evaluated():
    def parse_flat(raw, path, unit):
        if not isinstance(raw, dict) or "when_below" not in raw:
            raise ValueError(f"{path}.when_below: missing")
        return (Decimal(str(raw["when_below"])), Decimal(str(raw["adjustment"])))

    def evaluate_flat(parameters, value, unit):
        limit, adjustment = parameters
        fact = sla.Band(None, limit, adjustment).fact(unit)
        return sla.Outcome(Fraction(adjustment) if value < Fraction(limit) else Fraction(0), Fact("in_band", {"band": fact}),
                           fact)

    sla.RULE_KINDS.register(sla.RuleKind("flat", parse_flat, evaluate_flat,
                                         lambda parameters, unit: sla.Band(None, *parameters).fact(unit)))
    try:
        rule = {"kpi": "service_level", "flat": {"when_below": 0.8, "adjustment": -0.01}}
        [line] = sla.evaluate({"rules": [rule]}, SERVICE_KPIS, activity(within=700), BASE, MARCH)
        assert line.amount == Decimal("-100.00")  # 0.70 < 0.80 → −1 % of 10,000
        with pytest.raises(ValueError, match=r"sla.rules\[0\].flat.when_below: missing"):
            sla.parse({"rules": [{"kpi": "service_level", "flat": {}}]})
    finally:
        sla.RULE_KINDS.unregister("flat")
