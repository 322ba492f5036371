"""`ccanalysis validate` says what is loaded but not used (exit 0) and which months each supplier can be
reported for."""

from __future__ import annotations

import json
from datetime import date

import pytest

from ccanalysis import cli
from ccanalysis.engagement import load
from ccanalysis.io import cache, store
from ccanalysis.io.warnings import reportable_months, validation_warnings, warning_facts, warnings_as_of
from tests.engagements import activity_row, contract, write_engagement

LINE = {"invoice_id": "F1", "issue_date": "2026-11-02", "period_start": "2026-10-01", "period_end": "2026-10-31",
        "line": 1, "description": "Cuota", "quantity": 1, "unit_price": "100.00", "amount": "100.00",
        "tax_rate": "0.21"}
CONTACT = {"contact_id": "c1", "supplier": "acme", "service": "care", "start": "2026-09-01 09:00:00",
           "queue_s": 5, "answered": "Y", "abandoned": "N", "talk_s": 10, "hold_s": 0, "acw_s": 0}


def test_rows_outside_the_contract_and_in_the_future_are_warned_by_file_and_rows(tmp_path):
    rows = [activity_row("2026-09-01", 10, 9, abandoned=1), activity_row("2025-12-30", 10, 9, abandoned=1),
            activity_row("2025-12-31", 10, 9, abandoned=1), activity_row("2027-01-04", 10, 9, abandoned=1)]
    write_engagement(tmp_path, tables={"activity/a.csv": rows})
    warnings = validation_warnings(load("tiny", root=tmp_path), today=date(2026, 12, 1))
    outside, future = warnings
    assert (outside.file, outside.row, outside.column) == ("data/tiny/activity/a.csv", 3, "date")
    assert "2 row(s) of acme dated outside every billing period" in outside.message and "rows 3–4" in outside.message
    assert (future.row, future.column) == (5, "date") and "in the future (after 2026-12-01)" in future.message


def test_reportable_months_are_active_months_up_to_today(tmp_path):
    rows = [activity_row("2025-12-31", 10, 9, abandoned=1), activity_row("2026-09-01", 10, 9, abandoned=1),
            activity_row("2026-11-03", 10, 9, abandoned=1), activity_row("2027-01-04", 10, 9, abandoned=1)]
    write_engagement(tmp_path, tables={"activity/a.csv": rows})
    # 2025-12 is before the contract (valid from 2026-01-01), 2027-01 after today
    assert reportable_months(load("tiny", root=tmp_path), today=date(2026, 12, 1)) == {"acme": ["2026-09", "2026-11"]}


def test_an_invoice_month_without_activity_is_warned(tmp_path):
    write_engagement(tmp_path, tables={"activity/a.csv": [activity_row("2026-09-01", 10, 9, abandoned=1)],
                                       "invoices/acme/2026-10.csv": [LINE]})
    (warning,) = validation_warnings(load("tiny", root=tmp_path), today=date(2026, 12, 1))
    assert warning.file == "data/tiny/invoices/acme/2026-10.csv"
    assert "invoice of acme for 2026-10 but no activity" in warning.message


def test_kpis_contact_records_cannot_give_without_a_threshold_are_warned(tmp_path):
    write_engagement(tmp_path, tables={"contacts/c.csv": [CONTACT]})
    (warning,) = validation_warnings(load("tiny", root=tmp_path), today=date(2026, 12, 1))
    assert (warning.file, warning.column) == ("data/tiny/contacts/c.csv", "services[care].kpis")
    assert "service_level (needs short_abandon_s, threshold_s)" in warning.message
    assert "abandonment_rate (needs short_abandon_s)" in warning.message


def test_thresholds_in_the_contract_leave_no_warning(tmp_path):
    c = contract()
    c["services"][0]["kpis"] = {"service_level": {"threshold_s": 20, "short_abandon_s": 5}}
    write_engagement(tmp_path, contracts=[c], tables={"contacts/c.csv": [CONTACT]})
    assert validation_warnings(load("tiny", root=tmp_path), today=date(2026, 12, 1)) == []


def test_validate_lists_warnings_and_months_and_exits_0(tmp_path, capsys):
    rows = [activity_row("2026-09-01", 10, 9, abandoned=1), activity_row("2025-12-31", 10, 9, abandoned=1)]
    write_engagement(tmp_path, tables={"activity/a.csv": rows, "invoices/acme/2026-10.csv": [LINE]})
    assert cli.main(["validate", "tiny", "--root", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "Reportable months" in out and "  acme: 2026-09" in out
    assert "Warnings (2)" in out and "data/tiny/activity/a.csv, row 3, column date" in out
    assert cli.main(["validate", "tiny", "--root", str(tmp_path), "--format", "json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["valid"] is True and result["reportable_months"] == {"acme": ["2026-09"]}
    assert [(w["file"], w["row"]) for w in result["warnings"]] == [("data/tiny/activity/a.csv", 3),
                                                                   ("data/tiny/invoices/acme/2026-10.csv", None)]


def test_the_demo_has_no_warnings_and_three_reportable_months(demo_engagement):
    assert validation_warnings(demo_engagement, today=date(2026, 12, 1)) == []
    months = ["2026-08", "2026-09", "2026-10"]
    assert reportable_months(demo_engagement, today=date(2026, 12, 1)) == {
        "northwind": months, "southpoint": months, "eastline": months}


def test_future_rows_become_past_as_the_days_go_by_from_the_kept_facts(tmp_path):
    rows = [activity_row("2026-09-01", 10, 9, abandoned=1), activity_row("2026-12-10", 10, 9, abandoned=1),
            activity_row("2026-12-20", 10, 9, abandoned=1), activity_row("2026-12-21", 10, 9, abandoned=1)]
    write_engagement(tmp_path, tables={"activity/a.csv": rows})
    facts = warning_facts(load("tiny", root=tmp_path), today=date(2026, 12, 1))
    # on 2026-12-01 rows 3-5 (2026-12-10, -20, -21) are in the future; on 2026-12-15 rows 4-5; on 12-21 none
    (first,) = warnings_as_of(facts, date(2026, 12, 1))
    assert first.row == 3 and "3 row(s) dated in the future (after 2026-12-01)" in first.message
    assert "rows 3–5" in first.message
    (later,) = warnings_as_of(json.loads(json.dumps(facts)), date(2026, 12, 15))  # as kept in the manifest
    assert later.row == 4 and "2 row(s) dated in the future (after 2026-12-15)" in later.message
    assert warnings_as_of(facts, date(2026, 12, 21)) == []
    with pytest.raises(ValueError, match="2026-12-01"):
        warnings_as_of(facts, date(2026, 11, 30))  # rows dated 12-01 would be missing


def test_validate_of_an_unchanged_engagement_reads_no_table(tmp_path, capsys, monkeypatch):
    rows = [activity_row("2026-09-01", 10, 9, abandoned=1), activity_row("2025-12-31", 10, 9, abandoned=1)]
    write_engagement(tmp_path, tables={"activity/a.csv": rows, "invoices/acme/2026-10.csv": [LINE]})
    assert cli.main(["validate", "tiny", "--root", str(tmp_path), "--format", "json"]) == 0
    cold = json.loads(capsys.readouterr().out)

    def no_table(*args, **kwargs):
        raise AssertionError("a table was read")

    monkeypatch.setattr(store, "_read_table", no_table)
    monkeypatch.setattr(cache, "load", no_table)
    assert cli.main(["validate", "tiny", "--root", str(tmp_path), "--format", "json"]) == 0
    unchanged = json.loads(capsys.readouterr().out)
    assert unchanged == cold and [w["row"] for w in unchanged["warnings"]] == [3, None]
    assert unchanged["sources"][0]["rows"] == 2
