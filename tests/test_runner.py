"""The batch runner on tiny fixture notebooks (tests/notebooks/): isolation, incremental, atomic, kernels."""

from __future__ import annotations

import json
import os
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from ccanalysis.batch import runner
from ccanalysis.batch.runner import (
    ReportJob,
    ReportResult,
    atomic_write,
    exit_code,
    job_hash,
    run_batch,
    summary_table,
    to_jsonable,
    validate_parameters,
)

NOTEBOOKS = Path(__file__).parent / "notebooks"
OK_NB, FAILING_NB, SLOW_NB = NOTEBOOKS / "ok.ipynb", NOTEBOOKS / "failing.ipynb", NOTEBOOKS / "slow.ipynb"


def _job(name: str, notebook: Path, out: Path, **kwargs) -> ReportJob:
    return ReportJob(name=name, notebook=notebook, output_stem=out / name, **kwargs)


def _by_name(results: list[ReportResult]) -> dict[str, ReportResult]:
    return {r.name: r for r in results}


# --- pure helpers (no kernel) ----------------------------------------------------------------------


def test_to_jsonable_keeps_decimals_exact_and_fractions_as_floats():
    data = {"billed": Decimal("1234.50"), "share": Fraction(1, 4), "nested": [{"x": Decimal("0.10")}]}
    assert to_jsonable(data) == {"billed": "1234.50", "share": 0.25, "nested": [{"x": "0.10"}]}


def test_summary_table_and_exit_code():
    results = [
        ReportResult("2026-08/northwind", "ok", 2.04),
        ReportResult("2026-08/southwind", "skipped"),
        ReportResult("2026-08/eastwind", "failed", 1.5, failed_cell=3, error_name="KeyError",
                     error_message="'AHT'\nmore", failed_source="kpis = compute(month)"),
    ]
    table = summary_table(results)
    lines = table.splitlines()
    assert lines[0].split() == ["report", "status", "seconds", "where", "it", "failed"]
    failed_line = next(line for line in lines if "eastwind" in line)
    assert "failed" in failed_line and "cell 3" in failed_line and "KeyError: 'AHT'" in failed_line
    assert "more" not in table  # only the first line of the message
    assert lines[-1] == "1 ok, 1 skipped, 1 failed"
    assert exit_code(results) == 1
    assert exit_code(results[:2]) == 0


def test_validate_parameters_accepts_declared_types():
    validate_parameters(OK_NB, {"client": "Globex", "count": 2, "share": 1})  # an int is a valid float


@pytest.mark.parametrize(
    ("parameters", "fragment"),
    [
        ({"clinet": "ACME"}, "unknown parameter 'clinet'"),
        ({"count": "3"}, "parameter 'count' must be int, got str '3'"),
        ({"count": True}, "parameter 'count' must be int, got bool"),
        ({"share": "0.5"}, "parameter 'share' must be float"),
    ],
)
def test_validate_parameters_rejects_with_one_line(parameters, fragment):
    with pytest.raises(ValueError) as caught:
        validate_parameters(OK_NB, parameters)
    assert fragment in str(caught.value)
    assert "\n" not in str(caught.value)


def test_bad_parameter_stops_the_batch_before_any_kernel(tmp_path, monkeypatch):
    def no_execution(*args, **kwargs):
        raise AssertionError("a report was executed before validation finished")

    monkeypatch.setattr(runner, "_run_pool", no_execution)
    monkeypatch.setattr(runner, "_run_dask", no_execution)
    jobs = [_job("good", OK_NB, tmp_path), _job("bad", OK_NB, tmp_path, parameters={"month": "2026-13"})]
    with pytest.raises(ValueError, match=r"^bad: ok.ipynb: unknown parameter 'month'"):
        run_batch(jobs, progress=False)
    assert list(tmp_path.iterdir()) == []


def test_job_hash_follows_content_not_timestamps(tmp_path):
    data = tmp_path / "calls.csv"
    data.write_text("day,calls\n2026-08-01,10\n")
    job = _job("r", OK_NB, tmp_path, inputs=[tmp_path])  # a folder is hashed file by file
    first = job_hash(job)
    os.utime(data, (1, 1))
    assert job_hash(job) == first
    data.write_text("day,calls\n2026-08-01,11\n")
    assert job_hash(job) != first
    assert job_hash(_job("r", OK_NB, tmp_path, inputs=[tmp_path], parameters={"count": 4})) != job_hash(job)


def test_atomic_write_leaves_the_old_file_when_replacing_fails(tmp_path, monkeypatch):
    target = tmp_path / "report.html"
    target.write_text("good")

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(runner.os, "replace", broken_replace)
    with pytest.raises(OSError):
        atomic_write(target, "half")
    assert target.read_text() == "good"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]  # no temporary left behind


# --- batches with kernels --------------------------------------------------------------------------


def test_one_failure_does_not_stop_the_others(tmp_path):
    jobs = [
        _job("ok", OK_NB, tmp_path, header={"client": "ACME"}),
        _job("failing", FAILING_NB, tmp_path),
        _job("slow", SLOW_NB, tmp_path, parameters={"seconds": 0.5}),
    ]
    results = run_batch(jobs, jobs_n=2, progress=False)
    assert [r.name for r in results] == ["ok", "failing", "slow"]
    by = _by_name(results)
    assert (by["ok"].status, by["failing"].status, by["slow"].status) == ("ok", "failed", "ok")
    # failing.ipynb: markdown (0), parameters (1), value = 1 (2), raise (3)
    assert by["failing"].failed_cell == 3
    assert (by["failing"].error_name, by["failing"].error_message) == ("ValueError", "boom in cell 3")
    table = summary_table(results)
    assert "failing" in table and "cell 3" in table and "ValueError: boom in cell 3" in table
    assert exit_code(results) == 1

    assert (tmp_path / "failing.failed.ipynb").is_file()
    assert not (tmp_path / "failing.html").exists() and not (tmp_path / "failing.json").exists()
    for name in ("ok", "slow"):
        for suffix in (".html", ".ipynb", ".json"):
            assert (tmp_path / f"{name}{suffix}").is_file()
    record = json.loads((tmp_path / "ok.json").read_text())
    # ok.ipynb: total = Decimal("1234.50") * 3 = 3703.50; share = Fraction(1, 3) published as a float
    assert record["results"] == {"client": "ACME", "total_billed": "3703.50", "share": 1 / 3, "count": 3}
    assert record["header"] == {"client": "ACME"}
    assert set(by["ok"].timings) >= {"kernel_start", "execution", "imports", "compute", "html", "write"}
    assert by["ok"].timings["kernel_start"] > 0


def test_incremental_skip_rebuild_on_input_change_and_force(tmp_path):
    data = tmp_path / "data.csv"
    data.write_text("a\n1\n")
    out = tmp_path / "reports"
    job = _job("ok", OK_NB, out, inputs=[data])

    assert run_batch([job], progress=False)[0].status == "ok"
    first_html = (out / "ok.html").read_bytes()
    assert run_batch([job], progress=False)[0].status == "skipped"
    assert (out / "ok.html").read_bytes() == first_html

    data.write_text("a\n2\n")
    assert run_batch([job], progress=False)[0].status == "ok"
    assert run_batch([job], progress=False)[0].status == "skipped"
    assert run_batch([job], force=True, progress=False)[0].status == "ok"

    (out / "ok.html").unlink()  # a missing HTML is rebuilt even with the same hash
    assert run_batch([job], progress=False)[0].status == "ok"


def test_failed_rebuild_leaves_the_good_report_untouched(tmp_path):
    good = _job("report", FAILING_NB, tmp_path, parameters={"fail": False})
    assert run_batch([good], progress=False)[0].status == "ok"
    before = {s: (tmp_path / f"report{s}").read_bytes() for s in (".html", ".json", ".ipynb")}
    assert b"Fixture value: 1" in before[".html"]

    bad = _job("report", FAILING_NB, tmp_path, parameters={"fail": True})
    result = run_batch([bad], progress=False)[0]
    assert result.status == "failed" and result.failed_cell == 3
    after = {s: (tmp_path / f"report{s}").read_bytes() for s in (".html", ".json", ".ipynb")}
    assert after == before
    assert (tmp_path / "report.failed.ipynb").is_file()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary files left
    # the failed build did not record its hash: the next run tries again instead of skipping
    assert run_batch([bad], progress=False)[0].status == "failed"

    assert run_batch([good], progress=False)[0].status == "skipped"


def test_reused_kernel_is_reset_between_reports(tmp_path):
    jobs = [_job("set", NOTEBOOKS / "leak_set.ipynb", tmp_path), _job("check", NOTEBOOKS / "leak_check.ipynb", tmp_path)]
    results = run_batch(jobs, jobs_n=1, reuse_kernel=True, progress=False)
    by = _by_name(results)
    assert by["set"].status == "ok", by["set"].where
    assert by["check"].status == "ok", by["check"].where
    # the same kernel process ran both reports …
    assert by["set"].results["pid"] == by["check"].results["pid"]
    # … and the second saw none of what the first left behind
    check = by["check"].results
    assert check["variable"] is False
    assert check["environ"] is False
    assert check["builtin"] is False
    assert check["decimal_prec"] == 28  # Python's default context, not the 5 set by leak_set
    assert check["leakmod_counter"] == 1  # leakmod re-imported fresh (0) then + 1, not 1 + 1


def test_reused_kernel_reports_failures_and_goes_on(tmp_path):
    jobs = [
        _job("failing", FAILING_NB, tmp_path),
        _job("ok", OK_NB, tmp_path, parameters={"count": 2}),
    ]
    by = _by_name(run_batch(jobs, jobs_n=1, reuse_kernel=True, progress=False))
    assert by["failing"].status == "failed" and by["failing"].failed_cell == 3
    assert by["ok"].status == "ok"
    assert by["ok"].results["total_billed"] == "2469.00"  # 1234.50 × 2


def test_dask_local_cluster_gives_the_same_outputs_written_by_the_driver(tmp_path):
    jobs = [
        _job("ok", OK_NB, tmp_path, header={"client": "ACME"}),
        _job("failing", FAILING_NB, tmp_path),
    ]
    results = run_batch(jobs, jobs_n=2, scheduler="local", progress=False)
    by = _by_name(results)
    assert by["ok"].status == "ok"
    assert by["failing"].status == "failed" and by["failing"].failed_cell == 3
    record = json.loads((tmp_path / "ok.json").read_text())
    assert record["results"]["total_billed"] == "3703.50"  # 1234.50 × 3
    html = (tmp_path / "ok.html").read_text()
    assert "Total billed for ACME: 3703.50" in html
    assert (tmp_path / "failing.failed.ipynb").is_file()
    assert exit_code(results) == 1
