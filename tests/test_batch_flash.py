"""`ccanalysis report --flash DATE` and `--scenario NAME`: parameter checks before any kernel, the flash's first
section on a tiny engagement (hand-computed), the simulation's candidates, and one real report of each kind."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from ccanalysis import cli
from ccanalysis.batch import runner
from ccanalysis.batch.plan import plan_flash_job, plan_scenario_job
from ccanalysis.engagement import load
from ccanalysis.errors import EngagementError, UsageError
from ccanalysis.report import flash, simulation
from tests.engagements import activity_row, write_engagement, write_yaml

SEPTEMBER = {  # handled contacts per day, priced at 1.50 each by the tiny contract (per_unit, handled_contact)
    "2026-09-01": 100, "2026-09-02": 200, "2026-09-03": 300}
PLAN_COST = {"2026-09-01": "140.00", "2026-09-02": "160.00", "2026-09-03": "170.00"}


def _plan_row(day: str, cost: str | None) -> dict:
    return {"date": day, "supplier": "acme", "service": "care", "offered": 100, "aht_s": 300, "cost": cost}


@pytest.fixture
def tiny(tmp_path):
    """The tiny engagement with three days of September activity and a plan; scenarios a and b."""
    write_engagement(tmp_path, tables={
        "activity/acme.csv": [activity_row(d, h, h) for d, h in SEPTEMBER.items()],
        "plan/plan.csv": [_plan_row(d, c) for d, c in PLAN_COST.items()]})
    scenarios = tmp_path / "parameters" / "tiny" / "scenarios"
    write_yaml(scenarios / "b.yaml", {
        "service": "care", "basis": {"historic": {"months": "2026-09"}},
        "candidates": [
            {"id": "per_hour", "service": {"charges": [{"id": "hours", "unit": "logged_hour", "model": "per_unit",
                                                        "unit_price": "21.50"}]}},
            {"id": "current", "contract": "contracts/acme.yaml", "service_id": "care"}],
        "offers": [{"id": "bidder", "supplier": "Bidder S.L.", "contract": "contracts/acme.yaml",
                    "service_id": "care"}]})
    write_yaml(scenarios / "a.yaml", {"service": "care", "candidates": []})
    return load("tiny", root=tmp_path)


def _no_kernel(monkeypatch):
    def no_execution(*args, **kwargs):
        raise AssertionError("a report was executed before the parameters were checked")

    monkeypatch.setattr(runner, "_run_pool", no_execution)
    monkeypatch.setattr(runner, "_run_dask", no_execution)


# --------------------------------------------------------------------------- the as-of date
@pytest.mark.parametrize("bad", ["2026-09-31", "2026-9-02", "20260902", "02/09/2026", "tomorrow"])
def test_an_as_of_that_is_not_a_real_date_is_a_usage_error(tiny, bad):
    with pytest.raises(UsageError, match=rf"must be a real date YYYY-MM-DD, got '{bad}'"):
        flash.check_flash_parameters(tiny, bad, "en", today=date(2026, 12, 1))


def test_an_as_of_in_the_future_is_a_usage_error(tiny):
    with pytest.raises(UsageError, match=r"2026-09-03 is in the future \(today is 2026-09-02\)"):
        flash.check_flash_parameters(tiny, "2026-09-03", "en", today=date(2026, 9, 2))
    assert flash.check_flash_parameters(tiny, "2026-09-02", "en", today=date(2026, 9, 2)) == date(2026, 9, 2)


@pytest.mark.parametrize("outside", ["2026-08-31", "2026-09-04"])
def test_an_as_of_outside_the_activity_names_the_range(tiny, outside):
    # the activity holds 1–3 September 2026; the plan's dates do not widen the range
    with pytest.raises(UsageError, match=rf"{outside} is outside the activity data of engagement tiny "
                                         r"\(2026-09-01 \.\. 2026-09-03\)"):
        flash.check_flash_parameters(tiny, outside, "en", today=date(2026, 12, 1))


def test_the_flash_job(tiny):
    job = plan_flash_job(tiny, "2026-09-02", lang="en", today=date(2026, 12, 1))
    assert job.name == "flash/2026-09-02" and job.notebook.name == "daily_flash.ipynb"
    assert job.parameters == {"engagement": "tiny", "as_of": "2026-09-02", "lang": "en"}
    assert job.output_stem.parts[-4:] == ("reports", "tiny", "flash", "2026-09-02")
    assert job.header["as_of"] == "2026-09-02" and job.header["client"] == "Cliente Prueba S.A."
    assert "activity: 1 file(s), 3 rows 2026-09-01 – 2026-09-03" in job.header["data_sources"]
    assert {p.name for p in job.inputs} >= {"daily_flash.ipynb", "acme.csv", "plan.csv", "acme.yaml", "b.yaml"}
    assert job.title == "Daily cost flash — Cliente Prueba S.A. — 2026-09-02"


# --------------------------------------------------------------------------- the scenario
def test_an_unknown_scenario_lists_the_ones_there_are(tiny):
    for bad in ("c", "../contracts/acme", ""):
        with pytest.raises(UsageError, match=r"no scenario .* in engagement tiny .*; scenarios: a, b$"):
            plan_scenario_job(tiny, bad)


def test_draws_and_seed_are_checked(tiny):
    with pytest.raises(UsageError, match="draws must be a whole number of at least 1, got 0"):
        plan_scenario_job(tiny, "b", draws=0)
    with pytest.raises(UsageError, match="seed must be a whole number of at least 0, got -1"):
        plan_scenario_job(tiny, "b", seed=-1)


def test_the_scenario_job(tiny):
    job = plan_scenario_job(tiny, "b", draws=500, seed=7, lang="es")
    assert job.name == "scenarios/b" and job.notebook.name == "simulation.ipynb"
    assert job.parameters == {"engagement": "tiny", "scenario": "b", "draws": 500, "seed": 7, "lang": "es"}
    assert job.output_stem.parts[-4:] == ("reports", "tiny", "scenarios", "b")
    assert job.header["scenario"] == "b" and job.title == "Simulación de modelos de pago — Cliente Prueba S.A. — b"
    # the draws and seed the file gives are used when none is given: both None in the job
    assert plan_scenario_job(tiny, "b").parameters["draws"] is None


# --------------------------------------------------------------------------- the command line
@pytest.mark.parametrize(("args", "message"), [
    (["--month", "2026-09", "--flash", "2026-09-02"], "exactly one of --month YYYY-MM, --flash YYYY-MM-DD or "
                                                       "--scenario NAME (got --month and --flash)"),
    (["--flash", "2026-09-02", "--scenario", "b"], "(got --flash and --scenario)"),
    ([], "(got none of them)"),
    (["--flash", "2026-09-02", "--supplier", "acme"], "--supplier goes with --month, not with --flash"),
    (["--month", "2026-09", "--seed", "3"], "--seed goes with --scenario, not with --month"),
    (["--flash", "2026-09-31"], "the as-of date must be a real date YYYY-MM-DD, got '2026-09-31'"),
    (["--flash", "2026-08-31"], "outside the activity data of engagement tiny (2026-09-01 .. 2026-09-03)"),
    (["--flash", "2999-01-01"], "2999-01-01 is in the future"),
    (["--scenario", "c"], "scenarios: a, b"),
])
def test_wrong_flags_are_one_line_usage_errors_before_any_kernel(tiny, monkeypatch, capsys, args, message):
    _no_kernel(monkeypatch)
    assert cli.main(["report", "tiny", *args, "--root", str(tiny.root)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and message in err, err
    assert not (tiny.root / "reports").exists() or not list((tiny.root / "reports").rglob("*.html"))


# --------------------------------------------------------------------------- the sections
def test_month_to_date_is_the_accrual_on_the_as_of_day_against_the_plan(tiny):
    section = flash.month_to_date_section(tiny, date(2026, 9, 2), "en")
    # accrued: 1.50 × (100 + 200) handled = 450.00; plan: 140.00 + 160.00 = 300.00; deviation 150.00 = 50.0 %
    assert section.results == {"as_of": "2026-09-02", "accrued_to_date": {"acme": Decimal("450.00")},
                               "planned_to_date": {"acme": Decimal("300.00")}}
    row = section.tables[0][1].iloc[0].to_dict()
    assert row == {"Supplier": "Acme Contact S.L.", "Month": "2026-09", "Days elapsed": "2 of 30",
                   "Accrued": "€450.00", "Plan file cost": "€300.00", "Deviation": "€150.00", "%": "50.0%"}
    assert list(flash.SECTIONS) == ["summary", "suppliers", "alerts", "budget", "charts", "month_to_date"]
    results = flash.flash_sections(tiny, "2026-09-02", "en").results
    assert {k: results[k] for k in section.results} == section.results


def test_a_plan_missing_a_day_or_a_cost_is_shown_not_summed(tmp_path):
    # the plan has 1 and 3 September, not the 2nd: its sum to the 2nd (140.00) would understate it
    write_engagement(tmp_path, tables={
        "activity/acme.csv": [activity_row(d, h, h) for d, h in SEPTEMBER.items()],
        "plan/plan.csv": [_plan_row("2026-09-01", "140.00"), _plan_row("2026-09-03", "170.00")]})
    section = flash.month_to_date_section(load("tiny", root=tmp_path), date(2026, 9, 2), "es")
    assert section.results["planned_to_date"] == {"acme": None}
    assert section.results["accrued_to_date"] == {"acme": Decimal("450.00")}
    row = section.tables[0][1].iloc[0].to_dict()
    assert row["Coste del plan (fichero)"] == "plan incompleto" and row["Desviación"] == "" and row["Devengado"] == "450,00 €"


def test_without_a_plan_the_flash_says_so(tmp_path):
    write_engagement(tmp_path, tables={"activity/acme.csv": [activity_row(d, h, h) for d, h in SEPTEMBER.items()]})
    section = flash.month_to_date_section(load("tiny", root=tmp_path), date(2026, 9, 3), "en")
    # 1.50 × (100 + 200 + 300) = 900.00
    assert section.results["accrued_to_date"] == {"acme": Decimal("900.00")}
    assert section.tables[0][1].iloc[0]["Plan file cost"] == "no plan"


def test_the_candidates_of_a_scenario(tiny):
    section = simulation.candidates_section(tiny, "b", None, None, "en")
    assert section.results == {"scenario": "b", "candidates": ["per_hour", "current", "bidder"]}
    table = section.tables[0][1]
    assert list(table["Candidate"]) == ["per_hour", "current", "bidder (Bidder S.L.)"]
    assert list(table["Kind"]) == ["Candidate", "Candidate", "Offer"]
    assert list(table["Source"]) == ["defined in the scenario", "parameters/tiny/contracts/acme.yaml",
                                     "parameters/tiny/contracts/acme.yaml"]
    # the tiny contract's one charge: per_unit on handled_contact
    assert list(table["Payment models"]) == ["per unit (logged hour)", "per unit (handled contact)",
                                             "per unit (handled contact)"]
    assert list(simulation.SECTIONS) == ["simulation_summary", "candidates", "comparison", "distribution", "tornado",
                                         "break_even", "offers", "stress_test"]


def test_a_scenario_without_candidates_or_with_a_missing_contract_file_is_the_readers_error(tiny):
    # the sections read the scenario with `io.scenarios.load_scenario`: its errors name the file and key path
    with pytest.raises(EngagementError, match=r"Scenario parameters/tiny/scenarios/a.yaml has errors") as caught:
        simulation.candidates_section(tiny, "a", None, None, "en")
    assert "candidates" in caught.value.report(limit=None)
    write_yaml(tiny.parameters_dir() / "scenarios" / "a.yaml",
               {"service": "care", "basis": {"historic": {"months": "2026-09"}},
                "candidates": [{"id": "x", "contract": "contracts/nobody.yaml"}]})
    with pytest.raises(EngagementError) as caught:
        simulation.candidates_section(tiny, "a", None, None, "en")
    assert "contracts/nobody.yaml" in caught.value.report(limit=None)


def test_adding_a_section_is_one_registered_function(tiny):
    from ccanalysis.report.section import Section

    @flash.section("probe", "a test section")
    def probe_section(eng, as_of, lang):
        return Section("probe", results={"probe": as_of.isoformat()})

    try:
        page = flash.flash_sections(tiny, "2026-09-02", "en")
        assert [s.title for s in page][-2:] == ["Accrued against the plan file's own cost", "probe"]
        assert page.results["probe"] == "2026-09-02" and "<h2>probe</h2>" in page._repr_html_()
    finally:
        flash.SECTIONS.unregister("probe")


# --------------------------------------------------------------------------- one real report of each kind
def _demo_scenario(demo_root):
    return demo_root / "parameters" / "demo" / "scenarios" / "flash_test_tiny.yaml"


@pytest.fixture
def demo_scenario(demo_root):
    """A tiny scenario file in the demo (removed afterwards: the other tests see the demo as built)."""
    path = _demo_scenario(demo_root)
    existed = path.parent.is_dir()
    write_yaml(path, {"service": "care", "basis": {"historic": {"months": "2026-08"}}, "candidates": [
        {"id": "per_contact", "service": {"charges": [{"id": "c", "unit": "handled_contact", "model": "per_unit",
                                                       "unit_price": "2.10"}]}},
        {"id": "current", "contract": "contracts/northwind.yaml", "service_id": "care"}]})
    yield path.stem
    path.unlink()
    if not existed:
        path.parent.rmdir()


@pytest.fixture
def demo_reports(demo_root):
    """reports/demo, with the flash and scenario reports a test writes there removed afterwards (the other
    tests count the demo's reports)."""
    import shutil

    reports = demo_root / "reports" / "demo"
    there = {name: (reports / name).exists() for name in ("flash", "scenarios")}
    yield reports
    for name, existed in there.items():
        if not existed:
            shutil.rmtree(reports / name, ignore_errors=True)


def test_the_flash_and_the_simulation_render_to_their_folders_then_skip(demo_root, demo_engagement, demo_scenario,
                                                                        demo_reports, capsys):
    reports = demo_reports
    runs = {"flash/2026-08-20": ["--flash", "2026-08-20"],
            f"scenarios/{demo_scenario}": ["--scenario", demo_scenario, "--draws", "100", "--seed", "3"]}
    for name, flags in runs.items():
        args = ["report", "demo", *flags, "--lang", "en", "--jobs", "1", "--root", str(demo_root), "--format", "json"]
        assert cli.main(args) == 0
        out = json.loads(capsys.readouterr().out)
        assert [(r["report"], r["status"]) for r in out] == [(name, "ok")]
        page = (reports / f"{name}.html").read_text(encoding="utf-8")
        record = json.loads((reports / f"{name}.json").read_text(encoding="utf-8"))
        assert out[0]["html"] == str(reports / f"{name}.html") and (reports / f"{name}.ipynb").is_file()
        assert record["report"] == name and record["input_hash"] and "report.open_engagement" not in page
        assert "Demo Utilities S.A." in page and "Data sources" in page
        assert cli.main(args) == 0  # nothing changed: skipped
        assert [r["status"] for r in json.loads(capsys.readouterr().out)] == ["skipped"]
        runs[name] = (page, record)

    page, record = runs["flash/2026-08-20"]
    assert record["parameters"] == {"engagement": "demo", "as_of": "2026-08-20", "lang": "en"}
    assert "Daily cost flash — Demo Utilities S.A. — 2026-08-20" in page and "Accrued against the plan file's own cost" in page
    # what the kernel published is what the section gives in this process
    section = flash.month_to_date_section(demo_engagement, date(2026, 8, 20), "en")
    assert record["results"]["accrued_to_date"] == {s: str(v) for s, v in section.results["accrued_to_date"].items()}
    assert set(record["results"]["accrued_to_date"]) == {"northwind", "southpoint", "eastline"}

    page, record = runs[f"scenarios/{demo_scenario}"]
    assert record["parameters"] == {"engagement": "demo", "scenario": demo_scenario, "draws": 100, "seed": 3,
                                    "lang": "en"}
    results = record["results"]
    assert {k: results[k] for k in ("scenario", "candidates", "draws", "seed")} == {
        "scenario": demo_scenario, "candidates": ["per_contact", "current"], "draws": 100, "seed": 3}
    assert {results["cheapest"], results["recommended"]} <= {"per_contact", "current"}
    assert "Payment-model simulation" in page and "contracts/northwind.yaml" in page
