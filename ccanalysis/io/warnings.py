"""What a valid engagement holds but will not use: the warnings of `ccanalysis validate` (exit 0).

Rows dated outside every billing period of their supplier's contract (before `valid_from`, after
`valid_to`) or in the future; KPIs that contact records cannot give because the contract sets no threshold
(`threshold_s`, `short_abandon_s`); billing months with an invoice but no activity. Each warning is a
`Problem` (file, row, column, message) like an error, but nothing stops. `reportable_months` lists the
months each supplier can be reported for: those with activity inside its contract's validity.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pandas as pd

from ccanalysis import kpis
from ccanalysis.errors import Problem

if TYPE_CHECKING:
    from ccanalysis.engagement import Engagement

#: The dated tables and the column that dates their rows.
DATED = (("activity", "date"), ("contacts", "start"), ("plan", "date"))
#: Columns that contact records give only at a threshold, and the option that sets it.
THRESHOLD_COLUMNS = {"answered_within_sl": "threshold_s", "abandoned_within_sl": "threshold_s",
                     "abandoned_short": "short_abandon_s"}


def validation_warnings(eng: Engagement, today: date | None = None) -> list[Problem]:
    """Every warning of the engagement (see the module docstring); `today` dates "the future"."""
    today = today or date.today()
    return _unused_rows(eng, today) + _thresholds_missing(eng) + _invoices_without_activity(eng)


def reportable_months(eng: Engagement, today: date | None = None) -> dict[str, list[str]]:
    """Per supplier, the billing months (YYYY-MM) with activity of any granularity while its contract is in
    force, up to the one holding `today`, in order."""
    today = today or date.today()
    months: dict[str, set[str]] = {supplier: set() for supplier in eng.contracts}
    for supplier, _, month in eng.granularity:
        contract = eng.contracts.get(supplier)
        if contract is None:
            continue
        period = contract.period(month)
        if contract.active_days(period) > 0 and period.start <= today:
            months[supplier].add(month)
    return {supplier: sorted(found) for supplier, found in months.items()}


def _rows(rows: pd.Series) -> str:
    numbers = sorted(int(r) for r in rows)
    if len(numbers) == 1:
        return f"row {numbers[0]}"
    run = numbers == list(range(numbers[0], numbers[-1] + 1))
    return f"rows {numbers[0]}–{numbers[-1]}" if run else f"{len(numbers)} rows from row {numbers[0]} to {numbers[-1]}"


def _unused_rows(eng: Engagement, today: date) -> list[Problem]:
    warnings: list[Problem] = []
    for table, column in DATED:
        frame = eng.tables.get(table)
        if frame is None or frame.empty or column not in frame.columns:
            continue
        days = frame[column].dt.date
        for supplier, contract in eng.contracts.items():
            mine = (frame["supplier"] == supplier).fillna(False).to_numpy(dtype=bool)
            before = days < contract.valid_from
            after = days > contract.valid_to if contract.valid_to else pd.Series(False, index=frame.index)
            outside = (before | after).to_numpy(dtype=bool) & mine
            validity = f"{contract.valid_from}..{contract.valid_to or ''}"
            for file, rows in frame[outside].groupby("_file", sort=True)["_row"]:
                warnings.append(Problem(file=str(file), row=int(rows.min()), column=column, message=(
                    f"{len(rows)} row(s) of {supplier} dated outside every billing period of contracts/"
                    f"{supplier}.yaml (valid {validity}); they are not used ({_rows(rows)})")))
        future = (days > today).to_numpy(dtype=bool)
        for file, rows in frame[future].groupby("_file", sort=True)["_row"]:
            warnings.append(Problem(file=str(file), row=int(rows.min()), column=column, message=(
                f"{len(rows)} row(s) dated in the future (after {today}); check the dates ({_rows(rows)})")))
    return warnings


def _thresholds_missing(eng: Engagement) -> list[Problem]:
    """KPIs of services rated from contact records that no threshold lets the records give."""
    warnings: list[Problem] = []
    contacts = eng.tables.get("contacts")
    served = sorted({(s, v) for (s, v, _), kind in eng.granularity.items() if kind == "contacts"})
    for supplier, service_id in served:
        contract = eng.contracts.get(supplier)
        if contract is None or contacts is None:
            continue
        services = [s for group in [contract.services] + [v.services for v in contract.versions] for s in group
                    if s.id == service_id]
        for service in services:
            options = kpis.shared_thresholds(service.kpi_settings())
            dropped = []
            for name, spec in kpis.REGISTRY.items():
                setting = service.kpi_settings().get(name, {})
                variant = spec.variant(setting.get("variant"))
                needed = sorted({THRESHOLD_COLUMNS[c] for c in variant.columns if c in THRESHOLD_COLUMNS}
                                - set(setting) - set(options))
                if needed:
                    dropped.append(f"{name} (needs {', '.join(needed)})")
            if dropped:
                file = contacts.loc[(contacts["supplier"] == supplier) & (contacts["service"] == service_id),
                                    "_file"].iloc[0]
                warnings.append(Problem(file=str(file), column=f"services[{service_id}].kpis", message=(
                    f"contact records of {supplier}/{service_id} give no {', '.join(dropped)}: contracts/"
                    f"{supplier}.yaml sets no such threshold; these KPIs are left out of its reports (set e.g. "
                    "kpis: {service_level: {threshold_s: 20, short_abandon_s: 5}})")))
                break
    return warnings


def _invoices_without_activity(eng: Engagement) -> list[Problem]:
    invoices = eng.tables.get("invoice_lines")
    if invoices is None or invoices.empty:
        return []
    active = {(supplier, month) for supplier, _, month in eng.granularity}
    warnings = []
    for (supplier, month), lines in invoices.groupby(["supplier", "month"], sort=True, dropna=True):
        if (supplier, month) not in active:
            warnings.append(Problem(file=str(lines["_file"].iloc[0]), message=(
                f"an invoice of {supplier} for {month} but no activity of {supplier} in that billing period: "
                "its expected invoice has only fixed charges; add the activity files or check the month")))
    return warnings
