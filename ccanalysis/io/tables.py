"""One table file → the table's canonical DataFrame: read, mapped, parsed, typed and validated.

`read_table` turns one .csv / .xlsx / .parquet file into the canonical DataFrame of a table (see
`ccanalysis.io.schemas` for the canonical types), collecting a `Problem` for every bad cell instead of
stopping at the first; the row rules across all of a table's files are in `ccanalysis.io.rows`.

Every frame also has ``_file`` (the path as given for messages) and ``_row`` (the row the user sees:
CSV/XLSX header = row 1, first data row = row 2; Parquet rows count from 1).

Columns that are not in the table's spec are dropped. In a file read without a mapping, an unknown
column whose name is close to a table column (``Offered``, ``abandonned_short``) is an error suggesting
the right name, so that a typo cannot silently drop data; with a mapping, only the mapped columns
(and source columns already named like table columns) are read.
"""

from __future__ import annotations

import difflib
import hashlib
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd

from ccanalysis.errors import Problem
from ccanalysis.io import parsing
from ccanalysis.io.mapping import MAPPING_HINT, Mapping, RecordId, column_type, mapping_problems, typed
from ccanalysis.io.problems import FileProblems
from ccanalysis.io.reading import read_raw
from ccanalysis.io.schemas import TABLES, ColumnType, TableSpec, validate

_EXPECTED = {
    "integer": "expected a whole number (e.g. 120) of at most 18 digits",
    "number": ("expected a number with a decimal point and no thousands separator (e.g. 1234.56); "
               f"other conventions are declared in a mapping ({MAPPING_HINT}); numbers are below 10^18"),
    "percent": "expected a percentage such as 94.01% or a fraction such as 0.9401",
    "duration_hms": "expected a duration H:MM:SS or MM:SS (e.g. 0:02:14)",
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



def _coerce_to_type(values: pd.Series, kind: ColumnType, rows: pd.Series, column: str,
                    out: FileProblems) -> pd.Series:
    """A parser's output in the column's canonical type (a mapping may pick e.g. `percent` for a number
    column or `duration_hms` for an int column)."""
    if kind == "int" and values.dtype == object:
        whole = values.map(lambda v: v is None or v == v.to_integral_value())
        out.cells(~whole, rows, values, column, "expected a whole number", what="not whole numbers")
        return parsing.exact_column(values.where(whole, None)).astype("Int64") if not whole.all() \
            else _int_column(values)
    if kind == "number" and pd.api.types.is_integer_dtype(values.dtype) and values.isna().any():
        return values.astype("Int64")
    return values


def _int_column(values: pd.Series) -> pd.Series:
    col = parsing.exact_column(values)
    return col if pd.api.types.is_integer_dtype(col.dtype) else col.astype("Int64")


def _apply_mapping(raw: pd.DataFrame, spec: TableSpec, mapping: Mapping, native: dict[str, pd.Series],
                   out: FileProblems, file_name: str,
                   ) -> tuple[pd.DataFrame, dict[str, tuple[str, str]], dict[str, pd.Series]]:
    """Renamed columns (canonical and helper names), record ids, date+time pairs to combine, native masks."""
    where = mapping.source or "the mapping"
    for key, message, value in mapping_problems(mapping):  # a mapping built in Python, not by load_mapping
        out.add(f"{where}: {key}: {message}", column=key, value=value)
    work = pd.DataFrame({"_row": raw["_row"]})
    work_native: dict[str, pd.Series] = {}
    pairs: dict[str, tuple[str, str]] = {}
    found = ", ".join(c for c in raw.columns if c != "_row")
    for name, source in mapping.columns.items():
        sources = source if isinstance(source, list) else [source]
        missing = [s for s in sources if s not in raw.columns]
        for s in missing:
            out.add(f"column {s!r} (mapped to {name!r} in {where}, columns.{name}) is not in the file; columns "
                    f"found: {found}", column=s)
        if missing:
            continue
        out.sources[name] = sources
        if isinstance(source, list):
            if name not in spec.columns or spec.columns[name].type == "datetime":
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
        text, is_native = parsing.scalar_text(value)
        work[name] = pd.Series([text] * len(work), index=work.index, dtype=object)
        work_native[name] = pd.Series(is_native, index=work.index)
    for name, rule in mapping.record_ids.items():
        ids = _record_ids(raw, rule, file_name, out, f"{where}, id.{name}")
        if ids is not None:
            work[name] = ids
            out.sources[name] = rule.hash or []
    for section, names in (("parse", mapping.parse), ("values", mapping.values)):
        for name in names:
            if name not in work.columns and name not in pairs and name not in mapping.derive:
                out.add(f"{where}: `{section}` names {name!r}, which is neither mapped nor in the file",
                        column=f"{section}.{name}")
    return work, pairs, work_native


def _record_ids(raw: pd.DataFrame, rule: RecordId, file_name: str, out: FileProblems,
                where: str) -> pd.Series | None:
    """``FILE_NAME:ROW``, or the first 16 hex digits of the SHA-256 of the named columns' texts (each text
    stripped, joined by the unit separator U+001F)."""
    if rule.row:
        return pd.Series([f"{file_name}:{row}" for row in raw["_row"]], index=raw.index, dtype=object)
    names = rule.hash or []
    missing = [n for n in names if n not in raw.columns]
    for name in missing:
        out.add(f"column {name!r} (hashed into the record id in {where}) is not in the file; columns found: "
                f"{', '.join(c for c in raw.columns if c != '_row')}", column=name)
    if missing:
        return None
    texts = [parsing.as_text(raw[n]).fillna("") for n in names]
    joined = texts[0].str.cat(texts[1:], sep="\x1f") if len(texts) > 1 else texts[0]
    return pd.Series([hashlib.sha256(t.encode("utf-8")).hexdigest()[:16] for t in joined], index=raw.index,
                     dtype=object)


def _map_values(texts: pd.Series, codes: dict[str, object], ignore_case: bool,
                kind: ColumnType | None) -> tuple[pd.Series, pd.Series]:
    """A column read through its value map: (values in the column's type, mask of texts not in the map)."""
    stripped = parsing.as_text(texts).fillna("")
    keys = {(k.casefold() if ignore_case else k): v for k, v in codes.items()}
    looked_up = stripped.str.casefold() if ignore_case else stripped
    known = looked_up.isin(list(keys)).to_numpy(dtype=bool)
    bad = pd.Series(~known & (stripped != "").to_numpy(), index=texts.index)
    typed_codes, _ = typed(list(keys.values()), kind)
    value_of = dict(zip(keys, typed_codes.tolist(), strict=True))
    mapped = [value_of[t] if ok else None for t, ok in zip(looked_up, known, strict=True)]
    return _canonical(mapped, kind, texts.index), bad


def _canonical(values: list, kind: ColumnType | None, index: pd.Index) -> pd.Series:
    """Python values (None or NA for blanks) as a column of canonical type `kind`."""
    values = [None if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and np.isnan(v)) else v
              for v in values]
    if kind in ("int", "number"):
        column = parsing.exact_column(pd.Series(values, index=index, dtype=object))
        return _int_column(column) if kind == "int" else column
    if kind == "bool":
        column = pd.Series(values, index=index, dtype="boolean")
        return column.astype(bool) if not column.isna().any() else column
    if kind in ("date", "datetime"):
        return pd.Series(pd.to_datetime(pd.Series(values, index=index, dtype=object)), index=index
                         ).astype("datetime64[ns]")
    return pd.Series(values, index=index, dtype=object)


def _condition(parsed: dict[str, pd.Series], condition: dict, mapping: Mapping, n: int, out: FileProblems,
               key: str) -> np.ndarray | None:
    """Rows where every `NAME: VALUE` (or `NAME: [VALUE, ...]`) of a condition holds."""
    holds = np.ones(n, dtype=bool)
    for name, wanted in condition.items():
        if name not in parsed:
            out.add(f"{mapping.source or 'the mapping'}: {key}.{name} names {name!r}, which is neither mapped "
                    "nor in the file", column=f"{key}.{name}")
            return None
        targets, _ = typed(wanted if isinstance(wanted, list) else [wanted], column_type(mapping, name))
        allowed = targets.tolist()
        holds &= np.fromiter((not _blank(v) and any(v == t for t in allowed) for v in parsed[name].tolist()),
                             dtype=bool, count=n)
    return holds


def _blank(value: object) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and np.isnan(value))


def _fill(parsed: dict[str, pd.Series], unreadable: dict[str, np.ndarray], mapping: Mapping, rows: pd.Series,
          out: FileProblems) -> None:
    """`fill`, then `optional_when` (blanks allowed where a condition holds: left out of the blank check)."""
    where = mapping.source or "the mapping"
    n = len(rows)
    for name, rule in mapping.fill.items():
        if name not in parsed:
            out.add(f"{where}: fill.{name}: {name!r} is neither mapped nor in the file (for a value in every "
                    "row, use `constants`)", column=f"fill.{name}")
            continue
        holds = _condition(parsed, rule.when, mapping, n, out, f"fill.{name}.when")
        if holds is None:
            continue
        kind = column_type(mapping, name)
        blank = parsed[name].isna().to_numpy(dtype=bool) & ~unreadable.get(name, np.zeros(n, dtype=bool))
        target = blank & holds
        if target.any():
            value = typed([rule.value], kind)[0].tolist()[0]
            values = parsed[name].tolist()
            for i in np.flatnonzero(target):
                values[i] = value
            parsed[name] = _canonical(values, kind, parsed[name].index)
    for name, condition in mapping.optional_when.items():
        holds = _condition(parsed, condition, mapping, n, out, f"optional_when.{name}")
        if holds is not None and name in parsed:
            unreadable[name] = unreadable.get(name, np.zeros(n, dtype=bool)) | holds


def _derive(work_values: dict[str, pd.Series], target: str, derivation: object, rows: pd.Series,
            out: FileProblems, where: str) -> pd.Series | None:
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
    values, large = parsing.in_range(pd.Series(result, index=rows.index, dtype=object),
                                     pd.Series(False, index=rows.index))
    out.cells(large, rows, pd.Series(result, index=rows.index, dtype=object), target,
              f"{where}: derive {target!r} gives 10^18 or more; check the columns it multiplies",
              what="too large")
    return parsing.exact_column(values)


def read_table(path: Path, table: str, *, mapping: Mapping | None = None,
               display_path: str | None = None) -> tuple[pd.DataFrame, list[Problem]]:
    """Read one table file into the table's canonical DataFrame, with every problem found.

    The frame holds the table's columns present in the file (after the mapping, if any) in canonical
    types plus ``_file`` and ``_row``. When problems are returned the frame must not be used for
    computing (it may be partial)."""
    path = Path(path)
    spec = TABLES[table]
    shown = display_path or str(path)
    out = FileProblems(shown)
    native: dict[str, pd.Series] = {}
    raw = read_raw(path, mapping, out, native)
    if raw is None:
        return _empty(spec, shown), out.problems
    if raw.empty and not spec.may_be_empty:
        out.add("the file has a header but no data rows")
    out.context = raw
    if mapping is not None:
        if mapping.table != table:
            out.add(f"{mapping.source or 'the mapping'} is for table {mapping.table!r}, not {table!r}")
            return _empty(spec, shown), out.problems
        work, pairs, native = _apply_mapping(raw, spec, mapping, native, out, path.name)
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
    helpers = mapping.helpers() if mapping else set()  # names a derive or a condition refers to
    for name in [n for n in work.columns if n != "_row"]:
        if name not in spec.columns and name not in helpers:
            continue
        col_spec = spec.columns.get(name)
        if mapping is not None and name in mapping.values:
            codes = mapping.values[name]
            values, bad = _map_values(work[name], codes, mapping.values_ignore_case, column_type(mapping, name))
            mapped = ", ".join(repr(t) for t in codes)
            where = mapping.source or "the mapping"
            out.cells(bad, rows, work[name], name,
                      f"not in the value map (values.{name} in {where}); mapped texts: {mapped}",
                      what="not in the value map")
            parsed[name] = values
            unreadable[name] = bad.to_numpy(dtype=bool)
            continue
        parser = parsers.get(name) or (parsing.DEFAULT_PARSER[col_spec.type] if col_spec else "number")
        values, bad, ambiguous = parsing.parse_column(
            work[name], parser, decimal=mapping.decimal if mapping else None,
            thousands=mapping.thousands if mapping else None, dayfirst=bool(mapping and mapping.dayfirst),
            native=native.get(name))
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
        _fill(parsed, unreadable, mapping, rows, out)
    frame = pd.DataFrame({name: parsed[name] for name in spec.columns if name in parsed})
    frame["_file"] = shown
    frame["_row"] = rows.to_numpy()
    for name in spec.required():
        if name not in frame.columns:
            out.add(f"missing required column {name!r} of table {table}"
                    + (f" (map it in {mapping.source or 'the mapping'})" if mapping else ""), column=name)
    if spec.one_of and not any(n in frame.columns for n in spec.one_of):
        out.add(f"table {table} needs one of the columns {', '.join(spec.one_of)}", column=spec.one_of[0])
    for name in spec.required():
        if name in frame.columns:
            blank = frame[name].isna().to_numpy(dtype=bool) & ~unreadable.get(name, np.zeros(len(frame), bool))
            out.summarise(blank, rows, name, "blank", f"; a mapping ({MAPPING_HINT}) can `fill` them, or allow "
                          "them with `optional_when`")
    out.problems.extend(validate(frame, spec, unreadable))
    return frame, out.problems


def _dates_from(parsed: dict[str, pd.Series], work: pd.DataFrame, mapping: Mapping, rows: pd.Series,
                out: FileProblems) -> pd.Series | None:
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
    out.cells(repeated, rows, order, name, "repeated value: dates_from needs one row per day",
              what="repeated")
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
