"""Compliance clauses: non-economic contract terms checked per supplier, service and month (kpis.md).

Each clause kind is one `ClauseKind` record in `KINDS` (its keys, its validation, how it is evaluated);
a clause names its kind by holding that key. Adding a kind is one record at the bottom of this module
plus its tests (and its sentences in `i18n/report.py`). The kinds:
- `kpi`: a registry KPI with `max` and/or `min` (attrition_rate, training_hours_per_head from the
  workforce table; any other KPI from activity rows or contact records);
- `evidence`: the same check on a quality KPI such as `qa_score` (`min: 85`);
- `certification`: the certification listed in the workforce `certifications` column (`;`-separated,
  compared case-insensitively); met when every workforce row of the supplier (and service) lists it;
- `max_incidents`: Σ `security_incidents` of the month ≤ the maximum;
- `control`: a control the supplier must have in place (firewall, antivirus, vpn, vlan_segmentation,
  per_agent_passwords, privileged_access_by_seat, qa_area, or any name the contract gives), checked on the
  `compliance_evidence` table: the latest row for the clause on or before the period's end says whether it
  is in place, and where that comes from (the supplier's declaration, the client's audit, a certificate).

A certification clause is checked on its evidence too when the table has a row for it: a certificate valid
on the period's end is met, an expired one is not; one expiring within `EXPIRY_WARNING_DAYS` of the period's
end is flagged (`expiring`). Every clause may name its `owner` (who answers for it), its `penalty` (money
per month not met, in the contract's currency) and its `consequence` (the contract's words, e.g. a cause
for termination): the report shows them beside a clause not met.

The result is facts, not sentences: status "met", "not_met" or "no_data", the figure behind it and, for
no data or a miss, a reason code (`no_rows`, `no_column`, `zero_denominator`, `not_reported`,
`not_listed`, `no_evidence`, `not_stated`, `not_in_place`, `expired`) with what is missing — and for a
clause met on evidence what proved it (`valid`, `in_place`); the report layer says them in its language.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pandas as pd

from ccanalysis import kpis
from ccanalysis.money import exact_sum, to_decimal
from ccanalysis.registry import Registry

#: KPIs computed from the workforce table rather than activity.
WORKFORCE_COLUMNS = ("headcount_avg", "headcount_start", "leavers", "hires", "training_hours",
                     "new_hire_training_hours")
COLUMNS = ["supplier", "service", "month", "id", "kind", "subject", "variant", "min", "max", "source", "status",
           "reason", "missing", "figure", "owner", "penalty", "consequence", "evidence_source", "reference",
           "evidence_date", "valid_until", "expiring"]
#: Keys every clause may have besides its kind's: who answers for it and what missing it costs.
COMMON_KEYS = ("owner", "penalty", "consequence")
#: A certificate expiring within this many days of the period's end is flagged.
EXPIRY_WARNING_DAYS = 60


@dataclass(frozen=True)
class Outcome:
    """What one clause gave: status, the figure behind it, and why when there is no data or a miss."""

    status: str  # met | not_met | no_data
    figure: object = None
    reason: str | None = None
    missing: tuple[str, ...] = ()  # columns absent, or services not listing a certification
    source: str = "workforce"  # the table the figure comes from: workforce | activity | evidence
    variant: str | None = None
    evidence_source: str | None = None  # declaration | client_audit | certificate (the evidence table's)
    reference: str | None = None
    evidence_date: date | None = None
    valid_until: date | None = None
    expiring: bool = False


@dataclass(frozen=True)
class ClauseKind:
    """One kind of compliance clause: the key that names it, its other keys, its checks, its evaluation and
    the family of its sentences in `i18n/report.py` (`<text>_result`, `<text>_<reason>`)."""

    name: str
    keys: tuple[str, ...]
    text: str
    validate: Callable[[Mapping[str, object], str], None]
    evaluate: Callable[[Mapping[str, object], pd.DataFrame | None, pd.DataFrame | None], Outcome]  # workforce, activity
    #: from_evidence(clause, its evidence rows up to the period's end, the period's end) → Outcome, for a kind
    #: checked on the `compliance_evidence` table (used whenever it has rows for the clause)
    from_evidence: Callable[[Mapping[str, object], pd.DataFrame, date], Outcome] | None = None
    #: only evidence can check it (no rows: no data)
    evidence_only: bool = False
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
        """The clause's value under this kind's key when it is text (what the clause is about), else None."""
        value = clause[self.name]
        return value if isinstance(value, str) else None


class ClauseKinds(Registry[ClauseKind]):
    """The registry of clause kinds: `register(kind)`, `get(name)` (the error names the kinds there are)."""

    def __init__(self) -> None:
        super().__init__("clause kind", "kinds")

    def all_keys(self) -> tuple[str, ...]:
        """Every key a clause may have: each kind's keys, then the common ones, without repeats."""
        return tuple(dict.fromkeys([*(k for kind in self.records() for k in kind.keys), *COMMON_KEYS]))

    def kind_of(self, clause: Mapping[str, object], path: str) -> ClauseKind:
        """The kind of `clause`, named by its one kind key; ValueError at `path` when it has none or several."""
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
        misplaced = [k for k in clause if k not in kind.keys and k not in COMMON_KEYS]
        if misplaced:
            raise ValueError(f"{where}.{misplaced[0]}: not a key of a {kind.name} clause; "
                             f"valid keys: {', '.join((*kind.keys, *COMMON_KEYS))}")
        kind.validate(clause, where)
        _validate_common(clause, where)
        clause_id = kind.clause_id(clause)
        if clause_id in seen:
            raise ValueError(f"{where}.id: duplicate clause id {clause_id!r}")
        seen.add(clause_id)


def _validate_common(clause: Mapping[str, object], where: str) -> None:
    for key in ("owner", "consequence"):
        if key in clause and (not isinstance(clause[key], str) or not clause[key].strip()):
            raise ValueError(f"{where}.{key}: expected a text, e.g. {key}: "
                             + ("Supplier's security officer" if key == "owner" else "cause for termination"))
    if "penalty" in clause:
        amount = to_decimal(clause["penalty"], what=f"{where}.penalty")
        if amount < 0:
            raise ValueError(f"{where}.penalty: expected the amount per month not met, ≥ 0 (e.g. 500.00), "
                             f"got {clause['penalty']!r}")


def _evidence_of(evidence: pd.DataFrame | None, clause_id: str, supplier: str, service: str | None,
                 period_end: date) -> pd.DataFrame:
    """The evidence rows of a clause for the supplier (rows of the service, or of no service: the whole
    supplier) dated on or before `period_end`, oldest first."""
    if evidence is None or evidence.empty:
        return pd.DataFrame(columns=["date"])
    mask = (evidence["clause"] == clause_id) & (evidence["supplier"] == supplier)
    if service is not None and "service" in evidence.columns:
        mask &= evidence["service"].isna() | (evidence["service"] == service)
    rows = evidence[mask]
    rows = rows[pd.to_datetime(rows["date"]).dt.date <= period_end]
    return rows.sort_values("date", kind="stable")


def _facts_of(row: Mapping[str, object]) -> dict[str, object]:
    """What a piece of evidence says about itself: its source, reference, date and expiry."""
    def day(value: object) -> date | None:
        return None if value is None or value is pd.NaT or (not isinstance(value, str) and pd.isna(value)) \
            else pd.Timestamp(value).date()

    reference = row.get("reference")
    return {"source": "evidence", "evidence_source": str(row["source"]),
            "reference": None if reference is None or (isinstance(reference, float) and pd.isna(reference))
            else str(reference), "evidence_date": day(row.get("date")), "valid_until": day(row.get("valid_until"))}


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
        if dates is not None:  # months compared as datetime64[M], not every timestamp formatted as text
            stamps = pd.to_datetime(dates)
            if getattr(stamps.dt, "tz", None) is not None:
                stamps = stamps.dt.tz_localize(None)
            mask &= stamps.to_numpy(dtype="datetime64[ns]").astype("datetime64[M]") == np.datetime64(month, "M")
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


def _certificate_evidence(clause: Mapping[str, object], rows: pd.DataFrame, period_end: date) -> Outcome:
    """The latest certificate (or declaration) of the clause: met when valid on the period's end (no
    `valid_until`: valid), not met once expired or when it says not in place; flagged when it expires
    within EXPIRY_WARNING_DAYS of the period's end."""
    row = rows.iloc[-1].to_dict()
    facts = _facts_of(row)
    until = facts["valid_until"]
    wanted = str(clause["certification"]).strip()
    if _says_no(row.get("in_place")):
        return Outcome("not_met", wanted, reason="not_in_place", **facts)
    if until is not None and until < period_end:
        return Outcome("not_met", wanted, reason="expired", **facts)
    expiring = until is not None and until <= period_end + timedelta(days=EXPIRY_WARNING_DAYS)
    return Outcome("met", wanted, reason="valid", expiring=expiring, **facts)


def _says_no(value: object) -> bool:
    return value is not None and value is not pd.NA and not (isinstance(value, float) and pd.isna(value)) \
        and not bool(value)


# --------------------------------------------------------------------------- control clauses
#: Controls the report has words for (`i18n/report.py` `control_<name>`); a contract may name any other.
CONTROLS = ("firewall", "antivirus", "vpn", "vlan_segmentation", "per_agent_passwords", "privileged_access_by_seat",
            "qa_area")


def _validate_control(clause: Mapping[str, object], where: str) -> None:
    if not isinstance(clause["control"], str) or not clause["control"].strip():
        raise ValueError(f"{where}.control: expected the control's name, e.g. one of {', '.join(CONTROLS)}")


def _control_evidence(clause: Mapping[str, object], rows: pd.DataFrame, period_end: date) -> Outcome:
    """The latest evidence of the control on or before the period's end: in place or not (no answer: no
    data), with its source; a certificate past its expiry no longer proves it."""
    row = rows.iloc[-1].to_dict()
    facts = _facts_of(row)
    in_place = row.get("in_place")
    if in_place is None or in_place is pd.NA or (isinstance(in_place, float) and pd.isna(in_place)):
        return Outcome("no_data", reason="not_stated", **facts)
    if facts["valid_until"] is not None and facts["valid_until"] < period_end:
        return Outcome("not_met", reason="expired", **facts)
    expiring = facts["valid_until"] is not None and \
        facts["valid_until"] <= period_end + timedelta(days=EXPIRY_WARNING_DAYS)
    return Outcome("met" if bool(in_place) else "not_met", reason="in_place" if bool(in_place) else "not_in_place",
                   expiring=bool(in_place) and expiring, **facts)


def _no_evidence(clause: Mapping[str, object], workforce: pd.DataFrame | None,
                 activity: pd.DataFrame | None) -> Outcome:
    return Outcome("no_data", reason="no_evidence", source="evidence")


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
             activity: pd.DataFrame | None, supplier: str, service: str | None, month: str,
             evidence: pd.DataFrame | None = None, period_end: date | None = None) -> pd.DataFrame:
    """One row per clause for a supplier, service (None: all its services) and month "YYYY-MM".

    Columns: supplier, service, month, id, kind, subject (the KPI, certification or control), variant (of a
    KPI), min and max (Decimal limits; max_incidents is a max), source (workforce | activity | evidence),
    status ("met" | "not_met" | "no_data"), reason (None or a code), missing (columns or services), figure
    (KPI value as Fraction, incidents as int, certifications found as "A;B"), the clause's owner, penalty
    (Decimal per month, None when the contract sets none) and consequence, and, for a clause checked on
    `evidence` (the `compliance_evidence` table), the evidence's source, reference, date, valid_until and
    whether it expires within EXPIRY_WARNING_DAYS of `period_end` (default: the month's last day).
    """
    validate(list(clauses))
    staff = _rows_of(workforce, supplier, service, month, by_date=False)
    work = _rows_of(activity, supplier, service, month, by_date=True)
    end = period_end or (pd.Period(month, "M").end_time.date())
    rows = []
    for clause in clauses:
        kind = KINDS.kind_of(clause, "compliance")
        clause_id = kind.clause_id(clause)
        proofs = _evidence_of(evidence, clause_id, supplier, service, end) if kind.from_evidence else None
        if proofs is not None and len(proofs):
            outcome = kind.from_evidence(clause, proofs, end)
        else:
            outcome = kind.evaluate(clause, staff, work)
        if outcome.source == "workforce" and outcome.evidence_source is None:
            outcome = replace(outcome, evidence_source="declaration")  # the supplier's own monthly figures
        low, high = kind.limits(clause)
        penalty = to_decimal(clause["penalty"], what="penalty") if "penalty" in clause else None
        rows.append({"supplier": supplier, "service": service, "month": month, "id": clause_id,
                     "kind": kind.name, "subject": kind.subject(clause), "variant": outcome.variant,
                     "min": low, "max": high, "source": outcome.source, "status": outcome.status,
                     "reason": outcome.reason, "missing": outcome.missing, "figure": outcome.figure,
                     "owner": clause.get("owner"), "penalty": penalty, "consequence": clause.get("consequence"),
                     "evidence_source": outcome.evidence_source, "reference": outcome.reference,
                     "evidence_date": outcome.evidence_date, "valid_until": outcome.valid_until,
                     "expiring": outcome.expiring})
    return pd.DataFrame(rows, columns=COLUMNS)


KINDS.register(_kpi_kind("kpi"))
KINDS.register(_kpi_kind("evidence"))
KINDS.register(ClauseKind("certification", ("id", "certification", "description"), "clause_certification",
                          _validate_certification, _evaluate_certification, requires_subject=True,
                          from_evidence=_certificate_evidence))
KINDS.register(ClauseKind("max_incidents", ("id", "max_incidents", "description"), "clause_incidents",
                          _validate_incidents, _evaluate_incidents,
                          limits=lambda clause: (None, Decimal(int(clause["max_incidents"])))))
KINDS.register(ClauseKind("control", ("id", "control", "description"), "clause_control", _validate_control,
                          _no_evidence, limits=lambda clause: (None, None), requires_subject=True,
                          from_evidence=_control_evidence, evidence_only=True))
