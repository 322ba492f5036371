"""Compliance clauses backed by evidence (controls, certificates), their owner and consequence, and
certificates expiring within 60 days: dates and outcomes worked by hand."""

import re
from datetime import date
from decimal import Decimal

import pandas as pd
import pytest

from ccanalysis import compliance
from ccanalysis.engagement import load
from ccanalysis.report import supplier_month, text
from tests.engagements import activity_row, contract, load_problems, write_engagement

CLAUSES = [
    {"id": "firewall", "control": "firewall", "owner": "Acme security officer", "penalty": 500},
    {"id": "vpn", "control": "vpn"},
    {"id": "privileged", "control": "privileged_access_by_seat", "consequence": "cause for termination"},
    {"id": "iso27001", "certification": "ISO27001", "owner": "Acme compliance"},
]


def evidence(*rows):
    return pd.DataFrame([{"supplier": "acme", "service": None, "reference": None, "valid_until": None,
                          "in_place": None, **r} for r in rows])


def ev(clause, day, source="declaration", in_place=True, **kw):
    return {"clause": clause, "date": pd.Timestamp(day), "source": source, "in_place": in_place, **kw}


def run(rows, end=date(2026, 9, 30)):
    out = compliance.evaluate(CLAUSES, workforce=None, activity=None, supplier="acme", service="care",
                              month="2026-09", evidence=evidence(*rows), period_end=end)
    return out.set_index("id")


def test_the_latest_evidence_up_to_the_period_end_decides():
    result = run([ev("firewall", "2026-07-15"),
                  ev("firewall", "2026-09-10", "client_audit", False, reference="AUD-31"),  # the audit contradicts
                  ev("vpn", "2026-07-15"), ev("vpn", "2026-10-05", in_place=False)])  # after the period: not yet
    assert result.loc["firewall", "status"] == "not_met" and result.loc["firewall", "reason"] == "not_in_place"
    assert result.loc["firewall", "evidence_source"] == "client_audit"
    assert result.loc["firewall", "reference"] == "AUD-31"
    assert result.loc["firewall", "evidence_date"] == date(2026, 9, 10)
    assert result.loc["vpn", "status"] == "met" and result.loc["vpn", "evidence_date"] == date(2026, 7, 15)
    # no row at all for a control: no data, and it says so
    assert result.loc["privileged", "status"] == "no_data" and result.loc["privileged", "reason"] == "no_evidence"
    # the clause's owner and consequence travel with it
    assert result.loc["firewall", "owner"] == "Acme security officer"
    assert result.loc["firewall", "penalty"] == Decimal("500")
    assert result.loc["privileged", "consequence"] == "cause for termination"


def test_a_certificate_is_valid_expiring_or_expired():
    # period end 30/09/2026; + 60 days = 29/11/2026
    def iso(until):
        return run([ev("iso27001", "2025-11-21", "certificate", valid_until=pd.Timestamp(until), reference="C-1")])

    valid = iso("2027-06-30").loc["iso27001"]
    assert valid["status"] == "met" and valid["reason"] == "valid" and not valid["expiring"]
    soon = iso("2026-11-29").loc["iso27001"]  # the 60th day: flagged
    assert soon["status"] == "met" and soon["expiring"]
    assert not iso("2026-11-30").loc["iso27001"]["expiring"]  # the 61st day: not yet
    assert iso("2026-09-30").loc["iso27001"]["status"] == "met"  # valid on the period's last day
    expired = iso("2026-09-29").loc["iso27001"]
    assert expired["status"] == "not_met" and expired["reason"] == "expired"
    assert expired["valid_until"] == date(2026, 9, 29)


def test_without_evidence_a_certification_falls_back_on_the_workforce_table():
    workforce = pd.DataFrame([{"month": "2026-09", "supplier": "acme", "service": "care", "certifications": "ISO27001"}])
    out = compliance.evaluate(CLAUSES[3:], workforce=workforce, activity=None, supplier="acme", service="care",
                              month="2026-09", evidence=evidence(), period_end=date(2026, 9, 30))
    row = out.iloc[0]
    assert row["status"] == "met" and row["source"] == "workforce" and row["evidence_source"] == "declaration"


@pytest.mark.parametrize("lang, expected", [
    ("en", "Firewall: not in place per the client audit of 2026-09-10 (AUD-31)."),
    ("es", "Cortafuegos: no está en vigor según auditoría del cliente del 10/09/2026 (AUD-31)."),
])
def test_the_explanation_names_the_evidence(lang, expected):
    row = run([ev("firewall", "2026-09-10", "client_audit", False, reference="AUD-31")]).reset_index()
    assert text.clause_explanation(row.iloc[0].to_dict(), lang) == expected
    assert text.clause_consequence(row.iloc[0].to_dict(), lang, "EUR") == (
        "penalty of €500.00 per month" if lang == "en" else "penalización de 500,00 € por mes")


def test_every_evidence_outcome_has_its_sentence():
    frames = [run([ev("firewall", "2026-07-15"), ev("vpn", "2026-07-15", in_place=None),
                   ev("privileged", "2026-07-01", "certificate", valid_until=pd.Timestamp("2026-08-01")),
                   ev("iso27001", "2026-07-01", "certificate", in_place=False, valid_until=pd.Timestamp("2027-01-01"))])]
    rows = [r for f in frames for r in f.reset_index().to_dict("records")]
    assert {r["reason"] for r in rows} == {"in_place", "not_stated", "expired", "not_in_place"}
    for lang in ("es", "en"):
        assert all(text.clause_explanation(r, lang) for r in rows)


@pytest.mark.parametrize("clause, path", [
    ({"id": "x", "control": "firewall", "penalty": -5}, "compliance[0].penalty"),
    ({"id": "x", "control": ""}, "compliance[0].control"),
    ({"id": "x", "control": "vpn", "owner": 3}, "compliance[0].owner"),
])
def test_invalid_clause_keys_name_the_path(clause, path):
    with pytest.raises(ValueError, match="^" + re.escape(path)):
        compliance.validate([clause])


def _engagement(tmp_path, rows, other=None):
    tables = {"activity/a.csv": [activity_row("2026-09-01", 10, 9)], "compliance_evidence/e.csv": rows}
    if other:
        tables["compliance_evidence/f.csv"] = other
    write_engagement(tmp_path, contracts=[contract(compliance=CLAUSES)], tables=tables)
    return tmp_path


def test_the_report_shows_evidence_consequence_owner_and_expiry(tmp_path):
    _engagement(tmp_path, [
        {"supplier": "acme", "clause": "firewall", "date": "2026-09-10", "in_place": "no", "source": "client_audit",
         "reference": "AUD-31"},
        {"supplier": "acme", "clause": "vpn", "date": "2026-07-15", "in_place": "yes", "source": "declaration"},
        {"supplier": "acme", "clause": "iso27001", "date": "2025-11-21", "in_place": "yes", "source": "certificate",
         "reference": "C-1", "valid_until": "2026-11-20"},
    ])
    section = supplier_month.compliance_section(load("tiny", root=tmp_path), "acme", "2026-09", "en")
    table = section.tables[0][1].set_index("Clause")
    assert table.loc["firewall", "Status"] == "not met"
    assert table.loc["firewall", "Consequence"] == "penalty of €500.00 per month"
    assert table.loc["firewall", "Owner"] == "Acme security officer"
    assert table.loc["firewall", "Evidence"] == "client audit AUD-31 · 2026-09-10"
    assert table.loc["privileged access by seat", "Status"] == "no data"
    assert table.loc["iso27001", "Evidence"] == "certificate C-1 · 2025-11-21 · valid until 2026-11-20"
    assert table.loc["iso27001", "Owner"] == ""  # met: nobody to chase
    assert section.results["expiring"] == ["iso27001"]  # 20/11 is 51 days after 30/09
    assert ("Expiring within 60 days", "1", True) in section.headline
    assert "The clauses not met carry €500.00 of penalties this month" in section.narrative


def test_evidence_for_an_unknown_clause_is_a_load_problem(tmp_path):
    _engagement(tmp_path, [{"supplier": "acme", "clause": "firewal", "date": "2026-09-10", "in_place": "no",
                            "source": "client_audit"},
                           {"supplier": "acme", "clause": "iso27001", "date": "2026-09-10", "source": "certificate"}])
    problems = load_problems(tmp_path)
    (unknown,) = [p for p in problems if p.column == "clause"]
    assert unknown.row == 2 and unknown.value == "firewal"
    assert "write one of its clause ids: firewall, vpn, privileged, iso27001" in unknown.message
    (until,) = [p for p in problems if p.column == "valid_until"]
    assert until.row == 3 and "valid until" in until.message


def test_an_unknown_source_is_a_load_problem(tmp_path):
    _engagement(tmp_path, [{"supplier": "acme", "clause": "vpn", "date": "2026-09-10", "source": "client_audit"}],
                other=[{"supplier": "acme", "clause": "vpn", "date": "2026-09-10", "source": "rumour"}])
    (source,) = [p for p in load_problems(tmp_path) if p.column == "source"]
    assert source.row == 2 and source.file.endswith("f.csv") and "declaration" in source.message


def test_a_contract_without_clauses_says_so(tmp_path):
    write_engagement(tmp_path, tables={"activity/a.csv": [activity_row("2026-09-01", 10, 9)]})
    section = supplier_month.compliance_section(load("tiny", root=tmp_path), "acme", "2026-09", "en")
    assert section.tables == [] and "has no compliance clauses" in section.narrative


def test_every_table_has_its_name_for_the_report_header():
    from ccanalysis.i18n import label
    from ccanalysis.io.schemas import TABLES

    for table in TABLES:  # the header's data sources name each table read
        assert label(f"table_{table}", "es") and label(f"table_{table}", "en")
