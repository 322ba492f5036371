"""The supplier's view of a month: the same figures, without the client's budget and plan cost; the
near-misses to the next SLA band worked by hand on a tiny engagement."""

from decimal import Decimal
from fractions import Fraction

import pytest
from matplotlib.text import Text

from ccanalysis.engagement import load
from ccanalysis.report import supplier_month
from tests.engagements import activity_row, contract, write_engagement


def _legend_texts(section) -> set[str]:
    return {t.get_text() for fig in section.figures for legend in [*fig.legends, *(a.get_legend() for a in fig.axes)]
            if legend is not None for t in legend.findobj(Text)}


def test_the_supplier_sees_no_budget_nor_plan_cost(demo_engagement):
    client = supplier_month.activity_section(demo_engagement, "northwind", "2026-09", "en")
    supplier = supplier_month.activity_section(demo_engagement, "northwind", "2026-09", "en", "supplier")
    assert {"Month budget", "Cumulative plan"} <= _legend_texts(client)
    assert not {"Month budget", "Cumulative plan"} & _legend_texts(supplier)
    assert supplier.results == client.results  # the same month-to-date figures
    with pytest.raises(ValueError, match="audience: expected one of client, supplier"):
        supplier_month.activity_section(demo_engagement, "northwind", "2026-09", "en", "cfo")


def test_near_misses_to_the_next_band(tmp_path):
    # service level over offered at 20 s: below 80 % −5 %, 80–90 % nothing, from 90 % +2 % of the variable charges
    service = {"id": "care", "name": "Atención", "channel": "voice",
               "kpis": {"service_level": {"variant": "offered", "threshold_s": 20}},
               "charges": [{"id": "care_contacts", "description": "Contacto atendido", "unit": "handled_contact",
                            "model": "per_unit", "unit_price": "2.00"}],
               "sla": {"base": "variable_charges", "rules": [{"kpi": "service_level", "bands": [
                   {"below": 0.80, "adjustment": -0.05}, {"from": 0.90, "adjustment": 0.02}]}]}}
    # 1,000 offered, 960 handled, 820 within 20 s: 82 %; the base is 960 × 2.00 = 1,920.00
    write_engagement(tmp_path, contracts=[contract(services=[service])], tables={
        "activity/a.csv": [activity_row("2026-09-01", 1000, 960, abandoned=40, answered_within_sl=820,
                                        talk_s=172800)]})
    section = supplier_month.near_miss_section(load("tiny", root=tmp_path), "acme", "2026-09", "en")
    (miss,) = section.results["near_misses"]
    assert miss["boundary"] == Decimal("0.9") and miss["gap"] == Fraction(8, 100)  # 90 % − 82 %
    assert miss["worth"] == Decimal("38.40")  # (+2 % − 0 %) × 1,920.00
    row = section.tables[0][1].iloc[0]
    assert (row["Value"], row["Next band at"], row["Gap"], row["Its adjustment"], row["Worth this month"]) == (
        "82.00%", "90.00%", "+8.00 pp", "2.00%", "€38.40")
    assert "No line was billed below the contract." in section.narrative
