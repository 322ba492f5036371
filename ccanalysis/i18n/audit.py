"""The audit's words: one sentence per finding cause, in Spanish and English (check names are labels).

`describe(finding, lang, names)` writes a finding's description from its `cause` and `facts` (the pure
audit's codes and numbers); `names` gives the contract's name of each (service, charge) in `lang`. An
unknown cause or check is a KeyError naming the ones there are (a check added without its words fails
its test, not a report).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from ccanalysis.i18n import check_lang, format_date, format_number, label
from ccanalysis.i18n import domain as words
from ccanalysis.invoice import ACCOUNT_CAP


def check_name(check: str, lang: str) -> str:
    """A registered check's name in `lang` (its `check_<name>` label in `i18n/report.py`)."""
    return label(f"check_{check}", lang)


def _line(f: Mapping[str, Any], lang: str) -> str:
    n = f.get("line")
    return ("línea " if lang == "es" else "line ") + str(n)


def _m(value: Any, lang: str) -> str:
    return words.money(value, lang)


def _q(value: Any, lang: str) -> str:
    return words.quantity(value, lang, 4)


def _p(value: Any, lang: str) -> str:
    """A unit price with at least cents (0,50 rather than 0,5)."""
    value = Decimal(value)
    places = max(2, -value.normalize().as_tuple().exponent)
    return format_number(value, lang, min(places, 6))


def _d(value: Any, lang: str) -> str:
    return format_date(value, lang) if isinstance(value, date) else str(value)


def _units(f: Mapping[str, Any], key: str, lang: str) -> str:
    unit = f.get("unit")
    text = _q(f[key], lang)
    return f"{text} {words.unit_name(unit, lang, plural=True)}" if unit else text


def _name(f: Mapping[str, Any], names: Mapping, lang: str) -> str:
    charge = f.get("charge") or f.get("rule") or ""
    if charge.startswith("sla:"):
        rule = charge[4:]
        kpi = f.get("kpi") or rule
        return ("ANS " if lang == "es" else "SLA ") + words.kpi_name(kpi, lang)
    if charge == ACCOUNT_CAP:
        text = words.word("account_cap", lang)
        return text[:1].lower() + text[1:]
    if charge.endswith((":minimum", ":maximum")):
        base, kind = charge.rsplit(":", 1)
        return f"{names.get((f.get('service'), base), base)} — {words.word(kind, lang)}"
    return names.get((f.get("service"), charge), charge)


def _kpi(f: Mapping[str, Any], lang: str) -> str:
    if f.get("kpi_value") is None:
        return ""
    value = words.kpi_value(f["kpi_value"], f.get("kpi_unit", "fraction"), lang)
    return f" ({words.kpi_name(f.get('kpi'), lang)} {value})"


Sentence = Callable[[Mapping[str, Any], Mapping, str], str]

_ES: dict[str, Sentence] = {
    "price_differs": lambda f, n, lang: (
        f"{_line(f, lang)} facturada a {_p(f['billed_price'], lang)}; precio "
        + ("del tramo " if f.get("tier") else "del contrato ") + _p(f["contract_price"], lang)),
    "quantity_differs": lambda f, n, lang: (
        f"{_line(f, lang)}: {_units(f, 'billed_quantity', lang)} facturados; la actividad da "
        f"{_units(f, 'expected_quantity', lang)}"),
    "amount_differs": lambda f, n, lang: f"{_line(f, lang)}: importe distinto del que da el contrato",
    "nothing_due": lambda f, n, lang: (
        f"{_line(f, lang)} factura {_units(f, 'quantity', lang)} de {_name(f, n, lang)} y no corresponde "
        "ninguno según el contrato y la actividad"),
    "line_arithmetic": lambda f, n, lang: (
        f"{_line(f, lang)}: {_q(f['quantity'], lang)} × {_p(f['unit_price'], lang)} = {_m(f['computed'], lang)}, "
        f"facturado {_m(f['amount'], lang)}"),
    "header_net": lambda f, n, lang: (
        f"la cabecera de la factura {f['invoice_id']} declara una base de {_m(f['header'], lang)} y sus líneas "
        f"suman {_m(f['lines'], lang)}"),
    "header_tax": lambda f, n, lang: (
        f"la factura {f['invoice_id']} declara un IVA de {_m(f['tax'], lang)}; el {words.percent(f['rate'], lang)} "
        f"de {_m(f['net'], lang)} es {_m(f['due'], lang)}"),
    "header_gross": lambda f, n, lang: (
        f"el total de la factura {f['invoice_id']} ({_m(f['gross'], lang)}) no es base más impuesto "
        f"({_m(f['net'] + f['tax'], lang)})"),
    "line_tax_rate": lambda f, n, lang: (
        f"{_line(f, lang)} aplica un impuesto del {words.percent(f['rate'], lang)}; el contrato dice "
        f"{words.percent(f['contract_rate'], lang)}"),
    "duplicate_line": lambda f, n, lang: (
        f"{_line(f, lang)} duplica la línea {f['of_line']}"
        + (f" de la factura {f['of_invoice_id']}" if f.get("of_invoice_id") != f.get("invoice_id") else "")),
    "no_match": lambda f, n, lang: (
        f"{_line(f, lang)} («{f['description']}») no corresponde a ningún concepto del contrato"
        + (" (pendiente de revisión)" if f.get("suggested_charge") else "")),
    "ids_not_in_contract": lambda f, n, lang: (
        f"{_line(f, lang)} («{f['description']}») factura el concepto {f['charge']}, que no está en el contrato"),
    "penalty_missing": lambda f, n, lang: (
        f"falta la penalización {_name(f, n, lang)}{_kpi(f, lang)}: {_m(f['expected'], lang)}"),
    "penalty_too_small": lambda f, n, lang: (
        f"{_line(f, lang)}: penalización {_name(f, n, lang)} de {_m(f['billed'], lang)}; corresponde "
        f"{_m(f['expected'], lang)}{_kpi(f, lang)}"),
    "penalty_too_large": lambda f, n, lang: (
        f"{_line(f, lang)}: penalización {_name(f, n, lang)} de {_m(f['billed'], lang)}, mayor que la que "
        f"corresponde ({_m(f['expected'], lang)})"),
    "penalty_not_due": lambda f, n, lang: (
        f"{_line(f, lang)}: penalización {_name(f, n, lang)} que no corresponde{_kpi(f, lang)}"),
    "bonus_not_earned": lambda f, n, lang: (
        f"{_line(f, lang)}: bonificación {_name(f, n, lang)} de {_m(f['billed'], lang)} no ganada{_kpi(f, lang)}"),
    "bonus_too_large": lambda f, n, lang: (
        f"{_line(f, lang)}: bonificación {_name(f, n, lang)} de {_m(f['billed'], lang)}; corresponde "
        f"{_m(f['expected'], lang)}{_kpi(f, lang)}"),
    "bonus_too_small": lambda f, n, lang: (
        f"{_line(f, lang)}: bonificación {_name(f, n, lang)} de {_m(f['billed'], lang)}, menor que la ganada "
        f"({_m(f['expected'], lang)})"),
    "bonus_unbilled": lambda f, n, lang: (
        f"no se ha facturado la bonificación {_name(f, n, lang)} ganada ({_m(f['expected'], lang)}): a favor "
        "del proveedor"),
    "true_up_not_due": lambda f, n, lang: (
        f"{_line(f, lang)}: regularización de {_m(f['billed'], lang)} que no corresponde"),
    "cap_not_applied": lambda f, n, lang: (
        f"no se ha aplicado {_name(f, n, lang)}: el contrato descuenta {_m(-f['expected'], lang)}"),
    "true_up_differs": lambda f, n, lang: (
        f"{_line(f, lang)}: regularización de {_m(f['billed'], lang)}; corresponde {_m(f['expected'], lang)}"),
    "not_billed": lambda f, n, lang: (
        f"no se ha facturado {_name(f, n, lang)} ({_m(f['expected'], lang)}): a favor del proveedor"),
    "payment_not_attributable": lambda f, n, lang: (
        f"la línea {f['line']} cobra comisión por el pago de la cuenta {f['account_id']} del "
        f"{_d(f['paid_on'], lang)}, cuando la cuenta no estaba asignada a la agencia (su importe está en el "
        f"hallazgo de cantidad del concepto)"),
    "churned_in_window": lambda f, n, lang: (
        f"la línea {f['line']} cobra la retención del cliente {f['customer_id']}, retenido el "
        f"{_d(f['contacted_on'], lang)}, que se dio de baja el {_d(f['churn_date'], lang)} ({f['days_to_churn']} "
        f"días después, dentro de los {f['window_days']} días que exige el contrato): la comisión no se ha ganado "
        f"(su importe está en el hallazgo de cantidad del concepto)"),
    "no_retained_contact": lambda f, n, lang: (
        f"la línea {f['line']} cobra la retención del cliente {f['customer_id']}, que no tiene ningún contacto "
        f"con resultado retenido en el periodo (su importe está en el hallazgo de cantidad del concepto)"),
    "more_fees_than_retentions": lambda f, n, lang: (
        f"la línea {f['line']} es la comisión n.º {f['fees']} del cliente {f['customer_id']}, que solo tiene "
        f"{f['retentions']} contacto(s) retenido(s) en el periodo (su importe está en el hallazgo de cantidad del "
        f"concepto)"),
    "period_mismatch": lambda f, n, lang: (
        f"la factura {f['invoice_id']} cubre del {_d(f['start'], lang)} al {_d(f['end'], lang)}; el periodo "
        f"de facturación es del {_d(f['period_start'], lang)} al {_d(f['period_end'], lang)}"),
    "outside_validity": lambda f, n, lang: (
        f"la factura {f['invoice_id']} cubre días fuera de la vigencia del contrato (desde "
        f"{_d(f['valid_from'], lang)}" + (f" hasta {_d(f['valid_to'], lang)})" if f.get("valid_to") else ")")),
    "unknown_corrected_invoice": lambda f, n, lang: (
        f"la factura rectificativa {f['invoice_id']} corrige la factura {f['corrects']}, que no se ha recibido"),
    "gap": lambda f, n, lang: (
        f"la factura anterior termina el {_d(f['previous_end'], lang)} y esta empieza el {_d(f['start'], lang)}: "
        "hay días sin facturar"),
    "overlap": lambda f, n, lang: (
        f"la factura anterior termina el {_d(f['previous_end'], lang)} y esta empieza el {_d(f['start'], lang)}: "
        "días facturados dos veces"),
    "contract_terms_over_limit": lambda f, n, lang: (
        f"el contrato fija un plazo de pago de {f['days']} días, por encima del máximo de {f['limit']}"),
    "invoice_terms_over_limit": lambda f, n, lang: (
        f"la factura {f['invoice_id']} vence a {f['days']} días, por encima del máximo de {f['limit']}"),
}

_EN: dict[str, Sentence] = {
    "price_differs": lambda f, n, lang: (
        f"{_line(f, lang)} billed at {_p(f['billed_price'], lang)}; the "
        + ("tier's" if f.get("tier") else "contract") + f" price is {_p(f['contract_price'], lang)}"),
    "quantity_differs": lambda f, n, lang: (
        f"{_line(f, lang)}: {_units(f, 'billed_quantity', lang)} billed; the activity gives "
        f"{_units(f, 'expected_quantity', lang)}"),
    "amount_differs": lambda f, n, lang: f"{_line(f, lang)}: an amount other than the contract's",
    "nothing_due": lambda f, n, lang: (
        f"{_line(f, lang)} bills {_units(f, 'quantity', lang)} of {_name(f, n, lang)}, and the contract and the "
        "activity give none"),
    "line_arithmetic": lambda f, n, lang: (
        f"{_line(f, lang)}: {_q(f['quantity'], lang)} × {_p(f['unit_price'], lang)} = {_m(f['computed'], lang)}, "
        f"billed {_m(f['amount'], lang)}"),
    "header_net": lambda f, n, lang: (
        f"the header of invoice {f['invoice_id']} states a net of {_m(f['header'], lang)} and its lines add up "
        f"to {_m(f['lines'], lang)}"),
    "header_tax": lambda f, n, lang: (
        f"invoice {f['invoice_id']} states tax of {_m(f['tax'], lang)}; {words.percent(f['rate'], lang)} of "
        f"{_m(f['net'], lang)} is {_m(f['due'], lang)}"),
    "header_gross": lambda f, n, lang: (
        f"the gross of invoice {f['invoice_id']} ({_m(f['gross'], lang)}) is not net plus tax "
        f"({_m(f['net'] + f['tax'], lang)})"),
    "line_tax_rate": lambda f, n, lang: (
        f"{_line(f, lang)} applies a tax rate of {words.percent(f['rate'], lang)}; the contract says "
        f"{words.percent(f['contract_rate'], lang)}"),
    "duplicate_line": lambda f, n, lang: (
        f"{_line(f, lang)} duplicates line {f['of_line']}"
        + (f" of invoice {f['of_invoice_id']}" if f.get("of_invoice_id") != f.get("invoice_id") else "")),
    "no_match": lambda f, n, lang: (
        f"{_line(f, lang)} (“{f['description']}”) matches no charge of the contract"
        + (" (awaiting review)" if f.get("suggested_charge") else "")),
    "ids_not_in_contract": lambda f, n, lang: (
        f"{_line(f, lang)} (“{f['description']}”) bills charge {f['charge']}, which is not in the contract"),
    "penalty_missing": lambda f, n, lang: (
        f"the {_name(f, n, lang)} penalty is missing{_kpi(f, lang)}: {_m(f['expected'], lang)}"),
    "penalty_too_small": lambda f, n, lang: (
        f"{_line(f, lang)}: {_name(f, n, lang)} penalty of {_m(f['billed'], lang)}; due "
        f"{_m(f['expected'], lang)}{_kpi(f, lang)}"),
    "penalty_too_large": lambda f, n, lang: (
        f"{_line(f, lang)}: {_name(f, n, lang)} penalty of {_m(f['billed'], lang)}, more than is due "
        f"({_m(f['expected'], lang)})"),
    "penalty_not_due": lambda f, n, lang: (
        f"{_line(f, lang)}: a {_name(f, n, lang)} penalty that is not due{_kpi(f, lang)}"),
    "bonus_not_earned": lambda f, n, lang: (
        f"{_line(f, lang)}: {_name(f, n, lang)} bonus of {_m(f['billed'], lang)}, not earned{_kpi(f, lang)}"),
    "bonus_too_large": lambda f, n, lang: (
        f"{_line(f, lang)}: {_name(f, n, lang)} bonus of {_m(f['billed'], lang)}; earned "
        f"{_m(f['expected'], lang)}{_kpi(f, lang)}"),
    "bonus_too_small": lambda f, n, lang: (
        f"{_line(f, lang)}: {_name(f, n, lang)} bonus of {_m(f['billed'], lang)}, less than earned "
        f"({_m(f['expected'], lang)})"),
    "bonus_unbilled": lambda f, n, lang: (
        f"the {_name(f, n, lang)} bonus earned ({_m(f['expected'], lang)}) was not billed: in the supplier's "
        "favour"),
    "true_up_not_due": lambda f, n, lang: f"{_line(f, lang)}: a true-up of {_m(f['billed'], lang)} that is not due",
    "cap_not_applied": lambda f, n, lang: (
        f"{_name(f, n, lang)} was not applied: the contract deducts {_m(-f['expected'], lang)}"),
    "true_up_differs": lambda f, n, lang: (
        f"{_line(f, lang)}: a true-up of {_m(f['billed'], lang)}; due {_m(f['expected'], lang)}"),
    "not_billed": lambda f, n, lang: (
        f"{_name(f, n, lang)} was not billed ({_m(f['expected'], lang)}): in the supplier's favour"),
    "payment_not_attributable": lambda f, n, lang: (
        f"line {f['line']} charges a fee on account {f['account_id']}'s payment of {_d(f['paid_on'], lang)}, "
        f"made while the account was not placed with the agency (its amount is in the charge's quantity "
        f"finding)"),
    "churned_in_window": lambda f, n, lang: (
        f"line {f['line']} charges the retention of customer {f['customer_id']}, retained on "
        f"{_d(f['contacted_on'], lang)}, who left on {_d(f['churn_date'], lang)} ({f['days_to_churn']} days "
        f"later, inside the contract's {f['window_days']}-day window): the fee is not earned (its amount is in "
        f"the charge's quantity finding)"),
    "no_retained_contact": lambda f, n, lang: (
        f"line {f['line']} charges the retention of customer {f['customer_id']}, who has no contact with outcome "
        f"retained in the period (its amount is in the charge's quantity finding)"),
    "more_fees_than_retentions": lambda f, n, lang: (
        f"line {f['line']} is fee no. {f['fees']} of customer {f['customer_id']}, who has only "
        f"{f['retentions']} retained contact(s) in the period (its amount is in the charge's quantity finding)"),
    "period_mismatch": lambda f, n, lang: (
        f"invoice {f['invoice_id']} covers {_d(f['start'], lang)} to {_d(f['end'], lang)}; the billing period "
        f"is {_d(f['period_start'], lang)} to {_d(f['period_end'], lang)}"),
    "outside_validity": lambda f, n, lang: (
        f"invoice {f['invoice_id']} covers days outside the contract's validity (from {_d(f['valid_from'], lang)}"
        + (f" to {_d(f['valid_to'], lang)})" if f.get("valid_to") else ")")),
    "unknown_corrected_invoice": lambda f, n, lang: (
        f"corrective invoice {f['invoice_id']} corrects invoice {f['corrects']}, which has not been received"),
    "gap": lambda f, n, lang: (
        f"the previous invoice ends on {_d(f['previous_end'], lang)} and this one starts on "
        f"{_d(f['start'], lang)}: days not billed"),
    "overlap": lambda f, n, lang: (
        f"the previous invoice ends on {_d(f['previous_end'], lang)} and this one starts on "
        f"{_d(f['start'], lang)}: days billed twice"),
    "contract_terms_over_limit": lambda f, n, lang: (
        f"the contract sets payment terms of {f['days']} days, over the limit of {f['limit']}"),
    "invoice_terms_over_limit": lambda f, n, lang: (
        f"invoice {f['invoice_id']} falls due in {f['days']} days, over the limit of {f['limit']}"),
}

SENTENCES = {"es": _ES, "en": _EN}


def describe(cause: str, facts: Mapping[str, Any], lang: str, names: Mapping | None = None) -> str:
    """A finding's description in `lang`, capitalised, from its cause and facts."""
    table = SENTENCES[check_lang(lang)]
    if cause not in table:
        raise KeyError(f"no words for audit finding cause {cause!r} (causes: {', '.join(table)})")
    text = table[cause](facts, names or {}, lang)
    return text[:1].upper() + text[1:]


#: Words of the `ccanalysis audit` terminal output that the reports do not have (the others are the
#: report's labels, `i18n/report.py`).
LABELS: dict[str, dict[str, str]] = {
    "audit_of": {"es": "Auditoría de factura", "en": "Invoice audit"},
    "billing_period": {"es": "periodo de facturación", "en": "billing period"},
    "issued": {"es": "emitida", "en": "issued"},
    "due": {"es": "vence", "en": "due"},
    "claimable": {"es": "A reclamar (base)", "en": "Claimable (net)"},
    "claimable_tax": {"es": "IVA de la reclamación", "en": "VAT on the claim"},
    "no_findings": {"es": "Sin hallazgos: la factura es correcta.", "en": "No findings: the invoice is right."},
    "credits": {"es": "Abonos de facturas anteriores", "en": "Credits of earlier invoices"},
    "finding_id": {"es": "Id", "en": "Id"},
    "claim": {"es": "Reclamable", "en": "Claimable"},
    "credits_invoice": {"es": "abona la factura", "en": "credits invoice"},
    "review_hint": {"es": "Decida cada una con: ccanalysis match ENG --supplier S --month M --line N --charge C",
                    "en": "Decide each with: ccanalysis match ENG --supplier S --month M --line N --charge C"},
}


def word(key: str, lang: str) -> str:
    """An audit word: its own label here, else the report's label of that name."""
    if key in LABELS:
        return LABELS[key][check_lang(lang)]
    return label(key, lang)
