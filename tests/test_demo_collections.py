"""The collections demo engagement (`ccanalysis.demo.collections`): it loads without problems, its figures
hang together, debtors answer by segment as generated, and a seed gives the same files."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
import yaml

from ccanalysis.contract import parse_contract
from ccanalysis.demo.collections import (
    AGENCIES,
    COLLECTIONS_ID,
    build_collections_demo,
    demo_collections_contracts,
)
from ccanalysis.engagement import load

ACCOUNTS = 5000  # a quarter of the default: the same patterns, a quicker test
RIGHT_PARTY = ("rpc", "ptp", "refusal", "dispute")


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("collections")
    build_collections_demo(root, seed=11, accounts=ACCOUNTS)
    return root


@pytest.fixture(scope="module")
def eng(root):
    return load(COLLECTIONS_ID, root=root)


def test_the_contracts_validate_under_the_engine():
    for supplier, data in demo_collections_contracts().items():
        contract, problems = parse_contract(yaml.safe_load(yaml.safe_dump(data)), f"{supplier}.yaml")
        assert problems == [] and contract is not None
        (service,) = contract.services
        assert service.id == "collections" and service.channel == "collections"
        ids = [c["id"] for c in service.charges]
        assert ids[:3] == ["fee_band_1", "fee_band_2", "fee_band_3"]  # three debt-age bands
        assert ids[3:] == (["rpc_fee"] if supplier == "recobra" else [])
        assert service.collections is not None


def test_the_engagement_loads_without_problems(eng, root):
    assert eng.settings.client == "Demo Utilities S.A." and eng.suppliers == list(AGENCIES)
    assert {name: contract.name for name, contract in eng.contracts.items()} == AGENCIES
    files = sorted(p.relative_to(root / "data" / COLLECTIONS_ID).as_posix()
                   for p in (root / "data" / COLLECTIONS_ID).rglob("*") if p.is_file())
    assert files == ["collections/attempts/cobralia_2026-08.csv", "collections/attempts/cobralia_2026-09.csv",
                     "collections/attempts/cobralia_2026-10.csv", "collections/attempts/recobra_2026-08.csv",
                     "collections/attempts/recobra_2026-09.csv", "collections/attempts/recobra_2026-10.csv",
                     "collections/payments/payments.csv", "collections/placements/placements.csv",
                     *(f"invoices/{a}/2026-{m}.csv" for a in ("cobralia", "recobra") for m in ("08", "09", "10")),
                     "truth/injected_errors.csv"]


def test_placements_accounts_and_their_debts(eng):
    placements = eng.table("placements")
    first = placements.sort_values("placed_on").drop_duplicates("account_id")
    assert len(first) == ACCOUNTS
    assert set(placements["supplier"]) == set(AGENCIES) and set(placements["segment"]) == {"residential",
                                                                                          "small_business"}
    debts = first["debt_amount"].map(Decimal)
    assert debts.min() >= 30 and debts.max() <= 3000 and debts.median() < debts.mean()  # log-normal: skewed
    assert first["days_past_due"].between(30, 400).all()
    recalled = placements[placements["recalled_on"].notna()]
    assert 0.05 < len(recalled) / ACCOUNTS < 0.5
    again = placements[placements["account_id"].duplicated(keep=False)]
    assert (again.groupby("account_id")["supplier"].nunique() == 2).all()  # re-placed with the other agency
    assert placements["placed_on"].min() >= pd.Timestamp("2026-08-01")


def test_attempts_are_calls_monday_to_saturday_from_9_to_21(eng):
    attempts = eng.table("attempts")
    assert 10 * ACCOUNTS < len(attempts) < 25 * ACCOUNTS
    assert (attempts["start"].dt.day_of_week < 6).all()
    assert attempts["start"].dt.hour.between(9, 20).all()
    assert not attempts["start"].dt.normalize().isin([pd.Timestamp("2026-08-15"), pd.Timestamp("2026-10-12")]).any()
    assert set(attempts["channel"]) == {"voice"}
    ptp = attempts[attempts["outcome"] == "ptp"]
    assert len(ptp) > 0 and ptp["promised_amount"].notna().all()
    assert (ptp["promised_date"] >= ptp["start"].dt.normalize()).all()


def test_payments_are_of_placed_accounts_and_promises_kept_broken_or_in_instalments(eng):
    placements, attempts, payments = eng.table("placements"), eng.table("attempts"), eng.table("payments")
    assert payments["account_id"].isin(set(placements["account_id"])).all()
    placed_on = placements.groupby("account_id")["placed_on"].min()
    assert (payments["paid_on"].to_numpy() > placed_on[payments["account_id"]].to_numpy()).all()
    assert payments["paid_on"].between(pd.Timestamp("2026-08-01"), pd.Timestamp("2026-10-31")).all()
    assert set(payments["paid_on"].dt.strftime("%Y-%m")) == {"2026-08", "2026-09", "2026-10"}
    paid = payments["amount"].map(Decimal)
    owed = placements.sort_values("placed_on").drop_duplicates("account_id")["debt_amount"].map(Decimal)
    assert paid.min() > 0 and 0.05 < paid.sum() / owed.sum() < 0.5
    per_account = payments.groupby("account_id")["amount"].agg(lambda s: sum(map(Decimal, s)))
    first_debt = placements.sort_values("placed_on").drop_duplicates("account_id").set_index("account_id")
    assert (per_account <= first_debt.loc[per_account.index, "debt_amount"].map(Decimal)).all()
    promised = attempts[attempts["outcome"] == "ptp"].drop_duplicates("account_id").set_index("account_id")
    counts = payments.groupby("account_id").size()
    with_promise = counts.reindex(promised.index).fillna(0)
    assert (with_promise == 0).any() and (with_promise == 1).any() and (with_promise >= 2).any()


def _rpc_rate(attempts: pd.DataFrame, hours: range, saturday: bool) -> float:
    when = attempts["start"]
    mine = attempts[when.dt.hour.isin(hours) & ((when.dt.day_of_week == 5) == saturday)]
    return float(mine["outcome"].isin(RIGHT_PARTY).mean())


def test_right_party_contact_by_hour_differs_by_segment(eng):
    segment = eng.table("placements").drop_duplicates("account_id").set_index("account_id")["segment"]
    attempts = eng.table("attempts").assign(segment=lambda f: f["account_id"].map(segment))
    home = attempts[attempts["segment"] == "residential"]
    business = attempts[attempts["segment"] == "small_business"]
    evening, morning = range(19, 21), range(10, 13)
    assert _rpc_rate(home, evening, False) > 1.8 * _rpc_rate(home, morning, False)
    assert _rpc_rate(business, morning, False) > 3 * _rpc_rate(business, evening, False)
    assert _rpc_rate(home, range(9, 21), True) > _rpc_rate(home, range(9, 21), False)  # Saturdays
    assert _rpc_rate(business, range(9, 21), True) < 0.5 * _rpc_rate(business, range(9, 21), False)


def test_the_build_is_deterministic_for_a_seed(tmp_path):
    def files(root: Path) -> dict[str, bytes]:
        return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}

    build_collections_demo(tmp_path / "a", seed=5, accounts=600)
    build_collections_demo(tmp_path / "b", seed=5, accounts=600)
    build_collections_demo(tmp_path / "c", seed=6, accounts=600)
    assert files(tmp_path / "a") == files(tmp_path / "b")
    assert files(tmp_path / "a") != files(tmp_path / "c")
    build_collections_demo(tmp_path / "a", seed=6, accounts=600)  # replaces the previous one
    assert files(tmp_path / "a") == files(tmp_path / "c")


def test_the_fee_bands_and_the_planted_errors(root):
    """recobra: 8 % up to 90 days, 12 % 91–180, 20 % beyond, capped at 250 per account over every period; the
    audit finds the right-party fee billed at 2.90 instead of 3.00 in September (under-billed, never claimed)."""
    from ccanalysis import workbook

    eng = load(COLLECTIONS_ID, root=root)
    (service,) = eng.contract("recobra").services
    bands = [(c["applies_to"]["debt_age_days"], str(c["rate"])) for c in service.charges[:3]]
    assert bands == [({"to": 90}, "0.08"), ({"from": 91, "to": 180}, "0.12"), ({"from": 181}, "0.2")]
    assert service.collections.max_fee_per_account == 250 and "max_per_account" not in service.charges[2]
    (cobralia,) = eng.contract("cobralia").services
    assert str(cobralia.charges[2]["max_per_account"]) == "800.0" and cobralia.collections.max_fee_per_account is None
    truth = pd.read_csv(root / "data" / COLLECTIONS_ID / "truth" / "injected_errors.csv")
    assert set(zip(truth["supplier"], truth["month"], truth["check"], strict=True)) == {
        ("recobra", "2026-08", "missing_cap"), ("recobra", "2026-09", "unit_price"), ("recobra", "2026-10", "duplicate"),
        ("cobralia", "2026-08", "duplicate")}
    result = workbook.audit(eng, "recobra", "2026-09")
    (price,) = result.findings[result.findings["check"] == "rate"].to_dict("records")  # the audit's price check
    assert price["charge"] == "rpc_fee" and price["difference"] < 0 and result.claimable == 0


def test_the_audit_finds_every_planted_fee_error_and_the_cap_left_off(root):
    """Every error planted in the agencies' fee invoices is found with its amount, nothing else is flagged, and
    the claimable is the true over-billing; in recobra's 2026-08 the fee cap per account was left off the
    invoice: claimable by the cap line's amount."""
    from ccanalysis import workbook
    from ccanalysis.audit.score import score

    eng = load(COLLECTIONS_ID, root=root)
    truth = pd.read_csv(root / "data" / COLLECTIONS_ID / "truth" / "injected_errors.csv")
    results = [workbook.audit(eng, s, m) for s in ("recobra", "cobralia") for m in ("2026-08", "2026-09", "2026-10")]
    table = score(results, truth)
    assert table["exact"].all(), table.to_string()
    august = results[0]
    (cap,) = august.findings[august.findings["check"] == "minimum_commitment"].to_dict("records")
    expected = workbook.expected_invoice(eng, "recobra", "2026-08")
    (line,) = expected[expected["charge"] == "account_cap"].to_dict("records")
    assert cap["cause"] == "cap_not_applied" and cap["difference"] == -line["amount"] > 0
    assert august.claimable == -line["amount"]


def test_the_accrual_applies_the_cap_day_by_day_and_ends_on_the_invoice(root):
    from ccanalysis import workbook

    eng = load(COLLECTIONS_ID, root=root)
    expected = workbook.expected_invoice(eng, "recobra", "2026-09")
    days = workbook.accrual_days(eng, "recobra", "2026-09")
    caps = [sum((line.amount for line in lines if line.charge == "account_cap"), Decimal(0)) for _, lines in days]
    assert all(later <= earlier for earlier, later in zip(caps, caps[1:], strict=False))  # it only grows
    assert caps[-1] == expected.loc[expected["charge"] == "account_cap", "amount"].sum() < 0
    assert sum(line.amount for line in days[-1][1]) == expected["amount"].sum()
    assert workbook.last_activity_day(eng, "recobra", "2026-09") == date(2026, 9, 30)
