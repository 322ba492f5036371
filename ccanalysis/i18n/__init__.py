"""Words and number formats for reports, in Spanish (`es`) and English (`en`).

`label(key, lang)` and `sentence(key, lang, **values)` read the catalogue in `i18n/report.py`; the
formats: Spanish `1.234,56 €`, `80,5 %`, dates `31/08/2026`; English `€1,234.56`, `80.5%`, `2026-08-31`.
Formatting is for display only: amounts are exact Decimals up to here.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from difflib import get_close_matches
from fractions import Fraction

from ccanalysis.i18n.report import LABELS, SENTENCES

LANGS = ("es", "en")


def check_lang(lang: str) -> str:
    """`lang` when it is a supported language (es, en); ValueError otherwise."""
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)}, got {lang!r}")
    return lang


def _entry(catalogue: dict[str, dict[str, str]], key: str, what: str) -> dict[str, str]:
    entry = catalogue.get(key)
    if entry is None:
        close = get_close_matches(key, list(catalogue), n=5, cutoff=0.5)
        hint = f"; close keys: {', '.join(close)}" if close else ""
        raise KeyError(f"no {what} {key!r} in ccanalysis/i18n/report.py{hint}")
    return entry


def label(key: str, lang: str) -> str:
    """The label for `key` in `lang`; KeyError naming the close keys when there is none."""
    return _entry(LABELS, key, "label")[check_lang(lang)]


def sentence(key: str, lang: str, **values: object) -> str:
    """The sentence `key` in `lang` with its fields filled from `values` (text already formatted in `lang`)."""
    return _entry(SENTENCES, key, "sentence")[check_lang(lang)].format(**values)


def _group(integer_digits: str, sep: str) -> str:
    out = []
    while len(integer_digits) > 3:
        out.insert(0, integer_digits[-3:])
        integer_digits = integer_digits[:-3]
    out.insert(0, integer_digits)
    return sep.join(out)


def format_number(value: Decimal | int | float | Fraction | None, lang: str, places: int = 2) -> str:
    """Thousands separators and decimals: es `1.234,56`, en `1,234.56`. Blank for None."""
    if value is None:
        return ""
    number = Decimal(value.numerator) / Decimal(value.denominator) if isinstance(value, Fraction) else Decimal(
        str(value) if isinstance(value, float) else value)
    quantized = number.quantize(Decimal(1).scaleb(-places)) if places > 0 else number.quantize(Decimal(1))
    sign = "-" if quantized < 0 else ""
    digits = f"{abs(quantized):f}"
    integer, _, decimals = digits.partition(".")
    thousands, point = (".", ",") if check_lang(lang) == "es" else (",", ".")
    text = _group(integer, thousands)
    if decimals:
        text += point + decimals
    return sign + text


def format_money(value: Decimal | int | None, lang: str, currency: str = "EUR") -> str:
    """es `1.234,56 €`, en `€1,234.56` (other currencies by code)."""
    if value is None:
        return ""
    number = format_number(value, lang, 2)
    symbol = {"EUR": "€", "USD": "$", "GBP": "£"}.get(currency, currency)
    if lang == "es":
        return f"{number} {symbol}"
    if number.startswith("-"):
        return f"-{symbol}{number[1:]}"
    return f"{symbol}{number}"


def format_percent(value: Fraction | Decimal | float | None, lang: str, places: int = 1) -> str:
    """A fraction as a percentage: es `80,5 %`, en `80.5%`."""
    if value is None:
        return ""
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    number = format_number(Decimal(str(value)) * 100 if isinstance(value, float) else Decimal(value) * 100,
                           lang, places)
    return f"{number} %" if lang == "es" else f"{number}%"


def format_date(value: date | None, lang: str) -> str:
    """The date as DD/MM/YYYY in Spanish, YYYY-MM-DD in English; "" for None."""
    if value is None:
        return ""
    return value.strftime("%d/%m/%Y") if lang == "es" else value.isoformat()
