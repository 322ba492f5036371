"""The contact-record hot spots of issue 11, vectorised without changing a result: float columns to exact
numbers by distinct value, the text check of compacting, the compliance month filter, the sorted lookup."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from ccanalysis.compliance import _rows_of
from ccanalysis.io.loader import _compact_text
from ccanalysis.io.parsing import LIMIT, decimal_from_float, exact_floats
from ccanalysis.money import exact_column


def _one_by_one(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """The definition, cell by cell: Decimal of each finite float's repr, LIMIT or more and inf bad."""
    finite = series.isna() | np.isfinite(series.astype("float64"))
    cells = [None if pd.isna(v) else decimal_from_float(v) for v in series.where(finite)]
    large = [v is not None and abs(v) >= LIMIT for v in cells]
    cells = [None if big else v for v, big in zip(cells, large, strict=True)]
    return exact_column(pd.Series(cells, index=series.index, dtype=object)), ~finite | pd.Series(large, index=series.index)


def _cells(series: pd.Series) -> list[str]:
    return [repr(v) if v is None or isinstance(v, Decimal) else str(v) for v in series]


@pytest.mark.parametrize("floats, expected, dtype", [
    # 86.5 and 0.1 are 86.5 and 0.1 (their shortest repr), not 86.5000000000000 or 0.1000000000000000055...
    ([86.5, 0.1, np.nan, 86.5], ["Decimal('86.5')", "Decimal('0.1')", "None", "Decimal('86.5')"], "object"),
    # whole scores are integers: int64, or Int64 with a blank
    ([4.0, 5.0, 1.0], ["4", "5", "1"], "int64"),
    ([4.0, np.nan, 1.0], ["4", "<NA>", "1"], "Int64"),
    # -0.0 keeps its sign as a Decimal; inf and 1e19 (>= 10**18) are bad cells, left blank
    ([-0.0, 0.5, np.inf, 1e19], ["Decimal('-0.0')", "Decimal('0.5')", "None", "None"], "object"),
])
def test_float_columns_by_hand(floats, expected, dtype):
    values, bad = exact_floats(pd.Series(floats, index=[10, 11, 12, 13][: len(floats)]))
    assert _cells(values) == expected and str(values.dtype) == dtype
    assert list(values.index) == [10, 11, 12, 13][: len(floats)]
    assert list(bad) == [not np.isnan(f) and (np.isinf(f) or abs(f) >= 1e18) for f in floats]


def test_float_columns_equal_the_cell_by_cell_definition():
    rng = np.random.default_rng(7)
    scores = np.round(rng.normal(85, 6, 20_000), 1)
    scores[rng.random(20_000) < 0.1] = np.nan
    for column in (scores, np.round(scores), np.r_[scores, [-0.0, 0.0, np.inf, -np.inf, 2e18]]):
        series = pd.Series(column)
        values, bad = exact_floats(series)
        reference, reference_bad = _one_by_one(series)
        assert str(values.dtype) == str(reference.dtype)
        assert _cells(values) == _cells(reference) and list(bad) == list(reference_bad)


def test_compacting_text_changes_only_columns_of_text_and_none():
    frame = pd.DataFrame({"text": ["a", None, "c"], "nan": ["a", np.nan, "c"], "mixed": ["a", 1, "c"],
                          "blank": [None, None, None], "money": [Decimal("1"), None, Decimal("2")]},
                         dtype=object)  # as the loader's text columns are
    out = _compact_text(frame)
    assert str(out["text"].dtype) == "string" and out["text"].isna().tolist() == [False, True, False]
    assert str(out["blank"].dtype) == "string"
    # a NaN (not None), a number among texts, Decimals: left as they are
    for column in ("nan", "mixed", "money"):
        assert out[column].dtype == object and out[column].tolist()[::2] == frame[column].tolist()[::2]


def test_the_compliance_month_filter_compares_months_not_texts():
    rows = pd.DataFrame({"supplier": ["a", "a", "a", "b"],
                         "start": pd.to_datetime(["2026-07-31 23:59:59", "2026-08-01 00:00:00",
                                                  "2026-08-31 23:59:59", "2026-08-15 12:00:00"])})
    assert list(_rows_of(rows, "a", None, "2026-08", True).index) == [1, 2]
    assert list(_rows_of(rows.iloc[0:0], "a", None, "2026-08", True).index) == []
