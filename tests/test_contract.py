"""Contract and engagement settings models: billing periods, versions, validation with key paths."""

from datetime import date
from decimal import Decimal

import pytest

from ccanalysis.contract import parse_contract, parse_settings
from tests.engagements import BASE_SETTINGS, contract


def _ok(data):
    parsed, problems = parse_contract(data, "contracts/acme.yaml")
    assert problems == [], [str(p) for p in problems]
    return parsed


def test_calendar_month_period():
    period = _ok(contract()).period("2026-02")
    assert (period.start, period.end, period.days) == (date(2026, 2, 1), date(2026, 2, 28), 28)


def test_period_cut_on_the_25th_is_named_by_its_end_month():
    c = _ok(contract(billing_cycle={"cutoff_day": 25}))
    period = c.period("2026-01")
    # 26 December 2025 .. 25 January 2026: 6 + 25 = 31 days
    assert (period.start, period.end, period.days) == (date(2025, 12, 26), date(2026, 1, 25), 31)
    assert c.period_containing(date(2026, 1, 26)).month == "2026-02"
    assert c.period_containing(date(2026, 1, 25)).month == "2026-01"


def test_version_rates_the_whole_period_from_its_first_day():
    services = contract()["services"]
    newer = [{**services[0], "charges": [{**services[0]["charges"][0], "unit_price": "1.60"}]}]
    c = _ok(contract(versions=[{"valid_from": "2026-07-01", "services": newer}]))
    june = c.services_for(c.period("2026-06"))[0]
    july = c.services_for(c.period("2026-07"))[0]
    assert june.charges[0]["unit_price"] == "1.50"
    assert july.charges[0]["unit_price"] == "1.60"


def test_version_must_start_a_billing_period():
    services = contract()["services"]
    _, problems = parse_contract(contract(versions=[{"valid_from": "2026-07-15", "services": services}]), "c.yaml")
    assert any("first day of a billing period" in p.message for p in problems)


def test_active_days_inside_contract_and_service_validity():
    services = contract()["services"]
    c = _ok(contract(valid_from="2026-03-10", services=[{**services[0], "valid_to": "2026-03-20"}]))
    period = c.period("2026-03")
    assert c.active_days(period) == 22  # 10..31 March
    assert c.active_days(period, c.services[0]) == 11  # 10..20 March


def test_yaml_numbers_stay_exact():
    c = _ok(contract(tax_rate=Decimal("0.21"), minimum_commitment={"amount": Decimal("1.005")}))
    assert c.minimum_commitment.amount == Decimal("1.005")
    assert c.tax_rate == Decimal("0.21")


def test_percent_string_tax_rate():
    assert _ok(contract(tax_rate="7%")).tax_rate == Decimal("0.07")


def test_unknown_contract_key_names_the_key_path():
    data = contract()
    data["services"][0]["charges"][0]["unit_prise"] = "1.0"
    _, problems = parse_contract(data, "contracts/acme.yaml")
    assert len(problems) == 1
    assert problems[0].file == "contracts/acme.yaml"
    assert "services[0].charges[0]" in problems[0].column
    assert "unit_prise" in str(problems[0])


def test_unknown_top_level_key_is_rejected():
    _, problems = parse_contract(contract(discount=5), "contracts/acme.yaml")
    assert [p.column for p in problems] == ["discount"]
    assert "unknown key" in problems[0].message


def test_invalid_tiers_name_the_tier():
    data = contract()
    data["services"][0]["charges"][0] = {"id": "x", "unit": "handled_contact", "model": "graduated",
                                         "tiers": [{"up_to": 100, "unit_price": 1}, {"up_to": 50, "unit_price": 1},
                                                   {"up_to": None, "unit_price": 1}]}
    _, problems = parse_contract(data, "contracts/acme.yaml")
    assert len(problems) == 1 and "tiers[1]" in problems[0].column


def test_every_problem_is_listed_at_once():
    data = contract(tax_rate="1.5", payment_terms_days=-1)
    del data["name"]
    _, problems = parse_contract(data, "contracts/acme.yaml")
    assert {p.column for p in problems} == {"tax_rate", "payment_terms_days", "name"}


def test_settings_validation():
    settings, problems = parse_settings({**BASE_SETTINGS, "lang": "fr", "suppliers": ["a", "a"]}, "engagement.yaml")
    assert settings is None
    assert {p.column for p in problems} == {"lang", "suppliers"}


def test_unknown_kpi_variant_is_rejected():
    data = contract()
    data["services"][0]["kpis"] = {"service_level": {"variant": "offered_minus_everything"}}
    _, problems = parse_contract(data, "contracts/acme.yaml")
    assert problems and "services[0].kpis" in problems[0].column


@pytest.mark.parametrize("month", ["2026-13", "2026-1", "26-01"])
def test_bad_month(month):
    with pytest.raises(ValueError, match="YYYY-MM"):
        _ok(contract()).period(month)
