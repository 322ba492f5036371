"""percentage: event by event, in order: the free period (free_events / free_amount), then
value_paid × rate + fixed_per_event, clamped to [min_per_event, max_per_event]. With `max_per_account`
(collections) an event is one account's payments of the period, summed, and its fee is capped at that."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import numpy as np

from ccanalysis.money import ZERO
from ccanalysis.pricing.base import (
    ChargeModel,
    Fact,
    RatedPart,
    Usage,
    array_units,
    check_not_above,
    check_number,
    check_numbers,
    check_whole,
    fnumber,
    get,
    key_prices,
)
from ccanalysis.pricing.registry import register


def _events_of(usage: Usage) -> tuple[Decimal, ...]:
    if usage.events is not None:
        return usage.events
    if isinstance(usage.units, Decimal):
        return (usage.units,)  # given only a total, the total is one event
    raise ValueError("events: model needs event values or a total in units")


def rate(charge: Mapping[str, Any], usage: Usage) -> list[RatedPart]:
    """One part: Σ over paying events of rate (a fraction 0–1) × value + fixed_per_event, each held
    between min_per_event and max_per_event; the first free_events, or free_amount of value, pay nothing."""
    events = _events_of(usage)
    rate_value = get(charge, "rate", fraction=True)
    fixed = get(charge, "fixed_per_event", ZERO)
    low = get(charge, "min_per_event")
    high = _cap(charge)
    assert rate_value is not None and fixed is not None
    free_events_left = int(get(charge, "free_events", ZERO) or 0)
    free_amount = get(charge, "free_amount", ZERO) or ZERO
    free_amount_left: Decimal | None = free_amount if free_amount > 0 else None
    counting_events = free_events_left > 0
    in_free = counting_events or free_amount_left is not None
    amount = value_paid_total = ZERO
    free_count = paying = raised = capped = 0
    for value in events:
        value_paid = value
        if in_free:
            if free_amount_left is not None and value > free_amount_left:
                value_paid = value - free_amount_left  # pays on the part above what is left; free period ends
                in_free = False
            else:
                free_count += 1
                if free_amount_left is not None:
                    free_amount_left -= value
                    if free_amount_left == 0:
                        in_free = False
                if counting_events:
                    free_events_left -= 1
                    if free_events_left == 0:
                        in_free = False
                continue
        paying += 1
        event_amount = value_paid * rate_value + fixed
        if low is not None and event_amount < low:
            event_amount, raised = low, raised + 1
        if high is not None and event_amount > high:
            event_amount, capped = high, capped + 1
        amount += event_amount
        value_paid_total += value_paid
    fact = Fact("events", {"events": len(events), "free": free_count, "value_paid": value_paid_total,
                           "rate": rate_value, "fixed_per_event": fixed, "paying": paying, "raised": raised,
                           "min_per_event": low, "capped": capped, "max_per_event": high})
    return [RatedPart("charge", None, value_paid_total, None, amount, fact)]


def rate_array(charge: Mapping[str, Any], units: Any, active_days: int | None, period_days: int | None) -> np.ndarray:
    """units: event values (n, k) in order, one row per draw, or totals (n,) each taken as one event."""
    values = array_units(units)
    events = values if values.ndim == 2 else values[..., None]
    free_events = int(fnumber(charge, "free_events"))
    free_amount = fnumber(charge, "free_amount")
    before = np.round(np.cumsum(events, axis=-1) - events, 9)  # value of the events before each one
    position = np.arange(events.shape[-1])
    starts_free = np.zeros(events.shape, dtype=bool)
    if free_events > 0 or free_amount > 0:
        starts_free = np.broadcast_to(position < free_events if free_events > 0 else True, events.shape)
        if free_amount > 0:
            starts_free = starts_free & (before < free_amount)
    left = free_amount - before
    crosses = starts_free & (free_amount > 0) & (np.round(events - left, 9) > 0)  # pays on the part above
    paid = np.where(crosses, events - left, events)
    pays = ~starts_free | crosses
    amount = paid * fnumber(charge, "rate", fraction=True) + fnumber(charge, "fixed_per_event")
    low, high = get(charge, "min_per_event"), _cap(charge)
    if low is not None:
        amount = np.maximum(amount, float(low))
    if high is not None:
        amount = np.minimum(amount, float(high))
    return np.where(pays, amount, 0.0).sum(axis=-1)


def _cap(charge: Mapping[str, Any]) -> Decimal | None:
    """The most one event pays: `max_per_event`, or `max_per_account` (an event is then an account's payments)."""
    per_event = get(charge, "max_per_event")
    return per_event if per_event is not None else get(charge, "max_per_account")


def validate(charge: Mapping[str, Any]) -> None:
    """ValueError unless `rate` is a fraction 0–1, the amounts ≥ 0, free_events a whole number and
    min_per_event ≤ max_per_event."""
    check_number(charge["rate"], "rate", fraction=True)
    check_numbers(charge, "fixed_per_event", "free_amount", "min_per_event", "max_per_event", "max_per_account")
    if charge.get("max_per_event") is not None and charge.get("max_per_account") is not None:
        raise ValueError("max_per_account: give max_per_event (each payment) or max_per_account (each account's "
                         "payments of the period), not both")
    if charge.get("free_events") is not None:
        check_whole(charge["free_events"], "free_events")
    check_not_above(charge, "min_per_event", "max_per_event")


MODEL = register(ChargeModel("percentage", rate, required=("rate",),
                             optional=("fixed_per_event", "min_per_event", "max_per_event", "free_events",
                                       "free_amount", "max_per_account"),
                             validate=validate, events=True, rate_array=rate_array,
                             prices=key_prices("rate", "fixed_per_event")))
