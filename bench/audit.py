"""Benchmark: the invoice audit against the expected invoice it compares with (issue 9, "Measure").

    .venv/bin/python bench/audit.py [--agents 250] [--days 20] [--repeat 5] [--classifier-lines 5000]
                                    [--skip-demo] [--profile N]

1. A 5,000-line invoice (`bench/audit_engagement.py`): a supplier billing per agent and day (250 agents ×
   20 working days, ids on the lines), clean but for three planted errors (a duplicated line, a wrong amount,
   a wrong price). The audit must find exactly those three and claim exactly their sum. Times, in the same
   run, taken in turns and with the workbook's memos cleared before every call (median of --repeat): (a)
   `workbook.expected_invoice` alone and (b) `workbook.audit`, which builds the expected invoice and audits
   the invoice against it; then the user's commands end to end in-process, `ccanalysis expected … --format
   json` and `ccanalysis audit … --format json`. Prints both times and the ratio b / a (target ≤ 1.5×).
2. Every demo supplier-month 2026-08..10 (the demo built into a temp dir): the same two timings summed over
   the nine, the ratio, and each one's score against the demo's planted errors.
3. The line classifier of `ccanalysis.audit.matching`: trained on 5,000 lines matched by ids and predicting
   5,000 lines without ids (descriptions with months, agent numbers and typos); target under 1 s.

With --profile N, the audit of the 5,000-line invoice and the demo's costliest audit (most time above its
expected invoice) are also run under cProfile, printing the N ccanalysis functions of most cumulative time.
Exit status 1 when an audit misses a planted error, makes a finding that was not planted or claims another
amount than the planted over-billing (the synthetic invoice, or a demo supplier-month).
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.audit_engagement import write_agent_day_engagement  # noqa: E402
from ccanalysis import workbook  # noqa: E402
from ccanalysis.cli import main as cli_main  # noqa: E402
from ccanalysis.engagement import load  # noqa: E402

TARGET_RATIO = 1.5
TARGET_CLASSIFIER_S = 1.0
DEMO_MONTHS = ("2026-08", "2026-09", "2026-10")


def clear_memos() -> None:
    """Clear every memo of the workbook (CHARGES, ACCRUAL_DAYS, AUDITS, …): each call computes afresh."""
    for value in vars(workbook).values():
        if isinstance(value, workbook.Memo):
            value.clear()


def median_times(first: Callable[[], object], second: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Median wall times of `repeat` calls of each, taken in turns (first, second, first, …) so that both see
    the same machine load, the workbook's memos cleared before every call."""
    timings: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for function, out in ((first, timings[0]), (second, timings[1])):
            clear_memos()
            started = time.perf_counter()
            function()
            out.append(time.perf_counter() - started)
    return statistics.median(timings[0]), statistics.median(timings[1])


def verdict(ratio: float) -> str:
    return "OK" if ratio <= TARGET_RATIO else "ABOVE TARGET"


def ratio_line(label: str, expected_s: float, audit_s: float) -> str:
    ratio = audit_s / expected_s
    return (f"{label}: expected invoice {expected_s * 1000:8.1f} ms, audit {audit_s * 1000:8.1f} ms, "
            f"ratio {ratio:.2f}x (target <= {TARGET_RATIO}x) {verdict(ratio)}")


def quiet_cli(argv: list[str]) -> None:
    with contextlib.redirect_stdout(io.StringIO()):
        code = cli_main(argv)
    if code != 0:
        raise RuntimeError(f"ccanalysis {' '.join(argv)} exited with {code}")


def planted_check(result, written) -> list[str]:
    """What is wrong with the audit of the synthetic invoice (empty: every planted error found, nothing else
    found, the claim exactly their sum)."""
    found = {(f["check"], f["line"], f["difference"]) for f in result.findings.to_dict("records")}
    planted = {(p.check, p.line, p.difference) for p in written.planted}
    problems = [f"missed: {check} on line {line}, difference {diff}" for check, line, diff in planted - found]
    problems += [f"not planted: {check} on line {line}, difference {diff}" for check, line, diff in found - planted]
    if result.claimable != written.over_billing:
        problems.append(f"claimable {result.claimable}, planted over-billing {written.over_billing}")
    return problems


def agent_day_invoice(root: Path, args: argparse.Namespace) -> bool:
    written = write_agent_day_engagement(root, agents=args.agents, days=args.days)
    started = time.perf_counter()
    eng = load(written.engagement, root=root)
    load_s = time.perf_counter() - started
    s, m = written.supplier, written.month
    print(f"synthetic engagement: {args.agents} agents × {args.days} days, invoice of {written.lines:,} lines, "
          f"loaded in {load_s:.2f} s")
    clear_memos()
    result = workbook.audit(eng, s, m)
    print(f"  billed net {result.billed_net}, expected net {result.expected_net} "
          f"(written: {written.billed_net} and {written.expected_net})")
    for p in written.planted:
        print(f"  planted {p.check:<10} line {p.line:>5}  {p.difference:>8}  ({p.what})")
    for f in result.findings.to_dict("records"):
        print(f"  found   {f['check']:<10} line {f['line']!s:>5}  {f['difference']!s:>8}  claim {f['claimable']}")
    problems = planted_check(result, written)
    problems += [] if result.expected_net == written.expected_net else [
        f"expected net {result.expected_net}, written {written.expected_net}"]
    print(f"  claimable {result.claimable} = planted over-billing {written.over_billing}: "
          f"{'exact' if not problems else 'WRONG'}")
    for problem in problems:
        print(f"  AUDIT FAULT: {problem}")

    expected_s, audit_s = median_times(lambda: workbook.expected_invoice(eng, s, m),
                                       lambda: workbook.audit(eng, s, m), args.repeat)
    print(ratio_line(f"workbook, {written.lines:,} lines (median of {args.repeat})", expected_s, audit_s))
    print(f"  the audit above the expected invoice: {(audit_s - expected_s) / written.lines * 1e6:.0f} µs per "
          "billed line")
    common = [written.engagement, "--supplier", s, "--month", m, "--format", "json", "--root", str(root)]
    cli_expected_s, cli_audit_s = median_times(lambda: quiet_cli(["expected", *common]),
                                               lambda: quiet_cli(["audit", *common]), args.repeat)
    print(ratio_line(f"commands end to end, in-process (median of {args.repeat})", cli_expected_s, cli_audit_s))
    if args.profile:
        profile_audit(eng, s, m, args.profile)
    return not problems


def profile_audit(eng, supplier: str, month: str, top: int) -> None:
    """cProfile of one `workbook.audit`: the `top` ccanalysis functions by cumulative time (file:line)."""
    clear_memos()
    profiler = cProfile.Profile()
    profiler.enable()
    workbook.audit(eng, supplier, month)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats("ccanalysis", top)
    print(f"profile of workbook.audit({supplier}, {month}): the top {top} ccanalysis functions by cumulative time")
    root = str(Path(__file__).resolve().parents[1]) + "/"
    print("\n".join(line.replace(root, "") for line in out.getvalue().splitlines()
                    if line.strip() and not line.lstrip().startswith(("List reduced", "Ordered by"))))


def demo_months(root: Path, args: argparse.Namespace) -> bool:
    from ccanalysis.audit.score import score_one
    from ccanalysis.demo import build_demo

    started = time.perf_counter()
    build_demo(root)
    eng = load("demo", root=root)
    print(f"demo engagement built and loaded in {time.perf_counter() - started:.1f} s")
    truth = pd.read_csv(root / "data" / "demo" / "truth" / "injected_errors.csv", dtype=str)
    pairs = [(s, m) for m in DEMO_MONTHS for s in eng.suppliers]
    total_expected = total_audit = 0.0
    exact = 0
    costs: dict[tuple[str, str], float] = {}
    for s, m in pairs:
        expected_s, audit_s = median_times(lambda s=s, m=m: workbook.expected_invoice(eng, s, m),
                                           lambda s=s, m=m: workbook.audit(eng, s, m), args.repeat)
        total_expected += expected_s
        total_audit += audit_s
        costs[(s, m)] = audit_s - expected_s
        clear_memos()
        result = workbook.audit(eng, s, m)
        mine = truth[(truth["supplier"] == s) & (truth["month"] == m)]
        scored = score_one(result, mine)
        exact += scored["exact"]
        print(f"  {s:<11} {m}  {len(result.lines):>3} lines  expected {expected_s * 1000:6.1f} ms  "
              f"audit {audit_s * 1000:6.1f} ms  ({audit_s / expected_s:.2f}x)  planted {scored['planted']} "
              f"found {scored['found']} false {scored['false_findings']}  claimable {scored['claimable']} "
              f"true {scored['true_over_billing']}  {'exact' if scored['exact'] else 'AUDIT FAULT: NOT EXACT'}")
    print(ratio_line(f"workbook, the {len(pairs)} demo supplier-months summed (median of {args.repeat} each)",
                     total_expected, total_audit))
    print(f"  audit exact against the demo's planted errors in {exact} of {len(pairs)} supplier-months")
    if args.profile:
        s, m = max(costs, key=costs.get)
        profile_audit(eng, s, m, args.profile)
    return exact == len(pairs)


def classifier(args: argparse.Namespace) -> None:
    from bench.audit_engagement import PREDICTED_MONTH, classifier_lines
    from ccanalysis.audit import matching

    data = classifier_lines(args.classifier_lines)
    catalogue = matching.catalogue(data.contract, data.contract.period(PREDICTED_MONTH))
    labels = pd.DataFrame(columns=["supplier", "invoice_id", "line", "description", "service", "charge",
                                   "decided_at"])
    every_line = pd.concat([data.known, data.unknown], ignore_index=True)
    gather, fit_predict, total = [], [], []
    for _ in range(args.repeat):
        started = time.perf_counter()
        training = matching.training_set(every_line, lambda month: catalogue, (), labels)
        middle = time.perf_counter()
        matched = matching.match_lines(data.unknown, catalogue, rules=(), labels=labels, training=training,
                                       threshold=0.8, expected=None)
        ended = time.perf_counter()
        gather.append(middle - started)
        fit_predict.append(ended - middle)
        total.append(ended - started)
    elapsed = statistics.median(total)
    guesses = list(zip(matched["service"], matched["charge"], strict=True))
    right = sum(1 for guess, truth in zip(guesses, data.truth, strict=True) if guess == truth)
    review = sum(1 for _, charge in guesses if not isinstance(charge, str))
    print(f"classifier: trained on {len(training):,} lines ({data.classes} classes) and predicted "
          f"{len(data.unknown):,} in {elapsed:.3f} s (median of {args.repeat}; target < "
          f"{TARGET_CLASSIFIER_S:.0f} s) {'OK' if elapsed < TARGET_CLASSIFIER_S else 'ABOVE TARGET'}")
    print(f"  training_set (the lines matched by ids) {statistics.median(gather):.3f} s, match_lines (train the "
          f"classifier, predict) {statistics.median(fit_predict):.3f} s")
    print(f"  matched right {right:,}, matched wrong {len(guesses) - right - review:,}, "
          f"sent to review {review:,} (threshold 0.8)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=250)
    parser.add_argument("--days", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=5, help="repetitions per timing (median)")
    parser.add_argument("--classifier-lines", type=int, default=5000)
    parser.add_argument("--skip-demo", action="store_true", help="leave out the demo supplier-months")
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="profile the 5,000-line audit and the demo's costliest audit: their N most "
                             "costly functions")
    args = parser.parse_args(argv)

    ok = True
    with tempfile.TemporaryDirectory(prefix="ccanalysis-bench-audit-") as tmp:
        print("=== a supplier billing per agent and day ===", flush=True)
        ok = agent_day_invoice(Path(tmp) / "agents", args) and ok
        if not args.skip_demo:
            print("\n=== the demo supplier-months 2026-08..10 ===", flush=True)
            ok = demo_months(Path(tmp) / "demo", args) and ok
    print("\n=== the line classifier ===", flush=True)
    classifier(args)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
