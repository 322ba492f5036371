"""The words of collections (issue 15) in each language: KPI names and definitions, attempt outcomes,
the headings of `ccanalysis collections` and of the collections report."""

from __future__ import annotations

from ccanalysis.i18n import check_lang

#: Each collections KPI (`collections.kpis.COLLECTIONS_KPIS`): its name and what it divides by what.
KPI_WORDS: dict[str, dict[str, tuple[str, str]]] = {
    "penetration": {"es": ("penetración", "cuentas con algún intento / cuentas asignadas"),
                    "en": ("penetration", "accounts attempted / accounts placed")},
    "contact_rate": {"es": ("tasa de contacto", "intentos con contacto / intentos"),
                     "en": ("contact rate", "attempts reaching someone / attempts")},
    "rpc_rate_attempts": {"es": ("contacto con el titular por intento", "intentos con el titular / intentos"),
                          "en": ("right-party contact per attempt", "right-party attempts / attempts")},
    "rpc_rate_accounts": {"es": ("contacto con el titular por cuenta",
                                 "cuentas con contacto con el titular / cuentas asignadas"),
                          "en": ("right-party contact per account", "accounts reached / accounts placed")},
    "ptp_rate": {"es": ("tasa de promesa de pago", "promesas de pago / contactos con el titular"),
                 "en": ("promise-to-pay rate", "promises to pay / right-party contacts")},
    "kept_promise_rate": {"es": ("promesas cumplidas", "promesas pagadas enteras a su fecha (más la gracia) / "
                                                      "promesas vencidas"),
                          "en": ("kept-promise rate", "promises paid in full by their date (plus grace) / "
                                                      "promises due")},
    "recovery_rate": {"es": ("tasa de recobro", "cobrado mientras estaba asignada / deuda asignada"),
                      "en": ("recovery rate", "collected while placed / debt placed")},
    "cost_to_collect": {"es": ("coste de recobro", "comisiones / cobrado"), "en": ("cost to collect", "fees / collected")},
    "net_liquidation": {"es": ("liquidación neta", "(cobrado − comisiones) / deuda asignada"),
                        "en": ("net liquidation", "(collected − fees) / debt placed")},
}

HEADINGS: dict[str, dict[str, str]] = {
    "kpi": {"es": "Indicador", "en": "KPI"},
    "definition": {"es": "Definición", "en": "Definition"},
    "value": {"es": "Valor", "en": "Value"},
    "numerator": {"es": "Numerador", "en": "Numerator"},
    "denominator": {"es": "Denominador", "en": "Denominator"},
    "fees_expected": {"es": "Comisiones esperadas", "en": "Expected fees"},
    "fees_billed": {"es": "Comisiones facturadas", "en": "Billed fees"},
    "claimable": {"es": "A reclamar", "en": "To claim"},
    "no_invoice": {"es": "sin factura", "en": "no invoice"},
    "kpis_title": {"es": "Indicadores de recobro", "en": "Collections KPIs"},
    "vintage_title": {"es": "Liquidación por cosecha de asignación", "en": "Liquidation by placement vintage"},
    "vintage": {"es": "Cosecha", "en": "Vintage"},
    "months_on_book": {"es": "Meses desde la asignación", "en": "Months on book"},
    "comparison_title": {"es": "Agencias comparadas sobre la misma cartera", "en": "Agencies compared on the same mix"},
    "adjusted": {"es": "Liquidación a cartera común", "en": "Liquidation on a common mix"},
    "raw": {"es": "Liquidación bruta", "en": "Raw liquidation"},
    "call_time_title": {"es": "Cuándo contestan los deudores", "en": "When debtors answer"},
    "best_windows": {"es": "Mejores franjas legales", "en": "Best legal windows"},
    "segment": {"es": "Segmento", "en": "Segment"},
    "rank": {"es": "Orden", "en": "Rank"},
    "when": {"es": "Franja", "en": "Window"},
    "attempts": {"es": "Intentos", "en": "Attempts"},
    "rpc_rate": {"es": "Contacto con el titular", "en": "Right-party contact"},
    "interval": {"es": "Intervalo 95 % (Wilson)", "en": "95 % interval (Wilson)"},
    "shrunk": {"es": "Tasa ajustada", "en": "Shrunk rate"},
    "call_list_written": {"es": "Lista de llamadas escrita en {path}: {accounts} cuentas, recobro esperado "
                                "{recovery}; en la prueba retrospectiva, el primer decil reunió {lift} veces su parte "
                                "de los pagos de la semana siguiente.",
                          "en": "Call list written to {path}: {accounts} accounts, expected recovery {recovery}; "
                                "in the backtest, its top decile held {lift} times its share of the next week's "
                                "payments."},
}


def kpi_name(name: str, lang: str) -> str:
    """A collections KPI's name in `lang` (its code when it has no words)."""
    return KPI_WORDS.get(name, {}).get(check_lang(lang), (name, ""))[0]


def kpi_definition(name: str, lang: str) -> str:
    """What a collections KPI divides by what, in `lang`."""
    return KPI_WORDS.get(name, {}).get(check_lang(lang), ("", name))[1]


def heading(key: str, lang: str) -> str:
    """A heading of the collections command and report in `lang`."""
    return HEADINGS[key][check_lang(lang)]
