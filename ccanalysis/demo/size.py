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

from collections.abc import Sequence
from dataclasses import dataclass

from ccanalysis.demo.engagement import MONTHS, SUPPLIERS
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


def supplier_id(index: int) -> str:
    """The id of the `index`-th (0-based) demo supplier: a base supplier, then numbered copies."""
    base, copy = SUPPLIERS[index % len(SUPPLIERS)], index // len(SUPPLIERS)
    return base if copy == 0 else f"{base}{copy + 1}"


def base_supplier(supplier: str) -> str:
    """The demo supplier whose contract and patterns `supplier` copies (itself for a base supplier)."""
    for base in SUPPLIERS:
        if supplier == base or (supplier.startswith(base) and supplier[len(base):].isdigit()):
            return base
    raise UsageError(f"{supplier!r} is not a demo supplier; they are {', '.join(SUPPLIERS)} and their copies")


def copy_number(supplier: str) -> int:
    """0 for a base supplier, k - 1 for its k-th copy (`northwind2` -> 1)."""
    suffix = supplier[len(base_supplier(supplier)):]
    return int(suffix) - 1 if suffix else 0


def base_month(month: str) -> str:
    """The demo month whose per-month targets `month` takes (they cycle every three months from 2026-08)."""
    first = MONTHS[0]
    offset = (int(month[:4]) - int(first[:4])) * 12 + int(month[5:7]) - int(first[5:7])
    return MONTHS[offset % len(MONTHS)]


def base_months(months: Sequence[str]) -> list[str]:
    """`base_month` of each month (the calendar's month column, say)."""
    cache = {m: base_month(m) for m in set(months)}
    return [cache[m] for m in months]


__all__ = ["DEMO_SIZE", "DemoSize", "base_month", "base_months", "base_supplier", "copy_number", "supplier_id"]
