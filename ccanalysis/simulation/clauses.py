"""A contract's clauses replayed on a simulation basis (issue 13, items 7–8): what its KPI clauses pay as
money under its own definitions and under every service-level variant of kpis.md, how often its SLA bands,
caps, per-charge limits and minimum commitment bind, the incentive its model gives the supplier, and what
per-contact rounding adds over exact seconds.

Pure and exact: every figure comes from `ccanalysis.simulation.replay` (the one definition of a candidate's
exact cost on a basis month: charge lines, the minimum commitment true-up, the SLA assessment of
`ccanalysis.sla`, with the terms in force on each period's first day, validity dates and SLA start not
applied — a draft or an RFP offer dated after the basis is replayed as if signed before it); outputs are
DataFrames of codes and numbers (Decimal money, Fraction KPI values), worded elsewhere.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd

from ccanalysis import invoice, kpis
from ccanalysis import sla as sla_rules
from ccanalysis.contract import Service
from ccanalysis.money import ZERO, round_half_up, round_money
from ccanalysis.pricing.base import get as charge_value
from ccanalysis.pricing.units import ServiceActivity, billable_units
from ccanalysis.simulation.model import Basis, Candidate
from ccanalysis.simulation.replay import (  # noqa: F401 (MonthReplay, replay_service: re-exported)
    MonthReplay,
    basis_period,
    replay,
    replay_month,
    replay_service,
)

SERVICE_LEVEL = "service_level"
#: The step of the incentive checks: +1 % handling time, +1 % volume.
INCENTIVE_STEP = Decimal("0.01")
#: Activity-row columns that grow with volume (counts and the seconds of contacts); logged and auxiliary
#: time (the hours staffed) and averages (qa_score, csat) stay.
VOLUME_COLUMNS = ("offered", "handled", "abandoned", "abandoned_short", "answered_within_sl",
                  "abandoned_within_sl", "wait_s", "talk_s", "hold_s", "acw_s", "sales", "resolved_first_contact",
                  "collected_amount", "placed_amount")
#: Seconds of a handled contact: the handling time (AHT = their sum / handled).
HANDLING_COLUMNS = ("talk_s", "hold_s", "acw_s")

KPI_MONEY_COLUMNS = ["candidate", "month", "definition", "rule", "kpi", "variant", "value", "adjustment_fraction",
                     "amount", "own", "status", "missing"]
BAND_COLUMNS = ["candidate", "rule", "kpi", "code", "band", "lower", "upper", "adjustment", "months", "amount"]
LIMIT_COLUMNS = ["candidate", "clause", "code", "bound", "months", "months_binding", "amount", "status"]
NET_COLUMNS = ["candidate", "months", "charges", "charge_limits", "true_ups", "sla_adjustments", "sla_caps", "sla",
               "net", "commitment"]
INCENTIVE_COLUMNS = ["candidate", "months", "revenue_aht", "sla_aht", "incentive_aht", "aht_sign", "revenue_volume",
                     "sla_volume", "incentive_volume", "volume_sign"]
LEAKAGE_COLUMNS = ["candidate", "month", "charge", "code", "unit", "units_rounded", "units_exact", "amount_rounded",
                   "amount_exact", "leakage"]


# ------------------------------------------------------------------------------------------ the replay

def _sign(value: Decimal) -> str:
    return "positive" if value > 0 else "negative" if value < 0 else "zero"


# ------------------------------------------------------------------------------------------ KPI clauses as money

def _status(line: sla_rules.SlaLine) -> str:
    """"adjustment", "cap", or why a rule gave no money (sla_no_data, sla_no_band, sla_zero…)."""
    if line.kind == "sla":
        return "adjustment"
    if line.kind == "sla_cap":
        return "cap"
    return line.facts[-1].code


def _assessment_rows(candidate: str, month: str, definition: str, own: bool, rules: list[str],
                     result: sla_rules.SlaResult) -> list[dict[str, Any]]:
    """One row per rule (contract order, tracked ones too) then the cap lines."""
    order = {rule_id: i for i, rule_id in enumerate(rules)}
    lines = sorted([*result.lines, *result.tracked],
                   key=lambda line: (line.kind == "sla_cap", order.get(line.rule_id, len(order)), line.rule_id))
    return [{"candidate": candidate, "month": month, "definition": definition, "rule": line.rule_id,
             "kpi": line.kpi, "variant": line.variant, "value": line.value, "adjustment_fraction": line.fraction,
             "amount": line.amount, "own": own, "status": _status(line), "missing": None} for line in lines]


def _with_variant(service: Service, variant: str) -> Service:
    """The service with every service_level rule counting under `variant` (thresholds unchanged)."""
    sla = copy.deepcopy(dict(service.sla or {}))
    sla["rules"] = [{**rule, "variant": variant} if rule.get("kpi") == SERVICE_LEVEL else rule
                    for rule in sla.get("rules") or []]
    return service.model_copy(update={"sla": sla})


def _missing_columns(service: Service, variant: str, activity: ServiceActivity) -> tuple[str, ...]:
    """The columns `variant` of service level needs that the month's KPI data cannot give at the service's
    thresholds (contact records give answered/abandoned within threshold_s and short abandons only when the
    thresholds are set)."""
    data = invoice.kpi_data(activity)
    if kpis.is_contact_records(data):
        settings = service.kpi_settings()
        thresholds = kpis.shared_thresholds(settings)
        rules = [r for r in (service.sla or {}).get("rules") or [] if r.get("kpi") == SERVICE_LEVEL]
        for rule in rules[:1]:
            thresholds.update({k: rule[k] for k in ("threshold_s", "short_abandon_s") if rule.get(k) is not None})
        available = set(kpis.contacts_as_rows(data.iloc[0:0], thresholds.get("threshold_s"),
                                              thresholds.get("short_abandon_s")).columns)
    else:
        available = set(data.columns)
    return tuple(sorted(kpis.variant_of(SERVICE_LEVEL, variant).columns - available))


def kpi_clause_money(candidates: Iterable[Candidate], basis: Basis) -> pd.DataFrame:
    """What each candidate's SLA rules would have paid on the basis months (KPI_MONEY_COLUMNS).

    For a candidate whose rules count service level, one complete SLA assessment per month and per variant
    of service level in the KPI registry (`definition` = the variant; every service_level rule counted under
    it at the candidate's own thresholds, the other rules as written); `own` marks the assessment under the
    candidate's own definitions, and when its service_level rules use several variants that assessment is
    added as `definition` "own". Without a service_level rule: the own assessment only. Rows: each rule
    (`status` "adjustment" or why it gave no money: sla_no_data, sla_no_band, sla_zero), then the cap lines
    (`status` "cap", kpi None). A variant the month's data cannot count: one row per service_level rule with
    value and amount None, `status` "variant_not_computable" and the `missing` columns. Per candidate and
    month, Σ amount over the rows with `own` is the money of its SLA lines.
    """
    variants = tuple(kpis.spec(SERVICE_LEVEL).variants)
    rows: list[dict[str, Any]] = []
    for candidate in candidates:
        for replayed in replay(candidate, basis):
            service = replayed.service
            raw_rules = list((service.sla or {}).get("rules") or [])
            if not raw_rules:
                continue
            rules = [str(r.get("id", r.get("kpi"))) for r in raw_rules]
            own_lines = [*replayed.sla.lines, *replayed.sla.tracked]
            own_variants = {line.variant for line in own_lines if line.kpi == SERVICE_LEVEL}
            month = replayed.month
            counts_service_level = any(r.get("kpi") == SERVICE_LEVEL for r in raw_rules)
            own_variant = next(iter(own_variants)) if counts_service_level and len(own_variants) == 1 else None
            if own_variant is None:
                rows += _assessment_rows(candidate.id, month, "own", True, rules, replayed.sla)
            if not counts_service_level:
                continue
            for variant in variants:
                if variant == own_variant:
                    rows += _assessment_rows(candidate.id, month, variant, True, rules, replayed.sla)
                    continue
                changed = _with_variant(service, variant)
                missing = _missing_columns(changed, variant, replayed.activity)
                if missing:
                    rows += [{"candidate": candidate.id, "month": month, "definition": variant, "rule": rule_id,
                              "kpi": SERVICE_LEVEL, "variant": variant, "value": None,
                              "adjustment_fraction": None, "amount": None, "own": False,
                              "status": "variant_not_computable", "missing": missing}
                             for rule_id, raw in zip(rules, raw_rules, strict=True)
                             if raw.get("kpi") == SERVICE_LEVEL]
                    continue
                result = invoice.sla_assessment(changed, list(replayed.charges), replayed.activity, replayed.period)
                rows += _assessment_rows(candidate.id, month, variant, False, rules, result)
    return pd.DataFrame(rows, columns=KPI_MONEY_COLUMNS)


# ------------------------------------------------------------------------------------------ stress test

@dataclass(frozen=True)
class StressTest:
    """A contract replayed over the basis months.

    bands (BAND_COLUMNS): per SLA rule, the months per outcome — every band of a `bands` rule (code
    "in_band", `band` 1-based, months 0 when it never triggers), a `linear` rule's months adjusted
    ("linear_gap") or clipped at its min/max ("linear_clipped"), and the months without money (sla_no_data,
    sla_no_band, sla_zero); amount = Σ the rule's lines in those months, before the caps.
    limits (LIMIT_COLUMNS): per cap, per-charge minimum / maximum and the minimum commitment written in the
    contract, the months it binds and the money it adds (+: minimums, true-ups, a penalty cap) or cuts (−);
    status "other_services" (months_binding and amount None): a commitment over services the basis does not
    hold. net (NET_COLUMNS): the sums of the lines over the months; true_ups None and net without them when
    the commitment is "other_services" (`commitment`: "none", "assessed" or "other_services")."""

    bands: pd.DataFrame
    limits: pd.DataFrame
    net: pd.DataFrame


def _rule_outcome(line: sla_rules.SlaLine) -> tuple[str, Mapping[str, Any] | None]:
    """The outcome code of a rule's month and, in a band, the band's figures."""
    for fact in line.facts:
        if fact.code == "in_band":
            return "in_band", fact["band"].figures
        if fact.code == "linear_gap" and line.kind == "sla":
            return ("linear_clipped" if fact.get("before_clipping") is not None else "linear_gap"), None
    return _status(line), None


def _band_rows(candidate: str, replays: list[MonthReplay]) -> list[dict[str, Any]]:
    rules: dict[str, sla_rules.Rule] = {}
    for replayed in replays:
        if replayed.service.sla:
            for rule in sla_rules.parse(replayed.service.sla).rules:
                rules.setdefault(rule.id, rule)
    counts: dict[tuple, list] = {}
    for replayed in replays:
        for line in (*replayed.sla.lines, *replayed.sla.tracked):
            if line.kind == "sla_cap":
                continue
            code, band = _rule_outcome(line)
            key = (line.rule_id, code, None if band is None else (band["lower"], band["upper"], band["adjustment"]))
            entry = counts.setdefault(key, [0, ZERO])
            entry[0] += 1
            entry[1] += line.amount
    rows = []
    for rule_id, rule in rules.items():
        seen: set[tuple] = set()
        if rule.kind == "bands":
            for number, band in enumerate(rule.parameters, start=1):
                key = (rule_id, "in_band", (band.lower, band.upper, band.adjustment))
                seen.add(key)
                months, amount = counts.get(key, [0, ZERO])
                rows.append({"candidate": candidate, "rule": rule_id, "kpi": rule.kpi, "code": "in_band",
                             "band": number, "lower": band.lower, "upper": band.upper,
                             "adjustment": band.adjustment, "months": months, "amount": amount})
        for key, (months, amount) in counts.items():
            if key[0] != rule_id or key in seen:
                continue
            band = key[2]
            rows.append({"candidate": candidate, "rule": rule_id, "kpi": rule.kpi, "code": key[1], "band": None,
                         "lower": band[0] if band else None, "upper": band[1] if band else None,
                         "adjustment": band[2] if band else None, "months": months, "amount": amount})
    return rows


def _limit_rows(candidate: Candidate, replays: list[MonthReplay]) -> list[dict[str, Any]]:
    clauses: dict[tuple[str, str], Decimal | None] = {}
    for replayed in replays:
        for charge in replayed.service.charges:
            for kind in ("minimum", "maximum"):
                if charge.get(kind) is not None:
                    clauses.setdefault((charge["id"], f"charge_{kind}"), charge_value(charge, kind))
        commitment = candidate.contract.commitment_for(replayed.period)
        if commitment is not None:
            clauses.setdefault(("minimum_commitment", "minimum_commitment"), commitment.amount)
        if replayed.service.sla:
            parsed = sla_rules.parse(replayed.service.sla)
            for kind, cap in (("penalty", parsed.penalty_cap), ("bonus", parsed.bonus_cap)):
                if cap is not None:
                    clauses.setdefault((f"cap_{kind}", f"{kind}_cap"), cap)
    rows = []
    for (clause, code), bound in clauses.items():
        if code == "minimum_commitment" and any(r.commitment_status == "other_services" for r in replays):
            rows.append({"candidate": candidate.id, "clause": clause, "code": code, "bound": bound,
                         "months": len(replays), "months_binding": None, "amount": None,
                         "status": "other_services"})
            continue
        binding, amount = 0, ZERO
        for replayed in replays:
            if code.startswith("charge_"):
                lines = [line.amount for line in replayed.charges
                         if line.charge == f"{clause}:{code.removeprefix('charge_')}"]
            elif code == "minimum_commitment":
                lines = [line.amount for line in replayed.commitment]
            else:
                lines = [line.amount for line in replayed.sla.lines if line.rule_id == clause]
            if lines:
                binding += 1
                amount += sum(lines, ZERO)
        rows.append({"candidate": candidate.id, "clause": clause, "code": code, "bound": bound,
                     "months": len(replays), "months_binding": binding, "amount": amount, "status": "assessed"})
    return rows


def _net_row(candidate: str, replays: list[MonthReplay]) -> dict[str, Any]:
    def total(lines: Iterable[Any]) -> Decimal:
        return sum((line.amount for line in lines), ZERO)

    charges = total(line for r in replays for line in r.charges if line.kind in ("charge", "flat_fee"))
    limits = total(line for r in replays for line in r.charges if line.kind in ("minimum", "maximum"))
    statuses = {r.commitment_status for r in replays}
    status = "other_services" if "other_services" in statuses else "assessed" if "assessed" in statuses else "none"
    true_ups = total(line for r in replays for line in r.commitment)
    adjustments = total(line for r in replays for line in r.sla.lines if line.kind == "sla")
    caps = total(line for r in replays for line in r.sla.lines if line.kind == "sla_cap")
    return {"candidate": candidate, "months": len(replays), "charges": charges, "charge_limits": limits,
            "true_ups": None if status == "other_services" else true_ups, "sla_adjustments": adjustments,
            "sla_caps": caps, "sla": adjustments + caps, "net": charges + limits + true_ups + adjustments + caps,
            "commitment": status}


def stress_test(candidates: Iterable[Candidate], basis: Basis) -> StressTest:
    """Each candidate (a draft or current contract) replayed over the basis months: how often each SLA
    band triggers, whether the caps, per-charge limits and minimum commitment bind, and the net effect."""
    bands, limits, net = [], [], []
    for candidate in candidates:
        replays = replay(candidate, basis)
        bands += _band_rows(candidate.id, replays)
        limits += _limit_rows(candidate, replays)
        net.append(_net_row(candidate.id, replays))
    band_frame = pd.DataFrame(bands, columns=BAND_COLUMNS)
    band_frame["band"] = band_frame["band"].astype("Int64")
    return StressTest(band_frame, pd.DataFrame(limits, columns=LIMIT_COLUMNS), pd.DataFrame(net, columns=NET_COLUMNS))


# ------------------------------------------------------------------------------------------ incentives

def _scaled_column(values: pd.Series, factor: Fraction) -> pd.Series:
    """values × factor: whole and float seconds as floats carrying the exact decimal (v × num / den is one
    correctly rounded division, whose shortest repr is the exact product for the 1 % steps used here),
    Decimal columns exactly."""
    if pd.api.types.is_numeric_dtype(values.dtype) or pd.api.types.is_bool_dtype(values.dtype):
        return values.astype("float64") * factor.numerator / factor.denominator
    return values.map(lambda v: v if v is None or pd.isna(v)
                      else Decimal(str(v)) * factor.numerator / factor.denominator)


def _scale(frame: pd.DataFrame, columns: Iterable[str], factor: Fraction) -> pd.DataFrame:
    present = [c for c in columns if c in frame.columns]
    if frame.empty or not present:
        return frame
    out = frame.copy()
    for column in present:
        out[column] = _scaled_column(frame[column], factor)
    return out


def longer_handling(activity: ServiceActivity, step: Decimal = INCENTIVE_STEP) -> ServiceActivity:
    """The activity with talk, hold and ACW seconds × (1 + step): exactly on activity rows (totals), and on
    contact records rounded half-up to whole seconds per contact (as a contact record holds them, so that
    per-contact rounding is not pushed up by fractions of a second)."""
    factor = Fraction(1 + step)
    contacts = _scale(activity.contacts, HANDLING_COLUMNS, factor)
    for column in HANDLING_COLUMNS:
        if column in contacts.columns and not contacts.empty and contacts[column].dtype.kind == "f":
            whole = np.floor(contacts[column] + 0.5)  # missing seconds (contacts not handled) stay missing
            contacts[column] = whole if whole.isna().any() else whole.astype("int64")
    return activity.with_data(contacts, _scale(activity.rows, HANDLING_COLUMNS, factor))


def more_volume(activity: ServiceActivity, step: Decimal = INCENTIVE_STEP) -> tuple[ServiceActivity, Decimal]:
    """The activity with (1 + step) × the volume and the same hours, and the factor turning its change into
    the change of exactly `step` more volume.

    Activity rows: the volume columns (`VOLUME_COLUMNS`) × (1 + step), logged and auxiliary time unchanged.
    Contact records: round(n × step) (at least one) of the n contacts, evenly spaced in start order, added
    again as copies (same customer, contact_id suffixed "+"); the factor is n × step / copies when contact
    records are the source (1 otherwise)."""
    rows = _scale(activity.rows, VOLUME_COLUMNS, Fraction(1 + step))
    contacts = activity.contacts
    factor = Decimal(1)
    if not contacts.empty:
        n = len(contacts)
        copies = max(1, int(round_half_up(Decimal(n) * step, 0)))
        keys = [c for c in ("start", "contact_id") if c in contacts.columns]
        ordered = contacts.sort_values(keys, kind="stable") if keys else contacts
        picked = ordered.iloc[[(2 * k + 1) * n // (2 * copies) for k in range(copies)]].copy()
        if "contact_id" in picked.columns:
            picked["contact_id"] = picked["contact_id"].astype(str) + "+"
        contacts = pd.concat([contacts, picked], ignore_index=True)
        factor = Decimal(n) * step / copies
    return activity.with_data(contacts, rows), factor


def incentives(candidates: Iterable[Candidate], basis: Basis, step: Decimal = INCENTIVE_STEP) -> pd.DataFrame:
    """The incentive each candidate gives the supplier (INCENTIVE_COLUMNS), summed over the basis months.

    revenue_aht: the change of the charge, limit and true-up lines when talk, hold and ACW are × (1 + step)
    (every contact and row); sla_aht: the change of the SLA lines on the same data (rules on AHT and on any
    KPI counted from those seconds; the service level the same staff would reach is not re-estimated);
    incentive_aht = revenue_aht + sla_aht: positive means longer calls pay the supplier. revenue_volume,
    sla_volume, incentive_volume: the same for `step` more volume with the same logged hours (see
    `more_volume`; 0 for a model paid per hour; rounded half-up to cents, as the contact-record change is
    scaled to exactly `step`). *_sign: "positive", "negative" or "zero". A binding minimum commitment
    absorbs the revenue change (the true-up shrinks as the charges grow); a commitment over other services
    of the contract is left out (see `MonthReplay`)."""
    rows = []
    for candidate in candidates:
        figures = dict.fromkeys(("revenue_aht", "sla_aht", "revenue_volume", "sla_volume"), ZERO)
        for month in basis.months:
            activity = basis.activities[month]
            base = replay_month(candidate, basis, month)
            longer = replay_month(candidate, basis, month, activity=longer_handling(activity, step),
                                  service=base.service)
            figures["revenue_aht"] += longer.revenue - base.revenue
            figures["sla_aht"] += longer.sla_amount - base.sla_amount
            grown_activity, factor = more_volume(activity, step)
            grown = replay_month(candidate, basis, month, activity=grown_activity, service=base.service)
            figures["revenue_volume"] += (grown.revenue - base.revenue) * factor
            figures["sla_volume"] += (grown.sla_amount - base.sla_amount) * factor
        figures["revenue_volume"] = round_money(figures["revenue_volume"])
        figures["sla_volume"] = round_money(figures["sla_volume"])
        aht = figures["revenue_aht"] + figures["sla_aht"]
        volume = figures["revenue_volume"] + figures["sla_volume"]
        rows.append({"candidate": candidate.id, "months": len(basis.months), **figures, "incentive_aht": aht,
                     "aht_sign": _sign(aht), "incentive_volume": volume, "volume_sign": _sign(volume)})
    return pd.DataFrame(rows, columns=INCENTIVE_COLUMNS)


# ------------------------------------------------------------------------------------------ rounding leakage

def _charge_amount(service: Service, charge: Mapping[str, Any], activity: ServiceActivity, days: int) -> Decimal:
    lines = invoice.charge_lines(service, charge, activity, active_days=days, period_days=days)
    return sum((line.amount for line in lines), ZERO)


def rounding_leakage(candidates: Iterable[Candidate], basis: Basis) -> pd.DataFrame:
    """What per-contact rounding (`rounding`: minimum_s, increment_s, first_free_s, acw_cap_s) adds to each
    charge that has it, per basis month (LEAKAGE_COLUMNS): the charge's lines (with its limit line) under the
    contract's rounding minus the same charge with `rounding` removed (exact seconds), and its units both
    ways. A month without contact records cannot be rounded per contact: units, amounts and leakage None,
    code "activity_rows_only" (activity rows only) or "no_contact_records" (no activity); else code "leakage"."""
    rows = []
    for candidate in candidates:
        for month in basis.months:
            activity = basis.activities[month]
            period = basis_period(basis, month)
            service = replay_service(candidate, period)
            for charge in service.charges:
                if not charge.get("rounding"):
                    continue
                row: dict[str, Any] = {"candidate": candidate.id, "month": month, "charge": charge["id"],
                                       "unit": charge.get("unit")}
                if activity.contacts.empty:
                    code = "activity_rows_only" if not activity.rows.empty else "no_contact_records"
                    rows.append({**row, "code": code, "units_rounded": None, "units_exact": None,
                                 "amount_rounded": None, "amount_exact": None, "leakage": None})
                    continue
                exact = {k: v for k, v in charge.items() if k != "rounding"}
                units = {name: billable_units(c, activity, active_days=period.days, period_days=period.days).units
                         for name, c in (("rounded", charge), ("exact", exact))}
                rounded_amount = _charge_amount(service, charge, activity, period.days)
                exact_amount = _charge_amount(service, exact, activity, period.days)
                rows.append({**row, "code": "leakage", "units_rounded": units["rounded"],
                             "units_exact": units["exact"], "amount_rounded": rounded_amount,
                             "amount_exact": exact_amount, "leakage": rounded_amount - exact_amount})
    return pd.DataFrame(rows, columns=LEAKAGE_COLUMNS)
