"""The README's cargos figures, measured on the demo engagement `demo_cargos` (build it with `ccanalysis demo`).

    python tools/measure_cargos.py [ROOT]          ROOT: the project folder holding parameters/ and data/ (.)

Prints, as of 2026-10-31: the classification's accuracy against the truth file's `true_type` and the share
sent to review; the review share again after a person types the 10, 25 and 50 least confident charges of
the queue (their true type); the validation's recall and precision against `planted` and
`expected_invalid_amount`; the forecast's rolling-origin backtest (3 months ahead from the last 6 origins)
with the agreement's calendar and with the model alone; the resolution history of the register: its rows,
disputes filed, answered and won against the truth's win rates (`truth/win_rates.csv`), the twelve months'
KPIs, the learned win rate of each type and what the month 2026-10 must decide.
"""

from __future__ import annotations

import sys
from datetime import date
from decimal import Decimal

import pandas as pd

from ccanalysis.cargos import forecast
from ccanalysis.cargos import workbook as cargos
from ccanalysis.cargos.classify import accuracy, classify_charges, review_queue
from ccanalysis.cargos.references import DELIVERY_TYPES, reference_index
from ccanalysis.engagement import load

AS_OF = date(2026, 10, 31)


def main(root: str) -> None:
    eng = load("demo_cargos", root=root)
    view = cargos.view(eng, AS_OF)
    truth = pd.read_csv(f"{root}/data/demo_cargos/truth/charges_truth.csv", dtype=str, keep_default_na=False)
    print("classification:", accuracy(view.charges, truth))
    c = view.charges.merge(truth, on=["retailer", "document_id"], how="left")
    planted = c["planted"] != ""
    flagged = c["verdict"].isin(["invalid", "partly_valid"])
    amount = pd.Series([e != "" and isinstance(i, Decimal) and Decimal(e) == i
                        for e, i in zip(c["expected_invalid_amount"], c["invalid_amount"], strict=True)], index=c.index)
    found = planted & flagged
    print(f"validation: planted {int(planted.sum())}, flagged {int(flagged.sum())}, found {int(found.sum())} "
          f"({int((found & amount).sum())} with the expected amount), flagged wrongly {int((flagged & ~planted).sum())}")
    charges = eng.table("charges")
    refs = reference_index(eng.cargo_agreements, eng.table("deliveries"))
    rules = {r: a.classification_rules for r, a in eng.cargo_agreements.items()}
    families = {DELIVERY_TYPES[0]: DELIVERY_TYPES}
    decided = eng.table("cargo_decisions")
    true = {(r, d): t for r, d, t in zip(truth["retailer"], truth["document_id"], truth["true_type"], strict=True)}
    first = classify_charges(charges, refs, rules, decided, threshold=0.6, families=families)
    for k in (10, 25, 50):
        queue = review_queue(first).head(k)
        more = pd.DataFrame({"retailer": queue["retailer"], "document_id": queue["document_id"],
                             "type": [true[(r, d)] for r, d in zip(queue["retailer"], queue["document_id"], strict=True)],
                             "decided_at": pd.Timestamp("2026-11-01 09:00")})
        again = accuracy(classify_charges(charges, refs, rules, pd.concat([decided, more], ignore_index=True),
                                          threshold=0.6, families=families), truth)
        print(f"after {k} decisions: review share {again['review_share']:.4f}, accuracy {again['accuracy']:.4f}")
    typed = view.charges.assign(type=view.charges["type"].fillna("unidentified"))
    origins = forecast.default_origins(typed, 3, 6)
    for calendar in (True, False):
        b = forecast.backtest(typed, eng.cargo_agreements, eng.table("sales"), origins=origins, horizon=3,
                              calendar=calendar)
        print(f"backtest (calendar {calendar}, origins {origins[0]}..{origins[-1]}, {len(b.rows)} retailer-months, "
              f"mean actual {b.rows['actual'].mean():.2f}): MAE {b.mae:.2f} EUR, MAPE {b.mape:.4f}, "
              f"coverage {b.coverage:.3f}")
    history(eng, view, root)


def history(eng, view, root: str) -> None:
    from ccanalysis import disputes
    from ccanalysis.cargos import CHARGE_TYPES
    from ccanalysis.cargos.resolution import to_decide, win_rates
    from ccanalysis.periods import month_days

    reg = view.register
    latest = disputes.current(reg)
    print(f"register: {len(reg)} rows, {len(latest)} charges decided:", latest["status"].value_counts().to_dict())
    rates = pd.read_csv(f"{root}/data/demo_cargos/truth/win_rates.csv")
    p = {(r, t): w for r, t, w in rates[["retailer", "type", "win_rate"]].itertuples(index=False)}
    filed = reg[reg["status"] == "submitted"].drop_duplicates("dispute_id")
    answers = reg[reg["status"].isin(("accepted", "partially_accepted", "rejected"))].drop_duplicates("dispute_id")
    answered = answers.merge(filed[["dispute_id", "status_date"]], on="dispute_id", suffixes=("", "_filed"))
    expected = sum(p[(r, t)] for r, t in zip(answered["supplier"], answered["charge"], strict=True))
    print(f"disputes filed {len(filed)}, answered {len(answered)}, won {int((answered['status'] != 'rejected').sum())}"
          f" (Σ truth p over the answered {expected:.1f}, late ones always rejected)")
    def text(value) -> str:
        return "" if value is None else f"{float(value):.4f}"

    for r in cargos.month_kpis(eng, view, "2026-10"):
        print(f"  {r['kpi']}: 12 m {text(r['value_12m'])} ({r['numerator_12m']} / {r['denominator_12m']}); "
              f"month {text(r['value'])}")
    learned = win_rates(reg, CHARGE_TYPES)
    print("learned win rates:", {t: f"{float(w.rate):.3f} ({w.won}/{w.answered})" for t, w in learned.items()})
    start, end = month_days("2026-10")
    decide = view.charges[to_decide(view.charges, start, end, view.as_of)]
    older = int((pd.to_datetime(decide["issue_date"]).dt.date < start).sum())
    print(f"2026-10 to decide: {len(decide)} ({len(decide) - older} of the month, {older} older closing); "
          f"undecided ever: {int(view.charges['status'].isna().sum())}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ".")
