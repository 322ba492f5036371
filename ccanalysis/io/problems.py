"""How problems of one file are collected: a cap per column and rule, values shown as the user wrote them,
and a systematic error summarised once before its first rows are listed.

A summary names how many rows share the problem, the source column and value every one of them has (the
one that sets them apart best from the other rows, if any: "all where Answered (Y/N) = N") and the span
of rows: ``946 rows blank in queue_s, all where Answered (Y/N) = N; rows 3–4,998``.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np
import pandas as pd

from ccanalysis.errors import Problem

#: At most this many bad cells are listed per column and rule; the rest are counted in one line.
MAX_PROBLEMS_PER_COLUMN = 50

#: From this many rows with the same problem in one column, the problem is summarised before the rows.
SUMMARY_MIN_ROWS = 3


class FileProblems:
    """Collects problems of one file, capped per column and rule."""

    def __init__(self, shown: str) -> None:
        self.shown = shown
        self.problems: list[Problem] = []
        self.context: pd.DataFrame | None = None  # the file's cells as read, row by row like the masks
        self.sources: dict[str, list[str]] = {}  # column → the source columns it is read from

    def add(self, message: str, *, row: int | None = None, column: str | None = None,
            value: object = None) -> None:
        """Record one problem of this file (row, column and value where known)."""
        self.problems.append(Problem(self.shown, message, row=row, column=column, value=value))

    def cells(self, mask: pd.Series, rows: pd.Series, values: pd.Series, column: str,
              message: str | dict[bool, str], kinds: pd.Series | None = None, what: str = "not readable") -> None:
        """One problem per True cell of `mask` (up to the cap), naming row, column and value, after a
        summary of them (`what` they are) when they are many."""
        hits = np.flatnonzero(mask.to_numpy(dtype=bool))
        self.summarise(mask, rows, column, what)
        for i in hits[:MAX_PROBLEMS_PER_COLUMN]:
            text = message if isinstance(message, str) else message[bool(kinds.iloc[i])]
            self.add(text, row=int(rows.iloc[i]), column=column, value=shown_value(values.iloc[i]))
        if len(hits) > MAX_PROBLEMS_PER_COLUMN:
            self.add(f"… and {len(hits) - MAX_PROBLEMS_PER_COLUMN} more bad values in this column",
                     column=column)


    def summarise(self, mask: pd.Series | np.ndarray, rows: pd.Series, column: str, what: str,
                  hint: str = "") -> None:
        """One problem summarising the rows of `mask` (if at least SUMMARY_MIN_ROWS): how many, what they
        share in the file's other columns, and their span; then `hint`."""
        bad = np.asarray(mask, dtype=bool)
        count = int(bad.sum())
        if count < SUMMARY_MIN_ROWS:
            return
        numbers = rows.to_numpy()[bad]
        shared = self._shared(bad, column)
        self.add(f"{count:,} rows {what} in {column}{shared}; rows {int(numbers.min()):,}–{int(numbers.max()):,}"
                 f"{hint}",
                 column=column)

    def _shared(self, bad: np.ndarray, column: str) -> str:
        """``, all where SOURCE = VALUE`` for the source column whose one value every bad row has and
        the fewest other rows have; "" when there is none."""
        frame = self.context
        if frame is None or len(frame) != len(bad) or bad.all():
            return ""
        own = set(self.sources.get(column, [column]))
        best: tuple[float, str, str] | None = None
        for name in frame.columns:
            if name == "_row" or name in own:
                continue
            texts = frame[name].astype("string").str.strip()
            values = texts[bad].dropna().unique()
            if texts[bad].isna().any() or len(values) != 1 or values[0] == "":
                continue
            share = float((texts[~bad] == values[0]).fillna(False).mean())
            if share < 1 and (best is None or share < best[0]):
                best = (share, name, str(values[0]))
        return "" if best is None else f", all where {best[1]} = {best[2]}"


def shown_value(value: object) -> object:
    """A cell value as shown in a problem: "" when missing, a numpy scalar as its Python value."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    return value.item() if isinstance(value, np.generic) else value


def capped(problems: Iterator[Problem], what: str) -> list[Problem]:
    """The problems, at most MAX_PROBLEMS_PER_COLUMN, then one "… and N more: what" for the rest."""
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
