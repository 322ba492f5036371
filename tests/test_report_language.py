"""Every section of every report notebook, rendered for the demo in Spanish and in English, holds no phrase of
the other language: headings, tables, narratives, notes and figure texts (ids and the contract's own
descriptions, which are client data, are left out)."""

from __future__ import annotations

import html
import re
from datetime import date

import pytest
from matplotlib.text import Text

from ccanalysis import report, workbook

MONTH = "2026-08"
SUPPLIERS = ("northwind", "southpoint", "eastline")
SUPPLIER_SECTIONS = ("summary_section", "expected_invoice_section", "kpi_section", "near_miss_section",
                     "activity_section", "compliance_section")
PORTFOLIO_SECTIONS = ("portfolio_recovery_section", "portfolio_savings_section", "portfolio_disputes_section",
                      "portfolio_budget_section", "portfolio_channel_section", "portfolio_kpi_section",
                      "portfolio_cost_section")
#: The daily flash's and the simulation's sections (their registries, `report/flash.py`, `report/simulation.py`).
FLASH_SECTIONS = ("summary_section", "suppliers_section", "alerts_section", "budget_section", "charts_section",
                  "month_to_date_section")
SIMULATION_SECTIONS = ("simulation_summary_section", "candidates_section", "comparison_section",
                       "distribution_section", "tornado_section", "break_even_section", "offers_section",
                       "stress_section")
AS_OF = date(2026, 10, 20)  # a day with an alert (northwind care), so its table is checked too
#: The demo's scenario (`ccanalysis demo` writes it): four models and two RFP offers for northwind's care.
SCENARIO = "care_models"
#: Its candidates, charges and bidders (client data, in no language).
SCENARIO_DATA = {"per_logged_hour", "per_productive_minute", "per_contact_tiers", "fixed_plus_variable", "bidder_a",
                 "bidder_b", "Bidder A Contact S.L.", "Bidder B Servicios S.A.", "care_hours", "care_minutes",
                 "care_contacts", "care_fixed", "care_variable", "care_platform", "contacts", "hours_weekday",
                 "hours_weekend", "platform", "parameters/demo/contracts/northwind.yaml",
                 "parameters/demo/scenarios/offers/bidder_a.yaml", "parameters/demo/scenarios/offers/bidder_b.yaml"}

#: Words that give away a phrase of each language (matched as whole words, case-insensitive).
WORDS = {
    "en": ("the", "tier", "tiers", "units", "charge", "charges", "billed", "penalty", "from", "above", "per", "and",
           "of", "with", "day", "days", "net", "cost", "expected", "handled", "contacts", "minimum", "maximum",
           "fee", "met", "invoice", "supplier", "below", "rows", "data"),
    "es": ("el", "la", "los", "las", "del", "y", "tramo", "facturado", "penalización", "importe", "desde", "por",
           "de", "con", "sin", "día", "coste", "esperado", "atendidos", "contactos", "mínimo", "máximo", "cuota",
           "cumple", "proveedor", "factura", "filas", "datos"),
}
OTHER = {"es": "en", "en": "es"}

#: A code shown instead of its words (`productive_minute`, `service_level`, `sla:aht_s`) is in no language.
CODE = re.compile(r"(?<![\w:])[a-z]+(?:_[a-z]+)+(?![\w:])|\bsla:\w+")


@pytest.fixture(scope="module")
def scenario(demo_engagement):
    return SCENARIO


def _client_data(eng) -> list[str]:
    """Ids and the client's own words (names, charge descriptions), longest first."""
    found = {eng.settings.client, SCENARIO, *SCENARIO_DATA}
    for supplier in eng.suppliers:
        contract = eng.contract(supplier)
        found |= {supplier, contract.name}
        found |= {str(c.get("id", "")) for c in contract.compliance}
        # a clause's owner and consequence are the contract's words; an evidence reference is a document's
        found |= {str(c.get(k) or "") for c in contract.compliance for k in ("owner", "consequence")}
    evidence = eng.table("compliance_evidence")
    found |= {str(r) for r in evidence.get("reference", []) if isinstance(r, str)}
    for supplier in eng.suppliers:
        contract = eng.contract(supplier)
        for service in contract.services + [s for v in contract.versions for s in v.services]:
            found |= {service.id, service.name}
            for charge in service.charges:
                found |= {charge["id"], str(charge.get("description") or "")}
        found |= set(workbook.expected_invoice(eng, supplier, MONTH)["charge"])
    return sorted((f for f in found if f), key=len, reverse=True)


def _text(section) -> str:
    page = section._repr_html_()
    page = re.sub(r"<style>.*?</style>", " ", page, flags=re.S)
    page = re.sub(r'src="data:[^"]*"', " ", page)
    page = html.unescape(re.sub(r"<[^>]+>", "\n", page))
    figure_words = [t.get_text() for fig in section.figures for t in fig.findobj(Text)]
    return "\n".join([page, *figure_words])


def _offenders(text: str, lang: str, client_data: list[str]) -> list[str]:
    for item in client_data:
        text = text.replace(item, " ")
    words = WORDS[OTHER[lang]]
    pattern = re.compile(r"(?<!\w)(" + "|".join(map(re.escape, words)) + r")(?!\w)", re.IGNORECASE)
    return [line.strip() for line in text.splitlines() if pattern.search(line) or CODE.search(line)]


def _cases():
    for lang in ("es", "en"):
        for name in SUPPLIER_SECTIONS + PORTFOLIO_SECTIONS + FLASH_SECTIONS + SIMULATION_SECTIONS:
            yield pytest.param(name, lang, id=f"{name}-{lang}")


@pytest.mark.parametrize(("name", "lang"), list(_cases()))
def test_a_section_speaks_one_language(demo_engagement, scenario, name, lang):
    function = getattr(report, name)
    if name in SUPPLIER_SECTIONS:
        sections = [function(demo_engagement, supplier, MONTH, lang) for supplier in SUPPLIERS]
    elif name in FLASH_SECTIONS:
        sections = [function(demo_engagement, AS_OF, lang)]
    elif name in SIMULATION_SECTIONS:
        sections = [function(demo_engagement, scenario, None, None, lang)]
    else:
        sections = [function(demo_engagement, MONTH, lang)]
    client_data = _client_data(demo_engagement)
    offenders = [line for section in sections for line in _offenders(_text(section), lang, client_data)]
    assert not offenders, f"{OTHER[lang]} words in a {lang} report:\n" + "\n".join(offenders[:20])


@pytest.mark.parametrize("lang", ["es", "en"])
def test_the_word_check_catches_the_other_language(lang):
    assert _offenders("Importe facturado por el servicio" if lang == "en" else "The units billed above tier 2",
                      lang, [])
    assert not _offenders("Importe facturado" if lang == "es" else "Amount billed", lang, [])
    mixed = ("Minuto productivo tier 1 — from 75 % below 80 %" if lang == "es"
             else "Productive minute tramo 1 — desde 75% por debajo de 80%")
    assert _offenders(mixed, lang, [])


@pytest.mark.parametrize("code", ["productive_minute", "service_level", "sla:aht_s"])
def test_the_word_check_catches_codes(code):
    assert _offenders(f"care | {code} | 78,31 %", "es", [])
    assert not _offenders("care | 78,31 % | ISO27001;PCI-DSS", "es", [])
