"""Benchmark: contact records (Parquet) → daily activity per service, against a bare read of the columns.

    .venv/bin/python bench/aggregate_contacts.py [--rows N] [--out DIR]

Writes a seeded Parquet file of N contact records (default 10,000,000) into bench/out/ (git-ignored),
then runs each step in a fresh subprocess so that its peak memory (ru_maxrss) is its own:
(a) a bare ``pandas.read_parquet`` of the columns `to_activity` uses, (b) the same read followed by
``to_activity(freq="D")``. Prints time and peak memory of each and the ratios (target: (b) ≤ 3 × (a)).
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
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
    _run("read", path, columns)  # warm the page cache so that neither measured step pays for the disk
    bare = _run("read", path, columns)
    agg = _run("aggregate", path, columns)
    print(f"rows: {bare['rows']:,}; daily activity rows: {agg['groups']:,}")
    _report("all columns (with distinct customers per day)", bare, agg)
    # the same without customer_id: counts and sums only (distinct ids need a hash of every id string)
    lean = [c for c in columns if c != "customer_id"]
    _run("read", path, lean)
    _report("without customer_id", _run("read", path, lean), _run("aggregate", path, lean))


def _report(title: str, bare: dict, agg: dict) -> None:
    print(f"-- {title}")
    print(f"(a) bare read            {bare['total_s']:7.2f} s   peak {bare['peak_mib']:8.0f} MiB")
    print(f"(b) read + to_activity   {agg['total_s']:7.2f} s   peak {agg['peak_mib']:8.0f} MiB"
          f"   (read {agg['read_s']:.2f} s, aggregate {agg['total_s'] - agg['read_s']:.2f} s)")
    time_ratio = agg["total_s"] / bare["total_s"]
    memory_ratio = agg["peak_mib"] / bare["peak_mib"]
    verdict = "within" if max(time_ratio, memory_ratio) <= 3 else "OVER"
    print(f"ratio (b)/(a): time {time_ratio:.2f}x, peak memory {memory_ratio:.2f}x — {verdict} the 3x target")


if __name__ == "__main__":
    main()
