"""`ccanalysis simulate` on the demo scenario `care_models`: the JSON object, its reproducibility, the table
and CSV, and the exit codes of bad input (nothing is written)."""

from __future__ import annotations

import json
import shutil
from decimal import Decimal as D

import pytest

from ccanalysis import cli

DRAWS = "300"


def simulate(root, *argv: str) -> int:
    return cli.main(["simulate", "demo", "--scenario", "care_models", "--root", str(root), *argv])


def files(root) -> dict[str, int]:
    return {str(p.relative_to(root)): p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def json_runs(demo_root):
    """Two JSON runs with the same seed, captured (and the project's files before and after)."""
    import contextlib
    import io

    before = files(demo_root)
    outputs = []
    for _ in range(2):
        buffer = io.StringIO()
        with contextlib.redirect_stdout(buffer):
            assert simulate(demo_root, "--format", "json", "--draws", DRAWS, "--seed", "11") == 0
        outputs.append(buffer.getvalue())
    return outputs, before, files(demo_root)


def test_the_json_object_has_every_key(json_runs):
    data = json.loads(json_runs[0][0])
    assert list(data) == ["engagement", "scenario", "service", "supplier", "basis", "draws", "seed", "cheapest",
                          "recommended", "candidates", "break_even", "crossings", "tornado", "offers"]
    assert (data["engagement"], data["scenario"], data["service"], data["supplier"]) == (
        "demo", "care_models", "care", "northwind")
    assert (data["draws"], data["seed"]) == (300, 11)
    assert set(data["basis"]) == {"kind", "months", "handled", "productive_hours", "logged_hours", "hours_source"}
    assert data["basis"]["kind"] == "historic" and data["basis"]["months"] == ["2026-08", "2026-09", "2026-10"]
    ids = [c["candidate"] for c in data["candidates"]]
    # the four models and the two RFP offers of the demo
    assert sorted(ids) == sorted(["per_logged_hour", "per_productive_minute", "per_contact_tiers",
                                  "fixed_plus_variable", "bidder_a", "bidder_b"])
    first = data["candidates"][0]
    assert set(first) == {"candidate", "offer", "supplier", "source", "total", "per_contact", "per_productive_hour",
                          "elasticity_volume", "elasticity_aht", "risk_volume", "risk_aht", "notes", "mean", "p5",
                          "p50", "p95", "p_cheapest", "lines"}
    assert isinstance(first["total"], str) and isinstance(first["mean"], str)  # money as decimal strings
    assert set(data["offers"]) == {"kpi_money", "stress_test", "incentives", "rounding_leakage"}
    assert set(data["offers"]["stress_test"]) == {"bands", "limits", "net"}
    assert {"a", "b", "charge", "key", "price"} <= set(data["break_even"][0])
    assert set(data["crossings"][0]) == {"a", "b", "driver", "multiplier"}


def test_the_figures_hold_together(json_runs):
    data = json.loads(json_runs[0][0])
    handled = D(data["basis"]["handled"])
    logged = D(data["basis"]["logged_hours"])
    by_id = {c["candidate"]: c for c in data["candidates"]}
    for c in data["candidates"]:
        # total = Σ its expected invoice lines; per contact = total ÷ handled contacts (4 places)
        assert D(c["total"]) == sum(D(line["amount"]) for line in c["lines"])
        assert abs(D(c["per_contact"]) - D(c["total"]) / handled) <= D("0.00005")
        assert D(c["p5"]) <= D(c["p50"]) <= D(c["p95"])
    assert abs(sum(c["p_cheapest"] for c in data["candidates"]) - 1) < 1e-9
    # ranked by expected cost
    means = [D(c["mean"]) for c in data["candidates"]]
    assert means == sorted(means)
    # the cheapest on the basis is the one with the lowest total, and every break-even is against it
    cheapest = min(data["candidates"], key=lambda c: D(c["total"]))["candidate"]
    assert data["cheapest"] == cheapest and {e["a"] for e in data["break_even"]} == {cheapest}
    # per logged hour: cost = price × logged hours, so the equivalent price is p = A's cost ÷ logged hours
    # (closed form, issue 13: p_hour = cost_A / hours), to within the half cent of each of the 3 monthly lines
    hour = next(e for e in data["break_even"] if e["b"] == "per_logged_hour")
    assert hour["charge"] == "care_hours"
    assert abs(D(hour["price"]) * logged - D(by_id[cheapest]["total"])) <= D("0.015") + logged * D("0.000001")


def test_a_fixed_seed_gives_identical_output_and_nothing_is_written(json_runs):
    (first, second), before, after = json_runs
    assert first == second
    assert before == after


def test_table_and_csv(demo_root, capsys):
    assert simulate(demo_root, "--draws", DRAWS, "--lang", "en") == 0
    text = capsys.readouterr().out
    assert "Simulation care_models — demo" in text and "Probability cheapest" in text
    assert "Break-even and equivalent prices" in text and "Sensitivity (tornado)" in text
    assert simulate(demo_root, "--draws", DRAWS, "--lang", "es") == 0
    text = capsys.readouterr().out
    assert "Prob. de ser el más barato" in text and "Probability" not in text
    assert simulate(demo_root, "--draws", DRAWS, "--format", "csv") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split(",")[:3] == ["rank", "candidate", "offer"] and len(lines) == 1 + 6


@pytest.mark.parametrize("draws", ["0", "1000001", "-5"])
def test_draws_out_of_range_is_exit_2(demo_root, capsys, draws):
    assert simulate(demo_root, "--draws", draws) == 2
    assert "--draws must be from 1 to 1,000,000" in capsys.readouterr().err


def test_an_unknown_scenario_is_exit_2_listing_the_available_ones(demo_root, capsys):
    assert cli.main(["simulate", "demo", "--scenario", "nope", "--root", str(demo_root)]) == 2
    err = capsys.readouterr().err
    assert "no scenario 'nope'" in err and "care_models" in err


def test_a_bad_scenario_is_exit_1_with_the_readers_errors(demo_root, tmp_path, capsys):
    root = tmp_path / "project"
    shutil.copytree(demo_root / "parameters", root / "parameters")
    shutil.copytree(demo_root / "data", root / "data")
    path = root / "parameters" / "demo" / "scenarios" / "care_models.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("correlation: 0.3", "correlation: 1.5"),
                    encoding="utf-8")
    before = files(root)
    assert simulate(root) == 1
    err = capsys.readouterr().err
    assert "care_models.yaml" in err and "correlation" in err
    assert files(root) == before
