"""The report layer: the sections a notebook cell shows, their words and figures, and the self-contained HTML.

- `section` — the `Section` type, its HTML, and `publish` (the report's key results for the `.json`);
- `notebook` — the first cell's calls: `open_engagement`, `check_parameters`;
- `supplier_month`, `portfolio` — the sections of each report notebook, one function each;
- `flash`, `simulation` — the daily flash and the simulation report: a registry of sections each, which
  their notebook builds in one call (`flash_sections`, `simulation_sections`);
- `text` — display text shared by sections (money, quantities, KPI values, compliance facts);
- `figures` — matplotlib figures; `html` — notebook → HTML; `results` — the results MIME bundle.

Adding a report section = one `*_section` function in `supplier_month.py` or `portfolio.py` + one cell in
`tools/make_notebooks.py` (which writes the notebook) + its test; its words go in `i18n/report.py`.
`from ccanalysis import report` gives those functions by name, loading a module on first use: importing
`ccanalysis.report.html` or `ccanalysis.report.results` alone (as the batch runner does) does not load
matplotlib or the sections.
"""

from __future__ import annotations

import importlib

#: The notebooks' first and last calls, by the module that defines them.
CALLS = {"Section": "ccanalysis.report.section", "publish": "ccanalysis.report.section",
         "open_engagement": "ccanalysis.report.notebook", "check_parameters": "ccanalysis.report.notebook",
         "flash_sections": "ccanalysis.report.flash", "check_flash_parameters": "ccanalysis.report.flash",
         "simulation_sections": "ccanalysis.report.simulation",
         "check_scenario_parameters": "ccanalysis.report.simulation",
         "cargos_sections": "ccanalysis.report.cargos", "check_cargos_parameters": "ccanalysis.report.cargos",
         "billing_care_sections": "ccanalysis.report.billing_care"}
#: The modules of sections, one per report notebook: `report.NAME_section` is found in them.
SECTION_MODULES = ("ccanalysis.report.supplier_month", "ccanalysis.report.portfolio", "ccanalysis.report.flash",
                   "ccanalysis.report.simulation", "ccanalysis.report.collections",
                   "ccanalysis.report.cargos")


def __getattr__(name: str):
    if name in CALLS:
        return getattr(importlib.import_module(CALLS[name]), name)
    if name.endswith("_section"):
        for module_name in SECTION_MODULES:
            module = importlib.import_module(module_name)
            if hasattr(module, name):
                return getattr(module, name)
    raise AttributeError(f"module 'ccanalysis.report' has no attribute {name!r}; it forwards "
                         f"{', '.join(CALLS)} and the *_section functions of {', '.join(SECTION_MODULES)}")
