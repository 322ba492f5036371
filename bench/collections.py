"""Benchmark: collections attempts (Parquet) → RPC rate per segment × weekday × hour, against a bare read.

    .venv/bin/python bench/collections.py [--rows N] [--accounts A] [--repeat R] [--keep DIR]

Writes a seeded Parquet file of N attempts (default 10,000,000) on A accounts (default 1,000,000) and the
accounts' placements (A placements, a tenth of the accounts recalled and placed again with another
agency) into a temporary folder (deleted at the end; `--keep DIR` writes there and keeps it). Columns
per the shared spec: attempts account_id, supplier, start (datetime, the debtor's local time), channel,
outcome, promised_amount, promised_date; placements account_id, supplier, placed_on, recalled_on,
debt_amount, days_past_due, segment, risk_score. supplier, channel, outcome and segment are stored
dictionary-encoded (they come back Categorical). The attempts are written twice, the same rows: with
account_id as a plain string column (pandas' pyarrow-backed `str`), and with account_id dictionary-encoded
in one dictionary page per row group (read back Categorical). Both are measured, in that order.

Every measured step runs in a fresh subprocess, so that its time and peak memory (ru_maxrss: the whole
process, interpreter and imports included) are its own. Both steps import pyarrow, pandas and
`ccanalysis.collections.calltime` first; each is timed from just before the read to the end:

(a) bare read: ``pyarrow.parquet.read_table`` of the attempts' columns account_id, supplier, start,
    channel, outcome and of the placements' account_id, supplier, placed_on, recalled_on, segment.
(b) the same two ``read_table`` calls, ``.to_pandas()`` on each, then
    ``ccanalysis.collections.calltime.rpc_by_hour(attempts, placements)`` (voice attempts, by segment: the
    hash join of each attempt to its placement and the counts by weekday and hour in DuckDB on 2 threads,
    then Wilson intervals and the empirical-Bayes shrinkage).
(c) for scale, the same reads and ``.to_pandas()``, then ``calltime.placement_of`` (the join alone, its
    placement row per attempt brought back to NumPy), nothing counted.

Each step is run once unmeasured (to warm the page cache), then R times, interleaved (a, b, a, b, …);
the median and best of the R runs are shown, with the ratio (b)/(a) of time and of peak memory
(target: time ≤ 3×).
"""

from __future__ import annotations

import os
import sys

if sys.path and os.path.abspath(sys.path[0]) == os.path.dirname(os.path.abspath(__file__)):
    sys.path.pop(0)  # this file is named like the standard library's `collections`: keep bench/ off the path

import argparse  # noqa: E402
import json  # noqa: E402
import resource  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

SEED = 20261202
ATTEMPT_COLUMNS = ["account_id", "supplier", "start", "channel", "outcome"]
PLACEMENT_COLUMNS = ["account_id", "supplier", "placed_on", "recalled_on", "segment"]
SUPPLIERS = np.array(["northwind", "southpoint", "eastline"])
SEGMENTS = np.array(["cards", "loans", "telco", "utilities", "retail", "auto"])
CHANNELS = np.array(["voice", "sms", "email", "letter", "visit"])
NO_RPC = np.array(["no_answer", "busy", "voicemail", "wrong_party", "third_party"])
RPCS = np.array(["rpc", "ptp", "refusal", "dispute"])
OUTCOMES = np.concatenate([NO_RPC, RPCS])
DAY0 = np.datetime64("2026-01-01", "D")
DAYS = 90


def write_data(folder: Path, rows: int, accounts: int, *, chunk: int = 2_000_000) -> tuple[Path, Path, Path]:
    """Seeded placements and attempts as Parquet files in `folder`: the attempts twice, with account_id
    as plain strings and dictionary-encoded (the same rows)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(SEED)
    ids = np.char.add("A", np.char.zfill(np.arange(accounts).astype(str), 7))
    first_supplier = rng.integers(0, 3, accounts)
    placed = rng.integers(0, 30, accounts)
    replaced = rng.random(accounts) < 0.10
    recalled = np.where(replaced, rng.integers(45, 60, accounts), -1)
    second_supplier = (first_supplier + rng.integers(1, 3, accounts)) % 3
    segment = rng.integers(0, len(SEGMENTS), accounts)
    second = np.flatnonzero(replaced)
    all_rows = np.concatenate([np.arange(accounts), second])
    placement_path = folder / "placements.parquet"

    def dict_array(values: np.ndarray, names: np.ndarray) -> pa.DictionaryArray:
        return pa.DictionaryArray.from_arrays(pa.array(values.astype(np.int32)), pa.array(names))

    n_pl = len(all_rows)
    is_second = np.arange(n_pl) >= accounts
    pl_placed = np.where(is_second, recalled[all_rows] + 1, placed[all_rows])
    pl_recalled = np.where(is_second, -1, recalled[all_rows])
    pq.write_table(pa.table({
        "account_id": pa.array(ids[all_rows]),
        "supplier": dict_array(np.where(is_second, second_supplier[all_rows], first_supplier[all_rows]), SUPPLIERS),
        "placed_on": pa.array((DAY0 + pl_placed.astype("timedelta64[D]")).astype("datetime64[ms]")),
        "recalled_on": pa.array(np.where(pl_recalled >= 0, DAY0 + pl_recalled.astype("timedelta64[D]"),
                                         np.datetime64("NaT")).astype("datetime64[ms]")),
        "debt_amount": pa.array(np.round(rng.gamma(2.0, 600.0, n_pl), 2)),
        "days_past_due": pa.array(rng.integers(30, 720, n_pl)),
        "segment": dict_array(segment[all_rows], SEGMENTS),
        "risk_score": pa.array(rng.random(n_pl)),
    }), placement_path)

    # the hourly RPC rate of each segment: a morning and an evening peak, shifted per segment
    hours = np.arange(24)
    peak = np.stack([0.06 + 0.05 * np.exp(-((hours - 10 - s % 2) ** 2) / 6) + 0.08 * np.exp(-((hours - 19 + s % 3) ** 2) / 4)
                     for s in range(len(SEGMENTS))])
    hour_weights = np.where((hours >= 8) & (hours < 21), 1.0, 0.005)
    hour_weights /= hour_weights.sum()
    attempt_path = folder / "attempts.parquet"
    dictionary_path = folder / "attempts_dictionary_ids.parquet"
    writer = dict_writer = None
    account_dictionary = pa.array(ids)
    try:
        for offset in range(0, rows, chunk):
            n = min(chunk, rows - offset)
            account = rng.integers(0, accounts, n)
            day = rng.integers(placed[account], DAYS)
            later = replaced[account] & (day > recalled[account])
            supplier = np.where(later, second_supplier[account], first_supplier[account])
            hour = rng.choice(24, n, p=hour_weights)
            second_of_hour = rng.integers(0, 3600, n)
            start = (DAY0 + day.astype("timedelta64[D]")).astype("datetime64[s]") \
                + (hour * 3600 + second_of_hour).astype("timedelta64[s]")
            weekend = ((day + 3) % 7) >= 5  # 2026-01-01 is a Thursday
            p_rpc = peak[segment[account], hour] * np.where(weekend, 1.3, 1.0)
            hit = rng.random(n) < p_rpc
            outcome = np.where(hit, 5 + rng.integers(0, 4, n), rng.integers(0, 5, n))
            channel = rng.choice(5, n, p=[0.85, 0.08, 0.04, 0.02, 0.01])
            ptp = outcome == 6
            table = pa.table({
                "account_id": pa.array(ids[account]),
                "supplier": dict_array(supplier, SUPPLIERS),
                "start": pa.array(start.astype("datetime64[us]")),
                "channel": dict_array(channel, CHANNELS),
                "outcome": dict_array(outcome, OUTCOMES),
                "promised_amount": pa.array(np.where(ptp, np.round(rng.gamma(2.0, 80.0, n), 2), np.nan),
                                            from_pandas=True),
                "promised_date": pa.array(np.where(ptp, (DAY0 + (day + 7).astype("timedelta64[D]")),
                                                   np.datetime64("NaT")).astype("datetime64[ms]")),
            })
            coded = table.set_column(0, "account_id", pa.DictionaryArray.from_arrays(
                pa.array(account.astype(np.int32)), account_dictionary))
            if writer is None:
                writer = pq.ParquetWriter(attempt_path, table.schema)
                # a dictionary page large enough for every id, so that no row group falls back to plain
                dict_writer = pq.ParquetWriter(dictionary_path, coded.schema, dictionary_pagesize_limit=256 << 20)
            writer.write_table(table)
            dict_writer.write_table(coded)
    finally:
        for open_writer in (writer, dict_writer):
            if open_writer is not None:
                open_writer.close()
    return attempt_path, dictionary_path, placement_path


def _step(kind: str, attempts_path: str, placements_path: str) -> None:
    """Run one measured step in this (fresh) process and print a JSON line."""
    import duckdb  # noqa: F401  (imported in every step, before the clock, like pandas)
    import pyarrow.parquet as pq

    from ccanalysis.collections.calltime import rpc_by_hour  # imports pandas: in both steps, before the clock

    began = time.perf_counter()
    attempts = pq.read_table(attempts_path, columns=ATTEMPT_COLUMNS)
    placements = pq.read_table(placements_path, columns=PLACEMENT_COLUMNS)
    read_s = time.perf_counter() - began
    rows, cells = attempts.num_rows, None
    if kind == "lookup":  # the floor: every attempt joined to its placement, nothing counted
        from ccanalysis.collections.calltime import placement_of

        cells = int((placement_of(attempts.to_pandas(), placements.to_pandas()) >= 0).sum())
    if kind == "table":
        table = rpc_by_hour(attempts.to_pandas(), placements.to_pandas())
        cells = len(table)
    total = time.perf_counter() - began
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    print(json.dumps({"kind": kind, "rows": rows, "read_s": read_s, "total_s": total, "peak_mib": peak / 1024,
                      "cells": cells}))


def _run(kind: str, attempts_path: Path, placements_path: Path) -> dict:
    done = subprocess.run([sys.executable, os.path.abspath(__file__), "--step", kind, "--attempts",
                           str(attempts_path), "--placements", str(placements_path)],
                          check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--accounts", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="interleaved runs of each step (median shown)")
    parser.add_argument("--keep", type=Path, help="write the Parquet files here and keep them")
    parser.add_argument("--step", choices=["read", "lookup", "table"], help=argparse.SUPPRESS)
    parser.add_argument("--attempts", help=argparse.SUPPRESS)
    parser.add_argument("--placements", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        _step(args.step, args.attempts, args.placements)
        return
    with tempfile.TemporaryDirectory(prefix="ccanalysis-collections-") as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        began = time.perf_counter()
        attempts_path, dictionary_path, placements_path = write_data(folder, args.rows, args.accounts)
        size = attempts_path.stat().st_size / 2**20
        print(f"wrote {args.rows:,} attempts on {args.accounts:,} accounts ({size:,.0f} MiB; "
              f"{dictionary_path.stat().st_size / 2**20:,.0f} MiB with dictionary-encoded ids) to {folder} "
              f"in {time.perf_counter() - began:.1f} s")
        results = [(title, *_measure(path, placements_path, args.repeat)) for title, path in (
            ("account_id as plain strings", attempts_path),
            ("account_id dictionary-encoded in the file (read back Categorical)", dictionary_path))]
    for title, bare, built, lookup in results:
        print(f"-- {title}")
        print(f"rows: {bare[0]['rows']:,}; table rows (segment × weekday × hour): {built[0]['cells']:,}; "
              f"median of {args.repeat} interleaved runs per step")
        _report(bare, built, lookup)


def _measure(attempts_path: Path, placements_path: Path, repeat: int) -> tuple[list[dict], list[dict], list[dict]]:
    """One unmeasured warm-up of (a) and (b), then `repeat` interleaved runs of (a), (b) and (c)."""
    _run("read", attempts_path, placements_path)
    _run("table", attempts_path, placements_path)
    bare, built, lookup = [], [], []
    for _ in range(repeat):
        bare.append(_run("read", attempts_path, placements_path))
        built.append(_run("table", attempts_path, placements_path))
        lookup.append(_run("lookup", attempts_path, placements_path))
    return bare, built, lookup


def _report(bare_runs: list[dict], table_runs: list[dict], lookup_runs: list[dict]) -> None:
    def stat(runs: list[dict], key: str, how: object) -> float:
        return float(how([r[key] for r in runs]))

    def runs(rows: list[dict], key: str) -> str:
        return ", ".join(f"{r[key]:.2f}" for r in rows)

    print(f"(a) bare read_table           {stat(bare_runs, 'total_s', np.median):7.2f} s   "
          f"peak {stat(bare_runs, 'peak_mib', np.median):8.0f} MiB   (runs: {runs(bare_runs, 'total_s')} s)")
    print(f"(b) read + rpc_by_hour        {stat(table_runs, 'total_s', np.median):7.2f} s   "
          f"peak {stat(table_runs, 'peak_mib', np.median):8.0f} MiB   (runs: {runs(table_runs, 'total_s')} s; "
          f"of which read: {runs(table_runs, 'read_s')} s)")
    print(f"(c) read + placement_of      {stat(lookup_runs, 'total_s', np.median):7.2f} s   "
          f"peak {stat(lookup_runs, 'peak_mib', np.median):8.0f} MiB   (runs: {runs(lookup_runs, 'total_s')} s; "
          f"every attempt joined to its placement, nothing counted)")
    floor = stat(lookup_runs, "total_s", np.median) / stat(bare_runs, "total_s", np.median)
    print(f"ratio (c)/(a) of the median runs: time {floor:.2f}x")
    for label, how in (("median", np.median), ("best", np.min)):
        time_ratio = stat(table_runs, "total_s", how) / stat(bare_runs, "total_s", how)
        memory_ratio = stat(table_runs, "peak_mib", how) / stat(bare_runs, "peak_mib", how)
        verdict = "within" if time_ratio <= 3 else "OVER"
        print(f"ratio (b)/(a) of the {label:6s} runs: time {time_ratio:.2f}x ({verdict} the 3x target), "
              f"peak memory {memory_ratio:.2f}x")


if __name__ == "__main__":
    main()
