"""Scenario files (`parameters/ENG/scenarios/NAME.yaml`): their keys, validated strictly, and the `Scenario`
they describe.

`ScenarioSpec` is the file's shape (every model forbids unknown keys, so a typo is an error naming the file
and the key path, with the keys allowed there). `build_scenario` turns a parsed file into a `Scenario`: each
candidate becomes a `Contract` validated by `ccanalysis.contract` exactly like a supplier's contract (every
pricing model, SLA rule and minimum checked by the same code), the activity basis is built by
`ccanalysis.simulation.basis`. Every problem found is collected and raised once as an `EngagementError`
naming the scenario file (or the candidate's contract file) and the key path; nothing is written.

Inline candidates (`service:` block) take the engagement's currency and the tax rate, validity and billing
cycle of the contract of the supplier running the service (the scenario's `supplier`).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, Field, ValidationError, field_validator, model_validator

from ccanalysis.contract import Contract, Exact, Identifier, Strict, validation_problems
from ccanalysis.errors import EngagementError, Problem, ProblemCollector
from ccanalysis.periods import MONTH_PATTERN, parse_months
from ccanalysis.simulation.model import (
    DISTRIBUTIONS,
    Candidate,
    Distribution,
    Scenario,
    Staffing,
    Uncertainty,
)

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
INTERVALS_S = (900, 1800, 3600)
HH_MM = r"^([01]\d|2[0-3]):[0-5]\d$"


def _months(value: Any) -> list[str]:
    """`2026-08..2026-10`, `2026-08` or a list of months → the months, in order."""
    if isinstance(value, list):
        for month in value:
            if not isinstance(month, str) or not MONTH_PATTERN.match(month):
                raise ValueError(f"{month!r} is not a month: write YYYY-MM")
        if sorted(set(value)) != value:
            raise ValueError("list the months once each, in order")
        return value
    if not isinstance(value, str):
        raise ValueError("write the months as YYYY-MM..YYYY-MM (e.g. 2026-08..2026-10) or a list of YYYY-MM")
    try:
        return parse_months(value)
    except ValueError:
        raise ValueError(f"{value!r} is not YYYY-MM or YYYY-MM..YYYY-MM (e.g. 2026-08..2026-10)") from None


def _fraction_below_one(value: Any) -> Decimal:
    number = Decimal(str(value)) if not isinstance(value, Decimal) else value
    if not 0 <= number < 1:
        raise ValueError(f"{number} is not a fraction from 0 to below 1 (0.3 = 30 %)")
    return number


class HistoricSpec(Strict):
    months: Annotated[list[str], BeforeValidator(_months)]


class WeeklySpec(Strict):
    """Multipliers of the daily volume by weekday (1 = the daily volume)."""

    mon: Annotated[Exact, Field(ge=0)] = Decimal(1)
    tue: Annotated[Exact, Field(ge=0)] = Decimal(1)
    wed: Annotated[Exact, Field(ge=0)] = Decimal(1)
    thu: Annotated[Exact, Field(ge=0)] = Decimal(1)
    fri: Annotated[Exact, Field(ge=0)] = Decimal(1)
    sat: Annotated[Exact, Field(ge=0)] = Decimal(1)
    sun: Annotated[Exact, Field(ge=0)] = Decimal(1)

    def factors(self) -> tuple[Decimal, ...]:
        """The weekday factors, Monday to Sunday."""
        return tuple(getattr(self, d) for d in WEEKDAYS)


class ForecastSpec(Strict):
    """A forecast: `start` month, `months` months of `daily_volume` contacts × weekly profile × (1 + growth)^k
    in month k (k = 0 first), spread over the day by `intraday` (interval start HH:MM → share; the shares
    sum to 1), each of `aht_s` seconds. Or `file`: an interval forecast (date, interval_start, offered, aht_s)
    relative to the project root."""

    start: str | None = None
    months: Annotated[int, Field(ge=1, le=60)] | None = None
    daily_volume: Annotated[Exact, Field(ge=0)] | None = None
    aht_s: Annotated[Exact, Field(gt=0)] | None = None
    growth: Annotated[Exact, Field(gt=-1, le=10)] = Decimal(0)
    weekly: WeeklySpec = WeeklySpec()
    intraday: dict[Annotated[str, Field(pattern=HH_MM)], Annotated[Exact, Field(ge=0)]] | None = None
    file: Annotated[str, Field(min_length=1)] | None = None

    @field_validator("start")
    @classmethod
    def _month(cls, value: str | None) -> str | None:
        if value is not None and not MONTH_PATTERN.match(str(value)):
            raise ValueError(f"{value!r} is not a month: write YYYY-MM (e.g. 2027-01)")
        return value

    @field_validator("intraday")
    @classmethod
    def _shares(cls, value: dict[str, Decimal] | None) -> dict[str, Decimal] | None:
        if value is not None:
            if not value:
                raise ValueError("give at least one interval start (HH:MM) and its share of the day")
            total = sum(value.values(), Decimal(0))
            if abs(total - 1) > Decimal("0.0001"):
                raise ValueError(f"the intraday shares sum to {total}; they must sum to 1")
        return value

    @model_validator(mode="after")
    def _complete(self) -> ForecastSpec:
        if self.file is not None:
            given = [k for k in ("daily_volume", "aht_s", "intraday") if getattr(self, k) is not None]
            if given:
                raise ValueError(f"file: an interval forecast file replaces {', '.join(given)}; give one or the other")
            return self
        missing = [k for k in ("start", "months", "daily_volume", "aht_s", "intraday") if getattr(self, k) is None]
        if missing:
            raise ValueError(f"a forecast needs {', '.join(missing)} (or `file:` with an interval forecast)")
        return self


class BasisSpec(Strict):
    historic: HistoricSpec | None = None
    forecast: ForecastSpec | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> BasisSpec:
        if (self.historic is None) == (self.forecast is None):
            raise ValueError("give exactly one of historic or forecast")
        return self


class CandidateSpec(Strict):
    """A candidate: `contract` (a contract file relative to parameters/ENG, its service `service_id`) or an
    inline `service:` block in the contract syntax (charges, sla, kpis) with an optional `minimum_commitment`."""

    id: Identifier
    contract: Annotated[str, Field(min_length=1)] | None = None
    service_id: Identifier | None = None
    service: dict[str, Any] | None = None
    minimum_commitment: dict[str, Any] | None = None
    supplier: Annotated[str, Field(min_length=1)] | None = None  # an offer's bidder (a name)

    @model_validator(mode="after")
    def _one_source(self) -> CandidateSpec:
        if (self.contract is None) == (self.service is None):
            raise ValueError("give exactly one of contract (a contract file) or service (an inline service block)")
        if self.service is not None and self.service_id is not None:
            raise ValueError("service_id names a service of a contract file; an inline service block is the service")
        if self.contract is not None and self.minimum_commitment is not None:
            raise ValueError("minimum_commitment: a contract file carries its own")
        return self


class DistributionSpec(Strict):
    distribution: Literal[DISTRIBUTIONS] = "normal"  # type: ignore[valid-type]
    sd: Annotated[float, Field(ge=0, allow_inf_nan=False)] = 0.0
    low: Annotated[float, Field(gt=0, allow_inf_nan=False)] | None = None
    high: Annotated[float, Field(gt=0, allow_inf_nan=False)] | None = None
    mode: Annotated[float, Field(gt=0, allow_inf_nan=False)] | None = None

    @model_validator(mode="after")
    def _bounds(self) -> DistributionSpec:
        if self.distribution in ("triangular", "uniform"):
            if self.low is None or self.high is None:
                raise ValueError(f"a {self.distribution} distribution needs low and high (multipliers, e.g. 0.9, 1.2)")
            if not self.low < self.high:
                raise ValueError("low must be below high")
            if self.mode is not None and not self.low <= self.mode <= self.high:
                raise ValueError("mode must lie between low and high")
        elif self.low is not None or self.high is not None or self.mode is not None:
            raise ValueError(f"low, high and mode are for triangular and uniform, not {self.distribution}")
        return self

    def record(self) -> Distribution:
        """The distribution as a record (sd as a float)."""
        return Distribution(kind=self.distribution, sd=float(self.sd), low=self.low, high=self.high,
                            mode=self.mode)


class UncertaintySpec(Strict):
    volume: DistributionSpec = DistributionSpec()
    aht: DistributionSpec = DistributionSpec()
    correlation: Annotated[float, Field(ge=-1, le=1, allow_inf_nan=False)] = 0.0
    per: Literal["month", "day"] = "month"

    def record(self) -> Uncertainty:
        """The uncertainty as a record: volume and AHT distributions, their correlation (−1 to 1, a float) and
        whether a draw varies per month or per day."""
        return Uncertainty(volume=self.volume.record(), aht=self.aht.record(), correlation=float(self.correlation),
                           per=self.per)


class StaffingSpec(Strict):
    sl_target: Annotated[Decimal, BeforeValidator(_fraction_below_one)] = Decimal("0.8")
    threshold_s: Annotated[int, Field(ge=0)] = 20
    shrinkage: Annotated[Decimal, BeforeValidator(_fraction_below_one)] = Decimal("0.3")
    max_occupancy: Annotated[Exact, Field(gt=0, le=1)] | None = None
    patience_s: Annotated[Exact, Field(gt=0)] | None = None
    interval_s: int = 1800

    @field_validator("interval_s")
    @classmethod
    def _interval(cls, value: int) -> int:
        if value not in INTERVALS_S:
            raise ValueError(f"{value} is not an interval length: write 900, 1800 or 3600 (seconds)")
        return value

    def record(self) -> Staffing:
        """The staffing as a record: service-level target, shrinkage and max_occupancy (fractions 0–1),
        threshold_s, patience_s and interval_s (seconds)."""
        return Staffing(sl_target=self.sl_target, threshold_s=self.threshold_s, shrinkage=self.shrinkage,
                        max_occupancy=self.max_occupancy, patience_s=self.patience_s, interval_s=self.interval_s)


class ScenarioSpec(Strict):
    """The whole scenario file."""

    service: Identifier
    supplier: Identifier | None = None
    basis: BasisSpec
    candidates: Annotated[list[CandidateSpec], Field(min_length=1)]
    offers: list[CandidateSpec] = []
    uncertainty: UncertaintySpec = UncertaintySpec()
    staffing: StaffingSpec = StaffingSpec()
    sensitivity: Annotated[Exact, Field(gt=0, lt=1)] = Decimal("0.10")
    draws: Annotated[int, Field(ge=1, le=10_000_000)] = 10_000
    seed: Annotated[int, Field(ge=0)] = 0

    @model_validator(mode="after")
    def _unique_ids(self) -> ScenarioSpec:
        ids = [c.id for c in self.candidates] + [o.id for o in self.offers]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(f"candidate and offer ids must be unique: {', '.join(twice)} used twice")
        for k, offer in enumerate(self.offers):
            if offer.contract is None:
                raise ValueError(f"offers[{k}].contract: an offer is a bidder's contract file")
        return self


# ----------------------------------------------------------------------------------------------- errors

def _model_at(model: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The model class a key path leads to (None when it leaves the models, e.g. into a contract block)."""
    for part in loc:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part) if isinstance(part, str) else None
        if field is None:
            return None
        found = None
        for candidate in _annotation_models(field.annotation):
            found = candidate
        if found is None:
            return None
        model = found
    return model


def _annotation_models(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    out = []
    for arg in getattr(annotation, "__args__", ()) or ():
        out += _annotation_models(arg)
    return out


def spec_problems(exc: ValidationError, file: str) -> list[Problem]:
    """`validation_problems`, with the keys allowed where an unknown key was written."""
    problems = validation_problems(exc, file)
    out = []
    for err, problem in zip(exc.errors(), problems, strict=True):
        if err["type"] == "extra_forbidden":
            loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
            model = _model_at(ScenarioSpec, loc[:-1])
            if model is not None:
                allowed = ", ".join(model.model_fields)
                problem = Problem(file=problem.file, column=problem.column, value=problem.value,
                                  message=f"unknown key: remove it or check its spelling (allowed here: {allowed})")
        out.append(problem)
    return out


def parse_spec(data: object, file: str) -> ScenarioSpec:
    """The scenario file's content checked against `ScenarioSpec`; EngagementError naming every problem."""
    if not isinstance(data, dict):
        raise EngagementError([Problem(file=file, message="expected a mapping (service, basis, candidates, …)")],
                              title=f"Cannot read scenario {file}")
    try:
        return ScenarioSpec.model_validate(data)
    except ValidationError as exc:
        raise EngagementError(spec_problems(exc, file), title=f"Scenario {file} has errors") from None


# ----------------------------------------------------------------------------------------------- candidates

def _restricted(contract: Contract, service_id: str) -> tuple[Contract, tuple[str, ...]]:
    """The contract with only `service_id` (its versions too). A minimum commitment shared with other
    services cannot be split: it is left out and the note `commitment_shared` says so."""
    notes: tuple[str, ...] = ()
    others = contract.all_service_ids() - {service_id}
    if not others:
        return contract, notes
    versions = []
    for version in contract.versions:
        services = [s for s in version.services if s.id == service_id]
        if services:
            versions.append(version.model_copy(update={"services": services, "minimum_commitment": None}))
    update: dict[str, Any] = {"services": [s for s in contract.services if s.id == service_id],
                              "versions": versions}
    if contract.minimum_commitment is not None or any(v.minimum_commitment for v in contract.versions):
        update["minimum_commitment"] = None
        notes = ("commitment_shared",)
    return contract.model_copy(update=update), notes


def _prefixed(problems: list[Problem], prefix: str, file: str) -> list[Problem]:
    out = []
    for p in problems:
        column = p.column or ""
        if column.startswith("services[0]"):
            column = f"{prefix}.service{column[len('services[0]'):]}"
        elif column.startswith("minimum_commitment"):
            column = f"{prefix}.{column}"
        else:
            column = prefix
        out.append(Problem(file=file, column=column, message=p.message, value=p.value))
    return out


def inline_contract(spec: CandidateSpec, base: Contract, service: str, currency: str, file: str,
                    where: str) -> tuple[Contract | None, list[Problem]]:
    """An inline candidate as a one-service contract: its service block (id defaults to the scenario's
    service, name to the candidate id), the engagement's currency, the base contract's tax rate, validity and
    billing cycle; validated by `ccanalysis.contract` (errors keyed `where.service.…`)."""
    block = dict(spec.service or {})
    block.setdefault("id", service)
    block.setdefault("name", spec.id)
    data: dict[str, Any] = {
        "supplier": base.supplier, "name": f"{spec.id} (scenario candidate)", "currency": currency,
        "tax_rate": base.tax_rate, "valid_from": base.valid_from, "valid_to": base.valid_to,
        "billing_cycle": base.billing_cycle.model_dump(), "services": [block],
    }
    if spec.minimum_commitment is not None:
        data["minimum_commitment"] = spec.minimum_commitment
    try:
        return Contract.model_validate(data), []
    except ValidationError as exc:
        return None, _prefixed(validation_problems(exc, file), where, file)


ReadContract = Callable[[str], tuple[object, str]]


def file_contract(spec: CandidateSpec, service: str, currency: str, file: str, where: str,
                  read: ReadContract) -> tuple[Candidate | None, list[Problem]]:
    """A candidate from a contract file: read (read(path) → (data, shown path); EngagementError when it
    cannot be), validated as a contract, cut to its service."""
    from ccanalysis.contract import parse_contract

    assert spec.contract is not None
    try:
        data, shown = read(spec.contract)
    except EngagementError as exc:  # a missing file is reported at the candidate's key; a broken one in itself
        problems = [Problem(file=file, column=f"{where}.contract", value=spec.contract, message=p.message)
                    if p.file == file else p for p in exc.problems]
        return None, problems
    contract, problems = parse_contract(data, shown)
    if contract is None:
        return None, problems
    if contract.currency != currency:
        return None, [Problem(file=shown, column="currency", value=contract.currency,
                              message=f"the contract is in {contract.currency} but the engagement in {currency}: "
                              "write the offer's prices in the engagement's currency")]
    service_id = spec.service_id or service
    if service_id not in contract.all_service_ids():
        known = ", ".join(sorted(contract.all_service_ids()))
        return None, [Problem(file=file, column=f"{where}.service_id", value=service_id,
                              message=f"{shown} has no service {service_id!r}; its services: {known} "
                              "(write service_id: one of them)")]
    restricted, notes = _restricted(contract, service_id)
    return Candidate(id=spec.id, contract=restricted, service_id=service_id, source=shown,
                     offer=False, supplier=spec.supplier, notes=notes), []


# ----------------------------------------------------------------------------------------------- the scenario

def service_suppliers(contracts: dict[str, Contract], service: str) -> list[str]:
    """The suppliers whose contract has `service` (in any version)."""
    return sorted(s for s, c in contracts.items() if service in c.all_service_ids())


def build_scenario(spec: ScenarioSpec, *, name: str, file: str, contracts: dict[str, Contract], currency: str,
                   read_contract: ReadContract,
                   build_basis: Callable[[ScenarioSpec, str | None, Staffing], tuple[Any, list[Problem]]]
                   ) -> Scenario:
    """The `Scenario` of a checked file: its service and supplier, candidates and offers as validated
    contracts, the basis (`build_basis(spec, supplier, staffing)` → (Basis, problems)). Raises one
    EngagementError listing every problem (file and key path of each)."""
    found = ProblemCollector()
    title = f"Scenario {file} has errors"
    every = sorted({s for c in contracts.values() for s in c.all_service_ids()})
    suppliers = service_suppliers(contracts, spec.service)
    supplier = spec.supplier
    if not suppliers:
        found.add(file, f"no supplier's contract has service {spec.service!r}; the engagement's services: "
                  f"{', '.join(every) or 'none'}", column="service", value=spec.service)
        found.raise_if_any(title)
    if supplier is None:
        if len(suppliers) > 1:
            found.add(file, f"service {spec.service!r} is run by {', '.join(suppliers)}: write supplier: one of them",
                      column="supplier")
            found.raise_if_any(title)
        supplier = suppliers[0]
    elif supplier not in suppliers:
        found.add(file, f"supplier {supplier!r} does not run service {spec.service!r}; it is run by "
                  f"{', '.join(suppliers)}", column="supplier", value=supplier)
        found.raise_if_any(title)
    base = contracts[supplier]
    staffing = spec.staffing.record()

    candidates: list[Candidate] = []
    for group, specs in (("candidates", spec.candidates), ("offers", spec.offers)):
        for k, cand in enumerate(specs):
            where = f"{group}[{k}]"
            if cand.service is not None:
                contract, problems = inline_contract(cand, base, spec.service, currency, file, where)
                found.extend(problems)
                if contract is not None:
                    candidates.append(Candidate(id=cand.id, contract=contract, service_id=contract.services[0].id,
                                                source="inline", offer=group == "offers",
                                                supplier=cand.supplier))
            else:
                candidate, problems = file_contract(cand, spec.service, currency, file, where, read_contract)
                found.extend(problems)
                if candidate is not None:
                    candidates.append(Candidate(
                        id=candidate.id, contract=candidate.contract, service_id=candidate.service_id,
                        source=candidate.source, offer=group == "offers",
                        supplier=cand.supplier if group == "offers" else None, notes=candidate.notes))
    basis, problems = build_basis(spec, supplier, staffing)
    found.extend(problems)
    if basis is not None:
        for candidate in candidates:
            found.extend(_in_force(candidate, basis, file))
    found.raise_if_any(title)
    return Scenario(id=name, path=file, service=spec.service, basis=basis, candidates=tuple(candidates),
                    uncertainty=spec.uncertainty.record(), staffing=staffing,
                    sensitivity_fraction=spec.sensitivity, draws=spec.draws, seed=spec.seed, supplier=supplier)


def _in_force(candidate: Candidate, basis: Any, file: str) -> list[Problem]:
    """A candidate's contract must be in force in every month of the basis (it is priced on them)."""
    contract = candidate.contract
    out = [m for m in basis.months if contract.active_days(basis.periods[m]) == 0]
    if not out:
        return []
    shown = candidate.source if candidate.source != "inline" else file
    return [Problem(file=shown, column="valid_from", value=str(contract.valid_from),
                    message=f"candidate {candidate.id!r} is not in force in {', '.join(out)} (valid "
                    f"{contract.valid_from}..{contract.valid_to or 'open'}), which the basis prices it on: "
                    "date the offer to cover the basis months")]
