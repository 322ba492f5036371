"""Report sections on a tiny engagement: the first figure (billed vs expected, to claim) and languages."""

from decimal import Decimal

import pytest

from ccanalysis import report
from ccanalysis.engagement import load
from tests.engagements import activity_row, contract, write_engagement


def _line(n, charge, quantity, price, amount):
    return {"invoice_id": "F-9", "issue_date": "2026-10-01", "period_start": "2026-09-01",
            "period_end": "2026-09-30", "line": n, "service": "care" if charge else "", "charge": charge,
            "description": "x", "quantity": quantity, "unit_price": price, "amount": amount, "tax_rate": "0.21"}


def _eng(tmp_path, with_ids: bool):
    c = contract()
    c["services"][0]["charges"].append({"id": "care_platform", "unit": "month", "model": "fixed", "amount": "100"})
    # expected: 100 handled × 1.50 = 150.00 and the platform fee 100.00 → 250.00
    # billed: 110 × 1.50 = 165.00 (15.00 over) and 90.00 for the platform (10.00 under) → 255.00
    lines = [_line(1, "care_contacts" if with_ids else "", 110, "1.50", "165.00"),
             _line(2, "care_platform" if with_ids else "", 1, "90.00", "90.00")]
    write_engagement(tmp_path, contracts=[c], tables={"activity/a.csv": [activity_row("2026-09-01", 100, 100)],
                                       "invoices/acme/2026-09.csv": lines})
    return load("tiny", root=tmp_path)


def test_to_claim_is_the_over_billed_charges_when_lines_name_them(tmp_path):
    section = report.summary_section(_eng(tmp_path, True), "acme", "2026-09", "en")
    assert section.results["expected_net"] == Decimal("250.00")
    assert section.results["billed_net"] == Decimal("255.00")
    assert section.results["difference"] == Decimal("5.00")
    assert section.results["to_claim"] == Decimal("15.00")  # the under-billed fee does not offset it


def test_lines_matching_no_charge_are_claimed_until_matched(tmp_path):
    # neither line names a charge and there is no rule or decision: both are not_in_contract findings
    # (165.00 + 90.00 claimed) and the two expected charges are unbilled (shown, never claimed)
    section = report.summary_section(_eng(tmp_path, False), "acme", "2026-09", "es")
    assert section.results["to_claim"] == Decimal("255.00")
    assert section.results["unidentified_lines"] == 2
    assert "2 líneas facturadas no corresponden a ningún concepto" in section.narrative
    assert "255,00 €" in section._repr_html_()


@pytest.mark.parametrize("lang, word", [("es", "Importe"), ("en", "Amount")])
def test_expected_invoice_section_is_labelled_in_its_language(tmp_path, lang, word):
    html = report.expected_invoice_section(_eng(tmp_path, True), "acme", "2026-09", lang)._repr_html_()
    assert f"<th>{word}</th>" in html and "<img" not in html


def test_charges_are_named_by_the_contract_not_by_id(tmp_path):
    eng = _eng(tmp_path, True)
    summary = report.summary_section(eng, "acme", "2026-09", "es")._repr_html_()
    invoice = report.expected_invoice_section(eng, "acme", "2026-09", "es")._repr_html_()
    for page in (summary, invoice):
        assert "<td>Contacto atendido</td>" in page and "care_contacts" not in page


def test_unidentified_lines_are_named_in_the_report_language(tmp_path):
    page = report.summary_section(_eng(tmp_path, False), "acme", "2026-09", "es")._repr_html_()
    assert "<td>(sin identificar)</td>" in page


@pytest.mark.parametrize("lang, occupancy, aht", [("es", "85,71 %", "180,0 s"), ("en", "85.71%", "180.0 s")])
def test_kpi_values_follow_the_language(tmp_path, lang, occupancy, aht):
    # 100 handled, 15,000 s talk + 3,000 s after-call work = 18,000 s: AHT 180 s; occupancy 18,000 / 21,000 s logged
    write_engagement(tmp_path, tables={"activity/a.csv": [
        activity_row("2026-09-01", 100, 100, talk_s=15000, acw_s=3000, logged_s=21000)]})
    page = report.kpi_section(load("tiny", root=tmp_path), "acme", "2026-09", lang)._repr_html_()
    assert f'<td class="num">{occupancy}</td>' in page and f'<td class="num">{aht}</td>' in page


@pytest.mark.parametrize("lang, day", [("es", "01/09/2026"), ("en", "2026-09-01")])
def test_figure_dates_follow_the_language(tmp_path, lang, day):
    import pandas as pd

    from ccanalysis.report import figures

    fig = figures.daily_cost(pd.DataFrame({"date": pd.to_datetime(["2026-09-01", "2026-09-02"]),
                                           "cost": [1, 2], "cumulative": [1, 3]}), lang)
    fig.canvas.draw()
    assert day in [t.get_text() for t in fig.axes[0].get_xticklabels()]


def test_the_batch_imports_html_and_results_without_the_sections():
    import subprocess
    import sys

    code = ("import sys, ccanalysis.report, ccanalysis.report.html, ccanalysis.report.results; "
            "print(sorted(m for m in sys.modules if m == 'matplotlib' or m.startswith('ccanalysis.report.')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['ccanalysis.report.html', 'ccanalysis.report.results']"


@pytest.mark.parametrize("lang, unit, month, title", [
    ("es", "contacto atendido", "mes", "Factura esperada"), ("en", "handled contact", "month", "Expected invoice")])
def test_the_invoice_table_names_units_in_its_language(tmp_path, lang, unit, month, title):
    section = report.expected_invoice_section(_eng(tmp_path, True), "acme", "2026-09", lang)
    page = section._repr_html_()
    assert section.title.startswith(title)
    assert f"<td>{unit}</td>" in page and f"<td>{month}</td>" in page
    assert "handled_contact" not in page


@pytest.mark.parametrize("lang, aht", [("es", "tiempo medio de gestión"), ("en", "average handling time")])
def test_kpis_are_named_in_the_report_language(tmp_path, lang, aht):
    write_engagement(tmp_path, tables={"activity/a.csv": [
        activity_row("2026-09-01", 100, 100, talk_s=15000, acw_s=3000, logged_s=21000)]})
    page = report.kpi_section(load("tiny", root=tmp_path), "acme", "2026-09", lang)._repr_html_()
    assert f"<td>{aht}</td>" in page and "aht_s" not in page
