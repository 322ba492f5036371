"""Integration review: activity inside validity, versions' own thresholds, billing-cycle months.

Each expected value is worked by hand in the comment beside it.
"""

import copy
from decimal import Decimal

import pytest

from ccanalysis.engagement import load
from ccanalysis.errors import EngagementError
from ccanalysis.invoice import expected_invoice
from tests.engagements import activity_row, contract, write_engagement

D = Decimal


def _charge_line(lines, charge="care_contacts"):
    row = lines[lines["charge"] == charge]
    assert len(row) == 1
    return row.iloc[0]


def test_activity_after_a_service_ends_is_not_billed(tmp_path):
    c = contract()
    c["services"][0]["valid_to"] = "2026-09-15"  # ramp-down: the service ends on the 15th
    rows = [activity_row("2026-09-14", 10, 10), activity_row("2026-09-16", 10, 10)]
    write_engagement(tmp_path, contracts=[c], tables={"activity/a.csv": rows})
    line = _charge_line(expected_invoice(load("tiny", root=tmp_path), "acme", "2026-09"))
    # only the 14th is inside the service's validity: 10 handled × 1.50 = 15.00 (not 20 × 1.50 = 30.00)
    assert (line["quantity"], line["amount"]) == (D(10), D("15.00"))


def test_activity_before_the_contract_starts_is_not_billed(tmp_path):
    c = contract(valid_from="2026-09-10")
    rows = [activity_row("2026-09-01", 10, 10), activity_row("2026-09-12", 7, 7)]
    write_engagement(tmp_path, contracts=[c], tables={"activity/a.csv": rows})
    line = _charge_line(expected_invoice(load("tiny", root=tmp_path), "acme", "2026-09"))
    # the contract is in force from the 10th: 7 handled × 1.50 = 10.50
    assert (line["quantity"], line["amount"]) == (D(7), D("10.50"))


def _versioned_threshold_contract():
    c = contract()
    service = c["services"][0]
    service["kpis"] = {"service_level": {"variant": "offered", "threshold_s": 20}}
    later = copy.deepcopy(service)
    later["kpis"] = {"service_level": {"variant": "offered", "threshold_s": 30}}
    c["versions"] = [{"valid_from": "2026-10-01", "services": [later]}]
    return c


def test_each_version_checks_sl_threshold_only_on_its_own_dates(tmp_path):
    # September is counted at 20 s (base terms), October at 30 s (the version from 1 October): both right
    rows = [activity_row("2026-09-14", 10, 10, sl_threshold_s=20),
            activity_row("2026-10-16", 10, 10, sl_threshold_s=30)]
    write_engagement(tmp_path, contracts=[_versioned_threshold_contract()], tables={"activity/a.csv": rows})
    load("tiny", root=tmp_path)  # no error


def test_a_wrong_threshold_under_a_version_is_still_reported(tmp_path):
    rows = [activity_row("2026-09-14", 10, 10, sl_threshold_s=20),
            activity_row("2026-10-16", 10, 10, sl_threshold_s=20)]  # October should be 30
    write_engagement(tmp_path, contracts=[_versioned_threshold_contract()], tables={"activity/a.csv": rows})
    with pytest.raises(EngagementError) as info:
        load("tiny", root=tmp_path)
    problems = info.value.problems
    assert len(problems) == 1
    # header = row 1, so the October row (second data row) is row 3
    assert (problems[0].row, problems[0].column) == (3, "sl_threshold_s")
    assert "threshold_s 30" in problems[0].message


def test_months_with_activity_are_billing_periods_under_a_cutoff(tmp_path):
    c = contract(billing_cycle={"cutoff_day": 25})
    # 26 Sep and 2 Oct fall in period 2026-10 (26 Sep..25 Oct); 27 Oct in 2026-11 (26 Oct..25 Nov)
    rows = [activity_row("2026-09-26", 10, 10), activity_row("2026-10-02", 10, 10),
            activity_row("2026-10-27", 10, 10)]
    write_engagement(tmp_path, contracts=[c], tables={"activity/a.csv": rows})
    assert load("tiny", root=tmp_path).months() == ["2026-10", "2026-11"]


def _contact(contact_id, start, queue_s):
    return {"contact_id": contact_id, "supplier": "acme", "service": "care", "start": start, "queue_s": queue_s,
            "answered": True, "abandoned": False, "talk_s": 60, "hold_s": 0, "acw_s": 0}


def test_daily_activity_counts_service_level_at_the_threshold_in_force(tmp_path):
    contacts = [_contact("c1", "2026-09-10 10:00:00", 25), _contact("c2", "2026-10-10 10:00:00", 25)]
    write_engagement(tmp_path, contracts=[_versioned_threshold_contract()], tables={"contacts/c.csv": contacts})
    eng = load("tiny", root=tmp_path)
    from datetime import date
    september = eng.daily_activity("acme", "care", date(2026, 9, 1), date(2026, 9, 30))
    october = eng.daily_activity("acme", "care", date(2026, 10, 1), date(2026, 10, 31))
    # answered after 25 s: not within 20 s (September, base terms), within 30 s (October, the version)
    assert int(september["answered_within_sl"].sum()) == 0
    assert int(october["answered_within_sl"].sum()) == 1


def test_data_missing_a_charge_column_is_invalid_input_not_usage(tmp_path, capsys):
    from ccanalysis import cli

    c = contract()
    c["services"][0]["charges"] = [{"id": "care_sales", "unit": "sale", "model": "per_unit", "unit_price": "5"}]
    write_engagement(tmp_path, contracts=[c], tables={"activity/a.csv": [activity_row("2026-09-14", 10, 10)]})
    # the activity lacks the `sales` column the charge is billed on: the engagement is invalid (exit 1),
    # for `validate` and `expected` alike, and the message names the column and the contract charge
    for command in (["validate", "tiny"], ["expected", "tiny", "--supplier", "acme", "--month", "2026-09"]):
        code = cli.main([*command, "--root", str(tmp_path)])
        err = capsys.readouterr().err
        assert code == 1 and "sales: needed by" in err and "charges[0] (care_sales)" in err and "Traceback" not in err
    assert not (tmp_path / "reports").exists()


def test_month_outside_the_contract_is_wrong_usage(tmp_path):
    from ccanalysis import cli

    write_engagement(tmp_path, tables={"activity/a.csv": [activity_row("2026-09-14", 10, 10)]})
    assert cli.main(["expected", "tiny", "--supplier", "acme", "--month", "2025-09", "--root", str(tmp_path)]) == 2
    assert cli.main(["expected", "tiny", "--supplier", "acme", "--month", "2026-13", "--root", str(tmp_path)]) == 2
