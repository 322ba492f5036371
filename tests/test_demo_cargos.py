"""The cargos demo engagement (`ccanalysis.demo.cargos`): it loads without problems and without contracts, its
data has the shape the issue asks for, a seed gives the same files, and validating its charges with their TRUE
types (from the truth file) finds every planted invalid charge with its exact amount and flags nothing else."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from ccanalysis.cargos.validation import validate_charges
from ccanalysis.demo.cargos import AS_OF, CARGOS_ID, RETAILERS, build_cargos_demo
from ccanalysis.engagement import load

FLAGGED = ("invalid", "partly_valid")


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("cargos")
    build_cargos_demo(root)  # the default size: the figures of the README
    return root


@pytest.fixture(scope="module")
def eng(root):
    return load(CARGOS_ID, root=root)


@pytest.fixture(scope="module")
def truth(root) -> pd.DataFrame:
    return pd.read_csv(root / "data" / CARGOS_ID / "truth" / "charges_truth.csv", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def checked(eng, truth) -> pd.DataFrame:
    charges = eng.table("charges").merge(truth[["retailer", "document_id", "true_type"]], on=["retailer", "document_id"],
                                         validate="one_to_one")
    assert len(charges) == len(eng.table("charges"))
    out = validate_charges(charges.assign(type=charges["true_type"]), eng.cargo_agreements, eng.table("sales"),
                           eng.table("deliveries"), as_of=AS_OF)
    return out.merge(truth, on=["retailer", "document_id"], validate="one_to_one")


def test_the_demo_loads_with_three_retailers_and_no_contract(root, eng):
    assert not (root / "parameters" / CARGOS_ID / "contracts").exists()
    assert eng.contracts == {} and set(eng.cargo_agreements) == {r.id for r in RETAILERS}
    assert eng.settings.cargos.review_threshold == Decimal("0.6")


def test_a_year_of_sales_deliveries_and_several_thousand_charges(eng):
    sales = eng.table("sales")
    assert sorted(sales["month"].unique()) == [f"2025-{m}" for m in ("11", "12")] + [f"2026-{m:02d}" for m in range(1, 11)]
    deliveries = eng.table("deliveries")
    hours = (deliveries["delivered_at"] - deliveries["promised_at"]).dt.total_seconds() / 3600
    late = (hours > 24).mean()
    assert 0.10 <= late <= 0.20, late
    assert (deliveries.groupby(["retailer", "order_id"]).size() > 1).any()  # split shipments
    charges = eng.table("charges")
    assert 3000 <= len(charges) <= 5000
    assert 0.15 <= charges["reference"].isna().mean() <= 0.35  # a share without reference
    texts = " | ".join(charges["description"])
    for phrase in ("Aportación promocional folleto", "Rappel trimestral 2T 2026", "Penalización retraso entrega albarán",
                   "Cuota de referenciación", "Diferencia de precio factura F-2026-", "Devolución mercancía dañada",
                   "Campaña marketing Navidad"):
        assert phrase in texts, phrase
    decisions = eng.table("cargo_decisions")
    assert 10 <= len(decisions) and decisions["decided_by"].notna().all()


def test_planted_invalid_charges_of_every_kind(truth):
    planted = truth[truth["planted"] != ""]
    assert 40 <= len(planted) <= 80
    assert {"over_agreed", "not_in_agreement", "above_tier", "on_time", "partly_late", "price_agreed", "duplicate",
            "outside_claim_window", "already_charged", "no_shortfall"} <= set(planted["planted"])
    assert (planted["expected_invalid_amount"].map(Decimal) > 0).all()


def test_validation_with_the_true_types_finds_every_planted_charge_and_nothing_else(checked):
    planted = checked["planted"] != ""
    flagged = checked["verdict"].isin(FLAGGED)
    exact = (planted & flagged & (checked["check"] == checked["planted"])
             & (checked["invalid_amount"].astype(str) == checked["expected_invalid_amount"]))
    recall = exact.sum() / planted.sum()
    precision = (flagged & planted).sum() / flagged.sum()
    assert (recall, precision) == (1.0, 1.0), checked[(planted & ~exact) | (flagged & ~planted)].to_string()
    # and every other charge gets the verdict its truth says: valid, or needs_evidence (marketing, vague charges)
    assert (checked["verdict"] == checked["expected_verdict"]).all()
    assert set(checked.loc[~planted, "verdict"]) == {"valid", "needs_evidence"}


def test_a_seed_gives_the_same_files(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    build_cargos_demo(first, seed=5, charges=600)
    build_cargos_demo(second, seed=5, charges=600)
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files and files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    assert all((first / f).read_bytes() == (second / f).read_bytes() for f in files)
