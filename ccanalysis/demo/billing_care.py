"""The demo's billing care: northwind billing's contact records (reasons, customers, agents, discounts,
outcomes), the client's customers and bills, and the retention fee lines of northwind's invoices, drawn from
a seeded numpy Generator with a KNOWN retention effect, so the analysis can be checked against the truth it
was generated from (`data/demo/truth/billing_care_truth.csv`).

The records are the billing service's billing-care records: one per handled contact of its daily activity
rows (which stay the source of its counts), with the day's answered-within-SL, resolved and talk, hold and
ACW totals split exactly among them.

The retention effect. Each customer who threatens to cancel (reason `cancellation_threat`, each such
customer once) gets a discount with a probability that rises with its margin (logit 0.2 + 1.1 z + the agent's
own leaning, z the standardised log margin): agents discount more to high-margin customers, who churn less
anyway — the confounding a raw comparison falls for. Its 90-day churn probability is logistic(−0.85 − 0.6 z)
without a discount and logistic(−0.85 − 0.6 z − 0.75) with one; the churn time is exponential with that
90-day probability (so P(churn within H days) = 1 − (1 − p90)^(H/90)), its churn_date the first day it is no
longer a customer. The truth file holds, per horizon (30, 90, 180 days), the population means of both
probabilities over the threat customers (the average effect of a discount, and on the discounted), computed
from the model, not from the draws.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from ccanalysis.demo.engagement import MONTHS, RETENTION_FEE
from ccanalysis.money import round_half_up

SUPPLIER, SERVICE = "northwind", "billing"
WINDOW_DAYS = int(RETENTION_FEE["retention_window_days"])
#: The customers file's snapshot: churn up to this day is known (every 180-day horizon of the demo is observed).
OBSERVED_UNTIL = date(2027, 4, 30)
#: Share of each reason among the handled contacts, per month (disputed charges grow).
REASON_SHARES: dict[str, dict[str, float]] = {
    "2026-08": {"bill_explanation": 0.41, "disputed_charge": 0.17, "payment_plan": 0.14, "tariff_change": 0.13,
                "cancellation_threat": 0.06, "other": 0.09},
    "2026-09": {"bill_explanation": 0.38, "disputed_charge": 0.21, "payment_plan": 0.14, "tariff_change": 0.12,
                "cancellation_threat": 0.06, "other": 0.09},
    "2026-10": {"bill_explanation": 0.35, "disputed_charge": 0.25, "payment_plan": 0.13, "tariff_change": 0.12,
                "cancellation_threat": 0.06, "other": 0.09},
}
AGENTS = tuple(f"A{i:03d}" for i in range(1, 41))
#: The model of a threat customer (see the module's docstring): discount propensity and 90-day churn.
PROPENSITY = {"intercept": 0.2, "margin": 1.1, "agent_sd": 0.6}
CHURN_90 = {"intercept": -0.85, "margin": -0.6, "discount": -0.75}
#: Planted: retention fees billed on customers who churned inside the window, per month (Aug: the edge cases).
PLANTED_DAYS: dict[str, tuple[int, ...]] = {"2026-08": (29, 30), "2026-10": (4, 17, 26)}
BILLS = {"residential": 268_000, "business": 41_500}
TRUTH_COLUMNS = ["kind", "month", "horizon_days", "line", "customer_id", "contact_id", "value"]


def _logistic(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _split_exact(rng: np.random.Generator, total: int, n: int) -> np.ndarray:
    """`total` (whole seconds) split among `n` records by random weights, summing exactly to it."""
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    weights = rng.gamma(2.0, 1.0, n)
    raw = total * weights / weights.sum()
    out = np.floor(raw).astype(np.int64)
    rest = int(total - out.sum())
    out[np.argsort(-(raw - out), kind="stable")[:rest]] += 1
    return out


def care_records(rng: np.random.Generator, rows: pd.DataFrame) -> pd.DataFrame:
    """One contact record per handled contact of the billing service's daily rows: start, queue (the day's
    answered_within_sl within 20 s), talk/hold/ACW (the day's totals split exactly), resolved (the day's
    resolved_first_contact), the reason by the month's shares and the agent."""
    parts = []
    for row in rows.itertuples(index=False):
        n = int(row.handled)
        seconds = np.sort(rng.integers(8 * 3600, 20 * 3600, n))
        within = np.zeros(n, dtype=bool)
        within[rng.permutation(n)[: int(row.answered_within_sl)]] = True
        queue = np.where(within, rng.integers(0, 21, n), rng.integers(21, 240, n))
        resolved = np.zeros(n, dtype=bool)
        resolved[rng.permutation(n)[: int(row.resolved_first_contact)]] = True
        shares = REASON_SHARES[row.date.strftime("%Y-%m")]
        parts.append(pd.DataFrame({
            "start": pd.Timestamp(row.date) + pd.to_timedelta(seconds, unit="s"), "queue_s": queue,
            "talk_s": _split_exact(rng, int(row.talk_s), n), "hold_s": _split_exact(rng, int(row.hold_s), n),
            "acw_s": _split_exact(rng, int(row.acw_s), n), "resolved": resolved,
            "reason": rng.choice(list(shares), n, p=list(shares.values())),
            "agent_id": rng.choice(AGENTS, n)}))
    records = pd.concat(parts, ignore_index=True)
    records.insert(0, "contact_id", [f"NWB{i:07d}" for i in range(1, len(records) + 1)])
    records.insert(1, "supplier", SUPPLIER)
    records.insert(2, "service", SERVICE)
    records.insert(5, "answered", True)
    records.insert(6, "abandoned", False)
    return records


def billing_care_data(rng: np.random.Generator, rows: pd.DataFrame) -> dict[str, Any]:
    """The records, customers and bills of the demo's billing care, and the truth of the retention effect.

    Returns {"records": contact records, "customers": the customers table, "bills": the bills table,
    "truth": truth rows (TRUTH_COLUMNS) of the generated effect}."""
    records = care_records(rng, rows)
    n = len(records)
    threat = (records["reason"] == "cancellation_threat").to_numpy()
    n_threat = int(threat.sum())
    # customers: the callers' pool (repeat callers) and, apart, one customer per cancellation threat
    pool = int(0.62 * (n - n_threat))
    n_customers = pool + n_threat
    ids = np.array([f"CB{i:06d}" for i in range(1, n_customers + 1)], dtype=object)
    customer = np.empty(n, dtype=object)
    customer[~threat] = ids[rng.integers(0, pool, n - n_threat)]
    customer[threat] = ids[pool + rng.permutation(n_threat)]
    business = rng.random(n_customers) < 0.13
    log_margin = rng.normal(np.log(21.0), 0.45, n_customers) + np.where(business, np.log(2.2), 0.0)
    margin = np.round(np.exp(log_margin), 2)
    z = (log_margin - log_margin.mean()) / log_margin.std()
    since = np.array([date(2026, 8, 1) - timedelta(days=int(d)) for d in rng.exponential(4 * 365, n_customers) + 30])
    index = {cid: i for i, cid in enumerate(ids)}
    who = np.array([index[c] for c in customer])

    # background churn of every customer: about 0.8 % a month, after the demo's months
    churn = np.array([date(2026, 11, 1) + timedelta(days=int(d)) for d in rng.exponential(3750, n_customers)])

    # the cancellation threats: discount (confounded by margin and agent), outcome, churn after the contact
    leaning = dict(zip(AGENTS, rng.normal(0.0, PROPENSITY["agent_sd"], len(AGENTS)), strict=True))
    t = np.flatnonzero(threat)
    zt = z[who[t]]
    agent_term = np.array([leaning[a] for a in records["agent_id"].to_numpy()[t]])
    p_discount = _logistic(PROPENSITY["intercept"] + PROPENSITY["margin"] * zt + agent_term)
    discounted = rng.random(len(t)) < p_discount
    p0 = _logistic(CHURN_90["intercept"] + CHURN_90["margin"] * zt)
    p1 = _logistic(CHURN_90["intercept"] + CHURN_90["margin"] * zt + CHURN_90["discount"])
    p90 = np.where(discounted, p1, p0)
    days_to_churn = np.ceil(rng.exponential(90.0 / -np.log1p(-p90))).astype(np.int64)
    days_to_churn = np.maximum(days_to_churn, 1)
    contact_day = records["start"].dt.date.to_numpy()[t]
    retained = rng.random(len(t)) < np.where(discounted, 0.5, 0.25)
    outcome = np.full(n, None, dtype=object)
    outcome[t] = np.where(retained, "retained", "not_retained")

    # the planted edge cases: a retained customer of August churning on day 29 and one on day 30
    august = np.flatnonzero(retained & (pd.Series(contact_day).map(lambda d: d.strftime("%Y-%m")) == "2026-08")
                            .to_numpy() & (days_to_churn > WINDOW_DAYS))
    for k, days in zip(rng.choice(august, size=2, replace=False), (29, 30), strict=True):
        days_to_churn[k] = days
    for k, i in enumerate(t):
        churn[who[i]] = contact_day[k] + timedelta(days=int(days_to_churn[k]))
    churned = churn <= OBSERVED_UNTIL

    # discounts: on retention (the threats discounted) and, as goodwill, on some disputed charges
    amount = np.full(n, None, dtype=object)
    kind = np.full(n, None, dtype=object)
    percent = np.full(n, None, dtype=object)
    months = np.full(n, None, dtype=object)
    bill = np.exp(log_margin) * 2.3  # a monthly bill, EUR
    for k, i in enumerate(t):
        if not discounted[k]:
            continue
        if rng.random() < 0.6:
            share = float(rng.choice([0.10, 0.15, 0.20]))
            kind[i], percent[i], months[i] = "percent_off", Decimal(str(share)), int(rng.choice([3, 6], p=[0.7, 0.3]))
            amount[i] = round_half_up(Decimal(str(share * bill[who[i]])), 2)
        else:
            kind[i], months[i] = "credit", 1
            amount[i] = Decimal(int(rng.choice([10, 15, 20, 25, 30, 40, 60, 75], p=[.15, .2, .2, .15, .12, .1, .05, .03])))
    goodwill = np.flatnonzero((records["reason"] == "disputed_charge").to_numpy() & (rng.random(n) < 0.07))
    for i in goodwill:
        kind[i], months[i] = "credit", 1
        amount[i] = Decimal(int(rng.choice([5, 10, 15, 20, 30])))
    records = records.assign(customer_id=customer, outcome=outcome, discount_amount=amount, discount_type=kind,
                             discount_percent=percent, discount_months=pd.array(months, dtype="Int64"))

    customers = pd.DataFrame({
        "customer_id": ids, "monthly_margin": [f"{m:.2f}" for m in margin],
        "status": np.where(churned, "churned", "active"),
        "churn_date": [d.isoformat() if c else "" for d, c in zip(churn, churned, strict=True)],
        "customer_since": [d.isoformat() for d in since], "segment": np.where(business, "business", "residential")})
    bills = pd.DataFrame([{"month": month, "bills_issued": int(count * factor), "segment": segment}
                          for month, factor in zip(MONTHS, (0.995, 1.0, 1.004), strict=True)
                          for segment, count in BILLS.items()])
    truth = _effect_truth(p0, p1, discounted, zt)
    return {"records": records, "customers": customers, "bills": bills, "truth": truth}


def _effect_truth(p0: np.ndarray, p1: np.ndarray, discounted: np.ndarray, z: np.ndarray) -> list[dict[str, Any]]:
    """Per horizon, the model's mean churn probability of the threat customers without and with a discount,
    their difference (the average effect), the same on the discounted (the effect on the treated)."""
    rows = []
    for horizon in (30, 90, 180):
        q0, q1 = 1 - (1 - p0) ** (horizon / 90), 1 - (1 - p1) ** (horizon / 90)
        values = {"churn_without_discount": q0.mean(), "churn_with_discount": q1.mean(),
                  "effect_ate": (q1 - q0).mean(), "effect_att": (q1 - q0)[discounted].mean(),
                  "churn_without_discount_discounted": q0[discounted].mean(),
                  "churn_without_discount_not_discounted": q0[~discounted].mean()}
        rows += [{"kind": name, "month": "", "horizon_days": horizon, "line": "", "customer_id": "",
                  "contact_id": "", "value": f"{value:.4f}"} for name, value in values.items()]
    rows.append({"kind": "threat_customers", "month": "", "horizon_days": "", "line": "", "customer_id": "",
                 "contact_id": "", "value": str(len(p0))})
    rows.append({"kind": "discounted_share", "month": "", "horizon_days": "", "line": "", "customer_id": "",
                 "contact_id": "", "value": f"{discounted.mean():.4f}"})
    rows.append({"kind": "margin_discount_correlation", "month": "", "horizon_days": "", "line": "",
                 "customer_id": "", "contact_id": "", "value": f"{np.corrcoef(z, discounted)[0, 1]:.4f}"})
    return rows


def without_retention_fee(expected: pd.DataFrame) -> pd.DataFrame:
    """The expected invoice without its retention fee line (the supplier bills it per customer, after the
    other lines: `retention_fee_lines`)."""
    return expected[expected["charge"] != RETENTION_FEE["id"]].reset_index(drop=True)


def retention_fee_lines(outcomes: pd.DataFrame, month: str, rng: np.random.Generator
                        ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The supplier's per-customer fee lines of one month: every earned retention, plus the planted ones
    (`PLANTED_DAYS`: retained customers who churned inside the window, days_to_churn chosen), in contact
    order. Returns the lines (service, charge, description, quantity, unit, unit_price, amount, customer_id)
    and the planted retentions (rows of `outcomes`)."""
    earned = outcomes[outcomes["earned"].astype(bool)]
    unearned = outcomes[~outcomes["earned"].astype(bool)]
    planted: list[pd.Series] = []
    for days in PLANTED_DAYS.get(month, ()):
        free = unearned[~unearned["contact_id"].isin([p["contact_id"] for p in planted])]
        exact = free[free["days_to_churn"] == days]
        pool = exact if not exact.empty else free  # the day wanted, else any other churn inside the window
        planted.append(pool.iloc[int(rng.integers(len(pool)))])
    chosen = pd.concat([earned, pd.DataFrame(planted)]).sort_values(["contacted_on", "contact_id"], kind="stable")
    price = Decimal(str(RETENTION_FEE["unit_price"])).quantize(Decimal("0.01"))
    lines = pd.DataFrame({"service": SERVICE, "charge": RETENTION_FEE["id"],
                          "description": [f"Cliente retenido {c}" for c in chosen["customer_id"]],
                          "quantity": Decimal(1), "unit": RETENTION_FEE["unit"], "unit_price": price, "amount": price,
                          "customer_id": chosen["customer_id"].tolist()})
    return lines, pd.DataFrame(planted)


def append_fee_lines(lines: pd.DataFrame, fees: pd.DataFrame, planted: pd.DataFrame, month: str
                     ) -> tuple[pd.DataFrame, list[dict[str, Any]], list[dict[str, Any]]]:
    """The invoice `lines` with the fee lines after them (numbered on), the header totals recomputed, and the
    truth: one injected-error row (the retention charge's quantity finding on its first line: the planted fees'
    money) and one billing-care truth row per planted fee line."""
    first = int(lines["line"].max()) + 1
    head = lines.iloc[0]
    fee_rows = fees.assign(invoice_id=head["invoice_id"], issue_date=head["issue_date"],
                           period_start=head["period_start"], period_end=head["period_end"],
                           line=range(first, first + len(fees)), tax_rate=head["tax_rate"])
    out = pd.concat([lines.assign(customer_id=""), fee_rows], ignore_index=True)
    net = sum(out["amount"], Decimal(0))
    tax = round_half_up(net * Decimal(str(head["tax_rate"])))
    out["total_net"], out["total_tax"], out["total_gross"] = net, tax, net + tax
    injected: list[dict[str, Any]] = []
    truth: list[dict[str, Any]] = []
    if not planted.empty:
        price = Decimal(str(RETENTION_FEE["unit_price"])).quantize(Decimal("0.01"))
        injected.append({"supplier": SUPPLIER, "month": month, "line": first, "check": "quantity",
                         "difference": price * len(planted)})
        where = dict(zip(fee_rows["customer_id"], fee_rows["line"], strict=True))
        for row in planted.to_dict("records"):
            truth.append({"kind": "retention_not_earned", "month": month, "horizon_days": WINDOW_DAYS,
                          "line": where[row["customer_id"]], "customer_id": row["customer_id"],
                          "contact_id": row["contact_id"], "value": str(row["days_to_churn"])})
    return out, injected, truth

