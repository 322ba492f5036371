"""Exact money: decimals from text, half-up rounding to cents, sums of exact columns.

Money, prices and quantities never pass through binary floats at rating. A float that reaches this
module (e.g. from a Parquet float column) is converted through its shortest repr, which is the decimal
text it was written from.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction

import numpy as np
import pandas as pd

ZERO = Decimal(0)


def to_decimal(value: object, *, what: str = "value") -> Decimal:
    """An exact Decimal from an int, Decimal, Fraction-free str ("1.005", "20%") or float (via repr).

    Raises ValueError naming `what` when the value is not a number.
    """
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, bool):
        raise ValueError(f"{what}: expected a number, got {value!r}")
    elif isinstance(value, (int, np.integer)):
        result = Decimal(int(value))
    elif isinstance(value, (float, np.floating)):
        result = Decimal(repr(float(value)))
    elif isinstance(value, Fraction):
        result = Decimal(value.numerator) / Decimal(value.denominator)
    elif isinstance(value, str):
        text = value.strip().replace("\u2212", "-")
        percent = text.endswith("%")
        if percent:
            text = text[:-1].strip()
        try:
            result = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"{what}: expected a number, got {value!r}") from None
        if percent:
            result = result / 100
    else:
        raise ValueError(f"{what}: expected a number, got {value!r}")
    if not result.is_finite():
        raise ValueError(f"{what}: expected a finite number, got {value!r}")
    return result


def round_half_up(amount: Decimal | int | str, places: int = 2) -> Decimal:
    """Round to `places` decimals, halves away from zero (-0.005 → -0.01), as invoices are rounded."""
    quantum = Decimal(1).scaleb(-places)
    return to_decimal(amount).quantize(quantum, rounding=ROUND_HALF_UP)


def round_money(amount: Decimal | int | str) -> Decimal:
    """An invoice line amount: half-up to cents."""
    return round_half_up(amount, 2)


def exact_sum(values: pd.Series | Iterable) -> Decimal:
    """The exact sum of a column of ints or Decimals (NaN/None skipped), as a Decimal."""
    if isinstance(values, pd.Series):
        if values.empty:
            return ZERO
        if pd.api.types.is_integer_dtype(values.dtype) or pd.api.types.is_bool_dtype(values.dtype):
            return Decimal(int(values.sum()))
        if pd.api.types.is_float_dtype(values.dtype):
            return sum((to_decimal(v) for v in values.dropna()), ZERO)
        values = values.dropna()
        items = values.tolist()
        try:
            return sum(items, ZERO)  # ints and Decimals add exactly; a float or Fraction raises TypeError
        except TypeError:
            pass
    total = ZERO
    for v in values:
        if v is None or (isinstance(v, float) and np.isnan(v)):
            continue
        total += to_decimal(v)
    return total


def format_money(amount: Decimal) -> str:
    """JSON money: a decimal string with two places ("1234.50")."""
    return str(round_money(amount))


def exact_column(values: Iterable[Decimal | int | None] | pd.Series) -> pd.Series:
    """The canonical `number` column: int64 when every value is whole (nullable Int64 when some are
    missing), else object dtype holding exact Decimals (missing values as None)."""
    index = values.index if isinstance(values, pd.Series) else None
    items = list(values)
    present = [v for v in items if v is not None and not (isinstance(v, float) and np.isnan(v))
               and v is not pd.NA]
    if all(isinstance(v, (int, np.integer)) or Decimal(v) == Decimal(v).to_integral_value() for v in present):
        ints = [None if (v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v))) else int(v)
                for v in items]
        if len(present) == len(items):
            return pd.Series(ints, index=index, dtype="int64")
        return pd.Series(ints, index=index, dtype="Int64")
    return pd.Series([None if (v is None or v is pd.NA) else Decimal(v) for v in items], index=index,
                     dtype=object)
