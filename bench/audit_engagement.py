"""A synthetic engagement whose supplier bills per agent and day, for the audit benchmark (bench/audit.py).

`write_agent_day_engagement(root, agents=250, days=20)` writes, in the public formats of data.md:
- parameters/bench/engagement.yaml and contracts/staffco.yaml: one service `care` with two charges,
  `agent_hours` (logged_hour, per_unit at 18.40) and `platform_fee` (month, fixed 1,500.00);
- data/bench/activity/staffco.csv: one daily row per working day of 2026-09, its logged_s the sum of the
  agents' logged time that day;
- data/bench/invoices/staffco/2026-09.csv: line 1 the platform fee, then one line per agent and day
  ("Agente 0123 — 2026-09-14 — horas logadas", quantity = that agent's logged hours that day, unit_price =
  18.40, ids given), then three planted errors: a line billed twice (the copy is the last line), a line whose
  amount is 10.00 more than quantity × price, and a line priced at 19.40.

Every agent-day is a whole number of quarter hours, so each line's amount is exact to the cent and the sum of
the lines equals the expected amount of the charge: without the planted errors the invoice is clean. The
planted over-billing is computed here from the written figures (`Planted`), not by the audit.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import numpy as np
import yaml

ENGAGEMENT = "bench"
SUPPLIER = "staffco"
SERVICE = "care"
MONTH = "2026-09"
HOURLY_PRICE = Decimal("18.40")
WRONG_PRICE = Decimal("19.40")
PLATFORM_FEE = Decimal("1500.00")
AMOUNT_ERROR = Decimal("10.00")
TAX_RATE = Decimal("0.21")
CENT = Decimal("0.01")

INVOICE_COLUMNS = ["invoice_id", "issue_date", "period_start", "period_end", "line", "service", "charge",
                   "description", "quantity", "unit", "unit_price", "amount", "tax_rate", "total_net",
                   "total_tax", "total_gross"]

CONTRACT = {
    "supplier": SUPPLIER,
    "name": "Staffco Servicios de Atención S.L.",
    "currency": "EUR",
    "tax_rate": str(TAX_RATE),
    "valid_from": "2026-01-01",
    "valid_to": None,
    "payment_terms_days": 60,
    "dispute_window_days": 90,
    "services": [{
        "id": SERVICE,
        "name": "Atención al cliente",
        "channel": "voice",
        "charges": [
            {"id": "agent_hours", "description": "Hora logada de agente", "unit": "logged_hour",
             "model": "per_unit", "unit_price": str(HOURLY_PRICE)},
            {"id": "platform_fee", "description": "Cuota plataforma", "unit": "month", "model": "fixed",
             "amount": str(PLATFORM_FEE)},
        ],
    }],
}


@dataclass(frozen=True)
class Planted:
    """An error written into the invoice, with the finding the audit must make (line, check, difference)."""

    line: int
    check: str
    difference: Decimal
    what: str


@dataclass(frozen=True)
class AgentDayEngagement:
    root: Path
    engagement: str
    supplier: str
    month: str
    lines: int  # lines on the invoice
    billed_net: Decimal
    expected_net: Decimal
    planted: tuple[Planted, ...]

    @property
    def over_billing(self) -> Decimal:
        return sum((p.difference for p in self.planted), Decimal(0))


def working_days(month: str, count: int) -> list[date]:
    """The first `count` weekdays of `month` (2026-09 has no national holiday in Spain)."""
    day = date.fromisoformat(f"{month}-01")
    out: list[date] = []
    while len(out) < count:
        if day.weekday() < 5:
            out.append(day)
        day += timedelta(days=1)
        if day.strftime("%Y-%m") != month:
            raise ValueError(f"{month} has fewer than {count} weekdays")
    return out


def _write_yaml(path: Path, data: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def _write_csv(path: Path, columns: list[str], rows: list[dict[str, object]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)


def write_agent_day_engagement(root: Path, *, agents: int = 250, days: int = 20,
                               seed: int = 20260901) -> AgentDayEngagement:
    """Write the engagement under `root` and return what was written (the planted errors included)."""
    if agents < 3 or days < 2:
        raise ValueError("the planted errors need at least 3 agents and 2 days")
    root = Path(root)
    rng = np.random.default_rng(seed)
    dates = working_days(MONTH, days)
    quarters = rng.integers(16, 33, size=(days, agents))  # 4.00 .. 8.00 logged hours per agent and day

    _write_yaml(root / "parameters" / ENGAGEMENT / "engagement.yaml", {
        "id": ENGAGEMENT, "client": "Cliente Banco S.A.", "currency": "EUR", "lang": "es", "holidays": "ES",
        "suppliers": [SUPPLIER]})
    _write_yaml(root / "parameters" / ENGAGEMENT / "contracts" / f"{SUPPLIER}.yaml", CONTRACT)

    activity = []
    for d, day in enumerate(dates):
        logged_s = int(quarters[d].sum()) * 900
        handled = logged_s // 400
        offered = handled + handled // 20
        activity.append({"date": day.isoformat(), "supplier": SUPPLIER, "service": SERVICE, "offered": offered,
                         "handled": handled, "abandoned": offered - handled, "abandoned_short": 0,
                         "answered_within_sl": handled * 4 // 5, "talk_s": handled * 240, "hold_s": handled * 20,
                         "acw_s": handled * 40, "logged_s": logged_s})
    _write_csv(root / "data" / ENGAGEMENT / "activity" / f"{SUPPLIER}.csv", list(activity[0]), activity)

    header = {"invoice_id": "SC-2026-0930", "issue_date": "2026-10-05", "period_start": f"{MONTH}-01",
              "period_end": "2026-09-30", "tax_rate": str(TAX_RATE)}
    lines: list[dict[str, object]] = [{
        "line": 1, "service": SERVICE, "charge": "platform_fee", "description": "Cuota plataforma septiembre 2026",
        "quantity": "1", "unit": "month", "unit_price": str(PLATFORM_FEE), "amount": str(PLATFORM_FEE)}]
    for d, day in enumerate(dates):
        for agent in range(agents):
            hours = Decimal(int(quarters[d, agent])) / 4
            lines.append({"line": len(lines) + 1, "service": SERVICE, "charge": "agent_hours",
                          "description": f"Agente {agent + 1:04d} — {day.isoformat()} — horas logadas",
                          "quantity": f"{hours:.2f}", "unit": "logged_hour", "unit_price": str(HOURLY_PRICE),
                          "amount": f"{hours * HOURLY_PRICE:.2f}"})
    expected_net = sum((Decimal(str(row["amount"])) for row in lines), Decimal(0))

    planted = []
    copied = lines[2]  # the first day's second agent
    lines.append({**copied, "line": len(lines) + 1})
    planted.append(Planted(len(lines), "duplicate", Decimal(str(copied["amount"])),
                           f"line {len(lines)} repeats line {copied['line']}"))
    wrong_amount = lines[1 + (days // 2) * agents + agents // 2]
    computed = Decimal(str(wrong_amount["amount"]))
    wrong_amount["amount"] = f"{computed + AMOUNT_ERROR:.2f}"
    planted.append(Planted(int(wrong_amount["line"]), "arithmetic", AMOUNT_ERROR,
                           f"line {wrong_amount['line']} amount {wrong_amount['amount']} for "
                           f"{wrong_amount['quantity']} × {wrong_amount['unit_price']} = {computed:.2f}"))
    wrong_price = lines[1 + (days - 1) * agents + agents - 1]
    quantity = Decimal(str(wrong_price["quantity"]))
    wrong_price["unit_price"] = str(WRONG_PRICE)
    wrong_price["amount"] = f"{(quantity * WRONG_PRICE).quantize(CENT):.2f}"
    planted.append(Planted(int(wrong_price["line"]), "rate", (quantity * (WRONG_PRICE - HOURLY_PRICE)).quantize(CENT),
                           f"line {wrong_price['line']} priced {WRONG_PRICE}, contract {HOURLY_PRICE}"))

    billed_net = sum((Decimal(str(row["amount"])) for row in lines), Decimal(0))
    tax = (billed_net * TAX_RATE).quantize(CENT)
    totals = {"total_net": f"{billed_net:.2f}", "total_tax": f"{tax:.2f}", "total_gross": f"{billed_net + tax:.2f}"}
    _write_csv(root / "data" / ENGAGEMENT / "invoices" / SUPPLIER / f"{MONTH}.csv", INVOICE_COLUMNS,
               [{**header, **row, **totals} for row in lines])
    return AgentDayEngagement(root, ENGAGEMENT, SUPPLIER, MONTH, len(lines), billed_net, expected_net,
                              tuple(planted))


# --------------------------------------------------------------------------- the classifier's lines
CHARGE_KINDS = [  # (charge id suffix, description, unit, model fields)
    ("minutes", "Minuto productivo", "productive_minute", {"model": "per_unit", "unit_price": "0.55"}),
    ("hours", "Hora logada de agente", "logged_hour", {"model": "per_unit", "unit_price": "18.40"}),
    ("contacts", "Contacto atendido", "handled_contact", {"model": "per_unit", "unit_price": "1.20"}),
    ("talk", "Minuto de conversación", "talk_minute", {"model": "per_unit", "unit_price": "0.40"}),
    ("platform", "Cuota mensual plataforma", "month", {"model": "fixed", "amount": "1500.00"}),
]
SERVICES = [("care", "atención al cliente", "voice"), ("sales", "televenta", "voice"),
            ("collections", "recobro de impagados", "voice"), ("support", "soporte técnico", "voice"),
            ("backoffice", "backoffice documental", "backoffice"), ("retention", "retención de bajas", "voice")]
TEMPLATES = ["{kind} {service} — {month} 2026 — agente {agent:04d}", "{kind} - {service} ({month} 2026)",
             "{service}: {kind} {month}-2026 ag. {agent}", "{kind} servicio {service} mes de {month}",
             "{KIND} {SERVICE} {month} 2026"]
MONTH_NAMES = {"2026-07": "julio", "2026-08": "agosto", "2026-09": "septiembre"}
TRAINING_MONTHS = ("2026-07", "2026-08")
PREDICTED_MONTH = "2026-09"


@dataclass(frozen=True)
class ClassifierLines:
    contract: object  # ccanalysis.contract.Contract with every (service, charge) of SERVICES × CHARGE_KINDS
    known: object  # DataFrame: lines of TRAINING_MONTHS with their ids (service, charge), invoice-line columns
    unknown: object  # DataFrame: lines of PREDICTED_MONTH without ids
    truth: tuple[tuple[str, str], ...]  # the (service, charge) each line of `unknown` bills
    classes: int


def classifier_contract() -> dict:
    """A contract with len(SERVICES) × len(CHARGE_KINDS) charges (30), one per service and kind."""
    services = []
    for service, name, channel in SERVICES:
        charges = [{"id": f"{service}_{suffix}", "description": f"{text} {name}", "unit": unit, **fields}
                   for suffix, text, unit, fields in CHARGE_KINDS]
        services.append({"id": service, "name": name.capitalize(), "channel": channel, "charges": charges})
    return {**CONTRACT, "services": services}


def _typo(text: str, rng: np.random.Generator) -> str:
    """The text with one character dropped, doubled or swapped with the next (a supplier's typing)."""
    at = int(rng.integers(0, len(text) - 1))
    how = int(rng.integers(0, 3))
    if how == 0:
        return text[:at] + text[at + 1:]
    if how == 1:
        return text[:at] + text[at] + text[at:]
    return text[:at] + text[at + 1] + text[at] + text[at + 2:]


def _strip_accents(text: str) -> str:
    return text.translate(str.maketrans("áéíóúÁÉÍÓÚ", "aeiouAEIOU"))


def _lines(month: str, count: int, rng: np.random.Generator, *, with_ids: bool, invoice: str
           ) -> tuple[list[dict[str, object]], list[tuple[str, str]]]:
    rows, truth = [], []
    for line in range(1, count + 1):
        service, name, _ = SERVICES[int(rng.integers(0, len(SERVICES)))]
        suffix, kind, unit, fields = CHARGE_KINDS[int(rng.integers(0, len(CHARGE_KINDS)))]
        template = TEMPLATES[int(rng.integers(0, len(TEMPLATES)))]
        text = template.format(kind=kind, service=name, KIND=kind.upper(), SERVICE=name.upper(),
                               month=MONTH_NAMES[month], agent=int(rng.integers(1, 400)))
        if rng.random() < 0.3:
            text = _strip_accents(text)
        if rng.random() < 0.3:
            text = _typo(text, rng)
        charge = f"{service}_{suffix}"
        price = Decimal(fields.get("unit_price", fields.get("amount")))
        quantity = Decimal(1) if fields["model"] == "fixed" else Decimal(int(rng.integers(1, 2000)))
        rows.append({"supplier": SUPPLIER, "month": month, "invoice_id": invoice, "issue_date": f"{month}-28",
                     "period_start": f"{month}-01", "period_end": f"{month}-28", "line": line,
                     "service": service if with_ids else None, "charge": charge if with_ids else None,
                     "description": text, "quantity": quantity, "unit": unit, "unit_price": price,
                     "amount": quantity * price, "tax_rate": TAX_RATE})
        truth.append((service, charge))
    return rows, truth


def classifier_lines(count: int = 5000, *, seed: int = 20260902) -> ClassifierLines:
    """`count` lines with ids over TRAINING_MONTHS (the training data) and `count` lines of PREDICTED_MONTH
    without ids, their descriptions drawn from SERVICES × CHARGE_KINDS × TEMPLATES with months, agent
    numbers, missing accents and typos."""
    import pandas as pd

    from ccanalysis.contract import parse_contract

    contract, problems = parse_contract(classifier_contract(), f"contracts/{SUPPLIER}.yaml")
    if problems:
        raise ValueError(problems)
    rng = np.random.default_rng(seed)
    known: list[dict[str, object]] = []
    per_month = -(-count // len(TRAINING_MONTHS))
    for month in TRAINING_MONTHS:
        rows, _ = _lines(month, min(per_month, count - len(known)), rng, with_ids=True, invoice=f"SC-{month}")
        known += rows
    unknown, truth = _lines(PREDICTED_MONTH, count, rng, with_ids=False, invoice=f"SC-{PREDICTED_MONTH}")
    return ClassifierLines(contract, pd.DataFrame(known), pd.DataFrame(unknown), tuple(truth),
                           len(SERVICES) * len(CHARGE_KINDS))
