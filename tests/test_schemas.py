"""The canonical tables (`ccanalysis.io.schemas`): one record per table, where its files live, its checks."""

from typing import get_args

import pandas as pd

from ccanalysis.io.mapping import TableName
from ccanalysis.io.schemas import TABLES, validate


def test_every_table_of_data_md_has_one_record_and_a_mapping_may_name_it():
    assert list(TABLES) == ["activity", "contacts", "plan", "budget", "workforce", "reported_kpis",
                            "compliance_evidence", "invoice_lines", "disputes", "placements", "attempts",
                            "payments", "charges", "sales", "deliveries", "cargo_decisions", "customers", "bills"]
    assert set(get_args(TableName)) == set(TABLES)
    assert all(spec.name == name for name, spec in TABLES.items())


def test_where_each_table_lives_in_the_data_folder():
    # data.md: folders of files, except budget.* and disputes.* (one file each); invoice lines in invoices/
    places = {name: (spec.data_location(), spec.single_file) for name, spec in TABLES.items()}
    assert places == {"activity": ("activity", False), "contacts": ("contacts", False), "plan": ("plan", False),
                      "budget": ("budget", True), "workforce": ("workforce", False),
                      "reported_kpis": ("reported_kpis", False), "invoice_lines": ("invoices", False),
                      "disputes": ("disputes", True), "compliance_evidence": ("compliance_evidence", False),
                      "placements": ("collections/placements", False),
                      "attempts": ("collections/attempts", False), "payments": ("collections/payments", False),
                      "charges": ("cargos/charges", False), "sales": ("cargos/sales", False),
                      "deliveries": ("cargos/deliveries", False), "cargo_decisions": ("cargos/decisions", True),
                      "customers": ("billing_care/customers", True), "bills": ("billing_care/bills", True)}


def test_validation_reports_ranges_allowed_values_and_blanks_by_row():
    frame = pd.DataFrame({"month": ["2026-09", "2026-09"], "supplier": ["acme", None], "service": ["care", "care"],
                          "amount": [10, -1], "_file": ["budget.csv"] * 2, "_row": [2, 3]})
    problems = validate(frame, TABLES["budget"], {})
    assert {(p.row, p.column, p.message) for p in problems} == {
        (3, "supplier", "required value is blank"), (3, "amount", "expected a number >= 0")}
