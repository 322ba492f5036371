"""A report's key results: what its last cell displays and the batch runner writes as `<stem>.json`."""

from __future__ import annotations

import json
from collections.abc import Mapping

from ccanalysis.jsonio import to_jsonable

#: MIME type of the key-results output that `publish_results` displays (hidden in the HTML).
RESULTS_MIME = "application/vnd.ccanalysis.results+json"


def publish_results(results: Mapping[str, object]) -> None:
    """Display a report's key results so the runner can collect them into `<stem>.json`.

    Call once, in the notebook's last cell. Decimals become strings, fractions floats; the output also
    carries a text/plain rendering (sorted keys) for JupyterLab and nbval; the HTML report hides it.
    """
    from IPython.display import display

    data = to_jsonable(dict(results))
    text = json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False)
    display({RESULTS_MIME: data, "text/plain": text}, raw=True)
