"""Supplier-reported KPIs beside the recomputed ones: values worked by hand on a tiny month of activity."""

from decimal import Decimal
from fractions import Fraction

import pandas as pd

from ccanalysis import reported
from ccanalysis.engagement import load
from ccanalysis.report import supplier_month
from tests.engagements import activity_row, contract, write_engagement

# 1,000 offered, 20 abandoned within 5 s, 900 handled, 720 answered within 20 s;
# talk 180,000 s + hold 18,000 s + ACW 27,000 s = 225,000 s over 900 handled = 250 s.
DATA = pd.DataFrame([{"offered": 1000, "handled": 900, "abandoned": 100, "abandoned_short": 20,
                      "answered_within_sl": 720, "talk_s": 180000, "hold_s": 18000, "acw_s": 27000,
                      "logged_s": 300000}])
SETTINGS = {"service_level": {"variant": "offered_less_short_abandons", "threshold_s": 20, "short_abandon_s": 5}}


def _figure(value, variant=None, threshold=None):
    return {"value": Decimal(value), "variant": variant, "threshold_s": threshold}


def test_tolerance_is_half_a_unit_of_the_last_reported_decimal():
    assert reported.tolerance(Decimal("0.9401")) == Fraction(5, 100000)
    assert reported.tolerance(Decimal("0.9400")) == Fraction(5, 100000)  # trailing zeros are decimals written
    assert reported.tolerance(Decimal("245")) == Fraction(1, 2)
    assert reported.tolerance(Decimal("0")) == Fraction(1, 2)


def test_a_figure_within_its_rounding_matches():
    # contract: 720 / (1000 − 20) = 0.734693877…; reported 0.7347 is 0.0000061 away, within 0.00005
    (c,) = reported.compare({"service_level": _figure("0.7347")}, DATA, SETTINGS)
    assert c.recomputed == Fraction(720, 980)
    assert c.matches is True and c.under_reported_definition is None
    assert c.difference == Fraction(7347, 10000) - Fraction(720, 980)


def test_a_different_definition_explains_the_gap():
    # the supplier counts over handled calls: 720 / 900 = 0.8 exactly; the contract's 0.7347 is 6.53 pp lower
    (c,) = reported.compare({"service_level": _figure("0.8000", "handled")}, DATA, SETTINGS)
    assert c.matches is False
    assert c.under_reported_definition == Fraction(4, 5)
    assert c.explained_by_definition is True
    assert c.difference == Fraction(4, 5) - Fraction(720, 980)


def test_a_gap_the_definition_does_not_explain():
    # AHT 250 s recomputed; 240 s reported with no definition named; and a service level of 0.83 "over
    # handled" when handled gives 0.80
    aht, sl = reported.compare({"aht_s": _figure("240"), "service_level": _figure("0.83", "handled")}, DATA, SETTINGS)
    assert aht.recomputed == 250 and aht.difference == -10 and aht.matches is False
    assert aht.explained_by_definition is None
    assert sl.under_reported_definition == Fraction(4, 5) and sl.explained_by_definition is False


def test_no_data_to_recompute():
    (c,) = reported.compare({"service_level": _figure("0.9")}, DATA.iloc[0:0], SETTINGS)
    assert c.recomputed is None and c.matches is None


def _engagement(tmp_path, reported_rows):
    service = {"id": "care", "name": "Atención", "channel": "voice", "kpis": SETTINGS,
               "charges": [{"id": "care_contacts", "description": "Contacto atendido", "unit": "handled_contact",
                            "model": "per_unit", "unit_price": "1.50"}]}
    rows = [activity_row("2026-09-01", 600, 540, abandoned=60, abandoned_short=12, answered_within_sl=432,
                         talk_s=108000, hold_s=10800, acw_s=16200),
            activity_row("2026-09-02", 400, 360, abandoned=40, abandoned_short=8, answered_within_sl=288,
                         talk_s=72000, hold_s=7200, acw_s=10800)]
    write_engagement(tmp_path, contracts=[contract(services=[service])],
                     tables={"activity/a.csv": rows, "reported_kpis/r.csv": reported_rows})
    return load("tiny", root=tmp_path)


def test_the_report_sets_both_values_side_by_side(tmp_path):
    # the two days sum to DATA: 720 answered within 20 s of 980; AHT 250 s
    eng = _engagement(tmp_path, [
        {"month": "2026-09", "supplier": "acme", "service": "care", "service_level": "0.8000",
         "service_level_variant": "handled", "aht_s": "240.0"},
        {"month": "2026-08", "supplier": "acme", "service": "care", "service_level": "0.5"},  # another month
    ])
    section = supplier_month.kpi_section(eng, "acme", "2026-09", "en")
    facts = section.results["reported_kpis"]
    assert [(f["kpi"], f["matches"], f["explained_by_definition"]) for f in facts] == [
        ("service_level", False, True), ("aht_s", False, None)]
    title, table = section.tables[-1]
    assert title == "KPIs reported by the supplier"
    sl = table.iloc[0].to_dict()
    assert sl["Reported"] == "80.00%" and sl["Recomputed"] == "73.47%"
    assert sl["Difference"] == "+6.53 pp"  # 0.8 − 0.734694 = 0.065306
    assert "handled" in sl["Supplier's definition"] and "20 s" in sl["Contract's definition"]
    assert sl["Verdict"] == "the difference is the definition: under the supplier's, 80.00%"
    aht = table.iloc[1].to_dict()
    assert aht["Recomputed"] == "250.0 s" and aht["Difference"] == "−10.0 s" and aht["Verdict"] == "differs"
    assert aht["Supplier's definition"] == "not stated"
    assert "2 of 2 reported KPIs differ from the recomputed ones; 1 of them because of the definition." \
        in section.narrative
    es = supplier_month.kpi_section(eng, "acme", "2026-09", "es")
    assert es.tables[-1][1].iloc[0]["Diferencia"] == "+6,53 p. p."


def test_no_reported_kpis_no_table(tmp_path):
    eng = _engagement(tmp_path, [{"month": "2026-08", "supplier": "acme", "service": "care", "service_level": "0.5"}])
    section = supplier_month.kpi_section(eng, "acme", "2026-09", "en")
    assert section.results["reported_kpis"] == []
    assert all(title != "KPIs reported by the supplier" for title, _ in section.tables)


def test_an_unknown_definition_is_a_load_problem(tmp_path):
    from tests.engagements import load_problems

    service = {"id": "care", "name": "Atención", "channel": "voice",
               "charges": [{"id": "c", "description": "x", "unit": "handled_contact", "model": "per_unit",
                            "unit_price": "1"}]}
    write_engagement(tmp_path, contracts=[contract(services=[service])], tables={
        "activity/a.csv": [activity_row("2026-09-01", 10, 9)],
        "reported_kpis/r.csv": [{"month": "2026-09", "supplier": "acme", "service": "care", "service_level": "0.9",
                                 "service_level_variant": "answered"}]})
    problems = load_problems(tmp_path)
    (p,) = [p for p in problems if p.column == "service_level_variant"]
    assert p.row == 2 and p.value == "answered" and "handled" in p.message and "write one of them" in p.message
