"""`ccanalysis simulate ENG --scenario NAME [--draws N] [--seed S] [--format table|csv|json] [--lang es|en]`.

Prints the payment-model simulation of `parameters/ENG/scenarios/NAME.yaml` (`simulation.result.run`):
`--format json` the one object of `SimulationResult.to_json()` (money as decimal strings); `--format csv`
the candidates, one row each, ranked by expected cost; the table a readable summary in the language
(candidates ranked by mean cost with P5–P95, probability cheapest and risk bearer, then the break-even
prices, then the tornado's top drivers of the recommended candidate). Writes nothing. A scenario with
errors: exit 1 listing them; an unknown scenario or draws outside 1..1,000,000: exit 2.
"""

from __future__ import annotations

import argparse
import sys
from decimal import Decimal

import pandas as pd

from ccanalysis.jsonio import dumps

CSV_COLUMNS = ["rank", "candidate", "offer", "supplier", "source", "total", "per_contact", "per_productive_hour",
               "elasticity_volume", "elasticity_aht", "risk_volume", "risk_aht", "mean", "p5", "p50", "p95",
               "p_cheapest"]
TORNADO_TOP = 5


def add_parser(sub, common) -> None:
    """Add the `simulate` sub-command to `sub`."""
    p = sub.add_parser("simulate", help="price candidate contracts on the client's activity: cost, risk, "
                                        "Monte Carlo, break-even, tornado, RFP offers")
    p.add_argument("engagement")
    p.add_argument("--scenario", required=True, metavar="NAME", help="parameters/ENG/scenarios/NAME.yaml")
    p.add_argument("--draws", type=int, default=None, help="Monte Carlo draws, 1..1,000,000 (default: the file's)")
    p.add_argument("--seed", type=int, default=None, help="random seed (default: the file's)")
    p.add_argument("--lang", choices=("es", "en"), default=None, help="language (default: the engagement's)")
    common(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """`ccanalysis simulate`: price a scenario's candidate contracts (cost, Monte Carlo, break-even,
    tornado, offers) and print the result; exit 0."""
    from ccanalysis.engagement import load
    from ccanalysis.errors import UsageError
    from ccanalysis.i18n import domain as words
    from ccanalysis.io.scenarios import load_scenario
    from ccanalysis.simulation.result import MAX_DRAWS
    from ccanalysis.simulation.result import run as run_scenario

    if args.draws is not None and not 1 <= args.draws <= MAX_DRAWS:
        raise UsageError(f"--draws must be from 1 to {MAX_DRAWS:,}, got {args.draws}")
    if args.seed is not None and args.seed < 0:
        raise UsageError(f"--seed must be a whole number of at least 0, got {args.seed}")
    eng = load(args.engagement, root=args.root)
    lang = args.lang or eng.settings.lang
    scenario = load_scenario(eng, args.scenario)
    result = run_scenario(scenario, draws=args.draws, seed=args.seed)
    if args.format == "json":
        print(dumps(result.to_json(eng.id, describe=lambda fact: words.describe(fact, lang))))
    elif args.format == "csv":
        sys.stdout.write(candidates_csv(result))
    else:
        print(simulation_text(result, eng.id, lang))
    return 0


def _text(value) -> str:
    if value is None or (not isinstance(value, (Decimal, str, tuple)) and pd.isna(value)):
        return ""
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def candidates_csv(result) -> str:
    """CSV text of the candidates by rank, cheapest first; exact decimals as text."""
    from ccanalysis.io.writing import csv_text

    frame = result.candidates.copy()
    frame.insert(0, "rank", range(1, len(frame) + 1))
    frame = frame.reindex(columns=CSV_COLUMNS)
    for column in CSV_COLUMNS:
        if column != "rank":
            frame[column] = frame[column].map(_text)
    return csv_text(frame)


def simulation_text(result, engagement: str, lang: str) -> str:
    """The terminal rendering in `lang`: header, candidates ranked, break-even prices, tornado top drivers."""
    from ccanalysis.i18n import domain as words
    from ccanalysis.i18n import format_number, format_percent
    from ccanalysis.i18n import simulation as w

    scenario, basis, cmp = result.scenario, result.scenario.basis, result.comparison

    def money(value) -> str:
        return "" if value is None or (not isinstance(value, Decimal) and pd.isna(value)) else words.money(value, lang)

    def number(value, places=4) -> str:
        return "" if value is None or pd.isna(value) else format_number(Decimal(str(value)), lang, places)

    out = [f"{w.word('simulation_of', lang)} {scenario.id} — {engagement}",
           f"{w.word('service', lang)}: {scenario.service}; {w.word('supplier_label', lang)}: {scenario.supplier}",
           f"{w.word('basis', lang)}: {w.code(basis.kind, lang)} {', '.join(basis.months)}; "
           f"{w.word('handled', lang)} {format_number(cmp.handled, lang, 0)}; "
           f"{w.word('productive_hours', lang)} {format_number(cmp.productive_hours, lang, 1)}; "
           f"{w.word('logged_hours', lang)} {format_number(cmp.logged_hours, lang, 1)} "
           f"({w.word('hours_source', lang).lower()}: {w.code(basis.hours_source, lang)})",
           f"{w.word('draws', lang)}: {format_number(result.draws, lang, 0)}; {w.word('seed', lang)}: {result.seed}",
           ""]
    frame = result.candidates
    table = pd.DataFrame({
        w.word("rank", lang): range(1, len(frame) + 1),
        w.word("candidate", lang): [f"{c} ({w.word('offer', lang).lower()})" if o else c
                                    for c, o in zip(frame["candidate"], frame["offer"], strict=True)],
        w.word("mean", lang): [money(v) for v in frame["mean"]],
        w.word("p5_p95", lang): [f"{money(a)} – {money(b)}" for a, b in zip(frame["p5"], frame["p95"], strict=True)],
        w.word("p_cheapest", lang): [format_percent(v, lang) for v in frame["p_cheapest"]],
        w.word("total", lang): [money(v) for v in frame["total"]],
        w.word("per_contact", lang): [number(v) for v in frame["per_contact"]],
        w.word("risk_bearer", lang): [f"{w.code(a, lang)} / {w.code(b, lang)}"
                                      for a, b in zip(frame["risk_volume"], frame["risk_aht"], strict=True)],
    })
    out += [table.to_string(index=False), ""]
    for row in frame.itertuples():
        for note in row.notes:
            out.append(f"  {row.candidate}: {w.code(note, lang)}")
    even = result.break_even
    if not even.empty:
        out += ["", f"{w.word('section_break_even', lang)} ({w.word('against', lang).lower()} {result.cheapest}):"]
        table = pd.DataFrame({
            w.word("candidate", lang): even["b"], w.word("charge", lang): even["charge"],
            w.word("price_key", lang): even["key"],
            w.word("current_price", lang): [words.price(v, lang) for v in even["current"]],
            w.word("equivalent_price", lang): [w.word("no_price", lang) if v is None or pd.isna(v)
                                               else words.price(v, lang) for v in even["price"]],
        })
        out.append(table.to_string(index=False))
    top = result.tornado[result.tornado["candidate"] == result.recommended].head(TORNADO_TOP)
    if not top.empty:
        fraction = format_percent(result.scenario.sensitivity_fraction, lang, 0)
        out += ["", f"{w.word('section_tornado', lang)}: {result.recommended} (±{fraction})"]
        table = pd.DataFrame({
            w.word("driver", lang): [w.code(d, lang) + (f" {c} {k}" if c else "")
                                     for d, c, k in zip(top["driver"], top["charge"], top["price"], strict=True)],
            w.word("low_cost", lang).replace("x %", fraction): [money(v) for v in top["low_cost"]],
            w.word("high_cost", lang).replace("x %", fraction): [money(v) for v in top["high_cost"]],
            w.word("swing", lang): [money(v) for v in top["swing"]],
        })
        out.append(table.to_string(index=False))
    return "\n".join(out)
