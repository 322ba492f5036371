"""Writing a report's files in the driver: each to a temporary name beside it, then renamed into place.

The `.json` (key results and rebuild key) is written last: it is what marks a report as up to date, so
a batch interrupted half-way never leaves a report that looks built.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import time
from datetime import datetime
from pathlib import Path

from ccanalysis.batch.jobs import OK, ReportJob, ReportResult
from ccanalysis.jsonio import to_jsonable
from ccanalysis.report.html import ccanalysis_version


def _umask() -> int:
    """The process's file-creation mask (read by setting and restoring it)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def atomic_write(path: Path, content: str | bytes) -> None:
    """Write `content` to a temporary file beside `path`, then rename it over `path` (never half-written)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = content.encode("utf-8") if isinstance(content, str) else content
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.chmod(tmp, 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


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
        atomic_write(paths["json"], json.dumps(record, indent=1, ensure_ascii=False, sort_keys=True) + "\n")
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

