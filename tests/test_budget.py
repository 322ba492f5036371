"""Budget against actual (expected net, billed beside it) and the full-year projection (`ccanalysis.budget`),
on hand numbers. As of 2026-10: August and September closed, October projected, November and December planned."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest

from ccanalysis import budget as bud

D = Decimal
MONTHS = ["2026-08", "2026-09", "2026-10", "2026-11", "2026-12"]


def budget_table() -> pd.DataFrame:
    rows = [{"month": "2025-12", "supplier": "acme", "service": "care", "amount": "999"}]  # another year
    for m in MONTHS:
        rows += [{"month": m, "supplier": "acme", "service": "care", "amount": "100"},
                 {"month": m, "supplier": "acme", "service": "sales", "amount": "50"},
                 {"month": m, "supplier": "beta", "service": "*", "amount": "200"}]
    return pd.DataFrame(rows)


def costs_table() -> pd.DataFrame:
    def row(month, supplier, service, expected, billed=None, projected=None, planned=None):
        return {"month": month, "supplier": supplier, "service": service, "expected_net": D(expected),
                "billed_net": None if billed is None else D(billed),
                "projected_net": None if projected is None else D(projected),
                "planned_net": None if planned is None else D(planned)}

    return pd.DataFrame([
        # acme care: September billed 130 for an expected 110 (a line of 20 billed twice)
        row("2026-08", "acme", "care", "90", billed="90"), row("2026-09", "acme", "care", "110", billed="130"),
        row("2026-10", "acme", "care", "60", projected="105"), row("2026-11", "acme", "care", "0", planned="100"),
        row("2026-12", "acme", "care", "0", planned="95"),
        # acme sales: no plan for December
        row("2026-08", "acme", "sales", "50", billed="50"), row("2026-09", "acme", "sales", "40", billed="40"),
        row("2026-10", "acme", "sales", "20", projected="45"), row("2026-11", "acme", "sales", "0", planned="50"),
        row("2026-12", "acme", "sales", "0"),
        # a supplier-level true-up of acme in September
        row("2026-09", "acme", "*", "5", billed="5"),
        # beta, budgeted as a whole
        row("2026-08", "beta", "care", "190", billed="190"), row("2026-09", "beta", "care", "210", billed="210"),
        row("2026-10", "beta", "care", "100", projected="205"), row("2026-11", "beta", "care", "0", planned="200"),
        row("2026-12", "beta", "care", "0", planned="200"),
    ])


@pytest.fixture
def report() -> pd.DataFrame:
    return bud.budget_report(budget_table(), costs_table(), "2026-10").set_index(["supplier", "service"])


def test_a_service_month_ytd_and_year(report):
    care = report.loc[("acme", "care")]
    assert (care["month_budget"], care["month_expected"], care["month_billed"]) == (100, 60, None)
    assert care["month_deviation"] == -40 and care["month_deviation_fraction"] == D("-0.4")  # 60 − 100
    assert (care["ytd_budget"], care["ytd_expected"], care["ytd_deviation"]) == (300, 260, -40)  # 90 + 110 + 60
    # billed where invoiced: August and September, 90 + 130 = 220 against 200
    assert (care["ytd_billed"], care["ytd_billed_budget"], care["ytd_billed_deviation"]) == (220, 200, 20)
    # year: 90 + 110 (actual) + 105 (October's projected close) + 100 + 95 (plan) = 500 = 5 × 100
    assert (care["year_budget"], care["year_projection"], care["year_deviation"]) == (500, 500, 0)
    assert care["unprojected"] == ()


def test_the_year_is_not_projected_over_a_month_without_plan(report):
    sales = report.loc[("acme", "sales")]
    assert sales["year_projection"] is None and sales["unprojected"] == ("2026-12",)
    assert sales["ytd_expected"] == 110 and sales["ytd_budget"] == 150  # 50 + 40 + 20; 3 × 50
    total = report.loc[("acme", "*")]  # the supplier's total lacks December's plan of sales too
    assert total["year_projection"] is None and total["unprojected"] == ("2026-12",)


def test_the_supplier_total_adds_services_and_supplier_level_amounts(report):
    total = report.loc[("acme", "*")]
    # expected: Aug 90 + 50 = 140, Sep 110 + 40 + 5 = 155, Oct 60 + 20 = 80 → 375 against 3 × 150 = 450
    assert (total["ytd_expected"], total["ytd_budget"], total["ytd_deviation"]) == (375, 450, -75)
    # billed Aug 140 + Sep 175 = 315 against 300
    assert (total["ytd_billed"], total["ytd_billed_budget"], total["ytd_billed_deviation"]) == (315, 300, 15)
    assert total["year_budget"] == 750  # the 2025 row is another year


def test_a_supplier_budgeted_as_a_whole(report):
    assert report.loc[("beta", "care"), "month_budget"] is None  # no service row: only the total has one
    total = report.loc[("beta", "*")]
    # 190 + 210 + 205 + 200 + 200 = 1,005 against 1,000: +5, 0.5 %
    assert (total["year_projection"], total["year_deviation"], total["year_deviation_fraction"]) == (
        1005, 5, D("0.005"))
    assert list(report.index) == [("acme", "care"), ("acme", "sales"), ("acme", "*"), ("beta", "care"),
                                  ("beta", "*")]


def test_a_duplicated_line_is_no_budget_overrun():
    months = bud.month_comparison(budget_table(), costs_table()).set_index(["supplier", "service", "month"])
    september = months.loc[("acme", "care", "2026-09")]
    assert september["deviation"] == 10 and september["deviation_fraction"] == D("0.1")  # 110 − 100
    assert september["billed_deviation"] == 30  # 130 − 100: what was charged, shown apart


def test_a_past_month_without_costs_is_unprojected():
    budget = pd.DataFrame([{"month": "2026-07", "supplier": "beta", "service": "*", "amount": "200"},
                           {"month": "2026-08", "supplier": "beta", "service": "*", "amount": "200"}])
    costs = costs_table()
    out = bud.budget_report(budget, costs[costs["supplier"] == "beta"], "2026-10").set_index("service")
    assert out.loc["*", "year_projection"] is None and out.loc["*", "unprojected"] == ("2026-07",)
    assert out.loc["*", "ytd_budget"] == 400 and out.loc["*", "ytd_expected"] == 500  # 190 + 210 + 100


def test_missing_columns_and_expected_are_refused():
    with pytest.raises(ValueError, match="lacks columns amount"):
        bud.month_comparison(budget_table().drop(columns=["amount"]), costs_table())
    costs = costs_table()
    costs.loc[0, "expected_net"] = None
    with pytest.raises(ValueError, match="acme care 2026-08: expected_net is missing"):
        bud.month_comparison(budget_table(), costs)
