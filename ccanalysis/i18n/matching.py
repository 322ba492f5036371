"""The words of `ccanalysis match` (how billed lines are matched), in Spanish and English."""

from __future__ import annotations

from ccanalysis.i18n import check_lang

METHODS = {
    "ids": {"es": "ids del proveedor", "en": "supplier's ids"},
    "rule": {"es": "regla", "en": "rule"},
    "learned": {"es": "aprendido", "en": "learned"},
    "human": {"es": "decisión", "en": "decision"},
    None: {"es": "sin casar", "en": "unmatched"},
}
SENTENCES = {
    "recorded": {
        "es": "Decisión registrada: {supplier} factura {invoice_id} línea {line} ({description}) → {what}; "
              "la próxima auditoría la usa. Registro: {file}",
        "en": "Decision recorded: {supplier} invoice {invoice_id} line {line} ({description}) → {what}; "
              "the next audit uses it. Register: {file}",
    },
}


def method_label(method: str | None, lang: str) -> str:
    """How a line was matched, in words."""
    return METHODS[method][check_lang(lang)]


def recorded(lang: str, **values: object) -> str:
    """The confirmation printed after a decision is appended."""
    return SENTENCES["recorded"][check_lang(lang)].format(**values)
