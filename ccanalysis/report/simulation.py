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
from pathlib import Path

import pandas as pd

from ccanalysis.engagement import Engagement
from ccanalysis.errors import InputError, UsageError
from ccanalysis.i18n import check_lang, label, sentence
from ccanalysis.i18n import domain as words
from ccanalysis.io.yamlio import load_yaml
from ccanalysis.registry import Registry
from ccanalysis.report.section import Section, SectionRecord, Sections, build_sections, section_decorator

#: Where an engagement's scenario files are: parameters/ENG/scenarios/NAME.yaml.
SCENARIOS_FOLDER = "scenarios"
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")

SECTIONS: Registry[SectionRecord] = Registry("simulation section", "sections", key="section")
section = section_decorator(SECTIONS)


# --------------------------------------------------------------------------- the page
def scenario_path(eng: Engagement, name: str) -> Path:
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
    return f"{label('simulation_report', lang)} — {eng.settings.client} — {scenario}"


def simulation_sections(eng: Engagement, scenario: str, draws: int | None, seed: int | None, lang: str) -> Sections:
    """Every registered section of the simulation report, in registry order."""
    return build_sections(SECTIONS, eng, scenario, draws, seed, lang)


# --------------------------------------------------------------------------- sections
@section("candidates", "the scenario's candidates and offers: id, where each is defined, its charges' models")
def candidates_section(eng: Engagement, scenario: str, draws: int | None, seed: int | None, lang: str) -> Section:
    """The candidates and RFP offers of the scenario file, each with where it is defined and the payment
    model (and unit) of each of its charges, read from the file as written."""
    data, shown = _read(eng, scenario_path(eng, scenario))
    service = data.get("service")
    rows, listed = [], []
    for key, kind in (("candidates", "candidate"), ("offers", "offer")):
        entries = data.get(key) or []
        if not isinstance(entries, list):
            raise InputError(f"{shown}: {key}: must be a list of candidates, each with an id")
        for i, entry in enumerate(entries):
            where = f"{key}[{i}]"
            if not isinstance(entry, dict) or not entry.get("id"):
                raise InputError(f"{shown}: {where}.id: every candidate needs an id")
            charges, origin = _charges(eng, entry, service, shown, where)
            models = [sentence("model_of_unit", lang, model=words.model_name(str(c.get("model")), lang),
                               unit=words.unit_name(str(c["unit"]), lang)) if c.get("unit")
                      else words.model_name(str(c.get("model")), lang) for c in charges]
            name = str(entry["id"]) if kind == "candidate" else f"{entry['id']} ({entry.get('supplier', '')})"
            rows.append({label("candidate", lang): name, label("kind", lang): label(kind, lang),
                         label("origin", lang): origin or label("inline_candidate", lang),
                         label("charge_models", lang): "; ".join(models)})
            listed.append(str(entry["id"]))
    if not listed:
        raise InputError(f"{shown}: candidates: the scenario lists no candidate; add at least one under candidates")
    narrative = sentence("scenario_narrative", lang, scenario=scenario, service=service or "")
    return Section(label("candidates", lang), narrative, [], [("", pd.DataFrame(rows))], [],
                   {"scenario": scenario, "candidates": listed})


def _read(eng: Engagement, path: Path) -> tuple[dict, str]:
    shown = path.relative_to(eng.root).as_posix() if path.is_relative_to(eng.root) else str(path)
    data = load_yaml(path, shown)
    if not isinstance(data, dict):
        raise InputError(f"{shown}: a scenario file is a mapping of keys (service, basis, candidates…)")
    return data, shown


def _charges(eng: Engagement, entry: dict, service: object, shown: str, where: str) -> tuple[list[dict], str]:
    """A candidate's charges as written, and the contract file it refers to ('' for an inline one)."""
    if isinstance(entry.get("service"), dict):
        charges = entry["service"].get("charges") or []
        origin = ""
    elif isinstance(entry.get("contract"), str):
        origin = entry["contract"]
        path = eng.parameters_dir() / origin
        if not path.is_file():
            raise InputError(f"{shown}: {where}.contract: no file {origin} in parameters/{eng.id}; write the "
                             "path of a contract file relative to that folder")
        contract, _ = _read(eng, path)
        wanted = entry.get("service_id") or service
        found = [s for s in contract.get("services") or [] if isinstance(s, dict) and s.get("id") == wanted]
        if not found:
            raise InputError(f"{shown}: {where}.service_id: {origin} has no service {wanted!r}")
        charges = found[0].get("charges") or []
    else:
        raise InputError(f"{shown}: {where}: a candidate needs a service block (charges in the contract syntax) "
                         "or a contract file (contract: contracts/FILE.yaml)")
    if not isinstance(charges, list) or not all(isinstance(c, dict) for c in charges):
        raise InputError(f"{shown}: {where}: charges must be a list of charges in the contract syntax")
    return charges, origin
