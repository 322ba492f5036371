"""The records a payment-model simulation passes around (plain data, no I/O).

A `Scenario` (parsed from `parameters/ENG/scenarios/NAME.yaml` by `ccanalysis.simulation.scenario`) names
one service, the activity `Basis` it is priced on, the candidates (each a validated `Contract` with one
service priced as the scenario's service), the RFP offers (candidates too, marked `offer`), the
`Uncertainty` of volume and handling time and the `Staffing` targets used for candidates paid by time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import pandas as pd

from ccanalysis.contract import Contract, Service
from ccanalysis.periods import BillingPeriod
from ccanalysis.pricing.units import ServiceActivity

#: Distribution families of a driver multiplier (mean 1 = the basis as it is).
DISTRIBUTIONS = ("normal", "lognormal", "triangular", "uniform")


@dataclass(frozen=True)
class Staffing:
    """Targets the staffing engine meets for candidates paid by time (fractions 0–1, seconds)."""

    sl_target: Decimal = Decimal("0.8")
    threshold_s: int = 20
    shrinkage: Decimal = Decimal("0.3")  # fraction of paid time not available to take contacts
    max_occupancy: Decimal | None = None
    patience_s: Decimal | None = None  # given: Erlang A; None: Erlang C
    interval_s: int = 1800


@dataclass(frozen=True)
class Distribution:
    """A driver multiplier's distribution: mean 1.0 is the basis; sd is its standard deviation (a
    fraction of the basis, ≥ 0); low/high bound triangular and uniform draws."""

    kind: str = "normal"
    sd: float = 0.0
    low: float | None = None
    high: float | None = None
    mode: float | None = None


@dataclass(frozen=True)
class Uncertainty:
    """Volume and AHT multipliers drawn per month (`per`: "month") or per day, with their correlation in
    [-1, 1]."""

    volume: Distribution = field(default_factory=Distribution)
    aht: Distribution = field(default_factory=Distribution)
    correlation: float = 0.0
    per: str = "month"


@dataclass(frozen=True)
class Candidate:
    """One way of paying: `contract` (validated exactly like a supplier's contract) whose service
    `service_id` is priced on the scenario's activity. offer: an RFP offer from supplier `supplier`."""

    id: str
    contract: Contract
    service_id: str
    source: str  # "inline" or the contract file it came from (relative to the project root)
    offer: bool = False
    supplier: str | None = None
    #: fact codes about how the candidate was built, e.g. "commitment_shared": the contract's minimum
    #: commitment covers other services too and is left out of this service's price
    notes: tuple[str, ...] = ()

    @property
    def service(self) -> Service:
        """The service of the candidate's contract that it prices."""
        return next(s for s in self.contract.services if s.id == self.service_id)


@dataclass(frozen=True)
class Basis:
    """The activity every candidate is priced on, one billing period per month.

    kind: "historic" (the engagement's months) or "forecast"; days: one row per day with date, month,
    offered, handled, abandoned, answered_within_sl, talk_s, hold_s, acw_s, logged_s (the hours staffed:
    historic logged time, or the staffing engine's hours on the forecast plus shrinkage), aht_s;
    intervals: the intervals the hours were staffed on (date, interval_start, offered, aht_s, logged_s):
    the interval forecast, or a historic basis's contact records counted per interval when the engagement
    records no logged time for them; None when the hours are the recorded ones; activities: month → the
    `ServiceActivity` the exact engine rates (contact records where the engagement has them);
    hours_source: "historic" | "erlang_c" | "erlang_a".
    """

    service: str
    kind: str
    months: tuple[str, ...]
    days: pd.DataFrame
    activities: dict[str, ServiceActivity]
    hours_source: str
    intervals: pd.DataFrame | None = None
    holidays: frozenset[date] = frozenset()
    #: month → the billing period the month's activity covers (the supplier's periods for a historic basis,
    #: calendar months for a forecast)
    periods: dict[str, BillingPeriod] = field(default_factory=dict)
    #: month → the activity charges on logged time (logged_hour, effective_hour, fte) are rated on, where it
    #: differs from `activities` (contact records carry no logged time: daily rows with the staffed hours)
    time_activities: dict[str, ServiceActivity] = field(default_factory=dict)
    supplier: str | None = None  # whose activity a historic basis is


@dataclass(frozen=True)
class Scenario:
    """A parsed, validated scenario file."""

    id: str
    path: str  # relative to the project root
    service: str
    basis: Basis
    candidates: tuple[Candidate, ...]
    uncertainty: Uncertainty
    staffing: Staffing
    sensitivity_fraction: Decimal = Decimal("0.10")  # ± the tornado moves each driver by
    draws: int = 10_000
    seed: int = 0
    supplier: str | None = None  # the supplier running the service (whose contract inline candidates extend)

    @property
    def offers(self) -> tuple[Candidate, ...]:
        """The candidates that are RFP offers."""
        return tuple(c for c in self.candidates if c.offer)
