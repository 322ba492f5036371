"""The stretches of an SLA rule's scale (for the bullet chart) and the near-miss to the next better band."""

from decimal import Decimal
from fractions import Fraction

from ccanalysis import sla
from ccanalysis.report import figures

RULES = sla.parse({"rules": [
    {"kpi": "service_level", "bands": [{"below": 0.70, "adjustment": -0.05},
                                       {"from": 0.70, "below": 0.80, "adjustment": 0},
                                       {"from": 0.85, "adjustment": 0.02}]},
    {"id": "asa", "kpi": "asa_s", "linear": {"target": 30, "worse": "above", "per_unit": -0.001}},
    {"id": "fcr_bonus", "kpi": "fcr", "linear": {"target": 0.7, "worse": "below", "side": "better",
                                                 "per_point": 0.01}},
    {"kpi": "abandonment_rate", "bands": [{"from": 0.03, "adjustment": -0.03}]},
]}).rules
BANDS, ASA, FCR, ABANDON = (sla.segments(rule) for rule in RULES)


def test_bands_are_their_own_segments():
    assert [(s.lower, s.upper, s.sign, s.adjustment) for s in BANDS] == [
        (None, Decimal("0.7"), -1, Decimal("-0.05")), (Decimal("0.7"), Decimal("0.8"), 0, Decimal("0")),
        (Decimal("0.8"), Decimal("0.85"), 0, Decimal("0")),  # in no band: no adjustment
        (Decimal("0.85"), None, 1, Decimal("0.02"))]
    assert [(s.lower, s.upper, s.sign) for s in ABANDON] == [(None, Decimal("0.03"), 0), (Decimal("0.03"), None, -1)]


def test_a_linear_rule_splits_at_its_target():
    # a penalty above 30 s, nothing below; a bonus above 70 % FCR, nothing below
    assert [(s.lower, s.upper, s.sign, s.adjustment) for s in ASA] == [
        (None, Decimal("30"), 0, Decimal("0")), (Decimal("30"), None, -1, None)]
    assert [(s.lower, s.upper, s.sign) for s in FCR] == [(None, Decimal("0.7"), 0), (Decimal("0.7"), None, 1)]


def test_near_miss_is_the_next_better_band():
    # 78 % sits in the neutral band; the bonus starts at 85 %: 7 points away (the gap 80–85 % pays nothing)
    miss = sla.near_miss(BANDS, Fraction(78, 100))
    assert miss.boundary == Decimal("0.85") and miss.gap == Fraction(7, 100) and miss.segment.adjustment == Decimal("0.02")
    # 65 % is penalised 5 %; 70 % stops the penalty
    miss = sla.near_miss(BANDS, Fraction(65, 100))
    assert miss.boundary == Decimal("0.7") and miss.gap == Fraction(5, 100)
    assert sla.near_miss(BANDS, Fraction(90, 100)) is None  # already in the best band
    # ASA 42 s is penalised; 30 s is the target: 12 s to go (down)
    miss = sla.near_miss(ASA, Fraction(42))
    assert miss.boundary == Decimal("30") and miss.gap == -12
    # abandonment 4.5 % pays the 3 % penalty; below 3 % nothing: 1.5 points down
    miss = sla.near_miss(ABANDON, Fraction(45, 1000))
    assert miss.boundary == Decimal("0.03") and miss.gap == Fraction(-15, 1000)


def test_a_value_in_no_band_is_measured_to_the_next_band_that_pays():
    miss = sla.near_miss(BANDS, Fraction(82, 100))  # 80–85 % is in no band (no adjustment)
    assert miss.boundary == Decimal("0.85") and miss.gap == Fraction(3, 100)


def test_bullet_chart_draws_values_bands_and_legend():
    rows = [{"title": "care · service level", "unit": "fraction", "value": 0.7812,
             "segments": [(s.lower, s.upper, s.sign, s.adjustment) for s in BANDS]},
            {"title": "care · ASA", "unit": "seconds", "value": 42.0,
             "segments": [(s.lower, s.upper, s.sign, s.adjustment) for s in ASA]}]
    fig = figures.kpi_bullets(rows, "es", "Indicadores")
    texts = [t.get_text() for ax in fig.axes for t in ax.texts]
    assert "78,12 %" in texts and "42,0" in texts
    assert "−5,0 %" in texts and "+2,0 %" in texts  # each band's adjustment of the base, signed
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend == ["Penalización", "Sin ajuste", "Bonificación", "Valor"]
    assert fig.get_size_inches()[0] == 8.0
