"""SLA bonus/penalty rules of a contract service (kpis.md "SLA rules").

Each rule turns one KPI value into a fraction of the service's SLA base (the caller computes the base,
pricing.md step 3): stepped `bands` or a `linear` rule. Every non-zero adjustment is an invoice line
`sla:<rule id>` with amount = base × fraction rounded half-up to cents (halves away from zero). Caps
apply to the sums of penalties and of bonuses separately (the rules on one KPI are netted first); a
line `sla:cap_penalty` / `sla:cap_bonus` brings a sum that passes its cap back to it.

Rules that give no money — no data (KPI `None`), no band containing the value, an adjustment of 0, or
a billing period starting before `start` — emit no invoice line; `assess` returns them in `tracked`,
each with an explanation, so reports still show them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction

import pandas as pd

from ccanalysis import kpis
from ccanalysis.money import round_money, to_decimal

SLA_KEYS = ("base", "start", "penalty_cap", "bonus_cap", "rules")
BASES = ("variable_charges", "all_charges")
RULE_KEYS = ("id", "kpi", "variant", "threshold_s", "short_abandon_s", "aggregation", "decimals",
             "bands", "linear")
BAND_KEYS = ("from", "below", "adjustment")
LINEAR_KEYS = ("target", "per_unit", "per_point", "worse", "side", "min", "max")
CAP_IDS = ("cap_penalty", "cap_bonus")
#: One point of a ratio KPI (per_point rules): 0.01, i.e. one percentage point.
POINT = Fraction(1, 100)
CENTS = 2


@dataclass(frozen=True)
class Band:
    """[lower, upper) → adjustment; a missing bound is open."""

    lower: Decimal | None
    upper: Decimal | None
    adjustment: Decimal

    def contains(self, value: Fraction) -> bool:
        if self.lower is not None and value < Fraction(self.lower):
            return False
        return not (self.upper is not None and value >= Fraction(self.upper))


@dataclass(frozen=True)
class Linear:
    """adjustment = per_unit × gap (or per_point × gap / 0.01), clipped to [minimum, maximum]."""

    target: Decimal
    per_unit: Decimal | None
    per_point: Decimal | None
    worse: str  # "above" | "below": the side of the target that is worse
    side: str  # "worse" (a penalty for missing it) | "better" (a bonus for beating it)
    minimum: Decimal | None
    maximum: Decimal | None


@dataclass(frozen=True)
class Rule:
    """One parsed SLA rule; `options` are the rule's own KPI settings (variant, thresholds…)."""

    id: str
    kpi: str
    options: Mapping[str, object]
    decimals: int | None
    bands: tuple[Band, ...] = ()
    linear: Linear | None = None


@dataclass(frozen=True)
class SlaRules:
    """A parsed, validated `sla:` block."""

    base: str
    start: date | None
    penalty_cap: Decimal | None
    bonus_cap: Decimal | None
    rules: tuple[Rule, ...]


@dataclass(frozen=True)
class SlaLine:
    """One SLA adjustment (kind "sla"), cap (kind "sla_cap") or rule without money (kind "tracked").

    `fraction` is signed (penalties negative) and exact when it terminates within 28 decimals; `amount`
    is computed from the exact value: base × fraction rounded half-up to cents; a cap line's amount is
    the rounded cap minus the sum of the rounded lines it corrects.
    """

    rule_id: str
    charge: str
    kind: str
    kpi: str | None
    variant: str | None
    definition: str
    value: Fraction | None
    value_used: Fraction | None
    target: str
    fraction: Decimal
    base: Decimal
    amount: Decimal
    explanation: str


@dataclass(frozen=True)
class SlaResult:
    """Invoice lines (adjustments then caps) and the rules that gave no money."""

    lines: list[SlaLine] = field(default_factory=list)
    tracked: list[SlaLine] = field(default_factory=list)


# --------------------------------------------------------------------------- validation


def _number(value: object, path: str) -> Decimal:
    if value is None:
        raise ValueError(f"{path}: expected a number, got nothing")
    return to_decimal(value, what=path)


def _optional_number(value: object, path: str) -> Decimal | None:
    return None if value is None else _number(value, path)


def _mapping(value: object, path: str) -> Mapping:
    if not isinstance(value, Mapping):
        raise ValueError(f"{path}: expected a mapping, got {value!r}")
    return value


def _unknown_keys(entry: Mapping, allowed: tuple[str, ...], path: str) -> None:
    unknown = [k for k in entry if k not in allowed]
    if unknown:
        raise ValueError(f"{path}.{unknown[0]}: unknown key; valid keys: {', '.join(allowed)}")


def _to_date(value: object, path: str) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime | pd.Timestamp):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError(f"{path}: expected a date YYYY-MM-DD, got {value!r}")


def _parse_bands(raw: object, path: str) -> tuple[Band, ...]:
    if not isinstance(raw, list) or not raw:
        raise ValueError(f"{path}: expected a non-empty list of bands")
    bands: list[Band] = []
    for i, entry in enumerate(raw):
        where = f"{path}[{i}]"
        entry = _mapping(entry, where)
        _unknown_keys(entry, BAND_KEYS, where)
        if "adjustment" not in entry:
            raise ValueError(f"{where}.adjustment: missing")
        band = Band(_optional_number(entry.get("from"), f"{where}.from"),
                    _optional_number(entry.get("below"), f"{where}.below"),
                    _number(entry["adjustment"], f"{where}.adjustment"))
        if band.lower is not None and band.upper is not None and band.lower >= band.upper:
            raise ValueError(f"{where}: from ({band.lower}) must be less than below ({band.upper})")
        if bands:
            previous = bands[-1]
            if previous.upper is None:
                raise ValueError(f"{path}[{i - 1}].below: only the last band may be open above")
            if band.lower is None:
                raise ValueError(f"{where}.from: only the first band may be open below")
            if band.lower < previous.upper:
                raise ValueError(
                    f"{where}.from: bands must be in increasing order without overlap "
                    f"({band.lower} is below the previous band's below {previous.upper})"
                )
        bands.append(band)
    return tuple(bands)


def _parse_linear(raw: object, path: str, unit: str) -> Linear:
    entry = _mapping(raw, path)
    _unknown_keys(entry, LINEAR_KEYS, path)
    if "target" not in entry:
        raise ValueError(f"{path}.target: missing")
    if ("per_unit" in entry) == ("per_point" in entry):
        raise ValueError(f"{path}.per_unit: give exactly one of per_unit or per_point")
    if "per_point" in entry and unit != "fraction":
        raise ValueError(f"{path}.per_point: only for ratio KPIs (one point = 0.01); use per_unit for {unit}")
    worse = entry.get("worse")
    if worse not in ("above", "below"):
        raise ValueError(f"{path}.worse: expected 'above' or 'below' (the side of the target that is worse), "
                         f"got {worse!r}")
    side = entry.get("side", "worse")
    if side not in ("worse", "better"):
        raise ValueError(f"{path}.side: expected 'worse' (penalty) or 'better' (bonus), got {side!r}")
    linear = Linear(
        target=_number(entry["target"], f"{path}.target"),
        per_unit=_optional_number(entry.get("per_unit"), f"{path}.per_unit"),
        per_point=_optional_number(entry.get("per_point"), f"{path}.per_point"),
        worse=worse, side=side,
        minimum=_optional_number(entry.get("min"), f"{path}.min"),
        maximum=_optional_number(entry.get("max"), f"{path}.max"),
    )
    if linear.minimum is not None and linear.maximum is not None and linear.minimum > linear.maximum:
        raise ValueError(f"{path}.min: min ({linear.minimum}) is greater than max ({linear.maximum})")
    return linear


def _parse_rule(raw: object, path: str) -> Rule:
    entry = _mapping(raw, path)
    _unknown_keys(entry, RULE_KEYS, path)
    name = entry.get("kpi")
    if name not in kpis.REGISTRY:
        raise ValueError(f"{path}.kpi: unknown KPI {name!r}; valid KPIs: {', '.join(kpis.REGISTRY)}")
    try:
        spec_variant = kpis.variant_of(name, entry.get("variant"))
    except ValueError as error:
        raise ValueError(f"{path}.variant: {error}") from None
    try:
        kpis.check_aggregation(entry.get("aggregation"))
    except ValueError as error:
        raise ValueError(f"{path}.{error}") from None
    decimals = entry.get("decimals")
    if decimals is not None and (isinstance(decimals, bool) or not isinstance(decimals, int) or decimals < 0):
        raise ValueError(f"{path}.decimals: expected a whole number ≥ 0, got {decimals!r}")
    for key in ("threshold_s", "short_abandon_s"):
        if entry.get(key) is not None:
            _number(entry[key], f"{path}.{key}")
    if ("bands" in entry) == ("linear" in entry):
        raise ValueError(f"{path}.bands: give exactly one of bands or linear")
    rule_id = entry.get("id", name)
    if not isinstance(rule_id, str) or not rule_id.strip():
        raise ValueError(f"{path}.id: expected a non-empty text, got {rule_id!r}")
    if rule_id in CAP_IDS:
        raise ValueError(f"{path}.id: {rule_id!r} is reserved for cap lines")
    options = {k: entry[k] for k in ("variant", "threshold_s", "short_abandon_s", "aggregation") if k in entry}
    return Rule(
        id=rule_id, kpi=name, options=options, decimals=decimals,
        bands=_parse_bands(entry["bands"], f"{path}.bands") if "bands" in entry else (),
        linear=_parse_linear(entry["linear"], f"{path}.linear", spec_variant.unit) if "linear" in entry else None,
    )


def parse(sla: Mapping[str, object], path: str = "sla") -> SlaRules:
    """Validate and parse an `sla:` block; ValueError naming the key path (e.g. sla.rules[1].bands[0].from)."""
    sla = _mapping(sla, path)
    _unknown_keys(sla, SLA_KEYS, path)
    base = sla.get("base", "variable_charges")
    if base not in BASES:
        raise ValueError(f"{path}.base: expected one of {', '.join(BASES)}, got {base!r}")
    caps = {}
    for key in ("penalty_cap", "bonus_cap"):
        cap = _optional_number(sla.get(key), f"{path}.{key}")
        if cap is not None and cap < 0:
            raise ValueError(f"{path}.{key}: a cap is a fraction of the base ≥ 0, got {cap}")
        caps[key] = cap
    raw_rules = sla.get("rules") or []
    if not isinstance(raw_rules, list):
        raise ValueError(f"{path}.rules: expected a list of rules")
    rules = tuple(_parse_rule(r, f"{path}.rules[{i}]") for i, r in enumerate(raw_rules))
    seen: set[str] = set()
    for i, rule in enumerate(rules):
        if rule.id in seen:
            raise ValueError(f"{path}.rules[{i}].id: duplicate rule id {rule.id!r}; "
                             "give each rule its own id when two rules share a KPI")
        seen.add(rule.id)
    return SlaRules(base, _to_date(sla.get("start"), f"{path}.start"), caps["penalty_cap"],
                    caps["bonus_cap"], rules)


def validate(sla: Mapping[str, object], path: str = "sla") -> None:
    """Validate an `sla:` block (see `parse`); ValueError naming the key path."""
    parse(sla, path)


# --------------------------------------------------------------------------- evaluation


def _cents(value: Fraction) -> Decimal:
    """Round an exact amount half-up to cents, halves away from zero."""
    scaled = value * 10**CENTS
    magnitude = math.floor(abs(scaled) + Fraction(1, 2))
    return Decimal(magnitude if scaled >= 0 else -magnitude).scaleb(-CENTS)


def _bound(value: Decimal, unit: str) -> str:
    if unit == "fraction":
        return f"{(value * 100).normalize():f} %"
    suffix = {"seconds": " s", "hours": " h"}.get(unit, "")
    return f"{value.normalize():f}{suffix}"


def _signed(value: Decimal | Fraction) -> str:
    number = kpis.fraction_to_decimal(Fraction(value)) if isinstance(value, Fraction) else value.normalize()
    return f"{number:+f}" if number else "0"


def _band_text(band: Band, unit: str) -> str:
    parts = []
    if band.lower is not None:
        parts.append(f"from {_bound(band.lower, unit)}")
    if band.upper is not None:
        parts.append(f"below {_bound(band.upper, unit)}")
    return f"{' '.join(parts) or 'any value'} → {_signed(band.adjustment)}"


def _linear_text(linear: Linear, unit: str) -> str:
    per = (f"{_signed(linear.per_point)} per point (0.01)" if linear.per_point is not None
           else f"{_signed(linear.per_unit)} per {'s' if unit == 'seconds' else 'unit'}")
    gap_side = "worse" if linear.side == "worse" else "better"
    text = (f"target {_bound(linear.target, unit)} (worse {linear.worse}), {per} "
            f"on the {gap_side} side")
    if linear.minimum is not None or linear.maximum is not None:
        low = "−∞" if linear.minimum is None else _signed(linear.minimum)
        high = "+∞" if linear.maximum is None else _signed(linear.maximum)
        text += f", clipped to [{low}, {high}]"
    return text


def _linear_adjustment(linear: Linear, value: Fraction) -> tuple[Fraction, Fraction, Fraction]:
    """(gap, adjustment before clipping, adjustment) of a linear rule; gap in the KPI's unit, ≥ 0."""
    target = Fraction(linear.target)
    above = max(value - target, Fraction(0))
    below = max(target - value, Fraction(0))
    worse_gap, better_gap = (above, below) if linear.worse == "above" else (below, above)
    gap = worse_gap if linear.side == "worse" else better_gap
    if linear.per_point is not None:
        adjustment = Fraction(linear.per_point) * gap / POINT
    else:
        adjustment = Fraction(linear.per_unit) * gap
    raw = adjustment
    if linear.minimum is not None:
        adjustment = max(adjustment, Fraction(linear.minimum))
    if linear.maximum is not None:
        adjustment = min(adjustment, Fraction(linear.maximum))
    return gap, raw, adjustment


def _rule_options(rule: Rule, service_kpis: Mapping[str, Mapping[str, object]]) -> tuple[dict, int | None]:
    """KPI options of a rule: the service's `kpis:` entry for its KPI, overridden by the rule's own keys."""
    own = dict(service_kpis.get(rule.kpi) or {})
    shared = kpis.shared_thresholds(service_kpis)
    merged = {k: own.get(k, shared.get(k)) for k in ("threshold_s", "short_abandon_s")}
    merged["variant"] = own.get("variant")
    merged["aggregation"] = own.get("aggregation")
    merged.update(rule.options)
    decimals = rule.decimals if rule.decimals is not None else own.get("decimals")
    return {k: v for k, v in merged.items() if v is not None}, decimals


def _line(rule: Rule, kind: str, variant: str, definition: str, value: Fraction | None,
          used: Fraction | None, target: str, fraction: Fraction, base: Decimal, explanation: str) -> SlaLine:
    amount = _cents(Fraction(base) * fraction) if kind == "sla" else Decimal("0.00")
    return SlaLine(rule.id, f"sla:{rule.id}", kind, rule.kpi, variant, definition, value, used, target,
                   kpis.fraction_to_decimal(fraction), base, amount, explanation)


def _evaluate_rule(rule: Rule, service_kpis: Mapping, data: pd.DataFrame, base: Decimal, in_force: bool,
                   start: date | None, invoice_net: Decimal | None, lang: str) -> SlaLine:
    options, decimals = _rule_options(rule, service_kpis)
    variant = options.pop("variant", None)
    spec_variant = kpis.variant_of(rule.kpi, variant)
    unit = spec_variant.unit
    if invoice_net is not None:
        options["invoice_net"] = invoice_net
    value = kpis.kpi(rule.kpi, data, spec_variant.name, **options)
    definition = kpis.definition(rule.kpi, spec_variant.name, lang,
                                 **{k: v for k, v in options.items() if k != "invoice_net"})
    target = (_linear_text(rule.linear, unit) if rule.linear is not None
              else "; ".join(_band_text(b, unit) for b in rule.bands))
    head = f"{rule.kpi} ({spec_variant.name}: {definition})"

    def tracked(used: Fraction | None, why: str, shown_target: str = target) -> SlaLine:
        return _line(rule, "tracked", spec_variant.name, definition, value, used, shown_target, Fraction(0),
                     base, f"{head} {why}")

    if value is None:
        return tracked(None, "has no data for the period: no adjustment.")
    used = value if decimals is None else kpis.round_on_scale(value, unit, decimals)
    shown = kpis.format_value(value, unit, None if decimals is None else decimals + 2)
    if decimals is not None:
        shown += f", {kpis.format_value(used, unit, decimals)} at {decimals} decimal(s)"
    if not in_force:
        return tracked(used, f"was {shown}; the billing period begins before the SLA start {start}: "
                             "no adjustment (start-up period).")
    if rule.linear is not None:
        gap, raw, adjustment = _linear_adjustment(rule.linear, used)
        gap_text = kpis.format_value(gap, unit, 4 if unit == "fraction" else 2)
        how = f"gap {gap_text} on the {rule.linear.side} side of the target; {target}"
        if raw != adjustment:
            how += f" ({_signed(raw)} before clipping)"
    else:
        band = next((b for b in rule.bands if b.contains(used)), None)
        if band is None:
            return tracked(used, f"was {shown}: no band contains it ({target}): no adjustment.")
        adjustment = Fraction(band.adjustment)
        how = f"in the band {_band_text(band, unit)}"
        target = _band_text(band, unit)
    if adjustment == 0:
        return tracked(used, f"was {shown}; {how}: adjustment 0, no line.")
    amount = _cents(Fraction(base) * adjustment)
    explanation = (f"{head} was {shown}; {how}: fraction {_signed(adjustment)} × base {base:.2f} "
                   f"= {amount:.2f}.")
    return _line(rule, "sla", spec_variant.name, definition, value, used, target, adjustment, base,
                 explanation)


def _cap_line(kind: str, cap: Decimal, base: Decimal, total: Decimal, total_fraction: Fraction,
              parts: list[SlaLine]) -> SlaLine | None:
    """The line bringing Σ penalties (negative) or Σ bonuses (positive) back to cap × base."""
    sign = -1 if kind == "penalty" else 1
    limit = round_money(base * cap)  # the cap in money, rounded like a line
    if abs(total) <= limit:
        return None
    amount = round_money(sign * limit - total)
    fraction = sign * Fraction(cap) - total_fraction
    listed = ", ".join(f"{line.charge} {line.amount:.2f}" for line in parts)
    plural = "penalties" if kind == "penalty" else "bonuses"
    explanation = (f"The {plural} add up to {total:.2f} ({listed}), past the {kind} cap of "
                   f"{_bound(cap, 'fraction')} of the base {base:.2f} = {limit:.2f}: "
                   f"this line of {amount:.2f} brings them back to {sign * limit:.2f}.")
    rule_id = f"cap_{kind}"
    return SlaLine(rule_id, f"sla:{rule_id}", "sla_cap", None, None,
                   f"Σ {plural} ≤ {_bound(cap, 'fraction')} of the base", None, None,
                   f"{_bound(cap, 'fraction')} of the base", kpis.fraction_to_decimal(fraction), base,
                   amount, explanation)


def assess(sla: Mapping[str, object], service_kpis: Mapping[str, Mapping[str, object]] | None,
           data: pd.DataFrame, base: Decimal, period_start: date, *, invoice_net: Decimal | None = None,
           lang: str = "en") -> SlaResult:
    """Every SLA rule of a service for one billing period: money lines (with caps) and tracked rules.

    `data`: the service's activity rows (or contact records) of the period; `base`: the SLA base in money
    (pricing.md step 3); `period_start`: the billing period's first day; `invoice_net` for a
    cost_per_contact rule; `lang` of the definitions (explanations are English).
    """
    rules = parse(sla)
    service_kpis = dict(service_kpis or {})
    kpis.check_settings(service_kpis)
    base = to_decimal(base, what="base")
    period_start = _to_date(period_start, "period_start")
    in_force = rules.start is None or period_start >= rules.start
    lines: list[SlaLine] = []
    tracked: list[SlaLine] = []
    for rule in rules.rules:
        line = _evaluate_rule(rule, service_kpis, data, base, in_force, rules.start, invoice_net, lang)
        (lines if line.kind == "sla" else tracked).append(line)
    by_kpi: dict[str, list[SlaLine]] = {}
    for line in lines:
        by_kpi.setdefault(str(line.kpi), []).append(line)
    sums = {"penalty": [Decimal(0), Fraction(0), []], "bonus": [Decimal(0), Fraction(0), []]}
    for kpi_lines in by_kpi.values():  # rules on the same KPI add up before the caps
        net = sum((line.amount for line in kpi_lines), Decimal(0))
        if net == 0:
            continue
        entry = sums["penalty" if net < 0 else "bonus"]
        entry[0] += net
        entry[1] += sum((Fraction(line.fraction) for line in kpi_lines), Fraction(0))
        entry[2].extend(kpi_lines)
    caps = []
    for kind, cap in (("penalty", rules.penalty_cap), ("bonus", rules.bonus_cap)):
        if cap is not None:
            total, total_fraction, parts = sums[kind]
            cap_line = _cap_line(kind, cap, base, total, total_fraction, parts)
            if cap_line is not None:
                caps.append(cap_line)
    return SlaResult(lines + caps, tracked)


def evaluate(sla: Mapping[str, object], service_kpis: Mapping[str, Mapping[str, object]] | None,
             data: pd.DataFrame, base: Decimal, period_start: date, *, invoice_net: Decimal | None = None,
             lang: str = "en") -> list[SlaLine]:
    """The SLA invoice lines of a service for one period: adjustments (`sla:<id>`) then caps."""
    return assess(sla, service_kpis, data, base, period_start, invoice_net=invoice_net, lang=lang).lines


def to_frame(lines: list[SlaLine]) -> pd.DataFrame:
    """SLA lines as a DataFrame (one row per line, the dataclass fields as columns)."""
    columns = list(SlaLine.__dataclass_fields__)
    return pd.DataFrame([asdict(line) for line in lines], columns=columns)
