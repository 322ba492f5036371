"""The wiring between a loaded engagement and the pure domain: what notebooks, report sections and the CLI call.

Each function here asks the `Engagement` for the contract, the period and the DataFrames a domain function
needs and passes them down; memoisation, where it pays, is explicit and keyed on its inputs.
(For now these forward to the engagement-level functions of `ccanalysis.invoice`.)
"""

from __future__ import annotations

from ccanalysis.invoice import (  # noqa: F401
    charges_to_date,
    expected_invoice,
    format_invoice_table,
    invoice_json,
    kpi_data,
    service_activity,
    sla_evaluations,
    totals,
)
