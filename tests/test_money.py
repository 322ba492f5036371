"""Exact money helpers: decimals from text, half-up rounding to cents, exact sums."""

from decimal import Decimal
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

from ccanalysis.money import exact_sum, round_half_up, round_money, to_decimal


@pytest.mark.parametrize("value, expected", [
    ("2.675", "2.68"), ("2.665", "2.67"), ("-0.005", "-0.01"), ("-143.255", "-143.26"), ("0.004", "0.00"),
    ("1.005", "1.01"),  # exact from text: a binary float 1.005 would round to 1.00
])
def test_round_money_half_up_away_from_zero(value, expected):
    assert round_money(value) == Decimal(expected)


def test_round_half_up_places():
    assert round_half_up("80.45", 1) == Decimal("80.5")


@pytest.mark.parametrize("value, expected", [
    ("20%", "0.2"), (" 2.99 % ", "0.0299"), (1.005, "1.005"), (7, "7"), (Fraction(1, 4), "0.25"), ("−3", "-3"),
])
def test_to_decimal(value, expected):
    assert to_decimal(value) == Decimal(expected)


@pytest.mark.parametrize("bad", ["abc", True, None, float("nan"), "inf"])
def test_to_decimal_rejects(bad):
    with pytest.raises(ValueError, match="price"):
        to_decimal(bad, what="price")


def test_exact_sum_of_mixed_columns():
    assert exact_sum(pd.Series([Decimal("0.1"), Decimal("0.2"), 3, np.int64(4), None], dtype=object)) == Decimal("7.3")
    # a float is taken at its shortest repr, never summed in binary
    assert exact_sum(pd.Series([Decimal("0.1"), 0.2], dtype=object)) == Decimal("0.3")
    assert exact_sum(pd.Series([0.1, 0.2])) == Decimal("0.3")
    assert exact_sum(pd.Series([2**60, 3], dtype="int64")) == Decimal(2**60 + 3)
    assert exact_sum(pd.Series([], dtype=object)) == Decimal(0)
