"""The cargos inputs (charge invoices from retailers): the tables charges, sales, deliveries and
cargo_decisions, read like every table and checked against the agreements and each other when the engagement
loads (`ccanalysis.io.checks.check_cargos`); the agreements `parameters/ENG/cargos/RETAILER.yaml` with their
key paths; the engagement's `cargos:` settings. Every bad input of the issue names file, row (header = row 1)
and column (or key path) and says what to write instead."""

from __future__ import annotations

import copy
from decimal import Decimal

import pytest

from ccanalysis.cargos import CHARGE_TYPES
from ccanalysis.cargos.agreement import parse_agreement, period_end, period_months
from ccanalysis.contract import parse_settings
from ccanalysis.engagement import load
from ccanalysis.io.schemas import TABLES
from tests.engagements import (
    BASE_SETTINGS,
    contract,
    load_problems,
    one_problem,
    write_engagement,
    write_yaml,
)

CHARGES = "data/tiny/cargos/charges.csv"
SALES = "data/tiny/cargos/sales/sales.csv"
DELIVERIES = "data/tiny/cargos/deliveries/deliveries.csv"
DECISIONS = "data/tiny/cargos/decisions.csv"
AGREEMENT = "parameters/tiny/cargos/mercaplus.yaml"

BASE_AGREEMENT = {
    "retailer": "mercaplus", "name": "Mercaplus Supermercados S.A.", "currency": "EUR",
    "dispute_window_days": 60, "claim_window_days": 365,
    "owners": {"promotion": "key_account", "rappel": "finance", "logistics_penalty": "logistics"},
    "promotions": [
        {"id": "PROMO-2026-07", "from": "2026-07-01", "to": "2026-07-31", "products": "all",
         "contribution": {"percent_of_sales": "0.03"}},
        {"id": "FOLLETO-32", "from": "2026-08-03", "to": "2026-08-16", "products": ["ACEITE-1L"],
         "contribution": {"amount": "4500.00"}}],
    "rappel": {"basis": "quarterly", "tiers": [{"from_sales": 0, "rate": 0}, {"from_sales": 500000, "rate": "0.01"},
                                               {"from_sales": 1000000, "rate": "0.02"}]},
    "logistics_penalties": [
        {"id": "late_24h", "kind": "late", "after_hours": 24, "rate_of_value": "0.02", "cap": "300.00"},
        {"id": "short", "kind": "short", "rate_of_missing_value": "0.05", "cap": "500.00"}],
    "listing_fees": [{"id": "ALTA-ACEITE-5L", "product": "ACEITE-5L", "amount": "3000.00", "on": "2026-03-01"}],
    "prices": [{"product": "ACEITE-1L", "unit_price": "4.10", "from": "2026-01-01", "to": None}],
    "classification_rules": [{"pattern": "rappel", "type": "rappel"}],
}


def agreement(**changes) -> dict:
    out = copy.deepcopy(BASE_AGREEMENT)
    out.update(changes)
    return out


def charge(document_id: str = "C1", retailer: str = "mercaplus", amount: str = "4000.00", **values) -> dict:
    return {"retailer": retailer, "document_id": document_id, "issue_date": "2026-08-20", "amount": amount,
            "tax": "840.00", "description": "Aportación promocional julio", "reference": "PROMO-2026-07",
            "due_date": "2026-09-20", **values}


def delivery(note: str = "80012345", order: str = "P-1", accepted: int = 100, **values) -> dict:
    return {"retailer": "mercaplus", "delivery_note": note, "order_id": order, "product": "ACEITE-1L",
            "promised_at": "2026-07-10 08:00:00", "delivered_at": "2026-07-10 07:30:00", "ordered_qty": 100,
            "delivered_qty": 100, "accepted_qty": accepted, "value": "410.00", "unit_price": "4.10", **values}


def engagement(tmp_path, charges=None, sales=None, deliveries=None, decisions=None, agreements=None,
               settings=None):
    """A cargos engagement with no contact-centre contract: parameters/tiny/cargos/*.yaml and data/tiny/cargos."""
    tables = {"cargos/charges.csv": charges if charges is not None else [charge()],
              "cargos/sales/sales.csv": sales if sales is not None else [
                  {"retailer": "mercaplus", "month": "2026-07", "net_sales": "120000.00"}],
              "cargos/deliveries/deliveries.csv": deliveries if deliveries is not None else [delivery()]}
    if decisions is not None:
        tables["cargos/decisions.csv"] = decisions
    write_engagement(tmp_path, settings={"suppliers": [], **(settings or {})}, contracts=[], tables=tables)
    for a in agreements if agreements is not None else [agreement()]:
        write_yaml(tmp_path / "parameters" / "tiny" / "cargos" / f"{a.get('retailer', 'x')}.yaml", a)
    return tmp_path


# --------------------------------------------------------------------------- what loads
def test_the_four_tables_live_under_cargos_with_their_keys():
    assert {name: TABLES[name].data_location() for name in ("charges", "sales", "deliveries", "cargo_decisions")} == {
        "charges": "cargos/charges", "sales": "cargos/sales", "deliveries": "cargos/deliveries",
        "cargo_decisions": "cargos/decisions"}
    assert TABLES["charges"].key == ("retailer", "document_id")
    assert TABLES["deliveries"].key == ("retailer", "delivery_note")
    assert TABLES["sales"].key == ("retailer", "month", "product")
    assert TABLES["cargo_decisions"].single_file and TABLES["cargo_decisions"].columns["type"].allowed == CHARGE_TYPES


def test_an_engagement_with_agreements_and_no_contracts_loads(tmp_path):
    engagement(tmp_path, decisions=[{"retailer": "mercaplus", "document_id": "C1", "type": "promotion",
                                     "decided_at": "2026-08-21 10:00:00", "decided_by": "ana"}])
    assert not (tmp_path / "parameters" / "tiny" / "contracts").exists()
    eng = load("tiny", root=tmp_path)
    assert eng.contracts == {} and set(eng.cargo_agreements) == {"mercaplus"}
    charges = eng.table("charges")
    assert charges["amount"].iloc[0] == Decimal("4000.00") and charges["reference"].iloc[0] == "PROMO-2026-07"
    assert eng.table("deliveries")["accepted_qty"].iloc[0] == 100
    assert eng.table("cargo_decisions")["type"].iloc[0] == "promotion"
    a = eng.cargo_agreements["mercaplus"]
    assert a.promotion("FOLLETO-32").contribution.amount == Decimal("4500.00")
    assert a.rappel.tier(Decimal("750000")) == (1, a.rappel.tiers[1])
    assert a.owner("promotion") == "key_account" and a.owner("returns_damage") == "logistics"  # the default
    # the settings block with its defaults
    assert eng.settings.cargos.review_threshold == Decimal("0.6")
    assert eng.settings.cargos.handling_cost == Decimal("45.00") and eng.settings.cargos.forecast_months == 6


def test_the_tables_may_be_folders_or_one_file(tmp_path):
    engagement(tmp_path)
    eng = load("tiny", root=tmp_path)
    assert {s.file for s in eng.sources} == {CHARGES, SALES, DELIVERIES}


def test_an_engagement_without_suppliers_nor_agreements_is_refused(tmp_path):
    write_engagement(tmp_path, settings={"suppliers": []}, contracts=[])
    one_problem(load_problems(tmp_path), file="parameters/tiny/engagement.yaml", column="suppliers",
                text="agreements in cargos/")


def test_a_contact_centre_engagement_is_unaffected(tmp_path):
    write_engagement(tmp_path, contracts=[contract()])
    eng = load("tiny", root=tmp_path)
    assert eng.cargo_agreements == {} and eng.table("charges").empty


# --------------------------------------------------------------------------- bad tables
def test_a_charge_with_no_amount(tmp_path):
    engagement(tmp_path, charges=[charge(), charge("C2", amount="")])
    one_problem(load_problems(tmp_path), file=CHARGES, row=3, column="amount", text="blank")


def test_a_charge_of_zero(tmp_path):
    engagement(tmp_path, charges=[charge(), charge("C2", amount="0")])
    one_problem(load_problems(tmp_path), file=CHARGES, row=3, column="amount", value="0", text="more than 0")


def test_an_unknown_retailer(tmp_path):
    engagement(tmp_path, charges=[charge(), charge("C2", retailer="hipermas")])
    problem = one_problem(load_problems(tmp_path), file=CHARGES, row=3, column="retailer", value="hipermas")
    assert "parameters/tiny/cargos/hipermas.yaml" in problem.message and "mercaplus" in problem.message


def test_an_unknown_retailer_in_sales_and_deliveries(tmp_path):
    engagement(tmp_path, sales=[{"retailer": "hipermas", "month": "2026-07", "net_sales": "10.00"}],
               deliveries=[delivery(), delivery("80012346", retailer="hipermas")])
    problems = load_problems(tmp_path)
    one_problem(problems, file=SALES, row=2, column="retailer", value="hipermas")
    one_problem(problems, file=DELIVERIES, row=3, column="retailer", value="hipermas")


def test_a_charge_listed_twice(tmp_path):
    engagement(tmp_path, charges=[charge(), charge()])
    one_problem(load_problems(tmp_path), file=CHARGES, row=3, column="retailer, document_id",
                text="same key as row 2; a retailer's document is listed once")


def test_a_delivery_note_twice(tmp_path):
    engagement(tmp_path, deliveries=[delivery(), delivery(order="P-2")])
    one_problem(load_problems(tmp_path), file=DELIVERIES, row=3, column="retailer, delivery_note",
                text="its own delivery_note")


def test_more_accepted_than_delivered(tmp_path):
    engagement(tmp_path, deliveries=[delivery(accepted=101)])
    one_problem(load_problems(tmp_path), file=DELIVERIES, row=2, column="accepted_qty", value=101,
                text="write at most 100")


def test_a_charge_due_before_it_was_issued(tmp_path):
    engagement(tmp_path, charges=[charge(due_date="2026-08-01")])
    one_problem(load_problems(tmp_path), file=CHARGES, row=2, column="due_date", value="2026-08-01",
                text="on or after the issue_date")


def test_a_decision_for_an_unknown_document(tmp_path):
    engagement(tmp_path, decisions=[
        {"retailer": "mercaplus", "document_id": "C1", "type": "promotion", "decided_at": "2026-08-21 10:00:00"},
        {"retailer": "mercaplus", "document_id": "C9", "type": "rappel", "decided_at": "2026-08-21 10:05:00"}])
    one_problem(load_problems(tmp_path), file=DECISIONS, row=3, column="document_id", value="C9",
                text="no charge C9 of mercaplus")


def test_a_decision_of_an_unknown_type(tmp_path):
    engagement(tmp_path, decisions=[{"retailer": "mercaplus", "document_id": "C1", "type": "rapel",
                                     "decided_at": "2026-08-21 10:00:00"}])
    one_problem(load_problems(tmp_path), file=DECISIONS, row=2, column="type", value="rapel",
                text="expected one of promotion")


def test_a_delivery_without_its_timestamps(tmp_path):
    engagement(tmp_path, deliveries=[delivery(delivered_at="")])
    one_problem(load_problems(tmp_path), file=DELIVERIES, row=2, column="delivered_at", text="blank")


# --------------------------------------------------------------------------- bad agreements
def agreement_problems(tmp_path, a: dict) -> list:
    engagement(tmp_path, agreements=[a])
    return load_problems(tmp_path)


def test_overlapping_promotions(tmp_path):
    # FOLLETO-33 (ACEITE-1L, 2026-08-10..23) shares 10..16 August with FOLLETO-32 on ACEITE-1L
    promotions = BASE_AGREEMENT["promotions"] + [
        {"id": "FOLLETO-33", "from": "2026-08-10", "to": "2026-08-23", "products": ["ACEITE-1L", "ACEITE-5L"],
         "contribution": {"amount": "1000.00"}}]
    problem = one_problem(agreement_problems(tmp_path, agreement(promotions=promotions)), file=AGREEMENT,
                          column="promotions[2]")
    assert "overlaps FOLLETO-32 (promotions[1]" in problem.message


def test_promotions_of_other_products_may_share_days():
    promotions = BASE_AGREEMENT["promotions"] + [
        {"id": "FOLLETO-33", "from": "2026-08-10", "to": "2026-08-23", "products": ["ACEITE-5L"],
         "contribution": {"amount": "1000.00"}}]
    parsed, problems = parse_agreement(agreement(promotions=promotions), "a.yaml")
    assert problems == [] and len(parsed.promotions) == 3


def test_a_promotion_of_all_products_overlaps_any(tmp_path):
    promotions = BASE_AGREEMENT["promotions"] + [
        {"id": "VERANO", "from": "2026-07-31", "to": "2026-08-02", "products": ["ACEITE-5L"],
         "contribution": {"amount": "10.00"}}]
    one_problem(agreement_problems(tmp_path, agreement(promotions=promotions)), file=AGREEMENT,
                column="promotions[2]", text="overlaps PROMO-2026-07")


def test_rappel_tiers_that_do_not_increase(tmp_path):
    rappel = {"basis": "quarterly", "tiers": [{"from_sales": 0, "rate": 0}, {"from_sales": 500000, "rate": "0.01"},
                                              {"from_sales": 500000, "rate": "0.02"}]}
    one_problem(agreement_problems(tmp_path, agreement(rappel=rappel)), file=AGREEMENT,
                column="rappel.tiers[2].from_sales", text="does not increase")


def test_an_unknown_type_in_owners(tmp_path):
    one_problem(agreement_problems(tmp_path, agreement(owners={"rapel": "finance"})), file=AGREEMENT,
                column="owners.rapel", text="write one of promotion, rappel")


def test_an_unknown_type_in_a_classification_rule(tmp_path):
    one_problem(agreement_problems(tmp_path, agreement(classification_rules=[{"pattern": "x", "type": "rebate"}])),
                file=AGREEMENT, column="classification_rules[0].type", value="rebate")


def test_a_percentage_written_as_a_percent(tmp_path):
    promotions = copy.deepcopy(BASE_AGREEMENT["promotions"])
    promotions[0]["contribution"] = {"percent_of_sales": 3}
    one_problem(agreement_problems(tmp_path, agreement(promotions=promotions)), file=AGREEMENT,
                column="promotions[0].contribution.percent_of_sales", text="write 0.03")


def test_a_contribution_needs_exactly_one_of_amount_or_percent(tmp_path):
    promotions = copy.deepcopy(BASE_AGREEMENT["promotions"])
    promotions[1]["contribution"] = {"amount": "10.00", "percent_of_sales": "0.01"}
    one_problem(agreement_problems(tmp_path, agreement(promotions=promotions)), file=AGREEMENT,
                column="promotions[1].contribution", text="exactly one of amount")


def test_a_promotion_ending_before_it_starts(tmp_path):
    promotions = copy.deepcopy(BASE_AGREEMENT["promotions"])
    promotions[1]["to"] = "2026-08-01"
    one_problem(agreement_problems(tmp_path, agreement(promotions=promotions)), file=AGREEMENT,
                column="promotions[1].to", text="before from 2026-08-03")


def test_a_late_rule_without_its_hours(tmp_path):
    rules = [{"id": "late", "kind": "late", "rate_of_value": "0.02"}]
    one_problem(agreement_problems(tmp_path, agreement(logistics_penalties=rules)), file=AGREEMENT,
                column="logistics_penalties[0]", text="after_hours")


def test_an_unknown_key_in_an_agreement(tmp_path):
    one_problem(agreement_problems(tmp_path, agreement(dispute_window=60)), file=AGREEMENT,
                column="dispute_window", text="unknown key")


def test_the_file_is_named_for_its_retailer(tmp_path):
    engagement(tmp_path)
    write_yaml(tmp_path / "parameters" / "tiny" / "cargos" / "hipermas.yaml", agreement())
    one_problem(load_problems(tmp_path), file="parameters/tiny/cargos/hipermas.yaml", column="retailer",
                text="name the file mercaplus.yaml")


def test_overlapping_agreed_prices(tmp_path):
    prices = [{"product": "ACEITE-1L", "unit_price": "4.10", "from": "2026-01-01", "to": None},
              {"product": "ACEITE-1L", "unit_price": "4.20", "from": "2026-09-01", "to": None}]
    one_problem(agreement_problems(tmp_path, agreement(prices=prices)), file=AGREEMENT, column="prices[1]",
                text="the day before")


def test_rappel_periods():
    assert period_months("2026-Q2") == ["2026-04", "2026-05", "2026-06"]
    assert len(period_months("2026")) == 12
    assert period_end("2026-Q1").isoformat() == "2026-03-31" and period_end("2026").isoformat() == "2026-12-31"
    with pytest.raises(ValueError, match="YYYY-Qn"):
        period_months("2T 2026")


# --------------------------------------------------------------------------- settings
def test_the_cargos_settings_are_validated():
    settings, problems = parse_settings({**BASE_SETTINGS, "cargos": {"review_threshold": 60, "forecast_months": 0,
                                                                     "handling_costs": 45}}, "engagement.yaml")
    assert settings is None
    assert {p.column for p in problems} == {"cargos.review_threshold", "cargos.forecast_months",
                                            "cargos.handling_costs"}
    settings, problems = parse_settings({**BASE_SETTINGS, "cargos": {"review_threshold": "0.7",
                                                                     "handling_cost": "30.00"}}, "engagement.yaml")
    assert problems == [] and settings.cargos.review_threshold == Decimal("0.7")
    assert settings.cargos.handling_cost == Decimal("30.00") and settings.cargos.forecast_months == 6
