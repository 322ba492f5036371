"""Supplier comparison on a two-supplier engagement, every figure worked by hand."""

from decimal import Decimal
from fractions import Fraction

from ccanalysis import portfolio
from ccanalysis.engagement import load
from tests.engagements import activity_row, contract, write_engagement


def _engagement(tmp_path):
    acme = contract()  # 1.50 per handled contact
    beta = contract(supplier="beta", name="Beta BPO S.A.")
    beta["services"][0]["charges"][0]["unit_price"] = "2.00"
    activity = [
        # acme: 300 handled, 300 × 180 s = 54,000 s productive = 15 h
        activity_row("2026-09-01", 320, 300, abandoned=20, talk_s=50000, acw_s=4000),
        # beta: 100 handled, 36,000 s productive = 10 h
        {**activity_row("2026-09-01", 110, 100, abandoned=10, talk_s=30000, hold_s=6000), "supplier": "beta"},
    ]
    invoice = [{"invoice_id": "A-1", "issue_date": "2026-10-01", "period_start": "2026-09-01",
                "period_end": "2026-09-30", "line": 1, "service": "care", "charge": "care_contacts",
                "description": "Contactos atendidos", "quantity": 300, "unit_price": "1.50", "amount": "450.00",
                "tax_rate": "0.21"}]
    budget = [{"month": "2026-09", "supplier": "acme", "service": "*", "amount": "400.00"},
              {"month": "2026-09", "supplier": "beta", "service": "care", "amount": "250.00"}]
    write_engagement(tmp_path, settings={"suppliers": ["acme", "beta"]}, contracts=[acme, beta],
                     tables={"activity/a.csv": activity, "invoices/acme/2026-09.csv": invoice,
                             "budget.csv": budget})
    return load("tiny", root=tmp_path)


def test_supplier_comparison(tmp_path):
    frame = portfolio.supplier_comparison(_engagement(tmp_path), "2026-09").set_index("supplier")
    # acme billed 450.00 (= expected 300 × 1.50); beta has no invoice: its cost is the expected 100 × 2.00
    assert frame.loc["acme", "billed_net"] == Decimal("450.00")
    assert frame.loc["beta", "billed_net"] is None and frame.loc["beta", "expected_net"] == Decimal("200.00")
    assert frame.loc["acme", "cost_per_contact"] == Decimal("1.50")  # 450 / 300
    assert frame.loc["beta", "cost_per_contact"] == Decimal("2.00")  # 200 / 100
    assert frame.loc["acme", "cost_per_productive_hour"] == Decimal("30.00")  # 450 / 15 h
    assert frame.loc["beta", "cost_per_productive_hour"] == Decimal("20.00")  # 200 / 10 h
    assert list(frame["share_handled"]) == [Fraction(3, 4), Fraction(1, 4)]  # 300 and 100 of 400
    assert portfolio.hhi(list(frame["share_handled"])) == 6250  # 75² + 25²


def test_budget_vs_actual(tmp_path):
    frame = portfolio.budget_vs_actual(_engagement(tmp_path), "2026-09").set_index("supplier")
    assert frame.loc["acme", "deviation"] == Decimal("50.00")  # 450 billed − 400 budget (whole supplier, `*`)
    assert frame.loc["acme", "deviation_fraction"] == Decimal("0.125")
    assert frame.loc["beta", "deviation"] == Decimal("-50.00")  # 200 expected − 250 budget
    assert frame.loc["beta", "actual_source"] == "expected"


def test_hhi_bounds():
    assert portfolio.hhi([Fraction(1)]) == 10000
    assert portfolio.hhi([Fraction(1, 4)] * 4) == 2500
