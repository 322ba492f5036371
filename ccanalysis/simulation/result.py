"""Everything the simulator says about one scenario, computed once (pure: a Scenario in, facts out): the
one result `ccanalysis simulate` prints and the simulation report shows.

- comparison: the deterministic comparison on the basis (`compare.compare`);
- montecarlo: the cost distributions (`montecarlo.simulate`, hours of time-paid units by
  `basis.hours_curve`);
- break_even: each candidate against the cheapest on the basis (`cheapest`), for its main price: of the
  candidate's prices, the one its cost is most sensitive to (largest tornado swing) —
  `breakeven.equivalent_price(cheapest, candidate, …)`;
- crossings: the volume and the AHT multiplier (in [0.5, 2]) at which each candidate and the cheapest cost
  the same (`breakeven.crossing`; None when they do not cross); curve: cost against the volume multiplier (×0.7 to ×1.3);
- tornado (`sensitivity.tornado` at the scenario's ± fraction and shrinkage);
- the clauses of every candidate (`clauses`): KPI money, stress test, incentives, rounding leakage.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from ccanalysis.pricing.base import price_label
from ccanalysis.simulation import breakeven, clauses, sensitivity
from ccanalysis.simulation.basis import hours_curve
from ccanalysis.simulation.compare import Comparison, compare_scenario
from ccanalysis.simulation.model import Scenario
from ccanalysis.simulation.montecarlo import MonteCarlo, simulate

#: The volume multipliers of the break-even chart's cost curve (±30 % around the basis).
CURVE_GRID = tuple(round(0.7 + 0.025 * k, 3) for k in range(25))
#: Most draws a run accepts (memory: draws × candidates × months floats).
MAX_DRAWS = 1_000_000
BREAK_EVEN_COLUMNS = ["a", "b", "charge", "key", "price", "current", "target", "cost", "method"]
CROSSING_COLUMNS = ["a", "b", "driver", "multiplier"]
CANDIDATE_COLUMNS = ["candidate", "offer", "supplier", "source", "total", "per_contact", "per_productive_hour",
                     "elasticity_volume", "elasticity_aht", "risk_volume", "risk_aht", "notes", "mean", "sd", "p5",
                     "p50", "p95", "p_cheapest"]


@dataclass(frozen=True)
class SimulationResult:
    """See the module docstring. candidates: the comparison's and the Monte Carlo's figures, one row per
    candidate, ranked by mean cost (then total); cheapest: the candidate cheapest on the basis;
    recommended: the one cheapest in expectation (lowest mean)."""

    scenario: Scenario
    draws: int
    seed: int
    comparison: Comparison
    montecarlo: MonteCarlo
    candidates: pd.DataFrame
    cheapest: str
    recommended: str
    break_even: pd.DataFrame
    crossings: pd.DataFrame
    curve: pd.DataFrame
    tornado: pd.DataFrame
    kpi_money: pd.DataFrame
    stress: clauses.StressTest
    incentives: pd.DataFrame
    leakage: pd.DataFrame

    def to_json(self, engagement: str, describe: Any = None) -> dict[str, Any]:
        """The one JSON object of `ccanalysis simulate --format json` (money Decimal → string by jsonio).
        describe(label_fact) → text words each line (None: no description)."""
        scenario, basis = self.scenario, self.scenario.basis
        lines = self.comparison.lines
        out_candidates = []
        for row in self.candidates.to_dict("records"):
            mine = lines[lines["candidate"] == row["candidate"]]
            row_lines = [{"month": r["month"], "line": int(r["line"]), "charge": r["charge"],
                          "tier": None if pd.isna(r["tier"]) else int(r["tier"]), "kind": r["kind"],
                          "quantity": r["quantity"], "unit": r["unit"], "unit_price": r["unit_price"],
                          "amount": r["amount"], **({"description": describe(r["label"])} if describe else {})}
                         for r in mine.to_dict("records")]
            out_candidates.append({**{k: row[k] for k in CANDIDATE_COLUMNS if k not in ("sd",)},
                                   "notes": list(row["notes"]), "lines": row_lines})
        stress = self.stress
        return {
            "engagement": engagement, "scenario": scenario.id, "service": scenario.service,
            "supplier": scenario.supplier,
            "basis": {"kind": basis.kind, "months": list(basis.months), "handled": self.comparison.handled,
                      "productive_hours": self.comparison.productive_hours,
                      "logged_hours": self.comparison.logged_hours, "hours_source": basis.hours_source},
            "draws": self.draws, "seed": self.seed, "cheapest": self.cheapest, "recommended": self.recommended,
            "candidates": out_candidates,
            "break_even": _records(self.break_even),
            "crossings": _records(self.crossings),
            "tornado": _records(self.tornado),
            "offers": {"kpi_money": _records(self.kpi_money),
                       "stress_test": {"bands": _records(stress.bands), "limits": _records(stress.limits),
                                       "net": _records(stress.net)},
                       "incentives": _records(self.incentives), "rounding_leakage": _records(self.leakage)},
        }


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{k: (list(v) if isinstance(v, tuple) else v) for k, v in row.items()} for row in frame.to_dict("records")]


def main_price(tornado: pd.DataFrame, candidate) -> tuple[str, tuple] | None:
    """(charge id, price path) of the candidate's price with the largest tornado swing; None: no price."""
    rows = tornado[(tornado["candidate"] == candidate.id) & (tornado["driver"] == "price")]
    if rows.empty:
        return None
    best = rows.assign(s=rows["swing"].astype(float)).sort_values("s", ascending=False, kind="stable").iloc[0]
    charge = breakeven.charge_of(candidate, best["charge"])
    path = next(p for p in breakeven.price_paths(charge) if price_label(p) == best["price"])
    return best["charge"], path


def run(scenario: Scenario, *, draws: int | None = None, seed: int | None = None) -> SimulationResult:
    """Every figure of the scenario (draws / seed: the file's when None)."""
    draws = scenario.draws if draws is None else draws
    seed = scenario.seed if seed is None else seed
    if not 1 <= draws <= MAX_DRAWS:
        raise ValueError(f"draws: must be from 1 to {MAX_DRAWS:,}, got {draws}")
    basis, candidates = scenario.basis, scenario.candidates
    curve_fn = hours_curve(basis, scenario.staffing)
    comparison = compare_scenario(scenario)
    mc = simulate(candidates, basis, scenario.uncertainty, draws=draws, seed=seed, hours_curve=curve_fn)
    frame = comparison.candidates.merge(mc.summary, on="candidate", how="left")
    frame = frame.assign(_m=frame["mean"].astype(float), _t=frame["total"].astype(float))
    frame = frame.sort_values(["_m", "_t"], kind="stable").drop(columns=["_m", "_t"]).reset_index(drop=True)
    totals = comparison.candidates.assign(_t=comparison.candidates["total"].astype(float))
    cheapest = str(totals.sort_values("_t", kind="stable").iloc[0]["candidate"])
    recommended = str(frame.iloc[0]["candidate"])
    tornado = sensitivity.tornado(candidates, basis, fraction=scenario.sensitivity_fraction,
                                  shrinkage=scenario.staffing.shrinkage, hours_curve=curve_fn)
    by_id = {c.id: c for c in candidates}
    a = by_id[cheapest]
    even, crossings = [], []
    for candidate in candidates:
        if candidate.id == cheapest:
            continue
        found = main_price(tornado, candidate)
        if found is not None:
            charge_id, path = found
            eq = breakeven.equivalent_price(a, candidate, basis, charge_id, key=path)
            even.append({"a": cheapest, "b": candidate.id, "charge": charge_id, "key": eq.key, "price": eq.price,
                         "current": breakeven.price_at(breakeven.charge_of(candidate, charge_id), path),
                         "target": eq.target, "cost": eq.cost, "method": eq.method})
        for driver in breakeven.DRIVERS:
            crossings.append({"a": cheapest, "b": candidate.id, "driver": driver,
                              "multiplier": breakeven.crossing(a, candidate, basis, driver=driver,
                                                               hours_curve=curve_fn)})
    curve = breakeven.cost_curve(candidates, basis, driver="volume", multipliers=CURVE_GRID, hours_curve=curve_fn)
    return SimulationResult(
        scenario=scenario, draws=draws, seed=seed, comparison=comparison, montecarlo=mc,
        candidates=frame[CANDIDATE_COLUMNS], cheapest=cheapest, recommended=recommended,
        break_even=pd.DataFrame(even, columns=BREAK_EVEN_COLUMNS),
        crossings=pd.DataFrame(crossings, columns=CROSSING_COLUMNS), curve=curve, tornado=tornado,
        kpi_money=clauses.kpi_clause_money(candidates, basis), stress=clauses.stress_test(candidates, basis),
        incentives=clauses.incentives(candidates, basis), leakage=clauses.rounding_leakage(candidates, basis))
