"""What a charge's reference proves its type to be: the first stage of classifying a charge.

A retailer writes on its charge the promotion id, the rappel period, the delivery note or order, or the
listing fee it charges for. `reference_index` maps every such reference the agreements and the deliveries
know to the type it proves. A delivery note or order maps to `logistics_penalty`; a charge referencing one
may also be a price difference or a return (`DELIVERY_TYPES`), which only its description tells apart.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from ccanalysis.cargos.agreement import Agreement

#: The types of charge that reference a delivery note or order (the index gives the first).
DELIVERY_TYPES = ("logistics_penalty", "price_difference", "returns_damage")


def _years(agreement: Agreement, deliveries: pd.DataFrame) -> set[int]:
    years = {p.start.year for p in agreement.promotions} | {p.end.year for p in agreement.promotions}
    years |= {f.on.year for f in agreement.listing_fees} | {p.start.year for p in agreement.prices}
    if not deliveries.empty:
        years |= set(int(y) for y in deliveries["delivered_at"].dt.year.dropna().unique())
    return years | {y - 1 for y in years} | {y + 1 for y in years}


def reference_index(agreements: Mapping[str, Agreement], deliveries: pd.DataFrame) -> dict[tuple[str, str], str]:
    """(retailer, reference) → the type that reference proves: a promotion id → promotion, a listing-fee id →
    listing_fee, a rappel period (`2026-Q2` for a quarterly rappel, `2026` for an annual one, over the years
    the agreement and deliveries touch and one either side) → rappel, a delivery note or order id →
    logistics_penalty. Deliveries of retailers without an agreement are left out."""
    index: dict[tuple[str, str], str] = {}
    for retailer, agreement in agreements.items():
        mine = (deliveries[deliveries["retailer"] == retailer] if not deliveries.empty
                else deliveries)
        for column in ("order_id", "delivery_note"):
            if column in mine.columns:
                for value in mine[column].dropna().unique():
                    index[(retailer, str(value))] = "logistics_penalty"
        if agreement.rappel is not None:
            for year in sorted(_years(agreement, mine)):
                periods = [f"{year}"] if agreement.rappel.basis == "annual" else [f"{year}-Q{q}" for q in range(1, 5)]
                for period in periods:
                    index[(retailer, period)] = "rappel"
        for fee in agreement.listing_fees:
            index[(retailer, fee.id)] = "listing_fee"
        for promotion in agreement.promotions:
            index[(retailer, promotion.id)] = "promotion"
    return index
