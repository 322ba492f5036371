"""Benchmark: rate one month of contact records for a productive-minute charge with per-contact rounding.

    .venv/bin/python bench/rating.py [--contacts N] [--sample M] [--seed S]

Generates N synthetic contacts (seeded; whole seconds as int32 arrays, ~8 % abandoned), rates a
graduated `productive_minute` charge with rounding {increment_s: 6, minimum_s: 30} through
`billable_seconds` + `rate`, and prints throughput and peak memory. In the same run a plain per-contact
Python loop rates a sample of M contacts; both must give the same amount on the sample, and the ratio
of throughputs is printed (target: >= 50x). The loop runs twice: over plain Python lists of ints
(the fastest a per-contact loop gets) and over the NumPy arrays themselves (records as the workbook
holds them). The vectorised time is the best of 3 runs; peak memory is traced on the first.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
import tracemalloc
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ccanalysis.pricing import billable_seconds, rate  # noqa: E402

CHARGE = {
    "id": "care_minutes",
    "unit": "productive_minute",
    "model": "graduated",
    "rounding": {"increment_s": 6, "minimum_s": 30},
    "tiers": [
        {"up_to": 10_000_000, "unit_price": "0.55"},
        {"up_to": 30_000_000, "unit_price": "0.50"},
        {"up_to": None, "unit_price": "0.45"},
    ],
}
ABANDON_RATE = 0.08
TARGET_RATIO = 50
REPEATS = 3


def synthetic_contacts(count: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """talk_s, hold_s, acw_s (int32 whole seconds) and handled (bool) for `count` contacts."""
    rng = np.random.default_rng(seed)
    handled = rng.random(count) >= ABANDON_RATE
    talk = rng.lognormal(mean=5.3, sigma=0.7, size=count).astype(np.int32)  # median ~200 s
    hold = np.where(rng.random(count) < 0.2, rng.integers(5, 120, size=count), 0).astype(np.int32)
    acw = rng.integers(0, 90, size=count, dtype=np.int32)
    for column in (talk, hold, acw):
        column[~handled] = 0  # abandoned contacts carry no handling time
    return talk, hold, acw, handled


def loop_amount(talk: Sequence[int], hold: Sequence[int], acw: Sequence[int], handled: Sequence[bool]
                ) -> Decimal:
    """The plain per-contact Python loop: round each handled contact, sum, then rate."""
    rounding = CHARGE["rounding"]
    increment, minimum = rounding["increment_s"], rounding["minimum_s"]
    total = 0
    for t, h, a, ok in zip(talk, hold, acw, handled, strict=True):
        if not ok:
            continue
        seconds = t + h + a
        if seconds <= 0:
            continue
        if seconds < minimum:
            seconds = minimum
        remainder = seconds % increment
        if remainder:
            seconds += increment - remainder
        total += int(seconds)
    return rate(CHARGE, Decimal(total) / 60)


def vector_amount(talk: np.ndarray, hold: np.ndarray, acw: np.ndarray, handled: np.ndarray) -> Decimal:
    """The vectorised path: billable_seconds over every contact, sum, then rate."""
    seconds = billable_seconds(talk, hold, acw, handled, CHARGE["rounding"])
    return rate(CHARGE, Decimal(int(seconds.sum(dtype=np.int64))) / 60)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=10_000_000)
    parser.add_argument("--sample", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=20260101)
    args = parser.parse_args(argv)

    started = time.perf_counter()
    talk, hold, acw, handled = synthetic_contacts(args.contacts, args.seed)
    print(f"generated {args.contacts:,} contacts ({(~handled).mean():.1%} abandoned) "
          f"in {time.perf_counter() - started:.2f} s")

    tracemalloc.start()
    started = time.perf_counter()
    amount = vector_amount(talk, hold, acw, handled)
    first_s = time.perf_counter() - started
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    timings = [first_s]
    for _ in range(REPEATS - 1):
        started = time.perf_counter()
        vector_amount(talk, hold, acw, handled)
        timings.append(time.perf_counter() - started)
    vector_s = min(timings)
    input_mib = sum(a.nbytes for a in (talk, hold, acw, handled)) / 2**20
    vector_rate = args.contacts / vector_s
    print(f"vectorised: {args.contacts:,} contacts in {vector_s:.3f} s (best of {REPEATS}; first run "
          f"{first_s:.3f} s) = {vector_rate:,.0f} contacts/s; amount {amount:.2f}")
    print(f"  peak memory while rating: {traced_peak / 2**20:.0f} MiB (inputs: {input_mib:.0f} MiB); "
          f"process peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**10:.0f} MiB")

    sample = min(args.sample, args.contacts)
    columns = [a[:sample] for a in (talk, hold, acw, handled)]
    sample_total = vector_amount(*columns)
    same = True
    for label, records in (("python loop over lists of ints", [c.tolist() for c in columns]),
                           ("python loop over the NumPy arrays", columns)):
        started = time.perf_counter()
        loop_total = loop_amount(*records)
        loop_s = time.perf_counter() - started
        loop_rate = sample / loop_s
        ratio = vector_rate / loop_rate
        verdict = "OK" if ratio >= TARGET_RATIO else "BELOW TARGET"
        print(f"{label}: {sample:,} contacts in {loop_s:.3f} s = {loop_rate:,.0f} contacts/s; "
              f"ratio {ratio:.0f}x (target >= {TARGET_RATIO}x) {verdict}")
        print(f"  sample amount: loop {loop_total}, vectorised {sample_total}: "
              f"{'identical' if loop_total == sample_total else 'DIFFERENT'}")
        same = same and loop_total == sample_total
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
