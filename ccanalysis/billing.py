"""What a supplier billed for a period, set beside what it should have billed, by charge.

This is the totals view of the monthly report (billed vs expected per service and charge); the
line-by-line audit with findings is its own module.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

import pandas as pd

from .money import ZERO, exact_sum, to_decimal

if TYPE_CHECKING:
    from .engagement import Engagement

UNIDENTIFIED = "(unidentified)"


def billed_lines(eng: Engagement, supplier: str, month: str) -> pd.DataFrame:
    """Every invoice line the supplier issued for billing period `month` (corrective invoices included)."""
    invoices = eng.invoices
    if invoices.empty or "supplier" not in invoices.columns:
        return invoices.iloc[0:0]
    return invoices[(invoices["supplier"] == supplier) & (invoices["month"] == month)]


def billed_net(eng: Engagement, supplier: str, month: str) -> Decimal | None:
    """Σ of the billed line amounts (net of tax), or None when there is no invoice for the period."""
    lines = billed_lines(eng, supplier, month)
    return exact_sum(lines["amount"]) if not lines.empty else None


def by_charge(expected: pd.DataFrame, billed: pd.DataFrame) -> pd.DataFrame:
    """Billed and expected net per (service, charge); lines the supplier did not identify are grouped as
    `(unidentified)`. Columns: service, charge, expected, billed, difference (billed − expected)."""
    exp = _sum_by(expected.assign(service=expected["service"].fillna("")), "expected")
    if billed.empty:
        bil = pd.DataFrame(columns=["service", "charge", "billed"])
    else:
        frame = billed.copy()
        frame["charge"] = frame["charge"].fillna(UNIDENTIFIED) if "charge" in frame else UNIDENTIFIED
        if "service" in frame:
            frame["service"] = frame["service"].fillna("")
        else:
            frame["service"] = ""
        # a line without a service but with a charge id known to the expected invoice takes its service
        known = dict(zip(expected["charge"], expected["service"].fillna(""), strict=False))
        missing = (frame["service"] == "") & frame["charge"].isin(known)
        frame.loc[missing, "service"] = frame.loc[missing, "charge"].map(known)
        bil = _sum_by(frame, "billed")
    merged = exp.merge(bil, on=["service", "charge"], how="outer")
    merged["expected"] = merged["expected"].map(lambda v: ZERO if _missing(v) else v)
    merged["billed"] = merged["billed"].map(lambda v: ZERO if _missing(v) else v)
    merged["difference"] = [b - e for b, e in zip(merged["billed"], merged["expected"], strict=True)]
    return merged[["service", "charge", "expected", "billed", "difference"]].reset_index(drop=True)


def _sum_by(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    rows = []
    for (service, charge), group in frame.groupby(["service", "charge"], sort=False, dropna=False):
        rows.append({"service": service, "charge": charge, name: sum((to_decimal(v) for v in group["amount"]), ZERO)})
    return pd.DataFrame(rows, columns=["service", "charge", name])


def _missing(value: object) -> bool:
    return value is None or (not isinstance(value, Decimal) and pd.isna(value))
