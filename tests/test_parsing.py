"""Cell parsers: exact decimals, the separator rule, percentages, durations, flags, dates, times."""

from datetime import date
from decimal import Decimal

import pandas as pd
import pytest

from ccanalysis.io import parsing


def values(result):
    series, bad = result
    return [None if (v is None or v is pd.NA or v is pd.NaT) else v for v in series.tolist()], bad.tolist()


def test_decimals_are_exact():
    parsed, bad = parsing.parse_decimal(["0.1", "0.2", "1.005"])
    assert not bad.any()
    assert parsed[0] + parsed[1] == Decimal("0.3")
    assert parsed[2] == Decimal("1.005")


def test_canonical_numbers_and_blanks():
    assert values(parsing.parse_decimal(["12", "-3.5", "", None, " 7.25 "])) == (
        [Decimal(12), Decimal("-3.5"), None, None, Decimal("7.25")], [False] * 5)


def test_ambiguous_number_alone_is_an_error():
    # 1.234 could be 1.234 (point decimal) or 1234 (point thousands): nothing in the column decides
    assert values(parsing.parse_decimal(["1.234", "2"])) == ([None, Decimal(2)], [True, False])
    assert parsing.ambiguous_numbers(["1.234", "1,234", "0.234", "12.5", "x"]).tolist() == [
        True, True, False, False, False]


def test_ambiguous_number_resolved_by_its_column():
    # 0.5 shows a decimal point: 1.234 is 1.234 and 1,234 is 1234 (comma thousands)
    assert values(parsing.parse_decimal(["1.234", "0.5", "1,234"]))[0] == [
        Decimal("1.234"), Decimal("0.5"), Decimal(1234)]
    # 2,5 shows a decimal comma: 1.234 is 1234
    assert values(parsing.parse_decimal(["1.234", "2,5"]))[0] == [Decimal(1234), Decimal("2.5")]
    # both conventions in one column: the ambiguous value stays an error
    assert values(parsing.parse_decimal(["1.234", "2,5", "0.5"]))[1] == [True, False, False]


def test_unambiguous_foreign_numbers_are_inferred():
    assert values(parsing.parse_decimal(["1.234,56", "1,234.56", "1.234.567", "0,75"]))[0] == [
        Decimal("1234.56"), Decimal("1234.56"), Decimal(1234567), Decimal("0.75")]


def test_declared_separators():
    parsed = values(parsing.parse_decimal(["1.234,56", "1.234", "7", "1,234.5"], decimal=",", thousands="."))
    assert parsed == ([Decimal("1234.56"), Decimal(1234), Decimal(7), None], [False, False, False, True])
    # declared point decimal: 1.234 is simply 1.234
    assert values(parsing.parse_decimal(["1.234"], decimal="."))[0] == [Decimal("1.234")]


def test_garbage_numbers_are_bad():
    assert parsing.parse_decimal(["12a", "1e3", "1..2", "--1"])[1].tolist() == [True] * 4


def test_exact_column_int_when_whole():
    assert parsing.exact_column([Decimal("2.0"), Decimal(3)]).dtype == "int64"
    assert str(parsing.exact_column([Decimal(2), None]).dtype) == "Int64"
    mixed = parsing.exact_column([Decimal("2.5"), Decimal(3)])
    assert mixed.dtype == object and mixed.tolist() == [Decimal("2.5"), Decimal(3)]


def test_parse_int():
    parsed, bad = parsing.parse_int(["1", " 20 ", "-3", "1.0", "x"])
    assert bad.tolist() == [False, False, False, True, True]
    assert parsed[:3].tolist() == [1, 20, -3]
    assert parsing.parse_int(["1", "2"])[0].dtype == "int64"


def test_parse_percent():
    parsed, bad = parsing.parse_percent(["94.01%", "0.9401", "100.00%", "5 %", "x%"])
    assert parsed[:4].tolist() == [Decimal("0.9401"), Decimal("0.9401"), Decimal(1), Decimal("0.05")]
    assert bad.tolist() == [False, False, False, False, True]


def test_parse_duration():
    parsed, bad = parsing.parse_duration(["0:02:14", "02:14", "1:00:00", "125:30", "0:61:00", "2:5"])
    # 2*60+14 = 134; 125 min 30 s = 7530 s (MM:SS may exceed 59 minutes)
    assert parsed[:4].tolist() == [134, 134, 3600, 7530]
    assert bad.tolist() == [False, False, False, False, True, True]
    fractional, _ = parsing.parse_duration(["0:00:01.5", "0:00:02"])
    assert fractional.tolist() == [Decimal("1.5"), Decimal(2)]


def test_parse_flag_and_negation():
    texts = ["Y", "n", "Sí", "si", "NO", "true", "0", "yes", "maybe"]
    parsed, bad = parsing.parse_flag(texts)
    assert parsed[:8].tolist() == [True, False, True, True, False, True, False, True]
    assert bad.tolist() == [False] * 8 + [True]
    negated, _ = parsing.parse_flag(["Y", "N"], negate=True)
    assert negated.tolist() == [False, True] and negated.dtype == bool


def test_parse_date():
    parsed, bad = parsing.parse_date(["2026-12-31", "2026-02-30", "31/12/2026", "2026-01-05 00:00:00"])
    assert parsed.dtype == "datetime64[ns]"
    assert bad.tolist() == [False, True, True, False]
    dayfirst, bad = parsing.parse_date(["31/12/2026", "31-12-2026", "05.01.2026", "12/31/2026"], dayfirst=True)
    assert dayfirst[:3].tolist() == [pd.Timestamp("2026-12-31"), pd.Timestamp("2026-12-31"),
                                     pd.Timestamp("2026-01-05")]
    assert bad.tolist() == [False, False, False, True]


def test_parse_datetime_and_combine():
    parsed, bad = parsing.parse_datetime(["2026-01-05 09:30", "2026-01-05T09:30:15", "2026-01-05 25:00"])
    assert parsed[:2].tolist() == [pd.Timestamp("2026-01-05 09:30"), pd.Timestamp("2026-01-05 09:30:15")]
    assert bad.tolist() == [False, False, True]
    combined, bad = parsing.combine_date_time(["05/01/2026", "06/01/2026", ""], ["09:30:00", "", ""],
                                              dayfirst=True)
    assert combined[0] == pd.Timestamp("2026-01-05 09:30")
    assert bad.tolist() == [False, True, False]  # a date without its time is bad; both blank is blank


def test_times_months_offsets():
    assert values(parsing.parse_time_hhmm(["9:30", "09:30:00", "24:00", "10:60"])) == (
        ["09:30", "09:30", None, None], [False, False, True, True])
    assert values(parsing.parse_month(["2026-03", "2026-03-01", "2026-13", "03/2026"])) == (
        ["2026-03", "2026-03", None, None], [False, False, True, True])
    assert values(parsing.parse_utc_offset(["+02:00", "+0100", "Z", "2"])) == (
        ["+02:00", "+01:00", "+00:00", None], [False, False, False, True])


@pytest.mark.parametrize("value", [1.005, 0.1, 123456.78])
def test_decimal_from_float_uses_repr(value):
    assert parsing.decimal_from_float(value) == Decimal(repr(value))


def test_numbers_of_18_digits_or_more_are_errors_not_overflows():
    values, bad = parsing.parse_int(pd.Series(["12345678901234567890123", "1.234", "999999999999999999"]),
                                    thousands=".")
    assert bad.tolist() == [True, False, False]
    assert values.tolist()[1:] == [1234, 999999999999999999]
    values, bad, _ = parsing.parse_column(pd.Series(["12345678901234567890123", "5"]), "number")
    assert bad.tolist() == [True, False] and values.iloc[1] == 5
    values, bad, _ = parsing.parse_column(pd.Series([1e30, 2.5]), "number")  # a typed Parquet column
    assert bad.tolist() == [True, False] and values.iloc[1] == Decimal("2.5")
    values, bad = parsing.parse_duration(pd.Series(["99999999999999999999:00:00", "1:00:00"]))
    assert bad.tolist() == [True, False] and values.iloc[1] == 3600


def test_scalar_text_of_values_written_in_a_mapping():
    assert parsing.scalar_text(True) == ("true", False)
    assert parsing.scalar_text(Decimal("1E+3")) == ("1000", True)
    assert parsing.scalar_text(0) == ("0", True)
    assert parsing.scalar_text(date(2021, 1, 11)) == ("2021-01-11", False)
    assert parsing.scalar_text("N") == ("N", False)
