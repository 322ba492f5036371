"""A retailer's agreement, `parameters/ENG/cargos/RETAILER.yaml` (the file stem is the retailer id): what
the manufacturer agreed to pay it, and so what a charge is checked against (`ccanalysis.cargos.validation`).

Every model forbids unknown keys and is frozen. Money is exact `Decimal` (EUR unless `currency` says
otherwise); rates and `percent_of_sales` are fractions (0.03 = 3 %). The checks across entries are errors
naming the key path: two promotions on the same products (or `all`) whose dates overlap, rappel tiers whose
`from_sales` do not increase, a type in `owners` or `classification_rules` that is not one of `CHARGE_TYPES`,
two agreed prices of one product whose dates overlap, an id written twice.

Rappel periods are named `YYYY` (basis annual) or `YYYY-Qn` (basis quarterly): a charge's reference names one.
"""

from __future__ import annotations

import calendar
import re
from datetime import date
from decimal import Decimal
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import Field, ValidationError, field_validator, model_validator

from ccanalysis.audit.matching import compile_pattern
from ccanalysis.cargos import CHARGE_TYPES, DEFAULT_OWNERS
from ccanalysis.contract import Currency, Exact, Fraction01, Identifier, Strict, validation_problems
from ccanalysis.errors import Problem

Money = Annotated[Exact, Field(ge=0)]
Text = Annotated[str, Field(min_length=1)]

#: A rappel period id: a year, or a year and quarter.
PERIOD_ID = re.compile(r"^(\d{4})(?:-Q([1-4]))?$")


def _known_type(value: str, where: str) -> str:
    if value not in CHARGE_TYPES:
        raise ValueError(f"{where}unknown charge type {value!r}; write one of {', '.join(CHARGE_TYPES)}")
    return value


class Contribution(Strict):
    """What a promotion costs the manufacturer: a fixed `amount`, or `percent_of_sales` (a fraction) of the
    retailer's net sales in the promotion's days."""

    amount: Money | None = None
    percent_of_sales: Fraction01 | None = None

    @model_validator(mode="after")
    def _one(self) -> Contribution:
        if (self.amount is None) == (self.percent_of_sales is None):
            raise ValueError("write exactly one of amount (e.g. 4500.00) or percent_of_sales (a fraction: 0.03 = 3 %)")
        return self


class Promotion(Strict):
    id: Identifier
    start: date = Field(alias="from")
    end: date = Field(alias="to")
    #: the products promoted, or "all"
    products: Literal["all"] | Annotated[list[Text], Field(min_length=1)] = "all"
    contribution: Contribution

    @model_validator(mode="after")
    def _dates(self) -> Promotion:
        if self.end < self.start:
            raise ValueError(f"to: {self.end} is before from {self.start}; write the promotion's last day")
        return self

    def overlaps(self, other: Promotion) -> bool:
        """Both promotions run on a common day and on a common product (`all` shares every product)."""
        if self.start > other.end or other.start > self.end:
            return False
        return self.products == "all" or other.products == "all" or bool(set(self.products) & set(other.products))


class RappelTier(Strict):
    from_sales: Money
    rate: Fraction01


class Rappel(Strict):
    """A volume rebate: the rate of the highest tier the period's net sales reach, on all the period's sales."""

    basis: Literal["quarterly", "annual"]
    tiers: Annotated[list[RappelTier], Field(min_length=1)]

    @field_validator("tiers")
    @classmethod
    def _increasing(cls, tiers: list[RappelTier]) -> list[RappelTier]:
        for i in range(1, len(tiers)):
            if tiers[i].from_sales <= tiers[i - 1].from_sales:
                raise ValueError(f"tiers[{i}].from_sales: {tiers[i].from_sales} does not increase on tiers[{i - 1}] "
                                 f"({tiers[i - 1].from_sales}); list the tiers from the lowest from_sales up, each "
                                 "higher than the one before")
        return tiers

    def tier(self, sales: Decimal) -> tuple[int, RappelTier] | None:
        """The highest tier `sales` reach (its index and the tier), None below the first."""
        reached = [(i, t) for i, t in enumerate(self.tiers) if sales >= t.from_sales]
        return reached[-1] if reached else None

    def period_of(self, month: str) -> str:
        """The period id a month `YYYY-MM` belongs to (`2026-Q3` or `2026`)."""
        year, m = int(month[:4]), int(month[5:7])
        return f"{year}" if self.basis == "annual" else f"{year}-Q{(m - 1) // 3 + 1}"


def period_months(period: str) -> list[str]:
    """The months `YYYY-MM` of a period id `YYYY` or `YYYY-Qn`; ValueError for any other text."""
    match = PERIOD_ID.match(period.strip()) if isinstance(period, str) else None
    if not match:
        raise ValueError(f"{period!r} is not a rappel period: write YYYY or YYYY-Qn (e.g. 2026-Q2)")
    year, quarter = int(match.group(1)), match.group(2)
    months = range(1, 13) if quarter is None else range(3 * int(quarter) - 2, 3 * int(quarter) + 1)
    return [f"{year}-{m:02d}" for m in months]


def period_end(period: str) -> date:
    """The last day of a period id `YYYY` or `YYYY-Qn`."""
    last = period_months(period)[-1]
    year, month = int(last[:4]), int(last[5:])
    return date(year, month, calendar.monthrange(year, month)[1])


class PenaltyRule(Strict):
    """A logistics penalty the retailer may charge: `late` (rate_of_value × the value of the order's delivery
    notes delivered more than after_hours late) or `short` (rate_of_missing_value × (ordered − accepted) ×
    unit value), at most `cap` per order (blank: no cap)."""

    id: Identifier
    kind: Literal["late", "short"]
    after_hours: Annotated[Exact, Field(ge=0)] | None = None
    rate_of_value: Fraction01 | None = None
    rate_of_missing_value: Fraction01 | None = None
    cap: Money | None = None

    @model_validator(mode="after")
    def _terms(self) -> PenaltyRule:
        if self.kind == "late":
            if self.after_hours is None or self.rate_of_value is None:
                raise ValueError("a late rule needs after_hours (e.g. 24) and rate_of_value (a fraction: 0.02 = 2 %)")
            if self.rate_of_missing_value is not None:
                raise ValueError("rate_of_missing_value: belongs to a short rule; a late rule has rate_of_value")
        else:
            if self.rate_of_missing_value is None:
                raise ValueError("a short rule needs rate_of_missing_value (a fraction: 0.05 = 5 %)")
            if self.after_hours is not None or self.rate_of_value is not None:
                raise ValueError("a short rule has only rate_of_missing_value and cap; remove after_hours and "
                                 "rate_of_value (they belong to a late rule)")
        return self


class ListingFee(Strict):
    id: Identifier
    product: Text
    amount: Money
    on: date


class AgreedPrice(Strict):
    product: Text
    unit_price: Money
    start: date = Field(alias="from")
    end: date | None = Field(default=None, alias="to")

    def covers(self, day: date) -> bool:
        """The price is agreed on `day` (from..to, both included; no `to`: open)."""
        return self.start <= day and (self.end is None or day <= self.end)


class ClassificationRule(Strict):
    """A charge whose description contains `pattern` (a regular expression, case- and accent-insensitive) is
    of `type`; the first rule that matches wins."""

    pattern: Text
    type: str

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            compile_pattern(value)
        except re.error as exc:
            raise ValueError(f"not a valid regular expression ({exc}); escape special characters with \\") from None
        return value

    @field_validator("type")
    @classmethod
    def _type(cls, value: str) -> str:
        return _known_type(value, "")

    @cached_property
    def regex(self) -> re.Pattern[str]:
        """The compiled pattern (case- and accent-insensitive, as the audit's rules)."""
        return compile_pattern(self.pattern)


def _unique(items: list[Any], key: str, attr: str = "id") -> None:
    seen: dict[str, int] = {}
    for i, item in enumerate(items):
        value = getattr(item, attr)
        if value in seen:
            raise ValueError(f"{key}[{i}].{attr}: {value!r} is already the {attr} of {key}[{seen[value]}]; give "
                             "each entry its own")
        seen[value] = i


class Agreement(Strict):
    retailer: Identifier
    name: Text
    currency: Currency = "EUR"
    #: we must dispute a charge within this many days of its issue_date (our deadline)
    dispute_window_days: Annotated[int, Field(ge=0, le=3650)]
    #: the retailer may charge at most this many days after the event (promotion end, delivery, period end)
    claim_window_days: Annotated[int, Field(ge=0, le=3650)] = 365
    owners: dict[str, Text] = {}
    promotions: list[Promotion] = []
    rappel: Rappel | None = None
    logistics_penalties: list[PenaltyRule] = []
    listing_fees: list[ListingFee] = []
    prices: list[AgreedPrice] = []
    classification_rules: list[ClassificationRule] = []

    @field_validator("owners")
    @classmethod
    def _owner_types(cls, value: dict[str, str]) -> dict[str, str]:
        for name in value:
            _known_type(name, f"{name}: ")
        return value

    @model_validator(mode="after")
    def _across(self) -> Agreement:
        _unique(self.promotions, "promotions")
        _unique(self.logistics_penalties, "logistics_penalties")
        _unique(self.listing_fees, "listing_fees")
        for j, later in enumerate(self.promotions):
            for i, earlier in enumerate(self.promotions[:j]):
                if earlier.overlaps(later):
                    raise ValueError(
                        f"promotions[{j}]: {later.id} ({later.start}..{later.end}) overlaps {earlier.id} "
                        f"(promotions[{i}], {earlier.start}..{earlier.end}) on the same products; two promotions "
                        "of one product must not share a day: end one before the other starts, or list the "
                        "products of each")
        for j, later in enumerate(self.prices):
            for i, earlier in enumerate(self.prices[:j]):
                if earlier.product == later.product and (earlier.end is None or later.start <= earlier.end) and (
                        later.end is None or earlier.start <= later.end):
                    raise ValueError(f"prices[{j}]: a second agreed price of {later.product} on the days of "
                                     f"prices[{i}]; end the earlier one (to:) the day before the new one starts")
        kinds = [rule.kind for rule in self.logistics_penalties]
        for kind in set(kinds):
            if kinds.count(kind) > 1:
                j = [i for i, k in enumerate(kinds) if k == kind][1]
                raise ValueError(f"logistics_penalties[{j}].kind: a second {kind} rule; write one rule per kind")
        return self

    def owner(self, charge_type: str) -> str:
        """Who handles charges of `charge_type`: `owners`, else `DEFAULT_OWNERS`."""
        return self.owners.get(charge_type, DEFAULT_OWNERS[charge_type])

    def promotion(self, promotion_id: str) -> Promotion | None:
        """The promotion with id `promotion_id`, None when the agreement has none."""
        return next((p for p in self.promotions if p.id == promotion_id), None)

    def penalty_rule(self, kind: str) -> PenaltyRule | None:
        """The logistics penalty rule of `kind` (late, short), None when none is agreed."""
        return next((r for r in self.logistics_penalties if r.kind == kind), None)

    def price_on(self, product: str, day: date) -> AgreedPrice | None:
        """The agreed price of `product` on `day`, None when none is agreed."""
        return next((p for p in self.prices if p.product == product and p.covers(day)), None)


def parse_agreement(data: object, file: str) -> tuple[Agreement | None, list[Problem]]:
    """The agreement read from `data` (a parsed YAML file), or None with the problems found in `file`, each
    naming its key path (`promotions[2].from`)."""
    if not isinstance(data, dict):
        return None, [Problem(file=file, message="expected a mapping (retailer, name, dispute_window_days, "
                              "promotions, rappel, …); see README, 'Charge invoices from retailers'")]
    try:
        return Agreement.model_validate(data), []
    except ValidationError as exc:
        return None, validation_problems(exc, file)
