"""`ccanalysis.simulation.replay`: the one definition of a candidate's exact cost on a basis month, which the
comparison, the Monte Carlo and the clause replays share."""

from __future__ import annotations

from decimal import Decimal as D

import numpy as np
import pytest

from ccanalysis.simulation import clauses, compare, montecarlo, replay


@pytest.fixture(scope="module")
def scenario(demo_engagement):
    from ccanalysis.io.scenarios import load_scenario

    return load_scenario(demo_engagement, "care_models")


def test_the_three_users_give_the_same_cost(scenario):
    basis = scenario.basis
    comparison = compare.compare_scenario(scenario).candidates.set_index("candidate")
    net = clauses.stress_test(scenario.candidates, basis).net.set_index("candidate")
    ones = np.ones((1, len(basis.months)))
    for candidate in scenario.candidates:
        exact = replay.basis_cost(candidate, basis)
        assert comparison.loc[candidate.id, "total"] == exact == net.loc[candidate.id, "net"]
        assert montecarlo.basis_cost(candidate, basis) == exact
        # the vectorised pricer at multipliers 1 is the exact cost (floats before each line's cent rounding:
        # at most half a cent per line)
        lines = sum(len(r.lines) for r in replay.replay(candidate, basis))
        pricer = montecarlo.CandidatePricer.build(candidate, basis)
        vectorised = pricer.cost(montecarlo.monthly_drivers(ones, ones))[0]
        assert abs(D(repr(float(vectorised))) - exact) <= D("0.005") * lines


def test_charges_on_logged_time_use_the_staffed_hours_of_a_contact_record_basis(scenario):
    # the demo's care service is rated from contact records, which carry no logged time: per_logged_hour is
    # priced on the staffed hours (time_activities), 16.50 × the paid hours, in the comparison and the pricer
    basis = scenario.basis
    hourly = next(c for c in scenario.candidates if c.id == "per_logged_hour")
    assert basis.time_activities
    _, _, logged = compare.basis_volumes(basis)
    assert logged > 0
    cost = replay.basis_cost(hourly, basis)
    assert abs(cost - D("16.50") * logged) <= D("0.005") * len(basis.months)
    pricer = montecarlo.CandidatePricer.build(hourly, basis)
    assert sum(t.units for m in pricer.months for t in m.charges) == pytest.approx(float(logged))


def test_a_draft_dated_after_the_basis_is_priced_as_in_force(scenario):
    basis = scenario.basis
    candidate = next(c for c in scenario.candidates if c.id == "fixed_plus_variable")
    later = candidate.contract.model_copy(update={"valid_from": candidate.contract.valid_from.replace(year=2030)})
    moved = type(candidate)(candidate.id, later, candidate.service_id, candidate.source)
    assert replay.basis_cost(moved, basis) == replay.basis_cost(candidate, basis)
