"""The daily flash's sections on the demo (`report/flash.py`): the page-1 summary adds up the suppliers, the
suppliers' table and the budget's year to date agree with the expected invoices and the projection, the
alerts carry their sentence and driver split, and a chart per supplier draws actual, plan, budget and the
projected band. Plus the supplier report's daily cost chart (plan, budget, projected close)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pandas as pd
import pytest
from matplotlib.collections import PolyCollection

from ccanalysis import morning, workbook
from ccanalysis.report import figures, flash

AS_OF = date(2026, 10, 20)


@pytest.fixture(scope="module")
def sections(demo_engagement):
    return {lang: {s.title: s for s in flash.flash_sections(demo_engagement, AS_OF, lang)} for lang in ("en", "es")}


def test_versus_in_words_and_in_a_cell():
    # 110.00 against 100.00: 10.00 over, 10.0 % of 100.00
    assert flash._versus(Decimal("110"), Decimal("100"), "en", "EUR") == "€10.00 over (10.0%)"
    assert flash._versus(Decimal("90"), Decimal("100"), "es", "EUR") == "10,00 € menos (10,0 %)"
    assert flash._versus(Decimal("100"), Decimal("100"), "en", "EUR") == "on target"
    assert flash._delta(Decimal("90"), Decimal("100"), "en", "EUR") == "-€10.00 (-10.0%)"
    assert flash._delta(None, Decimal("100"), "en", "EUR") == "—"


def test_summary_adds_up_the_suppliers(demo_engagement, sections):
    summary = sections["en"]["Summary"]
    accrued = Decimal(0)
    for supplier in demo_engagement.suppliers:  # the accrual's cumulative cost on 20 October, supplier by supplier
        frame = workbook.accrual(demo_engagement, supplier, "2026-10")
        accrued += frame[frame["date"] == pd.Timestamp(AS_OF)]["cumulative"].iloc[0]
    assert summary.results["accrued_net"] == accrued
    assert summary.results["projected_low"] <= summary.results["projected_net"] <= summary.results["projected_high"]
    # the budget of October: every row of data/demo/budget.csv for 2026-10
    budget = demo_engagement.table("budget")
    assert summary.results["budget"] == sum(Decimal(str(a)) for a in budget[budget["month"] == "2026-10"]["amount"])
    # two sentences: the accrual and close, then plan and budget (southpoint's plan leaves charges out)
    assert summary.narrative.count(". ") == 1 and "On the charges the plan prices" in summary.narrative
    assert "Resumen" in sections["es"] and "Cierre previsto" in [h[0] for h in sections["es"]["Resumen"].headline]


def test_suppliers_table_and_its_footnote(sections):
    section = sections["en"]["Suppliers: accrued and projected close"]
    table = section.tables[0][1]
    assert list(table["Supplier"]) == ["Northwind Contact Services S.L.", "Southpoint Outsourcing S.A.",
                                       "Eastline BPO S.L.U."]
    assert table.loc[1, "Plan"].endswith("(1)")  # southpoint's plan gives no sales, payments
    assert "sales/sales_success" in section.notes[0][1]
    row = section.results["suppliers"]["eastline"]
    assert row["projected_low"] <= row["projected_net"] <= row["projected_high"] and row["budget"] == Decimal("79600")


def test_budget_year_to_date_counts_october_at_its_close(demo_engagement, sections):
    section = sections["en"]["Budget: month, year to date and full-year projection"]
    row = section.results["budget"]["northwind/*"]
    close = workbook.projected_close(demo_engagement, "northwind", "2026-10", AS_OF, today=date.max).projected_net
    august = workbook.totals(workbook.expected_invoice(demo_engagement, "northwind", "2026-08")).net
    september = workbook.totals(workbook.expected_invoice(demo_engagement, "northwind", "2026-09")).net
    # YTD = expected August + expected September + October's projected close
    assert row["ytd"] == august + september + close
    assert row["close"] == close
    # the demo's budget covers 2026-08..10: the full-year projection is the same three months
    assert row["year_projection"] == august + september + close


def test_alerts_have_their_sentence_and_split(sections):
    section = sections["en"]["Today's alerts against plan"]
    if not section.results["alerts"]:
        assert "No alerts" in section.narrative
        return
    table = section.tables[0][1]
    assert {"Alert", "Volume effect", "Handling-time effect", "Price and mix effect", "Owner"} <= set(table.columns)
    assert all("driver:" in text for text in table["Alert"])
    assert all("causa:" in text for text in sections["es"]["Alertas del día frente al plan"].tables[0][1]["Alerta"])


def test_a_chart_per_supplier_with_plan_budget_and_band(demo_engagement, sections):
    section = sections["en"]["Month's cumulative cost by supplier"]
    assert len(section.figures) == 3
    ax = section.figures[1].axes[0]  # southpoint
    labels = [line.get_label() for line in ax.get_lines()]
    assert labels[:3] == ["Cumulative actual", "Cumulative plan (planned charges only)", "Month budget"]
    assert "Projected close" in labels
    assert any(isinstance(c, PolyCollection) for c in ax.collections)  # the 80 % band
    budget = [line for line in ax.get_lines() if line.get_label() == "Month budget"][0]
    assert budget.get_ydata()[0] == 225400.0  # southpoint's October budget: 32,900 + 192,500
    es = sections["es"]["Coste acumulado del mes por proveedor"].figures[0].axes[0]
    assert [line.get_label() for line in es.get_lines()][0] == "Real acumulado"


def test_supplier_report_chart_shows_plan_budget_and_reaches_the_expected_total(demo_engagement):
    from ccanalysis.report import supplier_month

    section = supplier_month.activity_section(demo_engagement, "northwind", "2026-09", "en")
    ax2 = section.figures[-1].axes[1]  # the cumulative axis of the daily cost chart
    lines = {line.get_label(): line for line in ax2.get_lines()}
    assert {"Cumulative cost", "Cumulative plan", "Month budget"} <= set(lines)
    assert "Projected close" not in lines  # a closed month: nothing to project
    expected = workbook.totals(workbook.expected_invoice(demo_engagement, "northwind", "2026-09")).net
    assert lines["Cumulative cost"].get_ydata()[-1] == pytest.approx(float(expected), abs=0.005)
    assert lines["Month budget"].get_ydata()[0] == float(morning.supplier_budget(demo_engagement, "northwind",
                                                                                 "2026-09"))


def test_daily_cost_with_a_projection_draws_the_band():
    days = pd.DataFrame({"date": pd.to_datetime(["2026-09-01", "2026-09-02"]), "cost": [10, 20],
                         "cumulative": [10, 30]})
    projection = pd.DataFrame({"date": pd.to_datetime(["2026-09-02", "2026-09-03", "2026-09-04"]),
                               "projected": [30, 50, 70], "projected_low": [30, 45, 60],
                               "projected_high": [30, 55, 80]})
    fig = figures.daily_cost(days, "es", projection=projection, budget=100.0)
    ax2 = fig.axes[1]
    assert [line.get_label() for line in ax2.get_lines()] == ["Coste acumulado", "Presupuesto del mes",
                                                               "Cierre previsto"]
    assert any(isinstance(c, PolyCollection) for c in ax2.collections)
    assert ax2.get_ylim()[1] >= 108  # room above the budget line (100 × 1.08)
