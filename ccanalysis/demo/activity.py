"""The demo's activity: daily rows, 30-minute interval rows (eastline chat) and contact records (northwind
care), each drawn from a seeded numpy Generator to meet the service's monthly targets."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from ccanalysis.demo.calendar import OPEN_FROM_H, SLOT_PROFILE, SLOTS, volume_factor
from ccanalysis.demo.engagement import MONTHS
from ccanalysis.demo.size import base_months

#: Weekday-equivalent contact volume of northwind care (contacts per weekday at month factor 1).
CARE_WEEKDAY_CONTACTS = 3200


def _per_month(*values: float) -> dict[str, float]:
    return dict(zip(MONTHS, values, strict=True))


#: Daily-row services. kind: inbound (queue), outbound (dialler), backoffice (e-mail, no abandons).
DAILY_SERVICES: dict[tuple[str, str], dict[str, Any]] = {
    ("northwind", "billing"): dict(
        kind="inbound", offered=1150, days={"weekday": 1.0, "saturday": 0.4, "sunday": 0.0, "holiday": 0.0},
        aht=_per_month(236, 242, 247), sl=_per_month(0.866, 0.772, 0.826), abandon=_per_month(0.035, 0.07, 0.05),
        occupancy=(0.82, 0.88), split=(0.74, 0.08), qa=_per_month(87.0, 86.0, 83.6), csat=4.1, fcr=0.74),
    ("southpoint", "sales"): dict(
        kind="outbound", offered=8800, days={"weekday": 1.0, "saturday": 0.5, "sunday": 0.35, "holiday": 0.4},
        contact_rate=0.32, aht=_per_month(298, 301, 296), abandon=_per_month(0.025, 0.036, 0.021),
        occupancy=(0.80, 0.86), split=(0.80, 0.03), qa=_per_month(84.0, 85.5, 86.0), csat=3.8, fcr=0.55,
        conversion=_per_month(0.043, 0.045, 0.05)),
    ("southpoint", "collections"): dict(
        kind="outbound", offered=1250, days={"weekday": 1.0, "saturday": 0.4, "sunday": 0.0, "holiday": 0.0},
        contact_rate=0.32, aht=_per_month(244, 238, 236), abandon=_per_month(0.012, 0.015, 0.011),
        occupancy=(0.80, 0.86), split=(0.78, 0.06), qa=_per_month(82.0, 78.0, 83.0), csat=3.5, fcr=0.5,
        placed_per_contact=180.0, recovery=_per_month(0.14, 0.19, 0.235)),
    ("eastline", "email"): dict(
        kind="backoffice", offered=930, days={"weekday": 1.0, "saturday": 0.35, "sunday": 0.0, "holiday": 0.0},
        handled_share=0.97, aht=_per_month(430, 420, 415), sl=_per_month(0.88, 0.93, 0.985),
        response_h=_per_month(6.5, 4.0, 2.5), occupancy=(0.82, 0.88), split=(0.85, 0.0),
        qa=_per_month(88.0, 89.0, 90.0), csat=4.0, fcr=0.8),
}

#: Interval service (30-minute rows, every day of the three months).
CHAT = dict(supplier="eastline", service="chat", offered=1500,
            days={"weekday": 1.0, "saturday": 0.6, "sunday": 0.45, "holiday": 0.5},
            aht=_per_month(520, 510, 505), sl=_per_month(0.85, 0.775, 0.925), abandon=_per_month(0.05, 0.08, 0.04),
            occupancy=(0.80, 0.88), split=(0.80, 0.05), qa=_per_month(86.0, 86.5, 87.0), csat=4.2, fcr=0.7)

#: Contact-record service (northwind care): monthly AHT and service level targets.
CARE = dict(days={"weekday": 1.0, "saturday": 0.45, "sunday": 0.25, "holiday": 0.3},
            aht=_per_month(296, 304, 312), sl=_per_month(0.772, 0.825, 0.868), patience_s=150.0,
            hold_share=0.3, hold_mean_s=60.0, acw_mean_s=40.0, qa=_per_month(86.0, 87.0, 88.0))


def _jitter(rng: np.random.Generator, n: int, sd: float) -> np.ndarray:
    return np.exp(rng.normal(0.0, sd, n))


def _split_seconds(productive: np.ndarray, split: tuple[float, float]) -> tuple[np.ndarray, ...]:
    """Whole-second talk, hold and ACW totals adding up to the rounded productive time."""
    total = np.rint(productive).astype(np.int64)
    talk = np.rint(total * split[0]).astype(np.int64)
    hold = np.rint(total * split[1]).astype(np.int64)
    return talk, hold, total - talk - hold


def _queue_rows(rng: np.random.Generator, offered: np.ndarray, months: np.ndarray, p: Mapping[str, Any],
                *, variant: str) -> dict[str, np.ndarray]:
    """Queue counts for inbound rows: abandons, short abandons, answered within the SL threshold, wait."""
    n = offered.size
    rate = np.clip(np.array([p["abandon"][m] for m in months]) + rng.normal(0, 0.01, n), 0.003, 0.3)
    abandoned = rng.binomial(offered, rate)
    handled = offered - abandoned
    short = rng.binomial(abandoned, 0.35)
    within = short + rng.binomial(abandoned - short, 0.25)
    sl = np.clip(np.array([p["sl"][m] for m in months]) + rng.normal(0, 0.03, n), 0.3, 0.995)
    base = handled if variant == "handled" else offered - short
    answered_within = np.minimum(handled, np.rint(sl * base).astype(np.int64))
    asa = 4.0 + 90.0 * (1.0 - sl)
    return {"handled": handled, "abandoned": abandoned, "abandoned_short": short,
            "answered_within_sl": answered_within, "abandoned_within_sl": within,
            "wait_s": np.rint(handled * asa).astype(np.int64)}


def _time_and_quality(rng: np.random.Generator, handled: np.ndarray, months: np.ndarray,
                      p: Mapping[str, Any]) -> dict[str, Any]:
    n = handled.size
    aht = np.array([p["aht"][m] for m in months]) * _jitter(rng, n, 0.03)
    talk, hold, acw = _split_seconds(handled * aht, p["split"])
    occupancy = rng.uniform(p["occupancy"][0], p["occupancy"][1], n)
    productive = talk + hold + acw
    logged = np.where(productive > 0, np.rint(productive / occupancy), 1800).astype(np.int64)
    aux = np.rint(logged * rng.uniform(0.05, 1.0 - occupancy - 0.02)).astype(np.int64)
    qa = np.clip(np.array([p["qa"][m] for m in months]) + rng.normal(0, 1.5, n), 0, 100)
    csat = np.clip(p["csat"] + rng.normal(0, 0.15, n), 1, 5)
    return {"talk_s": talk, "hold_s": hold, "acw_s": acw, "logged_s": logged, "aux_s": aux,
            "resolved_first_contact": rng.binomial(handled, p["fcr"]),
            "qa_score": np.round(qa, 1), "csat": np.round(csat, 2)}


ACTIVITY_COLUMNS = ["date", "supplier", "service", "offered", "handled", "abandoned", "abandoned_short",
                    "answered_within_sl", "abandoned_within_sl", "wait_s", "talk_s", "hold_s", "acw_s",
                    "logged_s", "aux_s", "resolved_first_contact", "sales", "collected_amount",
                    "placed_amount", "qa_score", "csat"]


def daily_activity(rng: np.random.Generator, cal: pd.DataFrame, supplier: str, service: str,
                   p: Mapping[str, Any]) -> pd.DataFrame:
    """Daily activity rows of one service (days the service is closed have no row)."""
    factor = volume_factor(cal, p["days"])
    open_days = cal[factor > 0].reset_index(drop=True)
    factor = factor[factor > 0]
    n = len(open_days)
    months = base_months(open_days["month"].tolist())
    offered = rng.poisson(p["offered"] * factor * _jitter(rng, n, 0.06)).astype(np.int64)
    if p["kind"] == "inbound":
        counts = _queue_rows(rng, offered, months, p, variant="offered_less_short_abandons")
    elif p["kind"] == "outbound":
        handled = rng.binomial(offered, p["contact_rate"])
        drop = np.clip(np.array([p["abandon"][m] for m in months]) / (1 - p["contact_rate"])
                       + rng.normal(0, 0.003, n), 0, 1)
        abandoned = rng.binomial(offered - handled, drop)
        counts = {"handled": handled, "abandoned": abandoned, "abandoned_short": abandoned,
                  "answered_within_sl": handled, "abandoned_within_sl": abandoned,
                  "wait_s": handled.copy()}
    else:  # back office: items worked that day; no abandons; SL = share answered within 8 h of arrival
        handled = rng.binomial(offered, p["handled_share"])
        sl = np.clip(np.array([p["sl"][m] for m in months]) + rng.normal(0, 0.02, n), 0.5, 1.0)
        response = np.array([p["response_h"][m] for m in months]) * 3600 * _jitter(rng, n, 0.1)
        counts = {"handled": handled, "abandoned": np.zeros(n, np.int64), "abandoned_short": np.zeros(n, np.int64),
                  "answered_within_sl": np.minimum(handled, np.rint(sl * handled).astype(np.int64)),
                  "abandoned_within_sl": np.zeros(n, np.int64),
                  "wait_s": np.rint(handled * response).astype(np.int64)}
    extra = _time_and_quality(rng, counts["handled"], months, p)
    sales = np.zeros(n, np.int64)
    collected = np.zeros(n)
    placed = np.zeros(n)
    if "conversion" in p:
        sales = rng.binomial(counts["handled"], np.array([p["conversion"][m] for m in months]))
    if "recovery" in p:
        placed = np.round(counts["handled"] * p["placed_per_contact"] * _jitter(rng, n, 0.08), 2)
        recovery = np.array([p["recovery"][m] for m in months]) * _jitter(rng, n, 0.05)
        collected = np.round(placed * recovery, 2)
    frame = pd.DataFrame({"date": open_days["date"], "supplier": supplier, "service": service,
                          "offered": offered, **counts, **extra, "sales": sales,
                          "collected_amount": collected, "placed_amount": placed})
    return frame[ACTIVITY_COLUMNS]


def _madrid_offset(day: date) -> str:
    """The UTC offset of Europe/Madrid at noon of `day` ('+02:00' in summer time, '+01:00' in winter)."""
    offset = datetime(day.year, day.month, day.day, 12, tzinfo=ZoneInfo("Europe/Madrid")).utcoffset()
    assert offset is not None
    hours = int(offset.total_seconds()) // 3600
    return f"+{hours:02d}:00"


def interval_activity(rng: np.random.Generator, cal: pd.DataFrame, p: Mapping[str, Any], *,
                      supplier: str | None = None) -> pd.DataFrame:
    """30-minute interval rows (08:00-22:00, every day) of the chat service, with the day's UTC offset
    (`supplier` instead of the service's own, for a copy of it)."""
    factor = volume_factor(cal, p["days"])
    day_mean = p["offered"] * factor * _jitter(rng, len(cal), 0.06)
    mean = (day_mean[:, None] * SLOT_PROFILE[None, :]).ravel()
    n = mean.size
    offered = rng.poisson(mean * _jitter(rng, n, 0.1)).astype(np.int64)
    day_index = np.repeat(np.arange(len(cal)), SLOTS)
    months = np.array(base_months(cal["month"].tolist()), dtype=object)[day_index]
    counts = _queue_rows(rng, offered, months, p, variant="handled")
    extra = _time_and_quality(rng, counts["handled"], months, p)
    minutes = OPEN_FROM_H * 60 + 30 * np.tile(np.arange(SLOTS), len(cal))
    dates = cal["date"].to_numpy()[day_index]
    # Europe/Madrid: +02:00 in summer time (it ends on 2026-10-25 at 03:00), +01:00 in winter.
    offsets = {day: _madrid_offset(day) for day in cal["date"]}
    utc_offset = np.array([offsets[day] for day in dates])
    frame = pd.DataFrame({"date": dates, "interval_start": [f"{m // 60:02d}:{m % 60:02d}" for m in minutes],
                          "utc_offset": utc_offset, "supplier": supplier or p["supplier"], "service": p["service"],
                          "offered": offered, **counts, **extra, "sales": 0, "collected_amount": 0.0,
                          "placed_amount": 0.0})
    return frame[ACTIVITY_COLUMNS[:1] + ["interval_start", "utc_offset"] + ACTIVITY_COLUMNS[1:]]


def _sl_of_mean_wait(mean_wait: np.ndarray, patience: float, threshold: float = 21.0,
                     short: float = 6.0) -> np.ndarray:
    """Service level (offered less short abandons) when wait ~ Exp(mean_wait) and patience ~ Exp(patience).

    Whole-second queue_s <= 20 means a wait below 21 s (and a short abandon, below 6 s).
    """
    lam, mu = 1.0 / mean_wait, 1.0 / patience
    within = lam / (lam + mu) * (1 - np.exp(-threshold * (lam + mu)))
    short_abandon = mu / (lam + mu) * (1 - np.exp(-short * (lam + mu)))
    return within / (1 - short_abandon)


def care_contacts_expected(cal: pd.DataFrame) -> float:
    """The mean number of care contact records over the days of `cal` at scale 1."""
    return float(CARE_WEEKDAY_CONTACTS * volume_factor(cal, CARE["days"]).sum())


def contact_records(rng: np.random.Generator, cal: pd.DataFrame, *, scale: float = 1.0,
                    supplier: str = "northwind", prefix: str = "NWC", first_id: int = 1) -> pd.DataFrame:
    """Northwind care contact records, vectorised: queue, abandon, handling times, repeat callers, QA, CSAT.

    `supplier` and the contact ids `prefix` + number from `first_id` (7 digits at least) serve a copy of
    northwind, or one month of a bigger demo."""
    p = CARE
    factor = volume_factor(cal, p["days"])
    per_day = rng.poisson(CARE_WEEKDAY_CONTACTS * scale * factor * _jitter(rng, len(cal), 0.05))
    day = np.repeat(np.arange(len(cal)), per_day)
    n = day.size
    months = np.array(base_months(cal["month"].tolist()), dtype=object)[day]
    # start: a 30-minute slot by the intraday profile, then a second inside it
    slot = rng.choice(SLOTS, size=n, p=SLOT_PROFILE)
    seconds = OPEN_FROM_H * 3600 + slot * 1800 + rng.integers(0, 1800, n)
    day_start = pd.to_datetime(cal["date"]).to_numpy().astype("datetime64[s]")
    start = day_start[day] + seconds.astype("timedelta64[s]")
    order = np.argsort(start, kind="stable")
    start, day, months = start[order], day[order], months[order]
    # queue: potential wait ~ Exp(m_day) with m chosen so the day's service level meets its target
    grid = np.linspace(1.0, 400.0, 4000)
    grid_sl = _sl_of_mean_wait(grid, p["patience_s"])
    day_target = np.clip(pd.Series(base_months(cal["month"].tolist())).map(p["sl"]).to_numpy(float) + rng.normal(0, 0.03, len(cal)), 0.3, 0.97)
    day_mean_wait = np.interp(day_target, grid_sl[::-1], grid[::-1])
    wait = rng.exponential(day_mean_wait[day])
    patience = rng.exponential(p["patience_s"], n)
    abandoned = patience < wait
    answered = ~abandoned
    queue_s = np.floor(np.minimum(wait, patience)).astype(np.int64)
    # handling times of answered contacts (seconds): talk lognormal, hold for some, ACW gamma
    aht = np.array([p["aht"][m] for m in months])
    talk_mean = aht - p["hold_share"] * p["hold_mean_s"] - p["acw_mean_s"]
    talk = np.rint(rng.lognormal(np.log(talk_mean) - 0.18, 0.6)).astype(np.int64) + 1
    hold = np.where(rng.random(n) < p["hold_share"], np.rint(rng.exponential(p["hold_mean_s"], n)), 0)
    acw = np.rint(rng.gamma(4.0, p["acw_mean_s"] / 4.0, n))
    talk, hold, acw = (np.where(answered, x, 0).astype(np.int64) for x in (talk, hold, acw))
    customer = rng.integers(0, int(2.5 * max(n, 1)), n)
    resolved = answered & (rng.random(n) < 0.78)
    outcomes = np.array(["information", "billing_query", "complaint", "change_request", "retention"])
    outcome = np.where(answered, outcomes[rng.choice(5, n, p=[0.35, 0.3, 0.12, 0.15, 0.08])], "abandoned")
    qa_mean = np.array([p["qa"][m] for m in months])
    qa = np.where(answered, np.round(np.clip(rng.normal(qa_mean, 6.0), 0, 100), 1), np.nan)
    surveyed = answered & (rng.random(n) < 0.12)
    csat = np.where(surveyed, rng.choice([1, 2, 3, 4, 5], n, p=[0.05, 0.07, 0.13, 0.35, 0.40]), np.nan)
    ids = pd.Series(np.arange(first_id, first_id + n)).astype(str).str.zfill(7)
    return pd.DataFrame({
        "contact_id": (prefix + ids).astype(str), "supplier": supplier, "service": "care",
        "start": start, "queue_s": queue_s, "answered": answered, "abandoned": abandoned,
        "talk_s": talk, "hold_s": hold, "acw_s": acw,
        "customer_id": ("CU" + pd.Series(customer).astype(str).str.zfill(7)).astype(str),
        "resolved": resolved, "outcome": outcome, "qa_score": qa, "csat": csat,
    })

