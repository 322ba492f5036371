"""Number, money, percentage and date formats of the reports in Spanish and English, and the catalogue."""

import re
from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from ccanalysis.i18n import format_date, format_money, format_number, format_percent, label, sentence
from ccanalysis.i18n.report import LABELS, SENTENCES


def test_spanish_and_english_money():
    assert format_money(Decimal("1234567.5"), "es") == "1.234.567,50 €"
    assert format_money(Decimal("1234567.5"), "en") == "€1,234,567.50"
    assert format_money(Decimal("-3444.44"), "es") == "-3.444,44 €"
    assert format_money(Decimal("-3444.44"), "en") == "-€3,444.44"
    assert format_money(Decimal("999.995"), "en") == "€1,000.00"  # half up at display too


def test_numbers_and_percentages():
    assert format_number(22345, "es", 0) == "22.345"
    assert format_number(Decimal("0.5"), "en", 2) == "0.50"
    assert format_percent(Fraction(760, 970), "es", 2) == "78,35 %"  # kpis.md worked check
    assert format_percent(Fraction(760, 970), "en", 2) == "78.35%"
    assert format_percent(Decimal("0.805"), "es", 1) == "80,5 %"


def test_dates_and_labels():
    assert format_date(date(2026, 8, 31), "es") == "31/08/2026"
    assert format_date(date(2026, 8, 31), "en") == "2026-08-31"
    assert label("billed", "es") == "Facturado" and label("billed", "en") == "Billed"
    with pytest.raises(ValueError, match="lang"):
        label("billed", "fr")


def test_the_issue_formats_in_both_languages():
    assert format_percent(Fraction(8679, 10000), "es", 2) == "86,79 %"
    assert format_percent(Fraction(8679, 10000), "en", 2) == "86.79%"
    assert format_date(date(2026, 8, 1), "es") == "01/08/2026"
    assert format_date(date(2026, 8, 1), "en") == "2026-08-01"
    assert format_money(Decimal("1234.56"), "es") == "1.234,56 €"
    assert format_money(Decimal("1234.56"), "en") == "€1,234.56"
    assert format_number(Decimal("0.0325"), "es", 4) == "0,0325"


def test_a_missing_key_names_the_close_keys():
    with pytest.raises(KeyError, match="no label 'biled'.*close keys: billed"):
        label("biled", "es")
    with pytest.raises(KeyError, match="no sentence 'by_chrge'.*close keys: by_charge"):
        sentence("by_chrge", "en")


def test_sentences_fill_their_fields():
    assert sentence("budget_none_over", "es", month="2026-08") == "Ningún proveedor supera su presupuesto en 2026-08."
    assert sentence("budget_none_over", "en", month="2026-08") == "No supplier is over its budget in 2026-08."


def test_every_word_is_in_both_languages():
    for catalogue in (LABELS, SENTENCES):
        for key, entry in catalogue.items():
            assert set(entry) == {"es", "en"} and all(entry.values()), key
            assert set(re.findall(r"{(\w+)}", entry["es"])) == set(re.findall(r"{(\w+)}", entry["en"])), key
