"""Supplier comparison on tiny frames and on a two-supplier engagement, every figure worked by hand."""

from decimal import Decimal
from fractions import Fraction
from types import SimpleNamespace

import pandas as pd
import pytest

from ccanalysis import portfolio, workbook
from ccanalysis.engagement import load
from tests.engagements import activity_row, contract, write_engagement


def _engagement(tmp_path, *, with_budget: bool = True):
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
                             **({"budget.csv": budget} if with_budget else {})})
    return load("tiny", root=tmp_path)


def test_supplier_comparison(tmp_path):
    frame = workbook.portfolio_frame(_engagement(tmp_path), "2026-09").set_index("supplier")
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
    frame = workbook.portfolio_budget(_engagement(tmp_path), "2026-09").set_index("supplier")
    assert frame.loc["acme", "deviation"] == Decimal("50.00")  # 450 billed − 400 budget (whole supplier, `*`)
    assert frame.loc["acme", "deviation_fraction"] == Decimal("0.125")
    assert frame.loc["acme", "billed_deviation"] == Decimal("50.00")  # billed 450 (= expected) − 400
    assert frame.loc["beta", "deviation"] == Decimal("-50.00")  # 200 expected − 250 budget
    assert frame.loc["beta", "billed"] is None and frame.loc["beta", "billed_deviation"] is None  # no invoice


def test_hhi_bounds():
    assert portfolio.hhi([Fraction(1)]) == 10000
    assert portfolio.hhi([Fraction(1, 4)] * 4) == 2500


def test_activity_totals_add_handled_and_productive_seconds():
    days = [pd.DataFrame({"handled": [100, 200], "talk_s": [3000, 6000], "hold_s": [600, 0], "acw_s": [0, 1200]}),
            pd.DataFrame({"handled": [50]}), pd.DataFrame()]
    totals = portfolio.activity_totals(days)
    assert totals["handled"] == 350
    assert totals["productive_hours"] == Decimal(10800) / 3600  # 3,000 + 6,000 + 600 + 1,200 s = 3 h


def test_supplier_comparison_of_plain_rows():
    rows = pd.DataFrame([
        {"supplier": "a", "billed_net": Decimal("90.00"), "expected_net": Decimal("80.00"), "handled": Decimal(30),
         "productive_hours": Decimal(4)},
        {"supplier": "b", "billed_net": None, "expected_net": Decimal("10.00"), "handled": Decimal(10),
         "productive_hours": Decimal(0)},
    ])
    frame = portfolio.supplier_comparison(rows).set_index("supplier")
    assert frame.loc["a", "cost_per_contact"] == Decimal("3.00")  # billed 90 / 30
    assert frame.loc["a", "cost_per_productive_hour"] == Decimal("22.50")  # 90 / 4 h
    assert frame.loc["b", "cost_per_contact"] == Decimal("1.00")  # no invoice: expected 10 / 10
    assert frame.loc["b", "cost_per_productive_hour"] is None
    assert list(frame["share_handled"]) == [Fraction(3, 4), Fraction(1, 4)]


def test_budget_vs_actual_of_plain_rows():
    budget = pd.DataFrame({"month": ["2026-09", "2026-09", "2026-09"], "supplier": ["a", "a", "b"],
                           "service": ["care", "sales", "*"], "amount": [Decimal("60"), Decimal("40"), Decimal("5")]})
    costs = pd.DataFrame({"supplier": ["a", "b", "c"], "month": ["2026-09"] * 3,
                          "billed_net": [Decimal("110.00"), None, None],
                          "expected_net": [Decimal("100.00"), Decimal("4.00"), Decimal("7.00")]})
    frame = portfolio.budget_vs_actual(budget, costs).set_index("supplier")
    # a billed 110.00 for an expected 100.00 (say a line billed twice): the cost is on budget (100 − (60 + 40)
    # = 0), the invoice 10.00 over it
    assert frame.loc["a", "budget"] == 100 and frame.loc["a", "actual"] == Decimal("100.00")
    assert frame.loc["a", "deviation"] == 0 and frame.loc["a", "deviation_fraction"] == 0
    assert frame.loc["a", "billed_deviation"] == Decimal("10.00")
    assert frame.loc["a", "billed_deviation_fraction"] == Decimal("0.1")
    assert frame.loc["b", "actual"] == Decimal("4.00") and frame.loc["b", "billed"] is None
    assert frame.loc["b", "deviation"] == Decimal("-1.00")
    assert frame.loc["c", "budget"] is None and frame.loc["c", "deviation"] is None  # no budget rows


def test_kpi_attainment_keeps_sla_and_tracked_rules():
    def item(kind, value, fraction):
        return SimpleNamespace(kind=kind, rule_id=f"r-{kind}", kpi="service_level", variant=None, definition="d",
                               value=value, value_used=None, target="t", fraction=fraction)

    frame = portfolio.kpi_attainment({"a": {"care": [item("sla", Fraction(7, 10), Fraction(-2, 100)),
                                                      item("tracked", None, None),
                                                      item("sla_cap", None, Fraction(0))]}})
    assert list(frame["rule"]) == ["r-sla", "r-tracked"]  # the cap is not a rule of its own
    assert list(frame["attained"]) == [False, None]  # a penalty is a miss; no value, no verdict
    assert frame["value"][0] == Fraction(7, 10) and frame["line"][0].target == "t"  # words stay on the line


def test_hhi_classes_and_floor():
    # the merger guidelines' classes: < 1,500 unconcentrated, 1,500–2,500 moderately, > 2,500 highly
    assert portfolio.hhi_level(1499) == "unconcentrated"
    assert portfolio.hhi_level(1500) == "moderate" and portfolio.hhi_level(2500) == "moderate"
    assert portfolio.hhi_level(2501) == "high"
    assert portfolio.hhi_floor(3) == Fraction(10000, 3)  # three equal shares: 3 × 33.3…² = 3,333.3…
    assert portfolio.hhi_floor(4) == 2500


@pytest.mark.parametrize("lang, words", [
    ("en", ["6,250 means a highly concentrated portfolio", "With 2 suppliers the lowest possible, equal shares, is 5,000"]),
    ("es", ["6.250 significa una cartera muy concentrada", "Con 2 proveedores el mínimo posible, a partes iguales, es 5.000"]),
])
def test_concentration_is_explained_not_alarmed(tmp_path, lang, words):
    from ccanalysis.report import portfolio as report

    section = report.portfolio_cost_section(_engagement(tmp_path), "2026-09", lang)
    for text in words:  # 75² + 25² = 6,250; two equal shares: 50² + 50² = 5,000
        assert text in section.narrative
    assert section.headline[0][1] == ("6,250" if lang == "en" else "6.250") and section.headline[0][2] is False


@pytest.mark.parametrize("lang, line", [
    ("en", "No budget file (table budget in data/tiny/)"), ("es", "Sin fichero de presupuesto (tabla budget en data/tiny/)")])
def test_budget_section_without_a_budget_file_says_why_and_shows_no_table(tmp_path, lang, line):
    from ccanalysis.report import portfolio as report

    section = report.portfolio_budget_section(_engagement(tmp_path, with_budget=False), "2026-09", lang)
    assert section.narrative.startswith(line) and section.tables == []
    html = section._repr_html_()
    assert "<table" not in html and ("over its budget" not in html and "supera su presupuesto" not in html)


def test_budget_section_with_a_budget_names_the_supplier_over_it(tmp_path):
    from ccanalysis.report import portfolio as report

    section = report.portfolio_budget_section(_engagement(tmp_path), "2026-09", "en")
    assert section.results["over_budget"] == ["acme"]  # 450 expected against 400; beta 200 against 250
    assert section.narrative.endswith("Over budget in 2026-09: acme (€50.00).")


def _three_suppliers(tmp_path, *, disputes=None):
    """acme and beta on voice (1.50 and 2.00 per handled contact), gamma on e-mail (0.80): an e-mail is
    compared with no call. acme billed 480.00 for 300 contacts (30.00 over the contract)."""
    acme = contract()
    beta = contract(supplier="beta", name="Beta BPO S.A.")
    beta["services"][0]["charges"][0]["unit_price"] = "2.00"
    gamma = contract(supplier="gamma", name="Gamma Mail S.L.")
    gamma["services"][0].update(id="mail", channel="email")
    gamma["services"][0]["charges"][0]["unit_price"] = "0.80"
    activity = [
        activity_row("2026-09-01", 320, 300, abandoned=20, talk_s=50000, acw_s=4000),  # 15 h
        {**activity_row("2026-09-01", 110, 100, abandoned=10, talk_s=30000, hold_s=6000), "supplier": "beta"},  # 10 h
        {**activity_row("2026-09-01", 500, 500, talk_s=72000), "supplier": "gamma", "service": "mail"},  # 20 h
    ]
    invoice = [{"invoice_id": "A-1", "issue_date": "2026-10-01", "period_start": "2026-09-01",
                "period_end": "2026-09-30", "line": 1, "service": "care", "charge": "care_contacts",
                "description": "Contactos atendidos", "quantity": 300, "unit_price": "1.60", "amount": "480.00",
                "tax_rate": "0.21"}]
    tables = {"activity/a.csv": activity, "invoices/acme/2026-09.csv": invoice}
    if disputes is not None:
        tables["disputes.csv"] = disputes
    write_engagement(tmp_path, settings={"suppliers": ["acme", "beta", "gamma"]}, contracts=[acme, beta, gamma],
                     tables=tables)
    return load("tiny", root=tmp_path)


def test_suppliers_are_compared_within_their_channel_only(tmp_path):
    frame = workbook.portfolio_channels(_three_suppliers(tmp_path), "2026-09").set_index(["channel", "supplier"])
    assert list(frame.index) == [("email", "gamma"), ("voice", "acme"), ("voice", "beta")]
    assert frame.loc[("voice", "acme"), "cost_per_contact"] == Decimal("1.50")  # expected 450 / 300
    assert frame.loc[("voice", "beta"), "cost_per_productive_hour"] == Decimal("20.00")  # 200 / 10 h
    assert frame.loc[("email", "gamma"), "cost_per_contact"] == Decimal("0.80")  # 400 / 500
    # shares within the channel: 300 and 100 of voice's 400; gamma all of e-mail
    assert frame.loc[("voice", "acme"), "share_handled"] == Fraction(3, 4)
    assert frame.loc[("email", "gamma"), "share_handled"] == 1
    by_channel = portfolio.channel_concentration(frame.reset_index()).set_index("channel")
    assert by_channel.loc["voice", "hhi"] == 6250 and by_channel.loc["voice", "floor"] == 5000
    assert by_channel.loc["email", "hhi"] == 10000 and by_channel.loc["email", "suppliers"] == 1


def test_the_channel_section_charts_only_shared_channels(tmp_path):
    from ccanalysis.report import portfolio as report

    section = report.portfolio_channel_section(_three_suppliers(tmp_path), "2026-09", "en")
    assert "With a single supplier there is no one to compare with on: e-mail." in section.narrative
    (fig,) = section.figures
    titles = [ax.get_title(loc="left") for ax in fig.axes]
    assert titles == ["voice (inbound)"]  # e-mail has one supplier: no panel
    labels = [t.get_text() for ax in fig.axes for t in ax.texts]
    assert labels == ["€1.50", "€2.00"]


def test_the_lead_is_what_the_audit_recovers(tmp_path):
    from ccanalysis.report import portfolio as report

    # acme's dispute: 30.00 claimed, 20.00 credited; a second one open for 5.00 — a register by hand
    register = [
        {"dispute_id": "D-acme-202609-001", "supplier": "acme", "invoice_id": "A-1", "month": "2026-09",
         "check": "price", "amount_claimed": "30.00", "status": "detected", "status_date": "2026-10-02"},
        {"dispute_id": "D-acme-202609-001", "supplier": "acme", "invoice_id": "A-1", "month": "2026-09",
         "check": "price", "amount_claimed": "30.00", "status": "submitted", "status_date": "2026-10-03"},
        {"dispute_id": "D-acme-202609-001", "supplier": "acme", "invoice_id": "A-1", "month": "2026-09",
         "check": "price", "amount_claimed": "30.00", "status": "credited", "status_date": "2026-10-20",
         "amount_credited": "20.00"},
        {"dispute_id": "D-acme-202609-002", "supplier": "acme", "invoice_id": "A-1", "month": "2026-09",
         "check": "price", "amount_claimed": "5.00", "status": "submitted", "status_date": "2026-10-03"},
    ]
    blank = {"finding_id": "", "service": "care", "charge": "care_contacts", "amount_accepted": "",
             "amount_credited": "", "credit_invoice_id": "", "note": ""}
    register = [{**blank, **row} for row in register]
    eng = _three_suppliers(tmp_path, disputes=register)
    section = report.portfolio_recovery_section(eng, "2026-09", "en")
    acme = section.results["by_supplier"]["acme"]
    assert acme["billed_net"] == Decimal("480.00") and acme["expected_net"] == Decimal("450.00")
    assert acme["claimable"] == Decimal("30.00")  # 300 × (1.60 − 1.50)
    assert acme["recovered"] == Decimal("20.00") and acme["pending"] == Decimal("5.00")
    assert set(section.results["by_supplier"]) == {"acme"}  # beta and gamma sent no invoice: nothing audited
    assert section.results["claimable_share"] == Fraction(30, 480)  # 6.25 %
    assert [h[:2] for h in section.headline] == [("Claimable to date", "€30.00"), ("% of the invoice", "6.25%"),
                                                 ("Recovered", "€20.00"), ("Pending", "€5.00")]
    assert "the audit claims €30.00 of €480.00 billed (6.25%)" in section.narrative


def test_without_a_register_the_lead_says_so_and_shows_no_zeros(tmp_path):
    from ccanalysis.report import portfolio as report

    section = report.portfolio_recovery_section(_three_suppliers(tmp_path), "2026-09", "es")
    assert [h[0] for h in section.headline] == ["Reclamable acumulado", "% de lo facturado"]
    assert "Aún no hay registro de reclamaciones (disputes.csv en la carpeta de datos de tiny)" in section.narrative
    disputes = report.portfolio_disputes_section(_three_suppliers(tmp_path), "2026-09", "es")
    assert disputes.tables == [] and disputes.narrative.startswith("Aún no hay registro")
