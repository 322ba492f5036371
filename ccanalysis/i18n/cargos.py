"""The words of charge invoices from retailers (cargos, issue 16) in each language: charge types, how a charge
was classified, verdicts and checks of the validation, owners, triage, KPI names and definitions, and the
headings and sentences of `ccanalysis cargos` and of the cargos month report."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from ccanalysis.i18n import check_lang, format_number, format_percent

TYPES: dict[str, dict[str, str]] = {
    "promotion": {"es": "aportación promocional", "en": "promotional contribution"},
    "rappel": {"es": "rappel", "en": "volume rebate (rappel)"},
    "logistics_penalty": {"es": "penalización logística", "en": "logistics penalty"},
    "listing_fee": {"es": "cuota de referenciación", "en": "listing fee"},
    "price_difference": {"es": "diferencia de precio", "en": "price difference"},
    "returns_damage": {"es": "devolución o daño", "en": "returns and damage"},
    "marketing": {"es": "marketing", "en": "marketing"},
    "unidentified": {"es": "sin identificar", "en": "unidentified"},
}
METHODS: dict[str, dict[str, str]] = {
    "human": {"es": "decisión de una persona", "en": "a person's decision"},
    "reference": {"es": "referencia", "en": "reference"},
    "rule": {"es": "regla del cliente", "en": "retailer's rule"},
    "learned": {"es": "clasificador aprendido", "en": "learned classifier"},
    "review": {"es": "a revisar", "en": "to review"},
}
VERDICTS: dict[str, dict[str, str]] = {
    "valid": {"es": "válido", "en": "valid"},
    "invalid": {"es": "no válido", "en": "invalid"},
    "partly_valid": {"es": "válido en parte", "en": "partly valid"},
    "needs_evidence": {"es": "falta evidencia", "en": "needs evidence"},
}
CHECKS: dict[str, dict[str, str]] = {
    "ok": {"es": "conforme al acuerdo", "en": "as agreed"},
    "not_in_agreement": {"es": "fuera del acuerdo", "en": "not in the agreement"},
    "over_agreed": {"es": "por encima de lo acordado", "en": "above what was agreed"},
    "on_time": {"es": "entrega a tiempo", "en": "delivered on time"},
    "partly_late": {"es": "entrega tarde solo en parte", "en": "only partly late"},
    "above_tier": {"es": "tramo de rappel no alcanzado", "en": "rappel tier not reached"},
    "price_agreed": {"es": "facturado al precio acordado", "en": "invoiced at the agreed price"},
    "duplicate": {"es": "duplicado", "en": "duplicate"},
    "outside_claim_window": {"es": "fuera del plazo de reclamación", "en": "outside the claim window"},
    "no_evidence": {"es": "sin evidencia", "en": "no evidence"},
    "manual": {"es": "decisión manual", "en": "manual decision"},
    "already_charged": {"es": "ya cargado antes", "en": "already charged"},
    "no_sales": {"es": "sin ventas del periodo", "en": "no sales for the period"},
    "no_type": {"es": "sin tipo", "en": "no type"},
    "no_shortfall": {"es": "sin faltante en la entrega", "en": "no shortfall on the delivery"},
    "no_reference": {"es": "sin referencia", "en": "no reference"},
    "no_period": {"es": "sin periodo de rappel", "en": "no rappel period"},
    "no_penalty_kind": {"es": "penalización no prevista", "en": "no such penalty"},
    "no_agreement": {"es": "sin acuerdo", "en": "no agreement"},
    "no_agreed_price": {"es": "sin precio acordado", "en": "no agreed price"},
}
OWNERS: dict[str, dict[str, str]] = {
    "key_account": {"es": "key account", "en": "key account"},
    "logistics": {"es": "logística", "en": "logistics"},
    "finance": {"es": "finanzas", "en": "finance"},
}
TRIAGE: dict[str, dict[str, str]] = {
    "fight": {"es": "reclamar", "en": "fight"},
    "marginal": {"es": "dudoso", "en": "marginal"},
    "write_off": {"es": "dar por perdido", "en": "write off"},
    "accept": {"es": "aceptar", "en": "accept"},
    "investigate": {"es": "pedir evidencia", "en": "investigate"},
}
#: Each cargos KPI (`cargos.kpis.CARGOS_KPIS`): its name and what it divides by what.
KPI_WORDS: dict[str, dict[str, tuple[str, str]]] = {
    "cargos_of_sales": {"es": ("cargos sobre ventas", "importe cargado en el periodo / ventas netas del periodo"),
                        "en": ("cargos as % of sales", "amount charged in the period / net sales of the period")},
    "days_deductions_outstanding": {
        "es": ("días de cargos pendientes (DDO)", "cargos abiertos al cierre / cargos del periodo × días del "
               "periodo (definición «por importe» del Corporate Finance Institute)"),
        "en": ("days deductions outstanding (DDO)", "open deductions at the end / deductions of the period × days "
               "in the period (the Corporate Finance Institute's \"by dollars\" definition)")},
    "invalid_rate": {"es": ("tasa de cargos no válidos", "importe no válido / importe juzgado (sin los que faltan "
                            "de evidencia)"),
                     "en": ("invalid rate", "invalid amount / amount judged (those needing evidence left out)")},
    "recovery_rate": {"es": ("tasa de recuperación", "recuperado (aceptado o abonado) / reclamado"),
                      "en": ("recovery rate", "recovered (accepted or credited) / disputed")},
    "win_rate": {"es": ("tasa de éxito", "reclamaciones ganadas / reclamaciones contestadas"),
                 "en": ("win rate", "disputes won / disputes answered")},
    "filing_lag": {"es": ("retraso al reclamar", "días hasta reclamar / días del plazo de reclamación"),
                   "en": ("filing lag", "days to file / days of the dispute window")},
    "filed_late_rate": {"es": ("reclamaciones fuera de plazo", "reclamadas tras el plazo / reclamadas"),
                        "en": ("filed late", "filed after the window / filed")},
}
#: The values of a validation's evidence that are codes, by the fact's key (others are shown as written).
EVIDENCE_VALUES: dict[str, dict[str, dict[str, str]]] = {
    "kind": {"late": {"es": "retraso", "en": "late delivery"},
             "short": {"es": "servicio incompleto", "en": "short delivery"}},
    "basis": {"quarterly": {"es": "trimestral", "en": "quarterly"}, "annual": {"es": "anual", "en": "annual"}},
}
#: The facts of a validation's evidence (`cargos.validation`), by key; a key without words is shown as written.
EVIDENCE: dict[str, dict[str, str]] = {
    "after_hours": {"es": "horas de margen", "en": "hours allowed"},
    "agreed": {"es": "acordado", "en": "agreed"},
    "agreed_unit_price": {"es": "precio acordado", "en": "agreed unit price"},
    "already_charged": {"es": "ya cargado", "en": "already charged"},
    "cap": {"es": "tope", "en": "cap"},
    "claim_window_days": {"es": "plazo de reclamación (días)", "en": "claim window (days)"},
    "days_after_event": {"es": "días tras el hecho", "en": "days after the event"},
    "days_to_deadline": {"es": "días hasta el plazo", "en": "days to the deadline"},
    "delivered_on": {"es": "entregado el", "en": "delivered on"},
    "delivery_note": {"es": "albarán", "en": "delivery note"},
    "delivery_notes": {"es": "albaranes", "en": "delivery notes"},
    "dispute_deadline": {"es": "plazo para reclamar", "en": "dispute deadline"},
    "event_date": {"es": "fecha del hecho", "en": "event date"},
    "first_document": {"es": "primer documento", "en": "first document"},
    "first_issue_date": {"es": "emitido el", "en": "first issued on"},
    "from": {"es": "desde", "en": "from"},
    "hours_late": {"es": "horas de retraso", "en": "hours late"},
    "invoiced_unit_price": {"es": "precio facturado", "en": "invoiced unit price"},
    "kind": {"es": "clase", "en": "kind"},
    "late_notes": {"es": "albaranes con retraso", "en": "late delivery notes"},
    "late_value": {"es": "valor entregado tarde", "en": "value delivered late"},
    "listing_fee": {"es": "cuota de referenciación", "en": "listing fee"},
    "missing_value": {"es": "valor no aceptado", "en": "value not accepted"},
    "order": {"es": "pedido", "en": "order"},
    "percent_of_sales": {"es": "porcentaje de ventas", "en": "percent of sales"},
    "period": {"es": "periodo", "en": "period"},
    "product": {"es": "producto", "en": "product"},
    "promotion": {"es": "promoción", "en": "promotion"},
    "promotions": {"es": "promociones", "en": "promotions"},
    "quantity": {"es": "cantidad", "en": "quantity"},
    "rate": {"es": "tasa", "en": "rate"},
    "rate_of_missing_value": {"es": "tasa sobre lo no aceptado", "en": "rate of the value not accepted"},
    "rate_of_value": {"es": "tasa sobre el valor", "en": "rate of the value"},
    "reference": {"es": "referencia", "en": "reference"},
    "sales": {"es": "ventas", "en": "sales"},
    "tier": {"es": "tramo", "en": "tier"},
    "to": {"es": "hasta", "en": "to"},
}
HEADINGS: dict[str, dict[str, str]] = {
    "retailer": {"es": "Cliente", "en": "Retailer"},
    "document": {"es": "Documento", "en": "Document"},
    "issue_date": {"es": "Emisión", "en": "Issued"},
    "description": {"es": "Descripción", "en": "Description"},
    "reference": {"es": "Referencia", "en": "Reference"},
    "type": {"es": "Tipo", "en": "Type"},
    "method": {"es": "Clasificado por", "en": "Classified by"},
    "confidence": {"es": "Confianza", "en": "Confidence"},
    "suggested": {"es": "Tipo sugerido", "en": "Suggested type"},
    "amount": {"es": "Importe", "en": "Amount"},
    "verdict": {"es": "Veredicto", "en": "Verdict"},
    "check": {"es": "Motivo", "en": "Reason"},
    "invalid_amount": {"es": "Importe no válido", "en": "Invalid amount"},
    "valid_amount": {"es": "Importe válido", "en": "Valid amount"},
    "evidence": {"es": "Evidencia", "en": "Evidence"},
    "owner": {"es": "Responsable", "en": "Owner"},
    "status": {"es": "Estado", "en": "Status"},
    "undecided": {"es": "sin decidir", "en": "undecided"},
    "deadline": {"es": "Plazo para reclamar", "en": "Dispute deadline"},
    "days_left": {"es": "Días restantes", "en": "Days left"},
    "aging": {"es": "Antigüedad (días)", "en": "Aging (days)"},
    "win_rate": {"es": "Tasa de éxito", "en": "Win rate"},
    "expected_recovery": {"es": "Recuperación esperada", "en": "Expected recovery"},
    "triage": {"es": "Recomendación", "en": "Recommendation"},
    "kpi": {"es": "Indicador", "en": "KPI"},
    "definition": {"es": "Definición", "en": "Definition"},
    "value": {"es": "Valor", "en": "Value"},
    "month": {"es": "Mes", "en": "Month"},
    "last_12": {"es": "Últimos 12 meses", "en": "Last 12 months"},
    "forecast": {"es": "Previsión", "en": "Forecast"},
    "low": {"es": "Mínimo", "en": "Low"},
    "high": {"es": "Máximo", "en": "High"},
    "basis": {"es": "Base", "en": "Basis"},
    "model": {"es": "modelo", "en": "model"},
    "calendar": {"es": "calendario del acuerdo", "en": "agreement's calendar"},
    "charges": {"es": "Cargos", "en": "Charges"},
    "count": {"es": "Número", "en": "Count"},
    "total": {"es": "Total", "en": "Total"},
    "to_dispute": {"es": "A reclamar", "en": "To dispute"},
    "summary_sheet": {"es": "Resumen", "en": "Summary"},
    "pack_heading": {"es": "Cargos a reclamar", "en": "Charges to dispute"},
    "classification_title": {"es": "Clasificación de los cargos", "en": "How the charges were classified"},
    "validation_title": {"es": "Cargos frente a lo acordado", "en": "Charges against the agreement"},
    "resolution_title": {"es": "Qué hacer con cada cargo", "en": "What to do with each charge"},
    "kpis_title": {"es": "Indicadores de cargos", "en": "Cargos KPIs"},
    "forecast_title": {"es": "Previsión de cargos", "en": "Cargos forecast"},
    "review_queue": {"es": "Cola de revisión", "en": "Review queue"},
    "at_risk": {"es": "Plazo a punto de vencer", "en": "Deadline close"},
    "expired": {"es": "Plazo vencido", "en": "Deadline passed"},
    "cargos_report": {"es": "Informe mensual de cargos", "en": "Cargos month report"},
}
SENTENCES: dict[str, dict[str, str]] = {
    "classified": {"es": "{document} de {retailer}: tipo {type} registrado en {path}.",
                   "en": "{document} of {retailer}: type {type} recorded in {path}."},
    "resolved": {"es": "{document} de {retailer}: {status} ({amount}), registrado en {path}.",
                 "en": "{document} of {retailer}: {status} ({amount}), recorded in {path}."},
    "pack_written": {"es": "Paquete de reclamación de {retailer} escrito en {path}: {count} cargos, {amount}.",
                     "en": "Dispute pack of {retailer} written to {path}: {count} charges, {amount}."},
    "classification_narrative": {
        "es": "Cada cargo se clasifica por su referencia, después por las reglas del cliente y, si no, por el "
              "clasificador aprendido de los ya clasificados; por debajo de una confianza de {threshold} va a la "
              "cola de revisión. Este mes: {charges} cargos, {review} a revisar.",
        "en": "Each charge is classified by its reference, then by the retailer's rules, else by the classifier "
              "learned from those already classified; below a confidence of {threshold} it goes to the review "
              "queue. This month: {charges} charges, {review} to review."},
    "validation_narrative": {
        "es": "Cada cargo se comprueba frente al acuerdo del cliente (promociones, tramos de rappel, reglas de "
              "penalización con la evidencia de las entregas, precios acordados, duplicados y plazos). Este mes "
              "{invalid} no es válido de {amount} cargados.",
        "en": "Each charge is checked against the retailer's agreement (promotions, rappel tiers, penalty rules "
              "with the delivery evidence, agreed prices, duplicates and windows). This month {invalid} of "
              "{amount} charged is invalid."},
    "resolution_narrative": {
        "es": "Recomendación por cargo: reclamar cuando la recuperación esperada (importe no válido × tasa de éxito "
              "del tipo) es al menos {multiple} veces el coste de gestión ({cost}); darlo por perdido cuando no "
              "llega al coste; dudoso entre ambos. {open} cargos por decidir: {month_open} del mes sin decidir y "
              "{older} anteriores cuyo plazo vence en {days} días o menos; {risk} con el plazo a punto de vencer.",
        "en": "Recommendation per charge: fight when the expected recovery (invalid amount × the type's win rate) "
              "is at least {multiple} times the handling cost ({cost}); write off below the cost; marginal "
              "between. {open} charges to decide: {month_open} of the month still undecided and {older} older ones "
              "whose deadline is {days} days away or less; {risk} close to their deadline."},
    "kpis_narrative": {
        "es": "Cada indicador con su definición, del mes y de los doce meses hasta su cierre.",
        "en": "Each KPI with its definition, for the month and the twelve months to its end."},
    "forecast_narrative": {
        "es": "Previsión de los próximos {months} meses por cliente y tipo, con un intervalo del {level}: "
              "suavizado exponencial (con estacionalidad cuando hay dos años de historia) y, para promociones y "
              "rappels, el calendario del acuerdo. Error de la prueba retrospectiva: MAPE {mape}, MAE {mae}.",
        "en": "Forecast of the next {months} months per retailer and type, with a {level} interval: exponential "
              "smoothing (seasonal once two years of history exist) and, for promotions and rappels, the "
              "agreement's calendar. Backtest error: MAPE {mape}, MAE {mae}."},
    "no_charges": {"es": "No hay cargos de {retailer} en {month}.", "en": "No charges from {retailer} in {month}."},
}


def _word(catalogue: dict[str, dict[str, str]], key: object, lang: str) -> str:
    if not isinstance(key, str):  # None, or a missing value of a column (NaN)
        check_lang(lang)
        return ""
    entry = catalogue.get(key)
    return entry[check_lang(lang)] if entry else key


def type_name(kind: object, lang: str) -> str:
    """A charge type in `lang` (its code when unknown, "" for None)."""
    return _word(TYPES, kind, lang)


def method_name(method: object, lang: str) -> str:
    """How a charge was classified, in `lang`."""
    return _word(METHODS, method, lang)


def verdict_name(verdict: object, lang: str) -> str:
    """A validation verdict in `lang`."""
    return _word(VERDICTS, verdict, lang)


def check_name(check: object, lang: str) -> str:
    """A validation check code in `lang` (its code when it has no words)."""
    return _word(CHECKS, check, lang)


def owner_name(owner: object, lang: str) -> str:
    """An owner (key_account, logistics, finance; any other name as written) in `lang`."""
    return _word(OWNERS, owner, lang)


def triage_name(triage: object, lang: str) -> str:
    """A triage recommendation in `lang`."""
    return _word(TRIAGE, triage, lang)


def kpi_name(name: str, lang: str) -> str:
    """A cargos KPI's name in `lang`."""
    return KPI_WORDS.get(name, {}).get(check_lang(lang), (name, ""))[0]


def kpi_definition(name: str, lang: str) -> str:
    """What a cargos KPI divides by what, in `lang`."""
    return KPI_WORDS.get(name, {}).get(check_lang(lang), ("", name))[1]


def evidence_key(key: object, lang: str) -> str:
    """A fact of a validation's evidence named in `lang` (its key when it has no words)."""
    return _word(EVIDENCE, key, lang)


def evidence_value(key: object, value: object, lang: str) -> object:
    """A fact's value in `lang` when it is a code (EVIDENCE_VALUES: a penalty's kind, a rappel's basis, a
    charge type); any other value unchanged."""
    words = EVIDENCE_VALUES.get(key) if isinstance(key, str) else None
    if isinstance(value, str) and words and value in words:
        return words[value][check_lang(lang)]
    return value


def heading(key: str, lang: str) -> str:
    """A heading of the cargos command, report and pack in `lang`."""
    return HEADINGS[key][check_lang(lang)]


def sentence(key: str, lang: str, **values: object) -> str:
    """A sentence of the cargos command and report in `lang`, its fields filled from `values`."""
    return SENTENCES[key][check_lang(lang)].format(**values)


def kpi_text(value: Fraction | None, unit: str, lang: str) -> str:
    """A KPI's value in `lang`: days with one decimal, fractions as percentages with one; "" for None."""
    if value is None:
        return ""
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return format_number(exact, lang, 1) if unit == "days" else format_percent(exact, lang, 1)
