"""Reading an executed notebook: which cells are the author's, where it failed, how long cells took."""

from __future__ import annotations

from datetime import datetime

import nbformat

from ccanalysis.report.html import PAPERMILL_TAGS

#: Tag of the cell a kept-alive kernel runs before each report (see `batch.kernel`).
RESET_TAG = "ccanalysis-kernel-reset"


def is_import_cell(source: str) -> bool:
    """True for a cell of import statements only (comments and blank lines aside)."""
    lines = [ln.strip() for ln in source.splitlines() if ln.strip() and not ln.strip().startswith("#")]
    return bool(lines) and all(ln.startswith(("import ", "from ")) for ln in lines)


def cell_seconds(cell: nbformat.NotebookNode) -> float:
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


def cell_times(nb: nbformat.NotebookNode) -> tuple[float, float]:
    """(seconds in import-only cells, seconds in all other cells) of the author's code cells."""
    imports = compute = 0.0
    for cell in nb.cells:
        if cell.get("cell_type") != "code" or set(cell.get("metadata", {}).get("tags", [])) & PAPERMILL_TAGS:
            continue
        seconds = cell_seconds(cell)
        if is_import_cell(cell.get("source", "")):
            imports += seconds
        else:
            compute += seconds
    return imports, compute


def failure(nb: nbformat.NotebookNode) -> dict | None:
    """Where the first error is: cell index in the author's notebook, error name, message, first source line."""
    index = -1
    for cell in nb.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & (PAPERMILL_TAGS | {RESET_TAG}):
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

