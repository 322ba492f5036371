"""Contract clauses replayed on a simulation basis (ccanalysis.simulation.clauses): KPI clauses as money under
each service-level variant, the stress test, incentives and rounding leakage. Every expected figure is
computed by hand in the comments; the basis and candidates are built here from plain data."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pandas as pd

from ccanalysis.contract import Contract
from ccanalysis.money import to_decimal
from ccanalysis.pricing.units import ServiceActivity
from ccanalysis.simulation import clauses
from ccanalysis.simulation.model import Basis, Candidate

D = Decimal
MONTH_DAYS = {"2026-01": 31, "2026-02": 28, "2026-03": 31}


def candidate(charges: list[dict[str, Any]], *, sla: dict[str, Any] | None = None,
              kpis: dict[str, Any] | None = None, commitment: str | None = None, cid: str = "c",
              valid_from: str = "2026-01-01") -> Candidate:
    service: dict[str, Any] = {"id": "care", "name": "Atención", "charges": charges}
    if sla is not None:
        service["sla"] = sla
    if kpis is not None:
        service["kpis"] = kpis
    raw: dict[str, Any] = {"supplier": "acme", "name": "Acme", "tax_rate": "0.21", "valid_from": valid_from,
                           "services": [service]}
    if commitment is not None:
        raw["minimum_commitment"] = {"amount": commitment}
    return Candidate(cid, Contract.model_validate(raw), "care", "inline")


def _bounds(month: str) -> tuple[date, date]:
    start = date.fromisoformat(f"{month}-01")
    return start, start + timedelta(days=MONTH_DAYS[month] - 1)


def rows_activity(month: str, **values: int) -> ServiceActivity:
    """One daily activity row on the month's first day."""
    start, end = _bounds(month)
    row = {"date": pd.Timestamp(start), "offered": 100, "handled": 100, "abandoned": 0, "answered_within_sl": 0,
           "talk_s": 0, "hold_s": 0, "acw_s": 0, "logged_s": 0, **values}
    return ServiceActivity(pd.DataFrame(), pd.DataFrame([row]), frozenset(), start, end)


def contacts_activity(month: str, contacts: list[dict[str, Any]]) -> ServiceActivity:
    """Contact records starting on the month's first day, one minute apart."""
    start, end = _bounds(month)
    records = []
    for i, values in enumerate(contacts):
        record = {"contact_id": f"k{i}", "start": pd.Timestamp(datetime(start.year, start.month, 1, 9, i)),
                  "queue_s": 0, "answered": True, "abandoned": False, "talk_s": 0, "hold_s": 0, "acw_s": 0}
        record.update(values)
        records.append(record)
    return ServiceActivity(pd.DataFrame(records), pd.DataFrame(), frozenset(), start, end)


def basis(activities: dict[str, ServiceActivity]) -> Basis:
    return Basis(service="care", kind="historic", months=tuple(activities), days=pd.DataFrame(),
                 activities=activities, hours_source="historic")


PER_CONTACT = [{"id": "contacts", "unit": "handled_contact", "model": "per_unit", "unit_price": "1.00"}]
SL_OFFERED = {"service_level": {"variant": "offered", "threshold_s": 20}}
SL_BANDS = [{"below": "0.80", "adjustment": "-0.05"},
            {"from": "0.80", "below": "0.90", "adjustment": "0"},
            {"from": "0.90", "adjustment": "0.02"}]


def three_months() -> Basis:
    # 100 handled contacts a month; service level (offered) 75/100, 70/100, 95/100.
    return basis({"2026-01": rows_activity("2026-01", answered_within_sl=75),
                  "2026-02": rows_activity("2026-02", answered_within_sl=70),
                  "2026-03": rows_activity("2026-03", answered_within_sl=95)})


# ------------------------------------------------------------------------------------------ stress test

def test_a_band_triggering_in_two_of_three_months():
    offer = candidate(PER_CONTACT, kpis=SL_OFFERED, sla={"rules": [{"kpi": "service_level", "bands": SL_BANDS}]})
    result = clauses.stress_test([offer], three_months())
    bands = result.bands.set_index("band")
    # Base 100 × 1.00 = 100.00 a month. 0.75 and 0.70 < 0.80 → −5 % = −5.00 twice; 0.95 ≥ 0.90 → +2.00.
    assert bands.loc[1, "months"] == 2 and bands.loc[1, "amount"] == D("-10.00")
    assert bands.loc[2, "months"] == 0 and bands.loc[2, "amount"] == 0  # a band never triggered is listed
    assert bands.loc[3, "months"] == 1 and bands.loc[3, "amount"] == D("2.00")
    assert list(bands["code"]) == ["in_band"] * 3
    net = result.net.iloc[0]
    # charges 3 × 100.00 = 300.00; SLA −10.00 + 2.00 = −8.00; net 292.00; no cap, limit or commitment.
    assert (net["charges"], net["sla"], net["sla_caps"], net["net"]) == (D("300.00"), D("-8.00"), 0, D("292.00"))
    assert result.limits.empty


def test_a_penalty_cap_binding_and_a_commitment_true_up():
    offer = candidate(PER_CONTACT, kpis=SL_OFFERED, commitment="110",
                      sla={"penalty_cap": "0.03", "rules": [{"kpi": "service_level", "bands": SL_BANDS}]})
    result = clauses.stress_test([offer], three_months())
    limits = result.limits.set_index("code")
    # January and February: −5 % × 100.00 = −5.00 > cap 3 % × 100.00 = 3.00 → a cap line +2.00 each month.
    assert limits.loc["penalty_cap", "months_binding"] == 2
    assert limits.loc["penalty_cap", "amount"] == D("4.00")
    assert limits.loc["penalty_cap", "bound"] == D("0.03")
    # Commitment 110 (whole months, so not prorated) − charges 100.00 = a 10.00 true-up in each of 3 months.
    assert limits.loc["minimum_commitment", "months_binding"] == 3
    assert limits.loc["minimum_commitment", "amount"] == D("30.00")
    net = result.net.iloc[0]
    # SLA −5 − 5 + 2 + cap 4 = −4.00; net 300 + 30 − 4 = 326.00
    assert (net["sla_adjustments"], net["sla_caps"], net["sla"]) == (D("-8.00"), D("4.00"), D("-4.00"))
    assert (net["true_ups"], net["net"]) == (D("30.00"), D("326.00"))


def test_a_per_charge_maximum_binding_and_a_minimum_not_binding():
    charges = [{"id": "contacts", "unit": "handled_contact", "model": "per_unit", "unit_price": "1.00",
                "maximum": "90"},
               {"id": "fee", "unit": "month", "model": "fixed", "amount": "10", "minimum": "5"}]
    result = clauses.stress_test([candidate(charges)], three_months())
    limits = result.limits.set_index("clause")
    # 100 × 1.00 = 100.00 > 90 → a −10.00 maximum line in each of 3 months; the fee 10 ≥ 5 never binds.
    assert (limits.loc["contacts", "code"], limits.loc["contacts", "months_binding"]) == ("charge_maximum", 3)
    assert limits.loc["contacts", "amount"] == D("-30.00")
    assert (limits.loc["fee", "months_binding"], limits.loc["fee", "amount"]) == (0, 0)
    net = result.net.iloc[0]
    assert (net["charges"], net["charge_limits"], net["net"]) == (D("330.00"), D("-30.00"), D("300.00"))


def test_a_draft_dated_after_the_basis_and_its_sla_start_are_replayed_as_in_force():
    offer = candidate(PER_CONTACT, kpis=SL_OFFERED, valid_from="2027-01-01",
                      sla={"start": "2027-03-01", "rules": [{"kpi": "service_level", "bands": SL_BANDS}]})
    net = clauses.stress_test([offer], three_months()).net.iloc[0]
    assert (net["charges"], net["sla"]) == (D("300.00"), D("-8.00"))  # as in the first test


def test_a_linear_rule_clipped_at_its_minimum():
    # AHT 40000 s / 100 = 400 s, 100 s above 300 → −0.001 × 100 = −0.10, clipped to min −0.03 → −3.00 of 100.00;
    # 250 s (February) is on the better side → 0.
    aht = {"kpi": "aht_s", "linear": {"target": 300, "per_unit": "-0.001", "worse": "above", "min": "-0.03",
                                      "max": 0}}
    months = basis({"2026-01": rows_activity("2026-01", talk_s=40000),
                    "2026-02": rows_activity("2026-02", talk_s=25000)})
    bands = clauses.stress_test([candidate(PER_CONTACT, sla={"rules": [aht]})], months).bands.set_index("code")
    assert (bands.loc["linear_clipped", "months"], bands.loc["linear_clipped", "amount"]) == (1, D("-3.00"))
    assert bands.loc["sla_zero", "months"] == 1 and "linear_gap" not in bands.index


# ------------------------------------------------------------------------------------------ KPI clauses as money

def _variant_contacts() -> list[dict[str, Any]]:
    # 10 offered: 7 answered within 20 s, 1 answered at 40 s, 1 abandoned at 3 s (short, ≤ 5 s), 1 at 30 s.
    answered = [{"queue_s": 10, "talk_s": 100}] * 7 + [{"queue_s": 40, "talk_s": 100}]
    abandoned = [{"queue_s": 3, "answered": False, "abandoned": True},
                 {"queue_s": 30, "answered": False, "abandoned": True}]
    return answered + abandoned


def test_a_service_level_variant_changes_the_money():
    bands = [{"below": "0.75", "adjustment": "-0.10"}, {"from": "0.75", "below": "0.85", "adjustment": "-0.02"},
             {"from": "0.85", "adjustment": "0"}]
    offer = candidate([{"id": "contacts", "unit": "handled_contact", "model": "per_unit", "unit_price": "10.00"}],
                      kpis={"service_level": {"variant": "offered", "threshold_s": 20, "short_abandon_s": 5}},
                      sla={"rules": [{"kpi": "service_level", "bands": bands}]})
    frame = clauses.kpi_clause_money([offer], basis({"2026-01": contacts_activity("2026-01", _variant_contacts())}))
    by = frame.set_index("definition")
    # Base: 8 handled × 10.00 = 80.00.
    # offered (the contract's own): 7/10 = 0.70 < 0.75 → −10 % × 80 = −8.00
    # offered_less_short_abandons: 7/(10 − 1) = 0.777… → −2 % × 80 = −1.60
    # handled: 7/8 = 0.875 ≥ 0.85 → 0 (no money)
    # handled_plus_late_abandons: 7/(8 + 2 − 1 abandoned within 20 s) = 7/9 → −1.60
    # short_abandons_met: (7 + 1)/10 = 0.80 → −1.60
    assert by.loc["offered", "value"] == Fraction(7, 10) and by.loc["offered", "amount"] == D("-8.00")
    assert by.loc["offered_less_short_abandons", "value"] == Fraction(7, 9)
    assert by.loc["offered_less_short_abandons", "amount"] == D("-1.60")
    assert by.loc["handled", "value"] == Fraction(7, 8) and by.loc["handled", "amount"] == 0
    assert by.loc["handled", "status"] == "sla_zero"
    assert by.loc["handled_plus_late_abandons", "amount"] == D("-1.60")
    assert by.loc["short_abandons_met", "value"] == Fraction(4, 5)
    assert by.loc["short_abandons_met", "amount"] == D("-1.60")
    assert by.loc["short_abandons_met", "adjustment_fraction"] == D("-0.02")
    # One assessment per variant of kpis.md; only the contract's own is marked own.
    assert len(frame) == 5 and list(frame.loc[frame["own"], "definition"]) == ["offered"]


def test_a_variant_the_data_cannot_count_is_unknown_not_zero():
    # Without short_abandon_s, contact records give no abandoned_short: that variant cannot be counted.
    offer = candidate(PER_CONTACT, kpis=SL_OFFERED,
                      sla={"rules": [{"kpi": "service_level", "bands": SL_BANDS},
                                     {"kpi": "aht_s", "linear": {"target": 90, "per_unit": "-0.001",
                                                                 "worse": "above", "min": "-0.03", "max": 0}}]})
    frame = clauses.kpi_clause_money([offer], basis({"2026-01": contacts_activity("2026-01", _variant_contacts())}))
    unknown = frame[frame["definition"] == "offered_less_short_abandons"]
    assert list(unknown["status"]) == ["variant_not_computable"]
    assert unknown["amount"].iloc[0] is None and unknown["missing"].iloc[0] == ("abandoned_short",)
    own = frame[frame["own"]]
    # Own (offered): SL 7/10 < 0.80 → −5 % × 8.00 = −0.40; AHT 800/8 = 100 s, 10 s above 90 → −1 % → −0.08.
    assert list(own["rule"]) == ["service_level", "aht_s"]
    assert list(own["amount"]) == [D("-0.40"), D("-0.08")]
    # The aht rule does not depend on the service-level variant: −0.08 in every computable assessment.
    computed = frame[(frame["rule"] == "aht_s")]
    assert set(computed["amount"]) == {D("-0.08")} and len(computed) == 4


def test_a_candidate_without_a_service_level_rule_has_its_own_assessment_only():
    offer = candidate(PER_CONTACT, sla={"rules": [{"kpi": "aht_s", "linear": {
        "target": 90, "per_unit": "-0.001", "worse": "above", "min": "-0.03", "max": 0}}]})
    frame = clauses.kpi_clause_money([offer, candidate(PER_CONTACT, cid="no_sla")],
                                     basis({"2026-01": contacts_activity("2026-01", _variant_contacts())}))
    assert list(frame["definition"]) == ["own"] and list(frame["candidate"]) == ["c"]
    assert frame["amount"].iloc[0] == D("-0.08")  # as above


# ------------------------------------------------------------------------------------------ incentives

def test_a_per_minute_candidate_is_paid_for_longer_calls_and_a_per_hour_one_is_not():
    # 100 handled contacts of 180 s = 300 productive minutes; 10 logged hours.
    month = basis({"2026-01": rows_activity("2026-01", talk_s=18000, logged_s=36000)})
    per_minute = candidate([{"id": "minutes", "unit": "productive_minute", "model": "per_unit", "unit_price": "0.50"}],
                           sla={"rules": [{"kpi": "aht_s", "linear": {"target": 180, "per_unit": "-0.001",
                                                                      "worse": "above", "min": "-0.03", "max": 0}}]},
                           cid="minute")
    per_hour = candidate([{"id": "hours", "unit": "logged_hour", "model": "per_unit", "unit_price": "20"}],
                         cid="hour")
    frame = clauses.incentives([per_minute, per_hour], month).set_index("candidate")
    # +1 % AHT: 18180 s = 303 min × 0.50 = 151.50 against 150.00 → +1.50; AHT 181.8 s is 1.8 s above 180 →
    # −0.0018 × 151.50 = −0.2727 → −0.27 (none before). Incentive 1.50 − 0.27 = +1.23: longer calls pay.
    assert frame.loc["minute", "revenue_aht"] == D("1.50")
    assert frame.loc["minute", "sla_aht"] == D("-0.27")
    assert frame.loc["minute", "incentive_aht"] == D("1.23")
    assert frame.loc["minute", "aht_sign"] == "positive"
    # +1 % volume, same hours: 101 contacts × 180 s = 303 min → +1.50, AHT unchanged → no SLA change.
    assert frame.loc["minute", "incentive_volume"] == D("1.50")
    # Per logged hour: 10 h × 20 = 200.00 whatever the AHT or volume.
    assert frame.loc["hour", "incentive_aht"] == 0 and frame.loc["hour", "incentive_volume"] == 0
    assert (frame.loc["hour", "aht_sign"], frame.loc["hour", "volume_sign"]) == ("zero", "zero")


def test_more_volume_on_contact_records_counts_exactly_one_percent():
    # 3 contacts: round(0.03) = 0, so one copy is added and the change is scaled by 3 × 0.01 / 1 = 0.03.
    activity = contacts_activity("2026-01", [{"talk_s": 60}, {"talk_s": 120}, {"talk_s": 180}])
    grown, factor = clauses.more_volume(activity)
    assert len(grown.contacts) == 4 and factor == D("0.03")
    assert grown.contacts["talk_s"].iloc[3] == 120  # the middle contact: (2·0 + 1) × 3 // 2 = 1
    per_contact = candidate(PER_CONTACT)
    frame = clauses.incentives([per_contact], basis({"2026-01": activity}))
    # 1 more contact × 1.00 × 0.03 = 0.03 € per +1 % volume (3 contacts × 1.00 × 1 %); AHT: nothing changes.
    assert frame["incentive_volume"].iloc[0] == D("0.03") and frame["incentive_aht"].iloc[0] == 0


# ------------------------------------------------------------------------------------------ rounding leakage

def test_rounding_leakage_over_exact_seconds():
    charge = {"id": "minutes", "unit": "productive_minute", "model": "per_unit", "unit_price": "0.50",
              "rounding": {"minimum_s": 60, "increment_s": 30}}
    months = basis({"2026-01": contacts_activity("2026-01", [{"talk_s": 45}, {"talk_s": 61}, {"talk_s": 130}]),
                    "2026-02": rows_activity("2026-02", talk_s=600)})
    frame = clauses.rounding_leakage([candidate([charge, *PER_CONTACT])], months).set_index("month")
    january = frame.loc["2026-01"]
    # Rounded: 45 → 60, 61 → 90, 130 → 150 = 300 s = 5 min × 0.50 = 2.50.
    # Exact: 45 + 61 + 130 = 236 s = 3.9333… min × 0.50 = 1.9666… → 1.97. Leakage 2.50 − 1.97 = 0.53.
    assert (january["units_rounded"], january["amount_rounded"]) == (D(5), D("2.50"))
    assert january["units_exact"] == D(236) / 60 and january["amount_exact"] == D("1.97")
    assert january["leakage"] == D("0.53") and january["code"] == "leakage"
    # February has activity rows only: per-contact rounding cannot be replayed, the leakage is unknown.
    february = frame.loc["2026-02"]
    assert february["code"] == "activity_rows_only" and february["leakage"] is None
    assert list(frame["charge"]) == ["minutes", "minutes"]  # the charge without rounding has no row


def test_longer_handling_keeps_whole_seconds_on_contact_records_and_exact_totals_on_rows():
    # Contacts: 45 × 1.01 = 45.45 → 45; 61 × 1.01 = 61.61 → 62; 130 × 1.01 = 131.3 → 131 (half-up, whole s).
    contacts = clauses.longer_handling(contacts_activity("2026-01", [{"talk_s": 45}, {"talk_s": 61},
                                                                     {"talk_s": 130}])).contacts
    assert list(contacts["talk_s"]) == [45, 62, 131] and contacts["talk_s"].dtype == "int64"
    # Rows: 18000 × 1.01 = 18180 exactly; 1234 × 1.01 = 1246.34 exactly (its decimal, not a float's noise).
    rows = clauses.longer_handling(rows_activity("2026-01", talk_s=18000, acw_s=1234)).rows
    assert to_decimal(rows["talk_s"].iloc[0]) == D(18180) and to_decimal(rows["acw_s"].iloc[0]) == D("1246.34")


def test_a_commitment_over_other_services_is_unknown_not_a_true_up():
    # The commitment of 1000 covers care and billing; the basis holds care only (100.00 a month), so the
    # true-up cannot be computed: no 900.00 true-up, the commitment's figures are None.
    offer = candidate(PER_CONTACT, commitment="1000")
    raw = offer.contract.model_dump(mode="json")
    raw["services"].append({**raw["services"][0], "id": "billing"})
    two_services = Candidate("c", Contract.model_validate(raw), "care", "inline")
    result = clauses.stress_test([two_services], three_months())
    limit = result.limits.iloc[0]
    assert (limit["code"], limit["status"], limit["amount"], limit["months_binding"]) == (
        "minimum_commitment", "other_services", None, None)
    net = result.net.iloc[0]
    assert net["true_ups"] is None and net["net"] == D("300.00") and net["commitment"] == "other_services"


def test_the_own_kpi_money_is_the_sla_money_of_the_replayed_invoice(demo_engagement):
    from ccanalysis import workbook

    contract = demo_engagement.contract("northwind")
    offer = Candidate("northwind", contract, "care", "parameters/demo/contracts/northwind.yaml", offer=True,
                      supplier="northwind")
    months = ("2026-08", "2026-09", "2026-10")
    activities = {m: workbook.service_activity(demo_engagement, "northwind", offer.service, contract.period(m))
                  for m in months}
    demo_basis = basis(activities)
    money = clauses.kpi_clause_money([offer], demo_basis)
    own = money[money["own"]]
    assert set(own["definition"]) == {"offered_less_short_abandons"}  # the demo contract's variant
    assert len(money) == 3 * 5 * 2  # 3 months × 5 variants × 2 rules, no cap line passing
    net = clauses.stress_test([offer], demo_basis).net.iloc[0]
    assert sum(own["amount"]) == net["sla"]
    leakage = clauses.rounding_leakage([offer], demo_basis)
    # minimum 30 s and 6 s increments only ever add seconds: every month leaks a positive amount.
    assert list(leakage["code"]) == ["leakage"] * 3 and (leakage["leakage"] > 0).all()
    assert (leakage["amount_rounded"] - leakage["amount_exact"] == leakage["leakage"]).all()


def test_rules_counting_service_level_under_two_variants_add_the_own_assessment():
    # sl_offered counts 7/10 = 0.70 (< 0.80 → −5 % × 8.00 = −0.40); sl_handled 7/8 = 0.875 (0 band, no money).
    rules = [{"id": "sl_offered", "kpi": "service_level", "variant": "offered", "bands": SL_BANDS},
             {"id": "sl_handled", "kpi": "service_level", "variant": "handled", "bands": SL_BANDS}]
    offer = candidate(PER_CONTACT, kpis=SL_OFFERED, sla={"rules": rules})
    frame = clauses.kpi_clause_money([offer], basis({"2026-01": contacts_activity("2026-01", _variant_contacts())}))
    own = frame[frame["own"]]
    assert set(own["definition"]) == {"own"} and list(own["variant"]) == ["offered", "handled"]
    assert list(own["amount"]) == [D("-0.40"), 0]
    # Under "handled" both rules count 0.875 → no money; under "offered" both count 0.70 → −0.40 each.
    assert list(frame.loc[frame["definition"] == "handled", "amount"]) == [0, 0]
    assert list(frame.loc[frame["definition"] == "offered", "amount"]) == [D("-0.40"), D("-0.40")]
