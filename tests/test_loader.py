"""Loading an engagement (`ccanalysis.io.loader.load`): every bad-input class of a file gives one report
naming file, row and column (or key path), and nothing is written."""

import pytest

from ccanalysis.engagement import load
from tests.engagements import activity_row, contract, load_problems, one_problem, write_engagement


def test_valid_engagement_loads(tmp_path):
    write_engagement(tmp_path, tables={"activity/a.csv": [activity_row("2026-09-01", 10, 9, abandoned=1)]})
    eng = load("tiny", root=tmp_path)
    assert eng.suppliers == ["acme"] and len(eng.activity) == 1
    assert eng.granularity == {("acme", "care", "2026-09"): "daily"}


def test_missing_column(tmp_path):
    row = activity_row("2026-09-01", 10, 9, abandoned=1)
    del row["handled"]
    write_engagement(tmp_path, tables={"activity/a.csv": [row]})
    one_problem(load_problems(tmp_path), file="data/tiny/activity/a.csv", column="handled")


def test_wrong_type_and_negative_count_listed_together(tmp_path):
    rows = [activity_row("2026-09-01", "diez", 9, abandoned=1), activity_row("2026-09-02", 10, -9, abandoned=1)]
    write_engagement(tmp_path, tables={"activity/a.csv": rows})
    problems = load_problems(tmp_path)
    one_problem(problems, file="data/tiny/activity/a.csv", row=2, column="offered")
    one_problem(problems, file="data/tiny/activity/a.csv", row=3, column="handled")


def test_handled_plus_abandoned_above_offered(tmp_path):
    write_engagement(tmp_path, tables={"activity/a.csv": [activity_row("2026-09-01", 10, 9, abandoned=2)]})
    problem = one_problem(load_problems(tmp_path), file="data/tiny/activity/a.csv", row=2)
    assert "offered" in str(problem)


@pytest.mark.parametrize("table, rows", [
    ("activity/a.csv", [activity_row("2026-09-01", 10, 9, abandoned=1)] * 2),
    ("plan/p.csv", [{"date": "2026-09-01", "supplier": "acme", "service": "care", "offered": 10, "aht_s": 300}] * 2),
    ("budget.csv", [{"month": "2026-09", "supplier": "acme", "service": "care", "amount": "100.00"}] * 2),
    ("workforce/w.csv", [{"month": "2026-09", "supplier": "acme", "service": "care", "headcount_avg": 10,
                          "leavers": 1, "hires": 1, "training_hours": 20}] * 2),
])
def test_duplicate_rows(tmp_path, table, rows):
    write_engagement(tmp_path, tables={table: rows})
    problem = one_problem(load_problems(tmp_path), file=f"data/tiny/{table}")
    assert "3" in str(problem) and "duplicate" in str(problem).lower()


def test_a_line_billed_twice_is_not_a_load_error(tmp_path):
    line = {"invoice_id": "F1", "issue_date": "2026-10-02", "period_start": "2026-09-01",
            "period_end": "2026-09-30", "line": 1, "description": "Contactos", "quantity": 10,
            "unit_price": "1.50", "amount": "15.00", "tax_rate": "0.21"}
    write_engagement(tmp_path, tables={"activity/a.csv": [activity_row("2026-09-01", 10, 9, abandoned=1)],
                                       "invoices/acme/2026-09.csv": [line, line]})
    eng = load("tiny", root=tmp_path)
    assert len(eng.invoices) == 2 and set(eng.invoices["month"]) == {"2026-09"}


def test_ambiguous_number_without_mapping(tmp_path):
    text = "month,supplier,service,amount\n2026-09,acme,care,1.234\n"
    write_engagement(tmp_path, tables={"budget.csv": text})
    problem = one_problem(load_problems(tmp_path), file="data/tiny/budget.csv", row=2, column="amount")
    assert "mapping" in str(problem)


def test_unparseable_date(tmp_path):
    write_engagement(tmp_path, tables={"activity/a.csv": [activity_row("31/09/2026", 10, 9, abandoned=1)]})
    one_problem(load_problems(tmp_path), file="data/tiny/activity/a.csv", row=2, column="date")


def test_empty_file_and_unsupported_format(tmp_path):
    write_engagement(tmp_path, tables={"activity/empty.csv": "", "activity/notes.txt": "hola"})
    problems = load_problems(tmp_path)
    one_problem(problems, file="data/tiny/activity/empty.csv")
    one_problem(problems, file="data/tiny/activity/notes.txt")


def test_malformed_yaml_names_line(tmp_path):
    write_engagement(tmp_path)
    (tmp_path / "parameters/tiny/contracts/acme.yaml").write_text("supplier: acme\nservices: [\n  - id: x\n")
    problem = one_problem(load_problems(tmp_path), file="parameters/tiny/contracts/acme.yaml")
    assert "line" in (problem.column or "") and "malformed YAML" in problem.message


def test_unknown_contract_key(tmp_path):
    write_engagement(tmp_path, contracts=[contract(discount="5%")])
    one_problem(load_problems(tmp_path), file="parameters/tiny/contracts/acme.yaml", column="discount")


def test_contract_file_named_for_another_supplier(tmp_path):
    write_engagement(tmp_path, settings={"suppliers": ["acme", "beta"]}, contracts=[contract(), contract()])
    (tmp_path / "parameters/tiny/contracts/acme.yaml").rename(tmp_path / "parameters/tiny/contracts/beta.yaml")
    write_engagement(tmp_path, settings={"suppliers": ["acme", "beta"]})
    one_problem(load_problems(tmp_path), file="parameters/tiny/contracts/beta.yaml", column="supplier")


def test_files_with_different_optional_columns_keep_integer_counts(tmp_path):
    with_short = [activity_row("2026-09-01", 10, 9, abandoned=1, abandoned_short=1)]
    without = [activity_row("2026-09-02", 20, 18, abandoned=2)]
    write_engagement(tmp_path, tables={"activity/a.csv": with_short, "activity/b.csv": without})
    activity = load("tiny", root=tmp_path).activity.sort_values("date")
    assert str(activity["abandoned_short"].dtype) == "Int64"
    assert activity["abandoned_short"].tolist()[0] == 1 and activity["abandoned_short"].isna().tolist() == [False, True]
    assert activity["offered"].dtype.kind == "i" and activity["offered"].sum() == 30


@pytest.mark.parametrize("calendar", ["XX", "ES-ZZ"])
def test_an_unknown_holiday_calendar_is_a_problem_of_engagement_yaml(tmp_path, calendar):
    write_engagement(tmp_path, settings={"holidays": calendar},
                     tables={"activity/a.csv": [activity_row("2026-09-01", 10, 9, abandoned=1)]})
    problem = one_problem(load_problems(tmp_path), file="parameters/tiny/engagement.yaml", column="holidays")
    assert problem.value == calendar and "no public-holiday calendar" in problem.message
