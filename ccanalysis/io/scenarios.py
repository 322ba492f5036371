"""Reading scenario files: `parameters/ENG/scenarios/NAME.yaml` (README "Scenario files").

`load_scenario(eng, name)` reads the file with the strict YAML reader (`io.yamlio`: exact numbers,
duplicate keys are errors), checks it (`simulation.scenario.parse_spec`), reads the candidates' contract
files (relative to `parameters/ENG/`) and a forecast file (relative to the project root), builds the basis
(`simulation.basis`) and returns the `Scenario`; every problem is raised once as an `EngagementError`
naming the file and key path. It writes nothing.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ccanalysis.errors import EngagementError, Problem, UsageError
from ccanalysis.io.yamlio import load_yaml
from ccanalysis.simulation import basis as basis_builder
from ccanalysis.simulation.model import Scenario, Staffing
from ccanalysis.simulation.scenario import ScenarioSpec, build_scenario, parse_spec

SCENARIO_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
FORECAST_FILE_COLUMNS = ("date", "interval_start", "offered", "aht_s")


def scenarios_dir(eng) -> Path:
    """The engagement's scenarios folder: parameters/ENG/scenarios."""
    return eng.parameters_dir() / "scenarios"


def list_scenarios(eng) -> list[str]:
    """The names of the engagement's scenario files, in order."""
    folder = scenarios_dir(eng)
    return sorted(p.stem for p in folder.glob("*.yaml") if p.is_file()) if folder.is_dir() else []


def _shown(eng, path: Path) -> str:
    try:
        return path.resolve().relative_to(Path(eng.root).resolve()).as_posix()
    except ValueError:
        return str(path)


def _inside(base: Path, relative: str) -> Path | None:
    """`relative` under `base`, or None when it leaves it (an absolute path, `..`)."""
    path = (base / relative).resolve()
    try:
        path.relative_to(base.resolve())
    except ValueError:
        return None
    return path


class _Missing(EngagementError):
    """A referenced file that is not there (reported at the scenario's key path)."""


def load_scenario(eng, name: str) -> Scenario:
    """The scenario `name` of engagement `eng` (a loaded `Engagement`). UsageError for a name that is no
    scenario file (listing the ones there are); EngagementError listing every problem of the file."""
    if not isinstance(name, str) or not SCENARIO_NAME.fullmatch(name):
        raise UsageError(f"scenario name {name!r} is not a file name: letters, digits, '_' and '-'")
    path = scenarios_dir(eng) / f"{name}.yaml"
    if not path.is_file():
        known = ", ".join(list_scenarios(eng)) or "none"
        raise UsageError(f"no scenario {name!r}: {_shown(eng, path)} does not exist (scenarios of {eng.id}: {known})")
    file = _shown(eng, path)
    spec = parse_spec(load_yaml(path, file), file)
    params = eng.parameters_dir()

    def read_contract(relative: str) -> tuple[object, str]:
        target = _inside(params, relative)
        if target is None or not target.is_file():
            where = f"{_shown(eng, params)}/{relative}"
            raise _Missing([Problem(file=file, message=f"no such contract file {where}: write a path relative to "
                                    f"{_shown(eng, params)}/ (e.g. contracts/{eng.suppliers[0]}.yaml)")])
        shown = _shown(eng, target)
        return load_yaml(target, shown), shown

    def build(spec: ScenarioSpec, supplier: str | None, staffing: Staffing):
        return _basis(eng, spec, supplier, staffing, file)

    return build_scenario(spec, name=name, file=file, contracts=eng.contracts, currency=eng.settings.currency,
                          read_contract=read_contract, build_basis=build)


def _basis(eng, spec: ScenarioSpec, supplier: str | None, staffing: Staffing, file: str):
    basis = spec.basis
    if basis.historic is not None:
        return basis_builder.historic_basis(eng, supplier, spec.service, basis.historic.months, staffing, file=file)
    forecast = basis.forecast
    assert forecast is not None
    if forecast.file is not None:
        intervals, problems = read_forecast_file(eng, forecast.file, file)
        if problems:
            return None, problems
    else:
        intervals = basis_builder.forecast_intervals(
            forecast.start, forecast.months, forecast.daily_volume, forecast.aht_s, growth=forecast.growth,
            weekly=forecast.weekly.factors(), intraday=forecast.intraday)
    return basis_builder.forecast_basis(intervals, spec.service, staffing, holidays=eng.holidays,
                                        supplier=supplier), []


def read_forecast_file(eng, relative: str, file: str) -> tuple[pd.DataFrame | None, list[Problem]]:
    """An interval forecast file (CSV: date, interval_start HH:MM, offered ≥ 0, aht_s > 0), relative to the
    project root; (frame, []) or (None, problems naming the file, row and column)."""
    key = "basis.forecast.file"
    target = _inside(Path(eng.root), relative)
    if target is None or not target.is_file():
        return None, [Problem(file=file, column=key, value=relative,
                              message="no such forecast file: write a CSV path relative to the project root "
                              f"(e.g. data/{eng.id}/forecast.csv)")]
    shown = _shown(eng, target)
    try:
        frame = pd.read_csv(target, dtype={"interval_start": str})
    except (ValueError, OSError) as exc:
        return None, [Problem(file=shown, message=f"cannot read the CSV: {exc}")]
    missing = [c for c in FORECAST_FILE_COLUMNS if c not in frame.columns]
    if missing:
        return None, [Problem(file=shown, message=f"missing column(s) {', '.join(missing)} (expected "
                              f"{', '.join(FORECAST_FILE_COLUMNS)})")]
    problems: list[Problem] = []
    dates = pd.to_datetime(frame["date"], format="%Y-%m-%d", errors="coerce")
    for column, bad, what in (
        ("date", dates.isna(), "a date YYYY-MM-DD"),
        ("interval_start", ~frame["interval_start"].astype(str).str.fullmatch(r"([01]\d|2[0-3]):[0-5]\d"),
         "an interval start HH:MM"),
        ("offered", ~(pd.to_numeric(frame["offered"], errors="coerce") >= 0), "a volume ≥ 0"),
        ("aht_s", ~(pd.to_numeric(frame["aht_s"], errors="coerce") > 0), "seconds > 0"),
    ):
        for index in frame.index[bad][:20]:
            problems.append(Problem(file=shown, row=int(index) + 2, column=column, value=frame.at[index, column],
                                    message=f"expected {what}"))
    if problems:
        return None, problems
    out = pd.DataFrame({"date": dates, "interval_start": frame["interval_start"].astype(str),
                        "offered": pd.to_numeric(frame["offered"]).astype(float),
                        "aht_s": pd.to_numeric(frame["aht_s"]).astype(float)})
    return out.sort_values(["date", "interval_start"], kind="stable").reset_index(drop=True), []
