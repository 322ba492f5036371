"""The demo engagement's identity and parameter files: client, suppliers, months, and the three contracts.

`demo_engagement_settings()` is `parameters/demo/engagement.yaml`; `demo_contracts()` the contracts of
`parameters/demo/contracts/`, between them using every charge model of pricing.md, SLA rules and
compliance clauses.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from ccanalysis.errors import UsageError

DEMO_ID = "demo"
DEFAULT_SEED = 20260801
MONTHS: tuple[str, ...] = ("2026-08", "2026-09", "2026-10")
SUPPLIERS: tuple[str, ...] = ("northwind", "southpoint", "eastline")
CLIENT = "Demo Utilities S.A."
TAX_RATE = Decimal("0.21")


def supplier_id(index: int) -> str:
    """The id of the `index`-th (0-based) demo supplier: a base supplier, then numbered copies."""
    base, copy = SUPPLIERS[index % len(SUPPLIERS)], index // len(SUPPLIERS)
    return base if copy == 0 else f"{base}{copy + 1}"


def base_supplier(supplier: str) -> str:
    """The demo supplier whose contract and patterns `supplier` copies (itself for a base supplier)."""
    for base in SUPPLIERS:
        if supplier == base or (supplier.startswith(base) and supplier[len(base):].isdigit()):
            return base
    raise UsageError(f"{supplier!r} is not a demo supplier; they are {', '.join(SUPPLIERS)} and their copies")


def copy_number(supplier: str) -> int:
    """0 for a base supplier, k - 1 for its k-th copy (`northwind2` -> 1)."""
    suffix = supplier[len(base_supplier(supplier)):]
    return int(suffix) - 1 if suffix else 0


def base_month(month: str) -> str:
    """The demo month whose per-month targets `month` takes (they cycle every three months from 2026-08)."""
    first = MONTHS[0]
    offset = (int(month[:4]) - int(first[:4])) * 12 + int(month[5:7]) - int(first[5:7])
    return MONTHS[offset % len(MONTHS)]


def base_months(months: Sequence[str]) -> list[str]:
    """`base_month` of each month (the calendar's month column, say)."""
    cache = {m: base_month(m) for m in set(months)}
    return [cache[m] for m in months]


def _sl_kpi(variant: str, threshold_s: int, short_abandon_s: int | None = None) -> dict[str, Any]:
    setting: dict[str, Any] = {"variant": variant, "threshold_s": threshold_s}
    if short_abandon_s is not None:
        setting["short_abandon_s"] = short_abandon_s
    return {"service_level": setting}


def _sla(rules: list[dict[str, Any]], penalty_cap: float = 0.10, bonus_cap: float = 0.05) -> dict[str, Any]:
    return {"base": "variable_charges", "start": date(2026, 3, 1), "penalty_cap": penalty_cap,
            "bonus_cap": bonus_cap, "rules": rules}


def _chat_service(session_price: float) -> dict[str, Any]:
    return {
        "id": "chat", "name": "Chat web", "channel": "chat",
        "kpis": _sl_kpi("handled", 60),
        "charges": [
            {"id": "chat_sessions", "description": "Sesión de chat atendida", "unit": "handled_contact",
             "model": "per_unit", "unit_price": session_price},
            {"id": "chat_licences", "description": "Licencias plataforma chat", "unit": "month",
             "model": "fixed", "amount": 750.0},
        ],
        "sla": _sla([{"kpi": "service_level", "bands": [{"below": 0.80, "adjustment": -0.03},
                                                       {"from": 0.90, "adjustment": 0.01}]}]),
    }


#: The billing service's billing-care settings (contract `services[billing].billing_care`).
BILLING_CARE: dict[str, Any] = {
    "discount_authority": {"default": 50.0, "agents": {"A017": 150.0, "A023": 120.0}},
    "retention_reasons": ["cancellation_threat"], "repeat_discount_months": 6,
}
#: The retention fee: earned per retained customer still a customer 30 days after the contact.
RETENTION_FEE: dict[str, Any] = {
    "id": "retention_fee", "description": "Cliente retenido", "unit": "retained_customer", "model": "per_unit",
    "unit_price": 20.0, "retention_window_days": 30,
}


def demo_contracts() -> dict[str, dict[str, Any]]:
    """The three demo contracts as plain mappings (what the YAML files hold)."""
    common = {"currency": "EUR", "tax_rate": float(TAX_RATE), "valid_from": date(2026, 1, 1), "valid_to": None,
              "billing_cycle": {"cutoff_day": None}}
    northwind = {
        "supplier": "northwind", "name": "Northwind Contact Services S.L.", **common,
        "payment_terms_days": 60, "dispute_window_days": 90, "withholding_rate": 0,
        "minimum_commitment": {"amount": 230000.0},
        "services": [
            {"id": "care", "name": "Atención al cliente", "channel": "voice",
             "kpis": _sl_kpi("offered_less_short_abandons", 20, 5),
             "charges": [
                 {"id": "care_minutes", "description": "Minuto productivo", "unit": "productive_minute",
                  "model": "graduated", "rounding": {"increment_s": 6, "minimum_s": 30},
                  "tiers": [{"up_to": 250000, "unit_price": 0.55}, {"up_to": None, "unit_price": 0.50}]},
                 {"id": "care_platform", "description": "Cuota plataforma", "unit": "month", "model": "fixed",
                  "amount": 1500.0},
             ],
             "sla": _sla([
                 {"kpi": "service_level", "bands": [{"below": 0.75, "adjustment": -0.05},
                                                    {"from": 0.75, "below": 0.80, "adjustment": -0.02},
                                                    {"from": 0.85, "adjustment": 0.02}]},
                 {"kpi": "aht_s", "linear": {"target": 300, "per_unit": -0.001, "worse": "above",
                                             "min": -0.03, "max": 0}},
             ])},
            {"id": "billing", "name": "Consultas de facturación", "channel": "voice",
             "kpis": _sl_kpi("offered_less_short_abandons", 20, 5),
             "charges": [
                 {"id": "billing_contacts", "description": "Consulta de facturación atendida",
                  "unit": "handled_contact", "model": "volume",
                  "tiers": [{"up_to": 20000, "unit_price": 2.10}, {"up_to": 30000, "unit_price": 1.95},
                            {"up_to": None, "unit_price": 1.80}]},
                 {"id": "billing_reporting", "description": "Informes y cuadro de mando", "unit": "month",
                  "model": "fixed", "amount": 600.0},
                 dict(RETENTION_FEE),
             ],
             "billing_care": copy.deepcopy(BILLING_CARE),
             "sla": _sla([{"kpi": "service_level", "bands": [{"below": 0.78, "adjustment": -0.03},
                                                            {"from": 0.85, "adjustment": 0.02}]}],
                         penalty_cap=0.08, bonus_cap=0.04)},
        ],
        "compliance": [
            {"id": "attrition", "kpi": "attrition_rate", "max": 0.05},
            {"id": "training", "kpi": "training_hours_per_head", "min": 8},
            {"id": "iso27001", "certification": "ISO27001"},
            {"id": "quality_area", "evidence": "qa_score", "min": 85},
            {"id": "security", "max_incidents": 0},
            *_controls("Responsable de seguridad de Northwind", {"privileged_access_by_seat": 1500.0}),
        ],
    }
    southpoint = {
        "supplier": "southpoint", "name": "Southpoint Outsourcing S.A.", **common,
        "payment_terms_days": 75, "dispute_window_days": 60,
        "services": [
            {"id": "sales", "name": "Venta telefónica (emisión)", "channel": "outbound",
             "kpis": {"abandonment_rate": {"variant": "offered"}},
             "charges": [
                 {"id": "sales_hours_weekday", "description": "Hora logada laborable", "unit": "logged_hour",
                  "model": "per_unit", "unit_price": 21.50, "applies_to": {"days": ["weekday"]}},
                 {"id": "sales_hours_weekend", "description": "Hora logada fin de semana y festivo",
                  "unit": "logged_hour", "model": "per_unit", "unit_price": 25.80,
                  "applies_to": {"days": ["saturday", "sunday", "holiday"]}},
                 {"id": "sales_success", "description": "Comisión por venta", "unit": "sale",
                  "model": "per_unit", "unit_price": 9.00},
             ],
             "sla": _sla([{"kpi": "abandonment_rate", "bands": [{"from": 0.03, "adjustment": -0.03}]}],
                         penalty_cap=0.05, bonus_cap=0.0)},
            {"id": "collections", "name": "Recobro de impagados", "channel": "outbound",
             "kpis": {"abandonment_rate": {"variant": "offered"}},
             "charges": [
                 {"id": "collections_fee", "description": "Comisión sobre importe recobrado",
                  "unit": "collected_amount", "model": "percentage", "rate": 0.10, "minimum": 30000.0},
                 {"id": "collections_bonus", "description": "Incentivo de recobro sobre objetivo",
                  "unit": "collected_amount", "model": "graduated_percentage",
                  "tiers": [{"up_to": 350000, "rate": 0}, {"up_to": None, "rate": 0.03}]},
             ],
             "sla": _sla([{"kpi": "collections_recovery_rate",
                           "bands": [{"below": 0.15, "adjustment": -0.03}, {"from": 0.22, "adjustment": 0.02}]}])},
        ],
        "compliance": [
            {"id": "attrition", "kpi": "attrition_rate", "max": 0.08},
            {"id": "training", "kpi": "training_hours_per_head", "min": 6},
            {"id": "iso27001", "certification": "ISO27001"},
            {"id": "pci_dss", "certification": "PCI-DSS"},
            {"id": "quality_area", "evidence": "qa_score", "min": 80},
            {"id": "security", "max_incidents": 0},
            *_controls("Director de sistemas de Southpoint", {}),
        ],
    }
    eastline = {
        "supplier": "eastline", "name": "Eastline BPO S.L.U.", **common,
        "payment_terms_days": 30, "dispute_window_days": 90,
        "services": [
            {"id": "email", "name": "Back office correo electrónico", "channel": "email",
             "kpis": _sl_kpi("handled", 28800),
             "charges": [
                 {"id": "email_packages", "description": "Paquete de 50 correos gestionados",
                  "unit": "handled_contact", "model": "package", "package_size": 50, "package_price": 60.00},
                 {"id": "email_capacity", "description": "Equipo dedicado back office", "model": "capacity",
                  "dimensions": ["fte"], "fte_hours": 147,
                  "tiers": [{"limits": {"fte": 18}, "price": 9000.0}, {"limits": {"fte": 22}, "price": 11000.0},
                            {"limits": {"fte": None}, "price": 13500.0}]},
                 {"id": "email_platform", "description": "Cuota gestión documental", "unit": "month",
                  "model": "fixed", "amount": 1200.0, "prorate": False},
             ],
             "sla": _sla([{"kpi": "service_level", "bands": [{"below": 0.90, "adjustment": -0.05},
                                                            {"from": 0.97, "adjustment": 0.01}]}])},
            _chat_service(1.10),
        ],
        "compliance": [
            {"id": "attrition", "kpi": "attrition_rate", "max": 0.05},
            {"id": "training", "kpi": "training_hours_per_head", "min": 8},
            {"id": "iso27001", "certification": "ISO27001"},
            {"id": "quality_area", "evidence": "qa_score", "min": 85},
            {"id": "security", "max_incidents": 0},
            *_controls("Responsable de cumplimiento de Eastline", {"per_agent_passwords": 500.0}),
        ],
        # October 2026: CPI indexation of the chat session price (+3 %, 1.10 -> 1.13).
        "versions": [{"valid_from": date(2026, 10, 1), "services": [_chat_service(1.13)]}],
    }
    return {"northwind": northwind, "southpoint": southpoint, "eastline": eastline}


#: The cybersecurity controls and the QA area every demo contract requires (the seed topic "contract").
CONTROLS = ("firewall", "antivirus", "vpn", "vlan_segmentation", "per_agent_passwords", "privileged_access_by_seat",
            "qa_area")


def _controls(owner: str, penalties: dict[str, float]) -> list[dict[str, Any]]:
    """One `control` clause per control, owned by `owner`, with a monthly penalty where `penalties` sets one."""
    return [{"id": name, "control": name, "owner": owner,
             **({"penalty": penalties[name]} if name in penalties else {})} for name in CONTROLS]


#: What backs the demo's controls and certificates: northwind's ISO 27001 certificate expires on 2026-11-20
#: (flagged from the September report on), the client's audit of 2026-09-10 found its privileged access not
#: per seat, and eastline declares no per-agent passwords.
EVIDENCE_EXCEPTIONS = {("northwind", "privileged_access_by_seat"): ("client_audit", "2026-09-10", False, "AUD-2026-031"),
                       ("eastline", "per_agent_passwords"): ("declaration", "2026-07-15", False, None)}
CERTIFICATES = {("northwind", "iso27001"): ("2025-11-21", "2026-11-20", "AENOR SI-0123/2025"),
                ("southpoint", "iso27001"): ("2024-07-01", "2027-06-30", "BV ES-27001-884")}


def compliance_evidence(suppliers: tuple[str, ...] = SUPPLIERS) -> list[dict[str, Any]]:
    """The rows of `compliance_evidence.csv`: each supplier's declaration of 2026-07-15 for every control, the
    client's audits and the certificates above (a copy of a demo supplier has the evidence of the one it
    copies)."""
    rows = []
    for supplier in suppliers:
        for name in CONTROLS:
            source, day, in_place, reference = EVIDENCE_EXCEPTIONS.get((base_supplier(supplier), name),
                                                                      ("declaration", "2026-07-15", True, None))
            if source != "declaration":  # the declaration came first; the audit contradicts it
                rows.append({"supplier": supplier, "clause": name, "date": "2026-07-15", "in_place": "yes",
                             "source": "declaration"})
            rows.append({"supplier": supplier, "clause": name, "date": day, "in_place": "yes" if in_place else "no",
                         "source": source, "reference": reference})
    certified = [(supplier, clause, dates) for supplier in suppliers
                 for (base, clause), dates in CERTIFICATES.items() if base == base_supplier(supplier)]
    for supplier, clause, (issued, until, reference) in certified:
        rows.append({"supplier": supplier, "clause": clause, "date": issued, "in_place": "yes", "source": "certificate",
                     "reference": reference, "valid_until": until})
    return rows


def supplier_contract(supplier: str) -> dict[str, Any]:
    """The contract of a demo supplier or of a copy of one (`northwind2`: northwind's terms, its own id and
    name)."""
    base = base_supplier(supplier)
    contract = demo_contracts()[base]
    if supplier == base:
        return contract
    return {**contract, "supplier": supplier, "name": f"{contract['name']} ({copy_number(supplier) + 1})"}


def demo_engagement_settings(suppliers: tuple[str, ...] = SUPPLIERS) -> dict[str, Any]:
    """engagement.yaml of the demo (data.md)."""
    return {"id": DEMO_ID, "client": CLIENT, "currency": "EUR", "lang": "es", "holidays": "ES",
            "suppliers": list(suppliers), "tolerances": {"amount_abs": 0.01, "quantity_rel": 0},
            "alerts": {"daily_deviation": 0.10, "cumulative_deviation": 0.05}}

