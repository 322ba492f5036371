"""What a valid engagement holds but will not use: the warnings of `ccanalysis validate` (exit 0).

Rows dated outside every billing period of their supplier's contract (before `valid_from`, after
`valid_to`) or in the future; KPIs that contact records cannot give because the contract sets no threshold
(`threshold_s`, `short_abandon_s`); billing months with an invoice but no activity. Each warning is a
`Problem` (file, row, column, message) like an error, but nothing stops. `reportable_months` lists the
months each supplier can be reported for: those with activity inside its contract's validity.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np
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
    return warnings_as_of(warning_facts(eng, today), today)


def warning_facts(eng: Engagement, today: date | None = None) -> dict[str, Any]:
    """What the warnings of `eng` are made of, as JSON-able data kept in the store's manifest: the warnings
    that do not depend on the day, and the rows dated after `today` with their dates, so that the warnings
    of any later day are `warnings_as_of(facts, that_day)` without reading a table."""
    today = today or date.today()
    dated = []
    for table, column in DATED:
        frame = eng.tables.get(table)
        if frame is None or frame.empty or column not in frame.columns:
            continue
        days = frame[column].dt.date
        outside = _outside_validity(eng, frame, days, column)
        future = (days > today).to_numpy(dtype=bool)
        dated.append({"table": table, "column": column, "outside": [_record(w) for w in outside],
                      "future": _future_runs(frame.loc[future, "_file"], days[future], frame.loc[future, "_row"])})
    rest = _thresholds_missing(eng) + _invoices_without_activity(eng)
    return {"today": today.isoformat(), "dated": dated, "other": [_record(w) for w in rest]}


def warnings_as_of(facts: dict[str, Any], today: date | None = None) -> list[Problem]:
    """The warnings of `warning_facts(eng, day)` as of `today` (on or after that day): ValueError when
    `today` is before it (rows between the two days are not in the facts)."""
    today = today or date.today()
    if today < date.fromisoformat(facts["today"]):
        raise ValueError(f"warning facts of {facts['today']} cannot give the warnings of {today}")
    warnings: list[Problem] = []
    for entry in facts["dated"]:
        warnings.extend(Problem(**w) for w in entry["outside"])
        later: dict[str, list[list[int]]] = {}
        for file, day, first, last in entry["future"]:
            if date.fromisoformat(day) > today:
                later.setdefault(file, []).append([first, last])
        for file in sorted(later):
            runs = _merged(later[file])
            warnings.append(Problem(file=file, row=runs[0][0], column=entry["column"], message=(
                f"{_count(runs)} row(s) dated in the future (after {today}); check the dates ({_rows_text(runs)})")))
    return warnings + [Problem(**w) for w in facts["other"]]


def _record(problem: Problem) -> dict[str, Any]:
    return {"file": problem.file, "message": problem.message, "row": problem.row, "column": problem.column}


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


def _future_runs(files: pd.Series, days: pd.Series, rows: pd.Series) -> list[list]:
    """Rows dated in the future as [file, day, first row, last row] runs of consecutive rows (a file's rows
    of one day are mostly one run: the facts stay small however many rows there are)."""
    if files.empty:
        return []
    frame = pd.DataFrame({"file": files.astype(str).to_numpy(), "day": days.to_numpy(),
                          "row": rows.to_numpy(dtype=np.int64)}).sort_values(["file", "day", "row"])
    file, day, row = (frame[c].to_numpy() for c in ("file", "day", "row"))
    starts = np.ones(len(frame), dtype=bool)
    starts[1:] = (file[1:] != file[:-1]) | (day[1:] != day[:-1]) | (row[1:] != row[:-1] + 1)
    first = np.flatnonzero(starts)
    last = np.append(first[1:], len(frame)) - 1
    return [[str(file[a]), day[a].isoformat(), int(row[a]), int(row[b])] for a, b in zip(first, last, strict=True)]


def _merged(runs: list[list[int]]) -> list[list[int]]:
    """Runs [first, last] of row numbers, sorted and with touching or overlapping runs joined."""
    merged: list[list[int]] = []
    for first, last in sorted(runs):
        if merged and first <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], last)
        else:
            merged.append([first, last])
    return merged


def _count(runs: list[list[int]]) -> int:
    return sum(last - first + 1 for first, last in runs)


def _rows(rows: pd.Series) -> str:
    return _rows_text(_merged([[int(r), int(r)] for r in rows]))


def _rows_text(runs: list[list[int]]) -> str:
    """Rows as the warnings name them: "row 3", "rows 3–5", or "N rows from row A to B" (not one run)."""
    if _count(runs) == 1:
        return f"row {runs[0][0]}"
    if len(runs) == 1:
        return f"rows {runs[0][0]}–{runs[0][1]}"
    return f"{_count(runs)} rows from row {runs[0][0]} to {runs[-1][1]}"


def _outside_validity(eng: Engagement, frame: pd.DataFrame, days: pd.Series, column: str) -> list[Problem]:
    """Rows of a dated table outside every billing period of their supplier's contract."""
    warnings: list[Problem] = []
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
