"""The report layer: the sections a notebook cell shows, their words and figures, and the self-contained HTML.

- `section` — the `Section` type, its HTML, and `publish` (the report's key results for the `.json`);
- `notebook` — the first cell's calls: `open_engagement`, `check_parameters`;
- `supplier_month`, `portfolio` — the sections of each report notebook, one function each;
- `text` — display text shared by sections (money, quantities, KPI values, compliance facts);
- `figures` — matplotlib figures; `html` — notebook → HTML; `results` — the results MIME bundle.

Adding a report section = one function in `supplier_month.py` or `portfolio.py` + one cell in
`tools/make_notebooks.py` (which writes the notebook) + its test; its words go in `i18n/report.py`.
`from ccanalysis import report` gives those functions by name, loading a module on first use: importing
`ccanalysis.report.html` or `ccanalysis.report.results` alone (as the batch runner does) does not load
matplotlib or the sections.
"""

from __future__ import annotations

import importlib

#: The names `ccanalysis.report.NAME` forwards to, by the module that defines them.
EXPORTS = {
    "ccanalysis.report.section": ("Section", "publish"),
    "ccanalysis.report.notebook": ("open_engagement", "check_parameters"),
    "ccanalysis.report.supplier_month": ("summary_section", "expected_invoice_section", "kpi_section",
                                         "activity_section", "compliance_section"),
    "ccanalysis.report.portfolio": ("portfolio_cost_section", "portfolio_kpi_section", "portfolio_budget_section"),
}
_MODULE_OF = {name: module for module, names in EXPORTS.items() for name in names}

__all__ = sorted(_MODULE_OF)


def __getattr__(name: str):
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module 'ccanalysis.report' has no attribute {name!r}; "
                             f"it forwards: {', '.join(__all__)}")
    return getattr(importlib.import_module(module), name)
