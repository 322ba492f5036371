"""Every file the workbook writes goes through here: atomically (never half-written), appended registers
under a lock (never a lost or torn row), and spreadsheet cells that would be formulas written as text.

    atomic_write(path, content)       temporary file beside `path`, fsync, rename over it
    locked(path)                      an inter-process lock on `path` (a `.lock` file beside it)
    append_rows(path, columns, rows)  append CSV rows to a register: lock, read, write whole, rename
    neutralise(value)                 a text a spreadsheet would read as a formula, made plain text
    write_csv(frame, path)            a CSV whose text cells are neutralised, written atomically
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import re
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path

import pandas as pd
from filelock import FileLock, Timeout

from ccanalysis.errors import InputError

#: A spreadsheet reads a cell starting with one of these as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
LOCK_TIMEOUT_S = 120.0


def _umask() -> int:
    """The process's file-creation mask (read by setting and restoring it)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def atomic_write(path: Path, content: str | bytes) -> None:
    """Write `content` to a temporary file beside `path`, then rename it over `path` (never half-written)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = content.encode("utf-8") if isinstance(content, str) else content
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.chmod(tmp, 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def locked(path: Path, timeout_s: float = LOCK_TIMEOUT_S) -> Iterator[None]:
    """Hold the inter-process lock of `path` (`.<name>.lock` beside it). The lock is the kernel's
    (flock): a process killed while holding it releases it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(path.parent / f".{path.name}.lock"))
    try:
        with lock.acquire(timeout=timeout_s):
            yield
    except Timeout as exc:
        raise InputError(f"{path}: another ccanalysis run has held its lock for {timeout_s:.0f} s; "
                         "wait for it to finish and run again") from exc


#: A plain signed decimal ("-1500.00", "+0.5") is a number to a spreadsheet, not a formula: left as it is,
#: so registers the workbook reads back keep their negative amounts.
PLAIN_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


def neutralise(value: object) -> object:
    """A text that a spreadsheet would evaluate (starting with =, +, -, @, tab or CR) prefixed with an
    apostrophe, so it stays text; plain signed numbers, non-text values and everything else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` whose text cells (and column names) are neutralised."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(neutralise)
    out.columns = [neutralise(str(c)) for c in out.columns]
    return out


def csv_text(frame: pd.DataFrame) -> str:
    """The CSV text of `frame` with neutralised text cells."""
    return neutralise_frame(frame).to_csv(index=False)


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """`frame` as CSV at `path`, text cells neutralised, written atomically."""
    atomic_write(Path(path), csv_text(frame))


def _row_text(columns: Sequence[str], rows: Iterable[Mapping[str, object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for row in rows:
        writer.writerow(["" if row.get(c) is None else neutralise(str(row.get(c))) for c in columns])
    return buffer.getvalue()


def append_rows(path: Path, columns: Sequence[str], rows: Sequence[Mapping[str, object]]) -> int:
    """Append `rows` (dicts by column) to the CSV register at `path`, creating it with its header.

    Append-only and crash-safe: under the file's lock, the current file is read whole, the rows are added
    and the whole file is written to a temporary file and renamed over the old one; a process killed at
    any moment leaves either the old file or the new one, never a torn row, and two processes at once
    never lose each other's rows. The existing header must be `columns`. Returns the rows appended."""
    path = Path(path)
    if not rows:
        return 0
    with locked(path):
        old = path.read_text(encoding="utf-8") if path.exists() else ""
        header = _row_text(columns, [dict(zip(columns, columns, strict=True))])
        if old and not old.startswith(header):
            first = old.splitlines()[0] if old.splitlines() else ""
            raise InputError(f"{path}, row 1: the header is {first!r}; this register's columns are "
                             f"{','.join(columns)} (restore the file or move it away)")
        if old and not old.endswith("\n"):
            old += "\n"
        atomic_write(path, (old or header) + _row_text(columns, rows))
    return len(rows)
