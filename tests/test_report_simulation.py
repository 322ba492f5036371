"""The simulation report's sections (`ccanalysis.report.simulation`) on a tiny engagement whose figures are
checked by hand, and on the demo scenario (every section, charts reproducible)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from ccanalysis.engagement import load
from ccanalysis.report import simulation
from tests.engagements import activity_row, write_engagement, write_yaml

#: Handled contacts per day; 120 s handled each; 8 logged hours a day.
DAYS = {"2026-09-01": 100, "2026-09-02": 200, "2026-09-03": 300}


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    root = tmp_path_factory.mktemp("sim")
    write_engagement(root, tables={"activity/acme.csv": [
        activity_row(d, h, h, talk_s=120 * h, logged_s=8 * 3600) for d, h in DAYS.items()]})
    write_yaml(root / "parameters" / "tiny" / "scenarios" / "two.yaml", {
        "service": "care", "basis": {"historic": {"months": "2026-09"}},
        "candidates": [
            {"id": "per_hour", "service": {"charges": [{"id": "hours", "unit": "logged_hour", "model": "per_unit",
                                                        "unit_price": "30.00"}]}},
            {"id": "per_contact", "contract": "contracts/acme.yaml", "service_id": "care"}],
        "draws": 200, "seed": 1})
    return load("tiny", root=root)


def test_the_page_is_the_registry_in_order(tiny):
    page = simulation.simulation_sections(tiny, "two", None, None, "en")
    assert [s.title for s in page] == ["Summary", "Candidate models and offers", "Comparison on the basis",
                                       "Cost distribution", "Sensitivity (tornado)",
                                       "Break-even and equivalent prices", "Offers and KPI clauses as money",
                                       "Stress test, incentives and rounding"]


def test_summary_and_comparison_by_hand(tiny):
    # per_hour: 30.00 × 24 logged hours (3 days × 8 h) = 720.00; per_contact (the tiny contract): 1.50 × 600
    # handled = 900.00. No uncertainty (sd 0): every draw is the basis, so the means are the totals and per_hour
    # is the cheapest in every draw.
    summary = simulation.simulation_summary_section(tiny, "two", None, None, "en")
    assert (summary.results["cheapest"], summary.results["recommended"]) == ("per_hour", "per_hour")
    assert "per_hour costs least: €720.00" in summary.narrative
    assert "cheapest in 100.0%" in summary.narrative
    # the next, per_contact, costs 900 − 720 = 180.00 more; its price matching 720.00 is 720 / 600 = 1.20
    assert "costs €180.00 more" in summary.narrative
    table = simulation.comparison_section(tiny, "two", None, None, "en").tables[0][1]
    rows = table.set_index("Candidate")
    assert (rows.loc["per_hour", "Cost on the basis"], rows.loc["per_contact", "Cost on the basis"]) == (
        "€720.00", "€900.00")
    # per contact: 720 / 600 = 1.2000 and 900 / 600 = 1.5000; per productive hour: 600 × 120 s = 20 h → 36.00, 45.00
    assert (rows.loc["per_hour", "Per contact"], rows.loc["per_contact", "Per contact"]) == ("1.2000", "1.5000")
    assert (rows.loc["per_hour", "Per productive hour"], rows.loc["per_contact", "Per productive hour"]) == (
        "36.00", "45.00")
    # a price per contact moves with volume (elasticity 1: the client's risk), not with AHT (0: the supplier's)
    assert (rows.loc["per_contact", "Volume risk"], rows.loc["per_contact", "AHT risk"]) == ("client", "supplier")


def test_break_even_price_and_the_charts(tiny):
    section = simulation.break_even_section(tiny, "two", None, None, "en")
    prices = section.tables[0][1].set_index("Candidate")
    # p_contact = cost_A / contacts = 720.00 / 600 = 1.2
    assert D(prices.loc["per_contact", "Equivalent price"]) == D("1.2")
    assert prices.loc["per_contact", "Current price"] == "1.5"  # as the contract writes it
    assert len(section.figures) == 1
    for name in ("distribution_section", "tornado_section"):
        assert len(getattr(simulation, name)(tiny, "two", None, None, "en").figures) == 1


def test_the_demo_pages_are_reproducible_and_in_both_languages(demo_engagement):
    for lang, words in (("es", ("Resumen", "Prueba de esfuerzo", "Fuga por redondeo")),
                        ("en", ("Summary", "Stress test", "Rounding leakage"))):
        first = simulation.simulation_sections(demo_engagement, "care_models", 500, 3, lang)
        html = first._repr_html_()
        assert all(word in html for word in words)
        assert html.count("<img") == 3  # distribution, tornado, break-even
        simulation._CACHE.clear()
        assert simulation.simulation_sections(demo_engagement, "care_models", 500, 3, lang)._repr_html_() == html
