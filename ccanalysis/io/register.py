"""The workbook's registers in `data/ENG/`: the dispute register `disputes.csv` (data.md's columns) and the
monthly closes `closes.csv`. Reading checks the header and every cell (an error names file, row and
column); appending goes through `ccanalysis.io.writing.append_rows` (append-only, locked, atomic).

    register_path(data_dir), closes_path(data_dir)   where they are
    updating(path)        hold while reading a register, computing the new rows and appending them, so two
                          runs at once never both add the same dispute or the same close
    read_register(path)   the register in file order: money as Decimal, status_date as date, blanks None
    append_register(path, rows), read_closes(path), append_close(path, row)

closes.csv: supplier, month, closed_at (date), forced (true/false: closed with something pending, by
`ccanalysis close --force`), note (why, required when forced), billed_net, expected_net, to_pay_gross,
withheld_gross.
"""

from __future__ import annotations

import contextlib
import csv
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd

from ccanalysis.disputes import cents
from ccanalysis.errors import EngagementError, InputError, Problem
from ccanalysis.io.schemas import TABLES
from ccanalysis.io.tables import read_table
from ccanalysis.io.writing import append_rows, locked
from ccanalysis.money import to_decimal
from ccanalysis.periods import MONTH_PATTERN

REGISTER_FILE = "disputes.csv"
CLOSES_FILE = "closes.csv"
REGISTER_COLUMNS = list(TABLES["disputes"].columns)  # data.md's columns, in its order
CLOSE_COLUMNS = ["supplier", "month", "closed_at", "forced", "note", "billed_net", "expected_net", "to_pay_gross",
                 "withheld_gross"]
_REGISTER_MONEY = ("amount_claimed", "amount_accepted", "amount_credited")
_CLOSE_MONEY = ("billed_net", "expected_net", "to_pay_gross", "withheld_gross")


def register_path(data_dir: Path) -> Path:
    """`data_dir/disputes.csv`; InputError when the register was put there in another format."""
    others = sorted(p.name for p in Path(data_dir).glob("disputes.*") if p.name != REGISTER_FILE)
    if others:
        raise InputError(f"{Path(data_dir) / others[0]}: the dispute register is written as {REGISTER_FILE}; "
                         f"convert it to {REGISTER_FILE} (the columns of data.md) or move it away")
    return Path(data_dir) / REGISTER_FILE


def closes_path(data_dir: Path) -> Path:
    """The register of monthly closes: closes.csv in the engagement's data folder."""
    return Path(data_dir) / CLOSES_FILE


@contextlib.contextmanager
def updating(path: Path) -> Iterator[None]:
    """The update lock of a register (`.<name>.update.lock`): read, compute and append while holding it.
    (`append_rows` takes the file's own lock for the write itself.)"""
    with locked(Path(path).with_name(Path(path).name + ".update")):
        yield


def _header_problem(path: Path, columns: Sequence[str]) -> Problem | None:
    with path.open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle), [])
    if header != list(columns):
        return Problem(str(path), f"the header is {','.join(header)!r}; this register's columns are "
                       f"{','.join(columns)} in that order (restore the file or move it away)", row=1)
    return None


def read_register(path: Path) -> pd.DataFrame:
    """The dispute register at `path` in file order (empty with its columns when there is none).
    EngagementError naming file, row and column for a wrong header or a bad cell."""
    path = Path(path)
    if not path.exists():
        return pd.DataFrame({c: pd.Series(dtype=object) for c in REGISTER_COLUMNS})
    wrong = _header_problem(path, REGISTER_COLUMNS)
    if wrong:
        raise EngagementError([wrong], title="The dispute register cannot be read")
    frame, problems = read_table(path, "disputes")
    if problems:
        raise EngagementError(problems, title="The dispute register cannot be read")
    out = pd.DataFrame({c: frame[c].astype(object) if c in frame else None for c in REGISTER_COLUMNS},
                       index=range(len(frame)))
    out = out.astype(object).where(out.notna(), None)
    for column in _REGISTER_MONEY:
        # the table reader reads 25.00 as the whole number 25: amounts in cents keep their two decimals
        out[column] = [None if v is None else cents(to_decimal(v)) for v in out[column]]
    out["status_date"] = [None if v is None else pd.Timestamp(v).date() for v in out["status_date"]]
    return out


def _cell(value: Any) -> Any:
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def append_register(path: Path, rows: Sequence[Mapping[str, Any]]) -> int:
    """Append `rows` (dicts by register column) in one atomic, locked write; returns how many."""
    return append_rows(Path(path), REGISTER_COLUMNS, [{c: _cell(r.get(c)) for c in REGISTER_COLUMNS} for r in rows])


def read_typed_csv(path: Path, columns: Sequence[str], value: Callable[[str, str], Any], title: str) -> pd.DataFrame:
    """A register the workbook writes, read back: its header checked, each cell converted by
    `value(column, text)` (ValueError: the problem, named by file, row and column; every problem is reported
    at once under `title`). No file: an empty frame with the columns."""
    path = Path(path)
    if not path.exists():
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    wrong = _header_problem(path, columns)
    if wrong:
        raise EngagementError([wrong], title=title)
    problems: list[Problem] = []
    rows: list[dict[str, Any]] = []
    with path.open(encoding="utf-8", newline="") as handle:
        for number, record in enumerate(csv.DictReader(handle), start=2):
            row: dict[str, Any] = {}
            for column in columns:
                text = (record.get(column) or "").strip()
                try:
                    row[column] = value(column, text)
                except ValueError as exc:
                    problems.append(Problem(str(path), str(exc), row=number, column=column, value=text))
            rows.append(row)
    if problems:
        raise EngagementError(problems, title=title)
    return pd.DataFrame(rows, columns=list(columns))


def read_closes(path: Path) -> pd.DataFrame:
    """The monthly closes at `path` (empty with CLOSE_COLUMNS when there is none): closed_at as date, forced
    as bool, money as Decimal. EngagementError naming file, row and column for anything unreadable."""
    return read_typed_csv(path, CLOSE_COLUMNS, _close_value, "The monthly closes cannot be read")


def _close_value(column: str, text: str) -> Any:
    if column == "note":
        return text or None
    if not text:
        raise ValueError("required value is blank")
    if column in _CLOSE_MONEY:
        try:
            return to_decimal(text)
        except ValueError:
            raise ValueError("expected an amount such as 1234.50") from None
    if column == "closed_at":
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise ValueError("expected a date YYYY-MM-DD") from None
    if column == "forced":
        if text not in ("true", "false"):
            raise ValueError("expected true or false")
        return text == "true"
    if column == "month" and not MONTH_PATTERN.match(text):
        raise ValueError("expected a month YYYY-MM")
    return text


def append_close(path: Path, row: Mapping[str, Any]) -> int:
    """Append one close (a dict by CLOSE_COLUMNS) atomically under the file's lock."""
    return append_rows(Path(path), CLOSE_COLUMNS, [{c: _cell(row.get(c)) for c in CLOSE_COLUMNS}])
