"""Benchmark: the vectorised Monte Carlo of candidate contracts against a per-draw loop on the exact engine
(issue 13, "Performance").

    .venv/bin/python bench/simulate.py [--draws 10000] [--loop-draws 200] [--seed 20260101]

1. A seeded synthetic basis: a year (2026) of daily activity of one service (weekday / Saturday / Sunday
   volume, AHT about 300 s), with the hours a supplier would staff it: Erlang C on 24 half-hour intervals a
   day (80 % in 20 s, occupancy ≤ 0.85, shrinkage 0.3).
2. Five candidates: per logged hour (hours from an Erlang hours curve: the staffing engine on a grid of
   volume and AHT multipliers, interpolated), per handled contact, graduated per productive minute, a fixed
   fee plus a price per contact with a minimum commitment and an SLA band, volume tiers per contact with a
   monthly cap.
3. Times `simulate` on --draws draws of daily volume and AHT multipliers (lognormal 0.1 and normal 0.08,
   correlation 0.3), everything included (the base units on the exact engine, the draws, the pricing).
4. Times a plain per-draw Python loop over the first --loop-draws of the same draws: each draw's days scaled
   by its multipliers (hours by the same curve) and every candidate and month priced by the exact engine
   (`ccanalysis.invoice`: charge lines, commitment true-up, SLA lines on the scaled days); scaled to --draws.
   Prints both times and the ratio (target ≥ 30×, and the vectorised run under 10 s), and checks the two
   agree on those draws (to 1e-6 of the cost). Exit status 1 when they do not agree.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.interpolate import RegularGridInterpolator

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ccanalysis.contract import parse_contract  # noqa: E402
from ccanalysis.money import ZERO  # noqa: E402
from ccanalysis.pricing.units import ServiceActivity  # noqa: E402
from ccanalysis.simulation.model import Basis, Candidate, Distribution, Uncertainty  # noqa: E402
from ccanalysis.simulation.montecarlo import basis_lines, draw_drivers, simulate  # noqa: E402
from ccanalysis.staffing import required_agents  # noqa: E402

TARGET_RATIO = 30.0
TARGET_SECONDS = 10.0
INTERVAL_S = 1800
SHRINKAGE = 0.3
#: Share of a day's contacts in each of its 24 half-hour intervals (08:00–20:00): a morning and an
#: afternoon peak.
PROFILE = np.array([2, 3, 4, 5, 6, 6, 5, 5, 4, 4, 3, 3, 4, 4, 5, 5, 5, 4, 4, 3, 3, 2, 1, 1], dtype=float)
PROFILE /= PROFILE.sum()
GRID = np.linspace(0.3, 2.5, 45)  # volume and AHT multipliers the hours curve is staffed on
UNCERTAINTY = Uncertainty(Distribution("lognormal", 0.1), Distribution("normal", 0.08), correlation=0.3,
                          per="day")


def staffed_seconds(day_volume: np.ndarray, aht_s: np.ndarray) -> np.ndarray:
    """Scheduled seconds a day (Erlang C on the day's intervals, shrinkage included), one per day."""
    volume = day_volume[:, None] * PROFILE[None, :]
    aht = np.broadcast_to(np.asarray(aht_s, dtype=float)[:, None], volume.shape)
    agents = required_agents(volume.ravel(), aht.ravel(), interval_s=INTERVAL_S, sl_target=0.8, threshold_s=20,
                             max_occupancy=0.85, shrinkage=SHRINKAGE)["agents"].to_numpy()
    return agents.reshape(volume.shape).sum(axis=1) * INTERVAL_S


def synthetic_basis(seed: int) -> Basis:
    rng = np.random.default_rng(seed)
    days = pd.date_range("2026-01-01", "2026-12-31", freq="D")
    mean = np.select([days.day_of_week < 5, days.day_of_week == 5], [4000.0, 1800.0], 700.0)
    offered = rng.poisson(mean)
    handled = np.round(offered * rng.uniform(0.93, 0.97, len(days))).astype(np.int64)
    aht = rng.normal(300, 12, len(days))
    talk = np.round(handled * aht * 0.8).astype(np.int64)
    hold = np.round(handled * aht * 0.05).astype(np.int64)
    acw = np.round(handled * aht * 0.15).astype(np.int64)
    logged = staffed_seconds(offered.astype(float), aht).astype(np.int64)
    frame = pd.DataFrame({"date": days, "supplier": "bench", "service": "care", "offered": offered,
                          "handled": handled, "abandoned": offered - handled,
                          "answered_within_sl": np.round(handled * 0.86).astype(np.int64), "talk_s": talk,
                          "hold_s": hold, "acw_s": acw, "logged_s": logged})
    frame["month"] = frame["date"].dt.strftime("%Y-%m")
    frame["aht_s"] = (talk + hold + acw) / handled
    activities = {}
    for month, rows in frame.groupby("month", sort=True):
        start = rows["date"].iloc[0].date()
        end = rows["date"].iloc[-1].date()
        activities[month] = ServiceActivity(pd.DataFrame(), rows.drop(columns=["month", "aht_s"]).reset_index(drop=True),
                                            frozenset(), start, end)
    return Basis("care", "forecast", tuple(activities), frame, activities, "erlang_c")


def erlang_hours_curve(basis: Basis):
    """hours_curve(volume_mult, aht_mult) → hours_mult of the Erlang staffing of a typical weekday, staffed
    on a grid of multipliers and interpolated (bilinear)."""
    weekday = basis.days[basis.days["date"].dt.day_of_week < 5]
    volume, aht = float(weekday["offered"].mean()), float(weekday["aht_s"].mean())
    v, a = np.meshgrid(GRID, GRID, indexing="ij")
    seconds = staffed_seconds((v * volume).ravel(), (a * aht).ravel()).reshape(v.shape)
    base = float(staffed_seconds(np.array([volume]), np.array([aht]))[0])
    interpolate = RegularGridInterpolator((GRID, GRID), seconds / base, bounds_error=False, fill_value=None)

    def curve(volume_mult: np.ndarray, aht_mult: np.ndarray) -> np.ndarray:
        vm, am = np.broadcast_arrays(np.asarray(volume_mult, dtype=float), np.asarray(aht_mult, dtype=float))
        points = np.column_stack([vm.ravel(), am.ravel()])
        return interpolate(points).reshape(vm.shape)

    return curve


def candidate(name: str, charges: list[dict], **keys: object) -> Candidate:
    service = {"id": "care", "name": "Care", "charges": charges}
    for key in ("sla", "kpis"):
        if key in keys:
            service[key] = keys.pop(key)
    data = {"supplier": name, "name": name, "tax_rate": "0.21", "valid_from": "2026-01-01", "services": [service],
            **keys}
    contract, problems = parse_contract(data, f"bench/{name}.yaml")
    assert contract is not None, problems
    return Candidate(name, contract, "care", "inline")


def candidates() -> list[Candidate]:
    return [
        candidate("hourly", [{"id": "hours", "model": "per_unit", "unit": "logged_hour", "unit_price": "9.00"}]),
        candidate("contact", [{"id": "contacts", "model": "per_unit", "unit": "handled_contact",
                               "unit_price": "1.35"}]),
        candidate("minutes", [{"id": "minutes", "model": "graduated", "unit": "productive_minute",
                               "tiers": [{"up_to": 300000, "unit_price": "0.27"},
                                         {"up_to": None, "unit_price": "0.22"}]}]),
        candidate("mixed", [{"id": "platform", "model": "fixed", "unit": "month", "amount": 20000},
                            {"id": "contacts", "model": "per_unit", "unit": "handled_contact", "unit_price": "1.05"}],
                  minimum_commitment={"amount": "95000"},
                  kpis={"service_level": {"variant": "offered", "threshold_s": 20}},
                  sla={"rules": [{"kpi": "service_level", "bands": [{"from": "0.80", "adjustment": "0.02"}]}]}),
        candidate("tiers", [{"id": "contacts", "model": "volume", "unit": "handled_contact", "maximum": 120000,
                             "tiers": [{"up_to": 80000, "unit_price": "1.45"}, {"up_to": None, "unit_price": "1.28"}]}]),
    ]


COUNTS = ("offered", "handled", "abandoned", "answered_within_sl")
TIMES = ("talk_s", "hold_s", "acw_s")


def loop_costs(cands: list[Candidate], basis: Basis, volume: np.ndarray, aht: np.ndarray, curve) -> np.ndarray:
    """Cost per draw and candidate, one draw at a time: the days scaled, the exact engine on each month."""
    months = basis.days["month"].to_numpy()
    out = np.zeros((volume.shape[0], len(cands)))
    for draw in range(volume.shape[0]):
        v, a = volume[draw], aht[draw]
        hours = curve(v, a)
        scaled = {}
        for month, activity in basis.activities.items():
            in_month = months == month
            rows = activity.rows.copy()
            for column in COUNTS:
                rows[column] = rows[column].to_numpy() * v[in_month]
            for column in TIMES:
                rows[column] = rows[column].to_numpy() * v[in_month] * a[in_month]
            rows["logged_s"] = rows["logged_s"].to_numpy() * hours[in_month]
            scaled[month] = activity.with_data(activity.contacts, rows)
        drawn = Basis(basis.service, basis.kind, basis.months, basis.days, scaled, basis.hours_source)
        for index, cand in enumerate(cands):
            total = ZERO
            for month in basis.months:
                for lines in basis_lines(cand, drawn, month):
                    total += sum((line.amount for line in lines), ZERO)
            out[draw, index] = float(total)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=10_000)
    parser.add_argument("--loop-draws", type=int, default=200)
    parser.add_argument("--seed", type=int, default=20260101)
    args = parser.parse_args(argv)

    started = time.perf_counter()
    basis = synthetic_basis(args.seed)
    curve = erlang_hours_curve(basis)
    setup_s = time.perf_counter() - started
    cands = candidates()
    print(f"basis: {len(basis.days)} days in {len(basis.months)} months, {int(basis.days['offered'].sum()):,} "
          f"contacts, {basis.days['logged_s'].sum() / 3600:,.0f} staffed hours (Erlang C); "
          f"5 candidates; setup (basis + Erlang hours curve) {setup_s:.2f} s")

    started = time.perf_counter()
    result = simulate(cands, basis, UNCERTAINTY, draws=args.draws, seed=args.seed, hours_curve=curve)
    vector_s = time.perf_counter() - started
    print(f"vectorised: {args.draws:,} draws × {len(basis.days)} days × {len(cands)} candidates in {vector_s:.2f} s")
    print(result.summary.to_string(index=False))

    _, volume, aht = draw_drivers(basis, UNCERTAINTY, draws=args.loop_draws, seed=args.seed, hours_curve=curve)
    started = time.perf_counter()
    looped = loop_costs(cands, basis, volume[:args.loop_draws], aht[:args.loop_draws], curve)
    loop_s = time.perf_counter() - started
    loop_scaled = loop_s * args.draws / args.loop_draws
    # The same seed and number of draws give the loop's draws: the vectorised costs of exactly those draws.
    check = simulate(cands, basis, UNCERTAINTY, draws=args.loop_draws, seed=args.seed, hours_curve=curve).costs
    worst = float(np.max(np.abs(check - looped) / np.maximum(1.0, np.abs(looped))))
    ratio = loop_scaled / vector_s
    print(f"loop (exact engine, one draw at a time): {args.loop_draws} draws in {loop_s:.2f} s → "
          f"{loop_scaled:.1f} s for {args.draws:,}")
    print(f"ratio: {ratio:.0f}× (target ≥ {TARGET_RATIO:.0f}×); vectorised {vector_s:.2f} s "
          f"(target < {TARGET_SECONDS:.0f} s); largest difference on the {args.loop_draws} draws: {worst:.1e} "
          "of the cost")
    agree = worst <= 1e-6
    if not agree:
        print("FAULT: the vectorised costs differ from the exact engine's")
    return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main())
