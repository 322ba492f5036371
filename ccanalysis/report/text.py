"""Display text shared by report sections: money, quantities, unit prices, KPI values and compliance facts,
each in the report's language (words from `ccanalysis.i18n`, never written here)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pandas as pd

from ccanalysis import compliance, kpis
from ccanalysis.i18n import format_money, format_number, format_percent, label, sentence


def missing(value: object) -> bool:
    """None, NaN or NA: shown as a blank cell."""
    if value is None or value is pd.NA:
        return True
    return not isinstance(value, (Decimal, Fraction, str)) and bool(pd.isna(value))


def money(value: Decimal | None, lang: str, currency: str) -> str:
    """An amount in cents with its currency (blank for None)."""
    return format_money(value, lang, currency) if value is not None else ""


def places(value: Decimal) -> int:
    """The decimals a number has of its own (0.55 → 2, 21.5 → 1, 9 → 0)."""
    exponent = Decimal(value).normalize().as_tuple().exponent
    return max(0, -int(exponent)) if isinstance(exponent, int) else 2


def quantity(value: Any, lang: str) -> str:
    """A billed quantity: whole numbers without decimals, others with two."""
    if missing(value):
        return ""
    value = Decimal(value)
    return format_number(value, lang, 0 if value == value.to_integral_value() else 2)


def unit_price(value: Any, lang: str) -> str:
    """A unit price with its own decimals and no more (0.55 → 0,55; 1500 → 1.500)."""
    return "" if missing(value) else format_number(value, lang, places(value))


def unit_value(value: Fraction | Decimal | int, unit: str, lang: str, decimals: int | None = None) -> str:
    """A value in a KPI unit on the contract's scale (`decimals`, else the unit's default), rounded half-up:
    percentages for fractions, seconds, hours, money, else a number (a score)."""
    digits = kpis.DEFAULT_DECIMALS.get(unit, 2) if decimals is None else decimals
    shown = kpis.round_on_scale(Fraction(value), unit, digits)
    if unit == "fraction":
        return format_percent(shown, lang, digits)
    if unit == "money":
        return format_money(Decimal(shown.numerator) / Decimal(shown.denominator), lang)
    return format_number(shown, lang, digits) + {"seconds": " s", "hours": " h"}.get(unit, "")


def kpi_value(name: str | None, value: Fraction | Decimal | None, lang: str, variant: str | None = None,
              decimals: int | None = None) -> str:
    """A KPI value in the unit of its definition (`no data` when None)."""
    if value is None:
        return label("no_data", lang)
    spec = kpis.REGISTRY.get(name) if name else None
    unit = spec.variant(variant or spec.default).unit if spec else "fraction"
    return unit_value(value, unit, lang, decimals)


def charge_names(services: Iterable[Any], lines: pd.DataFrame) -> dict[tuple[str, str], str]:
    """What a reader calls each (service id, charge id): its description in the contract (`services` in
    force), else the description of its expected invoice line (SLA, limit and commitment lines)."""
    names = {(_service_key(service), charge): description for service, charge, description
             in zip(lines["service"], lines["charge"], lines["description"], strict=True) if not missing(description)}
    for service in services:
        for charge in service.charges:
            names[(service.id, charge["id"])] = charge.get("description") or charge["id"]
    return names


def charge_name(names: Mapping[tuple[str, str], str], service: object, charge: str) -> str:
    """The name of a service's charge in `charge_names`, else the charge id itself."""
    return names.get((_service_key(service), charge), charge)


def _service_key(service: object) -> str:
    return "" if missing(service) else str(service)


# --------------------------------------------------------------------------- compliance clauses
def _clause_unit(row: Mapping[str, Any]) -> str | None:
    """The KPI unit of a kpi or evidence clause, None for the other kinds."""
    name = row.get("subject")
    if row.get("kind") in ("kpi", "evidence") and name in kpis.REGISTRY:
        return kpis.variant_of(name, row.get("variant")).unit
    return None


def _limit(value: Decimal, unit: str | None, lang: str) -> str:
    if unit == "fraction":
        shown = value * 100
        return format_percent(value, lang, places(shown))
    return format_number(value, lang, places(value))


def clause_threshold(row: Mapping[str, Any], lang: str) -> str:
    """What a clause requires, e.g. `≥ 1 % y ≤ 3 %` / `≥ 1% and ≤ 3%`; a certification's name."""
    if row.get("kind") == "certification":
        return str(row.get("subject") or "")
    unit = _clause_unit(row)
    parts = [f"{sign} {_limit(row[key], unit, lang)}" for key, sign in (("min", "≥"), ("max", "≤"))
             if not missing(row.get(key))]
    return f" {label('and', lang)} ".join(parts)


def clause_figure(row: Mapping[str, Any], lang: str) -> str:
    """The figure behind a clause's status: a KPI value in its unit, a count, or the certifications found."""
    value = row.get("figure")
    if missing(value):
        return ""
    unit = _clause_unit(row)
    if unit is not None:
        return unit_value(Fraction(value), unit, lang)
    return str(value)


def clause_explanation(row: Mapping[str, Any], lang: str) -> str:
    """One sentence saying what a clause was checked on and what it gave (a row of `compliance.evaluate`):
    the sentence `<kind's text>_<reason>` (or `_result`) of `i18n/report.py`, its fields filled here."""
    kind = compliance.KINDS.get(row["kind"])
    name = row.get("subject")
    head = name
    if name in kpis.REGISTRY:
        head = sentence("clause_kpi_head", lang, kpi=name, definition=kpis.definition(name, row.get("variant"), lang))
    listed = ", ".join(row.get("missing") or ())
    reason = "result" if missing(row.get("reason")) else row["reason"]
    return sentence(f"{kind.text}_{reason}", lang, name=name, head=head,
                    value=clause_figure(row, lang), count=row.get("figure"), threshold=clause_threshold(row, lang),
                    verdict=label(row["status"], lang), found=clause_figure(row, lang) or label("none", lang),
                    services=listed, columns=listed, source=label(row["source"], lang))
