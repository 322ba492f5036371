"""A batch's jobs and results: the summary table and the exit code."""

from __future__ import annotations

from ccanalysis.batch.jobs import ReportResult, exit_code, summary_table


def test_summary_table_and_exit_code():
    results = [
        ReportResult("2026-08/northwind", "ok", 2.04),
        ReportResult("2026-08/southwind", "skipped"),
        ReportResult("2026-08/eastwind", "failed", 1.5, failed_cell=3, error_name="KeyError",
                     error_message="'AHT'\nmore", failed_source="kpis = compute(month)"),
    ]
    table = summary_table(results)
    lines = table.splitlines()
    assert lines[0].split() == ["report", "status", "seconds", "where", "it", "failed"]
    failed_line = next(line for line in lines if "eastwind" in line)
    assert "failed" in failed_line and "cell 3" in failed_line and "KeyError: 'AHT'" in failed_line
    assert "more" not in table  # only the first line of the message
    assert lines[-1] == "1 ok, 1 skipped, 1 failed"
    assert exit_code(results) == 1
    assert exit_code(results[:2]) == 0
