"""The demo engagement: a client, three suppliers, three months of activity and the suppliers' invoices.

`build_demo(root)` writes `parameters/demo/` and `data/demo/` under `root`:

- three contracts that between them use every charge model of pricing.md (per_unit, graduated, volume,
  package, percentage, graduated_percentage, capacity, fixed), SLA rules and compliance clauses
  (`demo.engagement`);
- activity for 2026-08..2026-10 with weekday / Saturday / Sunday / Spanish-holiday patterns
  (`demo.calendar`): daily rows, 30-minute interval rows (eastline chat) and >= 200,000 contact records
  (northwind care, Parquet) (`demo.activity`);
- plan, budget and workforce tables (`demo.planning`);
- each supplier's invoices in its own style, with realistic injected errors recorded in
  `data/demo/truth/injected_errors.csv` so an audit can be scored (`demo.invoices`).

Everything is drawn from one seeded numpy Generator: two runs with the same seed give byte-identical
files. Files are written to a temporary folder first and moved into place (`demo.files`), so a failure
leaves nothing half-written; `demo.build` puts it together.

`build_collections_demo(root)` writes a second engagement, `demo_collections`: two debt collection agencies'
placements, calls and the debtors' payments over the same months (`demo.collections`).

`build_cargos_demo(root)` writes a third, `demo_cargos`: a manufacturer's deliveries and sales to three retailers
over a year and the retailers' charge invoices, with planted invalid charges in a truth file (`demo.cargos`).
"""

from ccanalysis.demo.activity import contact_records
from ccanalysis.demo.build import build_demo, write_demo_inputs, write_invoices
from ccanalysis.demo.calendar import demo_calendar
from ccanalysis.demo.cargos import CARGOS_ID, build_cargos_demo
from ccanalysis.demo.collections import COLLECTIONS_ID, build_collections_demo
from ccanalysis.demo.engagement import DEFAULT_SEED, DEMO_ID, MONTHS, SUPPLIERS
from ccanalysis.demo.invoices import (
           DEFAULT_ERRORS,
           ERROR_CHECKS,
           INVOICE_COLUMNS,
           TRUTH_COLUMNS,
           render_invoice,
)

__all__ = ["CARGOS_ID", "COLLECTIONS_ID", "DEFAULT_ERRORS", "DEFAULT_SEED", "DEMO_ID", "ERROR_CHECKS", "INVOICE_COLUMNS", "MONTHS", "SUPPLIERS",
           "TRUTH_COLUMNS", "build_cargos_demo", "build_collections_demo", "build_demo", "contact_records", "demo_calendar", "render_invoice", "write_demo_inputs",
           "write_invoices"]
