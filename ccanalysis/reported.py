"""Supplier-reported KPIs beside the recomputed ones (audit.md "KPIs in an audit").

The audit never uses a reported KPI: it recomputes every KPI from the client's activity data under the
contract's definition. Where the supplier reports a KPI (`reported_kpis`, one row per supplier, service
and month), the report sets both side by side, with the difference and the definition each used.

A reported row may say which definition the supplier used, per KPI: `<kpi>_variant` (a registry variant,
e.g. `service_level_variant: handled`) and, for the service level, `service_level_threshold_s`. When that
differs from the contract's, the KPI is recomputed a second time under the supplier's definition from the
same data: if that second figure matches the reported one, the gap is the definition, not the data.

"Matches" means equal to within the reported figure's own rounding: a reported 0.9401 matches any
recomputed value in [0.94005, 0.94015] (half a unit of its last decimal). Pure: no I/O, no sentences.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

import pandas as pd

from ccanalysis import kpis

#: Columns of a reported row that say which definition the supplier used, by suffix after the KPI name.
DEFINITION_SUFFIXES = ("variant", "threshold_s")
#: The KPIs whose definition columns are understood (`<kpi>_variant`; `<kpi>_threshold_s` where the KPI has one).
THRESHOLD_KPIS = ("service_level",)



def definition_columns() -> dict[str, str]:
    """The optional definition columns of `reported_kpis` → the kind of value each holds (`str` or `number`)."""
    columns = {f"{name}_variant": "str" for name in kpis.REGISTRY}
    columns.update({f"{name}_threshold_s": "number" for name in THRESHOLD_KPIS})
    return columns


@dataclass(frozen=True)
class Comparison:
    """One KPI reported by the supplier, beside the recomputed value (`value` fractions as in kpis.md)."""

    kpi: str
    unit: str
    reported: Decimal
    reported_variant: str | None  # the supplier's definition, when its row names one
    reported_threshold_s: Decimal | None
    recomputed: Fraction | None  # under the contract's definition; None = no data
    variant: str
    threshold_s: object
    short_abandon_s: object
    difference: Fraction | None  # reported − recomputed
    matches: bool | None  # equal within the reported figure's rounding
    under_reported_definition: Fraction | None  # recomputed under the supplier's definition, when it differs
    explained_by_definition: bool | None  # that figure matches the reported one


def tolerance(reported: Decimal) -> Fraction:
    """Half a unit of the reported figure's last decimal as written: 0.9400 → 0.00005; 245 → 0.5."""
    places = max(0, -int(reported.as_tuple().exponent))  # as written: 0.9400 has 4 decimals
    return Fraction(1, 2 * 10**places)


def month_figures(rows: pd.DataFrame, month: str) -> dict[str, dict[str, object]]:
    """The KPIs of the reported rows for billing `month` (the rows whose `month` is it; daily rows are not
    a month's figure), each with the definition the row names: kpi → {value, variant, threshold_s}."""
    if rows.empty or "month" not in rows.columns:
        return {}
    chosen = rows[rows["month"].astype(str) == month]
    figures: dict[str, dict[str, object]] = {}
    for _, row in chosen.iterrows():
        for name in kpis.REGISTRY:
            if name not in row.index or _blank(row[name]):
                continue
            figures[name] = {
                "value": Decimal(str(row[name])),
                "variant": None if _blank(row.get(f"{name}_variant")) else str(row[f"{name}_variant"]),
                "threshold_s": None if _blank(row.get(f"{name}_threshold_s"))
                else Decimal(str(row[f"{name}_threshold_s"])),
            }
    return figures


def compare(figures: Mapping[str, Mapping[str, object]], data: pd.DataFrame,
            settings: Mapping[str, Mapping[str, object]]) -> list[Comparison]:
    """Each reported KPI (`month_figures`) beside its value on `data` under the contract's `settings` (a
    service's `kpis:` block) and, when the supplier names another definition, under that one too."""
    table = kpis.kpi_table(data, settings) if not data.empty else pd.DataFrame(columns=kpis.TABLE_COLUMNS)
    by_kpi = {row.kpi: row for row in table.itertuples(index=False)}
    shared = kpis.shared_thresholds(settings)
    out = []
    for name, figure in figures.items():
        reported = figure["value"]
        entry = dict(settings.get(name) or {})
        row = by_kpi.get(name)
        variant = row.variant if row is not None else kpis.variant_of(name, entry.get("variant")).name
        threshold = row.threshold_s if row is not None else entry.get("threshold_s", shared.get("threshold_s"))
        short = row.short_abandon_s if row is not None else entry.get("short_abandon_s", shared.get("short_abandon_s"))
        recomputed = None if row is None else row.value
        unit = kpis.variant_of(name, variant).unit
        half = tolerance(reported)
        difference = None if recomputed is None else Fraction(reported) - recomputed
        matches = None if difference is None else abs(difference) <= half
        other_variant, other_threshold = figure.get("variant"), figure.get("threshold_s")
        under_theirs = explained = None
        differs = ((other_variant is not None and kpis.variant_of(name, other_variant).name != variant)
                   or (other_threshold is not None and threshold is not None
                       and Decimal(str(other_threshold)) != Decimal(str(threshold))))
        if differs and not data.empty:
            theirs = {**entry, **({"variant": other_variant} if other_variant else {}),
                      **({"threshold_s": other_threshold} if other_threshold is not None else {})}
            theirs.pop("decimals", None)
            options = {k: v for k, v in theirs.items() if k != "variant"}
            if "short_abandon_s" not in options and shared.get("short_abandon_s") is not None:
                options["short_abandon_s"] = shared["short_abandon_s"]
            try:
                under_theirs = kpis.kpi(name, data, theirs.get("variant", variant), **options)
            except ValueError:  # activity rows counted at one threshold cannot give another
                under_theirs = None
            explained = None if under_theirs is None else abs(Fraction(reported) - under_theirs) <= half
        out.append(Comparison(name, unit, reported, other_variant, other_threshold, recomputed, variant, threshold,
                              short, difference, matches, under_theirs, explained))
    return out


def _blank(value: object) -> bool:
    if value is None or value is pd.NA:
        return True
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, float) and pd.isna(value)
