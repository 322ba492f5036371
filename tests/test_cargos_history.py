"""The cargos demo's resolution history (`demo.cargos._history`) and what the month's report makes of it: the
register the CLI reads, win rates that reproduce the truth's, the last months left undecided, the month's
list of charges to decide (`resolution.to_decide`) and evidence codes worded in the report's language."""

from __future__ import annotations

import math
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from ccanalysis import disputes
from ccanalysis.cargos import workbook as cargos
from ccanalysis.cargos.resolution import to_decide
from ccanalysis.demo.cargos import CARGOS_ID, HISTORY_END, LAST_DAY, RETAILERS, build_cargos_demo
from ccanalysis.engagement import load
from ccanalysis.i18n import cargos as words
from ccanalysis.io.register import read_register, register_path
from ccanalysis.report.cargos import _evidence

WINDOWS = {r.id: r.dispute_window_days for r in RETAILERS}


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("cargos-history")
    build_cargos_demo(root)  # the default size: the figures of the README
    return root


@pytest.fixture(scope="module")
def register(root) -> pd.DataFrame:
    return read_register(register_path(root / "data" / CARGOS_ID))  # the CLI's reader: every cell checked


@pytest.fixture(scope="module")
def truth(root) -> pd.DataFrame:
    return pd.read_csv(root / "data" / CARGOS_ID / "truth" / "charges_truth.csv", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def answered(root, register) -> pd.DataFrame:
    """Each answered dispute: retailer, type, filed in time, won, and the truth's win probability."""
    rates = pd.read_csv(root / "data" / CARGOS_ID / "truth" / "win_rates.csv")
    p = {(r, t): w for r, t, w in rates[["retailer", "type", "win_rate"]].itertuples(index=False)}
    charges = load(CARGOS_ID, root=root).table("charges")
    issued = {(r, d): pd.Timestamp(i).date() for r, d, i in charges[["retailer", "document_id", "issue_date"]]
              .itertuples(index=False)}
    filed = register[register["status"] == "submitted"].drop_duplicates("dispute_id")
    latest = disputes.current(register).set_index("dispute_id")
    rows = []
    for f in filed.to_dict("records"):
        answers = register[(register["dispute_id"] == f["dispute_id"])
                           & register["status"].isin(("accepted", "partially_accepted", "rejected"))]
        if answers.empty:
            continue
        in_time = f["status_date"] <= issued[(f["supplier"], f["invoice_id"])] + timedelta(days=WINDOWS[f["supplier"]])
        rows.append({"retailer": f["supplier"], "type": f["charge"], "in_time": in_time,
                     "won": answers.iloc[0]["status"] != "rejected", "p": p[(f["supplier"], f["charge"])],
                     "latest": latest.loc[f["dispute_id"], "status"]})
    return pd.DataFrame(rows)


def test_the_history_is_in_the_register_and_every_change_is_legal(register):
    rows = register[register["dispute_id"].str.startswith("C-")]
    assert len(rows) == len(register) > 3000  # ~4,000 charges, nearly all decided once, disputes 2–3 rows
    assert list(rows["status_date"]) == sorted(rows["status_date"])  # appended in date order
    assert max(rows["status_date"]) <= LAST_DAY
    for _, part in rows.groupby("dispute_id", sort=False):
        statuses = list(part["status"])
        assert statuses[0] in ("charge_accepted", "submitted", "written_off")
        for before, after in zip(statuses, statuses[1:], strict=False):
            assert after in disputes.TRANSITIONS[before], (before, after)


def test_answers_reproduce_the_truth_win_rates_within_three_binomial_sigmas(answered):
    in_time = answered[answered["in_time"]]
    assert len(in_time) >= 25
    # wins ~ Σ Bernoulli(p_i): mean Σp, variance Σp(1−p); |won − Σp| ≤ 3·sqrt(Σp(1−p)) (≈ 99.7 % if right)
    for part in [in_time, *(g for _, g in in_time.groupby("type") if len(g) >= 8)]:
        mean = part["p"].sum()
        sigma = math.sqrt((part["p"] * (1 - part["p"])).sum())
        assert abs(part["won"].sum() - mean) <= 3 * sigma, (part["type"].iloc[0], part["won"].sum(), mean, sigma)
    # a dispute filed after the window is always rejected
    late = answered[~answered["in_time"]]
    assert len(late) >= 1 and not late["won"].any()


def test_logistics_penalties_are_won_more_often_than_promotions(root):
    rates = pd.read_csv(root / "data" / CARGOS_ID / "truth" / "win_rates.csv")
    by = rates.set_index(["retailer", "type"])["win_rate"]
    # mercaplus factor 1.0: 0.8 vs 0.4; hiperdia 0.8: 0.64 vs 0.32; superval 1.1: 0.88 vs 0.44
    assert by[("mercaplus", "logistics_penalty")] == 0.8 and by[("mercaplus", "promotion")] == 0.4
    assert by[("hiperdia", "logistics_penalty")] == 0.64 and by[("superval", "promotion")] == 0.44


def test_the_last_months_stay_undecided(register, truth, root):
    decided = set(zip(register["supplier"], register["invoice_id"], strict=True))
    charges = load(CARGOS_ID, root=root).table("charges")
    issued = dict(zip(zip(charges["retailer"], charges["document_id"], strict=True),
                      pd.to_datetime(charges["issue_date"]).dt.date, strict=True))
    planted_late = [(r, d) for r, d, p in truth[["retailer", "document_id", "planted"]].itertuples(index=False)
                    if p and issued[(r, d)] > HISTORY_END]
    assert planted_late and not decided & set(planted_late)
    october = {k for k, day in issued.items() if day >= date(2026, 10, 1)}
    assert len(october) > 100 and not decided & october


def test_the_kpis_of_the_demo_have_values(root, answered):
    eng = load(CARGOS_ID, root=root)
    v = cargos.view(eng, LAST_DAY)
    kpis = {r["kpi"]: r for r in cargos.month_kpis(eng, v, "2026-10")}
    for name in ("recovery_rate", "win_rate", "filing_lag", "filed_late_rate"):
        assert kpis[name]["value_12m"] is not None, name
    # nearly everything issued by the end of September is decided: DDO 12 m well below the 365 of no history
    assert kpis["days_deductions_outstanding"]["value_12m"] < 180
    # the win rate over the year: (in-time wins + 0 late wins) of all answered, within 3 σ of Σp / n
    n = kpis["win_rate"]["denominator_12m"]
    assert n == len(answered) and kpis["win_rate"]["numerator_12m"] == int(answered["won"].sum())
    # the triage's learned rates differ by type (no longer the 50 % prior everywhere)
    month = cargos.month_charges(v, "2026-10")
    rates = {t: r for t, r in zip(month["type"], month["win_rate"], strict=True) if isinstance(t, str)}
    assert len(set(rates.values())) > 1 and Decimal("0.5") not in set(rates.values())


def _state(issued: date, status: str | None, window_days: int) -> dict:
    return {"issue_date": issued, "status": status, "deadline": issued + timedelta(days=window_days)}


def test_to_decide_the_months_undecided_and_older_ones_closing():
    as_of, start, end = date(2026, 10, 31), date(2026, 10, 1), date(2026, 10, 31)
    states = pd.DataFrame([
        _state(date(2026, 10, 5), None, 60),                 # A: the month's, undecided          → yes
        _state(date(2026, 10, 6), "charge_accepted", 60),    # B: the month's, accepted           → no
        _state(date(2026, 9, 20), None, 60),                 # C: deadline 19 Nov, 19 days away   → yes
        _state(date(2026, 8, 1), None, 60),                  # D: deadline 30 Sep, expired        → no
        _state(date(2026, 9, 1), None, 105),                 # E: deadline 15 Dec, 45 days away   → no
        _state(date(2026, 9, 25), None, 66),                 # F: deadline 30 Nov, 30 days: edge  → yes
        _state(date(2026, 9, 25), "submitted", 66),          # G: closing but already disputed   → no
    ])
    assert list(to_decide(states, start, end, as_of)) == [True, False, True, False, False, True, False]
    # a narrower horizon of 20 days drops F (30 days away) and keeps C (19)
    assert list(to_decide(states, start, end, as_of, within_days=20)) == [True, False, True, False, False, False,
                                                                          False]


def test_evidence_codes_are_worded_in_the_reports_language():
    evidence = {"kind": "late", "basis": "quarterly", "order": "PED-1"}
    assert _evidence(evidence, "es") == "clase: retraso; base: trimestral; pedido: PED-1".replace(
        "base", words.evidence_key("basis", "es"))
    assert _evidence({"kind": "short"}, "en") == "kind: short delivery"
    assert words.evidence_value("kind", "late", "en") == "late delivery"
    assert words.evidence_value("kind", "other", "es") == "other"  # not a known code: as written
    assert words.evidence_value("order", "late", "es") == "late"  # only the facts that hold codes
