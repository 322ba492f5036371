"""The words of plan deviations and alerts (`ccanalysis.deviations`), in Spanish and English: the names of
metrics, drivers, weekday classes and alert bases, and one sentence per alert.

    name(kind, code, lang)        kind: metric | driver | weekday_class | basis | unit
    describe(alert, lang, currency="EUR")
        "TMO +15,0 % sobre el plan desde el 14/10 (+45,0 s; +1.500,00 €; causa: tiempo de gestión)"
        "AHT +15.0% over plan since Oct 14 (+45.0 s; +€1,500.00; driver: handling time)"

An unknown code is a KeyError naming the codes there are (a code added to `deviations` without its words
fails its test, not a report).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from ccanalysis.i18n import check_lang, format_money, format_number, format_percent

NAMES: dict[str, dict[str, dict[str, str]]] = {
    "metric": {
        "volume": {"es": "Volumen", "en": "Volume"},
        "aht": {"es": "TMO", "en": "AHT"},
        "hours": {"es": "Horas", "en": "Hours"},
        "cost": {"es": "Coste", "en": "Cost"},
    },
    "driver": {
        "volume": {"es": "volumen", "en": "volume"},
        "handling_time": {"es": "tiempo de gestión", "en": "handling time"},
        "price_mix": {"es": "precio y mezcla", "en": "price and mix"},
    },
    "weekday_class": {
        "weekday": {"es": "laborable", "en": "weekday"},
        "saturday": {"es": "sábado", "en": "Saturday"},
        "sunday": {"es": "domingo", "en": "Sunday"},
        "holiday": {"es": "festivo", "en": "holiday"},
    },
    "basis": {
        "daily": {"es": "desvío del día", "en": "daily deviation"},
        "cumulative": {"es": "desvío acumulado del mes", "en": "month-to-date deviation"},
        "both": {"es": "desvío del día y acumulado", "en": "daily and month-to-date deviation"},
    },
    "unit": {
        "contact": {"es": "contactos", "en": "contacts"},
        "second": {"es": "s", "en": "s"},
        "hour": {"es": "h", "en": "h"},
        "money": {"es": "", "en": ""},
    },
}

#: decimals a deviation in each unit is shown with
_PLACES = {"contact": 0, "second": 1, "hour": 1, "money": 2}
_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def name(kind: str, code: str, lang: str) -> str:
    """The word for a deviation code of `kind` (metric, driver, weekday_class, basis, unit) in `lang`."""
    table = NAMES.get(kind)
    if table is None:
        raise KeyError(f"no deviation words of kind {kind!r} (kinds: {', '.join(NAMES)})")
    if code not in table:
        raise KeyError(f"no words for {kind} {code!r} (codes: {', '.join(table)})")
    return table[code][check_lang(lang)]


def _signed(text: str, value: Decimal) -> str:
    return f"+{text}" if value > 0 else text


def _day(value: date, lang: str) -> str:
    return value.strftime("%d/%m") if lang == "es" else f"{_MONTHS_EN[value.month - 1]} {value.day}"


def describe(alert: Mapping[str, Any], lang: str, currency: str = "EUR") -> str:
    """One alert (a row of `deviations.ALERT_COLUMNS` or of the register) as a sentence in `lang`: the
    metric and its deviation of plan, since when, how much (units and money) and the driver."""
    lang = check_lang(lang)
    metric = name("metric", alert["metric"], lang)
    deviation = alert.get("deviation")
    money = Decimal(alert["money"])
    sign = deviation if deviation is not None else money
    side = ({"es": "sobre el plan", "en": "over plan"} if sign > 0
            else {"es": "bajo el plan", "en": "under plan"})[lang]
    head = metric if deviation is None else f"{metric} {_signed(format_percent(deviation, lang, 1), deviation)}"
    since = {"es": f"desde el {_day(alert['since'], lang)}", "en": f"since {_day(alert['since'], lang)}"}[lang]
    amounts = []
    unit = alert.get("unit")
    units = alert.get("units")
    if unit and unit != "money" and units is not None:
        units = Decimal(units)
        amounts.append(f"{_signed(format_number(units, lang, _PLACES[unit]), units)} {name('unit', unit, lang)}")
    amounts.append(_signed(format_money(money, lang, currency), money))
    cause = {"es": "causa", "en": "driver"}[lang]
    return f"{head} {side} {since} ({'; '.join(amounts)}; {cause}: {name('driver', alert['driver'], lang)})"
