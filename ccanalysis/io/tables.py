"""The canonical tables of data.md: column specs, reading one file into a typed DataFrame, row checks.

`read_table` turns one .csv / .xlsx / .parquet file into the canonical DataFrame of a table, collecting
a `Problem` for every bad cell instead of stopping at the first; `check_rows` applies data.md's row
rules to a table concatenated from all its files. Canonical in-memory types:

====================  ============================================================================
``int``               int64 (nullable Int64 only when an optional column has blanks)
``number``            int64 when every value is whole, else object dtype of exact ``Decimal``
``str``               stripped strings, object dtype; blank → None (an error in a required column)
``date``/``datetime`` datetime64[ns] (dates at midnight)
``month``             ``"YYYY-MM"``;  ``interval_start``: ``"HH:MM"``;  ``utc_offset``: ``"+HH:MM"``
``bool``              bool (nullable boolean when an optional column has blanks)
====================  ============================================================================

Every frame also has ``_file`` (the path as given for messages) and ``_row`` (the row the user sees:
CSV/XLSX header = row 1, first data row = row 2; Parquet rows count from 1).

Columns that are not in the table's spec are dropped. In a file read without a mapping, an unknown
column whose name is close to a table column (``Offered``, ``abandonned_short``) is an error suggesting
the right name, so that a typo cannot silently drop data; with a mapping, only the mapped columns
(and source columns already named like table columns) are read.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
import pandera.pandas as pa

from ccanalysis.errors import Problem
from ccanalysis.io import parsing
from ccanalysis.io.mapping import Mapping

ColumnType = Literal["int", "number", "str", "date", "datetime", "month", "bool", "interval_start",
                     "utc_offset"]

#: At most this many bad cells are listed per column and rule; the rest are counted in one line.
MAX_PROBLEMS_PER_COLUMN = 50

MAPPING_HINT = "parameters/ENG/mappings/*.yaml"


@dataclass(frozen=True)
class ColumnSpec:
    """One column of a canonical table."""

    type: ColumnType
    required: bool = True
    minimum: int | None = 0  # for int / number; None = may be negative
    maximum: int | None = None
    allowed: tuple[str, ...] | None = None  # for str: the only values allowed


@dataclass(frozen=True)
class TableSpec:
    """A canonical table: its columns, its duplicate key (if any) and columns of which one is needed."""

    name: str
    columns: dict[str, ColumnSpec]
    key: tuple[str, ...] = ()
    one_of: tuple[str, ...] = ()
    may_be_empty: bool = False

    def required(self) -> list[str]:
        return [name for name, col in self.columns.items() if col.required]


def _c(kind: ColumnType, required: bool = True, **kw: object) -> ColumnSpec:
    return ColumnSpec(kind, required, **kw)  # type: ignore[arg-type]


_ACTIVITY = {
    "date": _c("date"), "interval_start": _c("interval_start", False), "utc_offset": _c("utc_offset", False),
    "supplier": _c("str"), "service": _c("str"),
    "offered": _c("int"), "handled": _c("int"), "abandoned": _c("int"), "abandoned_short": _c("int", False),
    "answered_within_sl": _c("int"), "abandoned_within_sl": _c("int", False),
    "wait_s": _c("number", False), "talk_s": _c("number"), "hold_s": _c("number"), "acw_s": _c("number"),
    "logged_s": _c("number"), "aux_s": _c("number", False), "sl_threshold_s": _c("int", False),
    "customers": _c("int", False), "sales": _c("int", False), "resolved_first_contact": _c("int", False),
    "collected_amount": _c("number", False), "placed_amount": _c("number", False),
    "qa_score": _c("number", False, maximum=100), "csat": _c("number", False, minimum=1, maximum=5),
}

_REPORTED_KPIS = {
    "date": _c("date", False), "month": _c("month", False), "supplier": _c("str"), "service": _c("str"),
    # registry KPIs (kpis.md) as reported: ratios as fractions (94.01 % → 0.9401), times in seconds
    **{name: _c("number", False) for name in (
        "service_level", "abandonment_rate", "answer_rate", "asa_s", "aht_s", "occupancy", "fcr",
        "qa_score", "csat", "attrition_rate", "training_hours_per_head", "cost_per_contact",
        "collections_recovery_rate", "wait_s", "talk_s", "hold_s", "acw_s", "logged_s", "aux_s",
        "collected_amount", "placed_amount")},
    **{name: _c("int", False) for name in (
        "offered", "handled", "abandoned", "abandoned_short", "answered_within_sl", "abandoned_within_sl",
        "customers", "sales", "resolved_first_contact")},
}

DISPUTE_STATUSES = ("detected", "validated", "submitted", "accepted", "partially_accepted", "rejected",
                    "credited", "verified", "closed", "cancelled")

TABLES: dict[str, TableSpec] = {
    "activity": TableSpec("activity", _ACTIVITY,
                          key=("date", "interval_start", "utc_offset", "supplier", "service")),
    "contacts": TableSpec("contacts", {
        "contact_id": _c("str"), "supplier": _c("str"), "service": _c("str"), "start": _c("datetime"),
        "queue_s": _c("number"), "answered": _c("bool"), "abandoned": _c("bool"),
        "talk_s": _c("number"), "hold_s": _c("number"), "acw_s": _c("number"),
        "resolved": _c("bool", False), "customer_id": _c("str", False), "outcome": _c("str", False),
        "amount": _c("number", False), "qa_score": _c("number", False, maximum=100),
        "csat": _c("number", False, minimum=1, maximum=5),
    }, key=("contact_id",)),
    "plan": TableSpec("plan", {
        "date": _c("date"), "supplier": _c("str"), "service": _c("str"), "offered": _c("int"),
        "aht_s": _c("number"), "handled": _c("int", False), "logged_s": _c("number", False),
        "cost": _c("number", False),
    }, key=("date", "supplier", "service")),
    "budget": TableSpec("budget", {
        "month": _c("month"), "supplier": _c("str"), "service": _c("str"), "amount": _c("number"),
    }, key=("month", "supplier", "service")),
    "workforce": TableSpec("workforce", {
        "month": _c("month"), "supplier": _c("str"), "service": _c("str"), "headcount_avg": _c("number"),
        "leavers": _c("int"), "hires": _c("int"), "training_hours": _c("number"),
        "headcount_start": _c("int", False), "new_hire_training_hours": _c("number", False),
        "certifications": _c("str", False), "security_incidents": _c("int", False),
    }, key=("month", "supplier", "service")),
    "reported_kpis": TableSpec("reported_kpis", _REPORTED_KPIS, one_of=("date", "month")),
    "invoice_lines": TableSpec("invoice_lines", {
        "invoice_id": _c("str"), "issue_date": _c("date"), "period_start": _c("date"),
        "period_end": _c("date"), "line": _c("int"), "service": _c("str", False),
        "charge": _c("str", False), "description": _c("str"), "quantity": _c("number", minimum=None),
        "unit": _c("str", False),
        # blank on percentage lines; the (negative) fraction on an SLA penalty line (audit.md)
        "unit_price": _c("number", False, minimum=None), "amount": _c("number", minimum=None),
        "tax_rate": _c("number"),
        # header totals of a corrective invoice are negative like its lines
        "total_net": _c("number", False, minimum=None), "total_tax": _c("number", False, minimum=None),
        "total_gross": _c("number", False, minimum=None), "corrects_invoice_id": _c("str", False),
    }),  # no duplicate key: a line billed twice is an audit finding, not a load error
    "disputes": TableSpec("disputes", {
        "dispute_id": _c("str"), "supplier": _c("str"), "invoice_id": _c("str"), "month": _c("month"),
        "finding_id": _c("str", False), "check": _c("str"), "service": _c("str", False),
        "charge": _c("str", False), "amount_claimed": _c("number"),
        "status": _c("str", allowed=DISPUTE_STATUSES), "status_date": _c("date"),
        "amount_accepted": _c("number", False), "amount_credited": _c("number", False),
        "credit_invoice_id": _c("str", False), "note": _c("str", False),
    }, may_be_empty=True),
}

#: Default parser (mapping `parse` name) per column type.
_DEFAULT_PARSER = {"int": "integer", "number": "number", "str": "text", "date": "date",
                   "datetime": "datetime", "month": "month", "bool": "yes_no",
                   "interval_start": "time_hhmm", "utc_offset": "utc_offset"}

_EXPECTED = {
    "integer": "expected a whole number (e.g. 120)",
    "number": ("expected a number with a decimal point and no thousands separator (e.g. 1234.56); "
               f"other conventions are declared in a mapping ({MAPPING_HINT})"),
    "percent": "expected a percentage such as 94.01% or a fraction such as 0.9401",
    "duration_hms": "expected a duration H:MM:SS or MM:SS",
    "yes_no": "expected a yes/no flag (Y/N, yes/no, sí/no, true/false, 1/0)",
    "not_yes_no": "expected a yes/no flag (Y/N, yes/no, sí/no, true/false, 1/0)",
    "date": ("expected a date YYYY-MM-DD (day-first dates such as 31/12/2026 need `dayfirst: true` in a "
             f"mapping, {MAPPING_HINT})"),
    "date_dayfirst": "expected a day-first date DD/MM/YYYY or DD-MM-YYYY",
    "datetime": "expected a date and time YYYY-MM-DD HH:MM[:SS]",
    "datetime_dayfirst": "expected a day-first date and time DD/MM/YYYY HH:MM[:SS]",
    "time_hhmm": "expected a time of day HH:MM (e.g. 09:30)",
    "month": "expected a month YYYY-MM (e.g. 2026-03)",
    "utc_offset": "expected a UTC offset such as +02:00",
    "text": "expected text",
}


class _Reader:
    """Collects problems of one file, capped per column and rule."""

    def __init__(self, shown: str) -> None:
        self.shown = shown
        self.problems: list[Problem] = []

    def add(self, message: str, *, row: int | None = None, column: str | None = None,
            value: object = None) -> None:
        self.problems.append(Problem(self.shown, message, row=row, column=column, value=value))

    def cells(self, mask: pd.Series, rows: pd.Series, values: pd.Series, column: str,
              message: str | dict[bool, str], kinds: pd.Series | None = None) -> None:
        """One problem per True cell of `mask` (up to the cap), naming row, column and value."""
        hits = np.flatnonzero(mask.to_numpy(dtype=bool))
        for i in hits[:MAX_PROBLEMS_PER_COLUMN]:
            text = message if isinstance(message, str) else message[bool(kinds.iloc[i])]
            self.add(text, row=int(rows.iloc[i]), column=column, value=_shown(values.iloc[i]))
        if len(hits) > MAX_PROBLEMS_PER_COLUMN:
            self.add(f"… and {len(hits) - MAX_PROBLEMS_PER_COLUMN} more bad values in this column",
                     column=column)


def _shown(value: object) -> object:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    return value.item() if isinstance(value, np.generic) else value


# ---------------------------------------------------------------------------------------------- reading

def _cell_text(value: object) -> tuple[str, bool]:
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
        return format(parsing.decimal_from_float(value), "f"), True
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.date().isoformat(), False
        return value.isoformat(sep=" "), False
    if isinstance(value, date):
        return value.isoformat(), False
    if isinstance(value, time):
        return value.isoformat(), False
    if isinstance(value, timedelta):
        return parsing.seconds_text(value), False
    return str(value), False


def _read_csv(path: Path, mapping: Mapping | None, out: _Reader) -> pd.DataFrame | None:
    encoding = mapping.encoding if mapping else "utf-8"
    if encoding.lower().replace("-", "").replace("_", "") in ("utf8", "utf8sig"):
        encoding = "utf-8-sig"  # tolerate a byte-order mark
    try:
        frame = pd.read_csv(path, sep=mapping.sep if mapping else ",", dtype=str, keep_default_na=False,
                            encoding=encoding, skip_blank_lines=False, na_filter=False)
    except UnicodeDecodeError as exc:
        out.add(f"the file is not {encoding} text ({exc.reason} at byte {exc.start}); declare its "
                f"`encoding` (e.g. cp1252) in a mapping ({MAPPING_HINT})")
        return None
    except pd.errors.EmptyDataError:
        out.add("the file is empty: expected a header row and data rows")
        return None
    except (pd.errors.ParserError, ValueError) as exc:
        out.add(f"cannot read the file as CSV: {exc}")
        return None
    frame.columns = [str(c).strip() for c in frame.columns]
    frame.insert(0, "_row", np.arange(2, len(frame) + 2))
    return frame


def _read_xlsx(path: Path, mapping: Mapping | None, out: _Reader,
               native: dict[str, pd.Series]) -> pd.DataFrame | None:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any unreadable workbook is one problem
        out.add(f"cannot read the file as an Excel workbook: {exc}")
        return None
    try:
        sheet_name = mapping.sheet if mapping and mapping.sheet is not None else 0
        if isinstance(sheet_name, int):
            if sheet_name >= len(book.sheetnames):
                out.add(f"the workbook has no sheet number {sheet_name}", column="sheet")
                return None
            sheet = book[book.sheetnames[sheet_name]]
        elif sheet_name in book.sheetnames:
            sheet = book[sheet_name]
        else:
            out.add(f"the workbook has no sheet {sheet_name!r}; sheets: {', '.join(book.sheetnames)}",
                    column="sheet")
            return None
        rows = iter(sheet.iter_rows(values_only=True))
        header = next(rows, None)
        if header is None or all(v is None for v in header):
            out.add("the sheet is empty: expected a header row and data rows")
            return None
        names = [_cell_text(v)[0].strip() for v in header]
        texts: list[list[str]] = [[] for _ in names]
        natives: list[list[bool]] = [[] for _ in names]
        for row in rows:
            for j in range(len(names)):
                text, is_native = _cell_text(row[j] if j < len(row) else None)
                texts[j].append(text)
                natives[j].append(is_native)
    finally:
        book.close()
    frame = pd.DataFrame({name: pd.Series(col, dtype=object) for name, col in zip(names, texts, strict=True)
                          if name})
    for name, flags in zip(names, natives, strict=True):
        if name:
            native[name] = pd.Series(flags, dtype=bool)
    frame.insert(0, "_row", np.arange(2, len(frame) + 2))
    return frame


def _read_parquet(path: Path, out: _Reader) -> pd.DataFrame | None:
    import pyarrow as pyarrow_mod
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except Exception as exc:  # noqa: BLE001
        out.add(f"cannot read the file as Parquet: {exc}")
        return None

    def mapper(arrow_type: pyarrow_mod.DataType) -> object:
        if pyarrow_mod.types.is_integer(arrow_type):
            return pd.Int64Dtype()
        if pyarrow_mod.types.is_boolean(arrow_type):
            return pd.BooleanDtype()
        return None

    frame = table.to_pandas(types_mapper=mapper, date_as_object=False)
    frame.columns = [str(c).strip() for c in frame.columns]
    frame.insert(0, "_row", np.arange(1, len(frame) + 1))
    return frame


def _read_raw(path: Path, mapping: Mapping | None, out: _Reader,
              native: dict[str, pd.Series]) -> pd.DataFrame | None:
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx", ".parquet"):
        out.add(f"unsupported file format {path.suffix or '(no suffix)'!r}: table files are .csv, .xlsx or "
                ".parquet")
        return None
    try:
        if path.stat().st_size == 0:
            out.add("the file is empty: expected a header row and data rows")
            return None
    except OSError as exc:
        out.add(f"cannot read the file: {exc}")
        return None
    if suffix == ".csv":
        frame = _read_csv(path, mapping, out)
    elif suffix == ".xlsx":
        frame = _read_xlsx(path, mapping, out, native)
    else:
        frame = _read_parquet(path, out)
    if frame is None:
        return None
    # drop rows where every cell is blank (trailing lines, spreadsheet padding); keep row numbers
    cells = frame.drop(columns="_row")
    if len(cells.columns) and len(frame):
        blank = pd.Series(True, index=frame.index)
        for name in cells.columns:
            col = cells[name]
            if col.dtype == object or pd.api.types.is_string_dtype(col.dtype):
                blank &= col.isna() | (col.astype("string").str.strip() == "")
            else:
                blank &= col.isna()
        frame = frame[~blank.to_numpy()].reset_index(drop=True)
        for name in list(native):
            native[name] = native[name][~blank.to_numpy()].reset_index(drop=True)
    return frame


# ---------------------------------------------------------------------------------------------- parsing

def _is_text(series: pd.Series) -> bool:
    return series.dtype == object or pd.api.types.is_string_dtype(series.dtype)


def _typed_to_text(series: pd.Series) -> pd.Series:
    """A typed (Parquet) column as canonical text, for the text parsers."""
    if pd.api.types.is_float_dtype(series.dtype):
        return pd.Series([None if pd.isna(v) else _cell_text(float(v))[0] for v in series],
                         index=series.index, dtype=object)
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        return pd.Series([None if pd.isna(v) else _cell_text(v.to_pydatetime())[0] for v in series],
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
        finite = series.isna() | np.isfinite(series.astype("float64"))
        decimals = [None if pd.isna(v) else parsing.decimal_from_float(v) for v in series.where(finite)]
        return parsing.exact_column(pd.Series(decimals, index=series.index, dtype=object)), ~finite
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


def _parse(series: pd.Series, parser: str, mapping: Mapping | None,
           native: pd.Series | None) -> tuple[pd.Series, pd.Series, pd.Series | None]:
    """(values, bad mask, ambiguous mask or None) of one column with the named parser."""
    if not _is_text(series):
        typed = _parse_typed(series, parser)
        if typed is not None:
            return typed[0], typed[1], None
        series = _typed_to_text(series)
        native = pd.Series(True, index=series.index)
    dec = mapping.decimal if mapping else None
    thou = mapping.thousands if mapping else None
    dayfirst = bool(mapping and mapping.dayfirst)
    if parser == "number":
        values, bad = parsing.parse_decimal(series, decimal=dec, thousands=thou, native=native)
        ambiguous = None
        if dec is None and thou is None and bad.any():
            ambiguous = parsing.ambiguous_numbers(series) & bad
            if native is not None:
                ambiguous &= ~native.astype(bool)
        return parsing.exact_column(values), bad, ambiguous
    if parser == "integer":
        return (*parsing.parse_int(series, thousands=thou), None)
    if parser == "percent":
        values, bad = parsing.parse_percent(series, decimal=dec, thousands=thou)
        return parsing.exact_column(values), bad, None
    if parser == "duration_hms":
        return (*parsing.parse_duration(series), None)
    if parser in ("yes_no", "not_yes_no"):
        return (*parsing.parse_flag(series, negate=parser == "not_yes_no"), None)
    if parser in ("date", "date_dayfirst"):
        return (*parsing.parse_date(series, dayfirst=dayfirst or parser == "date_dayfirst"), None)
    if parser in ("datetime", "datetime_dayfirst"):
        return (*parsing.parse_datetime(series, dayfirst=dayfirst or parser == "datetime_dayfirst"), None)
    if parser == "time_hhmm":
        return (*parsing.parse_time_hhmm(series), None)
    if parser == "month":
        return (*parsing.parse_month(series), None)
    if parser == "utc_offset":
        return (*parsing.parse_utc_offset(series), None)
    return (*parsing.parse_text(series), None)


def _coerce_to_type(values: pd.Series, kind: ColumnType, rows: pd.Series, column: str,
                    out: _Reader) -> pd.Series:
    """A parser's output in the column's canonical type (a mapping may pick e.g. `percent` for a number
    column or `duration_hms` for an int column)."""
    if kind == "int" and values.dtype == object:
        whole = values.map(lambda v: v is None or v == v.to_integral_value())
        out.cells(~whole, rows, values, column, "expected a whole number")
        return parsing.exact_column(values.where(whole, None)).astype("Int64") if not whole.all() \
            else _int_column(values)
    if kind == "number" and pd.api.types.is_integer_dtype(values.dtype) and values.isna().any():
        return values.astype("Int64")
    return values


def _int_column(values: pd.Series) -> pd.Series:
    col = parsing.exact_column(values)
    return col if pd.api.types.is_integer_dtype(col.dtype) else col.astype("Int64")


def _constant_text(value: object) -> tuple[str, bool]:
    if isinstance(value, bool):
        return ("true" if value else "false"), False
    if isinstance(value, (int, float)):
        return _cell_text(value)
    if isinstance(value, date):
        return value.isoformat(), False
    return str(value), False


def _apply_mapping(raw: pd.DataFrame, spec: TableSpec, mapping: Mapping, native: dict[str, pd.Series],
                   out: _Reader) -> tuple[pd.DataFrame, dict[str, tuple[str, str]], dict[str, pd.Series]]:
    """Renamed columns (canonical and helper names), date+time pairs to combine, native masks."""
    where = mapping.source or "the mapping"
    work = pd.DataFrame({"_row": raw["_row"]})
    work_native: dict[str, pd.Series] = {}
    pairs: dict[str, tuple[str, str]] = {}
    mapped_sources = set()
    for name, source in mapping.columns.items():
        sources = source if isinstance(source, list) else [source]
        missing = [s for s in sources if s not in raw.columns]
        for s in missing:
            out.add(f"column {s!r} (mapped to {name!r} in {where}) is not in the file; columns found: "
                    f"{', '.join(c for c in raw.columns if c != '_row')}", column=s)
        if missing:
            continue
        mapped_sources.update(sources)
        if isinstance(source, list):
            if name in spec.columns and spec.columns[name].type != "datetime":
                out.add(f"{where}: a pair of source columns (date, time) can only fill a date-and-time "
                        f"column; {name!r} is a {spec.columns[name].type}", column=name)
                continue
            pairs[name] = (source[0], source[1])
            continue
        work[name] = raw[source]
        if source in native:
            work_native[name] = native[source]
    for name in raw.columns:  # source columns already named like the table's columns
        if name in spec.columns and name not in work.columns and name not in pairs:
            work[name] = raw[name]
            if name in native:
                work_native[name] = native[name]
    extra_names = {n for d in mapping.derivations().values() for n in d.names()}
    if mapping.dates_from is not None:
        extra_names.add(mapping.dates_from.order_by)
    for name in extra_names:  # identifiers referring to source columns directly
        if name not in work.columns and name in raw.columns:
            work[name] = raw[name]
            if name in native:
                work_native[name] = native[name]
    for name, value in mapping.constants.items():
        text, is_native = _constant_text(value)
        work[name] = pd.Series([text] * len(work), index=work.index, dtype=object)
        work_native[name] = pd.Series(is_native, index=work.index)
    helpers = {n for d in mapping.derivations().values() for n in d.names()}
    for name in (*mapping.columns, *mapping.constants, *mapping.derive):
        if name not in spec.columns and name not in helpers:
            out.add(f"{where}: {name!r} is not a column of table {spec.name} (nor used by `derive`); table "
                    f"columns: {', '.join(spec.columns)}", column=name)
    for name in mapping.parse:
        if name not in work.columns and name not in pairs and name not in mapping.derive:
            out.add(f"{where}: `parse` names {name!r}, which is neither mapped nor in the file", column=name)
    return work, pairs, work_native


def _derive(work_values: dict[str, pd.Series], target: str, derivation: object, rows: pd.Series,
            out: _Reader, where: str) -> pd.Series | None:
    factors: list[pd.Series | Decimal] = []
    for op in derivation.operands:  # type: ignore[attr-defined]
        if isinstance(op, Decimal):
            factors.append(op)
        elif op in work_values:
            factors.append(work_values[op])
        else:
            out.add(f"{where}: derive {target!r} uses {op!r}, which is neither mapped nor in the file",
                    column=target)
            return None
    n = len(rows)
    result: list[Decimal | None] = [Decimal(1)] * n
    for factor in factors:
        if isinstance(factor, Decimal):
            result = [None if r is None else r * factor for r in result]
        else:
            result = [None if (r is None or pd.isna(v)) else r * (v if isinstance(v, Decimal) else Decimal(int(v)))
                      for r, v in zip(result, factor.tolist(), strict=True)]
    return parsing.exact_column(pd.Series(result, index=rows.index, dtype=object))


def read_table(path: Path, table: str, *, mapping: Mapping | None = None,
               display_path: str | None = None) -> tuple[pd.DataFrame, list[Problem]]:
    """Read one table file into the table's canonical DataFrame, with every problem found.

    The frame holds the table's columns present in the file (after the mapping, if any) in canonical
    types plus ``_file`` and ``_row``. When problems are returned the frame must not be used for
    computing (it may be partial)."""
    path = Path(path)
    spec = TABLES[table]
    shown = display_path or str(path)
    out = _Reader(shown)
    native: dict[str, pd.Series] = {}
    raw = _read_raw(path, mapping, out, native)
    if raw is None:
        return _empty(spec, shown), out.problems
    if raw.empty and not spec.may_be_empty:
        out.add("the file has a header but no data rows")
    if mapping is not None:
        if mapping.table != table:
            out.add(f"{mapping.source or 'the mapping'} is for table {mapping.table!r}, not {table!r}")
            return _empty(spec, shown), out.problems
        work, pairs, native = _apply_mapping(raw, spec, mapping, native, out)
    else:
        work, pairs = raw, {}
        known = list(spec.columns)
        for name in raw.columns:
            if name == "_row" or name in spec.columns:
                continue
            close = difflib.get_close_matches(name.lower().replace(" ", "_"), known, n=1, cutoff=0.8)
            if close:
                out.add(f"unknown column {name!r}; did you mean {close[0]!r}? (column names are exactly as "
                        f"in data.md)", column=name)
    rows = work["_row"].reset_index(drop=True)
    work = work.reset_index(drop=True)
    parsers = mapping.parse if mapping else {}
    parsed: dict[str, pd.Series] = {}
    unreadable: dict[str, np.ndarray] = {}  # cells already reported: not "blank" again
    # helpers first (columns a derive or dates_from refers to), then the table's columns
    helpers = {n for d in mapping.derivations().values() for n in d.names()} if mapping else set()
    for name in [n for n in work.columns if n != "_row"]:
        if name not in spec.columns and name not in helpers:
            continue
        col_spec = spec.columns.get(name)
        parser = parsers.get(name) or (_DEFAULT_PARSER[col_spec.type] if col_spec else "number")
        values, bad, ambiguous = _parse(work[name], parser, mapping, native.get(name))
        raw_values = work[name]
        if ambiguous is not None and ambiguous.any():
            message = {True: (f"ambiguous number: it reads as a decimal or as thousands; declare decimal "
                              f"and thousands separators in a mapping ({MAPPING_HINT})"),
                       False: _EXPECTED[parser]}
            out.cells(bad, rows, raw_values, name, message, kinds=ambiguous)
        else:
            out.cells(bad, rows, raw_values, name, _EXPECTED.get(parser, "cannot be read"))
        if col_spec is not None:
            values = _coerce_to_type(values, col_spec.type, rows, name, out)
        parsed[name] = values
        unreadable[name] = bad.to_numpy(dtype=bool)
    for name, (date_col, time_col) in pairs.items():
        values, bad = parsing.combine_date_time(raw[date_col].reset_index(drop=True),
                                                raw[time_col].reset_index(drop=True),
                                                dayfirst=bool(mapping and mapping.dayfirst))
        shown_values = raw[date_col].astype(str).str.cat(raw[time_col].astype(str), sep=" ")
        out.cells(bad, rows, shown_values.reset_index(drop=True), f"{date_col} + {time_col}",
                  "expected a date (YYYY-MM-DD, or day first with `dayfirst: true`) and a time HH:MM[:SS]")
        parsed[name] = values
        unreadable[name] = bad.to_numpy(dtype=bool)
    if mapping is not None:
        where = mapping.source or "the mapping"
        for target, derivation in mapping.derivations().items():
            values = _derive(parsed, target, derivation, rows, out, where)
            if values is not None:
                col_spec = spec.columns.get(target)
                parsed[target] = _coerce_to_type(values, col_spec.type, rows, target, out) if col_spec \
                    else values
        if mapping.dates_from is not None:
            dates = _dates_from(parsed, work, mapping, rows, out)
            if dates is not None:
                parsed["date"] = dates
    frame = pd.DataFrame({name: parsed[name] for name in spec.columns if name in parsed})
    frame["_file"] = shown
    frame["_row"] = rows.to_numpy()
    for name in spec.required():
        if name not in frame.columns:
            out.add(f"missing required column {name!r} of table {table}"
                    + (f" (map it in {mapping.source or 'the mapping'})" if mapping else ""), column=name)
    if spec.one_of and not any(n in frame.columns for n in spec.one_of):
        out.add(f"table {table} needs one of the columns {', '.join(spec.one_of)}", column=spec.one_of[0])
    out.problems.extend(_validate(frame, spec, unreadable))
    return frame, out.problems


def _dates_from(parsed: dict[str, pd.Series], work: pd.DataFrame, mapping: Mapping, rows: pd.Series,
                out: _Reader) -> pd.Series | None:
    rule = mapping.dates_from
    assert rule is not None
    name = rule.order_by
    if name not in work.columns:
        out.add(f"{mapping.source or 'the mapping'}: dates_from.order_by names {name!r}, which is not in the "
                f"file", column=name)
        return None
    order, bad = parsing.parse_int(work[name])
    out.cells(bad, rows, work[name], name, "expected a whole number to order the rows by (dates_from)")
    if bad.any() or order.isna().any():
        return None
    repeated = order.duplicated(keep="first")
    out.cells(repeated, rows, order, name, "repeated value: dates_from needs one row per day")
    if repeated.any():
        return None
    days = (order - order.min()).astype("int64")
    start = pd.Timestamp(rule.start)
    return (start + pd.to_timedelta(days, unit="D")).astype("datetime64[ns]")


def _empty(spec: TableSpec, shown: str) -> pd.DataFrame:
    frame = pd.DataFrame({name: pd.Series(dtype=object) for name in spec.required()})
    frame["_file"] = pd.Series(dtype=object)
    frame["_row"] = pd.Series(dtype="int64")
    return frame


# ------------------------------------------------------------------------------------------- validation

def _schema(frame: pd.DataFrame, spec: TableSpec) -> pa.DataFrameSchema:
    columns = {}
    for name, col in spec.columns.items():
        if name not in frame.columns:
            continue
        checks = []
        if col.type in ("int", "number"):
            what = "a whole number" if col.type == "int" else "a number"
            if col.minimum is not None and col.maximum is not None:
                checks.append(pa.Check.in_range(col.minimum, col.maximum,
                                                error=f"expected {what} from {col.minimum} to {col.maximum}"))
            elif col.minimum is not None:
                checks.append(pa.Check.ge(col.minimum, error=f"expected {what} >= {col.minimum}"))
            elif col.maximum is not None:
                checks.append(pa.Check.le(col.maximum, error=f"expected {what} <= {col.maximum}"))
        if col.type == "str":
            checks.append(pa.Check(lambda s: s.astype(str).str.len() > 0, element_wise=False,
                                   error="expected a non-empty text"))
            if col.allowed:
                checks.append(pa.Check.isin(list(col.allowed),
                                            error=f"expected one of {', '.join(col.allowed)}"))
        columns[name] = pa.Column(None, checks=checks, nullable=not col.required)
    return pa.DataFrameSchema(columns, strict=False)


def _validate(frame: pd.DataFrame, spec: TableSpec, unreadable: dict[str, np.ndarray]) -> list[Problem]:
    """Ranges, allowed values and required (non-blank) cells, checked lazily by pandera: one Problem per
    failure case, mapped back to the file's row."""
    if frame.empty:
        return []
    try:
        _schema(frame, spec).validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        return _failures(frame, exc.failure_cases, unreadable)
    return []


def _failures(frame: pd.DataFrame, cases: pd.DataFrame, unreadable: dict[str, np.ndarray]) -> list[Problem]:
    problems: list[Problem] = []
    counts: dict[tuple[str, str], int] = {}
    for case in cases.itertuples(index=False):
        column, check = str(case.column), str(case.check)
        if check == "not_nullable":
            index = case.index
            if column in unreadable and index is not None and unreadable[column][int(index)]:
                continue  # already reported as unreadable
            check = "required value is blank"
        key = (column, check)
        counts[key] = counts.get(key, 0) + 1
        if counts[key] > MAX_PROBLEMS_PER_COLUMN:
            continue
        index = case.index
        if index is None or (isinstance(index, float) and math.isnan(index)):
            problems.append(Problem(str(frame["_file"].iloc[0]), check, column=column))
            continue
        at = int(index)
        problems.append(Problem(str(frame["_file"].iloc[at]), check, row=int(frame["_row"].iloc[at]),
                                column=column, value=_shown(case.failure_case)))
    for (column, check), n in counts.items():
        if n > MAX_PROBLEMS_PER_COLUMN:
            problems.append(Problem(str(frame["_file"].iloc[0]),
                                    f"… and {n - MAX_PROBLEMS_PER_COLUMN} more rows: {check}", column=column))
    return problems


# ------------------------------------------------------------------------------------------- row checks

def _row_list(rows: Iterable[int]) -> str:
    rows = sorted(rows)
    if len(rows) == 1:
        return f"row {rows[0]}"
    return f"rows {rows[0]}–{rows[-1]}"


def _capped(problems: Iterator[Problem], what: str) -> list[Problem]:
    out: list[Problem] = []
    extra = 0
    first_file = None
    for problem in problems:
        first_file = first_file or problem.file
        if len(out) < MAX_PROBLEMS_PER_COLUMN:
            out.append(problem)
        else:
            extra += 1
    if extra:
        out.append(Problem(first_file or "", f"… and {extra} more: {what}"))
    return out


def _daily_rules(df: pd.DataFrame) -> list[Problem]:
    rules = [(("handled", "abandoned"), "offered", "handled + abandoned must not exceed offered"),
             (("answered_within_sl",), "handled", "answered_within_sl must not exceed handled"),
             (("abandoned_short",), "abandoned", "abandoned_short must not exceed abandoned"),
             (("abandoned_within_sl",), "abandoned", "abandoned_within_sl must not exceed abandoned")]
    needed = {c for parts, total, _ in rules for c in (*parts, total)} & set(df.columns)
    if df.empty or not {"date", "supplier", "service"} <= set(df.columns):
        return []
    keys = ["supplier", "service", "date"]
    sums = df.groupby(keys, sort=True, dropna=False)[sorted(needed)].sum(min_count=1)
    where = df.groupby(keys, sort=True, dropna=False).agg(first_row=("_row", "min"), last_row=("_row", "max"),
                                                          file=("_file", "first"), n=("_row", "size"))
    problems: list[Problem] = []
    for parts, total, text in rules:
        if total not in sums.columns or not all(p in sums.columns for p in parts):
            continue
        left = sums[list(parts)].sum(axis=1, min_count=len(parts))
        bad = (left > sums[total]).fillna(False).astype(bool)

        def found(parts: tuple[str, ...] = parts, total: str = total, text: str = text,
                  bad: pd.Series = bad) -> Iterator[Problem]:
            for key in sums.index[bad.to_numpy()]:
                supplier, service, day = key
                figures = " + ".join(f"{p} {sums.at[key, p]}" for p in parts)
                info = where.loc[key]
                span = _row_list([info.first_row, info.last_row]) if info.n > 1 else f"row {info.first_row}"
                day_text = pd.Timestamp(day).date().isoformat()
                problems_in = "summed over the day's intervals, " if info.n > 1 else ""
                yield Problem(str(info.file), f"{text} per day: on {day_text} for {supplier}/{service} "
                              f"{problems_in}{figures} > {total} {sums.at[key, total]} ({span})",
                              row=int(info.first_row), column=", ".join((*parts, total)))
        problems += _capped(found(), text)
    return problems


def _duplicates(df: pd.DataFrame, key: tuple[str, ...], table: str) -> list[Problem]:
    present = [c for c in key if c in df.columns]
    if df.empty or not present:
        return []
    dup = df.duplicated(subset=present, keep="first")
    if not dup.any():
        return []
    group = df.groupby(present, dropna=False, sort=False).ngroup()
    first = df.groupby(group)["_row"].transform("first")
    first_file = df.groupby(group)["_file"].transform("first")

    def found() -> Iterator[Problem]:
        for i in np.flatnonzero(dup.to_numpy()):
            values = ", ".join(f"{c}={_key_text(df[c].iloc[i])}" for c in present)
            other = f"row {first.iloc[i]}" + ("" if first_file.iloc[i] == df["_file"].iloc[i]
                                              else f" of {first_file.iloc[i]}")
            yield Problem(str(df["_file"].iloc[i]), f"duplicate {table} row ({values}): same key as {other}",
                          row=int(df["_row"].iloc[i]), column=", ".join(present))
    return _capped(found(), f"duplicate {table} rows")


def _key_text(value: object) -> str:
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat() if value == value.normalize() else value.isoformat(sep=" ")
    return "(blank)" if value is None or value is pd.NA else str(value)


def check_rows(df: pd.DataFrame, table: str) -> list[Problem]:
    """data.md's row rules on a table concatenated from its files (needs ``_file`` and ``_row``).

    activity: per day and supplier/service (intervals summed), handled + abandoned ≤ offered,
    answered_within_sl ≤ handled, abandoned_short ≤ abandoned, abandoned_within_sl ≤ abandoned; no
    duplicate (date, interval_start, utc_offset, supplier, service). plan / budget / workforce: no
    duplicate key. contacts: unique contact_id; not both answered and abandoned. invoice lines: none
    (a line billed twice is an audit finding)."""
    spec = TABLES[table]
    problems: list[Problem] = []
    if table == "activity":
        problems += _daily_rules(df)
    if table == "contacts" and {"answered", "abandoned"} <= set(df.columns) and not df.empty:
        both = (df["answered"].fillna(False).astype(bool) & df["abandoned"].fillna(False).astype(bool))

        def found() -> Iterator[Problem]:
            for i in np.flatnonzero(both.to_numpy()):
                yield Problem(str(df["_file"].iloc[i]), "a contact cannot be both answered and abandoned",
                              row=int(df["_row"].iloc[i]), column="answered, abandoned",
                              value=str(df["contact_id"].iloc[i]) if "contact_id" in df.columns else None)
        problems += _capped(found(), "contacts both answered and abandoned")
    if spec.key and table != "invoice_lines":
        problems += _duplicates(df, spec.key, table)
    return problems
