"""The rebuild key of a report and the up-to-date check that lets an unchanged report be skipped.

The key is a sha256 of everything that decides a report's content: the notebook, its parameters, header,
title and language, the bytes of its input files, and the fingerprint of the installed ccanalysis package
(every module and notebook), so editing any source file rebuilds the reports.
"""

from __future__ import annotations

import functools
import hashlib
import json
import time
from pathlib import Path

from ccanalysis.batch.jobs import ReportJob
from ccanalysis.batch.outputs import html_digest
from ccanalysis.fingerprint import RACY_NS, package_fingerprint
from ccanalysis.jsonio import to_jsonable


def _hash_path(digest: hashlib._Hash, path: Path) -> None:
    """Feed a file's path and bytes (a folder: each file in it, sorted; a missing file: a marker)."""
    path = Path(path)
    if path.is_dir():
        for child in sorted(p for p in path.rglob("*") if p.is_file()):
            _hash_path(digest, child)
        return
    digest.update(str(path).encode() + b"\0")
    if path.is_file():
        stat = path.stat()
        racy = time.time_ns() - stat.st_mtime_ns < RACY_NS  # could change again within the same time tick
        digest.update((file_digest.__wrapped__ if racy else file_digest)(
            str(path.resolve()), stat.st_size, stat.st_mtime_ns).encode())
    else:
        digest.update(b"<missing>")
    digest.update(b"\0")


@functools.lru_cache(maxsize=65536)
def file_digest(path: str, size: int, mtime_ns: int) -> str:
    """sha256 (hex) of a file's bytes, read once per process for a given size and modification time: the
    reports of a batch share their input files (each supplier's history feeds every one of its months)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def job_hash(job: ReportJob) -> str:
    """sha256 of what decides a report: notebook bytes, parameters, header, title, language, input files
    and the installed package's fingerprint (every ccanalysis module and notebook)."""
    digest = hashlib.sha256()
    digest.update(Path(job.notebook).read_bytes())
    meta = {"parameters": job.parameters, "header": job.header, "title": job.title, "lang": job.lang}
    digest.update(json.dumps(to_jsonable(meta), sort_keys=True).encode())
    digest.update(package_fingerprint().encode())
    for path in job.inputs:
        _hash_path(digest, path)
    return digest.hexdigest()


def is_up_to_date(job: ReportJob, digest: str) -> bool:
    """True when the report's `.json` records the same input hash and the HTML beside it has the size and
    sha256 the `.json` recorded (a missing, truncated or edited HTML, or an unreadable `.json`, is not up
    to date: the report is rebuilt); for a job asking for a PDF, the PDF must be there with the size the
    `.json` recorded too."""
    paths = job.paths()
    try:
        record = json.loads(paths["json"].read_text(encoding="utf-8"))
        if not isinstance(record, dict) or record.get("input_hash") != digest:
            return False
        expected = record.get("html")
        if not isinstance(expected, dict) or paths["html"].stat().st_size != expected.get("bytes"):
            return False
        if job.pdf:  # asked for a PDF: it must be the one printed with this HTML
            printed = record.get("pdf")
            if not isinstance(printed, dict) or paths["pdf"].stat().st_size != printed.get("bytes"):
                return False
        return html_digest(paths["html"].read_bytes()) == expected
    except (OSError, ValueError):
        return False

