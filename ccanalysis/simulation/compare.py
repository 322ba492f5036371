"""The deterministic comparison of candidates on the basis (pure: a Basis and candidates in, facts out).

Each candidate is priced month by month by `ccanalysis.simulation.replay` (the one definition of a
candidate's exact cost on a basis month: the terms in force on the period's first day, validity dates and
SLA start not applied, charges on logged time rated on the basis's `time_activities`; its charge lines,
the minimum commitment true-up and the SLA lines). The total is the net (Σ rounded lines, before tax); per
handled contact and per productive hour it is divided by the basis's handled contacts and productive
(talk + hold + ACW) hours.

Risk: the basis is scaled by ±`step` (10 %) in volume and, separately, in AHT (`basis.scale_basis`; hours
recomputed by the staffing engine) and priced again. The elasticity is the arc elasticity
(cost(+step) − cost(−step)) ÷ (2 × step × cost): 1 when the cost moves in proportion, 0 when it does not
move. Who bears the risk of a driver: "client" when the elasticity is ≥ 2/3 (the client pays for more
contacts or longer contacts), "supplier" when it is ≤ 1/3 (the supplier absorbs it), else "shared".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pandas as pd

from ccanalysis.invoice import Line
from ccanalysis.money import ZERO, round_half_up
from ccanalysis.pricing.units import UNITS, ServiceActivity
from ccanalysis.simulation.basis import scale_basis
from ccanalysis.simulation.model import Basis, Candidate, Staffing
from ccanalysis.simulation.replay import replay_month

STEP = Decimal("0.10")
#: Elasticity bounds of who bears a driver's risk: ≥ CLIENT_FROM client, ≤ SUPPLIER_UP_TO supplier.
CLIENT_FROM, SUPPLIER_UP_TO = Decimal(2) / 3, Decimal(1) / 3
SUMMARY_COLUMNS = ["candidate", "offer", "supplier", "source", "total", "per_contact", "per_productive_hour",
                   "cost_volume_up", "cost_volume_down", "cost_aht_up", "cost_aht_down", "elasticity_volume",
                   "elasticity_aht", "risk_volume", "risk_aht", "notes"]
LINE_FRAME_COLUMNS = ["candidate", "month", "line", "service", "charge", "tier", "kind", "quantity", "unit",
                      "unit_price", "amount", "label", "facts"]
_PLACES = Decimal("0.0001")


@dataclass(frozen=True)
class Comparison:
    """candidates: one row per candidate (SUMMARY_COLUMNS; money Decimal, elasticities Decimal to 4
    places, risks "client" | "shared" | "supplier", None when the cost is 0); months: candidate, month,
    total; lines: every expected invoice line (LINE_FRAME_COLUMNS; `label` and `facts` are the facts
    `ccanalysis.i18n.domain.describe` / `explain` word); the basis's handled contacts, productive and
    logged hours; step: the ± fraction of the elasticities."""

    candidates: pd.DataFrame
    months: pd.DataFrame
    lines: pd.DataFrame
    handled: Decimal
    productive_hours: Decimal
    logged_hours: Decimal
    step: Decimal = STEP

    def row(self, candidate: str) -> dict[str, Any]:
        """The candidate's row of the comparison, by column."""
        return self.candidates.set_index("candidate").loc[candidate].to_dict()


def month_lines(candidate: Candidate, basis: Basis, month: str) -> list[Line]:
    """The candidate's expected invoice lines for one month of the basis (`replay.replay_month`)."""
    return replay_month(candidate, basis, month).lines


def price(candidate: Candidate, basis: Basis) -> dict[str, list[Line]]:
    """month → the candidate's expected invoice lines."""
    return {month: month_lines(candidate, basis, month) for month in basis.months}


def total(lines_by_month: Mapping[str, Iterable[Line]]) -> Decimal:
    """Σ of every line's amount over the months, in the contract currency (exact Decimal)."""
    return sum((line.amount for lines in lines_by_month.values() for line in lines), ZERO)


def _unit(name: str, activity: ServiceActivity) -> Decimal:
    return UNITS.get(name).value({}, activity, 0, 0)


def basis_volumes(basis: Basis) -> tuple[Decimal, Decimal, Decimal]:
    """(handled contacts, productive hours, logged hours) of the basis, exact."""
    handled = productive = logged = ZERO
    for month in basis.months:
        activity = basis.activities[month]
        handled += _unit("handled_contact", activity)
        productive += _unit("productive_hour", activity)
        logged += _unit("logged_hour", basis.time_activities.get(month, activity))
    return handled, productive, logged


def elasticity(up: Decimal, down: Decimal, base: Decimal, step: Decimal) -> Decimal | None:
    """(up − down) ÷ (2 × step × base), to 4 places; None when the base cost is 0."""
    if base == 0:
        return None
    return round_half_up((up - down) / (2 * step * base), 4)


def risk(value: Decimal | None) -> str | None:
    """Who bears a driver's risk, from its elasticity."""
    if value is None:
        return None
    if value >= CLIENT_FROM:
        return "client"
    if value <= SUPPLIER_UP_TO:
        return "supplier"
    return "shared"


def _per(amount: Decimal, quantity: Decimal) -> Decimal | None:
    return round_half_up(amount / quantity, 4) if quantity else None


def compare(basis: Basis, candidates: Iterable[Candidate], staffing: Staffing, *, step: Decimal = STEP) -> Comparison:
    """Price every candidate on the basis and on the basis scaled ±`step` in volume and in AHT."""
    candidates = tuple(candidates)
    scaled = {
        "volume_up": scale_basis(basis, 1 + step, Decimal(1), staffing),
        "volume_down": scale_basis(basis, 1 - step, Decimal(1), staffing),
        "aht_up": scale_basis(basis, Decimal(1), 1 + step, staffing),
        "aht_down": scale_basis(basis, Decimal(1), 1 - step, staffing),
    }
    handled, productive, logged = basis_volumes(basis)
    summary, months, line_rows = [], [], []
    for candidate in candidates:
        priced = price(candidate, basis)
        base = total(priced)
        moved = {name: total(price(candidate, other)) for name, other in scaled.items()}
        e_volume = elasticity(moved["volume_up"], moved["volume_down"], base, step)
        e_aht = elasticity(moved["aht_up"], moved["aht_down"], base, step)
        summary.append({
            "candidate": candidate.id, "offer": candidate.offer, "supplier": candidate.supplier,
            "source": candidate.source, "total": base, "per_contact": _per(base, handled),
            "per_productive_hour": _per(base, productive),
            "cost_volume_up": moved["volume_up"], "cost_volume_down": moved["volume_down"],
            "cost_aht_up": moved["aht_up"], "cost_aht_down": moved["aht_down"],
            "elasticity_volume": e_volume, "elasticity_aht": e_aht, "risk_volume": risk(e_volume),
            "risk_aht": risk(e_aht), "notes": candidate.notes,
        })
        for month, lines in priced.items():
            months.append({"candidate": candidate.id, "month": month, "total": total({month: lines})})
            for number, line in enumerate(lines, start=1):
                line_rows.append({"candidate": candidate.id, "month": month, "line": number, "service": line.service,
                                  "charge": line.charge, "tier": line.tier, "kind": line.kind,
                                  "quantity": line.quantity, "unit": line.unit, "unit_price": line.unit_price,
                                  "amount": line.amount, "label": line.label, "facts": line.facts})
    lines_frame = pd.DataFrame(line_rows, columns=LINE_FRAME_COLUMNS)
    lines_frame["tier"] = lines_frame["tier"].astype("Int64")
    return Comparison(candidates=pd.DataFrame(summary, columns=SUMMARY_COLUMNS),
                      months=pd.DataFrame(months, columns=["candidate", "month", "total"]), lines=lines_frame,
                      handled=handled, productive_hours=productive, logged_hours=logged, step=step)


def compare_scenario(scenario, *, step: Decimal = STEP) -> Comparison:
    """`compare` on a Scenario's basis, candidates and offers, and staffing."""
    return compare(scenario.basis, scenario.candidates, scenario.staffing, step=step)
