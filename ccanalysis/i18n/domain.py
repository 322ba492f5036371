"""The words of domain facts, in Spanish (`es`) or English (`en`).

Domain functions (pricing, units, invoice, sla) return facts: a code and its numbers (`pricing.Fact`).
This module turns them into the sentences a report or the CLI shows: unit and model names, line
descriptions and explanations, SLA targets and explanations, KPI definitions. Numbers, percentages and dates go through
`ccanalysis.i18n` (es `86,79 %`, `01/08/2026`; en `86.79%`, `2026-08-01`); money never shows more
decimals than the unit price's own. To word a new fact: one entry in `_SENTENCES`; a new KPI variant's
definition: one entry in `KPI_DEFINITIONS`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any

from ccanalysis import kpis
from ccanalysis.i18n import check_lang, format_date, format_money, format_number, format_percent

# ------------------------------------------------------------------------------------------ vocabulary

#: unit code → {lang: (singular, plural)}
UNIT_NAMES: dict[str, dict[str, tuple[str, str]]] = {
    "logged_hour": {"es": ("hora logada", "horas logadas"), "en": ("logged hour", "logged hours")},
    "productive_hour": {"es": ("hora productiva", "horas productivas"),
                        "en": ("productive hour", "productive hours")},
    "effective_hour": {"es": ("hora efectiva", "horas efectivas"), "en": ("effective hour", "effective hours")},
    "productive_minute": {"es": ("minuto productivo", "minutos productivos"),
                          "en": ("productive minute", "productive minutes")},
    "talk_minute": {"es": ("minuto de conversación", "minutos de conversación"),
                    "en": ("talk minute", "talk minutes")},
    "handled_contact": {"es": ("contacto atendido", "contactos atendidos"),
                        "en": ("handled contact", "handled contacts")},
    "offered_contact": {"es": ("contacto ofrecido", "contactos ofrecidos"),
                        "en": ("offered contact", "offered contacts")},
    "customer": {"es": ("cliente distinto", "clientes distintos"), "en": ("distinct customer", "distinct customers")},
    "fte": {"es": ("puesto a tiempo completo", "puestos a tiempo completo"), "en": ("FTE", "FTEs")},
    "sale": {"es": ("venta", "ventas"), "en": ("sale", "sales")},
    "right_party_contact": {"es": ("contacto con el titular", "contactos con el titular"),
                            "en": ("right-party contact", "right-party contacts")},
    "collected_amount": {"es": ("importe recobrado", "importe recobrado"),
                         "en": ("collected amount", "collected amount")},
    "retained_customer": {"es": ("cliente retenido", "clientes retenidos"),
                          "en": ("retained customer", "retained customers")},
    "month": {"es": ("mes", "meses"), "en": ("month", "months")},
    "package": {"es": ("paquete", "paquetes"), "en": ("package", "packages")},
    "fee": {"es": ("cuota", "cuotas"), "en": ("fee", "fees")},
    "account": {"es": ("cuenta", "cuentas"), "en": ("account", "accounts")},
}

MODEL_NAMES: dict[str, dict[str, str]] = {
    "per_unit": {"es": "precio unitario", "en": "per unit"},
    "graduated": {"es": "escalonado por tramos", "en": "graduated"},
    "volume": {"es": "por volumen", "en": "volume"},
    "package": {"es": "por paquetes", "en": "package"},
    "percentage": {"es": "porcentaje", "en": "percentage"},
    "graduated_percentage": {"es": "porcentaje escalonado", "en": "graduated percentage"},
    "capacity": {"es": "capacidad", "en": "capacity"},
    "fixed": {"es": "importe fijo", "en": "fixed"},
}

KPI_NAMES: dict[str, dict[str, str]] = {
    "service_level": {"es": "nivel de servicio", "en": "service level"},
    "abandonment_rate": {"es": "tasa de abandono", "en": "abandonment rate"},
    "asa_s": {"es": "tiempo medio de espera", "en": "average speed of answer"},
    "aht_s": {"es": "tiempo medio de gestión", "en": "average handling time"},
    "occupancy": {"es": "ocupación", "en": "occupancy"},
    "fcr": {"es": "resolución al primer contacto", "en": "first contact resolution"},
    "qa_score": {"es": "nota de calidad", "en": "quality score"},
    "csat": {"es": "satisfacción del cliente", "en": "customer satisfaction"},
    "attrition_rate": {"es": "rotación de plantilla", "en": "attrition rate"},
    "training_hours_per_head": {"es": "horas de formación por persona", "en": "training hours per head"},
    "cost_per_contact": {"es": "coste por contacto", "en": "cost per contact"},
    "collections_recovery_rate": {"es": "tasa de recobro", "en": "recovery rate"},
}

SOURCES = {
    "contacts": {"es": "registros de contacto", "en": "contact records"},
    "interval": {"es": "actividad por intervalos", "en": "interval activity"},
    "daily": {"es": "actividad diaria", "en": "daily activity"},
    "care_records": {"es": "registros de atención de facturación", "en": "billing-care records"},
    "none": {"es": "sin actividad", "en": "no activity"},
}

DAY_CLASS_NAMES = {
    "weekday": {"es": "laborables", "en": "weekdays"},
    "saturday": {"es": "sábados", "en": "Saturdays"},
    "sunday": {"es": "domingos", "en": "Sundays"},
    "holiday": {"es": "festivos", "en": "holidays"},
}

_WORDS: dict[str, dict[str, str]] = {
    "tier": {"es": "tramo", "en": "tier"},
    "flat_fee": {"es": "cuota fija", "en": "flat fee"},
    "minimum": {"es": "mínimo", "en": "minimum"},
    "maximum": {"es": "máximo", "en": "maximum"},
    "minimum_commitment": {"es": "Compromiso mínimo — regularización", "en": "Minimum commitment — true-up"},
    "sla_bonus": {"es": "Bonificación ANS", "en": "SLA bonus"},
    "sla_penalty": {"es": "Penalización ANS", "en": "SLA penalty"},
    "cap_penalty": {"es": "Tope de penalizaciones ANS", "en": "SLA penalty cap"},
    "cap_bonus": {"es": "Tope de bonificaciones ANS", "en": "SLA bonus cap"},
    "account_cap": {"es": "Tope de comisiones por cuenta", "en": "Fee cap per account"},
    "block_of": {"es": "bloque de {unit}", "en": "block of {unit}"},
    "expected_invoice": {"es": "Factura esperada", "en": "Expected invoice"},
    "billing_period": {"es": "periodo de facturación", "en": "billing period"},
    "explanations": {"es": "Explicaciones", "en": "Explanations"},
    "net": {"es": "Base imponible", "en": "Net"},
    "tax": {"es": "Impuesto", "en": "Tax"},
    "gross": {"es": "Total", "en": "Gross"},
}


def word(key: str, lang: str) -> str:
    """The word `key` in `lang`."""
    return _WORDS[key][check_lang(lang)]


#: A service's `channel` in words; a channel not listed reads as written in the contract.
_CHANNELS = {
    "voice": {"es": "voz (entrante)", "en": "voice (inbound)"},
    "outbound": {"es": "voz saliente", "en": "outbound voice"},
    "email": {"es": "correo electrónico", "en": "e-mail"},
    "chat": {"es": "chat", "en": "chat"},
    "backoffice": {"es": "back office", "en": "back office"},
    "letter": {"es": "correo postal", "en": "letters"},
    "social": {"es": "redes sociales", "en": "social media"},
    "collections": {"es": "recobro", "en": "collections"},
}


def channel_name(channel: str, lang: str) -> str:
    """A service's channel in words (`outbound` → `voz saliente`); an unlisted channel as written."""
    return _CHANNELS.get(channel, {}).get(check_lang(lang), channel)


def unit_name(code: str | None, lang: str, *, plural: bool = False) -> str:
    """A unit code in words (`productive_minute` → `minuto productivo`); "block of X" → "bloque de …"."""
    if code is None:
        return ""
    check_lang(lang)
    if code.startswith("block of "):
        inner = unit_name(code[len("block of "):], lang)
        return word("block_of", lang).format(unit=inner)
    names = UNIT_NAMES.get(code)
    if names is None:
        return code
    return names[lang][1 if plural else 0]


def model_name(code: str, lang: str) -> str:
    """The charge model's name in `lang`; the code itself when unknown."""
    return MODEL_NAMES.get(code, {}).get(check_lang(lang), code)


def kpi_name(code: str | None, lang: str) -> str:
    """The KPI's name in `lang`; the code itself when unknown, "" for None."""
    if code is None:
        return ""
    return KPI_NAMES.get(code, {}).get(check_lang(lang), code)


# ------------------------------------------------------------------------------------------ KPI definitions

#: KPI variant definitions (kpis.md), by KPI and variant: {threshold} and {short} are the SL and
#: short-abandon thresholds.
KPI_DEFINITIONS: dict[str, dict[str, dict[str, str]]] = {
    "service_level": {
        "offered_less_short_abandons": {
            "es": "atendidas dentro de {threshold} / (ofrecidas − abandonadas dentro de {short})",
            "en": "answered within {threshold} / (offered − abandoned within {short})",
        },
        "offered": {
            "es": "atendidas dentro de {threshold} / ofrecidas",
            "en": "answered within {threshold} / offered",
        },
        "handled": {
            "es": "atendidas dentro de {threshold} / atendidas",
            "en": "answered within {threshold} / handled",
        },
        "handled_plus_late_abandons": {
            "es": "atendidas dentro de {threshold} / (atendidas + abandonadas después de {threshold})",
            "en": "answered within {threshold} / (handled + abandoned after {threshold})",
        },
        "short_abandons_met": {
            "es": "(atendidas dentro de {threshold} + abandonadas dentro de {threshold}) / ofrecidas",
            "en": "(answered within {threshold} + abandoned within {threshold}) / offered",
        },
    },
    "abandonment_rate": {
        "offered_less_short_abandons": {
            "es": "abandonadas después de {short} / (ofrecidas − abandonadas dentro de {short})",
            "en": "abandoned after {short} / (offered − abandoned within {short})",
        },
        "offered": {
            "es": "abandonadas / ofrecidas",
            "en": "abandoned / offered",
        },
    },
    "asa_s": {
        "default": {
            "es": "espera en cola de las atendidas (s) / atendidas",
            "en": "queue wait of answered contacts (s) / handled",
        },
    },
    "aht_s": {
        "default": {
            "es": "(conversación + espera + trabajo posterior) (s) / atendidas",
            "en": "(talk + hold + after-call work) (s) / handled",
        },
    },
    "occupancy": {
        "default": {
            "es": "(conversación + espera + trabajo posterior) / tiempo conectado",
            "en": "(talk + hold + after-call work) / logged time",
        },
    },
    "fcr": {
        "default": {
            "es": "resueltas en el primer contacto / atendidas",
            "en": "resolved at first contact / handled",
        },
    },
    "qa_score": {
        "default": {
            "es": "media de la nota de calidad (0–100) ponderada por atendidas",
            "en": "handled-weighted mean of the QA score (0–100)",
        },
    },
    "csat": {
        "default": {
            "es": "media de la satisfacción (CSAT 1–5) ponderada por atendidas",
            "en": "handled-weighted mean of CSAT (1–5)",
        },
    },
    "attrition_rate": {
        "default": {
            "es": "bajas / plantilla media (mensual)",
            "en": "leavers / average headcount (monthly)",
        },
        "start_headcount": {
            "es": "bajas / plantilla al inicio del mes",
            "en": "leavers / headcount at the start of the month",
        },
    },
    "training_hours_per_head": {
        "default": {
            "es": "horas de formación / plantilla media",
            "en": "training hours / average headcount",
        },
    },
    "cost_per_contact": {
        "default": {
            "es": "importe neto facturado / atendidas",
            "en": "invoice net / handled",
        },
    },
    "collections_recovery_rate": {
        "default": {
            "es": "importe recobrado / importe asignado",
            "en": "collected amount / placed amount",
        },
    },
}

_AGGREGATION_TEXT = {
    "es": {"mean_of_days": "media de los valores diarios", "mean_of_intervals": "media de los valores por intervalo"},
    "en": {"mean_of_days": "mean of daily values", "mean_of_intervals": "mean of interval values"},
}
_MISSING_THRESHOLD = {
    "es": ("el umbral de NS", "el umbral de abandono corto"),
    "en": ("the SL threshold", "the short-abandon threshold"),
}


def _seconds_text(value: object, lang: str) -> str:
    from ccanalysis.money import to_decimal

    seconds = to_decimal(value, what="threshold")
    text = f"{quantity(seconds, lang)} s"
    if seconds >= 3600 and seconds % 900 == 0:  # an e-mail's 28,800 s is read as 8 h
        text += f" ({quantity(seconds / 3600, lang)} h)"
    return text


def kpi_definition(kpi: str, variant: str | None = None, lang: str = "en", *, threshold_s: object = None,
                   short_abandon_s: object = None, aggregation: str | None = None) -> str:
    """The definition of KPI `kpi` under `variant` (its default when None) in `lang`, with its thresholds
    filled in and how it is aggregated when not a ratio of sums, e.g. "answered within 20 s / (offered −
    abandoned within 5 s)"; ValueError naming the valid KPIs, variants or aggregations."""
    check_lang(lang)
    name = kpis.variant_of(kpi, variant).name
    aggregation = kpis.check_aggregation(aggregation)
    missing_t, missing_s = _MISSING_THRESHOLD[lang]
    text = KPI_DEFINITIONS[kpi][name][lang].format(
        threshold=missing_t if threshold_s is None else _seconds_text(threshold_s, lang),
        short=missing_s if short_abandon_s is None else _seconds_text(short_abandon_s, lang),
    )
    if aggregation != "ratio_of_sums":
        text += f"; {_AGGREGATION_TEXT[lang][aggregation]}"
    return text.replace(" de el ", " del ") if lang == "es" else text  # de + el = del


# ------------------------------------------------------------------------------------------ numbers

def _places(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def quantity(value: Decimal | int | Fraction, lang: str, most: int = 6) -> str:
    """A quantity with the decimals it has, at most `most` (marked ≈ when it has more): 250.000, 69.444,4,
    ≈5.294,279722 (≈5.294,28 with `most=2`)."""
    d = _decimal(value)
    places = _places(d)
    if places > most:
        text = format_number(d, lang, most)
        return "≈" + (text.rstrip("0").rstrip(",.") if most else text)
    return format_number(d, lang, places)


def price(value: Decimal | int, lang: str) -> str:
    """A unit price with its own decimals and no more (0.55 → 0,55; 1500 → 1.500)."""
    d = Decimal(value)
    return format_number(d, lang, _places(d))


def money(value: Decimal | int, lang: str) -> str:
    """An amount in money, to cents."""
    return format_number(Decimal(value), lang, 2)


def signed(value: Decimal | Fraction | int, lang: str) -> str:
    """A signed fraction (+0.02, −0.005); 0 unsigned."""
    d = _decimal(value)
    if not d:
        return "0"
    text = quantity(abs(d), lang)
    return ("+" if d > 0 else "-") + text


def percent(value: Decimal | Fraction, lang: str) -> str:
    """A fraction as a percentage with the decimals it needs (0.0299 → 2,99 % / 2.99%)."""
    d = _decimal(value)
    return format_percent(d, lang, min(_places(d * 100), 6))


def _decimal(value: Decimal | Fraction | int) -> Decimal:
    if isinstance(value, Fraction):
        return Decimal(value.numerator) / Decimal(value.denominator)
    return Decimal(value)


def kpi_value(value: Fraction | Decimal | int | None, unit: str, lang: str, decimals: int | None = None,
              currency: str | None = None) -> str:
    """A value in a KPI unit on the contract's scale (`decimals`, else the unit's default), rounded half-up:
    `78,35 %` / `78.35%`, `245,3 s`, `85,20`, `8,00 h`, money with its `currency` when given (`2,70 €` /
    `€2.70`); `sin datos` / `no data` for None."""
    if value is None:
        return {"es": "sin datos", "en": "no data"}[check_lang(lang)]
    places = kpis.DEFAULT_DECIMALS.get(unit, 2) if decimals is None else decimals
    shown = kpis.round_on_scale(Fraction(value), unit, places)
    if unit == "fraction":
        return format_percent(kpis.fraction_to_decimal(shown * 100, places) / 100, lang, places)
    number = kpis.fraction_to_decimal(shown, places)
    if unit == "money" and currency is not None:
        return format_money(number, lang, currency)
    return format_number(number, lang, places) + {"seconds": " s", "hours": " h"}.get(unit, "")


def bound(value: Decimal, unit: str, lang: str) -> str:
    """A limit in a KPI unit with the decimals it has: `75 %` / `75%`, `300 s`, `8 h`, `85`."""
    if unit == "fraction":
        return percent(value, lang)
    return quantity(value, lang) + {"seconds": " s", "hours": " h"}.get(unit, "")


def _days(days: tuple[int, int] | None, lang: str, *, active: bool = True) -> str:
    if not days:
        return ""
    active_days, period_days = days
    if lang == "es":
        return f" × {active_days}/{period_days} días" + (" activos" if active else "")
    return f" × {active_days}/{period_days}" + (" active days" if active else " days")


def _span(figures: Mapping[str, Any], lang: str) -> str:
    lower, upper = figures["lower"], figures["upper"]
    if upper is None:
        return f"por encima de {quantity(lower, lang)}" if lang == "es" else f"above {quantity(lower, lang)}"
    separator = ";" if lang == "es" else ","
    prefix = "en" if lang == "es" else "in"
    return f"{prefix} ({quantity(lower, lang)}{separator} {quantity(upper, lang)}]"


def _scope(figures: Mapping[str, Any], lang: str) -> str:
    parts = []
    if figures.get("days"):
        names = "/".join(DAY_CLASS_NAMES[d][lang] for d in figures["days"])
        parts.append(names)
    if figures.get("hours"):
        parts.append(("horario " if lang == "es" else "hours ") + figures["hours"])
    if not parts:
        return ""
    return f" (solo {', '.join(parts)})" if lang == "es" else f" ({', '.join(parts)} only)"


def _source(figures: Mapping[str, Any], lang: str) -> str:
    return SOURCES[figures["source"]][lang]


# ------------------------------------------------------------------------------------------ sentences

def _units(f: Mapping[str, Any], lang: str) -> str:
    units = unit_name(f["unit"], lang, plural=True)
    joint = "de" if lang == "es" else "from"
    return f"{quantity(f['value'], lang)} {units} {joint} {_source(f, lang)}{_scope(f, lang)}"


def _dimensions(f: Mapping[str, Any], lang: str) -> str:
    shown = ", ".join(f"{unit_name(d, lang, plural=True)} {quantity(v, lang)}" for d, v in f["values"].items())
    peak = {"es": {"period": "en el periodo", "day": "máximo diario", "interval": "máximo por intervalo"},
            "en": {"period": "over the period", "day": "peak day", "interval": "peak interval"}}[lang][f["peak"]]
    joint = "de" if lang == "es" else "from"
    return f"{shown} ({peak}) {joint} {_source(f, lang)}{_scope(f, lang)}"


def _period_units(f: Mapping[str, Any], lang: str) -> str:
    if not f["prorated"]:
        return "periodo de facturación (sin prorrateo)" if lang == "es" else "billing period (not prorated)"
    days = f"{f['active_days']}/{f['period_days']}"
    return (f"periodo de facturación ({days} días activos)" if lang == "es"
            else f"billing period ({days} days active)")


def _payments(f: Mapping[str, Any], lang: str) -> str:
    if lang == "es":
        return f"{f['count']} pagos por un total de {money(f['total'], lang)} de {_source(f, lang)}{_scope(f, lang)}"
    return f"{f['count']} payments totalling {money(f['total'], lang)} from {_source(f, lang)}{_scope(f, lang)}"


def _collected_total(f: Mapping[str, Any], lang: str) -> str:
    if lang == "es":
        return f"{money(f['total'], lang)} de importe recobrado (total diario) de {_source(f, lang)}{_scope(f, lang)}"
    return f"{money(f['total'], lang)} collected (daily totals) from {_source(f, lang)}{_scope(f, lang)}"


def _rule(f: Mapping[str, Any], lang: str) -> str:
    text = ("modelo " if lang == "es" else "model ") + model_name(f["model"], lang)
    if f.get("days"):
        active_days, period_days = f["days"]
        text += (f", prorrateado {active_days}/{period_days} días" if lang == "es"
                 else f", prorated {active_days}/{period_days} days")
    rounding = f.get("rounding")
    if rounding:
        minimum, increment = rounding
        text += (f", por contacto: mínimo {minimum} s, incrementos de {increment} s" if lang == "es"
                 else f", per contact: minimum {minimum} s, increments of {increment} s")
    return text


def _units_at_price(f: Mapping[str, Any], lang: str) -> str:
    joint = "unidades a" if lang == "es" else "units at"
    return f"{quantity(f['units'], lang)} {joint} {price(f['price'], lang)}"


def _tier_head(f: Mapping[str, Any], lang: str) -> str:
    if f["scope"] == "volume":
        return (f"todas las unidades al tramo {f['tier']}, al estar el total {_span(f, lang)}" if lang == "es"
                else f"all units at tier {f['tier']}, the total being {_span(f, lang)}")
    return ("unidades " if lang == "es" else "units ") + _span(f, lang)


def _tier_units(f: Mapping[str, Any], lang: str) -> str:
    at = "a" if lang == "es" else "at"
    return f"{_tier_head(f, lang)}: {quantity(f['quantity'], lang)} {at} {price(f['price'], lang)}"


def _tier_blocks(f: Mapping[str, Any], lang: str) -> str:
    head = f"{_tier_head(f, lang)}: {quantity(f['quantity'], lang)} = {quantity(f['blocks'], lang)}"
    if lang == "es":
        return (f"{head} bloques de {quantity(f['block_size'], lang)} (redondeo al alza) a "
                f"{price(f['price'], lang)} por bloque")
    return (f"{head} blocks of {quantity(f['block_size'], lang)} (rounded up) at {price(f['price'], lang)} "
            "per block")


def _tier_value(f: Mapping[str, Any], lang: str) -> str:
    at = "al" if lang == "es" else "at"
    head = "valor " if lang == "es" else "value "
    return f"{head}{_span(f, lang)}: {quantity(f['quantity'], lang)} {at} {percent(f['rate'], lang)}"


def _flat_fee(f: Mapping[str, Any], lang: str) -> str:
    tier, reason = f["tier"], f["reason"]
    if lang == "es":
        return {"at_zero": f"cuota fija del tramo {tier}, cobrada también sin uso",
                "reached": f"cuota fija del tramo {tier}, alcanzado (por encima de {quantity(f['lower'], lang)})",
                "contains": f"cuota fija del tramo {tier} (el tramo en que cae el total)"}[reason]
    return {"at_zero": f"flat fee of tier {tier}, charged at zero usage",
            "reached": f"flat fee of tier {tier}, reached (above {quantity(f['lower'], lang)})",
            "contains": f"flat fee of tier {tier} (the tier the total falls in)"}[reason]


def _no_usage(f: Mapping[str, Any], lang: str) -> str:
    what, tier = f["what"], f["tier"]
    if lang == "es":
        if what == "dimensions":
            return "sin uso en ninguna dimensión"
        head = "sin valor" if what == "value" else "sin unidades"
        return f"{head}: tramo {tier} a cero" if tier else f"{head}: ningún tramo alcanzado"
    if what == "dimensions":
        return "no usage in any dimension"
    head = "no value" if what == "value" else "no units"
    return f"{head}: tier {tier} at zero" if tier else f"{head}: no tier reached"


def _packages(f: Mapping[str, Any], lang: str) -> str:
    units, free, size, n = (quantity(f[k], lang) for k in ("units", "free", "size", "packages"))
    if lang == "es":
        free_text = f" − {free} gratuitas" if f["free"] else ""
        direction = "al alza" if f["direction"] == "up" else "a la baja"
        return (f"{units} unidades{free_text} en paquetes de {size} = {n} paquetes (redondeo {direction}) a "
                f"{price(f['price'], lang)}")
    free_text = f" − {free} free" if f["free"] else ""
    return (f"{units} units{free_text} in packages of {size} = {n} packages (rounded {f['direction']}) at "
            f"{price(f['price'], lang)}")


def _events(f: Mapping[str, Any], lang: str) -> str:
    es = lang == "es"
    one = f["events"] == 1
    text = (f"{f['events']} evento" if one else f"{f['events']} eventos") if es else (
        f"{f['events']} event" if one else f"{f['events']} events")
    if f["free"]:
        text += f" ({f['free']} gratuitos)" if es else f" ({f['free']} free)"
    rate = percent(f["rate"], lang)
    text += (f": valor pagado sobre {money(f['value_paid'], lang)} al {rate}" if es
             else f": value paid on {money(f['value_paid'], lang)} at {rate}")
    if f["fixed_per_event"]:
        fixed = price(f["fixed_per_event"], lang)
        text += f" + {fixed} por evento × {f['paying']}" if es else f" + {fixed} per event × {f['paying']}"
    if f["raised"]:
        low = price(f["min_per_event"], lang)
        text += (f"; {f['raised']} elevados al mínimo de {low} por evento" if es
                 else f"; {f['raised']} raised to the minimum {low} per event")
    if f["capped"]:
        high = price(f["max_per_event"], lang)
        text += (f"; {f['capped']} limitados al máximo de {high} por evento" if es
                 else f"; {f['capped']} capped at the maximum {high} per event")
    return text


def _capacity(f: Mapping[str, Any], lang: str) -> str:
    shown = ", ".join(f"{unit_name(d, lang, plural=True)} {quantity(v, lang)}" for d, v in f["values"].items())
    if lang == "es":
        reason = ("por encima del último tramo, el precio del último" if f["past_last"]
                  else "el primer tramo cuyos límites se cumplen")
        return f"{shown}: tramo {f['tier']} ({reason}) a {price(f['price'], lang)}{_days(f['days'], lang)}"
    reason = "past the last tier, the last tier's price" if f["past_last"] else "the first tier whose limits hold"
    return f"{shown}: tier {f['tier']} ({reason}) at {price(f['price'], lang)}{_days(f['days'], lang)}"


def _fixed(f: Mapping[str, Any], lang: str) -> str:
    head = ("importe fijo " if lang == "es" else "fixed ") + price(f["amount"], lang)
    if not f["prorated"]:
        return head + (" (sin prorrateo)" if lang == "es" else " (not prorated)")
    return head + _days(f["days"], lang)


def _limit(f: Mapping[str, Any], lang: str) -> str:
    kind = word(f["kind"], lang)
    head = f"{kind} {price(f['bound'], lang)}{_days(f['days'], lang)} = {quantity(f['limit'], lang)}"
    charge = quantity(f["charge"], lang)
    if lang == "es":
        verb = "elevado hasta él" if f["kind"] == "minimum" else "limitado a él"
        return f"{head}; cargo {charge} {verb}"
    return f"{head}; charge {charge} {'raised to it' if f['kind'] == 'minimum' else 'capped at it'}"


def _limit_line(f: Mapping[str, Any], lang: str) -> str:
    bound = f"{price(f['bound'], lang)}{_days(f['days'], lang, active=False)}"
    if lang == "es":
        verb = "elevado al mínimo" if f["kind"] == "minimum" else "limitado al máximo"
        return f"las líneas del cargo suman {money(f['total'], lang)}; {verb} {bound}"
    verb = "raised to the minimum" if f["kind"] == "minimum" else "capped at the maximum"
    return f"charge lines total {money(f['total'], lang)}; {verb} {bound}"


def _account_cap(f: Mapping[str, Any], lang: str) -> str:
    cap, fees, cut = money(f["cap"], lang), money(f["fees"], lang), money(f["reduction"], lang)
    n, reached = f["accounts"], f["reached_before"]
    accounts = f"{quantity(n, lang)} {unit_name('account', lang, plural=n != 1)}"
    if lang == "es":
        verb = "supera" if n == 1 else "superan"
        before = (f"; {reached} {'ya lo había' if reached == 1 else 'ya lo habían'} alcanzado antes del periodo"
                  if reached else "")
        return (f"las comisiones de éxito del periodo suman {fees}; {accounts} {verb} el tope de {cap} por cuenta "
                f"sumando sus comisiones de periodos anteriores{before}; se descuentan {cut}")
    before = f"; {reached} had reached it before the period" if reached else ""
    return (f"the period's success fees total {fees}; {accounts} {'exceeds' if n == 1 else 'exceed'} the cap of "
            f"{cap} per account counting earlier periods' fees{before}; {cut} deducted")


def _commitment(f: Mapping[str, Any], lang: str) -> str:
    how = money(f["committed"], lang)
    if f["prorated"]:
        days = _days((f["active_days"], f["period_days"]), lang, active=False)
        how = f"{price(f['amount'], lang)}{days} = {how}"
    if lang == "es":
        return (f"compromiso mínimo {how}; los cargos de todos los servicios suman {money(f['billed'], lang)}; "
                f"regularización {money(f['true_up'], lang)}")
    return (f"minimum commitment {how}; charges of all services total {money(f['billed'], lang)}; "
            f"true-up {money(f['true_up'], lang)}")


def _sla_base(f: Mapping[str, Any], lang: str) -> str:
    if lang == "es":
        what = "todos los cargos" if f["base"] == "all_charges" else "cargos variables (sin cuotas periódicas)"
        return f"base = {what} de {f['service']}: {money(f['amount'], lang)}"
    what = "all charges" if f["base"] == "all_charges" else "variable charges (periodic fees excluded)"
    return f"base = {what} of {f['service']}: {money(f['amount'], lang)}"


def _sla_line(f: Mapping[str, Any], lang: str) -> str:
    return sla_explanation(f["line"], lang).rstrip(".")


_SENTENCES: dict[str, Callable[[Mapping[str, Any], str], str]] = {
    "units": _units, "dimensions": _dimensions, "period_units": _period_units, "payments": _payments,
    "collected_total": _collected_total, "rule": _rule, "units_at_price": _units_at_price,
    "tier_units": _tier_units, "tier_blocks": _tier_blocks, "tier_value": _tier_value, "flat_fee": _flat_fee,
    "no_usage": _no_usage, "packages": _packages, "events": _events, "capacity": _capacity, "fixed": _fixed,
    "limit": _limit, "limit_line": _limit_line, "account_cap": _account_cap, "commitment": _commitment, "sla_base": _sla_base,
    "sla_line": _sla_line,
}


def say(fact: Any, lang: str) -> str:
    """One fact in words."""
    check_lang(lang)
    try:
        sentence = _SENTENCES[fact.code]
    except KeyError:
        raise ValueError(f"no words for the fact {fact.code!r} (known: {', '.join(_SENTENCES)})") from None
    return sentence(fact.figures, lang)


def explain(facts: Any, lang: str) -> str:
    """Facts in words, joined by "; ", as a sentence (its first letter a capital)."""
    text = "; ".join(say(fact, lang) for fact in facts)
    return text[:1].upper() + text[1:]


# ------------------------------------------------------------------------------------------ invoice lines

def describe(label: Any, lang: str) -> str:
    """An invoice line's description from its label fact (the contract's charge description, the tier…)."""
    check_lang(lang)
    f = label.figures
    if label.code == "minimum_commitment":
        return word("minimum_commitment", lang)
    if label.code == "sla":
        return f"{word('sla_bonus' if f['bonus'] else 'sla_penalty', lang)} {kpi_name(f['kpi'], lang)}"
    if label.code == "sla_cap":
        return word(f"cap_{f['kind']}", lang)
    if label.code == "account_cap_label":
        return f"{word('account_cap', lang)} ({money(f['cap'], lang)})"
    tier = f" {word('tier', lang)} {f['tier']}" if f.get("tier") is not None else ""
    if label.code == "flat_fee":
        return f"{f['description']} — {word('flat_fee', lang)}{tier}"
    if label.code == "limit":
        return f"{f['description']} — {word(f['kind'], lang)}"
    return f"{f['description']}{tier}"


# ------------------------------------------------------------------------------------------ SLA lines

def _band(f: Mapping[str, Any], lang: str) -> str:
    parts = []
    if f["lower"] is not None:
        parts.append(("desde " if lang == "es" else "from ") + bound(f["lower"], f["unit"], lang))
    if f["upper"] is not None:
        parts.append(("por debajo de " if lang == "es" else "below ") + bound(f["upper"], f["unit"], lang))
    anything = "cualquier valor" if lang == "es" else "any value"
    return f"{' '.join(parts) or anything} → {signed(f['adjustment'], lang)}"


def target_text(fact: Any, lang: str) -> str:
    """An SLA rule's target in words, by the code of its target fact (one entry per rule kind in `_TARGETS`)."""
    try:
        words_for = _TARGETS[fact.code]
    except KeyError:
        raise ValueError(f"no words for the SLA target {fact.code!r} in ccanalysis/i18n/domain.py "
                         f"(known: {', '.join(_TARGETS)})") from None
    return words_for(fact.figures, lang)


def _linear_target(f: Mapping[str, Any], lang: str) -> str:
    unit, es = f["unit"], lang == "es"
    if f["per_point"] is not None:
        per = (f"{signed(f['per_point'], lang)} por punto (0,01)" if es
               else f"{signed(f['per_point'], lang)} per point (0.01)")
    else:
        each = ("segundo" if unit == "seconds" else "unidad") if es else ("second" if unit == "seconds" else "unit")
        per = f"{signed(f['per_unit'], lang)} {'por' if es else 'per'} {each}"
    side = {"worse": "peor", "better": "mejor"}[f["side"]] if es else f["side"]
    if es:
        worse = "por encima" if f["worse"] == "above" else "por debajo"
        text = f"objetivo {bound(f['target'], unit, lang)} (peor {worse}), {per} en el lado {side}"
    else:
        text = f"target {bound(f['target'], unit, lang)} (worse {f['worse']}), {per} on the {side} side"
    if f["min"] is not None or f["max"] is not None:
        low = "−∞" if f["min"] is None else signed(f["min"], lang)
        high = "+∞" if f["max"] is None else signed(f["max"], lang)
        text += f", limitado a [{low}; {high}]" if es else f", clipped to [{low}, {high}]"
    return text


#: The words of each SLA target fact: a rule kind (`sla.RULE_KINDS`) adds its entry here.
_TARGETS: dict[str, Callable[[Mapping[str, Any], str], str]] = {
    "band": _band,
    "bands": lambda f, lang: "; ".join(_band(b.figures, lang) for b in f["bands"]),
    "linear": _linear_target,
    "sla_cap": lambda f, lang: f"{percent(f['cap'], lang)} " + ("de la base" if lang == "es" else "of the base"),
}


def _sla_value(f: Mapping[str, Any], lang: str) -> str:
    unit, decimals = f["unit"], f["decimals"]
    shown = kpi_value(f["value"], unit, lang, None if decimals is None else decimals + 2)
    if decimals is not None:
        used = kpi_value(f["used"], unit, lang, decimals)
        shown += f", {used} con {decimals} decimales" if lang == "es" else f", {used} at {decimals} decimal(s)"
    return shown


def _in_band(f: Mapping[str, Any], lang: str) -> str:
    return ("en la banda " if lang == "es" else "in the band ") + _band(f["band"].figures, lang)


def _linear_gap(g: Mapping[str, Any], lang: str) -> str:
    es = lang == "es"
    gap = kpi_value(Fraction(g["gap"]), g["unit"], lang, 4 if g["unit"] == "fraction" else 2)
    side = {"worse": "peor", "better": "mejor"}[g["side"]] if es else g["side"]
    how = (f"desviación {gap} en el lado {side} del objetivo" if es
           else f"gap {gap} on the {side} side of the target")
    how += f"; {target_text(g['target'], lang)}"
    if g["before_clipping"] is not None:
        raw = signed(g["before_clipping"], lang)
        how += f" ({raw} antes de limitar)" if es else f" ({raw} before clipping)"
    return how


#: How a rule kind reached its adjustment, by the code of its outcome fact (a rule kind adds its entry here).
_OUTCOMES: dict[str, Callable[[Mapping[str, Any], str], str]] = {"in_band": _in_band, "linear_gap": _linear_gap}


def sla_explanation(line: Any, lang: str) -> str:
    """The sentence explaining an SLA line (adjustment, cap or a rule that gave no money)."""
    check_lang(lang)
    es = lang == "es"
    facts = {fact.code: fact for fact in line.facts}
    if "sla_cap_line" in facts:
        f = facts["sla_cap_line"].figures
        listed = ", ".join(f"{kpi_name(kpi, lang) if rule_id == kpi else rule_id} {money(amount, lang)}"
                           for rule_id, kpi, amount in f["parts"])
        cap = percent(f["cap"], lang)
        if es:
            what = "penalizaciones" if f["kind"] == "penalty" else "bonificaciones"
            return (f"Las {what} suman {money(f['total'], lang)} ({listed}), por encima del tope de {what} del "
                    f"{cap} de la base {money(f['base'], lang)} = {money(f['limit'], lang)}: esta línea de "
                    f"{money(f['amount'], lang)} las devuelve a {money(f['brought_to'], lang)}.")
        what = "penalties" if f["kind"] == "penalty" else "bonuses"
        return (f"The {what} add up to {money(f['total'], lang)} ({listed}), past the {f['kind']} cap of {cap} of "
                f"the base {money(f['base'], lang)} = {money(f['limit'], lang)}: this line of "
                f"{money(f['amount'], lang)} brings them back to {money(f['brought_to'], lang)}.")
    f = facts["sla_kpi"].figures
    head = f"{kpi_name(f['kpi'], lang)} ({sla_definition(line, lang)})"
    was = "fue" if es else "was"
    if "sla_no_data" in facts:
        return f"{head} " + ("no tiene datos en el periodo: sin ajuste." if es
                             else "has no data for the period: no adjustment.")
    shown = _sla_value(f, lang)
    if "sla_not_in_force" in facts:
        start = format_date(facts["sla_not_in_force"]["start"], lang)
        return (f"{head} fue {shown}; el periodo de facturación empieza antes del inicio del ANS {start}: sin "
                "ajuste (periodo de arranque)." if es else
                f"{head} was {shown}; the billing period begins before the SLA start {start}: no adjustment "
                "(start-up period).")
    if "sla_no_band" in facts:
        target = target_text(facts["sla_no_band"]["target"], lang)
        return (f"{head} fue {shown}: ninguna banda lo contiene ({target}): sin ajuste." if es
                else f"{head} was {shown}: no band contains it ({target}): no adjustment.")
    outcome = [code for code in facts if code in _OUTCOMES]
    if len(outcome) != 1:
        raise ValueError(f"no words for the SLA outcome among {', '.join(facts)} in ccanalysis/i18n/domain.py "
                         f"(known: {', '.join(_OUTCOMES)})")
    how = _OUTCOMES[outcome[0]](facts[outcome[0]].figures, lang)
    if "sla_zero" in facts:
        return f"{head} {was} {shown}; {how}: " + ("ajuste 0, sin línea." if es else "adjustment 0, no line.")
    a = facts["sla_adjustment"].figures
    fraction = "fracción" if es else "fraction"
    return (f"{head} {was} {shown}; {how}: {fraction} {signed(a['fraction'], lang)} × base "
            f"{money(a['base'], lang)} = {money(a['amount'], lang)}.")


def sla_definition(line: Any, lang: str) -> str:
    """The definition column of an SLA line: the KPI's definition, or a cap's rule."""
    if line.kind != "sla_cap":
        f = next(fact for fact in line.facts if fact.code == "sla_kpi").figures
        return kpi_definition(f["kpi"], f["variant"], lang, **f["options"])
    f = line.target_fact.figures
    if lang == "es":
        what = "penalizaciones" if f["kind"] == "penalty" else "bonificaciones"
        return f"Σ {what} ≤ {percent(f['cap'], lang)} de la base"
    return f"Σ {'penalties' if f['kind'] == 'penalty' else 'bonuses'} ≤ {percent(f['cap'], lang)} of the base"


def describe_sla_line(line: Any, lang: str) -> Any:
    """The SLA line with its definition, target and explanation written in `lang`."""
    from dataclasses import replace

    target = target_text(line.target_fact, lang) if line.target_fact is not None else ""
    return replace(line, definition=sla_definition(line, lang), target=target,
                   explanation=sla_explanation(line, lang))
