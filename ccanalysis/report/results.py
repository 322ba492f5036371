"""A report's key results: what its last cell displays (`publish_results`) and the batch runner reads back
(`extract_results`) to write as `<stem>.json`."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING

from ccanalysis.jsonio import to_jsonable

if TYPE_CHECKING:
    import nbformat

#: MIME type of the key-results output that `publish_results` displays (hidden in the HTML).
RESULTS_MIME = "application/vnd.ccanalysis.results+json"


def publish_results(results: Mapping[str, object]) -> None:
    """Display a report's key results so the runner can collect them into `<stem>.json`.

    Call once, in the notebook's last cell. Decimals become strings, fractions floats; the output also
    carries a text/plain rendering (sorted keys) for JupyterLab and nbval; the HTML report hides it.
    """
    from IPython.display import display

    data = to_jsonable(dict(results))
    text = json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False, allow_nan=False)
    display({RESULTS_MIME: data, "text/plain": text}, raw=True)


def extract_results(nb: nbformat.NotebookNode) -> dict | None:
    """The dict an executed notebook published with `publish_results` (the last one), or None."""
    found = None
    for cell in nb.cells:
        for output in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            data = output.get("data") or {}
            if RESULTS_MIME in data:
                found = data[RESULTS_MIME]
    return None if found is None else json.loads(json.dumps(found))
