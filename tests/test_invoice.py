"""Expected invoice end to end on tiny engagements, every figure worked by hand in the comments."""

import json
from decimal import Decimal

import pytest

from ccanalysis import cli, workbook
from ccanalysis.engagement import load
from ccanalysis.invoice import expected_invoice, invoice_json, totals
from tests.engagements import activity_row, contract, write_engagement

D = Decimal


def _amounts(lines):
    return {(r.charge, None if r.tier is None or str(r.tier) == "<NA>" else int(r.tier)): r.amount
            for r in lines.itertuples()}


@pytest.fixture
def commitment_engagement(tmp_path):
    """Minimum commitment 10,000 and an SLA band penalty of 5 % below 80 % (variant `offered`)."""
    c = contract(minimum_commitment={"amount": "10000"})
    service = c["services"][0]
    service["kpis"] = {"service_level": {"variant": "offered", "threshold_s": 20}}
    service["sla"] = {"rules": [{"kpi": "service_level", "bands": [{"below": "0.80", "adjustment": "-0.05"}]}]}
    rows = [activity_row("2026-09-01", 1000, 950, abandoned=50, answered_within_sl=700),
            activity_row("2026-09-02", 1000, 960, abandoned=40, answered_within_sl=760)]
    return write_engagement(tmp_path, contracts=[c], tables={"activity/acme.csv": rows})


def test_minimum_commitment_true_up_then_penalty_still_applies(commitment_engagement):
    eng = load("tiny", root=commitment_engagement)
    lines = expected_invoice(eng, "acme", "2026-09")
    amounts = _amounts(lines)
    # 1,910 handled × 1.50 = 2,865.00
    assert amounts[("care_contacts", None)] == D("2865.00")
    # commitment 10,000 × 30/30 days − 2,865.00 = 7,135.00
    assert amounts[("minimum_commitment", None)] == D("7135.00")
    # service level (offered) = 1,460 / 2,000 = 0.73 < 0.80 → −5 % of the SLA base 2,865.00 = −143.25
    assert amounts[("sla:service_level", None)] == D("-143.25")
    assert list(lines["kind"]) == ["charge", "minimum_commitment", "sla"]
    result = totals(lines)
    # net 2,865 + 7,135 − 143.25 = 9,856.75; tax 21 % = 2,069.9175 → 2,069.92; gross 11,926.67
    assert (result.net, result.tax, result.gross) == (D("9856.75"), D("2069.92"), D("11926.67"))


def test_json_output_matches_data_md(commitment_engagement, capsys):
    code = cli.main(["expected", "tiny", "--supplier", "acme", "--month", "2026-09", "--format", "json",
                     "--root", str(commitment_engagement)])
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert list(out) == ["supplier", "month", "invoice_period", "currency", "lines", "net", "tax", "gross"]
    assert out["invoice_period"] == ["2026-09-01", "2026-09-30"]
    assert out["net"] == "9856.75" and out["tax"] == "2069.92" and out["gross"] == "11926.67"
    first = out["lines"][0]
    assert list(first) == ["line", "service", "charge", "tier", "kind", "description", "quantity", "unit",
                           "unit_price", "amount", "tax_rate", "explanation"]
    assert first["amount"] == "2865.00" and first["quantity"] == "1910" and first["unit_price"] == "1.50"
    sla = out["lines"][2]
    assert sla["charge"] == "sla:service_level" and sla["kind"] == "sla" and sla["amount"] == "-143.25"
    assert sla["quantity"] == "2865.00" and Decimal(sla["unit_price"]) == Decimal("-0.05")


def test_cli_table_shows_explanations(commitment_engagement, capsys):
    assert cli.main(["expected", "tiny", "--supplier", "acme", "--month", "2026-09",
                     "--root", str(commitment_engagement)]) == 0
    out = capsys.readouterr().out  # the engagement's language: es
    assert "1.910 contactos atendidos de actividad diaria" in out
    assert "Total" in out and "11.926,67" in out


def test_unknown_supplier_is_usage_error(commitment_engagement, capsys):
    assert cli.main(["expected", "tiny", "--supplier", "nobody", "--month", "2026-09",
                     "--root", str(commitment_engagement)]) == 2


def test_rounding_half_up_per_line_and_away_from_zero_for_penalties(tmp_path):
    c = contract()
    service = c["services"][0]
    service["charges"] = [{"id": "care_contacts", "unit": "handled_contact", "model": "per_unit",
                           "unit_price": "0.10"},
                          {"id": "care_minutes", "unit": "talk_minute", "model": "per_unit", "unit_price": "0.125"}]
    service["kpis"] = {"service_level": {"variant": "offered"}}
    service["sla"] = {"rules": [{"kpi": "service_level", "bands": [{"below": "0.80", "adjustment": "-0.05"}]}]}
    # 1,001 handled; talk 180 s = 3 minutes; SL 0 / 1,001 → penalty band
    rows = [activity_row("2026-09-01", 1001, 1001, talk_s=180)]
    write_engagement(tmp_path, contracts=[c], tables={"activity/a.csv": rows})
    lines = expected_invoice(load("tiny", root=tmp_path), "acme", "2026-09")
    amounts = _amounts(lines)
    assert amounts[("care_contacts", None)] == D("100.10")  # 1,001 × 0.10
    assert amounts[("care_minutes", None)] == D("0.38")  # 3 × 0.125 = 0.375 → 0.38 (half up)
    # base 100.10 + 0.38 = 100.48; × −0.05 = −5.024 → −5.02
    assert amounts[("sla:service_level", None)] == D("-5.02")


def test_billing_period_cut_on_25th_version_and_weekday_holiday(tmp_path):
    weekday = {"id": "weekday_hours", "unit": "logged_hour", "model": "per_unit", "unit_price": "20",
               "applies_to": {"days": ["weekday"]}}
    weekend = {"id": "weekend_hours", "unit": "logged_hour", "model": "per_unit", "unit_price": "30",
               "applies_to": {"days": ["saturday", "sunday", "holiday"]}}
    service = {"id": "sales", "name": "Ventas", "channel": "outbound", "charges": [weekday, weekend]}
    newer = {**service, "charges": [{**weekday, "unit_price": "21"}, weekend]}
    c = contract(billing_cycle={"cutoff_day": 25}, services=[service],
                 versions=[{"valid_from": "2026-10-26", "services": [newer]}])
    ten_hours = 36000
    rows = [activity_row(d, 0, 0, service="sales", logged_s=ten_hours)
            for d in ("2026-09-25", "2026-10-09", "2026-10-10", "2026-10-12", "2026-10-26")]
    write_engagement(tmp_path, contracts=[c], tables={"activity/a.csv": rows})
    eng = load("tiny", root=tmp_path)
    # period 2026-10 = 26 Sep .. 25 Oct: Fri 9 Oct weekday; Sat 10 Oct and Mon 12 Oct (Fiesta Nacional) at 30
    october = _amounts(expected_invoice(eng, "acme", "2026-10"))
    assert october == {("weekday_hours", None): D("200.00"), ("weekend_hours", None): D("600.00")}
    # period 2026-09 = 26 Aug .. 25 Sep: Fri 25 Sep, 10 h × 20
    september = _amounts(expected_invoice(eng, "acme", "2026-09"))
    assert september == {("weekday_hours", None): D("200.00"), ("weekend_hours", None): D("0.00")}
    # period 2026-11 = 26 Oct .. 25 Nov, rated by the version from 26 Oct: Mon 26 Oct, 10 h × 21
    november = _amounts(expected_invoice(eng, "acme", "2026-11"))
    assert november[("weekday_hours", None)] == D("210.00")


def test_per_contact_rounding_never_bills_abandoned_contacts(tmp_path):
    c = contract()
    c["services"][0]["charges"] = [{"id": "care_minutes", "unit": "productive_minute", "model": "per_unit",
                                    "unit_price": "0.50", "rounding": {"increment_s": 6, "minimum_s": 30}}]
    contacts = [
        # answered, 10 s → raised to the 30 s minimum
        {"contact_id": "c1", "supplier": "acme", "service": "care", "start": "2026-09-01 09:00:00",
         "queue_s": 5, "answered": "Y", "abandoned": "N", "talk_s": 10, "hold_s": 0, "acw_s": 0},
        # answered, 61 + 5 = 66 s → a multiple of 6 already
        {"contact_id": "c2", "supplier": "acme", "service": "care", "start": "2026-09-01 09:05:00",
         "queue_s": 12, "answered": "Y", "abandoned": "N", "talk_s": 61, "hold_s": 0, "acw_s": 5},
        # answered, 67 s → 72 s
        {"contact_id": "c3", "supplier": "acme", "service": "care", "start": "2026-09-02 10:00:00",
         "queue_s": 3, "answered": "Y", "abandoned": "N", "talk_s": 60, "hold_s": 7, "acw_s": 0},
        # abandoned: never billed
        {"contact_id": "c4", "supplier": "acme", "service": "care", "start": "2026-09-02 10:01:00",
         "queue_s": 40, "answered": "N", "abandoned": "Y", "talk_s": 0, "hold_s": 0, "acw_s": 0},
    ]
    write_engagement(tmp_path, contracts=[c], tables={"contacts/c.csv": contacts})
    lines = expected_invoice(load("tiny", root=tmp_path), "acme", "2026-09")
    # 30 + 66 + 72 = 168 s = 2.8 min × 0.50 = 1.40
    assert list(lines["quantity"]) == [D("2.8")]
    assert list(lines["amount"]) == [D("1.40")]


def test_graduated_lines_one_per_tier_with_flat_fee_and_fixed_fee_prorated(tmp_path):
    c = contract(valid_from="2026-09-11")
    c["services"][0]["charges"] = [
        {"id": "care_contacts", "unit": "handled_contact", "model": "graduated",
         "tiers": [{"up_to": 1000, "unit_price": "1.00", "flat_fee": "50"}, {"up_to": None, "unit_price": "0.80"}]},
        {"id": "platform", "unit": "month", "model": "fixed", "amount": "1500"},
    ]
    rows = [activity_row("2026-09-15", 1600, 1500, abandoned=100)]
    write_engagement(tmp_path, contracts=[c], tables={"activity/a.csv": rows})
    lines = expected_invoice(load("tiny", root=tmp_path), "acme", "2026-09")
    got = [(r.charge, r.kind, None if str(r.tier) == "<NA>" else int(r.tier), r.quantity, r.unit_price, r.amount)
           for r in lines.itertuples()]
    # tier 1: 1,000 × 1.00 + flat fee 50; tier 2: 500 × 0.80 = 400; platform 1,500 × 20/30 days = 1,000
    assert got[0][:2] == ("care_contacts", "charge") and got[0][3:] == (D(1000), D("1.00"), D("1000.00"))
    assert ("care_contacts", "flat_fee", 1) == got[1][:3] and got[1][5] == D("50.00")
    assert got[2][2] == 2 and got[2][3:] == (D(500), D("0.80"), D("400.00"))
    assert got[3][0] == "platform" and got[3][5] == D("1000.00")


def test_per_charge_minimum_line_is_rounded_limit_less_rounded_lines(tmp_path):
    c = contract()
    c["services"][0]["charges"] = [{"id": "care_contacts", "unit": "handled_contact", "model": "per_unit",
                                    "unit_price": "1.50", "minimum": "1000"}]
    rows = [activity_row("2026-09-01", 100, 100)]
    write_engagement(tmp_path, contracts=[c], tables={"activity/a.csv": rows})
    lines = expected_invoice(load("tiny", root=tmp_path), "acme", "2026-09")
    # 100 × 1.50 = 150.00; minimum 1,000 × 30/30 → true-up 850.00 on its own line
    assert list(zip(lines["charge"], lines["kind"], lines["amount"], strict=True)) == [
        ("care_contacts", "charge", D("150.00")), ("care_contacts:minimum", "minimum", D("850.00"))]


def test_invoice_json_money_is_text(commitment_engagement):
    eng = load("tiny", root=commitment_engagement)
    out = invoice_json(eng, "acme", "2026-09", expected_invoice(eng, "acme", "2026-09"))
    assert all(isinstance(line["amount"], str) for line in out["lines"])
    assert isinstance(out["lines"][0]["tax_rate"], float)


def test_prorated_fixed_fee_line_shows_its_unit_price_in_cents(tmp_path):
    c = contract(valid_from="2026-09-21")
    c["services"][0]["charges"] = [{"id": "platform", "unit": "month", "model": "fixed", "amount": "1000"}]
    write_engagement(tmp_path, contracts=[c], tables={"activity/a.csv": [activity_row("2026-09-22", 1, 1)]})
    line = expected_invoice(load("tiny", root=tmp_path), "acme", "2026-09").iloc[0]
    # 1,000 × 10/30 days (21..30 September) = 333.333… → 1 × 333.33 = 333.33
    assert (line["quantity"], line["unit_price"], line["amount"]) == (D(1), D("333.33"), D("333.33"))


def test_expected_invoice_is_computed_once_and_callers_get_their_own_copy(commitment_engagement):
    workbook.CHARGES.clear()
    workbook.EXPECTED.clear()
    eng = load("tiny", root=commitment_engagement)
    first = expected_invoice(eng, "acme", "2026-09")
    first.loc[0, "amount"] = D("0.00")  # a caller editing its frame must not change the next answer
    second = expected_invoice(eng, "acme", "2026-09")
    assert second.loc[0, "amount"] == D("2865.00")
    # the step-1 charge lines and the invoice's lines, memoised on the engagement's inputs
    assert len(workbook.CHARGES) == 1 and len(workbook.EXPECTED) == 1


def test_invoice_lines_from_plain_inputs_without_an_engagement():
    from datetime import date

    import pandas as pd

    from ccanalysis import invoice
    from ccanalysis.contract import parse_contract
    from ccanalysis.pricing.units import ServiceActivity

    c = contract(minimum_commitment={"amount": "1000"})
    c["services"][0]["kpis"] = {"service_level": {"variant": "offered", "threshold_s": 20}}
    c["services"][0]["sla"] = {"rules": [{"kpi": "service_level",
                                          "bands": [{"below": "0.80", "adjustment": "-0.05"}]}]}
    parsed, problems = parse_contract(c, "contracts/acme.yaml")
    assert problems == []
    period = parsed.period("2026-09")
    rows = pd.DataFrame({"date": pd.to_datetime(["2026-09-01"]), "supplier": ["acme"], "service": ["care"],
                         "offered": [100], "handled": [90], "abandoned": [10], "answered_within_sl": [70],
                         "talk_s": [0], "hold_s": [0], "acw_s": [0], "logged_s": [0]})
    activity = ServiceActivity(pd.DataFrame(), rows, frozenset(), period.start, period.end)
    lines = invoice.invoice_lines(parsed, period, {"care": activity})
    # 90 × 1.50 = 135.00; commitment 1,000 − 135 = 865.00; SL 70/100 < 0.80 → −5 % × 135.00 = −6.75
    assert [(line.kind, line.amount) for line in lines] == [
        ("charge", D("135.00")), ("minimum_commitment", D("865.00")), ("sla", D("-6.75"))]
    assert [line.label.code for line in lines] == ["charge", "minimum_commitment", "sla"]
    assert lines[0].facts[0].code == "units" and lines[0].facts[0]["value"] == 90
    assert date(2026, 9, 30) == period.end


def _charge_line(lines, charge="care_contacts"):
    row = lines[lines["charge"] == charge]
    assert len(row) == 1
    return row.iloc[0]


def test_activity_after_a_service_ends_is_not_billed(tmp_path):
    c = contract()
    c["services"][0]["valid_to"] = "2026-09-15"  # ramp-down: the service ends on the 15th
    rows = [activity_row("2026-09-14", 10, 10), activity_row("2026-09-16", 10, 10)]
    write_engagement(tmp_path, contracts=[c], tables={"activity/a.csv": rows})
    line = _charge_line(expected_invoice(load("tiny", root=tmp_path), "acme", "2026-09"))
    # only the 14th is inside the service's validity: 10 handled × 1.50 = 15.00 (not 20 × 1.50 = 30.00)
    assert (line["quantity"], line["amount"]) == (D(10), D("15.00"))


def test_activity_before_the_contract_starts_is_not_billed(tmp_path):
    c = contract(valid_from="2026-09-10")
    rows = [activity_row("2026-09-01", 10, 10), activity_row("2026-09-12", 7, 7)]
    write_engagement(tmp_path, contracts=[c], tables={"activity/a.csv": rows})
    line = _charge_line(expected_invoice(load("tiny", root=tmp_path), "acme", "2026-09"))
    # the contract is in force from the 10th: 7 handled × 1.50 = 10.50
    assert (line["quantity"], line["amount"]) == (D(7), D("10.50"))
