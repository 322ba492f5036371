"""The demo engagement through the engine: every charge model is used, every supplier and month has an
expected invoice obeying the invoice rules, and the injected errors are exactly the billed differences."""

from decimal import Decimal

import pandas as pd
import pytest

from ccanalysis import pricing, workbook
from ccanalysis.invoice import KINDS, expected_invoice, totals

MONTHS = ["2026-08", "2026-09", "2026-10"]


def test_demo_contracts_use_every_charge_model(demo_engagement):
    used = {charge["model"] for contract in demo_engagement.contracts.values()
            for services in [contract.services] + [v.services for v in contract.versions]
            for service in services for charge in service.charges}
    assert used == set(pricing.MODELS)


@pytest.mark.parametrize("month", MONTHS)
@pytest.mark.parametrize("supplier", ["northwind", "southpoint", "eastline"])
def test_expected_invoice_for_every_demo_supplier_and_month(demo_engagement, supplier, month):
    lines = expected_invoice(demo_engagement, supplier, month)
    assert not lines.empty and set(lines["kind"]) <= set(KINDS)
    cent = Decimal("0.01")
    for row in lines.itertuples():
        assert row.amount == row.amount.quantize(cent), "each line is rounded to cents"
        if row.unit_price is not None and not pd.isna(row.unit_price) and row.kind in ("charge", "flat_fee"):
            assert (row.quantity * row.unit_price).quantize(cent, rounding="ROUND_HALF_UP") == row.amount
        assert row.explanation
    result = totals(lines)
    assert result.net == sum(lines["amount"], Decimal(0))
    assert result.tax == (result.net * Decimal("0.21")).quantize(cent, rounding="ROUND_HALF_UP")


def test_injected_errors_are_the_billed_differences(demo_root, demo_engagement):
    truth = pd.read_csv(demo_root / "data" / "demo" / "truth" / "injected_errors.csv", dtype=str)
    for supplier in demo_engagement.suppliers:
        for month in MONTHS:
            expected = totals(expected_invoice(demo_engagement, supplier, month)).net
            billed = workbook.billed_net(demo_engagement, supplier, month)
            rows = truth[(truth["supplier"] == supplier) & (truth["month"] == month)
                         & (truth["check"] != "totals")]  # a header-total error does not move the lines
            injected = sum((Decimal(d) for d in rows["difference"]), Decimal(0))
            assert billed - expected == injected, (supplier, month)


@pytest.mark.parametrize("lang", ["es", "en"])
@pytest.mark.parametrize("supplier", ["northwind", "southpoint", "eastline"])
def test_demo_explanations_are_in_one_language(demo_engagement, supplier, lang):
    """Every explanation of every demo invoice and SLA rule is in `lang` only (the contract's own ids and
    charge descriptions are the contract's words and are left out)."""
    from ccanalysis.workbook import sla_evaluations
    from tests.test_i18n_domain import _foreign

    contract = demo_engagement.contract(supplier)
    own = {w for s in [contract.services] + [v.services for v in contract.versions] for service in s
           for w in [service.id, *(c["id"] for c in service.charges)]}
    own_words = {part for name in own for part in name.lower().replace("-", "_").split("_")}
    for month in MONTHS:
        lines = expected_invoice(demo_engagement, supplier, month, lang=lang)
        texts = list(lines["explanation"]) + [d for d, k in zip(lines["description"], lines["kind"], strict=True)
                                              if k not in ("charge", "flat_fee", "minimum", "maximum")]
        for items in sla_evaluations(demo_engagement, supplier, month, include_neutral=True, lang=lang).values():
            texts += [text for item in items for text in (item.definition, item.target, item.explanation)]
        for text in texts:
            assert not _foreign(text, lang) - own_words, text
