"""Backtest of the projected close (issue 12, "Measure"): projections made on days 5, 10, 15 and 20 of each
demo month against the actual close (the expected invoice's net).

    .venv/bin/python bench/backtest_projection.py [--days 5,10,15,20] [--months 2026-08..2026-10]

Prints one row per supplier, as-of day and month (projected, band, actual, error), then per supplier the
mean and largest absolute error (% of the actual close) and the share of closes inside the 80 % band, and
the same over all suppliers. The demo is built into a temporary folder.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ccanalysis import workbook  # noqa: E402
from ccanalysis.engagement import load  # noqa: E402
from ccanalysis.periods import parse_months  # noqa: E402

DAYS = (5, 10, 15, 20)


def backtest(eng, months: list[str], days: tuple[int, ...] = DAYS) -> pd.DataFrame:
    """One row per supplier, month and as-of day: supplier, month, as_of, projected, low, high, actual
    (Decimal), error (projected − actual, Decimal), error_pct (float), inside (the actual close inside the
    band). The as-of days are the period's 5th, 10th… day."""
    rows = []
    for supplier in eng.suppliers:
        for month in months:
            period = eng.period(supplier, month)
            actual = workbook.totals(workbook.expected_invoice(eng, supplier, month)).net
            for day in days:
                as_of = date.fromordinal(period.start.toordinal() + day - 1)
                result = workbook.projected_close(eng, supplier, month, as_of, today=date.max)
                error = result.projected_net - actual
                rows.append({"supplier": supplier, "month": month, "as_of": as_of,
                             "projected": result.projected_net, "low": result.projected_low,
                             "high": result.projected_high, "actual": actual, "error": error,
                             "error_pct": float(error / actual * 100) if actual else float("nan"),
                             "inside": result.projected_low <= actual <= result.projected_high})
    return pd.DataFrame(rows)


def summary(frame: pd.DataFrame) -> pd.DataFrame:
    """Per supplier (and "all") and as-of day (and "all"): mean |error| %, max |error| %, share inside."""
    out = []
    for supplier, part in list(frame.groupby("supplier", sort=False)) + [("all", frame)]:
        for day, sub in list(part.groupby(part["as_of"].map(lambda d: d.day))) + [("all", part)]:
            out.append({"supplier": supplier, "as_of_day": day, "closes": len(sub),
                        "mean_abs_error_pct": round(sub["error_pct"].abs().mean(), 2),
                        "max_abs_error_pct": round(sub["error_pct"].abs().max(), 2),
                        "inside_band": f"{int(sub['inside'].sum())}/{len(sub)}"})
    return pd.DataFrame(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", default=",".join(map(str, DAYS)))
    parser.add_argument("--months", default="2026-08..2026-10")
    args = parser.parse_args(argv)
    days = tuple(int(d) for d in args.days.split(","))
    with tempfile.TemporaryDirectory(prefix="ccanalysis-backtest-") as tmp:
        from ccanalysis import demo

        demo.build_demo(Path(tmp))
        eng = load("demo", root=Path(tmp))
        frame = backtest(eng, parse_months(args.months), days)
    shown = frame.assign(error_pct=frame["error_pct"].round(2),
                         **{c: frame[c].map(lambda v: f"{Decimal(v):,.2f}") for c in
                            ("projected", "low", "high", "actual", "error")})
    with pd.option_context("display.width", 200, "display.max_rows", 500):
        print(shown.to_string(index=False))
        print()
        print(summary(frame).to_string(index=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
