"""The engagement's cargos, computed once per engagement and date: every charge issued by `as_of`
classified (`classify`), checked against its agreement (`validation`), and in its resolution state
(`resolution`), with the month's KPIs and the forecast. Reads the engagement (already loaded and validated)
and the dispute register; everything else is the pure modules'.

    view(eng, as_of)            CargosView: charges with every column of the three steps
    month_kpis(eng, month, …)   the KPI table of a month and of the twelve months to its end
    month_forecast(eng, month)  the forecast after `month`, and the backtest error on the history
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pandas as pd

from ccanalysis.cargos import CHARGE_TYPES, resolution
from ccanalysis.cargos import classify as classifying
from ccanalysis.cargos import forecast as forecasting
from ccanalysis.cargos import kpis as cargo_kpis
from ccanalysis.errors import UsageError
from ccanalysis.periods import month_days

if TYPE_CHECKING:
    from ccanalysis.engagement import Engagement

#: Columns of the validation carried into the view (besides the charge's own and the classification's).
VALIDATION_COLUMNS = ["verdict", "valid_amount", "invalid_amount", "check", "evidence", "related_document"]


@dataclass(frozen=True, eq=False)
class CargosView:
    """The charges issued by `as_of` with the classification's, the validation's and the resolution's
    columns (resolution.STATE_COLUMNS), and the register they were resolved in."""

    charges: pd.DataFrame
    register: pd.DataFrame
    as_of: date


def require_cargos(eng: Engagement) -> None:
    """UsageError when the engagement has no retailer agreement (parameters/ENG/cargos/RETAILER.yaml)."""
    if not eng.cargo_agreements:
        raise UsageError(f"engagement {eng.id} has no cargos agreements: write parameters/{eng.id}/cargos/"
                         "RETAILER.yaml for each retailer whose charges you control")


def check_retailer(eng: Engagement, retailer: str | None) -> None:
    """UsageError naming the retailers with an agreement when `retailer` has none."""
    if retailer is not None and retailer not in eng.cargo_agreements:
        raise UsageError(f"unknown retailer {retailer!r}; retailers with an agreement: "
                         f"{', '.join(sorted(eng.cargo_agreements))}")


def windows(eng: Engagement) -> dict[str, int]:
    """Each retailer's dispute_window_days."""
    return {r: int(a.dispute_window_days) for r, a in eng.cargo_agreements.items()}


def owners(eng: Engagement) -> dict[str, dict[str, str]]:
    """Each retailer's owner of each charge type (the agreement's, else the default owners)."""
    return {r: {t: a.owner(t) for t in CHARGE_TYPES} for r, a in eng.cargo_agreements.items()}


def register(eng: Engagement) -> pd.DataFrame:
    """The dispute register (data/ENG/disputes.csv), empty when there is none."""
    from ccanalysis.io.register import read_register, register_path

    return read_register(register_path(eng.data_dir()))


#: The last view computed: (engagement, as_of) → view (the report's sections share it).
_CACHE: dict[str, tuple[Any, date, CargosView]] = {}


def view(eng: Engagement, as_of: date, *, register_frame: pd.DataFrame | None = None) -> CargosView:
    """Every charge issued by `as_of`: classified with the decisions taken by then, validated, resolved with
    the register rows dated by then (`register_frame`: the register already read, e.g. under its lock)."""
    from ccanalysis.cargos.references import DELIVERY_TYPES, reference_index
    from ccanalysis.cargos.validation import validate_charges

    require_cargos(eng)
    reg = register(eng) if register_frame is None else register_frame
    last = _CACHE.get("last")
    if register_frame is None and last is not None and last[0] is eng and last[1] == as_of \
            and last[2].register.equals(reg):
        return last[2]
    charges = eng.table("charges")
    issued = pd.to_datetime(charges["issue_date"]).dt.date
    charges = charges[issued <= as_of].reset_index(drop=True)
    decisions = eng.table("cargo_decisions")
    if not decisions.empty:
        decisions = decisions[pd.to_datetime(decisions["decided_at"]).dt.date <= as_of]
    agreements = eng.cargo_agreements
    deliveries, sales = eng.table("deliveries"), eng.table("sales")
    threshold = float(eng.settings.cargos.review_threshold)
    classified = classifying.classify_charges(
        charges, reference_index(agreements, deliveries),
        {r: a.classification_rules for r, a in agreements.items()}, decisions, threshold=threshold,
        families={DELIVERY_TYPES[0]: DELIVERY_TYPES})
    typed = classified.assign(type=classified["type"].fillna("unidentified"))
    validated = validate_charges(typed, agreements, sales, deliveries, as_of=as_of)
    merged = classified.merge(validated[["retailer", "document_id", *VALIDATION_COLUMNS]],
                              on=["retailer", "document_id"], how="left")
    seen = reg[pd.Series([d is not None and d <= as_of for d in reg["status_date"]], index=reg.index, dtype=bool)]
    states = resolution.charge_states(merged, seen, windows(eng), owners(eng), as_of,
                                      Decimal(eng.settings.cargos.handling_cost))
    extra = [c for c in resolution.STATE_COLUMNS if c not in merged.columns]
    out = merged.merge(states[["retailer", "document_id", *extra]], on=["retailer", "document_id"], how="left")
    result = CargosView(out, reg, as_of)
    if register_frame is None:
        _CACHE["last"] = (eng, as_of, result)
    return result


def month_end(month: str) -> date:
    """The last day of month YYYY-MM (UsageError for a bad month)."""
    try:
        return month_days(month)[1]
    except ValueError as exc:
        raise UsageError(f"--month: {exc}") from None


def month_charges(v: CargosView, month: str, retailer: str | None = None) -> pd.DataFrame:
    """The view's charges issued in `month` (of `retailer`)."""
    start, end = month_days(month)
    issued = pd.to_datetime(v.charges["issue_date"]).dt.date
    out = v.charges[(issued >= start) & (issued <= end)]
    if retailer is not None:
        out = out[out["retailer"] == retailer]
    return out.reset_index(drop=True)


def twelve_months_to(end: date) -> date:
    """The first day of the twelve months ending on `end` (2026-10-31 → 2025-11-01)."""
    return (pd.Timestamp(end) - pd.DateOffset(years=1) + timedelta(days=1)).date()


def month_kpis(eng: Engagement, v: CargosView, month: str, retailer: str | None = None) -> list[dict[str, Any]]:
    """Every KPI of `month` and of the twelve months to its end: kpi, definition, unit, value, numerator,
    denominator, value_12m, numerator_12m, denominator_12m."""
    start, end = month_days(month)
    year_start = twelve_months_to(end)
    sales = eng.table("sales")
    rows = cargo_kpis.kpi_table(v.charges, sales, v.register, windows(eng), start=start, end=end, retailer=retailer)
    year = cargo_kpis.kpi_table(v.charges, sales, v.register, windows(eng), start=year_start, end=end,
                                retailer=retailer)
    return [{**r, "value_12m": y["value"], "numerator_12m": y["numerator"], "denominator_12m": y["denominator"]}
            for r, y in zip(rows, year, strict=True)]


def month_forecast(eng: Engagement, v: CargosView, month: str, retailer: str | None = None
                   ) -> tuple[pd.DataFrame, forecasting.Backtest | None]:
    """The forecast of the `forecast_months` after `month` per retailer and type (typed charges; those in
    review count as unidentified), and the rolling-origin backtest (3 months ahead from the last 6 origins
    that allow it; None when the history is too short)."""
    horizon = int(eng.settings.cargos.forecast_months)
    charges = v.charges.assign(type=v.charges["type"].fillna("unidentified"))
    if retailer is not None:
        charges = charges[charges["retailer"] == retailer]
    agreements = eng.cargo_agreements
    frame = forecasting.forecast_cargos(charges, agreements, eng.table("sales"), through=month, horizon=horizon)
    months = pd.PeriodIndex(pd.to_datetime(charges["issue_date"]), freq="M").unique()
    result = None
    if len(months) >= 9:
        origins = forecasting.default_origins(charges, 3, count=min(6, len(months) - 6))
        result = forecasting.backtest(charges, agreements, eng.table("sales"), origins=origins, horizon=3)
    return frame, result
