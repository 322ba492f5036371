"""The audit scored on the demo against its planted errors (`data/demo/truth/injected_errors.csv`):
every planted error found with its amount to the cent, no false finding, claimable = the true
over-billing, for every supplier and month (the README's table)."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest

from ccanalysis import workbook
from ccanalysis.audit.score import score

MONTHS = ("2026-08", "2026-09", "2026-10")


@pytest.fixture(scope="module")
def scores(demo_engagement, demo_root):
    truth = pd.read_csv(demo_root / "data" / "demo" / "truth" / "injected_errors.csv", dtype=str)
    results = [workbook.audit(demo_engagement, s, m) for s in demo_engagement.suppliers for m in MONTHS]
    return score(results, truth), results


def test_every_planted_error_is_found_exactly_and_nothing_else(scores):
    table, _ = scores
    assert len(table) == 9
    wrong = table[~table["exact"]]
    assert wrong.empty, wrong.to_string()
    # 12 planted errors, and northwind's retention fees billed on customers who churned inside the window:
    # one quantity finding each in August (2 fees) and October (3 fees)
    assert table["planted"].sum() == 14 and table["found"].sum() == 14 and table["false_findings"].sum() == 0


def test_the_claims_are_the_true_over_billing(scores):
    table, _ = scores
    claims = {(r["supplier"], r["month"]): r["claimable"] for r in table.to_dict("records")}
    # the truth file's positive differences, added by hand
    assert claims[("northwind", "2026-08")] == Decimal("5463.59")  # 1,979.15 + 3,444.44 + 2 fees × 20.00
    assert claims[("northwind", "2026-10")] == Decimal("8898.54")  # 7,338.54 + 1,500.00 + 3 fees × 20.00
    assert claims[("southpoint", "2026-08")] == Decimal("600.00")  # 45.00 + 555.00
    assert claims[("southpoint", "2026-09")] == Decimal("250.00")
    assert claims[("southpoint", "2026-10")] == Decimal("1511.72")
    assert claims[("eastline", "2026-09")] == Decimal("27347.87")  # 26,160.00 + 1,187.87
    assert claims[("eastline", "2026-10")] == Decimal("100.00")  # the −1,187.01 price is under-billing
    assert claims[("northwind", "2026-09")] == claims[("eastline", "2026-08")] == Decimal("0")


def test_eastline_lines_are_all_matched_without_ids(scores):
    _, results = scores
    for result in results:
        if result.supplier != "eastline":
            continue
        assert result.needs_review.empty
        assert set(result.lines["match_method"]) == {"rule"}, result.lines
    october = next(r for r in results if r.supplier == "eastline" and r.month == "2026-10")
    assert october.under_billed == Decimal("1187.01")
