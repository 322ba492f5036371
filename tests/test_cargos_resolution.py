"""Resolving retailers' charges: the owner by type, accept / dispute / write off in the audit's register,
aging and the retailer's deadline, the win rate with its prior, and the cost-to-dispute triage — by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pandas as pd
import pytest

from ccanalysis import disputes
from ccanalysis.cargos.resolution import (
    ACTIONS,
    action_row,
    charge_states,
    dispute_id,
    owner,
    triage,
    win_rates,
)
from ccanalysis.disputes import IllegalTransition
from ccanalysis.errors import UsageError

OWNERS = {"merca": {"promotion": "key_account", "logistics_penalty": "logistics", "unidentified": "finance"}}
WINDOWS = {"merca": 60}
CHARGE = {"retailer": "merca", "document_id": "C1", "issue_date": date(2026, 9, 1), "amount": D("1000.00"),
          "type": "promotion", "check": "over_agreed", "invalid_amount": D("250.00")}


def empty() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in disputes.REGISTER_COLUMNS})


def frame(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=disputes.REGISTER_COLUMNS)


def test_owner_by_type_and_the_unidentified_fallback():
    assert owner(OWNERS["merca"], "logistics_penalty") == "logistics"
    assert owner(OWNERS["merca"], None) == "finance"
    assert owner(OWNERS["merca"], "rappel") == "finance"  # not named: whoever owns the unidentified


def test_dispute_row_opens_the_charge_in_the_register():
    row = action_row(empty(), CHARGE, "dispute", date(2026, 9, 10))
    assert row["dispute_id"] == "C-merca-C1" == dispute_id("merca", "C1")
    assert (row["supplier"], row["invoice_id"], row["month"]) == ("merca", "C1", "2026-09")
    assert (row["status"], row["amount_claimed"], row["check"], row["charge"]) == \
        ("submitted", D("250.00"), "over_agreed", "promotion")
    assert set(row) == set(disputes.REGISTER_COLUMNS)


def test_accept_records_nothing_claimed_and_write_off_the_amount_given_up():
    assert action_row(empty(), CHARGE, "accept", date(2026, 9, 10))["amount_claimed"] == D("0.00")
    row = action_row(empty(), CHARGE, "write_off", date(2026, 9, 10), amount=D("40.00"))
    assert (row["status"], row["amount_claimed"]) == ("written_off", D("40.00"))
    assert ACTIONS.names() == ("dispute", "accept", "write_off")


def test_later_actions_go_through_the_transition_table():
    first = frame([action_row(empty(), CHARGE, "dispute", date(2026, 9, 10))])
    with pytest.raises(IllegalTransition, match="submitted; it cannot become submitted"):
        action_row(first, CHARGE, "dispute", date(2026, 9, 11))
    assert action_row(first, CHARGE, "write_off", date(2026, 9, 12))["status"] == "written_off"
    accepted = frame([action_row(empty(), CHARGE, "accept", date(2026, 9, 10))])
    with pytest.raises(IllegalTransition, match="final"):
        action_row(accepted, CHARGE, "dispute", date(2026, 9, 11))


def test_nothing_to_dispute_needs_an_amount_and_amounts_are_bounded():
    valid = {**CHARGE, "invalid_amount": D("0.00")}
    with pytest.raises(UsageError, match="give --amount"):
        action_row(empty(), valid, "dispute", date(2026, 9, 10))
    with pytest.raises(UsageError, match="at most the charge's amount"):
        action_row(empty(), CHARGE, "dispute", date(2026, 9, 10), amount=D("1000.01"))


def answered(key: str, kind: str, status: str) -> dict:
    return {"dispute_id": key, "supplier": "merca", "invoice_id": key, "month": "2026-01", "check": "x",
            "charge": kind, "amount_claimed": D("10.00"), "status": status, "status_date": date(2026, 2, 1)}


def test_win_rate_shrunk_toward_the_pooled_rate():
    reg = frame([answered("C-a", "promotion", "submitted"), answered("C-a", "promotion", "accepted"),
                 answered("C-b", "promotion", "rejected"),
                 answered("C-c", "rappel", "submitted"), answered("C-c", "rappel", "rejected"),
                 answered("C-c", "rappel", "submitted"), answered("C-c", "rappel", "credited"),
                 answered("C-d", "rappel", "partially_accepted"),
                 answered("D-acme-202601-001", "rappel", "rejected")])  # an audit dispute: not counted
    rates = win_rates(reg, ("promotion", "rappel", "listing_fee"), prior_weight=10)
    # answered: a won, b lost, c won (latest answer credited), d won → pooled 3/4
    assert rates["promotion"].pooled == D("0.75")
    # promotion: (1 + 10 × 0.75) / (2 + 10) = 8.5 / 12
    assert rates["promotion"].rate == D("8.5") / 12
    # rappel: (2 + 7.5) / 12; a type with no history: the pooled rate (0 + 7.5) / 10 = 0.75
    assert rates["rappel"].rate == D("9.5") / 12
    assert rates["listing_fee"].rate == D("0.75")
    assert win_rates(empty(), ("promotion",))["promotion"].rate == D("0.5")  # no history at all


def test_triage_thresholds_by_hand():
    cost = D("45.00")
    # expected = 200 × 0.5 = 100 ≥ 2 × 45 = 90 → fight
    assert triage(D("200.00"), D("0.5"), cost) == "fight"
    # 170 × 0.5 = 85: between 45 and 90 → marginal; 90 × 0.5 = 45 exactly: not below the cost → marginal
    assert triage(D("170.00"), D("0.5"), cost) == "marginal"
    assert triage(D("90.00"), D("0.5"), cost) == "marginal"
    # 180 × 0.5 = 90 exactly → fight; 89.98 × 0.5 = 44.99 < 45 → write_off
    assert triage(D("180.00"), D("0.5"), cost) == "fight"
    assert triage(D("89.98"), D("0.5"), cost) == "write_off"
    assert triage(D("0.00"), D("0.5"), cost) == "accept"
    assert triage(None, D("0.5"), cost, verdict="needs_evidence") == "investigate"


def test_aging_and_deadline_by_hand():
    charges = pd.DataFrame([
        {**CHARGE},  # issued 1 Sep, window 60 → deadline 31 Oct; disputed 10 Sep
        {**CHARGE, "document_id": "C2", "issue_date": date(2026, 8, 1), "invalid_amount": D("80.00")},  # 30 Sep
        {**CHARGE, "document_id": "C3", "issue_date": date(2026, 9, 20), "type": None, "verdict": "needs_evidence",
         "invalid_amount": None},  # 19 Nov
        {**CHARGE, "document_id": "C4", "issue_date": date(2026, 9, 5), "invalid_amount": D("0.00")},
    ])
    reg = frame([action_row(empty(), CHARGE, "dispute", date(2026, 9, 10)),
                 action_row(empty(), charges.iloc[3].to_dict(), "accept", date(2026, 9, 15))])
    got = charge_states(charges, reg, WINDOWS, OWNERS, date(2026, 10, 15), D("45.00")).set_index("document_id")
    assert got.loc["C1", "deadline"] == date(2026, 10, 31)  # 1 Sep + 60 days
    assert got.loc["C1", "status"] == "submitted" and got.loc["C1", "days_to_deadline"] is None  # acted on
    assert got.loc["C1", "aging_days"] == 44  # 1 Sep → 15 Oct: 29 + 15 days, still open
    assert got.loc["C2", "deadline"] == date(2026, 9, 30)  # 1 Aug + 60
    assert got.loc["C2", "days_to_deadline"] == -15 and got.loc["C2", "expired"]  # 30 Sep → 15 Oct
    assert got.loc["C3", "deadline"] == date(2026, 11, 19) and got.loc["C3", "days_to_deadline"] == 35
    assert not got.loc["C3", "at_risk"]  # 35 > 30 days
    assert got.loc["C3", "owner"] == "finance" and got.loc["C3", "triage"] == "investigate"
    assert got.loc["C4", "aging_days"] == 10  # 5 Sep → accepted 15 Sep: resolved, aging stops
    # no answered history: win rate 0.5; C2 expected 80 × 0.5 = 40 < 45 → write_off; C1 250 × 0.5 = 125 → fight
    assert got.loc["C2", "expected_recovery"] == D("40.00") and got.loc["C2", "triage"] == "write_off"
    assert got.loc["C1", "triage"] == "fight" and got.loc["C4", "triage"] == "accept"
