"""Engagement settings and supplier contracts: typed, validated models of the YAML files of data.md.

Every model forbids unknown keys, so a typo (`unit_prise`) is an error naming the file and key path
instead of a silently ignored term. Charges, SLA blocks and compliance clauses keep the mapping written in
the contract (what `pricing.rate`, `sla.evaluate` and `compliance.evaluate` take) and are validated by
those modules, so each rule is written once.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from . import compliance as compliance_rules
from . import kpis as kpi_registry
from . import pricing, reprs
from . import sla as sla_rules
from .errors import ContractError, Problem, UnknownNameError
from .money import to_decimal
from .periods import BillingPeriod, billing_period, period_containing


def _exact(value: Any) -> Decimal:
    if isinstance(value, Decimal):
        return value
    return to_decimal(value)


def _fraction(value: Any) -> Decimal:
    """A fraction 0–1; 21 for a tax rate looks like a percentage and the error says to write 0.21."""
    number = _exact(value)
    if 1 < number <= 100:
        raise ValueError(f"{number} looks like a percentage: this is a fraction, write "
                         f"{kpi_registry.plain_number(number / 100)}")
    if not 0 <= number <= 1:
        raise ValueError(f"{number} is not a fraction from 0 to 1 (0.21 = 21 %)")
    return number


Exact = Annotated[Decimal, BeforeValidator(_exact)]
Fraction01 = Annotated[Decimal, BeforeValidator(_fraction)]
Identifier = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")]

#: Active ISO 4217 currency codes (the funds, precious metals and testing codes left out).
CURRENCIES = frozenset("""
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV BRL BSD BTN BWP BYN BZD
    CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP
    GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW
    KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN
    NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SLL
    SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD USN UYI UYU UYW UZS VED VES
    VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG ZWL
""".split())


def _currency(value: Any) -> str:
    if not isinstance(value, str) or value not in CURRENCIES:
        hint = f"; write {value.upper()}" if isinstance(value, str) and value.upper() in CURRENCIES else ""
        raise ValueError(f"{value!r} is not an ISO 4217 currency code{hint} (e.g. EUR, USD, GBP, MXN, COP)")
    return value


Currency = Annotated[str, BeforeValidator(_currency)]


def _holiday_calendar(value: Any) -> str:
    """A country (`ES`) or country and subdivision (`ES-MD`) the `holidays` package has a calendar for."""
    import holidays

    if not isinstance(value, str):
        raise ValueError(f"expected a country code such as ES or ES-MD, got {value!r}")
    supported = holidays.list_supported_countries()
    country, _, subdivision = value.partition("-")
    if len(country) != 2 or country not in supported:
        codes = ", ".join(sorted(c for c in supported if len(c) == 2))
        raise ValueError(f"no public-holiday calendar for country {country!r}; valid codes: {codes}")
    if subdivision and subdivision not in supported[country]:
        codes = ", ".join(f"{country}-{s}" for s in supported[country] if re.fullmatch(r"[A-Z0-9]{1,3}", s))
        raise ValueError(f"no public-holiday calendar for {value!r}: {country} has no subdivision {subdivision!r}; "
                         f"valid: {country} or {codes or 'no subdivision'}")
    return value


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)


# --------------------------------------------------------------------------- engagement.yaml
class Tolerances(Strict):
    amount_abs: Annotated[Exact, Field(ge=0)] = Decimal("0.01")
    quantity_rel: Annotated[Exact, Field(ge=0)] = Decimal(0)


class Alerts(Strict):
    daily_deviation: Annotated[Exact, Field(ge=0)] = Decimal("0.10")
    cumulative_deviation: Annotated[Exact, Field(ge=0)] = Decimal("0.05")


class StaffingSettings(Strict):
    """`staffing:` of engagement.yaml: what the staffing engine assumes when a plan gives volume and AHT but no
    hours (`ccanalysis.projection.plan_hours`)."""

    #: share of paid time not available to handle contacts (breaks, training, absence)
    shrinkage: Annotated[Fraction01, Field(lt=1)] = Decimal("0.3")
    #: service-level target when the service's SLA has no rule on service_level
    sl_target: Annotated[Fraction01, Field(gt=0, lt=1)] = Decimal("0.8")
    #: hours a day the service is open, when no interval activity gives its intraday profile (from 08:00)
    opening_hours: Annotated[int, Field(ge=1, le=24)] = 12


class CargosSettings(Strict):
    """engagement.yaml `cargos:` (charge invoices from retailers, `ccanalysis.cargos`)."""

    #: a charge classified with less confidence than this (a fraction) goes to the review queue
    review_threshold: Fraction01 = Decimal("0.6")
    #: what handling one dispute costs (the engagement's currency): below it a charge is not worth fighting
    handling_cost: Annotated[Exact, Field(ge=0)] = Decimal("45.00")
    #: months ahead the cargos forecast covers
    forecast_months: Annotated[int, Field(ge=1, le=24)] = 6


class EngagementSettings(Strict):
    """`parameters/ENG/engagement.yaml`."""

    id: Identifier
    client: Annotated[str, Field(min_length=1)]
    currency: Currency = "EUR"
    lang: Literal["es", "en"] = "es"
    holidays: Annotated[str, BeforeValidator(_holiday_calendar)] = "ES"
    #: the contact-centre suppliers (one contract each); may be empty only with cargos agreements (the loader checks)
    suppliers: list[Identifier] = []
    tolerances: Tolerances = Tolerances()
    alerts: Alerts = Alerts()
    #: the longest payment terms the client accepts (days; Spain's legal limit, Ley 3/2004, is 60)
    payment_terms_days: Annotated[int, Field(ge=0, le=365)] = 60
    #: a billed line matched with less confidence than this (a fraction) goes to review, never guessed
    match_threshold: Fraction01 = Decimal("0.8")
    #: the staffing engine's assumptions for plans without hours
    staffing: StaffingSettings = StaffingSettings()
    #: collections through agencies: `calling_rules` (legal windows and attempt caps, see
    #: `collections.calltime.CallingRules.from_mapping`) and `grace_days` of a promise to pay
    collections: dict[str, Any] | None = None
    #: charge invoices from retailers: review threshold, dispute handling cost, forecast horizon
    cargos: CargosSettings = CargosSettings()

    @field_validator("collections")
    @classmethod
    def _valid_collections(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        if value is None:
            return value
        from ccanalysis.collections.calltime import CallingRules

        for key in value:
            if key not in ("calling_rules", "grace_days"):
                raise ValueError(f"collections.{key}: unknown key; write calling_rules or grace_days")
        if "calling_rules" in value:
            CallingRules.from_mapping(value["calling_rules"], "collections.calling_rules")
        grace = value.get("grace_days", 0)
        if isinstance(grace, bool) or not isinstance(grace, int) or grace < 0:
            raise ValueError(f"collections.grace_days: expected whole days ≥ 0 after a promised date, got {grace!r}")
        return value

    def calling_rules(self) -> Any:
        """The engagement's `collections.calling_rules` (`CallingRules`), None when it sets none."""
        from ccanalysis.collections.calltime import CallingRules

        raw = (self.collections or {}).get("calling_rules")
        return None if raw is None else CallingRules.from_mapping(raw, "collections.calling_rules")

    @field_validator("suppliers")
    @classmethod
    def _unique_suppliers(cls, value: list[str]) -> list[str]:
        seen = {s for s in value if value.count(s) > 1}
        if seen:
            raise ValueError(f"suppliers listed twice: {', '.join(sorted(seen))}")
        return value


# --------------------------------------------------------------------------- contracts
class KpiSetting(Strict):
    """A contract's choice of definition for one KPI (kpis.md)."""

    variant: str | None = None
    threshold_s: Annotated[int, Field(ge=0)] | None = None
    short_abandon_s: Annotated[int, Field(ge=0)] | None = None
    aggregation: Literal["sum", "mean_of_days", "mean_of_intervals"] | None = None
    decimals: Annotated[int, Field(ge=0, le=6)] | None = None

    def options(self) -> dict[str, Any]:
        """Keyword options for `kpis.kpi` (only the ones set)."""
        return {k: v for k, v in self.model_dump().items() if v is not None and k != "variant"}


class CollectionsTerms(Strict):
    """How a collections service's fees are earned (`ccanalysis.collections.fees`): a payment counts for the
    agency holding the account that day, or for `attribution_tail_days` after its recall; a charge's
    `applies_to.debt_age_days` reads the debt age at placement or at payment. `max_fee_per_account` (EUR)
    caps the success fees (the charges on collected_amount) an account earns the agency over all its
    periods, across every band (`invoice.account_cap_lines`)."""

    attribution_tail_days: Annotated[int, Field(ge=0)] = 0
    debt_age_at: Literal["placement", "payment"] = "placement"
    max_fee_per_account: Annotated[Exact, Field(ge=0)] | None = None


class DiscountAuthority(Strict):
    """The most one discount may be worth (its total value: a credit's amount, or a percent-off's monthly amount ×
    its months), EUR, by who grants it: `agents` (agent_id → EUR) first, then `by_type` (credit | percent_off →
    EUR), then `default`."""

    default: Annotated[Exact, Field(ge=0)]
    agents: dict[Annotated[str, Field(min_length=1)], Annotated[Exact, Field(ge=0)]] = {}
    by_type: dict[Literal["credit", "percent_off"], Annotated[Exact, Field(ge=0)]] = {}

    def limit(self, agent_id: str | None, discount_type: str | None) -> Decimal:
        """The authority (EUR) of `agent_id` for a discount of `discount_type`."""
        if agent_id is not None and agent_id in self.agents:
            return self.agents[agent_id]
        if discount_type is not None and discount_type in self.by_type:
            return self.by_type[discount_type]  # type: ignore[index]
        return self.default


class BillingCareSettings(Strict):
    """`billing_care:` of a billing-inquiry service (spec: billing care): each agent's discount authority, the
    contact reasons a discount is meant for (a discount on another reason is a finding) and the months within
    which a second discount to the same customer is a finding. A service with these settings may have contact
    records (its billing-care records: reasons, customers, discounts, outcomes) beside its activity rows."""

    discount_authority: DiscountAuthority | None = None
    retention_reasons: Annotated[list[str], Field(min_length=1)] = ["cancellation_threat"]
    repeat_discount_months: Annotated[int, Field(ge=1)] = 6

    @field_validator("retention_reasons")
    @classmethod
    def _known_reasons(cls, value: list[str]) -> list[str]:
        from ccanalysis.io.schemas import BILLING_REASONS

        for i, reason in enumerate(value):
            if reason not in BILLING_REASONS:
                raise ValueError(f"retention_reasons[{i}]: unknown reason {reason!r}; write one of "
                                 f"{', '.join(BILLING_REASONS)}")
        return value


class Service(Strict):
    id: Identifier
    name: Annotated[str, Field(min_length=1)]
    channel: Annotated[str, Field(min_length=1)] = "voice"
    valid_from: date | None = None
    valid_to: date | None = None
    #: who acts on this service's plan deviations (e.g. "planning@client"): the `owner` of its alerts
    owner: Annotated[str, Field(min_length=1)] | None = None
    kpis: dict[str, KpiSetting] = {}
    charges: Annotated[list[dict[str, Any]], Field(min_length=1)]
    sla: dict[str, Any] | None = None
    #: a collections service: priced on its placements, attempts and payments (not on contact records)
    collections: CollectionsTerms | None = None
    #: a billing-inquiry service's billing-care settings (discount authority, retention reasons)
    billing_care: BillingCareSettings | None = None

    @field_validator("kpis")
    @classmethod
    def _known_kpis(cls, value: dict[str, KpiSetting]) -> dict[str, KpiSetting]:
        for name, setting in value.items():
            kpi_registry.check_variant(name, setting.variant)
        return value

    @field_validator("charges")
    @classmethod
    def _valid_charges(cls, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        ids: set[str] = set()
        for i, charge in enumerate(value):
            try:
                pricing.validate_charge(charge)
            except ValueError as exc:
                raise ValueError(f"charges[{i}]: {exc}") from None
            cid = charge.get("id")
            if not cid or not isinstance(cid, str):
                raise ValueError(f"charges[{i}].id: every charge needs an id (a short name, e.g. care_minutes)")
            if cid in ids:
                raise ValueError(f"charges[{i}].id: charge id {cid!r} is used twice in this service")
            ids.add(cid)
        return value

    @field_validator("sla")
    @classmethod
    def _valid_sla(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        if value is not None:
            sla_rules.validate(value)
        return value

    @model_validator(mode="after")
    def _dates_in_order(self) -> Service:
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValueError("valid_to is before valid_from")
        return self

    @model_validator(mode="after")
    def _capped_fees_per_payment(self) -> Service:
        """Under a lifetime cap per account (`collections.max_fee_per_account`) each payment's fee must be its
        own (the cap sums them per account): no per-period account cap, no free payments on those charges."""
        if self.collections is None or self.collections.max_fee_per_account is None:
            return self
        from ccanalysis.pricing.units import UNITS

        for i, charge in enumerate(self.charges):
            if charge.get("unit") not in UNITS or not UNITS.get(charge["unit"]).events:
                continue
            for key in ("max_per_account", "free_events", "free_amount"):
                if charge.get(key) not in (None, 0, "0"):
                    raise ValueError(f"charges[{i}].{key}: the service caps each account's fees over all "
                                     "periods (collections.max_fee_per_account); remove this key, or remove "
                                     "max_fee_per_account to cap per charge and period")
        return self

    def kpi_settings(self) -> dict[str, dict[str, Any]]:
        """The `kpis:` block as plain mappings (what `kpis.kpi_table` and `sla.evaluate` take)."""
        return {name: s.model_dump(exclude_none=True) for name, s in self.kpis.items()}

    def charge(self, charge_id: str) -> dict[str, Any]:
        """The service's charge with id `charge_id`; KeyError otherwise."""
        for charge in self.charges:
            if charge["id"] == charge_id:
                return charge
        raise KeyError(f"service {self.id!r} has no charge {charge_id!r}")


class BillingCycle(Strict):
    cutoff_day: Annotated[int, Field(ge=1, le=28)] | None = None


class MinimumCommitment(Strict):
    amount: Annotated[Exact, Field(ge=0)]
    prorate: bool = True


class Version(Strict):
    """Later prices (indexation, amendments): the services whose charges change, in full."""

    valid_from: date
    services: Annotated[list[Service], Field(min_length=1)]
    minimum_commitment: MinimumCommitment | None = None


class Contract(Strict):
    """`parameters/ENG/contracts/SUPPLIER.yaml`."""

    supplier: Identifier
    name: Annotated[str, Field(min_length=1)]
    currency: Currency = "EUR"
    tax_rate: Fraction01
    tax_note: str | None = None
    valid_from: date
    valid_to: date | None = None
    billing_cycle: BillingCycle = BillingCycle()
    payment_terms_days: Annotated[int, Field(ge=0, le=365)] = 60
    dispute_window_days: Annotated[int, Field(ge=0, le=3650)] = 90
    withholding_rate: Fraction01 = Decimal(0)
    minimum_commitment: MinimumCommitment | None = None
    services: Annotated[list[Service], Field(min_length=1)]
    compliance: list[dict[str, Any]] = []
    versions: list[Version] = []

    @field_validator("compliance")
    @classmethod
    def _valid_compliance(cls, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        compliance_rules.validate(value)
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Contract:
        if self.valid_to and self.valid_to < self.valid_from:
            raise ValueError("valid_to is before valid_from")
        ids = [s.id for s in self.services]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(f"services: service id used twice: {', '.join(twice)}")
        previous = None
        for k, version in enumerate(self.versions):
            if previous and version.valid_from <= previous:
                raise ValueError(f"versions[{k}].valid_from: versions must be in date order")
            previous = version.valid_from
            period = self.period_containing(version.valid_from)
            if period.start != version.valid_from:
                raise ValueError(
                    f"versions[{k}].valid_from: {version.valid_from} is not the first day of a billing period "
                    f"(the period containing it starts on {period.start})"
                )
        return self

    # ---- billing periods
    def period(self, month: str) -> BillingPeriod:
        """The billing period named `month` (YYYY-MM): a calendar month, or with `cutoff_day` = 25 the
        26th of the previous month to the 25th of `month`."""
        return billing_period(month, self.billing_cycle.cutoff_day)

    def period_containing(self, day: date) -> BillingPeriod:
        """The billing period containing `day` under this contract's cut-off day."""
        return period_containing(day, self.billing_cycle.cutoff_day)

    # ---- what applies in a period
    def version_on(self, day: date) -> tuple[list[Service], MinimumCommitment | None]:
        """Services and minimum commitment in force on `day` (the base terms with every version up to it)."""
        services = {s.id: s for s in self.services}
        commitment = self.minimum_commitment
        for version in self.versions:
            if version.valid_from <= day:
                for service in version.services:
                    services[service.id] = service
                if version.minimum_commitment is not None:
                    commitment = version.minimum_commitment
        return list(services.values()), commitment

    def services_for(self, period: BillingPeriod) -> list[Service]:
        """The services rating `period`: the version valid on its first day, active in the period."""
        services, _ = self.version_on(period.start)
        return [s for s in services if self.active_days(period, s) > 0]

    def commitment_for(self, period: BillingPeriod) -> MinimumCommitment | None:
        """The minimum commitment of the contract version in force on the period's first day, or None."""
        return self.version_on(period.start)[1]

    def active_range(self, period: BillingPeriod, service: Service | None = None) -> tuple[date, date]:
        """First and last day of the period inside the contract's (and the service's) validity; the first
        is after the last when none is."""
        start, end = max(period.start, self.valid_from), period.end
        if self.valid_to:
            end = min(end, self.valid_to)
        if service is not None:
            if service.valid_from:
                start = max(start, service.valid_from)
            if service.valid_to:
                end = min(end, service.valid_to)
        return start, end

    def active_days(self, period: BillingPeriod, service: Service | None = None) -> int:
        """Calendar days of the period inside the contract's (and the service's) validity."""
        start, end = self.active_range(period, service)
        return max(0, (end - start).days + 1)

    def all_service_ids(self) -> set[str]:
        """The ids of every service of the contract and of any of its versions."""
        ids = {s.id for s in self.services}
        for version in self.versions:
            ids |= {s.id for s in version.services}
        return ids

    # ---- what-if
    def with_changes(self, changes: dict[str, Any]) -> Contract:
        """A NEW validated contract: this one with each value of `changes` set at its dotted key path, e.g.
        `{"services.care.charges.care_minutes.tiers.1.unit_price": "0.48"}` (a price in the contract
        currency per unit). A path part is a mapping's key, a list index (`tiers.1`), or the `id` of a
        record in a list of records (`services.care`, `charges.care_minutes`); the last part may add a key
        to a mapping. This contract is unchanged.

        UnknownNameError naming the path and the keys (or ids and indexes) that exist where it failed;
        ContractError naming the key path when the changed contract is not valid."""
        data = self.model_dump()
        for path, value in changes.items():
            set_path(data, str(path), value)
        try:
            return Contract.model_validate(data)
        except ValidationError as exc:
            problems = validation_problems(exc, "contract")
            text = "; ".join(f"{p.column or 'contract'}: {p.message}" for p in problems)
            raise ContractError(f"the changed contract is not valid: {text}",
                                problems[0].column if problems else None) from None

    # ---- notebook faces
    def _service_rows(self) -> list[tuple[str, str]]:
        return [(s.id, ", ".join(c["id"] for c in s.charges)) for s in self.services]

    def __repr__(self) -> str:
        services = "; ".join(f"{sid} ({charges})" for sid, charges in self._service_rows())
        versions = ", ".join(v.valid_from.isoformat() for v in self.versions) or "none"
        return reprs.one_line(f"<Contract {self.supplier} {self.name!r} {self.currency}: services {services}; "
                              f"versions {versions}>")

    def _repr_html_(self) -> str:
        head = reprs.html_table(f"Contract {self.supplier}", [
            ("name", self.name), ("currency", self.currency), ("tax_rate", self.tax_rate),
            ("valid", f"{self.valid_from}..{self.valid_to or ''}"),
            ("versions", ", ".join(v.valid_from.isoformat() for v in self.versions))])
        return head + reprs.html_table("Services", self._service_rows(), ("service", "charges"))


def _keys_at(node: Any) -> list[str]:
    """The path parts that exist at `node`: a mapping's keys, a list's record ids and indexes."""
    if isinstance(node, dict):
        return [str(k) for k in node]
    if isinstance(node, list):
        ids = [str(item["id"]) for item in node if isinstance(item, dict) and "id" in item]
        return ids + ([f"0..{len(node) - 1}"] if node else [])
    return []


def set_path(data: dict[str, Any], path: str, value: Any) -> None:
    """Set `value` at the dotted key `path` of the nested mappings and lists `data`, in place (see
    `Contract.with_changes`); UnknownNameError naming the path and the keys that exist where it failed."""
    parts = path.split(".")
    node: Any = data
    for depth, part in enumerate(parts):
        last = depth == len(parts) - 1
        where = ".".join(parts[:depth]) or "contract"

        def fail(reason: str, _node: Any = node, _where: str = where, _part: str = part) -> None:
            known = tuple(_keys_at(_node))
            raise UnknownNameError(f"{path}: {reason} {_part!r} at {_where}; it has: "
                                   f"{', '.join(known) or 'nothing below it'}", name=path, where=_where,
                                   known=known)

        if isinstance(node, dict):
            if part not in node and not last:
                fail("no key")
            if last:
                node[part] = value
            else:
                node = node[part]
        elif isinstance(node, list):
            if re.fullmatch(r"\d+", part):
                index = int(part)
                if index >= len(node):
                    fail("no index")
            else:
                matches = [i for i, item in enumerate(node) if isinstance(item, dict) and item.get("id") == part]
                if not matches:
                    fail("no record with id")
                index = matches[0]
            if last:
                node[index] = value
            else:
                node = node[index]
        else:
            known = ()
            raise UnknownNameError(f"{path}: {where} is a value ({node!r}), it has no key {part!r}", name=path,
                                   where=where, known=known)


# --------------------------------------------------------------------------- errors
def _key_path(loc: tuple[Any, ...]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path


def validation_problems(exc: ValidationError, file: str) -> list[Problem]:
    """One Problem per pydantic error, naming the file and the key path."""
    problems = []
    for err in exc.errors():
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        message = err["msg"]
        if err["type"] == "extra_forbidden":
            message = "unknown key: remove it or check its spelling (see spec/data.md)"
        elif message.startswith("Value error, "):
            message = message[len("Value error, "):]
        key = _key_path(loc)
        key, message = _inner_path(key, message)
        value = err.get("input")
        shown = value if isinstance(value, (str, int, Decimal, date)) and not isinstance(value, bool) else None
        problems.append(Problem(file=file, column=key or None, message=message, value=shown))
    return problems


_INNER_PATH = re.compile(r"^((?:[A-Za-z_]\w*|\[\d+\])(?:\[\d+\]|\.[A-Za-z_]\w*)*): (.+)$", re.S)


def _inner_path(key: str, message: str) -> tuple[str, str]:
    """Move the key path a nested validator put in front of its message ("charges[1]: tiers[0].up_to: …")
    onto the error's key path, without repeating the field's own name."""
    while True:
        match = _INNER_PATH.match(message)
        if not match or " " in match.group(1):
            return key, message
        inner, message = match.group(1), match.group(2)
        last = re.split(r"[.\[]", key.rsplit(".", 1)[-1])[0] if key else ""
        if last and (inner == last or inner.startswith(last + "[") or inner.startswith(last + ".")):
            key = key[: len(key) - len(key.rsplit(".", 1)[-1])] + inner if "." in key else inner
        elif inner.startswith("["):
            key += inner
        else:
            key = f"{key}.{inner}" if key else inner


def parse_settings(data: object, file: str) -> tuple[EngagementSettings | None, list[Problem]]:
    """The engagement settings read from `data`, or None with the problems found in `file`."""
    if not isinstance(data, dict):
        return None, [Problem(file=file, message="expected a mapping of settings (id, client, suppliers, …)")]
    try:
        return EngagementSettings.model_validate(data), []
    except ValidationError as exc:
        return None, validation_problems(exc, file)


def parse_contract(data: object, file: str) -> tuple[Contract | None, list[Problem]]:
    """The contract read from `data`, or None with the problems found in `file`."""
    if not isinstance(data, dict):
        return None, [Problem(file=file, message="expected a mapping (supplier, name, tax_rate, services, …)")]
    try:
        return Contract.model_validate(data), []
    except ValidationError as exc:
        return None, validation_problems(exc, file)
