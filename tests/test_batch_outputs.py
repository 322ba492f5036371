"""Writing a report's files: atomic, the JSON record exact, a failed build never over a good one."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from ccanalysis.batch.runner import run_batch
from ccanalysis.io import writing
from ccanalysis.io.writing import atomic_write
from ccanalysis.jsonio import to_jsonable
from tests.notebook_jobs import FAILING_NB, notebook_job


def test_to_jsonable_keeps_decimals_exact_and_fractions_as_floats():
    data = {"billed": Decimal("1234.50"), "share": Fraction(1, 4), "nested": [{"x": Decimal("0.10")}]}
    assert to_jsonable(data) == {"billed": "1234.50", "share": 0.25, "nested": [{"x": "0.10"}]}


def test_atomic_write_leaves_the_old_file_when_replacing_fails(tmp_path, monkeypatch):
    target = tmp_path / "report.html"
    target.write_text("good")

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(writing.os, "replace", broken_replace)
    with pytest.raises(OSError):
        atomic_write(target, "half")
    assert target.read_text() == "good"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]  # no temporary left behind


def test_failed_rebuild_leaves_the_good_report_untouched(tmp_path):
    good = notebook_job("report", FAILING_NB, tmp_path, parameters={"fail": False})
    assert run_batch([good], progress=False)[0].status == "ok"
    before = {s: (tmp_path / f"report{s}").read_bytes() for s in (".html", ".json", ".ipynb")}
    assert b"Fixture value: 1" in before[".html"]

    bad = notebook_job("report", FAILING_NB, tmp_path, parameters={"fail": True})
    result = run_batch([bad], progress=False)[0]
    assert result.status == "failed" and result.failed_cell == 3
    after = {s: (tmp_path / f"report{s}").read_bytes() for s in (".html", ".json", ".ipynb")}
    assert after == before
    assert (tmp_path / "report.failed.ipynb").is_file()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary files left
    # the failed build did not record its hash: the next run tries again instead of skipping
    assert run_batch([bad], progress=False)[0].status == "failed"

    assert run_batch([good], progress=False)[0].status == "skipped"
