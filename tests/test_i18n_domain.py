"""i18n.domain: every fact the domain returns, in words — Spanish without English words and the reverse."""

import re
from datetime import date
from decimal import Decimal
from fractions import Fraction

import pandas as pd
import pytest

from ccanalysis import sla
from ccanalysis.i18n import domain as words
from ccanalysis.pricing import Fact, rate_breakdown
from ccanalysis.pricing.units import ServiceActivity, billable_units

D = Decimal

ENGLISH = {"tier", "tiers", "units", "unit", "fee", "flat", "at", "from", "model", "per", "records", "daily",
           "activity", "minimum", "maximum", "charge", "charges", "penalty", "penalties", "bonus", "bonuses", "cap",
           "value", "event", "events", "packages", "rounded", "prorated", "days", "active", "the", "of", "and", "was",
           "band", "below", "above", "target", "gap", "side", "fixed", "handled", "productive", "minute",
           "minutes", "hours", "only", "free", "raised", "capped", "with", "in", "billing", "clipping", "line",
           "lines", "data", "adjustment", "increments", "contacts", "contact", "commitment", "true", "up",
           "payments", "collected", "month", "months", "block", "blocks", "reached", "zero", "usage", "level",
           "service", "answered", "within", "offered", "worse", "better", "point", "second", "fraction", "brings", "back"}
SPANISH = {"tramo", "unidades", "cuota", "modelo", "por", "registros", "actividad", "diaria", "mínimo", "máximo",
           "cargo", "cargos", "penalización", "penalizaciones", "bonificación", "bonificaciones", "tope", "valor",
           "evento", "eventos", "paquetes", "redondeo", "prorrateado", "días", "activos", "del", "de", "la", "el", "los",
           "las", "fue", "banda", "debajo", "encima", "objetivo", "desviación", "lado", "fijo", "atendidos",
           "productivos", "minutos", "horas", "solo", "gratuitos", "elevados", "limitados", "con", "en",
           "periodo", "facturación", "línea", "sin", "datos", "ajuste", "incrementos", "contactos",
           "compromiso", "regularización", "suman", "servicios", "pagos", "importe", "bloque", "bloques",
           "alcanzado", "uso", "nivel", "servicio", "atendidas", "dentro", "ofrecidas", "peor", "mejor",
           "punto", "fracción", "devuelve", "mes", "meses"}
OTHER = {"es": ENGLISH, "en": SPANISH}
NEUTRAL = {"base", "total", "s", "h", "a", "no"}  # written alike in both languages


def _foreign(text: str, lang: str) -> set[str]:
    return {w for w in re.findall(r"[^\W\d_]+", text.lower()) if w in OTHER[lang] and w not in NEUTRAL}


def _charge(model, **keys):
    return {"id": "x", "unit": "handled_contact", "model": model, **keys}


def _pricing_facts():
    tiers = [{"up_to": 10, "unit_price": "1.5", "flat_fee": 5}, {"up_to": None, "unit_price": "1.2", "block_size": 5}]
    rate_tiers = [{"up_to": 100, "rate": "0.1"}, {"up_to": None, "rate": "0.05", "flat_fee": 3}]
    capacity = {"id": "k", "model": "capacity", "dimensions": ["fte"], "fte_hours": 160,
                "tiers": [{"limits": {"fte": 2}, "price": 1000}, {"limits": {"fte": None}, "price": 1800}]}
    parts = []
    parts += rate_breakdown(_charge("per_unit", unit_price="0.55", minimum=100), 10)
    parts += rate_breakdown(_charge("graduated", tiers=tiers, maximum=20), 27)
    parts += rate_breakdown(_charge("graduated", tiers=tiers, flat_fee_at_zero=True), 0)
    parts += rate_breakdown(_charge("volume", tiers=tiers), 27)
    parts += rate_breakdown(_charge("volume", tiers=tiers), 0)
    parts += rate_breakdown(_charge("package", package_size=50, package_price=60, free_units=10), 120)
    parts += rate_breakdown(_charge("percentage", rate="0.1", fixed_per_event=1, min_per_event=2, max_per_event=5,
                                    free_events=1), events=[10, 5, 100])
    parts += rate_breakdown(_charge("graduated_percentage", tiers=rate_tiers), events=[150])
    parts += rate_breakdown(_charge("graduated_percentage", tiers=rate_tiers), events=[])
    parts += rate_breakdown(capacity, {"fte": D(3)}, active_days=10, period_days=31)
    parts += rate_breakdown(capacity, {"fte": D(0)})
    parts += rate_breakdown(_charge("fixed", unit="month", amount=1500, minimum=2000), active_days=10,
                            period_days=31)
    parts += rate_breakdown(_charge("fixed", unit="month", amount=1500, prorate=False))
    return [p.fact for p in parts]


def _units_facts():
    rows = pd.DataFrame({"date": pd.to_datetime(["2026-08-03"]), "offered": [3], "handled": [2], "talk_s": [60],
                         "hold_s": [0], "acw_s": [0], "logged_s": [3600], "collected_amount": [50]})
    contacts = pd.DataFrame({"contact_id": ["c1"], "start": pd.to_datetime(["2026-08-03 09:00"]),
                             "answered": [True], "talk_s": [60], "hold_s": [0], "acw_s": [0],
                             "outcome": ["payment"], "amount": [20.0]})
    by_rows = ServiceActivity(pd.DataFrame(), rows, frozenset(), date(2026, 8, 1), date(2026, 8, 31))
    by_contacts = ServiceActivity(contacts, pd.DataFrame(), frozenset(), date(2026, 8, 1), date(2026, 8, 31))
    charges = [
        (_charge("per_unit", unit_price=1, applies_to={"days": ["weekday", "holiday"], "hours": "08:00-20:00"}),
         by_contacts),
        (_charge("per_unit", unit="month", unit_price=1), by_rows),
        (_charge("per_unit", unit="month", unit_price=1, prorate=False), by_rows),
        (_charge("percentage", unit="collected_amount", rate="0.1"), by_contacts),
        (_charge("graduated_percentage", unit="collected_amount", tiers=[{"up_to": None, "rate": "0.1"}]),
         by_rows),
        ({"id": "k", "model": "capacity", "dimensions": ["handled_contact"], "peak_over": "day",
          "tiers": [{"limits": {"handled_contact": None}, "price": 1}]}, by_rows),
    ]
    return [billable_units(c, a, active_days=10, period_days=31).fact for c, a in charges]


def _invoice_facts():
    return [
        Fact("rule", {"model": "graduated", "days": (10, 31), "rounding": (30, 6)}),
        Fact("limit_line", {"kind": "minimum", "total": D("12.50"), "bound": D(100), "days": (10, 31)}),
        Fact("limit_line", {"kind": "maximum", "total": D("250.00"), "bound": D(200), "days": None}),
        Fact("account_cap", {"cap": D(250), "accounts": 7, "reached_before": 2, "fees": D("29557.44"),
                             "reduction": D("621.97")}),
        Fact("account_cap", {"cap": D(250), "accounts": 1, "reached_before": 0, "fees": D("12.00"),
                             "reduction": D("2.00")}),
        Fact("commitment", {"amount": D(230000), "prorated": True, "active_days": 31, "period_days": 31,
                            "committed": D("230000.00"), "billed": D("217894.95"), "true_up": D("12105.05")}),
        Fact("sla_base", {"base": "variable_charges", "service": "care", "amount": D("1000.00")}),
        Fact("sla_base", {"base": "all_charges", "service": "care", "amount": D("1000.00")}),
    ]


LABELS = [Fact("charge", {"description": "Llamada", "tier": 2}), Fact("charge", {"description": "Llamada", "tier": None}),
          Fact("flat_fee", {"description": "Llamada", "tier": 1}), Fact("limit", {"description": "Llamada", "kind": "minimum"}),
          Fact("limit", {"description": "Llamada", "kind": "maximum"}), Fact("minimum_commitment"),
          Fact("sla", {"kpi": "service_level", "bonus": True}), Fact("sla", {"kpi": "aht_s", "bonus": False}),
          Fact("sla_cap", {"kind": "penalty"}), Fact("sla_cap", {"kind": "bonus"}),
          Fact("account_cap_label", {"cap": D(250)})]


def _sla_lines():
    data = pd.DataFrame({"date": pd.to_datetime(["2026-08-03"]), "offered": [100], "handled": [90],
                         "abandoned": [10], "abandoned_short": [2], "answered_within_sl": [70],
                         "talk_s": [27000], "hold_s": [0], "acw_s": [0], "csat": [None]})
    block = {"penalty_cap": 0.01, "rules": [
        {"kpi": "service_level", "decimals": 1, "bands": [{"below": 0.8, "adjustment": -0.05},
                                                           {"from": 0.8, "adjustment": 0}]},
        {"kpi": "aht_s", "linear": {"target": 200, "per_unit": -0.001, "worse": "above", "min": -0.05}},
        {"id": "ns_extra", "kpi": "service_level", "linear": {"target": 0.7, "per_point": 0.01, "worse": "below",
                                                                "side": "better"}},
        {"id": "none", "kpi": "service_level", "bands": [{"from": 0.9, "adjustment": 0.01}]},
        {"id": "csat", "kpi": "csat", "bands": [{"from": 0, "adjustment": 0.01}]},
    ]}
    kpis = {"service_level": {"threshold_s": 20, "short_abandon_s": 5}}
    result = sla.assess(block, kpis, data, D(1000), date(2026, 8, 1))
    later = sla.assess({"start": "2026-09-01", **block}, kpis, data, D(1000), date(2026, 8, 1))
    return result.lines + result.tracked + later.tracked[:1]


def test_every_fact_code_is_covered():
    codes = {f.code for f in _pricing_facts() + _units_facts() + _invoice_facts()}
    assert codes >= set(words._SENTENCES) - {"sla_line"}


@pytest.mark.parametrize("lang", ["es", "en"])
def test_explanations_have_no_word_of_the_other_language(lang):
    for fact in _pricing_facts() + _units_facts() + _invoice_facts():
        text = words.say(fact, lang)
        assert not _foreign(text, lang), (fact.code, text)


@pytest.mark.parametrize("lang", ["es", "en"])
def test_descriptions_have_no_word_of_the_other_language(lang):
    for label in LABELS:
        text = words.describe(label, lang)
        assert not _foreign(text, lang), text


@pytest.mark.parametrize("lang", ["es", "en"])
def test_sla_lines_have_no_word_of_the_other_language(lang):
    lines = _sla_lines()
    assert {line.kind for line in lines} == {"sla", "sla_cap", "tracked"}
    for line in lines:
        shown = words.describe_sla_line(line, lang)
        for text in (shown.definition, shown.target, shown.explanation):
            assert not _foreign(text, lang), text
        assert words.say(Fact("sla_line", {"line": line}), lang)


def test_spanish_words_for_units_and_tiers():
    assert words.unit_name("productive_minute", "es") == "minuto productivo"
    assert words.unit_name("handled_contact", "es") == "contacto atendido"
    assert words.unit_name("block of handled_contact", "es") == "bloque de contacto atendido"
    assert words.describe(Fact("charge", {"description": "Minuto productivo", "tier": 1}), "es") == \
        "Minuto productivo tramo 1"
    assert words.describe(Fact("charge", {"description": "Productive minute", "tier": 1}), "en") == \
        "Productive minute tier 1"
    assert words.describe(Fact("minimum_commitment"), "es") == "Compromiso mínimo — regularización"
    assert words.describe(Fact("minimum_commitment"), "en") == "Minimum commitment — true-up"


def test_numbers_percentages_and_prices_follow_the_language():
    assert words.kpi_value(Fraction(8679, 10000), "fraction", "es") == "86,79 %"
    assert words.kpi_value(Fraction(8679, 10000), "fraction", "en") == "86.79%"
    assert words.price(D("0.55"), "es") == "0,55" and words.price(D("1500"), "en") == "1,500"
    assert words.price(D("60.0"), "es") == "60"  # never more decimals than the price's own
    assert words.quantity(D("319444.4"), "es") == "319.444,4"
    assert words.percent(D("0.0299"), "en") == "2.99%"
    text = words.say(Fact("sla_base", {"base": "all_charges", "service": "care", "amount": D("1234.5")}), "es")
    assert text.endswith("1.234,50")


def test_kpi_definitions_are_worded_by_the_display_layer():
    assert words.kpi_definition("service_level", None, "es", threshold_s=28800) == (
        "atendidas dentro de 28.800 s (8 h) / (ofrecidas − abandonadas dentro del umbral de abandono corto)")
    assert words.kpi_definition("service_level", None, "en", threshold_s=20).startswith("answered within 20 s /")
    assert words.kpi_definition("service_level", "offered", "en") == "answered within the SL threshold / offered"
    with pytest.raises(ValueError, match="valid variants"):
        words.kpi_definition("service_level", "served", "en")


def test_kpi_values_in_money_and_quantities_to_a_few_decimals():
    assert words.kpi_value(Fraction(27, 10), "money", "es", currency="EUR") == "2,70 €"
    assert words.kpi_value(Fraction(27, 10), "money", "en", currency="EUR") == "€2.70"
    assert words.kpi_value(Fraction(27, 10), "money", "en") == "2.70"
    assert words.quantity(D("5294.279722"), "es", 2) == "≈5.294,28"
    assert words.quantity(D("69444.40"), "es", 2) == "69.444,4"
    assert words.quantity(D("250000"), "en", 2) == "250,000"


@pytest.mark.parametrize("lang, expected", [("es", "20 unidades a 1,5"), ("en", "20 units at 1.5")])
def test_an_explanation_reads_as_a_sentence(lang, expected):
    parts = rate_breakdown({"id": "c", "unit": "handled_contact", "model": "per_unit", "unit_price": "1.5"},
                           Decimal(20))
    text = words.explain([parts[0].fact], lang)
    assert text == expected[0].upper() + expected[1:]


def test_a_rule_kind_without_words_is_named():
    with pytest.raises(ValueError, match=r"no words for the SLA target 'steps' .*known: band, bands, linear, sla_cap"):
        words.target_text(Fact("steps", {}), "es")
