"""Benchmark: the accrual of every day of a month against one expected invoice (issue 12, item 1).

    .venv/bin/python bench/accrual.py [--contacts 100000] [--repeat 3] [--seed 20261001] [--skip-demo]
                                      [--clock wall|cpu]

Times, in the same run, taken in turns with the workbook's memos cleared before every call (median of
--repeat; --clock cpu: the process's CPU time instead of wall time, steadier on a shared machine): (a) `workbook.expected_invoice` cold and (b) `workbook.accrual_days` (the lines of every day of the
period, the last one being the invoice); prints both and the ratio b / a (target <= 3x), and checks that the
last day's lines are the expected invoice's to the cent (exit status 1 otherwise).
1. Every demo supplier-month 2026-08..10 (the demo built into a temp dir).
2. A generated October 2026 (31 days) with --contacts contact records (seeded): a graduated charge on
   productive minutes rounded per contact (6 s increments, 30 s minimum), a weekday-only per-contact charge,
   a fixed fee, a minimum commitment and SLA bands on service level and AHT.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import statistics  # noqa: E402
import time  # noqa: E402

from bench.audit import clear_memos, median_times  # noqa: E402
from ccanalysis import workbook  # noqa: E402
from ccanalysis.engagement import load  # noqa: E402

TARGET_RATIO = 3.0
DEMO_MONTHS = ("2026-08", "2026-09", "2026-10")
MONTH = "2026-10"


def write_contacts_engagement(root: Path, contacts: int, seed: int) -> None:
    """A one-supplier engagement `accbench` under `root` with `contacts` records in October 2026."""
    params, data = root / "parameters" / "accbench", root / "data" / "accbench"
    (params / "contracts").mkdir(parents=True, exist_ok=True)
    (data / "contacts").mkdir(parents=True, exist_ok=True)
    settings = {"id": "accbench", "client": "Bench S.A.", "currency": "EUR", "lang": "en", "holidays": "ES",
                "suppliers": ["acme"]}
    contract = {
        "supplier": "acme", "name": "Acme", "currency": "EUR", "tax_rate": "0.21", "valid_from": "2026-01-01",
        "minimum_commitment": {"amount": "150000"},
        "services": [{
            "id": "care", "name": "Care", "channel": "voice",
            "kpis": {"service_level": {"variant": "offered", "threshold_s": 20}},
            "charges": [
                {"id": "minutes", "unit": "productive_minute", "model": "graduated",
                 "rounding": {"increment_s": 6, "minimum_s": 30},
                 "tiers": [{"up_to": 250000, "unit_price": "0.55"}, {"up_to": None, "unit_price": "0.50"}]},
                {"id": "weekday_contacts", "unit": "handled_contact", "model": "per_unit", "unit_price": "0.10",
                 "applies_to": {"days": ["weekday"]}},
                {"id": "platform", "unit": "month", "model": "fixed", "amount": "1500"},
            ],
            "sla": {"rules": [
                {"kpi": "service_level", "bands": [{"below": "0.75", "adjustment": "-0.05"},
                                                   {"from": "0.85", "adjustment": "0.02"}]},
                {"kpi": "aht_s", "linear": {"target": 300, "per_unit": "-0.001", "worse": "above",
                                            "min": "-0.03", "max": 0}}]},
        }],
    }
    (params / "engagement.yaml").write_text(yaml.safe_dump(settings), encoding="utf-8")
    (params / "contracts" / "acme.yaml").write_text(yaml.safe_dump(contract, sort_keys=False), encoding="utf-8")
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2026-10-01").to_datetime64()
    offsets = np.sort(rng.integers(0, 31 * 86400, size=contacts))
    answered = rng.random(contacts) < 0.94
    frame = pd.DataFrame({
        "contact_id": [f"C{i:07d}" for i in range(contacts)], "supplier": "acme", "service": "care",
        "start": start + offsets.astype("timedelta64[s]"),
        "queue_s": rng.integers(0, 60, size=contacts), "answered": answered, "abandoned": ~answered,
        "talk_s": np.where(answered, rng.integers(20, 400, size=contacts), 0),
        "hold_s": np.where(answered, rng.integers(0, 60, size=contacts), 0),
        "acw_s": np.where(answered, rng.integers(0, 90, size=contacts), 0),
    })
    frame.to_parquet(data / "contacts" / "acme_care_2026-10.parquet", index=False)


def same_as_invoice(eng, supplier: str, month: str) -> bool:
    days = workbook.accrual_days(eng, supplier, month)
    key = lambda line: (line.service or "", line.charge, line.tier or 0, line.kind, line.amount)  # noqa: E731
    return sorted(map(key, days[-1][1])) == sorted(map(key, workbook.invoice_lines(eng, supplier, month)))


def cpu_median_times(first, second, repeat: int) -> tuple[float, float]:
    """`median_times` on the process's CPU time."""
    timings: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for function, out in ((first, timings[0]), (second, timings[1])):
            clear_memos()
            started = time.process_time()
            function()
            out.append(time.process_time() - started)
    return statistics.median(timings[0]), statistics.median(timings[1])


CLOCKS = {"wall": median_times, "cpu": cpu_median_times}


def measure(eng, supplier: str, month: str, repeat: int, clock: str = "wall") -> tuple[float, float, bool]:
    invoice_s, accrual_s = CLOCKS[clock](lambda: workbook.expected_invoice(eng, supplier, month),
                                         lambda: workbook.accrual_days(eng, supplier, month), repeat)
    clear_memos()
    return invoice_s, accrual_s, same_as_invoice(eng, supplier, month)


def line(label: str, invoice_s: float, accrual_s: float, same: bool) -> str:
    ratio = accrual_s / invoice_s
    verdict = "OK" if ratio <= TARGET_RATIO else "ABOVE TARGET"
    return (f"{label:<24} invoice {invoice_s * 1000:8.1f} ms  31-day accrual {accrual_s * 1000:8.1f} ms  "
            f"ratio {ratio:5.2f}x (target <= {TARGET_RATIO}x) {verdict}  last day = invoice: {same}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20261001)
    parser.add_argument("--skip-demo", action="store_true")
    parser.add_argument("--clock", choices=sorted(CLOCKS), default="wall")
    args = parser.parse_args(argv)
    failures = 0
    with tempfile.TemporaryDirectory(prefix="ccanalysis-accrual-") as tmp:
        root = Path(tmp)
        if not args.skip_demo:
            from ccanalysis import demo

            demo.build_demo(root)
            eng = load("demo", root=root)
            total_invoice = total_accrual = 0.0
            for supplier in eng.suppliers:
                for month in DEMO_MONTHS:
                    invoice_s, accrual_s, same = measure(eng, supplier, month, args.repeat, args.clock)
                    total_invoice += invoice_s
                    total_accrual += accrual_s
                    failures += not same
                    print(line(f"demo {supplier} {month}", invoice_s, accrual_s, same))
            print(line("demo, the nine summed", total_invoice, total_accrual, failures == 0))
        write_contacts_engagement(root, args.contacts, args.seed)
        eng = load("accbench", root=root)
        invoice_s, accrual_s, same = measure(eng, "acme", MONTH, args.repeat, args.clock)
        failures += not same
        print(line(f"{args.contacts:,} contacts {MONTH}", invoice_s, accrual_s, same))
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
