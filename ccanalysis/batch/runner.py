"""Batch execution of parameterised report notebooks: parallel, incremental, failure-isolated, atomic.

One driver process validates every job, skips reports whose inputs did not change, and sends the rest
to workers (a local process pool, or a dask.distributed cluster). A worker executes the notebook through
papermill (or, with `reuse_kernel`, on a kept-alive kernel reset between reports), renders the HTML
in-process and returns the executed notebook, HTML and key results; the driver alone writes the output
folder, each file to a temporary name in the same folder then `os.replace`d into place.

This module is generic: it knows notebooks, parameters and files, not suppliers or contracts.
"""

from __future__ import annotations

import builtins
import contextlib
import gc
import hashlib
import json
import multiprocessing
import os
import sys
import tempfile
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

import nbformat

import ccanalysis
from ccanalysis.jsonio import to_jsonable
from ccanalysis.report.html import ccanalysis_version, notebook_to_html
from ccanalysis.report.results import RESULTS_MIME, publish_results  # noqa: F401  (re-exported for notebooks)

#: Tags papermill gives to the cells it adds (injected parameters, error markers); not the author's cells.
_PAPERMILL_TAGS = {"injected-parameters", "papermill-error-cell-tag"}
_RESET_TAG = "ccanalysis-kernel-reset"

#: Kernel command-line options: keep ipykernel's start-up warnings out of the batch's terminal.
#: The kernel's own log: its one ERROR line, "KeyboardInterrupt caught in kernel", is printed at every
#: ordinary shutdown; cell errors reach the driver through the notebook, not this log.
KERNEL_ARGUMENTS = ("--IPKernelApp.log_level=CRITICAL",)

OK, SKIPPED, FAILED = "ok", "skipped", "failed"


# --- jobs and results ------------------------------------------------------------------------------


@dataclass
class ReportJob:
    """One report to build: a notebook run with `parameters`, written as `<output_stem>.html/.ipynb/.json`.

    `inputs` are the files (or folders, walked recursively) whose content decides whether the report must
    be rebuilt; `header` is shown at the top of the HTML (client, supplier, month, data_sources…).
    """

    name: str
    notebook: Path
    parameters: dict = field(default_factory=dict)
    output_stem: Path = Path("report")
    inputs: list[Path] = field(default_factory=list)
    header: dict = field(default_factory=dict)
    title: str | None = None
    lang: str = "en"

    def paths(self) -> dict[str, Path]:
        stem = Path(self.output_stem)
        return {
            "html": stem.with_name(stem.name + ".html"),
            "ipynb": stem.with_name(stem.name + ".ipynb"),
            "json": stem.with_name(stem.name + ".json"),
            "failed": stem.with_name(stem.name + ".failed.ipynb"),
        }


@dataclass
class ReportResult:
    """What happened to one report; `timings` in seconds (kernel_start, execution, imports, compute, html,
    write); for a failure, the failing cell (0-based, counted in the author's notebook) and the error."""

    name: str
    status: str
    seconds: float = 0.0
    failed_cell: int | None = None
    error_name: str | None = None
    error_message: str | None = None
    failed_source: str | None = None
    paths: dict[str, Path] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    results: dict | None = None

    @property
    def where(self) -> str:
        """'cell 3 `raise …`: ValueError: boom' for a failure, '' otherwise."""
        if self.status != FAILED:
            return ""
        place = f"cell {self.failed_cell}" if self.failed_cell is not None else "before any cell"
        if self.failed_source:
            place += f" `{self.failed_source}`"
        message = (self.error_message or "").strip().splitlines()
        first = message[0] if message else ""
        return f"{place}: {self.error_name}: {first}" if self.error_name else place


def summary_table(results: Sequence[ReportResult]) -> str:
    """A plain-text table of every report: name, status, seconds, and where a failed one stopped."""
    rows = [("report", "status", "seconds", "where it failed")]
    rows += [(r.name, r.status, f"{r.seconds:.1f}", r.where) for r in results]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = []
    for i, row in enumerate(rows):
        lines.append(
            f"{row[0]:<{widths[0]}}  {row[1]:<{widths[1]}}  {row[2]:>{widths[2]}}  {row[3]}".rstrip()
        )
        if i == 0:
            lines.append("-" * (sum(widths) + 4 + max(len(row[3]) for row in rows) + 2))
    counts = {s: sum(r.status == s for r in results) for s in (OK, SKIPPED, FAILED)}
    lines.append(f"{counts[OK]} ok, {counts[SKIPPED]} skipped, {counts[FAILED]} failed")
    return "\n".join(lines)


def exit_code(results: Iterable[ReportResult]) -> int:
    """The process exit code of a batch: 1 if any report failed, else 0."""
    return 1 if any(r.status == FAILED for r in results) else 0


# --- results published by a notebook ---------------------------------------------------------------


def extract_results(nb: nbformat.NotebookNode) -> dict | None:
    """The dict a notebook published with `publish_results` (the last one), or None."""
    found = None
    for cell in nb.cells:
        for output in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            data = output.get("data") or {}
            if RESULTS_MIME in data:
                found = data[RESULTS_MIME]
    return None if found is None else json.loads(json.dumps(found))


# --- parameter validation --------------------------------------------------------------------------

_PY_TYPES: dict[str, tuple[type, ...]] = {
    "str": (str,),
    "int": (int,),
    "float": (int, float),
    "bool": (bool,),
    "list": (list, tuple),
    "dict": (dict,),
    "tuple": (list, tuple),
    "NoneType": (type(None),),
}


def _accepted_types(type_name: str) -> tuple[type, ...] | None:
    """Python types accepted for a papermill inferred type name; None when unknown (anything goes)."""
    name = type_name.replace(" ", "")
    if name.startswith("Optional[") and name.endswith("]"):
        inner = _accepted_types(name[len("Optional[") : -1])
        return None if inner is None else (*inner, type(None))
    if name.startswith("Union[") and name.endswith("]"):
        parts = [_accepted_types(p) for p in name[len("Union[") : -1].split(",")]
        return None if any(p is None for p in parts) else tuple(t for p in parts for t in p)
    base = name.split("[", 1)[0]
    return _PY_TYPES.get(base, _PY_TYPES.get(base.lower()))


def validate_parameters(notebook: Path, parameters: Mapping[str, object]) -> None:
    """Raise ValueError (one line) if a parameter is not declared in the notebook's `parameters` cell or
    has another type than the one declared there (annotation, `# type:` comment or default value)."""
    import papermill

    declared = papermill.inspect_notebook(Path(notebook))
    for name, value in parameters.items():
        if name not in declared:
            known = ", ".join(sorted(declared)) or "none"
            raise ValueError(f"{Path(notebook).name}: unknown parameter {name!r} (declared: {known})")
        accepted = _accepted_types(declared[name]["inferred_type_name"])
        if accepted is None:
            continue
        if isinstance(value, bool) and bool not in accepted:
            accepted = ()
        if not isinstance(value, accepted):
            raise ValueError(
                f"{Path(notebook).name}: parameter {name!r} must be {declared[name]['inferred_type_name']}, "
                f"got {type(value).__name__} {value!r}"
            )


# --- content hash for incremental builds -----------------------------------------------------------


def _hash_path(digest: hashlib._Hash, path: Path) -> None:
    path = Path(path)
    if path.is_dir():
        for child in sorted(p for p in path.rglob("*") if p.is_file()):
            _hash_path(digest, child)
        return
    digest.update(str(path).encode() + b"\0")
    if path.is_file():
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    else:
        digest.update(b"<missing>")
    digest.update(b"\0")


def job_hash(job: ReportJob) -> str:
    """sha256 of what decides a report: notebook bytes, parameters, header, input files, ccanalysis version."""
    digest = hashlib.sha256()
    digest.update(Path(job.notebook).read_bytes())
    meta = {"parameters": job.parameters, "header": job.header, "title": job.title, "lang": job.lang}
    digest.update(json.dumps(to_jsonable(meta), sort_keys=True).encode())
    digest.update(ccanalysis_version().encode())
    for path in job.inputs:
        _hash_path(digest, path)
    return digest.hexdigest()


def is_up_to_date(job: ReportJob, digest: str) -> bool:
    """True when the report's HTML exists and its `.json` records the same input hash."""
    paths = job.paths()
    if not paths["html"].is_file() or not paths["json"].is_file():
        return False
    try:
        return json.loads(paths["json"].read_text(encoding="utf-8")).get("input_hash") == digest
    except (OSError, ValueError):
        return False


# --- atomic writes ---------------------------------------------------------------------------------


def _umask() -> int:
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


# --- executing one report (runs in a worker) -------------------------------------------------------


def _is_import_cell(source: str) -> bool:
    lines = [ln.strip() for ln in source.splitlines() if ln.strip() and not ln.strip().startswith("#")]
    return bool(lines) and all(ln.startswith(("import ", "from ")) for ln in lines)


def _cell_seconds(cell: nbformat.NotebookNode) -> float:
    """A cell's run time from papermill's metadata, else nbclient's recorded timestamps."""
    duration = cell.get("metadata", {}).get("papermill", {}).get("duration")
    if duration is not None:
        return float(duration)
    execution = cell.get("metadata", {}).get("execution", {})
    start = execution.get("iopub.execute_input") or execution.get("iopub.status.busy")
    end = execution.get("shell.execute_reply") or execution.get("iopub.status.idle")
    if start and end:
        return max(0.0, (datetime.fromisoformat(end.replace("Z", "+00:00"))
                         - datetime.fromisoformat(start.replace("Z", "+00:00"))).total_seconds())
    return 0.0


def _cell_times(nb: nbformat.NotebookNode) -> tuple[float, float]:
    """(seconds in import-only cells, seconds in all other cells) of the author's code cells."""
    imports = compute = 0.0
    for cell in nb.cells:
        if cell.get("cell_type") != "code" or set(cell.get("metadata", {}).get("tags", [])) & _PAPERMILL_TAGS:
            continue
        seconds = _cell_seconds(cell)
        if _is_import_cell(cell.get("source", "")):
            imports += seconds
        else:
            compute += seconds
    return imports, compute


def _failure(nb: nbformat.NotebookNode) -> dict | None:
    """Where the first error is: cell index in the author's notebook, error name, message, first source line."""
    index = -1
    for cell in nb.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & (_PAPERMILL_TAGS | {_RESET_TAG}):
            continue
        index += 1
        for output in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            if output.get("output_type") == "error":
                source = next((ln.strip() for ln in cell.get("source", "").splitlines() if ln.strip()), "")
                return {
                    "failed_cell": index,
                    "error_name": output.get("ename"),
                    "error_message": output.get("evalue"),
                    "failed_source": source[:80],
                }
    return None


def _iso_seconds(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


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


# --- kept-alive kernels (reuse_kernel) -------------------------------------------------------------

_KERNEL_BASELINE: dict = {}  # filled inside a kept-alive kernel by _kernel_snapshot()
_WORKER_KERNELS: dict[int, object] = {}  # thread id -> NotebookClient, in a worker process
_WORKER_LOCK = threading.Lock()


def _is_library_module(module: object, library_roots: tuple[str, ...]) -> bool:
    """Installed code (stdlib, site-packages) or ccanalysis: kept imported across reports for speed."""
    name = getattr(module, "__name__", "") or ""
    if name == "ccanalysis" or name.startswith("ccanalysis."):
        return True
    origin = getattr(module, "__file__", None)
    if origin is None:
        return True  # builtins, namespace packages
    return os.path.realpath(origin).startswith(library_roots)


def _kernel_snapshot(warm_imports: Sequence[str] = ()) -> None:
    """In a fresh kernel: import `warm_imports` (and every ccanalysis module), then record the state that
    `_kernel_reset` restores before each report."""
    import decimal
    import importlib
    import pkgutil
    import random
    import warnings

    for name in warm_imports:
        with contextlib.suppress(Exception):
            importlib.import_module(name)
    for info in pkgutil.walk_packages(ccanalysis.__path__, "ccanalysis."):
        if not info.name.endswith(("__main__", ".cli")):
            with contextlib.suppress(Exception):
                importlib.import_module(info.name)
    roots = {os.path.realpath(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)}
    for entry in sys.path:
        if "site-packages" in entry or "dist-packages" in entry:
            roots.add(os.path.realpath(entry))
    baseline = {
        "modules": set(sys.modules),
        "library_roots": tuple(sorted(roots)),
        "module_dicts": {
            name: dict(vars(mod)) for name, mod in list(sys.modules.items())
            if mod is not None and (name == "ccanalysis" or name.startswith("ccanalysis."))
        },
        "builtins": dict(vars(builtins)),
        "environ": dict(os.environ),
        "sys_path": list(sys.path),
        "cwd": os.getcwd(),
        "decimal": decimal.getcontext().copy(),
        "warnings": list(warnings.filters),
        "random": random.getstate(),
    }
    if "numpy" in sys.modules:
        np = sys.modules["numpy"]
        baseline["numpy"] = (np.random.get_state(), np.geterr(), np.get_printoptions())
    if "matplotlib" in sys.modules:
        baseline["rcparams"] = dict(sys.modules["matplotlib"].rcParams)
    _KERNEL_BASELINE.clear()
    _KERNEL_BASELINE.update(baseline)
    # the warm libraries live as long as the kernel: move them out of the cyclic collector's reach, so the
    # gc.collect() that IPython's reset runs before each report only walks what reports created
    gc.collect()
    gc.freeze()


def _kernel_reset(cwd: str | None) -> None:
    """In a kept-alive kernel, before a report: forget everything the previous report did.

    Clears the IPython namespace, history and output cache; unloads every module imported since the
    snapshot that is not installed library code (user helpers beside the notebook); restores ccanalysis
    module globals, builtins, environment variables, sys.path, working directory, decimal context,
    warning filters, random/numpy global state, matplotlib rcParams (closing all figures) and pandas
    options. Not undone: mutations inside objects held by kept library modules, threads or files a
    report left behind.
    """
    import decimal
    import random
    import warnings

    from IPython import get_ipython

    base = _KERNEL_BASELINE
    shell = get_ipython()
    if shell is not None:
        shell.reset(new_session=True, aggressive=False)
        shell.execution_count = 1
    for name in [n for n in list(sys.modules) if n not in base["modules"]]:
        if not _is_library_module(sys.modules.get(name), base["library_roots"]):
            del sys.modules[name]
    for name, saved in base["module_dicts"].items():
        module = sys.modules.get(name)
        if module is None:
            continue
        current = vars(module)
        for key in [k for k in current if k not in saved]:
            del current[key]
        for key, value in saved.items():
            if current.get(key, _MISSING) is not value:
                current[key] = value
    current_builtins = vars(builtins)
    for key in [k for k in current_builtins if k not in base["builtins"]]:
        del current_builtins[key]
    for key, value in base["builtins"].items():
        if current_builtins.get(key, _MISSING) is not value:
            current_builtins[key] = value
    os.environ.clear()
    os.environ.update(base["environ"])
    sys.path[:] = base["sys_path"]
    os.chdir(cwd or base["cwd"])
    decimal.setcontext(base["decimal"].copy())
    warnings.filters[:] = base["warnings"]
    warnings._filters_mutated()  # type: ignore[attr-defined]
    random.setstate(base["random"])
    if "numpy" in base and "numpy" in sys.modules:
        np = sys.modules["numpy"]
        state, err, printopts = base["numpy"]
        np.random.set_state(state)
        np.seterr(**err)
        np.set_printoptions(**printopts)
    if "matplotlib" in sys.modules:
        if "matplotlib.pyplot" in sys.modules:
            sys.modules["matplotlib.pyplot"].close("all")
        if "rcparams" in base:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                sys.modules["matplotlib"].rcParams.update(base["rcparams"])
    if "pandas" in sys.modules:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sys.modules["pandas"].reset_option("all")


_MISSING = object()


def _kernel_client(payload: dict):
    """This worker thread's kept-alive kernel (started and snapshotted on first use)."""
    from nbclient import NotebookClient

    key = threading.get_ident()
    with _WORKER_LOCK:
        client = _WORKER_KERNELS.get(key)
    if client is not None:
        return client, 0.0
    started = time.perf_counter()
    warm = nbformat.v4.new_notebook()
    code = (
        "import ccanalysis.batch.runner as _ccanalysis_runner\n"
        f"_ccanalysis_runner._kernel_snapshot({list(payload['warm_imports'])!r})\n"
        "del _ccanalysis_runner"
    )
    warm.cells = [nbformat.v4.new_code_cell(code)]
    client = NotebookClient(
        warm,
        kernel_name=payload["kernel_name"],
        resources={"metadata": {"path": payload["cwd"] or os.getcwd()}},
        timeout=payload["cell_timeout"],
        startup_timeout=60,
        extra_arguments=list(KERNEL_ARGUMENTS),
    )
    client.execute(cleanup_kc=False)
    with _WORKER_LOCK:
        if not _WORKER_KERNELS:
            multiprocessing.util.Finalize(None, shutdown_worker_kernels, exitpriority=10)
        _WORKER_KERNELS[key] = client
    return client, time.perf_counter() - started


def shutdown_worker_kernels() -> None:
    """Shut down this process's kept-alive kernels (called when a worker exits or a batch ends)."""
    with _WORKER_LOCK:
        clients = list(_WORKER_KERNELS.values())
        _WORKER_KERNELS.clear()
    for client in clients:
        with contextlib.suppress(Exception):
            client._cleanup_kernel()


def _execute_reused(nb: nbformat.NotebookNode, payload: dict) -> tuple[nbformat.NotebookNode, float]:
    """Run on this worker's kept-alive kernel, after a reset cell; parameters injected as papermill does."""
    from nbclient.exceptions import CellExecutionError
    from papermill.parameterize import parameterize_notebook

    client, start_seconds = _kernel_client(payload)
    for cell in nb.cells:  # as papermill's notebook loader does
        cell.metadata.setdefault("tags", [])
    nb.metadata.setdefault("papermill", {})["input_path"] = payload["notebook_path"]
    nb = parameterize_notebook(nb, payload["parameters"], kernel_name=payload["kernel_name"])
    reset = nbformat.v4.new_code_cell(
        "import ccanalysis.batch.runner as _ccanalysis_runner\n"
        f"_ccanalysis_runner._kernel_reset({payload['cwd']!r})"
    )
    reset.metadata["tags"] = [_RESET_TAG]
    nb.cells.insert(0, reset)
    client.nb = nb
    client.reset_execution_trackers()
    with contextlib.suppress(CellExecutionError):
        client.execute(cleanup_kc=False)
    reset_cell = nb.cells.pop(0)
    if any(o.get("output_type") == "error" for o in reset_cell.get("outputs", [])):
        error = next(o for o in reset_cell["outputs"] if o.get("output_type") == "error")
        raise RuntimeError(f"kernel reset failed: {error.get('ename')}: {error.get('evalue')}")
    return nb, start_seconds + _cell_seconds(reset_cell)


def execute_report(payload: dict) -> dict:
    """Execute one report (in a worker): returns status, executed notebook JSON, HTML, results, timings.

    `payload` carries the notebook's content, not its path, so a remote worker only needs the
    engagement files (a shared path) to run it. Never raises: errors come back as a failed status.
    """
    started = time.perf_counter()
    out: dict = {"name": payload["name"], "status": FAILED, "timings": {}}
    executed = None
    try:
        nb = nbformat.reads(payload["notebook"], as_version=4)
        if payload["reuse_kernel"]:
            executed, kernel_seconds = _execute_reused(nb, payload)
        else:
            try:
                executed, kernel_seconds = _execute_papermill(nb, payload)
            except TimeoutError:  # a cell ran past cell_timeout: the report's own failure
                raise
            except Exception:  # noqa: BLE001
                # the kernel did not start (e.g. two kernels started at once picked the same free port):
                # nothing of the report ran, so one more try is safe; a cell error never lands here
                executed, kernel_seconds = _execute_papermill(nb, payload)
        imports, compute = _cell_times(executed)
        execution = time.perf_counter() - started - kernel_seconds
        out["timings"].update(kernel_start=kernel_seconds, execution=execution, imports=imports,
                              compute=compute)
        failure = _failure(executed)
        if failure:
            out.update(failure)
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


# --- the driver ------------------------------------------------------------------------------------


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


def _write_outputs(job: ReportJob, digest: str, out: dict) -> ReportResult:
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


def _run_pool(payloads: list[dict], workers: int, on_done) -> None:
    if sys.platform == "win32":
        context = multiprocessing.get_context("spawn")
    else:
        # forkserver: workers never inherit the driver's threads (dask, tqdm); the server imports the
        # runner once and forks every worker from it, so a worker starts in milliseconds
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["ccanalysis.batch.runner", "papermill", "nbconvert"])
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
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
    else:
        client = Client(scheduler)
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
) -> list[ReportResult]:
    """Build every report in `jobs`, in parallel, and return one result per job in the same order.

    Parameters are validated for every job before any kernel starts (ValueError, one line). Reports whose
    input hash is unchanged and whose HTML exists are skipped unless `force`. `jobs_n` workers (default:
    the machine's cores) run locally, or on dask when `scheduler` is "local" (a LocalCluster, options
    from `cluster_kwargs`) or a scheduler address. `reuse_kernel` keeps one kernel per worker, reset
    between reports (`warm_imports` are imported once in it). `cwd` is the kernels' working directory
    (default: the notebook's folder); `cell_timeout` in seconds per cell (default: none).
    """
    jobs = [_absolute(job) for job in jobs]
    for job in jobs:
        try:
            validate_parameters(job.notebook, job.parameters)
        except ValueError as error:
            raise ValueError(f"{job.name}: {error}") from None
    names = [job.name for job in jobs]
    if len(set(names)) != len(names):
        raise ValueError("report names must be unique in a batch")

    results: list[ReportResult | None] = [None] * len(jobs)
    digests = [job_hash(job) for job in jobs]
    to_run: list[int] = []
    for i, job in enumerate(jobs):
        if not force and is_up_to_date(job, digests[i]):
            results[i] = ReportResult(name=job.name, status=SKIPPED, paths={
                k: v for k, v in job.paths().items() if k != "failed"})
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

        def on_done(index: int, out: dict, running: int) -> None:
            job_index = to_run[index]
            result = _write_outputs(jobs[job_index], digests[job_index], out)
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

