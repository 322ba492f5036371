"""Each charge checked against the retailer's agreement (`ccanalysis.cargos.validation`): one validator per
type, duplicates and the claim window. Expected amounts are computed by hand in the comments."""

from __future__ import annotations

import copy
from datetime import date
from decimal import Decimal

import pandas as pd
import pytest

from ccanalysis.cargos import CHARGE_TYPES
from ccanalysis.cargos.agreement import parse_agreement
from ccanalysis.cargos.references import reference_index
from ccanalysis.cargos.validation import COLUMNS, VALIDATORS, validate_charges
from tests.test_cargos_data import BASE_AGREEMENT

D = Decimal
AS_OF = date(2026, 9, 1)


def agreement(**changes):
    data = copy.deepcopy(BASE_AGREEMENT)
    data.update(changes)
    parsed, problems = parse_agreement(data, "mercaplus.yaml")
    assert problems == []
    return parsed


SALES = pd.DataFrame({"retailer": "mercaplus",
                      "month": ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06", "2026-07",
                                "2026-08"],
                      "net_sales": [D("150000.00"), D("150000.00"), D("150000.00"), D("250000.00"),
                                    D("250000.00"), D("200000.00"), D("120000.00"), D("93000.00")],
                      "product": None})


def note(name: str, order: str, promised: str, delivered: str, value: str, *, ordered: int = 100,
         delivered_qty: int = 100, accepted: int | None = None, unit_price: str | None = "4.10") -> dict:
    return {"retailer": "mercaplus", "delivery_note": name, "order_id": order, "product": "ACEITE-1L",
            "promised_at": pd.Timestamp(promised), "delivered_at": pd.Timestamp(delivered),
            "ordered_qty": ordered, "delivered_qty": delivered_qty,
            "accepted_qty": delivered_qty if accepted is None else accepted, "value": D(value),
            "unit_price": None if unit_price is None else D(unit_price)}


DELIVERIES = pd.DataFrame([
    # order P-1 in two shipments: N1 30 h late, N2 on time
    note("N1", "P-1", "2026-07-10 08:00", "2026-07-11 14:00", "1000.00"),
    note("N2", "P-1", "2026-07-10 08:00", "2026-07-10 07:00", "3000.00"),
    note("N3", "P-2", "2026-07-12 08:00", "2026-07-12 06:30", "2000.00"),  # early
    note("N4", "P-3", "2026-07-14 08:00", "2026-07-16 08:00", "20000.00"),  # 48 h late
    note("N5", "P-4", "2026-07-15 08:00", "2026-07-15 08:00", "369.00", delivered_qty=90, accepted=85),
    note("N6", "P-5", "2026-07-16 08:00", "2026-07-16 08:00", "410.00"),  # invoiced at the agreed 4.10
    note("N7", "P-6", "2026-07-17 08:00", "2026-07-17 08:00", "850.00", ordered=200, delivered_qty=200,
         unit_price="4.25"),
    note("N8", "P-7", "2026-07-18 08:00", "2026-07-19 08:00", "500.00"),  # exactly 24 h late: not "more than"
])


def charge(document_id: str, type_: str, amount: str, reference: str | None, description: str = "cargo",
           issue_date: str = "2026-08-20") -> dict:
    return {"retailer": "mercaplus", "document_id": document_id, "issue_date": pd.Timestamp(issue_date),
            "amount": D(amount), "tax": None, "description": description, "reference": reference, "type": type_}


def run(*charges: dict, agreement_=None, sales=SALES, deliveries=DELIVERIES) -> pd.DataFrame:
    frame = pd.DataFrame(list(charges))
    out = validate_charges(frame, {"mercaplus": agreement_ or agreement()}, sales, deliveries, as_of=AS_OF)
    assert list(out.columns) == COLUMNS and len(out) == len(frame)
    return out.set_index("document_id")


def verdict(out: pd.DataFrame, doc: str) -> tuple:
    row = out.loc[doc]
    return row["verdict"], row["valid_amount"], row["invalid_amount"], row["check"]


def test_one_validator_per_type():
    assert set(VALIDATORS.names()) == set(CHARGE_TYPES)
    with pytest.raises(ValueError, match="type: unknown charge validator 'rebate'"):
        VALIDATORS.get("rebate")


# --------------------------------------------------------------------------- promotions
def test_a_promotion_charged_above_its_percent_of_sales():
    # 3 % of July's 120,000.00 = 3,600.00; charged 4,000.00 → 400.00 invalid
    out = run(charge("C1", "promotion", "4000.00", "PROMO-2026-07"))
    assert verdict(out, "C1") == ("partly_valid", D("3600.00"), D("400.00"), "over_agreed")
    evidence = out.loc["C1", "evidence"]
    assert evidence["agreed"] == D("3600.00") and evidence["sales"] == D("120000.00")
    assert evidence["dispute_deadline"] == "2026-10-19" and evidence["days_to_deadline"] == 48  # 20 Aug + 60 d


def test_a_promotion_already_charged():
    # 3,600.00 agreed; C1 takes it all, C2 (later) finds nothing left
    out = run(charge("C1", "promotion", "3600.00", "PROMO-2026-07"),
              charge("C2", "promotion", "500.00", "PROMO-2026-07", issue_date="2026-08-25"))
    assert verdict(out, "C1") == ("valid", D("3600.00"), D("0.00"), "ok")
    assert verdict(out, "C2") == ("invalid", D(0), D("500.00"), "already_charged")


def test_a_percent_promotion_over_two_months_pro_rata_by_days():
    # 25 Jul..6 Aug at 2 %: July 7/31 × 120,000.00 = 27,096.774…, August 6/31 × 93,000.00 = 18,000.00;
    # 2 % × 45,096.774… = 901.935… → 901.94
    promo = {"id": "VERANO", "from": "2026-07-25", "to": "2026-08-06", "products": "all",
             "contribution": {"percent_of_sales": "0.02"}}
    out = run(charge("C1", "promotion", "1000.00", "VERANO"), agreement_=agreement(promotions=[promo]))
    assert verdict(out, "C1") == ("partly_valid", D("901.94"), D("98.06"), "over_agreed")


def test_a_fixed_promotion_and_an_unknown_one():
    out = run(charge("C1", "promotion", "4500.00", "FOLLETO-32"), charge("C2", "promotion", "700.00", "FOLLETO-99"))
    assert verdict(out, "C1") == ("valid", D("4500.00"), D("0.00"), "ok")
    assert verdict(out, "C2") == ("invalid", D(0), D("700.00"), "not_in_agreement")


def test_a_promotion_without_the_sales_it_depends_on():
    out = run(charge("C1", "promotion", "4000.00", "PROMO-2026-07"), sales=SALES[SALES["month"] != "2026-07"])
    assert verdict(out, "C1")[0] == "needs_evidence" and out.loc["C1", "valid_amount"] is None
    assert out.loc["C1", "check"] == "no_sales"


# --------------------------------------------------------------------------- rappel
def test_a_rappel_at_a_tier_not_reached():
    # Q2 = 250,000 + 250,000 + 200,000 = 700,000.00: tier 1 (from 500,000, 1 %) → 7,000.00; charged at 2 %
    # (14,000.00) → 7,000.00 invalid
    out = run(charge("C1", "rappel", "14000.00", "2026-Q2", "Rappel trimestral 2T 2026"))
    assert verdict(out, "C1") == ("partly_valid", D("7000.00"), D("7000.00"), "above_tier")
    assert out.loc["C1", "evidence"]["tier"] == 1


def test_a_rappel_below_the_first_paying_tier():
    # Q1 = 3 × 150,000 = 450,000.00 < 500,000: rate 0 → nothing due
    out = run(charge("C1", "rappel", "4500.00", "2026-Q1"))
    assert verdict(out, "C1") == ("invalid", D(0), D("4500.00"), "above_tier")


def test_a_rappel_of_a_period_not_over():
    # Q3: September and no later sales yet
    out = run(charge("C1", "rappel", "100.00", "2026-Q3"))
    assert verdict(out, "C1")[0] == "needs_evidence" and out.loc["C1", "check"] == "no_sales"


# --------------------------------------------------------------------------- logistics penalties
def test_a_penalty_on_a_partly_late_order():
    # P-1: N1 (1,000.00) 30 h late, N2 (3,000.00) on time → 2 % × 1,000.00 = 20.00; charged 2 % × 4,000 = 80.00
    out = run(charge("C1", "logistics_penalty", "80.00", "P-1", "Penalización retraso entrega pedido P-1"))
    assert verdict(out, "C1") == ("partly_valid", D("20.00"), D("60.00"), "partly_late")
    assert out.loc["C1", "evidence"]["late_notes"] == ["N1"]


def test_a_penalty_referencing_one_note_covers_its_order():
    out = run(charge("C1", "logistics_penalty", "20.00", "N2", "Penalización retraso albarán N2"))
    assert verdict(out, "C1") == ("valid", D("20.00"), D("0.00"), "ok")


def test_a_penalty_on_an_on_time_delivery():
    out = run(charge("C1", "logistics_penalty", "40.00", "N3", "Penalización retraso entrega albarán N3"),
              charge("C2", "logistics_penalty", "10.00", "N8", "Penalización retraso albarán N8"))
    assert verdict(out, "C1") == ("invalid", D(0), D("40.00"), "on_time")
    assert verdict(out, "C2") == ("invalid", D(0), D("10.00"), "on_time")  # 24 h late is not more than 24 h


def test_a_penalty_above_its_cap():
    # P-3: 2 % × 20,000.00 = 400.00, capped at 300.00
    out = run(charge("C1", "logistics_penalty", "400.00", "P-3", "Penalización retraso pedido P-3"))
    assert verdict(out, "C1") == ("partly_valid", D("300.00"), D("100.00"), "over_agreed")


def test_a_short_delivery_penalty():
    # N5: ordered 100, accepted 85 → 15 × (369.00 ÷ 90 = 4.10) = 61.50; 5 % = 3.075 → 3.08
    out = run(charge("C1", "logistics_penalty", "10.00", "N5", "Penalización falta de mercancía albarán N5"))
    assert verdict(out, "C1") == ("partly_valid", D("3.08"), D("6.92"), "over_agreed")


def test_a_penalty_without_delivery_evidence():
    out = run(charge("C1", "logistics_penalty", "10.00", "N99", "Penalización retraso albarán N99"))
    assert verdict(out, "C1") == ("needs_evidence", None, None, "no_evidence")


# --------------------------------------------------------------------------- price differences, fees, returns
def test_a_price_difference_at_the_agreed_price():
    # N6 invoiced at 4.10, the agreed price: nothing to charge
    out = run(charge("C1", "price_difference", "25.00", "N6", "Diferencia de precio factura F-2026-1234"))
    assert verdict(out, "C1") == ("invalid", D(0), D("25.00"), "price_agreed")


def test_a_price_difference_above_the_agreed_price():
    # N7: (4.25 − 4.10) × 200 = 30.00
    out = run(charge("C1", "price_difference", "30.00", "N7"), charge("C2", "price_difference", "45.00", "N6 "))
    assert verdict(out, "C1") == ("valid", D("30.00"), D("0.00"), "ok")


def test_a_listing_fee_charged_once():
    out = run(charge("C1", "listing_fee", "3000.00", "ALTA-ACEITE-5L", "Cuota de referenciación ACEITE-5L"),
              charge("C2", "listing_fee", "1500.00", None, "Cuota de referenciación aceite-5l", "2026-09-30"),
              charge("C3", "listing_fee", "800.00", None, "Cuota de referenciación VINAGRE"))
    assert verdict(out, "C1") == ("valid", D("3000.00"), D("0.00"), "ok")
    assert verdict(out, "C2") == ("invalid", D(0), D("1500.00"), "already_charged")
    assert verdict(out, "C3") == ("invalid", D(0), D("800.00"), "not_in_agreement")


def test_returns_up_to_what_was_refused_and_marketing_needs_evidence():
    # N5: 90 delivered, 85 accepted → 5 × 4.10 = 20.50
    out = run(charge("C1", "returns_damage", "30.00", "N5", "Devolución mercancía dañada"),
              charge("C2", "returns_damage", "30.00", "N6", "Devolución mercancía dañada albarán N6"),
              charge("C3", "marketing", "2000.00", None, "Campaña marketing Navidad"),
              charge("C4", None, "10.00", None, "Cargo varios"))
    assert verdict(out, "C1") == ("partly_valid", D("20.50"), D("9.50"), "over_agreed")
    assert verdict(out, "C2") == ("needs_evidence", None, None, "no_evidence")
    assert verdict(out, "C3") == ("needs_evidence", None, None, "no_evidence")
    assert verdict(out, "C4") == ("needs_evidence", None, None, "no_type")


# --------------------------------------------------------------------------- every charge
def test_a_duplicate_by_reference_and_amount():
    out = run(charge("C2", "promotion", "4500.00", "FOLLETO-32", issue_date="2026-09-15"),
              charge("C1", "promotion", "4500.00", "FOLLETO-32", issue_date="2026-08-20"))
    assert verdict(out, "C1") == ("valid", D("4500.00"), D("0.00"), "ok")  # the earlier document is the first
    assert verdict(out, "C2") == ("invalid", D(0), D("4500.00"), "duplicate")
    assert out.loc["C2", "related_document"] == "C1"


def test_a_duplicate_by_description_within_30_days():
    text = "Campaña marketing Navidad"
    out = run(charge("C1", "marketing", "2000.00", None, text, "2026-08-01"),
              charge("C2", "marketing", "2000.00", None, text, "2026-08-31"),  # 30 days later: duplicate
              charge("C3", "marketing", "2000.00", None, "Campaña marketing Reyes", "2026-08-02"),
              charge("C4", "marketing", "2000.00", None, text, "2026-10-01"))  # 61 days after C1, 31 after C2
    assert verdict(out, "C2") == ("invalid", D(0), D("2000.00"), "duplicate")
    assert out.loc["C2", "related_document"] == "C1"
    assert out.loc["C3", "verdict"] == "needs_evidence" and out.loc["C4", "verdict"] == "needs_evidence"


def test_a_charge_outside_the_claim_window():
    # PROMO-2026-07 ended 31 Jul 2026; 365 days later is 31 Jul 2027 (inside), 1 Aug 2027 is 366 (outside)
    sales = SALES
    out = run(charge("C1", "promotion", "3600.00", "PROMO-2026-07", issue_date="2027-08-01"), sales=sales)
    assert verdict(out, "C1") == ("invalid", D(0), D("3600.00"), "outside_claim_window")
    assert out.loc["C1", "evidence"]["days_after_event"] == 366
    out = run(charge("C1", "promotion", "3600.00", "PROMO-2026-07", issue_date="2027-07-31"))
    assert verdict(out, "C1") == ("valid", D("3600.00"), D("0.00"), "ok")


def test_an_invalid_charge_does_not_use_up_the_agreement():
    # C1 (outside the claim window? no: a duplicate) leaves the 3,600.00 for C3
    out = run(charge("C1", "promotion", "1000.00", "PROMO-2026-07", issue_date="2026-08-01"),
              charge("C2", "promotion", "1000.00", "PROMO-2026-07", issue_date="2026-08-02"),
              charge("C3", "promotion", "2600.00", "PROMO-2026-07", issue_date="2026-08-03"))
    # C1 1,000 valid, C2 duplicate of C1, C3: 3,600 − 1,000 = 2,600 left → valid
    assert out["verdict"].tolist() == ["valid", "invalid", "valid"]


def test_what_references_prove():
    index = reference_index({"mercaplus": agreement()}, DELIVERIES)
    assert index[("mercaplus", "PROMO-2026-07")] == "promotion"
    assert index[("mercaplus", "2026-Q2")] == "rappel" and ("mercaplus", "2026") not in index
    assert index[("mercaplus", "N1")] == "logistics_penalty" and index[("mercaplus", "P-1")] == "logistics_penalty"
    assert index[("mercaplus", "ALTA-ACEITE-5L")] == "listing_fee"


def test_a_reference_written_only_in_the_description():
    # no reference column, but the delivery note, order or promotion is in the text
    out = run(charge("C1", "logistics_penalty", "20.00", None, "Penalización retraso entrega pedido P-1"),
              charge("C2", "promotion", "4000.00", None, "Aportación promocional PROMO-2026-07"),
              charge("C3", "rappel", "14000.00", None, "Rappel trimestral 2T 2026"),
              charge("C4", "promotion", "300.00", None, "Aportación promocional folleto semana 32"))
    assert verdict(out, "C1") == ("valid", D("20.00"), D("0.00"), "ok")
    assert verdict(out, "C2") == ("partly_valid", D("3600.00"), D("400.00"), "over_agreed")
    assert verdict(out, "C3") == ("partly_valid", D("7000.00"), D("7000.00"), "above_tier")
    assert verdict(out, "C4") == ("needs_evidence", None, None, "no_reference")  # which promotion? a person says


def test_no_sales_nor_deliveries_at_all():
    empty = pd.DataFrame()
    out = run(charge("C1", "promotion", "100.00", "PROMO-2026-07"), charge("C2", "logistics_penalty", "5.00", "N1"),
              sales=empty, deliveries=empty)
    assert verdict(out, "C1") == ("needs_evidence", None, None, "no_sales")
    assert verdict(out, "C2") == ("needs_evidence", None, None, "no_evidence")


def test_a_retailer_without_an_agreement():
    frame = pd.DataFrame([charge("C1", "promotion", "100.00", "X") | {"retailer": "hipermas"}])
    out = validate_charges(frame, {"mercaplus": agreement()}, SALES, DELIVERIES, as_of=AS_OF)
    assert out.loc[0, ["verdict", "check"]].tolist() == ["needs_evidence", "no_agreement"]
