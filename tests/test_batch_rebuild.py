"""The rebuild key: content not timestamps, inputs, parameters and the package's own code."""

from __future__ import annotations

import os

from ccanalysis.batch import rebuild
from ccanalysis.batch.rebuild import job_hash
from ccanalysis.batch.runner import run_batch
from tests.notebook_jobs import OK_NB, notebook_job


def test_job_hash_follows_content_not_timestamps(tmp_path):
    data = tmp_path / "calls.csv"
    data.write_text("day,calls\n2026-08-01,10\n")
    job = notebook_job("r", OK_NB, tmp_path, inputs=[tmp_path])  # a folder is hashed file by file
    first = job_hash(job)
    os.utime(data, (1, 1))
    assert job_hash(job) == first
    data.write_text("day,calls\n2026-08-01,11\n")
    assert job_hash(job) != first
    assert job_hash(notebook_job("r", OK_NB, tmp_path, inputs=[tmp_path], parameters={"count": 4})) != job_hash(job)


def test_incremental_skip_rebuild_on_input_change_and_force(tmp_path):
    data = tmp_path / "data.csv"
    data.write_text("a\n1\n")
    out = tmp_path / "reports"
    job = notebook_job("ok", OK_NB, out, inputs=[data])

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


def test_a_change_in_the_package_code_rebuilds_the_report(tmp_path, monkeypatch):
    job = notebook_job("ok", OK_NB, tmp_path)
    assert run_batch([job], progress=False)[0].status == "ok"
    assert run_batch([job], progress=False)[0].status == "skipped"  # same code, same inputs
    # as after editing any module of ccanalysis (e.g. pricing/__init__.py): another package fingerprint
    monkeypatch.setattr(rebuild, "package_fingerprint", lambda: "0" * 64)
    assert run_batch([job], progress=False)[0].status == "ok"
    assert run_batch([job], progress=False)[0].status == "skipped"


def test_a_corrupted_record_is_rebuilt_not_a_crash(tmp_path):
    job = notebook_job("ok", OK_NB, tmp_path)
    assert run_batch([job], progress=False)[0].status == "ok"
    (tmp_path / "ok.json").write_bytes(b'{"input_hash": "\x00')  # a write cut short by a crash or a full disk
    assert run_batch([job], progress=False)[0].status == "ok"
    (tmp_path / "ok.json").write_text("[]")  # valid JSON, not a record
    assert run_batch([job], progress=False)[0].status == "ok"
    assert run_batch([job], progress=False)[0].status == "skipped"


def test_a_truncated_or_edited_html_is_rebuilt_when_its_record_is_intact(tmp_path):
    import hashlib
    import json

    from ccanalysis.batch.rebuild import is_up_to_date

    job = notebook_job("ok", OK_NB, tmp_path)
    assert run_batch([job], progress=False)[0].status == "ok"
    page = tmp_path / "ok.html"
    html = page.read_bytes()
    record = json.loads((tmp_path / "ok.json").read_text())
    assert record["html"] == {"sha256": hashlib.sha256(html).hexdigest(), "bytes": len(html)}
    assert record["inputs"] == []
    assert is_up_to_date(job, job_hash(job))

    page.write_bytes(html[: len(html) // 2])  # a copy or a disk cut short
    assert not is_up_to_date(job, job_hash(job))
    page.write_bytes(html.replace(b"3703.50", b"3703.05"))  # same size, other bytes
    assert not is_up_to_date(job, job_hash(job))
    page.write_bytes(html)
    assert is_up_to_date(job, job_hash(job))

    page.write_bytes(html[:100])
    assert run_batch([job], progress=False)[0].status == "ok"  # rebuilt, whole again
    assert page.read_bytes().endswith(b"</html>\n") and is_up_to_date(job, job_hash(job))
