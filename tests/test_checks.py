"""The cross-file checks (`ccanalysis.io.checks`): references, one granularity per month, the columns
contract rules and charges need, invoice file names."""

from decimal import Decimal

import pytest

from ccanalysis.engagement import load
from ccanalysis.errors import EngagementError
from ccanalysis.pricing import units
from tests.engagements import (
    activity_row,
    contract,
    load_problems,
    one_problem,
    versioned_threshold_contract,
    write_engagement,
)


def test_unknown_supplier_and_service(tmp_path):
    rows = [activity_row("2026-09-01", 10, 9, abandoned=1, supplier="zeta"),
            activity_row("2026-09-02", 10, 9, abandoned=1, service="sales")]
    write_engagement(tmp_path, tables={"activity/a.csv": rows})
    problems = load_problems(tmp_path)
    one_problem(problems, row=2, column="supplier", value="zeta")
    one_problem(problems, row=3, column="service", value="sales")


def test_invoice_file_name_must_match_its_period(tmp_path):
    line = {"invoice_id": "F1", "issue_date": "2026-10-02", "period_start": "2026-09-01",
            "period_end": "2026-09-30", "line": 1, "description": "Contactos", "quantity": 10,
            "unit_price": "1.50", "amount": "15.00", "tax_rate": "0.21"}
    write_engagement(tmp_path, tables={"invoices/acme/2026-08.csv": [line]})
    one_problem(load_problems(tmp_path), file="data/tiny/invoices/acme/2026-08.csv", row=2, text="billing period 2026-08")


def test_two_granularities_in_one_month_name_both_files(tmp_path):
    daily = [activity_row("2026-09-01", 10, 9, abandoned=1)]
    interval = [{**activity_row("2026-09-02", 5, 5), "interval_start": "09:00"}]
    write_engagement(tmp_path, tables={"activity/daily.csv": daily, "activity/intervals.csv": interval})
    problem = one_problem(load_problems(tmp_path), text="two granularities")
    assert "daily.csv" in str(problem) and "intervals.csv" in str(problem)


def test_missing_kpi_column_names_the_contract_rule(tmp_path):
    c = contract()
    c["services"][0]["sla"] = {"rules": [{"kpi": "service_level", "bands": [{"below": "0.8", "adjustment": "-0.05"}]}]}
    write_engagement(tmp_path, contracts=[c],
                     tables={"activity/a.csv": [activity_row("2026-09-01", 10, 9, abandoned=1)]})
    problem = one_problem(load_problems(tmp_path), column="abandoned_short")
    assert "contracts/acme.yaml" in problem.message and "sla.rules[0]" in problem.message


def test_charges_that_cannot_be_rated_from_the_data_are_load_errors(tmp_path):
    c = contract()
    c["services"][0]["charges"] = [
        {"id": "care_minutes", "unit": "productive_minute", "model": "per_unit", "unit_price": "0.5",
         "rounding": {"increment_s": 6, "minimum_s": 30}},
        {"id": "care_night", "unit": "handled_contact", "model": "per_unit", "unit_price": "1",
         "applies_to": {"hours": "22:00-08:00"}},
        {"id": "care_effective", "unit": "effective_hour", "model": "per_unit", "unit_price": "20"},
    ]
    write_engagement(tmp_path, contracts=[c], tables={"activity/a.csv": [activity_row("2026-09-01", 10, 9, abandoned=1)]})
    problems = load_problems(tmp_path)
    one_problem(problems, file="data/tiny/activity/a.csv", text="charges[0] (care_minutes) rounds each contact")
    one_problem(problems, file="data/tiny/activity/a.csv", text="charges[1] (care_night) restricts hours")
    one_problem(problems, file="data/tiny/activity/a.csv", column="aux_s", text="charges[2] (care_effective)")


def test_logged_hours_cannot_come_from_contact_records(tmp_path):
    c = contract()
    c["services"][0]["charges"] = [{"id": "care_hours", "unit": "logged_hour", "model": "per_unit", "unit_price": "20"}]
    contacts = [{"contact_id": "c1", "supplier": "acme", "service": "care", "start": "2026-09-01 09:00:00",
                 "queue_s": 5, "answered": "Y", "abandoned": "N", "talk_s": 10, "hold_s": 0, "acw_s": 0}]
    write_engagement(tmp_path, contracts=[c], tables={"contacts/c.csv": contacts})
    one_problem(load_problems(tmp_path), file="data/tiny/contacts/c.csv", text="billed per logged_hour")


def test_a_peak_per_interval_needs_interval_rows(tmp_path):
    c = contract()
    c["services"][0]["charges"] = [
        {"id": "care_capacity", "model": "capacity", "dimensions": ["fte"], "fte_hours": 160, "peak_over": "interval",
         "tiers": [{"limits": {"fte": 2}, "price": 1000}, {"limits": {"fte": None}, "price": 1800}]}]
    write_engagement(tmp_path, contracts=[c], tables={"activity/a.csv": [activity_row("2026-09-01", 10, 9, abandoned=1)]})
    one_problem(load_problems(tmp_path), file="data/tiny/activity/a.csv",
                text="charges[0] (care_capacity) takes its peak per interval (`peak_over: interval`)")


def test_per_event_keys_need_contact_records(tmp_path):
    c = contract()
    c["services"][0]["charges"] = [{"id": "care_fee", "unit": "collected_amount", "model": "percentage",
                                    "rate": "0.1", "fixed_per_event": "0.5", "free_events": 2}]
    rows = [activity_row("2026-09-01", 10, 9, abandoned=1, collected_amount="100.00")]
    write_engagement(tmp_path, contracts=[c], tables={"activity/a.csv": rows})
    one_problem(load_problems(tmp_path), file="data/tiny/activity/a.csv",
                text="charges[0] (care_fee) sets per-event keys (fixed_per_event, free_events)")


@pytest.fixture
def toy_unit():
    """A billable unit registered for one test: counted from an activity column `toy_s` or a contact field
    `toy_id`, never from anything else."""
    unit = units.UNITS.register(units.BillableUnit("toy", lambda charge, act, active, days: Decimal(0),
                                                   row_columns=("toy_s",), contact_columns=("toy_id",)))
    yield unit
    units.UNITS.unregister(unit.name)


def test_a_new_billable_unit_is_one_record_the_loader_reads(tmp_path, toy_unit):
    c = contract()
    c["services"][0]["charges"] = [{"id": "care_toys", "unit": "toy", "model": "per_unit", "unit_price": "1"}]
    write_engagement(tmp_path, contracts=[c], tables={"activity/a.csv": [activity_row("2026-09-01", 10, 9, abandoned=1)]})
    one_problem(load_problems(tmp_path), file="data/tiny/activity/a.csv", column="toy_s",
                text="charges[0] (care_toys), billed per toy; add the column")
    contacts = [{"contact_id": "c1", "supplier": "acme", "service": "care", "start": "2026-09-01 09:00:00",
                 "queue_s": 5, "answered": "Y", "abandoned": "N", "talk_s": 10, "hold_s": 0, "acw_s": 0}]
    write_engagement(tmp_path / "contacts", contracts=[c], tables={"contacts/c.csv": contacts})
    one_problem(load_problems(tmp_path / "contacts"), file="data/tiny/contacts/c.csv", column="toy_id",
                text="billed per toy; add the column")


def test_each_version_checks_sl_threshold_only_on_its_own_dates(tmp_path):
    # September is counted at 20 s (base terms), October at 30 s (the version from 1 October): both right
    rows = [activity_row("2026-09-14", 10, 10, sl_threshold_s=20),
            activity_row("2026-10-16", 10, 10, sl_threshold_s=30)]
    write_engagement(tmp_path, contracts=[versioned_threshold_contract()], tables={"activity/a.csv": rows})
    load("tiny", root=tmp_path)  # no error


def test_a_wrong_threshold_under_a_version_is_still_reported(tmp_path):
    rows = [activity_row("2026-09-14", 10, 10, sl_threshold_s=20),
            activity_row("2026-10-16", 10, 10, sl_threshold_s=20)]  # October should be 30
    write_engagement(tmp_path, contracts=[versioned_threshold_contract()], tables={"activity/a.csv": rows})
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
