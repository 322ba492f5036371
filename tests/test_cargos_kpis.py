"""Cargos KPIs, each on one five-charge example computed by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from fractions import Fraction

import pandas as pd
import pytest

from ccanalysis import disputes
from ccanalysis.cargos.kpis import CARGOS_KPIS, by_group, cargos_kpi, kpi_table, scope

OCT1, OCT31 = date(2026, 10, 1), date(2026, 10, 31)
CHARGES = pd.DataFrame([
    # retailer, document, issued, amount, type, verdict, invalid
    ("m", "C1", date(2026, 10, 2), D("1000.00"), "promotion", "invalid", D("1000.00")),
    ("m", "C2", date(2026, 10, 5), D("500.00"), "rappel", "valid", D("0.00")),
    ("m", "C3", date(2026, 10, 10), D("300.00"), "logistics_penalty", "partly_valid", D("100.00")),
    ("m", "C4", date(2026, 10, 20), D("200.00"), "marketing", "needs_evidence", None),
    ("m", "C5", date(2026, 9, 15), D("400.00"), "promotion", "invalid", D("400.00")),
], columns=["retailer", "document_id", "issue_date", "amount", "type", "verdict", "invalid_amount"])
SALES = pd.DataFrame({"retailer": ["m", "m"], "month": ["2026-09", "2026-10"],
                      "net_sales": [D("18000.00"), D("20000.00")]})
WINDOWS = {"m": 60}


def row(doc: str, status: str, day: date, claimed: str, accepted: str | None = None) -> dict:
    return {"dispute_id": f"C-m-{doc}", "supplier": "m", "invoice_id": doc, "month": "2026-10", "check": "x",
            "charge": "t", "amount_claimed": D(claimed), "status": status, "status_date": day,
            "amount_accepted": None if accepted is None else D(accepted)}


REGISTER = pd.DataFrame([
    row("C1", "submitted", date(2026, 10, 12), "1000.00"),
    row("C2", "charge_accepted", date(2026, 10, 6), "0.00"),
    row("C5", "submitted", date(2026, 9, 20), "400.00"),
    row("C5", "rejected", date(2026, 10, 10), "400.00"),
    row("C1", "accepted", date(2026, 10, 25), "1000.00", "1000.00"),
    row("C3", "submitted", date(2026, 10, 30), "100.00"),
    row("C5", "written_off", date(2026, 11, 5), "400.00"),  # after the period's end: not seen at 31 Oct
], columns=disputes.REGISTER_COLUMNS)


def kpi(name: str, start: date = OCT1, **kw) -> Fraction | None:
    return cargos_kpi(name, scope(CHARGES, SALES, REGISTER, WINDOWS, start=start, end=OCT31, **kw))


def test_cargos_of_sales():
    # October's charges C1–C4: 1000 + 500 + 300 + 200 = 2000 over October's sales 20000
    assert kpi("cargos_of_sales") == Fraction(1, 10)


def test_days_deductions_outstanding():
    # open at 31 Oct: C1 (accepted, not yet credited) 1000, C3 (submitted) 300, C4 (undecided) 200,
    # C5 (rejected; written off only on 5 Nov) 400 = 1900; C2 was accepted as charged (final).
    # 1900 ÷ (2000 taken in October ÷ 31 days) = 1900 × 31 / 2000 = 29.45 days
    assert kpi("days_deductions_outstanding") == Fraction(5890, 200)


def test_invalid_rate():
    # judged (not needing evidence) in October: C1, C2, C3: invalid 1000 + 0 + 100 = 1100 of 1800
    assert kpi("invalid_rate") == Fraction(11, 18)


def test_recovery_rate():
    # filed in October: C1 (12 Oct, 1000, accepted 1000) and C3 (30 Oct, 100, open): 1000 / 1100
    assert kpi("recovery_rate") == Fraction(10, 11)


def test_win_rate_by_period_type_and_retailer():
    assert kpi("win_rate") == 1  # answered among C1, C3: C1, won
    # September–October: C5 (filed 20 Sep) too, rejected: 1 won of 2
    assert kpi("win_rate", start=date(2026, 9, 1)) == Fraction(1, 2)
    assert kpi("win_rate", start=date(2026, 9, 1), charge_type="promotion") == Fraction(1, 2)
    assert kpi("win_rate", retailer="other") is None
    groups = by_group(CHARGES, REGISTER, WINDOWS, "win_rate", start=OCT1, end=OCT31).set_index("type")
    assert groups.loc["promotion", "value"] == 1 and groups.loc["logistics_penalty", "value"] is None


def test_filing_lag_against_the_window():
    # C1 filed 10 days after issue (2 → 12 Oct), C3 20 days (10 → 30 Oct): 30 of 60 + 60 window days
    assert kpi("filing_lag") == Fraction(1, 4)
    assert kpi("filed_late_rate") == 0  # neither after its 60 days


def test_the_table_names_every_kpi_and_unknown_names_list_them():
    table = kpi_table(CHARGES, SALES, REGISTER, WINDOWS, start=OCT1, end=OCT31)
    assert [r["kpi"] for r in table] == list(CARGOS_KPIS.names())
    assert {r["unit"] for r in table} == {"fraction", "days"}
    with pytest.raises(ValueError, match="unknown cargos KPI 'dso'.*days_deductions_outstanding"):
        kpi("dso")


def test_every_word_of_cargos_is_in_both_languages():
    import string

    from ccanalysis.cargos import CHARGE_TYPES
    from ccanalysis.cargos.classify import STAGES
    from ccanalysis.cargos.resolution import TRIAGES
    from ccanalysis.i18n import cargos as words

    assert set(words.KPI_WORDS) == set(CARGOS_KPIS.names())
    assert set(words.TYPES) == set(CHARGE_TYPES)
    assert set(words.METHODS) == {*STAGES.names(), "review"}
    assert set(words.TRIAGE) == set(TRIAGES)
    for catalogue in (words.TYPES, words.METHODS, words.VERDICTS, words.CHECKS, words.OWNERS, words.TRIAGE,
                      words.HEADINGS, words.SENTENCES, words.KPI_WORDS, words.EVIDENCE):
        for key, entry in catalogue.items():
            assert set(entry) == {"es", "en"} and all(entry.values()), key
            if catalogue is words.SENTENCES:
                fields = [{f for _, f, _, _ in string.Formatter().parse(t) if f} for t in entry.values()]
                assert fields[0] == fields[1], key
