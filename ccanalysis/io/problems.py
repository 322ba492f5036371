"""How problems of one file are collected: a cap per column and rule, values shown as the user wrote them."""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np
import pandas as pd

from ccanalysis.errors import Problem

#: At most this many bad cells are listed per column and rule; the rest are counted in one line.
MAX_PROBLEMS_PER_COLUMN = 50


class FileProblems:
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
            self.add(text, row=int(rows.iloc[i]), column=column, value=shown_value(values.iloc[i]))
        if len(hits) > MAX_PROBLEMS_PER_COLUMN:
            self.add(f"… and {len(hits) - MAX_PROBLEMS_PER_COLUMN} more bad values in this column",
                     column=column)


def shown_value(value: object) -> object:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    return value.item() if isinstance(value, np.generic) else value


def capped(problems: Iterator[Problem], what: str) -> list[Problem]:
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
