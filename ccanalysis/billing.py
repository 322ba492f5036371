"""What a supplier billed for a period, set beside what it should have billed, by charge.

This is the totals view of the monthly report (billed vs expected per service and charge); the line-by-line
audit, which matches the lines and says what to claim, is `ccanalysis.audit`. Pure: invoice lines in, facts
out.
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
    """Billed against expected for one supplier and period, by charge. The amount to claim is the audit's
    (`ccanalysis.audit`: each euro once, under-billing never), carried here, not computed."""

    expected_net: Decimal
    billed_net: Decimal | None  # None: no invoice for the period
    by_charge: pd.DataFrame  # service, charge, expected, billed, difference
    unidentified_lines: int  # billed lines matched to no contract charge
    to_claim: Decimal | None  # the audit's claimable; None without an invoice

    @property
    def difference(self) -> Decimal | None:
        """Billed net − expected net in the contract currency (exact Decimal); None without an invoice."""
        return None if self.billed_net is None else self.billed_net - self.expected_net


def compare(expected: pd.DataFrame, expected_net: Decimal, billed: pd.DataFrame,
            to_claim: Decimal | None) -> Comparison:
    """Billed lines (each with the `service` and `charge` it bills, None when it matches none) against the
    expected invoice's lines and net; `to_claim` is the audit's claim."""
    net = billed_net(billed)
    unidentified = int(billed["charge"].isna().sum()) if "charge" in billed.columns else len(billed)
    return Comparison(expected_net, net, by_charge(expected, billed), unidentified,
                      None if net is None else to_claim)


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
