"""Benchmark: the report batch with --jobs 1, --jobs 2 and --reuse-kernel, beside the bare floor.

    .venv/bin/python bench/batch.py --fixtures [--copies N]
    .venv/bin/python bench/batch.py --engagement demo --month 2026-08..2026-10

Each mode rebuilds every report (force) into its own temporary folder, so real reports are untouched.
The floor is papermill executing an empty notebook that imports nothing, plus the in-process HTML and the
writes, run as many times as there are reports with --jobs 1. Printed per mode: wall seconds, seconds
per report, and the mean per report of where the time goes (kernel start/shutdown or reset, import-only
cells, other cells, HTML, writing; "other" is what is left: pool start, notebook parsing, transfers).
Targets (issue 5): --jobs 2 >= 1.7x faster than --jobs 1; --reuse-kernel >= 3x faster than the default.

`benchmark(jobs)` is the function to call with any list of `ReportJob`s.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ccanalysis.batch.runner import ReportJob, ReportResult, run_batch, summary_table  # noqa: E402

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "notebooks"
PARTS = ("kernel", "imports", "compute", "html", "write")


def _rebased(jobs: Sequence[ReportJob], folder: Path) -> list[ReportJob]:
    return [replace(job, output_stem=folder / job.name) for job in jobs]


def _floor_jobs(count: int, folder: Path) -> list[ReportJob]:
    """`count` runs of an empty notebook: one `pass` cell (an empty cell is not even sent to the kernel)."""
    empty = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("pass")])
    empty.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = folder / "empty.ipynb"
    nbformat.write(empty, path)
    return [ReportJob(name=f"floor-{i}", notebook=path, output_stem=folder / "out" / f"floor-{i}")
            for i in range(count)]


def _breakdown(results: Sequence[ReportResult]) -> dict[str, float]:
    """Mean seconds per report of each part."""
    n = max(1, len(results))
    totals = dict.fromkeys(PARTS, 0.0)
    for r in results:
        t = r.timings
        totals["kernel"] += t.get("kernel_start", 0.0)
        totals["imports"] += t.get("imports", 0.0)
        totals["compute"] += t.get("compute", 0.0)
        totals["html"] += t.get("html", 0.0)
        totals["write"] += t.get("write", 0.0)
    return {k: v / n for k, v in totals.items()}


def _timed(label: str, jobs: list[ReportJob], **options) -> dict:
    started = time.perf_counter()
    results = run_batch(jobs, force=True, progress=False, **options)
    wall = time.perf_counter() - started
    failed = [r for r in results if r.status != "ok"]
    if failed:
        print(summary_table(results), file=sys.stderr)
        raise SystemExit(f"{label}: {len(failed)} report(s) failed; the benchmark needs a clean batch")
    parts = _breakdown(results)
    per_report = wall / len(jobs)
    return {"mode": label, "wall": wall, "per_report": per_report, "parts": parts,
            "other": max(0.0, per_report * options.get("jobs_n", 1) - sum(parts.values()))}


def benchmark(jobs: Sequence[ReportJob], *, kernel_name: str = "python3") -> list[dict]:
    """Time the batch `jobs` with jobs_n=1, jobs_n=2, reuse_kernel (jobs_n=1 and 2) and the floor;
    print a table and return one row per mode (seconds)."""
    jobs = list(jobs)
    rows = []
    with tempfile.TemporaryDirectory(prefix="ccanalysis-bench-") as scratch:
        root = Path(scratch)
        (root / "floor").mkdir()
        modes = [
            ("floor (empty nb), jobs 1", _floor_jobs(len(jobs), root / "floor"), {"jobs_n": 1}),
            ("jobs 1", _rebased(jobs, root / "j1"), {"jobs_n": 1}),
            ("jobs 2", _rebased(jobs, root / "j2"), {"jobs_n": 2}),
            ("reuse-kernel, jobs 1", _rebased(jobs, root / "r1"), {"jobs_n": 1, "reuse_kernel": True}),
            ("reuse-kernel, jobs 2", _rebased(jobs, root / "r2"), {"jobs_n": 2, "reuse_kernel": True}),
        ]
        for label, mode_jobs, options in modes:
            rows.append(_timed(label, mode_jobs, kernel_name=kernel_name, **options))

    print(f"\n{len(jobs)} reports; seconds per report (wall / reports) and mean per report of each part")
    header = f"{'mode':<26}{'wall':>7}{'s/report':>10}" + "".join(f"{p:>9}" for p in PARTS) + f"{'other':>8}"
    print(header)
    print("-" * len(header))
    for row in rows:
        print(f"{row['mode']:<26}{row['wall']:>7.2f}{row['per_report']:>10.3f}"
              + "".join(f"{row['parts'][p]:>9.3f}" for p in PARTS) + f"{row['other']:>8.3f}")
    by = {row["mode"]: row for row in rows}
    floor, j1, j2 = by["floor (empty nb), jobs 1"], by["jobs 1"], by["jobs 2"]
    r1, r2 = by["reuse-kernel, jobs 1"], by["reuse-kernel, jobs 2"]
    print()
    print(f"jobs 2 vs jobs 1:              {j1['wall'] / j2['wall']:.2f}x  (target >= 1.7x)")
    print(f"reuse-kernel vs default, j 1:  {j1['wall'] / r1['wall']:.2f}x  (target >= 3x)")
    print(f"reuse-kernel vs default, j 2:  {j2['wall'] / r2['wall']:.2f}x")
    print(f"report's own work (jobs 1 minus floor): {j1['per_report'] - floor['per_report']:.3f} s/report "
          f"(imports {j1['parts']['imports'] - floor['parts']['imports']:.3f}, "
          f"compute {j1['parts']['compute'] - floor['parts']['compute']:.3f}, "
          f"html {j1['parts']['html'] - floor['parts']['html']:.3f})")
    return rows


def fixture_jobs(copies: int = 3) -> list[ReportJob]:
    """A small batch from the test fixtures: `copies` × (ok report, slow report of 0.2 s)."""
    jobs = []
    for i in range(copies):
        jobs.append(ReportJob(name=f"fixtures/ok-{i}", notebook=FIXTURES / "ok.ipynb",
                              parameters={"count": i + 1}, output_stem=Path(f"ok-{i}"),
                              header={"client": "ACME", "month": "2026-08"}))
        jobs.append(ReportJob(name=f"fixtures/slow-{i}", notebook=FIXTURES / "slow.ipynb",
                              parameters={"seconds": 0.2}, output_stem=Path(f"slow-{i}")))
    return jobs


def engagement_jobs(engagement: str, month: str) -> list[ReportJob]:
    """The engagement's report batch for the month(s), exactly as `ccanalysis report` plans it."""
    from ccanalysis.batch.plan import parse_months, plan_jobs
    from ccanalysis.engagement import load

    return plan_jobs(load(engagement), parse_months(month))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--fixtures", action="store_true", help="the tiny fixture notebooks of tests/")
    source.add_argument("--engagement", help="an engagement's report batch (e.g. demo)")
    parser.add_argument("--month", help="YYYY-MM or YYYY-MM..YYYY-MM (with --engagement)")
    parser.add_argument("--copies", type=int, default=3, help="fixture batch size / 2 (default 3)")
    args = parser.parse_args(argv)
    if args.fixtures:
        jobs = fixture_jobs(args.copies)
    else:
        if not args.month:
            parser.error("--engagement needs --month")
        jobs = engagement_jobs(args.engagement, args.month)
    benchmark(jobs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
