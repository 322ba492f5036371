"""Benchmark: required agents per interval with ccanalysis.staffing against pyworkforce's ErlangC.

    .venv/bin/python bench/staffing.py [--intervals 10000] [--large 1000000] [--seed 20260101]
                                       [--referee-sample 300] [--max-occupancy 0.85] [--quiet]

Intervals (seeded): volume uniform 10..3000 contacts per 30 min and AHT uniform 180..600 s (whole numbers,
as a forecast carries them), 80 % answered in 20 s, maximum occupancy 0.85, shrinkage 0.3. Both engines
staff every interval in the same run; the script prints both times (ccanalysis: best of 3), the speed
ratio, and every interval where they disagree, each with its reason, found by an exact referee:
traffic as a Fraction, ceilings on exact integers, and Erlang B/C by the stable forward recursion in
50-digit Decimal arithmetic (exp too). An interval whose ccanalysis answer differs from the referee is
counted as "ccanalysis's fault" (target: 0). The referee also checks a random sample of the intervals
where the engines agree. Then 1,000,000 intervals with ccanalysis alone, and Erlang A (patience uniform
60..600 s) on the first 10,000. Needs the `bench` extra (pyworkforce).
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from collections import Counter
from decimal import Decimal, localcontext
from fractions import Fraction
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ccanalysis.staffing import required_agents  # noqa: E402

INTERVAL_S = 1800
SL_TARGET = Fraction(8, 10)
THRESHOLD_S = 20
MAX_OCCUPANCY = Fraction(85, 100)
SHRINKAGE = Fraction(3, 10)
DIGITS = 50


def make_intervals(count: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Seeded volumes (10..3000 per interval) and AHTs (180..600 s), whole numbers."""
    rng = np.random.default_rng(seed)
    return rng.integers(10, 3001, count), rng.integers(180, 601, count)


def run_ccanalysis(volume: np.ndarray, aht: np.ndarray, **extra: object):
    return required_agents(volume, aht, interval_s=INTERVAL_S, sl_target=float(SL_TARGET),
                           threshold_s=THRESHOLD_S, max_occupancy=float(MAX_OCCUPANCY),
                           shrinkage=float(SHRINKAGE), **extra)


def run_pyworkforce(volume: np.ndarray, aht: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    from pyworkforce.queuing import ErlangC

    raw = np.empty(volume.size, dtype=np.int64)
    scheduled = np.empty(volume.size, dtype=np.int64)
    for i, (v, h) in enumerate(zip(volume.tolist(), aht.tolist(), strict=True)):
        # pyworkforce takes minutes: AHT, interval and the SL threshold (its `asa` argument)
        result = ErlangC(transactions=v, aht=h / 60, asa=THRESHOLD_S / 60, interval=INTERVAL_S // 60,
                         shrinkage=float(SHRINKAGE)).required_positions(
            service_level=float(SL_TARGET), max_occupancy=float(MAX_OCCUPANCY))
        raw[i] = result["raw_positions"]
        scheduled[i] = result["positions"]
    return raw, scheduled


class Referee:
    """Exact staffing for one interval: Fraction traffic and ceilings, 50-digit Erlang C."""

    def __init__(self, volume: int, aht_s: int) -> None:
        self.volume, self.aht_s = volume, aht_s
        self.traffic = Fraction(volume * aht_s, INTERVAL_S)

    def service_level(self, agents: int) -> Decimal:
        with localcontext() as ctx:
            ctx.prec = DIGITS
            a = Decimal(self.traffic.numerator) / Decimal(self.traffic.denominator)
            blocking = Decimal(1)
            for k in range(1, agents + 1):  # stable forward recursion B_k = A B / (k + A B)
                blocking = a * blocking / (k + a * blocking)
            if agents <= a:
                return Decimal(0)
            wait = agents * blocking / (agents - a * (1 - blocking))
            return 1 - wait * (-(agents - a) * THRESHOLD_S / self.aht_s).exp()

    def stable_minimum(self) -> int:
        return math.floor(self.traffic) + 1

    def occupancy_minimum(self) -> int:
        return math.ceil(self.traffic / MAX_OCCUPANCY)

    def service_level_minimum(self) -> int:
        n = self.stable_minimum()
        target = Decimal(SL_TARGET.numerator) / Decimal(SL_TARGET.denominator)
        while self.service_level(n) < target:
            n += 1
        return n

    def raw(self) -> int:
        return max(self.stable_minimum(), self.occupancy_minimum(), self.service_level_minimum())

    @staticmethod
    def scheduled(raw: int) -> int:
        return math.ceil(raw / (1 - SHRINKAGE))


def explain(ref: Referee, ours: tuple[int, int], theirs: tuple[int, int], truth: tuple[int, int]) -> str:
    """Why pyworkforce differs, or that ccanalysis is wrong."""
    if ours != truth:
        return f"CCANALYSIS FAULT: exact answer is raw {truth[0]}, scheduled {truth[1]}"
    reasons = []
    a_float = (ref.volume / 30) * (ref.aht_s / 60)  # pyworkforce's intensity, as it computes it
    if theirs[0] != truth[0]:
        float_occ = math.ceil(a_float / float(MAX_OCCUPANCY))
        if theirs[0] == float_occ and float_occ != ref.occupancy_minimum():
            reasons.append(f"float ceiling of traffic ÷ max occupancy: {a_float!r} / {float(MAX_OCCUPANCY)} = "
                           f"{a_float / float(MAX_OCCUPANCY)!r} → {float_occ}, exactly {ref.traffic / MAX_OCCUPANCY} → "
                           f"{ref.occupancy_minimum()}")
        elif round(a_float + 1) > ref.stable_minimum() and truth[0] < round(a_float + 1):
            reasons.append(f"search starts at round(A + 1) = {round(a_float + 1)}, skipping {truth[0]}")
        else:
            reasons.append(f"raw {theirs[0]} vs exact {truth[0]} (service level at exact: "
                           f"{float(ref.service_level(truth[0])):.15f})")
    if theirs[1] != truth[1]:
        float_sched = math.ceil(theirs[0] / (1 - float(SHRINKAGE)))
        if theirs[0] == truth[0] and float_sched != truth[1]:
            reasons.append(f"float ceiling of raw ÷ (1 − shrinkage): {theirs[0]} / 0.7 = "
                           f"{theirs[0] / (1 - float(SHRINKAGE))!r} → {float_sched}, exactly "
                           f"{Fraction(theirs[0]) / (1 - SHRINKAGE)} → {truth[1]}")
        elif theirs[0] != truth[0]:
            reasons.append("scheduled follows from the raw difference")
    return "; ".join(reasons) or "unexplained"


def timed(function, *args, repeat: int = 1, **kwargs):
    best, result = math.inf, None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function(*args, **kwargs)
        best = min(best, time.perf_counter() - start)
    return best, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--intervals", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=20260101)
    parser.add_argument("--referee-sample", type=int, default=300,
                        help="agreeing intervals also checked by the exact referee")
    parser.add_argument("--max-occupancy", default="0.85",
                        help="occupancy cap (1 lets the service level decide every interval)")
    parser.add_argument("--quiet", action="store_true", help="summarise disagreements instead of listing them")
    args = parser.parse_args(argv)
    global MAX_OCCUPANCY
    MAX_OCCUPANCY = Fraction(args.max_occupancy)

    volume, aht = make_intervals(args.intervals, args.seed)
    print(f"{args.intervals:,} intervals: volume 10..3000 per 30 min, AHT 180..600 s, 80/20, "
          f"max occupancy {float(MAX_OCCUPANCY)}, shrinkage 0.3, seed {args.seed}")
    ours_s, ours = timed(run_ccanalysis, volume, aht, repeat=3)
    theirs_s, (their_raw, their_sched) = timed(run_pyworkforce, volume, aht)
    print(f"ccanalysis  {ours_s:9.3f} s  ({args.intervals / ours_s:,.0f} intervals/s, best of 3)")
    print(f"pyworkforce {theirs_s:9.3f} s  ({args.intervals / theirs_s:,.0f} intervals/s)")
    print(f"speed ratio {theirs_s / ours_s:9.1f} x  (target >= 60 x)")

    our_raw = ours["raw_agents"].to_numpy()
    our_sched = ours["agents"].to_numpy()
    differ = np.flatnonzero((our_raw != their_raw) | (our_sched != their_sched))
    reasons: Counter[str] = Counter()
    faults = 0
    lines = []
    for i in differ.tolist():
        ref = Referee(int(volume[i]), int(aht[i]))
        truth_raw = ref.raw()
        truth = (truth_raw, ref.scheduled(truth_raw))
        why = explain(ref, (int(our_raw[i]), int(our_sched[i])), (int(their_raw[i]), int(their_sched[i])), truth)
        faults += why.startswith("CCANALYSIS")
        reasons[why.split(":")[0]] += 1
        lines.append(f"  #{i:<6} volume {volume[i]:>4} aht {aht[i]:>3} s  traffic {float(ref.traffic):9.4f}  "
                     f"ccanalysis {our_raw[i]}/{our_sched[i]}  pyworkforce {their_raw[i]}/{their_sched[i]}  {why}")
    print(f"\n{differ.size} of {args.intervals:,} intervals disagree (raw/scheduled agents):")
    if not args.quiet:
        print("\n".join(lines))
    for reason, count in reasons.most_common():
        print(f"  {count:6}  {reason}")

    rng = np.random.default_rng(args.seed + 1)
    agree = np.setdiff1d(np.arange(args.intervals), differ)
    sample = rng.choice(agree, size=min(args.referee_sample, agree.size), replace=False)
    for i in sample.tolist():
        ref = Referee(int(volume[i]), int(aht[i]))
        truth_raw = ref.raw()
        if (our_raw[i], our_sched[i]) != (truth_raw, ref.scheduled(truth_raw)):
            faults += 1
            print(f"  CCANALYSIS FAULT #{i}: exact raw {truth_raw}, ccanalysis {our_raw[i]}")
    print(f"referee: {differ.size} disagreements + {sample.size} agreeing intervals checked exactly; "
          f"ccanalysis's faults: {faults}")

    big_volume, big_aht = make_intervals(args.large, args.seed)
    cold_s, big = timed(run_ccanalysis, big_volume, big_aht)
    big_s, big = timed(run_ccanalysis, big_volume, big_aht, repeat=3)
    print(f"\n{args.large:,} intervals, ccanalysis alone: {big_s:.3f} s best of 3 ({args.large / big_s:,.0f} "
          f"intervals/s; first run {cold_s:.3f} s); mean raw agents {big['raw_agents'].mean():.2f}, "
          f"scheduled {big['agents'].mean():.2f}")

    patience = np.random.default_rng(args.seed + 2).integers(60, 601, args.intervals)
    a_s, a_result = timed(run_ccanalysis, volume, aht, patience_s=patience, repeat=3)
    saved = (our_raw - a_result["raw_agents"].to_numpy()).mean()
    print(f"Erlang A (patience 60..600 s), {args.intervals:,} intervals: {a_s:.3f} s best of 3; "
          f"mean abandonment {a_result['abandonment'].mean():.4f}, {saved:.2f} fewer raw agents than Erlang C")
    return 1 if faults else 0


if __name__ == "__main__":
    raise SystemExit(main())
