"""Compliance clauses: non-economic contract terms checked per supplier, service and month (kpis.md).

Each clause kind is one `ClauseKind` record in `KINDS` (its keys, its validation, how it is evaluated);
a clause names its kind by holding that key. Adding a kind is one record at the bottom of this module
plus its tests (and its sentences in `i18n/report.py`). The kinds:
- `kpi`: a registry KPI with `max` and/or `min` (attrition_rate, training_hours_per_head from the
  workforce table; any other KPI from activity rows or contact records);
- `evidence`: the same check on a quality KPI such as `qa_score` (`min: 85`);
- `certification`: the certification listed in the workforce `certifications` column (`;`-separated,
  compared case-insensitively); met when every workforce row of the supplier (and service) lists it;
- `max_incidents`: Σ `security_incidents` of the month ≤ the maximum.

The result is facts, not sentences: status "met", "not_met" or "no_data", the figure behind it and, for
no data or a miss, a reason code (`no_rows`, `no_column`, `zero_denominator`, `not_reported`,
`not_listed`) with what is missing; the report layer says them in its language.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

import pandas as pd

from ccanalysis import kpis
from ccanalysis.money import exact_sum, to_decimal
from ccanalysis.registry import Registry

#: KPIs computed from the workforce table rather than activity.
WORKFORCE_COLUMNS = ("headcount_avg", "headcount_start", "leavers", "hires", "training_hours",
                     "new_hire_training_hours")
COLUMNS = ["supplier", "service", "month", "id", "kind", "subject", "variant", "min", "max", "source", "status",
           "reason", "missing", "figure"]


@dataclass(frozen=True)
class Outcome:
    """What one clause gave: status, the figure behind it, and why when there is no data or a miss."""

    status: str  # met | not_met | no_data
    figure: object = None
    reason: str | None = None
    missing: tuple[str, ...] = ()  # columns absent, or services not listing a certification
    source: str = "workforce"  # the table the figure comes from: workforce | activity
    variant: str | None = None


@dataclass(frozen=True)
class ClauseKind:
    """One kind of compliance clause: the key that names it, its other keys, its checks, its evaluation and
    the family of its sentences in `i18n/report.py` (`<text>_result`, `<text>_<reason>`)."""

    name: str
    keys: tuple[str, ...]
    text: str
    validate: Callable[[Mapping[str, object], str], None]
    evaluate: Callable[[Mapping[str, object], pd.DataFrame | None, pd.DataFrame | None], Outcome]  # workforce, activity
    limits: Callable[[Mapping[str, object]], tuple[Decimal | None, Decimal | None]] = lambda clause: limits(clause)
    #: the subject is a KPI, whose unit (fraction, seconds…) is the unit of the limits
    subject_is_kpi: bool = False
    #: what the clause requires is its subject itself (a certification's name), not limits
    requires_subject: bool = False

    def clause_id(self, clause: Mapping[str, object]) -> str:
        """The clause's `id`, else its subject (the KPI or certification), else the kind's name."""
        subject = clause[self.name]
        return str(clause.get("id", subject if isinstance(subject, str) else self.name))

    def subject(self, clause: Mapping[str, object]) -> str | None:
        value = clause[self.name]
        return value if isinstance(value, str) else None


class ClauseKinds(Registry[ClauseKind]):
    """The registry of clause kinds: `register(kind)`, `get(name)` (the error names the kinds there are)."""

    def __init__(self) -> None:
        super().__init__("clause kind", "kinds")

    def all_keys(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(k for kind in self.records() for k in kind.keys))

    def kind_of(self, clause: Mapping[str, object], path: str) -> ClauseKind:
        found = [name for name in self.names() if name in clause]
        if len(found) != 1:
            raise ValueError(f"{path}: give exactly one of {', '.join(self.names())} "
                             f"(found {', '.join(found) or 'none'})")
        return self.get(found[0])


KINDS = ClauseKinds()


def validate(clauses: list[Mapping[str, object]], path: str = "compliance") -> None:
    """Validate a contract's `compliance:` list; ValueError naming the key path (compliance[2].foo)."""
    if not isinstance(clauses, list):
        raise ValueError(f"{path}: expected a list of clauses")
    valid_keys = KINDS.all_keys()
    seen: set[str] = set()
    for i, clause in enumerate(clauses):
        where = f"{path}[{i}]"
        if not isinstance(clause, Mapping):
            raise ValueError(f"{where}: expected a mapping, got {clause!r}")
        unknown = [k for k in clause if k not in valid_keys]
        if unknown:
            raise ValueError(f"{where}.{unknown[0]}: unknown key; valid keys: {', '.join(valid_keys)}")
        kind = KINDS.kind_of(clause, where)
        misplaced = [k for k in clause if k not in kind.keys]
        if misplaced:
            raise ValueError(f"{where}.{misplaced[0]}: not a key of a {kind.name} clause; "
                             f"valid keys: {', '.join(kind.keys)}")
        kind.validate(clause, where)
        clause_id = kind.clause_id(clause)
        if clause_id in seen:
            raise ValueError(f"{where}.id: duplicate clause id {clause_id!r}")
        seen.add(clause_id)


def _rows_of(table: pd.DataFrame | None, supplier: str, service: str | None, month: str,
             by_date: bool) -> pd.DataFrame | None:
    """The rows of `table` for the supplier, service (all when None) and month; None without a table."""
    if table is None:
        return None
    mask = pd.Series(True, index=table.index)
    if "supplier" in table.columns:
        mask &= table["supplier"] == supplier
    if service is not None and "service" in table.columns:
        mask &= table["service"] == service
    if by_date:
        dates = table["date"] if "date" in table.columns else table.get("start")
        if dates is not None:
            mask &= pd.to_datetime(dates).dt.strftime("%Y-%m") == month
        elif "month" in table.columns:
            mask &= table["month"] == month
    elif "month" in table.columns:
        mask &= table["month"] == month
    return table[mask]


def limits(clause: Mapping[str, object]) -> tuple[Decimal | None, Decimal | None]:
    """The clause's (min, max) as Decimals, None where not given."""
    return tuple(to_decimal(clause[key], what=key) if key in clause else None  # type: ignore[return-value]
                 for key in ("min", "max"))


# --------------------------------------------------------------------------- kpi and evidence clauses
def _validate_kpi(clause: Mapping[str, object], where: str, kind: str) -> None:
    name = clause[kind]
    if name not in kpis.REGISTRY:
        raise ValueError(f"{where}.{kind}: unknown KPI {name!r}; valid KPIs: {', '.join(kpis.REGISTRY)}")
    try:
        kpis.variant_of(name, clause.get("variant"))
    except ValueError as error:
        raise ValueError(f"{where}.variant: {error}") from None
    if "min" not in clause and "max" not in clause:
        raise ValueError(f"{where}.max: a {kind} clause needs min and/or max")
    for key in ("min", "max", "threshold_s", "short_abandon_s"):
        if key in clause:
            to_decimal(clause[key], what=f"{where}.{key}")
    for key in ("min", "max"):
        if key in clause:
            kpis.check_scale(name, clause.get("variant"), clause[key], f"{where}.{key}")
    try:
        kpis.check_aggregation(clause.get("aggregation"))
    except ValueError as error:
        raise ValueError(f"{where}.{error}") from None


def _evaluate_kpi(clause: Mapping[str, object], kind: str, workforce: pd.DataFrame | None,
                  activity: pd.DataFrame | None) -> Outcome:
    name = str(clause[kind])
    spec_variant = kpis.variant_of(name, clause.get("variant"))
    source = "workforce" if spec_variant.columns & set(WORKFORCE_COLUMNS) else "activity"
    table = workforce if source == "workforce" else activity
    facts = {"source": source, "variant": spec_variant.name}
    if table is None or table.empty:
        return Outcome("no_data", reason="no_rows", **facts)
    missing = [] if kpis.is_contact_records(table) else sorted(spec_variant.columns - set(table.columns))
    if missing:  # contact records: kpi() says which threshold option is missing
        return Outcome("no_data", reason="no_column", missing=tuple(missing), **facts)
    options = {k: clause[k] for k in ("threshold_s", "short_abandon_s", "aggregation") if k in clause}
    value = kpis.kpi(name, table, spec_variant.name, **options)
    if value is None:
        return Outcome("no_data", reason="zero_denominator", **facts)
    low, high = limits(clause)
    met = (low is None or value >= Fraction(low)) and (high is None or value <= Fraction(high))
    return Outcome("met" if met else "not_met", value, **facts)


KPI_KEYS = ("id", "kpi", "evidence", "min", "max", "variant", "threshold_s", "short_abandon_s",
            "aggregation", "description")


def _kpi_kind(name: str) -> ClauseKind:
    return ClauseKind(name, KPI_KEYS, "clause_kpi", lambda clause, where: _validate_kpi(clause, where, name),
                      lambda clause, staff, work: _evaluate_kpi(clause, name, staff, work), subject_is_kpi=True)


# --------------------------------------------------------------------------- certification clauses
def _validate_certification(clause: Mapping[str, object], where: str) -> None:
    if not isinstance(clause["certification"], str) or not clause["certification"].strip():
        raise ValueError(f"{where}.certification: expected the certification's name")


def _split(text: object) -> list[str]:
    if text is None or (isinstance(text, float) and pd.isna(text)) or text is pd.NA:
        return []
    return [part.strip() for part in str(text).split(";") if part.strip()]


def _evaluate_certification(clause: Mapping[str, object], workforce: pd.DataFrame | None,
                            activity: pd.DataFrame | None) -> Outcome:
    wanted = str(clause["certification"]).strip()
    if workforce is None or workforce.empty:
        return Outcome("no_data", reason="no_rows")
    if "certifications" not in workforce.columns:
        return Outcome("no_data", reason="no_column", missing=("certifications",))
    per_row = [_split(v) for v in workforce["certifications"]]
    figure = ";".join(sorted({c for row in per_row for c in row}))
    covered = [wanted.casefold() in {c.casefold() for c in row} for row in per_row]
    if all(covered):
        return Outcome("met", figure)
    services = workforce.get("service", pd.Series(["?"] * len(covered)))
    missing = tuple(str(s) for s, ok in zip(services, covered, strict=False) if not ok)
    return Outcome("not_met", figure, reason="not_listed", missing=missing)


# --------------------------------------------------------------------------- security incident clauses
def _validate_incidents(clause: Mapping[str, object], where: str) -> None:
    limit = clause["max_incidents"]
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
        raise ValueError(f"{where}.max_incidents: expected a whole number ≥ 0, got {limit!r}")


def _evaluate_incidents(clause: Mapping[str, object], workforce: pd.DataFrame | None,
                        activity: pd.DataFrame | None) -> Outcome:
    if workforce is None or workforce.empty:
        return Outcome("no_data", reason="no_rows")
    if "security_incidents" not in workforce.columns or workforce["security_incidents"].isna().all():
        return Outcome("no_data", reason="not_reported")
    figure = int(exact_sum(workforce["security_incidents"]))
    return Outcome("met" if figure <= int(clause["max_incidents"]) else "not_met", figure)


def evaluate(clauses: list[Mapping[str, object]], *, workforce: pd.DataFrame | None,
             activity: pd.DataFrame | None, supplier: str, service: str | None, month: str) -> pd.DataFrame:
    """One row per clause for a supplier, service (None: all its services) and month "YYYY-MM".

    Columns: supplier, service, month, id, kind, subject (the KPI or certification), variant (of a KPI),
    min and max (Decimal limits; max_incidents is a max), source (workforce | activity), status ("met" |
    "not_met" | "no_data"), reason (None or a code), missing (columns or services) and figure (KPI value as
    Fraction, incidents as int, certifications found as "A;B").
    """
    validate(list(clauses))
    staff = _rows_of(workforce, supplier, service, month, by_date=False)
    work = _rows_of(activity, supplier, service, month, by_date=True)
    rows = []
    for clause in clauses:
        kind = KINDS.kind_of(clause, "compliance")
        outcome = kind.evaluate(clause, staff, work)
        low, high = kind.limits(clause)
        rows.append({"supplier": supplier, "service": service, "month": month, "id": kind.clause_id(clause),
                     "kind": kind.name, "subject": kind.subject(clause), "variant": outcome.variant,
                     "min": low, "max": high, "source": outcome.source, "status": outcome.status,
                     "reason": outcome.reason, "missing": outcome.missing, "figure": outcome.figure})
    return pd.DataFrame(rows, columns=COLUMNS)


KINDS.register(_kpi_kind("kpi"))
KINDS.register(_kpi_kind("evidence"))
KINDS.register(ClauseKind("certification", ("id", "certification", "description"), "clause_certification",
                          _validate_certification, _evaluate_certification, requires_subject=True))
KINDS.register(ClauseKind("max_incidents", ("id", "max_incidents", "description"), "clause_incidents",
                          _validate_incidents, _evaluate_incidents,
                          limits=lambda clause: (None, Decimal(int(clause["max_incidents"])))))
