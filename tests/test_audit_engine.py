"""The audit engine on hand-made invoices: every figure below is computed by hand in the comments.

Contract (tiny): care_contacts 1.50 per handled contact; care_minutes graduated 0.55 up to 1,000 minutes,
0.50 beyond; care_platform 100.00 a month; tax 21 %. The expected invoice is written by hand too:
100 contacts = 150.00; 1,000 minutes × 0.55 = 550.00 and 200 × 0.50 = 100.00; platform 100.00; SLA
penalty −3 % of 800.00 variable charges = −24.00. Net 876.00.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pandas as pd
import pytest

from ccanalysis.audit.checks import CHECKS
from ccanalysis.audit.engine import audit_invoice
from ccanalysis.contract import Tolerances, parse_contract
from ccanalysis.errors import EngagementError
from ccanalysis.i18n.audit import describe
from ccanalysis.jsonio import dumps
from tests.engagements import contract as tiny_contract

D = Decimal
MONTH = "2026-09"


def _contract(**changes):
    data = tiny_contract(**changes)
    data["services"][0]["charges"] += [
        {"id": "care_minutes", "description": "Minuto productivo", "unit": "productive_minute", "model": "graduated",
         "tiers": [{"up_to": 1000, "unit_price": "0.55"}, {"up_to": None, "unit_price": "0.50"}]},
        {"id": "care_platform", "description": "Cuota plataforma", "unit": "month", "model": "fixed",
         "amount": "100.00"}]
    parsed, problems = parse_contract(data, "contracts/acme.yaml")
    assert not problems, problems
    return parsed


CONTRACT = _contract()
PERIOD = CONTRACT.period(MONTH)

EXPECTED_ROWS = [
    # line, service, charge, tier, kind, quantity, unit, unit_price, amount
    (1, "care", "care_contacts", None, "charge", "100", "handled_contact", "1.50", "150.00"),
    (2, "care", "care_minutes", 1, "charge", "1000", "productive_minute", "0.55", "550.00"),
    (3, "care", "care_minutes", 2, "charge", "200", "productive_minute", "0.50", "100.00"),
    (4, "care", "care_platform", None, "charge", "1", "month", "100.00", "100.00"),
    (5, "care", "sla:service_level", None, "sla", "800.00", None, "-0.03", "-24.00"),
]


def expected(rows=EXPECTED_ROWS):
    return pd.DataFrame([{"line": r[0], "service": r[1], "charge": r[2], "tier": r[3], "kind": r[4],
                          "description": r[2], "quantity": D(r[5]), "unit": r[6],
                          "unit_price": None if r[7] is None else D(r[7]), "amount": D(r[8]), "tax_rate": D("0.21"),
                          "explanation": ""} for r in rows])


CLEAN = [
    # line, service, charge, description, quantity, unit_price, amount
    (1, "care", "care_contacts", "Contactos atendidos", "100", "1.50", "150.00"),
    (2, "care", "care_minutes", "Minutos tramo 1", "1000", "0.55", "550.00"),
    (3, "care", "care_minutes", "Minutos tramo 2", "200", "0.50", "100.00"),
    (4, "care", "care_platform", "Cuota plataforma", "1", "100.00", "100.00"),
    (5, "care", "sla:service_level", "Penalización ANS", "800.00", "-0.03", "-24.00"),
]


def billed(rows=CLEAN, *, invoice_id="INV-9", issue="2026-10-03", start="2026-09-01", end="2026-09-30",
           header=True, **columns):
    frame = pd.DataFrame([{"invoice_id": invoice_id, "issue_date": pd.Timestamp(issue),
                           "period_start": pd.Timestamp(start), "period_end": pd.Timestamp(end), "line": r[0],
                           "service": r[1], "charge": r[2], "description": r[3], "quantity": D(r[4]),
                           "unit": None, "unit_price": None if r[5] is None else D(r[5]), "amount": D(r[6]),
                           "tax_rate": D("0.21"), "_file": "data/tiny/invoices/acme/2026-09.csv", "_row": k + 2,
                           "supplier": "acme", "month": MONTH} for k, r in enumerate(rows)])
    if header:
        net = sum((D(r[6]) for r in rows), D(0))
        tax = (net * D("0.21")).quantize(D("0.01"))
        frame["total_net"], frame["total_tax"], frame["total_gross"] = net, tax, net + tax
    for name, value in columns.items():
        frame[name] = value
    frame["billed_service"], frame["billed_charge"] = frame["service"], frame["charge"]
    frame["match_method"] = ["ids" if isinstance(c, str) else None for c in frame["charge"]]
    return frame


def run(frame, exp=None, **kwargs):
    return audit_invoice(CONTRACT, PERIOD, expected() if exp is None else exp, frame, supplier="acme", month=MONTH,
                         **kwargs)


def replace_line(rows, number, **values):
    names = ["line", "service", "charge", "description", "quantity", "unit_price", "amount"]
    out = []
    for row in rows:
        item = dict(zip(names, row, strict=True))
        if item["line"] == number:
            item.update(values)
        out.append(tuple(item[n] for n in names))
    return out


def findings(result):
    return [(f["check"], f["line"], f["difference"], f["claimable"]) for f in result.findings.to_dict("records")]


def test_every_check_is_registered_once():
    assert set(CHECKS.names()) == {"rate", "quantity", "arithmetic", "duplicate", "not_in_contract", "missing_penalty",
                                   "unearned_bonus", "minimum_commitment", "period", "payment_terms", "unbilled",
                                   "not_attributable", "retention_not_earned"}
    with pytest.raises(ValueError, match="checks: arithmetic"):
        CHECKS.get("tiers")


def test_a_clean_invoice_gives_no_findings_and_claimable_zero():
    result = run(billed())
    assert result.findings.empty
    assert result.claimable == 0 and result.claimable_tax == 0 and result.under_billed == 0
    assert result.billed_net == D("876.00") == result.expected_net
    assert result.invoice_ids == ("INV-9",) and result.issue_date == date(2026, 10, 3)
    assert result.due_date == date(2026, 12, 2)  # 3 Oct + 60 days (the contract's default terms)


def test_quantity_over_billed():
    # 110 contacts billed at 1.50 = 165.00; the activity gives 100 = 150.00 → 15.00, VAT 3.15
    result = run(billed(replace_line(CLEAN, 1, quantity="110", amount="165.00")))
    assert findings(result) == [("quantity", 1, D("15.00"), D("15.00"))]
    assert result.claimable == D("15.00") and result.claimable_tax == D("3.15")
    assert result.findings.iloc[0]["facts"]["billed_quantity"] == D("110")


def test_rate_on_a_tier_and_the_tier_follows_from_order():
    # tier 2 billed at 0.55 (the tier 1 price): 200 × 0.55 = 110.00 against 200 × 0.50 = 100.00 → 10.00
    result = run(billed(replace_line(CLEAN, 3, unit_price="0.55", amount="110.00")))
    assert findings(result) == [("rate", 3, D("10.00"), D("10.00"))]
    row = result.findings.iloc[0]
    assert row["tier"] == 2 and row["facts"]["contract_price"] == D("0.50")


def test_arithmetic_on_a_line():
    # 100 × 1.50 = 150.00 but the line says 195.00 → 45.00
    result = run(billed(replace_line(CLEAN, 1, amount="195.00")))
    assert findings(result) == [("arithmetic", 1, D("45.00"), D("45.00"))]


def test_a_duplicated_line_whose_quantity_is_wrong_is_claimed_once():
    # line 1 bills 110 contacts (165.00, 15.00 over); line 6 repeats it. Billed 165 + 165 = 330 for 150 due:
    # 180.00 over-billed = the duplicate (165.00) + the quantity (15.00), each euro once
    rows = replace_line(CLEAN, 1, quantity="110", amount="165.00")
    rows = rows + [(6,) + rows[0][1:]]
    result = run(billed(rows))
    assert sorted(findings(result)) == [("duplicate", 6, D("165.00"), D("165.00")),
                                        ("quantity", 1, D("15.00"), D("15.00"))]
    assert result.claimable == D("180.00")
    dup = result.findings.set_index("check").loc["duplicate"]
    assert dup["facts"]["of_line"] == 1


def test_header_net_that_the_lines_do_not_add_up_to():
    # lines 876.00, header says 1,126.00: 250.00 over-stated (and its tax 21 % of it is consistent)
    frame = billed(total_net=D("1126.00"), total_tax=D("236.46"), total_gross=D("1362.46"))
    result = run(frame)
    assert findings(result) == [("arithmetic", None, D("250.00"), D("250.00"))]
    assert result.claimable == D("250.00") and result.claimable_tax == D("52.50")


def test_header_tax_over_stated_goes_to_the_claims_vat():
    # net 876.00 × 21 % = 183.96; the header says 193.96 → 10.00 of tax; the gross agrees with net + tax
    frame = billed(total_tax=D("193.96"), total_gross=D("1069.96"))
    result = run(frame)
    assert findings(result) == [("arithmetic", None, D("10.00"), D("10.00"))]
    assert result.claimable == 0 and result.claimable_tax == D("10.00")


def test_missing_penalty_is_positive_and_claimed():
    # the −24.00 penalty is not on the invoice: billed 900.00 for 876.00 due → 24.00 over-billed
    result = run(billed([r for r in CLEAN if r[0] != 5]))
    assert findings(result) == [("missing_penalty", None, D("24.00"), D("24.00"))]
    assert result.findings.iloc[0]["cause"] == "penalty_missing"


def test_unearned_bonus():
    # no SLA adjustment is due (expected without line 5) and the supplier bills a +2 % bonus of 16.00
    exp = expected([r for r in EXPECTED_ROWS if r[0] != 5])
    rows = [r for r in CLEAN if r[0] != 5] + [(5, "care", "sla:service_level", "Bonificación ANS", "800.00", "0.02",
                                               "16.00")]
    result = run(billed(rows), exp)
    assert findings(result) == [("unearned_bonus", 5, D("16.00"), D("16.00"))]


def test_a_cap_left_off_the_invoice_is_over_billing_and_claimed():
    # the minutes' maximum brings 650.00 down to 600.00 (expected line 6, −50.00); the invoice leaves it off:
    # billed 876.00 for 826.00 due → 50.00 over-billed, claimed
    exp = expected(EXPECTED_ROWS + [(6, "care", "care_minutes:maximum", None, "maximum", "1", None, "-50.00", "-50.00")])
    result = run(billed(), exp)
    assert findings(result) == [("minimum_commitment", None, D("50.00"), D("50.00"))]
    assert result.findings.iloc[0]["cause"] == "cap_not_applied" and result.claimable == D("50.00")
    found = result.findings.iloc[0]
    names = {("care", "care_minutes"): "Minuto productivo"}
    assert describe(found["cause"], found["facts"], "es", names).startswith(
        "No se ha aplicado Minuto productivo — máximo: el contrato descuenta 50,00")


def test_unbilled_is_shown_and_never_claimed():
    # the platform fee (100.00) is not billed: under-billing
    result = run(billed([r for r in CLEAN if r[0] != 4]))
    assert findings(result) == [("unbilled", None, D("-100.00"), D("0"))]
    assert result.claimable == 0 and result.under_billed == D("100.00")


def test_under_billing_on_one_charge_does_not_offset_a_claim_on_another():
    # contacts 45.00 over (arithmetic), platform billed 90.00 (10.00 under)
    rows = replace_line(replace_line(CLEAN, 1, amount="195.00"), 4, unit_price="90.00", amount="90.00")
    result = run(billed(rows))
    assert sorted(findings(result)) == [("arithmetic", 1, D("45.00"), D("45.00")), ("rate", 4, D("-10.00"), D("0"))]
    assert result.claimable == D("45.00") and result.under_billed == D("10.00")


def test_a_line_matching_no_charge_is_claimed_and_listed_for_review():
    rows = CLEAN + [(6, None, None, "Formación incorporaciones", "30", "18.50", "555.00")]
    result = run(billed(rows))
    assert findings(result) == [("not_in_contract", 6, D("555.00"), D("555.00"))]
    assert list(result.needs_review["line"]) == [6]


def test_a_flat_fee_billed_inside_its_tier_line_is_fine_when_the_amounts_add_up():
    # expected: tier 1 550.00 and a flat fee 50.00 of the same charge; billed: one line of 600.00
    rows = [r for r in EXPECTED_ROWS if r[0] not in (3,)] + [(6, "care", "care_minutes", 1, "flat_fee", "1", None,
                                                              "50.00", "50.00")]
    exp = expected(rows)
    bill = [r for r in CLEAN if r[0] != 3]
    bill = replace_line(bill, 2, unit_price=None, amount="600.00")
    result = run(billed(bill), exp)
    assert result.findings.empty and result.claimable == 0


def test_finding_ids_are_stable_and_do_not_depend_on_the_amount():
    one = run(billed(replace_line(CLEAN, 1, quantity="110", amount="165.00")))
    two = run(billed(replace_line(CLEAN, 1, quantity="120", amount="180.00")))
    assert one.findings.iloc[0]["finding_id"] == two.findings.iloc[0]["finding_id"]
    assert one.findings.iloc[0]["finding_id"].startswith("F-")


def test_tolerance_hides_small_differences():
    # 0.50 over with amount_abs 1.00: not reported
    rows = replace_line(CLEAN, 4, unit_price="100.50", amount="100.50")
    result = run(billed(rows), tolerances=Tolerances(amount_abs=D("1.00")))
    assert result.findings.empty and result.claimable == 0


def test_period_mismatch_gap_and_unknown_corrected_invoice():
    result = run(billed(start="2026-09-02"), previous_end=date(2026, 8, 30))
    causes = sorted(result.findings["cause"])
    assert causes == ["gap", "period_mismatch"]
    frame = pd.concat([billed(), billed([(1, "care", "care_contacts", "Abono", "-1", "1.50", "-1.50")],
                                        invoice_id="R-1", header=False, corrects_invoice_id="NOPE")],
                      ignore_index=True)
    result = run(frame, invoice_months={"INV-9": MONTH})
    assert "unknown_corrected_invoice" in set(result.findings["cause"])


def test_payment_terms_over_the_limit():
    result = audit_invoice(_contract(payment_terms_days=75), PERIOD, expected(), billed(), supplier="acme",
                           month=MONTH, max_terms_days=60)
    assert findings(result) == [("payment_terms", None, None, None)]
    assert result.findings.iloc[0]["facts"] == {"days": 75, "limit": 60}


def test_a_corrective_invoice_that_cancels_and_rebills_a_line_is_read_with_it():
    # INV-9 bills 110 contacts (165.00); R-1 corrects it: −165.00 and +150.00 → the period is right
    wrong = billed(replace_line(CLEAN, 1, quantity="110", amount="165.00"))
    fix = billed([(1, "care", "care_contacts", "Anula línea 1", "-110", "1.50", "-165.00"),
                  (2, "care", "care_contacts", "Contactos atendidos", "100", "1.50", "150.00")],
                 invoice_id="R-1", issue="2026-10-10", header=False, corrects_invoice_id="INV-9")
    result = run(pd.concat([wrong, fix], ignore_index=True), invoice_months={"INV-9": MONTH, "R-1": MONTH})
    assert result.findings.empty, findings(result)
    assert result.invoice_ids == ("INV-9", "R-1")
    roles = dict(zip(zip(result.lines["invoice_id"], result.lines["line"], strict=True), result.lines["role"],
                     strict=True))
    assert roles[("INV-9", 1)] == roles[("R-1", 1)] == "cancelled"


def test_a_credit_for_an_earlier_invoice_is_not_a_finding():
    rows = CLEAN + [(6, None, None, "Abono reclamación factura INV-8 (duplicado)", "1", "-1500.00", "-1500.00")]
    frame = billed(rows)
    result = run(frame, invoice_months={"INV-8": "2026-08", "INV-9": MONTH})
    assert result.findings.empty
    assert list(result.credits["credits_invoice_id"]) == ["INV-8"]
    assert result.billed_net == D("876.00")  # the credit is not the period's billing


def test_a_credit_matching_an_open_dispute_by_amount():
    disputes = pd.DataFrame([{"dispute_id": "D-1", "invoice_id": "INV-8", "amount_claimed": D("1500.00"),
                              "amount_accepted": None, "status": "submitted"}])
    rows = CLEAN + [(6, None, None, "Abono", "1", "-1500.00", "-1500.00")]
    result = run(billed(rows), invoice_months={"INV-8": "2026-08", "INV-9": MONTH}, disputes=disputes)
    assert list(result.credits["dispute_id"]) == ["D-1"] and result.findings.empty


def test_two_invoices_with_one_id_and_different_headers_are_an_error_naming_the_row():
    frame = billed()
    frame.loc[3, "issue_date"] = pd.Timestamp("2026-10-09")
    with pytest.raises(EngagementError) as info:
        run(frame)
    problem = info.value.problems[0]
    assert problem.row == 5 and problem.column == "issue_date" and "same id" in problem.message


def test_a_currency_other_than_the_contracts_is_an_error():
    with pytest.raises(EngagementError) as info:
        run(billed(currency="USD"))
    assert info.value.problems[0].column == "currency" and "EUR" in info.value.problems[0].message


def test_no_invoice_no_claim_and_strict_json():
    result = run(billed().iloc[0:0])
    assert not result.has_invoice and result.findings.empty
    data = json.loads(dumps(result.to_json()), parse_constant=lambda c: pytest.fail(f"{c} in JSON"))
    assert data["billed_net"] is None and data["claimable"] is None and data["expected_net"] == "876.00"


def test_json_money_is_decimal_strings_and_keys_are_the_contract():
    result = run(billed(replace_line(CLEAN, 1, quantity="110", amount="165.00")))
    data = json.loads(dumps(result.to_json()), parse_constant=lambda c: pytest.fail(f"{c} in JSON"))
    assert {"supplier", "month", "invoice_id", "issue_date", "due_date", "billed_net", "expected_net", "claimable",
            "claimable_tax", "under_billed", "needs_review", "findings"} <= set(data)
    finding = data["findings"][0]
    assert {"finding_id", "check", "service", "charge", "line", "billed", "expected", "difference", "description",
            "evidence"} <= set(finding)
    assert finding["difference"] == "15.00" and finding["line"] == 1 and data["claimable"] == "15.00"


def test_json_is_strict_for_missing_and_infinite_values():
    import math

    import numpy as np

    text = dumps({"a": float("nan"), "b": math.inf, "c": D("NaN"), "d": np.float64("nan"), "e": pd.NaT, "f": None,
                  "g": D("1.50")})
    assert json.loads(text, parse_constant=lambda c: pytest.fail(c)) == {"a": None, "b": None, "c": None, "d": None,
                                                                         "e": None, "f": None, "g": "1.50"}


def test_one_invoice_id_in_two_period_files_is_a_load_error(tmp_path):
    from tests.engagements import load_problems, write_engagement

    header = ("invoice_id,issue_date,period_start,period_end,line,description,quantity,unit_price,amount,"
              "tax_rate\n")
    write_engagement(tmp_path)
    folder = tmp_path / "data" / "tiny" / "invoices" / "acme"
    folder.mkdir(parents=True)
    (folder / "2026-08.csv").write_text(header + "A-1,2026-09-02,2026-08-01,2026-08-31,1,x,1,1.00,1.00,0.21\n")
    (folder / "2026-09.csv").write_text(header + "A-1,2026-10-02,2026-09-01,2026-09-30,1,x,1,1.00,1.00,0.21\n")
    problems = [p for p in load_problems(tmp_path) if p.column == "invoice_id"]
    assert len(problems) == 1
    assert problems[0].file.endswith("2026-09.csv") and problems[0].row == 2 and "2026-08.csv" in problems[0].message


def test_every_check_and_every_cause_has_words_in_both_languages():
    import ast
    import inspect

    from ccanalysis.audit import checks as check_module
    from ccanalysis.i18n import audit as words

    causes = set()
    for node in ast.walk(ast.parse(inspect.getsource(check_module))):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Finding" and len(node.args) > 1:
            if isinstance(node.args[1], ast.Constant):
                causes.add(node.args[1].value)
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "cause" for t in node.targets):
            causes |= {c.value for c in ast.walk(node.value) if isinstance(c, ast.Constant) and isinstance(c.value, str)}
    assert len(causes) > 20
    for lang in ("es", "en"):
        assert causes <= set(words.SENTENCES[lang]), causes - set(words.SENTENCES[lang])
        for name in CHECKS.names():
            assert words.check_name(name, lang)


def test_a_negative_quantity_that_is_not_a_credit_is_a_finding():
    # line 1 bills −100 contacts (−150.00) on the period's own invoice, naming no earlier invoice: it is not
    # a credit; against the 150.00 due it is 300.00 under-billed, shown and not claimed
    result = run(billed(replace_line(CLEAN, 1, quantity="-100", amount="-150.00")))
    assert findings(result) == [("quantity", 1, D("-300.00"), D("0"))]
    assert result.credits.empty and result.under_billed == D("300.00")


def test_an_invoice_for_a_month_without_activity():
    # no activity: the expected contacts and minutes are 0 (the fee and the SLA rule give nothing either)
    exp = expected([(1, "care", "care_contacts", None, "charge", "0", "handled_contact", "1.50", "0.00"),
                    (2, "care", "care_platform", None, "charge", "1", "month", "100.00", "100.00")])
    rows = [r for r in CLEAN if r[0] in (1, 4)]
    result = run(billed(rows), exp)
    assert findings(result) == [("quantity", 1, D("150.00"), D("150.00"))]
    assert result.findings.iloc[0]["facts"]["expected_quantity"] == D("0")
