"""Compliance clauses: met / not met / no data for every clause kind, and invalid clauses."""

from decimal import Decimal
from fractions import Fraction

import pandas as pd
import pytest

from ccanalysis import compliance
from ccanalysis.report import text

CLAUSES = [
    {"id": "attrition", "kpi": "attrition_rate", "max": 0.05},
    {"id": "training", "kpi": "training_hours_per_head", "min": 8},
    {"id": "iso27001", "certification": "ISO27001"},
    {"id": "pci", "certification": "PCI-DSS"},
    {"id": "quality_area", "evidence": "qa_score", "min": 85},
    {"id": "security", "max_incidents": 0},
]


def workforce() -> pd.DataFrame:
    return pd.DataFrame({
        "month": ["2026-03", "2026-03", "2026-02", "2026-03"],
        "supplier": ["northwind", "northwind", "northwind", "southpoint"],
        "service": ["care", "sales", "care", "care"],
        "headcount_avg": [100, 50, 100, 10], "leavers": [4, 4, 20, 9], "hires": [3, 2, 0, 0],
        "training_hours": [900, 300, 0, 0],
        "certifications": ["ISO27001;PCI-DSS", "iso27001", "", None],
        "security_incidents": [0, 1, 5, 7],
    })


def activity() -> pd.DataFrame:
    return pd.DataFrame({
        "date": pd.to_datetime(["2026-03-02", "2026-03-03", "2026-02-27", "2026-03-02"]),
        "supplier": ["northwind", "northwind", "northwind", "northwind"],
        "service": ["care", "care", "care", "sales"],
        "offered": [110, 320, 50, 60], "handled": [100, 300, 50, 50], "abandoned": [10, 20, 0, 10],
        "answered_within_sl": [80, 270, 40, 20],
        "qa_score": pd.Series([Decimal("80"), Decimal("90"), Decimal("10"), Decimal("70")], dtype=object),
    })


def run(clauses=CLAUSES, service="care", month="2026-03", **tables):
    tables = {"workforce": workforce(), "activity": activity(), **tables}
    result = compliance.evaluate(clauses, supplier="northwind", service=service, month=month, **tables)
    return result.set_index("id")


def test_columns_and_one_row_per_clause():
    result = compliance.evaluate(CLAUSES, workforce=workforce(), activity=activity(), supplier="northwind",
                                 service="care", month="2026-03")
    assert list(result.columns) == compliance.COLUMNS
    assert list(result["id"]) == [c["id"] for c in CLAUSES]
    assert list(result["kind"]) == ["kpi", "kpi", "certification", "certification", "evidence",
                                    "max_incidents"]


def test_care_meets_every_clause():
    result = run()
    assert set(result["status"]) == {"met"}
    assert result.loc["attrition", "figure"] == Fraction(4, 100)
    assert result.loc["training", "figure"] == Fraction(9)  # 900 h / 100 heads
    assert result.loc["pci", "figure"] == "ISO27001;PCI-DSS"
    # qa: (100 × 80 + 300 × 90) / 400 = 87.5; February's row (10) is another month
    assert result.loc["quality_area", "figure"] == Fraction(175, 2)
    assert result.loc["security", "figure"] == 0
    attrition = result.reset_index().iloc[0].to_dict()
    assert "4.00%" in text.clause_explanation(attrition, "en")  # 4 leavers / 100 heads
    assert "4,00 %" in text.clause_explanation(attrition, "es")


def test_sales_misses_every_clause_but_iso():
    result = run(service="sales")
    assert result.loc["attrition", "status"] == "not_met"  # 4 / 50 = 0.08 > 0.05
    assert result.loc["attrition", "figure"] == Fraction(8, 100)
    assert result.loc["training", "status"] == "not_met"  # 300 / 50 = 6 < 8
    assert result.loc["iso27001", "status"] == "met"  # listed as "iso27001": compared case-insensitively
    assert result.loc["pci", "status"] == "not_met"
    assert result.loc["quality_area", "status"] == "not_met"  # 70 < 85
    assert result.loc["security", "status"] == "not_met"  # 1 incident > 0
    assert result.loc["security", "figure"] == 1


def test_whole_supplier_when_service_is_none():
    result = run(service=None)
    # attrition (4 + 4) / (100 + 50) = 4/75 ≈ 5.33 % > 5 %; training 1200 / 150 = 8 ≥ 8
    assert result.loc["attrition", "figure"] == Fraction(4, 75)
    assert result.loc["attrition", "status"] == "not_met"
    assert result.loc["training", "status"] == "met"
    assert result.loc["pci", "status"] == "not_met"  # sales does not list it
    assert result.loc["security", "figure"] == 1


def test_no_data_for_a_month_without_rows():
    result = run(month="2026-05")
    assert set(result["status"]) == {"no_data"}
    assert result["figure"].isna().all()


def test_no_data_without_tables_or_columns():
    result = run(workforce=None, activity=None)
    assert set(result["status"]) == {"no_data"}
    bare = workforce().drop(columns=["certifications", "security_incidents"])
    result = run(workforce=bare)
    assert result.loc["iso27001", "status"] == "no_data"
    assert result.loc["security", "status"] == "no_data"
    assert result.loc["attrition", "status"] == "met"
    no_qa = activity().drop(columns=["qa_score"])
    assert run(activity=no_qa).loc["quality_area", "status"] == "no_data"


def test_no_data_when_the_denominator_is_zero():
    zero = workforce().assign(headcount_avg=0)
    assert run(workforce=zero).loc["attrition", "status"] == "no_data"
    assert run(workforce=zero).loc["attrition", "reason"] == "zero_denominator"


def test_reasons_say_why_there_is_no_data_or_a_miss():
    assert set(run(month="2026-05")["reason"]) == {"no_rows"}
    bare = run(workforce=workforce().drop(columns=["certifications", "security_incidents"]))
    assert bare.loc["iso27001", "reason"] == "no_column" and bare.loc["iso27001", "missing"] == ("certifications",)
    assert bare.loc["security", "reason"] == "not_reported"
    no_qa = run(activity=activity().drop(columns=["qa_score"]))
    assert no_qa.loc["quality_area", "reason"] == "no_column" and no_qa.loc["quality_area", "missing"] == ("qa_score",)
    sales = run(service="sales")
    assert sales.loc["pci", "reason"] == "not_listed" and sales.loc["pci", "missing"] == ("sales",)
    assert pd.isna(sales.loc["attrition", "reason"])  # a miss on the figure: the figure says why


def test_every_outcome_has_its_sentence_in_both_languages():
    frames = [run(), run(service="sales"), run(month="2026-05"), run(workforce=workforce().assign(headcount_avg=0)),
              run(workforce=workforce().drop(columns=["certifications", "security_incidents"]),
                  activity=activity().drop(columns=["qa_score"]))]
    rows = [r for f in frames for r in f.reset_index().to_dict("records")]
    for lang in ("es", "en"):
        assert all(text.clause_explanation(r, lang) for r in rows)
    sales = run(service="sales").reset_index().set_index("id", drop=False)
    assert text.clause_explanation(sales.loc["pci"].to_dict(), "en") == (
        "Certification PCI-DSS not listed for sales (found: iso27001).")
    assert text.clause_explanation(sales.loc["security"].to_dict(), "es") == (
        "Incidentes de seguridad: 1 en el mes, se permiten ≤ 0: no cumple.")


def test_the_registry_names_the_kinds():
    assert list(compliance.KINDS) == ["kpi", "evidence", "certification", "max_incidents", "control"]
    assert compliance.KINDS.get("certification").keys == ("id", "certification", "description")
    with pytest.raises(ValueError, match="kinds: kpi, evidence, certification, max_incidents, control"):
        compliance.KINDS.get("audit")


def test_any_registry_kpi_with_options():
    clauses = [{"id": "sl", "kpi": "service_level", "variant": "offered", "threshold_s": 20, "min": 0.80}]
    # care in March: (80 + 270) / (110 + 320) = 350/430 ≈ 81.4 % ≥ 80 %
    result = run(clauses)
    assert result.loc["sl", "figure"] == Fraction(350, 430)
    assert result.loc["sl", "status"] == "met"
    assert run(clauses, service="sales").loc["sl", "status"] == "not_met"  # 20/60


def test_max_and_min_together():
    clauses = [{"id": "att", "kpi": "attrition_rate", "min": 0.01, "max": 0.03}]
    assert run(clauses).loc["att", "status"] == "not_met"  # 0.04 > 0.03
    row = run(clauses).reset_index().iloc[0].to_dict()
    assert (row["min"], row["max"]) == (Decimal("0.01"), Decimal("0.03"))
    assert text.clause_threshold(row, "en") == "≥ 1% and ≤ 3%"
    assert text.clause_threshold(row, "es") == "≥ 1 % y ≤ 3 %"


@pytest.mark.parametrize(("clauses", "path"), [
    ([{"id": "a", "kpi": "attrition_rate", "maximum": 0.05}], r"compliance\[0\].maximum"),
    ([{"id": "a", "kpi": "attrition_rate", "certification": "ISO"}], r"compliance\[0\]"),
    ([{"id": "a"}], r"compliance\[0\]"),
    ([{"id": "a", "kpi": "attrition", "max": 0.05}], r"compliance\[0\].kpi"),
    ([{"id": "a", "kpi": "attrition_rate"}], r"compliance\[0\].max"),
    ([{"id": "a", "kpi": "attrition_rate", "max": "low"}], r"compliance\[0\].max"),
    ([{"id": "a", "certification": "ISO27001", "min": 1}], r"compliance\[0\].min"),
    ([{"id": "a", "max_incidents": -1}], r"compliance\[0\].max_incidents"),
    ([{"id": "a", "max_incidents": 0}, {"id": "a", "max_incidents": 1}], r"compliance\[1\].id"),
    ([{"id": "a", "evidence": "qa_score", "variant": "x", "min": 85}], r"compliance\[0\].variant"),
])
def test_invalid_clauses_name_the_key(clauses, path):
    with pytest.raises(ValueError, match=path):
        run(clauses)


def test_validate_alias():
    compliance.validate(CLAUSES)
    with pytest.raises(ValueError, match=r"compliance\[0\].aggregation"):
        compliance.validate([{"id": "a", "kpi": "aht_s", "max": 300, "aggregation": "median"}])
