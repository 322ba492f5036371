"""Smoke test of the audit benchmark (bench/audit.py) at a tiny size: its synthetic per-agent-and-day invoice
is clean but for the three planted errors, the audit finds exactly those, and the script runs end to end."""

from __future__ import annotations

import csv
import io
from contextlib import redirect_stdout
from decimal import Decimal

from bench import audit as bench_audit
from bench.audit_engagement import write_agent_day_engagement
from ccanalysis import workbook
from ccanalysis.engagement import load


def _rows(root):
    with (root / "data" / "bench" / "invoices" / "staffco" / "2026-09.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_the_invoice_bills_each_agent_and_day_and_plants_three_errors(tmp_path):
    written = write_agent_day_engagement(tmp_path, agents=4, days=2)
    rows = _rows(tmp_path)
    # 1 platform fee + 4 agents × 2 days + the duplicated copy
    assert len(rows) == 10 == written.lines
    assert rows[1]["description"] == "Agente 0001 — 2026-09-01 — horas logadas"
    assert rows[5]["description"] == "Agente 0001 — 2026-09-02 — horas logadas"  # 2026-09-01 is a Tuesday
    copy, original = rows[9], rows[2]
    assert [copy[k] for k in ("description", "quantity", "unit_price", "amount")] == \
        [original[k] for k in ("description", "quantity", "unit_price", "amount")]
    # the wrong amount: the 2nd day's 3rd agent (line 1 + 4 + 3 = 8); the wrong price: its 4th agent (line 9)
    wrong_amount, wrong_price = rows[7], rows[8]
    assert Decimal(wrong_amount["amount"]) - Decimal(wrong_amount["quantity"]) * Decimal("18.40") == Decimal("10.00")
    assert wrong_price["unit_price"] == "19.40"
    over = Decimal(copy["amount"]) + Decimal("10.00") + Decimal(wrong_price["quantity"]) * Decimal("1.00")
    assert written.over_billing == over
    net = sum(Decimal(r["amount"]) for r in rows)
    assert {r["total_net"] for r in rows} == {f"{net:.2f}"}
    assert {r["total_tax"] for r in rows} == {f"{(net * Decimal('0.21')).quantize(Decimal('0.01')):.2f}"}

    eng = load("bench", root=tmp_path)
    result = workbook.audit(eng, "staffco", "2026-09")
    hours = sum(Decimal(r["quantity"]) for r in rows[1:9])
    assert result.expected_net == Decimal("1500.00") + hours * Decimal("18.40")
    found = {(f["check"], f["line"], f["difference"]) for f in result.findings.to_dict("records")}
    assert found == {("duplicate", 10, Decimal(copy["amount"])), ("arithmetic", 8, Decimal("10.00")),
                     ("rate", 9, Decimal(wrong_price["quantity"]) * Decimal("1.00"))}
    assert result.claimable == over
    assert bench_audit.planted_check(result, written) == []
    # the timings compute afresh: every memo of the workbook is emptied between calls
    assert len(workbook.CHARGES) and len(workbook.AUDITS)
    bench_audit.clear_memos()
    assert len(workbook.CHARGES) == len(workbook.ACCRUAL_DAYS) == len(workbook.AUDITS) == 0


def test_an_error_that_was_not_planted_is_reported(tmp_path):
    written = write_agent_day_engagement(tmp_path, agents=3, days=2)
    path = tmp_path / "data" / "bench" / "invoices" / "staffco" / "2026-09.csv"
    rows = _rows(tmp_path)
    rows[1]["amount"] = f"{Decimal(rows[1]['amount']) + Decimal('1.00'):.2f}"  # line 2, one euro more
    net = sum(Decimal(r["amount"]) for r in rows)
    for row in rows:
        row["total_net"] = f"{net:.2f}"
        row["total_tax"] = f"{(net * Decimal('0.21')).quantize(Decimal('0.01')):.2f}"
        row["total_gross"] = f"{net + Decimal(row['total_tax']):.2f}"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    result = workbook.audit(load("bench", root=tmp_path), "staffco", "2026-09")
    problems = bench_audit.planted_check(result, written)
    assert "not planted: arithmetic on line 2, difference 1.00" in problems
    assert any(p.startswith("claimable ") for p in problems)


def test_the_benchmark_runs_end_to_end_at_a_tiny_size():
    out = io.StringIO()
    with redirect_stdout(out):
        code = bench_audit.main(["--agents", "3", "--days", "2", "--repeat", "1", "--skip-demo",
                                 "--classifier-lines", "60"])
    text = out.getvalue()
    assert code == 0, text
    assert "claimable" in text and ": exact" in text
    assert "workbook, 8 lines (median of 1)" in text
    assert "commands end to end, in-process (median of 1)" in text
    assert "classifier: trained on 60 lines (30 classes) and predicted 60" in text
