"""How the demo writes its files: CSV and byte-stable XLSX, YAML with a header, and folders moved into
place only once complete (a failure leaves nothing half-written)."""

from __future__ import annotations

import csv
import io
import re
import shutil
import zipfile
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from ccanalysis.demo.invoices import INVOICE_COLUMNS, blank


def yaml_text(data: Mapping[str, Any], header: str) -> str:
    """A YAML file's text: a `# header` comment line, then `data` in its own key order."""
    body = yaml.safe_dump(dict(data), sort_keys=False, default_flow_style=None, allow_unicode=True, width=110)
    return f"# {header}\n{body}"


def write_csv(frame: pd.DataFrame, path: Path, **kwargs: Any) -> None:
    """`frame` as a CSV file at `path` (folders created, no index, '\\n' line ends)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False, lineterminator="\n", **kwargs)


def format_activity(frame: pd.DataFrame) -> pd.DataFrame:
    """Activity rows as written: ISO dates, amounts with 2 decimals, QA with 1, CSAT with 2."""
    out = frame.copy()
    out["date"] = [d.isoformat() for d in out["date"]]
    for column, places in (("collected_amount", 2), ("placed_amount", 2), ("qa_score", 1), ("csat", 2)):
        out[column] = [f"{v:.{places}f}" for v in out[column].to_numpy(float)]
    return out


def replace_tree(new: Path, target: Path, trash: Path) -> None:
    """Move `new` to `target`, replacing what was there (the old tree goes to `trash`, then is deleted)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        target.rename(trash)
    new.rename(target)


def commit(staging: Path, moves: Sequence[tuple[Path, Path]]) -> None:
    """Move each staged path into place; the staging folder (with the replaced trees) is then removed."""
    try:
        for i, (new, target) in enumerate(moves):
            replace_tree(new, target, staging / f".replaced-{i}")
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def cell_text(value: object, *, comma: bool = False) -> str:
    """Cell text: dates ISO, Decimals as written (decimal comma and '.' thousands for `comma`)."""
    if blank(value):
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        if not comma:
            return str(value)
        return f"{value:,}".replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return str(value)


def invoice_csv(lines: pd.DataFrame, *, comma: bool, columns: Sequence[str] = INVOICE_COLUMNS) -> str:
    """Invoice lines as CSV text: ';' and decimal commas for `comma` (eastline), else ',' and points;
    `columns`: the columns written (default INVOICE_COLUMNS)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if comma else ",", lineterminator="\n")
    writer.writerow(list(columns))
    for record in lines[list(columns)].itertuples(index=False):
        writer.writerow([cell_text(v, comma=comma) for v in record])
    return buffer.getvalue()


_FIXED_ZIP_TIME = (2026, 1, 1, 0, 0, 0)
_FIXED_STAMP = "2026-01-01T00:00:00Z"


def invoice_xlsx(lines: pd.DataFrame) -> bytes:
    """An XLSX workbook of the invoice lines, byte-stable (fixed timestamps in the zip and properties)."""
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Factura"
    sheet.append(INVOICE_COLUMNS)
    for record in lines[INVOICE_COLUMNS].itertuples(index=False):
        sheet.append([None if blank(v) else v for v in record])
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, (date, datetime)):
                cell.number_format = "yyyy-mm-dd"
    raw = io.BytesIO()
    workbook.save(raw)
    stable = io.BytesIO()
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(stable, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*", rb"\g<1>" + _FIXED_STAMP.encode(),
                                 content)
            fixed = zipfile.ZipInfo(info.filename, date_time=_FIXED_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            target.writestr(fixed, content)
    return stable.getvalue()
