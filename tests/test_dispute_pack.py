"""The dispute pack (`io/dispute_pack.py`) on the hand-built audit of `tests/audits.py`: read back with
openpyxl, figures, formats, the language of every word, formula-looking text kept as text, written whole."""

from __future__ import annotations

import zipfile
from datetime import datetime
from decimal import Decimal

import pandas as pd
import pytest
from openpyxl import load_workbook

from ccanalysis.errors import UsageError
from ccanalysis.io import dispute_pack
from ccanalysis.io.dispute_pack import write_dispute_pack
from tests import audits
from tests.test_report_language import _offenders

D = Decimal
NAME = "Acme Contact S.L."
CLIENT_DATA = sorted({NAME, "acme", "care", "care_contacts", "care_platform", "F-77", "a1", "r2", "u9", "d4", "p1",
                      "q3"}, key=len, reverse=True)


def _pack(tmp_path, lang="es", **changes):
    path = write_dispute_pack(audits.audit_result(lang, **changes), tmp_path / "pack.xlsx", lang=lang,
                              supplier_name=NAME)
    return load_workbook(path)


def _pairs(sheet):
    """The summary's (label, value) rows."""
    return {row[0]: row[1] for row in sheet.iter_rows(min_row=3, max_row=15, max_col=2, values_only=True)
            if row[0] is not None}


def test_the_summary_sheet_holds_the_invoice_and_the_claim(tmp_path):
    book = _pack(tmp_path, "es")
    assert book.sheetnames == ["Resumen", "Precio", "Cantidad", "Aritmética", "Duplicado", "Plazo de pago",
                               "No facturado"]
    summary = book["Resumen"]
    assert summary["A1"].value == "Auditoría de la factura — Acme Contact S.L."
    assert _pairs(summary) == {
        "Proveedor": NAME, "Mes": "2026-09", "Factura": "F-77", "Fecha de emisión": datetime(2026, 10, 1),
        "Vencimiento": datetime(2026, 11, 30), "Facturado (base imponible)": 4000.0,
        "Base imponible según la cabecera": 4250.0, "Esperado (base imponible)": 3630.0, "A reclamar": 700.0,
        "IVA de la reclamación": 147.0, "Total a retener": 847.0, "Facturado de menos": 80.0}


def test_money_is_numeric_with_a_currency_format_and_dates_are_dates(tmp_path):
    summary = _pack(tmp_path, "es")["Resumen"]
    cells = {row[0].value: row[1] for row in summary.iter_rows(min_row=3, max_row=14, max_col=2)}
    assert cells["A reclamar"].data_type == "n" and cells["A reclamar"].number_format == '#,##0.00 "€"'
    assert cells["Vencimiento"].is_date and cells["Vencimiento"].number_format == "DD/MM/YYYY"
    english = _pack(tmp_path, "en")["Summary"]
    cells = {row[0].value: row[1] for row in english.iter_rows(min_row=3, max_row=14, max_col=2)}
    assert cells["To claim"].number_format == '"€"#,##0.00' and cells["Due date"].number_format == "YYYY-MM-DD"


def test_money_keeps_its_cents(tmp_path):
    rows = [audits.finding("x", "rate", 1, D("1234567.89"), D("0.01"), D("1234567.88"))]
    book = _pack(tmp_path, "en", findings=pd.DataFrame(rows, columns=audits.FINDING_COLUMNS),
                 claimable=D("1234567.88"))
    values = [c.value for c in book["Rate"][2]]
    assert values[4:8] == [1234567.89, 0.01, 1234567.88, 1234567.88]
    assert f"{values[4]:.2f}" == "1234567.89"


def test_the_summary_counts_the_findings_per_check(tmp_path):
    summary = _pack(tmp_path, "en")["Summary"]
    rows = [r for r in summary.iter_rows(min_row=16, values_only=True) if r[0] is not None]
    assert rows == [("Check", "Count", "Difference", "To claim"), ("Rate", 1, 100.0, 100.0),
                    ("Quantity", 1, 50.0, 50.0), ("Arithmetic", 1, 250.0, 250.0), ("Duplicate", 1, 300.0, 300.0),
                    ("Payment terms", 1, 0, 0), ("Unbilled", 1, -80.0, 0)]


def test_a_check_sheet_lists_its_findings_with_evidence_and_a_total(tmp_path):
    sheet = _pack(tmp_path, "es")["Duplicado"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Ref. del hallazgo", "Línea", "Servicio", "Concepto", "Facturado", "Esperado", "Diferencia",
                       "A reclamar", "Causa", "Evidencia")
    assert rows[1] == ("d4", 4, "care", "care_contacts", 300.0, 0.0, 300.0, 300.0, "línea 4 duplica la línea 3",
                       "Líneas: 3, 4")
    assert rows[2][6:8] == ("Total", 300.0)
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["I"].width == len("línea 4 duplica la línea 3") + 2


def test_several_invoices_name_the_invoice_of_each_finding(tmp_path):
    sheet = _pack(tmp_path, "en", invoice_ids=("F-77", "F-77R"))["Rate"]
    assert [c.value for c in sheet[1]][:3] == ["Finding ref.", "Invoice", "Line"]
    assert sheet["B2"].value == "F-77"


@pytest.mark.parametrize("text", ["=HYPERLINK(\"http://x\",\"y\")", "+34 600 000 000", "-5 % penalización",
                                  "@SUM(A1:A3)"])
def test_text_that_looks_like_a_formula_stays_text(tmp_path, text):
    findings = audits.findings("es")
    findings.loc[findings["finding_id"] == "d4", "description"] = text
    findings.loc[findings["finding_id"] == "d4", "service"] = text
    path = write_dispute_pack(audits.audit_result("es", findings=findings), tmp_path / "p.xlsx", lang="es",
                              supplier_name=text)
    book = load_workbook(path)
    for cell in (book["Duplicado"]["I2"], book["Duplicado"]["C2"], book["Resumen"]["B3"]):
        assert cell.data_type == "s" and isinstance(cell.value, str)
        assert cell.value == "'" + text
    with zipfile.ZipFile(path) as archive:
        sheets = [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/")]
    assert all("<f>" not in xml and "<f " not in xml for xml in sheets)


def test_characters_a_workbook_cannot_hold_are_dropped_not_fatal(tmp_path):
    findings = audits.findings("en")
    findings.loc[findings["finding_id"] == "r2", "description"] = "line 2\x00 at 0.55\x07"
    path = write_dispute_pack(audits.audit_result("en", findings=findings), tmp_path / "p.xlsx", lang="en",
                              supplier_name=NAME)
    assert load_workbook(path)["Rate"]["I2"].value == "line 2 at 0.55"


@pytest.mark.parametrize("lang", ["es", "en"])
def test_every_word_is_in_the_pack_language(tmp_path, lang):
    book = _pack(tmp_path, lang)
    words = [str(v) for sheet in book for row in sheet.iter_rows(values_only=True) for v in row
             if isinstance(v, str)] + book.sheetnames
    descriptions = set(audits.DESCRIPTIONS[lang])
    text = "\n".join(w for w in words if w not in descriptions)
    offenders = _offenders(text, lang, CLIENT_DATA)
    assert not offenders, "\n".join(offenders)


def test_no_invoice_claims_nothing(tmp_path):
    book = _pack(tmp_path, "en", invoice_ids=(), issue_date=None, due_date=None, billed_net=None,
                 billed_header_net=None, claimable=D("0"), claimable_tax=D("0"), under_billed=D("0"),
                 findings=audits.empty_findings(), needs_review=audits.empty_review())
    assert book.sheetnames == ["Summary"]
    pairs = _pairs(book["Summary"])
    assert pairs["To claim"] == "There is no supplier invoice for this period."
    assert pairs["Expected (net)"] == 3630.0 and "Billed (net)" not in pairs


def test_a_failed_write_leaves_the_old_pack_and_no_temporary_file(tmp_path, monkeypatch):
    path = tmp_path / "pack.xlsx"
    path.write_bytes(b"the old pack")

    def broken(self, target):
        target.write(b"PK half a workbook")
        raise OSError("disk full")

    monkeypatch.setattr(dispute_pack.Workbook, "save", broken)
    with pytest.raises(OSError, match="disk full"):
        write_dispute_pack(audits.audit_result("es"), path, lang="es", supplier_name=NAME)
    assert path.read_bytes() == b"the old pack"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pack.xlsx"]


def test_the_pack_replaces_an_old_one_whole(tmp_path):
    path = tmp_path / "pack.xlsx"
    path.write_bytes(b"the old pack")
    write_dispute_pack(audits.audit_result("es"), path, lang="es", supplier_name=NAME)
    assert load_workbook(path).sheetnames[0] == "Resumen"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pack.xlsx"]


@pytest.mark.parametrize("name", ["pack.csv", "pack"])
def test_a_path_that_is_not_an_xlsx_is_refused(tmp_path, name):
    with pytest.raises(UsageError, match=r"ending in \.xlsx"):
        write_dispute_pack(audits.audit_result("es"), tmp_path / name, lang="es", supplier_name=NAME)
    assert not (tmp_path / name).exists()


def test_an_unknown_language_is_refused(tmp_path):
    with pytest.raises(ValueError, match="lang must be one of es, en"):
        write_dispute_pack(audits.audit_result("es"), tmp_path / "p.xlsx", lang="fr", supplier_name=NAME)
