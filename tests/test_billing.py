"""Billed against expected on tiny hand-made frames: lines of a period, totals by charge (the claim is the audit's)."""

from decimal import Decimal

import pandas as pd

from ccanalysis import billing


def _expected():
    # 100 contacts × 1.50 = 150.00 and the platform fee 100.00: net 250.00
    return pd.DataFrame({"service": ["care", "care", None], "charge": ["contacts", "platform", "minimum_commitment"],
                         "amount": [Decimal("150.00"), Decimal("100.00"), Decimal("0.00")]})


def _billed(charges, amounts, services=None):
    return pd.DataFrame({"supplier": "acme", "month": "2026-09", "service": services or ["care"] * len(charges),
                         "charge": charges, "amount": [Decimal(a) for a in amounts]})


def test_billed_lines_of_one_supplier_and_period():
    invoices = pd.concat([_billed(["contacts"], ["1.00"]), _billed(["contacts"], ["2.00"]).assign(month="2026-10"),
                          _billed(["contacts"], ["4.00"]).assign(supplier="beta")], ignore_index=True)
    lines = billing.billed_lines(invoices, "acme", "2026-09")
    assert list(lines["amount"]) == [Decimal("1.00")]
    assert billing.billed_net(lines) == Decimal("1.00")
    assert billing.billed_net(billing.billed_lines(invoices, "acme", "2026-11")) is None  # no invoice
    assert billing.billed_lines(pd.DataFrame(), "acme", "2026-09").empty


def test_billed_against_expected_by_charge():
    # billed 165.00 for contacts (15.00 over) and 90.00 for the platform (10.00 under)
    result = billing.compare(_expected(), Decimal("250.00"), _billed(["contacts", "platform"], ["165.00", "90.00"]),
                             Decimal("15.00"))
    assert result.billed_net == Decimal("255.00") and result.difference == Decimal("5.00")
    assert result.unidentified_lines == 0
    by_charge = result.by_charge.set_index("charge")
    assert by_charge.loc["contacts", "difference"] == Decimal("15.00")
    assert by_charge.loc["platform", "difference"] == Decimal("-10.00")
    assert by_charge.loc["minimum_commitment", "service"] == ""


def test_lines_matched_to_no_charge_are_grouped_as_unidentified():
    result = billing.compare(_expected(), Decimal("250.00"), _billed([None, None], ["165.00", "90.00"]),
                             Decimal("255.00"))
    assert result.unidentified_lines == 2
    assert billing.UNIDENTIFIED in set(result.by_charge["charge"])
    row = result.by_charge.set_index("charge").loc[billing.UNIDENTIFIED]
    assert row["billed"] == Decimal("255.00") and row["expected"] == 0


def test_a_line_without_service_takes_the_service_of_its_charge():
    result = billing.compare(_expected(), Decimal("250.00"), _billed(["platform"], ["100.00"], services=[None]),
                             Decimal("0"))
    row = result.by_charge.set_index("charge").loc["platform"]
    assert row["service"] == "care" and row["difference"] == Decimal("0.00")


def test_no_invoice_has_no_difference_and_nothing_to_claim():
    result = billing.compare(_expected(), Decimal("250.00"), _billed([], []), Decimal("0"))
    assert result.billed_net is None and result.difference is None and result.to_claim is None
