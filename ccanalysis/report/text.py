"""Display text shared by report sections: money, KPI values, charge names and compliance facts, each in the
report's language (words and number formats from `ccanalysis.i18n`, never written here; quantities and unit
prices: `i18n.domain.quantity` and `price`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pandas as pd

from ccanalysis import compliance, kpis
from ccanalysis.i18n import domain as words
from ccanalysis.i18n import format_date, format_money, format_number, label, sentence
from ccanalysis.i18n.report import LABELS


def missing(value: object) -> bool:
    """None, NaN or NA: shown as a blank cell."""
    if value is None or value is pd.NA:
        return True
    return not isinstance(value, (Decimal, Fraction, str)) and bool(pd.isna(value))


def money(value: Decimal | None, lang: str, currency: str) -> str:
    """An amount in cents with its currency (blank for None)."""
    return format_money(value, lang, currency) if value is not None else ""


def kpi_value(name: str | None, value: Fraction | Decimal | None, lang: str, variant: str | None = None,
              decimals: int | None = None, currency: str | None = None) -> str:
    """A KPI value in the unit of its definition (`no data` when None; a ratio when the KPI is unknown)."""
    unit = kpis.variant_of(name, variant).unit if name in kpis.REGISTRY else "fraction"
    return words.kpi_value(value, unit, lang, decimals, currency)


def kpi_difference(name: str, value: Fraction | None, lang: str, variant: str | None = None) -> str:
    """A signed difference of two values of KPI `name`: ratios in percentage points (`+6,53 p. p.` /
    `+6.53 pp`), other units as `kpi_value` writes them (`−10,0 s`); blank for None."""
    if value is None:
        return ""
    unit = kpis.variant_of(name, variant).unit if name in kpis.REGISTRY else "fraction"
    shown = kpis.round_on_scale(Fraction(value), unit, kpis.DEFAULT_DECIMALS.get(unit, 2))
    sign = "+" if shown > 0 else "−" if shown < 0 else ""  # the sign of what is shown: never "−0,0 s"
    if unit == "fraction":
        points = kpis.fraction_to_decimal(abs(shown) * 100, 2)
        return f"{sign}{format_number(points, lang, 2)} {label('percentage_points', lang)}"
    return sign + words.kpi_value(abs(shown), unit, lang)


def display_kpi(name: str, value: Fraction | None, unit: str, channel: str, lang: str, variant: str | None = None,
                decimals: int | None = None, currency: str | None = None) -> str:
    """A KPI value as read on `channel` (`kpis.display_unit`: an e-mail's wait in hours), on the contract's
    scale (`decimals`)."""
    shown = kpis.display_unit(name, unit, channel)
    if shown == "hours" and unit == "seconds":
        return words.kpi_value(None if value is None else Fraction(value) / 3600, shown, lang, decimals)
    return kpi_value(name, value, lang, variant, decimals, currency)


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
    if compliance.KINDS.get(row.get("kind")).subject_is_kpi and name in kpis.REGISTRY:
        return kpis.variant_of(name, row.get("variant")).unit
    return None


def clause_threshold(row: Mapping[str, Any], lang: str) -> str:
    """What a clause requires, e.g. `≥ 1 % y ≤ 3 %` / `≥ 1% and ≤ 3%`; a certification's name."""
    if compliance.KINDS.get(row.get("kind")).requires_subject:
        return str(row.get("subject") or "")
    unit = _clause_unit(row)
    parts = [f"{sign} {words.bound(row[key], unit, lang)}" for key, sign in (("min", "≥"), ("max", "≤"))
             if not missing(row.get(key))]
    return f" {label('and', lang)} ".join(parts)


def clause_figure(row: Mapping[str, Any], lang: str) -> str:
    """The figure behind a clause's status: a KPI value in its unit, a count, or the certifications found."""
    value = row.get("figure")
    if missing(value):
        return ""
    unit = _clause_unit(row)
    if unit is not None:
        return words.kpi_value(Fraction(value), unit, lang)
    return str(value)


def clause_explanation(row: Mapping[str, Any], lang: str) -> str:
    """One sentence saying what a clause was checked on and what it gave (a row of `compliance.evaluate`):
    the sentence `<kind's text>_<reason>` (or `_result`) of `i18n/report.py`, its fields filled here."""
    kind = compliance.KINDS.get(row["kind"])
    name = row.get("subject")
    head = name
    if name in kpis.REGISTRY:
        head = sentence("clause_kpi_head", lang, kpi=words.kpi_name(name, lang),
                        definition=words.kpi_definition(name, row.get("variant"), lang))
    if row["kind"] == "control":
        name = control_name(str(name), lang)
    listed = ", ".join(row.get("missing") or ())
    reason = "result" if missing(row.get("reason")) else row["reason"]
    if isinstance(head, str):
        head = head[:1].upper() + head[1:]  # it opens the sentence
    if isinstance(name, str) and row["kind"] == "control":
        name = name[:1].upper() + name[1:]
    reference = row.get("reference")
    return sentence(f"{kind.text}_{reason}", lang, name=name, head=head,
                    value=clause_figure(row, lang), count=row.get("figure"), threshold=clause_threshold(row, lang),
                    verdict=label(row["status"], lang), found=clause_figure(row, lang) or label("none", lang),
                    services=listed, columns=listed, source=label(row["source"], lang),
                    evidence=evidence_source(row.get("evidence_source"), lang),
                    on=format_date(row["evidence_date"], lang) if not missing(row.get("evidence_date")) else "",
                    until=format_date(row["valid_until"], lang) if not missing(row.get("valid_until")) else "",
                    ref="" if missing(reference) else f" ({reference})")


def control_name(name: str, lang: str) -> str:
    """A control in words (`vlan_segmentation` → `VLAN segmentadas`); a control the report has no words for,
    as the contract writes it."""
    key = f"control_{name}"
    return label(key, lang) if key in LABELS else name


def evidence_source(code: object, lang: str) -> str:
    """Where a clause's evidence comes from, in words: the supplier's declaration, the client's audit, a
    certificate (blank when the clause is checked on data)."""
    return "" if missing(code) else label(f"evidence_{code}", lang)


def clause_evidence(row: Mapping[str, Any], lang: str) -> str:
    """The evidence behind a clause: its source, reference and date (and a certificate's expiry), e.g.
    `certificado AENOR-123 · válido hasta 10/11/2026`; the data table for a clause checked on data."""
    if missing(row.get("evidence_source")):
        return label(row["source"], lang) if not missing(row.get("source")) else ""
    parts = [evidence_source(row["evidence_source"], lang)]
    if not missing(row.get("reference")):
        parts[0] += f" {row['reference']}"
    if not missing(row.get("evidence_date")):
        parts.append(format_date(row["evidence_date"], lang))
    if not missing(row.get("valid_until")):
        parts.append(sentence("valid_until", lang, date=format_date(row["valid_until"], lang)))
    return " · ".join(parts)


def clause_consequence(row: Mapping[str, Any], lang: str, currency: str) -> str:
    """What a clause not met costs under the contract: its penalty per month and its consequence in the
    contract's words; `sin consecuencia en el contrato` when it sets none; blank for a clause met."""
    if row.get("status") != "not_met":
        return ""
    parts = []
    if not missing(row.get("penalty")):
        parts.append(sentence("clause_penalty", lang, amount=money(row["penalty"], lang, currency)))
    if not missing(row.get("consequence")):
        parts.append(str(row["consequence"]))
    return "; ".join(parts) or label("no_consequence", lang)
