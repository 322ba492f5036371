"""The words of the dispute register and the monthly close, in Spanish (`es`) and English (`en`): column
headings, status names, the close statement and the commands' messages. `table(frame, lang, currency)`
words a register or close table for the screen (headings, statuses, money, dates, yes/no);
`statement_lines(statement, lang)` is the close statement as the lines a person reads.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pandas as pd

from ccanalysis.i18n import check_lang, format_date, format_money

if TYPE_CHECKING:
    from ccanalysis.disputes import CloseStatement, Pending

STATUS_NAMES: dict[str, dict[str, str]] = {
    "detected": {"es": "detectada", "en": "detected"},
    "validated": {"es": "validada", "en": "validated"},
    "submitted": {"es": "presentada", "en": "submitted"},
    "accepted": {"es": "aceptada", "en": "accepted"},
    "partially_accepted": {"es": "aceptada en parte", "en": "partially accepted"},
    "rejected": {"es": "rechazada", "en": "rejected"},
    "credited": {"es": "abonada", "en": "credited"},
    "verified": {"es": "abono verificado", "en": "credit verified"},
    "closed": {"es": "cerrada", "en": "closed"},
    "cancelled": {"es": "anulada", "en": "cancelled"},
    "charge_accepted": {"es": "cargo aceptado", "en": "charge accepted"},
    "written_off": {"es": "dada por perdida", "en": "written off"},
}

HEADINGS: dict[str, dict[str, str]] = {
    "dispute_id": {"es": "Reclamación", "en": "Dispute"},
    "supplier": {"es": "Proveedor", "en": "Supplier"},
    "invoice_id": {"es": "Factura", "en": "Invoice"},
    "month": {"es": "Mes", "en": "Month"},
    "finding_id": {"es": "Hallazgo", "en": "Finding"},
    "check": {"es": "Control", "en": "Check"},
    "service": {"es": "Servicio", "en": "Service"},
    "charge": {"es": "Concepto", "en": "Charge"},
    "amount_claimed": {"es": "Reclamado", "en": "Claimed"},
    "status": {"es": "Estado", "en": "Status"},
    "status_date": {"es": "Fecha del estado", "en": "Status date"},
    "amount_accepted": {"es": "Aceptado", "en": "Accepted"},
    "amount_credited": {"es": "Abonado", "en": "Credited"},
    "credit_invoice_id": {"es": "Factura del abono", "en": "Credit invoice"},
    "note": {"es": "Nota", "en": "Note"},
    "submitted_on": {"es": "Presentada el", "en": "Submitted on"},
    "aging_days": {"es": "Días desde la presentación", "en": "Days since submission"},
    "deadline": {"es": "Plazo", "en": "Deadline"},
    "days_to_deadline": {"es": "Días al plazo", "en": "Days to deadline"},
    "at_risk": {"es": "En riesgo", "en": "At risk"},
    "expired": {"es": "Plazo vencido", "en": "Expired"},
}

WORDS: dict[str, dict[str, str]] = {
    "yes": {"es": "sí", "en": "yes"},
    "no": {"es": "no", "en": "no"},
    "nothing": {"es": "(ninguna)", "en": "(none)"},
    "close_title": {"es": "Cierre del mes {month} — {supplier}", "en": "Monthly close {month} — {supplier}"},
    "invoices": {"es": "Facturas: {ids}", "en": "Invoices: {ids}"},
    "no_invoice": {"es": "Facturas: ninguna para este periodo", "en": "Invoices: none for this period"},
    "billed": {"es": "Facturado: base {net}, IVA {tax}, total {gross}",
               "en": "Billed: net {net}, VAT {tax}, gross {gross}"},
    "expected": {"es": "Esperado: base {net}, IVA {tax}, total {gross}",
                 "en": "Expected: net {net}, VAT {tax}, gross {gross}"},
    "agreed": {"es": "Importes aceptados por el proveedor: {amount}",
               "en": "Amounts the supplier accepted: {amount}"},
    "credits": {"es": "Abonos recibidos en estas facturas: {amount}",
                "en": "Credits received on these invoices: {amount}"},
    "withheld": {"es": "Retenido (reclamaciones abiertas): base {net}, IVA {tax}, total {gross}",
                 "en": "Withheld (open claims): net {net}, VAT {tax}, gross {gross}"},
    "to_pay": {"es": "A pagar ahora: {amount}", "en": "To pay now: {amount}"},
    "open_disputes": {"es": "Reclamaciones abiertas de este mes y anteriores:",
                      "en": "Disputes still open from this and earlier months:"},
    "pending": {"es": "Pendiente ({count}):", "en": "Pending ({count}):"},
    "needs_review": {"es": "línea {line} de la factura {ref} ({amount}) sin identificar: decídala con "
                           "`ccanalysis match`",
                     "en": "line {line} of invoice {ref} ({amount}) is unmatched: decide it with "
                           "`ccanalysis match`"},
    "no_dispute": {"es": "el hallazgo {ref} ({amount}) no tiene reclamación: ábrala con "
                         "`ccanalysis dispute ... open`",
                   "en": "finding {ref} ({amount}) has no dispute: open it with `ccanalysis dispute ... open`"},
    "not_submitted": {"es": "la reclamación {ref} ({amount}) está {status}: preséntela al proveedor "
                            "(--status submitted) o anúlela",
                      "en": "dispute {ref} ({amount}) is {status}: submit it to the supplier (--status submitted) "
                            "or cancel it"},
    "unanswered": {"es": "la reclamación {ref} ({amount}) está {status}: el proveedor no ha respondido",
                   "en": "dispute {ref} ({amount}) is {status}: the supplier has not answered"},
    "closed": {"es": "Mes cerrado el {date}.", "en": "Month closed on {date}."},
    "closed_forced": {"es": "Mes cerrado el {date} con {count} pendiente(s), forzado: {note}",
                      "en": "Month closed on {date} with {count} pending item(s), forced: {note}"},
    "refused": {"es": "{supplier} {month} no se puede cerrar: {count} pendiente(s): {items}. Resuélvalos, o "
                      "cierre con --force --note TEXTO",
                "en": "{supplier} {month} cannot be closed: {count} pending item(s): {items}. Settle them, or "
                      "close with --force --note TEXT"},
    "already_closed": {"es": "{supplier} {month} ya se cerró el {date}{forced}",
                       "en": "{supplier} {month} was already closed on {date}{forced}"},
    "forced_mark": {"es": " (forzado)", "en": " (forced)"},
    "opened": {"es": "{count} reclamación(es) nueva(s) de {supplier} {month}; {credits} cambio(s) por abonos "
                     "vistos en sus facturas",
               "en": "{count} new dispute(s) for {supplier} {month}; {credits} change(s) from credits seen on its "
                     "invoices"},
    "unmatched_credit": {"es": "abono de la línea {line} de la factura {invoice} ({amount}) sin reclamación "
                               "que pague",
                         "en": "credit on line {line} of invoice {invoice} ({amount}) pays no dispute"},
    "changed": {"es": "{dispute}: {old} → {new} ({date})", "en": "{dispute}: {old} → {new} ({date})"},
    "register_summary": {"es": "Abiertas: {count}, reclamado {claimed}. En riesgo de vencer en {days} días "
                               "(sin presentar): {at_risk}",
                         "en": "Open: {count}, claimed {claimed}. At risk of expiring within {days} days "
                               "(not submitted): {at_risk}"},
}

_MONEY = ("amount_claimed", "amount_accepted", "amount_credited", "amount", "billed_net", "expected_net",
          "to_pay_gross", "withheld_gross")
_DATES = ("status_date", "submitted_on", "deadline", "closed_at")
_FLAGS = ("at_risk", "expired", "forced")


def word(key: str, lang: str, **values: object) -> str:
    """The dispute text `key` in `lang`, with `values` filled in."""
    return WORDS[key][check_lang(lang)].format(**values)


def status_name(status: str, lang: str) -> str:
    """The name of a dispute status in `lang`."""
    return STATUS_NAMES[status][check_lang(lang)]


def heading(column: str, lang: str) -> str:
    """The column heading in `lang`; the column's own name when it has none."""
    entry = HEADINGS.get(column)
    return entry[check_lang(lang)] if entry else column


def _missing(value: object) -> bool:
    try:
        return value is None or bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def cell(column: str, value: Any, lang: str, currency: str = "EUR") -> str:
    """One value of a register or close table as a person reads it in `lang`."""
    if _missing(value):
        return ""
    if column in _MONEY:
        return format_money(Decimal(value) if not isinstance(value, Decimal) else value, lang, currency)
    if column in _DATES and isinstance(value, date):
        return format_date(value, lang)
    if column in _FLAGS:
        return word("yes" if value else "no", lang)
    if column == "status":
        return status_name(str(value), lang)
    if column == "check":
        from ccanalysis.i18n.audit import check_name

        return check_name(str(value), lang)
    if column in ("aging_days", "days_to_deadline"):
        return str(int(value))
    return str(value)


def table(frame: pd.DataFrame, lang: str, currency: str = "EUR") -> pd.DataFrame:
    """`frame` with worded headings and cells (for the screen; CSV and JSON keep codes and exact values)."""
    return pd.DataFrame({heading(c, lang): [cell(c, v, lang, currency) for v in frame[c]] for c in frame.columns})


def pending_text(item: Pending, lang: str, currency: str = "EUR") -> str:
    """One sentence in `lang` saying what is pending (reference, line, amount in `currency`, status)."""
    amount = format_money(item.amount, lang, currency) if item.amount is not None else ""
    status = status_name(item.status, lang) if item.status else ""
    return word(item.kind, lang, ref=item.ref, line=item.line, amount=amount, status=status)


def statement_lines(statement: CloseStatement, lang: str) -> list[str]:
    """The close statement as lines of text (the open disputes are a table after them, see `table`)."""
    def money(value: Decimal) -> str:
        return format_money(value, lang, statement.currency)

    s = statement
    lines = [word("close_title", lang, month=s.month, supplier=s.supplier),
             word("invoices", lang, ids=", ".join(s.invoice_ids)) if s.invoice_ids else word("no_invoice", lang),
             word("billed", lang, net=money(s.billed_net), tax=money(s.billed_tax), gross=money(s.billed_gross)),
             word("expected", lang, net=money(s.expected_net), tax=money(s.expected_tax),
                  gross=money(s.expected_gross)),
             word("agreed", lang, amount=money(s.agreed)),
             word("credits", lang, amount=money(s.credits_received)),
             word("withheld", lang, net=money(s.withheld_net), tax=money(s.withheld_tax),
                  gross=money(s.withheld_gross)),
             word("to_pay", lang, amount=money(s.to_pay_gross))]
    if s.pending:
        lines.append(word("pending", lang, count=len(s.pending)))
        lines += [f"  - {pending_text(p, lang, s.currency)}" for p in s.pending]
    return lines


def summary(counts: Mapping[str, object], lang: str, currency: str = "EUR") -> str:
    """The line under the register table: open disputes, claimed, money at risk."""
    return word("register_summary", lang, count=counts["count"], days=counts["days"],
                claimed=format_money(counts["claimed"], lang, currency),
                at_risk=format_money(counts["at_risk"], lang, currency))
