"""Loading an engagement: every bad-input class gives one report naming file, row and column (or key
path), the CLI exits 1, and nothing is written."""

from pathlib import Path

import pytest

from ccanalysis import cli
from ccanalysis.engagement import load
from ccanalysis.errors import EngagementError
from tests.engagements import activity_row, contract, write_engagement


def _files(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()}


def _problems(root: Path) -> list:
    before = _files(root)
    with pytest.raises(EngagementError) as info:
        load("tiny", root=root)
    assert _files(root) == before, "loading must not write anything"
    return info.value.problems


def _one(problems, **expected):
    hits = [p for p in problems if all(getattr(p, k) == v for k, v in expected.items() if k != "text")
            and expected.get("text", "") in str(p)]
    assert hits, "\n".join(str(p) for p in problems)
    return hits[0]


def test_valid_engagement_loads(tmp_path):
    write_engagement(tmp_path, tables={"activity/a.csv": [activity_row("2026-09-01", 10, 9, abandoned=1)]})
    eng = load("tiny", root=tmp_path)
    assert eng.suppliers == ["acme"] and len(eng.activity) == 1
    assert eng.granularity == {("acme", "care", "2026-09"): "daily"}


def test_missing_column(tmp_path):
    row = activity_row("2026-09-01", 10, 9, abandoned=1)
    del row["handled"]
    write_engagement(tmp_path, tables={"activity/a.csv": [row]})
    _one(_problems(tmp_path), file="data/tiny/activity/a.csv", column="handled")


def test_wrong_type_and_negative_count_listed_together(tmp_path):
    rows = [activity_row("2026-09-01", "diez", 9, abandoned=1), activity_row("2026-09-02", 10, -9, abandoned=1)]
    write_engagement(tmp_path, tables={"activity/a.csv": rows})
    problems = _problems(tmp_path)
    _one(problems, file="data/tiny/activity/a.csv", row=2, column="offered")
    _one(problems, file="data/tiny/activity/a.csv", row=3, column="handled")


def test_handled_plus_abandoned_above_offered(tmp_path):
    write_engagement(tmp_path, tables={"activity/a.csv": [activity_row("2026-09-01", 10, 9, abandoned=2)]})
    problem = _one(_problems(tmp_path), file="data/tiny/activity/a.csv", row=2)
    assert "offered" in str(problem)


def test_unknown_supplier_and_service(tmp_path):
    rows = [activity_row("2026-09-01", 10, 9, abandoned=1, supplier="zeta"),
            activity_row("2026-09-02", 10, 9, abandoned=1, service="sales")]
    write_engagement(tmp_path, tables={"activity/a.csv": rows})
    problems = _problems(tmp_path)
    _one(problems, row=2, column="supplier", value="zeta")
    _one(problems, row=3, column="service", value="sales")


@pytest.mark.parametrize("table, rows", [
    ("activity/a.csv", [activity_row("2026-09-01", 10, 9, abandoned=1)] * 2),
    ("plan/p.csv", [{"date": "2026-09-01", "supplier": "acme", "service": "care", "offered": 10, "aht_s": 300}] * 2),
    ("budget.csv", [{"month": "2026-09", "supplier": "acme", "service": "care", "amount": "100.00"}] * 2),
    ("workforce/w.csv", [{"month": "2026-09", "supplier": "acme", "service": "care", "headcount_avg": 10,
                          "leavers": 1, "hires": 1, "training_hours": 20}] * 2),
])
def test_duplicate_rows(tmp_path, table, rows):
    write_engagement(tmp_path, tables={table: rows})
    problem = _one(_problems(tmp_path), file=f"data/tiny/{table}")
    assert "3" in str(problem) and "duplicate" in str(problem).lower()


def test_a_line_billed_twice_is_not_a_load_error(tmp_path):
    line = {"invoice_id": "F1", "issue_date": "2026-10-02", "period_start": "2026-09-01",
            "period_end": "2026-09-30", "line": 1, "description": "Contactos", "quantity": 10,
            "unit_price": "1.50", "amount": "15.00", "tax_rate": "0.21"}
    write_engagement(tmp_path, tables={"activity/a.csv": [activity_row("2026-09-01", 10, 9, abandoned=1)],
                                       "invoices/acme/2026-09.csv": [line, line]})
    eng = load("tiny", root=tmp_path)
    assert len(eng.invoices) == 2 and set(eng.invoices["month"]) == {"2026-09"}


def test_invoice_file_name_must_match_its_period(tmp_path):
    line = {"invoice_id": "F1", "issue_date": "2026-10-02", "period_start": "2026-09-01",
            "period_end": "2026-09-30", "line": 1, "description": "Contactos", "quantity": 10,
            "unit_price": "1.50", "amount": "15.00", "tax_rate": "0.21"}
    write_engagement(tmp_path, tables={"invoices/acme/2026-08.csv": [line]})
    _one(_problems(tmp_path), file="data/tiny/invoices/acme/2026-08.csv", row=2, text="billing period 2026-08")


def test_two_granularities_in_one_month_name_both_files(tmp_path):
    daily = [activity_row("2026-09-01", 10, 9, abandoned=1)]
    interval = [{**activity_row("2026-09-02", 5, 5), "interval_start": "09:00"}]
    write_engagement(tmp_path, tables={"activity/daily.csv": daily, "activity/intervals.csv": interval})
    problem = _one(_problems(tmp_path), text="two granularities")
    assert "daily.csv" in str(problem) and "intervals.csv" in str(problem)


def test_ambiguous_number_without_mapping(tmp_path):
    text = "month,supplier,service,amount\n2026-09,acme,care,1.234\n"
    write_engagement(tmp_path, tables={"budget.csv": text})
    problem = _one(_problems(tmp_path), file="data/tiny/budget.csv", row=2, column="amount")
    assert "mapping" in str(problem)


def test_unparseable_date(tmp_path):
    write_engagement(tmp_path, tables={"activity/a.csv": [activity_row("31/09/2026", 10, 9, abandoned=1)]})
    _one(_problems(tmp_path), file="data/tiny/activity/a.csv", row=2, column="date")


def test_empty_file_and_unsupported_format(tmp_path):
    write_engagement(tmp_path, tables={"activity/empty.csv": "", "activity/notes.txt": "hola"})
    problems = _problems(tmp_path)
    _one(problems, file="data/tiny/activity/empty.csv")
    _one(problems, file="data/tiny/activity/notes.txt")


def test_malformed_yaml_names_line(tmp_path):
    write_engagement(tmp_path)
    (tmp_path / "parameters/tiny/contracts/acme.yaml").write_text("supplier: acme\nservices: [\n  - id: x\n")
    problem = _one(_problems(tmp_path), file="parameters/tiny/contracts/acme.yaml")
    assert "line" in (problem.column or "") and "malformed YAML" in problem.message


def test_unknown_contract_key(tmp_path):
    write_engagement(tmp_path, contracts=[contract(discount="5%")])
    _one(_problems(tmp_path), file="parameters/tiny/contracts/acme.yaml", column="discount")


def test_missing_kpi_column_names_the_contract_rule(tmp_path):
    c = contract()
    c["services"][0]["sla"] = {"rules": [{"kpi": "service_level", "bands": [{"below": "0.8", "adjustment": "-0.05"}]}]}
    write_engagement(tmp_path, contracts=[c],
                     tables={"activity/a.csv": [activity_row("2026-09-01", 10, 9, abandoned=1)]})
    problem = _one(_problems(tmp_path), column="abandoned_short")
    assert "contracts/acme.yaml" in problem.message and "sla.rules[0]" in problem.message


def test_contract_file_named_for_another_supplier(tmp_path):
    write_engagement(tmp_path, settings={"suppliers": ["acme", "beta"]}, contracts=[contract(), contract()])
    (tmp_path / "parameters/tiny/contracts/acme.yaml").rename(tmp_path / "parameters/tiny/contracts/beta.yaml")
    write_engagement(tmp_path, settings={"suppliers": ["acme", "beta"]})
    _one(_problems(tmp_path), file="parameters/tiny/contracts/beta.yaml", column="supplier")


def test_cli_validate_prints_report_and_exits_1(tmp_path, capsys):
    rows = [activity_row("2026-09-01", 10, 9, abandoned=2), activity_row("2026-09-02", "x", 9, abandoned=1)]
    write_engagement(tmp_path, tables={"activity/a.csv": rows})
    before = _files(tmp_path)
    assert cli.main(["validate", "tiny", "--root", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "problem(s)" in err and "data/tiny/activity/a.csv, row 2" in err and "row 3, column offered" in err
    assert _files(tmp_path) == before


def test_cli_validate_clean(tmp_path, capsys):
    write_engagement(tmp_path, tables={"activity/a.csv": [activity_row("2026-09-01", 10, 9, abandoned=1)]})
    assert cli.main(["validate", "tiny", "--root", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "valid" in out and "acme" in out and "activity" in out


def test_unknown_engagement(tmp_path, capsys):
    assert cli.main(["validate", "nope", "--root", str(tmp_path)]) == 1
    assert "no such engagement folder" in capsys.readouterr().err


def test_wrong_usage_exits_2(capsys):
    assert cli.main(["validate"]) == 2
    assert cli.main(["expected", "demo", "--month", "2026-08"]) == 2


def test_cached_load_follows_the_files_and_never_caches_an_invalid_engagement(tmp_path):
    from ccanalysis.engagement import load_cached

    write_engagement(tmp_path, tables={"activity/a.csv": [activity_row("2026-09-01", 10, 9, abandoned=1)]})
    first = load_cached("tiny", root=tmp_path)
    cache = tmp_path / "reports" / "tiny" / ".cache"
    assert len(list(cache.glob("*.pickle"))) == 1
    assert int(load_cached("tiny", root=tmp_path).activity["handled"].iloc[0]) == 9
    # a changed file is a new key: the new figures are read, the old cache removed
    write_engagement(tmp_path, tables={"activity/a.csv": [activity_row("2026-09-01", 10, 8, abandoned=1)]})
    assert int(load_cached("tiny", root=tmp_path).activity["handled"].iloc[0]) == 8
    assert len(list(cache.glob("*.pickle"))) == 1
    assert int(first.activity["handled"].iloc[0]) == 9
    # an invalid engagement raises and leaves no new cache behind
    write_engagement(tmp_path, tables={"activity/a.csv": [activity_row("2026-09-01", 10, 11, abandoned=1)]})
    before = set(cache.iterdir())
    with pytest.raises(EngagementError):
        load_cached("tiny", root=tmp_path)
    assert set(cache.iterdir()) == before


def test_files_with_different_optional_columns_keep_integer_counts(tmp_path):
    with_short = [activity_row("2026-09-01", 10, 9, abandoned=1, abandoned_short=1)]
    without = [activity_row("2026-09-02", 20, 18, abandoned=2)]
    write_engagement(tmp_path, tables={"activity/a.csv": with_short, "activity/b.csv": without})
    activity = load("tiny", root=tmp_path).activity.sort_values("date")
    assert str(activity["abandoned_short"].dtype) == "Int64"
    assert activity["abandoned_short"].tolist()[0] == 1 and activity["abandoned_short"].isna().tolist() == [False, True]
    assert activity["offered"].dtype.kind == "i" and activity["offered"].sum() == 30


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
    problems = _problems(tmp_path)
    _one(problems, file="data/tiny/activity/a.csv", text="charges[0] (care_minutes) rounds each contact")
    _one(problems, file="data/tiny/activity/a.csv", text="charges[1] (care_night) restricts hours")
    _one(problems, file="data/tiny/activity/a.csv", column="aux_s", text="charges[2] (care_effective)")


def test_logged_hours_cannot_come_from_contact_records(tmp_path):
    c = contract()
    c["services"][0]["charges"] = [{"id": "care_hours", "unit": "logged_hour", "model": "per_unit", "unit_price": "20"}]
    contacts = [{"contact_id": "c1", "supplier": "acme", "service": "care", "start": "2026-09-01 09:00:00",
                 "queue_s": 5, "answered": "Y", "abandoned": "N", "talk_s": 10, "hold_s": 0, "acw_s": 0}]
    write_engagement(tmp_path, contracts=[c], tables={"contacts/c.csv": contacts})
    _one(_problems(tmp_path), file="data/tiny/contacts/c.csv", text="billed per logged_hour")
