"""Kept-alive kernels for `--reuse-kernel`: one kernel per worker thread, reset between reports.

The first report of a worker starts a kernel and runs `_kernel_snapshot` in it (warm imports, then a
record of the state); every report then runs after a cell calling `_kernel_reset`, which restores that
state. Both are called by name from code sent to the kernel, so they live at this module's top level.
"""

from __future__ import annotations

import builtins
import contextlib
import gc
import multiprocessing
import os
import sys
import threading
import time
from collections.abc import Sequence

import nbformat

import ccanalysis
from ccanalysis.batch.cells import RESET_TAG, cell_seconds

#: Kernel command-line options: keep ipykernel's start-up warnings out of the batch's terminal.
#: The kernel's own log: its one ERROR line, "KeyboardInterrupt caught in kernel", is printed at every
#: ordinary shutdown; cell errors reach the driver through the notebook, not this log.
KERNEL_ARGUMENTS = ("--IPKernelApp.log_level=CRITICAL",)

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
        f"import {__name__} as _ccanalysis_kernel\n"
        f"_ccanalysis_kernel._kernel_snapshot({list(payload['warm_imports'])!r})\n"
        "del _ccanalysis_kernel"
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


def execute_reused(nb: nbformat.NotebookNode, payload: dict) -> tuple[nbformat.NotebookNode, float]:
    """Run on this worker's kept-alive kernel, after a reset cell; parameters injected as papermill does."""
    from nbclient.exceptions import CellExecutionError
    from papermill.parameterize import parameterize_notebook

    client, start_seconds = _kernel_client(payload)
    for cell in nb.cells:  # as papermill's notebook loader does
        cell.metadata.setdefault("tags", [])
    nb.metadata.setdefault("papermill", {})["input_path"] = payload["notebook_path"]
    nb = parameterize_notebook(nb, payload["parameters"], kernel_name=payload["kernel_name"])
    reset = nbformat.v4.new_code_cell(
        f"import {__name__} as _ccanalysis_kernel\n"
        f"_ccanalysis_kernel._kernel_reset({payload['cwd']!r})"
    )
    reset.metadata["tags"] = [RESET_TAG]
    nb.cells.insert(0, reset)
    client.nb = nb
    client.reset_execution_trackers()
    with contextlib.suppress(CellExecutionError):
        client.execute(cleanup_kc=False)
    reset_cell = nb.cells.pop(0)
    if any(o.get("output_type") == "error" for o in reset_cell.get("outputs", [])):
        error = next(o for o in reset_cell["outputs"] if o.get("output_type") == "error")
        raise RuntimeError(f"kernel reset failed: {error.get('ename')}: {error.get('evalue')}")
    return nb, start_seconds + cell_seconds(reset_cell)

