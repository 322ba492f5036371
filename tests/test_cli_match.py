"""`ccanalysis match`: the period's lines with their match, and the self-learning loop of human decisions."""

from __future__ import annotations

import csv
import json

import pytest

from ccanalysis import cli
from tests.engagements import activity_row, write_engagement, write_yaml
from tests.test_invoice_rules import LABELS_FILE, RULES_FILE, TWO_CHARGES

MONTHS = {"2026-09": ("septiembre", "2026-09-30"), "2026-10": ("octubre", "2026-10-31")}


def invoice(month: str, invoice_id: str, *extra: tuple[str, str]) -> list[dict]:
    """Contacts, the platform fee and `extra` (description, amount) lines, without ids (like Eastline)."""
    name, end = MONTHS[month]
    texts = [(f"Contactos atendidos {name} 2026", "9", "1.50", "13.50"),
             (f"Cuota plataforma {name} 2026", "1", "900.00", "900.00")]
    texts += [(f"{text} {name} 2026", "1", amount, amount) for text, amount in extra]
    return [{"invoice_id": invoice_id, "issue_date": end, "period_start": f"{month}-01", "period_end": end,
             "line": n, "description": d, "quantity": q, "unit_price": p, "amount": a, "tax_rate": "0.21"}
            for n, (d, q, p, a) in enumerate(texts, start=1)]


@pytest.fixture
def root(tmp_path):
    activity = [activity_row(f"{m}-01", 10, 9, abandoned=1, abandoned_short=0) for m in MONTHS]
    write_engagement(tmp_path, contracts=[TWO_CHARGES], tables={
        "activity/a.csv": activity,
        "invoices/acme/2026-09.csv": invoice("2026-09", "F9", ("Recargo especial", "50.00")),
        "invoices/acme/2026-10.csv": invoice("2026-10", "F10", ("Recargo especial", "50.00")),
    })
    write_yaml(tmp_path / RULES_FILE, {"rules": [
        {"pattern": "contactos atendidos", "service": "care", "charge": "care_contacts"},
        {"pattern": "cuota plataforma", "charge": "care_platform"}]})
    return tmp_path


def run(root, *argv: str) -> int:
    return cli.main(["match", "tiny", "--supplier", "acme", *argv, "--root", str(root)])


def listed(root, capsys, month: str) -> list[dict]:
    assert run(root, "--month", month, "--format", "json") == 0
    return json.loads(capsys.readouterr().out, parse_constant=lambda c: pytest.fail(f"not strict JSON: {c}"))


def test_a_decision_is_used_by_the_next_run_and_learned_for_another_month(root, capsys):
    before = listed(root, capsys, "2026-09")
    assert [r["match_method"] for r in before] == ["rule", "rule", None]
    assert before[2]["charge"] is None and before[2]["amount"] == "50.00"
    assert 0 <= before[2]["match_confidence"] < 0.8  # the classifier's guess, below the threshold

    assert run(root, "--month", "2026-09", "--line", "3", "--charge", "care_platform") == 0
    out = capsys.readouterr().out
    assert "F9" in out and "3" in out and "care/care_platform" in out
    with (root / LABELS_FILE).open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 1
    assert {k: rows[0][k] for k in ("supplier", "invoice_id", "line", "description", "service", "charge")} == {
        "supplier": "acme", "invoice_id": "F9", "line": "3", "description": "Recargo especial septiembre 2026",
        "service": "care", "charge": "care_platform"}
    assert rows[0]["decided_at"].endswith("+00:00")

    after = listed(root, capsys, "2026-09")
    assert (after[2]["match_method"], after[2]["service"], after[2]["charge"]) == ("human", "care", "care_platform")
    october = listed(root, capsys, "2026-10")
    assert (october[2]["match_method"], october[2]["charge"]) == ("learned", "care_platform")
    assert october[2]["match_confidence"] >= 0.8


def test_the_latest_decision_wins(root, capsys):
    assert run(root, "--month", "2026-09", "--line", "3", "--charge", "care_platform") == 0
    assert run(root, "--month", "2026-09", "--line", "3", "--charge", "sla:service_level", "--service", "care") == 0
    capsys.readouterr()
    assert listed(root, capsys, "2026-09")[2]["charge"] == "sla:service_level"


def test_table_and_csv_listings(root, capsys):
    assert run(root, "--month", "2026-09", "--lang", "en") == 0
    table = capsys.readouterr().out
    assert "rule" in table and "unmatched" in table and "Recargo especial" in table
    assert run(root, "--month", "2026-09", "--format", "csv") == 0
    rows = list(csv.DictReader(capsys.readouterr().out.splitlines()))
    assert [r["match_method"] for r in rows] == ["rule", "rule", ""]


@pytest.mark.parametrize(("argv", "text"), [
    (["--line", "9", "--charge", "care_platform"], "lines: F9: 1, 2, 3"),
    (["--line", "3", "--charge", "care_minutes"], "care/sla:service_level"),  # reserved ids listed
    (["--line", "3", "--charge", "care_platform", "--service", "sales"], "valid: care/care_contacts"),
    (["--line", "3", "--charge", "care_platform", "--invoice", "F1"], "invoices: F9"),
    (["--line", "3"], "both --line and --charge"),
    (["--service", "care"], "go with a decision"),
])
def test_wrong_decisions_are_usage_errors_listing_what_exists(root, capsys, argv, text):
    assert run(root, "--month", "2026-09", *argv) == 2
    assert text in capsys.readouterr().err
    assert not (root / LABELS_FILE).exists()


def test_a_month_without_invoice_and_an_unknown_supplier(root, capsys):
    assert run(root, "--month", "2026-08", "--line", "1", "--charge", "care_platform") == 2
    assert "invoiced months: 2026-09, 2026-10" in capsys.readouterr().err
    assert cli.main(["match", "tiny", "--supplier", "zeta", "--month", "2026-09", "--root", str(root)]) == 2
    assert "unknown supplier" in capsys.readouterr().err


def test_a_line_number_on_two_invoices_of_the_period_needs_the_invoice(tmp_path, capsys):
    lines = invoice("2026-09", "F9") + invoice("2026-09", "F9B")
    write_engagement(tmp_path, contracts=[TWO_CHARGES], tables={
        "activity/a.csv": [activity_row("2026-09-01", 10, 9, abandoned=1, abandoned_short=0)],
        "invoices/acme/2026-09.csv": lines})
    assert run(tmp_path, "--month", "2026-09", "--line", "2", "--charge", "care_platform") == 2
    assert "several invoices of 2026-09: F9, F9B" in capsys.readouterr().err
    assert run(tmp_path, "--month", "2026-09", "--line", "2", "--charge", "care_platform", "--invoice", "F9B",
               "--format", "json") == 0
    recorded = json.loads(capsys.readouterr().out)
    assert (recorded["invoice_id"], recorded["line"], recorded["service"]) == ("F9B", 2, "care")
