"""The demo's plan, budget and workforce tables (what the client planned, budgeted and was told)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ccanalysis.demo.activity import CARE, CARE_WEEKDAY_CONTACTS, CHAT, DAILY_SERVICES
from ccanalysis.demo.calendar import volume_factor
from ccanalysis.demo.engagement import MONTHS, SUPPLIERS
from ccanalysis.demo.size import base_month, base_supplier

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


def plan_table(cal: pd.DataFrame, suppliers: Sequence[str] = SUPPLIERS) -> pd.DataFrame:
    """Planned activity per day, supplier and service (forecast offered, AHT, handled, logged time, cost);
    a copy of a demo supplier plans as the supplier it copies."""
    frames = []
    days_in_month = cal.groupby("month")["date"].transform("size").to_numpy()
    planned = [(supplier, base, service, p) for supplier in suppliers for (base, service), p in PLAN.items()
               if base == base_supplier(supplier)]
    for supplier, base, service, p in planned:
        factor = volume_factor(cal, p["days"])
        keep = factor > 0
        part = cal[keep].copy()
        offered = np.rint(p["offered"] * factor[keep]).astype(np.int64)
        handled = np.rint(offered * p["handled_share"]).astype(np.int64)
        part = part.assign(supplier=supplier, service=service, offered=offered, aht_s=p["aht"], handled=handled,
                           logged_s=np.rint(handled * p["aht"] / PLANNED_OCCUPANCY).astype(np.int64))
        cost = _planned_cost(base, service, part, days_in_month[keep])
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
    whole = budget["supplier"].map(base_supplier) == "eastline"
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


def workforce_table(months: Sequence[str] = MONTHS, suppliers: Sequence[str] = SUPPLIERS) -> pd.DataFrame:
    """Monthly workforce and compliance facts per supplier and service (a copy of a demo supplier, and a
    month after the demo's three, take the facts of the supplier and month they repeat)."""
    rows = []
    for month in months:
        facts = [(supplier, service, by_month) for supplier in suppliers
                 for (base, service), by_month in WORKFORCE.items() if base == base_supplier(supplier)]
        for supplier, service, by_month in facts:
            head, leavers, hires, training, certs, incidents = by_month[base_month(month)]
            rows.append({"month": month, "supplier": supplier, "service": service, "headcount_avg": head,
                         "leavers": leavers, "hires": hires, "training_hours": training,
                         "headcount_start": int(round(head - (hires - leavers) / 2)),
                         "new_hire_training_hours": hires * 40, "certifications": certs,
                         "security_incidents": incidents})
    return pd.DataFrame(rows)
