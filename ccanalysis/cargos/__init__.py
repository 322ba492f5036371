"""Charge invoices from retailers ("cargos", issue 16): classification, validation against the agreements,
resolution through the dispute register, KPIs and forecast."""

from __future__ import annotations

#: The taxonomy of a retailer's charge.
CHARGE_TYPES = ("promotion", "rappel", "logistics_penalty", "listing_fee", "price_difference", "returns_damage",
                "marketing", "unidentified")
