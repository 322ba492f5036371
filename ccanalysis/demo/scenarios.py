"""The demo's payment-model scenario: `parameters/demo/scenarios/care_models.yaml` and two RFP offers.

`care_models` compares four ways of paying northwind's `care` service on its three historic months —
per logged hour (hours from the staffing engine on the contact records, which carry no logged time), per
productive minute (the current contract), per handled contact with graduated tiers, and a fixed fee plus
a variable price per contact with an SLA bonus/penalty — and two bidders' offers
(`scenarios/offers/bidder_a.yaml`: per handled contact, volume tiers; `bidder_b.yaml`: per logged hour,
weekday and weekend prices, plus a platform fee).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from ccanalysis.demo.engagement import MONTHS, TAX_RATE

SCENARIO = "care_models"

def _sl_kpi() -> dict[str, Any]:
    """A fresh mapping each time (a shared one would be written as a YAML anchor)."""
    return {"service_level": {"variant": "offered_less_short_abandons", "threshold_s": 20, "short_abandon_s": 5}}


def _sla(bands: list[dict[str, Any]], penalty_cap: float = 0.10, bonus_cap: float = 0.05) -> dict[str, Any]:
    return {"base": "variable_charges", "start": date(2026, 3, 1), "penalty_cap": penalty_cap,
            "bonus_cap": bonus_cap, "rules": [{"kpi": "service_level", "bands": bands}]}


def care_models() -> dict[str, Any]:
    """The scenario file's content."""
    return {
        "service": "care",
        "supplier": "northwind",
        "basis": {"historic": {"months": f"{MONTHS[0]}..{MONTHS[-1]}"}},
        "candidates": [
            {"id": "per_logged_hour", "service": {
                "charges": [{"id": "care_hours", "description": "Hora logada", "unit": "logged_hour",
                             "model": "per_unit", "unit_price": 16.50}]}},
            {"id": "per_productive_minute", "contract": "contracts/northwind.yaml", "service_id": "care"},
            {"id": "per_contact_tiers", "service": {
                "kpis": _sl_kpi(),
                "charges": [{"id": "care_contacts", "description": "Contacto atendido", "unit": "handled_contact",
                             "model": "graduated", "tiers": [{"up_to": 60000, "unit_price": 2.85},
                                                             {"up_to": None, "unit_price": 2.55}]}]}},
            {"id": "fixed_plus_variable", "service": {
                "kpis": _sl_kpi(),
                "charges": [
                    {"id": "care_fixed", "description": "Cuota fija del servicio", "unit": "month",
                     "model": "fixed", "amount": 90000.0},
                    {"id": "care_variable", "description": "Contacto atendido", "unit": "handled_contact",
                     "model": "per_unit", "unit_price": 1.40},
                ],
                "sla": _sla([{"below": 0.75, "adjustment": -0.06}, {"from": 0.75, "below": 0.80, "adjustment": -0.03},
                             {"from": 0.85, "adjustment": 0.03}])}},
        ],
        "offers": [
            {"id": "bidder_a", "supplier": "Bidder A Contact S.L.", "contract": "scenarios/offers/bidder_a.yaml"},
            {"id": "bidder_b", "supplier": "Bidder B Servicios S.A.", "contract": "scenarios/offers/bidder_b.yaml"},
        ],
        "uncertainty": {"volume": {"distribution": "normal", "sd": 0.08},
                        "aht": {"distribution": "lognormal", "sd": 0.05}, "correlation": 0.3, "per": "month"},
        "staffing": {"sl_target": 0.8, "threshold_s": 20, "shrinkage": 0.3, "max_occupancy": 0.9,
                     "patience_s": None, "interval_s": 1800},
        "sensitivity": 0.10,
        "draws": 10000,
        "seed": 7,
    }


def _offer(supplier: str, name: str, service: dict[str, Any]) -> dict[str, Any]:
    return {"supplier": supplier, "name": name, "currency": "EUR", "tax_rate": float(TAX_RATE),
            "valid_from": date(2026, 1, 1), "payment_terms_days": 60, "services": [service]}


def offers() -> dict[str, dict[str, Any]]:
    """The two RFP offers (contract files) by file name."""
    bidder_a = _offer("bidder_a", "Bidder A Contact S.L.", {
        "id": "care", "name": "Atención al cliente", "channel": "voice",
        "kpis": {"service_level": {"variant": "offered", "threshold_s": 20}},
        "charges": [{"id": "contacts", "description": "Contacto atendido", "unit": "handled_contact",
                     "model": "volume", "tiers": [{"up_to": 60000, "unit_price": 2.80},
                                                  {"up_to": 80000, "unit_price": 2.65},
                                                  {"up_to": None, "unit_price": 2.50}]}],
        "sla": _sla([{"below": 0.78, "adjustment": -0.04}, {"from": 0.88, "adjustment": 0.02}]),
    })
    bidder_b = _offer("bidder_b", "Bidder B Servicios S.A.", {
        "id": "care", "name": "Atención al cliente", "channel": "voice",
        "charges": [
            {"id": "hours_weekday", "description": "Hora logada laborable", "unit": "logged_hour",
             "model": "per_unit", "unit_price": 15.40, "applies_to": {"days": ["weekday"]}},
            {"id": "hours_weekend", "description": "Hora logada fin de semana y festivo", "unit": "logged_hour",
             "model": "per_unit", "unit_price": 18.20, "applies_to": {"days": ["saturday", "sunday", "holiday"]}},
            {"id": "platform", "description": "Cuota plataforma", "unit": "month", "model": "fixed",
             "amount": 2500.0},
        ],
    })
    return {"bidder_a": bidder_a, "bidder_b": bidder_b}


def write_scenarios(params: Path) -> None:
    """Write `scenarios/care_models.yaml` and `scenarios/offers/*.yaml` under the demo's parameters folder."""
    from ccanalysis.demo.files import yaml_text

    folder = params / "scenarios"
    (folder / "offers").mkdir(parents=True, exist_ok=True)
    (folder / f"{SCENARIO}.yaml").write_text(
        yaml_text(care_models(), "Payment models for northwind care (demo; see README, 'Scenario files')"),
        encoding="utf-8")
    for name, contract in offers().items():
        (folder / "offers" / f"{name}.yaml").write_text(
            yaml_text(contract, f"RFP offer of {contract['name']} (demo)"), encoding="utf-8")
