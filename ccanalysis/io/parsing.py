"""Cell parsers: text from a table file → canonical values, plus a mask of the cells that did not parse.

`parse_column` applies one parser by its name (a mapping's `parse` value) to a whole column, converting
typed Parquet columns directly where it can; `cell_text` writes a spreadsheet cell as canonical text.

Every parser takes a Series of texts (str, None or NA; surrounding spaces ignored) and returns
``(values, bad)``: the parsed Series (same index) and a boolean Series that is True where a non-blank
text could not be parsed. Blank cells are missing values (NA / None), never "bad": whether a blank is
allowed is the table's business (required vs optional columns). Parsers are pure and vectorised with
regular expressions; only the exact-decimal step builds one ``Decimal`` per cell.

Numbers (``parse_decimal``) — the separator rule
------------------------------------------------
Canonical text has a decimal point and no thousands separator (``1234.56``). When a mapping declares
``decimal`` (and optionally ``thousands``), values must follow exactly that convention. Otherwise the
convention is inferred **per column**, only where no doubt is possible:

* a value is *unambiguous* when it can be read one way only: ``0.5``, ``12.25``, ``1.5`` (point decimal:
  a thousands group has exactly three digits and never starts the number with 0), ``1,5`` (comma
  decimal), ``1.234.567`` (a separator used twice is a thousands separator), ``1.234,56`` / ``1,234.56``
  (both separators: the last one is the decimal separator);
* a value such as ``1.234`` or ``1,234`` (one separator, 1–3 digits before it with no leading zero,
  exactly three after) is *ambiguous*: 1.234 or 1234;
* an ambiguous value is resolved when the other values of the same column show one convention
  (``1.234`` beside ``0.5`` is 1.234; beside ``1.234.567`` or ``2,5`` it is 1234); when the column shows
  none, or shows both, it is an error asking for a mapping (``decimal`` / ``thousands``).

Values that come from typed storage (Excel numbers, Parquet floats) are canonical by construction and
are passed with ``native=True`` so that they take no part in the inference.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation

import numpy as np
import pandas as pd

from ccanalysis.money import exact_column
from ccanalysis.periods import MONTH_PATTERN

#: Texts read as True / False by `parse_flag` (case-insensitive, accents as written).
TRUE_WORDS = frozenset({"y", "yes", "s", "si", "sí", "true", "t", "1", "verdadero"})
FALSE_WORDS = frozenset({"n", "no", "false", "f", "0", "falso"})

_SIGN = r"[+-]?"

#: Numbers read from a file stay below this (18 whole digits): larger ones are errors, not overflows.
LIMIT = Decimal(10) ** 18


def _texts(texts: Iterable | pd.Series) -> tuple[pd.Series, pd.Series]:
    """Stripped texts as a nullable string Series and the mask of blank cells."""
    series = texts if isinstance(texts, pd.Series) else pd.Series(list(texts), dtype=object)
    s = series.astype("string").str.strip().str.replace("\u2212", "-", regex=False)
    blank = (s.isna() | (s == "")).astype(bool)
    return s.mask(blank), blank


def _match(s: pd.Series, pattern: str) -> pd.Series:
    return s.str.fullmatch(pattern).fillna(False).astype(bool)


def _decimals(normalised: pd.Series, ok: pd.Series) -> pd.Series:
    """Decimal objects from canonical texts where `ok`, None elsewhere (object dtype)."""
    out = pd.Series([None] * len(normalised), index=normalised.index, dtype=object)
    if ok.any():
        out[ok] = [Decimal(t) for t in normalised[ok]]
    return out


def parse_decimal(texts: Iterable | pd.Series, *, decimal: str | None = None, thousands: str | None = None,
                  native: pd.Series | None = None) -> tuple[pd.Series, pd.Series]:
    """Exact decimals from text (object Series of Decimal / None) and the mask of bad cells.

    `decimal` / `thousands` are the separators a mapping declares; without them the convention is
    inferred per column (module docstring). Use `ambiguous_numbers` to tell ambiguous cells apart
    from plain garbage for the error message. `native` marks cells whose text is canonical by
    construction (typed storage). Exponents (``1e-3``) are not accepted in text.
    """
    s, blank = _texts(texts)
    present = ~blank
    if decimal is not None or thousands is not None:
        dec = decimal if decimal is not None else ("," if thousands == "." else ".")
        if thousands is not None and thousands == dec:
            raise ValueError("decimal and thousands separators must differ")
        d, t = _re_escape(dec), (_re_escape(thousands) if thousands else None)
        integer = rf"(?:\d+|\d{{1,3}}(?:{t}\d{{3}})+)" if t else r"\d+"
        good = _match(s, rf"{_SIGN}(?:{integer}(?:{d}\d*)?|{d}\d+)")
        norm = s
        if thousands:
            norm = norm.str.replace(thousands, "", regex=False)
        if dec != ".":
            norm = norm.str.replace(dec, ".", regex=False)
        if native is not None:
            nat = native.astype(bool)
            norm = norm.mask(nat, s)
            good = good.mask(nat, _match(s, rf"{_SIGN}\d+(?:\.\d+)?"))
        bad = present & ~good
        return in_range(_decimals(norm, good & present), bad)

    kinds = _classify_numbers(s)
    if native is not None:
        nat = native.astype(bool) & present
        kinds = kinds.mask(nat, "plain_point")
    has_point = kinds.isin(["point", "both_point", "groups_comma"]).any()
    has_comma = kinds.isin(["comma", "both_comma", "groups_point"]).any()
    norm = s.copy()
    # unambiguous readings
    point_like = kinds.isin(["plain", "plain_point", "point"])
    comma = kinds == "comma"
    norm = norm.mask(comma, s.str.replace(",", ".", regex=False))
    both_point = kinds.isin(["both_point", "groups_comma"])
    norm = norm.mask(both_point, s.str.replace(",", "", regex=False))
    both_comma = kinds.isin(["both_comma", "groups_point"])
    norm = norm.mask(both_comma, s.str.replace(".", "", regex=False).str.replace(",", ".", regex=False))
    good = point_like | comma | both_point | both_comma
    ambiguous = kinds.isin(["ambiguous_point", "ambiguous_comma"])
    if has_point and not has_comma:  # the column reads 1.234 as 1.234 and 1,234 as 1234
        norm = norm.mask(kinds == "ambiguous_comma", s.str.replace(",", "", regex=False))
        good = good | ambiguous
    elif has_comma and not has_point:  # the column reads 1,234 as 1.234 and 1.234 as 1234
        norm = norm.mask(kinds == "ambiguous_point", s.str.replace(".", "", regex=False))
        norm = norm.mask(kinds == "ambiguous_comma", s.str.replace(",", ".", regex=False))
        good = good | ambiguous
    bad = present & ~good
    return in_range(_decimals(norm, good & present), bad)


def in_range(values: pd.Series, bad: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Decimals of LIMIT or more (in absolute value) become bad cells."""
    large = pd.Series([v is not None and v.is_finite() and abs(v) >= LIMIT for v in values], index=values.index,
                      dtype=bool)
    if large.any():
        values = values.where(~large, None)
    return values, bad | large


def ambiguous_numbers(texts: Iterable | pd.Series) -> pd.Series:
    """Mask of texts such as ``1.234`` or ``1,234`` that read as either 1.234 or 1234."""
    s, _ = _texts(texts)
    return _classify_numbers(s).isin(["ambiguous_point", "ambiguous_comma"])


def _re_escape(sep: str) -> str:
    return "\\" + sep if sep in ".^$*+?{}[]\\|()" else sep


def _classify_numbers(s: pd.Series) -> pd.Series:
    """One label per text: which separator reading(s) it admits (see the module docstring)."""
    kinds = pd.Series("bad", index=s.index, dtype=object)
    rules = [  # later rules win; patterns are mutually exclusive where it matters
        ("plain", rf"{_SIGN}\d+"),
        ("point", rf"{_SIGN}\d*\.\d+"),
        ("comma", rf"{_SIGN}\d*,\d+"),
        ("ambiguous_point", rf"{_SIGN}[1-9]\d{{0,2}}\.\d{{3}}"),
        ("ambiguous_comma", rf"{_SIGN}[1-9]\d{{0,2}},\d{{3}}"),
        ("groups_point", rf"{_SIGN}[1-9]\d{{0,2}}(?:\.\d{{3}}){{2,}}"),
        ("groups_comma", rf"{_SIGN}[1-9]\d{{0,2}}(?:,\d{{3}}){{2,}}"),
        ("both_comma", rf"{_SIGN}[1-9]\d{{0,2}}(?:\.\d{{3}})+,\d+"),
        ("both_point", rf"{_SIGN}[1-9]\d{{0,2}}(?:,\d{{3}})+\.\d+"),
    ]
    for label, pattern in rules:
        kinds = kinds.mask(_match(s, pattern), label)
    return kinds


def parse_int(texts: Iterable | pd.Series, *, thousands: str | None = None) -> tuple[pd.Series, pd.Series]:
    """Whole numbers (int64, or nullable Int64 when some cells are blank). ``12.0`` is not whole text."""
    s, blank = _texts(texts)
    if thousands:
        t = _re_escape(thousands)
        good = _match(s, rf"{_SIGN}(?:\d+|\d{{1,3}}(?:{t}\d{{3}})+)")
        s = s.str.replace(thousands, "", regex=False)
        good &= _match(s, rf"{_SIGN}\d{{1,18}}")
    else:
        good = _match(s, rf"{_SIGN}\d{{1,18}}")
    bad = ~blank & ~good
    values = pd.to_numeric(s.where(good), errors="coerce").astype("Int64")
    if not values.isna().any():
        values = values.astype("int64")
    return values, bad


def parse_percent(texts: Iterable | pd.Series, *, decimal: str | None = None,
                  thousands: str | None = None) -> tuple[pd.Series, pd.Series]:
    """Fractions as exact Decimals: ``94.01%`` → 0.9401; a plain number is taken as the fraction itself."""
    s, blank = _texts(texts)
    percent = s.str.endswith("%").fillna(False).astype(bool)
    bare = s.mask(percent, s.str.slice(0, -1).str.strip())
    values, bad = parse_decimal(bare, decimal=decimal, thousands=thousands)
    hundred = Decimal(100)
    scaled = values.copy()
    scaled[percent & ~bad] = [v / hundred for v in values[percent & ~bad]]
    return scaled, bad


def parse_duration(texts: Iterable | pd.Series) -> tuple[pd.Series, pd.Series]:
    """Seconds from ``H:MM:SS`` or ``MM:SS`` (fractional seconds allowed: ``0:01:02.5``).

    Result: `exact_column` of the seconds (int64 when all are whole, else Decimal)."""
    s, blank = _texts(texts)
    parts = s.str.extract(r"^(?:(\d{1,9}):)?(\d{1,9}):(\d{2})(\.\d+)?$")
    hours = pd.to_numeric(parts[0], errors="coerce").fillna(0)
    minutes = pd.to_numeric(parts[1], errors="coerce")
    seconds = pd.to_numeric(parts[2], errors="coerce")
    has_hours = parts[0].notna()
    good = minutes.notna() & seconds.notna() & (seconds < 60) & (~has_hours | (minutes < 60))
    good = good.fillna(False).astype(bool)
    bad = ~blank & ~good
    whole = (hours * 3600 + minutes * 60 + seconds).where(good)
    fraction = parts[3].where(good)
    if fraction.notna().any():
        out = [None if pd.isna(w) else Decimal(int(w)) + (Decimal("0" + f) if isinstance(f, str) else 0)
               for w, f in zip(whole, fraction, strict=True)]
        return exact_column(pd.Series(out, index=s.index, dtype=object)), bad
    values = whole.astype("Int64")
    return (values.astype("int64") if not values.isna().any() else values), bad


def parse_flag(texts: Iterable | pd.Series, *, negate: bool = False) -> tuple[pd.Series, pd.Series]:
    """Booleans from Y/N, yes/no, sí/si/no, true/false, 1/0 (case-insensitive); `negate` flips them
    (e.g. abandoned = not answered). bool dtype, or nullable boolean when some cells are blank."""
    s, blank = _texts(texts)
    low = s.str.lower()
    true = low.isin(TRUE_WORDS).fillna(False).astype(bool)
    false = low.isin(FALSE_WORDS).fillna(False).astype(bool)
    bad = ~blank & ~true & ~false
    values = pd.Series(pd.NA, index=s.index, dtype="boolean")
    values[true] = not negate
    values[false] = negate
    if not values.isna().any():
        values = values.astype(bool)
    return values, bad


_DATE_FORMATS_ISO = ("%Y-%m-%d",)
_DATE_FORMATS_DAYFIRST = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y")


def _to_datetime(s: pd.Series, formats: tuple[str, ...], patterns: tuple[str, ...]) -> pd.Series:
    out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns]")
    for fmt, pattern in zip(formats, patterns, strict=True):
        todo = out.isna() & _match(s, pattern)
        if todo.any():
            out[todo] = pd.to_datetime(s[todo], format=fmt, errors="coerce").astype("datetime64[ns]")
    return out


def parse_date(texts: Iterable | pd.Series, *, dayfirst: bool = False) -> tuple[pd.Series, pd.Series]:
    """Dates at midnight (datetime64[ns]) from ISO ``YYYY-MM-DD`` or, with `dayfirst`, ``31/12/2026``,
    ``31-12-2026`` or ``31.12.2026``. A midnight time part (``2026-01-31 00:00:00``, as spreadsheets
    write dates) is accepted; any other time of day is not a date."""
    s, blank = _texts(texts)
    s = s.str.replace(r"[ T]00:00(?::00(?:\.0+)?)?$", "", regex=True)
    if dayfirst:
        formats, patterns = _DATE_FORMATS_DAYFIRST, (r"\d{1,2}/\d{1,2}/\d{4}", r"\d{1,2}-\d{1,2}-\d{4}",
                                                      r"\d{1,2}\.\d{1,2}\.\d{4}")
        formats, patterns = formats + _DATE_FORMATS_ISO, patterns + (r"\d{4}-\d{2}-\d{2}",)
    else:
        formats, patterns = _DATE_FORMATS_ISO, (r"\d{4}-\d{2}-\d{2}",)
    values = _to_datetime(s, formats, patterns)
    return values, ~blank & values.isna()


def parse_time(texts: Iterable | pd.Series) -> tuple[pd.Series, pd.Series]:
    """Times of day ``H:MM`` / ``HH:MM:SS`` (fractions of a second allowed) as timedelta64[ns]."""
    s, blank = _texts(texts)
    parts = s.str.extract(r"^(\d{1,2}):(\d{2})(?::(\d{2}(?:\.\d+)?))?$")
    hours = pd.to_numeric(parts[0], errors="coerce")
    minutes = pd.to_numeric(parts[1], errors="coerce")
    seconds = pd.to_numeric(parts[2], errors="coerce").fillna(0)
    good = (hours < 24) & (minutes < 60) & (seconds < 60)
    good = good.fillna(False).astype(bool)
    nanos = (hours * 3600 + minutes * 60).where(good) * 1_000_000_000
    # fractional seconds to whole nanoseconds from the text (no float rounding beyond 1 ns)
    sec_ns = pd.Series([0 if not isinstance(t, str) else int(Decimal(t) * 1_000_000_000) for t in parts[2]],
                       index=s.index)
    total = (nanos + sec_ns.where(good)).astype("Int64")
    values = pd.to_timedelta(total.astype("float64"), unit="ns").astype("timedelta64[ns]")
    values = values.where(good)
    return values, ~blank & ~good


def parse_datetime(texts: Iterable | pd.Series, *, dayfirst: bool = False) -> tuple[pd.Series, pd.Series]:
    """Timestamps (datetime64[ns], naive local time) from ``YYYY-MM-DD HH:MM[:SS]`` (or ``T``), or with
    `dayfirst` ``31/12/2026 14:05[:00]``; a bare date is midnight."""
    s, blank = _texts(texts)
    parts = s.str.extract(r"^(\S+?)(?:[ T]+(\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?))?$")
    dates, bad_date = parse_date(parts[0], dayfirst=dayfirst)
    times, bad_time = parse_time(parts[1])
    values = dates + times.fillna(pd.Timedelta(0))
    bad = ~blank & (bad_date | bad_time | dates.isna())
    return values.where(~bad), bad


def combine_date_time(dates: Iterable | pd.Series, times: Iterable | pd.Series, *,
                      dayfirst: bool = False) -> tuple[pd.Series, pd.Series]:
    """Timestamps from a date column and a time-of-day column (two source columns of a mapping).

    A cell is bad when its date or its time does not parse, or when only one of the two is blank."""
    d, bad_d = parse_date(dates, dayfirst=dayfirst)
    t, bad_t = parse_time(times)
    t = t.reindex(d.index) if isinstance(t, pd.Series) else t
    t.index = d.index
    bad_t.index = d.index
    half = d.isna() ^ t.isna()
    bad = bad_d | bad_t | (half & ~(bad_d | bad_t))
    values = (d + t).where(~bad)
    return values, bad


def parse_time_hhmm(texts: Iterable | pd.Series) -> tuple[pd.Series, pd.Series]:
    """Interval starts as ``HH:MM`` text (``9:30`` and ``09:30:00`` become ``09:30``)."""
    s, blank = _texts(texts)
    parts = s.str.extract(r"^(\d{1,2}):(\d{2})(?::00(?:\.0+)?)?$")
    hours = pd.to_numeric(parts[0], errors="coerce")
    minutes = pd.to_numeric(parts[1], errors="coerce")
    good = ((hours < 24) & (minutes < 60)).fillna(False).astype(bool)
    text = parts[0].str.zfill(2) + ":" + parts[1]
    values = text.where(good).astype(object).where(good, None)
    return values, ~blank & ~good


def parse_month(texts: Iterable | pd.Series) -> tuple[pd.Series, pd.Series]:
    """Months as ``YYYY-MM`` text; the first day of a month (``2026-03-01``, as spreadsheets store a
    month typed into a cell) is accepted too."""
    s, blank = _texts(texts)
    s = s.str.replace(r"[ T]00:00(?::00)?$", "", regex=True).str.replace(r"^(.{7})-01$", r"\1", regex=True)
    good = _match(s, MONTH_PATTERN.pattern)
    values = s.astype(object).where(good, None)
    return values, ~blank & ~good


def parse_utc_offset(texts: Iterable | pd.Series) -> tuple[pd.Series, pd.Series]:
    """UTC offsets as ``+HH:MM`` text (``+0200``, ``+02`` and ``Z`` accepted)."""
    s, blank = _texts(texts)
    s = s.mask(s.str.upper() == "Z", "+00:00")
    parts = s.str.extract(r"^([+-])(\d{2}):?(\d{2})?$")
    hours = pd.to_numeric(parts[1], errors="coerce")
    minutes = pd.to_numeric(parts[2].fillna("00"), errors="coerce")
    good = ((hours <= 14) & (minutes < 60)).fillna(False).astype(bool)
    values = (parts[0] + parts[1] + ":" + parts[2].fillna("00")).astype(object).where(good, None)
    return values, ~blank & ~good


def parse_text(texts: Iterable | pd.Series) -> tuple[pd.Series, pd.Series]:
    """Stripped strings (object dtype, blank → None); nothing is bad."""
    s, blank = _texts(texts)
    return s.astype(object).where(~blank, None), pd.Series(False, index=s.index)


def decimal_from_float(value: float) -> Decimal:
    """An exact Decimal from a float stored by a spreadsheet or Parquet file: via its shortest repr."""
    try:
        return Decimal(repr(float(value)))
    except InvalidOperation as exc:  # pragma: no cover - repr of a float is always a number
        raise ValueError(f"not a number: {value!r}") from exc


def exact_floats(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """A float column (Parquet, a spreadsheet) as the canonical `number` column and its bad cells (not
    finite, or LIMIT or more): `decimal_from_float` of each distinct value once (a score column of a million
    cells has about a thousand), then `exact_column`'s rule on the whole column: int64 when every value is
    whole (Int64 with blanks), else Decimals and None."""
    floats = series.to_numpy(dtype="float64", na_value=np.nan)
    missing = np.isnan(floats)
    finite = np.isfinite(floats)
    # the bit pattern tells -0.0 from 0.0 (equal floats, but Decimal('-0.0') is not Decimal('0.0'))
    codes, uniques = pd.factorize(floats[finite].view(np.int64))
    decimals = [decimal_from_float(v) for v in np.asarray(uniques, dtype=np.int64).view(np.float64)]
    large = np.array([abs(d) >= LIMIT for d in decimals], dtype=bool)
    whole = np.array([d == d.to_integral_value() for d in decimals], dtype=bool)
    bad = ~finite & ~missing
    bad[finite] = large[codes]
    present = np.zeros(len(floats), dtype=bool)
    present[finite] = ~large[codes]
    index = series.index
    if whole[~large].all():
        ints = np.zeros(len(floats), dtype=np.int64)
        ints[finite] = np.array([int(d) if w else 0 for d, w in zip(decimals, whole, strict=True)],
                                dtype=np.int64)[codes] if len(decimals) else 0
        values = pd.Series(ints, index=index, dtype="int64") if present.all() else \
            pd.Series(pd.arrays.IntegerArray(ints, ~present), index=index)
        return values, pd.Series(bad, index=index)
    table = np.array([None, *(None if big else d for d, big in zip(decimals, large, strict=True))], dtype=object)
    positions = np.zeros(len(floats), dtype=np.int64)
    positions[finite] = codes + 1
    return pd.Series(table[positions], index=index, dtype=object), pd.Series(bad, index=index)


def seconds_text(value: timedelta) -> str:
    """``H:MM:SS`` text of a timedelta (spreadsheet durations)."""
    total = value.total_seconds()
    whole = int(total)
    hours, rest = divmod(whole, 3600)
    minutes, seconds = divmod(rest, 60)
    frac = Decimal(repr(total)) - whole
    tail = str(frac)[1:] if frac else ""
    return f"{hours}:{minutes:02d}:{seconds:02d}{tail}"


# ------------------------------------------------------------------------ cells and whole columns

#: The parser (a mapping's `parse` name) a column of each canonical type is read with by default.
DEFAULT_PARSER = {"int": "integer", "number": "number", "str": "text", "date": "date", "datetime": "datetime",
                  "month": "month", "bool": "yes_no", "interval_start": "time_hhmm", "utc_offset": "utc_offset"}


def scalar_text(value: object) -> tuple[str, bool]:
    """A value written in YAML or Python (a mapping's constant, fill or condition) → (text, native number?),
    the text read back by the column's parser."""
    if isinstance(value, bool):
        return ("true" if value else "false"), False
    if isinstance(value, Decimal):
        return (format(value, "f"), True) if value.is_finite() else (str(value), False)
    if isinstance(value, (int, float)):
        return cell_text(value)
    if isinstance(value, (date, datetime)):
        return cell_text(value)
    return str(value), False



def cell_text(value: object) -> tuple[str, bool]:
    """Spreadsheet cell → (text, native number?). Native numbers are written canonically."""
    if value is None:
        return "", False
    if isinstance(value, bool):
        return ("true" if value else "false"), False
    if isinstance(value, int):
        return str(value), True
    if isinstance(value, float):
        if not math.isfinite(value):
            return repr(value), False
        if value.is_integer():
            return str(int(value)), True
        return format(decimal_from_float(value), "f"), True
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.date().isoformat(), False
        return value.isoformat(sep=" "), False
    if isinstance(value, date):
        return value.isoformat(), False
    if isinstance(value, time):
        return value.isoformat(), False
    if isinstance(value, timedelta):
        return seconds_text(value), False
    return str(value), False



def as_text(series: pd.Series) -> pd.Series:
    """Any column (text, or typed Parquet) as stripped text (a nullable string Series; blank → NA)."""
    texts = series if _is_text(series) else _typed_to_text(series)
    return _texts(texts)[0]


def _is_text(series: pd.Series) -> bool:
    return series.dtype == object or pd.api.types.is_string_dtype(series.dtype)


def _typed_to_text(series: pd.Series) -> pd.Series:
    """A typed (Parquet) column as canonical text, for the text parsers."""
    if pd.api.types.is_float_dtype(series.dtype):
        return pd.Series([None if pd.isna(v) else cell_text(float(v))[0] for v in series],
                         index=series.index, dtype=object)
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        return pd.Series([None if pd.isna(v) else cell_text(v.to_pydatetime())[0] for v in series],
                         index=series.index, dtype=object)
    if pd.api.types.is_bool_dtype(series.dtype):
        return series.map(lambda v: None if pd.isna(v) else ("true" if v else "false")).astype(object)
    return series.map(lambda v: None if v is None or v is pd.NA else str(v)).astype(object)


def _parse_typed(series: pd.Series, parser: str) -> tuple[pd.Series, pd.Series] | None:
    """Fast exact conversion of a typed Parquet column, or None to go through text."""
    no_bad = pd.Series(False, index=series.index)
    kind = series.dtype
    if parser in ("integer", "number") and pd.api.types.is_integer_dtype(kind):
        values = series.astype("Int64")
        return (values.astype("int64") if not values.isna().any() else values), no_bad
    if parser == "number" and pd.api.types.is_float_dtype(kind):
        return exact_floats(series)
    if parser in ("date", "date_dayfirst") and pd.api.types.is_datetime64_any_dtype(kind):
        values = series.dt.tz_localize(None) if getattr(kind, "tz", None) else series
        values = values.astype("datetime64[ns]")
        bad = values.notna() & (values != values.dt.normalize())
        return values.where(~bad), bad
    if parser in ("datetime", "datetime_dayfirst") and pd.api.types.is_datetime64_any_dtype(kind):
        values = series.dt.tz_localize(None) if getattr(kind, "tz", None) else series
        return values.astype("datetime64[ns]"), no_bad
    if parser in ("yes_no", "not_yes_no") and pd.api.types.is_bool_dtype(kind):
        values = series.astype("boolean")
        if parser == "not_yes_no":
            values = ~values
        return (values.astype(bool) if not values.isna().any() else values), no_bad
    return None


def parse_column(series: pd.Series, parser: str, *, decimal: str | None = None, thousands: str | None = None,
                 dayfirst: bool = False, native: pd.Series | None = None,
                 ) -> tuple[pd.Series, pd.Series, pd.Series | None]:
    """(values, bad mask, ambiguous mask or None) of one column with the named parser (a mapping's `parse`
    name, see `ccanalysis.io.mapping.ParserName`); a typed Parquet column is converted directly when it can be."""
    if not _is_text(series):
        typed = _parse_typed(series, parser)
        if typed is not None:
            return typed[0], typed[1], None
        series = _typed_to_text(series)
        native = pd.Series(True, index=series.index)
    if parser == "number":
        values, bad = parse_decimal(series, decimal=decimal, thousands=thousands, native=native)
        ambiguous = None
        if decimal is None and thousands is None and bad.any():
            ambiguous = ambiguous_numbers(series) & bad
            if native is not None:
                ambiguous &= ~native.astype(bool)
        return exact_column(values), bad, ambiguous
    if parser == "integer":
        return (*parse_int(series, thousands=thousands), None)
    if parser == "percent":
        values, bad = parse_percent(series, decimal=decimal, thousands=thousands)
        return exact_column(values), bad, None
    if parser == "duration_hms":
        return (*parse_duration(series), None)
    if parser in ("yes_no", "not_yes_no"):
        return (*parse_flag(series, negate=parser == "not_yes_no"), None)
    if parser in ("date", "date_dayfirst"):
        return (*parse_date(series, dayfirst=dayfirst or parser == "date_dayfirst"), None)
    if parser in ("datetime", "datetime_dayfirst"):
        return (*parse_datetime(series, dayfirst=dayfirst or parser == "datetime_dayfirst"), None)
    if parser == "time_hhmm":
        return (*parse_time_hhmm(series), None)
    if parser == "month":
        return (*parse_month(series), None)
    if parser == "utc_offset":
        return (*parse_utc_offset(series), None)
    return (*parse_text(series), None)
