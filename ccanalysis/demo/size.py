"""How big a demo to write: `DemoSize(suppliers, months, contacts_per_month)`.

The default size is the demo itself (three suppliers, 2026-08..2026-10, >= 200,000 northwind care contact
records): every file is byte-identical to the demo of before the sizes existed. A bigger demo repeats the
three suppliers as families (supplier 4 is `northwind2`, a copy of northwind's contract and patterns drawn
from its own seeded Generator, supplier 5 `southpoint2`, ...) and continues the months from 2026-08 (month 4
is 2026-11, with the patterns of 2026-08: the per-month targets cycle every three months).
`contacts_per_month` sets how many contact records each northwind-family supplier has per billing month (on
average; the day-to-day counts are Poisson), generated month by month so memory stays bounded.
"""

from __future__ import annotations

from dataclasses import dataclass

from ccanalysis.demo.engagement import (
    MONTHS,
    SUPPLIERS,
    base_month,
    base_months,
    base_supplier,
    copy_number,
    supplier_id,
)
from ccanalysis.errors import UsageError
from ccanalysis.periods import next_month


@dataclass(frozen=True)
class DemoSize:
    """The demo's size: `suppliers` (>= 1; the first three are the demo's), `months` (>= 1, from 2026-08)
    and `contacts_per_month` (None: the demo's own volume, scaled by `contacts_scale`)."""

    suppliers: int = len(SUPPLIERS)
    months: int = len(MONTHS)
    contacts_per_month: int | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.suppliers, int) or self.suppliers < 1:
            raise UsageError(f"suppliers must be a whole number >= 1, not {self.suppliers!r}")
        if not isinstance(self.months, int) or self.months < 1:
            raise UsageError(f"months must be a whole number >= 1, not {self.months!r}")
        if self.contacts_per_month is not None and (
                not isinstance(self.contacts_per_month, int) or self.contacts_per_month < 0):
            raise UsageError(f"contacts per supplier-month must be a whole number >= 0, not "
                             f"{self.contacts_per_month!r}")

    @property
    def is_default(self) -> bool:
        """Whether this is the demo's own size (its files byte-identical to the fixed demo's)."""
        return self == DemoSize()

    def supplier_ids(self) -> tuple[str, ...]:
        """The suppliers, in engagement order: northwind, southpoint, eastline, northwind2, southpoint2, ..."""
        return tuple(supplier_id(i) for i in range(self.suppliers))

    def month_ids(self) -> tuple[str, ...]:
        """The billing months YYYY-MM, consecutive from 2026-08."""
        months = [MONTHS[0]]
        while len(months) < self.months:
            months.append(next_month(months[-1]))
        return tuple(months)


#: The demo's own size.
DEMO_SIZE = DemoSize()


__all__ = ["DEMO_SIZE", "DemoSize", "base_month", "base_months", "base_supplier", "copy_number", "supplier_id"]
