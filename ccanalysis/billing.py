"""What a supplier billed for a period, set beside what it should have billed, by charge.

This is the totals view of the monthly report (billed vs expected per service and charge, and the amount
to claim); the line-by-line audit with findings is its own module. Pure: invoice lines in, facts out.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pandas as pd

from .money import ZERO, exact_sum, to_decimal

UNIDENTIFIED = "(unidentified)"


def billed_lines(invoices: pd.DataFrame, supplier: str, month: str) -> pd.DataFrame:
    """Every invoice line (of the engagement's `invoices` table) the supplier issued for billing period
    `month`, corrective invoices included."""
    if invoices.empty or "supplier" not in invoices.columns:
        return invoices.iloc[0:0]
    return invoices[(invoices["supplier"] == supplier) & (invoices["month"] == month)]


def billed_net(lines: pd.DataFrame) -> Decimal | None:
    """Σ of the billed line amounts (net of tax), or None when there is no invoice line."""
    return exact_sum(lines["amount"]) if not lines.empty else None


@dataclass(frozen=True)
class Comparison:
    """Billed against expected for one supplier and period."""

    expected_net: Decimal
    billed_net: Decimal | None  # None: no invoice for the period
    by_charge: pd.DataFrame  # service, charge, expected, billed, difference
    unidentified_lines: int  # billed lines that name no contract charge
    to_claim: Decimal  # the amount billed above what was expected

    @property
    def difference(self) -> Decimal | None:
        return None if self.billed_net is None else self.billed_net - self.expected_net


def compare(expected: pd.DataFrame, expected_net: Decimal, billed: pd.DataFrame) -> Comparison:
    """Billed lines against the expected invoice (its lines and net). The amount to claim is the sum of the
    over-billed charges (an under-billed charge does not offset it); while some billed lines name no charge
    they cannot be set against one, and only the invoice total is compared."""
    net = billed_net(billed)
    comparison = by_charge(expected, billed)
    unidentified = int(billed["charge"].isna().sum()) if "charge" in billed.columns else len(billed)
    if unidentified:
        over = max(ZERO, (net or ZERO) - expected_net)
    else:
        over = sum((d for d in comparison["difference"] if d > 0), ZERO)
    return Comparison(expected_net, net, comparison, unidentified, over)


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
