"""Loading one engagement: settings, contracts, mappings, invoice-line rules and decisions and every table,
validated as a whole.

`load("demo")` reads `parameters/demo/` and `data/demo/`, collects every problem of every file (via the
per-table reader `ccanalysis.io.tables.read_table` and the row rules of `ccanalysis.io.rows`) and the
cross-file checks of data.md (`ccanalysis.io.checks`), and either returns a typed `Engagement` or raises one
`EngagementError` listing all of them. It writes nothing.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from ccanalysis import config
from ccanalysis.cargos.agreement import Agreement, parse_agreement
from ccanalysis.contract import Contract, EngagementSettings, parse_contract, parse_settings
from ccanalysis.engagement import Engagement, Source
from ccanalysis.errors import EngagementError, Problem, ProblemCollector, UsageError
from ccanalysis.io import checks, invoice_rules, tables
from ccanalysis.io import rows as table_rows
from ccanalysis.io.mapping import Mapping, load_mapping, matches
from ccanalysis.io.schemas import TABLES
from ccanalysis.io.yamlio import load_yaml
from ccanalysis.periods import MONTH_PATTERN, holiday_calendar

#: An engagement id names its folders `parameters/<id>/` and `data/<id>/`: no path, no `..`.
ENGAGEMENT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)*")


def load(engagement: str, root: Path | str | None = None, *, progress: bool = False) -> Engagement:
    """Load and validate engagement `engagement` (its id: `parameters/<id>/`, `data/<id>/`).

    Raises `EngagementError` listing every problem (file, row, column or key path, value, what to fix);
    nothing is computed from an invalid engagement.
    """
    check_engagement_id(engagement)
    root = Path(root).resolve() if root is not None else config.project_root()
    params = config.parameters_dir(engagement, root)
    data = config.data_dir(engagement, root)
    found = ProblemCollector()

    shown = _shown_from(root)

    if not params.is_dir():
        raise EngagementError(
            [Problem(file=shown(params), message="no such engagement folder; create it (see README, "
                     "'Starting a new engagement') or run `ccanalysis demo` for the demo")],
            title=f"Cannot load engagement {engagement!r}",
        )

    parameters = _read_parameters(engagement, params, data, found, shown)
    settings, contracts, broken = parameters.settings, parameters.contracts, parameters.broken
    broken_agreements = parameters.broken_agreements
    mappings, unmapped = parameters.mappings, parameters.unmapped

    # ---- tables
    frames: dict[str, pd.DataFrame] = {}
    sources: list[Source] = []
    files = list(_table_files(data))
    iterator: Iterable = files
    if progress and files:
        from tqdm import tqdm

        iterator = tqdm(files, desc="Reading files", unit="file", leave=False)
    per_table: dict[str, list[pd.DataFrame]] = {}
    failed: set[str] = set()  # tables with a file that failed its own checks: left out of the cross-file checks
    incomplete: set[str] = set()  # tables with a file lacking a required column: left out of the row rules too
    for table, path in iterator:
        relative = path.relative_to(data).as_posix()
        before = len(found.problems)
        mapping = _mapping_for(relative, table, mappings, found, shown(path))
        if mapping is None and any(matches(m, relative) for m in unmapped):
            failed.add(table)  # its mapping is invalid (reported): read without it, it would only add noise
            continue
        if mapping is not None:
            table = mapping.table
        frame, problems = tables.read_table(path, table, mapping=mapping, display_path=shown(path))
        found.extend(problems)
        if frame is not None and not (frame.empty and problems) and table == "invoice_lines":
            frame = _tag_invoice(frame, path, data, shown(path), found)
        if frame is None or len(found.problems) > before:
            failed.add(table)
            if frame is None or not set(TABLES[table].required()) <= set(frame.columns):
                incomplete.add(table)
                continue
        per_table.setdefault(table, []).append(frame)
        sources.append(_source(table, shown(path), frame))
    for table, parts in per_table.items():
        if table in incomplete:
            continue
        frame = concat_aligned(parts)
        found.extend(table_rows.check_rows(frame, table))
        if table not in failed:
            frames[table] = frame
    if "contacts" in frames:
        frames["contacts"] = _compact_text(frames["contacts"])

    if settings is None:
        found.raise_if_any(f"Engagement {engagement!r} has errors")
    assert settings is not None
    holiday_days = holiday_set(settings.holidays, frames)
    eng = Engagement(id=engagement, root=root, settings=settings, contracts=contracts, holidays=holiday_days,
                     tables=frames, sources=sources, fingerprint=input_fingerprint(engagement, root),
                     invoice_rules=parameters.rules, invoice_labels=parameters.labels,
                     cargo_agreements=parameters.agreements)

    # ---- cross-file checks
    if contracts:
        found.extend(checks.check_references(eng, broken))
        eng.granularity, problems = checks.granularity(eng)
        found.extend(problems)
        found.extend(checks.check_kpi_columns(eng))
        found.extend(checks.check_contact_charges(eng))
        found.extend(checks.check_invoice_periods(eng))
        found.extend(checks.check_invoice_currency(eng))
        found.extend(checks.check_reported_scales(eng))
        found.extend(checks.check_compliance_evidence(eng))
        found.extend(checks.check_collections(eng, failed | incomplete))
        found.extend(checks.check_billing_care(eng, failed | incomplete))
    if (params / "cargos").is_dir() or any(table in per_table for table in checks.CARGOS_TABLES):
        found.extend(checks.check_cargos(eng, failed | incomplete, broken_agreements))
    found.raise_if_any(f"Engagement {engagement!r} has errors")
    return eng


@dataclass
class Parameters:
    """What the parameter files (and the matching decisions) of an engagement hold, as parsed: settings (None
    when engagement.yaml is missing or invalid), contracts, suppliers with an invalid contract file, column
    mappings, the `files` of invalid mappings, invoice-line rules and decisions, the retailers' agreements
    (charge invoices, `ccanalysis.cargos`) and the retailers whose agreement file is invalid."""

    settings: EngagementSettings | None
    contracts: dict[str, Contract]
    broken: set[str]
    mappings: list[tuple[str, Mapping]]
    unmapped: list[Mapping]
    rules: dict
    labels: pd.DataFrame
    agreements: dict[str, Agreement]
    broken_agreements: set[str]


def _read_parameters(engagement: str, params: Path, data: Path, found: ProblemCollector, shown) -> Parameters:
    """Parse the engagement's parameter files and matching decisions, adding every problem to `found`."""
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
    contracts, broken, contract_files = _read_named(params / "contracts", parse_contract, "supplier", found, shown)
    for supplier, contract in contracts.items():
        path = contract_files[supplier]
        if settings is not None and contract.currency != settings.currency:
            found.add(shown(path), f"the contract is in {contract.currency} but the engagement in "
                      f"{settings.currency} (engagement.yaml currency): write {settings.currency}, or convert the "
                      "contract's prices (there is no FX table)", column="currency", value=contract.currency)
    if settings is not None:
        for supplier in settings.suppliers:
            if supplier not in contracts and supplier not in broken:
                found.add(shown(params / "contracts" / f"{supplier}.yaml"),
                          f"missing: supplier {supplier!r} is listed in engagement.yaml but has no contract file")
        for supplier in contracts:
            if supplier not in settings.suppliers:
                found.add(shown(params / "contracts" / f"{supplier}.yaml"),
                          f"supplier {supplier!r} has a contract but is not listed in engagement.yaml `suppliers`")

    # ---- agreements with retailers (charge invoices, ccanalysis.cargos)
    agreements: dict[str, Agreement]
    agreements, broken_agreements, _ = _read_named(params / "cargos", parse_agreement, "retailer", found, shown)
    if settings is not None and not settings.suppliers and not agreements and not (params / "cargos").is_dir():
        found.add(shown(settings_file), "list at least one supplier (each with its contract in contracts/), or add "
                  "the retailers' agreements in cargos/ for an engagement on charge invoices from retailers",
                  column="suppliers")

    # ---- mappings
    mappings: list[tuple[str, Mapping]] = []
    unmapped: list[Mapping] = []  # the `files` of invalid mappings: their files are not read without them
    for path in sorted((params / "mappings").glob("*.y*ml")):
        if invoice_rules.is_rules_file(path):
            continue
        try:
            mappings.append((shown(path), load_mapping(path, display_path=shown(path))))
        except EngagementError as exc:
            found.extend(exc.problems)
            unmapped.append(Mapping.model_construct(files=_mapping_files(path)))

    # ---- how invoice lines are matched: the suppliers' rules, the people's decisions
    rules, problems = invoice_rules.read_rules(params / "mappings", contracts,
                                               settings.suppliers if settings else contracts, shown)
    found.extend(problems)
    labels_file = invoice_rules.labels_path(data)
    labels, problems = invoice_rules.read_labels(labels_file, shown(labels_file), contracts)
    found.extend(problems)

    return Parameters(settings, contracts, broken, mappings, unmapped, rules, labels, agreements, broken_agreements)


def load_parameters(engagement: str, root: Path | str | None = None) -> Parameters:
    """The engagement's parameters alone (no table is read): what a stored engagement is re-parsed with.
    Raises `EngagementError` listing every problem of the parameter files."""
    check_engagement_id(engagement)
    root = Path(root).resolve() if root is not None else config.project_root()
    found = ProblemCollector()

    shown = _shown_from(root)

    parameters = _read_parameters(engagement, config.parameters_dir(engagement, root),
                                  config.data_dir(engagement, root), found, shown)
    found.raise_if_any(f"Engagement {engagement!r} has errors")
    return parameters


def _shown_from(root: Path):
    """How a file is named in a problem: its path under the project root (as given when outside it)."""
    def shown(path: Path) -> str:
        try:
            return str(path.relative_to(root))
        except ValueError:
            return str(path)
    return shown


def check_engagement_id(engagement: object) -> None:
    """UsageError unless `engagement` is an id naming folders (`ENGAGEMENT_ID`): an absolute path or a `..`
    is refused before any file is read."""
    if not isinstance(engagement, str) or not ENGAGEMENT_ID.fullmatch(engagement):
        raise UsageError(f"engagement id {engagement!r} is not a folder name: an id is letters, digits, '_', "
                         "'.' and '-', starting with a letter or digit (e.g. demo, acme-2026), never a path")


def input_files(engagement: str, root: Path) -> list[Path]:
    """Every parameter file, table file and the matching decisions of the engagement, in a stable order."""
    check_engagement_id(engagement)
    params, data = config.parameters_dir(engagement, root), config.data_dir(engagement, root)
    labels = invoice_rules.labels_path(data)
    return (sorted(p for p in params.rglob("*") if p.is_file()) + [p for _, p in _table_files(data)]
            + ([labels] if labels.is_file() else []))


def input_fingerprint(engagement: str, root: Path) -> str:
    """sha256 (hex) of the path and bytes of every parameter and data file of the engagement."""
    digest = hashlib.sha256()
    for path in input_files(engagement, root):
        digest.update(str(path.relative_to(root)).encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _read_named(folder: Path, parse, key: str, found: ProblemCollector, shown
                ) -> tuple[dict, set[str], dict[str, Path]]:
    """Every `*.yaml` of `folder` parsed by `parse`, keyed by its `key` field (a contract's supplier, an
    agreement's retailer), which must be the file's name; the names of the files that are there but invalid
    (their problems added to `found`); and each model's file."""
    models: dict = {}
    broken: set[str] = set()
    paths: dict[str, Path] = {}
    for path in sorted(folder.glob("*.y*ml")):
        model, problems = _read_yaml_model(path, shown(path), parse)
        found.extend(problems)
        if model is None:
            broken.add(path.stem)
            continue
        name = getattr(model, key)
        if name != path.stem:
            found.add(shown(path), f"{key} is {name!r} but the file is named {path.name}; name the file {name}.yaml",
                      column=key, value=name)
        models[name] = model
        paths[name] = path
    return models, broken, paths


def _read_yaml_model(path: Path, display: str, parse):
    try:
        data = load_yaml(path, display)
    except EngagementError as exc:
        return None, exc.problems
    return parse(data, display)


def _mapping_files(path: Path) -> list[str]:
    """The `files` globs of a mapping file that failed its checks, when they can be read at all."""
    try:
        data = load_yaml(path, str(path))
    except EngagementError:
        return []
    files = data.get("files") if isinstance(data, dict) else None
    if isinstance(files, str):
        files = [files]
    return [f for f in files if isinstance(f, str)] if isinstance(files, list) else []


def _table_files(data: Path) -> Iterable[tuple[str, Path]]:
    """(table, file) for every table file of the engagement's data folder, in a stable order."""
    for table, spec in TABLES.items():
        if spec.single_file:
            candidates = sorted(p for p in data.glob(f"{spec.data_location()}.*") if p.is_file())
        else:
            folder = data / spec.data_location()
            candidates = sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []
            if spec.file_or_folder:
                candidates = sorted(p for p in data.glob(f"{spec.data_location()}.*") if p.is_file()) + candidates
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
    stem = Path(parts[-1]).stem
    if len(parts) != 2 or not MONTH_PATTERN.match(stem):
        found.add(display, "invoice files must be named invoices/SUPPLIER/YYYY-MM.csv|xlsx|parquet "
                  "(the billing period they bill)")
        supplier, month = (parts[0] if len(parts) > 1 else None), None
    else:
        supplier, month = parts[0], stem
    frame = frame.copy()
    frame["supplier"] = supplier
    frame["month"] = month
    return frame


def _source(table: str, file: str, frame: pd.DataFrame) -> Source:
    first = last = None
    for col in ("date", "start", "period_start", "placed_on", "paid_on", "issue_date", "delivered_at", "decided_at"):
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
        if frame[column].dtype == object and _only_text(frame[column].to_numpy()):
            frame[column] = frame[column].astype("string[pyarrow]")
    return frame


def _only_text(values) -> bool:
    """Whether every cell is a str or None (column-wise: only the blank cells are looked at one by one)."""
    blank = pd.isna(values)
    if blank.any() and not all(v is None for v in values[blank]):
        return False
    rest = values[~blank]
    return len(rest) == 0 or pd.api.types.infer_dtype(rest, skipna=False) == "string"


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
    return holiday_calendar(country, years)
