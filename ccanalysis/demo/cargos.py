"""The cargos demo engagement `demo_cargos`: a food manufacturer and the charge invoices ("cargos") of its
three retail customers over a year, 2025-11..2026-10.

`build_cargos_demo(root)` writes `parameters/demo_cargos/` (engagement, one agreement per retailer in
`cargos/`, no contact-centre contract) and `data/demo_cargos/cargos/` (deliveries, sales, charges, decisions),
plus `data/demo_cargos/truth/charges_truth.csv`, replacing any previous one:

- deliveries: orders Monday–Saturday with seasonality (Christmas and summer peaks), some split into two
  delivery notes; about 15 % delivered late (beyond the retailer's `after_hours`), some short-shipped or partly
  refused, a few invoiced above the agreed price;
- sales: the retailer's net sales by month and product, the value of the delivery notes delivered that month;
- charges (about `charges` of them) in each retailer's own wording (Spanish): promotions of the promotion
  calendar (a fixed amount or a share of the product's sales, some in two instalments), quarterly rappels at the
  tier reached, late and short delivery penalties, returns, price differences, listing fees, marketing campaigns
  and a few vague charges; about a quarter give no reference (the delivery note or promotion is in the text
  only), and a person has decided the type of some vague ones (`cargos/decisions.csv`);
- planted invalid charges of every kind (`PLANTED`): promotions charged above what was agreed or not in the
  agreement, a rappel at a tier not reached, penalties on on-time deliveries, on the whole of a partly late order
  or above the cap, short penalties on complete deliveries, price differences at the agreed price, listing fees
  charged twice, duplicates and charges outside the claim window.

- a resolution history in the dispute register (`data/demo_cargos/disputes.csv`, written as `ccanalysis cargos
  ... accept|dispute|write-off` and `ccanalysis dispute set` write it): for the charges issued by
  `HISTORY_END`, the valid ones accepted (a few left undecided; valid ones up to `ACCEPT_UNTIL` too, acceptance
  being routine), the invalid and partly valid ones disputed
  for their invalid amount within the retailer's window (about `LATE_SHARE` of them filed late, and always
  rejected for it) or written off when below `WRITE_OFF_BELOW`, the ones needing evidence accepted once the
  evidence came or disputed whole; the retailer answered a dispute 10–40 days after it was filed, won with the
  probability `win_probability(retailer, type)` (accepted whole or in part), then credited; a lost one mostly
  written off. What the report's last months must show — the month's charges, and the invalid or doubtful
  ones issued after `HISTORY_END`, planted ones among them — stays undecided.

The truth file has, per charge, its true type, the planted check code (blank when the charge is legitimate),
the verdict a validation should reach and the invalid amount; `truth/win_rates.csv` has the probability a
dispute filed in time was won with, per retailer and type. Everything is drawn from one seeded numpy
Generator: two runs with the same seed give byte-identical files. Amounts are exact Decimals, written with 2
decimals.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ccanalysis.audit.matching import fold
from ccanalysis.demo.engagement import DEFAULT_SEED
from ccanalysis.demo.files import commit, write_csv, yaml_text
from ccanalysis.io.register import append_register, register_path
from ccanalysis.money import ZERO, round_money
from ccanalysis.periods import month_days, month_of, next_month

CARGOS_ID = "demo_cargos"
CLIENT = "Conservas y Aceites del Guadalquivir S.A."
FIRST_DAY, LAST_DAY = date(2025, 11, 1), date(2026, 10, 31)
#: The day the demo's charges are checked on (the end of its year).
AS_OF = LAST_DAY
TAX_RATE = Decimal("0.21")

#: Products with their agreed net unit price from 2025-01-01 and, for some, a new price from 2026-04-01.
PRODUCTS: dict[str, tuple[Decimal, Decimal | None]] = {
    "ACEITE-1L": (Decimal("4.10"), Decimal("4.25")), "ACEITE-5L": (Decimal("18.50"), Decimal("19.20")),
    "ACEITUNAS-350G": (Decimal("1.35"), None), "VINAGRE-500ML": (Decimal("0.95"), None),
    "TOMATE-FRITO-400G": (Decimal("1.10"), Decimal("1.15")), "ATUN-PACK3": (Decimal("3.60"), None),
}
PRODUCT_WEIGHTS = np.array([0.30, 0.14, 0.14, 0.10, 0.17, 0.15])
PRICE_CHANGE = date(2026, 4, 1)
#: Monthly order volume relative to the mean, November..October (Christmas and summer peaks).
SEASON = np.array([1.05, 1.35, 0.85, 0.88, 0.95, 1.0, 0.98, 1.05, 1.15, 1.1, 0.9, 0.95])


@dataclass(frozen=True)
class Retailer:
    id: str
    name: str
    prefix: str
    #: orders a day (Monday–Saturday) at the default size, and the mean value of an order (EUR)
    orders_per_day: float
    order_value: float
    dispute_window_days: int
    claim_window_days: int
    late_hours: int
    late_rate: Decimal
    late_cap: Decimal | None
    short_rate: Decimal
    short_cap: Decimal | None
    #: quarterly rappel tiers (from_sales, rate)
    tiers: tuple[tuple[int, Decimal], ...]
    #: wording of each kind of charge (str.format templates)
    wording: dict[str, str] = field(default_factory=dict)


RETAILERS = (
    Retailer("mercaplus", "Mercaplus Supermercados S.A.", "MP", 12.0, 1400.0, 60, 365, 24, Decimal("0.02"),
             Decimal("60.00"), Decimal("0.05"), Decimal("500.00"),
             ((0, Decimal(0)), (1_500_000, Decimal("0.01")), (2_000_000, Decimal("0.02"))),
             {"promotion": "Aportación promocional folleto {promo}",
              "promotion_text": "Aportación promocional {product} {promo}",
              "rappel": "Rappel trimestral {q}T {year}", "late": "Penalización retraso entrega albarán {note}",
              "late_order": "Penalización retraso entrega pedido {order}",
              "short": "Penalización servicio incompleto pedido {order}",
              "returns": "Devolución mercancía dañada albarán {note}",
              "price": "Diferencia de precio factura {invoice} albarán {note}",
              "listing": "Cuota de referenciación {product}", "marketing": "Campaña marketing {campaign}"}),
    Retailer("hiperdia", "Hiperdía Distribución S.L.", "HD", 10.0, 1230.0, 45, 180, 24, Decimal("0.025"),
             Decimal("60.00"), Decimal("0.04"), None,
             ((0, Decimal(0)), (1_000_000, Decimal("0.012")), (1_400_000, Decimal("0.022"))),
             {"promotion": "APORT. PROMO {promo}", "promotion_text": "APORT. PROMO {product} {promo}",
              "rappel": "RAPPEL Q{q}-{year}", "late": "PENALIZ. RETRASO ALB {note}",
              "late_order": "PENALIZ. RETRASO PED {order}", "short": "PENALIZ. FALTA MERCANCIA PED {order}",
              "returns": "DEVOL. MERCANCIA DAÑADA ALB {note}", "price": "DIF. PRECIO FRA {invoice} ALB {note}",
              "listing": "ALTA REFERENCIA {product}", "marketing": "CAMPAÑA MKT {campaign}"}),
    Retailer("superval", "Supervalor Alimentación S.A.", "SV", 8.0, 1040.0, 30, 120, 48, Decimal("0.03"),
             Decimal("75.00"), Decimal("0.04"), Decimal("350.00"),
             ((0, Decimal(0)), (700_000, Decimal("0.015")), (1_000_000, Decimal("0.025"))),
             {"promotion": "Contribución campaña {promo}", "promotion_text": "Contribución campaña {product} {promo}",
              "rappel": "Rappel volumen {q}º trimestre {year}", "late": "Cargo logístico retraso alb. {note}",
              "late_order": "Cargo logístico retraso pedido {order}",
              "short": "Cargo logístico falta de mercancía pedido {order}",
              "returns": "Abono mercancía dañada alb. {note}", "price": "Regularización precio tarifa alb. {note}",
              "listing": "Cuota alta nuevo producto {product}", "marketing": "Espacio promocional {campaign}"}),
)

#: Marketing campaigns (the month they are charged in, as a month number) and their usual cost (EUR).
CAMPAIGNS = (("Navidad", 12, 6000), ("Reyes", 1, 2500), ("Rebajas enero", 1, 1800), ("San Valentín", 2, 900),
             ("Semana Santa", 3, 3200), ("Primavera", 4, 1500), ("Día de la Madre", 5, 1200),
             ("Verano", 6, 4200), ("Vuelta al cole", 9, 2000), ("Otoño", 10, 1600), ("Black Friday", 11, 3800))
VAGUE = ("Cargo según acuerdo comercial", "Regularización varios", "Cargo pendiente de documentar",
         "Ajuste comercial", "Cargo servicios centrales")
DECIDERS = ("ana.garcia", "luis.martin", "carmen.ruiz")

#: How many planted charges of each check code (fewer when the data has fewer candidates).
PLANTED: dict[str, int] = {"over_agreed_promotion": 10, "not_in_agreement": 4, "above_tier": 3, "on_time": 9,
                           "partly_late": 8, "over_cap": 3, "no_shortfall": 3, "price_agreed": 6,
                           "already_charged": 2, "duplicate": 10, "outside_claim_window": 6}
#: The check code validation reports for each planted kind.
PLANTED_CHECK = {"over_agreed_promotion": "over_agreed", "over_cap": "over_agreed"}

#: Charges issued up to this day have a resolution history; later ones are undecided (the report's months).
HISTORY_END = date(2026, 8, 31)
#: Valid charges are accepted routinely a few days after they arrive: those issued up to this day too.
ACCEPT_UNTIL = date(2026, 9, 30)
#: The retailers' answers to disputes filed in time: the probability of winning one, by type (logistics
#: evidence is hard to argue with, a promotion's sales basis is), times the retailer's factor.
WIN_BY_TYPE: dict[str, float] = {"logistics_penalty": 0.8, "price_difference": 0.75, "listing_fee": 0.85,
                                 "rappel": 0.65, "returns_damage": 0.55, "promotion": 0.4, "marketing": 0.3,
                                 "unidentified": 0.45}
WIN_BY_RETAILER: dict[str, float] = {"mercaplus": 1.0, "hiperdia": 0.8, "superval": 1.1}
ACCEPT_VALID, ACCEPT_WITH_EVIDENCE, LATE_SHARE = 0.97, 0.65, 0.1
#: Invalid amounts below this (EUR) are written off rather than disputed.
WRITE_OFF_BELOW = Decimal("25.00")
WIN_RATE_COLUMNS = ["retailer", "type", "win_rate"]

TRUTH_COLUMNS = ["retailer", "document_id", "true_type", "planted", "expected_verdict", "expected_invalid_amount"]
CHARGE_COLUMNS = ["retailer", "document_id", "issue_date", "amount", "tax", "description", "reference", "due_date"]


def _money(value: Decimal) -> str:
    return f"{round_money(value):.2f}"


# --------------------------------------------------------------------------- agreements
def _promotions(rng: np.random.Generator, r: Retailer) -> list[dict[str, Any]]:
    """Per product a 14-day promotion every 4 weeks (a retailer-specific start), a fixed amount or a share of
    the product's sales."""
    promos = []
    for k, product in enumerate(PRODUCTS):
        start = FIRST_DAY + timedelta(days=int(rng.integers(0, 28)))
        code = product.split("-")[0][:3] + str(k)
        while start + timedelta(days=13) <= LAST_DAY:
            end = start + timedelta(days=13)
            week = start.isocalendar().week
            pid = f"{r.prefix}-{start.year % 100:02d}{week:02d}-{code}"
            if rng.random() < 0.5:
                contribution = {"amount": Decimal(int(rng.integers(20, 120)) * 50)}
            else:
                contribution = {"percent_of_sales": Decimal(int(rng.integers(2, 7))) / 100}
            promos.append({"id": pid, "from": start, "to": end, "products": [product], "contribution": contribution})
            start += timedelta(days=28)
    return sorted(promos, key=lambda p: (p["from"], p["id"]))


def _agreement(rng: np.random.Generator, r: Retailer) -> dict[str, Any]:
    prices = []
    for product, (price, new) in PRODUCTS.items():
        if new is None:
            prices.append({"product": product, "unit_price": price, "from": date(2025, 1, 1), "to": None})
        else:
            prices.append({"product": product, "unit_price": price, "from": date(2025, 1, 1),
                           "to": PRICE_CHANGE - timedelta(days=1)})
            prices.append({"product": product, "unit_price": new, "from": PRICE_CHANGE, "to": None})
    late: dict[str, Any] = {"id": f"late_{r.late_hours}h", "kind": "late", "after_hours": r.late_hours,
                            "rate_of_value": r.late_rate}
    if r.late_cap is not None:
        late["cap"] = r.late_cap
    short: dict[str, Any] = {"id": "short", "kind": "short", "rate_of_missing_value": r.short_rate}
    if r.short_cap is not None:
        short["cap"] = r.short_cap
    fees = [{"id": f"ALTA-{r.prefix}-{p}", "product": p, "amount": Decimal(amount), "on": day}
            for p, amount, day in (("ATUN-PACK3", 3000, date(2025, 12, 1)), ("TOMATE-FRITO-400G", 2500, date(2026, 3, 2)),
                                   ("ACEITE-5L", 3500, date(2026, 6, 1)))]
    rules = {"mercaplus": [{"pattern": "rappel", "type": "rappel"}, {"pattern": "penalizaci.n", "type": "logistics_penalty"},
                           {"pattern": "cuota de referenciaci.n", "type": "listing_fee"}],
             "hiperdia": [{"pattern": "^rappel", "type": "rappel"}, {"pattern": "penaliz", "type": "logistics_penalty"},
                          {"pattern": "dif\\. precio", "type": "price_difference"}],
             "superval": [{"pattern": "rappel", "type": "rappel"}, {"pattern": "cargo log.stico", "type": "logistics_penalty"},
                          {"pattern": "cuota alta", "type": "listing_fee"}]}[r.id]
    return {"retailer": r.id, "name": r.name, "currency": "EUR", "dispute_window_days": r.dispute_window_days,
            "claim_window_days": r.claim_window_days,
            "owners": {"promotion": "key_account", "rappel": "finance", "logistics_penalty": "logistics",
                       "listing_fee": "key_account", "price_difference": "finance", "returns_damage": "logistics",
                       "marketing": "key_account", "unidentified": "finance"},
            "promotions": _promotions(rng, r),
            "rappel": {"basis": "quarterly", "tiers": [{"from_sales": t, "rate": rate} for t, rate in r.tiers]},
            "logistics_penalties": [late, short], "listing_fees": fees, "prices": prices,
            "classification_rules": rules}


def _agreed_price(product: str, day: date) -> Decimal:
    price, new = PRODUCTS[product]
    return new if new is not None and day >= PRICE_CHANGE else price


# --------------------------------------------------------------------------- deliveries and sales
def _deliveries(rng: np.random.Generator, r: Retailer, scale: float, first_note: int) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    day, order_no, note_no = FIRST_DAY, 0, first_note
    products = list(PRODUCTS)
    while day <= LAST_DAY:
        if day.weekday() != 6:
            season = SEASON[(day.month - 11) % 12]
            for _ in range(int(rng.poisson(r.orders_per_day * scale * season))):
                order_no += 1
                order = f"PED-{r.prefix}-{order_no:06d}"
                product = products[int(rng.choice(len(products), p=PRODUCT_WEIGHTS))]
                price = _agreed_price(product, day)
                total_qty = max(10, int(round(np.exp(np.log(r.order_value) + rng.normal(0, 0.45)) / float(price))))
                parts = [total_qty] if rng.random() >= 0.2 else [total_qty // 2, total_qty - total_qty // 2]
                promised = datetime(day.year, day.month, day.day, 8) + timedelta(days=2, hours=int(rng.integers(0, 8)))
                for i, ordered in enumerate(parts):
                    note_no += 1
                    if rng.random() < 0.15:
                        delay_h = r.late_hours + 2 + float(rng.uniform(0, 70))
                    else:
                        delay_h = float(rng.uniform(-6, 20))
                    delivered_at = promised + timedelta(days=i, minutes=int(round(delay_h * 60)))
                    delivered = ordered if rng.random() >= 0.06 else int(ordered * rng.uniform(0.7, 0.95))
                    accepted = delivered if rng.random() >= 0.06 else delivered - max(1, int(delivered * rng.uniform(0.01, 0.06)))
                    agreed = _agreed_price(product, delivered_at.date())
                    invoiced = agreed if rng.random() >= 0.03 else agreed + Decimal(int(rng.integers(1, 7)) * 5) / 100
                    rows.append({"retailer": r.id, "delivery_note": str(note_no), "order_id": order, "product": product,
                                 "promised_at": promised + timedelta(days=i), "delivered_at": delivered_at,
                                 "ordered_qty": ordered, "delivered_qty": delivered, "accepted_qty": accepted,
                                 "value": round_money(delivered * invoiced), "unit_price": invoiced,
                                 "invoice": f"F-{delivered_at.year}-{note_no - 80000000:05d}"})
        day += timedelta(days=1)
    return [d for d in rows if d["delivered_at"].date() <= LAST_DAY]


def _sales(deliveries: pd.DataFrame) -> pd.DataFrame:
    months = deliveries["delivered_at"].map(lambda t: month_of(t.date()))
    sales = (deliveries.assign(month=months).groupby(["retailer", "month", "product"], sort=True)["value"]
             .agg(lambda v: sum(v, ZERO)).reset_index().rename(columns={"value": "net_sales"}))
    return sales


# --------------------------------------------------------------------------- charges
@dataclass
class _Charges:
    """The charges of the demo as they are drawn, with their truth; refuses a legitimate charge that would look
    like a duplicate of another (same reference and amount, or same description and amount within 30 days)."""

    rng: np.random.Generator
    rows: list[dict[str, Any]] = field(default_factory=list)
    _refs: set[tuple[str, str, Decimal]] = field(default_factory=set)
    _texts: dict[tuple[str, str, Decimal], list[date]] = field(default_factory=dict)

    def clashes(self, retailer: str, reference: str | None, text: str, amount: Decimal, day: date) -> bool:
        if reference and (retailer, reference, amount) in self._refs:
            return True
        return any(abs((day - other).days) <= 30 for other in self._texts.get((retailer, fold(text), amount), []))

    def add(self, r: Retailer, day: date, amount: Decimal, text: str, reference: str | None, true_type: str, *,
            hide_reference: bool = False, planted: str = "", verdict: str = "valid",
            invalid: Decimal | None = ZERO, check_clash: bool = True, taxed: bool = True) -> dict[str, Any] | None:
        amount = round_money(amount)
        if amount <= 0 or day > LAST_DAY:
            return None
        if check_clash and self.clashes(r.id, reference, text, amount, day):
            return None
        if reference:
            self._refs.add((r.id, reference, amount))
        self._texts.setdefault((r.id, fold(text), amount), []).append(day)
        row = {"retailer": r.id, "issue_date": day, "amount": amount, "tax": round_money(amount * TAX_RATE) if taxed else None,
               "description": text, "reference": None if hide_reference else reference,
               "due_date": day + timedelta(days=int(self.rng.integers(30, 61))),
               "true_type": true_type, "planted": planted, "expected_verdict": verdict,
               "expected_invalid_amount": invalid, "_ref": reference}
        self.rows.append(row)
        return row


def _promotion_basis(sales: pd.DataFrame, retailer: str, promo: dict[str, Any]) -> Decimal:
    """The sales a percent promotion is a share of: each month's sales of its products pro rata by days."""
    basis, month = ZERO, month_of(promo["from"])
    mine = sales[(sales["retailer"] == retailer) & sales["product"].isin(promo["products"])]
    while month <= month_of(promo["to"]):
        first, last = month_days(month)
        overlap = (min(last, promo["to"]) - max(first, promo["from"])).days + 1
        basis += sum(mine.loc[mine["month"] == month, "net_sales"], ZERO) * overlap / ((last - first).days + 1)
        month = next_month(month)
    return basis


def _late_notes(notes: list[dict[str, Any]], r: Retailer) -> list[dict[str, Any]]:
    return [n for n in notes if (n["delivered_at"] - n["promised_at"]).total_seconds() / 3600 > r.late_hours]


def _capped(value: Decimal, cap: Decimal | None) -> Decimal:
    return round_money(min(value, cap) if cap is not None else value)


def _missing_value(notes: list[dict[str, Any]]) -> Decimal:
    missing = ZERO
    for n in notes:
        if n["delivered_qty"] > 0 and n["ordered_qty"] > n["accepted_qty"]:
            missing += (n["ordered_qty"] - n["accepted_qty"]) * n["value"] / n["delivered_qty"]
    return missing


def _draw_charges(rng: np.random.Generator, r: Retailer, agreement: dict[str, Any], deliveries: list[dict[str, Any]],
                  sales: pd.DataFrame, book: _Charges, pools: dict[str, list[Any]]) -> None:
    """The retailer's legitimate charges, and the candidates of planted ones (`pools`)."""
    w = r.wording
    hide = lambda: bool(rng.random() < 0.25)  # noqa: E731 - the retailer gives no reference
    days = lambda lo, hi: timedelta(days=int(rng.integers(lo, hi)))  # noqa: E731
    # promotions
    for promo in agreement["promotions"]:
        product = promo["products"][0]
        if "amount" in promo["contribution"]:
            agreed = round_money(promo["contribution"]["amount"])
        else:
            agreed = round_money(promo["contribution"]["percent_of_sales"] * _promotion_basis(sales, r.id, promo))
        day = promo["to"] + days(15, 50)
        hidden = hide()
        text = (w["promotion_text"] if hidden else w["promotion"]).format(promo=promo["id"], product=product)
        if rng.random() < 0.12:
            pools.setdefault("over_agreed_promotion", []).append((r, promo, agreed, day, text))
            continue
        if rng.random() < 0.25:
            first = round_money(agreed * Decimal("0.6"))
            book.add(r, day, first, text + " (1/2)", promo["id"], "promotion", hide_reference=hidden)
            book.add(r, day + days(20, 40), agreed - first, text + " (2/2)", promo["id"], "promotion",
                     hide_reference=hidden)
        else:
            book.add(r, day, agreed, text, promo["id"], "promotion", hide_reference=hidden)
    # rappel: Q1..Q3 2026, at the tier reached
    for q in (1, 2, 3):
        months = [f"2026-{m:02d}" for m in range(3 * q - 2, 3 * q + 1)]
        total = sum(sales.loc[(sales["retailer"] == r.id) & sales["month"].isin(months), "net_sales"], ZERO)
        reached = [i for i, (t, _) in enumerate(r.tiers) if total >= t][-1]
        rate = r.tiers[reached][1]
        day = month_days(months[-1])[1] + days(10, 25)
        text = w["rappel"].format(q=q, year=2026)
        if reached + 1 < len(r.tiers):
            pools.setdefault("above_tier", []).append((r, total, rate, r.tiers[reached + 1][1], day, text, f"2026-Q{q}"))
        book.add(r, day, rate * total, text, f"2026-Q{q}", "rappel")
    # logistics penalties, returns, price differences, by order
    orders: dict[str, list[dict[str, Any]]] = {}
    for d in deliveries:
        orders.setdefault(d["order_id"], []).append(d)
    for order, notes in orders.items():
        event = max(n["delivered_at"] for n in notes).date()
        late = _late_notes(notes, r)
        single = len(notes) == 1
        ref = notes[0]["delivery_note"] if single else order
        late_text = (w["late"].format(note=ref) if single else w["late_order"].format(order=ref))
        if late:
            raw = sum((n["value"] for n in late), ZERO) * r.late_rate
            amount = _capped(raw, r.late_cap)
            if len(late) < len(notes):
                whole = _capped(sum((n["value"] for n in notes), ZERO) * r.late_rate, r.late_cap)
                if whole > amount:
                    pools.setdefault("partly_late", []).append((r, ref, late_text, event, whole, amount))
            if r.late_cap is not None and raw > r.late_cap:
                pools.setdefault("over_cap", []).append((r, ref, late_text, event, round_money(raw), amount))
            u = rng.random()
            if u < 0.82:
                book.add(r, event + days(5, 40), amount, late_text, ref, "logistics_penalty", hide_reference=hide(),
                         taxed=False)
            elif event + timedelta(days=r.claim_window_days + 40) <= LAST_DAY:
                pools.setdefault("outside_claim_window", []).append((r, ref, late_text, event, amount))
        else:
            whole = _capped(sum((n["value"] for n in notes), ZERO) * r.late_rate, r.late_cap)
            pools.setdefault("on_time", []).append((r, ref, late_text, event, whole))
        missing = _missing_value(notes)
        short_text = w["short"].format(order=order)
        if missing > 0:
            if rng.random() < 0.7:
                book.add(r, event + days(5, 40), _capped(missing * r.short_rate, r.short_cap), short_text, str(order),
                         "logistics_penalty", hide_reference=hide(), taxed=False)
        else:
            pools.setdefault("no_shortfall", []).append((r, order, short_text, event,
                                                         sum((n["value"] for n in notes), ZERO)))
        for note in notes:
            day = note["delivered_at"].date()
            if note["accepted_qty"] < note["delivered_qty"] and rng.random() < 0.6:
                book.add(r, day + days(3, 30), round_money((note["delivered_qty"] - note["accepted_qty"]) * note["value"]
                                                           / note["delivered_qty"]),
                         w["returns"].format(note=note["delivery_note"]), note["delivery_note"], "returns_damage",
                         hide_reference=hide())
            agreed = _agreed_price(note["product"], day)
            text = w["price"].format(invoice=note["invoice"], note=note["delivery_note"])
            if note["unit_price"] > agreed and rng.random() < 0.85:
                book.add(r, day + days(10, 40), (note["unit_price"] - agreed) * note["delivered_qty"], text,
                         note["delivery_note"], "price_difference", hide_reference=hide())
            elif note["unit_price"] == agreed and rng.random() < 0.01:
                pools.setdefault("price_agreed", []).append((r, note["delivery_note"], text, day, note["delivered_qty"]))
    # listing fees: charged once, on the day
    for fee in agreement["listing_fees"]:
        text = w["listing"].format(product=fee["product"])
        book.add(r, fee["on"] + days(0, 10), fee["amount"], text, fee["id"], "listing_fee")
        pools.setdefault("already_charged", []).append((r, fee, text))
    # marketing campaigns and vague charges (needs evidence)
    for campaign, month, cost in CAMPAIGNS:
        year = 2025 if month >= 11 else 2026
        day = date(year, month, int(rng.integers(1, 28)))
        amount = Decimal(int(cost * rng.uniform(0.8, 1.25))) + Decimal(int(rng.integers(0, 100))) / 100
        book.add(r, day, amount, w["marketing"].format(campaign=f"{campaign} {year}"), None, "marketing",
                 verdict="needs_evidence", invalid=None)
    for i in range(int(rng.integers(12, 20))):
        day = FIRST_DAY + timedelta(days=int(rng.integers(0, 360)))
        amount = Decimal(int(rng.integers(150, 2500))) + Decimal(int(rng.integers(0, 100))) / 100
        book.add(r, day, amount, f"{VAGUE[i % len(VAGUE)]} {r.prefix}/{day:%m%y}-{i:02d}", None,
                 "marketing" if rng.random() < 0.6 else "unidentified", verdict="needs_evidence", invalid=None)


def _plant(rng: np.random.Generator, book: _Charges, pools: dict[str, list[Any]], retailers: dict[str, Retailer],
           size: float) -> None:
    """The planted invalid charges, each with the verdict and invalid amount validation must find."""
    days = lambda lo, hi: timedelta(days=int(rng.integers(lo, hi)))  # noqa: E731

    def pick(kind: str) -> list[Any]:
        pool = pools.get(kind, [])
        n = min(len(pool), max(1, int(round(PLANTED[kind] * min(1.0, size)))))
        return [pool[int(i)] for i in sorted(rng.choice(len(pool), size=n, replace=False))] if pool else []

    code = lambda kind: PLANTED_CHECK.get(kind, kind)  # noqa: E731
    for r, promo, agreed, day, text in pick("over_agreed_promotion"):
        charged = round_money(agreed * Decimal(str(round(float(rng.uniform(1.1, 1.4)), 2))))
        book.add(r, day, charged, text, promo["id"], "promotion", planted=code("over_agreed_promotion"),
                 verdict="partly_valid", invalid=charged - agreed)
    for kind_pool in pools.get("over_agreed_promotion", []):  # the rest: charged what was agreed
        r, promo, agreed, day, text = kind_pool
        if not any(row["_ref"] == promo["id"] and row["retailer"] == r.id for row in book.rows):
            book.add(r, day, agreed, text, promo["id"], "promotion")
    for n in range(PLANTED["not_in_agreement"] if size >= 1 else 2):
        r = retailers[list(retailers)[n % len(retailers)]]
        day = FIRST_DAY + timedelta(days=int(rng.integers(60, 330)))
        pid = f"{r.prefix}-{day.year % 100:02d}{day.isocalendar().week:02d}-ESP{n}"
        amount = Decimal(int(rng.integers(10, 60)) * 50)
        book.add(r, day, amount, r.wording["promotion"].format(promo=pid), pid, "promotion",
                 planted="not_in_agreement", verdict="invalid", invalid=amount)
    for r, total, rate, higher, day, text, period in pick("above_tier"):
        # replace the legitimate rappel of that period by one charged at the next tier's rate
        book.rows[:] = [row for row in book.rows if not (row["retailer"] == r.id and row["_ref"] == period)]
        charged, agreed = round_money(higher * total), round_money(rate * total)
        book.add(r, day, charged, text, period, "rappel", planted="above_tier",
                 verdict="invalid" if agreed == 0 else "partly_valid", invalid=charged - agreed, check_clash=False)
    for r, ref, text, event, whole in pick("on_time"):
        book.add(r, event + days(5, 40), whole, text, ref, "logistics_penalty", planted="on_time", verdict="invalid",
                 invalid=round_money(whole), taxed=False)
    for r, ref, text, event, whole, amount in pick("partly_late"):
        book.rows[:] = [row for row in book.rows if not (row["retailer"] == r.id and row["_ref"] == ref
                                                         and row["description"] == text)]
        book.add(r, event + days(5, 40), whole, text, ref, "logistics_penalty", planted="partly_late",
                 verdict="partly_valid", invalid=whole - amount, check_clash=False, taxed=False)
    for r, ref, text, event, raw, amount in pick("over_cap"):
        if any(row["planted"] and row["_ref"] == ref and row["retailer"] == r.id for row in book.rows):
            continue
        book.rows[:] = [row for row in book.rows if not (row["retailer"] == r.id and row["_ref"] == ref
                                                         and row["description"] == text)]
        book.add(r, event + days(5, 40), raw, text, ref, "logistics_penalty", planted="over_agreed",
                 verdict="partly_valid", invalid=raw - amount, check_clash=False, taxed=False)
    for r, order, text, event, value in pick("no_shortfall"):
        amount = _capped(value * r.short_rate * Decimal("0.3"), r.short_cap)
        book.add(r, event + days(5, 40), amount, text, order, "logistics_penalty", planted="no_shortfall",
                 verdict="invalid", invalid=amount, taxed=False)
    for r, note, text, day, qty in pick("price_agreed"):
        amount = round_money(Decimal(int(rng.integers(5, 25))) / 100 * qty)
        book.add(r, day + days(10, 40), amount, text, note, "price_difference", planted="price_agreed",
                 verdict="invalid", invalid=amount)
    for r, fee, text in pick("already_charged"):
        amount = round_money(fee["amount"] / 2)
        book.add(r, fee["on"] + days(40, 120), amount, text + " (regularización)", fee["id"], "listing_fee",
                 planted="already_charged", verdict="invalid", invalid=amount)
    for r, ref, text, event, amount in pick("outside_claim_window"):
        day = event + timedelta(days=r.claim_window_days) + days(5, 40)
        book.add(r, day, amount, text, ref, "logistics_penalty", planted="outside_claim_window", verdict="invalid",
                 invalid=amount, taxed=False)
    legit = [row for row in book.rows if not row["planted"] and row["true_type"] != "marketing"
             and row["true_type"] != "unidentified" and row["issue_date"] < LAST_DAY - timedelta(days=30)
             and row["amount"] >= 100]  # a duplicate worth disputing
    n = min(len(legit), max(1, int(round(PLANTED["duplicate"] * min(1.0, size)))))
    for i in sorted(rng.choice(len(legit), size=n, replace=False)):
        first = legit[int(i)]
        r = retailers[first["retailer"]]
        copy = book.add(r, first["issue_date"] + days(3, 28), first["amount"], first["description"], first["_ref"],
                        first["true_type"], hide_reference=first["reference"] is None, planted="duplicate",
                        verdict="invalid", invalid=first["amount"], check_clash=False,
                        taxed=first["tax"] is not None)
        if copy is not None:
            copy["_first"] = first


def cargos_tables(seed: int = DEFAULT_SEED, charges: int = 4000) -> dict[str, pd.DataFrame]:
    """The tables of the demo (typed): deliveries, sales, charges (with their truth columns), decisions, the
    dispute register's history (`register`, rows by register column) and its win rates (`win_rates`), and the
    agreements as plain mappings (`agreements`, one row per retailer in a frame of one column `agreement`)."""
    rng = np.random.default_rng([seed, 16])
    scale = charges / 4000 * 1.3  # promotions, rappels, fees and campaigns do not grow with the orders
    retailers = {r.id: r for r in RETAILERS}
    agreements = {r.id: _agreement(rng, r) for r in RETAILERS}
    deliveries: dict[str, list[dict[str, Any]]] = {}
    first_note = 80000000
    for r in RETAILERS:
        deliveries[r.id] = _deliveries(rng, r, scale, first_note)
        first_note += 200000
    delivery_frame = pd.DataFrame([d for r in RETAILERS for d in deliveries[r.id]])
    sales = _sales(delivery_frame)
    book = _Charges(rng)
    pools: dict[str, list[Any]] = {}
    for r in RETAILERS:
        _draw_charges(rng, r, agreements[r.id], deliveries[r.id], sales, book, pools)
    _plant(rng, book, pools, retailers, scale)
    frame = pd.DataFrame(book.rows)
    frame = frame.sort_values(["retailer", "issue_date", "description", "amount"], kind="stable").reset_index(drop=True)
    numbers: dict[str, int] = {}
    ids = []
    for retailer, day in zip(frame["retailer"], frame["issue_date"], strict=True):
        numbers[retailer] = numbers.get(retailer, 0) + 1
        prefix = retailers[retailer].prefix
        ids.append({"MP": f"MP-{day.year % 100}-{numbers[retailer]:06d}", "HD": f"HD{day.year}/{numbers[retailer]:05d}",
                    "SV": f"SV-C-{numbers[retailer] + 4000}"}[prefix])
    frame["document_id"] = ids
    decisions = _decisions(rng, frame)
    history = _history(rng, frame)
    return {"deliveries": delivery_frame, "sales": sales, "charges": frame, "decisions": decisions,
            "register": pd.DataFrame(history), "win_rates": win_rate_truth(),
            "agreements": pd.DataFrame({"agreement": list(agreements.values())})}


def _decisions(rng: np.random.Generator, charges: pd.DataFrame) -> pd.DataFrame:
    """People's decisions on the type of about half the vague charges (those without a reference or pattern)."""
    vague = charges[charges["description"].map(lambda t: any(t.startswith(v) for v in VAGUE))]
    chosen = vague[rng.random(len(vague)) < 0.5]
    return pd.DataFrame({
        "retailer": chosen["retailer"], "document_id": chosen["document_id"], "type": chosen["true_type"],
        "decided_at": [datetime(d.year, d.month, d.day, 9) + timedelta(days=int(rng.integers(2, 15)),
                                                                       minutes=int(rng.integers(0, 480)))
                       for d in chosen["issue_date"]],
        "decided_by": [DECIDERS[int(i)] for i in rng.integers(0, len(DECIDERS), len(chosen))],
        "note": ""}).sort_values(["decided_at", "document_id"]).reset_index(drop=True)


# --------------------------------------------------------------------------- resolution history
def win_probability(retailer: str, kind: str) -> float:
    """The probability (0–1) that `retailer` grants a dispute of a charge of type `kind` filed in time."""
    return round(min(0.95, WIN_BY_TYPE[kind] * WIN_BY_RETAILER[retailer]), 4)


def win_rate_truth() -> pd.DataFrame:
    """retailer, type, win_rate: the probabilities the history's answers are drawn with (truth/win_rates.csv)."""
    return pd.DataFrame([{"retailer": r.id, "type": t, "win_rate": win_probability(r.id, t)}
                         for r in RETAILERS for t in WIN_BY_TYPE], columns=WIN_RATE_COLUMNS)


def _history(rng: np.random.Generator, charges: pd.DataFrame) -> list[dict[str, Any]]:
    """The dispute register's rows of the demo's resolution history (module doc), in date order; each row made
    by the register's own functions (`resolution.action_row`, `disputes.transition`), so it is what the CLI
    would have written."""
    from ccanalysis import disputes
    from ccanalysis.cargos.resolution import action_row

    windows = {r.id: r.dispute_window_days for r in RETAILERS}
    empty = pd.DataFrame({c: pd.Series(dtype=object) for c in disputes.REGISTER_COLUMNS})
    rows: list[tuple[date, int, dict[str, Any]]] = []
    days = lambda lo, hi: timedelta(days=int(rng.integers(lo, hi)))  # noqa: E731
    for c in charges.to_dict("records"):
        retailer, kind, verdict = c["retailer"], c["true_type"], c["expected_verdict"]
        if c["issue_date"] > (ACCEPT_UNTIL if verdict == "valid" else HISTORY_END):
            continue
        charge = {"retailer": retailer, "document_id": c["document_id"], "issue_date": c["issue_date"],
                  "amount": c["amount"], "type": kind, "invalid_amount": c["expected_invalid_amount"],
                  "check": PLANTED_CHECK.get(c["planted"], c["planted"]) or
                  ("no_evidence" if verdict == "needs_evidence" else "ok")}
        u = rng.random()
        mine: list[dict[str, Any]] = []
        if verdict == "valid" or (verdict == "needs_evidence" and u < ACCEPT_WITH_EVIDENCE):
            if verdict == "valid" and u >= ACCEPT_VALID:
                continue  # forgotten: still undecided
            accepted = c["issue_date"] + days(3, 25)
            if accepted <= LAST_DAY:
                mine.append(action_row(empty, charge, "accept", accepted))
        else:
            amount = c["amount"] if verdict == "needs_evidence" else c["expected_invalid_amount"]
            if amount < WRITE_OFF_BELOW:
                mine.append(action_row(empty, charge, "write_off", c["issue_date"] + days(3, 25), amount=amount))
            else:
                window = windows[retailer]
                late = rng.random() < LATE_SHARE
                filed = c["issue_date"] + (timedelta(days=window) + days(1, 20) if late else days(2, window - 2))
                if filed > LAST_DAY:
                    continue  # not filed yet
                mine.append(action_row(empty, charge, "dispute", filed, amount=amount))
                answered = filed + days(10, 40)
                won = not late and rng.random() < win_probability(retailer, kind)
                partly, share = rng.random() < 0.3, Decimal(int(rng.integers(50, 91))) / 100
                credited, dropped = answered + days(5, 30), answered + days(3, 20)
                if answered <= LAST_DAY:
                    register = pd.DataFrame(mine)
                    key = mine[0]["dispute_id"]
                    if won and partly:
                        step = disputes.transition(register, key, "partially_accepted", answered,
                                                   amount=round_money(amount * share))
                    else:
                        step = disputes.transition(register, key, "accepted" if won else "rejected", answered)
                    mine.append(step)
                    if won and credited <= LAST_DAY:
                        mine.append(disputes.transition(pd.DataFrame(mine), key, "credited", credited))
                    elif not won and dropped <= LAST_DAY and rng.random() < 0.6:
                        mine.append(disputes.transition(pd.DataFrame(mine), key, "written_off", dropped))
        rows.extend((r["status_date"], len(rows), r) for r in mine)
    return [r for _, _, r in sorted(rows, key=lambda t: (t[0], t[1]))]


# --------------------------------------------------------------------------- files
def demo_cargos_settings() -> dict[str, Any]:
    """engagement.yaml of the cargos demo: no contact-centre supplier, the cargos settings."""
    return {"id": CARGOS_ID, "client": CLIENT, "currency": "EUR", "lang": "es", "holidays": "ES", "suppliers": [],
            "cargos": {"review_threshold": 0.6, "handling_cost": 45.0, "forecast_months": 6}}


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(str(value))
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _stamp(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S")


def _written(frame: pd.DataFrame, formats: dict[str, Callable[[Any], str]]) -> pd.DataFrame:
    out = frame.copy()
    for column, fmt in formats.items():
        out[column] = ["" if v is None or (not isinstance(v, str) and pd.isna(v)) else fmt(v) for v in out[column]]
    return out


def build_cargos_demo(root: Path, *, seed: int = DEFAULT_SEED, charges: int = 4000) -> None:
    """Write the cargos demo engagement under `root` (parameters/demo_cargos, data/demo_cargos), about `charges`
    charges, replacing any previous one; nothing is left half-written on failure."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    tables = cargos_tables(seed, charges)
    staging = Path(tempfile.mkdtemp(prefix=".demo-cargos-", dir=root))
    try:
        params, data = staging / "parameters", staging / "data"
        (params / "cargos").mkdir(parents=True)
        (params / "engagement.yaml").write_text(
            yaml_text(demo_cargos_settings(), "Cargos demo engagement (generated by `ccanalysis demo`)"),
            encoding="utf-8")
        for agreement in tables["agreements"]["agreement"]:
            (params / "cargos" / f"{agreement['retailer']}.yaml").write_text(
                yaml_text(_plain(agreement), f"Agreement with {agreement['name']} (cargos demo)"), encoding="utf-8")
        folder = data / "cargos"
        money = _money
        deliveries = _written(tables["deliveries"], {"promised_at": _stamp, "delivered_at": _stamp, "value": money,
                                                     "unit_price": money})
        for retailer, part in deliveries.groupby("retailer", sort=True):
            write_csv(part.drop(columns=["invoice"]), folder / "deliveries" / f"{retailer}.csv")
        write_csv(_written(tables["sales"], {"net_sales": money})[["retailer", "month", "product", "net_sales"]],
                  folder / "sales" / "sales.csv")
        charges_out = _written(tables["charges"], {"issue_date": date.isoformat, "due_date": date.isoformat,
                                                   "amount": money, "tax": money})
        for retailer, part in charges_out.groupby("retailer", sort=True):
            write_csv(part[CHARGE_COLUMNS], folder / "charges" / f"{retailer}.csv")
        write_csv(_written(tables["decisions"], {"decided_at": _stamp}), folder / "decisions.csv")
        truth = _written(tables["charges"], {"expected_invalid_amount": money})
        write_csv(truth[TRUTH_COLUMNS].rename(columns={}), data / "truth" / "charges_truth.csv")
        write_csv(tables["win_rates"], data / "truth" / "win_rates.csv")
        append_register(register_path(data), tables["register"].to_dict("records"))
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    commit(staging, [(params, root / "parameters" / CARGOS_ID), (data, root / "data" / CARGOS_ID)])
