"""Benchmark: contact records (Parquet) → daily activity per service, against a bare read of the columns.

    .venv/bin/python bench/aggregate_contacts.py [--rows N] [--repeat R] [--out DIR]

Writes a seeded Parquet file of N contact records (default 10,000,000: 90 days, 3 suppliers × 3 services,
about N/3 distinct customer ids) into bench/out/ (git-ignored; delete it when done). Every measured step
runs in a fresh subprocess, so that its time and peak memory (ru_maxrss, the whole process: interpreter,
imports, frame and everything after) are its own. The steps, timed from just before the read to the end:

(a) bare read: ``pandas.read_parquet(path, columns=C)`` — C the columns `to_activity` uses (every column
    but contact_id), with pandas' defaults (pyarrow engine, its thread pool; supplier, service and
    outcome come back Categorical because the file stores them dictionary-encoded; customer_id comes
    back as pyarrow-backed ``str``). Nothing else.
(b) the same ``pandas.read_parquet(path, columns=C)`` call, byte for byte — no extra read options — then
    ``from ccanalysis.contacts import to_activity`` and ``to_activity(frame, threshold_s=20,
    short_abandon_s=5, freq="D")`` on that frame, up to the finished, sorted activity DataFrame.

Both are run once unmeasured first (to warm the page cache, so that neither pays for the disk), then
R times each, interleaved (a, b, a, b, …); the table shows the median time and median peak of the R runs,
every run's time (and, for (b), the time of its read alone), and the ratios of the medians and of the
best runs (target: (b) ≤ 3 × (a)). This is done twice: with customer_id (the
aggregation then counts distinct customers per day) and without it (C minus customer_id, in both (a)
and (b): counts and sums only).

Read options considered and rejected (measured on this file, 10M rows): ``read_dictionary=["customer_id"]``
makes pyarrow hash every id while reading (0.7 s → 1.7 s for the column) into one dictionary per row-group
chunk, and pandas then unifies 80 dictionaries of ~120k mostly distinct ids into a Categorical (~12 s),
so the "free" codes cost far more than the aggregation's own counting. Hence the same plain read in (a)
and (b). `to_activity` itself uses two helper threads (distinct customers per day, while the calling
thread counts) and takes its large scratch arrays from pyarrow's memory pool (all inside (b)'s peak);
the bare read uses pyarrow's thread pool. The machine's other load is not controlled, so single runs
vary by 2× or more: compare the medians (and the best runs) of the R interleaved runs.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

COLUMNS = ["contact_id", "supplier", "service", "start", "queue_s", "answered", "abandoned", "talk_s",
           "hold_s", "acw_s", "customer_id", "outcome", "amount"]
SEED = 20260101


def write_contacts(path: Path, rows: int, *, chunk: int = 2_000_000) -> None:
    """Seeded synthetic contacts over 90 days, 3 suppliers × 3 services, written in row groups."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(SEED)
    suppliers = np.array(["northwind", "southpoint", "eastline"])
    services = np.array(["care", "billing", "sales"])
    outcomes = np.array(["none", "sale", "payment", "info"])
    writer = None
    try:
        for offset in range(0, rows, chunk):
            n = min(chunk, rows - offset)
            start = (np.datetime64("2026-01-01T00:00:00", "s")
                     + rng.integers(0, 90 * 86400, n).astype("timedelta64[s]"))
            queue = rng.gamma(1.5, 12.0, n).astype(np.int64)
            answered = rng.random(n) < 0.92
            talk = np.where(answered, rng.gamma(3.0, 60.0, n).astype(np.int64), 0)
            outcome = outcomes[rng.integers(0, 4, n)]
            amount = np.where(outcome == "payment", np.round(rng.gamma(2.0, 40.0, n), 2), np.nan)
            table = pa.table({
                "contact_id": pa.array(np.char.add("c", np.arange(offset, offset + n).astype(str))),
                "supplier": pa.array(suppliers[rng.integers(0, 3, n)]).dictionary_encode(),
                "service": pa.array(services[rng.integers(0, 3, n)]).dictionary_encode(),
                "start": pa.array(start.astype("datetime64[ns]")),
                "queue_s": pa.array(queue),
                "answered": pa.array(answered),
                "abandoned": pa.array(~answered),
                "talk_s": pa.array(talk),
                "hold_s": pa.array(np.where(answered, rng.integers(0, 30, n), 0)),
                "acw_s": pa.array(np.where(answered, rng.integers(5, 60, n), 0)),
                "customer_id": pa.array(np.char.add("k", rng.integers(0, rows // 3 + 1, n).astype(str))),
                "outcome": pa.array(outcome).dictionary_encode(),
                "amount": pa.array(amount, from_pandas=True),
            })
            if writer is None:
                writer = pq.ParquetWriter(path, table.schema)
            writer.write_table(table)
    finally:
        if writer is not None:
            writer.close()


def _step(kind: str, path: str, columns: list[str]) -> None:
    """Run one measured step in this (fresh) process and print a JSON line."""
    began = time.perf_counter()
    frame = pd.read_parquet(path, columns=columns)
    read_s = time.perf_counter() - began
    rows = len(frame)
    groups = None
    if kind == "aggregate":
        from ccanalysis.contacts import to_activity

        activity = to_activity(frame, threshold_s=20, short_abandon_s=5, freq="D")
        groups = len(activity)
    total = time.perf_counter() - began
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    print(json.dumps({"kind": kind, "rows": rows, "read_s": read_s, "total_s": total,
                      "peak_mib": peak / 1024, "groups": groups}))


def _run(kind: str, path: Path, columns: list[str]) -> dict:
    done = subprocess.run([sys.executable, __file__, "--step", kind, "--path", str(path),
                           "--columns", ",".join(columns)], check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _measure(path: Path, columns: list[str], repeat: int) -> tuple[list[dict], list[dict]]:
    """One unmeasured warm-up of each step, then `repeat` interleaved runs of (a) and (b)."""
    _run("read", path, columns)
    _run("aggregate", path, columns)
    bare, agg = [], []
    for _ in range(repeat):
        bare.append(_run("read", path, columns))
        agg.append(_run("aggregate", path, columns))
    return bare, agg


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="interleaved runs of each step (median shown)")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "out")
    parser.add_argument("--step", choices=["read", "aggregate"], help=argparse.SUPPRESS)
    parser.add_argument("--path", help=argparse.SUPPRESS)
    parser.add_argument("--columns", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        _step(args.step, args.path, args.columns.split(","))
        return
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"contacts_{args.rows}.parquet"
    if not path.exists():
        began = time.perf_counter()
        write_contacts(path, args.rows)
        print(f"wrote {args.rows:,} contacts to {path} in {time.perf_counter() - began:.1f} s")
    # the columns to_activity reads for daily activity (contact_id is not needed)
    columns = [c for c in COLUMNS if c != "contact_id"]
    bare, agg = _measure(path, columns, args.repeat)
    print(f"rows: {bare[0]['rows']:,}; daily activity rows: {agg[0]['groups']:,}; "
          f"median of {args.repeat} interleaved runs per step")
    _report("all columns (with distinct customers per day)", bare, agg)
    # the same without customer_id: counts and sums only (no distinct ids to count)
    lean = [c for c in columns if c != "customer_id"]
    _report("without customer_id", *_measure(path, lean, args.repeat))


def _report(title: str, bare_runs: list[dict], agg_runs: list[dict]) -> None:
    def stat(runs: list[dict], key: str, how: object) -> float:
        return float(how([r[key] for r in runs]))

    def runs(rows: list[dict], key: str) -> str:
        return ", ".join(f"{r[key]:.2f}" for r in rows)

    print(f"-- {title}")
    print(f"(a) bare read            {stat(bare_runs, 'total_s', np.median):7.2f} s   "
          f"peak {stat(bare_runs, 'peak_mib', np.median):8.0f} MiB   (runs: {runs(bare_runs, 'total_s')} s)")
    print(f"(b) read + to_activity   {stat(agg_runs, 'total_s', np.median):7.2f} s   "
          f"peak {stat(agg_runs, 'peak_mib', np.median):8.0f} MiB   (runs: {runs(agg_runs, 'total_s')} s; "
          f"of which read: {runs(agg_runs, 'read_s')} s)")
    for label, how in (("median", np.median), ("best", np.min)):
        time_ratio = stat(agg_runs, "total_s", how) / stat(bare_runs, "total_s", how)
        memory_ratio = stat(agg_runs, "peak_mib", how) / stat(bare_runs, "peak_mib", how)
        verdict = "within" if max(time_ratio, memory_ratio) <= 3 else "OVER"
        print(f"ratio (b)/(a) of the {label:6s} runs: time {time_ratio:.2f}x, peak memory {memory_ratio:.2f}x"
              f" — {verdict} the 3x target")


if __name__ == "__main__":
    main()
