"""Loading one engagement: settings, contracts, mappings and every table, validated as a whole.

`load("demo")` reads `parameters/demo/` and `data/demo/`, collects every problem of every file (via the
per-table readers of `tables`) and the cross-file checks of data.md, and either returns a typed
`Engagement` or raises one `EngagementError` listing all of them. It writes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import holidays as holiday_calendars
import numpy as np
import pandas as pd

from ccanalysis.io.mapping import Mapping, load_mapping, matches
from ccanalysis.io.yamlio import load_yaml

from . import config
from . import contacts as contact_records
from . import kpis as kpi_registry
from .contract import BillingPeriod, Contract, EngagementSettings, Service, parse_contract, parse_settings
from .errors import EngagementError, Problem, ProblemCollector
from .io import tables

#: Folder (or single-file stem) of each table inside data/ENG/.
TABLE_LOCATIONS = {
    "activity": "activity",
    "contacts": "contacts",
    "plan": "plan",
    "budget": "budget",
    "workforce": "workforce",
    "reported_kpis": "reported_kpis",
    "invoice_lines": "invoices",
    "disputes": "disputes",
}
SINGLE_FILE_TABLES = {"budget", "disputes"}
INVOICE_NAME = re.compile(r"^(?P<month>\d{4}-(0[1-9]|1[0-2]))$")

#: Activity columns that add up across intervals of a day.
ADDITIVE_ACTIVITY_COLUMNS = (
    "offered", "handled", "abandoned", "abandoned_short", "answered_within_sl", "abandoned_within_sl", "wait_s",
    "talk_s", "hold_s", "acw_s", "logged_s", "aux_s", "sales", "resolved_first_contact", "collected_amount",
    "placed_amount",
)

#: Service-level thresholds used when a contract's `kpis:` block does not set them.
DEFAULT_SL_THRESHOLD_S = 20
DEFAULT_SHORT_ABANDON_S = 5


@dataclass(frozen=True)
class Source:
    """One input file as loaded: for the report header and `ccanalysis validate`."""

    table: str
    file: str
    rows: int
    first: date | None
    last: date | None
    suppliers: frozenset[str] = frozenset()


@dataclass
class Engagement:
    """A validated engagement: parsed contracts and canonical DataFrames (see data.md)."""

    id: str
    root: Path
    settings: EngagementSettings
    contracts: dict[str, Contract]
    holidays: frozenset[date]
    tables: dict[str, pd.DataFrame]
    sources: list[Source] = field(default_factory=list)
    #: (supplier, service, month) -> "contacts" | "interval" | "daily"
    granularity: dict[tuple[str, str, str], str] = field(default_factory=dict)
    #: sha256 of every parameter and data file's path and bytes: equal fingerprints, equal inputs
    #: (the key of results memoised per engagement, see `input_fingerprint`)
    fingerprint: str = ""

    # ---- tables (empty frames with the canonical columns when absent)
    def table(self, name: str) -> pd.DataFrame:
        frame = self.tables.get(name)
        if frame is None:
            return pd.DataFrame(columns=list(tables.TABLES[name].columns))
        return frame

    @property
    def activity(self) -> pd.DataFrame:
        return self.table("activity")

    @property
    def contacts(self) -> pd.DataFrame:
        return self.table("contacts")

    @property
    def invoices(self) -> pd.DataFrame:
        return self.table("invoice_lines")

    @property
    def suppliers(self) -> list[str]:
        return list(self.settings.suppliers)

    def contract(self, supplier: str) -> Contract:
        try:
            return self.contracts[supplier]
        except KeyError:
            known = ", ".join(self.contracts)
            raise ValueError(f"unknown supplier {supplier!r}; this engagement has: {known}") from None

    def period(self, supplier: str, month: str) -> BillingPeriod:
        return self.contract(supplier).period(month)

    def months(self) -> list[str]:
        """Months with activity of any granularity, in order."""
        return sorted({m for (_, _, m) in self.granularity})

    def data_dir(self) -> Path:
        return config.data_dir(self.id, self.root)

    def parameters_dir(self) -> Path:
        return config.parameters_dir(self.id, self.root)

    def input_files(self, supplier: str | None = None) -> list[Path]:
        """The files the engagement was loaded from (for incremental report rebuilds); with `supplier`,
        only the ones that can change that supplier's figures (its contract, shared settings and
        mappings, and data files holding its rows)."""
        params = sorted(p for p in self.parameters_dir().rglob("*") if p.is_file())
        if supplier is not None:
            contracts = self.parameters_dir() / "contracts"
            params = [p for p in params if p.parent != contracts or p.stem == supplier]
        data = [self.root / s.file for s in self.sources if supplier is None or supplier in s.suppliers
                or not s.suppliers]
        return params + sorted(set(data))

    # ---- service-level thresholds
    def thresholds(self, supplier: str, service: Service | str, on: date | None = None) -> tuple[int, int]:
        """(SL threshold, short-abandon threshold) in seconds for a service, from its `kpis:` block (given by
        id: the terms in force `on` that day, else the base terms)."""
        if isinstance(service, str):
            service = self._service(supplier, service, on)
        setting = service.kpis.get("service_level")
        threshold = setting.threshold_s if setting and setting.threshold_s is not None else DEFAULT_SL_THRESHOLD_S
        short = (
            setting.short_abandon_s if setting and setting.short_abandon_s is not None else DEFAULT_SHORT_ABANDON_S
        )
        return threshold, short

    def _service(self, supplier: str, service_id: str, on: date | None = None) -> Service:
        contract = self.contract(supplier)
        in_force = [contract.version_on(on)[0]] if on is not None else []
        for services in in_force + [contract.services] + [v.services for v in contract.versions]:
            for service in services:
                if service.id == service_id:
                    return service
        raise ValueError(f"supplier {supplier!r} has no service {service_id!r}")

    # ---- activity of one service over dates
    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state.pop("_groups", None)  # derived indexes and results are rebuilt on use
        state.pop("_results", None)
        return state

    def cached(self, key: tuple, compute):
        """`compute()` once per loaded engagement and key: a loaded engagement does not change, so a result
        such as a supplier's expected invoice for a month is the same every time a report asks for it."""
        results = self.__dict__.setdefault("_results", {})
        if key not in results:
            results[key] = compute()
        return results[key]

    def _grouped(self, table: str, when: str) -> dict[tuple[str, str], pd.DataFrame]:
        """The table split once by (supplier, service), each part sorted by `when`, for fast date slices."""
        cache = self.__dict__.setdefault("_groups", {})
        if table not in cache:
            frame = self.table(table)
            cache[table] = {} if frame.empty else {
                key: part.sort_values(when, kind="stable")
                for key, part in frame.groupby(["supplier", "service"], sort=False)}
        return cache[table]

    def _between(self, table: str, when: str, supplier: str, service: str, start: date, end: date) -> pd.DataFrame:
        part = self._grouped(table, when).get((supplier, service))
        if part is None:
            return self.table(table).iloc[0:0]
        values = part[when].to_numpy()
        lo = values.searchsorted(pd.Timestamp(start).to_datetime64(), side="left")
        hi = values.searchsorted((pd.Timestamp(end) + pd.Timedelta(days=1)).to_datetime64(), side="left")
        return part.iloc[lo:hi]

    def contacts_for(self, supplier: str, service: str, start: date, end: date) -> pd.DataFrame:
        """Contact records of one service starting between two dates, inclusive."""
        return self._between("contacts", "start", supplier, service, start, end)

    def activity_rows(self, supplier: str, service: str, start: date, end: date) -> pd.DataFrame:
        """Activity rows (daily or interval) of one service between two dates, inclusive."""
        return self._between("activity", "date", supplier, service, start, end)

    def daily_activity(self, supplier: str, service: str, start: date, end: date) -> pd.DataFrame:
        """One row per day of the service's activity, from whichever granularity is its source
        (`contacts.daily_activity`: contact records at the contract's thresholds, intervals summed per day,
        or daily rows)."""
        threshold, short = self.thresholds(supplier, service, start)
        return contact_records.daily_activity(self.contacts_for(supplier, service, start, end),
                                              self.activity_rows(supplier, service, start, end),
                                              threshold_s=threshold, short_abandon_s=short)


# =========================================================================== loading
def load(engagement: str, root: Path | str | None = None, *, progress: bool = False) -> Engagement:
    """Load and validate engagement `engagement` (its id: `parameters/<id>/`, `data/<id>/`).

    Raises `EngagementError` listing every problem (file, row, column or key path, value, what to fix);
    nothing is computed from an invalid engagement.
    """
    root = Path(root).resolve() if root is not None else config.project_root()
    params = config.parameters_dir(engagement, root)
    data = config.data_dir(engagement, root)
    found = ProblemCollector()

    def shown(path: Path) -> str:
        try:
            return str(path.relative_to(root))
        except ValueError:
            return str(path)

    if not params.is_dir():
        raise EngagementError(
            [Problem(file=shown(params), message="no such engagement folder; create it (see README, "
                     "'Starting a new engagement') or run `ccanalysis demo` for the demo")],
            title=f"Cannot load engagement {engagement!r}",
        )

    # ---- engagement.yaml
    settings = None
    settings_file = params / "engagement.yaml"
    if not settings_file.is_file():
        found.add(shown(settings_file), "missing: every engagement needs engagement.yaml (see spec/data.md)")
    else:
        settings, problems = _read_yaml_model(settings_file, shown(settings_file), parse_settings)
        found.extend(problems)
        if settings is not None and settings.id != engagement:
            found.add(shown(settings_file), f"id is {settings.id!r} but the folder is {engagement!r}; make them equal",
                      column="id", value=settings.id)

    # ---- contracts
    contracts: dict[str, Contract] = {}
    broken: set[str] = set()  # suppliers whose contract file is there but invalid
    for path in sorted((params / "contracts").glob("*.y*ml")):
        contract, problems = _read_yaml_model(path, shown(path), parse_contract)
        found.extend(problems)
        if contract is None:
            broken.add(path.stem)
            continue
        if contract.supplier != path.stem:
            found.add(shown(path), f"supplier is {contract.supplier!r} but the file is named {path.name}; "
                      f"name the file {contract.supplier}.yaml", column="supplier", value=contract.supplier)
        contracts[contract.supplier] = contract
    if settings is not None:
        for supplier in settings.suppliers:
            if supplier not in contracts and supplier not in broken:
                found.add(shown(params / "contracts" / f"{supplier}.yaml"),
                          f"missing: supplier {supplier!r} is listed in engagement.yaml but has no contract file")
        for supplier in contracts:
            if supplier not in settings.suppliers:
                found.add(shown(params / "contracts" / f"{supplier}.yaml"),
                          f"supplier {supplier!r} has a contract but is not listed in engagement.yaml `suppliers`")

    # ---- mappings
    mappings: list[tuple[str, Mapping]] = []
    for path in sorted((params / "mappings").glob("*.y*ml")):
        try:
            mappings.append((shown(path), load_mapping(path, display_path=shown(path))))
        except EngagementError as exc:
            found.extend(exc.problems)

    # ---- tables
    frames: dict[str, pd.DataFrame] = {}
    sources: list[Source] = []
    files = list(_table_files(data))
    iterator: Iterable = files
    if progress and files:
        from tqdm import tqdm

        iterator = tqdm(files, desc="Reading files", unit="file", leave=False)
    per_table: dict[str, list[pd.DataFrame]] = {}
    for table, path in iterator:
        relative = path.relative_to(data).as_posix()
        mapping = _mapping_for(relative, table, mappings, found, shown(path))
        if mapping is not None:
            table = mapping.table
        frame, problems = tables.read_table(path, table, mapping=mapping, display_path=shown(path))
        found.extend(problems)
        if frame is None or frame.empty and problems:
            continue
        if table == "invoice_lines":
            frame = _tag_invoice(frame, path, data, shown(path), found)
        per_table.setdefault(table, []).append(frame)
        sources.append(_source(table, shown(path), frame))
    for table, parts in per_table.items():
        frames[table] = concat_aligned(parts)
        found.extend(tables.check_rows(frames[table], table))
    if "contacts" in frames:
        frames["contacts"] = _compact_text(frames["contacts"])

    if settings is None:
        found.raise_if_any(f"Engagement {engagement!r} has errors")
    assert settings is not None
    holiday_days = holiday_set(settings.holidays, frames)
    eng = Engagement(id=engagement, root=root, settings=settings, contracts=contracts, holidays=holiday_days,
                     tables=frames, sources=sources, fingerprint=input_fingerprint(engagement, root))

    # ---- cross-file checks
    if contracts:
        found.extend(_check_references(eng, broken))
        eng.granularity, problems = _granularity(eng)
        found.extend(problems)
        found.extend(_check_kpi_columns(eng))
        found.extend(_check_contact_charges(eng))
        found.extend(_check_invoice_periods(eng))
    found.raise_if_any(f"Engagement {engagement!r} has errors")
    return eng


def _input_files(engagement: str, root: Path) -> list[Path]:
    params, data = config.parameters_dir(engagement, root), config.data_dir(engagement, root)
    return sorted(p for p in params.rglob("*") if p.is_file()) + [p for _, p in _table_files(data)]


def input_fingerprint(engagement: str, root: Path) -> str:
    """sha256 (hex) of the path and bytes of every parameter and data file of the engagement."""
    import hashlib

    digest = hashlib.sha256()
    for path in _input_files(engagement, root):
        digest.update(str(path.relative_to(root)).encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def load_cached(engagement: str, root: Path | str | None = None) -> Engagement:
    """`load`, reusing the validated engagement of an earlier run when no input file changed.

    The cache lives in `reports/ENG/.cache/` (a build output, like the reports) and is keyed by the bytes
    of every parameter and data file and the ccanalysis version; an invalid engagement is never cached.
    """
    import hashlib
    import os
    import pickle
    import tempfile

    from . import __version__

    root = Path(root).resolve() if root is not None else config.project_root()
    params, data = config.parameters_dir(engagement, root), config.data_dir(engagement, root)
    digest = hashlib.sha256(f"ccanalysis {__version__}\n".encode())
    for source in sorted(Path(__file__).parent.glob("*.py")):  # a code change is a new cache, version or not
        digest.update(source.read_bytes())
    files = sorted(p for p in params.rglob("*") if p.is_file()) + [p for _, p in _table_files(data)]
    for path in files:
        digest.update(str(path.relative_to(root)).encode() + b"\0")
        digest.update(path.read_bytes())
    folder = config.reports_dir(engagement, root) / ".cache"
    cached = folder / f"engagement-{digest.hexdigest()[:24]}.pickle"
    if cached.is_file():
        try:
            with cached.open("rb") as handle:
                eng = pickle.load(handle)
            eng.root = root
            return eng
        except Exception:  # a cache from another environment is only a cache: rebuild it
            cached.unlink(missing_ok=True)
    eng = load(engagement, root)
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=folder, delete=False, suffix=".tmp") as handle:
        pickle.dump(eng, handle, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(handle.name, cached)
    for old in folder.glob("engagement-*.pickle"):
        if old != cached:
            old.unlink(missing_ok=True)
    return eng


def _read_yaml_model(path: Path, display: str, parse):
    try:
        data = load_yaml(path, display)
    except EngagementError as exc:
        return None, exc.problems
    return parse(data, display)


def _table_files(data: Path) -> Iterable[tuple[str, Path]]:
    """(table, file) for every table file of the engagement's data folder, in a stable order."""
    for table, location in TABLE_LOCATIONS.items():
        if table in SINGLE_FILE_TABLES:
            candidates = sorted(p for p in data.glob(f"{location}.*") if p.is_file())
        else:
            folder = data / location
            candidates = sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []
        for path in candidates:
            if path.name.startswith((".", "~$")):
                continue
            yield table, path


def _mapping_for(relative: str, table: str, mappings: list[tuple[str, Mapping]], found: ProblemCollector,
                 display: str) -> Mapping | None:
    hits = [(file, m) for file, m in mappings if matches(m, relative)]
    if len(hits) > 1:
        found.add(display, "more than one mapping matches this file: " + ", ".join(f for f, _ in hits)
                  + "; make their `files` patterns exclusive")
        return None
    return hits[0][1] if hits else None


def _tag_invoice(frame: pd.DataFrame, path: Path, data: Path, display: str, found: ProblemCollector) -> pd.DataFrame:
    """Invoice lines carry the supplier and billing month from their path: invoices/SUPPLIER/YYYY-MM.ext."""
    parts = path.relative_to(data / "invoices").parts
    match = INVOICE_NAME.match(Path(parts[-1]).stem) if len(parts) == 2 else None
    if match is None:
        found.add(display, "invoice files must be named invoices/SUPPLIER/YYYY-MM.csv|xlsx|parquet "
                  "(the billing period they bill)")
        supplier, month = (parts[0] if len(parts) > 1 else None), None
    else:
        supplier, month = parts[0], match["month"]
    frame = frame.copy()
    frame["supplier"] = supplier
    frame["month"] = month
    return frame


def _source(table: str, file: str, frame: pd.DataFrame) -> Source:
    first = last = None
    for col in ("date", "start", "period_start"):
        if col in frame.columns and frame[col].notna().any():
            first, last = frame[col].min().date(), frame[col].max().date()
            if col == "period_start" and "period_end" in frame.columns:
                last = frame["period_end"].max().date()
            break
    else:
        if "month" in frame.columns and frame["month"].notna().any():
            first = date.fromisoformat(f"{frame['month'].min()}-01")
            last = date.fromisoformat(f"{frame['month'].max()}-01")
    suppliers = frozenset(str(s) for s in frame["supplier"].dropna().unique()) if "supplier" in frame else frozenset()
    return Source(table=table, file=file, rows=len(frame), first=first, last=last, suppliers=suppliers)


def _compact_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns of a large table (contact records) as pandas' Arrow-backed strings: a fraction of the
    memory of Python string objects, and fast to cache and reload. Blanks stay missing."""
    frame = frame.copy()
    for column in frame.columns:
        if frame[column].dtype == object and frame[column].map(lambda v: v is None or isinstance(v, str)).all():
            frame[column] = frame[column].astype("string[pyarrow]")
    return frame


def concat_aligned(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate the files of one table whose optional columns differ. A column missing from some files is
    blank there; a whole-number column stays integer (nullable Int64) instead of turning into floats."""
    if len(parts) == 1:
        return parts[0].reset_index(drop=True)
    columns = list(dict.fromkeys(c for part in parts for c in part.columns))
    aligned = [part.reindex(columns=columns) for part in parts]
    for col in columns:
        present = [part[col] for part in parts if col in part.columns]
        if len(present) < len(parts) and all(pd.api.types.is_integer_dtype(s) for s in present):
            for part in aligned:
                part[col] = part[col].astype("Int64")
    return pd.concat(aligned, ignore_index=True)


def holiday_set(country: str, frames: dict[str, pd.DataFrame]) -> frozenset[date]:
    """Public holidays of the engagement's calendar for every year its data touches."""
    years: set[int] = set()
    for col, table in (("date", "activity"), ("start", "contacts"), ("date", "plan")):
        frame = frames.get(table)
        if frame is not None and col in frame.columns and frame[col].notna().any():
            years |= set(range(frame[col].min().year, frame[col].max().year + 1))
    if not years:
        years = {date.today().year}
    code, _, subdivision = country.partition("-")
    calendar = holiday_calendars.country_holidays(code, subdiv=subdivision or None, years=sorted(years))
    return frozenset(calendar.keys())


def _check_references(eng: Engagement, broken: set[str] = frozenset()) -> list[Problem]:
    """Suppliers and services in the data exist in the contracts. One problem per file and unknown value,
    naming its rows. Suppliers whose contract file exists but is invalid (`broken`) are not reported again."""
    problems: list[Problem] = []
    known = set(eng.contracts)
    for table, frame in eng.tables.items():
        if frame is None or frame.empty or "supplier" not in frame.columns:
            continue
        bad_supplier = frame["supplier"].notna() & ~frame["supplier"].isin(known | set(broken))
        problems += _grouped_problems(frame[bad_supplier], "supplier",
                                      f"unknown supplier; expected one of {', '.join(sorted(known))}")
        if "service" not in frame.columns:
            continue
        for supplier, contract in eng.contracts.items():
            services = contract.all_service_ids()
            rows = frame[(frame["supplier"] == supplier) & frame["service"].notna()]
            allowed = services | ({"*"} if table == "budget" else set())
            problems += _grouped_problems(rows[~rows["service"].isin(allowed)], "service",
                                          f"unknown service for supplier {supplier!r}; its contract has "
                                          f"{', '.join(sorted(services))}")
    return problems


def _grouped_problems(bad: pd.DataFrame, column: str, message: str) -> list[Problem]:
    problems = []
    for (file, value), rows in bad.groupby(["_file", column], sort=False):
        numbers = sorted(int(r) for r in rows["_row"].dropna())
        more = f" (rows {_row_span(numbers)})" if len(numbers) > 1 else ""
        problems.append(Problem(file=file, row=numbers[0] if numbers else None, column=column, value=value,
                                message=message + more))
    return problems


def _row_span(numbers: list[int]) -> str:
    """'2–51' for a run, '2, 5, 9' for a few rows, '2, 5, … (40 rows)' for many."""
    if numbers == list(range(numbers[0], numbers[-1] + 1)):
        return f"{numbers[0]}–{numbers[-1]}"
    if len(numbers) <= 6:
        return ", ".join(map(str, numbers))
    return ", ".join(map(str, numbers[:5])) + f", … ({len(numbers)} rows)"


def _row(row: pd.Series) -> int | None:
    value = row.get("_row")
    return None if value is None or pd.isna(value) else int(value)


def _billing_months(eng: Engagement, suppliers: pd.Series, when: pd.Series) -> pd.Series:
    """The billing period (YYYY-MM, named by its end month) each date falls in, under its supplier's
    billing cycle: with `cutoff_day` 25, 26 September belongs to 2026-10."""
    months = when.dt.strftime("%Y-%m")
    for supplier, contract in eng.contracts.items():
        cutoff = contract.billing_cycle.cutoff_day
        if cutoff is None:
            continue
        later = ((suppliers == supplier) & (when.dt.day > cutoff)).to_numpy()
        if later.any():
            months[later] = (when[later].dt.to_period("M") + 1).dt.strftime("%Y-%m")
    return months


def _granularity(eng: Engagement) -> tuple[dict[tuple[str, str, str], str], list[Problem]]:
    """Which source each (supplier, service, month) uses; two sources for one month is an error."""
    seen: dict[tuple[str, str, str], dict[str, set[str]]] = {}

    def note(frame: pd.DataFrame, kind: str, when: pd.Series) -> None:
        keys = pd.DataFrame({"supplier": frame["supplier"], "service": frame["service"],
                             "month": _billing_months(eng, frame["supplier"], when), "file": frame["_file"]})
        for (supplier, service, month), files in keys.groupby(["supplier", "service", "month"])["file"]:
            seen.setdefault((supplier, service, month), {}).setdefault(kind, set()).update(files.unique())

    contacts = eng.tables.get("contacts")
    if contacts is not None and not contacts.empty:
        note(contacts, "contacts", contacts["start"])
    activity = eng.tables.get("activity")
    if activity is not None and not activity.empty:
        has_interval = activity["interval_start"].notna() if "interval_start" in activity else None
        if has_interval is not None and has_interval.any():
            note(activity[has_interval], "interval", activity.loc[has_interval, "date"])
            daily = activity[~has_interval]
        else:
            daily = activity
        if not daily.empty:
            note(daily, "daily", daily["date"])
    result: dict[tuple[str, str, str], str] = {}
    problems: list[Problem] = []
    for key, kinds in sorted(seen.items()):
        if len(kinds) > 1:
            files = sorted(f for fs in kinds.values() for f in fs)
            problems.append(Problem(
                file=files[0],
                message=f"supplier {key[0]}, service {key[1]}, month {key[2]} has activity at two granularities "
                f"({' and '.join(sorted(kinds))}) in {', '.join(files)}; keep one source per month",
            ))
        result[key] = next(k for k in ("contacts", "interval", "daily") if k in kinds)
    return result, problems


def _check_kpi_columns(eng: Engagement) -> list[Problem]:
    """Columns each contract's KPI rules need are present (and filled) for that service's activity, and
    `sl_threshold_s` equals the contract's threshold; each row is checked against the terms (base or
    version) that rate its billing period."""
    problems: list[Problem] = []
    activity = eng.tables.get("activity")
    if activity is None or activity.empty:
        return problems  # contact records give every count; no activity rows → nothing to check
    for supplier, contract in eng.contracts.items():
        mine = activity[activity["supplier"] == supplier]
        if mine.empty:
            continue
        starts = np.array([v.valid_from for v in contract.versions], dtype="datetime64[ns]")
        in_force = starts.searchsorted(mine["date"].to_numpy(), side="right")  # 0 = base terms, k = versions[k-1]
        for k in np.unique(in_force):
            services, _ = contract.version_on(contract.versions[k - 1].valid_from if k else date.min)
            part = mine[in_force == k]
            for service in services:
                rows = part[part["service"] == service.id]
                if not rows.empty:
                    problems += _service_kpi_problems(eng, supplier, contract, service, rows)
    return problems


def _service_kpi_problems(eng: Engagement, supplier: str, contract: Contract, service: Service,
                          rows: pd.DataFrame) -> list[Problem]:
    problems: list[Problem] = []
    where = next((f"versions[{k}]." for k in range(len(contract.versions) - 1, -1, -1)
                  if any(s is service for s in contract.versions[k].services)), "")
    for rule, kpi_name, variant in _kpi_rules(service):
        for column in sorted(kpi_registry.required_columns(kpi_name, variant)):
            if column not in rows.columns or rows[column].isna().any():
                missing = rows if column not in rows.columns else rows[rows[column].isna()]
                first = missing.iloc[0]
                problems.append(Problem(
                    file=first["_file"], row=_row(first) if column in rows.columns else None, column=column,
                    message=f"needed by contracts/{supplier}.yaml {where}{rule} ({kpi_name}, "
                    f"{variant or 'default definition'}) for service {service.id}; add the column",
                ))
    problems += _charge_row_problems(supplier, service, rows, where)
    if "sl_threshold_s" in rows.columns:
        threshold, _ = eng.thresholds(supplier, service)
        bad = rows[rows["sl_threshold_s"].notna() & (rows["sl_threshold_s"] != threshold)]
        for _, row in bad.head(20).iterrows():
            problems.append(Problem(file=row["_file"], row=_row(row), column="sl_threshold_s",
                                    value=int(row["sl_threshold_s"]),
                                    message=f"answered_within_sl was counted at this threshold but "
                                    f"contracts/{supplier}.yaml {where}services[{service.id}] sets threshold_s "
                                    f"{threshold}"))
    return problems


#: Optional activity columns a charge's unit is computed from (the required ones are always there).
UNIT_ROW_COLUMNS = {"effective_hour": ("aux_s",), "sale": ("sales",), "collected_amount": ("collected_amount",)}
#: Contact-record columns a unit needs, and units that contact records cannot give (no logged time).
UNIT_CONTACT_COLUMNS = {"customer": ("customer_id",), "sale": ("outcome",), "collected_amount": ("outcome", "amount")}
UNITS_NOT_FROM_CONTACTS = ("logged_hour", "effective_hour", "fte")


def _charge_units(charge: dict) -> list[str]:
    return list(charge.get("dimensions") or [charge.get("unit")])


def _charge_row_problems(supplier: str, service: Service, rows: pd.DataFrame, where: str) -> list[Problem]:
    """What the service's charges need from its activity rows, so that `validate` rejects what the
    expected invoice could not rate (data.md billable units; pricing.md rounding and applies_to.hours)."""
    problems: list[Problem] = []
    first = rows.iloc[0]
    daily = "interval_start" not in rows.columns or rows["interval_start"].isna().any()
    for i, charge in enumerate(service.charges):
        rule = f"contracts/{supplier}.yaml {where}services[{service.id}].charges[{i}] ({charge['id']})"
        for unit in _charge_units(charge):
            for column in UNIT_ROW_COLUMNS.get(unit, ()):
                if column not in rows.columns or rows[column].isna().any():
                    missing = first if column not in rows.columns else rows[rows[column].isna()].iloc[0]
                    problems.append(Problem(file=missing["_file"], row=_row(missing) if column in rows.columns
                                            else None, column=column,
                                            message=f"needed by {rule}, billed per {unit}; add the column"))
            if unit == "customer":
                problems.append(Problem(file=first["_file"], message=f"{rule} is billed per distinct customer, "
                                        "which needs contact records with customer_id, not activity rows"))
        if charge.get("rounding"):
            problems.append(Problem(file=first["_file"], message=f"{rule} rounds each contact (`rounding`), which "
                                    "needs contact records in data/ENG/contacts/, not activity rows"))
        if (charge.get("applies_to") or {}).get("hours") and daily:
            problems.append(Problem(file=first["_file"], message=f"{rule} restricts hours (`applies_to.hours`), "
                                    "which needs interval rows or contact records, not daily rows"))
    return problems


def _check_contact_charges(eng: Engagement) -> list[Problem]:
    """What the charges of services rated from contact records need from those records."""
    problems: list[Problem] = []
    contacts = eng.tables.get("contacts")
    if contacts is None or contacts.empty:
        return problems
    seen: set[tuple[str, str]] = set()
    for (supplier, service_id, _), kind in sorted(eng.granularity.items()):
        if kind != "contacts" or (supplier, service_id) in seen or supplier not in eng.contracts:
            continue
        seen.add((supplier, service_id))
        contract = eng.contracts[supplier]
        file = contacts.loc[(contacts["supplier"] == supplier) & (contacts["service"] == service_id), "_file"].iloc[0]
        services = [s for group in [contract.services] + [v.services for v in contract.versions]
                    for s in group if s.id == service_id]
        for service in services:
            for i, charge in enumerate(service.charges):
                rule = f"contracts/{supplier}.yaml services[{service_id}].charges[{i}] ({charge['id']})"
                for unit in _charge_units(charge):
                    if unit in UNITS_NOT_FROM_CONTACTS:
                        problems.append(Problem(file=file, message=f"{rule} is billed per {unit}, which needs "
                                                "logged time from activity rows; contact records have none"))
                    for column in UNIT_CONTACT_COLUMNS.get(unit, ()):
                        if column not in contacts.columns:
                            problems.append(Problem(file=file, column=column,
                                                    message=f"needed by {rule}, billed per {unit}; add the column"))
    return problems


def _kpi_rules(service: Service) -> list[tuple[str, str, str | None]]:
    """(where in the contract, kpi, variant) for every KPI the contract prices through an SLA rule."""
    out = []
    settings = service.kpis
    for i, rule in enumerate((service.sla or {}).get("rules", [])):
        name = rule.get("kpi")
        if name in kpi_registry.REGISTRY:
            variant = rule.get("variant") or (settings[name].variant if name in settings else None)
            out.append((f"services[{service.id}].sla.rules[{i}]", name, variant))
    return out


def _check_invoice_periods(eng: Engagement) -> list[Problem]:
    """An invoice file's name (its billing period) matches the period its lines bill."""
    problems: list[Problem] = []
    invoices = eng.tables.get("invoice_lines")
    if invoices is None or invoices.empty:
        return problems
    for (supplier, month), lines in invoices.groupby(["supplier", "month"], dropna=True):
        if supplier not in eng.contracts and supplier in eng.settings.suppliers:
            continue  # its contract is invalid, already reported
        if supplier not in eng.contracts:
            problems.append(Problem(file=lines["_file"].iloc[0], message=f"folder invoices/{supplier}/ is not a "
                                    f"supplier of this engagement"))
            continue
        period = eng.contracts[supplier].period(month)
        ends = lines["period_end"].dt.date
        starts = lines["period_start"].dt.date
        corrective = lines["corrects_invoice_id"].notna() if "corrects_invoice_id" in lines else False
        outside = ~((ends >= period.start) & (ends <= period.end) & (starts >= period.start)) & ~corrective
        for _, row in lines[outside].head(5).iterrows():
            problems.append(Problem(
                file=row["_file"], row=_row(row), column="period_start, period_end",
                value=f"{row['period_start'].date()}..{row['period_end'].date()}",
                message=f"the file is named for billing period {month} ({period.start}..{period.end}); "
                "rename the file or fix the period",
            ))
    return problems
