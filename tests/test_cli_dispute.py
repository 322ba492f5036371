"""`ccanalysis dispute` and `ccanalysis close` on a tiny engagement, the audit replaced by hand-built results:
disputes opened once, changes checked, credits verified, the register listed with aging and deadlines, and
the month closed only when nothing is pending (or forced with a note)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal as D

import pytest

from ccanalysis import workbook
from ccanalysis.cli import main
from ccanalysis.io.register import read_closes, read_register
from tests.engagements import write_engagement
from tests.test_disputes import SEPTEMBER, audit_result, credit

INVOICE = [{"invoice_id": "F-9", "issue_date": "2026-10-02", "period_start": "2026-09-01", "period_end": "2026-09-30",
            "line": 1, "description": "Contactos atendidos", "quantity": "700", "unit_price": "1.50",
            "amount": "1050.00", "tax_rate": "0.21", "total_net": "1100.00", "total_tax": "231.00",
            "total_gross": "1331.00"},
           {"invoice_id": "F-9", "issue_date": "2026-10-02", "period_start": "2026-09-01", "period_end": "2026-09-30",
            "line": 2, "description": "Contactos atendidos", "quantity": "100", "unit_price": "0.50",
            "amount": "50.00", "tax_rate": "0.21", "total_net": "1100.00", "total_tax": "231.00",
            "total_gross": "1331.00"}]
OCTOBER = audit_result(month="2026-10", invoice_ids=("F-10",), credits=[credit("F-10", 4, "-25.00", names="F-9")])


@pytest.fixture
def root(tmp_path, monkeypatch):
    write_engagement(tmp_path, tables={"invoices/acme/2026-09.csv": INVOICE})
    results = {"2026-09": SEPTEMBER, "2026-10": OCTOBER}
    monkeypatch.setattr(workbook, "audit", lambda eng, supplier, month, lang=None: results[month], raising=False)
    return tmp_path


def run(root, capsys, *argv: str) -> tuple[int, str, str]:
    code = main([*argv, "--root", str(root)])
    out = capsys.readouterr()
    return code, out.out, out.err


def strict_json(text: str):
    def refuse(name):
        raise AssertionError(f"not strict JSON: {name}")

    return json.loads(text, parse_constant=refuse)


def register_of(root):
    return read_register(root / "data" / "tiny" / "disputes.csv")


def open_september(root, capsys, *extra: str) -> tuple[int, str, str]:
    return run(root, capsys, "dispute", "tiny", "--supplier", "acme", "--month", "2026-09", "open",
               "--as-of", "2026-10-05", *extra)


def test_open_turns_claimable_findings_into_disputes_once(root, capsys):
    code, out, _ = open_september(root, capsys)
    assert code == 0 and "2 reclamación(es) nueva(s) de acme 2026-09" in out
    assert "D-acme-202609-001" in out and "25,00 €" in out and "detectada" in out
    code, out, _ = open_september(root, capsys, "--format", "json", "--lang", "en")
    assert code == 0 and strict_json(out)["opened"] == []
    register = register_of(root)
    assert list(register["dispute_id"]) == ["D-acme-202609-001", "D-acme-202609-002"]
    assert list(register["amount_claimed"]) == [D("25.00"), D("120.00")]


def test_open_as_json_has_money_as_decimal_strings(root, capsys):
    code, out, _ = open_september(root, capsys, "--format", "json")
    data = strict_json(out)
    assert code == 0 and [d["amount_claimed"] for d in data["opened"]] == ["25.00", "120.00"]
    assert data["opened"][0]["amount_accepted"] is None and data["opened"][0]["status_date"] == "2026-10-05"


def test_status_changes_are_checked_against_the_transition_table(root, capsys):
    open_september(root, capsys)
    code, out, _ = run(root, capsys, "dispute", "tiny", "D-acme-202609-002", "--status", "submitted",
                       "--as-of", "2026-10-06", "--lang", "en")
    assert code == 0 and "D-acme-202609-002: detected → submitted (2026-10-06)" in out
    code, _, err = run(root, capsys, "dispute", "tiny", "D-acme-202609-002", "--status", "validated",
                       "--as-of", "2026-10-07")
    assert code == 2 and "accepted, partially_accepted, rejected, cancelled, credited" in err
    code, _, err = run(root, capsys, "dispute", "tiny", "D-acme-202609-002", "--status", "partially_accepted")
    assert code == 2 and "needs --amount" in err
    code, out, _ = run(root, capsys, "dispute", "tiny", "D-acme-202609-002", "--status", "partially_accepted",
                       "--amount", "100.00", "--note", "=acuerdo telefónico", "--as-of", "2026-10-20",
                       "--format", "json")
    assert code == 0 and strict_json(out)["amount_accepted"] == "100.00"
    register = register_of(root)
    assert len(register) == 4 and register["note"].iloc[-1] == "'=acuerdo telefónico"  # never a formula


@pytest.mark.parametrize("argv, text", [
    (["D-acme-202609-001"], "give --status"),
    (["D-acme-202609-001", "--status", "submitted", "--month", "2026-09"], "--month do(es) not apply"),
    (["open", "--supplier", "acme"], "needs --supplier and --month"),
    (["--status", "submitted"], "--status do(es) not apply to the register list"),
    (["D-acme-202609-001", "--status", "submitted", "--as-of", "5/10/2026"], "--as-of: expected a date"),
    (["D-acme-202609-001", "--status", "submitted", "--amount", "1,5"], "--amount"),
])
def test_wrong_usage_exits_2_and_writes_nothing(root, capsys, argv, text):
    open_september(root, capsys)
    before = (root / "data" / "tiny" / "disputes.csv").read_bytes()
    code, _, err = run(root, capsys, "dispute", "tiny", *argv)
    assert code == 2 and text in err
    assert (root / "data" / "tiny" / "disputes.csv").read_bytes() == before


def test_a_credit_on_a_later_invoice_verifies_the_dispute(root, capsys):
    open_september(root, capsys)
    run(root, capsys, "dispute", "tiny", "D-acme-202609-001", "--status", "submitted", "--as-of", "2026-10-06")
    code, out, _ = run(root, capsys, "dispute", "tiny", "--supplier", "acme", "--month", "2026-10", "open",
                       "--as-of", "2026-11-03", "--lang", "en")
    assert code == 0 and "2 change(s) from credits" in out
    latest = register_of(root).drop_duplicates("dispute_id", keep="last").set_index("dispute_id")
    assert latest.loc["D-acme-202609-001", "status"] == "verified"
    assert latest.loc["D-acme-202609-001", "credit_invoice_id"] == "F-10"
    assert latest.loc["D-acme-202609-001", "amount_credited"] == D("25.00")
    run(root, capsys, "dispute", "tiny", "--supplier", "acme", "--month", "2026-10", "open", "--as-of", "2026-11-04")
    assert len(register_of(root)) == 5  # 2 opened, 1 submitted, credited + verified; nothing more


def test_the_register_list_shows_aging_deadline_and_money_at_risk(root, capsys):
    open_september(root, capsys)
    run(root, capsys, "dispute", "tiny", "D-acme-202609-001", "--status", "submitted", "--as-of", "2026-10-06")
    code, out, _ = run(root, capsys, "dispute", "tiny", "--as-of", "2026-12-10", "--format", "json")
    data = strict_json(out)
    assert code == 0 and data["open"] == 2 and data["open_claimed"] == "145.00"
    assert data["at_risk"] == "120.00"  # 002 not submitted; deadline 2026-10-02 + 90 days = 2026-12-31, 21 days away
    first, second = data["disputes"]
    assert (first["aging_days"], first["deadline"], first["at_risk"]) == (65, "2026-12-31", False)
    assert (second["aging_days"], second["days_to_deadline"], second["at_risk"]) == (None, 21, True)
    code, out, _ = run(root, capsys, "dispute", "tiny", "--supplier", "acme", "--as-of", "2026-12-10",
                       "--lang", "en")
    assert code == 0 and "Days to deadline" in out and "€120.00" in out and "At risk of expiring within 30" in out
    code, out, _ = run(root, capsys, "dispute", "tiny", "--as-of", "2026-12-10", "--format", "csv")
    assert code == 0 and out.splitlines()[0].startswith("dispute_id,supplier,month") and len(out.splitlines()) == 3
    code, out, _ = run(root, capsys, "dispute", "tiny", "--supplier", "acme", "--as-of", "2027-02-01",
                       "--format", "json")
    assert strict_json(out)["at_risk"] == "0.00"  # 002 expired on 2026-12-31: no longer at risk, lost
    assert strict_json(out)["disputes"][1]["expired"] is True
    code, _, err = run(root, capsys, "dispute", "tiny", "--supplier", "nobody")
    assert code == 2 and "unknown supplier" in err


def test_a_month_with_anything_pending_is_not_closed(root, capsys):
    code, out, err = run(root, capsys, "close", "tiny", "--supplier", "acme", "--month", "2026-09",
                         "--as-of", "2026-10-05", "--lang", "en")
    assert code == 1 and "Billed: net €1,100.00, VAT €231.00, gross €1,331.00" in out
    assert "finding f-rate (€25.00) has no dispute" in err and "cannot be closed: 2 pending" in err
    assert not (root / "data" / "tiny" / "closes.csv").exists()
    code, _, err = run(root, capsys, "close", "tiny", "--supplier", "acme", "--month", "2026-09", "--force")
    assert code == 2 and "--force needs --note" in err


def test_an_answered_month_closes_once(root, capsys):
    open_september(root, capsys)
    for dispute_id, status, extra in [("D-acme-202609-001", "submitted", []), ("D-acme-202609-002", "submitted", []),
                                      ("D-acme-202609-001", "accepted", []),
                                      ("D-acme-202609-002", "partially_accepted", ["--amount", "100.00"])]:
        assert run(root, capsys, "dispute", "tiny", dispute_id, "--status", status, "--as-of", "2026-10-20",
                   *extra)[0] == 0
    code, out, _ = run(root, capsys, "close", "tiny", "--supplier", "acme", "--month", "2026-09",
                       "--as-of", "2026-10-21", "--format", "json")
    data = strict_json(out)
    assert code == 0 and data["closed"] is True and data["pending"] == []
    assert (data["withheld_gross"], data["to_pay_gross"], data["agreed"]) == ("151.25", "1179.75", "125.00")
    closes = read_closes(root / "data" / "tiny" / "closes.csv")
    assert closes.to_dict("records") == [{"supplier": "acme", "month": "2026-09", "closed_at": date(2026, 10, 21),
                                          "forced": False, "note": None, "billed_net": D("1100.00"),
                                          "expected_net": D("1000.00"), "to_pay_gross": D("1179.75"),
                                          "withheld_gross": D("151.25")}]
    code, _, err = run(root, capsys, "close", "tiny", "--supplier", "acme", "--month", "2026-09")
    assert code == 1 and "ya se cerró el 21/10/2026" in err
    assert len(read_closes(root / "data" / "tiny" / "closes.csv")) == 1


def test_a_forced_close_records_its_note(root, capsys):
    open_september(root, capsys)
    code, out, _ = run(root, capsys, "close", "tiny", "--supplier", "acme", "--month", "2026-09", "--force",
                       "--note", "acordado con el proveedor", "--as-of", "2026-10-31")
    assert code == 0 and "forzado: acordado con el proveedor" in out and "Pendiente (2)" in out
    row = read_closes(root / "data" / "tiny" / "closes.csv").iloc[0]
    assert bool(row["forced"]) and row["note"] == "acordado con el proveedor"
    assert row["withheld_gross"] == D("175.45")  # 145.00 claimed + 5.25 + 25.20 VAT
    assert row["to_pay_gross"] == D("1155.55")  # 1331.00 − 175.45
