"""`ccanalysis collections` and the collections report on a two-account agency, every figure by hand."""

import json
from decimal import Decimal
from fractions import Fraction

import pytest

from ccanalysis import cli, workbook
from ccanalysis.engagement import load
from tests.engagements import contract, write_engagement

SERVICE = {
    "id": "collections", "name": "Recobro", "channel": "collections",
    "collections": {"attribution_tail_days": 0, "debt_age_at": "placement"},
    "charges": [
        {"id": "fee_0_90", "description": "Hasta 90 días", "unit": "collected_amount", "model": "percentage",
         "rate": "0.08", "applies_to": {"debt_age_days": {"to": 90}}},
        {"id": "fee_181", "description": "Desde 181 días", "unit": "collected_amount", "model": "percentage",
         "rate": "0.20", "applies_to": {"debt_age_days": {"from": 181}}, "max_per_account": "1000"},
        {"id": "rpc_fee", "description": "Contacto con el titular", "unit": "right_party_contact",
         "model": "per_unit", "unit_price": "3.00"},
    ],
}
PLACEMENTS = [
    {"account_id": "A", "supplier": "acme", "placed_on": "2026-09-01", "debt_amount": "500", "days_past_due": 60,
     "segment": "residential"},
    {"account_id": "B", "supplier": "acme", "placed_on": "2026-09-01", "debt_amount": "1000", "days_past_due": 200,
     "segment": "residential"},
]
ATTEMPTS = [
    {"account_id": "A", "supplier": "acme", "start": "2026-09-02 19:00", "channel": "voice", "outcome": "rpc"},
    {"account_id": "A", "supplier": "acme", "start": "2026-09-03 19:00", "channel": "voice", "outcome": "ptp",
     "promised_amount": "100", "promised_date": "2026-09-10"},
    {"account_id": "B", "supplier": "acme", "start": "2026-09-02 11:00", "channel": "voice", "outcome": "no_answer"},
    {"account_id": "B", "supplier": "acme", "start": "2026-09-04 11:00", "channel": "voice", "outcome": "no_answer"},
]
PAYMENTS = [{"account_id": "A", "paid_on": "2026-09-08", "amount": "100.00"},
            {"account_id": "B", "paid_on": "2026-09-20", "amount": "300.00"}]


@pytest.fixture
def root(tmp_path):
    write_engagement(tmp_path, contracts=[contract(services=[SERVICE])], tables={
        "collections/placements/p.csv": PLACEMENTS, "collections/attempts/a.csv": ATTEMPTS,
        "collections/payments/p.csv": PAYMENTS})
    return tmp_path


def test_the_expected_fee_invoice(root):
    lines = workbook.expected_invoice(load("tiny", root=root), "acme", "2026-09")
    amounts = dict(zip(lines["charge"], lines["amount"], strict=True))
    # A's 100.00 at 60 days: 8.00; B's 300.00 at 200 days: 60.00; A's rpc and ptp: 2 × 3.00
    assert amounts == {"fee_0_90": Decimal("8.00"), "fee_181": Decimal("60.00"), "rpc_fee": Decimal("6.00")}


def test_the_command_gives_every_kpi_and_the_fees(root, capsys):
    assert cli.main(["collections", "tiny", "--supplier", "acme", "--month", "2026-09", "--root", str(root),
                     "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    values = {k["kpi"]: k["value"] for k in out["kpis"]}
    expected = {"penetration": 1, "contact_rate": 0.5, "rpc_rate_attempts": 0.5, "rpc_rate_accounts": 0.5,
                "ptp_rate": 0.5, "kept_promise_rate": 1,  # 100 promised by 10/09, paid 08/09
                "recovery_rate": float(Fraction(400, 1500)), "cost_to_collect": float(Fraction(74, 400)),
                "net_liquidation": float(Fraction(326, 1500))}
    assert values == {k: round(v, 6) for k, v in expected.items()}
    assert out["fees"]["expected_net"] == "74.00" and out["fees"]["billed_net"] is None


def test_the_table_speaks_the_engagement_language(root, capsys):
    assert cli.main(["collections", "tiny", "--supplier", "acme", "--month", "2026-09", "--root", str(root)]) == 0
    out = capsys.readouterr().out
    assert "tasa de recobro" in out and "26,67 %" in out  # 400 / 1.500
    assert "Comisiones esperadas: 74,00 €; Comisiones facturadas: sin factura" in out


def test_a_supplier_without_collections_is_a_usage_error(tmp_path, capsys):
    from tests.engagements import activity_row

    write_engagement(tmp_path, tables={"activity/a.csv": [activity_row("2026-09-01", 10, 9)]})
    assert cli.main(["collections", "tiny", "--supplier", "acme", "--month", "2026-09", "--root", str(tmp_path)]) == 2
    assert "has no collections service in 2026-09" in capsys.readouterr().err


RULES = {"collections": {"grace_days": 0, "calling_rules": {
    "windows": {"mon": [9, 21], "tue": [9, 21], "wed": [9, 21], "thu": [9, 21], "fri": [9, 21]},
    "max_attempts_per_7_days": 2, "max_attempts_per_day": 1}}}


def test_the_call_list_is_written_and_never_breaks_the_caps(tmp_path, capsys):
    # made on Thursday 03/09 for Friday 04/09: in the 7 days 29/08–04/09 A has had 2 attempts (the cap is 2):
    # left out; B has had 2 as well, one of them on the 4th itself (1 a day at most): left out too. With caps
    # of 3 a week and 2 a day, both are on the list
    write_engagement(tmp_path, settings=RULES, contracts=[contract(services=[SERVICE])], tables={
        "collections/placements/p.csv": PLACEMENTS, "collections/attempts/a.csv": ATTEMPTS,
        "collections/payments/p.csv": PAYMENTS})
    args = ["collections", "tiny", "--call-list", "2026-09-03", "--root", str(tmp_path), "--format", "json"]
    assert cli.main(args) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["accounts"] == 0 and out["path"].endswith("reports/tiny/call_list_2026-09-03.csv")
    settings = tmp_path / "parameters" / "tiny" / "engagement.yaml"
    settings.write_text(settings.read_text().replace("max_attempts_per_7_days: 2", "max_attempts_per_7_days: 3")
                        .replace("max_attempts_per_day: 1", "max_attempts_per_day: 2"))
    assert cli.main(args) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["accounts"] == 2


def test_a_call_list_needs_calling_rules(root, capsys):
    assert cli.main(["collections", "tiny", "--call-list", "2026-09-04", "--root", str(root)]) == 2
    assert "has no calling rules: write collections.calling_rules" in capsys.readouterr().err


@pytest.mark.parametrize("lang, title", [("es", "Indicadores de recobro"), ("en", "Collections KPIs")])
def test_the_report_sections_render(root, lang, title):
    from ccanalysis.report import collections as sections

    eng = load("tiny", root=root)
    kpis = sections.collections_kpi_section(eng, "acme", "2026-09", lang)
    assert kpis.title == title
    assert kpis.results["kpis"]["recovery_rate"] == Fraction(400, 1500)
    vintages = sections.vintage_section(eng, "acme", "2026-09", lang)
    assert len(vintages.figures) == 1 and vintages.results == {"vintages": 1}
    single = sections.agency_comparison_section(eng, "acme", "2026-09", lang)
    assert single.tables == []  # one agency: nothing to compare, one line says so
    calls = sections.call_time_section(eng, "acme", "2026-09", lang)
    assert calls.figures and "collections.calling_rules" in calls.narrative  # no rules: no recommendation


def test_a_fee_on_a_payment_not_attributable_is_found(tmp_path):
    # B is recalled from acme on 10/09 and its 300.00 paid on 20/09 belongs to nobody (no tail). acme's
    # invoice bills a fee per payment: A's 100.00 (8 % = 8.00, attributed) and B's 300.00 (20 % = 60.00, not)
    placements = [dict(PLACEMENTS[0]), {**PLACEMENTS[1], "recalled_on": "2026-09-10"}]
    line = {"invoice_id": "AC-1", "issue_date": "2026-10-02", "period_start": "2026-09-01",
            "period_end": "2026-09-30", "service": "collections", "unit": "collected_amount", "tax_rate": "0.21"}
    invoice = [
        {**line, "line": 1, "charge": "fee_0_90", "description": "Comisión A", "quantity": "100.00",
         "amount": "8.00", "account_id": "A", "paid_on": "2026-09-08"},
        {**line, "line": 2, "charge": "fee_181", "description": "Comisión B", "quantity": "300.00",
         "amount": "60.00", "account_id": "B", "paid_on": "2026-09-20"},
        {**line, "line": 3, "charge": "rpc_fee", "description": "Contactos", "quantity": "2", "unit": "right_party_contact",
         "unit_price": "3.00", "amount": "6.00"},
    ]
    write_engagement(tmp_path, contracts=[contract(services=[SERVICE])], tables={
        "collections/placements/p.csv": placements, "collections/attempts/a.csv": ATTEMPTS,
        "collections/payments/p.csv": PAYMENTS, "invoices/acme/2026-09.csv": invoice})
    result = workbook.audit(load("tiny", root=tmp_path), "acme", "2026-09", "en")
    findings = result.findings.set_index("check")
    wrong = findings.loc["not_attributable"]
    assert wrong["line"] == 2 and not wrong["claimable"]  # named, not claimed twice
    assert "account B's payment of 2026-09-20" in wrong["description"]
    # the money: fee_181 expected 0 (B's payment is nobody's), billed 60.00 — claimed once
    assert result.claimable == Decimal("60.00")
