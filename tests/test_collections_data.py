"""The collections tables (placements, attempts, payments): read like every table, and checked against each
other when the engagement loads (`ccanalysis.io.checks.check_collections`): file, row (header = row 1),
column, value and what to write instead."""

from __future__ import annotations

import pandas as pd
import pytest

from ccanalysis.engagement import load
from ccanalysis.io.schemas import OUTCOMES, TABLES
from tests.engagements import contract, load_problems, one_problem, write_engagement, write_yaml

PLACEMENTS = "collections/placements/p.csv"
ATTEMPTS = "collections/attempts/a.csv"
PAYMENTS = "collections/payments/p.csv"
PLACEMENTS_FILE = f"data/tiny/{PLACEMENTS}"
ATTEMPTS_FILE = f"data/tiny/{ATTEMPTS}"
PAYMENTS_FILE = f"data/tiny/{PAYMENTS}"


def collections_contract(supplier: str = "acme") -> dict:
    return contract(supplier=supplier, name=f"{supplier.title()} Recobros S.L.", services=[{
        "id": "collections", "name": "Recobro", "channel": "collections",
        "charges": [{"id": "success_fee", "description": "Comisión de éxito", "unit": "collected_amount",
                     "model": "percentage", "rate": 0.12}]}])


def placement(account: str = "A1", supplier: str = "acme", placed_on: str = "2026-08-01", recalled_on: str = "",
              **values) -> dict:
    return {"account_id": account, "supplier": supplier, "placed_on": placed_on, "recalled_on": recalled_on,
            "debt_amount": "120.50", "days_past_due": 45, "segment": "residential", "risk_score": "0.4", **values}


def attempt(account: str = "A1", supplier: str = "acme", start: str = "2026-08-03 10:15:00",
            outcome: str = "no_answer", promised_amount: str = "", promised_date: str = "") -> dict:
    return {"account_id": account, "supplier": supplier, "start": start, "channel": "voice", "outcome": outcome,
            "promised_amount": promised_amount, "promised_date": promised_date}


def payment(account: str = "A1", paid_on: str = "2026-08-10", amount: str = "60.25") -> dict:
    return {"account_id": account, "paid_on": paid_on, "amount": amount}


def engagement(tmp_path, placements=None, attempts=None, payments=None, suppliers=("acme",)):
    tables = {PLACEMENTS: placements if placements is not None else [placement()],
              ATTEMPTS: attempts if attempts is not None else [attempt()],
              PAYMENTS: payments if payments is not None else [payment()]}
    return write_engagement(tmp_path, settings={"suppliers": list(suppliers)},
                            contracts=[collections_contract(s) for s in suppliers], tables=tables)


def test_the_three_tables_live_under_collections_with_their_columns():
    assert {name: TABLES[name].data_location() for name in ("placements", "attempts", "payments")} == {
        "placements": "collections/placements", "attempts": "collections/attempts",
        "payments": "collections/payments"}
    assert TABLES["placements"].key == ("account_id", "supplier", "placed_on")
    assert TABLES["attempts"].key == () and TABLES["payments"].key == ()
    assert TABLES["attempts"].columns["outcome"].allowed == OUTCOMES


def test_a_consistent_collections_engagement_loads_without_activity(tmp_path):
    engagement(tmp_path, placements=[placement(recalled_on="2026-08-20"),
                                     placement(supplier="beta", placed_on="2026-08-21")],
               attempts=[attempt(outcome="ptp", promised_amount="60", promised_date="2026-08-03"),
                         attempt(supplier="beta", start="2026-09-01 19:30:00")],
               suppliers=("acme", "beta"))
    eng = load("tiny", root=tmp_path)
    assert len(eng.table("placements")) == 2 and len(eng.table("attempts")) == 2
    assert str(eng.table("payments")["amount"].iloc[0]) == "60.25"
    assert eng.table("placements")["recalled_on"].isna().iloc[1]


def test_a_value_outside_the_allowed_ones_is_reported_by_row(tmp_path):
    engagement(tmp_path, attempts=[attempt(), attempt(outcome="promise")])
    one_problem(load_problems(tmp_path), file=ATTEMPTS_FILE, row=3, column="outcome", value="promise",
                text="expected one of no_answer")


def test_an_attempt_on_an_account_never_placed(tmp_path):
    engagement(tmp_path, attempts=[attempt(), attempt(account="A9")])
    one_problem(load_problems(tmp_path), file=ATTEMPTS_FILE, row=3, column="account_id", value="A9",
                text="no placement of this account")


def test_an_attempt_by_an_agency_that_never_held_the_account(tmp_path):
    engagement(tmp_path, attempts=[attempt(), attempt(supplier="beta")], suppliers=("acme", "beta"))
    problem = one_problem(load_problems(tmp_path), file=ATTEMPTS_FILE, row=3, column="supplier", value="beta")
    assert "never placed with beta: it is placed with acme" in problem.message


@pytest.mark.parametrize(("start", "why"), [("2026-07-31 12:00:00", "before placed_on"),
                                            ("2026-08-21 09:30:00", "after recalled_on")])
def test_an_attempt_outside_the_placement(tmp_path, start, why):
    engagement(tmp_path, placements=[placement(recalled_on="2026-08-20")],
               attempts=[attempt(start="2026-08-20 20:59:00"), attempt(start=start)])
    problem = one_problem(load_problems(tmp_path), file=ATTEMPTS_FILE, row=3, column="start", value=start)
    assert "placed 2026-08-01..2026-08-20" in problem.message, why


def test_an_attempt_on_an_open_placement_is_in_it(tmp_path):
    engagement(tmp_path, attempts=[attempt(start="2026-12-31 10:00:00")])
    load("tiny", root=tmp_path)


@pytest.mark.parametrize(("column", "promised_amount", "promised_date", "text"), [
    ("promised_amount", "", "2026-08-10", "needs how much was promised"),
    ("promised_date", "50", "", "needs the date the debtor promised to pay by"),
    ("promised_date", "50", "2026-08-02", "write a date on or after 2026-08-03"),
    ("promised_amount", "0", "2026-08-10", "a promise to pay of 0"),
])
def test_a_promise_to_pay_says_how_much_and_by_when(tmp_path, column, promised_amount, promised_date, text):
    engagement(tmp_path, attempts=[attempt(), attempt(outcome="ptp", promised_amount=promised_amount,
                                                       promised_date=promised_date)])
    problems = load_problems(tmp_path)
    one_problem(problems, file=ATTEMPTS_FILE, row=3, column=column, text=text)
    assert len(problems) == 1


def test_two_placements_of_one_account_must_not_overlap(tmp_path):
    engagement(tmp_path, placements=[placement(recalled_on="2026-08-31"), placement("A2"),
                                     placement(supplier="beta", placed_on="2026-08-31")],
               suppliers=("acme", "beta"))
    problem = one_problem(load_problems(tmp_path), file=PLACEMENTS_FILE, row=4, column="placed_on",
                          value="2026-08-31")
    assert "still placed with acme" in problem.message and f"{PLACEMENTS_FILE} row 2" in problem.message
    assert "place it from 2026-09-01 on" in problem.message


def test_a_placement_after_one_never_recalled_overlaps(tmp_path):
    engagement(tmp_path, placements=[placement(supplier="beta", placed_on="2026-09-15"), placement()],
               suppliers=("acme", "beta"))
    problem = one_problem(load_problems(tmp_path), file=PLACEMENTS_FILE, row=2, column="placed_on")
    assert "never recalled" in problem.message and "row 3" in problem.message


def test_a_placement_recalled_before_it_was_placed(tmp_path):
    engagement(tmp_path, placements=[placement(), placement("A2", recalled_on="2026-07-15")])
    one_problem(load_problems(tmp_path), file=PLACEMENTS_FILE, row=3, column="recalled_on", value="2026-07-15",
                text="recalled before it was placed (placed_on 2026-08-01)")


def test_a_placement_with_an_agency_not_in_the_engagement(tmp_path):
    engagement(tmp_path, placements=[placement(), placement("A2", supplier="gamma")])
    one_problem(load_problems(tmp_path), file=PLACEMENTS_FILE, row=3, column="supplier", value="gamma",
                text="unknown supplier; expected one of acme")


def test_the_same_placement_twice_is_a_duplicate_key(tmp_path):
    engagement(tmp_path, placements=[placement(), placement()])
    problems = load_problems(tmp_path)
    assert any(p.file == PLACEMENTS_FILE and p.row == 3 for p in problems), "\n".join(map(str, problems))


def test_a_payment_of_an_account_never_placed_and_a_payment_of_0(tmp_path):
    engagement(tmp_path, payments=[payment(), payment("A7"), payment(amount="0")])
    problems = load_problems(tmp_path)
    one_problem(problems, file=PAYMENTS_FILE, row=3, column="account_id", value="A7", text="no placement")
    one_problem(problems, file=PAYMENTS_FILE, row=4, column="amount", text="more than 0")


def test_negative_debt_and_a_risk_score_above_1_are_reported(tmp_path):
    engagement(tmp_path, placements=[placement(debt_amount="-5", risk_score="1.5")])
    problems = load_problems(tmp_path)
    one_problem(problems, file=PLACEMENTS_FILE, row=2, column="debt_amount")
    one_problem(problems, file=PLACEMENTS_FILE, row=2, column="risk_score")


def test_each_check_lists_at_most_20_rows_and_counts_the_rest(tmp_path):
    engagement(tmp_path, attempts=[attempt(account=f"X{i}") for i in range(30)])
    problems = [p for p in load_problems(tmp_path) if p.column == "account_id"]
    assert len(problems) == 21 and [p.row for p in problems[:20]] == list(range(2, 22))
    assert "… and 10 more rows" in problems[-1].message


def test_attempts_without_any_placements_are_each_reported(tmp_path):
    write_engagement(tmp_path, contracts=[collections_contract()], tables={ATTEMPTS: [attempt()]})
    one_problem(load_problems(tmp_path), file=ATTEMPTS_FILE, row=2, column="account_id", text="no placement")


def test_attempts_are_not_compared_with_placements_that_failed_their_own_checks(tmp_path):
    engagement(tmp_path, placements=[placement(days_past_due="-3")])
    problems = load_problems(tmp_path)
    assert [p.file for p in problems] == [PLACEMENTS_FILE], "\n".join(map(str, problems))


def test_an_agency_export_is_read_into_attempts_through_a_mapping(tmp_path):
    export = ("Cuenta;Fecha;Hora;Resultado;Importe prometido;Fecha promesa\n"
              "A1;03/08/2026;10:15:00;PTP;60,50;10/08/2026\n"
              "A1;04/08/2026;19:40:00;NOCONTESTA;;\n")
    engagement(tmp_path, attempts=[attempt()])
    (tmp_path / "data" / "tiny" / "collections" / "attempts" / "dialer.csv").write_text(export, encoding="utf-8")
    write_yaml(tmp_path / "parameters" / "tiny" / "mappings" / "dialer.yaml", {
        "table": "attempts", "files": ["collections/attempts/dialer.csv"], "sep": ";", "decimal": ",",
        "dayfirst": True,
        "columns": {"account_id": "Cuenta", "start": ["Fecha", "Hora"], "outcome": "Resultado",
                    "promised_amount": "Importe prometido", "promised_date": "Fecha promesa"},
        "constants": {"supplier": "acme", "channel": "voice"},
        "values": {"outcome": {"PTP": "ptp", "NOCONTESTA": "no_answer"}}})
    attempts = load("tiny", root=tmp_path).table("attempts")
    mapped = attempts[attempts["_file"].str.endswith("dialer.csv")]
    assert list(mapped["outcome"]) == ["ptp", "no_answer"]
    assert str(mapped["promised_amount"].iloc[0]) == "60.50"
    assert mapped["start"].iloc[1] == pd.Timestamp("2026-08-04 19:40:00")
