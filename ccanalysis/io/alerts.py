"""The alert register `reports/ENG/alerts.csv`: the plan deviations each morning's run raised, for the
planning and operations teams (practice 7). Append-only, one row per alert and as-of day, written under the
registers' locks and atomic writes (`ccanalysis.io.writing.append_rows`, `ccanalysis.io.register.updating`).

    alerts_path(reports_dir)                 where it is (`config.reports_dir(ENG) / "alerts.csv"`)
    service_owners(contracts, day)           (supplier, service) → the service's `owner` on `day`
    append_alerts(path, alerts, owners)      append `deviations.alerts` rows not yet there; returns how many
    read_alerts(path)                        the register: dates as date, figures as Decimal, blanks None

Columns (`COLUMNS`): as_of, supplier, service, metric, basis, since, deviation (fraction of plan, 6
decimals), units (in `unit`), unit, money, driver, volume_effect, aht_effect, price_effect, owner (blank when
the service has none). Key: (as_of, supplier, service, metric): re-running an as-of date adds nothing for
the alerts already registered that day (the first run's row stays: the register is append-only).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from ccanalysis.deviations import BASES, DRIVERS, METRICS
from ccanalysis.io.register import read_typed_csv, updating
from ccanalysis.io.writing import append_rows
from ccanalysis.money import round_half_up, to_decimal

if TYPE_CHECKING:
    from ccanalysis.contract import Contract

ALERTS_FILE = "alerts.csv"
COLUMNS = ["as_of", "supplier", "service", "metric", "basis", "since", "deviation", "units", "unit", "money",
           "driver", "volume_effect", "aht_effect", "price_effect", "owner"]
KEY = ("as_of", "supplier", "service", "metric")
DEVIATION_PLACES = 6
_DATES = ("as_of", "since")
_NUMBERS = ("deviation", "units", "money", "volume_effect", "aht_effect", "price_effect")
_OPTIONAL = ("deviation", "units", "owner")
_CODES = {"metric": METRICS, "basis": BASES, "driver": DRIVERS}


def alerts_path(reports_dir: Path) -> Path:
    """The alerts register: alerts.csv in the engagement's reports folder."""
    return Path(reports_dir) / ALERTS_FILE


def service_owners(contracts: Mapping[str, Contract], day: date) -> dict[tuple[str, str], str | None]:
    """(supplier, service id) → the `owner` of the service in force on `day` (None when not set)."""
    out: dict[tuple[str, str], str | None] = {}
    for supplier, contract in contracts.items():
        for service in contract.services:
            out[(supplier, service.id)] = service.owner
        services, _ = contract.version_on(day)
        for service in services:
            out[(supplier, service.id)] = service.owner
    return out


def _cell(column: str, value: Any) -> str | None:
    if value is None or (not isinstance(value, (Decimal, str, date)) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    if column == "deviation":
        return f"{round_half_up(to_decimal(value), DEVIATION_PLACES):f}"
    if isinstance(value, Decimal):
        return f"{value:f}"
    return str(value)


def append_alerts(path: Path, alerts: pd.DataFrame,
                  owners: Mapping[tuple[str, str], str | None] | None = None) -> int:
    """Append the rows of `alerts` (`deviations.ALERT_COLUMNS`) whose key (as_of, supplier, service, metric)
    the register does not hold yet, each with its service's owner from `owners`; returns how many were
    appended. The read, the comparison and the write happen under the register's update lock, so two runs
    at once never both add the same alert."""
    path = Path(path)
    owners = owners or {}
    missing = [c for c in COLUMNS if c != "owner" and c not in alerts.columns]
    if missing:
        raise ValueError(f"alerts lack columns {', '.join(missing)}")
    with updating(path):
        held = {tuple(_cell(k, row[k]) for k in KEY) for row in read_alerts(path).to_dict("records")}
        rows = []
        for alert in alerts.to_dict("records"):
            row = {c: _cell(c, alert.get(c)) for c in COLUMNS if c != "owner"}
            row["owner"] = owners.get((alert["supplier"], alert["service"]))
            key = tuple(row[k] for k in KEY)
            if key in held:
                continue
            held.add(key)
            rows.append(row)
        return append_rows(path, COLUMNS, rows)


def read_alerts(path: Path) -> pd.DataFrame:
    """The register at `path` in file order (empty with `COLUMNS` when there is none): as_of and since as
    dates, figures as Decimal, blanks None. EngagementError naming file, row and column otherwise."""
    return read_typed_csv(path, COLUMNS, _value, "The alert register cannot be read").astype(object)


def _value(column: str, text: str) -> Any:
    if not text:
        if column in _OPTIONAL:
            return None
        raise ValueError("required value is blank")
    if column in _DATES:
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise ValueError("expected a date YYYY-MM-DD") from None
    if column in _NUMBERS:
        try:
            return to_decimal(text)
        except ValueError:
            raise ValueError("expected a number such as 1234.50") from None
    if column in _CODES and text not in _CODES[column]:
        raise ValueError(f"expected one of {', '.join(_CODES[column])}")
    return text
