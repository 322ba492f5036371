"""The demo engagement: a client, three suppliers, three months of activity and the suppliers' invoices.

`build_demo(root)` writes `parameters/demo/` and `data/demo/` under `root`:

- three contracts that between them use every charge model of pricing.md (per_unit, graduated, volume,
  package, percentage, graduated_percentage, capacity, fixed), SLA rules and compliance clauses;
- activity for 2026-08..2026-10 with weekday / Saturday / Sunday / Spanish-holiday patterns: daily rows,
  30-minute interval rows (eastline chat) and >= 200,000 contact records (northwind care, Parquet);
- plan, budget and workforce tables;
- each supplier's invoices in its own style, with realistic injected errors recorded in
  `data/demo/truth/injected_errors.csv` so an audit can be scored.

Everything is drawn from one seeded numpy Generator: two runs with the same seed give byte-identical
files. Files are written to a temporary folder first and moved into place, so a failure leaves nothing
half-written. `render_invoice` is pure (DataFrame in, DataFrame and error records out).
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import holidays as holiday_calendars
import numpy as np
import pandas as pd
import yaml

from ccanalysis.money import round_half_up, to_decimal

DEMO_ID = "demo"
DEFAULT_SEED = 20260801
MONTHS: tuple[str, ...] = ("2026-08", "2026-09", "2026-10")
SUPPLIERS: tuple[str, ...] = ("northwind", "southpoint", "eastline")
CLIENT = "Demo Utilities S.A."
TAX_RATE = Decimal("0.21")

#: Weekday-equivalent contact volume of northwind care (contacts per weekday at month factor 1).
CARE_WEEKDAY_CONTACTS = 3200

#: Volume factor of each day class, and of each weekday (Monday first), and of each month.
WEEKDAY_SHAPE = (1.12, 1.04, 1.00, 0.97, 0.90)
MONTH_FACTOR = {"2026-08": 0.88, "2026-09": 1.00, "2026-10": 1.03}

#: 30-minute slots 08:00-22:00 and their share of the day's contacts (peaks late morning and afternoon).
OPEN_FROM_H = 8
SLOTS = 28
_SLOT_WEIGHTS = np.array([2, 3, 5, 6, 7, 7, 7, 6, 5, 4, 4, 4, 5, 5, 5, 6, 6, 6, 5, 5, 4, 4, 3, 3, 2, 2, 2, 1],
                         dtype=float)
SLOT_PROFILE = _SLOT_WEIGHTS / _SLOT_WEIGHTS.sum()

INVOICE_COLUMNS = ["invoice_id", "issue_date", "period_start", "period_end", "line", "service", "charge",
                   "description", "quantity", "unit", "unit_price", "amount", "tax_rate", "total_net",
                   "total_tax", "total_gross"]
ERROR_CHECKS = ("quantity", "unit_price", "arithmetic", "duplicate", "missing_sla_penalty", "not_in_contract",
                "totals", "tier")
TRUTH_COLUMNS = ["supplier", "month", "line", "check", "difference"]

#: Which errors each supplier-month invoice carries (empty = a clean invoice).
DEFAULT_ERRORS: dict[tuple[str, str], tuple[str, ...]] = {
    ("northwind", "2026-08"): ("quantity", "missing_sla_penalty"),
    ("northwind", "2026-09"): (),
    ("northwind", "2026-10"): ("duplicate", "tier"),
    ("southpoint", "2026-08"): ("arithmetic", "not_in_contract"),
    ("southpoint", "2026-09"): ("totals",),
    ("southpoint", "2026-10"): ("quantity",),
    ("eastline", "2026-08"): (),
    ("eastline", "2026-09"): ("duplicate", "missing_sla_penalty"),
    ("eastline", "2026-10"): ("unit_price", "arithmetic"),
}


# =========================================================================== calendar
def _month_bounds(month: str) -> tuple[date, date]:
    start = date(int(month[:4]), int(month[5:7]), 1)
    nxt = date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return start, nxt - timedelta(days=1)


def demo_calendar(months: Sequence[str] = MONTHS) -> pd.DataFrame:
    """One row per date: date, month, weekday (0 = Monday) and day class (holiday, saturday, sunday, weekday).

    Holidays are Spain's national holidays (`holidays.country_holidays("ES")`): 2026-08-15 (a Saturday,
    so class holiday) and 2026-10-12 (a Monday).
    """
    first, _ = _month_bounds(months[0])
    _, last = _month_bounds(months[-1])
    days = pd.date_range(first, last, freq="D")
    es = holiday_calendars.country_holidays("ES", years=sorted({d.year for d in days}))
    dates = [d.date() for d in days]
    weekday = days.day_of_week.to_numpy()
    is_holiday = np.array([d in es for d in dates])
    day_class = np.where(is_holiday, "holiday",
                         np.where(weekday == 5, "saturday", np.where(weekday == 6, "sunday", "weekday")))
    return pd.DataFrame({"date": dates, "month": [d.strftime("%Y-%m") for d in dates],
                         "weekday": weekday, "day_class": day_class})


def _volume_factor(cal: pd.DataFrame, day_factors: Mapping[str, float]) -> np.ndarray:
    """Relative volume per calendar day: day class × weekday shape × month factor (0 = closed)."""
    cls = cal["day_class"].map(day_factors).to_numpy(dtype=float)
    shape = np.where(cal["day_class"].to_numpy() == "weekday",
                     np.array(WEEKDAY_SHAPE + (1.0, 1.0))[cal["weekday"].to_numpy()], 1.0)
    month = cal["month"].map(MONTH_FACTOR).to_numpy(dtype=float)
    return cls * shape * month


# =========================================================================== service profiles
_M = MONTHS


def _per_month(*values: float) -> dict[str, float]:
    return dict(zip(_M, values, strict=True))


#: Daily-row services. kind: inbound (queue), outbound (dialler), backoffice (e-mail, no abandons).
DAILY_SERVICES: dict[tuple[str, str], dict[str, Any]] = {
    ("northwind", "billing"): dict(
        kind="inbound", offered=1150, days={"weekday": 1.0, "saturday": 0.4, "sunday": 0.0, "holiday": 0.0},
        aht=_per_month(236, 242, 247), sl=_per_month(0.866, 0.772, 0.826), abandon=_per_month(0.035, 0.07, 0.05),
        occupancy=(0.82, 0.88), split=(0.74, 0.08), qa=_per_month(87.0, 86.0, 83.6), csat=4.1, fcr=0.74),
    ("southpoint", "sales"): dict(
        kind="outbound", offered=8800, days={"weekday": 1.0, "saturday": 0.5, "sunday": 0.35, "holiday": 0.4},
        contact_rate=0.32, aht=_per_month(298, 301, 296), abandon=_per_month(0.025, 0.036, 0.021),
        occupancy=(0.80, 0.86), split=(0.80, 0.03), qa=_per_month(84.0, 85.5, 86.0), csat=3.8, fcr=0.55,
        conversion=_per_month(0.043, 0.045, 0.05)),
    ("southpoint", "collections"): dict(
        kind="outbound", offered=1250, days={"weekday": 1.0, "saturday": 0.4, "sunday": 0.0, "holiday": 0.0},
        contact_rate=0.32, aht=_per_month(244, 238, 236), abandon=_per_month(0.012, 0.015, 0.011),
        occupancy=(0.80, 0.86), split=(0.78, 0.06), qa=_per_month(82.0, 78.0, 83.0), csat=3.5, fcr=0.5,
        placed_per_contact=180.0, recovery=_per_month(0.14, 0.19, 0.235)),
    ("eastline", "email"): dict(
        kind="backoffice", offered=930, days={"weekday": 1.0, "saturday": 0.35, "sunday": 0.0, "holiday": 0.0},
        handled_share=0.97, aht=_per_month(430, 420, 415), sl=_per_month(0.88, 0.93, 0.985),
        response_h=_per_month(6.5, 4.0, 2.5), occupancy=(0.82, 0.88), split=(0.85, 0.0),
        qa=_per_month(88.0, 89.0, 90.0), csat=4.0, fcr=0.8),
}

#: Interval service (30-minute rows, every day of the three months).
CHAT = dict(supplier="eastline", service="chat", offered=1500,
            days={"weekday": 1.0, "saturday": 0.6, "sunday": 0.45, "holiday": 0.5},
            aht=_per_month(520, 510, 505), sl=_per_month(0.85, 0.775, 0.925), abandon=_per_month(0.05, 0.08, 0.04),
            occupancy=(0.80, 0.88), split=(0.80, 0.05), qa=_per_month(86.0, 86.5, 87.0), csat=4.2, fcr=0.7)

#: Contact-record service (northwind care): monthly AHT and service level targets.
CARE = dict(days={"weekday": 1.0, "saturday": 0.45, "sunday": 0.25, "holiday": 0.3},
            aht=_per_month(296, 304, 312), sl=_per_month(0.772, 0.825, 0.868), patience_s=150.0,
            hold_share=0.3, hold_mean_s=60.0, acw_mean_s=40.0, qa=_per_month(86.0, 87.0, 88.0))


# =========================================================================== contracts
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
             ],
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
        ],
        # October 2026: CPI indexation of the chat session price (+3 %, 1.10 -> 1.13).
        "versions": [{"valid_from": date(2026, 10, 1), "services": [_chat_service(1.13)]}],
    }
    return {"northwind": northwind, "southpoint": southpoint, "eastline": eastline}


def demo_engagement_settings() -> dict[str, Any]:
    """engagement.yaml of the demo (data.md)."""
    return {"id": DEMO_ID, "client": CLIENT, "currency": "EUR", "lang": "es", "holidays": "ES",
            "suppliers": list(SUPPLIERS), "tolerances": {"amount_abs": 0.01, "quantity_rel": 0},
            "alerts": {"daily_deviation": 0.10, "cumulative_deviation": 0.05}}


def _yaml_text(data: Mapping[str, Any], header: str) -> str:
    body = yaml.safe_dump(dict(data), sort_keys=False, default_flow_style=None, allow_unicode=True, width=110)
    return f"# {header}\n{body}"


# =========================================================================== activity
def _jitter(rng: np.random.Generator, n: int, sd: float) -> np.ndarray:
    return np.exp(rng.normal(0.0, sd, n))


def _split_seconds(productive: np.ndarray, split: tuple[float, float]) -> tuple[np.ndarray, ...]:
    """Whole-second talk, hold and ACW totals adding up to the rounded productive time."""
    total = np.rint(productive).astype(np.int64)
    talk = np.rint(total * split[0]).astype(np.int64)
    hold = np.rint(total * split[1]).astype(np.int64)
    return talk, hold, total - talk - hold


def _queue_rows(rng: np.random.Generator, offered: np.ndarray, months: np.ndarray, p: Mapping[str, Any],
                *, variant: str) -> dict[str, np.ndarray]:
    """Queue counts for inbound rows: abandons, short abandons, answered within the SL threshold, wait."""
    n = offered.size
    rate = np.clip(np.array([p["abandon"][m] for m in months]) + rng.normal(0, 0.01, n), 0.003, 0.3)
    abandoned = rng.binomial(offered, rate)
    handled = offered - abandoned
    short = rng.binomial(abandoned, 0.35)
    within = short + rng.binomial(abandoned - short, 0.25)
    sl = np.clip(np.array([p["sl"][m] for m in months]) + rng.normal(0, 0.03, n), 0.3, 0.995)
    base = handled if variant == "handled" else offered - short
    answered_within = np.minimum(handled, np.rint(sl * base).astype(np.int64))
    asa = 4.0 + 90.0 * (1.0 - sl)
    return {"handled": handled, "abandoned": abandoned, "abandoned_short": short,
            "answered_within_sl": answered_within, "abandoned_within_sl": within,
            "wait_s": np.rint(handled * asa).astype(np.int64)}


def _time_and_quality(rng: np.random.Generator, handled: np.ndarray, months: np.ndarray,
                      p: Mapping[str, Any]) -> dict[str, Any]:
    n = handled.size
    aht = np.array([p["aht"][m] for m in months]) * _jitter(rng, n, 0.03)
    talk, hold, acw = _split_seconds(handled * aht, p["split"])
    occupancy = rng.uniform(p["occupancy"][0], p["occupancy"][1], n)
    productive = talk + hold + acw
    logged = np.where(productive > 0, np.rint(productive / occupancy), 1800).astype(np.int64)
    aux = np.rint(logged * rng.uniform(0.05, 1.0 - occupancy - 0.02)).astype(np.int64)
    qa = np.clip(np.array([p["qa"][m] for m in months]) + rng.normal(0, 1.5, n), 0, 100)
    csat = np.clip(p["csat"] + rng.normal(0, 0.15, n), 1, 5)
    return {"talk_s": talk, "hold_s": hold, "acw_s": acw, "logged_s": logged, "aux_s": aux,
            "resolved_first_contact": rng.binomial(handled, p["fcr"]),
            "qa_score": np.round(qa, 1), "csat": np.round(csat, 2)}


ACTIVITY_COLUMNS = ["date", "supplier", "service", "offered", "handled", "abandoned", "abandoned_short",
                    "answered_within_sl", "abandoned_within_sl", "wait_s", "talk_s", "hold_s", "acw_s",
                    "logged_s", "aux_s", "resolved_first_contact", "sales", "collected_amount",
                    "placed_amount", "qa_score", "csat"]


def daily_activity(rng: np.random.Generator, cal: pd.DataFrame, supplier: str, service: str,
                   p: Mapping[str, Any]) -> pd.DataFrame:
    """Daily activity rows of one service (days the service is closed have no row)."""
    factor = _volume_factor(cal, p["days"])
    open_days = cal[factor > 0].reset_index(drop=True)
    factor = factor[factor > 0]
    n = len(open_days)
    months = open_days["month"].to_numpy()
    offered = rng.poisson(p["offered"] * factor * _jitter(rng, n, 0.06)).astype(np.int64)
    if p["kind"] == "inbound":
        counts = _queue_rows(rng, offered, months, p, variant="offered_less_short_abandons")
    elif p["kind"] == "outbound":
        handled = rng.binomial(offered, p["contact_rate"])
        drop = np.clip(np.array([p["abandon"][m] for m in months]) / (1 - p["contact_rate"])
                       + rng.normal(0, 0.003, n), 0, 1)
        abandoned = rng.binomial(offered - handled, drop)
        counts = {"handled": handled, "abandoned": abandoned, "abandoned_short": abandoned,
                  "answered_within_sl": handled, "abandoned_within_sl": abandoned,
                  "wait_s": handled.copy()}
    else:  # back office: items worked that day; no abandons; SL = share answered within 8 h of arrival
        handled = rng.binomial(offered, p["handled_share"])
        sl = np.clip(np.array([p["sl"][m] for m in months]) + rng.normal(0, 0.02, n), 0.5, 1.0)
        response = np.array([p["response_h"][m] for m in months]) * 3600 * _jitter(rng, n, 0.1)
        counts = {"handled": handled, "abandoned": np.zeros(n, np.int64), "abandoned_short": np.zeros(n, np.int64),
                  "answered_within_sl": np.minimum(handled, np.rint(sl * handled).astype(np.int64)),
                  "abandoned_within_sl": np.zeros(n, np.int64),
                  "wait_s": np.rint(handled * response).astype(np.int64)}
    extra = _time_and_quality(rng, counts["handled"], months, p)
    sales = np.zeros(n, np.int64)
    collected = np.zeros(n)
    placed = np.zeros(n)
    if "conversion" in p:
        sales = rng.binomial(counts["handled"], np.array([p["conversion"][m] for m in months]))
    if "recovery" in p:
        placed = np.round(counts["handled"] * p["placed_per_contact"] * _jitter(rng, n, 0.08), 2)
        recovery = np.array([p["recovery"][m] for m in months]) * _jitter(rng, n, 0.05)
        collected = np.round(placed * recovery, 2)
    frame = pd.DataFrame({"date": open_days["date"], "supplier": supplier, "service": service,
                          "offered": offered, **counts, **extra, "sales": sales,
                          "collected_amount": collected, "placed_amount": placed})
    return frame[ACTIVITY_COLUMNS]


def interval_activity(rng: np.random.Generator, cal: pd.DataFrame, p: Mapping[str, Any]) -> pd.DataFrame:
    """30-minute interval rows (08:00-22:00, every day) of the chat service, with the day's UTC offset."""
    factor = _volume_factor(cal, p["days"])
    day_mean = p["offered"] * factor * _jitter(rng, len(cal), 0.06)
    mean = (day_mean[:, None] * SLOT_PROFILE[None, :]).ravel()
    n = mean.size
    offered = rng.poisson(mean * _jitter(rng, n, 0.1)).astype(np.int64)
    day_index = np.repeat(np.arange(len(cal)), SLOTS)
    months = cal["month"].to_numpy()[day_index]
    counts = _queue_rows(rng, offered, months, p, variant="handled")
    extra = _time_and_quality(rng, counts["handled"], months, p)
    minutes = OPEN_FROM_H * 60 + 30 * np.tile(np.arange(SLOTS), len(cal))
    dates = cal["date"].to_numpy()[day_index]
    # Europe/Madrid: summer time (+02:00) ends on 2026-10-25 at 03:00.
    utc_offset = np.where(dates < date(2026, 10, 25), "+02:00", "+01:00")
    frame = pd.DataFrame({"date": dates, "interval_start": [f"{m // 60:02d}:{m % 60:02d}" for m in minutes],
                          "utc_offset": utc_offset, "supplier": p["supplier"], "service": p["service"],
                          "offered": offered, **counts, **extra, "sales": 0, "collected_amount": 0.0,
                          "placed_amount": 0.0})
    return frame[ACTIVITY_COLUMNS[:1] + ["interval_start", "utc_offset"] + ACTIVITY_COLUMNS[1:]]


# =========================================================================== contacts
def _sl_of_mean_wait(mean_wait: np.ndarray, patience: float, threshold: float = 21.0,
                     short: float = 6.0) -> np.ndarray:
    """Service level (offered less short abandons) when wait ~ Exp(mean_wait) and patience ~ Exp(patience).

    Whole-second queue_s <= 20 means a wait below 21 s (and a short abandon, below 6 s).
    """
    lam, mu = 1.0 / mean_wait, 1.0 / patience
    within = lam / (lam + mu) * (1 - np.exp(-threshold * (lam + mu)))
    short_abandon = mu / (lam + mu) * (1 - np.exp(-short * (lam + mu)))
    return within / (1 - short_abandon)


def contact_records(rng: np.random.Generator, cal: pd.DataFrame, *, scale: float = 1.0) -> pd.DataFrame:
    """Northwind care contact records, vectorised: queue, abandon, handling times, repeat callers, QA, CSAT."""
    p = CARE
    factor = _volume_factor(cal, p["days"])
    per_day = rng.poisson(CARE_WEEKDAY_CONTACTS * scale * factor * _jitter(rng, len(cal), 0.05))
    day = np.repeat(np.arange(len(cal)), per_day)
    n = day.size
    months = cal["month"].to_numpy()[day]
    # start: a 30-minute slot by the intraday profile, then a second inside it
    slot = rng.choice(SLOTS, size=n, p=SLOT_PROFILE)
    seconds = OPEN_FROM_H * 3600 + slot * 1800 + rng.integers(0, 1800, n)
    day_start = pd.to_datetime(cal["date"]).to_numpy().astype("datetime64[s]")
    start = day_start[day] + seconds.astype("timedelta64[s]")
    order = np.argsort(start, kind="stable")
    start, day, months = start[order], day[order], months[order]
    # queue: potential wait ~ Exp(m_day) with m chosen so the day's service level meets its target
    grid = np.linspace(1.0, 400.0, 4000)
    grid_sl = _sl_of_mean_wait(grid, p["patience_s"])
    day_target = np.clip(cal["month"].map(p["sl"]).to_numpy(float) + rng.normal(0, 0.03, len(cal)), 0.3, 0.97)
    day_mean_wait = np.interp(day_target, grid_sl[::-1], grid[::-1])
    wait = rng.exponential(day_mean_wait[day])
    patience = rng.exponential(p["patience_s"], n)
    abandoned = patience < wait
    answered = ~abandoned
    queue_s = np.floor(np.minimum(wait, patience)).astype(np.int64)
    # handling times of answered contacts (seconds): talk lognormal, hold for some, ACW gamma
    aht = np.array([p["aht"][m] for m in months])
    talk_mean = aht - p["hold_share"] * p["hold_mean_s"] - p["acw_mean_s"]
    talk = np.rint(rng.lognormal(np.log(talk_mean) - 0.18, 0.6)).astype(np.int64) + 1
    hold = np.where(rng.random(n) < p["hold_share"], np.rint(rng.exponential(p["hold_mean_s"], n)), 0)
    acw = np.rint(rng.gamma(4.0, p["acw_mean_s"] / 4.0, n))
    talk, hold, acw = (np.where(answered, x, 0).astype(np.int64) for x in (talk, hold, acw))
    customer = rng.integers(0, int(2.5 * max(n, 1)), n)
    resolved = answered & (rng.random(n) < 0.78)
    outcomes = np.array(["information", "billing_query", "complaint", "change_request", "retention"])
    outcome = np.where(answered, outcomes[rng.choice(5, n, p=[0.35, 0.3, 0.12, 0.15, 0.08])], "abandoned")
    qa_mean = np.array([p["qa"][m] for m in months])
    qa = np.where(answered, np.round(np.clip(rng.normal(qa_mean, 6.0), 0, 100), 1), np.nan)
    surveyed = answered & (rng.random(n) < 0.12)
    csat = np.where(surveyed, rng.choice([1, 2, 3, 4, 5], n, p=[0.05, 0.07, 0.13, 0.35, 0.40]), np.nan)
    ids = pd.Series(np.arange(1, n + 1)).astype(str).str.zfill(7)
    return pd.DataFrame({
        "contact_id": ("NWC" + ids).astype(str), "supplier": "northwind", "service": "care",
        "start": start, "queue_s": queue_s, "answered": answered, "abandoned": abandoned,
        "talk_s": talk, "hold_s": hold, "acw_s": acw,
        "customer_id": ("CU" + pd.Series(customer).astype(str).str.zfill(7)).astype(str),
        "resolved": resolved, "outcome": outcome, "qa_score": qa, "csat": csat,
    })


# =========================================================================== plan, budget, workforce
#: Planned AHT (seconds) and the unit price used to cost the plan, per service.
PLAN = {
    ("northwind", "care"): dict(days=CARE["days"], offered=CARE_WEEKDAY_CONTACTS, aht=300, handled_share=0.94),
    ("northwind", "billing"): dict(days=DAILY_SERVICES[("northwind", "billing")]["days"], offered=1150, aht=240,
                                   handled_share=0.95),
    ("southpoint", "sales"): dict(days=DAILY_SERVICES[("southpoint", "sales")]["days"], offered=8800, aht=300,
                                  handled_share=0.32),
    ("southpoint", "collections"): dict(days=DAILY_SERVICES[("southpoint", "collections")]["days"],
                                        offered=1250, aht=240, handled_share=0.32),
    ("eastline", "email"): dict(days=DAILY_SERVICES[("eastline", "email")]["days"], offered=930, aht=420,
                                handled_share=0.97),
    ("eastline", "chat"): dict(days=CHAT["days"], offered=1500, aht=510, handled_share=0.94),
}
PLANNED_OCCUPANCY = 0.85


def _planned_cost(supplier: str, service: str, row: pd.DataFrame, days_in_month: np.ndarray) -> np.ndarray:
    """The plan's daily cost (EUR) at contract prices, fixed fees spread over the month's days."""
    handled = row["handled"].to_numpy(float)
    logged_h = row["logged_s"].to_numpy(float) / 3600
    weekday = (row["day_class"] == "weekday").to_numpy()
    if (supplier, service) == ("northwind", "care"):
        return handled * row["aht_s"].to_numpy(float) * 1.04 / 60 * 0.53 + 1500 / days_in_month
    if (supplier, service) == ("northwind", "billing"):
        return handled * 1.95 + 600 / days_in_month
    if (supplier, service) == ("southpoint", "sales"):
        return logged_h * np.where(weekday, 21.50, 25.80) + handled * 0.045 * 9.00
    if (supplier, service) == ("southpoint", "collections"):
        return handled * 180 * 0.19 * 0.10
    if (supplier, service) == ("eastline", "email"):
        return handled / 50 * 60 + (11000 + 1200) / days_in_month
    return handled * 1.10 + 750 / days_in_month


def plan_table(cal: pd.DataFrame) -> pd.DataFrame:
    """Planned activity per day, supplier and service (forecast offered, AHT, handled, logged time, cost)."""
    frames = []
    days_in_month = cal.groupby("month")["date"].transform("size").to_numpy()
    for (supplier, service), p in PLAN.items():
        factor = _volume_factor(cal, p["days"])
        keep = factor > 0
        part = cal[keep].copy()
        offered = np.rint(p["offered"] * factor[keep]).astype(np.int64)
        handled = np.rint(offered * p["handled_share"]).astype(np.int64)
        part = part.assign(supplier=supplier, service=service, offered=offered, aht_s=p["aht"], handled=handled,
                           logged_s=np.rint(handled * p["aht"] / PLANNED_OCCUPANCY).astype(np.int64))
        cost = _planned_cost(supplier, service, part, days_in_month[keep])
        part["cost"] = [f"{c:.2f}" for c in cost]
        frames.append(part)
    plan = pd.concat(frames, ignore_index=True)
    return plan[["date", "supplier", "service", "offered", "aht_s", "handled", "logged_s", "cost", "month"]]


def budget_table(plan: pd.DataFrame) -> pd.DataFrame:
    """Monthly budget: the plan's cost plus 2 %, rounded to hundreds; eastline budgeted as a whole (`*`)."""
    cost = plan.assign(cost=plan["cost"].astype(float))
    rows = []
    for (month, supplier, service), amount in cost.groupby(["month", "supplier", "service"], sort=False)["cost"].sum(
            ).items():
        rows.append({"month": month, "supplier": supplier, "service": service, "amount": amount})
    budget = pd.DataFrame(rows)
    whole = budget["supplier"] == "eastline"
    eastline = budget[whole].groupby(["month", "supplier"], as_index=False)["amount"].sum().assign(service="*")
    budget = pd.concat([budget[~whole], eastline], ignore_index=True)
    budget["amount"] = [f"{round(a * 1.02, -2):.2f}" for a in budget["amount"]]
    return budget.sort_values(["month", "supplier", "service"], kind="stable")[
        ["month", "supplier", "service", "amount"]].reset_index(drop=True)


#: Workforce facts: (headcount, leavers, hires, training hours, certifications, incidents) per service and month.
#: Failing on purpose: northwind care attrition in September (4/52 = 7.7 % > 5 %), northwind billing training
#: in October (110 h / 18 heads = 6.1 h < 8 h), southpoint ISO 27001 lapsed in August, a southpoint security
#: incident in October, eastline without ISO 27001 in August and chat attrition in October (3/26 > 5 %).
WORKFORCE: dict[tuple[str, str], dict[str, tuple]] = {
    ("northwind", "care"): {"2026-08": (50.5, 2, 3, 470, "ISO27001;PCI-DSS", 0),
                            "2026-09": (52.0, 4, 5, 520, "ISO27001;PCI-DSS", 0),
                            "2026-10": (53.5, 2, 3, 545, "ISO27001;PCI-DSS", 0)},
    ("northwind", "billing"): {"2026-08": (17.0, 0, 1, 150, "ISO27001;PCI-DSS", 0),
                               "2026-09": (18.0, 1, 1, 160, "ISO27001;PCI-DSS", 0),
                               "2026-10": (18.0, 0, 0, 110, "ISO27001;PCI-DSS", 0)},
    ("southpoint", "sales"): {"2026-08": (46.0, 3, 4, 300, "PCI-DSS", 0),
                              "2026-09": (48.5, 3, 5, 320, "ISO27001;PCI-DSS", 0),
                              "2026-10": (49.0, 2, 2, 310, "ISO27001;PCI-DSS", 1)},
    ("southpoint", "collections"): {"2026-08": (6.0, 0, 0, 42, "PCI-DSS", 0),
                                    "2026-09": (6.0, 0, 0, 40, "ISO27001;PCI-DSS", 0),
                                    "2026-10": (6.5, 0, 1, 45, "ISO27001;PCI-DSS", 0)},
    ("eastline", "email"): {"2026-08": (20.0, 1, 1, 170, "PCI-DSS", 0),
                            "2026-09": (21.0, 1, 2, 180, "ISO27001;PCI-DSS", 0),
                            "2026-10": (21.5, 0, 1, 176, "ISO27001;PCI-DSS", 0)},
    ("eastline", "chat"): {"2026-08": (25.0, 1, 1, 210, "PCI-DSS", 0),
                           "2026-09": (25.5, 1, 1, 215, "ISO27001;PCI-DSS", 0),
                           "2026-10": (26.0, 3, 3, 222, "ISO27001;PCI-DSS", 0)},
}


def workforce_table() -> pd.DataFrame:
    """Monthly workforce and compliance facts per supplier and service."""
    rows = []
    for month in MONTHS:
        for (supplier, service), by_month in WORKFORCE.items():
            head, leavers, hires, training, certs, incidents = by_month[month]
            rows.append({"month": month, "supplier": supplier, "service": service, "headcount_avg": head,
                         "leavers": leavers, "hires": hires, "training_hours": training,
                         "headcount_start": int(round(head - (hires - leavers) / 2)),
                         "new_hire_training_hours": hires * 40, "certifications": certs,
                         "security_incidents": incidents})
    return pd.DataFrame(rows)


# =========================================================================== writing inputs
def _write_csv(frame: pd.DataFrame, path: Path, **kwargs: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False, lineterminator="\n", **kwargs)


def _format_activity(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    out["date"] = [d.isoformat() for d in out["date"]]
    for column, places in (("collected_amount", 2), ("placed_amount", 2), ("qa_score", 1), ("csat", 2)):
        out[column] = [f"{v:.{places}f}" for v in out[column].to_numpy(float)]
    return out


def _write_inputs(base: Path, seed: int, contacts_scale: float) -> None:
    params = base / "parameters" / DEMO_ID
    data = base / "data" / DEMO_ID
    (params / "contracts").mkdir(parents=True)
    (params / "engagement.yaml").write_text(
        _yaml_text(demo_engagement_settings(), "Demo engagement (generated by `ccanalysis demo`)"), encoding="utf-8")
    for supplier, contract in demo_contracts().items():
        (params / "contracts" / f"{supplier}.yaml").write_text(
            _yaml_text(contract, f"Contract of {contract['name']} (demo)"), encoding="utf-8")

    cal = demo_calendar()
    activity_rng = np.random.default_rng([seed, 1])
    daily = {key: daily_activity(activity_rng, cal, *key, p) for key, p in DAILY_SERVICES.items()}
    _write_csv(_format_activity(daily[("northwind", "billing")]), data / "activity" / "northwind.csv")
    _write_csv(_format_activity(pd.concat([daily[("southpoint", "sales")], daily[("southpoint", "collections")]],
                                          ignore_index=True)), data / "activity" / "southpoint.csv")
    _write_csv(_format_activity(daily[("eastline", "email")]), data / "activity" / "eastline_email.csv")
    chat = interval_activity(np.random.default_rng([seed, 2]), cal, CHAT)
    _write_csv(_format_activity(chat), data / "activity" / "eastline_chat_intervals.csv")

    contacts = contact_records(np.random.default_rng([seed, 3]), cal, scale=contacts_scale)
    (data / "contacts").mkdir(parents=True)
    month_of = contacts["start"].dt.strftime("%Y-%m")
    for month in MONTHS:
        part = contacts[month_of == month].reset_index(drop=True)
        part.to_parquet(data / "contacts" / f"northwind_care_{month}.parquet", index=False, engine="pyarrow")

    plan = plan_table(cal)
    plan_out = plan.drop(columns="month").assign(date=[d.isoformat() for d in plan["date"]])
    _write_csv(plan_out, data / "plan" / "plan.csv")
    _write_csv(budget_table(plan), data / "budget.csv")
    _write_csv(workforce_table(), data / "workforce" / "workforce.csv")


def _replace_tree(new: Path, target: Path, trash: Path) -> None:
    """Move `new` to `target`, replacing what was there (the old tree goes to `trash`, then is deleted)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        target.rename(trash)
    new.rename(target)


def _commit(staging: Path, moves: Sequence[tuple[Path, Path]]) -> None:
    """Move each staged path into place; the staging folder (with the replaced trees) is then removed."""
    try:
        for i, (new, target) in enumerate(moves):
            _replace_tree(new, target, staging / f".replaced-{i}")
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def write_demo_inputs(root: Path, *, seed: int = DEFAULT_SEED, contacts_scale: float = 1.0) -> None:
    """Write the demo's parameters (engagement, contracts) and data (activity, contacts, plan, budget,
    workforce) under `root`, replacing any previous demo. `contacts_scale` shrinks the contact records
    (1.0 gives >= 200,000 northwind care contacts over the three months)."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".demo-", dir=root))
    try:
        _write_inputs(staging, seed, contacts_scale)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _commit(staging, [(staging / "parameters" / DEMO_ID, root / "parameters" / DEMO_ID),
                      (staging / "data" / DEMO_ID, root / "data" / DEMO_ID)])


# =========================================================================== invoices
def _blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA or value == ""


def _dec(value: object) -> Decimal | None:
    return None if _blank(value) else to_decimal(value)


def _text(value: object) -> str:
    return "" if _blank(value) else str(value)


#: The suppliers' own words for each contract charge (Spanish).
CHARGE_TEXT = {
    "care_minutes": "Minutos productivos", "care_platform": "Cuota plataforma",
    "billing_contacts": "Consultas de facturación atendidas", "billing_reporting": "Informes y cuadro de mando",
    "sales_hours_weekday": "Horas logadas laborables", "sales_hours_weekend": "Horas logadas fin de semana y festivos",
    "sales_success": "Comisión por venta", "collections_fee": "Comisión sobre importe recobrado",
    "collections_bonus": "Incentivo de recobro sobre objetivo",
    "email_packages": "Paquetes de 50 correos gestionados", "email_capacity": "Equipo dedicado back office",
    "email_platform": "Cuota gestión documental", "chat_sessions": "Sesiones de chat atendidas",
    "chat_licences": "Licencias plataforma chat",
}
KPI_TEXT = {"service_level": "nivel de servicio", "aht_s": "TMO", "abandonment_rate": "tasa de abandono",
            "collections_recovery_rate": "tasa de recobro", "asa_s": "tiempo medio de espera"}
UNIT_TEXT = {"productive_minute": "minuto", "logged_hour": "hora", "handled_contact": "contacto", "sale": "venta",
             "collected_amount": "EUR", "month": "mes", "fte": "FTE", "package": "paquete"}
MONTH_NAMES = ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
               "noviembre", "diciembre")

#: Per supplier: invoice number, issue day, whether ids are given, unit texts, prices before indexation.
STYLES: dict[str, dict[str, Any]] = {
    "northwind": {"invoice_id": "NW-{yyyy}{mm}-001", "issue": "next:3", "ids": True, "units": "contract",
                  "previous_prices": {}},
    "southpoint": {"invoice_id": "SP/{yyyy}/{mm}0", "issue": "end", "ids": True, "units": "spanish",
                   "previous_prices": {}},
    "eastline": {"invoice_id": "EL{yy}{mm}", "issue": "next:5", "ids": False, "units": "blank",
                 "previous_prices": {"chat_sessions": Decimal("1.10")}},
}

#: Extra lines a supplier adds that no contract charge covers: (charge id it uses, text, unit, quantity range, price).
EXTRA_LINES = (
    ("weekend_surcharge", "Recargo atención festivos", "hora", (12, 40), Decimal("32.00")),
    ("adhoc_report", "Informe ad hoc dirección", "ud", (1, 2), Decimal("450.00")),
    ("training_new_hires", "Formación incorporaciones", "hora", (20, 60), Decimal("18.50")),
)


def _description(row: Mapping[str, Any], supplier: str, month: str) -> str:
    """The supplier's Spanish text for one expected line."""
    charge = _text(row.get("charge"))
    kind = _text(row.get("kind"))
    amount = _dec(row.get("amount")) or Decimal(0)
    if charge.startswith("sla:"):
        rule = charge[4:]
        if rule in ("cap_penalty", "cap_bonus"):
            text = "Ajuste tope " + ("penalizaciones ANS" if rule == "cap_penalty" else "bonificaciones ANS")
        else:
            text = ("Penalización" if amount < 0 else "Bonificación") + " ANS " + KPI_TEXT.get(rule, rule)
    elif charge == "minimum_commitment" or kind == "minimum_commitment":
        text = "Regularización compromiso mínimo de facturación"
    elif charge.endswith(":minimum") or charge.endswith(":maximum"):
        base, limit = charge.rsplit(":", 1)
        label = CHARGE_TEXT.get(base, _text(row.get("description")) or base)
        text = ("Regularización mínimo " if limit == "minimum" else "Tope máximo ") + label.lower()
    else:
        text = CHARGE_TEXT.get(charge) or _text(row.get("description")) or charge
        tier = _text(row.get("tier"))
        if tier:
            text += f" tramo {tier}"
    if supplier == "eastline":
        text += f" {MONTH_NAMES[int(month[5:7]) - 1]} {month[:4]}"
    elif supplier == "southpoint":
        text = text.upper()
    return text


def _unit_text(unit: str, style: Mapping[str, Any]) -> str:
    if style["units"] == "contract":
        return unit
    if style["units"] == "spanish":
        return UNIT_TEXT.get(unit, unit)
    return ""


def _issue_date(style: Mapping[str, Any], period_end: date) -> date:
    if style["issue"] == "end":
        return period_end
    return period_end + timedelta(days=int(style["issue"].split(":")[1]))


def _with_places(value: Decimal, like: Decimal) -> Decimal:
    """`value` with as many decimal places as `like` has (at least none)."""
    places = max(0, -like.as_tuple().exponent) if isinstance(like.as_tuple().exponent, int) else 0
    return round_half_up(value, places)


def _transpose_digits(amount: Decimal) -> Decimal:
    """A typing slip that bills more: swap a rising pair of digits among the last three of the whole part
    (e.g. 4512.30 -> 4521.30), else add 100.00."""
    whole, _, cents = f"{amount:.2f}".partition(".")
    sign = "-" if whole.startswith("-") else ""
    digits = list(whole.lstrip("-"))
    for i in range(len(digits) - 2, max(len(digits) - 4, -1), -1):
        if digits[i] < digits[i + 1]:
            digits[i], digits[i + 1] = digits[i + 1], digits[i]
            return Decimal(f"{sign}{''.join(digits)}.{cents}")
    return amount + Decimal("100.00")


def render_invoice(expected: pd.DataFrame, *, supplier: str, month: str, style: str, rng: np.random.Generator,
                   errors: Sequence[str] | None = None) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    """Turn an expected invoice (ccanalysis.invoice.expected_invoice) into the supplier's invoice-lines table.

    `style` is the supplier whose layout is used (STYLES); `errors` lists the checks to inject (default:
    DEFAULT_ERRORS for the supplier and month). Returns the invoice lines (data.md columns, money as Decimal)
    and one record per injected error: supplier, month, line (None where no line carries it), check and
    difference = billed − expected, net of tax, in EUR (positive = over-billed). An error that has no line
    to land on (e.g. no penalty to omit) is not injected and not recorded.
    """
    fmt = STYLES[style]
    wanted = tuple(DEFAULT_ERRORS.get((supplier, month), ()) if errors is None else errors)
    unknown = set(wanted) - set(ERROR_CHECKS)
    if unknown:
        raise ValueError(f"unknown error check(s): {', '.join(sorted(unknown))}; known: {', '.join(ERROR_CHECKS)}")
    start, end = _month_bounds(month)
    rows: list[dict[str, Any]] = []
    for record in expected.to_dict("records"):
        rows.append({
            "service": _text(record.get("service")), "charge": _text(record.get("charge")),
            "kind": _text(record.get("kind")), "tier": _text(record.get("tier")),
            "description": _description(record, style, month),
            "quantity": _dec(record.get("quantity")), "unit": _text(record.get("unit")),
            "unit_price": _dec(record.get("unit_price")), "amount": round_half_up(_dec(record.get("amount")) or 0),
            "tax_rate": _dec(record.get("tax_rate")) if not _blank(record.get("tax_rate")) else TAX_RATE,
        })
    injected: list[tuple[dict[str, Any], dict[str, Any] | None]] = []  # (record, row the line number comes from)
    touched: set[int] = set()

    def priced(row: dict[str, Any]) -> bool:
        return (row["kind"] == "charge" and row["unit_price"] is not None and row["quantity"] is not None
                and row["quantity"] > 0 and row["amount"] > 0)

    def pick(candidates: list[dict[str, Any]]) -> dict[str, Any] | None:
        free = [r for r in candidates if id(r) not in touched]
        if not free:
            return None
        row = free[int(rng.integers(len(free)))]
        touched.add(id(row))
        return row

    def top_tier(row: dict[str, Any]) -> bool:
        same = [r for r in rows if r["service"] == row["service"] and r["charge"] == row["charge"]]
        return row is same[-1]

    header_delta = Decimal(0)
    for check in wanted:
        record = {"supplier": supplier, "month": month, "line": None, "check": check}
        row: dict[str, Any] | None = None
        if check == "quantity":
            row = pick([r for r in rows if priced(r) and r["quantity"] > 1 and top_tier(r)])
            if row is None:
                continue
            factor = Decimal(str(round(float(rng.uniform(1.02, 1.06)), 3)))
            quantity = max(_with_places(row["quantity"] * factor, row["quantity"]), row["quantity"] + 1)
            old = row["amount"]
            row["quantity"] = quantity
            row["amount"] = round_half_up(quantity * row["unit_price"])
            record["difference"] = row["amount"] - old
        elif check == "unit_price":
            previous = fmt["previous_prices"]
            row = pick([r for r in rows if priced(r) and r["charge"] in previous
                        and previous[r["charge"]] != r["unit_price"]]) or pick([r for r in rows if priced(r)])
            if row is None:
                continue
            price = previous.get(row["charge"]) or _with_places(row["unit_price"] / Decimal("1.03"),
                                                                 row["unit_price"])
            old = row["amount"]
            row["unit_price"] = price
            row["amount"] = round_half_up(row["quantity"] * price)
            record["difference"] = row["amount"] - old
        elif check == "arithmetic":
            row = pick([r for r in rows if priced(r) and r["amount"] >= 10])
            if row is None:
                continue
            old = row["amount"]
            row["amount"] = _transpose_digits(old)
            record["difference"] = row["amount"] - old
        elif check == "tier":
            candidates = []
            for r in rows:
                if priced(r) and r["tier"]:
                    lower = [q for q in rows if q["service"] == r["service"] and q["charge"] == r["charge"]
                             and q["tier"] and q["tier"] != r["tier"] and q is not r
                             and q["unit_price"] is not None and q["unit_price"] > r["unit_price"]]
                    if lower:
                        candidates.append(r)
            row = pick(candidates)
            if row is None:
                continue
            dearer = [q for q in rows if q["service"] == row["service"] and q["charge"] == row["charge"]
                      and q is not row and q["unit_price"] is not None and q["unit_price"] > row["unit_price"]]
            old = row["amount"]
            row["unit_price"] = dearer[-1]["unit_price"]  # the previous tier's (higher) price on every unit
            row["amount"] = round_half_up(row["quantity"] * row["unit_price"])
            record["difference"] = row["amount"] - old
        elif check == "duplicate":
            original = pick([r for r in rows if r["kind"] == "charge" and r["amount"] > 0])
            if original is None:
                continue
            row = dict(original)
            touched.add(id(row))
            rows.insert(rows.index(original) + 1, row)
            record["difference"] = row["amount"]
        elif check == "missing_sla_penalty":
            capped = {r["service"] for r in rows if r["charge"] in ("sla:cap_penalty",) or r["kind"] == "sla_cap"}
            gone = pick([r for r in rows if r["kind"] == "sla" and r["amount"] < 0 and r["service"] not in capped])
            if gone is None:
                continue
            rows.remove(gone)
            record["difference"] = -gone["amount"]
        elif check == "not_in_contract":
            charge, text, unit, (low, high), price = EXTRA_LINES[int(rng.integers(len(EXTRA_LINES)))]
            services = [r["service"] for r in rows if r["service"]]
            quantity = Decimal(int(rng.integers(low, high + 1)))
            row = {"service": services[0] if services else "", "charge": charge, "kind": "extra", "tier": "",
                   "description": text.upper() if style == "southpoint" else text, "quantity": quantity,
                   "unit": unit, "unit_price": price, "amount": round_half_up(quantity * price), "tax_rate": TAX_RATE}
            touched.add(id(row))
            rows.append(row)
            record["difference"] = row["amount"]
        elif check == "totals":
            header_delta = Decimal(int(rng.choice([100, 250, 1000]))).quantize(Decimal("0.01"))
            record["difference"] = header_delta
        injected.append((record, row))

    for number, row in enumerate(rows, start=1):
        row["line"] = number
    net = sum((r["amount"] for r in rows), Decimal(0)) + header_delta
    rates = sorted({r["tax_rate"] for r in rows}) or [TAX_RATE]
    if header_delta:
        tax = round_half_up(net * rates[0])
    else:
        tax = sum((round_half_up(sum((r["amount"] for r in rows if r["tax_rate"] == rate), Decimal(0)) * rate)
                   for rate in rates), Decimal(0))
    yyyy, mm = month[:4], month[5:7]
    invoice_id = fmt["invoice_id"].format(yyyy=yyyy, yy=yyyy[2:], mm=mm)
    issue = _issue_date(fmt, end)
    lines = pd.DataFrame([{
        "invoice_id": invoice_id, "issue_date": issue, "period_start": start, "period_end": end,
        "line": r["line"], "service": r["service"] if fmt["ids"] else "",
        "charge": r["charge"] if fmt["ids"] else "", "description": r["description"], "quantity": r["quantity"],
        "unit": _unit_text(r["unit"], fmt) if r["kind"] != "extra" or fmt["units"] != "blank" else "",
        "unit_price": r["unit_price"], "amount": r["amount"], "tax_rate": r["tax_rate"],
        "total_net": net, "total_tax": tax, "total_gross": net + tax} for r in rows], columns=INVOICE_COLUMNS)
    records = []
    for record, row in injected:
        if row is not None and record["check"] not in ("missing_sla_penalty", "totals"):
            record["line"] = row["line"]
        records.append(record)
    return lines, records


def _plain(value: object, *, comma: bool = False) -> str:
    """Cell text: dates ISO, Decimals as written (decimal comma and '.' thousands for `comma`)."""
    if _blank(value):
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        if not comma:
            return str(value)
        return f"{value:,}".replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return str(value)


def _invoice_csv(lines: pd.DataFrame, *, comma: bool) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if comma else ",", lineterminator="\n")
    writer.writerow(INVOICE_COLUMNS)
    for record in lines[INVOICE_COLUMNS].itertuples(index=False):
        writer.writerow([_plain(v, comma=comma) for v in record])
    return buffer.getvalue()


_FIXED_ZIP_TIME = (2026, 1, 1, 0, 0, 0)
_FIXED_STAMP = "2026-01-01T00:00:00Z"


def _invoice_xlsx(lines: pd.DataFrame) -> bytes:
    """An XLSX workbook of the invoice lines, byte-stable (fixed timestamps in the zip and properties)."""
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Factura"
    sheet.append(INVOICE_COLUMNS)
    for record in lines[INVOICE_COLUMNS].itertuples(index=False):
        sheet.append([None if _blank(v) else v for v in record])
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, (date, datetime)):
                cell.number_format = "yyyy-mm-dd"
    raw = io.BytesIO()
    workbook.save(raw)
    stable = io.BytesIO()
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(stable, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*", rb"\g<1>" + _FIXED_STAMP.encode(),
                                 content)
            fixed = zipfile.ZipInfo(info.filename, date_time=_FIXED_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            target.writestr(fixed, content)
    return stable.getvalue()


INVOICE_MAPPING = {"table": "invoice_lines", "files": ["invoices/eastline/*.csv"], "sep": ";", "decimal": ",",
                   "thousands": "."}


def write_invoices(root: Path, expected_fn: Callable[[str, str], pd.DataFrame], *, seed: int = DEFAULT_SEED,
                   errors: Mapping[tuple[str, str], Sequence[str]] | None = None) -> list[dict[str, Any]]:
    """Render and write every supplier's invoice for every demo month, and the truth of injected errors.

    `expected_fn(supplier, month)` returns the expected invoice lines. Writes
    `data/demo/invoices/<supplier>/<YYYY-MM>.<csv|xlsx>`, `data/demo/truth/injected_errors.csv` and
    `parameters/demo/mappings/eastline_invoices.yaml`; returns the injected-error records.
    """
    root = Path(root)
    plan = DEFAULT_ERRORS if errors is None else errors
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".demo-invoices-", dir=root))
    truth: list[dict[str, Any]] = []
    try:
        invoices = staging / "invoices"
        for s_index, supplier in enumerate(SUPPLIERS):
            (invoices / supplier).mkdir(parents=True)
            for m_index, month in enumerate(MONTHS):
                rng = np.random.default_rng([seed, 100 + s_index, m_index])
                lines, records = render_invoice(expected_fn(supplier, month), supplier=supplier, month=month,
                                                style=supplier, rng=rng, errors=tuple(plan.get((supplier, month), ())))
                truth += records
                if supplier == "southpoint":
                    (invoices / supplier / f"{month}.xlsx").write_bytes(_invoice_xlsx(lines))
                else:
                    text = _invoice_csv(lines, comma=supplier == "eastline")
                    (invoices / supplier / f"{month}.csv").write_text(text, encoding="utf-8")
        (staging / "truth").mkdir()
        truth_frame = pd.DataFrame(truth, columns=TRUTH_COLUMNS)
        truth_frame["line"] = truth_frame["line"].astype("Int64")
        truth_frame["difference"] = [_plain(v) for v in truth_frame["difference"]]
        _write_csv(truth_frame, staging / "truth" / "injected_errors.csv")
        (staging / "mappings").mkdir()
        (staging / "mappings" / "eastline_invoices.yaml").write_text(
            _yaml_text(INVOICE_MAPPING, "Eastline invoices: semicolons, decimal commas, '.' thousands"),
            encoding="utf-8")
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    data = root / "data" / DEMO_ID
    mapping_target = root / "parameters" / DEMO_ID / "mappings" / "eastline_invoices.yaml"
    _commit(staging, [(staging / "invoices", data / "invoices"), (staging / "truth", data / "truth"),
                      (staging / "mappings" / "eastline_invoices.yaml", mapping_target)])
    return truth


def build_demo(root: Path, *, seed: int = DEFAULT_SEED, contacts_scale: float = 1.0) -> None:
    """Write the whole demo engagement under `root`: inputs, then invoices from the expected invoices."""
    write_demo_inputs(root, seed=seed, contacts_scale=contacts_scale)
    try:
        from ccanalysis.engagement import load
        from ccanalysis.invoice import expected_invoice
    except ImportError as exc:  # the engine is written separately; inputs are already in place
        raise RuntimeError("the demo invoices need ccanalysis.engagement and ccanalysis.invoice; "
                           f"the demo inputs were written but not the invoices ({exc})") from exc
    engagement = load(DEMO_ID, root=root)
    write_invoices(root, lambda supplier, month: expected_invoice(engagement, supplier, month), seed=seed)
