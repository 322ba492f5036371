"""The billing-care data (spec: billing care): the contacts table's optional columns (reason, agent, discount),
the customers and bills tables, the service's `billing_care:` settings, and the checks across them when the
engagement loads (`ccanalysis.io.checks.check_billing_care`): each bad input names its file, row (header =
row 1), column and value, and says what to write instead."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ccanalysis.contract import BillingCareSettings, parse_contract
from ccanalysis.engagement import load
from ccanalysis.io.schemas import BILLING_REASONS, DISCOUNT_TYPES, TABLES
from tests.engagements import activity_row, contract, load_problems, one_problem, write_engagement, write_yaml

CONTACTS = "contacts/care.csv"
CUSTOMERS = "billing_care/customers.csv"
BILLS = "billing_care/bills.csv"
CONTACTS_FILE, CUSTOMERS_FILE = f"data/tiny/{CONTACTS}", f"data/tiny/{CUSTOMERS}"


def care_contract(**billing_care) -> dict:
    c = contract()
    c["services"][0]["billing_care"] = billing_care or {"discount_authority": {"default": "50.00"}}
    return c


def contact(cid: str = "K1", start: str = "2026-09-01 10:00:00", customer: str = "C1", **values) -> dict:
    row = {"contact_id": cid, "supplier": "acme", "service": "care", "start": start, "queue_s": 10,
           "answered": True, "abandoned": False, "talk_s": 200, "hold_s": 0, "acw_s": 20, "customer_id": customer,
           "reason": "bill_explanation", "agent_id": "A001", "outcome": "", "discount_amount": "",
           "discount_type": "", "discount_percent": "", "discount_months": ""}
    row.update(values)
    return row


def customer(cid: str = "C1", status: str = "active", churn_date: str = "", **values) -> dict:
    return {"customer_id": cid, "monthly_margin": "18.40", "status": status, "churn_date": churn_date,
            "customer_since": "2021-03-01", "segment": "residential", **values}


def engagement(tmp_path, contacts=None, customers=None, bills=None, billing_care=None, rows=None):
    tables = {CONTACTS: contacts if contacts is not None else [contact()],
              CUSTOMERS: customers if customers is not None else [customer()],
              BILLS: bills if bills is not None else [{"month": "2026-09", "bills_issued": 41000}]}
    if rows is not None:
        tables["activity/care.csv"] = rows
    return write_engagement(tmp_path, contracts=[care_contract(**(billing_care or {}))], tables=tables)


def test_the_tables_and_columns_are_where_the_readme_says():
    assert TABLES["customers"].data_location() == "billing_care/customers" and TABLES["customers"].single_file
    assert TABLES["bills"].data_location() == "billing_care/bills" and TABLES["bills"].single_file
    assert TABLES["customers"].key == ("customer_id",)
    assert TABLES["customers"].one_of == ("monthly_margin", "monthly_revenue")
    contacts = TABLES["contacts"].columns
    assert contacts["reason"].allowed == BILLING_REASONS and not contacts["reason"].required
    assert BILLING_REASONS == ("bill_explanation", "disputed_charge", "payment_plan", "tariff_change",
                               "cancellation_threat", "other")
    assert contacts["discount_type"].allowed == DISCOUNT_TYPES == ("credit", "percent_off")
    assert contacts["discount_months"].minimum == 1 and contacts["discount_percent"].maximum == 1
    assert not TABLES["invoice_lines"].columns["customer_id"].required


def test_a_consistent_billing_care_engagement_loads(tmp_path):
    engagement(tmp_path, contacts=[
        contact(),
        contact("K2", customer="C2", reason="cancellation_threat", outcome="retained", discount_amount="12.50",
                discount_type="percent_off", discount_percent="0.25", discount_months=3),
        contact("K3", customer="C2", reason="disputed_charge", discount_amount="30", discount_type="credit",
                discount_months=1)],
        customers=[customer(), customer("C2", "churned", "2026-12-01")])
    eng = load("tiny", root=tmp_path)
    contacts = eng.table("contacts")
    assert contacts["reason"].tolist() == ["bill_explanation", "cancellation_threat", "disputed_charge"]
    assert contacts["discount_amount"].tolist()[1:] == [Decimal("12.50"), 30]
    assert eng.table("customers")["churn_date"].notna().tolist() == [False, True]
    assert eng.table("bills")["bills_issued"].tolist() == [41000]
    assert list(eng.billing_care_services()) == [("acme", "care")]


def test_a_reason_outside_the_codes_is_reported_with_the_codes(tmp_path):
    engagement(tmp_path, contacts=[contact(), contact("K2", reason="factura")])
    one_problem(load_problems(tmp_path), file=CONTACTS_FILE, row=3, column="reason", value="factura",
                text="expected one of bill_explanation, disputed_charge")


def test_the_clients_own_reason_codes_through_a_mapping(tmp_path):
    engagement(tmp_path, contacts=[contact(reason="FAC-01"), contact("K2", reason="BAJA")])
    write_yaml(tmp_path / "parameters/tiny/mappings/contacts.yaml", {
        "table": "contacts", "files": ["contacts/*.csv"],
        "values": {"reason": {"FAC-01": "bill_explanation", "BAJA": "cancellation_threat"}}})
    eng = load("tiny", root=tmp_path)
    assert eng.table("contacts")["reason"].tolist() == ["bill_explanation", "cancellation_threat"]


def test_a_contact_of_an_unknown_customer(tmp_path):
    engagement(tmp_path, contacts=[contact(), contact("K2", customer="C9")])
    one_problem(load_problems(tmp_path), file=CONTACTS_FILE, row=3, column="customer_id", value="C9",
                text="no such customer in billing_care/customers")


def test_contacts_of_a_service_without_billing_care_settings_are_not_matched_with_customers(tmp_path):
    write_engagement(tmp_path, tables={CONTACTS: [contact(customer="C9")], CUSTOMERS: [customer()]})
    load("tiny", root=tmp_path)


@pytest.mark.parametrize(("values", "column", "text"), [
    ({"discount_amount": "20"}, "discount_type", "a discount needs its type: credit"),
    ({"discount_type": "credit"}, "discount_amount", "a discount needs its amount in EUR"),
    ({"discount_amount": "10", "discount_type": "percent_off", "discount_percent": "0.2"}, "discount_months",
     "a percent_off discount needs discount_months"),
    ({"discount_amount": "10", "discount_type": "credit", "discount_months": 3}, "discount_months",
     "a credit is granted once"),
    ({"discount_amount": "10", "discount_type": "credit", "discount_percent": "0.2"}, "discount_percent",
     "a credit has no percentage"),
    ({"discount_amount": "10", "discount_type": "credit", "customer_id": ""}, "customer_id",
     "a discount is granted to a customer"),
    ({"outcome": "retained", "customer_id": ""}, "customer_id", "outcome retained) needs its customer_id"),
])
def test_a_discount_or_retention_that_does_not_add_up(tmp_path, values, column, text):
    engagement(tmp_path, contacts=[contact(), contact("K2", **values)])
    problems = load_problems(tmp_path)
    one_problem(problems, file=CONTACTS_FILE, row=3, column=column, text=text)
    assert len(problems) == 1, problems


@pytest.mark.parametrize(("value", "text"), [("unlimited", "expected a number"),
                                             ("0.5", "expected a whole number")])
def test_a_discount_type_or_month_count_that_is_not_one(tmp_path, value, text):
    engagement(tmp_path, contacts=[contact(), contact("K2", discount_amount="10", discount_type="percent_off",
                                                      discount_months=value)])
    one_problem(load_problems(tmp_path), file=CONTACTS_FILE, row=3, column="discount_months", value=value)


def test_a_percentage_written_as_a_percent(tmp_path):
    engagement(tmp_path, contacts=[contact(), contact("K2", discount_amount="10", discount_type="percent_off",
                                                      discount_percent="25", discount_months=2)])
    one_problem(load_problems(tmp_path), file=CONTACTS_FILE, row=3, column="discount_percent",
                text="from 0 to 1")


@pytest.mark.parametrize(("row", "column", "text"), [
    (customer("C2", "churned"), "churn_date", "a churned customer needs its churn_date"),
    (customer("C2", "active", "2026-10-01"), "churn_date", "an active customer has no churn_date"),
    (customer("C2", "churned", "2020-01-01"), "churn_date", "churned before it became a customer"),
    (customer("C2", "gone"), "status", "expected one of active, churned"),
])
def test_a_customer_whose_status_and_churn_disagree(tmp_path, row, column, text):
    engagement(tmp_path, customers=[customer(), row])
    one_problem(load_problems(tmp_path), file=CUSTOMERS_FILE, row=3, column=column, text=text)


def test_a_customer_needs_its_margin_or_revenue(tmp_path):
    rows = [{k: v for k, v in customer().items() if k != "monthly_margin"}]
    engagement(tmp_path, customers=rows)
    one_problem(load_problems(tmp_path), file=CUSTOMERS_FILE, column="monthly_margin",
                text="needs one of the columns monthly_margin, monthly_revenue")
    rows[0]["monthly_revenue"] = "42.00"
    engagement(tmp_path, customers=rows)
    assert load("tiny", root=tmp_path).table("customers")["monthly_revenue"].tolist() == [42]


def test_a_customer_listed_twice(tmp_path):
    engagement(tmp_path, customers=[customer(), customer()])
    one_problem(load_problems(tmp_path), file=CUSTOMERS_FILE, row=3, column="customer_id",
                text="duplicate customers row")


def test_bills_name_a_month_and_a_whole_count(tmp_path):
    engagement(tmp_path, bills=[{"month": "2026-09", "bills_issued": 41000}, {"month": "09/2026",
                                                                               "bills_issued": "4.1e4"}])
    problems = load_problems(tmp_path)
    one_problem(problems, file=f"data/tiny/{BILLS}", row=3, column="month", value="09/2026")
    one_problem(problems, file=f"data/tiny/{BILLS}", row=3, column="bills_issued")


def test_billing_care_records_may_sit_beside_activity_rows_and_do_not_count(tmp_path):
    # The service's counts come from its activity rows (5 handled); the 2 contact records are its billing-care
    # records: no "two granularities" error, and the handled contacts stay 5, not 5 + 2.
    engagement(tmp_path, rows=[activity_row("2026-09-01", 6, 5, abandoned=1)],
               contacts=[contact(), contact("K2", start="2026-09-01 11:00:00")])
    eng = load("tiny", root=tmp_path)
    assert eng.granularity == {("acme", "care", "2026-09"): "daily"}
    assert eng.contacts_for("acme", "care", *_september()).empty
    assert len(eng.billing_care_contacts("acme", "care", *_september())) == 2
    from ccanalysis import expected_invoice

    lines = expected_invoice(eng, "acme", "2026-09")
    assert lines.loc[lines["charge"] == "care_contacts", "quantity"].tolist() == [5]


def test_without_billing_care_settings_two_sources_stay_an_error(tmp_path):
    write_engagement(tmp_path, tables={CONTACTS: [contact()], "activity/care.csv": [activity_row("2026-09-01", 6, 5)]})
    one_problem(load_problems(tmp_path), text="has activity at two granularities")


def _september():
    from datetime import date

    return date(2026, 9, 1), date(2026, 9, 30)


# ---------------------------------------------------------------------------------- the contract's settings
def test_the_discount_authority_by_agent_then_type_then_default():
    settings = BillingCareSettings.model_validate({"discount_authority": {
        "default": "50.00", "agents": {"A017": "150.00"}, "by_type": {"percent_off": "90"}}})
    authority = settings.discount_authority
    assert authority.limit("A017", "percent_off") == Decimal("150.00")  # the agent's own, over the type's
    assert authority.limit("A001", "percent_off") == Decimal("90")
    assert authority.limit("A001", "credit") == Decimal("50.00")
    assert settings.retention_reasons == ["cancellation_threat"] and settings.repeat_discount_months == 6


@pytest.mark.parametrize(("billing_care", "key", "text"), [
    ({"discount_authority": {"default": "-5"}}, "services[0].billing_care.discount_authority.default",
     "greater than or equal to 0"),
    ({"discount_authority": {"default": "50", "by_type": {"coupon": "10"}}},
     "services[0].billing_care.discount_authority.by_type.coupon", "credit"),
    ({"retention_reasons": ["baja"]}, "services[0].billing_care.retention_reasons",
     "unknown reason 'baja'; write one of bill_explanation"),
    ({"repeat_discount_months": 0}, "services[0].billing_care.repeat_discount_months", "greater than or equal"),
    ({"discount_autority": {"default": "50"}}, "services[0].billing_care.discount_autority", "unknown key"),
])
def test_settings_errors_name_the_key_path(billing_care, key, text):
    raw = contract()
    raw["services"][0]["billing_care"] = billing_care
    parsed, problems = parse_contract(raw, "contracts/acme.yaml")
    assert parsed is None
    hit = [p for p in problems if (p.column or "").startswith(key) and text in p.message]
    assert hit, problems
