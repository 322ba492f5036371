"""Executing one report in a worker: the notebook through papermill (or on a kept-alive kernel), then
its HTML rendered in-process; errors come back as a failed status, never raised."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import nbformat

from ccanalysis.batch.cells import cell_times, failure
from ccanalysis.batch.jobs import FAILED, OK
from ccanalysis.batch.kernel import KERNEL_ARGUMENTS, execute_reused
from ccanalysis.report.html import notebook_to_html
from ccanalysis.report.results import extract_results


def _execute_papermill(nb: nbformat.NotebookNode, payload: dict) -> tuple[nbformat.NotebookNode, float]:
    """Run through `papermill.execute_notebook`; returns the executed notebook (also after a cell error)
    and the seconds spent outside cells (kernel start-up and shutdown)."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    with tempfile.TemporaryDirectory(prefix="ccanalysis-run-") as scratch:
        out = Path(scratch) / "executed.ipynb"
        started = time.perf_counter()
        try:
            executed = papermill.execute_notebook(
                nb,
                str(out),
                parameters=payload["parameters"],
                kernel_name=payload["kernel_name"],
                # the kernel's working directory, not papermill's `cwd` (a process-wide chdir, unsafe in
                # threaded dask workers)
                resources={"metadata": {"path": payload["cwd"]}},
                progress_bar=False,
                log_output=False,
                request_save_on_cell_execute=False,
                execution_timeout=payload["cell_timeout"],
                extra_arguments=list(KERNEL_ARGUMENTS),
            )
        except PapermillExecutionError:
            executed = nbformat.read(out, as_version=4)
        wall = time.perf_counter() - started
    meta = executed.metadata.get("papermill", {})
    meta["input_path"] = payload["notebook_path"]  # papermill stores the whole notebook when given one
    meta["output_path"] = None
    in_cells = sum(float(c.get("metadata", {}).get("papermill", {}).get("duration") or 0) for c in executed.cells)
    return executed, max(0.0, wall - in_cells)


def execute_report(payload: dict) -> dict:
    """Execute one report (in a worker): returns status, executed notebook JSON, HTML, results, timings.

    `payload` carries the notebook's content, not its path, so a remote worker only needs the
    engagement files (a shared path) to run it, or, with `files` ({path relative to the project root:
    bytes}), none: they are written to a scratch project root, the kernel's working directory, removed
    after. Never raises: errors come back as a failed status.
    """
    if payload.get("files"):
        try:
            with tempfile.TemporaryDirectory(prefix="ccanalysis-root-") as scratch:
                for name, data in payload["files"].items():
                    path = Path(scratch, *name.split("/"))
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.write_bytes(data)
                return _execute(payload | {"files": None, "cwd": scratch})
        except OSError as error:  # the worker's scratch folder could not be written: this report fails
            return {"name": payload["name"], "status": FAILED, "timings": {}, "failed_cell": None,
                    "error_name": type(error).__name__, "error_message": str(error), "seconds": 0.0}
    return _execute(payload)


def _execute(payload: dict) -> dict:
    started = time.perf_counter()
    out: dict = {"name": payload["name"], "status": FAILED, "timings": {}}
    executed = None
    try:
        nb = nbformat.reads(payload["notebook"], as_version=4)
        if payload["reuse_kernel"]:
            executed, kernel_seconds = execute_reused(nb, payload)
        else:
            try:
                executed, kernel_seconds = _execute_papermill(nb, payload)
            except TimeoutError:  # a cell ran past cell_timeout: the report's own failure
                raise
            except Exception:  # noqa: BLE001
                # the kernel did not start (e.g. two kernels started at once picked the same free port):
                # nothing of the report ran, so one more try is safe; a cell error never lands here
                executed, kernel_seconds = _execute_papermill(nb, payload)
        imports, compute = cell_times(executed)
        execution = time.perf_counter() - started - kernel_seconds
        out["timings"].update(kernel_start=kernel_seconds, execution=execution, imports=imports,
                              compute=compute)
        failed = failure(executed)
        if failed:
            out.update(failed)
        else:
            html_started = time.perf_counter()
            out["html"] = notebook_to_html(
                executed, title=payload["title"], header=payload["header"], lang=payload["lang"]
            )
            out["timings"]["html"] = time.perf_counter() - html_started
            out["results"] = extract_results(executed)
            out["status"] = OK
    except Exception as error:  # noqa: BLE001 - one report's failure must not stop the batch
        out.update(failed_cell=None, error_name=type(error).__name__, error_message=str(error))
    if executed is not None:
        out["notebook"] = nbformat.writes(executed)
    out["seconds"] = time.perf_counter() - started
    return out

