"""Benchmark: the real path at client scale (issue 11), the commands a consultant runs on grown demos.

    .venv/bin/python bench/scale.py                          # 1x and 4x the demo's suppliers x months
    .venv/bin/python bench/scale.py --sizes 1x,4x,16x --contacts 1000000,10000000
    .venv/bin/python bench/scale.py --sizes 1x --contacts 1000000 --no-report

Each size is generated with `ccanalysis demo`'s size parameters (seeded) into a temporary folder that is
removed afterwards (`--keep DIR` keeps them there instead): `Nx` is the demo grown N times in suppliers x
months (1x = 3 x 3, 4x = 6 x 6, 16x = 12 x 12); a contacts size `C` is the three demo suppliers over one
month (2026-08) with C contact records in northwind's. For each size, every command runs in a fresh process
(the `ccanalysis` CLI of this checkout) and is measured for wall time and the peak of the summed RSS of its
whole process tree (psutil, sampled every 20 ms, so kernels and workers count):

- `validate` cold (no `reports/ENG/` at all), then `validate` unchanged (the same inputs again);
- `expected` of one supplier-month (northwind 2026-08) after that validation;
- `report` of the whole batch (`--force`): the default, `--jobs 2` and `--reuse-kernel` (`--no-report` skips it);

beside the floors measured in the same run: a bare pyarrow read of the engagement's table files (every
Parquet and CSV file of `data/ENG/`, all columns), the same of the files the supplier-month's question
needs (its contact records of that month, its activity files), the interpreter importing the CLI, and
papermill running an empty notebook once per report. Then the ratios against the issue's targets.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from ccanalysis.demo.size import DemoSize  # noqa: E402

GIB = 1024 ** 3
SUPPLIER, MONTH = "northwind", "2026-08"
CLI = "import sys; from ccanalysis.cli import main; sys.exit(main())"


@dataclass
class Run:
    """One measured command: wall seconds, peak RSS of its process tree (bytes), exit status."""

    label: str
    wall_s: float
    peak_rss: int
    code: int
    output: str = ""


@dataclass
class Size:
    """A size of engagement to measure: its name, its DemoSize and what was measured on it."""

    name: str
    size: DemoSize
    runs: dict[str, Run] = field(default_factory=dict)
    reports: int = 0
    contacts: int = 0


def parse_sizes(sizes: str, contacts: str) -> list[Size]:
    """`1x,4x` and `1000000` -> the sizes to build (Nx: sqrt(N) x 3 suppliers and months)."""
    out = []
    for name in filter(None, (s.strip() for s in sizes.split(","))):
        match = re.fullmatch(r"(\d+)x", name)
        if not match:
            raise SystemExit(f"size {name!r}: write Nx with N a square (1x, 4x, 16x)")
        factor = round(int(match.group(1)) ** 0.5)
        if factor * factor != int(match.group(1)):
            raise SystemExit(f"size {name!r}: N must be a square (1, 4, 9, 16) to grow suppliers and months alike")
        out.append(Size(name, DemoSize(suppliers=3 * factor, months=3 * factor)))
    for count in filter(None, (c.strip() for c in contacts.split(","))):
        n = int(float(count))
        out.append(Size(f"{n / 1e6:g}M contacts", DemoSize(suppliers=3, months=1, contacts_per_month=n)))
    return out


def measure(label: str, argv: Sequence[str], *, cwd: Path, env: dict[str, str] | None = None) -> Run:
    """Run `argv` and sample the summed RSS of its process tree until it exits."""
    started = time.perf_counter()
    process = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    peak = 0
    chunks: list[str] = []
    reader = threading.Thread(target=lambda: chunks.append(process.stdout.read()), daemon=True)  # type: ignore[union-attr]
    reader.start()
    try:
        root = psutil.Process(process.pid)
        while process.poll() is None:
            total = 0
            try:
                for proc in [root, *root.children(recursive=True)]:
                    try:
                        total += proc.memory_info().rss
                    except psutil.Error:
                        pass
            except psutil.Error:
                pass
            peak = max(peak, total)
            time.sleep(0.02)
    except psutil.Error:
        pass
    code = process.wait()
    wall = time.perf_counter() - started
    reader.join()
    run = Run(label, wall, peak, code, "".join(chunks))
    if code != 0:
        print(f"  {label}: exit {code}\n{textwrap.indent(run.output[-3000:], '    ')}", file=sys.stderr)
    return run


def cli(root: Path, *args: str) -> list[str]:
    return [sys.executable, "-c", CLI, *args]


BARE_READ = """
import sys, pyarrow.csv as pc, pyarrow.parquet as pq
rows = 0
for name in sys.argv[1:]:
    if name.endswith('.parquet'):
        table = pq.read_table(name)
    else:
        with open(name, encoding='utf-8') as handle:
            sep = ';' if ';' in handle.readline() else ','
        table = pc.read_csv(name, parse_options=pc.ParseOptions(delimiter=sep))
    rows += table.num_rows
print(rows)
"""

EMPTY_NOTEBOOK = """
import sys, nbformat, papermill
nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('pass')])
nb.metadata['kernelspec'] = {'name': 'python3', 'display_name': 'Python 3', 'language': 'python'}
nbformat.write(nb, sys.argv[1])
for i in range(int(sys.argv[2])):
    papermill.execute_notebook(sys.argv[1], sys.argv[1] + f'.{i}.out.ipynb', progress_bar=False, log_output=False)
"""


def table_files(data: Path) -> list[Path]:
    return sorted(p for p in data.rglob("*") if p.suffix in (".csv", ".parquet") and "truth" not in p.parts)


def question_files(data: Path, supplier: str, month: str) -> list[Path]:
    """The files one supplier-month's expected invoice needs (at best): its contact records of that month,
    its activity files."""
    contacts = sorted((data / "contacts").glob(f"{supplier}_*_{month}.parquet"))
    activity = sorted(p for p in (data / "activity").glob(f"{supplier}*.csv")
                      if re.fullmatch(rf"{supplier}(_[a-z_]+)?", p.stem))
    return contacts + activity


def bench_size(item: Size, folder: Path, *, report: bool, env: dict[str, str],
               baseline: dict[str, str] | None = None, reuse: bool = False) -> None:
    """Build `item` under `folder` and measure its commands and floors (with `baseline`, the environment of
    another checkout, each command of it first, as "before: …", in the same conditions)."""
    root = folder / item.name.replace(" ", "_")
    print(f"\n== {item.name}: {item.size.suppliers} suppliers x {item.size.months} months"
          + (f", {item.size.contacts_per_month:,} contacts in {SUPPLIER} {MONTH}" if item.size.contacts_per_month
             else "") + f" -> {root}", flush=True)
    started = time.perf_counter()
    if reuse and (root / "parameters" / "demo" / "engagement.yaml").is_file():
        build = [sys.executable, "-c", "pass"]  # generated by an earlier run with --keep (same seed, same files)
    else:
        build = [sys.executable, "-c", "import sys; from pathlib import Path; from ccanalysis.demo import build_demo; "
             "from ccanalysis.demo.size import DemoSize; "
             "build_demo(Path(sys.argv[1]), size=DemoSize(*map(lambda v: None if v == 'None' else int(v), sys.argv[2:])))",
                 str(root), str(item.size.suppliers), str(item.size.months), str(item.size.contacts_per_month)]
    subprocess.run(build, cwd=REPO, env=env, check=True)
    print(f"  generated in {time.perf_counter() - started:.1f} s", flush=True)
    data = root / "data" / "demo"
    reports = root / "reports" / "demo"
    shutil.rmtree(reports, ignore_errors=True)
    import pyarrow.parquet as pq

    item.contacts = sum(pq.ParquetFile(p).metadata.num_rows for p in (data / "contacts").glob("*.parquet"))
    files = table_files(data)
    runs = item.runs
    runs["floor: import"] = measure("floor: import", [sys.executable, "-c", "import ccanalysis.cli"], cwd=REPO, env=env)
    runs["floor: bare read, all"] = measure("floor: bare read, all", [sys.executable, "-c", BARE_READ, *map(str, files)],
                                           cwd=REPO, env=env)
    runs["floor: bare read, one"] = measure(
        "floor: bare read, one", [sys.executable, "-c", BARE_READ, *map(str, question_files(data, SUPPLIER, MONTH))],
        cwd=REPO, env=env)
    def both(label: str, argv: list[str], before=None) -> None:
        if baseline is not None:  # run from the baseline's folder: `python -c` imports from its working folder
            runs[f"before: {label}"] = measure(f"before: {label}", argv, cwd=Path(baseline["PYTHONPATH"]),
                                               env=baseline)
        if before is not None:
            before()
        runs[label] = measure(label, argv, cwd=REPO, env=env)

    validate = cli(root, "validate", "demo", "--root", str(root))
    both("validate cold", validate, before=lambda: shutil.rmtree(reports, ignore_errors=True))
    both("validate unchanged", validate)
    both("expected", cli(root, "expected", "demo", "--supplier", SUPPLIER, "--month", MONTH, "--root", str(root),
                         "--format", "csv"))
    if not report:
        return
    months = item.size.month_ids()
    span = f"{months[0]}..{months[-1]}" if len(months) > 1 else months[0]
    base = ["report", "demo", "--month", span, "--root", str(root), "--force"]
    for label, extra in (("report default", ["--jobs", "1"]), ("report --jobs 2", ["--jobs", "2"]),
                         ("report --reuse-kernel", ["--jobs", "1", "--reuse-kernel"])):
        both(label, cli(root, *base, *extra))
    item.reports = len(list(reports.rglob("*.html")))
    notebook = folder / "empty.ipynb"
    runs["floor: papermill"] = measure("floor: papermill", [sys.executable, "-c", EMPTY_NOTEBOOK, str(notebook),
                                                            str(max(1, item.reports))], cwd=REPO, env=env)


def print_table(sizes: Sequence[Size]) -> None:
    print("\nwall seconds / peak RSS of the process tree (GiB)")
    labels = [label for label in dict.fromkeys(lab for s in sizes for lab in s.runs)]
    header = f"{'command':<26}" + "".join(f"{s.name:>24}" for s in sizes)
    print(header)
    print("-" * len(header))
    for label in labels:
        cells = []
        for s in sizes:
            run = s.runs.get(label)
            cells.append(f"{'—':>24}" if run is None else
                         f"{run.wall_s:>10.2f} s {run.peak_rss / GIB:>6.2f} GiB" + ("" if run.code == 0 else " ✘"))
        print(f"{label:<26}" + "".join(cells))
    print(f"{'contact records':<26}" + "".join(f"{s.contacts:>24,}" for s in sizes))
    print(f"{'reports':<26}" + "".join(f"{s.reports:>24}" for s in sizes))


def _ratio(a: Run | None, b: Run | None) -> float | None:
    return None if a is None or b is None or b.wall_s <= 0 else a.wall_s / b.wall_s


def print_targets(sizes: Sequence[Size]) -> None:
    print("\nagainst the targets of issue 11")

    def line(what: str, value: float | None, target: str, ok: bool | None) -> None:
        shown = "—" if value is None else f"{value:.2f}"
        mark = "" if ok is None else (" ✔" if ok else " ✘")
        print(f"  {what:<62}{shown:>8}  (target {target}){mark}")

    for s in sizes:
        r = s.runs
        print(f" {s.name}:")
        cold = _ratio(r.get("validate cold"), r.get("floor: bare read, all"))
        line("validate cold / bare read of all its tables (x)", cold, "<= 4x at 10 M", None if cold is None else cold <= 4)
        exp = _ratio(r.get("expected"), r.get("floor: bare read, one"))
        line("expected / bare read of the supplier-month's files (x)", exp, "<= 2x at 10 M",
             None if exp is None else exp <= 2)
        for label in ("validate cold", "expected"):
            if label in r:
                gib = r[label].peak_rss / GIB
                line(f"{label} peak RSS (GiB)", gib, "<= 3 GiB", gib <= 3)
        if "validate unchanged" in r:
            line("validate unchanged (s)", r["validate unchanged"].wall_s, "<= 2 s at 16x", r["validate unchanged"].wall_s <= 2)
        if "report --jobs 2" in r:
            gib = r["report --jobs 2"].peak_rss / GIB
            line("report --jobs 2 peak RSS (GiB)", gib, "<= 8 GiB", gib <= 8)
            j2 = _ratio(r.get("report default"), r.get("report --jobs 2"))
            line("report default / --jobs 2 (x)", j2, ">= 1.7x", None if j2 is None else j2 >= 1.7)
            reuse = _ratio(r.get("report default"), r.get("report --reuse-kernel"))
            line("report default / --reuse-kernel (x)", reuse, ">= 3x", None if reuse is None else reuse >= 3)
            if s.reports:
                line("report default s/report, papermill floor s/report",
                     r["report default"].wall_s / s.reports, f"floor {r['floor: papermill'].wall_s / s.reports:.2f}", None)
    for s in sizes:
        pairs = [(label, s.runs[f"before: {label}"], run) for label, run in s.runs.items()
                 if f"before: {label}" in s.runs]
        if pairs:
            print(f" {s.name}, this checkout against the baseline (wall before / after; peak RSS before / after):")
            for label, before, after in pairs:
                print(f"  {label:<26}{before.wall_s / after.wall_s:>7.2f}x faster   "
                      f"{before.peak_rss / GIB:.2f} -> {after.peak_rss / GIB:.2f} GiB")
    grown = [s for s in sizes if s.size.contacts_per_month is None]
    one = next((s for s in grown if s.name == "1x"), None)
    for s in grown:
        if one is None or s is one:
            continue
        exp = _ratio(s.runs.get("expected"), one.runs.get("expected"))
        line(f"expected at {s.name} / at 1x (x)", exp, "<= 1.5x", None if exp is None else exp <= 1.5)
        batch = _ratio(s.runs.get("report --jobs 2"), one.runs.get("report --jobs 2"))
        if batch is not None and one.reports and s.reports:
            per = s.reports / one.reports
            line(f"report --jobs 2 at {s.name} / at 1x (x), for {per:.1f}x the reports", batch,
                 f"<= {per * 18 / 16:.1f}x", batch <= per * 18 / 16)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1x,4x", help="demo growths in suppliers x months, Nx with N a square "
                        "(default 1x,4x)")
    parser.add_argument("--contacts", default="", help="contact records in one supplier-month, comma-separated "
                        "(e.g. 1000000,10000000; default none)")
    parser.add_argument("--no-report", action="store_true", help="skip the report batch")
    parser.add_argument("--report-sizes", default=None, help="run the report batch on these sizes only "
                        "(names as printed, comma-separated, e.g. 1x)")
    parser.add_argument("--baseline", default=None, metavar="CHECKOUT", help="another checkout of ccanalysis "
                        "(e.g. `git worktree add /tmp/base main`): each command is run with it first, in the "
                        "same conditions, and printed as 'before: …'")
    parser.add_argument("--keep", default=None, metavar="DIR", help="generate under DIR and keep it")
    parser.add_argument("--reuse-generated", action="store_true", help="with --keep: an engagement already "
                        "generated there is measured as it is")
    args = parser.parse_args(argv)
    sizes = parse_sizes(args.sizes, args.contacts)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    if args.keep:
        folder = Path(args.keep).resolve()
        folder.mkdir(parents=True, exist_ok=True)
        scratch = None
    else:
        scratch = tempfile.TemporaryDirectory(prefix="ccanalysis-scale-")
        folder = Path(scratch.name)
    try:
        baseline = None if args.baseline is None else {**os.environ, "PYTHONPATH": str(Path(args.baseline).resolve())}
        reported = None if args.report_sizes is None else {s.strip() for s in args.report_sizes.split(",")}
        for item in sizes:
            bench_size(item, folder, report=not args.no_report and (reported is None or item.name in reported),
                       env=env, baseline=baseline, reuse=args.reuse_generated)
            print_table([item])
    finally:
        if scratch is not None:
            scratch.cleanup()
    print_table(sizes)
    print_targets(sizes)
    return 1 if any(run.code != 0 for s in sizes for run in s.runs.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
