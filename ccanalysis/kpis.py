"""KPI registry: named, versioned definitions of contact-centre KPIs, computed exactly (kpis.md).

Every KPI is a ratio Σ numerator / Σ denominator over the rows of a period (never a mean of daily
ratios, unless the contract sets `aggregation: mean_of_days` / `mean_of_intervals`). Numerator and
denominator are signed sums of columns of the activity table (data.md), of the workforce table
(attrition, training) or of one option (`invoice_net` for cost per contact). Values are exact
`Fraction`s so that SLA bands compare them exactly; `None` means no data (denominator 0).

Contact records (one row per contact, recognised by their `queue_s` column) are turned into one
activity-like row per contact first, at the thresholds given (`threshold_s`, `short_abandon_s`), so any
threshold can be recomputed from them.

Units: `fraction` (0–1; shown as a percentage), `seconds`, `score` (QA 0–100, CSAT 1–5), `hours`
(per head), `money` (contract currency per contact).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pandas as pd

from ccanalysis.money import exact_sum, to_decimal

#: Ways of aggregating a KPI over a period; the first is the default ("sum" is accepted for it too).
AGGREGATIONS = ("ratio_of_sums", "mean_of_days", "mean_of_intervals")
_AGGREGATION_ALIASES = {"sum": "ratio_of_sums"}
#: Options understood by `kpi` (and by a contract's `kpis:` entry, which adds `variant` and `decimals`).
OPTIONS = ("threshold_s", "short_abandon_s", "invoice_net", "aggregation", "interval_minutes")
#: Keys of one entry of a contract service's `kpis:` block.
SETTING_KEYS = ("variant", "threshold_s", "short_abandon_s", "aggregation", "decimals")
#: Interval length used to group contact records for `mean_of_intervals` (minutes).
DEFAULT_INTERVAL_MINUTES = 30
#: Display decimals per unit when a contract does not set `decimals` (percentage points for fractions).
DEFAULT_DECIMALS = {"fraction": 2, "seconds": 1, "score": 2, "hours": 2, "money": 2}
UNITS = ("fraction", "seconds", "score", "hours", "money")
DEFAULT_VARIANT = "default"


@dataclass(frozen=True)
class Term:
    """One signed sum: Σ column (× weight), over the rows where `column` (or `present`) is not missing.

    `source="option"` takes the value of the option named `column` instead (e.g. `invoice_net`).
    """

    column: str
    sign: int = 1
    weight: str | None = None  # Σ column × weight (handled-weighted means)
    present: str | None = None  # only rows where this column is not missing
    source: str = "column"  # "column" | "option"

    def label(self) -> str:
        """The term as text: the column, ×weight when weighted, [present present] when restricted."""
        text = self.column if self.weight is None else f"{self.column}×{self.weight}"
        if self.present:
            text += f" [{self.present} present]"
        return text


@dataclass(frozen=True)
class KpiVariant:
    """One named definition of a KPI: numerator and denominator as signed column sums."""

    kpi: str
    name: str
    numerator: tuple[Term, ...]
    denominator: tuple[Term, ...]
    unit: str

    @property
    def columns(self) -> frozenset[str]:
        """Columns of the data this variant needs (options such as `invoice_net` excluded)."""
        names: set[str] = set()
        for term in (*self.numerator, *self.denominator):
            if term.source == "column":
                names.add(term.column)
            for extra in (term.weight, term.present):
                if extra:
                    names.add(extra)
        return frozenset(names)

    @property
    def options(self) -> frozenset[str]:
        """Options this variant needs as values (e.g. `invoice_net`)."""
        return frozenset(t.column for t in (*self.numerator, *self.denominator) if t.source == "option")


@dataclass(frozen=True)
class KpiSpec:
    """A KPI with its default variant and every named variant."""

    name: str
    default: str
    variants: Mapping[str, KpiVariant] = field(default_factory=dict)

    def variant(self, name: str | None = None) -> KpiVariant:
        """The variant `name` (None: the KPI's default); ValueError listing the variants otherwise."""
        key = self.default if name is None else name
        if key not in self.variants:
            raise ValueError(
                f"KPI {self.name!r}: unknown variant {name!r}; valid variants: {', '.join(self.variants)}"
            )
        return self.variants[key]


def _t(column: str, sign: int = 1, **kw: str) -> Term:
    return Term(column, sign, **kw)


def _spec(name: str, default: str, *variants: tuple) -> KpiSpec:
    built = {
        v[0]: KpiVariant(name, v[0], tuple(v[1]), tuple(v[2]), v[3]) for v in variants
    }
    return KpiSpec(name, default, built)


REGISTRY: dict[str, KpiSpec] = {
    spec.name: spec
    for spec in (
        _spec(
            "service_level", "offered_less_short_abandons",
            ("offered_less_short_abandons", [_t("answered_within_sl")],
             [_t("offered"), _t("abandoned_short", -1)], "fraction"),
            ("offered", [_t("answered_within_sl")], [_t("offered")], "fraction"),
            ("handled", [_t("answered_within_sl")], [_t("handled")], "fraction"),
            ("handled_plus_late_abandons", [_t("answered_within_sl")],
             [_t("handled"), _t("abandoned"), _t("abandoned_within_sl", -1)], "fraction"),
            ("short_abandons_met", [_t("answered_within_sl"), _t("abandoned_within_sl")], [_t("offered")],
             "fraction"),
        ),
        _spec(
            "abandonment_rate", "offered_less_short_abandons",
            ("offered_less_short_abandons", [_t("abandoned"), _t("abandoned_short", -1)],
             [_t("offered"), _t("abandoned_short", -1)], "fraction"),
            ("offered", [_t("abandoned")], [_t("offered")], "fraction"),
        ),
        _spec(
            "asa_s", DEFAULT_VARIANT,
            (DEFAULT_VARIANT, [_t("wait_s")], [_t("handled")], "seconds"),
        ),
        _spec(
            "aht_s", DEFAULT_VARIANT,
            (DEFAULT_VARIANT, [_t("talk_s"), _t("hold_s"), _t("acw_s")], [_t("handled")], "seconds"),
        ),
        _spec(
            "occupancy", DEFAULT_VARIANT,
            (DEFAULT_VARIANT, [_t("talk_s"), _t("hold_s"), _t("acw_s")], [_t("logged_s")], "fraction"),
        ),
        _spec(
            "fcr", DEFAULT_VARIANT,
            (DEFAULT_VARIANT, [_t("resolved_first_contact")], [_t("handled")], "fraction"),
        ),
        _spec(
            "qa_score", DEFAULT_VARIANT,
            (DEFAULT_VARIANT, [_t("qa_score", weight="handled")], [_t("handled", present="qa_score")],
             "score"),
        ),
        _spec(
            "csat", DEFAULT_VARIANT,
            (DEFAULT_VARIANT, [_t("csat", weight="handled")], [_t("handled", present="csat")],
             "score"),
        ),
        _spec(
            "attrition_rate", DEFAULT_VARIANT,
            (DEFAULT_VARIANT, [_t("leavers")], [_t("headcount_avg")], "fraction"),
            ("start_headcount", [_t("leavers")], [_t("headcount_start")], "fraction"),
        ),
        _spec(
            "training_hours_per_head", DEFAULT_VARIANT,
            (DEFAULT_VARIANT, [_t("training_hours")], [_t("headcount_avg")], "hours"),
        ),
        _spec(
            "cost_per_contact", DEFAULT_VARIANT,
            (DEFAULT_VARIANT, [_t("invoice_net", source="option")], [_t("handled")], "money"),
        ),
        _spec(
            "collections_recovery_rate", DEFAULT_VARIANT,
            (DEFAULT_VARIANT, [_t("collected_amount")], [_t("placed_amount")], "fraction"),
        ),
    )
}


def spec(name: str) -> KpiSpec:
    """The registry entry of KPI `name`; ValueError listing the valid names when unknown."""
    if name not in REGISTRY:
        raise ValueError(f"unknown KPI {name!r}; valid KPIs: {', '.join(REGISTRY)}")
    return REGISTRY[name]


def variant_of(name: str, variant: str | None = None) -> KpiVariant:
    """The variant `variant` (default when None) of KPI `name`."""
    return spec(name).variant(variant)


def check_variant(name: str, variant: str | None = None) -> None:
    """ValueError listing the valid names when KPI `name` or its `variant` is unknown."""
    variant_of(name, variant)


def required_columns(name: str, variant: str | None = None) -> set[str]:
    """Activity (or workforce) columns KPI `name` under `variant` needs, for the loader's checks."""
    return set(variant_of(name, variant).columns)


#: The scale limits and band bounds of a score KPI are written on (kpis.md: QA 0–100, CSAT 1–5; a band
#: may start from 0 below CSAT's lowest score); other units by `UNIT_RANGES`.
SCORE_RANGES = {"qa_score": (Decimal(0), Decimal(100)), "csat": (Decimal(0), Decimal(5))}
#: The scale of a KPI's limits per unit (None: open); a fraction is 0–1, never a percentage.
UNIT_RANGES = {"fraction": (Decimal(0), Decimal(1)), "seconds": (Decimal(0), None), "hours": (Decimal(0), None),
               "money": (Decimal(0), None)}


def value_range(name: str, variant: str | None = None) -> tuple[Decimal | None, Decimal | None]:
    """(lowest, highest) limit or band bound of KPI `name` on its scale (None: open): a fraction 0–1, QA
    0–100, CSAT 0–5…"""
    unit = variant_of(name, variant).unit
    return SCORE_RANGES[name] if unit == "score" else UNIT_RANGES[unit]


def check_scale(name: str, variant: str | None, value: object, path: str) -> None:
    """ValueError naming `path` when `value` (a limit or band bound of KPI `name`) is off the KPI's scale,
    with the value to write: 75 for a fraction is a percentage (write 0.75), 0.85 for a 0–100 score a
    fraction (write 85)."""
    number = to_decimal(value, what=path)
    unit = variant_of(name, variant).unit
    low, high = value_range(name, variant)
    if unit == "score" and high == 100 and 0 < number < 1:  # a QA minimum of 0.85 means 85
        raise ValueError(f"{path}: {number} looks like a fraction: {name} is a 0–100 score, write "
                         f"{plain_number(number * 100)}")
    if (low is None or number >= low) and (high is None or number <= high):
        return
    if unit == "fraction" and 1 < number <= 100:
        raise ValueError(f"{path}: {number} looks like a percentage: {name} is a fraction, write "
                         f"{plain_number(number / 100)}")
    span = f"{plain_number(low)}–{plain_number(high)}" if high is not None else f"≥ {plain_number(low)}"
    what = {"fraction": "a fraction (0.75 = 75 %)", "score": f"a {span} score", "seconds": "seconds",
            "hours": "hours", "money": "money"}[unit]
    raise ValueError(f"{path}: {number} is off the scale of {name}, which is {what}: write a value {span}")


def plain_number(value: Decimal) -> str:
    """A Decimal without exponent or trailing zeros (0.75, 85, -0.02)."""
    return format(value.normalize(), "f")


# --------------------------------------------------------------------------- rounding

def round_on_scale(value: Fraction, unit: str, decimals: int) -> Fraction:
    """Round a KPI value half-up (away from zero) to `decimals` on the contract's scale.

    Fractions are rounded in percentage points (0.8046 with 1 decimal → 80.5 % → 0.805); every other
    unit in its own unit (seconds, score points, hours, money).
    """
    if not isinstance(decimals, int) or isinstance(decimals, bool) or decimals < 0:
        raise ValueError(f"decimals: expected a whole number ≥ 0, got {decimals!r}")
    scale = Fraction(100) if unit == "fraction" else Fraction(1)
    scaled = Fraction(value) * scale * 10**decimals
    magnitude = math.floor(abs(scaled) + Fraction(1, 2))
    rounded = Fraction(magnitude if scaled >= 0 else -magnitude, 10**decimals)
    return rounded / scale


def fraction_to_decimal(value: Fraction, places: int = 28) -> Decimal:
    """A Decimal equal to `value` when it terminates in ≤ `places` decimals, else rounded half-up to them."""
    scaled = value * 10**places
    magnitude = math.floor(abs(scaled) + Fraction(1, 2))
    result = Decimal(magnitude if scaled >= 0 else -magnitude).scaleb(-places)
    if not result:
        return Decimal(0)
    result = result.normalize()
    return result.quantize(Decimal(1)) if result.as_tuple().exponent > 0 else result  # 1E+2 → 100


# --------------------------------------------------------------------------- computation


def check_aggregation(aggregation: object) -> str:
    """The aggregation's canonical name (None and "sum" → "ratio_of_sums"); ValueError when unknown."""
    if aggregation is None:
        return "ratio_of_sums"
    aggregation = _AGGREGATION_ALIASES.get(str(aggregation), aggregation)
    if aggregation not in AGGREGATIONS:
        raise ValueError(f"aggregation: unknown value {aggregation!r}; valid: {', '.join(AGGREGATIONS)}")
    return str(aggregation)


def is_contact_records(data: pd.DataFrame) -> bool:
    """True when `data` is contact records (one row per contact) rather than activity rows."""
    return "queue_s" in data.columns


def _le(values: pd.Series, limit: object, what: str) -> pd.Series:
    """values ≤ limit, exactly, for int64, Decimal-object or float columns (missing values → False)."""
    bound = to_decimal(limit, what=what)
    if pd.api.types.is_integer_dtype(values.dtype):
        return (values <= int(math.floor(bound))).fillna(False).astype(bool)
    if pd.api.types.is_float_dtype(values.dtype):
        return (values <= float(bound)).fillna(False).astype(bool)
    return values.map(lambda v: v is not None and not pd.isna(v) and to_decimal(v, what=what) <= bound)


def _flag(data: pd.DataFrame, column: str) -> pd.Series:
    return data[column].fillna(False).astype(bool)


def contacts_as_rows(contacts: pd.DataFrame, threshold_s: object = None, short_abandon_s: object = None,
                     interval_minutes: int | None = None) -> pd.DataFrame:
    """One activity-like row per contact, so the registry's column sums apply to contact records.

    answered_within_sl = answered with queue_s ≤ threshold_s; abandoned_within_sl = abandoned with
    queue_s ≤ threshold_s; abandoned_short = abandoned with queue_s ≤ short_abandon_s (columns absent
    when their threshold is not given); wait_s = queue_s of answered contacts; talk/hold/ACW of answered
    contacts only. `date` is the contact's start day; `interval_start` ("HH:MM", contacts grouped by
    `interval_minutes`) only when `interval_minutes` is given.
    """
    for column in ("queue_s", "answered", "abandoned"):
        if column not in contacts.columns:
            raise ValueError(f"contact records: missing column {column!r}")
    answered = _flag(contacts, "answered")
    abandoned = _flag(contacts, "abandoned")
    queue = contacts["queue_s"]
    rows = pd.DataFrame(index=contacts.index)
    if "start" in contacts.columns:
        start = pd.to_datetime(contacts["start"])
        rows["date"] = start.dt.normalize()
        if interval_minutes:
            rows["interval_start"] = start.dt.floor(f"{int(interval_minutes)}min").dt.strftime("%H:%M")
    rows["offered"] = np.ones(len(contacts), dtype="int64")
    rows["handled"] = answered.astype("int64")
    rows["abandoned"] = abandoned.astype("int64")
    if threshold_s is not None:
        within = _le(queue, threshold_s, "threshold_s")
        rows["answered_within_sl"] = (answered & within).astype("int64")
        rows["abandoned_within_sl"] = (abandoned & within).astype("int64")
        rows["sl_threshold_s"] = to_decimal(threshold_s, what="threshold_s")
    if short_abandon_s is not None:
        short = _le(queue, short_abandon_s, "short_abandon_s")
        rows["abandoned_short"] = (abandoned & short).astype("int64")
    rows["wait_s"] = queue.where(answered, 0)
    for column in ("talk_s", "hold_s", "acw_s"):
        if column in contacts.columns:
            rows[column] = contacts[column].where(answered, 0)
    if "resolved" in contacts.columns:
        rows["resolved_first_contact"] = (answered & _flag(contacts, "resolved")).astype("int64")
    for column in ("qa_score", "csat"):
        if column in contacts.columns:
            rows[column] = contacts[column]
    return rows


def _weighted_sum(values: pd.Series, weights: pd.Series) -> Decimal:
    """Σ value × weight over rows where the value is present, exactly."""
    mask = values.notna()
    values, weights = values[mask], weights[mask]
    if pd.api.types.is_integer_dtype(values.dtype) and pd.api.types.is_integer_dtype(weights.dtype):
        return Decimal(int((values.astype("int64") * weights.astype("int64")).sum()))
    if (pd.api.types.is_integer_dtype(weights.dtype) or pd.api.types.is_bool_dtype(weights.dtype)) \
            and not weights.isna().any():
        # whole-number weights (handled counts, or 0/1 per contact): Σ v·w = Σ over distinct w of w × Σ v,
        # exact and one pass per distinct weight instead of one multiplication per row
        codes = weights.to_numpy(dtype="int64")
        distinct = np.unique(codes)
        if len(distinct) <= 64:
            return sum((Decimal(int(w)) * exact_sum(values[codes == w]) for w in distinct if w != 0), Decimal(0))
    total = Decimal(0)
    for v, w in zip(values, weights, strict=True):
        if w is None or pd.isna(w):
            continue
        total += to_decimal(v, what=str(values.name)) * to_decimal(w, what=str(weights.name))
    return total


def _term_sum(term: Term, frame: pd.DataFrame, options: Mapping[str, object]) -> Fraction:
    if term.source == "option":
        return Fraction(to_decimal(options[term.column], what=term.column))
    if term.weight is not None:
        total = _weighted_sum(frame[term.column], frame[term.weight])
    else:
        column = frame[term.column]
        if term.present is not None:
            column = column[frame[term.present].notna()]
        total = exact_sum(column)
    return Fraction(total)


def _ratio(spec_variant: KpiVariant, frame: pd.DataFrame, options: Mapping[str, object]) -> Fraction | None:
    numerator = sum((t.sign * _term_sum(t, frame, options) for t in spec_variant.numerator), Fraction(0))
    denominator = sum((t.sign * _term_sum(t, frame, options) for t in spec_variant.denominator), Fraction(0))
    if denominator == 0:
        return None
    return numerator / denominator


def _mean_of_groups(spec_variant: KpiVariant, frame: pd.DataFrame, keys: list[str],
                    options: Mapping[str, object]) -> Fraction | None:
    values = []
    for _, group in frame.groupby(keys, sort=True, dropna=False):
        value = _ratio(spec_variant, group, options)
        if value is not None:  # a day or interval with no contacts has no value, it is not a zero
            values.append(value)
    if not values:
        return None
    return sum(values, Fraction(0)) / len(values)


def _check_options(options: Mapping[str, object]) -> None:
    unknown = sorted(set(options) - set(OPTIONS))
    if unknown:
        raise ValueError(f"unknown KPI option(s) {', '.join(unknown)}; valid options: {', '.join(OPTIONS)}")


def _prepare(data: pd.DataFrame, options: Mapping[str, object]) -> pd.DataFrame:
    """Contact records → per-contact rows; activity rows → checked against `threshold_s`."""
    if is_contact_records(data):
        minutes = None
        if check_aggregation(options.get("aggregation")) == "mean_of_intervals":
            minutes = int(options.get("interval_minutes") or DEFAULT_INTERVAL_MINUTES)
        return contacts_as_rows(data, options.get("threshold_s"), options.get("short_abandon_s"), minutes)
    threshold = options.get("threshold_s")
    if threshold is not None and "sl_threshold_s" in data.columns:
        wanted = to_decimal(threshold, what="threshold_s")
        counted = {to_decimal(v, what="sl_threshold_s") for v in data["sl_threshold_s"].dropna()}
        if counted - {wanted}:
            shown = ", ".join(f"{v.normalize():f}" for v in sorted(counted))
            raise ValueError(
                f"activity counted answered_within_sl at sl_threshold_s {shown} s, but the KPI asks for "
                f"threshold_s {wanted.normalize():f} s: recompute it from contact records or fix the contract"
            )
    return data


def _check_frame(spec_variant: KpiVariant, frame: pd.DataFrame, options: Mapping[str, object],
                 from_contacts: bool) -> str:
    """The frame has the variant's columns and the options its terms need; the aggregation asked."""
    where = f"KPI {spec_variant.kpi!r} (variant {spec_variant.name!r})"
    for column in sorted(spec_variant.columns):
        if column not in frame.columns:
            if from_contacts and column in ("answered_within_sl", "abandoned_within_sl"):
                raise ValueError(f"{where} from contact records needs option threshold_s (for {column})")
            if from_contacts and column == "abandoned_short":
                raise ValueError(f"{where} from contact records needs option short_abandon_s (for {column})")
            raise ValueError(f"{where} needs column {column!r}, which the data does not have")
    for option in sorted(spec_variant.options):
        if options.get(option) is None:
            raise ValueError(f"{where} needs option {option} (e.g. {option}=Decimal('12345.67'))")
    return check_aggregation(options.get("aggregation"))


def _evaluate(spec_variant: KpiVariant, frame: pd.DataFrame, options: Mapping[str, object],
              from_contacts: bool) -> Fraction | None:
    where = f"KPI {spec_variant.kpi!r} (variant {spec_variant.name!r})"
    aggregation = _check_frame(spec_variant, frame, options, from_contacts)
    if aggregation == "ratio_of_sums":
        return _ratio(spec_variant, frame, options)
    if "date" not in frame.columns:
        raise ValueError(f"{where}: aggregation {aggregation} needs a 'date' column (or contact start)")
    keys = ["date"]
    if aggregation == "mean_of_intervals":
        if "interval_start" not in frame.columns:
            raise ValueError(f"{where}: aggregation mean_of_intervals needs interval rows (interval_start)")
        keys.append("interval_start")
        if "utc_offset" in frame.columns:
            keys.append("utc_offset")
    return _mean_of_groups(spec_variant, frame, keys, options)


def kpi(name: str, data: pd.DataFrame, variant: str | None = None, *, decimals: int | None = None,
        **options: object) -> Fraction | None:
    """KPI `name` under `variant` (default when None) over all rows of `data`, exact; None = no data.

    `data` is activity rows, workforce rows or contact records (detected by `queue_s`). Options:
    `threshold_s` / `short_abandon_s` (seconds; thresholds for contact records, and a check against the
    activity's `sl_threshold_s`), `invoice_net` (Decimal, for cost_per_contact), `aggregation`
    ("ratio_of_sums" default, "mean_of_days", "mean_of_intervals"), `interval_minutes` (contact records
    grouped for mean_of_intervals, default 30), `decimals` (the value rounded half-up on the contract's
    scale, kpis.md: percentage points for ratios, seconds for times; None = exact).
    """
    _check_options(options)
    spec_variant = variant_of(name, variant)
    frame = _prepare(data, options)
    value = _evaluate(spec_variant, frame, options, is_contact_records(data))
    if decimals is None or value is None:
        return value
    return round_on_scale(value, spec_variant.unit, decimals)


@dataclass(frozen=True)
class DayIndex:
    """The day of each row (datetime64[D]): the distinct days, ascending, and each row's position in them."""

    days: np.ndarray
    distinct: np.ndarray
    inverse: np.ndarray

    @classmethod
    def of(cls, days: np.ndarray) -> DayIndex:
        """The index of `days` (datetime64[D], one per row)."""
        distinct, inverse = np.unique(days, return_inverse=True)
        return cls(days, distinct, inverse.reshape(-1))

    def dates(self) -> list[date]:
        """The distinct days, ascending, as dates."""
        return self.distinct.tolist()


def exact_day_sums(index: DayIndex, values: np.ndarray | pd.Series,
                   mask: np.ndarray | None = None) -> list[Decimal]:
    """Σ values per day of `index` (rows where `mask`, when given), exactly as `exact_sum`: integer sums for
    integer or boolean values, else Decimal sums (missing values skipped); one pass."""
    inverse = index.inverse if mask is None else index.inverse[mask]
    if mask is not None:
        values = values[mask]
    dtype = values.dtype
    if pd.api.types.is_integer_dtype(dtype) or pd.api.types.is_bool_dtype(dtype):
        ints = np.asarray(values, dtype=np.int64)
        if len(ints) and int(np.abs(ints).max()) * len(ints) < 2**53:  # float sums of these ints are exact
            sums = np.bincount(inverse, weights=ints, minlength=len(index.distinct))
            return [Decimal(int(t)) for t in sums.tolist()]
        exact = np.zeros(len(index.distinct), dtype=np.int64)
        np.add.at(exact, inverse, ints)
        return [Decimal(int(t)) for t in exact.tolist()]
    totals = [Decimal(0)] * len(index.distinct)
    for i, v in zip(inverse.tolist(), values.tolist(), strict=True):
        if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
            continue
        totals[i] += to_decimal(v)
    return totals


def _term_day_sums(term: Term, frame: pd.DataFrame, index: DayIndex) -> list[Fraction]:
    """`_term_sum` of each day's rows, for every day of `index` at once."""
    if term.weight is not None:
        by_day = {pd.Timestamp(day).date(): _term_sum(term, group, {})
                  for day, group in frame.groupby(index.days, sort=True)}
        return [by_day.get(day, Fraction(0)) for day in index.dates()]
    mask = None if term.present is None else frame[term.present].notna().to_numpy(dtype=bool)
    return [Fraction(total) for total in exact_day_sums(index, frame[term.column], mask)]


def prepared_days(data: pd.DataFrame, **options: object) -> tuple[pd.DataFrame, DayIndex] | None:
    """What `cumulative_kpi` works on: the rows as `kpi` prepares them and their days (None without dates)."""
    frame = _prepare(data, options)
    if "date" not in frame.columns or frame["date"].isna().any():
        return None
    return frame, DayIndex.of(pd.to_datetime(frame["date"]).to_numpy().astype("datetime64[D]"))


def cumulative_kpi(name: str, data: pd.DataFrame, variant: str | None = None, *,
                   prepared: tuple[pd.DataFrame, DayIndex] | None = None,
                   **options: object) -> dict[date, Fraction | None] | None:
    """KPI `name` over the rows of days 1..d, for every day d with rows in `data` (by `date`, or a contact
    record's start day) at once: the same value `kpi` gives on the rows up to d, from one pass.

    A ratio of sums: each numerator and denominator term summed per day (`_term_sum` per day), the sums
    cumulated and the ratio taken on each prefix; `mean_of_days`: each day's ratio from its sums, the mean
    over the days so far. None where that is not possible (a term taken from an option such as
    `invoice_net`, `mean_of_intervals`, data without dates): compute `kpi` on each prefix instead.
    `prepared`: `prepared_days(data, **options)` when already computed (rules sharing thresholds)."""
    _check_options(options)
    spec_variant = variant_of(name, variant)
    if prepared is None:
        prepared = prepared_days(data, **options)
    if prepared is None:
        return None
    frame, index = prepared
    aggregation = _check_frame(spec_variant, frame, options, is_contact_records(data))
    if spec_variant.options or aggregation == "mean_of_intervals":
        return None
    numerator = [_term_day_sums(t, frame, index) for t in spec_variant.numerator]
    denominator = [_term_day_sums(t, frame, index) for t in spec_variant.denominator]
    out: dict[date, Fraction | None] = {}
    num = den = Fraction(0)
    means: list[Fraction] = []
    for i, day in enumerate(index.dates()):
        day_num = sum((t.sign * sums[i] for t, sums in zip(spec_variant.numerator, numerator, strict=True)),
                      Fraction(0))
        day_den = sum((t.sign * sums[i] for t, sums in zip(spec_variant.denominator, denominator, strict=True)),
                      Fraction(0))
        if aggregation == "ratio_of_sums":
            num, den = num + day_num, den + day_den
            out[day] = None if den == 0 else num / den
        else:  # mean_of_days: a day with no contacts has no value, it is not a zero
            if day_den != 0:
                means.append(day_num / day_den)
            out[day] = sum(means, Fraction(0)) / len(means) if means else None
    return out


def _check_settings(settings: Mapping[str, object], path: str) -> None:
    if not isinstance(settings, Mapping):
        raise ValueError(f"{path}: expected a mapping of KPI name to settings")
    for name, entry in settings.items():
        if name not in REGISTRY:
            raise ValueError(f"{path}.{name}: unknown KPI; valid KPIs: {', '.join(REGISTRY)}")
        entry = entry or {}
        if not isinstance(entry, Mapping):
            raise ValueError(f"{path}.{name}: expected a mapping with keys {', '.join(SETTING_KEYS)}")
        unknown = sorted(set(entry) - set(SETTING_KEYS))
        if unknown:
            raise ValueError(f"{path}.{name}.{unknown[0]}: unknown key; valid keys: {', '.join(SETTING_KEYS)}")
        spec(name).variant(entry.get("variant"))
        check_aggregation(entry.get("aggregation"))


def check_settings(settings: Mapping[str, object], path: str = "kpis") -> None:
    """Validate a service's `kpis:` block; ValueError naming the key path (e.g. kpis.service_level.foo)."""
    _check_settings(settings, path)


def shared_thresholds(settings: Mapping[str, Mapping[str, object]]) -> dict[str, object]:
    """Thresholds other KPIs borrow when their own entry does not set them: service_level's first."""
    shared: dict[str, object] = {}
    order = sorted(settings, key=lambda n: n != "service_level")
    for name in order:
        for key in ("threshold_s", "short_abandon_s"):
            value = (settings[name] or {}).get(key)
            if value is not None and key not in shared:
                shared[key] = value
    return shared


#: Columns of `kpi_table`.
TABLE_COLUMNS = ["kpi", "variant", "unit", "value", "value_float", "decimals", "threshold_s", "short_abandon_s",
                 "aggregation"]


def kpi_table(data: pd.DataFrame, settings: Mapping[str, Mapping[str, object]] | None = None, *,
              invoice_net: Decimal | None = None) -> pd.DataFrame:
    """Every KPI of a service's `kpis:` block, then the defaults of every other KPI the data supports.

    Columns (`TABLE_COLUMNS`): kpi, variant, unit, value (Fraction | None), value_float (display only),
    decimals (the contract's, None when it sets none) and the options the value was computed with:
    threshold_s, short_abandon_s (None when not set) and aggregation (canonical name). Thresholds a KPI does
    not set are borrowed from the block's service_level entry. cost_per_contact is included when
    `invoice_net` is given.
    """
    settings = dict(settings or {})
    _check_settings(settings, "kpis")
    shared = shared_thresholds(settings)
    from_contacts = is_contact_records(data)
    prepared: dict[tuple, pd.DataFrame] = {}

    def prepare(options: Mapping[str, object]) -> pd.DataFrame:
        key = tuple(str(options.get(k)) for k in ("threshold_s", "short_abandon_s", "aggregation",
                                                     "interval_minutes"))
        if key not in prepared:
            prepared[key] = _prepare(data, options)
        return prepared[key]

    rows = []
    for name in (*settings, *(n for n in REGISTRY if n not in settings)):
        entry = dict(settings.get(name) or {})
        chosen = name in settings
        spec_variant = variant_of(name, entry.get("variant"))
        options = {k: entry.get(k, shared.get(k)) for k in ("threshold_s", "short_abandon_s")}
        options["aggregation"] = entry.get("aggregation")
        options["invoice_net"] = invoice_net
        options = {k: v for k, v in options.items() if v is not None}
        if not chosen:
            if spec_variant.options - set(options):
                continue
            frame = prepare(options)
            if not spec_variant.columns <= set(frame.columns):
                continue
        else:
            frame = prepare(options)
        value = _evaluate(spec_variant, frame, options, from_contacts)
        rows.append({
            "kpi": name,
            "variant": spec_variant.name,
            "unit": spec_variant.unit,
            "value": value,
            "value_float": None if value is None else float(value),
            "decimals": entry.get("decimals"),
            "threshold_s": options.get("threshold_s"),
            "short_abandon_s": options.get("short_abandon_s"),
            "aggregation": check_aggregation(options.get("aggregation")),
        })
    frame = pd.DataFrame(rows, columns=TABLE_COLUMNS)
    for column in ("decimals", "threshold_s", "short_abandon_s"):  # None stays None, not NaN
        frame[column] = pd.Series([row[column] for row in rows], index=frame.index, dtype=object)
    return frame


# --------------------------------------------------------------------------- which KPIs apply to a service
#: Channels whose contacts wait in a back-office queue for hours and cannot be abandoned by the customer.
ASYNCHRONOUS_CHANNELS = frozenset({"email", "backoffice", "letter", "social"})
#: KPIs that mean nothing on a channel unless its contract names them: an e-mail is not abandoned by the
#: customer; an outbound call waits in no queue (no speed of answer, no service level).
NOT_MEANINGFUL = {**{channel: frozenset({"abandonment_rate"}) for channel in ASYNCHRONOUS_CHANNELS},
                  "outbound": frozenset({"service_level", "asa_s"}),
                  # a collection agency's records are attempts and payments, not timed calls
                  "collections": frozenset({"service_level", "abandonment_rate", "asa_s", "aht_s", "occupancy"})}
#: KPIs timed in seconds that an asynchronous channel reads in hours (the answer waits hours, not seconds).
WAIT_KPIS = frozenset({"asa_s"})


def applicable(table: pd.DataFrame, channel: str, named: Iterable[str]) -> tuple[pd.DataFrame, list[str]]:
    """The rows of a service's `kpi_table` that apply to it, and the KPI names left out (in table order).

    A KPI applies when the contract names it (`named`: its `kpis:` block, SLA rules and compliance
    clauses) — even without data, so a missing figure the contract depends on shows as missing — or when the
    data computes it and it means something on `channel` (`NOT_MEANINGFUL`)."""
    named = set(named)
    meaningless = NOT_MEANINGFUL.get(channel, frozenset())
    keep = [row.kpi in named or (row.value is not None and row.kpi not in meaningless)
            for row in table.itertuples(index=False)]
    mask = pd.Series(keep, index=table.index, dtype=bool)
    return table[mask], table.loc[~mask, "kpi"].tolist()


def display_unit(kpi: str, unit: str, channel: str) -> str:
    """The unit a KPI is read in on `channel`: a wait in seconds is read in hours on an asynchronous
    channel (13,879.5 s of an e-mail queue is 3.86 h); every other KPI keeps its definition's unit."""
    if unit == "seconds" and kpi in WAIT_KPIS and channel in ASYNCHRONOUS_CHANNELS:
        return "hours"
    return unit
