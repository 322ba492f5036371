"""Labels and number formats for reports, in Spanish (`es`) and English (`en`).

Spanish: `1.234,56 €`, `80,5 %`, dates `31/08/2026`; English: `€1,234.56`, `80.5%`, `2026-08-31`.
Formatting is for display only: amounts are exact Decimals up to here.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

LANGS = ("es", "en")

LABELS: dict[str, dict[str, str]] = {
    "supplier_report": {"es": "Informe mensual del proveedor", "en": "Supplier monthly report"},
    "portfolio_report": {"es": "Informe de cartera de proveedores", "en": "Supplier portfolio report"},
    "client": {"es": "Cliente", "en": "Client"},
    "supplier": {"es": "Proveedor", "en": "Supplier"},
    "suppliers": {"es": "Proveedores", "en": "Suppliers"},
    "month": {"es": "Mes", "en": "Month"},
    "service": {"es": "Servicio", "en": "Service"},
    "charge": {"es": "Concepto", "en": "Charge"},
    "tier": {"es": "Tramo", "en": "Tier"},
    "kind": {"es": "Tipo", "en": "Kind"},
    "description": {"es": "Descripción", "en": "Description"},
    "quantity": {"es": "Cantidad", "en": "Quantity"},
    "unit": {"es": "Unidad", "en": "Unit"},
    "unit_price": {"es": "Precio unitario", "en": "Unit price"},
    "amount": {"es": "Importe", "en": "Amount"},
    "explanation": {"es": "Explicación", "en": "Explanation"},
    "billed": {"es": "Facturado", "en": "Billed"},
    "expected": {"es": "Esperado", "en": "Expected"},
    "difference": {"es": "Diferencia", "en": "Difference"},
    "to_claim": {"es": "A reclamar", "en": "To claim"},
    "net": {"es": "Base imponible", "en": "Net"},
    "tax": {"es": "Impuestos", "en": "Tax"},
    "gross": {"es": "Total", "en": "Gross"},
    "kpi": {"es": "Indicador", "en": "KPI"},
    "definition": {"es": "Definición", "en": "Definition"},
    "value": {"es": "Valor", "en": "Value"},
    "target": {"es": "Objetivo", "en": "Target"},
    "fraction": {"es": "Fracción", "en": "Fraction"},
    "status": {"es": "Estado", "en": "Status"},
    "figure": {"es": "Dato", "en": "Figure"},
    "threshold": {"es": "Umbral", "en": "Threshold"},
    "clause": {"es": "Cláusula", "en": "Clause"},
    "date": {"es": "Fecha", "en": "Date"},
    "offered": {"es": "Ofrecidas", "en": "Offered"},
    "handled": {"es": "Atendidas", "en": "Handled"},
    "abandoned": {"es": "Abandonadas", "en": "Abandoned"},
    "daily_cost": {"es": "Coste diario", "en": "Daily cost"},
    "cumulative_cost": {"es": "Coste acumulado", "en": "Cumulative cost"},
    "contacts": {"es": "Contactos", "en": "Contacts"},
    "cost": {"es": "Coste", "en": "Cost"},
    "budget": {"es": "Presupuesto", "en": "Budget"},
    "actual": {"es": "Real", "en": "Actual"},
    "deviation": {"es": "Desviación", "en": "Deviation"},
    "cost_per_contact": {"es": "Coste por contacto atendido", "en": "Cost per handled contact"},
    "cost_per_productive_hour": {"es": "Coste por hora productiva", "en": "Cost per productive hour"},
    "share_handled": {"es": "Cuota de contactos atendidos", "en": "Share of handled contacts"},
    "hhi": {"es": "Índice de concentración (HHI)", "en": "Concentration index (HHI)"},
    "attainment": {"es": "Cumplimiento", "en": "Attainment"},
    "met": {"es": "cumple", "en": "met"},
    "not_met": {"es": "no cumple", "en": "not met"},
    "no_data": {"es": "sin datos", "en": "no data"},
    "sources": {"es": "Fuentes de datos", "en": "Data sources"},
    "generated": {"es": "Generado", "en": "Generated"},
    "version": {"es": "Versión", "en": "Version"},
    "period": {"es": "Periodo de facturación", "en": "Billing period"},
    "no_invoice": {"es": "No hay factura del proveedor para este periodo.",
                   "en": "There is no supplier invoice for this period."},
    "charge_line": {"es": "cargo", "en": "charge"},
    "flat_fee": {"es": "cuota fija", "en": "flat fee"},
    "minimum": {"es": "mínimo", "en": "minimum"},
    "maximum": {"es": "máximo", "en": "maximum"},
    "minimum_commitment": {"es": "compromiso mínimo", "en": "minimum commitment"},
    "sla": {"es": "ANS", "en": "SLA"},
    "sla_cap": {"es": "tope ANS", "en": "SLA cap"},
}


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)}, got {lang!r}")
    return lang


def label(key: str, lang: str) -> str:
    """The label for `key` in `lang` (the key itself when there is none)."""
    entry = LABELS.get(key)
    return entry[check_lang(lang)] if entry else key


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
    if value is None:
        return ""
    return value.strftime("%d/%m/%Y") if lang == "es" else value.isoformat()
