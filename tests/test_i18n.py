"""Number, money, percentage and date formats of the reports in Spanish and English."""

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from ccanalysis.i18n import format_date, format_money, format_number, format_percent, label


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
