"""THE exact cost of a candidate on a basis month: one definition the comparison, the Monte Carlo (its
basis invoice and base units), break-even, sensitivity and the clause replays all use (pure).

A replay prices each basis month as a whole billing period in force, with the exact engine
(`ccanalysis.invoice`):

- the period is the basis's (`Basis.periods[month]`: the supplier's billing periods for a historic basis,
  calendar months for a forecast; the activity's own period_start..period_end when the basis has none);
- the terms are those in force on the period's first day (`Contract.version_on`: the base terms and every
  version up to that day);
- the contract's and the service's validity dates are NOT applied (every period day is an active day, so
  periodic charges are not prorated and the commitment is the whole amount), and neither is the SLA
  `start` (a start-up period of the real contract, not a clause whose money a replay measures): a draft or
  an RFP offer dated after the basis is priced as if it had been signed before it;
- each charge is rated on the month's activity, except charges on logged time (logged_hour, effective_hour,
  fte: units contact records cannot give) which are rated on `Basis.time_activities[month]` when the basis
  has it (the staffed hours of a basis built from contact records);
- then the minimum-commitment true-up on the service's charges (none when met; not computed, status
  "other_services", when the commitment in force covers other services of the contract whose activity the
  basis does not hold), then the SLA assessment on the service's SLA base (`invoice.sla_assessment`) and its
  lines (`invoice.sla_lines`).

The month's cost is Σ of those rounded lines (the net before tax).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ccanalysis import invoice
from ccanalysis import sla as sla_rules
from ccanalysis.contract import Service
from ccanalysis.invoice import Line
from ccanalysis.money import ZERO, round_half_up
from ccanalysis.periods import BillingPeriod
from ccanalysis.pricing.units import UNITS, ServiceActivity, charge_units
from ccanalysis.simulation.model import Basis, Candidate


def on_logged_time(charge: Mapping[str, Any]) -> bool:
    """Whether a charge counts a unit contact records cannot give (logged time)."""
    return any(name in UNITS and not UNITS.get(name).from_contacts for name in charge_units(charge))


def basis_period(basis: Basis, month: str) -> BillingPeriod:
    """The billing period basis month `month` covers."""
    period = basis.periods.get(month)
    if period is not None:
        return period
    activity = basis.activities[month]
    return BillingPeriod(month, activity.period_start, activity.period_end)


def replay_service(candidate: Candidate, period: BillingPeriod) -> Service:
    """The candidate's service under the terms in force on the period's first day, its SLA `start` dropped."""
    services, _ = candidate.contract.version_on(period.start)
    service = next((s for s in services if s.id == candidate.service_id), None)
    if service is None:  # a version cannot remove a service; the base terms always have it
        service = candidate.service
    if service.sla and service.sla.get("start") is not None:
        service = service.model_copy(update={"sla": {k: v for k, v in service.sla.items() if k != "start"}})
    return service


def rated_activity(charge: Mapping[str, Any], activity: ServiceActivity,
                   time_activity: ServiceActivity | None) -> ServiceActivity:
    """The activity a charge is rated on: `time_activity` for charges on logged time when there is one."""
    return time_activity if time_activity is not None and on_logged_time(charge) else activity


@dataclass(frozen=True)
class MonthReplay:
    """One candidate's expected invoice of one basis month.

    charges: the service's step-1 lines (charge, flat fee and per-charge limit lines); commitment: the
    minimum-commitment true-up (empty when met); committed: the commitment in money for the month (None
    without one, or when it covers other services); sla: the SLA assessment (lines and tracked rules; empty
    without an `sla:` block) and sla_lines the same as invoice lines; commitment_status: "none",
    "assessed" or "other_services"; time_activity: what charges on logged time were rated on (None: the
    month's activity)."""

    candidate: str
    month: str
    period: BillingPeriod
    service: Service
    activity: ServiceActivity
    charges: tuple[Line, ...]
    commitment: tuple[Line, ...]
    sla: sla_rules.SlaResult
    sla_lines: tuple[Line, ...] = ()
    commitment_status: str = "none"
    committed: Decimal | None = None
    time_activity: ServiceActivity | None = None

    @property
    def lines(self) -> list[Line]:
        """Every line of the month's expected invoice, in invoice order."""
        return [*self.charges, *self.commitment, *self.sla_lines]

    @property
    def revenue(self) -> Decimal:
        """Σ charge, limit and true-up lines: what the model bills before SLA adjustments."""
        return sum((line.amount for line in (*self.charges, *self.commitment)), ZERO)

    @property
    def sla_amount(self) -> Decimal:
        """Σ SLA adjustment and cap lines (penalties negative)."""
        return sum((line.amount for line in self.sla.lines), ZERO)

    @property
    def net(self) -> Decimal:
        """The month's revenue plus its SLA adjustment, in the contract currency (exact Decimal)."""
        return self.revenue + self.sla_amount


def replay_month(candidate: Candidate, basis: Basis, month: str, *, activity: ServiceActivity | None = None,
                 service: Service | None = None) -> MonthReplay:
    """The candidate's expected invoice of basis month `month` (see the module docstring). activity: rate
    this activity instead of the basis month's (the incentive checks' changed activity; charges on logged
    time still use the basis's time activity when it has one); service: these terms instead of those in
    force."""
    period = basis_period(basis, month)
    activity = basis.activities[month] if activity is None else activity
    timed = basis.time_activities.get(month)
    service = service or replay_service(candidate, period)
    charges: list[Line] = []
    for charge in service.charges:
        charges += invoice.charge_lines(service, charge, rated_activity(charge, activity, timed),
                                        active_days=period.days, period_days=period.days)
    services, terms = candidate.contract.version_on(period.start)
    status, commitment, committed = "none", [], None
    if terms is not None:
        status = "other_services" if any(s.id != candidate.service_id for s in services) else "assessed"
        if status == "assessed":
            committed = round_half_up(terms.amount, 2)  # every period day is active: prorating changes nothing
            commitment = invoice.minimum_commitment(candidate.contract, period, charges, period.days)
    if service.sla:
        result = invoice.sla_assessment(service, charges, activity, period)
        sla_lines = invoice.sla_lines(service, charges, activity, period, result=result)
    else:
        result, sla_lines = sla_rules.SlaResult(), []
    return MonthReplay(candidate.id, month, period, service, activity, tuple(charges), tuple(commitment), result,
                       tuple(sla_lines), status, committed, timed)


def replay(candidate: Candidate, basis: Basis) -> list[MonthReplay]:
    """The candidate's expected invoice of every basis month, in the basis's order."""
    return [replay_month(candidate, basis, month) for month in basis.months]


def total(replays: Iterable[MonthReplay]) -> Decimal:
    """Σ every line of the replayed months."""
    return sum((line.amount for r in replays for line in r.lines), ZERO)


def basis_cost(candidate: Candidate, basis: Basis) -> Decimal:
    """The candidate's exact cost over the basis months (Σ rounded lines, before tax)."""
    return total(replay(candidate, basis))
