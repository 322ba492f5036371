"""The engagement as loaded: its settings, contracts, holidays and canonical tables, and their accessors.

An `Engagement` is built by `ccanalysis.io.loader.load` (read and validate every file) or
`ccanalysis.io.cache.load_cached` (the same, reused while nothing changed); both stay importable from here
(`from ccanalysis.engagement import load, load_cached, Engagement`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd
from pydantic import ValidationError

from . import config, reprs
from . import contacts as contact_records
from . import kpis as kpi_registry
from .audit.matching import Rule
from .cargos.agreement import Agreement
from .contract import BillingPeriod, Contract, EngagementSettings, KpiSetting, Service
from .errors import InputError, UnknownNameError, UsageError
from .io.invoice_rules import RULES_PREFIX, empty_labels, is_rules_file, labels_path
from .io.schemas import TABLES
from .periods import period_containing

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


def as_day(value: date | str, what: str) -> date:
    """A `date`, or a "YYYY-MM-DD" text as one; UsageError naming `what` otherwise."""
    if isinstance(value, date):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise UsageError(f"{what}: expected a date or a text YYYY-MM-DD (e.g. 2026-08-01), got {value!r}")


#: Columns of `Engagement.kpis`: the KPI, its definition and value, then where the definition came from.
KPI_COLUMNS = ["kpi", "variant", "value", "value_float", "unit", "threshold_s", "short_abandon_s", "aggregation",
               "decimals", "defined_by"]


def kpi_settings_with(settings: dict[str, dict], overrides: dict[str, object]) -> tuple[dict[str, dict], set[str]]:
    """A service's `kpis:` settings (KPI name → mapping) with `overrides` merged over them, KPI by KPI and key
    by key, checked: UnknownNameError for an unknown KPI, key or variant, UsageError for a bad value.
    Returns the merged settings and the names of the KPIs overridden."""
    merged = {name: dict(entry) for name, entry in settings.items()}
    for name, changes in overrides.items():
        if name not in kpi_registry.REGISTRY:
            known = tuple(kpi_registry.REGISTRY)
            raise UnknownNameError(f"unknown KPI {name!r}; known KPIs: {', '.join(known)}", name=name,
                                   where="kpis", known=known)
        if not isinstance(changes, dict):
            raise UsageError(f"{name}: expected a mapping of options (e.g. {name}={{'variant': ...}}), "
                             f"got {changes!r}")
        for key in changes:
            if key not in kpi_registry.SETTING_KEYS:
                known = kpi_registry.SETTING_KEYS
                raise UnknownNameError(f"{name}: unknown option {key!r}; known options: {', '.join(known)}",
                                       name=key, where=f"kpis.{name}", known=known)
        variant = changes.get("variant")
        variants = tuple(kpi_registry.spec(name).variants)
        if variant is not None and variant not in variants:
            raise UnknownNameError(f"{name}: unknown variant {variant!r}; known variants: {', '.join(variants)}",
                                   name=str(variant), where=f"kpis.{name}.variant", known=variants)
        entry = {**merged.get(name, {}), **changes}
        try:
            merged[name] = KpiSetting.model_validate(entry).model_dump(exclude_none=True)
        except ValidationError as exc:
            text = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
            raise UsageError(f"{name}: {text}") from None
    return merged, set(overrides)


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
    #: retailer -> its agreement (parameters/ENG/cargos/RETAILER.yaml), for charge invoices from retailers
    cargo_agreements: dict[str, Agreement] = field(default_factory=dict)

    # ---- tables (empty frames with the canonical columns when absent)
    def table(self, name: str) -> pd.DataFrame:
        """The loaded table `name`; an empty frame with its columns when the engagement has none."""
        frame = self.tables.get(name)
        if frame is None:
            return pd.DataFrame(columns=list(TABLES[name].columns))
        return frame

    @property
    def activity(self) -> pd.DataFrame:
        """The activity table (empty with its columns when absent)."""
        return self.table("activity")

    @property
    def contacts(self) -> pd.DataFrame:
        """The contact records table (empty with its columns when absent)."""
        return self.table("contacts")

    @property
    def invoices(self) -> pd.DataFrame:
        """The invoice_lines table (empty with its columns when absent)."""
        return self.table("invoice_lines")

    @property
    def suppliers(self) -> list[str]:
        """The engagement's supplier ids, in the settings' order."""
        return list(self.settings.suppliers)

    def contract(self, supplier: str) -> Contract:
        """The supplier's contract; UsageError naming the known suppliers otherwise."""
        try:
            return self.contracts[supplier]
        except KeyError:
            known = ", ".join(self.contracts)
            raise UsageError(f"unknown supplier {supplier!r}; this engagement has: {known}") from None

    def period(self, supplier: str, month: str) -> BillingPeriod:
        """The supplier's billing period `month`; UsageError for an unknown supplier or a malformed month."""
        return self.contract(supplier).period(month)

    def months(self) -> list[str]:
        """Months with activity of any granularity, or with collections attempts or payments, in order
        (computed once)."""
        if "_months" not in self.__dict__:
            found = {m for (_, _, m) in self.granularity}
            for table, column in (("attempts", "start"), ("payments", "paid_on")):
                frame = self.table(table)
                if not frame.empty:
                    found |= set(pd.to_datetime(frame[column]).dt.strftime("%Y-%m").dropna())
            self.__dict__["_months"] = sorted(found)
        return list(self.__dict__["_months"])

    def data_dir(self) -> Path:
        """The engagement's folder of data files: ROOT/data/ENG."""
        return config.data_dir(self.id, self.root)

    def parameters_dir(self) -> Path:
        """The engagement's folder of parameter files: ROOT/parameters/ENG."""
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

    # ---- KPIs of one service over any dates
    def kpis(self, supplier: str, service: str, start: date | str, end: date | str,
             **overrides: dict[str, object]) -> pd.DataFrame:
        """KPIs of one service over the days `start`..`end` inclusive (dates or "YYYY-MM-DD"), under the
        definitions of the contract terms in force on `start`, with `overrides` merged over them, e.g.
        `service_level={"threshold_s": 30}` or `abandonment_rate={"variant": "offered"}` (keys: variant,
        threshold_s, short_abandon_s, aggregation, decimals; see `ccanalysis.kpis`).

        One row per KPI (`KPI_COLUMNS`): kpi, variant, value (exact Fraction, None without data),
        value_float (display only), unit (fraction 0–1, seconds, score, hours, money), threshold_s and
        short_abandon_s (seconds) and aggregation the value was computed with, decimals (the contract's),
        defined_by ("override", "contract" or "default"). The contract's KPIs come first, then every other
        KPI the data computes (cost per contact, which needs an invoice, is left out). Computed on contact
        records when the service has them (any threshold), else on its activity rows (a threshold other
        than the one they were counted at is an InputError). UnknownNameError for an unknown KPI, option or
        variant; UsageError for an unknown supplier or service or malformed dates."""
        first, last = as_day(start, "start"), as_day(end, "end")
        if last < first:
            raise UsageError(f"end {last} is before start {first}")
        terms = self._service(supplier, service, first)
        settings, overridden = kpi_settings_with(terms.kpi_settings(), overrides)
        contacts = self.contacts_for(supplier, service, first, last)
        data = contacts if not contacts.empty else self.activity_rows(supplier, service, first, last)
        try:
            table = kpi_registry.kpi_table(data, settings)
        except ValueError as exc:
            raise InputError(f"{supplier}/{service} {first}..{last}: {exc}") from None
        table["defined_by"] = ["override" if k in overridden else "contract" if k in terms.kpis else "default"
                               for k in table["kpi"]]
        return table[KPI_COLUMNS]

    # ---- notebook faces
    def _table_rows(self) -> list[tuple[str, int]]:
        return [(name, len(frame)) for name, frame in self.tables.items() if frame is not None]

    def __repr__(self) -> str:
        months = self.months()
        span = f"{months[0]}..{months[-1]}" if months else "no months"
        tables = reprs.listing(f"{name} {rows:,}" for name, rows in self._table_rows())
        return reprs.one_line(f"<Engagement {self.id}: {self.settings.client!r}, suppliers "
                              f"{reprs.listing(self.suppliers, 4)}; {span}; tables {tables}>")

    def _repr_html_(self) -> str:
        months = self.months()
        summary = reprs.html_table(f"Engagement {self.id}", [
            ("client", self.settings.client), ("currency", self.settings.currency),
            ("suppliers", ", ".join(self.suppliers)),
            ("months", f"{months[0]}..{months[-1]} ({len(months)})" if months else "")])
        tables = reprs.html_table("Tables", [(n, f"{r:,}") for n, r in self._table_rows()], ("table", "rows"))
        return summary + tables

    # ---- activity of one service over dates
    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        for derived in ("_groups", "_attributed", "_months", "_billing_care"):  # rebuilt on use
            state.pop(derived, None)
        return state

    def _grouped(self, table: str, when: str, *, records: bool = False) -> dict[tuple[str, str], pd.DataFrame]:
        """The table split once by (supplier, service), each part sorted by `when`, for fast date slices.
        Contact records: only those the service's counts come from, unless `records` (every record, the
        billing-care records beside activity rows included)."""
        cache = self.__dict__.setdefault("_groups", {})
        name = f"{table}:records" if records else table
        if name not in cache:
            if table == "contacts" and not records:
                cache[name] = {key: self._counted(key, part) for key, part
                               in self._grouped(table, when, records=True).items()}
                return cache[name]
            frame = self.table(table)
            # a part already in order (as files usually are) is not sorted again
            cache[name] = {} if frame.empty else {
                key: part if part[when].is_monotonic_increasing else part.sort_values(when, kind="stable")
                for key, part in frame.groupby(["supplier", "service"], sort=False)}
        return cache[name]

    def _counted(self, key: tuple[str, str], contacts: pd.DataFrame) -> pd.DataFrame:
        """The contact records of a service that its counts come from: all of them, but for a billing-care
        service in billing months whose source is activity rows (there the records are billing-care records
        only, `io.checks.granularity`)."""
        supplier, service = key
        if key not in self.billing_care_services() or contacts.empty:
            return contacts
        cutoff = self.contracts[supplier].billing_cycle.cutoff_day
        days = contacts["start"].dt.normalize()
        months = {day: period_containing(day.date(), cutoff).month for day in days.unique()}
        counted = days.map(lambda day: self.granularity.get((supplier, service, months[day])) == "contacts")
        return contacts[counted.to_numpy(dtype=bool)]

    def _between(self, table: str, when: str, supplier: str, service: str, start: date, end: date, *,
                 records: bool = False) -> pd.DataFrame:
        part = self._grouped(table, when, records=records).get((supplier, service))
        if part is None:
            return self.table(table).iloc[0:0]
        values = part[when].to_numpy()
        lo = values.searchsorted(pd.Timestamp(start).to_datetime64(), side="left")
        hi = values.searchsorted((pd.Timestamp(end) + pd.Timedelta(days=1)).to_datetime64(), side="left")
        return part.iloc[lo:hi]

    def contacts_for(self, supplier: str, service: str, start: date, end: date) -> pd.DataFrame:
        """Contact records of one service starting between two dates, inclusive: the ones its counts come
        from (a billing-care service's records beside activity rows are left out: `billing_care_contacts`)."""
        return self._between("contacts", "start", supplier, service, start, end)

    def billing_care_contacts(self, supplier: str, service: str, start: date, end: date) -> pd.DataFrame:
        """Every contact record of one service starting between two dates, inclusive — for a billing-care
        service, its billing-care records (reason, customer_id, agent_id, discount, outcome), whether the
        service's counts come from them or from activity rows."""
        return self._between("contacts", "start", supplier, service, start, end, records=True)

    def billing_care_services(self) -> dict[tuple[str, str], Service]:
        """(supplier, service id) → the service with `billing_care:` settings (the latest terms that set them),
        for every service of every contract and version that has them."""
        if "_billing_care" not in self.__dict__:
            found: dict[tuple[str, str], Service] = {}
            for supplier, contract in self.contracts.items():
                for services in [contract.services] + [v.services for v in contract.versions]:
                    for service in services:
                        if service.billing_care is not None:
                            found[(supplier, service.id)] = service
            self.__dict__["_billing_care"] = found
        return dict(self.__dict__["_billing_care"])

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
