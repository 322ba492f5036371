"""The suppliers' invoices: an expected invoice rendered in each supplier's style, with injected errors.

`render_invoice` is pure (DataFrame in, DataFrame and error records out); each injected error is recorded
(supplier, month, line, check, difference) so an audit can be scored against the truth.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from ccanalysis.demo.engagement import TAX_RATE
from ccanalysis.errors import UsageError
from ccanalysis.money import round_half_up, to_decimal
from ccanalysis.periods import month_days

INVOICE_COLUMNS = ["invoice_id", "issue_date", "period_start", "period_end", "line", "service", "charge",
                   "description", "quantity", "unit", "unit_price", "amount", "tax_rate", "total_net",
                   "total_tax", "total_gross"]
ERROR_CHECKS = ("quantity", "unit_price", "arithmetic", "duplicate", "missing_sla_penalty", "not_in_contract",
                "totals", "tier", "missing_cap")
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


def blank(value: object) -> bool:
    """True for an empty cell: None, NaN, pd.NA or ''."""
    return value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA or value == ""


def _dec(value: object) -> Decimal | None:
    return None if blank(value) else to_decimal(value)


def _text(value: object) -> str:
    return "" if blank(value) else str(value)


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


def transpose_digits(amount: Decimal) -> Decimal:
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
        raise UsageError(f"unknown error check(s): {', '.join(sorted(unknown))}; known: {', '.join(ERROR_CHECKS)}")
    start, end = month_days(month)
    rows: list[dict[str, Any]] = []
    for record in expected.to_dict("records"):
        rows.append({
            "service": _text(record.get("service")), "charge": _text(record.get("charge")),
            "kind": _text(record.get("kind")), "tier": _text(record.get("tier")),
            "description": _description(record, style, month),
            "quantity": _dec(record.get("quantity")), "unit": _text(record.get("unit")),
            "unit_price": _dec(record.get("unit_price")), "amount": round_half_up(_dec(record.get("amount")) or 0),
            "tax_rate": _dec(record.get("tax_rate")) if not blank(record.get("tax_rate")) else TAX_RATE,
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
            row["amount"] = transpose_digits(old)
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
        elif check == "missing_cap":  # a cap due (a charge's maximum, a fee cap per account) left off
            gone = pick([r for r in rows if r["kind"] in ("maximum", "account_cap") and r["amount"] < 0])
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
        if row is not None and record["check"] not in ("missing_sla_penalty", "missing_cap", "totals"):
            record["line"] = row["line"]
        records.append(record)
    return lines, records

