"""A collection agency's lifetime fee cap per account (`collections.max_fee_per_account`), across periods and
debt-age bands, by hand; the contract refuses per-period caps beside it."""

from datetime import date
from decimal import Decimal

import pandas as pd
import pytest
from pydantic import ValidationError

from ccanalysis.collections import fees
from ccanalysis.contract import Service
from ccanalysis.i18n.domain import describe, explain
from ccanalysis.invoice import ACCOUNT_CAP, account_cap_lines, step_one
from ccanalysis.pricing.units import ServiceActivity

PLACEMENTS = pd.DataFrame([
    {"account_id": "A", "supplier": "recobra", "placed_on": "2026-07-01", "recalled_on": None,
     "debt_amount": Decimal("500"), "days_past_due": 60, "segment": "residential"},
    {"account_id": "B", "supplier": "recobra", "placed_on": "2026-07-01", "recalled_on": None,
     "debt_amount": Decimal("9000"), "days_past_due": 200, "segment": "small_business"},
    {"account_id": "C", "supplier": "recobra", "placed_on": "2026-07-01", "recalled_on": None,
     "debt_amount": Decimal("11000"), "days_past_due": 85, "segment": "small_business"},
])
PAYMENTS = pd.DataFrame([
    {"account_id": "B", "paid_on": "2026-07-10", "amount": Decimal("3000.00")},  # 20 %: 600.00
    {"account_id": "C", "paid_on": "2026-07-03", "amount": Decimal("5000.00")},  # 87 days at payment, 8 %: 400.00
    {"account_id": "A", "paid_on": "2026-08-05", "amount": Decimal("100.00")},  # 60 + 35 = 95 days, 12 %: 12.00
    {"account_id": "B", "paid_on": "2026-08-10", "amount": Decimal("3000.00")},  # 600.00, 400.00 left under the cap
    {"account_id": "C", "paid_on": "2026-08-10", "amount": Decimal("5000.00")},  # 125 days, 12 %: 600.00, exactly up to it
    {"account_id": "B", "paid_on": "2026-09-10", "amount": Decimal("1000.00")},  # 200.00, the cap already reached
    {"account_id": "C", "paid_on": "2026-09-10", "amount": Decimal("100.00")},  # 12.00, the cap already reached
])
BANDS = [
    {"id": "fee_0_90", "description": "Hasta 90 días", "unit": "collected_amount", "model": "percentage",
     "rate": "0.08", "applies_to": {"debt_age_days": {"to": 90}}},
    {"id": "fee_91_180", "description": "91 a 180 días", "unit": "collected_amount", "model": "percentage",
     "rate": "0.12", "applies_to": {"debt_age_days": {"from": 91, "to": 180}}},
    {"id": "fee_181", "description": "Más de 180 días", "unit": "collected_amount", "model": "percentage",
     "rate": "0.20", "applies_to": {"debt_age_days": {"from": 181}}},
    {"id": "rpc_fee", "description": "Contacto con el titular", "unit": "right_party_contact", "model": "per_unit",
     "unit_price": "3.00"},
]
MONTHS = {"2026-07": (date(2026, 7, 1), date(2026, 7, 31)), "2026-08": (date(2026, 8, 1), date(2026, 8, 31)),
          "2026-09": (date(2026, 9, 1), date(2026, 9, 30))}


def _service(charges=BANDS, **terms) -> Service:
    return Service.model_validate({"id": "collections", "name": "Recobro", "channel": "collections",
                                   "collections": {"debt_age_at": "payment", "max_fee_per_account": "1000",
                                                   **terms}, "charges": charges})


def _records(first: date, last: date) -> pd.DataFrame:
    attributed = fees.attributed_payments(PLACEMENTS, PAYMENTS, "recobra", debt_age_at="payment")
    days = pd.to_datetime(attributed["paid_on"]).dt.date
    return fees.as_contact_records(attributed[(days >= first) & (days <= last)],
                                   pd.DataFrame(columns=["account_id", "supplier", "start", "outcome"]),
                                   supplier="recobra", service="collections", placements=PLACEMENTS,
                                   debt_age_at="payment")


def _activity(month: str) -> ServiceActivity:
    first, last = MONTHS[month]
    return ServiceActivity(contacts=_records(first, last), rows=pd.DataFrame(), holidays=frozenset(),
                           period_start=first, period_end=last,
                           prior_contacts=_records(date(2026, 1, 1), date.fromordinal(first.toordinal() - 1)))


def _cap(month: str):
    first, last = MONTHS[month]
    days = (last - first).days + 1
    return account_cap_lines(_service(), _activity(month), active_days=days, period_days=days)


def test_nothing_is_cut_before_an_account_reaches_the_cap():
    # July: B 600.00 and C 400.00, each under 1,000.00
    assert _cap("2026-07") == []


def test_the_period_pays_what_is_left_under_the_cap_across_bands():
    (line,) = _cap("2026-08")
    # B: 600.00 before + 600.00 now = 1,200.00 → 1,000.00 − 600.00 = 400.00 owed of 600.00: 200.00 cut
    # C: 400.00 (8 % band) + 600.00 (12 % band) = 1,000.00, exactly the cap: nothing cut; A: 12.00, nothing cut
    assert (line.charge, line.amount, line.quantity) == (ACCOUNT_CAP, Decimal("-200.00"), Decimal(1))
    assert line.facts[0].figures["fees"] == Decimal("1212.00")  # 12 + 600 + 600


def test_an_account_that_reached_the_cap_earns_nothing_more():
    (line,) = _cap("2026-09")
    # B 200.00 and C 12.00, both at the cap already: all 212.00 cut
    assert (line.amount, line.quantity, line.facts[0].figures["reached_before"]) == (Decimal("-212.00"), 2, 2)


def test_the_cap_line_follows_the_charges_and_nets_the_period():
    service = _service()

    class _Contract:  # what step_one asks of a contract
        def services_for(self, period):
            return [service]

        def active_days(self, period, service=None):
            return 30

    class _Period:
        days = 30

    lines = step_one(_Contract(), _Period(), {"collections": _activity("2026-09")})
    assert [line.charge for line in lines][-1] == ACCOUNT_CAP
    # 200.00 (20 %) + 12.00 (12 %) − 212.00 = 0.00
    assert sum(line.amount for line in lines) == Decimal("0.00")


def test_the_line_in_words():
    (line,) = _cap("2026-08")
    assert describe(line.label, "es") == "Tope de comisiones por cuenta (1.000,00)"
    assert "1 cuenta supera el tope de 1.000,00 por cuenta" in explain(line.facts, "es")
    assert "1 account exceeds the cap of 1,000.00" in explain(line.facts, "en")
    assert describe(line.label, "en").startswith("Fee cap per account")


@pytest.mark.parametrize("key, value", [("max_per_account", "500"), ("free_events", 2), ("free_amount", "100")])
def test_a_lifetime_cap_refuses_per_period_caps_and_free_payments(key, value):
    charges = [dict(BANDS[0], **{key: value})]
    with pytest.raises(ValidationError, match=rf"charges\[0\]\.{key}: the service caps each account's fees"):
        _service(charges)


def test_the_cap_is_money_at_least_zero():
    with pytest.raises(ValidationError, match="max_fee_per_account"):
        _service(max_fee_per_account="-5")
