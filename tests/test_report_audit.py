"""The audit's report sections on hand-built audit results (`tests/audits.py` holds the figures worked by
hand): page 1 of the supplier report, its waterfall, and the portfolio's savings."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pandas as pd
import pytest
from matplotlib.patches import Rectangle
from matplotlib.text import Text

from ccanalysis.report.audit import (
    audit_section,
    charge_text,
    evidence_text,
    savings_section,
    waterfall_steps,
)
from tests import audits
from tests.test_report_language import _offenders, _text

D = Decimal
NAME = "Acme Contact S.L."
#: Ids and the client's own words in the hand-built results (left out of the language check).
CLIENT_DATA = sorted({NAME, "acme", "care", "care_contacts", "care_platform", "Servicio premium fin de semana",
                      "F-77", "F-55", "F-66", "D-0003", "D-0005", "Northwind", "Southpoint"}, key=len, reverse=True)


def _section(lang="es", **changes):
    return audit_section(audits.audit_result(lang, **changes), audits.carried(), lang=lang, supplier_name=NAME)


def _table(section, caption_key_es):
    return dict(section.tables)[caption_key_es]


def test_results_carry_the_headline_figures_for_the_json():
    assert _section().results == {
        "invoice_id": "F-77", "issue_date": "2026-10-01", "due_date": "2026-11-30", "billed_net": D("4000.00"),
        "expected_net": D("3630.00"), "claimable": D("700.00"), "claimable_tax": D("147.00"),
        "under_billed": D("80.00"), "findings": 6, "needs_review": 1}


@pytest.mark.parametrize("lang, figures", [
    ("es", ["F-77", "01/10/2026", "30/11/2026", "4.000,00 €", "4.250,00 €", "3.630,00 €", "700,00 €", "147,00 €",
            "847,00 €", "80,00 €"]),
    ("en", ["F-77", "2026-10-01", "2026-11-30", "€4,000.00", "€4,250.00", "€3,630.00", "€700.00", "€147.00",
            "€847.00", "€80.00"]),
])
def test_the_headline_is_the_invoice_billed_expected_claim_its_vat_and_the_gross_to_withhold(lang, figures):
    section = _section(lang)
    assert [value for _, value, _ in section.headline] == figures
    bad = {value for _, value, is_bad in section.headline if is_bad}
    assert bad == {figures[4], figures[6], figures[7], figures[8]}  # header over Σ lines, the claim, VAT, gross


def test_the_findings_table_lists_lines_in_order_with_their_causes_in_words():
    table = _table(_section(), "Hallazgos")
    assert list(table.columns) == ["Línea", "Comprobación", "Servicio", "Concepto", "Facturado", "Esperado",
                                   "Diferencia", "A reclamar", "Causa"]
    assert table["Línea"].tolist() == ["2", "3", "4", "", "", ""]
    assert table["Comprobación"].tolist() == ["Precio", "Cantidad", "Duplicado", "Aritmética", "Plazo de pago",
                                              "No facturado"]
    assert table["Causa"][2] == "línea 4 duplica la línea 3"
    assert table["Causa"][0] == "línea 2 facturada a 0,55; precio del tramo 0,50"
    assert table["Concepto"][0] == "care_contacts — tramo 2"
    assert table["Diferencia"].tolist() == ["100,00 €", "50,00 €", "300,00 €", "250,00 €", "", "-80,00 €"]
    assert table["A reclamar"][5] == "0,00 €"  # under-billing is never claimed


def test_under_billing_is_its_own_figure_and_sentence_never_part_of_the_claim():
    section = _section("en")
    assert ("Under-billed", "€80.00", False) in section.headline
    assert "under-billed €80.00" in section.narrative and "never netted against the claim" in section.narrative
    assert "The claim is €700.00 plus €147.00 VAT: withhold €847.00" in section.narrative


def test_only_under_billing_claims_nothing_and_says_so():
    findings = audits.findings("en")
    section = _section("en", findings=findings[findings["check"] == "unbilled"], billed_net=D("3550.00"),
                       billed_header_net=None, claimable=D("0"), claimable_tax=D("0"))
    assert section.narrative.startswith("Acme Contact S.L. billed €3,550.00 net on invoice F-77; under the contract "
                                        "and the client's activity it should have billed €3,630.00. Nothing was "
                                        "over-billed: there is nothing to claim.")
    assert "under-billed €80.00" in section.narrative
    result = audits.audit_result("en", findings=findings[findings["check"] == "unbilled"], billed_net=D("3550.00"),
                                 billed_header_net=None)
    assert waterfall_steps(result, "en") == [("Unbilled", D("-80.00"))]  # 3,630 − 80 = 3,550


def test_findings_with_a_repeated_index_are_each_shown_once():
    findings = audits.findings("es")
    findings.index = [0] * len(findings)
    table = _table(_section(findings=findings), "Hallazgos")
    assert table["Línea"].tolist() == ["2", "3", "4", "", "", ""]


def test_no_under_billing_no_under_billing_sentence():
    section = _section("en", under_billed=D("0"))
    assert "Under-billed" not in [name for name, _, _ in section.headline]
    assert "under-billed" not in section.narrative


def test_lines_to_review_are_listed_with_the_suggestion_and_its_confidence():
    section = _section("es")
    table = _table(section, "Líneas pendientes de revisión")
    assert table.to_dict("records") == [{"Línea": "7", "Descripción": "Servicio premium fin de semana",
                                         "Importe": "45,00 €", "Sugerencia": "care / care_contacts",
                                         "Confianza": "42 %"}]
    assert "con confianza suficiente: 1." in section.narrative


def test_carried_disputes_show_their_deadlines_and_the_money_at_risk():
    section = _section("es")
    table = _table(section, "Reclamaciones abiertas de meses anteriores")
    assert table["Plazo"].tolist() == ["15/12/2026", "15/02/2027"]
    assert table["Estado"].tolist() == ["presentada", "detectada"]
    assert table["Importe reclamado"].tolist() == ["120,00 €", "60,50 €"]
    # 120.00 + 60.50 open; only D-0003 (12 days) falls within the next 30 days
    assert "aún abiertas: 2, por 180,50 €; de ese importe, 120,00 € vence en los próximos 30 días" in section.narrative


def test_a_deadline_already_passed_is_not_at_risk_any_more():
    carried = audits.carried()
    carried.loc[0, "days_to_deadline"] = -3
    section = audit_section(audits.audit_result("en"), carried, lang="en", supplier_name=NAME)
    assert "for €180.50; of that, €0.00 expires in the next 30 days" in section.narrative
    assert dict(section.tables)["Open disputes from earlier months"]["Days to deadline"][0] == "-3"


def test_no_carried_disputes_no_table():
    section = audit_section(audits.audit_result("en"), pd.DataFrame(), lang="en", supplier_name=NAME)
    assert "Open disputes from earlier months" not in dict(section.tables)
    assert "still open" not in section.narrative


def test_no_invoice_says_so_and_claims_nothing():
    section = _section("en", invoice_ids=(), issue_date=None, due_date=None, billed_net=None, billed_header_net=None,
                       claimable=D("0"), claimable_tax=D("0"), under_billed=D("0"), findings=audits.empty_findings(),
                       needs_review=audits.empty_review())
    assert section.results["claimable"] is None and section.results["billed_net"] is None
    assert section.results["invoice_id"] is None and section.results["findings"] == 0
    assert section.narrative.startswith("There is no invoice from Acme Contact S.L. for this period: there is no "
                                        "amount to claim.")
    assert [name for name, _, _ in section.headline] == ["Expected (net)"]
    assert not section.figures


def test_a_clean_invoice_has_nothing_to_claim():
    section = _section("es", billed_net=D("3630.00"), billed_header_net=D("3630.00"), claimable=D("0"),
                       claimable_tax=D("0"), under_billed=D("0"), findings=audits.empty_findings(),
                       needs_review=audits.empty_review())
    assert section.results["claimable"] == D("0")
    assert "coincide con la esperada (3.630,00 € netos): no hay nada que reclamar" in section.narrative
    assert "Hallazgos" not in dict(section.tables)
    assert waterfall_steps(audits.audit_result("es", billed_net=D("3630.00"), billed_header_net=None,
                                               findings=audits.empty_findings()), "es") == []


def test_the_waterfall_has_one_bar_per_finding_with_money_from_expected_to_billed():
    assert waterfall_steps(audits.audit_result("en"), "en") == [
        ("Line 2 · Rate", D("100.00")), ("Line 3 · Quantity", D("50.00")), ("Line 4 · Duplicate", D("300.00")),
        ("Arithmetic", D("250.00")), ("Unbilled", D("-80.00"))]
    fig = _section("en").figures[0]
    bars = [p for p in fig.axes[0].patches if isinstance(p, Rectangle)]
    # expected 3,630 | +100 from 3,630 | +50 from 3,730 | +300 from 3,780 | +250 from 4,080 | −80 down to 4,250 | 4,250
    assert [round(b.get_y(), 2) for b in bars] == [0, 3630, 3730, 3780, 4080, 4250, 0]
    assert [round(b.get_height(), 2) for b in bars] == [3630, 100, 50, 300, 250, 80, 4250]
    assert tuple(fig.get_size_inches()) == (8.0, 4.2)
    words = [t.get_text() for t in fig.findobj(Text)]
    assert "+300.00" in words and "-80.00" in words and "Billed (header)" in words


def test_what_the_findings_do_not_explain_is_its_own_bar():
    findings = audits.findings("es")
    result = audits.audit_result("es", findings=findings[findings["check"] != "rate"])
    steps = waterfall_steps(result, "es")
    assert steps[-1] == ("Otras diferencias", D("100.00"))  # 4,250 − 3,630 − (50 + 300 + 250 − 80)


def test_many_findings_keep_the_largest_bars_and_group_the_rest():
    rows = [audits.finding(f"f{n}", "rate", n, D(n), D(0), D(n)) for n in range(1, 21)]  # 1 … 20 € over
    findings = pd.DataFrame(rows, columns=audits.FINDING_COLUMNS)
    result = audits.audit_result("en", findings=findings, billed_net=D("3840.00"), billed_header_net=None)
    steps = waterfall_steps(result, "en")  # 3,630 + 210 = 3,840: nothing unexplained
    assert len(steps) == 12
    assert [amount for _, amount in steps[:11]] == [D(n) for n in range(10, 21)]
    assert steps[11] == ("9 other findings", D(45))  # 1 + … + 9


@pytest.mark.parametrize("lang", ["es", "en"])
def test_the_audit_section_speaks_one_language(lang):
    section = _section(lang)
    offenders = _offenders(_text(section), lang, CLIENT_DATA)
    assert not offenders, "\n".join(offenders)


@pytest.mark.parametrize("lang, expected", [
    ("es", ["ANS — tiempo medio de gestión", "Compromiso mínimo — regularización", "Contacto atendido (mínimo)",
            "Tope de penalizaciones ANS", "Contacto atendido — tramo 3"]),
    ("en", ["SLA — average handling time", "Minimum commitment — true-up", "Handled contact (minimum)",
            "SLA penalty cap", "Handled contact — tier 3"]),
])
def test_reserved_charge_ids_are_named_in_words(lang, expected):
    names = {("care", "care_contacts"): "Contacto atendido" if lang == "es" else "Handled contact"}
    shown = [charge_text("care", "sla:aht_s", None, lang), charge_text(None, "minimum_commitment", None, lang),
             charge_text("care", "care_contacts:minimum", None, lang, names),
             charge_text("care", "sla:cap_penalty", None, lang), charge_text("care", "care_contacts", 3, lang, names)]
    assert shown == expected


def test_evidence_reads_as_text_in_the_language():
    evidence = {"quantity": D("1200"), "unit_price": D("0.50"), "lines": [3, 4], "expected_quantity": D("1000.5"),
                "total_net": D("4250.00"), "valid_from": date(2026, 1, 1), "note_code": "x", "ratio": 0.25}
    assert evidence_text(evidence, "es") == (
        "Cantidad: 1.200; Precio unitario: 0,50; Líneas: 3, 4; Cantidad esperada: 1.000,5; Base imponible de la "
        "cabecera: 4.250,00; Vigente desde: 01/01/2026; note_code: x; ratio: 0,25")
    assert evidence_text({"unit_price": D("0.55"), "lines": [{"line": 3, "amount": D("300.00")}]}, "en") == (
        "Unit price: 0.55; Lines: (Line: 3; Amount: 300.00)")
    assert evidence_text({}, "en") == "" and evidence_text(None, "en") == ""


# --------------------------------------------------------------------------- savings
def _savings_frame():
    """northwind: 2026-08 10,000.00 billed, 250.00 claimed; 2026-09 12,000.00 billed, nothing claimed, 30.00
    under-billed. southpoint: 2026-08 5,000.00 billed, 100.00 claimed; 2026-09 no invoice."""
    return pd.DataFrame([
        {"supplier": "southpoint", "supplier_name": "Southpoint", "month": "2026-09", "billed_net": None,
         "claimable": None, "under_billed": None},
        {"supplier": "northwind", "supplier_name": "Northwind", "month": "2026-08", "billed_net": D("10000.00"),
         "claimable": D("250.00"), "under_billed": D("0")},
        {"supplier": "northwind", "supplier_name": "Northwind", "month": "2026-09", "billed_net": D("12000.00"),
         "claimable": D("0"), "under_billed": D("30.00")},
        {"supplier": "southpoint", "supplier_name": "Southpoint", "month": "2026-08", "billed_net": D("5000.00"),
         "claimable": D("100.00"), "under_billed": D("0")},
    ])


def test_savings_per_supplier_and_month_with_running_totals():
    section = savings_section(_savings_frame(), lang="es", currency="EUR")
    by_month, by_supplier = (table for _, table in section.tables)
    assert by_month.to_dict("list") == {
        "Proveedor": ["Northwind", "Northwind", "Southpoint", "Southpoint"],
        "Mes": ["2026-08", "2026-09", "2026-08", "2026-09"],
        "Facturado": ["10.000,00 €", "12.000,00 €", "5.000,00 €", "sin factura"],
        "Ahorro": ["250,00 €", "0,00 €", "100,00 €", ""],
        "% de lo facturado": ["2,50 %", "0,00 %", "2,00 %", ""],
        "Facturado de menos": ["0,00 €", "30,00 €", "0,00 €", ""],
        "Acumulado": ["250,00 €", "250,00 €", "100,00 €", "100,00 €"],
        # 250 / 22,000 = 1.136 %
        "% acumulado": ["2,50 %", "1,14 %", "2,00 %", "2,00 %"],
    }
    assert by_supplier.to_dict("list") == {
        "Proveedor": ["Northwind", "Southpoint", "Total"],
        "Facturado": ["22.000,00 €", "5.000,00 €", "27.000,00 €"],
        "Ahorro": ["250,00 €", "100,00 €", "350,00 €"],
        "% de lo facturado": ["1,14 %", "2,00 %", "1,30 %"],  # 350 / 27,000 = 1.296 %
        "Facturado de menos": ["30,00 €", "0,00 €", "30,00 €"],
    }
    assert section.headline == [("Ahorro", "350,00 €", False), ("% de lo facturado", "1,30 %", False)]
    assert section.results["savings"] == D("350.00")
    assert section.results["savings_share"] == D("350") / D("27000")
    assert section.results["savings_by_supplier"] == {"northwind": D("250.00"), "southpoint": D("100.00")}
    assert "30,00 €" in section.narrative and "entre 2026-08 y 2026-09" in section.narrative


def test_the_savings_chart_stacks_each_supplier_by_month():
    fig = savings_section(_savings_frame(), lang="en", currency="EUR").figures[0]
    bars = [(round(b.get_y(), 2), round(b.get_height(), 2)) for b in fig.axes[0].patches]
    assert bars == [(0, 250), (0, 0), (250, 100), (0, 0)]  # Northwind then Southpoint on top, 08 and 09


@pytest.mark.parametrize("lang", ["es", "en"])
def test_the_savings_section_speaks_one_language(lang):
    offenders = _offenders(_text(savings_section(_savings_frame(), lang=lang, currency="EUR")), lang, CLIENT_DATA)
    assert not offenders, "\n".join(offenders)


def test_no_audited_invoice_no_savings():
    frame = _savings_frame().head(1)
    section = savings_section(frame, lang="en", currency="EUR")
    assert section.results["savings"] is None and section.narrative == "There are no audited invoices in the period."
    assert not section.tables and not section.figures


def test_the_html_of_the_audit_section_is_self_contained(tmp_path):
    page = _section("es")._repr_html_()
    assert "http://" not in page and "https://" not in page
    assert '<td class="num">847,00 €</td>' not in page  # headline, not table
    assert '<div class="v bad">847,00 €</div>' in page
    assert date(2026, 10, 1).strftime("%d/%m/%Y") in page
