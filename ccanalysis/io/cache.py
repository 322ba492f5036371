"""The validated engagement kept between runs: `load_cached` is `load` without re-reading unchanged files.

It is kept as the columnar store of `ccanalysis.io.store` in `reports/ENG/.store/` (a build output, like the
reports): Parquet partitions and a JSON manifest, never a pickle. The store is current when it was written
by this very package (`ccanalysis.fingerprint`: every module and notebook) from these very input files (same
paths, sizes and times, or the same bytes); otherwise the engagement is loaded and validated again and the
store rewritten. A store that cannot be read back (a partition file changed, truncated, of another version)
is discarded and rebuilt; an invalid engagement is never stored. `scope` (a supplier, months) reads only the
partitions a question needs.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from ccanalysis import config
from ccanalysis.engagement import Engagement
from ccanalysis.errors import EngagementError, Problem
from ccanalysis.io.loader import input_files, load, load_parameters
from ccanalysis.io.store import Scope, StoreError, current_manifest, read_store, store_dir, write_store
from ccanalysis.io.warnings import validation_warnings, warnings_as_of
from ccanalysis.periods import month_of, next_month, previous_month

#: The folder of the pickled engagements of earlier versions: removed, never read.
OLD_CACHE = ".cache"


def load_cached(engagement: str, root: Path | str | None = None, *, scope: Scope | None = None,
                tables: Sequence[str] | None = None, progress: bool = False) -> Engagement:
    """`load`, reading the engagement's store instead when neither the package nor any input file changed
    (with `scope`, only its partitions: see `Scope`; with `tables`, only those tables, the others left out:
    `()` for the settings, contracts, sources and months alone, as the report batch's driver needs)."""
    root = Path(root).resolve() if root is not None else config.project_root()
    files = input_files(engagement, root)
    manifest = current_manifest(engagement, root, files)
    if manifest is not None:
        try:
            return read_store(engagement, root, manifest, scope, tables)
        except (StoreError, KeyError, TypeError, ValueError, IndexError, OSError):
            pass  # not the store that was written (a file replaced, a manifest edited): rebuild it
    eng = load(engagement, root, progress=progress)
    write_store(eng, files)
    shutil.rmtree(config.reports_dir(engagement, root) / OLD_CACHE, ignore_errors=True)
    if tables is not None:
        eng.months()  # computed from every table first (kept on the engagement)
        eng.tables = {name: frame for name, frame in eng.tables.items() if name in tables}
    return eng


def load_validated(engagement: str, root: Path | str | None = None, *, today: date | None = None,
                   progress: bool = False) -> tuple[Engagement, list[Problem]]:
    """The engagement and its validation warnings as of `today` (`ccanalysis validate`). When the store is
    current this is the fingerprint check and the manifest alone: the engagement's settings, contracts,
    sources, granularity and months, its tables left out, and the warnings from the facts kept when it was
    stored (`warnings_as_of`). Otherwise (or for a day before the store was written) `load_cached`."""
    root = Path(root).resolve() if root is not None else config.project_root()
    manifest = current_manifest(engagement, root, input_files(engagement, root))
    if manifest is not None and "warnings" in manifest:
        try:
            warnings = warnings_as_of(manifest["warnings"], today)
            return read_store(engagement, root, manifest, tables=()), warnings
        except (StoreError, KeyError, TypeError, ValueError, IndexError, OSError):
            pass  # a day before the store was written, or a manifest not as written: load it
    eng = load_cached(engagement, root, progress=progress)
    return eng, validation_warnings(eng, today)


def month_scope(engagement: str, root: Path | str | None, supplier: str, month: str) -> Scope:
    """The scope of one supplier's billing period `month`: its rows in the calendar months the period
    touches and the month before it (the previous invoice an audit compares with). All months when the
    supplier or month is not one the contract knows (the command then says so)."""
    root = Path(root).resolve() if root is not None else config.project_root()
    try:
        contract = load_parameters(engagement, root).contracts.get(supplier)
    except EngagementError:  # loading the engagement reports its problems
        return Scope(supplier=supplier)
    try:
        period = contract.period(month) if contract is not None else None
    except Exception:  # noqa: BLE001 - a malformed month is reported by the command itself
        period = None
    if period is None:
        return Scope(supplier=supplier)
    months, current = [previous_month(month_of(period.start))], month_of(period.start)
    while current <= month_of(period.end):
        months.append(current)
        current = next_month(current)
    return Scope(supplier=supplier, months=tuple(dict.fromkeys(months)))


__all__ = ["Scope", "load_cached", "load_validated", "month_scope", "store_dir"]
