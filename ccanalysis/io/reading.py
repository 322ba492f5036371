"""Reading one table file (.csv, .xlsx, .parquet) into a raw frame: text cells, or Parquet's typed columns.

Every frame gets ``_row``, the row the user sees (CSV/XLSX header = row 1, first data row = row 2; Parquet
rows count from 1); rows where every cell is blank are dropped. Spreadsheet cells holding real numbers are
marked in `native` (column → boolean Series) so that they take no part in separator inference.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ccanalysis.io import parsing
from ccanalysis.io.mapping import MAPPING_HINT, Mapping
from ccanalysis.io.problems import FileProblems


def _read_csv(path: Path, mapping: Mapping | None, out: FileProblems) -> pd.DataFrame | None:
    encoding = mapping.encoding if mapping else "utf-8"
    sep = mapping.sep if mapping else ","  # a mapping's encoding and sep are checked when it is read
    if encoding.lower().replace("-", "").replace("_", "") in ("utf8", "utf8sig"):
        encoding = "utf-8-sig"  # tolerate a byte-order mark
    if mapping is None and _other_separator(path, encoding, out):
        return None
    try:
        frame = pd.read_csv(path, sep=sep, dtype=str, keep_default_na=False, header=None,
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
    names = [str(c).strip() for c in frame.iloc[0]]
    frame = frame.iloc[1:].reset_index(drop=True)
    if _duplicated_header(names, out):
        return None
    frame.columns = names
    frame.insert(0, "_row", np.arange(2, len(frame) + 2))
    return frame


def _other_separator(path: Path, encoding: str, out: FileProblems) -> bool:
    """A header with no comma but semicolons or tabs: the file is not comma-separated and needs a mapping."""
    with path.open(encoding=encoding, errors="replace", newline="") as handle:
        header = handle.readline()
    other = next((s for s in (";", "\t", "|") if s in header), None) if "," not in header else None
    if other is not None:
        out.add(f"the header has no comma but {other!r}: the file is separated by {other!r}; declare "
                f"`sep: {other!r}` in a mapping ({MAPPING_HINT})", row=1)
    return other is not None


def _duplicated_header(names: list[str], out: FileProblems) -> bool:
    """A header naming one column twice is a problem naming both positions (pandas would rename one)."""
    seen: dict[str, int] = {}
    twice = False
    for position, name in enumerate(names, start=1):
        if name and name in seen:
            out.add(f"the header names column {name!r} twice (columns {seen[name]} and {position}): rename or "
                    "delete one", row=1, column=name)
            twice = True
        seen.setdefault(name, position)
    return twice


def _read_xlsx(path: Path, mapping: Mapping | None, out: FileProblems,
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
        names = [parsing.cell_text(v)[0].strip() for v in header]
        if _duplicated_header(names, out):
            return None
        texts: list[list[str]] = [[] for _ in names]
        natives: list[list[bool]] = [[] for _ in names]
        for row in rows:
            for j in range(len(names)):
                text, is_native = parsing.cell_text(row[j] if j < len(row) else None)
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


def _read_parquet(path: Path, out: FileProblems) -> pd.DataFrame | None:
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


def read_raw(path: Path, mapping: Mapping | None, out: FileProblems,
              native: dict[str, pd.Series]) -> pd.DataFrame | None:
    """The file's rows (.csv, .xlsx or .parquet) with their row numbers, blank rows dropped; None with the
    problem recorded in `out` when it cannot be read."""
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
