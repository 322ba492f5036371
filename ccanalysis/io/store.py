"""The validated engagement kept between runs as a columnar store: `reports/ENG/.store/`.

After an engagement validates, every table is written to Parquet, partitioned by supplier and month where
the table has them (`TABLE/supplier=S/month=YYYY-MM.parquet`: the table's `month` column, else the month of
its first date column of `DATE_COLUMNS`), beside `manifest.json`: the store's version, the package
fingerprint, every input file (path, size, modification time, sha256), each table's columns (how each is
encoded) and partitions (supplier, month, rows, sha256 of the file), and what validation found besides the
tables (sources, granularity, holidays, the facts of its warnings: `ccanalysis.io.warnings.warning_facts`). Contracts, settings, mappings and invoice-line rules are not stored:
they are re-parsed from their YAML, which is cheap.

Nothing is ever unpickled: the manifest is JSON, the tables Parquet, and every partition file is checked
against its sha256 before it is used, so a file replaced under `reports/` can at worst be found stale and
rebuilt, never run. Reading is generic over `ccanalysis.io.schemas.TABLES` (a new table needs no code here)
and exact: every column comes back with the dtype the loader gave it, money as the same `Decimal` values
(kept as their text), object columns of mixed cells cell by cell (`_encode`).

An unchanged engagement is a fingerprint check: the input files' sizes and modification times against the
manifest (a file whose time changed is hashed: same bytes, still unchanged). A `Scope` (a supplier, months)
reads only the partitions of that supplier (and rows of no engagement supplier) and those months (and rows
without a month), with the row index of the whole table, so a scoped frame equals the whole table filtered.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ccanalysis import config
from ccanalysis.engagement import Engagement, Source
from ccanalysis.fingerprint import RACY_NS, package_fingerprint
from ccanalysis.io.schemas import TABLES
from ccanalysis.io.warnings import warning_facts

VERSION = 1
MANIFEST = "manifest.json"
#: The columns a table's month partition is taken from, when it has no `month` column (first present wins).
DATE_COLUMNS = ("date", "start", "period_start", "placed_on", "paid_on", "issue_date")
#: The column holding each row's position in the whole table (its index), in every partition file.
ROW = "__row__"
NONE = "__none__"  # the partition value of a row without supplier or month


class StoreError(Exception):
    """The store cannot be used (missing, stale, tampered, written by another version): rebuild it."""


@dataclass(frozen=True)
class Scope:
    """What a question needs: one supplier's rows (and rows of no engagement supplier), in some months (and
    rows without a month); None: all."""

    supplier: str | None = None
    months: tuple[str, ...] | None = None

    def wants(self, supplier: str | None, month: str | None, suppliers: Iterable[str], *,
              per_period: bool) -> bool:
        """Whether the partition (supplier, month) of a table can hold rows of this scope: of a `per_period`
        table the scope's months, of another every month up to the scope's last (rows in force since)."""
        if self.supplier is not None and supplier is not None and supplier != self.supplier \
                and supplier in set(suppliers):
            return False
        if self.months is None or month is None:
            return True
        return month in self.months if per_period else month <= max(self.months)


def store_dir(engagement: str, root: Path) -> Path:
    """Where the store of an engagement lives: ROOT/reports/ENG/.store."""
    return config.reports_dir(engagement, root) / ".store"


# --------------------------------------------------------------------------- fingerprints
def file_record(path: Path, root: Path) -> dict[str, Any]:
    """(path relative to root, size, mtime_ns, sha256) of one input file."""
    stat = path.stat()
    # a file modified within RACY_NS may change again keeping its time: recorded without one, it is hashed
    mtime = 0 if time.time_ns() - stat.st_mtime_ns < RACY_NS else stat.st_mtime_ns
    return {"path": path.relative_to(root).as_posix(), "size": stat.st_size, "mtime_ns": mtime,
            "sha256": hashlib.sha256(path.read_bytes()).hexdigest()}


def unchanged(manifest: dict[str, Any], files: Sequence[Path], root: Path) -> bool:
    """Whether `files` are the manifest's input files with the same bytes: same paths, and for each the same
    size and modification time, or else the same sha256."""
    recorded = manifest.get("files", [])
    if [r["path"] for r in recorded] != [p.relative_to(root).as_posix() for p in files]:
        return False
    for record, path in zip(recorded, files, strict=True):
        try:
            stat = path.stat()
        except OSError:
            return False
        if stat.st_size != record["size"]:
            return False
        if stat.st_mtime_ns != record["mtime_ns"] and \
                hashlib.sha256(path.read_bytes()).hexdigest() != record["sha256"]:
            return False
    return True


def read_manifest(folder: Path) -> dict[str, Any]:
    """The store's manifest (JSON); StoreError when missing, unreadable or of another version."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise StoreError(f"no readable manifest: {exc}") from None
    if not isinstance(manifest, dict) or manifest.get("version") != VERSION:
        raise StoreError("a manifest of another store version")
    return manifest


def current_manifest(engagement: str, root: Path, files: Sequence[Path]) -> dict[str, Any] | None:
    """The manifest of the store when it was written by this package from these very input files."""
    try:
        manifest = read_manifest(store_dir(engagement, root))
    except StoreError:
        return None
    if manifest.get("engagement") != engagement or manifest.get("package") != package_fingerprint():
        return None
    return manifest if unchanged(manifest, files, root) else None


# --------------------------------------------------------------------------- column codecs
_TAGS = {int: "i", Decimal: "d", str: "s", float: "f", bool: "b"}


def _cell_text(value: object) -> str | None:
    """One cell of a mixed object column as tagged text (`i:3`, `d:1.50`, `s:x`, `f:0.5`, `b:True`, `D:…`,
    `T:…`); None for None. ValueError for a type the store does not keep."""
    if value is None:
        return None
    tag = _TAGS.get(type(value))
    if tag is not None:
        return f"{tag}:{value!r}" if tag == "f" else f"{tag}:{value}"
    if value is pd.NA:
        return "n:NA"
    if value is pd.NaT:
        return "n:NaT"
    if isinstance(value, pd.Timestamp):
        return f"T:{value.isoformat()}"
    if isinstance(value, date):
        return f"D:{value.isoformat()}"
    if isinstance(value, np.generic):
        return _cell_text(value.item())
    raise ValueError(f"a {type(value).__name__} cell")


def _cell_value(text: str) -> object:
    tag, body = text[0], text[2:]
    if tag == "i":
        return int(body)
    if tag == "d":
        return Decimal(body)
    if tag == "s":
        return body
    if tag == "f":
        return float(body)
    if tag == "b":
        return body == "True"
    if tag == "n":
        return pd.NA if body == "NA" else pd.NaT
    if tag == "T":
        return pd.Timestamp(body)
    if tag == "D":
        return date.fromisoformat(body)
    raise StoreError(f"unknown cell tag {tag!r}")


def _object_kind(values: np.ndarray) -> str:
    """'str' (text and None), 'decimal' (Decimal and None), 'none' or 'mixed'."""
    kinds = set(map(type, values)) - {type(None)}
    if not kinds:
        return "none"
    if kinds == {str}:
        return "str"
    if kinds == {Decimal}:
        return "decimal"
    return "mixed"


def _encode(series: pd.Series) -> tuple[pa.Array, dict[str, Any]]:
    """A column as an Arrow array and how to restore it exactly."""
    dtype = series.dtype
    if isinstance(dtype, pd.StringDtype):
        values = series.array if dtype.storage == "pyarrow" else series.to_numpy(dtype=object, na_value=None)
        return pa.array(values, type=pa.string()), {
            "codec": "string", "storage": dtype.storage, "nan": not isinstance(dtype.na_value, type(pd.NA))}
    if pd.api.types.is_object_dtype(dtype):
        values = series.to_numpy()
        kind = _object_kind(values)
        if kind == "str":
            return pa.array(values, type=pa.string()), {"codec": "object-str"}
        if kind == "none":
            return pa.nulls(len(values), pa.string()), {"codec": "object-none"}
        if kind == "decimal":
            return _dictionary([None if v is None else str(v) for v in values]), {"codec": "decimal"}
        return _dictionary([_cell_text(v) for v in values]), {"codec": "mixed"}
    return pa.Array.from_pandas(series), {"codec": "arrow", "dtype": str(dtype)}


def _dictionary(texts: list[str | None]) -> pa.Array:
    return pa.array(texts, type=pa.string()).dictionary_encode()


def _decode(column: pa.ChunkedArray, spec: dict[str, Any], index: pd.Index) -> pd.Series:
    codec = spec["codec"]
    if codec == "string":
        dtype = pd.StringDtype(spec["storage"], na_value=np.nan if spec["nan"] else pd.NA)
        if spec["storage"] == "pyarrow":  # the Arrow buffers are the column: no Python string per cell
            return pd.Series(pd.array(column, dtype=dtype), index=index)
        return pd.Series(column.to_numpy(zero_copy_only=False), index=index, dtype=dtype)
    if codec == "object-str":
        return pd.Series(column.to_numpy(zero_copy_only=False), index=index, dtype=object)
    if codec == "object-none":
        return pd.Series([None] * len(column), index=index, dtype=object)
    if codec in ("decimal", "mixed"):
        parse = Decimal if codec == "decimal" else _cell_value
        encoded = column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
        if not pa.types.is_dictionary(encoded.type):
            encoded = encoded.dictionary_encode()
        uniques = np.array([None] + [parse(t) for t in encoded.dictionary.to_pylist()], dtype=object)
        codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64) + 1
        return pd.Series(uniques[codes], index=index, dtype=object)
    if codec != "arrow":
        raise StoreError(f"unknown column codec {codec!r}")
    series = column.to_pandas()
    if str(series.dtype) != spec["dtype"]:
        series = series.astype(spec["dtype"])
    series.index = index
    return series


# --------------------------------------------------------------------------- partitions
def _partition_keys(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Each row's supplier and month partition value (text; NONE where the table or the row has none)."""
    n = len(frame)
    if "supplier" in frame.columns:
        supplier = frame["supplier"].to_numpy(dtype=object, na_value=None)
        supplier = np.where(pd.isna(supplier), NONE, supplier).astype(object)
    else:
        supplier = np.full(n, NONE, dtype=object)
    month = np.full(n, NONE, dtype=object)
    if "month" in frame.columns and not pd.api.types.is_datetime64_any_dtype(frame["month"]):
        values = frame["month"].to_numpy(dtype=object, na_value=None)
        month = np.array([v if isinstance(v, str) else NONE for v in values], dtype=object) if n < 50_000 else \
            np.where(pd.isna(values), NONE, values.astype(str)).astype(object)
    else:
        for column in DATE_COLUMNS:
            if column in frame.columns and pd.api.types.is_datetime64_any_dtype(frame[column]):
                stamps = frame[column].to_numpy().astype("datetime64[M]")
                uniques, codes = np.unique(stamps, return_inverse=True)
                names = np.array([NONE if np.isnat(u) else str(u) for u in uniques], dtype=object)
                month = names[codes.reshape(-1)]
                break
    return supplier, month


def _partition_path(table: str, supplier: str, month: str) -> str:
    return f"{table}/supplier={quote(supplier, safe='')}/month={quote(month, safe='')}.parquet"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _write_table(folder: Path, name: str, frame: pd.DataFrame) -> dict[str, Any]:
    """Write one table's partitions under `folder` and return its manifest entry."""
    arrays, columns = [], []
    for column in frame.columns:
        array, spec = _encode(frame[column])
        arrays.append(array)
        columns.append({"name": str(column), **spec})
    positions = pa.array(np.arange(len(frame), dtype=np.int64))
    table = pa.Table.from_arrays([*arrays, positions], names=[*map(str, frame.columns), ROW])
    supplier, month = _partition_keys(frame)
    keys = pd.DataFrame({"supplier": supplier, "month": month})
    partitions = []
    for (sup, mon), rows in keys.groupby(["supplier", "month"], sort=True).indices.items():
        relative = _partition_path(name, sup, mon)
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(table.take(pa.array(rows)), target)
        partitions.append({"supplier": None if sup == NONE else sup, "month": None if mon == NONE else mon,
                           "path": relative, "rows": len(rows), "sha256": _sha256(target)})
    return {"rows": len(frame), "index": _index_kind(frame.index), "columns": columns, "partitions": partitions}


def _index_kind(index: pd.Index) -> str:
    if isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1:
        return "range"
    raise ValueError("a table whose index is not 0..n-1")


def _read_table(folder: Path, name: str, entry: dict[str, Any], scope: Scope, suppliers: Sequence[str],
                columns: Sequence[str] | None = None) -> pd.DataFrame:
    """One table from its partitions in `scope` (and only `columns`), rows in the table's order."""
    specs = [c for c in entry["columns"] if columns is None or c["name"] in columns]
    per_period = name in TABLES and TABLES[name].per_period
    wanted = [p for p in entry["partitions"]
              if scope.wants(p["supplier"], p["month"], suppliers, per_period=per_period)]
    parts = []
    for partition in wanted:
        path = folder / partition["path"]
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise StoreError(f"{partition['path']}: {exc}") from None
        if hashlib.sha256(data).hexdigest() != partition["sha256"]:
            raise StoreError(f"{partition['path']} is not the file the store wrote")
        try:
            parts.append(pq.read_table(pa.BufferReader(data), columns=[c["name"] for c in specs] + [ROW]))
        except (pa.ArrowException, OSError) as exc:
            raise StoreError(f"{partition['path']}: {exc}") from None
    if parts:
        table = pa.concat_tables(parts)
    else:
        table = pa.table({c["name"]: pa.array([], pa.string()) for c in specs} | {ROW: pa.array([], pa.int64())})
    order = np.argsort(table.column(ROW).to_numpy(), kind="stable")
    if parts and (len(parts) > 1):
        table = table.take(pa.array(order))
    rows = table.column(ROW).to_numpy()
    full = len(rows) == entry["rows"]
    index = pd.RangeIndex(len(rows)) if full else pd.Index(rows)
    if not parts:
        index = pd.RangeIndex(0) if entry["rows"] == 0 else pd.Index(np.array([], dtype=np.int64))
    data = {c["name"]: _decode(table.column(c["name"]), c, index) for c in specs}
    return pd.DataFrame(data, index=index, columns=[c["name"] for c in specs])


# --------------------------------------------------------------------------- engagement
def write_store(eng: Engagement, files: Sequence[Path]) -> bool:
    """Write the validated `eng` (read from `files`) as the engagement's store, atomically: a new folder
    renamed over the old one. False (and no store) when a table holds what the store cannot keep or the
    folder cannot be written: it is only a store."""
    target = store_dir(eng.id, eng.root)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".store-", dir=target.parent))
    except OSError:
        return False
    try:
        tables = {name: _write_table(staging, name, frame) for name, frame in eng.tables.items()
                  if frame is not None}
        manifest = {
            "version": VERSION, "engagement": eng.id, "package": package_fingerprint(),
            "fingerprint": eng.fingerprint, "files": [file_record(p, eng.root) for p in files],
            "tables": tables,
            "sources": [{"table": s.table, "file": s.file, "rows": s.rows,
                         "first": s.first.isoformat() if s.first else None,
                         "last": s.last.isoformat() if s.last else None, "suppliers": sorted(s.suppliers)}
                        for s in eng.sources],
            "granularity": [[s, v, m, kind] for (s, v, m), kind in eng.granularity.items()],
            "holidays": sorted(d.isoformat() for d in eng.holidays),
            "months": eng.months(),
            "warnings": warning_facts(eng),
        }
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        _replace(staging, target)
    except (OSError, ValueError, pa.ArrowException):
        shutil.rmtree(staging, ignore_errors=True)
        return False
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return True


def _replace(staging: Path, target: Path) -> None:
    """Put `staging` in place of `target` (a reader sees the old store or the new one)."""
    old = None
    if target.exists():
        old = target.with_name(f".store-old-{os.getpid()}")
        shutil.rmtree(old, ignore_errors=True)
        os.replace(target, old)
    os.replace(staging, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def read_store(engagement: str, root: Path, manifest: dict[str, Any], scope: Scope | None = None,
               tables: Sequence[str] | None = None) -> Engagement:
    """The engagement from its store (parameters re-parsed from their files), its tables in `scope`;
    StoreError when a partition file is not the one written."""
    from ccanalysis.io.loader import load_parameters

    scope = scope or Scope()
    parameters = load_parameters(engagement, root)
    assert parameters.settings is not None
    folder = store_dir(engagement, root)
    suppliers = list(parameters.settings.suppliers)
    frames = {name: _read_table(folder, name, entry, scope, suppliers) for name, entry in manifest["tables"].items()
              if tables is None or name in tables}
    sources = [Source(table=s["table"], file=s["file"], rows=s["rows"],
                      first=date.fromisoformat(s["first"]) if s["first"] else None,
                      last=date.fromisoformat(s["last"]) if s["last"] else None,
                      suppliers=frozenset(s["suppliers"])) for s in manifest["sources"]]
    eng = Engagement(id=engagement, root=root, settings=parameters.settings, contracts=parameters.contracts,
                     holidays=frozenset(date.fromisoformat(d) for d in manifest["holidays"]), tables=frames,
                     sources=sources, granularity={(s, v, m): kind for s, v, m, kind in manifest["granularity"]},
                     fingerprint=manifest["fingerprint"], invoice_rules=parameters.rules,
                     invoice_labels=parameters.labels, cargo_agreements=parameters.agreements)
    eng.__dict__["_months"] = list(manifest["months"])  # of the whole engagement, whatever the scope
    return eng
