"""Liquidation by vintage, and agencies compared on the same mix of debt (champion / challenger).

Payments are attributed as in `collections.kpis`: to the placement holding the account on paid_on
(from placed_on to recalled_on, both included: `collections.fees.holds`). A vintage is the placement month (YYYY-MM); months on book of a
payment = its month − the placement's month (0 = the month of placement).

`compare_agencies` never compares agencies on raw totals: one agency handed younger or easier debt
liquidates more whatever its skill. It splits the placements into cells (vintage, segment, debt-age
band at placement: 0–90, 91–180, 181–365, 366+ days past due), keeps the cells every agency has debt in,
and re-weights each agency's cell liquidations to the pooled mix: Σ over cells of (pooled debt placed
in the cell ÷ pooled debt placed in all comparable cells) × the agency's liquidation in the cell. Cells
not every agency has are listed as not comparable. With fees (a DataFrame account_id, amount, optionally
supplier), the measure is net liquidation: (collected − fees) ÷ debt placed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

import pandas as pd

from ccanalysis.collections.kpis import (
    attributed_payments,
    day,
    payments_frame,
    placements_frame,
    ratio,
)
from ccanalysis.money import ZERO, exact_sum, to_decimal

VINTAGES = ("month",)
#: Debt-age bands of days_past_due at placement: (code, lowest, highest included; None = open).
DEBT_AGE_BANDS = (("0-90", 0, 90), ("91-180", 91, 180), ("181-365", 181, 365), ("366+", 366, None))
CELL = ["vintage", "segment", "band"]


def debt_age_band(days_past_due: int) -> str:
    """The band code of `days_past_due` at placement."""
    if days_past_due < 0:
        raise ValueError(f"days_past_due: {days_past_due} < 0")
    for code, _low, high in DEBT_AGE_BANDS:
        if high is None or days_past_due <= high:
            return code
    raise AssertionError("unreachable")


def _month_index(stamps: pd.Series) -> pd.Series:
    return stamps.dt.year * 12 + stamps.dt.month - 1


def _month_label(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def liquidation_curve(placements: pd.DataFrame, payments: pd.DataFrame | None, *,
                      supplier: str | None = None, vintage: str = "month",
                      as_of: date | None = None) -> pd.DataFrame:
    """One row per vintage and month on book, from 0 to the month of `as_of` (default: the latest of the
    payments' and placements' dates): vintage (YYYY-MM), months_on_book, placed (Σ debt of the vintage,
    Decimal), collected_cumulative (Σ attributed payments up to that month on book, Decimal) and
    liquidation (Fraction collected_cumulative ÷ placed; None when placed is 0). Payments after `as_of`
    are left out."""
    if vintage not in VINTAGES:
        raise ValueError(f"vintage: unknown {vintage!r} (vintages: {', '.join(VINTAGES)})")
    columns = ["vintage", "months_on_book", "placed", "collected_cumulative", "liquidation"]
    placed = placements_frame(placements)
    if supplier is not None:
        placed = placed[placed["supplier"] == supplier].reset_index(drop=True)
    paid = payments_frame(payments)
    if placed.empty:
        return pd.DataFrame(columns=columns)
    horizon = day(as_of)
    if horizon is None:
        latest = [placed["placed_on"].max()]
        if not paid.empty:
            latest.append(paid["paid_on"].max())
        horizon = max(latest)
    else:
        paid = paid[paid["paid_on"] <= horizon]
    last_month = int(horizon.year * 12 + horizon.month - 1)
    placed = placed.assign(month=_month_index(placed["placed_on"]))
    collected = attributed_payments(placed, paid)
    collected = collected.assign(
        month=_month_index(collected["paid_on"]),
        placed_month=collected["placement"].map(placed.set_index("placement")["month"]))
    collected = collected.assign(months_on_book=collected["month"] - collected["placed_month"])
    rows = []
    for month, group in placed.groupby("month", sort=True):
        debt = exact_sum(group["debt"])
        mine = collected[collected["placed_month"] == month]
        per_month = {int(k): exact_sum(g["amount"]) for k, g in mine.groupby("months_on_book")}
        running = ZERO
        for months_on_book in range(0, max(last_month - int(month), 0) + 1):
            running += per_month.get(months_on_book, ZERO)
            rows.append({"vintage": _month_label(int(month)), "months_on_book": months_on_book, "placed": debt,
                         "collected_cumulative": running, "liquidation": ratio(running, debt)})
    return pd.DataFrame(rows, columns=columns)


@dataclass(frozen=True, eq=False)
class AgencyComparison:
    """Agencies compared on a common mix.

    cells: one row per comparable cell and agency — vintage, segment, band, agency, accounts, placed
    (Decimal), collected (Decimal; net of fees for net liquidation), liquidation (Fraction), pooled_placed
    (Σ placed of every agency in the cell) and weight (pooled_placed ÷ Σ pooled_placed of the comparable
    cells). adjusted: agency → Σ weight × liquidation (None without a comparable cell). raw: agency → its
    Σ collected ÷ Σ placed over all its placements. excluded: vintage, segment, band, agencies (those
    with debt in the cell), placed (pooled) — the cells not comparable. measure: "liquidation" or
    "net_liquidation"."""

    agencies: tuple[str, ...]
    measure: str
    cells: pd.DataFrame
    adjusted: Mapping[str, Fraction | None]
    raw: Mapping[str, Fraction | None]
    excluded: pd.DataFrame

    @property
    def leader(self) -> str | None:
        """The agency with the highest mix-adjusted figure (None without one, or on a tie)."""
        known = {a: v for a, v in self.adjusted.items() if v is not None}
        if not known:
            return None
        best = max(known.values())
        top = [a for a, v in known.items() if v == best]
        return top[0] if len(top) == 1 else None


def _placement_fees(fees: pd.DataFrame, placed: pd.DataFrame) -> pd.Series:
    """The fees of each placement (by `placement` id): a fee row goes to the placement of its account
    (and supplier, when the frame has one); a row matching several placements is refused."""
    if not isinstance(fees, pd.DataFrame):
        raise ValueError("fees: a DataFrame (account_id, amount) is needed to compare agencies by cell")
    for column in ("account_id", "amount"):
        if column not in fees.columns:
            raise ValueError(f"fees: missing columns {column}")
    keys = ["account_id", "supplier"] if "supplier" in fees.columns else ["account_id"]
    rows = fees.assign(**{k: fees[k].astype(str) for k in keys}).reset_index(drop=True)
    rows = rows.assign(fee_row=range(len(rows)))
    merged = rows.merge(placed[["placement", *keys]], on=keys)
    ambiguous = merged.groupby("fee_row")["placement"].nunique()
    if (ambiguous > 1).any():
        account = merged.loc[merged["fee_row"] == ambiguous[ambiguous > 1].index[0], "account_id"].iloc[0]
        raise ValueError(f"fees: account {account} has several placements (add a supplier column, or "
                         f"split its fees)")
    amounts = merged.assign(amount=[to_decimal(v, what="fees.amount") for v in merged["amount"]])
    return pd.Series({int(p): exact_sum(g["amount"]) for p, g in amounts.groupby("placement")}, dtype=object)


def as_known_on(placements: pd.DataFrame, payments: pd.DataFrame | None, as_of: date
                ) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """The placements and payments as they stood at the end of day `as_of`: placements made by then (a
    recall after it not yet known: still placed) and payments made by then. A report of a month reads the
    data of its month and before, never after."""
    when = pd.Timestamp(as_of)
    placed = placements[pd.to_datetime(placements["placed_on"]) <= when].copy()
    if "recalled_on" in placed.columns:
        recalled = pd.to_datetime(placed["recalled_on"])
        placed["recalled_on"] = recalled.where(recalled <= when)
    if payments is not None and not payments.empty:
        payments = payments[pd.to_datetime(payments["paid_on"]) <= when]
    return placed.reset_index(drop=True), payments


def compare_agencies(placements: pd.DataFrame, payments: pd.DataFrame | None,
                     fees: pd.DataFrame | None = None, *, agencies: tuple[str, ...] | None = None,
                     months_on_book: int | None = None, as_of: date | None = None) -> AgencyComparison:
    """Champion / challenger on the same mix (module docstring). `agencies`: the suppliers compared
    (default: every supplier of the placements; at least two); `months_on_book`: count only payments up
    to that month on book (the same seasoning for every placement); `as_of`: the data as it stood on that
    day (`as_known_on`), e.g. a report month's last day."""
    if as_of is not None:
        placements, payments = as_known_on(placements, payments, as_of)
    placed = placements_frame(placements)
    if agencies is None:
        agencies = tuple(sorted(placed["supplier"].unique()))
    else:
        agencies = tuple(agencies)
        placed = placed[placed["supplier"].isin(agencies)].reset_index(drop=True)
    if len(set(agencies)) < 2:
        raise ValueError(f"agencies: at least two to compare (got {', '.join(agencies) or 'none'})")
    placed = placed.assign(
        vintage=placed["placed_on"].dt.strftime("%Y-%m"),
        band=[debt_age_band(int(d)) for d in placed["days_past_due"]],
    )
    collected = attributed_payments(placed, payments_frame(payments))
    if months_on_book is not None:
        placed_month = collected["placement"].map(placed.set_index("placement")["placed_on"])
        age = _month_index(collected["paid_on"]) - _month_index(placed_month)
        collected = collected[age <= months_on_book]
    per_placement = {int(p): exact_sum(g["amount"]) for p, g in collected.groupby("placement")}
    if fees is not None:
        for p, fee in _placement_fees(fees, placed).items():
            per_placement[int(p)] = per_placement.get(int(p), ZERO) - fee
    placed = placed.assign(collected=[per_placement.get(int(p), ZERO) for p in placed["placement"]])

    groups = []
    for (vintage, segment, band, agency), g in placed.groupby([*CELL, "supplier"], sort=True):
        groups.append({"vintage": vintage, "segment": segment, "band": band, "agency": agency,
                       "accounts": len(g), "placed": exact_sum(g["debt"]), "collected": exact_sum(g["collected"])})
    by_cell: dict[tuple[str, str, str], list[dict]] = {}
    for row in groups:
        by_cell.setdefault((row["vintage"], row["segment"], row["band"]), []).append(row)

    comparable, excluded = [], []
    for key, rows in by_cell.items():
        present = tuple(r["agency"] for r in rows if r["placed"] > 0)
        pooled = sum((r["placed"] for r in rows), ZERO)
        if set(present) == set(agencies):
            comparable.append((key, rows, pooled))
        else:
            excluded.append({"vintage": key[0], "segment": key[1], "band": key[2], "agencies": present,
                             "placed": pooled})
    total: Decimal = sum((pooled for _k, _r, pooled in comparable), ZERO)
    cells = []
    for _key, rows, pooled in comparable:
        weight = ratio(pooled, total)
        for r in rows:
            cells.append({**r, "liquidation": ratio(r["collected"], r["placed"]), "pooled_placed": pooled,
                          "weight": weight})
    cell_columns = [*CELL, "agency", "accounts", "placed", "collected", "liquidation", "pooled_placed", "weight"]
    cells_frame = pd.DataFrame(cells, columns=cell_columns)
    adjusted: dict[str, Fraction | None] = {}
    raw: dict[str, Fraction | None] = {}
    for agency in agencies:
        mine = [c for c in cells if c["agency"] == agency]
        adjusted[agency] = sum((c["weight"] * c["liquidation"] for c in mine), Fraction(0)) if mine else None
        own = placed[placed["supplier"] == agency]
        raw[agency] = ratio(exact_sum(own["collected"]), exact_sum(own["debt"]))
    return AgencyComparison(
        agencies=agencies, measure="liquidation" if fees is None else "net_liquidation", cells=cells_frame,
        adjusted=adjusted, raw=raw,
        excluded=pd.DataFrame(excluded, columns=[*CELL, "agencies", "placed"]))
