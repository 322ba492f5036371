"""The words of billing care (issue 17) in each language: contact reasons, repeat-contact definitions, policy
checks, comparison methods, and the headings and sentences of `ccanalysis billing-care` and of its report
sections."""

from __future__ import annotations

from ccanalysis.i18n import check_lang

#: Each contact reason (`BILLING_REASONS`): its name.
REASON_WORDS: dict[str, dict[str, str]] = {
    "bill_explanation": {"es": "explicación de la factura", "en": "bill explanation"},
    "disputed_charge": {"es": "cargo reclamado", "en": "disputed charge"},
    "payment_plan": {"es": "plan de pagos", "en": "payment plan"},
    "tariff_change": {"es": "cambio de tarifa", "en": "tariff change"},
    "cancellation_threat": {"es": "amenaza de baja", "en": "cancellation threat"},
    "other": {"es": "otros", "en": "other"},
}

#: Each repeat-contact definition (`drivers.REPEAT_DEFINITIONS`): its name and what it counts.
REPEAT_WORDS: dict[str, dict[str, tuple[str, str]]] = {
    "repeat_7d": {"es": ("repetición a 7 días", "contacto de un cliente que ya contactó (por cualquier motivo) en "
                                                "los 7 días naturales anteriores, contados desde la fecha del contacto "
                                                "previo; el 7.º día cuenta"),
                  "en": ("7-day repeat", "a contact of a customer who had contacted (for any reason) in the 7 "
                                         "calendar days before, counted from the previous contact's date; day 7 "
                                         "counts")},
    "repeat_30d": {"es": ("repetición a 30 días", "contacto de un cliente que ya contactó (por cualquier motivo) en "
                                                  "los 30 días naturales anteriores; el 30.º día cuenta"),
                   "en": ("30-day repeat", "a contact of a customer who had contacted (for any reason) in the 30 "
                                           "calendar days before; day 30 counts")},
}

#: Each policy check (`discounts.POLICY_CHECKS`): its name and the finding in a sentence (fields from the
#: finding's facts, formatted).
CHECK_WORDS: dict[str, dict[str, tuple[str, str]]] = {
    "over_authority": {
        "es": ("descuento por encima de la autorización",
               "El agente {agent} concedió {value} al cliente {customer} ({day}), por encima de su autorización de "
               "{limit}."),
        "en": ("discount over authority",
               "Agent {agent} granted {value} to customer {customer} ({day}), over their authority of {limit}.")},
    "no_retention_reason": {
        "es": ("descuento sin motivo de retención",
               "El agente {agent} concedió {value} al cliente {customer} ({day}) en un contacto por «{reason}», "
               "que no es un motivo de retención."),
        "en": ("discount without a retention reason",
               "Agent {agent} granted {value} to customer {customer} ({day}) on a '{reason}' contact, which is "
               "not a retention reason.")},
    "repeated_discount": {
        "es": ("descuento repetido al mismo cliente",
               "El cliente {customer} recibió {value} el {day} (agente {agent}) cuando ya había recibido un "
               "descuento el {previous_day}, dentro de {months} meses."),
        "en": ("discount repeated to the same customer",
               "Customer {customer} received {value} on {day} (agent {agent}) after a discount on "
               "{previous_day}, within {months} months.")},
}

METHOD_WORDS: dict[str, dict[str, str]] = {
    "raw": {"es": "Bruta (tal como se registró)", "en": "Raw (as recorded)"},
    "matched": {"es": "Emparejada (mismo motivo, antigüedad y margen)", "en": "Matched (same reason, tenure, margin)"},
    "ipw": {"es": "Ponderada por propensión (IPW)", "en": "Propensity-weighted (IPW)"},
}

#: The methods' short names (a chart's row labels).
METHOD_SHORT: dict[str, dict[str, str]] = {
    "raw": {"es": "bruta", "en": "raw"}, "matched": {"es": "emparejada", "en": "matched"},
    "ipw": {"es": "ponderada (IPW)", "en": "weighted (IPW)"},
}

HEADINGS: dict[str, dict[str, str]] = {
    "drivers_title": {"es": "Atención de facturación: qué motiva las llamadas", "en": "Billing care: what drives the calls"},
    "discounts_title": {"es": "Atención de facturación: descuentos", "en": "Billing care: discounts"},
    "findings_title": {"es": "Atención de facturación: descuentos fuera de política", "en": "Billing care: discounts against policy"},
    "retention_title": {"es": "Atención de facturación: ¿retienen los descuentos?", "en": "Billing care: do discounts retain?"},
    "net_value_title": {"es": "Valor neto por euro de descuento", "en": "Net value per discount euro"},
    "month": {"es": "Mes", "en": "Month"},
    "reason": {"es": "Motivo", "en": "Reason"},
    "agent": {"es": "Agente", "en": "Agent"},
    "contacts": {"es": "Contactos", "en": "Contacts"},
    "bills": {"es": "Facturas emitidas", "en": "Bills issued"},
    "per_1000_bills": {"es": "Contactos por 1.000 facturas", "en": "Contacts per 1,000 bills"},
    "definition": {"es": "Definición", "en": "Definition"},
    "repeats": {"es": "Repeticiones", "en": "Repeats"},
    "rate": {"es": "Tasa", "en": "Rate"},
    "growth": {"es": "Variación mensual", "en": "Month-on-month change"},
    "p_value": {"es": "Valor p", "en": "p-value"},
    "team_rate": {"es": "Tasa del resto del equipo", "en": "Rest of the team's rate"},
    "followed_rate": {"es": "Contactos seguidos de otro en 7 días", "en": "Contacts followed by another within 7 days"},
    "discounts": {"es": "Descuentos", "en": "Discounts"},
    "value": {"es": "Valor concedido", "en": "Value granted"},
    "multi_month_value": {"es": "De ello, en descuentos de varios meses", "en": "Of which in multi-month discounts"},
    "mean_value": {"es": "Valor medio", "en": "Mean value"},
    "check": {"es": "Comprobación", "en": "Check"},
    "finding": {"es": "Hallazgo", "en": "Finding"},
    "contact": {"es": "Contacto", "en": "Contact"},
    "customer": {"es": "Cliente", "en": "Customer"},
    "day": {"es": "Fecha", "en": "Date"},
    "limit": {"es": "Autorización", "en": "Authority"},
    "horizon": {"es": "Horizonte", "en": "Horizon"},
    "method": {"es": "Comparación", "en": "Comparison"},
    "with_discount": {"es": "Baja con descuento", "en": "Churn with discount"},
    "without_discount": {"es": "Baja sin descuento", "en": "Churn without discount"},
    "difference": {"es": "Diferencia (con − sin)", "en": "Difference (with − without)"},
    "interval": {"es": "Intervalo 95 %", "en": "95 % interval"},
    "customers": {"es": "Clientes", "en": "Customers"},
    "censored": {"es": "Sin horizonte observado", "en": "Horizon not yet observed"},
    "discount_cost": {"es": "Coste de los descuentos", "en": "Discount cost"},
    "kept": {"es": "Clientes retenidos (estimados)", "en": "Customers kept (estimated)"},
    "retained_margin": {"es": "Margen retenido", "en": "Retained margin"},
    "net": {"es": "Valor neto", "en": "Net value"},
    "per_euro": {"es": "Por euro de descuento", "en": "Per discount euro"},
    "days": {"es": "{days} días", "en": "{days} days"},
    "total": {"es": "Total", "en": "Total"},
    "none": {"es": "ninguno", "en": "none"},
    "unknown": {"es": "(sin dato)", "en": "(unknown)"},
    "outlier": {"es": "Atípico", "en": "Outlier"},
    "growing": {"es": "Crece", "en": "Growing"},
    "discounts_by_agent": {"es": "Descuentos por agente (los de mayor valor)", "en": "Discounts by agent (largest first)"},
    "discounts_by_month": {"es": "Descuentos por mes", "en": "Discounts by month"},
    "findings_by_check": {"es": "Hallazgos por comprobación", "en": "Findings by check"},
    "findings_largest": {"es": "Los {shown} de mayor valor de {count} (todos: {command})",
                         "en": "The {shown} largest of {count} (all of them: {command})"},
    "net_value_ends": {"es": "Valor neto por euro de descuento: cada motivo, y los {shown} agentes de mayor y los {shown} "
                             "de menor valor de {count}",
                       "en": "Net value per discount euro: every reason, and the {shown} highest and {shown} lowest "
                             "of {count} agents"},
    "yes": {"es": "sí", "en": "yes"},
    "no": {"es": "no", "en": "no"},
    "interval_chart": {"es": "Diferencia de baja con − sin descuento, intervalo 95 %",
                       "en": "Churn difference with − without a discount, 95 % interval"},
    "chart_title": {"es": "Contactos por 1.000 facturas, por motivo", "en": "Contacts per 1,000 bills, by reason"},
    "headline_contacts": {"es": "Contactos del mes", "en": "Contacts this month"},
    "headline_repeat": {"es": "Repetición a 7 días", "en": "7-day repeats"},
    "headline_value": {"es": "Descuentos concedidos", "en": "Discounts granted"},
    "headline_retention": {"es": "Diferencia de baja a {days} días, emparejada (con − sin descuento)",
                           "en": "{days}-day churn difference, matched (with − without a discount)"},
    "headline_findings": {"es": "Descuentos fuera de política", "en": "Discounts against policy"},
}

SENTENCES: dict[str, dict[str, str]] = {
    "drivers_narrative": {
        "es": "{contacts} contactos de atención de facturación en {month}, {per_1000} por cada 1.000 facturas "
              "emitidas. Repetición: {repeat_7d} a 7 días y {repeat_30d} a 30 días (un contacto es repetición si el "
              "mismo cliente ya contactó, por cualquier motivo, en los 7 o 30 días naturales anteriores; el último "
              "día cuenta).",
        "en": "{contacts} billing-care contacts in {month}, {per_1000} per 1,000 bills issued. Repeats: {repeat_7d} "
              "within 7 days and {repeat_30d} within 30 days (a contact is a repeat when the same customer had "
              "contacted, for any reason, in the 7 or 30 calendar days before; the last day counts)."},
    "growing": {
        "es": "Motivos que crecen frente al mes anterior (al menos un {threshold} más por factura y p < 0,05): {reasons}.",
        "en": "Reasons growing on the month before (at least {threshold} more per bill and p < 0.05): {reasons}."},
    "outliers": {
        "es": "Agentes y motivos cuyos contactos vuelven en 7 días más (o menos) que el resto del equipo "
              "(prueba binomial, Bonferroni, al menos 20 contactos): {names}.",
        "en": "Agents and reasons whose contacts come back within 7 days more (or less) often than the rest of "
              "the team (binomial test, Bonferroni, at least 20 contacts): {names}."},
    "discounts_narrative": {
        "es": "{discounts} descuentos en {month} por {value}; {multi} de ellos en descuentos de varios meses "
              "(importe mensual × meses). El valor de un descuento es el abono, o el importe mensual por los meses.",
        "en": "{discounts} discounts in {month} worth {value}; {multi} of it in multi-month discounts (monthly "
              "amount × months). A discount's value is the credit, or the monthly amount times the months."},
    "findings_narrative": {
        "es": "{count} descuentos del mes incumplen la política del servicio (autorización de cada agente, motivos "
              "de retención {reasons}, un solo descuento por cliente en {months} meses).",
        "en": "{count} of the month's discounts break the service's policy (each agent's authority, retention "
              "reasons {reasons}, one discount per customer within {months} months)."},
    "no_findings": {"es": "Ningún descuento del mes incumple la política.", "en": "No discount of the month breaks the policy."},
    "retention_observational": {
        "es": "Comparación observacional, no un experimento: los agentes eligieron a quién descontar. La "
              "comparación bruta mezcla el efecto del descuento con las diferencias entre clientes; la emparejada "
              "(mismo motivo, tramo de antigüedad y tramo de margen) y la ponderada por propensión (regresión "
              "logística, pesos estabilizados, intervalo por bootstrap con semilla {seed}) ajustan solo por lo "
              "registrado.",
        "en": "An observational comparison, not an experiment: agents chose whom to discount. The raw comparison "
              "mixes the discount's effect with the differences between customers; the matched one (same "
              "reason, tenure band and margin band) and the propensity-weighted one (logistic regression, "
              "stabilised weights, bootstrap interval with seed {seed}) adjust only for what is recorded."},
    "retention_cohort": {
        "es": "{customers} clientes con amenaza de baja hasta el {end} (su primer contacto por ese motivo); baja a "
              "h días = fecha de baja como muy tarde el día del contacto + h. Se dejan fuera de cada horizonte los "
              "clientes aún no observados h días (datos hasta el {as_of}).",
        "en": "{customers} customers who threatened to cancel up to {end} (their first such contact); churn at h "
              "days = churn date on or before the contact day + h. Customers not yet observed for h days (data up "
              "to {as_of}) are left out of that horizon."},
    "net_value_narrative": {
        "es": "Valor neto por euro de descuento = (margen retenido − coste del descuento) ÷ coste, con el margen "
              "retenido = {months} meses de {basis} × (baja esperada sin descuento en su estrato − baja observada) "
              "a {horizon} días.",
        "en": "Net value per discount euro = (retained margin − discount cost) ÷ cost, with the retained margin = "
              "{months} months of {basis} × (the churn expected without a discount in the customer's stratum − "
              "the churn observed) at {horizon} days."},
    "no_data": {
        "es": "El servicio {service} no tiene contactos de atención de facturación en {month}.",
        "en": "Service {service} has no billing-care contacts in {month}."},
    "no_cohort": {"es": "Ningún cliente amenazó con darse de baja hasta {end}.",
                  "en": "No customer threatened to cancel up to {end}."},
}

BASIS_WORDS = {"monthly_margin": {"es": "margen mensual", "en": "monthly margin"},
               "monthly_revenue": {"es": "ingreso mensual", "en": "monthly revenue"}}


def reason_name(code: object, lang: str) -> str:
    """A contact reason in `lang` (a client's own code as it is)."""
    return REASON_WORDS.get(str(code), {}).get(check_lang(lang), str(code))


def repeat_name(name: str, lang: str) -> str:
    """The name of a repeat-contact definition (`repeat_7d`, `repeat_30d`) in `lang`."""
    return REPEAT_WORDS[name][check_lang(lang)][0]


def repeat_definition(name: str, lang: str) -> str:
    """The definition of a repeat-contact measure in words, in `lang`."""
    return REPEAT_WORDS[name][check_lang(lang)][1]


def check_name(code: str, lang: str) -> str:
    """The name of a discount policy check in `lang`."""
    return CHECK_WORDS[code][check_lang(lang)][0]


def check_sentence(code: str, lang: str, **values: object) -> str:
    """A policy finding in words, in `lang`, with its figures."""
    return CHECK_WORDS[code][check_lang(lang)][1].format(**values)


def method_name(method: str, lang: str) -> str:
    """The name of a retention comparison (raw, matched, IPW) in `lang`."""
    return METHOD_WORDS[method][check_lang(lang)]


def method_short(method: str, lang: str) -> str:
    """The short name of a retention comparison, for a chart, in `lang`."""
    return METHOD_SHORT[method][check_lang(lang)]


def basis_name(basis: str, lang: str) -> str:
    """What a customer's margin is read from (monthly margin or revenue), in `lang`."""
    return BASIS_WORDS[basis][check_lang(lang)]


def heading(key: str, lang: str, **values: object) -> str:
    """A heading of the billing-care command and report in `lang`."""
    return HEADINGS[key][check_lang(lang)].format(**values)


def sentence(key: str, lang: str, **values: object) -> str:
    """A sentence of the billing-care report in `lang`, its fields filled (text already formatted)."""
    return SENTENCES[key][check_lang(lang)].format(**values)
