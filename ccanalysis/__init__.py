"""ccanalysis: client-side billing control for outsourced contact centres.

The names a notebook or a consultant's script uses, importable from the top whatever module they live in
(`from ccanalysis import load, expected_invoice, kpi`). They are loaded on first use, so `import
ccanalysis` stays cheap for the CLI and the batch runner; `__all__` lists them.
"""

from __future__ import annotations

import importlib
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("ccanalysis")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0"

#: Public name → the module that defines it.
_EXPORTS: dict[str, str] = {
    # loading an engagement
    "load": "ccanalysis.engagement",
    "load_cached": "ccanalysis.engagement",
    "Engagement": "ccanalysis.engagement",
    # the expected invoice, from an engagement
    "expected_invoice": "ccanalysis.workbook",
    "sla_evaluations": "ccanalysis.workbook",
    "service_activity": "ccanalysis.workbook",
    "charges_to_date": "ccanalysis.workbook",
    "invoice_json": "ccanalysis.workbook",
    "totals": "ccanalysis.invoice",
    # billed against expected, month-to-date cost, compliance
    "billed_vs_expected": "ccanalysis.workbook",
    "scorecard": "ccanalysis.workbook",
    # pricing: one charge, one period
    "rate": "ccanalysis.pricing",
    "rate_breakdown": "ccanalysis.pricing",
    "billable_seconds": "ccanalysis.pricing",
    "MODELS": "ccanalysis.pricing",
    # KPIs
    "kpi": "ccanalysis.kpis",
    "kpi_table": "ccanalysis.kpis",
    "to_activity": "ccanalysis.contacts",
    # staffing
    "erlang_b": "ccanalysis.staffing",
    "erlang_c": "ccanalysis.staffing",
    "erlang_a": "ccanalysis.staffing",
    "service_level": "ccanalysis.staffing",
    "asa_s": "ccanalysis.staffing",
    "occupancy": "ccanalysis.staffing",
    "required_agents": "ccanalysis.staffing",
    "interval_requirements": "ccanalysis.staffing",
    "staffed_hours": "ccanalysis.staffing",
    "day_staffing": "ccanalysis.workbook",
    # errors
    "CcanalysisError": "ccanalysis.errors",
    "UsageError": "ccanalysis.errors",
    "UnknownNameError": "ccanalysis.errors",
    "InputError": "ccanalysis.errors",
    "ContractError": "ccanalysis.errors",
    "EngagementError": "ccanalysis.errors",
    "Problem": "ccanalysis.errors",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> object:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'ccanalysis' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
