"""`ccanalysis accrual ENG --as-of YYYY-MM-DD [--supplier S] [--format table|csv|json] [--lang es|en]`.

The morning run (`ccanalysis.morning.morning`): per supplier, the cost accrued to the as-of date, the projected
close of its billing period with the 80 % band, the plan priced and the month's budget, then the day's alerts
against plan. The alerts are appended to `reports/ENG/alerts.csv` (once per as-of day, with each service's
owner). `--format json` prints one object::

    {engagement, as_of, suppliers: [{supplier, month, accrued_net, projected_net, projected_low,
     projected_high, planned_net, budget, currency, lines: [{service, charge, accrued, projected, planned}]}],
     alerts: [{supplier, service, metric, since, deviation, units, money, driver, basis, unit, volume_effect,
     aht_effect, price_effect}], gaps: [{supplier, what, service, date, file}], not_in_force: [...]}

money as decimal strings, `deviation` a number (fraction of plan); `--format csv` the lines (one row per
supplier, service and charge). Days without data are reported (`gaps`, and a warning line each on stderr),
never read as zero. Wrong usage (an as-of date in the future or outside the data, an unknown supplier):
exit 2.
"""

from __future__ import annotations

import argparse
import sys
from decimal import Decimal
from pathlib import Path

import pandas as pd

from ccanalysis.jsonio import dumps

CSV_COLUMNS = ["supplier", "month", "service", "charge", "accrued", "projected", "planned"]


def add_parser(sub, common) -> None:
    """Add the `accrual` sub-command to `sub`."""
    p = sub.add_parser("accrual", help="the morning run: accrued cost to date, projected close with its band, "
                                       "plan, budget and the day's alerts (written to reports/ENG/alerts.csv)")
    p.add_argument("engagement")
    p.add_argument("--as-of", required=True, dest="as_of", metavar="YYYY-MM-DD", help="the as-of date")
    p.add_argument("--supplier", default=None, help="only this supplier")
    p.add_argument("--lang", choices=("es", "en"), default=None, help="language (default: the engagement's)")
    common(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """`ccanalysis accrual`: the morning run as of a date (accrued cost, projected close, plan, budget,
    alerts appended to reports/ENG/alerts.csv); exit 0."""
    from ccanalysis.config import reports_dir
    from ccanalysis.i18n import check_lang
    from ccanalysis.io.alerts import alerts_path, append_alerts, service_owners
    from ccanalysis.io.cache import Scope, load_cached
    from ccanalysis.morning import check_as_of, check_supplier, morning

    eng = load_cached(args.engagement, root=args.root, scope=Scope(supplier=args.supplier))
    lang = check_lang(args.lang or eng.settings.lang)
    day = check_as_of(eng, args.as_of)
    check_supplier(eng, args.supplier)
    result = morning(eng, day, args.supplier)
    for line in gap_lines(result, lang):
        print(f"ccanalysis accrual: warning: {line}", file=sys.stderr)
    if len(result.alerts):
        append_alerts(alerts_path(reports_dir(eng.id, root=Path(args.root) if args.root else None)), result.alerts,
                      service_owners(eng.contracts, day))
    if args.format == "json":
        print(dumps(json_object(result)))
    elif args.format == "csv":
        sys.stdout.write(lines_csv(result))
    else:
        print(accrual_text(result, lang, {s: eng.contract(s).name for s in eng.suppliers}))
    return 0


def json_object(result) -> dict:
    """The morning result as a JSON object, each alert's deviation a float rounded to 6 places (None when
    missing)."""
    out = result.to_json()
    for alert in out["alerts"]:
        value = alert["deviation"]
        alert["deviation"] = None if value is None or (not isinstance(value, Decimal) and pd.isna(value)) \
            else float(round(Decimal(value), 6))
    return out


def gap_lines(result, lang: str) -> list[str]:
    """One sentence in `lang` per activity or plan gap, by supplier."""
    from ccanalysis.i18n import format_date, sentence

    return [sentence("gap_activity" if gap.what == "activity" else "gap_plan", lang, supplier=supplier,
                     service=gap.service, day=format_date(gap.day, lang), file=gap.file or "")
            for supplier, gap in result.supplier_gaps()]


def _text(value) -> str:
    return "" if value is None or (not isinstance(value, Decimal) and pd.isna(value)) else f"{value:f}"


def lines_csv(result) -> str:
    """CSV text of the accrued, projected and planned money per supplier, month (YYYY-MM), service and
    charge (exact decimals as text)."""
    from ccanalysis.io.writing import csv_text
    from ccanalysis.morning import planned_lines

    rows = [{"supplier": s, "month": p.month, "service": r["service"] or "", "charge": r["charge"],
             "accrued": _text(r["accrued"]), "projected": _text(r["projected"]), "planned": _text(r["planned"])}
            for s, p in result.projections.items() for r in planned_lines(p).to_dict("records")]
    return csv_text(pd.DataFrame(rows, columns=CSV_COLUMNS))


def accrual_text(result, lang: str, names: dict[str, str]) -> str:
    """The terminal rendering, in `lang`: per supplier its figures and lines, then the alerts and gaps."""
    from ccanalysis.i18n import deviations as dw
    from ccanalysis.i18n import format_date, label
    from ccanalysis.morning import planned_lines
    from ccanalysis.report import text

    out = [f"{label('accrual_of', lang)}: {result.engagement}, {label('as_of_date', lang)} "
           f"{format_date(result.as_of, lang)}"]
    for s, p in result.projections.items():
        currency = result.currency.get(s, "EUR")

        def money(value, currency=currency) -> str:
            return text.money(value, lang, currency) if value is not None else "—"

        band = f"{money(p.projected_low)} – {money(p.projected_high)}"
        out += ["", f"{names.get(s, s)} ({s}), {label('month', lang)} {p.month}",
                f"  {label('accrued', lang)}: {money(p.accrued_net)}   {label('projected', lang)}: "
                f"{money(p.projected_net)} ({label('projected_band', lang)}: {band})",
                f"  {label('planned', lang)}: {money(p.planned_net)}   {label('budget', lang)}: "
                f"{money(result.budgets.get(s))}"]
        lines = planned_lines(p)
        table = pd.DataFrame({
            label("service", lang): [r or "" for r in lines["service"]],
            label("charge", lang): lines["charge"],
            label("accrued", lang): [money(v) for v in lines["accrued"]],
            label("projected", lang): [money(v) for v in lines["projected"]],
            label("planned", lang): [money(v) for v in lines["planned"]],
        })
        out += ["  " + row for row in table.to_string(index=False).splitlines()]
    for s in result.not_in_force:
        out += ["", f"{names.get(s, s)} ({s}): {label('not_in_force', lang)}"]
    out += ["", f"{label('alerts', lang)}:"]
    if result.alerts.empty:
        out.append(f"  {label('no_alerts', lang)}")
    for alert in result.alerts.to_dict("records"):
        out.append(f"  {alert['supplier']} {alert['service']}: "
                   f"{dw.describe(alert, lang, result.currency.get(alert['supplier'], 'EUR'))}")
    gaps = gap_lines(result, lang)
    if gaps:
        out += ["", f"{label('gaps', lang)}:"] + [f"  {g}" for g in gaps]
    return "\n".join(out)
