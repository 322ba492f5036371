"""The cross-file checks (`ccanalysis.io.checks`): references, one granularity per month, the columns
contract rules and charges need, invoice file names."""

from tests.engagements import activity_row, contract, load_problems, one_problem, write_engagement


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
