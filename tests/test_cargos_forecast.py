"""The cargos forecast: a known seasonal series recovered with its interval covering the truth; the level-only
model on a short series; the agreement's calendar for promotions and rappels; the rolling-origin backtest."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest

from ccanalysis.cargos.forecast import backtest, fit, forecast_series, months_after, predict


def seasonal(months: int, noise: float, seed: int = 7) -> np.ndarray:
    t = np.arange(months)
    return 1000 + 300 * np.sin(2 * math.pi * t / 12) + np.random.default_rng(seed).normal(0, noise, months)


def test_a_known_seasonal_series_is_recovered_and_the_interval_covers_it():
    y = seasonal(48, 20)
    model = fit(y)
    assert model.gamma is not None  # four seasons: the seasonal model
    out = predict(model, 6, level=0.9)
    truth = 1000 + 300 * np.sin(2 * math.pi * np.arange(48, 54) / 12)  # months 48..53, noiseless
    assert np.abs(out["forecast"].to_numpy() - truth).max() < 45  # within about 2σ of the noise (20)
    assert ((out["low"].to_numpy() <= truth) & (truth <= out["high"].to_numpy())).all()
    assert model.sigma == pytest.approx(20, rel=0.35)


def test_a_trending_seasonal_series_takes_the_damped_trend():
    t = np.arange(36)
    y = 1000 + 20 * t + 300 * np.sin(2 * math.pi * t / 12) + np.random.default_rng(3).normal(0, 20, 36)
    model = fit(y)
    assert model.gamma is not None and model.phi is not None  # the trend lowers the AICc: ETS(A,Ad,A)
    truth = 1000 + 20 * np.arange(36, 39) + 300 * np.sin(2 * math.pi * np.arange(36, 39) / 12)
    # months 36..38 (noiseless): 1720 + 0, 1740 + 300·sin(π/6) = 1890, 1760 + 300·sin(π/3) = 2019.8; a damped trend flattens a little, within ~3σ
    assert np.abs(predict(model, 3)["forecast"].to_numpy() - truth).max() < 60


def test_the_fit_is_deterministic_and_lets_no_warning_out():
    y = seasonal(30, 25)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any warning of the fit would fail here
        first, second = predict(fit(y), 4), predict(fit(y), 4)
        predict(fit(y[:7]), 2)
    pd.testing.assert_frame_equal(first, second)


def test_a_noiseless_level_is_forecast_exactly_with_a_zero_width_interval():
    model = fit([500.0] * 10)  # no variation: nothing to smooth, the value itself
    assert model.gamma is None and model.sigma == 0
    out = predict(model, 3)
    assert out["forecast"].tolist() == [500.0] * 3 and (out["high"] - out["low"]).abs().max() == 0


def test_interval_widens_with_the_horizon_as_the_books_formula():
    model = fit(seasonal(10, 30))
    out = predict(model, 3, level=0.9)
    half = (out["high"] - out["low"]) / 2
    # ETS(A,N,N): half-width z σ sqrt(1 + (h − 1) α²), z(90 %) = 1.6449
    expected = [1.6449 * model.sigma * math.sqrt(1 + (h - 1) * model.alpha ** 2) for h in (1, 2, 3)]
    assert out["low"].min() > 0  # the bound at 0 not reached: the formula holds as is
    assert half.tolist() == pytest.approx(expected, rel=1e-3)


def test_forecast_series_names_the_months_after_the_last():
    series = pd.Series([1.0, 2.0, 3.0], index=["2026-08", "2026-09", "2026-10"])
    assert forecast_series(series, 3)["month"].tolist() == ["2026-11", "2026-12", "2027-01"]
    assert months_after("2026-12", 1) == ["2027-01"]


def test_backtest_on_a_steady_retailer_has_no_error():
    rows = [{"retailer": "m", "type": "marketing", "issue_date": f"2026-{m:02d}-10", "amount": 100.0}
            for m in range(1, 11)]
    result = backtest(pd.DataFrame(rows), {}, None, origins=["2026-06", "2026-07"], horizon=3, calendar=False)
    # origins June (→ Jul, Aug, Sep) and July (→ Aug, Sep, Oct): 6 comparisons, each 100 forecast for 100
    assert len(result.rows) == 6 and result.mae == 0 and result.mape == 0 and result.coverage == 1


def test_the_agreements_calendar_for_promotions_and_rappels():
    from decimal import Decimal

    from ccanalysis.cargos.agreement import parse_agreement
    from tests.test_cargos_data import agreement

    parsed, problems = parse_agreement(agreement(), "mercaplus.yaml")
    assert not problems
    charges = pd.DataFrame([{"retailer": "mercaplus", "type": kind, "issue_date": f"2026-{m:02d}-10",
                             "amount": 1000.0, "reference": None}
                            for m in (5, 6, 7) for kind in ("promotion", "rappel")])
    sales = pd.DataFrame({"retailer": "mercaplus", "month": ["2026-04", "2026-05", "2026-06", "2026-07"],
                          "net_sales": [Decimal("200000.00")] * 4})
    from ccanalysis.cargos.forecast import forecast_cargos

    out = forecast_cargos(charges, {"mercaplus": parsed}, sales, through="2026-07", horizon=3)
    got = {(r.type, r.month): (round(r.forecast, 2), r.basis) for r in out.itertuples(index=False)}
    # PROMO-2026-07 (3 % of July's 200,000 = 6,000) charged the month after it ends (no history: lag 1)
    assert got[("promotion", "2026-08")] == (6000.0, "calendar")
    assert got[("promotion", "2026-09")] == (4500.0, "calendar")  # FOLLETO-32 (4,500) ends in August
    assert got[("promotion", "2026-10")][1] == "model"  # after the calendar's last charge month
    # Q3: July 200,000 + August and September forecast at the steady 200,000 = 600,000 ≥ 500,000 → 1 %,
    # charged in October; no rappel period ends in July or August
    assert got[("rappel", "2026-10")] == (6000.0, "calendar")
    assert got[("rappel", "2026-08")] == (0.0, "calendar") == got[("rappel", "2026-09")]
