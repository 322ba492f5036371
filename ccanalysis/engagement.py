"""The engagement as loaded: its settings, contracts, holidays and canonical tables, and their accessors.

An `Engagement` is built by `ccanalysis.io.loader.load` (read and validate every file) or
`ccanalysis.io.cache.load_cached` (the same, reused while nothing changed); both stay importable from here
(`from ccanalysis.engagement import load, load_cached, Engagement`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from . import config
from . import contacts as contact_records
from .audit.matching import Rule
from .contract import BillingPeriod, Contract, EngagementSettings, Service
from .errors import UsageError
from .io.invoice_rules import RULES_PREFIX, empty_labels, is_rules_file, labels_path
from .io.schemas import TABLES

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
    #: (the key of results memoised per engagement, see `ccanalysis.io.loader.input_fingerprint`)
    fingerprint: str = ""
    #: supplier -> its rules for matching invoice lines (parameters/ENG/mappings/invoice_lines_SUPPLIER.yaml)
    invoice_rules: dict[str, tuple[Rule, ...]] = field(default_factory=dict)
    #: people's decisions on invoice lines (data/ENG/labels/invoice_lines.csv; the latest per line wins)
    invoice_labels: pd.DataFrame = field(default_factory=empty_labels)

    # ---- tables (empty frames with the canonical columns when absent)
    def table(self, name: str) -> pd.DataFrame:
        frame = self.tables.get(name)
        if frame is None:
            return pd.DataFrame(columns=list(TABLES[name].columns))
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
            raise UsageError(f"unknown supplier {supplier!r}; this engagement has: {known}") from None

    def period(self, supplier: str, month: str) -> BillingPeriod:
        """The supplier's billing period `month`; UsageError for an unknown supplier or a malformed month."""
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
        only the ones that can change that supplier's figures (its contract and invoice-line rules, shared
        settings and mappings, the matching decisions, and data files holding its rows)."""
        params = sorted(p for p in self.parameters_dir().rglob("*") if p.is_file())
        if supplier is not None:
            contracts = self.parameters_dir() / "contracts"
            params = [p for p in params if (p.parent != contracts or p.stem == supplier)
                      and not (is_rules_file(p) and p.stem != f"{RULES_PREFIX}{supplier}")]
        data = [self.root / s.file for s in self.sources if supplier is None or supplier in s.suppliers
                or not s.suppliers]
        labels = labels_path(self.data_dir())
        return params + sorted(set(data)) + ([labels] if labels.is_file() else [])

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
        raise UsageError(f"supplier {supplier!r} has no service {service_id!r}")

    # ---- activity of one service over dates
    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state.pop("_groups", None)  # derived indexes are rebuilt on use
        return state

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


def __getattr__(name: str):
    """`load` and `load_cached`, kept importable from here for notebooks and scripts (PEP 562: the I/O
    layer builds engagements and imports this module, not the other way round)."""
    if name == "load":
        from ccanalysis.io.loader import load

        return load
    if name == "load_cached":
        from ccanalysis.io.cache import load_cached

        return load_cached
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
