"""Batch execution of parameterised report notebooks: parallel, incremental, failure-isolated, atomic.

One driver process validates every job and checks its output folders are writable, skips reports whose
rebuild key did not change (`batch.rebuild`), and sends the rest to workers (a local process pool, or a dask.distributed cluster). A worker executes
the notebook (`batch.execute`: papermill, or with `reuse_kernel` a kept-alive kernel from `batch.kernel`),
renders the HTML in-process and returns the executed notebook, HTML and key results; the driver alone
writes the output folder (`batch.outputs`).

This package is generic: it knows notebooks, parameters and files, not suppliers or contracts.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import replace
from pathlib import Path

from ccanalysis.batch.execute import execute_report
from ccanalysis.batch.jobs import FAILED, SKIPPED, ReportJob, ReportResult, exit_code, summary_table
from ccanalysis.batch.kernel import shutdown_worker_kernels
from ccanalysis.batch.outputs import check_writable, write_outputs
from ccanalysis.batch.parameters import validate_parameters
from ccanalysis.batch.rebuild import is_up_to_date, job_hash
from ccanalysis.batch.watchdog import start_time, watch_driver
from ccanalysis.errors import SchedulerError, UsageError

# the names a notebook, a benchmark or a test imports from the runner
from ccanalysis.report.results import extract_results, publish_results

#: Seconds the driver waits for a dask scheduler to answer before saying it is unreachable.
CONNECT_TIMEOUT_S = 5

#: Modules the forkserver imports once for every worker it forks: the worker's entry point and what it uses.
WORKER_PRELOAD = (execute_report.__module__, "papermill", "nbconvert")

__all__ = ["ReportJob", "ReportResult", "exit_code", "extract_results", "publish_results", "run_batch",
           "summary_table"]


def _payload(job: ReportJob, *, kernel_name: str, cwd: str | None, reuse_kernel: bool,
             cell_timeout: int | None, warm_imports: Sequence[str]) -> dict:
    return {
        "name": job.name,
        "notebook_path": str(job.notebook),
        "notebook": Path(job.notebook).read_text(encoding="utf-8"),
        "parameters": dict(job.parameters),
        "header": dict(job.header),
        "title": job.title or job.name,
        "lang": job.lang,
        "kernel_name": kernel_name,
        "cwd": str(Path(cwd).resolve()) if cwd is not None else str(Path(job.notebook).resolve().parent),
        "reuse_kernel": reuse_kernel,
        "cell_timeout": cell_timeout,
        "warm_imports": list(warm_imports),
    }


class _Progress:
    """tqdm bar of reports done, with running and failed counts."""

    def __init__(self, total: int, enabled: bool) -> None:
        self.bar = None
        if enabled and total:
            from tqdm.auto import tqdm

            self.bar = tqdm(total=total, desc="reports", unit="report", file=sys.stderr)
        self.failed = 0

    def update(self, running: int, failed_now: bool = False, advance: int = 1) -> None:
        self.failed += int(failed_now)
        if self.bar is not None:
            self.bar.set_postfix_str(f"running={running} failed={self.failed}", refresh=False)
            self.bar.update(advance)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _watchdog_args() -> tuple[int, str | None] | None:
    """What a local worker needs to watch this driver (None on Windows, where workers die with their job)."""
    return None if sys.platform == "win32" else (os.getpid(), start_time(os.getpid()))


def _watch(args: tuple[int, str | None] | None) -> None:
    if args is not None:
        watch_driver(*args)


def _run_pool(payloads: list[dict], workers: int, on_done) -> None:
    if sys.platform == "win32":
        context = multiprocessing.get_context("spawn")
    else:
        # forkserver: workers never inherit the driver's threads (dask, tqdm); the server imports the
        # worker's modules once and forks every worker from it, so a worker starts in milliseconds
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(list(WORKER_PRELOAD))
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_watch,
                             initargs=(_watchdog_args(),)) as pool:
        pending: dict[Future, int] = {pool.submit(execute_report, p): i for i, p in enumerate(payloads)}
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                index = pending.pop(future)
                on_done(index, _future_result(future, payloads[index]), min(workers, len(pending)))


def _future_result(future, payload: dict) -> dict:
    try:
        return future.result()
    except Exception as error:  # noqa: BLE001 - a worker that died is one failed report
        return {"name": payload["name"], "status": FAILED, "error_name": type(error).__name__,
                "error_message": str(error), "timings": {}}


def connect(scheduler: str):
    """A `distributed.Client` of the scheduler at `scheduler` (e.g. tcp://10.0.0.5:8786); SchedulerError
    (one line) when dask is not installed or nothing answers within CONNECT_TIMEOUT_S."""
    try:
        from dask.distributed import Client
    except ImportError:
        raise SchedulerError("--scheduler needs dask.distributed: pip install 'dask[distributed]'",
                             address=scheduler) from None
    try:
        return Client(scheduler, timeout=CONNECT_TIMEOUT_S)
    except Exception as error:  # noqa: BLE001 - OSError, TimeoutError, ValueError of a malformed address
        detail = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise SchedulerError(f"no dask scheduler answers at {scheduler} within {CONNECT_TIMEOUT_S} s ({detail}); "
                             "start one with `dask scheduler` and give its address, e.g. "
                             "--scheduler tcp://10.0.0.5:8786", address=scheduler) from None


def _run_dask(payloads: list[dict], workers: int, scheduler: str, reuse_kernel: bool,
              cluster_kwargs: Mapping | None, on_done) -> None:
    from dask.distributed import Client, LocalCluster, as_completed

    cluster = None
    if scheduler == "local":
        options = {"n_workers": workers, "threads_per_worker": 1, "processes": True,
                   "dashboard_address": None}
        options.update(cluster_kwargs or {})
        cluster = LocalCluster(**options)
        client = Client(cluster)
        client.run(_watch, _watchdog_args())  # local workers end with this driver, even killed
    else:
        client = connect(scheduler)
    try:
        futures = {
            client.submit(execute_report, p, pure=False, key=f"report-{i}-{p['name']}"): i
            for i, p in enumerate(payloads)
        }
        remaining = len(futures)
        for future in as_completed(list(futures)):
            remaining -= 1
            index = futures[future]
            on_done(index, _future_result(future, payloads[index]), min(workers, remaining))
        if reuse_kernel:
            with contextlib.suppress(Exception):
                client.run(shutdown_worker_kernels)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _absolute(job: ReportJob) -> ReportJob:
    """The job with absolute paths: workers may run elsewhere than the driver's working directory."""
    return replace(
        job,
        notebook=Path(job.notebook).resolve(),
        output_stem=Path(job.output_stem).absolute(),
        inputs=[Path(p).resolve() for p in job.inputs],
    )


def run_batch(
    jobs: Sequence[ReportJob],
    *,
    jobs_n: int | None = None,
    scheduler: str | None = None,
    force: bool = False,
    reuse_kernel: bool = False,
    progress: bool = True,
    kernel_name: str = "python3",
    cwd: Path | str | None = None,
    cell_timeout: int | None = None,
    warm_imports: Sequence[str] = ("ccanalysis", "pandas", "numpy", "matplotlib.pyplot"),
    cluster_kwargs: Mapping | None = None,
    ship: Callable[[ReportJob], Mapping[str, bytes]] | None = None,
) -> list[ReportResult]:
    """Build every report in `jobs`, in parallel, and return one result per job in the same order.

    Parameters are validated for every job before any kernel starts (UsageError, one line), and every
    output folder is checked writable (InputError naming it). Reports whose input hash is unchanged and whose
    HTML is the one their `.json` recorded are skipped unless `force`. Local workers watch this process: if
    it dies (even by SIGKILL) they end, with their kernels, within a second. `jobs_n` workers (default:
    the machine's cores) run locally, or on dask when `scheduler` is "local" (a LocalCluster, options
    from `cluster_kwargs`) or a scheduler address. `reuse_kernel` keeps one kernel per worker, reset
    between reports (`warm_imports` are imported once in it). `cwd` is the kernels' working directory
    (default: the notebook's folder); `cell_timeout` in seconds per cell (default: none). With `ship`
    (only with a `scheduler`), the files each job's worker needs, by path relative to the project root, are
    sent with it and the report runs in a scratch root of them: workers need no shared disk. An
    unreachable scheduler is a SchedulerError, raised before any report runs.
    """
    if ship is not None and scheduler is None:
        raise UsageError("sending the data with the reports needs a dask scheduler")
    jobs = [_absolute(job) for job in jobs]
    for job in jobs:
        try:
            validate_parameters(job.notebook, job.parameters)
        except ValueError as error:
            raise UsageError(f"{job.name}: {error}") from None
    names = [job.name for job in jobs]
    if len(set(names)) != len(names):
        raise UsageError("report names must be unique in a batch")
    check_writable(Path(job.output_stem).parent for job in jobs)

    results: list[ReportResult | None] = [None] * len(jobs)
    digests = [job_hash(job) for job in jobs]
    to_run: list[int] = []
    for i, job in enumerate(jobs):
        if not force and is_up_to_date(job, digests[i]):
            results[i] = ReportResult(name=job.name, status=SKIPPED, paths={
                k: v for k, v in job.paths().items() if k != "failed" and (k != "pdf" or job.pdf)})
        else:
            to_run.append(i)

    progress_bar = _Progress(len(jobs), progress)
    skipped = len(jobs) - len(to_run)
    if skipped:
        progress_bar.update(running=0, advance=skipped)
    if to_run:
        workers = max(1, min(jobs_n or os.cpu_count() or 1, len(to_run)))
        payloads = [
            _payload(jobs[i], kernel_name=kernel_name, cwd=None if cwd is None else str(cwd),
                     reuse_kernel=reuse_kernel, cell_timeout=cell_timeout, warm_imports=warm_imports)
            for i in to_run
        ]
        if ship is not None:
            for i, payload in zip(to_run, payloads, strict=True):
                payload["files"] = dict(ship(jobs[i]))

        def on_done(index: int, out: dict, running: int) -> None:
            job_index = to_run[index]
            result = write_outputs(jobs[job_index], digests[job_index], out)
            results[job_index] = result
            progress_bar.update(running=running, failed_now=result.status == FAILED)

        try:
            if scheduler is None:
                _run_pool(payloads, workers, on_done)
            else:
                _run_dask(payloads, workers, scheduler, reuse_kernel, cluster_kwargs, on_done)
        finally:
            progress_bar.close()
    else:
        progress_bar.close()
    return [r for r in results if r is not None]

