"""A report's share of the engagement store, sent to a worker that has no shared disk (`--store-send`).

The driver packs, as bytes by path relative to the project root: the engagement's parameter files, the
matching decisions, the store's manifest and only the partitions of the report's `Scope` (one supplier's
billing month: `ccanalysis.io.cache.month_scope`), with `SHIPPED` (in `data/ENG/`) naming that scope. The worker writes them
into a scratch project root and runs the report there; `read_shipped` (called by the report notebooks'
`open_engagement`) then reads the store of that scope without the input-file check, which the driver made
(its data files are not sent). Every partition is still checked against its sha256 when read.
"""

from __future__ import annotations

import json
from pathlib import Path

from ccanalysis import config
from ccanalysis.engagement import Engagement
from ccanalysis.errors import InputError
from ccanalysis.io import invoice_rules
from ccanalysis.io.loader import input_files
from ccanalysis.io.schemas import TABLES
from ccanalysis.io.store import MANIFEST, Scope, current_manifest, read_manifest, read_store, store_dir

#: The file in a scratch root's `data/ENG/` that marks it as a shipped store: JSON {engagement, supplier, months}.
SHIPPED = ".shipped-store.json"


def store_bundle(engagement: str, root: Path, scope: Scope) -> dict[str, bytes]:
    """The files a worker needs to run one report of `engagement` in `scope`, by path relative to `root`.

    The store must be current (the driver has just loaded the engagement through it); InputError otherwise."""
    root = Path(root).resolve()
    manifest = current_manifest(engagement, root, input_files(engagement, root))
    if manifest is None:
        raise InputError(f"the engagement store {store_dir(engagement, root)} could not be written or is out of "
                         "date; run the reports with --store-shared")
    folder = store_dir(engagement, root)
    suppliers = _suppliers(engagement, root)
    files = [p for p in config.parameters_dir(engagement, root).rglob("*") if p.is_file()]
    labels = invoice_rules.labels_path(config.data_dir(engagement, root))
    files += [labels] if labels.is_file() else []
    bundle = {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(files)}
    bundle[(folder / MANIFEST).relative_to(root).as_posix()] = (folder / MANIFEST).read_bytes()
    for name, entry in manifest["tables"].items():
        per_period = name in TABLES and TABLES[name].per_period
        for partition in entry["partitions"]:
            if scope.wants(partition["supplier"], partition["month"], suppliers, per_period=per_period):
                path = folder / partition["path"]
                bundle[path.relative_to(root).as_posix()] = path.read_bytes()
    marker = (config.data_dir(engagement, root) / SHIPPED).relative_to(root).as_posix()
    bundle[marker] = json.dumps({"engagement": engagement, "supplier": scope.supplier,
                                  "months": list(scope.months) if scope.months is not None else None}).encode()
    return bundle


def _suppliers(engagement: str, root: Path) -> list[str]:
    from ccanalysis.io.loader import load_parameters

    settings = load_parameters(engagement, root).settings
    return list(settings.suppliers) if settings is not None else []


def read_shipped(engagement: str, root: Path) -> Engagement | None:
    """The engagement of a shipped store at `root` (in the scope it was packed for); None when `root` is
    not a scratch root of `store_bundle` for this engagement."""
    marker = config.data_dir(engagement, Path(root)) / SHIPPED
    if not marker.is_file():
        return None
    shipped = json.loads(marker.read_text(encoding="utf-8"))
    if shipped.get("engagement") != engagement:
        return None
    months = shipped.get("months")
    scope = Scope(supplier=shipped.get("supplier"), months=tuple(months) if months is not None else None)
    root = Path(root).resolve()
    return read_store(engagement, root, read_manifest(store_dir(engagement, root)), scope)
