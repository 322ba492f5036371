"""The collections demo engagement `demo_collections`: a utility's unpaid accounts placed with two debt
collection agencies over 2026-08..2026-10, what the agencies tried (calls) and what the debtors paid.

`build_collections_demo(root)` writes `parameters/demo_collections/` (engagement, one contract per agency with
a success fee on the amount collected) and `data/demo_collections/collections/` (placements, attempts,
payments; spec: collections), replacing any previous one:

- about `accounts` accounts (segments residential and small_business; debt 30–3,000 € log-normal; 30–400
  days past due at placement) placed in monthly batches with recobra or cobralia; an account that paid
  nothing in 45 days is often recalled and re-placed with the other agency a few days later;
- voice calls Monday–Saturday 09:00–21:00 (no public holidays), each agency with its own dialling hours;
  whether someone answers depends on the segment, the hour and the day (`CONTACT_RATE`): residential
  debtors answer most 19:00–21:00 and on Saturdays, small businesses 10:00–13:00 on weekdays;
- outcomes from no answer to a right-party contact and a promise to pay (`ptp`), the agency pausing its
  calls until the promised date; a promise is kept in full by its date, kept in two instalments (the
  second late) or broken; some debtors pay without any promise.

Everything is drawn from one seeded numpy Generator: two runs with the same seed give byte-identical files.
Amounts are whole cents throughout (written with 2 decimals).
"""

from __future__ import annotations

import shutil
import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ccanalysis.demo.engagement import CLIENT, DEFAULT_SEED, MONTHS, TAX_RATE
from ccanalysis.demo.files import commit, write_csv, yaml_text
from ccanalysis.io.schemas import OUTCOMES
from ccanalysis.periods import holiday_calendar

COLLECTIONS_ID = "demo_collections"
AGENCIES: dict[str, str] = {"recobra": "Recobra Gestión S.L.", "cobralia": "Cobralia Servicios de Cobro S.A."}
SEGMENTS = ("residential", "small_business")
FIRST_DAY, LAST_DAY = date(2026, 8, 1), date(2026, 10, 31)

#: Placement batches (first placement of an account): the day and its share of the accounts.
BATCHES = ((date(2026, 8, 3), 0.45), (date(2026, 9, 1), 0.30), (date(2026, 10, 1), 0.25))
#: Share of the accounts given to recobra at first placement (the rest to cobralia).
RECOBRA_SHARE = 0.55
#: Share of accounts in the residential segment.
RESIDENTIAL_SHARE = 0.72

#: Calls dialled per account and open day, by agency; the day's weight by class (Sundays and holidays closed).
DIAL_RATE = {"recobra": 0.40, "cobralia": 0.34}
DAY_WEIGHT = {"weekday": 1.0, "saturday": 0.45}
#: Dialling hours 09..20 (a call starts before 21:00): the share of each hour's calls, by agency. Recobra
#: calls late in the day; cobralia mostly in office hours.
HOURS = np.arange(9, 21)
DIAL_HOURS = {"recobra": np.array([5, 6, 7, 7, 6, 5, 6, 7, 8, 9, 12, 12], dtype=float),
              "cobralia": np.array([10, 12, 12, 11, 8, 7, 9, 9, 8, 6, 4, 4], dtype=float)}

#: Probability that anyone answers, by segment, weekday/Saturday and hour 09..20.
CONTACT_RATE = {
    ("residential", "weekday"): np.array([.10, .10, .11, .11, .12, .13, .13, .14, .18, .21, .34, .33]),
    ("residential", "saturday"): np.array([.20, .26, .28, .28, .25, .22, .22, .24, .25, .25, .24, .22]),
    ("small_business", "weekday"): np.array([.24, .42, .44, .41, .22, .18, .21, .22, .20, .13, .07, .05]),
    ("small_business", "saturday"): np.array([.07, .09, .09, .08, .06, .05, .05, .05, .04, .04, .03, .03]),
}
#: How an agency's calls reach people relative to the table above.
AGENCY_FACTOR = {"recobra": 1.0, "cobralia": 0.9}
#: Of the calls nobody answers: no_answer, busy, voicemail.
NO_CONTACT = (("no_answer", "busy", "voicemail"), (0.62, 0.08, 0.30))
#: Of the answered calls, the share reaching the debtor (right party), by segment; the others are a wrong
#: number or a third party (a relative, a receptionist).
RIGHT_PARTY = {"residential": 0.74, "small_business": 0.62}
OTHER_PARTY = (("wrong_party", "third_party"), (0.35, 0.65))
#: Of the right-party contacts: a promise to pay, a conversation without one, a refusal, a dispute.
RPC_OUTCOMES = (("ptp", "rpc", "refusal", "dispute"), (0.32, 0.40, 0.20, 0.08))

#: Days without payment after which an account may be recalled (and its chance), days until re-placement.
RECALL_AFTER_DAYS, RECALL_SHARE, REPLACE_GAP = 45, 0.6, (2, 7)
#: Debtors paying in full, unprompted, within 20 days of placement (self-cure).
SELF_CURE = 0.03


def demo_collections_settings() -> dict[str, Any]:
    """engagement.yaml of the collections demo."""
    return {"id": COLLECTIONS_ID, "client": CLIENT, "currency": "EUR", "lang": "es", "holidays": "ES",
            "suppliers": list(AGENCIES), "tolerances": {"amount_abs": 0.01, "quantity_rel": 0},
            # the law and the client's policy: weekdays 09–21, Saturdays 09–14, at most 2 calls a day and 7 a week
            "collections": {"grace_days": 3, "calling_rules": {
                "windows": {day: [9, 21] for day in ("mon", "tue", "wed", "thu", "fri")} | {"sat": [9, 14]},
                "max_attempts_per_7_days": 7, "max_attempts_per_day": 2}}}


#: Each agency's fee terms: success fees by debt-age band (the bands' upper limits in days, open last; read at
#: placement or at payment), a cap per account on the last band, a fixed fee per right-party contact
#: (recobra only) and the days after a recall a payment still counts for it.
FEE_TERMS: dict[str, dict[str, Any]] = {
    # recobra: its success fees capped at 250 € per account over the whole placement, every band together;
    # cobralia: the fee on the oldest debts capped at 800 € per account and month, in that band alone
    "recobra": {"debt_age_at": "placement", "tail_days": 15, "bands": ((90, 0.08), (180, 0.12), (None, 0.20)),
                "cap": None, "lifetime_cap": 250.0, "rpc_fee": 3.00},
    "cobralia": {"debt_age_at": "payment", "tail_days": 0, "bands": ((120, 0.10), (365, 0.15), (None, 0.22)),
                 "cap": 800.0, "lifetime_cap": None, "rpc_fee": None},
}
#: The errors planted in the agencies' fee invoices (the checks of `ccanalysis.demo.invoices`), by month.
FEE_ERRORS: dict[tuple[str, str], tuple[str, ...]] = {
    ("recobra", "2026-08"): ("missing_cap",), ("recobra", "2026-09"): ("unit_price",),
    ("recobra", "2026-10"): ("duplicate",),
    ("cobralia", "2026-08"): ("duplicate",), ("cobralia", "2026-09"): (), ("cobralia", "2026-10"): ("arithmetic",),
}


def _fee_charges(terms: dict[str, Any]) -> list[dict[str, Any]]:
    charges, low = [], 0
    for i, (high, rate) in enumerate(terms["bands"]):
        band: dict[str, Any] = {"from": low} if low else {}
        if high is not None:
            band["to"] = high
        name = f"hasta {high} días" if low == 0 else (f"de {low} a {high} días" if high else f"desde {low} días")
        charge: dict[str, Any] = {"id": f"fee_band_{i + 1}", "description": f"Comisión de éxito, deuda {name}",
                                  "unit": "collected_amount", "model": "percentage", "rate": rate,
                                  "applies_to": {"debt_age_days": band}}
        if high is None and terms["cap"]:
            charge["max_per_account"] = terms["cap"]
        charges.append(charge)
        low = (high or 0) + 1
    if terms["rpc_fee"]:
        charges.append({"id": "rpc_fee", "description": "Contacto con el titular", "unit": "right_party_contact",
                        "model": "per_unit", "unit_price": terms["rpc_fee"]})
    return charges


def demo_collections_contracts() -> dict[str, dict[str, Any]]:
    """The agencies' contracts: one `collections` service each, paid success fees by the debt's age (at
    placement for recobra, at payment for cobralia), capped per account (recobra: all its fees on an
    account over the placement; cobralia: the oldest band's, per month), plus recobra's fee per
    right-party contact (`FEE_TERMS`)."""
    return {supplier: {
        "supplier": supplier, "name": name, "currency": "EUR", "tax_rate": float(TAX_RATE),
        "valid_from": date(2026, 1, 1), "valid_to": None, "billing_cycle": {"cutoff_day": None},
        "payment_terms_days": 60, "dispute_window_days": 90,
        "services": [{
            "id": "collections", "name": "Recobro de deuda impagada", "channel": "collections",
            "collections": {"attribution_tail_days": FEE_TERMS[supplier]["tail_days"],
                            "debt_age_at": FEE_TERMS[supplier]["debt_age_at"],
                            **({"max_fee_per_account": FEE_TERMS[supplier]["lifetime_cap"]}
                               if FEE_TERMS[supplier]["lifetime_cap"] else {})},
            "charges": _fee_charges(FEE_TERMS[supplier]),
        }],
    } for supplier, name in AGENCIES.items()}


def _calendar() -> tuple[np.ndarray, np.ndarray]:
    """Every day of the demo window and its class ('weekday', 'saturday' or '' when closed)."""
    days = np.array([FIRST_DAY + timedelta(days=i) for i in range((LAST_DAY - FIRST_DAY).days + 1)])
    holidays = holiday_calendar("ES", {FIRST_DAY.year})
    kinds = np.array(["" if d in holidays or d.weekday() == 6 else "saturday" if d.weekday() == 5 else "weekday"
                      for d in days])
    return days, kinds


#: Every outcome (spec: collections) by its code in the simulation.
OUTCOME_NAMES = np.array(OUTCOMES, dtype=object)
PTP, RPC = OUTCOMES.index("ptp"), OUTCOMES.index("rpc")
AGENCY_NAMES = tuple(AGENCIES)


def _codes(choices: tuple[tuple[str, ...], tuple[float, ...]], u: np.ndarray) -> np.ndarray:
    """The outcome code each uniform draw in `u` picks from `choices` (names and their weights)."""
    names, weights = choices
    edges = np.cumsum(weights)[:-1]
    return np.array([OUTCOMES.index(name) for name in names])[np.searchsorted(edges, u, side="right")]


class _Simulation:
    """The accounts' placements, the agencies' calls and the debtors' payments. The calls an agency would
    make on each placement are drawn for all placements at once (`calls`); then, placement by placement and
    in time order, a promise pauses the calls until its date and a settled account gets no more."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.days, kinds = _calendar()
        weight = np.array([DAY_WEIGHT.get(k, 0.0) for k in kinds])
        self.cumulative = np.concatenate([[0.0], np.cumsum(weight)])
        closed = np.zeros(len(HOURS))
        # probability of an answer by [segment, agency, day, hour]
        self.contact = np.array([[np.clip(np.array([CONTACT_RATE[(seg, k)] if k else closed for k in kinds])
                                          * AGENCY_FACTOR[agency], 0, 1) for agency in AGENCY_NAMES]
                                 for seg in SEGMENTS])
        self.dial = np.array([np.cumsum(DIAL_HOURS[a] / DIAL_HOURS[a].sum())[:-1] for a in AGENCY_NAMES])
        self.right = np.array([RIGHT_PARTY[seg] for seg in SEGMENTS])
        self.attempts: list[tuple] = []
        self.payments: list[tuple] = []
        self.first_paid: dict[int, int] = {}  # account -> day index of its first payment
        self.paid: dict[int, list[tuple[int, int]]] = {}  # account -> (day index, cents) of its payments

    def pay(self, account: int, day: int, cents: int) -> bool:
        """Record a payment on day index `day` if it falls in the demo window."""
        if day >= len(self.days) or cents <= 0:
            return False
        self.payments.append((account, day, cents))
        self.first_paid[account] = min(self.first_paid.get(account, day), day)
        self.paid.setdefault(account, []).append((day, cents))
        return True

    def calls(self, lo: np.ndarray, hi: np.ndarray, segment: np.ndarray, agency: np.ndarray) -> tuple:
        """The calls an agency would make on each placement (day indexes lo..hi-1): (placement, day, second of
        the day, outcome code) sorted by placement and time."""
        rng = self.rng
        total = self.cumulative[hi] - self.cumulative[lo]
        rate = np.array([DIAL_RATE[a] for a in AGENCY_NAMES])[agency]
        owner = np.repeat(np.arange(len(lo)), rng.poisson(rate * total))
        n = len(owner)
        u = self.cumulative[lo][owner] + rng.random(n) * total[owner]
        day = np.minimum(np.searchsorted(self.cumulative, u, side="right") - 1, hi[owner] - 1)
        draws = rng.random((4, n))
        hour = np.empty(n, dtype=np.int64)
        for k in range(len(AGENCY_NAMES)):
            mine = agency[owner] == k
            hour[mine] = np.searchsorted(self.dial[k], draws[3, mine], side="right")
        second = HOURS[hour] * 3600 + rng.integers(0, 3600, size=n)
        seg, ag = segment[owner], agency[owner]
        answered = draws[0] < self.contact[seg, ag, day, hour]
        codes = np.where(~answered, _codes(NO_CONTACT, draws[1]),
                         np.where(draws[1] < self.right[seg], _codes(RPC_OUTCOMES, draws[2]),
                                  _codes(OTHER_PARTY, draws[2])))
        order = np.lexsort((second, day, owner))
        owner, day, second, codes = owner[order], day[order], second[order], codes[order]
        starts = np.searchsorted(owner, np.arange(len(lo) + 1))
        return starts, day.tolist(), second.tolist(), codes.tolist()

    def work(self, account: int, agency: int, calls: tuple, i: int, remaining: int, risk: float,
             until: int | None = None, resume: int = 0) -> tuple[int, int]:
        """Placement `i`'s calls in time order (from position `resume`, up to day index `until`): the promises
        and payments they bring. Returns what is still owed and the position reached."""
        starts, days, seconds, codes = calls
        pending_until = -1
        k = starts[i] + resume
        end = starts[i + 1]
        while k < end and remaining > 0:
            d = days[k]
            if until is not None and d > until:
                break
            code = codes[k]
            k += 1
            if d <= pending_until:
                continue
            promised = promised_on = None
            if code == PTP:
                promised, promised_on, paid = self.promise(account, d, remaining, risk)
                remaining -= paid
                pending_until = promised_on + 2
            elif code == RPC and self.rng.random() < 0.06:
                if self.pay(account, d + int(self.rng.integers(1, 11)), remaining):
                    remaining = 0
            self.attempts.append((account, agency, d * 86400 + seconds[k - 1], code, promised, promised_on))
        return remaining, k - starts[i]

    def promise(self, account: int, day: int, remaining: int, risk: float) -> tuple[int, int, int]:
        """A promise to pay made on day index `day`: (cents promised, day promised, cents paid by the end of
        the demo). Kept in full by its date, in two instalments (the second after it), or broken."""
        rng = self.rng
        if remaining <= 5000 or rng.random() < 0.55:
            amount = remaining
        else:
            amount = min(remaining, max(2000, int(remaining * rng.uniform(0.3, 0.7)) // 100 * 100))
        promised_on = day + int(rng.integers(2, 16))
        u = rng.random()
        kept = 0.52 - 0.35 * risk
        paid: list[tuple[int, int]] = []
        if u < kept:
            paid.append((day + int(rng.integers(1, promised_on - day + 1)), amount))
        elif u < kept + 0.18 and amount >= 2000:
            half = amount // 2
            paid.append((promised_on - int(rng.integers(0, 2)), half))
            paid.append((promised_on + int(rng.integers(8, 31)), amount - half))
        elif rng.random() < 0.25:  # broken: a part paid later
            paid.append((promised_on + int(rng.integers(3, 30)),
                         max(1000, int(amount * rng.uniform(0.2, 0.5)) // 100 * 100)))
        total = 0
        for paid_on, cents in paid:
            if self.pay(account, paid_on, min(cents, remaining - total)):
                total += min(cents, remaining - total)
        return amount, promised_on, total


def _cents(cents: object) -> str:
    value = int(cents)  # type: ignore[call-overload]
    return f"{value // 100}.{value % 100:02d}"


def _money(cents: pd.Series) -> list[str]:
    return [_cents(c) for c in cents]


def _iso(values: pd.Series) -> list[str]:
    return ["" if v is None or pd.isna(v) else v.isoformat() for v in values]


def collections_tables(seed: int = DEFAULT_SEED, accounts: int = 20000) -> dict[str, pd.DataFrame]:
    """The three tables as written (text cells): placements, attempts, payments."""
    rng = np.random.default_rng([seed, 15])
    sim = _Simulation(rng)
    n_days = len(sim.days)
    segment = (rng.random(accounts) >= RESIDENTIAL_SHARE).astype(np.int64)  # 0 residential, 1 small business
    median = np.where(segment == 0, 180.0, 650.0)
    debt = np.round(np.clip(np.exp(np.log(median) + rng.normal(0, 0.8, accounts)), 30, 3000) * 100).astype(np.int64)
    dpd = np.clip(np.round(30 + rng.gamma(1.6, 55, accounts)), 30, 400).astype(np.int64)
    risk = np.round(np.clip(0.15 + dpd / 600 + rng.normal(0, 0.12, accounts), 0.01, 0.99), 3)
    batch = rng.choice(len(BATCHES), size=accounts, p=[share for _, share in BATCHES])
    placed = np.array([(day - FIRST_DAY).days for day, _ in BATCHES])[batch] + rng.integers(0, 5, accounts)
    agency = (rng.random(accounts) >= RECOBRA_SHARE).astype(np.int64)  # 0 recobra, 1 cobralia
    numbers = rng.permutation(np.arange(100000, 100000 + accounts * 4))[:accounts]
    cure = rng.random(accounts) < SELF_CURE * (1.4 - risk)
    cure_day = placed + rng.integers(3, 21, accounts)
    may_recall = (placed + RECALL_AFTER_DAYS + 10 < n_days) & (rng.random(accounts) < RECALL_SHARE)
    gap = rng.integers(*REPLACE_GAP, accounts)

    first = sim.calls(placed, np.full(accounts, n_days), segment, agency)
    remaining = debt.copy()
    recalled = np.full(accounts, -1)
    for i in range(accounts):
        owed = int(debt[i])
        if cure[i] and sim.pay(i, int(cure_day[i]), owed):
            owed = 0
        recall = int(placed[i]) + RECALL_AFTER_DAYS if may_recall[i] else None
        owed, reached = sim.work(i, int(agency[i]), first, i, owed, float(risk[i]), until=recall)
        if recall is not None:
            if sim.first_paid.get(i, n_days) <= recall:
                owed, _ = sim.work(i, int(agency[i]), first, i, owed, float(risk[i]), resume=reached)
            else:
                recalled[i] = recall
        remaining[i] = owed
    again = np.flatnonzero((recalled >= 0) & (remaining > 0))  # settled after its recall: not placed again
    replaced_on = recalled[again] + gap[again]
    # owed at re-placement: the debt less what was paid before that day (a late instalment may follow)
    owed_then = np.array([debt[i] - sum(c for d, c in sim.paid.get(i, []) if d < day)
                          for i, day in zip(again.tolist(), replaced_on.tolist(), strict=True)], dtype=np.int64)
    second = sim.calls(replaced_on, np.full(len(again), n_days), segment[again], 1 - agency[again])
    for j, i in enumerate(again.tolist()):
        sim.work(i, int(1 - agency[i]), second, j, int(remaining[i]), float(risk[i]))

    ids = np.array([f"CU{n:07d}" for n in numbers], dtype=object)
    names = np.array(AGENCY_NAMES, dtype=object)
    seg_names = np.array(SEGMENTS, dtype=object)
    sim.placements = [(ids[i], names[agency[i]], sim.days[placed[i]],
                       sim.days[recalled[i]] if recalled[i] >= 0 else None, int(debt[i]), int(dpd[i]),
                       seg_names[segment[i]], float(risk[i])) for i in range(accounts)]
    sim.placements += [(ids[i], names[1 - agency[i]], sim.days[day], None, int(owed),
                        int(dpd[i] + day - placed[i]), seg_names[segment[i]], float(risk[i]))
                       for i, day, owed in zip(again.tolist(), replaced_on.tolist(), owed_then.tolist(), strict=True)]
    placements = pd.DataFrame(sim.placements, columns=["account_id", "supplier", "placed_on", "recalled_on",
                                                       "debt_amount", "days_past_due", "segment", "risk_score"])
    placements = placements.sort_values(["placed_on", "account_id"], kind="stable").reset_index(drop=True)
    placements["debt_amount"] = _money(placements["debt_amount"])
    placements["risk_score"] = [f"{v:.3f}" for v in placements["risk_score"]]
    placements["placed_on"] = _iso(placements["placed_on"])
    placements["recalled_on"] = _iso(placements["recalled_on"])

    raw = pd.DataFrame(sim.attempts, columns=["account", "agency", "second", "code", "promised", "promised_on"])
    raw = raw.sort_values(["second", "account"], kind="stable").reset_index(drop=True)
    start = pd.Timestamp(FIRST_DAY) + pd.to_timedelta(raw["second"].to_numpy(), unit="s")
    promised_on = raw["promised_on"]
    attempts = pd.DataFrame({
        "account_id": ids[raw["account"].to_numpy()], "supplier": names[raw["agency"].to_numpy()],
        "start": start.strftime("%Y-%m-%d %H:%M:%S"), "channel": "voice",
        "outcome": OUTCOME_NAMES[raw["code"].to_numpy()],
        "promised_amount": ["" if pd.isna(c) else _cents(c) for c in raw["promised"]],
        "promised_date": ["" if pd.isna(d) else (FIRST_DAY + timedelta(days=int(d))).isoformat()
                          for d in promised_on]})

    pay = pd.DataFrame(sim.payments, columns=["account", "day", "cents"])
    pay = pay.sort_values(["day", "account"], kind="stable").reset_index(drop=True)
    payments = pd.DataFrame({"account_id": ids[pay["account"].to_numpy()],
                             "paid_on": [sim.days[d].isoformat() for d in pay["day"]],
                             "amount": _money(pay["cents"])})
    return {"placements": placements, "attempts": attempts, "payments": payments}


def build_collections_demo(root: Path, *, seed: int = DEFAULT_SEED, accounts: int = 20000) -> None:
    """Write the collections demo engagement under `root` (parameters/demo_collections, data/demo_collections),
    replacing any previous one; nothing is left half-written on failure."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".demo-collections-", dir=root))
    try:
        params, data = staging / "parameters", staging / "data"
        (params / "contracts").mkdir(parents=True)
        (params / "engagement.yaml").write_text(
            yaml_text(demo_collections_settings(), "Collections demo engagement (generated by `ccanalysis demo`)"),
            encoding="utf-8")
        for supplier, contract in demo_collections_contracts().items():
            (params / "contracts" / f"{supplier}.yaml").write_text(
                yaml_text(contract, f"Contract of {contract['name']} (collections demo)"), encoding="utf-8")
        tables = collections_tables(seed, accounts)
        folder = data / "collections"
        write_csv(tables["placements"], folder / "placements" / "placements.csv")
        attempts = tables["attempts"]
        month = attempts["start"].str.slice(0, 7)
        for supplier in AGENCIES:
            for m in MONTHS:
                part = attempts[(attempts["supplier"] == supplier) & (month == m)]
                write_csv(part, folder / "attempts" / f"{supplier}_{m}.csv")
        write_csv(tables["payments"], folder / "payments" / "payments.csv")
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    commit(staging, [(params, root / "parameters" / COLLECTIONS_ID), (data, root / "data" / COLLECTIONS_ID)])
    write_fee_invoices(root, seed=seed)


def write_fee_invoices(root: Path, *, seed: int = DEFAULT_SEED) -> list[dict[str, Any]]:
    """Each agency's fee invoice of every month, rendered from the expected invoice with the errors of
    `FEE_ERRORS` planted, to `data/demo_collections/invoices/AGENCY/YYYY-MM.csv`, and their truth to
    `data/demo_collections/truth/injected_errors.csv`; the truth records."""
    from ccanalysis.demo.files import invoice_csv
    from ccanalysis.demo.invoices import TRUTH_COLUMNS, render_invoice
    from ccanalysis.engagement import load
    from ccanalysis.workbook import expected_invoice

    engagement = load(COLLECTIONS_ID, root=root)
    data = Path(root) / "data" / COLLECTIONS_ID
    truth: list[dict[str, Any]] = []
    for s_index, supplier in enumerate(AGENCIES):
        for m_index, month in enumerate(MONTHS):
            lines, records = render_invoice(expected_invoice(engagement, supplier, month), supplier=supplier,
                                            month=month, style="northwind",
                                            rng=np.random.default_rng([seed, 300 + s_index, m_index]),
                                            errors=FEE_ERRORS[(supplier, month)])
            lines["invoice_id"] = [i.replace("NW", supplier[:3].upper()) for i in lines["invoice_id"]]
            path = data / "invoices" / supplier / f"{month}.csv"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(invoice_csv(lines, comma=False), encoding="utf-8")
            truth += records
    frame = pd.DataFrame(truth, columns=TRUTH_COLUMNS)
    frame["line"] = frame["line"].astype("Int64")
    write_csv(frame.assign(difference=[str(v) for v in frame["difference"]]), data / "truth" / "injected_errors.csv")
    return truth
