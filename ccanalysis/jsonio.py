"""The one JSON encoding of exact values, for the CLI's `--format json` and the reports' `.json` results.

Money (`Decimal`) is its exact decimal string, ratios (`Fraction`) are numbers, dates are ISO 8601, numpy
and pandas scalars are their Python values; missing values (None, NaN, NaT, pd.NA, a NaN Decimal) and
infinities are null, so the output is strict JSON (`dumps` refuses anything else); sets are sorted.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction


def to_jsonable(value: object) -> object:
    """`value` with every exact or foreign type replaced by its JSON form (recursively)."""
    if isinstance(value, bool) or value is None or isinstance(value, (int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Decimal):
        return str(value) if value.is_finite() else None
    if isinstance(value, Fraction):
        return float(value)
    if _is_missing(value):
        return None
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=str) if isinstance(value, (set, frozenset)) else value
        return [to_jsonable(v) for v in items]
    if _is_missing(value):
        return None
    if hasattr(value, "item") and callable(value.item):  # numpy / pandas scalars
        return to_jsonable(value.item())
    if hasattr(value, "isoformat"):  # pandas Timestamp
        return value.isoformat()
    return str(value)


def _is_missing(value: object) -> bool:
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - pandas is a dependency
        return False
    return value is pd.NA or value is pd.NaT


def dumps(value: object, *, indent: int | None = 2, sort_keys: bool = False) -> str:
    """JSON text of `value` (see `to_jsonable`), UTF-8 characters kept."""
    return json.dumps(to_jsonable(value), ensure_ascii=False, indent=indent, sort_keys=sort_keys, allow_nan=False)
