"""SLA bonus/penalty rules of a contract service (kpis.md "SLA rules").

Each rule turns one KPI value into a fraction of the service's SLA base (the caller computes the base,
pricing.md step 3). A rule is of one kind — stepped `bands` or a `linear` rule — and each kind is one
`RuleKind` record in `RULE_KINDS` (its key, parse and evaluate); adding a kind is one record in this file. Every non-zero adjustment is an invoice line
`sla:<rule id>` with amount = base × fraction rounded half-up to cents (halves away from zero). Caps
apply to the sums of penalties and of bonuses separately (the rules on one KPI are netted first); a
line `sla:cap_penalty` / `sla:cap_bonus` brings a sum that passes its cap back to it.

Rules that give no money — no data (KPI `None`), no band containing the value, an adjustment of 0, or
a billing period starting before `start` — emit no invoice line; `assess` returns them in `tracked`,
each with the facts of why, so reports still show them. Lines carry facts (codes and numbers); the
display layer (`ccanalysis.i18n.domain.describe_sla_line`) writes their definition, target and
explanation.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction

import pandas as pd

from ccanalysis import kpis
from ccanalysis.money import round_money, to_decimal
from ccanalysis.pricing.base import Fact
from ccanalysis.registry import Registry

SLA_KEYS = ("base", "start", "penalty_cap", "bonus_cap", "rules")
BASES = ("variable_charges", "all_charges")
RULE_OPTION_KEYS = ("id", "kpi", "variant", "threshold_s", "short_abandon_s", "aggregation", "decimals")
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
        """Whether `value` is in [lower, upper); a missing bound is open."""
        if self.lower is not None and value < Fraction(self.lower):
            return False
        return not (self.upper is not None and value >= Fraction(self.upper))

    def fact(self, unit: str) -> Fact:
        """The band as a fact: lower, upper, adjustment and the adjustment's unit."""
        return Fact("band", {"lower": self.lower, "upper": self.upper, "adjustment": self.adjustment, "unit": unit})


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
class Outcome:
    """What a rule gives for a KPI value: the adjustment (a signed fraction of the base), the fact of how,
    and the target to show (e.g. the band the value fell in); adjustment None: no band contains it."""

    adjustment: Fraction | None
    how: Fact | None
    target: Fact


@dataclass(frozen=True)
class Segment:
    """A stretch [lower, upper) of a rule's KPI scale (a missing bound is open) and what a value in it gives:
    `sign` −1 a penalty, 0 nothing, +1 a bonus; `adjustment` the signed fraction of the base when it is the
    same over the whole stretch (a band), None when it grows with the distance to the target (linear)."""

    lower: Decimal | None
    upper: Decimal | None
    sign: int
    adjustment: Decimal | None


@dataclass(frozen=True)
class RuleKind:
    """One kind of SLA rule, written under its own key in a rule (`bands:`, `linear:`).

    parse(raw, path, kpi unit) → its parameters (ValueError naming the key path);
    evaluate(parameters, value, unit) → Outcome; target(parameters, unit) → the rule's target as a fact;
    scaled(raw) → (key under the kind, "kpi" | "adjustment", value) for every value written on the KPI's
    scale or the base's (a fraction), checked before `parse` so that a percentage written for a fraction is
    refused as such (not as bands out of order).
    """

    name: str
    parse: Callable[[object, str, str], object]
    evaluate: Callable[[object, Fraction, str], Outcome]
    target: Callable[[object, str], Fact]
    scaled: Callable[[object], list[tuple[str, str, object]]] = lambda raw: []
    #: segments(parameters) → the stretches of the KPI's scale and what each gives (`Segment`), for charts
    segments: Callable[[object], list[Segment]] = lambda parameters: []


RULE_KINDS: Registry[RuleKind] = Registry("SLA rule kind", "kinds")


@dataclass(frozen=True)
class Rule:
    """One parsed SLA rule; `options` are the rule's own KPI settings (variant, thresholds…); `kind` names
    its `RuleKind` and `parameters` are what that kind parsed (bands, a linear rule…)."""

    id: str
    kpi: str
    options: Mapping[str, object]
    decimals: int | None
    kind: str
    parameters: object


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
    the rounded cap minus the sum of the rounded lines it corrects. `facts` say how (codes and numbers),
    `target_fact` the rule's target; `definition`, `target` and `explanation` are written by the display
    layer (`i18n.domain.describe_sla_line`).
    """

    rule_id: str
    charge: str
    kind: str
    kpi: str | None
    variant: str | None
    value: Fraction | None
    value_used: Fraction | None
    fraction: Decimal
    base: Decimal
    amount: Decimal
    facts: tuple[Fact, ...] = ()
    target_fact: Fact | None = None
    definition: str = ""
    target: str = ""
    explanation: str = ""


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


# --------------------------------------------------------------------------- the rule kinds

def _parse_bands(raw: object, path: str, unit: str) -> tuple[Band, ...]:
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


def _bands_scaled(raw: object) -> list[tuple[str, str, object]]:
    out: list[tuple[str, str, object]] = []
    for i, band in enumerate(raw if isinstance(raw, list) else []):
        if isinstance(band, Mapping):
            out += [(f"[{i}].{key}", "kpi" if key != "adjustment" else "adjustment", band[key])
                    for key in ("from", "below", "adjustment") if band.get(key) is not None]
    return out


def _bands_target(bands: object, unit: str) -> Fact:
    assert isinstance(bands, tuple)
    return Fact("bands", {"bands": tuple(b.fact(unit) for b in bands)})


def _evaluate_bands(bands: object, value: Fraction, unit: str) -> Outcome:
    assert isinstance(bands, tuple)
    band = next((b for b in bands if b.contains(value)), None)
    if band is None:
        return Outcome(None, None, _bands_target(bands, unit))
    return Outcome(Fraction(band.adjustment), Fact("in_band", {"band": band.fact(unit)}), band.fact(unit))


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


def _linear_scaled(raw: object) -> list[tuple[str, str, object]]:
    if not isinstance(raw, Mapping):
        return []
    scales = {"target": "kpi", "min": "adjustment", "max": "adjustment"}
    return [(f".{key}", scale, raw[key]) for key, scale in scales.items() if raw.get(key) is not None]


def _linear_target(linear: object, unit: str) -> Fact:
    assert isinstance(linear, Linear)
    return Fact("linear", {"target": linear.target, "worse": linear.worse, "side": linear.side,
                           "per_unit": linear.per_unit, "per_point": linear.per_point, "min": linear.minimum,
                           "max": linear.maximum, "unit": unit})


def _evaluate_linear(linear: object, value: Fraction, unit: str) -> Outcome:
    """adjustment = per_unit × gap (per_point × gap / 0.01) on the rule's side of the target, clipped."""
    assert isinstance(linear, Linear)
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
    how = Fact("linear_gap", {"gap": gap, "side": linear.side, "unit": unit,
                              "target": _linear_target(linear, unit), "before_clipping": raw if raw != adjustment
                              else None})
    return Outcome(adjustment, how, _linear_target(linear, unit))


def _sign(value: Decimal) -> int:
    return (value > 0) - (value < 0)


def _bands_segments(bands: object) -> list[Segment]:
    """The bands, and the stretches no band covers (below the first, between two, above the last) as
    stretches that give nothing: a value in no band gets no adjustment."""
    assert isinstance(bands, tuple)
    out: list[Segment] = []
    edge: Decimal | None = None  # the upper end of what is covered so far (None: nothing yet)
    for i, band in enumerate(bands):
        if i == 0 and band.lower is not None:
            out.append(Segment(None, band.lower, 0, Decimal(0)))
        elif i > 0 and edge is not None and band.lower is not None and band.lower > edge:
            out.append(Segment(edge, band.lower, 0, Decimal(0)))
        out.append(Segment(band.lower, band.upper, _sign(band.adjustment), band.adjustment))
        edge = band.upper
    if bands and edge is not None:
        out.append(Segment(edge, None, 0, Decimal(0)))
    return out


def _linear_segments(linear: object) -> list[Segment]:
    """Below and above the target: the rule's side gives a penalty (side `worse`) or a bonus (`better`)."""
    assert isinstance(linear, Linear)
    below_is_worse = linear.worse == "below"
    penalty = linear.side == "worse"
    below = -1 if penalty and below_is_worse else 1 if not penalty and not below_is_worse else 0
    above = -1 if penalty and not below_is_worse else 1 if not penalty and below_is_worse else 0
    return [Segment(None, linear.target, below, None if below else Decimal(0)),
            Segment(linear.target, None, above, None if above else Decimal(0))]


RULE_KINDS.register(RuleKind("bands", _parse_bands, _evaluate_bands, _bands_target, _bands_scaled,
                             _bands_segments))
RULE_KINDS.register(RuleKind("linear", _parse_linear, _evaluate_linear, _linear_target, _linear_scaled,
                             _linear_segments))


def segments(rule: Rule) -> list[Segment]:
    """The stretches of `rule`'s KPI scale, low to high, and what a value in each gives (`Segment`)."""
    return RULE_KINDS.get(rule.kind).segments(rule.parameters)


# --------------------------------------------------------------------------- parsing


def _parse_rule(raw: object, path: str) -> Rule:
    entry = _mapping(raw, path)
    kinds = RULE_KINDS.names()
    _unknown_keys(entry, RULE_OPTION_KEYS + kinds, path)
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
    given = [k for k in kinds if k in entry]
    if len(given) != 1:
        raise ValueError(f"{path}.{kinds[0]}: give exactly one of {' or '.join(kinds)}")
    rule_id = entry.get("id", name)
    if not isinstance(rule_id, str) or not rule_id.strip():
        raise ValueError(f"{path}.id: expected a non-empty text, got {rule_id!r}")
    if rule_id in CAP_IDS:
        raise ValueError(f"{path}.id: {rule_id!r} is reserved for cap lines")
    options = {k: entry[k] for k in ("variant", "threshold_s", "short_abandon_s", "aggregation") if k in entry}
    kind = RULE_KINDS.get(given[0])
    for key, scale, value in kind.scaled(entry[kind.name]):
        where = f"{path}.{kind.name}{key}"
        if scale == "kpi":
            kpis.check_scale(name, spec_variant.name, value, where)
        else:
            check_fraction_of_base(_number(value, where), where, "an adjustment", signed=True)
    parameters = kind.parse(entry[kind.name], f"{path}.{kind.name}", spec_variant.unit)
    return Rule(id=rule_id, kpi=name, options=options, decimals=decimals, kind=kind.name, parameters=parameters)


def check_fraction_of_base(value: Decimal, path: str, what: str, *, signed: bool) -> None:
    """ValueError naming `path` unless `value` is a fraction of the SLA base within [−1, 1] ([0, 1] unless
    `signed`); a value such as −2 or 10 looks like a percentage and the error says what to write."""
    low = -1 if signed else 0
    if low <= value <= 1:
        return
    example = "-0.02 = a 2 % penalty" if signed else "0.1 = 10 % of the base"
    if 1 < abs(value) <= 100 and (signed or value > 0):
        raise ValueError(f"{path}: {value} looks like a percentage: {what} is a fraction of the SLA base "
                         f"({example}), write {kpis.plain_number(value / 100)}")
    raise ValueError(f"{path}: {value} is not a fraction of the SLA base from {low} to 1: {what} is a fraction "
                     f"of the base ({example})")


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
        if cap is not None:
            check_fraction_of_base(cap, f"{path}.{key}", "a cap", signed=False)
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


def _kpi_options(rule: Rule, service_kpis: Mapping, invoice_net: Decimal | None
                 ) -> tuple[kpis.KpiVariant, dict, int | None]:
    """The rule's KPI variant, the options its value is computed with, and its decimals."""
    options, decimals = _rule_options(rule, service_kpis)
    spec_variant = kpis.variant_of(rule.kpi, options.pop("variant", None))
    if invoice_net is not None:
        options["invoice_net"] = invoice_net
    return spec_variant, options, decimals


def rule_value(rule: Rule, service_kpis: Mapping, data: pd.DataFrame,
               invoice_net: Decimal | None = None) -> Fraction | None:
    """The rule's KPI value on `data` (the service's activity rows or contact records), exact."""
    spec_variant, options, _ = _kpi_options(rule, service_kpis, invoice_net)
    return kpis.kpi(rule.kpi, data, spec_variant.name, **options)


@dataclass(frozen=True)
class RuleValues:
    """A service's parsed SLA rules and each rule's KPI value (in the rules' order), to assess on."""

    rules: SlaRules
    values: tuple[Fraction | None, ...]


def cumulative_values(sla: Mapping[str, object], service_kpis: Mapping[str, Mapping[str, object]] | None,
                      data: pd.DataFrame) -> list[dict[date, Fraction | None]] | None:
    """For each rule (in order), its KPI value on the rows of days 1..d for every day d with rows in
    `data`, at once (`kpis.cumulative_kpi`); None when a rule's KPI cannot be cumulated that way (then
    `rule_value` on each prefix)."""
    service_kpis = dict(service_kpis or {})
    out = []
    prepared: dict[tuple, tuple | None] = {}  # the rows prepared once per set of thresholds
    for rule in parse(sla).rules:
        spec_variant, options, _ = _kpi_options(rule, service_kpis, None)
        key = tuple(sorted((k, str(v)) for k, v in options.items()))
        if key not in prepared:
            prepared[key] = kpis.prepared_days(data, **options)
        if prepared[key] is None:
            return None
        values = kpis.cumulative_kpi(rule.kpi, data, spec_variant.name, prepared=prepared[key], **options)
        if values is None:
            return None
        out.append(values)
    return out


def _evaluate_rule(rule: Rule, service_kpis: Mapping, value: Fraction | None, base: Decimal, in_force: bool,
                   start: date | None, invoice_net: Decimal | None) -> SlaLine:
    spec_variant, options, decimals = _kpi_options(rule, service_kpis, invoice_net)
    unit = spec_variant.unit
    kind = RULE_KINDS.get(rule.kind)
    target = kind.target(rule.parameters, unit)
    used = None if value is None or decimals is None else kpis.round_on_scale(value, unit, decimals)
    if value is not None and decimals is None:
        used = value
    head = Fact("sla_kpi", {"kpi": rule.kpi, "variant": spec_variant.name, "value": value, "used": used,
                            "decimals": decimals, "unit": unit,
                            "options": {k: v for k, v in options.items() if k != "invoice_net"}})

    def line(kind_name: str, fraction: Fraction, shown: Fact, *facts: Fact) -> SlaLine:
        amount = _cents(Fraction(base) * fraction) if kind_name == "sla" else Decimal("0.00")
        return SlaLine(rule.id, f"sla:{rule.id}", kind_name, rule.kpi, spec_variant.name, value,
                       used, kpis.fraction_to_decimal(fraction), base, amount, facts=(head, *facts),
                       target_fact=shown)

    if value is None:
        return line("tracked", Fraction(0), target, Fact("sla_no_data"))
    assert used is not None
    if not in_force:
        return line("tracked", Fraction(0), target, Fact("sla_not_in_force", {"start": start}))
    outcome = kind.evaluate(rule.parameters, used, unit)
    if outcome.adjustment is None:
        return line("tracked", Fraction(0), target, Fact("sla_no_band", {"target": target}))
    assert outcome.how is not None
    if outcome.adjustment == 0:
        return line("tracked", Fraction(0), outcome.target, outcome.how, Fact("sla_zero"))
    amount = _cents(Fraction(base) * outcome.adjustment)
    return line("sla", outcome.adjustment, outcome.target, outcome.how,
                Fact("sla_adjustment", {"fraction": kpis.fraction_to_decimal(outcome.adjustment), "base": base,
                                        "amount": amount}))


def _cap_line(kind: str, cap: Decimal, base: Decimal, total: Decimal, total_fraction: Fraction,
              parts: list[SlaLine]) -> SlaLine | None:
    """The line bringing Σ penalties (negative) or Σ bonuses (positive) back to cap × base."""
    sign = -1 if kind == "penalty" else 1
    limit = round_money(base * cap)  # the cap in money, rounded like a line
    if abs(total) <= limit:
        return None
    amount = round_money(sign * limit - total)
    fraction = sign * Fraction(cap) - total_fraction
    rule_id = f"cap_{kind}"
    cap_fact = Fact("sla_cap", {"kind": kind, "cap": cap})
    fact = Fact("sla_cap_line", {"kind": kind, "total": total, "parts": tuple((p.rule_id, p.kpi, p.amount) for p in parts),
                                 "cap": cap, "base": base, "limit": limit, "amount": amount,
                                 "brought_to": sign * limit})
    return SlaLine(rule_id, f"sla:{rule_id}", "sla_cap", None, None, None, None,
                   kpis.fraction_to_decimal(fraction), base, amount, facts=(fact,), target_fact=cap_fact)


def assess(sla: Mapping[str, object], service_kpis: Mapping[str, Mapping[str, object]] | None,
           data: pd.DataFrame, base: Decimal, period_start: date, *,
           invoice_net: Decimal | None = None) -> SlaResult:
    """Every SLA rule of a service for one billing period: money lines (with caps) and tracked rules.

    `data`: the service's activity rows (or contact records) of the period; `base`: the SLA base in money
    (pricing.md step 3); `period_start`: the billing period's first day; `invoice_net` for a
    cost_per_contact rule.
    """
    rules = parse(sla)
    service_kpis = dict(service_kpis or {})
    kpis.check_settings(service_kpis)
    values = [rule_value(rule, service_kpis, data, invoice_net) for rule in rules.rules]
    return assess_values(rules, service_kpis, values, base, period_start, invoice_net=invoice_net)


def assess_values(sla: Mapping[str, object] | SlaRules, service_kpis: Mapping[str, Mapping[str, object]] | None,
                  values: Sequence[Fraction | None], base: Decimal, period_start: date, *,
                  invoice_net: Decimal | None = None) -> SlaResult:
    """`assess` on KPI values already computed: `values[i]` is the value of the i-th rule's KPI (None: no
    data), e.g. of days 1..d from `cumulative_values` (the accrual); `sla` as in the contract or already
    parsed (`parse`)."""
    rules = sla if isinstance(sla, SlaRules) else parse(sla)
    service_kpis = dict(service_kpis or {})
    kpis.check_settings(service_kpis)
    base = to_decimal(base, what="base")
    period_start = _to_date(period_start, "period_start")
    in_force = rules.start is None or period_start >= rules.start
    lines: list[SlaLine] = []
    tracked: list[SlaLine] = []
    for rule, value in zip(rules.rules, values, strict=True):
        line = _evaluate_rule(rule, service_kpis, value, base, in_force, rules.start, invoice_net)
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
             data: pd.DataFrame, base: Decimal, period_start: date, *,
             invoice_net: Decimal | None = None) -> list[SlaLine]:
    """The SLA invoice lines of a service for one period: adjustments (`sla:<id>`) then caps."""
    return assess(sla, service_kpis, data, base, period_start, invoice_net=invoice_net).lines


def to_frame(lines: list[SlaLine]) -> pd.DataFrame:
    """SLA lines as a DataFrame (one row per line, the dataclass fields as columns)."""
    columns = list(SlaLine.__dataclass_fields__)
    return pd.DataFrame([asdict(line) for line in lines], columns=columns)


@dataclass(frozen=True)
class NearMiss:
    """How far a KPI value is from the nearest stretch of its rule's scale that pays more: the boundary to
    reach, the signed `gap` (boundary − value, on the KPI's scale) and what that stretch gives (`Segment`)."""

    boundary: Decimal
    gap: Fraction
    segment: Segment


def near_miss(rule_segments: list[Segment], value: Fraction) -> NearMiss | None:
    """The nearest band better than the one `value` falls in (a higher adjustment, or for a linear rule the
    target, past which the penalty stops or the bonus starts); None when no stretch pays more."""
    here = next((s for s in rule_segments if _contains(s, value)), None)
    if here is None:
        return None
    rank = here.adjustment if here.adjustment is not None else Decimal(here.sign)
    best: NearMiss | None = None
    for other in rule_segments:
        other_rank = other.adjustment if other.adjustment is not None else Decimal(other.sign)
        better = other_rank > rank or (here.adjustment is None and here.sign < 0 and other.sign == 0)
        if other is here or not better:
            continue
        boundary = other.lower if other.lower is not None and Fraction(other.lower) > value else other.upper
        if boundary is None:
            continue
        gap = Fraction(boundary) - value
        if best is None or abs(gap) < abs(best.gap):
            best = NearMiss(boundary, gap, other)
    return best


def _contains(segment: Segment, value: Fraction) -> bool:
    if segment.lower is not None and value < Fraction(segment.lower):
        return False
    return not (segment.upper is not None and value >= Fraction(segment.upper))
