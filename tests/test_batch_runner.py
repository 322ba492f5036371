"""The batch runner on tiny fixture notebooks (tests/notebooks/): validation first, isolation, dask."""

from __future__ import annotations

import json

import pytest

from ccanalysis.batch import runner
from ccanalysis.batch.runner import exit_code, run_batch, summary_table
from ccanalysis.errors import UsageError
from tests.notebook_jobs import FAILING_NB, OK_NB, SLOW_NB, by_name, notebook_job


def test_bad_parameter_stops_the_batch_before_any_kernel(tmp_path, monkeypatch):
    def no_execution(*args, **kwargs):
        raise AssertionError("a report was executed before validation finished")

    monkeypatch.setattr(runner, "_run_pool", no_execution)
    monkeypatch.setattr(runner, "_run_dask", no_execution)
    jobs = [notebook_job("good", OK_NB, tmp_path),
            notebook_job("bad", OK_NB, tmp_path, parameters={"month": "2026-13"})]
    with pytest.raises(UsageError, match=r"^bad: ok.ipynb: unknown parameter 'month'"):
        run_batch(jobs, progress=False)
    assert list(tmp_path.iterdir()) == []


def test_one_failure_does_not_stop_the_others(tmp_path):
    jobs = [
        notebook_job("ok", OK_NB, tmp_path, header={"client": "ACME"}),
        notebook_job("failing", FAILING_NB, tmp_path),
        notebook_job("slow", SLOW_NB, tmp_path, parameters={"seconds": 0.5}),
    ]
    results = run_batch(jobs, jobs_n=2, progress=False)
    assert [r.name for r in results] == ["ok", "failing", "slow"]
    by = by_name(results)
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


def test_dask_local_cluster_gives_the_same_outputs_written_by_the_driver(tmp_path):
    jobs = [
        notebook_job("ok", OK_NB, tmp_path, header={"client": "ACME"}),
        notebook_job("failing", FAILING_NB, tmp_path),
    ]
    results = run_batch(jobs, jobs_n=2, scheduler="local", progress=False)
    by = by_name(results)
    assert by["ok"].status == "ok"
    assert by["failing"].status == "failed" and by["failing"].failed_cell == 3
    record = json.loads((tmp_path / "ok.json").read_text())
    assert record["results"]["total_billed"] == "3703.50"  # 1234.50 × 3
    html = (tmp_path / "ok.html").read_text()
    assert "Total billed for ACME: 3703.50" in html
    assert (tmp_path / "failing.failed.ipynb").is_file()
    assert exit_code(results) == 1


def test_the_forkserver_preloads_the_worker_entry_point():
    import importlib

    assert runner.WORKER_PRELOAD[0] == "ccanalysis.batch.execute"
    for name in runner.WORKER_PRELOAD:
        importlib.import_module(name)
