"""Charge invoices from retailers ("cargos"): a manufacturer's retail customers charge it promotional
contributions, rebates (rappels), logistics penalties, listing fees, price differences, returns and damages;
each charge is classified, checked against the retailer's agreement and resolved.

- `agreement`: the agreement of one retailer (`parameters/ENG/cargos/RETAILER.yaml`), typed and validated;
- `references`: what a charge's reference proves its type to be (`reference_index`);
- `validation`: one registered validator per type, duplicates and the claim window (`validate_charges`).

The tables (charges, sales, deliveries, cargo_decisions) are read like every table (`ccanalysis.io.schemas`)
and checked against each other and the agreements when the engagement loads (`ccanalysis.io.checks.check_cargos`).
"""

from __future__ import annotations

#: The taxonomy of charges, in the order they are listed.
CHARGE_TYPES = ("promotion", "rappel", "logistics_penalty", "listing_fee", "price_difference", "returns_damage",
                "marketing", "unidentified")

#: Who owns a type of charge when the agreement's `owners` does not say.
DEFAULT_OWNERS = {"promotion": "key_account", "rappel": "finance", "logistics_penalty": "logistics",
                  "listing_fee": "key_account", "price_difference": "finance", "returns_damage": "logistics",
                  "marketing": "key_account", "unidentified": "finance"}

__all__ = ["CHARGE_TYPES", "DEFAULT_OWNERS"]
