"""`ccanalysis billing-care`: a billing-inquiry service's month — what drives the calls, what the discounts
cost and which break the policy, and whether discounts retain the customers who threatened to cancel.

    ccanalysis billing-care ENG --supplier S --month M [--service ID] [--as-of YYYY-MM-DD]
                            [--table drivers|repeats|growing|outliers|discounts|findings|retention|net_value]
                            [--lang es|en] [--format table|csv|json]
"""

from __future__ import annotations

import argparse
from dataclasses import asdict
from datetime import date
from typing import TYPE_CHECKING, Any

import pandas as pd

from ccanalysis.errors import UsageError
from ccanalysis.io.writing import csv_text
from ccanalysis.jsonio import dumps

if TYPE_CHECKING:
    from ccanalysis.engagement import Engagement

#: The tables of `--table` (and the CSV), in the order the table format prints them.
TABLES = ("drivers", "repeats", "growing", "outliers", "discounts", "discounts_by_agent", "discounts_by_month",
          "findings", "retention", "net_value")
GROWTH_THRESHOLD = 0.20
NET_VALUE_HORIZON_DAYS = 90


def billing_services(eng: Engagement, supplier: str, month: str) -> list[Any]:
    """The supplier's services in `month` with a `billing_care:` block in their contract."""
    contract = eng.contract(supplier)
    return [s for s in contract.services_for(eng.period(supplier, month)) if getattr(s, "billing_care", None)]


def _table(eng: Engagement, name: str) -> pd.DataFrame:
    from ccanalysis.io.schemas import TABLES as SPECS

    return eng.table(name) if name in SPECS else pd.DataFrame()


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{k: (None if v is pd.NA else v) for k, v in row.items()} for row in frame.to_dict("records")]


def data_as_of(contacts: pd.DataFrame, customers: pd.DataFrame) -> date | None:
    """The last day the data is known to cover: the latest contact day or churn date (the customers file was
    extracted on or after both), so a horizon ending by then is observed."""
    days = list(pd.to_datetime(contacts["start"]).dt.date) if len(contacts) else []
    if "churn_date" in customers.columns:
        days += [pd.Timestamp(d).date() for d in customers["churn_date"].dropna()]
    return max(days) if days else None


def month_facts(eng: Engagement, supplier: str, month: str, *, service: str | None = None,
                as_of: date | None = None, draws: int | None = None) -> dict[str, Any]:
    """The billing-care month of one service (the JSON of `--format json`, keys in README "Billing care")."""
    from ccanalysis.billing_care import discounts as dc
    from ccanalysis.billing_care import drivers
    from ccanalysis.billing_care import retention as rt

    services = billing_services(eng, supplier, month)
    if service is not None:
        services = [s for s in services if s.id == service]
    if not services:
        raise UsageError(f"{supplier} has no billing-care service{f' {service!r}' if service else ''} in {month} "
                         f"(a service with a `billing_care:` block in contracts/{supplier}.yaml)")
    chosen = services[0]
    period = eng.period(supplier, month)
    contacts = eng.table("contacts")
    mine = contacts[(contacts["supplier"] == supplier) & (contacts["service"] == chosen.id)]
    mine = mine[pd.to_datetime(mine["start"]).dt.date <= period.end]
    if "reason" not in mine.columns or mine.empty:
        raise UsageError(f"{supplier}/{chosen.id} has no contact records with a `reason` up to {period.end} "
                         f"(data/{eng.id}/contacts/)")
    customers, bills = _table(eng, "customers"), _table(eng, "bills")
    if "reason" in mine.columns:
        mine = mine.assign(reason=mine["reason"].fillna("other"))
    policy = dc.policy_from_settings(chosen.billing_care)
    months = drivers.month_column(mine)
    this = mine[months == month]

    # drivers
    per_1000 = drivers.contacts_per_1000_bills(mine, bills)
    flags = drivers.repeat_flags(mine, "repeat_7d")
    repeats = []
    for name in drivers.REPEAT_DEFINITIONS.names():
        rates = drivers.repeat_rates(mine, name, by=("month",))
        row = rates[rates["month"] == month]
        repeats.append({"definition": name, "window_days": drivers.REPEAT_DEFINITIONS.get(name).window_days,
                        "contacts": int(row["contacts"].sum()), "repeats": int(row["repeats"].sum()),
                        "rate": float(row["rate"].iloc[0]) if len(row) else None})
    followed = this.assign(followed=flags.loc[this.index, "followed"])
    growing = drivers.growing_reasons(per_1000, month, threshold=GROWTH_THRESHOLD)
    outliers = {"agents": _records(drivers.outliers(followed, "agent_id", "followed")) if "agent_id" in followed
                else [], "reasons": _records(drivers.outliers(followed, "reason", "followed"))}
    issued = drivers.bills_by_month(bills)
    bills_month = int(issued[month]) if month in issued.index else None

    # discounts
    granted = dc.discounts(mine)
    granted_month = granted[granted["month"] == month]
    findings = dc.policy_findings(granted, policy, month)

    # retention
    as_of = as_of or data_as_of(mine, customers) or period.end
    cohort = rt.cohort(mine, customers, end=period.end, reasons=policy.retention_reasons) \
        if len(customers) else rt.cohort(mine.iloc[0:0], pd.DataFrame(columns=["customer_id", "monthly_margin"]),
                                         end=period.end)
    margin_edges = rt.default_margin_edges(cohort)
    bands = {"tenure_edges_months": rt.TENURE_EDGES_MONTHS, "margin_edges": margin_edges}
    horizons = []
    for h in rt.HORIZONS_DAYS:
        raw = rt.raw_comparison(cohort, h, as_of)
        horizons.append({"horizon_days": h, "raw": asdict(raw),
                         "matched": asdict(rt.matched_comparison(cohort, h, as_of, **bands)),
                         "ipw": asdict(rt.ipw_comparison(cohort, h, as_of, draws=draws or rt.BOOTSTRAP_DRAWS))})
    net = {by: _records(rt.net_value(cohort, NET_VALUE_HORIZON_DAYS, as_of, by, **bands))
           for by in ("reason", "agent_id")}
    return {
        "engagement": eng.id, "supplier": supplier, "month": month, "service": chosen.id, "period_end": period.end, "as_of": as_of,
        "observational": True,
        "definitions": {
            "repeat": {n: drivers.REPEAT_DEFINITIONS.get(n).window_days for n in drivers.REPEAT_DEFINITIONS.names()},
            "growth_threshold": GROWTH_THRESHOLD, "retention_reasons": list(policy.retention_reasons),
            "horizons_days": list(rt.HORIZONS_DAYS), "tenure_edges_months": list(rt.TENURE_EDGES_MONTHS),
            "margin_edges": list(margin_edges), "value_basis": rt.value_basis(customers) if len(customers) else None,
            "margin_months": rt.MARGIN_MONTHS, "net_value_horizon_days": NET_VALUE_HORIZON_DAYS,
            "propensity_clip": rt.CLIP, "bootstrap_draws": draws or rt.BOOTSTRAP_DRAWS,
            "bootstrap_seed": rt.BOOTSTRAP_SEED, "repeat_discount_months": policy.repeat_discount_months},
        "drivers": {"contacts": len(this), "bills": bills_month,
                    "per_1000_bills": _records(per_1000[per_1000["month"] <= month]),
                    "repeats": repeats, "growing": _records(growing), "outliers": outliers},
        "discounts": {"totals": dc.totals(granted_month),
                      "by_reason": _records(dc.discount_cost(granted_month, "reason")),
                      "by_agent": _records(dc.discount_cost(granted_month, "agent_id")),
                      "by_month": _records(dc.discount_cost(granted[granted["month"] <= month], "month")),
                      "findings": [asdict(f) for f in findings]},
        "retention": {"cohort": len(cohort), "horizons": horizons, "net_value": net},
    }


# --------------------------------------------------------------------------- display
def tables(facts: dict[str, Any], lang: str, currency: str = "EUR") -> dict[str, pd.DataFrame]:
    """The facts as display tables in `lang`, by `TABLES` name (shared by the command and the report)."""
    from ccanalysis.i18n import billing_care as words
    from ccanalysis.i18n import format_date, format_money, format_number, format_percent

    h = words.heading

    def pct(v: Any, places: int = 1) -> str:
        return "" if v is None or v != v else format_percent(float(v), lang, places)

    def money(v: Any) -> str:
        return format_money(v, lang, currency)

    def interval(low: float, high: float) -> str:
        return "" if low != low else f"{pct(low)} – {pct(high)}"

    month = facts["month"]
    drv, disc, ret = facts["drivers"], facts["discounts"], facts["retention"]
    per = [r for r in drv["per_1000_bills"] if r["month"] == month]
    out = {
        "drivers": pd.DataFrame({
            h("reason", lang): [words.reason_name(r["reason"], lang) for r in per],
            h("contacts", lang): [format_number(r["contacts"], lang, 0) for r in per],
            h("per_1000_bills", lang): ["" if r["per_1000_bills"] != r["per_1000_bills"]
                                        else format_number(r["per_1000_bills"], lang, 2) for r in per]}),
        "repeats": pd.DataFrame({
            h("definition", lang): [words.repeat_definition(r["definition"], lang) for r in drv["repeats"]],
            h("contacts", lang): [format_number(r["contacts"], lang, 0) for r in drv["repeats"]],
            h("repeats", lang): [format_number(r["repeats"], lang, 0) for r in drv["repeats"]],
            h("rate", lang): [pct(r["rate"]) for r in drv["repeats"]]}),
        "growing": pd.DataFrame({
            h("reason", lang): [words.reason_name(r["reason"], lang) for r in drv["growing"]],
            h("per_1000_bills", lang): [f"{format_number(r['per_1000_bills_before'], lang, 2)} → "
                                        f"{format_number(r['per_1000_bills'], lang, 2)}" for r in drv["growing"]],
            h("growth", lang): [pct(r["growth"]) for r in drv["growing"]],
            h("p_value", lang): [format_number(r["p_value"], lang, 4) for r in drv["growing"]],
            h("growing", lang): [h("yes" if r["growing"] else "no", lang) for r in drv["growing"]]}),
    }
    rows = [(h("agent", lang), r["agent_id"], r) for r in drv["outliers"]["agents"] if r["outlier"]] + \
           [(h("reason", lang), words.reason_name(r["reason"], lang), r) for r in drv["outliers"]["reasons"]
            if r["outlier"]]
    out["outliers"] = pd.DataFrame({
        "": [k for k, _, _ in rows], h("agent", lang) + " / " + h("reason", lang): [n for _, n, _ in rows],
        h("contacts", lang): [format_number(r["contacts"], lang, 0) for *_, r in rows],
        h("followed_rate", lang): [pct(r["rate"]) for *_, r in rows],
        h("team_rate", lang): [pct(r["team_rate"]) for *_, r in rows],
        h("p_value", lang): [format_number(r["p_value"], lang, 4) for *_, r in rows]})
    def cost_table(rows: list[dict], key: str, name) -> pd.DataFrame:
        return pd.DataFrame({
            h(key, lang): [name(r) for r in rows],
            h("discounts", lang): [format_number(r["discounts"], lang, 0) for r in rows],
            h("value", lang): [money(r["value"]) for r in rows],
            h("multi_month_value", lang): [money(r["multi_month_value"]) for r in rows],
            h("mean_value", lang): [money(r["mean_value"]) for r in rows]})

    total = {"reason": h("total", lang), **disc["totals"], "mean_value": None}
    out["discounts"] = cost_table(disc["by_reason"] + [total], "reason",
                                  lambda r: r["reason"] if r is total else words.reason_name(r["reason"], lang))
    out["discounts_by_agent"] = cost_table(disc["by_agent"], "agent", lambda r: r["agent_id"] or h("unknown", lang))
    out["discounts_by_month"] = cost_table(disc["by_month"], "month", lambda r: r["month"])
    found = disc["findings"]
    months = facts["definitions"]["repeat_discount_months"]
    out["findings"] = pd.DataFrame({
        h("check", lang): [words.check_name(f["code"], lang) for f in found],
        h("contact", lang): [f["contact_id"] for f in found],
        h("finding", lang): [words.check_sentence(
            f["code"], lang, agent=f["agent_id"] or h("unknown", lang), customer=f["customer_id"] or h("unknown", lang),
            value=money(f["value"]), limit=money(f["limit"]) if f["limit"] is not None else "",
            day=format_date(f["day"], lang), reason=words.reason_name(f["reason"], lang),
            previous_day=format_date(f["previous_day"], lang) if f["previous_day"] else "", months=months)
            for f in found]})
    ret_rows = []
    for item in ret["horizons"]:
        raw = item["raw"]
        ret_rows.append((item["horizon_days"], "raw", raw["discounted"]["rate"], raw["not_discounted"]["rate"],
                         raw["difference"], raw["low"], raw["high"],
                         raw["discounted"]["customers"] + raw["not_discounted"]["customers"], raw["censored"]))
        for method in ("matched", "ipw"):
            e = item[method]
            ret_rows.append((item["horizon_days"], method, e["treated_rate"], e["control_rate"], e["difference"],
                             e["low"], e["high"], e["customers"], raw["censored"]))
    out["retention"] = pd.DataFrame({
        h("horizon", lang): [h("days", lang, days=r[0]) for r in ret_rows],
        h("method", lang): [words.method_name(r[1], lang) for r in ret_rows],
        h("with_discount", lang): [pct(r[2]) for r in ret_rows],
        h("without_discount", lang): [pct(r[3]) for r in ret_rows],
        h("difference", lang): [pct(r[4]) for r in ret_rows],
        h("interval", lang): [interval(r[5], r[6]) for r in ret_rows],
        h("customers", lang): [format_number(r[7], lang, 0) for r in ret_rows],
        h("censored", lang): [format_number(r[8], lang, 0) for r in ret_rows]})
    net_rows = [(h("reason", lang), words.reason_name(r["reason"], lang), r) for r in ret["net_value"]["reason"]] + \
               [(h("agent", lang), r["agent_id"], r) for r in ret["net_value"]["agent_id"]]
    out["net_value"] = pd.DataFrame({
        "": [k for k, _, _ in net_rows], h("agent", lang) + " / " + h("reason", lang): [n for _, n, _ in net_rows],
        h("customers", lang): [format_number(r["customers"], lang, 0) for *_, r in net_rows],
        h("discount_cost", lang): [money(r["discount_cost"]) for *_, r in net_rows],
        h("kept", lang): [format_number(r["kept"], lang, 1) for *_, r in net_rows],
        h("retained_margin", lang): [money(r["retained_margin"]) for *_, r in net_rows],
        h("net", lang): [money(r["net"]) for *_, r in net_rows],
        h("per_euro", lang): ["" if r["per_euro"] != r["per_euro"] else format_number(r["per_euro"], lang, 2)
                              for *_, r in net_rows]})
    return out


def _csv_rows(facts: dict[str, Any], name: str) -> pd.DataFrame:
    """The machine-readable rows of one table (codes and exact values, not display text)."""
    drv, disc, ret = facts["drivers"], facts["discounts"], facts["retention"]
    if name == "drivers":
        return pd.DataFrame(drv["per_1000_bills"])
    if name == "repeats":
        return pd.DataFrame(drv["repeats"])
    if name == "growing":
        return pd.DataFrame(drv["growing"])
    if name == "outliers":
        return pd.concat([pd.DataFrame(drv["outliers"]["agents"]).rename(columns={"agent_id": "group"}).assign(by="agent_id"),
                          pd.DataFrame(drv["outliers"]["reasons"]).rename(columns={"reason": "group"}).assign(by="reason")],
                         ignore_index=True)
    if name == "discounts":
        return pd.DataFrame(disc["by_reason"])
    if name == "discounts_by_agent":
        return pd.DataFrame(disc["by_agent"])
    if name == "discounts_by_month":
        return pd.DataFrame(disc["by_month"])
    if name == "findings":
        return pd.DataFrame(disc["findings"], columns=["code", "contact_id", "customer_id", "agent_id", "day", "reason",
                                                       "value", "limit", "previous_contact_id", "previous_day"])
    if name == "retention":
        rows = []
        for item in ret["horizons"]:
            raw = item["raw"]
            rows.append({"horizon_days": item["horizon_days"], "method": "raw",
                         "treated_rate": raw["discounted"]["rate"], "control_rate": raw["not_discounted"]["rate"],
                         "difference": raw["difference"], "low": raw["low"], "high": raw["high"],
                         "customers": raw["discounted"]["customers"] + raw["not_discounted"]["customers"],
                         "censored": raw["censored"]})
            for method in ("matched", "ipw"):
                e = item[method]
                rows.append({"horizon_days": item["horizon_days"], "method": method, "treated_rate": e["treated_rate"],
                             "control_rate": e["control_rate"], "difference": e["difference"], "low": e["low"],
                             "high": e["high"], "customers": e["customers"], "censored": raw["censored"]})
        return pd.DataFrame(rows)
    return pd.concat([pd.DataFrame(ret["net_value"]["reason"]).rename(columns={"reason": "group"}).assign(by="reason"),
                      pd.DataFrame(ret["net_value"]["agent_id"]).rename(columns={"agent_id": "group"}).assign(by="agent_id")],
                     ignore_index=True)


def run(args: argparse.Namespace) -> int:
    """Print the service's billing-care month (`month_facts`) as tables in the report's language, CSV (one
    table, `--table`, default findings) or JSON; exit code 0."""
    from ccanalysis.engagement import load_cached
    from ccanalysis.i18n import billing_care as words
    from ccanalysis.i18n import check_lang

    eng = load_cached(args.engagement, root=args.root)
    lang = check_lang(args.lang or eng.settings.lang)
    as_of = None
    if args.as_of is not None:
        try:
            as_of = date.fromisoformat(args.as_of)
        except ValueError:
            raise UsageError(f"--as-of: expected a date YYYY-MM-DD (the day the churn data is known to), got "
                             f"{args.as_of!r}") from None
    facts = month_facts(eng, args.supplier, args.month, service=args.service, as_of=as_of, draws=args.draws)
    if args.format == "json":
        print(dumps(facts))
        return 0
    if args.format == "csv":
        print(csv_text(_csv_rows(facts, args.table or "findings")), end="")
        return 0
    shown = tables(facts, lang, eng.contract(args.supplier).currency)
    titles = {"drivers": "per_1000_bills", "repeats": "repeats", "growing": "growing", "outliers": "outlier",
              "discounts": "discounts", "discounts_by_agent": "discounts_by_agent",
              "discounts_by_month": "discounts_by_month", "findings": "findings_title", "retention": "retention_title",
              "net_value": "net_value_title"}
    for name in (args.table,) if args.table else TABLES:
        frame = shown[name]
        print(f"\n{words.heading(titles[name], lang)}")
        print(frame.to_string(index=False) if len(frame) else f"  ({words.heading('none', lang)})")
    print("\n" + words.sentence("retention_observational", lang, seed=facts["definitions"]["bootstrap_seed"]))
    return 0


def add_parser(sub: Any, common: Any) -> None:
    """The `billing-care` sub-command."""
    p = sub.add_parser("billing-care", help="a billing-inquiry service's month: call drivers, discounts against "
                                            "policy, and whether discounts retain")
    p.add_argument("engagement")
    p.add_argument("--supplier", required=True)
    p.add_argument("--month", required=True, help="YYYY-MM")
    p.add_argument("--service", default=None, help="the service (default: the supplier's one with billing_care:)")
    p.add_argument("--as-of", default=None, metavar="YYYY-MM-DD",
                   help="the day churn is known to (default: the latest contact day or churn date in the data)")
    p.add_argument("--table", choices=TABLES, default=None,
                   help="only this table (table format), or the table of --format csv (default findings)")
    p.add_argument("--draws", type=int, default=None, help="bootstrap draws of the propensity-weighted interval "
                                                           "(default 200)")
    p.add_argument("--lang", choices=("es", "en"), default=None)
    common(p)
    p.set_defaults(func=run)
