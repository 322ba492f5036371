"""The payment-model simulation report (`notebooks/simulation.ipynb`): the candidates of one scenario file compared.

The page is the registry `SECTIONS`, built in order by `simulation_sections(eng, scenario, draws, seed,
lang)`; each section is a function `(eng, scenario: str, draws: int | None, seed: int | None, lang) ->
Section` (draws/seed None: the scenario file's own) returning words in `lang` only. Adding a section = one
function here decorated with `@section(name, description)` (its words in `i18n/report.py`, its test); the
notebook needs no change.

`check_scenario_parameters` is the one validation of the parameters, shared by `ccanalysis report
--scenario` (before any kernel starts) and the notebook's first cell; `simulation_header` /
`simulation_title` are the page's header and title in the report's language.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pandas as pd

from ccanalysis.engagement import Engagement
from ccanalysis.errors import UsageError
from ccanalysis.i18n import check_lang, format_money, format_number, format_percent, label, sentence
from ccanalysis.i18n import domain as words
from ccanalysis.i18n import simulation as w
from ccanalysis.registry import Registry
from ccanalysis.report.section import Section, SectionRecord, Sections, build_sections, section_decorator

#: Where an engagement's scenario files are: parameters/ENG/scenarios/NAME.yaml.
SCENARIOS_FOLDER = "scenarios"
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")

SECTIONS: Registry[SectionRecord] = Registry("simulation section", "sections", key="section")
section = section_decorator(SECTIONS)


# --------------------------------------------------------------------------- the page
def scenario_path(eng: Engagement, name: str) -> Path:
    """The scenario file: parameters/ENG/scenarios/NAME.yaml."""
    return eng.parameters_dir() / SCENARIOS_FOLDER / f"{name}.yaml"


def available_scenarios(eng: Engagement) -> list[str]:
    """The names of the engagement's scenario files (parameters/ENG/scenarios/*.yaml), sorted."""
    folder = eng.parameters_dir() / SCENARIOS_FOLDER
    return sorted(p.stem for p in folder.glob("*.yaml") if p.is_file()) if folder.is_dir() else []


def check_scenario_parameters(eng: Engagement, scenario: str, draws: int | None, seed: int | None,
                              lang: str) -> None:
    """UsageError (one line) for a scenario that has no file (listing the ones
    there are), draws below 1 or a negative seed; ValueError for an unknown language."""
    check_lang(lang)
    if not isinstance(scenario, str) or not _NAME.fullmatch(scenario) or not scenario_path(eng, scenario).is_file():
        there = available_scenarios(eng)
        folder = (Path("parameters") / eng.id / SCENARIOS_FOLDER).as_posix()
        raise UsageError(f"no scenario {scenario!r} in engagement {eng.id} (a file {folder}/NAME.yaml); "
                         f"scenarios: {', '.join(there) or 'none'}")
    if draws is not None and (isinstance(draws, bool) or not isinstance(draws, int) or draws < 1):
        raise UsageError(f"draws must be a whole number of at least 1, got {draws!r}")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or seed < 0):
        raise UsageError(f"seed must be a whole number of at least 0, got {seed!r}")


def simulation_header(eng: Engagement, scenario: str, lang: str) -> dict:
    """The page header's facts (labelled by `report/html.py` in `lang`): engagement, client, scenario."""
    return {"engagement": eng.id, "client": eng.settings.client, "scenario": scenario}


def simulation_title(eng: Engagement, scenario: str, lang: str) -> str:
    """The simulation report's title in `lang`: "<simulation report> — client — scenario"."""
    return f"{label('simulation_report', lang)} — {eng.settings.client} — {scenario}"


def simulation_sections(eng: Engagement, scenario: str, draws: int | None, seed: int | None, lang: str) -> Sections:
    """Every registered section of the simulation report, in registry order."""
    return build_sections(SECTIONS, eng, scenario, draws, seed, lang)


# --------------------------------------------------------------------------- the figures, computed once a page
_CACHE: dict[tuple, object] = {}


def _key(eng: Engagement, scenario: str) -> tuple:
    path = scenario_path(eng, scenario)
    return (str(eng.root), eng.id, scenario, path.stat().st_mtime_ns if path.is_file() else None)


def _scenario(eng: Engagement, scenario: str):
    """The parsed scenario (`io.scenarios.load_scenario`: the scenario reader's errors), once per file version."""
    from ccanalysis.io.scenarios import load_scenario

    key = ("scenario", *_key(eng, scenario))
    if key not in _CACHE:
        _CACHE.clear() if len(_CACHE) > 8 else None
        _CACHE[key] = load_scenario(eng, scenario)
    return _CACHE[key]


def _result(eng: Engagement, scenario: str, draws: int | None, seed: int | None):
    """Every figure of the scenario (`simulation.result.run`), computed once for all the page's sections."""
    from ccanalysis.simulation.result import run

    key = ("result", *_key(eng, scenario), draws, seed)
    if key not in _CACHE:
        _CACHE[key] = run(_scenario(eng, scenario), draws=draws, seed=seed)
    return _CACHE[key]


def _money(value, lang: str, currency: str) -> str:
    if value is None or (not isinstance(value, Decimal) and pd.isna(value)):
        return ""
    return format_money(value, lang, currency)


def _number(value, lang: str, places: int = 2) -> str:
    if value is None or (not isinstance(value, Decimal) and pd.isna(value)):
        return ""
    return format_number(Decimal(str(value)), lang, places)


def _candidate_name(row, lang: str) -> str:
    return f"{row['candidate']} ({w.word('kind_offer', lang)})" if bool(row["offer"]) else str(row["candidate"])


def _driver(driver: str, charge, price, lang: str) -> str:
    if driver != "price" or charge is None:
        return w.code(driver, lang)
    return f"{charge}: {w.price_key(price, lang)}"


# --------------------------------------------------------------------------- charts (matplotlib, inline SVG)
def _axes(title: str, height: float = 3.4):
    """A horizontal-bar figure: room for labels on the left, 0.55 in for the axis and its label below."""
    import matplotlib.pyplot as plt

    from ccanalysis.report.figures import STYLE

    height = max(2.4, height)
    with plt.rc_context({**STYLE, "figure.subplot.left": 0.26, "figure.subplot.bottom": 0.55 / height,
                         "figure.subplot.top": 1 - 0.4 / height}):
        fig, ax = plt.subplots(figsize=(8.0, height))
    ax.set_title(title, loc="left")
    plt.close(fig)
    return fig, ax


def _money_axis(axis, lang: str) -> None:
    from matplotlib.ticker import FuncFormatter

    axis.set_major_formatter(FuncFormatter(lambda v, _: format_number(Decimal(str(round(v))), lang, 0)))


def distribution_figure(frame: pd.DataFrame, lang: str):
    """P5–P95 bar and mean dot per candidate (ranked by mean, cheapest on top)."""
    from ccanalysis.report.figures import PALETTE

    fig, ax = _axes(w.word("section_distribution", lang), 0.9 + 0.45 * len(frame))
    names = [_candidate_name(r, lang) for r in frame.to_dict("records")][::-1]
    rows = frame.iloc[::-1]
    y = range(len(rows))
    low, high = rows["p5"].astype(float), rows["p95"].astype(float)
    ax.barh(list(y), (high - low).to_list(), left=low.to_list(), height=0.45, color=PALETTE[5], alpha=0.45,
            label=w.word("p5_p95", lang))
    ax.plot(rows["mean"].astype(float).to_list(), list(y), "o", color=PALETTE[0], label=w.word("mean", lang))
    ax.set_yticks(list(y), names)
    _money_axis(ax.xaxis, lang)
    ax.set_xlabel(w.word("cost_axis", lang))
    ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=2)
    return fig


def tornado_figure(rows: pd.DataFrame, base: float, candidate: str, lang: str):
    """Low and high cost of each driver around the basis cost, largest swing on top."""
    from ccanalysis.report.figures import PALETTE

    fig, ax = _axes(f"{w.word('section_tornado', lang)} — {candidate}", 0.9 + 0.42 * len(rows))
    rows = rows.iloc[::-1]
    y = list(range(len(rows)))
    for index, (low, high) in enumerate(zip(rows["low_cost"].astype(float), rows["high_cost"].astype(float),
                                            strict=True)):
        ax.barh(index, low - base, left=base, height=0.5, color=PALETTE[0])
        ax.barh(index, high - base, left=base, height=0.5, color=PALETTE[1])
    ax.axvline(base, color="#444444", linewidth=0.8)
    ax.set_yticks(y, [_driver(d, c, p, lang) for d, c, p in zip(rows["driver"], rows["charge"], rows["price"],
                                                                   strict=True)])
    _money_axis(ax.xaxis, lang)
    ax.set_xlabel(w.word("cost_axis", lang))
    return fig


def break_even_figure(curve: pd.DataFrame, crossings: pd.DataFrame, cheapest: str, lang: str):
    """Cost against the volume multiplier per candidate; the volume crossings with the cheapest marked."""
    import matplotlib.pyplot as plt
    import numpy as np
    from matplotlib.ticker import FuncFormatter

    from ccanalysis.report.figures import STYLE

    with plt.rc_context({**STYLE, "figure.subplot.right": 0.72, "figure.subplot.bottom": 0.16}):
        fig, ax = plt.subplots(figsize=(8.0, 3.8))
    plt.close(fig)
    ax.set_title(w.word("section_break_even", lang), loc="left")
    x = curve["multiplier"].astype(float)
    for column in curve.columns[1:]:
        ax.plot(x, curve[column].astype(float), label=str(column), linewidth=2.2 if column == cheapest else 1.3)
    volume = crossings[(crossings["driver"] == "volume") & crossings["multiplier"].notna()]
    for row in volume.to_dict("records"):
        m = float(row["multiplier"])
        cost = float(np.interp(m, x.to_numpy(), curve[cheapest].astype(float).to_numpy()))
        ax.plot([m], [cost], "kx", markersize=8)
        ax.annotate(f"{w.word('crossing_mark', lang)} ×{format_number(Decimal(str(round(m, 2))), lang, 2)}",
                    (m, cost), textcoords="offset points", xytext=(4, -12), fontsize=7)
    ax.axvline(1.0, color="#888888", linewidth=0.8, linestyle="--")
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: "×" + format_number(Decimal(str(round(v, 2))), lang, 1)))
    _money_axis(ax.yaxis, lang)
    ax.set_xlabel(w.word("multiplier_axis", lang))
    ax.set_ylabel(w.word("cost_axis", lang))
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return fig


# --------------------------------------------------------------------------- sections
@section("simulation_summary", "which candidate costs least on the basis and in expectation, with what risk")
def simulation_summary_section(eng: Engagement, scenario: str, draws: int | None, seed: int | None,
                               lang: str) -> Section:
    """Two sentences for a finance director, and the headline figures."""
    result = _result(eng, scenario, draws, seed)
    cur = eng.settings.currency
    frame = result.candidates.set_index("candidate")
    cheapest, best = frame.loc[result.cheapest], frame.loc[result.recommended]
    months = ", ".join(result.scenario.basis.months)
    text = w.sentence("summary_basis", lang, months=months, cheapest=result.cheapest,
                      total=_money(cheapest["total"], lang, cur), draws=format_number(result.draws, lang, 0),
                      recommended=result.recommended, mean=_money(best["mean"], lang, cur), p5=_money(best["p5"], lang, cur),
                      p95=_money(best["p95"], lang, cur), p_cheapest=format_percent(best["p_cheapest"], lang),
                      risk_volume=w.code(best["risk_volume"], lang), risk_aht=w.code(best["risk_aht"], lang))
    ranked = result.candidates.assign(_t=result.candidates["total"].astype(float)).sort_values("_t", kind="stable")
    if len(ranked) > 1:
        second = ranked.iloc[1]
        even = result.break_even.set_index("b")
        if second["candidate"] in even.index:
            row = even.loc[second["candidate"]]
            price = w.word("no_price", lang) if row["price"] is None or pd.isna(row["price"]) else \
                format_number(row["price"], lang, 4)
            text += "\n\n" + w.sentence("summary_next", lang, second=second["candidate"],
                                        gap=_money(second["total"] - cheapest["total"], lang, cur),
                                        charge=f"{row['charge']}: {w.price_key(row['key'], lang)}", price=price,
                                        current=words.price(row["current"], lang))
    headline = [(w.word("cheapest_on_basis", lang), f"{result.cheapest}: {_money(cheapest['total'], lang, cur)}", False),
                (w.word("cheapest_expected", lang), f"{result.recommended}: {_money(best['mean'], lang, cur)}", False),
                (w.word("p_cheapest", lang), format_percent(best["p_cheapest"], lang), False)]
    return Section(w.word("section_summary", lang), text, headline, [], [],
                   {"cheapest": result.cheapest, "recommended": result.recommended,
                    "draws": result.draws, "seed": result.seed})


@section("candidates", "the scenario's candidates and offers: id, where each is defined, its charges' models")
def candidates_section(eng: Engagement, scenario: str, draws: int | None, seed: int | None, lang: str) -> Section:
    """The candidates and RFP offers of the scenario (parsed by `io.scenarios.load_scenario`), each with
    where it is defined and the payment model (and unit) of each of its charges."""
    parsed = _scenario(eng, scenario)
    rows = []
    for candidate in parsed.candidates:
        models = [sentence("model_of_unit", lang, model=words.model_name(str(c.get("model")), lang),
                           unit=words.unit_name(str(c["unit"]), lang)) if c.get("unit")
                  else words.model_name(str(c.get("model")), lang) for c in candidate.service.charges]
        name = f"{candidate.id} ({candidate.supplier})" if candidate.offer and candidate.supplier else candidate.id
        rows.append({label("candidate", lang): name,
                     label("kind", lang): label("offer" if candidate.offer else "candidate", lang),
                     label("origin", lang): label("inline_candidate", lang) if candidate.source == "inline"
                     else candidate.source,
                     label("charge_models", lang): "; ".join(models)})
    narrative = sentence("scenario_narrative", lang, scenario=scenario, service=parsed.service)
    return Section(label("candidates", lang), narrative, [], [("", pd.DataFrame(rows))], [],
                   {"scenario": scenario, "candidates": [c.id for c in parsed.candidates]})


@section("comparison", "deterministic comparison: total, per contact, per productive hour, elasticities, risk")
def comparison_section(eng: Engagement, scenario: str, draws: int | None, seed: int | None, lang: str) -> Section:
    """The deterministic comparison, cheapest first: total (contract currency), per contact, per productive
    hour, elasticities to volume and AHT, risk."""
    result = _result(eng, scenario, draws, seed)
    cur = eng.settings.currency
    frame = result.candidates.assign(_t=result.candidates["total"].astype(float)).sort_values("_t", kind="stable")
    table = pd.DataFrame({
        w.word("candidate", lang): [_candidate_name(r, lang) for r in frame.to_dict("records")],
        w.word("total", lang): [_money(v, lang, cur) for v in frame["total"]],
        w.word("per_contact", lang): [_number(v, lang, 4) for v in frame["per_contact"]],
        w.word("per_productive_hour", lang): [_number(v, lang, 2) for v in frame["per_productive_hour"]],
        w.word("elasticity_volume", lang): [_number(v, lang, 2) for v in frame["elasticity_volume"]],
        w.word("elasticity_aht", lang): [_number(v, lang, 2) for v in frame["elasticity_aht"]],
        w.word("risk_volume", lang): [w.code(v, lang) for v in frame["risk_volume"]],
        w.word("risk_aht", lang): [w.code(v, lang) for v in frame["risk_aht"]],
    })
    notes = [("*", f"{r['candidate']}: {w.code(n, lang)}") for r in frame.to_dict("records") for n in r["notes"]]
    cmp = result.comparison
    headline = [(w.word("handled", lang), format_number(cmp.handled, lang, 0), False),
                (w.word("productive_hours", lang), format_number(cmp.productive_hours, lang, 0), False),
                (w.word("logged_hours", lang), format_number(cmp.logged_hours, lang, 0), False)]
    narrative = w.sentence("comparison_narrative", lang, step=format_percent(cmp.step, lang, 0))
    return Section(w.word("section_comparison", lang), narrative, headline, [("", table)], [], {}, notes)


@section("distribution", "Monte Carlo: cost distribution per candidate (P5–P95, mean) and probability cheapest")
def distribution_section(eng: Engagement, scenario: str, draws: int | None, seed: int | None, lang: str) -> Section:
    """The Monte Carlo cost distribution per candidate (mean, P5, P50, P95 in the contract currency) and the
    probability of being cheapest (percent)."""
    result = _result(eng, scenario, draws, seed)
    cur = eng.settings.currency
    frame = result.candidates
    table = pd.DataFrame({
        w.word("candidate", lang): [_candidate_name(r, lang) for r in frame.to_dict("records")],
        w.word("mean", lang): [_money(v, lang, cur) for v in frame["mean"]],
        w.word("p5", lang): [_money(v, lang, cur) for v in frame["p5"]],
        w.word("p50", lang): [_money(v, lang, cur) for v in frame["p50"]],
        w.word("p95", lang): [_money(v, lang, cur) for v in frame["p95"]],
        w.word("p_cheapest", lang): [format_percent(v, lang) for v in frame["p_cheapest"]],
    })
    narrative = w.sentence("distribution_narrative", lang, draws=format_number(result.draws, lang, 0),
                           seed=result.seed)
    return Section(w.word("section_distribution", lang), narrative, [], [("", table)],
                   [distribution_figure(frame, lang)], {})


@section("tornado", "the recommended candidate's cost against ± x % of each driver (chart and table)")
def tornado_section(eng: Engagement, scenario: str, draws: int | None, seed: int | None, lang: str) -> Section:
    """The recommended candidate's cost at ± the scenario's sensitivity fraction of each driver: low, high
    and swing in the contract currency."""
    result = _result(eng, scenario, draws, seed)
    cur = eng.settings.currency
    rows = result.tornado[result.tornado["candidate"] == result.recommended].reset_index(drop=True)
    fraction = format_percent(result.scenario.sensitivity_fraction, lang, 0)
    table = pd.DataFrame({
        w.word("driver", lang): [_driver(d, c, p, lang) for d, c, p in zip(rows["driver"], rows["charge"],
                                                                             rows["price"], strict=True)],
        w.word("low_cost", lang).replace("x %", fraction): [_money(v, lang, cur) for v in rows["low_cost"]],
        w.word("high_cost", lang).replace("x %", fraction): [_money(v, lang, cur) for v in rows["high_cost"]],
        w.word("swing", lang): [_money(v, lang, cur) for v in rows["swing"]],
    })
    base = float(rows["base_cost"].iloc[0]) if not rows.empty else 0.0
    moving = rows[rows["swing"].astype(float) > 0]
    figures = [tornado_figure(moving, base, result.recommended, lang)] if not moving.empty else []
    narrative = w.sentence("tornado_narrative", lang, candidate=result.recommended, fraction=fraction)
    return Section(w.word("section_tornado", lang), narrative, [], [("", table)], figures, {})


@section("break_even", "cost against volume with crossings marked; equivalent prices against the cheapest")
def break_even_section(eng: Engagement, scenario: str, draws: int | None, seed: int | None, lang: str) -> Section:
    """Cost against volume with the crossings marked, and each charge's price at which a candidate costs as
    much as the cheapest."""
    result = _result(eng, scenario, draws, seed)
    even, crossings = result.break_even, result.crossings
    prices = pd.DataFrame({
        w.word("candidate", lang): even["b"],
        w.word("charge", lang): even["charge"],
        w.word("price_key", lang): [w.price_key(k, lang) for k in even["key"]],
        w.word("current_price", lang): [words.price(v, lang) for v in even["current"]],
        w.word("equivalent_price", lang): [w.word("no_price", lang) if v is None or pd.isna(v)
                                           else format_number(v, lang, 4) for v in even["price"]],
    })
    cross = pd.DataFrame({
        w.word("candidate", lang): crossings["b"],
        w.word("driver", lang): [w.code(d, lang) for d in crossings["driver"]],
        w.word("multiplier", lang): [w.word("no_crossing", lang) if v is None or pd.isna(v)
                                     else "×" + format_number(Decimal(str(round(float(v), 3))), lang, 3)
                                     for v in crossings["multiplier"]],
    })
    narrative = w.sentence("break_even_narrative", lang, cheapest=result.cheapest)
    return Section(w.word("section_break_even", lang), narrative, [],
                   [(w.word("equivalent_price", lang), prices), (w.word("table_crossings", lang), cross)],
                   [break_even_figure(result.curve, crossings, result.cheapest, lang)], {})


def _definition(definition: str, lang: str) -> str:
    if definition == "own":
        return w.code("own", lang)
    return words.kpi_definition("service_level", definition, lang)


@section("offers", "RFP offers side by side; KPI clauses as money under their own and every service-level variant")
def offers_section(eng: Engagement, scenario: str, draws: int | None, seed: int | None, lang: str) -> Section:
    """The RFP offers side by side (total, mean, P5–P95, probability cheapest) and their KPI clauses in
    money under each service-level variant."""
    result = _result(eng, scenario, draws, seed)
    cur = eng.settings.currency
    offers = result.candidates[result.candidates["offer"].astype(bool)]
    side = pd.DataFrame({
        w.word("candidate", lang): offers["candidate"],
        w.word("bidder", lang): offers["supplier"],
        w.word("total", lang): [_money(v, lang, cur) for v in offers["total"]],
        w.word("mean", lang): [_money(v, lang, cur) for v in offers["mean"]],
        w.word("p5_p95", lang): [f"{_money(a, lang, cur)} – {_money(b, lang, cur)}" for a, b in zip(offers["p5"], offers["p95"],
                                                                                       strict=True)],
        w.word("p_cheapest", lang): [format_percent(v, lang) for v in offers["p_cheapest"]],
        w.word("risk_bearer", lang): [f"{w.code(a, lang)} / {w.code(b, lang)}"
                                      for a, b in zip(offers["risk_volume"], offers["risk_aht"], strict=True)],
    })
    tables = [("", side)]
    money = result.kpi_money
    if money.empty:
        narrative = w.sentence("offers_narrative", lang) + "\n\n" + w.word("no_sla_offers", lang)
    else:
        narrative = w.sentence("offers_narrative", lang)
        rows = []
        for (candidate, definition), group in money.groupby(["candidate", "definition"], sort=False):
            computable = group["status"] != "variant_not_computable"
            amount = sum((v for v in group.loc[computable, "amount"] if v is not None), Decimal(0))
            rows.append({w.word("candidate", lang): candidate,
                         w.word("definition", lang): _definition(definition, lang)
                         + (f" ({w.code('own', lang)})" if bool(group["own"].any()) and definition != "own" else ""),
                         w.word("amount", lang): _money(amount, lang, cur) if computable.all()
                         else w.code("variant_not_computable", lang)})
        tables.append((w.word("table_kpi_money", lang), pd.DataFrame(rows)))
    return Section(w.word("section_offers", lang), narrative, [], tables, [], {})


@section("stress_test", "contract stress test (bands, caps, limits, net), incentives and rounding leakage")
def stress_section(eng: Engagement, scenario: str, draws: int | None, seed: int | None, lang: str) -> Section:
    """The contract stress test (bands, caps, limits, net), the incentives and the rounding leakage."""
    result = _result(eng, scenario, draws, seed)
    cur = eng.settings.currency
    stress = result.stress
    tables = []
    if not stress.bands.empty:
        bands = stress.bands
        tables.append((w.word("table_bands", lang), pd.DataFrame({
            w.word("candidate", lang): bands["candidate"],
            w.word("rule", lang): [words.kpi_name(k, lang) for k in bands["kpi"]],
            w.word("status", lang): [w.code(c, lang) + ("" if pd.isna(b) else f" {int(b)}")
                                     for c, b in zip(bands["code"], bands["band"], strict=True)],
            w.word("months", lang): bands["months"],
            w.word("amount", lang): [_money(v, lang, cur) for v in bands["amount"]]})))
    if not stress.limits.empty:
        limits = stress.limits
        tables.append((w.word("table_limits", lang), pd.DataFrame({
            w.word("candidate", lang): limits["candidate"],
            w.word("clause", lang): [w.code(c, lang) for c in limits["code"]],
            w.word("months_binding", lang): [w.code("other_services", lang) if m is None or pd.isna(m)
                                             else f"{int(m)} / {int(n)}"
                                             for m, n in zip(limits["months_binding"], limits["months"], strict=True)],
            w.word("amount", lang): [_money(v, lang, cur) for v in limits["amount"]]})))
    net = stress.net
    tables.append((w.word("table_net", lang), pd.DataFrame({
        w.word("candidate", lang): net["candidate"],
        w.word("charges", lang): [_money(v, lang, cur) for v in net["charges"]],
        w.word("charge_limits", lang): [_money(v, lang, cur) for v in net["charge_limits"]],
        w.word("true_ups", lang): [_money(v, lang, cur) for v in net["true_ups"]],
        w.word("sla", lang): [_money(v, lang, cur) for v in net["sla"]],
        w.word("net", lang): [_money(v, lang, cur) for v in net["net"]]})))
    inc = result.incentives
    tables.append((w.word("table_incentives", lang), pd.DataFrame({
        w.word("candidate", lang): inc["candidate"],
        w.word("incentive_aht", lang): [f"{_money(v, lang, cur)} ({w.code(s, lang)})"
                                        for v, s in zip(inc["incentive_aht"], inc["aht_sign"], strict=True)],
        w.word("incentive_volume", lang): [f"{_money(v, lang, cur)} ({w.code(s, lang)})"
                                           for v, s in zip(inc["incentive_volume"], inc["volume_sign"], strict=True)],
    })))
    leak = result.leakage
    narrative = w.sentence("stress_narrative", lang)
    if leak.empty:
        narrative += "\n\n" + w.word("no_leakage", lang)
    else:
        tables.append((w.word("table_leakage", lang), pd.DataFrame({
            w.word("candidate", lang): leak["candidate"], w.word("month", lang): leak["month"],
            w.word("charge", lang): leak["charge"],
            w.word("amount_rounded", lang): [_money(v, lang, cur) for v in leak["amount_rounded"]],
            w.word("amount_exact", lang): [_money(v, lang, cur) for v in leak["amount_exact"]],
            w.code("leakage", lang).capitalize(): [_money(v, lang, cur) if c == "leakage" else w.code(c, lang)
                                      for v, c in zip(leak["leakage"], leak["code"], strict=True)]})))
    return Section(w.word("section_stress", lang), narrative, [], tables, [], {})
