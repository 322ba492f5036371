"""Collection agencies' fees: attribution (inside and outside the tail), debt age at placement and at payment,
fees by debt-age band at each band edge, a fee per right-party contact, a cap per account — by hand."""

from datetime import date
from decimal import Decimal

import pandas as pd
import pytest

from ccanalysis.collections import fees
from ccanalysis.contract import Service
from ccanalysis.errors import ContractError
from ccanalysis.invoice import charge_lines
from ccanalysis.pricing.units import ServiceActivity

PLACEMENTS = pd.DataFrame([
    # A: with recobra 1–20 Aug at 60 days past due, then with cobralia from 25 Aug at 84
    {"account_id": "A", "supplier": "recobra", "placed_on": "2026-08-01", "recalled_on": "2026-08-20",
     "debt_amount": Decimal("500"), "days_past_due": 60, "segment": "residential"},
    {"account_id": "A", "supplier": "cobralia", "placed_on": "2026-08-25", "recalled_on": None,
     "debt_amount": Decimal("350"), "days_past_due": 84, "segment": "residential"},
    # B: with recobra from 1 Aug at 200 days
    {"account_id": "B", "supplier": "recobra", "placed_on": "2026-08-01", "recalled_on": None,
     "debt_amount": Decimal("9000"), "days_past_due": 200, "segment": "small_business"},
])
PAYMENTS = pd.DataFrame([
    {"account_id": "A", "paid_on": "2026-08-10", "amount": Decimal("100.00")},  # recobra holds it
    {"account_id": "A", "paid_on": "2026-08-22", "amount": Decimal("50.00")},  # nobody: 2 days after the recall
    {"account_id": "A", "paid_on": "2026-08-26", "amount": Decimal("70.00")},  # cobralia holds it
    {"account_id": "B", "paid_on": "2026-08-15", "amount": Decimal("6000.00")},
])


def test_a_payment_counts_for_the_agency_holding_the_account():
    mine = fees.attributed_payments(PLACEMENTS, PAYMENTS, "recobra")
    assert list(zip(mine["account_id"], mine["amount"], strict=True)) == [("A", Decimal("100.00")),
                                                                          ("B", Decimal("6000.00"))]
    theirs = fees.attributed_payments(PLACEMENTS, PAYMENTS, "cobralia")
    assert list(theirs["amount"]) == [Decimal("70.00")]


def test_the_tail_after_recall():
    # 22 Aug is 2 days after recobra's recall on 20 Aug: inside a tail of 2 days, outside a tail of 1
    inside = fees.attributed_payments(PLACEMENTS, PAYMENTS, "recobra", tail_days=2)
    assert list(inside["amount"]) == [Decimal("100.00"), Decimal("6000.00"), Decimal("50.00")]
    assert list(inside["by_tail"]) == [False, False, True]
    outside = fees.attributed_payments(PLACEMENTS, PAYMENTS, "recobra", tail_days=1)
    assert Decimal("50.00") not in list(outside["amount"])
    # the tail never takes a payment from the agency holding the account: 26 Aug stays cobralia's
    long_tail = fees.attributed_payments(PLACEMENTS, PAYMENTS, "recobra", tail_days=30)
    assert Decimal("70.00") not in list(long_tail["amount"])


def test_debt_age_at_placement_or_at_payment():
    at_placement = fees.attributed_payments(PLACEMENTS, PAYMENTS, "recobra")
    assert list(at_placement["debt_age_days"]) == [60, 200]
    at_payment = fees.attributed_payments(PLACEMENTS, PAYMENTS, "recobra", debt_age_at="payment")
    assert list(at_payment["debt_age_days"]) == [69, 214]  # 60 + 9 days; 200 + 14 days


def test_a_fee_on_a_payment_not_attributable_is_found():
    claimed = pd.DataFrame([{"account_id": "A", "paid_on": "2026-08-10", "amount": Decimal("8.00")},
                            {"account_id": "A", "paid_on": "2026-08-26", "amount": Decimal("5.60")}])
    wrong = fees.not_attributable(PLACEMENTS, PAYMENTS, "recobra", claimed)
    assert list(wrong["paid_on"]) == ["2026-08-26"]  # cobralia held A on 26 Aug


def _service(charges, **terms) -> Service:
    return Service.model_validate({"id": "collections", "name": "Recobro", "channel": "collections",
                                   "collections": terms, "charges": charges})


def _activity(payments: pd.DataFrame, attempts: pd.DataFrame | None = None, **terms) -> ServiceActivity:
    attributed = fees.attributed_payments(PLACEMENTS, payments, "recobra", **terms)
    records = fees.as_contact_records(attributed, attempts if attempts is not None else pd.DataFrame(
        columns=["account_id", "supplier", "start", "outcome"]), supplier="recobra", service="collections",
        placements=PLACEMENTS)
    return ServiceActivity(contacts=records, rows=pd.DataFrame(), holidays=frozenset(),
                           period_start=date(2026, 8, 1), period_end=date(2026, 8, 31))


BANDS = [
    {"id": "fee_0_90", "description": "Hasta 90 días", "unit": "collected_amount", "model": "percentage",
     "rate": "0.08", "applies_to": {"debt_age_days": {"to": 90}}},
    {"id": "fee_91_180", "description": "91 a 180 días", "unit": "collected_amount", "model": "percentage",
     "rate": "0.12", "applies_to": {"debt_age_days": {"from": 91, "to": 180}}},
    {"id": "fee_181", "description": "Más de 180 días", "unit": "collected_amount", "model": "percentage",
     "rate": "0.20", "applies_to": {"debt_age_days": {"from": 181}}, "max_per_account": "1000"},
]


def _amounts(service, activity) -> dict[str, Decimal]:
    out = {}
    for charge in service.charges:
        out[charge["id"]] = sum((line.amount for line in charge_lines(service, charge, activity, active_days=31,
                                                                      period_days=31)), Decimal(0))
    return out


def test_fees_by_debt_age_band_and_the_cap_per_account():
    service = _service(BANDS)
    amounts = _amounts(service, _activity(PAYMENTS))
    # A's 100.00 at 60 days: 8 % = 8.00; B's 6,000.00 at 200 days: 20 % = 1,200.00, capped at 1,000.00
    assert amounts == {"fee_0_90": Decimal("8.00"), "fee_91_180": Decimal("0.00"), "fee_181": Decimal("1000.00")}


@pytest.mark.parametrize("age, band", [(90, "fee_0_90"), (91, "fee_91_180"), (180, "fee_91_180"), (181, "fee_181")])
def test_each_band_edge(age, band):
    placements = PLACEMENTS.assign(days_past_due=[age, 84, 200])
    payments = PAYMENTS.iloc[[0]]  # A's 100.00 on 10 Aug, while recobra holds it
    attributed = fees.attributed_payments(placements, payments, "recobra")
    records = fees.as_contact_records(attributed, pd.DataFrame(columns=["account_id", "supplier", "start", "outcome"]),
                                      supplier="recobra", service="collections")
    activity = ServiceActivity(contacts=records, rows=pd.DataFrame(), holidays=frozenset(),
                               period_start=date(2026, 8, 1), period_end=date(2026, 8, 31))
    amounts = _amounts(_service(BANDS), activity)
    rate = {"fee_0_90": "8.00", "fee_91_180": "12.00", "fee_181": "20.00"}[band]
    assert amounts[band] == Decimal(rate) and sum(amounts.values()) == Decimal(rate)


def test_a_fixed_fee_per_right_party_contact():
    attempts = pd.DataFrame([
        {"account_id": "A", "supplier": "recobra", "start": pd.Timestamp("2026-08-03 19:10"), "outcome": "rpc"},
        {"account_id": "A", "supplier": "recobra", "start": pd.Timestamp("2026-08-04 19:10"), "outcome": "no_answer"},
        {"account_id": "B", "supplier": "recobra", "start": pd.Timestamp("2026-08-05 11:00"), "outcome": "ptp"},
        {"account_id": "B", "supplier": "cobralia", "start": pd.Timestamp("2026-08-05 12:00"), "outcome": "rpc"},
    ])
    service = _service([{"id": "rpc_fee", "description": "Contacto con el titular", "unit": "right_party_contact",
                         "model": "per_unit", "unit_price": "3.00"}])
    # recobra's attempts: one rpc and one ptp are right-party contacts; cobralia's are not its
    assert _amounts(service, _activity(PAYMENTS, attempts)) == {"rpc_fee": Decimal("6.00")}


def test_a_band_needs_collections_data():
    service = _service(BANDS[:1])
    rows = pd.DataFrame([{"date": pd.Timestamp("2026-08-01"), "collected_amount": Decimal("10")}])
    activity = ServiceActivity(contacts=pd.DataFrame(), rows=rows, holidays=frozenset(),
                               period_start=date(2026, 8, 1), period_end=date(2026, 8, 31))
    with pytest.raises(ContractError, match="applies_to.debt_age_days: needs collections data"):
        _amounts(service, activity)


@pytest.mark.parametrize("applies_to, message", [
    ({"debt_age_days": {"from": 91, "to": 90}}, "from (91) is after to (90)"),
    ({"debt_age_days": {"above": 3}}, "expected {from: DAYS, to: DAYS}"),
    ({"debt_age_days": {"from": -1}}, "whole days ≥ 0"),
    ({"segments": "residential"}, "a list of segment names"),
])
def test_bad_bands_name_the_key(applies_to, message):
    charge = {**BANDS[0], "applies_to": applies_to}
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)").replace("{", r"\{")
                       .replace("}", r"\}")):
        _service([charge])


def test_max_per_account_and_max_per_event_are_exclusive():
    with pytest.raises(ValueError, match="not both"):
        _service([{**BANDS[2], "max_per_event": "10"}])


def test_the_sql_holds_rule_is_the_same_rule():
    """`holds_sql` (the call-time tables in DuckDB) says what `holds` says, on every edge: the placement day,
    the recall day, the day after, an open placement, a recall before the placement."""
    import duckdb

    cases = pd.DataFrame({
        "when": pd.to_datetime(["2026-08-01", "2026-07-31", "2026-08-20", "2026-08-21", "2026-09-30",
                                "2026-08-05", "2026-08-05"]),
        "placed_on": pd.to_datetime(["2026-08-01"] * 6 + ["2026-08-10"]),
        "recalled_on": pd.to_datetime(["2026-08-20", "2026-08-20", "2026-08-20", "2026-08-20", None,
                                       None, "2026-08-01"]),
    })
    by_hand = [True, False, True, False, True, True, False]
    assert list(fees.holds(cases["when"], cases["placed_on"], cases["recalled_on"])) == by_hand
    con = duckdb.connect()
    con.register("cases", cases)
    rule = fees.holds_sql('CAST("when" AS DATE)', "CAST(placed_on AS DATE)", "CAST(recalled_on AS DATE)")
    got = [row[0] for row in con.execute(f"SELECT {rule} FROM cases").fetchall()]
    assert got == by_hand
