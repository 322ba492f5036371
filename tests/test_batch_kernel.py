"""`--reuse-kernel`: one kept-alive kernel per worker, reset between reports."""

from __future__ import annotations

from ccanalysis.batch.runner import run_batch
from tests.notebook_jobs import FAILING_NB, NOTEBOOKS, OK_NB, by_name, notebook_job


def test_reused_kernel_is_reset_between_reports(tmp_path):
    jobs = [notebook_job("set", NOTEBOOKS / "leak_set.ipynb", tmp_path),
            notebook_job("check", NOTEBOOKS / "leak_check.ipynb", tmp_path)]
    results = run_batch(jobs, jobs_n=1, reuse_kernel=True, progress=False)
    by = by_name(results)
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
        notebook_job("failing", FAILING_NB, tmp_path),
        notebook_job("ok", OK_NB, tmp_path, parameters={"count": 2}),
    ]
    by = by_name(run_batch(jobs, jobs_n=1, reuse_kernel=True, progress=False))
    assert by["failing"].status == "failed" and by["failing"].failed_cell == 3
    assert by["ok"].status == "ok"
    assert by["ok"].results["total_billed"] == "2469.00"  # 1234.50 × 2
