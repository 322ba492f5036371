"""Compliance clauses: non-economic contract terms checked per supplier, service and month (kpis.md).

Clause kinds (one kind key per clause):
- `kpi`: a registry KPI with `max` and/or `min` (attrition_rate, training_hours_per_head from the
  workforce table; any other KPI from activity rows or contact records);
- `evidence`: the same check on a quality KPI such as `qa_score` (`min: 85`);
- `certification`: the certification listed in the workforce `certifications` column (`;`-separated,
  compared case-insensitively); met when every workforce row of the supplier (and service) lists it;
- `max_incidents`: Σ `security_incidents` of the month ≤ the maximum.

Status is "met", "not_met" or "no_data" (no rows for the month, a missing column, or a KPI whose
denominator is 0), with the figure behind it.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction

import pandas as pd

from ccanalysis import kpis
from ccanalysis.money import exact_sum, to_decimal

KINDS = ("kpi", "evidence", "certification", "max_incidents")
KPI_KEYS = ("id", "kpi", "evidence", "min", "max", "variant", "threshold_s", "short_abandon_s",
            "aggregation", "description")
KEYS_BY_KIND = {
    "kpi": KPI_KEYS,
    "evidence": KPI_KEYS,
    "certification": ("id", "certification", "description"),
    "max_incidents": ("id", "max_incidents", "description"),
}
ALL_KEYS = tuple(dict.fromkeys(k for keys in KEYS_BY_KIND.values() for k in keys))
#: KPIs computed from the workforce table rather than activity.
WORKFORCE_COLUMNS = ("headcount_avg", "headcount_start", "leavers", "hires", "training_hours",
                     "new_hire_training_hours")
COLUMNS = ["supplier", "service", "month", "id", "kind", "status", "figure", "threshold", "explanation"]


def _kind(clause: Mapping[str, object], path: str) -> str:
    found = [k for k in KINDS if k in clause]
    if len(found) != 1:
        raise ValueError(f"{path}: give exactly one of {', '.join(KINDS)} (found {', '.join(found) or 'none'})")
    return found[0]


def check(clauses: list[Mapping[str, object]], path: str = "compliance") -> None:
    """Validate a contract's `compliance:` list; ValueError naming the key path (compliance[2].foo)."""
    if not isinstance(clauses, list):
        raise ValueError(f"{path}: expected a list of clauses")
    seen: set[str] = set()
    for i, clause in enumerate(clauses):
        where = f"{path}[{i}]"
        if not isinstance(clause, Mapping):
            raise ValueError(f"{where}: expected a mapping, got {clause!r}")
        unknown = [k for k in clause if k not in ALL_KEYS]
        if unknown:
            raise ValueError(f"{where}.{unknown[0]}: unknown key; valid keys: {', '.join(ALL_KEYS)}")
        kind = _kind(clause, where)
        misplaced = [k for k in clause if k not in KEYS_BY_KIND[kind]]
        if misplaced:
            raise ValueError(f"{where}.{misplaced[0]}: not a key of a {kind} clause; "
                             f"valid keys: {', '.join(KEYS_BY_KIND[kind])}")
        if kind in ("kpi", "evidence"):
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
            try:
                kpis.check_aggregation(clause.get("aggregation"))
            except ValueError as error:
                raise ValueError(f"{where}.{error}") from None
        elif kind == "certification":
            if not isinstance(clause["certification"], str) or not clause["certification"].strip():
                raise ValueError(f"{where}.certification: expected the certification's name")
        else:
            limit = clause["max_incidents"]
            if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
                raise ValueError(f"{where}.max_incidents: expected a whole number ≥ 0, got {limit!r}")
        clause_id = str(clause.get("id", clause[kind] if kind != "max_incidents" else kind))
        if clause_id in seen:
            raise ValueError(f"{where}.id: duplicate clause id {clause_id!r}")
        seen.add(clause_id)


def validate(clauses: list[Mapping[str, object]], path: str = "compliance") -> None:
    """Validate a contract's `compliance:` list (same as `check`)."""
    check(clauses, path)


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


def _threshold_text(clause: Mapping[str, object], unit: str) -> str:
    parts = []
    for key, sign in (("min", "≥"), ("max", "≤")):
        if key in clause:
            limit = to_decimal(clause[key], what=key)
            shown = f"{(limit * 100).normalize():f} %" if unit == "fraction" else f"{limit.normalize():f}"
            parts.append(f"{sign} {shown}")
    return " and ".join(parts)


def _kpi_clause(clause: Mapping[str, object], kind: str, workforce: pd.DataFrame | None,
                activity: pd.DataFrame | None) -> tuple[str, object, str, str]:
    name = str(clause[kind])
    spec_variant = kpis.variant_of(name, clause.get("variant"))
    unit = spec_variant.unit
    threshold = _threshold_text(clause, unit)
    from_workforce = bool(spec_variant.columns & set(WORKFORCE_COLUMNS))
    table, label = (workforce, "workforce") if from_workforce else (activity, "activity")
    head = f"{name} ({kpis.definition(name, spec_variant.name)})"
    if table is None or table.empty:
        return "no_data", None, threshold, f"{head}: no {label} rows for the month."
    options = {k: clause[k] for k in ("threshold_s", "short_abandon_s", "aggregation") if k in clause}
    missing = [] if kpis.is_contact_records(table) else sorted(spec_variant.columns - set(table.columns))
    if missing:  # contact records: kpi() says which threshold option is missing
        return "no_data", None, threshold, f"{head}: the {label} data has no {', '.join(missing)} column."
    value = kpis.kpi(name, table, spec_variant.name, **options)
    if value is None:
        return "no_data", None, threshold, f"{head}: no data (the denominator is 0)."
    met = True
    if "min" in clause:
        met &= value >= Fraction(to_decimal(clause["min"], what="min"))
    if "max" in clause:
        met &= value <= Fraction(to_decimal(clause["max"], what="max"))
    shown = kpis.format_value(value, unit)
    verdict = "met" if met else "not met"
    return ("met" if met else "not_met"), value, threshold, f"{head} was {shown}, required {threshold}: {verdict}."


def _split(text: object) -> list[str]:
    if text is None or (isinstance(text, float) and pd.isna(text)) or text is pd.NA:
        return []
    return [part.strip() for part in str(text).split(";") if part.strip()]


def _certification_clause(clause: Mapping[str, object], workforce: pd.DataFrame | None
                          ) -> tuple[str, object, str, str]:
    wanted = str(clause["certification"]).strip()
    if workforce is None or workforce.empty:
        return "no_data", None, wanted, f"Certification {wanted}: no workforce rows for the month."
    if "certifications" not in workforce.columns:
        return "no_data", None, wanted, f"Certification {wanted}: the workforce data has no certifications column."
    per_row = [_split(v) for v in workforce["certifications"]]
    found = sorted({c for row in per_row for c in row})
    figure = ";".join(found)
    covered = [wanted.casefold() in {c.casefold() for c in row} for row in per_row]
    if all(covered):
        return "met", figure, wanted, f"Certification {wanted} listed on every workforce row (found: {figure})."
    missing = [str(s) for s, ok in zip(workforce.get("service", pd.Series(["?"] * len(covered))),
                                       covered, strict=False) if not ok]
    return ("not_met", figure, wanted,
            f"Certification {wanted} not listed for {', '.join(missing)} (found: {figure or 'none'}).")


def _incidents_clause(clause: Mapping[str, object], workforce: pd.DataFrame | None
                      ) -> tuple[str, object, str, str]:
    limit = int(clause["max_incidents"])
    threshold = f"≤ {limit}"
    if workforce is None or workforce.empty:
        return "no_data", None, threshold, "Security incidents: no workforce rows for the month."
    if "security_incidents" not in workforce.columns or workforce["security_incidents"].isna().all():
        return "no_data", None, threshold, "Security incidents: not reported in the workforce data."
    total: Decimal = exact_sum(workforce["security_incidents"])
    figure = int(total)
    met = figure <= limit
    return ("met" if met else "not_met", figure, threshold,
            f"Security incidents: {figure} in the month, allowed {threshold}: {'met' if met else 'not met'}.")


def evaluate(clauses: list[Mapping[str, object]], *, workforce: pd.DataFrame | None,
             activity: pd.DataFrame | None, supplier: str, service: str | None, month: str) -> pd.DataFrame:
    """One row per clause for a supplier, service (None: all its services) and month "YYYY-MM".

    Columns: supplier, service, month, id, kind, status ("met" | "not_met" | "no_data"), figure (KPI
    value as Fraction, incidents as int, certifications found as "A;B"), threshold (text) and explanation.
    """
    check(list(clauses))
    staff = _rows_of(workforce, supplier, service, month, by_date=False)
    work = _rows_of(activity, supplier, service, month, by_date=True)
    rows = []
    for clause in clauses:
        kind = _kind(clause, "compliance")
        if kind in ("kpi", "evidence"):
            status, figure, threshold, explanation = _kpi_clause(clause, kind, staff, work)
        elif kind == "certification":
            status, figure, threshold, explanation = _certification_clause(clause, staff)
        else:
            status, figure, threshold, explanation = _incidents_clause(clause, staff)
        clause_id = str(clause.get("id", clause[kind] if kind != "max_incidents" else kind))
        rows.append({"supplier": supplier, "service": service, "month": month, "id": clause_id, "kind": kind,
                     "status": status, "figure": figure, "threshold": threshold, "explanation": explanation})
    return pd.DataFrame(rows, columns=COLUMNS)
