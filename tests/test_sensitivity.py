"""The tornado (`ccanalysis.simulation.sensitivity`)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from ccanalysis.simulation.sensitivity import TORNADO_COLUMNS, tornado
from tests.test_montecarlo import PER_CONTACT, PER_HOUR, make_basis, make_candidate


def test_tornado_by_hand() -> None:
    basis = make_basis()
    contact = make_candidate("contact", PER_CONTACT, {"id": "fee", "model": "fixed", "unit": "month",
                                                      "amount": 1000})
    hourly = make_candidate("hourly", PER_HOUR)
    frame = tornado([contact, hourly], basis, fraction=D("0.10"), shrinkage=D("0.3"))
    assert list(frame.columns) == TORNADO_COLUMNS
    rows = {(r.candidate, r.driver, r.charge): r for r in frame.itertuples()}
    # contact: 12 × (20,000 × 1.00 + 1,000) = 252,000; volume ±10 %: 12 × (18,000 + 1,000) = 228,000 and
    # 12 × (22,000 + 1,000) = 276,000, swing 48,000; AHT and shrinkage do not move it
    volume = rows[("contact", "volume", None)]
    assert (volume.base_cost, volume.low_cost, volume.high_cost, volume.swing) == (
        D("252000.00"), D("228000.00"), D("276000.00"), D("48000.00"))
    assert rows[("contact", "aht", None)].swing == D("0.00")
    assert rows[("contact", "shrinkage", None)].swing == D("0.00")
    # the fixed fee 1,000 ± 10 %: 12 × 100 = 1,200 less / more → 250,800 and 253,200, swing 2,400
    fee = rows[("contact", "price", "fee")]
    assert (fee.low_cost, fee.high_cost, fee.swing, fee.price) == (D("250800.00"), D("253200.00"), D("2400.00"),
                                                                  "amount")
    # hourly: 12 × 1,000 h × 25 = 300,000; shrinkage 0.3 → 0.27 and 0.33: hours × 0.7 / 0.73 and × 0.7 / 0.67
    # = 287,671.23 and 313,432.84
    shrink = rows[("hourly", "shrinkage", None)]
    assert (shrink.low_cost, shrink.high_cost) == (D("287671.23"), D("313432.84"))
    # hours ∝ volume × AHT (the default curve): AHT ±10 % → 270,000 / 330,000
    aht = rows[("hourly", "aht", None)]
    assert (aht.low_cost, aht.high_cost) == (D("270000.00"), D("330000.00"))
    # sorted by candidate, then swing (largest first)
    assert frame["candidate"].tolist()[:5] == ["contact"] * 5
    contact_swings = frame[frame["candidate"] == "contact"]["swing"].tolist()
    assert contact_swings == sorted(contact_swings, reverse=True)
    assert frame[frame["candidate"] == "contact"].iloc[0]["driver"] in ("volume", "price")


def test_tornado_tier_prices_and_bad_fraction() -> None:
    basis = make_basis()
    tiered = make_candidate("t", {"id": "tiers", "model": "graduated", "unit": "handled_contact",
                                  "tiers": [{"up_to": 10000, "unit_price": "1.00"},
                                            {"up_to": None, "unit_price": "0.50"}]})
    frame = tornado([tiered], basis, fraction=0.2)
    prices = frame[frame["driver"] == "price"].set_index("price")
    # tier 1 ± 20 %: 12 × 10,000 × 0.2 = 24,000 each way around 12 × 15,000 = 180,000 → swing 48,000
    assert prices.loc["tiers[0].unit_price", "swing"] == D("48000.00")
    # tier 2 ± 20 %: 12 × 10,000 × 0.5 × 0.2 = 12,000 each way → swing 24,000
    assert prices.loc["tiers[1].unit_price", "swing"] == D("24000.00")
    with pytest.raises(ValueError, match="fraction"):
        tornado([tiered], basis, fraction=1.5)
    with pytest.raises(ValueError, match="shrinkage"):
        tornado([tiered], basis, shrinkage=0.95)
