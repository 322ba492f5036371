"""The sections of the cargos month report (`notebooks/cargos_month.ipynb`): one registry, `SECTIONS`, built
in one call by `cargos_sections(eng, month, lang)` — how the month's charges were classified (and the review
queue), what the validation found, what to do with each charge (owner, deadline, triage), the KPIs with
their definitions, and the forecast with its backtest error. And the Excel dispute pack of one retailer's
month (`write_retailer_pack`, through the audit's pack writer). Every word in `lang` (`i18n/cargos.py`)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd

from ccanalysis.cargos import CHARGE_TYPES
from ccanalysis.cargos import kpis as cargo_kpis
from ccanalysis.cargos import workbook as cargos
from ccanalysis.cargos.classify import review_queue
from ccanalysis.cargos.resolution import FIGHT_MULTIPLE, to_decide
from ccanalysis.disputes import AT_RISK_DAYS
from ccanalysis.engagement import Engagement
from ccanalysis.i18n import cargos as words
from ccanalysis.i18n import check_lang, format_date, format_money, format_number, format_percent
from ccanalysis.i18n import disputes as dispute_words
from ccanalysis.money import ZERO, exact_sum
from ccanalysis.periods import month_days
from ccanalysis.registry import Registry
from ccanalysis.report.section import Section, SectionRecord, Sections, build_sections, section_decorator

SECTIONS: Registry[SectionRecord] = Registry("cargos section", "sections", key="section")
section = section_decorator(SECTIONS)
#: Rows shown in a report's long tables (the CSV of `ccanalysis cargos --month` has them all).
SHOWN_ROWS = 25


def check_cargos_parameters(eng: Engagement, month: str, lang: str) -> None:
    """ValueError (one line) for a bad language or month, or an engagement without cargos agreements."""
    check_lang(lang)
    cargos.require_cargos(eng)
    cargos.month_end(month)


def cargos_sections(eng: Engagement, month: str, lang: str) -> Sections:
    """Every registered section of the cargos report of `month`, in registry order."""
    return build_sections(SECTIONS, eng, month, lang)


def _flags(frame: pd.DataFrame, flags: list[bool]) -> pd.Series:
    """`flags` as a boolean mask of `frame`'s rows (an empty list would select no column, not no row)."""
    return pd.Series(flags, index=frame.index, dtype=bool)


def _money(value: Any, lang: str) -> str:
    return format_money(value, lang) if isinstance(value, Decimal) else ""


def _sum(values: Any) -> Decimal:
    return exact_sum(v for v in values if isinstance(v, Decimal))


def _view(eng: Engagement, month: str) -> tuple[cargos.CargosView, pd.DataFrame]:
    v = cargos.view(eng, cargos.month_end(month))
    return v, cargos.month_charges(v, month)


def _fact(value: object, lang: str) -> str:
    if isinstance(value, (list, tuple, set)):
        return ", ".join(_fact(v, lang) for v in value)
    if isinstance(value, Decimal):
        exponent = value.as_tuple().exponent
        return format_number(value, lang, max(0, -exponent) if isinstance(exponent, int) else 2)
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return format_date(date.fromisoformat(value), lang)
        except ValueError:
            return value
    return str(value)


def _evidence(evidence: object, lang: str) -> str:
    """A validation's evidence (a dict of facts, keyed by code) as `name: value` pairs in `lang`, values that
    are codes worded too (`words.evidence_value`); empty facts left out."""
    if not isinstance(evidence, Mapping):
        return ""
    return "; ".join(f"{words.evidence_key(k, lang)}: {_fact(words.evidence_value(k, v, lang), lang)}"
                     for k, v in evidence.items()
                     if v is not None and v != [] and v != "")


@section("classification", "how the month's charges were classified, and the review queue")
def classification_section(eng: Engagement, month: str, lang: str) -> Section:
    """The month's charges by how they were classified, and the review queue (least confident first)."""
    _, charges = _view(eng, month)
    title = words.heading("classification_title", lang)
    methods = charges["method"].value_counts()
    order = ["human", "reference", "rule", "learned", "review"]
    table = pd.DataFrame({
        words.heading("method", lang): [words.method_name(m, lang) for m in order],
        words.heading("count", lang): [format_number(int(methods.get(m, 0)), lang, 0) for m in order],
        words.heading("amount", lang): [format_money(_sum(charges.loc[charges["method"] == m, "amount"]), lang)
                                        for m in order]})
    queue = review_queue(charges).head(SHOWN_ROWS)
    shown = pd.DataFrame({
        words.heading("retailer", lang): queue["retailer"], words.heading("document", lang): queue["document_id"],
        words.heading("description", lang): queue["description"],
        words.heading("amount", lang): [_money(a, lang) for a in queue["amount"]],
        words.heading("suggested", lang): [words.type_name(t, lang) for t in queue["suggested_type"]],
        words.heading("confidence", lang): ["" if c is None or pd.isna(c) else format_number(c, lang, 2)
                                            for c in queue["confidence"]]})
    review = int(methods.get("review", 0))
    narrative = words.sentence("classification_narrative", lang,
                               threshold=format_number(eng.settings.cargos.review_threshold, lang, 2),
                               charges=format_number(len(charges), lang, 0), review=format_number(review, lang, 0))
    share = review / len(charges) if len(charges) else 0.0
    return Section(title, narrative,
                   [(words.heading("charges", lang), format_number(len(charges), lang, 0), False),
                    (words.heading("review_queue", lang), format_percent(share, lang, 1), share > 0.2)],
                   [("", table), (words.heading("review_queue", lang), shown)], [],
                   {"charges": len(charges), "review": review})


@section("validation", "what the validation found per type, and the invalid charges")
def validation_section(eng: Engagement, month: str, lang: str) -> Section:
    """The month's charges per type with their verdicts, and the invalid ones with reason and evidence."""
    _, charges = _view(eng, month)
    rows = []
    for kind in [t for t in CHARGE_TYPES if (charges["type"] == t).any()] + (
            [None] if charges["type"].isna().any() else []):
        part = charges[charges["type"].isna()] if kind is None else charges[charges["type"] == kind]
        verdicts = part["verdict"].value_counts()
        rows.append({words.heading("type", lang): words.type_name(kind, lang) or words.method_name("review", lang),
                     words.heading("count", lang): format_number(len(part), lang, 0),
                     words.heading("amount", lang): format_money(_sum(part["amount"]), lang),
                     words.heading("invalid_amount", lang): format_money(_sum(part["invalid_amount"]), lang),
                     **{words.verdict_name(v, lang): format_number(int(verdicts.get(v, 0)), lang, 0)
                        for v in ("valid", "invalid", "partly_valid", "needs_evidence")}})
    invalid = charges[_flags(charges, [isinstance(v, Decimal) and v > 0 for v in charges["invalid_amount"]])]
    invalid = invalid.assign(_i=[float(v) for v in invalid["invalid_amount"]]).sort_values("_i", ascending=False)
    top = invalid.head(SHOWN_ROWS)
    detail = pd.DataFrame({
        words.heading("retailer", lang): top["retailer"], words.heading("document", lang): top["document_id"],
        words.heading("type", lang): [words.type_name(t, lang) for t in top["type"]],
        words.heading("amount", lang): [_money(a, lang) for a in top["amount"]],
        words.heading("invalid_amount", lang): [_money(a, lang) for a in top["invalid_amount"]],
        words.heading("check", lang): [words.check_name(c, lang) for c in top["check"]],
        words.heading("evidence", lang): [_evidence(e, lang) for e in top["evidence"]]})
    total_invalid, total = _sum(charges["invalid_amount"]), _sum(charges["amount"])
    narrative = words.sentence("validation_narrative", lang, invalid=format_money(total_invalid, lang),
                               amount=format_money(total, lang))
    return Section(words.heading("validation_title", lang), narrative,
                   [(words.heading("invalid_amount", lang), format_money(total_invalid, lang), total_invalid > 0)],
                   [("", pd.DataFrame(rows)), (words.verdict_name("invalid", lang), detail)], [],
                   {"invalid_amount": total_invalid, "charged": total, "invalid_charges": len(invalid)})


@section("resolution", "what to do with each disputable charge: owner, deadline, win rate, triage")
def resolution_section(eng: Engagement, month: str, lang: str) -> Section:
    """The charges the month must decide (`resolution.to_decide`: the month's undecided ones and older
    undecided ones whose deadline is within AT_RISK_DAYS), the disputable ones listed with owner, deadline,
    win rate, expected recovery and triage; the triage counts are of the month's charges."""
    v, charges = _view(eng, month)
    start, end = month_days(month)
    pending = v.charges[to_decide(v.charges, start, end, v.as_of)]
    positive = _flags(pending, [isinstance(d, Decimal) and d > 0 for d in pending["disputable"]])
    disputable = pending[positive | (pending["verdict"] == "needs_evidence")]
    disputable = disputable.assign(_d=[float(d) if isinstance(d, Decimal) else 0.0 for d in disputable["disputable"]])
    top = disputable.sort_values("_d", ascending=False).head(SHOWN_ROWS)
    table = pd.DataFrame({
        words.heading("retailer", lang): top["retailer"], words.heading("document", lang): top["document_id"],
        words.heading("type", lang): [words.type_name(t, lang) or words.method_name("review", lang)
                                      for t in top["type"]],
        words.heading("owner", lang): [words.owner_name(o, lang) for o in top["owner"]],
        words.heading("invalid_amount", lang): [_money(a, lang) for a in top["disputable"]],
        words.heading("status", lang): [dispute_words.status_name(s, lang) if isinstance(s, str)
                                        else words.heading("undecided", lang) for s in top["status"]],
        words.heading("deadline", lang): [format_date(d, lang) if d is not None and not pd.isna(d) else ""
                                          for d in top["deadline"]],
        words.heading("win_rate", lang): [format_percent(r, lang, 0) for r in top["win_rate"]],
        words.heading("expected_recovery", lang): [_money(a, lang) for a in top["expected_recovery"]],
        words.heading("triage", lang): [words.triage_name(t, lang) for t in top["triage"]]})
    triage = charges["triage"].value_counts()
    fight = _sum(charges.loc[charges["triage"] == "fight", "disputable"])
    at_risk = int(pending["at_risk"].astype(bool).sum())
    older = int((pd.to_datetime(pending["issue_date"]).dt.date < start).sum())
    narrative = words.sentence("resolution_narrative", lang, multiple=FIGHT_MULTIPLE,
                               cost=format_money(Decimal(eng.settings.cargos.handling_cost), lang),
                               open=format_number(len(pending), lang, 0),
                               month_open=format_number(len(pending) - older, lang, 0),
                               older=format_number(older, lang, 0), days=AT_RISK_DAYS,
                               risk=format_number(at_risk, lang, 0))
    counts = pd.DataFrame({words.heading("triage", lang): [words.triage_name(t, lang) for t in triage.index],
                           words.heading("count", lang): [format_number(int(n), lang, 0) for n in triage.to_numpy()]})
    return Section(words.heading("resolution_title", lang), narrative,
                   [(words.triage_name("fight", lang), format_money(fight, lang), False),
                    (words.heading("at_risk", lang), format_number(at_risk, lang, 0), at_risk > 0)],
                   [("", counts), ("", table)], [],
                   {"to_fight": fight, "at_risk": at_risk, "undecided": len(pending),
                    "undecided_of_month": len(pending) - older, "undecided_older_closing": older,
                    "triage": {str(k): int(n) for k, n in triage.items()}})


@section("kpis", "every cargos KPI with its definition, the month and the twelve months to its end")
def cargos_kpi_section(eng: Engagement, month: str, lang: str) -> Section:
    """Every cargos KPI of the month and of the twelve months to its end, all retailers and each."""
    v, _ = _view(eng, month)
    tables = []
    results: dict[str, Any] = {}
    results_12m: dict[str, Any] = {}
    for retailer in [None, *sorted(eng.cargo_agreements)]:
        rows = cargos.month_kpis(eng, v, month, retailer)
        tables.append((eng.cargo_agreements[retailer].name if retailer else eng.settings.client, pd.DataFrame({
            words.heading("kpi", lang): [words.kpi_name(r["kpi"], lang) for r in rows],
            words.heading("month", lang): [words.kpi_text(r["value"], r["unit"], lang) for r in rows],
            words.heading("last_12", lang): [words.kpi_text(r["value_12m"], r["unit"], lang) for r in rows],
            words.heading("definition", lang): [words.kpi_definition(r["kpi"], lang) for r in rows]})))
        results[retailer or "all"] = {r["kpi"]: r["value"] for r in rows}
        results_12m[retailer or "all"] = {r["kpi"]: r["value_12m"] for r in rows}
    end = cargos.month_end(month)
    wins = cargo_kpis.by_group(v.charges, v.register, cargos.windows(eng), "win_rate",
                               start=cargos.twelve_months_to(end), end=end)
    wins = wins[wins["denominator"] > 0]
    if len(wins):
        tables.append((f"{words.kpi_name('win_rate', lang)} — {words.heading('last_12', lang)}", pd.DataFrame({
            words.heading("retailer", lang): wins["retailer"],
            words.heading("type", lang): [words.type_name(t, lang) for t in wins["type"]],
            words.heading("value", lang): [words.kpi_text(x, "fraction", lang) for x in wins["value"]],
            words.heading("count", lang): [format_number(int(n), lang, 0) for n in wins["denominator"]]})))
    headline = [(words.kpi_name(r, lang), words.kpi_text(results["all"][r], unit, lang), False)
                for r, unit in (("cargos_of_sales", "fraction"), ("days_deductions_outstanding", "days"),
                                ("invalid_rate", "fraction"))]
    return Section(words.heading("kpis_title", lang), words.sentence("kpis_narrative", lang), headline, tables, [],
                   {"kpis": results, "kpis_12m": results_12m})


@section("forecast", "the forecast of the next months per retailer, its interval and the backtest error")
def forecast_section(eng: Engagement, month: str, lang: str) -> Section:
    """The forecast after the month per retailer (figure) and type (table), with the backtest error."""
    from ccanalysis.cargos.forecast import LEVEL, monthly
    from ccanalysis.report import figures

    v, _ = _view(eng, month)
    frame, backtest = cargos.month_forecast(eng, v, month)
    history = monthly(v.charges.assign(type=v.charges["type"].fillna("unidentified")), month)
    figs, tables = [], []
    totals = frame.groupby(["retailer", "month"])[["forecast", "low", "high"]].sum().reset_index()
    for retailer, part in totals.groupby("retailer", sort=True):
        past = history[retailer].sum(axis=1) if retailer in history.columns.get_level_values(0) else pd.Series()
        months = [*past.index, *part["month"]]
        pad = [None] * len(past)
        figs.append(figures.forecast_band(
            months, [*past.tolist(), *[None] * len(part)], [*pad[:-1], float(past.iloc[-1]) if len(past) else None,
                                                           *part["forecast"]],
            [*pad, *part["low"]], [*pad, *part["high"]], lang, eng.cargo_agreements[retailer].name,
            labels=(words.heading("charges", lang), words.heading("forecast", lang),
                    f"{format_percent(LEVEL, lang, 0)}")))
    by_type = frame.groupby(["retailer", "type"])[["forecast", "low", "high"]].sum().reset_index()
    basis = frame.groupby(["retailer", "type"])["basis"].agg(lambda b: "calendar" if (b == "calendar").any()
                                                             else "model").reset_index()
    by_type = by_type.merge(basis, on=["retailer", "type"])
    tables.append(("", pd.DataFrame({
        words.heading("retailer", lang): by_type["retailer"],
        words.heading("type", lang): [words.type_name(t, lang) for t in by_type["type"]],
        words.heading("forecast", lang): [format_money(Decimal(str(round(x, 2))), lang) for x in by_type["forecast"]],
        words.heading("low", lang): [format_money(Decimal(str(round(x, 2))), lang) for x in by_type["low"]],
        words.heading("high", lang): [format_money(Decimal(str(round(x, 2))), lang) for x in by_type["high"]],
        words.heading("basis", lang): [words.heading(b, lang) for b in by_type["basis"]]})))
    months_n = int(eng.settings.cargos.forecast_months)
    narrative = words.sentence(
        "forecast_narrative", lang, months=months_n, level=format_percent(LEVEL, lang, 0),
        mape="" if backtest is None else format_percent(backtest.mape, lang, 1),
        mae="" if backtest is None else format_money(Decimal(str(round(backtest.mae, 2))), lang))
    total = float(frame["forecast"].sum())
    return Section(words.heading("forecast_title", lang), narrative,
                   [(words.heading("forecast", lang), format_money(Decimal(str(round(total, 2))), lang), False)],
                   tables, figs,
                   {"forecast_total": round(total, 2),
                    "backtest": None if backtest is None else {"mae": round(backtest.mae, 2),
                                                               "mape": round(backtest.mape, 4),
                                                               "coverage": round(backtest.coverage, 4)}})


# --------------------------------------------------------------------------- the dispute pack
def write_retailer_pack(eng: Engagement, v: cargos.CargosView, retailer: str, month: str, path: Path,
                        lang: str) -> tuple[int, Decimal]:
    """The Excel dispute pack of `retailer`'s charges issued in `month` with something to dispute (invalid
    amount > 0): a summary sheet, then one sheet per type (document, dates, description, reference, amount,
    valid, invalid, reason, evidence, deadline, total). Returns (charges in the pack, Σ to dispute)."""
    from ccanalysis.io.dispute_pack import PackSheet, write_pack

    agreement = eng.cargo_agreements[retailer]
    charges = cargos.month_charges(v, month, retailer)
    charges = charges[_flags(charges, [isinstance(d, Decimal) and d > 0 for d in charges["invalid_amount"]])]
    total = _sum(charges["invalid_amount"])
    h = words.heading
    by_type = [(t, charges[charges["type"] == t]) for t in CHARGE_TYPES if (charges["type"] == t).any()]
    summary = PackSheet(
        h("summary_sheet", lang), f"{h('pack_heading', lang)} — {agreement.name}",
        [(h("retailer", lang), agreement.name), (h("month", lang), month),
         (h("charges", lang), len(charges)), (h("amount", lang), _sum(charges["amount"])),
         (h("to_dispute", lang), total)],
        [h("type", lang), h("count", lang), h("amount", lang), h("to_dispute", lang)],
        [[words.type_name(t, lang), len(part), _sum(part["amount"]), _sum(part["invalid_amount"])]
         for t, part in by_type])
    columns = [h("document", lang), h("issue_date", lang), h("description", lang), h("reference", lang),
               h("amount", lang), h("valid_amount", lang), h("invalid_amount", lang), h("check", lang),
               h("evidence", lang), h("deadline", lang)]
    sheets = [summary]
    for kind, part in by_type:
        rows = [[str(c["document_id"]), pd.Timestamp(c["issue_date"]).date(), c["description"],
                 c["reference"] if isinstance(c.get("reference"), str) else None, c["amount"],
                 c["valid_amount"] if isinstance(c["valid_amount"], Decimal) else None, c["invalid_amount"],
                 words.check_name(c["check"], lang), _evidence(c["evidence"], lang),
                 c["deadline"] if c["deadline"] is not None and not pd.isna(c["deadline"]) else None]
                for c in part.to_dict("records")]
        sheets.append(PackSheet(words.type_name(kind, lang).capitalize(), columns=columns, rows=rows, wrap_from=9,
                                total=(6, h("total", lang), 7, _sum(part["invalid_amount"]))))
    write_pack(path, sheets, currency=agreement.currency, lang=lang)
    return len(charges), total if total else ZERO
