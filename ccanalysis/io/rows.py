"""data.md's row rules on a table concatenated from all its files: daily sums, duplicate keys, contacts."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np
import pandas as pd

from ccanalysis.errors import Problem
from ccanalysis.io.problems import capped
from ccanalysis.io.schemas import TABLES


def _row_list(rows: Iterable[int]) -> str:
    rows = sorted(rows)
    if len(rows) == 1:
        return f"row {rows[0]}"
    return f"rows {rows[0]}–{rows[-1]}"


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
        problems += capped(found(), text)
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
            hint = f"; {TABLES[table].duplicate_hint}" if TABLES[table].duplicate_hint else ""
            yield Problem(str(df["_file"].iloc[i]), f"duplicate {table} row ({values}): same key as {other}{hint}",
                          row=int(df["_row"].iloc[i]), column=", ".join(present))
    return capped(found(), f"duplicate {table} rows")


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
        problems += capped(found(), "contacts both answered and abandoned")
    if spec.key and table != "invoice_lines":
        problems += _duplicates(df, spec.key, table)
    return problems
