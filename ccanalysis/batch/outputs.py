"""Writing a report's files in the driver: each to a temporary name beside it, then renamed into place.

The `.json` (key results, rebuild key, and the sha256 and size of the HTML it goes with) is written last:
it is what marks a report as up to date, so a batch interrupted half-way never leaves a report that looks
built, and an HTML file cut short or edited afterwards no longer matches its `.json` and is rebuilt. A
report asked with a PDF has it printed from the written HTML before the `.json`: a PDF that cannot be
printed is a failed report (its HTML is kept, but without a `.json` the next run builds it again).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
import time
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from ccanalysis.batch.jobs import FAILED, OK, ReportJob, ReportResult
from ccanalysis.batch.pdf import PdfError, html_to_pdf
from ccanalysis.errors import InputError
from ccanalysis.io.writing import atomic_write
from ccanalysis.jsonio import to_jsonable
from ccanalysis.report.html import ccanalysis_version


def html_digest(html: bytes) -> dict:
    """What a report's `.json` records of its HTML (and of its PDF): sha256 (hex) and size in bytes."""
    return {"sha256": hashlib.sha256(html).hexdigest(), "bytes": len(html)}


def check_writable(folders: Iterable[Path]) -> None:
    """Create each output folder and write (then remove) a probe file in it; InputError naming the first
    folder where that fails, so a read-only `reports/` is reported before any kernel starts."""
    for folder in sorted({Path(f) for f in folders}):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            fd, probe = tempfile.mkstemp(prefix=".ccanalysis-probe-", dir=folder)
            os.close(fd)
            os.unlink(probe)
        except OSError as error:
            blocked = folder
            while not blocked.is_dir() and blocked.parent != blocked:
                blocked = blocked.parent
            reason = error.strerror or type(error).__name__
            raise InputError(f"{blocked}: the reports cannot be written in this folder ({reason}); make it "
                             f"writable (chmod u+w {blocked}) or free the disk, then run again") from None


def _shown(path: Path, beside: Path) -> str:
    """An input as the `.json` records it: relative to the project folder holding the reports
    (`reports/ENG/YYYY-MM/x.json` → three levels up), so a shared `.json` does not show the consultant's
    folders; a file elsewhere (the installed notebooks) by its name."""
    root = Path(beside).resolve().parents[3] if len(Path(beside).resolve().parents) > 3 else None
    path = Path(path).resolve()
    if root is not None and path.is_relative_to(root):
        return path.relative_to(root).as_posix()
    return path.name


def write_outputs(job: ReportJob, digest: str, out: dict) -> ReportResult:
    """Driver side: write one report's files atomically and build its result."""
    paths = job.paths()
    started = time.perf_counter()
    failed_step = None
    if out["status"] == OK:
        html = out["html"].encode("utf-8")
        atomic_write(paths["ipynb"], out["notebook"])
        atomic_write(paths["html"], html)
        if job.pdf:
            try:
                html_to_pdf(paths["html"], paths["pdf"])
            except PdfError as error:
                out = {**out, "status": FAILED, "error_name": type(error).__name__, "error_message": str(error)}
                failed_step = "pdf"
                with contextlib.suppress(FileNotFoundError):
                    paths["pdf"].unlink()  # an older PDF beside the new HTML would show another report
        else:
            with contextlib.suppress(FileNotFoundError):
                paths["pdf"].unlink()  # a PDF left from an earlier run no longer matches the new HTML
    if failed_step is not None:
        written = {k: paths[k] for k in ("html", "ipynb")}
    elif out["status"] == OK:
        record = {
            "report": job.name,
            "input_hash": digest,
            "html": html_digest(html),
            "inputs": [_shown(p, paths["json"]) for p in job.inputs],
            "ccanalysis_version": ccanalysis_version(),
            "generated": datetime.now().astimezone().isoformat(timespec="seconds"),
            "parameters": to_jsonable(job.parameters),
            "header": to_jsonable(job.header),
            "results": out.get("results"),
        }
        if job.pdf:
            record["pdf"] = html_digest(paths["pdf"].read_bytes())
        # the .json is written last: it is what marks the report as up to date
        atomic_write(paths["json"], json.dumps(record, indent=1, ensure_ascii=False, sort_keys=True, allow_nan=False) + "\n")
        with contextlib.suppress(FileNotFoundError):
            paths["failed"].unlink()
        written = {k: paths[k] for k in ("html", "ipynb", "json", *(("pdf",) if job.pdf else ()))}
    else:
        written = {}
        if out.get("notebook"):
            atomic_write(paths["failed"], out["notebook"])
            written["failed"] = paths["failed"]
    timings = dict(out.get("timings", {}))
    timings["write"] = time.perf_counter() - started
    return ReportResult(
        name=job.name,
        status=out["status"],
        seconds=out.get("seconds", 0.0) + timings["write"],
        failed_cell=out.get("failed_cell"),
        error_name=out.get("error_name"),
        error_message=out.get("error_message"),
        failed_source=out.get("failed_source"),
        paths=written,
        timings=timings,
        results=out.get("results"),
        failed_step=failed_step,
    )

