"""Writing a report's files in the driver: each to a temporary name beside it, then renamed into place.

The `.json` (key results and rebuild key) is written last: it is what marks a report as up to date, so
a batch interrupted half-way never leaves a report that looks built.
"""

from __future__ import annotations

import contextlib
import json
import time
from datetime import datetime

from ccanalysis.batch.jobs import OK, ReportJob, ReportResult
from ccanalysis.io.writing import atomic_write
from ccanalysis.jsonio import to_jsonable
from ccanalysis.report.html import ccanalysis_version


def write_outputs(job: ReportJob, digest: str, out: dict) -> ReportResult:
    """Driver side: write one report's files atomically and build its result."""
    paths = job.paths()
    started = time.perf_counter()
    if out["status"] == OK:
        atomic_write(paths["ipynb"], out["notebook"])
        atomic_write(paths["html"], out["html"])
        record = {
            "report": job.name,
            "input_hash": digest,
            "ccanalysis_version": ccanalysis_version(),
            "generated": datetime.now().astimezone().isoformat(timespec="seconds"),
            "parameters": to_jsonable(job.parameters),
            "header": to_jsonable(job.header),
            "results": out.get("results"),
        }
        # the .json is written last: it is what marks the report as up to date
        atomic_write(paths["json"], json.dumps(record, indent=1, ensure_ascii=False, sort_keys=True, allow_nan=False) + "\n")
        with contextlib.suppress(FileNotFoundError):
            paths["failed"].unlink()
        written = {k: paths[k] for k in ("html", "ipynb", "json")}
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
    )

