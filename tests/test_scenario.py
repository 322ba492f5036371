"""Scenario files: strict keys, candidates validated as contracts, errors naming file and key path."""

from __future__ import annotations

import copy
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from ccanalysis.engagement import load
from ccanalysis.errors import EngagementError, UsageError
from ccanalysis.io.scenarios import list_scenarios, load_scenario
from tests.engagements import activity_row, contract, files_under, write_engagement, write_yaml

SCENARIO = {
    "service": "care",
    "basis": {"historic": {"months": "2026-09"}},
    "candidates": [
        {"id": "per_hour", "service": {"charges": [{"id": "hours", "unit": "logged_hour", "model": "per_unit",
                                                    "unit_price": "30"}]}},
        {"id": "current", "contract": "contracts/acme.yaml", "service_id": "care"},
    ],
    "uncertainty": {"volume": {"distribution": "normal", "sd": 0.08},
                    "aht": {"distribution": "lognormal", "sd": 0.05}, "correlation": 0.3},
    "staffing": {"sl_target": 0.8, "threshold_s": 20, "shrinkage": 0.25, "interval_s": 1800},
    "draws": 500,
    "seed": 7,
}
ROWS = [activity_row("2026-09-01", 100, 100, talk_s=24000, logged_s=36000),
        activity_row("2026-09-02", 200, 200, talk_s=48000, logged_s=72000)]


def _engagement(root: Path, scenario: dict | None = None, contracts: list[dict] | None = None):
    write_engagement(root, contracts=contracts, tables={"activity/a.csv": ROWS})
    write_yaml(root / "parameters/tiny/scenarios/s.yaml", scenario if scenario is not None else SCENARIO)
    return load("tiny", root=root)


def _problems(root: Path, scenario: dict, contracts: list[dict] | None = None) -> list:
    eng = _engagement(root, scenario, contracts)
    before = files_under(root)
    with pytest.raises(EngagementError) as info:
        load_scenario(eng, "s")
    assert files_under(root) == before, "loading a scenario writes nothing"
    return info.value.problems


def _changed(change) -> dict:
    data = copy.deepcopy(SCENARIO)
    change(data)
    return data


def test_a_scenario_is_read_with_its_candidates_as_contracts(tmp_path):
    eng = _engagement(tmp_path)
    scenario = load_scenario(eng, "s")
    assert list_scenarios(eng) == ["s"]
    assert scenario.path == "parameters/tiny/scenarios/s.yaml" and scenario.service == "care"
    assert scenario.supplier == "acme" and scenario.draws == 500 and scenario.seed == 7
    per_hour, current = scenario.candidates
    # inline: the engagement's currency, the tax rate and validity of acme's contract (0.21, from 2026-01-01)
    assert per_hour.source == "inline" and per_hour.contract.currency == "EUR"
    assert per_hour.contract.tax_rate == Decimal("0.21") and str(per_hour.contract.valid_from) == "2026-01-01"
    assert per_hour.service.charges[0]["unit_price"] == "30"
    assert current.source == "parameters/tiny/contracts/acme.yaml" and current.service_id == "care"
    assert scenario.uncertainty.volume.sd == 0.08 and scenario.uncertainty.aht.kind == "lognormal"
    assert scenario.uncertainty.correlation == 0.3 and scenario.staffing.shrinkage == Decimal("0.25")
    assert scenario.basis.months == ("2026-09",) and scenario.basis.hours_source == "historic"


def test_an_offer_is_a_bidders_contract_file(tmp_path):
    offer = contract(supplier="bidder_a", name="Bidder A S.L.")
    write_yaml(tmp_path / "parameters/tiny/scenarios/offers/bidder_a.yaml", offer)
    data = _changed(lambda d: d.update(offers=[{"id": "a", "supplier": "Bidder A",
                                                "contract": "scenarios/offers/bidder_a.yaml"}]))
    scenario = load_scenario(_engagement(tmp_path, data), "s")
    (offer_candidate,) = scenario.offers
    assert offer_candidate.offer and offer_candidate.supplier == "Bidder A"
    assert offer_candidate.contract.supplier == "bidder_a"


def test_a_shared_minimum_commitment_is_left_out_and_noted(tmp_path):
    two = contract(minimum_commitment={"amount": 1000})
    other = copy.deepcopy(two["services"][0])
    other["id"] = "billing"
    two["services"].append(other)
    scenario = load_scenario(_engagement(tmp_path, contracts=[two]), "s")
    current = scenario.candidates[1]
    assert [s.id for s in current.contract.services] == ["care"]
    assert current.contract.minimum_commitment is None and current.notes == ("commitment_shared",)


@pytest.mark.parametrize(("change", "column", "text"), [
    (lambda d: d["candidates"][0]["service"]["charges"][0].update(unit_price="abc"),
     "candidates[0].service.charges[0].unit_price", "expected a number"),
    (lambda d: d["candidates"][0]["service"]["charges"][0].update(model="per_unicorn"),
     "candidates[0].service.charges[0].model", ""),
    (lambda d: d["uncertainty"]["volume"].update(sd=-0.1), "uncertainty.volume.sd", "greater than or equal to 0"),
    (lambda d: d["uncertainty"].update(correlation=1.5), "uncertainty.correlation", "less than or equal to 1"),
    (lambda d: d["uncertainty"].update(correlation=-2), "uncertainty.correlation", "greater than or equal to -1"),
    (lambda d: d.update(basis={"forecast": {"start": "2027-01", "months": 1, "daily_volume": -5, "aht_s": 300,
                                            "intraday": {"09:00": 1}}}),
     "basis.forecast.daily_volume", "greater than or equal to 0"),
    (lambda d: d.update(service="sales"), "service", "the engagement's services: care"),
    (lambda d: d.update(colour="blue"), "colour", "allowed here: service, supplier, basis, candidates"),
    (lambda d: d["staffing"].update(shrinkge=0.3), "staffing.shrinkge",
     "allowed here: sl_target, threshold_s, shrinkage"),
    (lambda d: d["candidates"][1].update(contract="contracts/nope.yaml"), "candidates[1].contract",
     "no such contract file parameters/tiny/contracts/nope.yaml"),
    (lambda d: d["candidates"][1].update(service_id="sales"), "candidates[1].service_id", "its services: care"),
    (lambda d: d.update(basis={"historic": {"months": "2026-10"}}), "basis.historic.months", "no activity"),
    (lambda d: d["staffing"].update(interval_s=600), "staffing.interval_s", "900, 1800 or 3600"),
    (lambda d: d["candidates"].append({"id": "per_hour", "contract": "contracts/acme.yaml"}), None, "used twice"),
])
def test_bad_input_names_the_file_and_key_path(tmp_path, change, column, text):
    problems = _problems(tmp_path, _changed(change))
    hits = [p for p in problems if p.column == column and text in str(p)]
    assert hits, "\n".join(str(p) for p in problems)
    assert hits[0].file == "parameters/tiny/scenarios/s.yaml"


def test_a_broken_contract_file_is_reported_in_that_file(tmp_path):
    bad = contract()
    bad["services"][0]["charges"][0]["unit_price"] = "-"
    write_yaml(tmp_path / "parameters/tiny/scenarios/offers/x.yaml", bad)
    data = _changed(lambda d: d.update(offers=[{"id": "x", "contract": "scenarios/offers/x.yaml"}]))
    (problem,) = _problems(tmp_path, data)
    assert problem.file == "parameters/tiny/scenarios/offers/x.yaml"
    assert problem.column == "services[0].charges[0].unit_price"


def test_a_key_written_twice_is_an_error(tmp_path):
    eng = _engagement(tmp_path)
    text = yaml.safe_dump(SCENARIO, sort_keys=False) + "seed: 8\n"
    (tmp_path / "parameters/tiny/scenarios/s.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(EngagementError, match="duplicate key 'seed'"):
        load_scenario(eng, "s")


def test_an_unknown_scenario_lists_the_ones_there_are(tmp_path):
    eng = _engagement(tmp_path)
    with pytest.raises(UsageError, match=r"no scenario 'other'.*scenarios of tiny: s"):
        load_scenario(eng, "other")
    with pytest.raises(UsageError, match="not a file name"):
        load_scenario(eng, "../contracts/acme")


def test_a_service_run_by_two_suppliers_needs_the_supplier(tmp_path):
    other = contract(supplier="beta", name="Beta S.L.")
    write_engagement(tmp_path, settings={"suppliers": ["acme", "beta"]}, contracts=[contract(), other],
                     tables={"activity/a.csv": ROWS})
    write_yaml(tmp_path / "parameters/tiny/scenarios/s.yaml", SCENARIO)
    eng = load("tiny", root=tmp_path)
    with pytest.raises(EngagementError, match="run by acme, beta: write supplier"):
        load_scenario(eng, "s")
    write_yaml(tmp_path / "parameters/tiny/scenarios/s.yaml", {**SCENARIO, "supplier": "acme"})
    assert load_scenario(eng, "s").supplier == "acme"


FORECAST = {"start": "2027-01", "months": 2, "daily_volume": 100, "aht_s": 180, "growth": 0.1,
            "weekly": {"sat": 0.5, "sun": 0}, "intraday": {"09:00": 0.5, "09:30": 0.5}}


def test_a_forecast_basis_from_the_scenario(tmp_path):
    data = _changed(lambda d: d.update(basis={"forecast": FORECAST}))
    scenario = load_scenario(_engagement(tmp_path, data), "s")
    basis = scenario.basis
    assert basis.kind == "forecast" and basis.months == ("2027-01", "2027-02") and basis.hours_source == "erlang_c"
    days = basis.days.set_index(basis.days["date"].dt.strftime("%Y-%m-%d"))
    # Monday 4 January: 100 contacts; Saturday 9 January: 100 × 0.5; Monday 1 February: 100 × 1.1
    assert days.loc["2027-01-04", "offered"] == pytest.approx(100)
    assert days.loc["2027-01-09", "offered"] == pytest.approx(50)
    assert days.loc["2027-02-01", "offered"] == pytest.approx(110)
    assert days.loc["2027-01-10", "logged_s"] == 0  # Sundays: no contacts, nobody staffed


def test_a_forecast_file_with_a_negative_volume_names_its_row(tmp_path):
    (tmp_path / "data/tiny").mkdir(parents=True, exist_ok=True)
    data = _changed(lambda d: d.update(basis={"forecast": {"file": "data/tiny/forecast.csv"}}))
    eng = _engagement(tmp_path, data)
    (tmp_path / "data/tiny/forecast.csv").write_text(
        "date,interval_start,offered,aht_s\n2027-01-04,09:00,10,180\n2027-01-04,09:30,-4,180\n", encoding="utf-8")
    with pytest.raises(EngagementError) as info:
        load_scenario(eng, "s")
    (problem,) = info.value.problems
    assert (problem.file, problem.row, problem.column) == ("data/tiny/forecast.csv", 3, "offered")
    (tmp_path / "data/tiny/forecast.csv").write_text(
        "date,interval_start,offered,aht_s\n2027-01-04,09:00,10,180\n", encoding="utf-8")
    basis = load_scenario(eng, "s").basis
    assert basis.months == ("2027-01",) and basis.days["logged_s"].tolist() == [7200.0]  # test_basis: 2 h
