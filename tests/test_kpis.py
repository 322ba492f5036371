"""KPI registry: kpis.md's worked check, ratio of sums vs mean of days, contact records, errors."""

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pandas as pd
import pytest

from ccanalysis import compliance, kpis, sla
from ccanalysis.i18n.domain import kpi_definition as definition
from ccanalysis.i18n.domain import kpi_value
from ccanalysis.kpis import REGISTRY, kpi, kpi_table, required_columns


def worked_day() -> pd.DataFrame:
    """kpis.md worked check: offered 1000, handled 920, abandoned 80 (30 ≤ 5 s, 45 ≤ 20 s), 760 ≤ 20 s."""
    return pd.DataFrame({
        "date": pd.to_datetime(["2026-03-02"]), "supplier": ["northwind"], "service": ["care"],
        "offered": [1000], "handled": [920], "abandoned": [80], "abandoned_short": [30],
        "abandoned_within_sl": [45], "answered_within_sl": [760],
    })


@pytest.mark.parametrize(("variant", "expected", "shown"), [
    ("offered_less_short_abandons", Fraction(760, 970), "78.35%"),  # 760 / (1000 − 30)
    ("offered", Fraction(760, 1000), "76.00%"),
    ("handled", Fraction(760, 920), "82.61%"),
    ("handled_plus_late_abandons", Fraction(760, 955), "79.58%"),  # 920 + 80 − 45 = 955
    ("short_abandons_met", Fraction(805, 1000), "80.50%"),  # (760 + 45) / 1000
])
def test_service_level_worked_check_all_variants(variant, expected, shown):
    value = kpi("service_level", worked_day(), variant)
    assert isinstance(value, Fraction)
    assert value == expected
    assert kpi_value(value, "fraction", "en") == shown
    assert kpi_value(value, "fraction", "es") == shown.replace(".", ",").replace("%", " %")


def test_default_variant_is_offered_less_short_abandons():
    assert kpi("service_level", worked_day()) == Fraction(76, 97)
    assert REGISTRY["service_level"].default == "offered_less_short_abandons"


def test_abandonment_rate_variants():
    # (80 − 30) / (1000 − 30) = 50/970; offered: 80/1000
    assert kpi("abandonment_rate", worked_day()) == Fraction(50, 970)
    assert kpi("abandonment_rate", worked_day(), "offered") == Fraction(2, 25)


def test_target_80_percent_met_or_missed_depending_on_variant():
    target = Fraction(80, 100)
    met = {v: kpi("service_level", worked_day(), v) >= target for v in REGISTRY["service_level"].variants}
    assert met == {"offered_less_short_abandons": False, "offered": False, "handled": True,
                   "handled_plus_late_abandons": False, "short_abandons_met": True}


def two_days() -> pd.DataFrame:
    # day 1: 90/100 = 0.9; day 2: 630/900 = 0.7
    return pd.DataFrame({
        "date": pd.to_datetime(["2026-03-02", "2026-03-03"]),
        "offered": [100, 900], "handled": [95, 880], "abandoned": [5, 20], "answered_within_sl": [90, 630],
    })


def test_ratio_of_sums_is_not_the_mean_of_days():
    data = two_days()
    # Σ 720 / Σ 1000 = 0.72, while the mean of the daily ratios is (0.9 + 0.7) / 2 = 0.8
    assert kpi("service_level", data, "offered") == Fraction(72, 100)
    assert kpi("service_level", data, "offered", aggregation="mean_of_days") == Fraction(8, 10)
    assert kpi("service_level", data, "offered", aggregation="ratio_of_sums") == Fraction(72, 100)


def test_mean_of_intervals_needs_interval_rows():
    data = two_days()
    with pytest.raises(ValueError, match="interval_start"):
        kpi("service_level", data, "offered", aggregation="mean_of_intervals")
    data["date"] = pd.to_datetime(["2026-03-02", "2026-03-02"])
    data["interval_start"] = ["09:00", "09:30"]
    assert kpi("service_level", data, "offered", aggregation="mean_of_intervals") == Fraction(8, 10)


def test_mean_of_days_skips_days_without_contacts():
    data = two_days()
    extra = pd.DataFrame({"date": pd.to_datetime(["2026-03-04"]), "offered": [0], "handled": [0],
                          "abandoned": [0], "answered_within_sl": [0]})
    data = pd.concat([data, extra], ignore_index=True)
    assert kpi("service_level", data, "offered", aggregation="mean_of_days") == Fraction(8, 10)


def contacts() -> pd.DataFrame:
    """Six contacts: three answered (queue 10, 20, 25 s), three abandoned (3, 15, 40 s)."""
    return pd.DataFrame({
        "contact_id": ["c1", "c2", "c3", "c4", "c5", "c6"],
        "start": pd.to_datetime(["2026-03-02 09:00", "2026-03-02 09:10", "2026-03-02 09:40",
                                 "2026-03-03 10:00", "2026-03-03 10:05", "2026-03-03 10:10"]),
        "queue_s": [10, 20, 25, 3, 15, 40],
        "answered": [True, True, True, False, False, False],
        "abandoned": [False, False, False, True, True, True],
        "talk_s": [100, 200, 50, 0, 0, 0], "hold_s": [0, 10, 0, 0, 0, 0], "acw_s": [20, 30, 10, 0, 0, 0],
        "resolved": [True, False, True, False, False, False],
        "qa_score": [80, None, 90, None, None, None],
    })


def test_contact_records_with_threshold():
    data = contacts()
    # T = 20: answered within 2 (10, 20: ≤ is inclusive); short ≤ 5: 1 (3 s); abandoned ≤ 20: 2 (3, 15)
    options = {"threshold_s": 20, "short_abandon_s": 5}
    assert kpi("service_level", data, **options) == Fraction(2, 6 - 1)
    assert kpi("service_level", data, "offered", **options) == Fraction(2, 6)
    assert kpi("service_level", data, "handled", **options) == Fraction(2, 3)
    assert kpi("service_level", data, "handled_plus_late_abandons", **options) == Fraction(2, 3 + 3 - 2)
    assert kpi("service_level", data, "short_abandons_met", **options) == Fraction(2 + 2, 6)
    # a different threshold recomputed from the same records: 25 s → 3 answered within
    assert kpi("service_level", data, threshold_s=25, short_abandon_s=5) == Fraction(3, 5)
    # abandonment: (3 − 1) / (6 − 1)
    assert kpi("abandonment_rate", data, short_abandon_s=5) == Fraction(2, 5)


def test_contact_records_times_fcr_and_qa():
    data = contacts()
    assert kpi("asa_s", data) == Fraction(10 + 20 + 25, 3)
    assert kpi("aht_s", data) == Fraction(120 + 240 + 60, 3)  # = 140 s
    assert kpi("fcr", data) == Fraction(2, 3)
    assert kpi("qa_score", data) == Fraction(85)  # (80 + 90) / 2: contacts without a score are left out


def test_contact_records_with_decimal_queue_times():
    data = contacts()
    data["queue_s"] = pd.Series([Decimal("10.5"), Decimal("20.0"), Decimal("20.01"), Decimal("3"),
                                 Decimal("15"), Decimal("40")], dtype=object)
    assert kpi("service_level", data, "offered", threshold_s=20) == Fraction(2, 6)
    assert kpi("service_level", data, "offered", threshold_s=Decimal("20.01")) == Fraction(3, 6)
    assert kpi("asa_s", data) == Fraction(Decimal("50.51")) / 3


def test_contact_records_mean_of_days():
    data = contacts()
    # day 1: 2/3 within 20 s among offered; day 2: 0/3 → mean 1/3; ratio of sums 2/6
    assert kpi("service_level", data, "offered", threshold_s=20, aggregation="mean_of_days") == Fraction(1, 3)


def test_contact_records_need_the_threshold():
    with pytest.raises(ValueError, match="threshold_s"):
        kpi("service_level", contacts(), "offered")
    with pytest.raises(ValueError, match="short_abandon_s"):
        kpi("service_level", contacts(), threshold_s=20)


def test_activity_counted_at_another_threshold_is_refused():
    data = worked_day()
    data["sl_threshold_s"] = 20
    assert kpi("service_level", data, threshold_s=20) == Fraction(76, 97)
    with pytest.raises(ValueError, match="sl_threshold_s 20"):
        kpi("service_level", data, threshold_s=30)


def test_no_data_is_none():
    empty = worked_day().iloc[0:0]
    assert kpi("service_level", empty) is None
    zero = worked_day().assign(offered=0, abandoned_short=0)
    assert kpi("service_level", zero, "offered") is None


def test_weighted_scores_from_activity_rows():
    data = pd.DataFrame({"handled": [100, 300, 100],
                         "qa_score": pd.Series([Decimal("80"), Decimal("90.5"), None], dtype=object)})
    # (100 × 80 + 300 × 90.5) / 400 = 35150 / 400; the row without a score weighs nothing
    assert kpi("qa_score", data) == Fraction(35150, 400)


def test_exact_money_ratios():
    data = pd.DataFrame({"handled": [600, 400],
                         "collected_amount": pd.Series([Decimal("100.10"), Decimal("0")], dtype=object),
                         "placed_amount": pd.Series([Decimal("200.20"), Decimal("100.10")], dtype=object)})
    assert kpi("collections_recovery_rate", data) == Fraction(1, 3)
    assert kpi("cost_per_contact", data, invoice_net=Decimal("1234.50")) == Fraction(123450, 100 * 1000)
    with pytest.raises(ValueError, match="invoice_net"):
        kpi("cost_per_contact", data)


def test_workforce_kpis():
    workforce = pd.DataFrame({"month": ["2026-03"], "headcount_avg": [100], "headcount_start": [125],
                              "leavers": [5], "training_hours": [850]})
    assert kpi("attrition_rate", workforce) == Fraction(5, 100)
    assert kpi("attrition_rate", workforce, "start_headcount") == Fraction(5, 125)
    assert kpi("training_hours_per_head", workforce) == Fraction(17, 2)


def test_unknown_kpi_variant_option_and_missing_column():
    with pytest.raises(ValueError, match="valid KPIs: service_level, abandonment_rate"):
        kpi("service_levels", worked_day())
    with pytest.raises(ValueError, match="valid variants: offered_less_short_abandons, offered"):
        kpi("service_level", worked_day(), "answered")
    with pytest.raises(ValueError, match="unknown KPI option"):
        kpi("service_level", worked_day(), threshold=20)
    with pytest.raises(ValueError, match="aggregation"):
        kpi("service_level", worked_day(), aggregation="median")
    no_short = worked_day().drop(columns=["abandoned_short"])
    with pytest.raises(ValueError, match=r"'service_level'.*'offered_less_short_abandons'.*'abandoned_short'"):
        kpi("service_level", no_short)


def test_every_kpi_of_the_spec_is_registered_with_units_and_definitions():
    assert set(REGISTRY) == {"service_level", "abandonment_rate", "asa_s", "aht_s", "occupancy", "fcr",
                             "qa_score", "csat", "attrition_rate", "training_hours_per_head",
                             "cost_per_contact", "collections_recovery_rate"}
    assert set(REGISTRY["service_level"].variants) == {
        "offered_less_short_abandons", "offered", "handled", "handled_plus_late_abandons",
        "short_abandons_met"}
    assert set(REGISTRY["attrition_rate"].variants) == {"default", "start_headcount"}
    for spec in REGISTRY.values():
        for variant in spec.variants.values():
            assert variant.unit in kpis.UNITS
            assert definition(spec.name, variant.name, "en") and definition(spec.name, variant.name, "es")


def test_required_columns():
    assert required_columns("service_level") == {"answered_within_sl", "offered", "abandoned_short"}
    assert required_columns("service_level", "handled_plus_late_abandons") == {
        "answered_within_sl", "handled", "abandoned", "abandoned_within_sl"}
    assert required_columns("aht_s") == {"talk_s", "hold_s", "acw_s", "handled"}
    assert required_columns("cost_per_contact") == {"handled"}


def test_definitions_with_thresholds():
    assert definition("service_level", threshold_s=20, short_abandon_s=5) == (
        "answered within 20 s / (offered − abandoned within 5 s)")
    assert definition("service_level", lang="es", threshold_s=20, short_abandon_s=5) == (
        "atendidas dentro de 20 s / (ofrecidas − abandonadas dentro de 5 s)")
    assert definition("service_level", "offered", threshold_s=Decimal("20.0"), aggregation="mean_of_days") == (
        "answered within 20 s / offered; mean of daily values")


def test_kpi_table_uses_the_contract_then_defaults():
    data = worked_day().assign(talk_s=[230000], hold_s=[0], acw_s=[46000])
    settings = {"service_level": {"variant": "offered_less_short_abandons", "threshold_s": 20,
                                  "short_abandon_s": 5, "decimals": 1}}
    table = kpi_table(data, settings)
    assert list(table.columns) == ["kpi", "variant", "unit", "value", "value_float", "decimals", "threshold_s",
                                   "short_abandon_s", "aggregation"]
    assert list(table["kpi"]) == ["service_level", "abandonment_rate", "aht_s"]  # no logged_s: no occupancy
    first = table.iloc[0]
    assert first["value"] == Fraction(76, 97)
    assert (first["decimals"], first["threshold_s"], first["short_abandon_s"], first["aggregation"]) == (
        1, 20, 5, "ratio_of_sums")
    assert definition(first["kpi"], first["variant"], "en", threshold_s=first["threshold_s"],
                      short_abandon_s=first["short_abandon_s"]) == (
        "answered within 20 s / (offered − abandoned within 5 s)")
    assert kpi_value(first["value"], first["unit"], "en", first["decimals"]) == "78.4%"  # 78.35… % at 1 decimal
    assert kpi_value(first["value"], first["unit"], "es", first["decimals"]) == "78,4 %"
    second = table.iloc[1]
    assert (second["decimals"], second["threshold_s"], second["short_abandon_s"]) == (None, 20, 5)  # borrowed
    assert definition(second["kpi"], second["variant"], "en", threshold_s=second["threshold_s"],
                      short_abandon_s=second["short_abandon_s"]) == (
        "abandoned after 5 s / (offered − abandoned within 5 s)")
    assert table.iloc[2]["value"] == Fraction(276000, 920)  # 300 s
    with pytest.raises(ValueError, match=r"kpis\.service_level\.treshold_s"):
        kpi_table(data, {"service_level": {"treshold_s": 20}})


def test_round_on_scale():
    # percentage points for ratios, half-up: 80.46 % → 80.5 %, 80.45 % → 80.5 %, 80.44 % → 80.4 %
    assert kpis.round_on_scale(Fraction(8046, 10000), "fraction", 1) == Fraction(805, 1000)
    assert kpis.round_on_scale(Fraction(8045, 10000), "fraction", 1) == Fraction(805, 1000)
    assert kpis.round_on_scale(Fraction(8044, 10000), "fraction", 1) == Fraction(804, 1000)
    assert kpis.round_on_scale(Fraction(30045, 100), "seconds", 1) == Fraction(3005, 10)


def test_sum_is_an_alias_of_ratio_of_sums_and_check_variant():
    assert kpi("service_level", two_days(), "offered", aggregation="sum") == Fraction(72, 100)
    kpis.check_variant("attrition_rate", "start_headcount")
    with pytest.raises(ValueError, match="valid variants: default, start_headcount"):
        kpis.check_variant("attrition_rate", "end_headcount")


# ------------------------------------------------------------------------------------------------
# Worked checks against the spec (hand-computed)
# ------------------------------------------------------------------------------------------------

F = Fraction


def spec_two_days() -> pd.DataFrame:
    """Day 1 = kpis.md worked check; day 2 a small, bad day.

    day 1: offered 1000, handled 920, abandoned 80 (short 30, within SL 45), answered ≤ 20 s 760
    day 2: offered 100, handled 80, abandoned 20 (short 10, within SL 12), answered ≤ 20 s 40
    """
    return pd.DataFrame({
        "date": pd.to_datetime(["2026-03-02", "2026-03-03"]),
        "supplier": ["nw", "nw"], "service": ["care", "care"],
        "offered": [1000, 100], "handled": [920, 80], "abandoned": [80, 20],
        "abandoned_short": [30, 10], "abandoned_within_sl": [45, 12], "answered_within_sl": [760, 40],
        "wait_s": [7360, 4000], "talk_s": [200_000, 20_000], "hold_s": [10_000, 1_000],
        "acw_s": [20_000, 3_000], "logged_s": [300_000, 30_000],
        "resolved_first_contact": [690, 40],
        "qa_score": [80.0, None], "csat": [Decimal("4.5"), Decimal("3.0")],
        "collected_amount": [Decimal("1000.00"), Decimal("250.50")],
        "placed_amount": [Decimal("5000.00"), Decimal("1000.00")],
    })


# ----------------------------------------------------------------------------- service level, 2 days

@pytest.mark.parametrize(("variant", "sums", "days"), [
    # ratio of sums: Σ numerator / Σ denominator over both days
    # mean_of_days: (day1 + day2) / 2
    ("offered_less_short_abandons", F(800, 1060), (F(760, 970) + F(40, 90)) / 2),  # 1100 − 40 = 1060
    ("offered", F(800, 1100), (F(760, 1000) + F(40, 100)) / 2),
    ("handled", F(800, 1000), (F(760, 920) + F(40, 80)) / 2),
    # handled + abandoned − abandoned_within_sl: 920+80−45 = 955, 80+20−12 = 88 → Σ 1043
    ("handled_plus_late_abandons", F(800, 1043), (F(760, 955) + F(40, 88)) / 2),
    # (760 + 45) / 1000, (40 + 12) / 100 → Σ 857 / 1100
    ("short_abandons_met", F(857, 1100), (F(805, 1000) + F(52, 100)) / 2),
])
def test_service_level_two_days_every_variant(variant, sums, days):
    data = spec_two_days()
    assert kpi("service_level", data, variant) == sums
    assert kpi("service_level", data, variant, aggregation="ratio_of_sums") == sums
    assert kpi("service_level", data, variant, aggregation="mean_of_days") == days


@pytest.mark.parametrize(("variant", "one_day", "sums", "days"), [
    # (80 − 30) / (1000 − 30) = 50/970; day 2 (20 − 10)/(100 − 10) = 10/90; Σ 60/1060
    ("offered_less_short_abandons", F(50, 970), F(60, 1060), (F(50, 970) + F(10, 90)) / 2),
    ("offered", F(80, 1000), F(100, 1100), (F(80, 1000) + F(20, 100)) / 2),
])
def test_abandonment_rate_variants_worked(variant, one_day, sums, days):
    data = spec_two_days()
    assert kpi("abandonment_rate", data.iloc[:1], variant) == one_day
    assert kpi("abandonment_rate", data, variant) == sums
    assert kpi("abandonment_rate", data, variant, aggregation="mean_of_days") == days


def test_default_abandonment_variant_is_offered_less_short_abandons():
    assert kpi("abandonment_rate", spec_two_days()) == F(60, 1060)


def test_mean_of_intervals_is_mean_of_interval_ratios_over_every_day():
    # 3 intervals: 8/10, 1/2 on day 1; 9/10 on day 2 → mean (0.8 + 0.5 + 0.9) / 3 = 11/15
    # mean_of_days would be ((9/12) + 0.9) / 2 = 33/40; ratio of sums 18/22 = 9/11
    data = pd.DataFrame({
        "date": pd.to_datetime(["2026-03-02", "2026-03-02", "2026-03-03"]),
        "interval_start": ["09:00", "09:30", "09:00"],
        "offered": [10, 2, 10], "answered_within_sl": [8, 1, 9], "handled": [10, 2, 10],
    })
    assert kpi("service_level", data, "offered", aggregation="mean_of_intervals") == F(11, 15)
    assert kpi("service_level", data, "offered", aggregation="mean_of_days") == F(33, 40)
    assert kpi("service_level", data, "offered") == F(9, 11)


def test_an_empty_day_is_skipped_in_mean_of_days_not_counted_as_zero():
    # day 2 offered 0 → no value; mean of days = day 1 only = 0.8
    data = pd.DataFrame({"date": pd.to_datetime(["2026-03-02", "2026-03-03"]),
                         "offered": [10, 0], "answered_within_sl": [8, 0]})
    assert kpi("service_level", data, "offered", aggregation="mean_of_days") == F(4, 5)


# ----------------------------------------------------------------------------- other KPIs

def test_times_and_ratios_over_two_days():
    data = spec_two_days()
    # asa: (7360 + 4000) / (920 + 80) = 11360 / 1000 = 11.36 s
    assert kpi("asa_s", data) == F(1136, 100)
    # aht: (200000+10000+20000 + 20000+1000+3000) / 1000 = 254000 / 1000 = 254 s
    assert kpi("aht_s", data) == 254
    # occupancy: 254000 / 330000 = 254/330 = 127/165 (a fraction, not a percentage)
    assert kpi("occupancy", data) == F(127, 165)
    assert kpi("occupancy", data) < 1
    # fcr: (690 + 40) / 1000
    assert kpi("fcr", data) == F(73, 100)
    # collections: 1250.50 / 6000.00
    assert kpi("collections_recovery_rate", data) == F(125050, 600000)


def test_qa_score_is_handled_weighted_over_days_with_a_score():
    # day 2 has no QA score: weight only day 1 → 80 × 920 / 920 = 80 (not (80 + 0) / 2, nor 80×920/1000)
    assert kpi("qa_score", spec_two_days()) == 80
    three = pd.DataFrame({"handled": [100, 300, 50], "qa_score": [80.0, 90.0, None]})
    # (80×100 + 90×300) / 400 = 35000/400 = 87.5
    assert kpi("qa_score", three) == F(175, 2)


def test_csat_is_handled_weighted():
    # (4.5 × 920 + 3.0 × 80) / 1000 = (4140 + 240) / 1000 = 4.38
    assert kpi("csat", spec_two_days()) == F(438, 100)


def test_workforce_kpis_worked():
    workforce = pd.DataFrame({
        "month": ["2026-03", "2026-03"], "supplier": ["nw", "nw"], "service": ["care", "sales"],
        "headcount_avg": [Decimal("45.5"), Decimal("14.5")], "headcount_start": [40, 10],
        "leavers": [2, 1], "training_hours": [Decimal("400"), Decimal("80")],
    })
    # attrition: 3 / 60 = 1/20 = 0.05; start_headcount: 3 / 50
    assert kpi("attrition_rate", workforce) == F(1, 20)
    assert kpi("attrition_rate", workforce, "start_headcount") == F(3, 50)
    # training hours per head: 480 / 60 = 8
    assert kpi("training_hours_per_head", workforce) == 8


def test_cost_per_contact_uses_invoice_net_over_handled():
    # 12345.67 / 1000 handled = 12.34567 exactly
    value = kpi("cost_per_contact", spec_two_days(), invoice_net=Decimal("12345.67"))
    assert value == F(1234567, 100000)
    with pytest.raises(ValueError, match="invoice_net"):
        kpi("cost_per_contact", spec_two_days())


def test_no_data_is_none_and_unknown_names_raise():
    empty = spec_two_days().iloc[:0]
    assert kpi("service_level", empty, "offered") is None
    with pytest.raises(ValueError, match="variant"):
        kpi("service_level", spec_two_days(), "answered")
    with pytest.raises(ValueError, match="unknown KPI"):
        kpi("service_levels", spec_two_days())


def test_round_on_scale_percentage_points_and_seconds():
    # 0.80455 → 80.455 % → 1 decimal, half-up → 80.5 %; 0.80449 → 80.4 %
    assert kpis.round_on_scale(F(80455, 100000), "fraction", 1) == F(805, 1000)
    assert kpis.round_on_scale(F(80449, 100000), "fraction", 1) == F(804, 1000)
    # 245.25 s at 1 decimal → 245.3 s; at 0 → 245 s; 245.5 s at 0 → 246 s (half up)
    assert kpis.round_on_scale(F(24525, 100), "seconds", 1) == F(2453, 10)
    assert kpis.round_on_scale(F(24525, 100), "seconds", 0) == 245
    assert kpis.round_on_scale(F(491, 2), "seconds", 0) == 246


# ----------------------------------------------------------------------------- contact records

def spec_contacts() -> pd.DataFrame:
    """10 contacts on 2 days; queue_s chosen on the thresholds (5, 10, 20).

    answered: queue 0, 10, 20, 21, 30, 5 (6 handled); abandoned: queue 3, 5, 12, 40 (4 abandoned)
    """
    rows = [
        ("c1", "2026-03-02 09:00", 0, True, False), ("c2", "2026-03-02 09:10", 10, True, False),
        ("c3", "2026-03-02 09:40", 20, True, False), ("c4", "2026-03-02 09:50", 21, True, False),
        ("c5", "2026-03-03 10:00", 30, True, False), ("c6", "2026-03-03 10:05", 5, True, False),
        ("a1", "2026-03-02 09:20", 3, False, True), ("a2", "2026-03-02 09:35", 5, False, True),
        ("a3", "2026-03-03 10:10", 12, False, True), ("a4", "2026-03-03 10:20", 40, False, True),
    ]
    frame = pd.DataFrame(rows, columns=["contact_id", "start", "queue_s", "answered", "abandoned"])
    frame["start"] = pd.to_datetime(frame["start"])
    frame["supplier"], frame["service"] = "nw", "care"
    frame["talk_s"] = [100, 200, 300, 400, 500, 600, 0, 0, 0, 0]
    frame["hold_s"] = 0
    frame["acw_s"] = [10] * 6 + [0] * 4
    return frame


@pytest.mark.parametrize(("threshold", "short", "expected"), [
    # T = 20: answered ≤ 20 → c1 c2 c3 c6 = 4 (queue 20 counts: ≤ is inclusive); short ≤ 5 → a1 a2 = 2
    # offered_less_short_abandons = 4 / (10 − 2) = 1/2
    (20, 5, F(4, 8)),
    # T = 10: c1 c2 c6 = 3; short ≤ 5 → 2 → 3/8
    (10, 5, F(3, 8)),
    # T = 30, short 12: c1..c3, c4, c5, c6 = 6; short a1 a2 a3 = 3 → 6/7
    (30, 12, F(6, 7)),
    # T = 0, short 0: c1 only; no abandon at 0 s → 1/10
    (0, 0, F(1, 10)),
])
def test_contact_records_any_threshold(threshold, short, expected):
    assert kpi("service_level", spec_contacts(), threshold_s=threshold, short_abandon_s=short) == expected


def test_contact_records_every_variant_at_20_s():
    c = spec_contacts()
    # handled 6, abandoned 4, abandoned ≤ 20 s: a1 a2 a3 = 3, answered ≤ 20 = 4
    assert kpi("service_level", c, "offered", threshold_s=20) == F(4, 10)
    assert kpi("service_level", c, "handled", threshold_s=20) == F(4, 6)
    assert kpi("service_level", c, "handled_plus_late_abandons", threshold_s=20) == F(4, 6 + 4 - 3)
    assert kpi("service_level", c, "short_abandons_met", threshold_s=20) == F(4 + 3, 10)
    # abandonment (4 − 2) / (10 − 2) = 1/4
    assert kpi("abandonment_rate", c, short_abandon_s=5) == F(1, 4)
    # asa over answered only: (0 + 10 + 20 + 21 + 30 + 5) / 6 = 86 / 6
    assert kpi("asa_s", c) == F(86, 6)
    # aht: (2100 talk + 60 acw) / 6 = 360
    assert kpi("aht_s", c) == 360
    # mean of days: day 1 (c1..c4, a1, a2): 3 ≤ 20 / (6 − 2) = 3/4; day 2: c6 / (4 − 1 short a3? no: ≤5 none)
    # day 2 contacts c5 (30), c6 (5), a3 (12), a4 (40): answered ≤ 20 = 1, short ≤ 5 = 0 → 1/4
    assert kpi("service_level", c, threshold_s=20, short_abandon_s=5, aggregation="mean_of_days") == F(1, 2)


def test_contacts_to_activity_gives_the_same_kpis():
    from ccanalysis.contacts import to_activity
    activity = to_activity(spec_contacts(), threshold_s=20, short_abandon_s=5)
    assert int(activity["offered"].sum()) == 10
    assert int(activity["answered_within_sl"].sum()) == 4  # queue_s == 20 counts (inclusive)
    assert int(activity["abandoned_short"].sum()) == 2  # queue_s == 5 counts
    assert int(activity["abandoned_within_sl"].sum()) == 3
    assert kpi("service_level", activity) == F(1, 2)
    assert kpi("service_level", activity, aggregation="mean_of_days") == F(1, 2)  # (3/4 + 1/4) / 2
    assert kpi("asa_s", activity) == F(86, 6)
    # 30-minute intervals, day 1: 09:00 (c1, c2, a1: ≤20 → 2 / (3 − 1) = 1), 09:30 (c3, c4, a2: 1/(3 − 1))
    # day 2 10:00 (c5, c6, a3, a4 → 1/4) → mean (1 + 1/2 + 1/4) / 3 = 7/12
    intervals = to_activity(spec_contacts(), threshold_s=20, short_abandon_s=5, freq="30min")
    assert kpi("service_level", intervals, aggregation="mean_of_intervals") == F(7, 12)
    assert kpi("service_level", spec_contacts(), threshold_s=20, short_abandon_s=5,
               aggregation="mean_of_intervals") == F(7, 12)


# ----------------------------------------------------------------------------- SLA rules

SERVICE_KPIS = {"service_level": {"threshold_s": 20, "short_abandon_s": 5}}


def day(answered: int, offered: int = 1000, short: int = 0, **extra) -> pd.DataFrame:
    row = {"date": pd.Timestamp("2026-03-02"), "offered": offered, "handled": offered,
           "abandoned": short, "abandoned_short": short, "abandoned_within_sl": short,
           "answered_within_sl": answered}
    row.update(extra)
    return pd.DataFrame([row])


BANDS = [{"below": 0.70, "adjustment": -0.05}, {"from": 0.70, "below": 0.75, "adjustment": -0.02},
         {"from": 0.85, "adjustment": 0.02}]


def run(rules, data, base="10000", start=None, period_start=date(2026, 3, 1), service_kpis=None, **caps):
    block = {"rules": rules, **caps}
    if start is not None:
        block["start"] = start
    return sla.evaluate(block, SERVICE_KPIS if service_kpis is None else service_kpis, data,
                        Decimal(base), period_start)


def test_band_exactly_at_from_and_exactly_at_below():
    # exactly 7/10 (700 of 1000) is in the band from 0.70 → −0.02 × 10000 = −200.00
    lines = run([{"kpi": "service_level", "bands": BANDS}], day(700))
    assert [(ln.charge, ln.amount) for ln in lines] == [("sla:service_level", Decimal("-200.00"))]
    # 699/1000 is below 0.70 → −0.05 → −500.00
    assert run([{"kpi": "service_level", "bands": BANDS}], day(699))[0].amount == Decimal("-500.00")
    # exactly 0.75 is not in [0.70, 0.75) and in no other band → no line
    assert run([{"kpi": "service_level", "bands": BANDS}], day(750)) == []
    # exactly 0.85 → bonus +200.00
    assert run([{"kpi": "service_level", "bands": BANDS}], day(850))[0].amount == Decimal("200.00")


def test_band_with_a_value_that_is_not_a_short_decimal():
    # 7/10 computed as 679 / 970 (offered 1000 − 30 short): 679/970 = 0.7 exactly → band from 0.70
    lines = run([{"kpi": "service_level", "bands": BANDS}], day(679, short=30))
    assert lines[0].amount == Decimal("-200.00")
    # 678/970 = 0.69896… → −0.05
    assert run([{"kpi": "service_level", "bands": BANDS}], day(678, short=30))[0].amount == Decimal("-500.00")


def test_linear_worse_below_per_point_for_a_ratio():
    # value 760/970 = 0.783505…; target 0.80, worse below: gap = 0.80 − 760/970 = 16/970
    # per_point −0.01 per 0.01 → adjustment = −(16/970) = −0.016494…; × 10000 = −164.948… → −164.95
    rule = {"kpi": "service_level", "linear": {"target": 0.80, "per_point": -0.01, "worse": "below"}}
    lines = run([rule], day(760, short=30))
    assert lines[0].amount == Decimal("-164.95")
    # the same with per_unit −1 (per 1.00 of the ratio) gives the same money
    rule2 = {"kpi": "service_level", "linear": {"target": 0.80, "per_unit": -1, "worse": "below"}}
    assert run([rule2], day(760, short=30))[0].amount == Decimal("-164.95")
    # on the better side no penalty
    assert run([rule], day(900)) == []


def test_linear_clip_and_bonus_side():
    # value 0.50, target 0.80: gap 0.30 = 30 points × −0.01 = −0.30 → clipped to min −0.03 → −300.00
    rule = {"kpi": "service_level",
            "linear": {"target": 0.80, "per_point": -0.01, "worse": "below", "min": -0.03, "max": 0}}
    assert run([rule], day(500))[0].amount == Decimal("-300.00")
    # bonus: side better, value 0.95: gap 15 points × 0.002 = 0.03 → clipped at max 0.02 → +200.00
    bonus = {"kpi": "service_level",
             "linear": {"target": 0.80, "per_point": 0.002, "worse": "below", "side": "better", "max": 0.02}}
    assert run([bonus], day(950))[0].amount == Decimal("200.00")
    # value 0.81: 1 point × 0.002 = 0.002 → +20.00
    assert run([bonus], day(810))[0].amount == Decimal("20.00")


def test_linear_seconds_with_decimals():
    # AHT = 300.45 s; decimals 0 → 300 s → on target → no line; without decimals gap 0.45 s × −0.001
    # = −0.00045 × 10000 = −4.50
    data = day(800, talk_s=300450, hold_s=0, acw_s=0)  # handled 1000 → 300.45 s
    rule = {"kpi": "aht_s", "linear": {"target": 300, "per_unit": -0.001, "worse": "above"}}
    assert run([rule], data)[0].amount == Decimal("-4.50")
    assert run([{**rule, "decimals": 0}], data) == []
    # decimals 1: 300.45 → 300.5 (half up) → gap 0.5 × −0.001 × 10000 = −5.00
    assert run([{**rule, "decimals": 1}], data)[0].amount == Decimal("-5.00")


def test_decimals_on_a_ratio_counts_percentage_points():
    # 8046/10000 = 80.46 % → decimals 1 → 80.5 % → band from 0.805 → +0.01
    bands = [{"from": 0.805, "adjustment": 0.01}]
    data = day(8046, offered=10000)
    assert run([{"kpi": "service_level", "bands": bands}], data) == []  # exact 0.8046 < 0.805
    assert run([{"kpi": "service_level", "bands": bands, "decimals": 1}], data)[0].amount == Decimal("100.00")


def test_start_after_the_period_start_gives_no_adjustment():
    rule = [{"kpi": "service_level", "bands": BANDS}]
    # the period begins 2026-03-01, before start 2026-03-15 → none, even though start is inside it
    assert run(rule, day(600), start="2026-03-15") == []
    # start on the period's first day → in force
    assert run(rule, day(600), start="2026-03-01")[0].amount == Decimal("-500.00")
    assert run(rule, day(600), start=date(2026, 2, 1))[0].amount == Decimal("-500.00")


def test_penalty_cap_on_the_sum_of_rounded_lines():
    # base 1234.56; SL 0.60 → −0.05 × 1234.56 = −61.728 → −61.73
    # AHT 400 s, target 300, −0.001/s → −0.10 (clip −0.08) → −0.08 × 1234.56 = −98.7648 → −98.76
    # Σ = −160.49; cap 10 % = 123.456 → 123.46; cap line = −123.46 − (−160.49) = +37.03
    data = day(600, talk_s=400_000, hold_s=0, acw_s=0)
    rules = [{"kpi": "service_level", "bands": BANDS},
             {"kpi": "aht_s", "linear": {"target": 300, "per_unit": -0.001, "worse": "above", "min": -0.08}}]
    lines = run(rules, data, base="1234.56", penalty_cap=0.10)
    assert [(ln.charge, ln.amount) for ln in lines] == [
        ("sla:service_level", Decimal("-61.73")), ("sla:aht_s", Decimal("-98.76")),
        ("sla:cap_penalty", Decimal("37.03"))]
    assert sum(ln.amount for ln in lines) == Decimal("-123.46")


def test_bonus_and_penalty_capped_separately():
    # SL 0.90 → +0.02 (bands) and a second SL rule (id sl_linear) +0.03 bonus → Σ bonus 0.05 × 10000
    # = 500.00 > bonus cap 3 % = 300.00 → cap_bonus −200.00.
    # AHT 400 s → −0.10 clipped to −0.08 → −800.00 > penalty cap 5 % = 500.00 → cap_penalty +300.00
    data = day(900, talk_s=400_000, hold_s=0, acw_s=0)
    rules = [{"kpi": "service_level", "bands": BANDS},
             {"id": "sl_linear", "kpi": "service_level",
              "linear": {"target": 0.60, "per_point": 0.001, "worse": "below", "side": "better"}},
             {"kpi": "aht_s", "linear": {"target": 300, "per_unit": -0.001, "worse": "above", "min": -0.08}}]
    lines = run(rules, data, penalty_cap=0.05, bonus_cap=0.03)
    got = {ln.charge: ln.amount for ln in lines}
    # sl_linear: value 0.90 − target 0.60 = 30 points × 0.001 = +0.03 → 300.00
    assert got == {"sla:service_level": Decimal("200.00"), "sla:sl_linear": Decimal("300.00"),
                   "sla:aht_s": Decimal("-800.00"), "sla:cap_penalty": Decimal("300.00"),
                   "sla:cap_bonus": Decimal("-200.00")}


def test_two_rules_on_one_kpi_penalty_and_bonus_net_before_caps():
    # SL 0.72 → band −0.02 (−200.00); second rule on SL, linear bonus above 0.70 by 2 points × 0.005
    # = +0.01 (+100.00). Net on the KPI −100.00: within a 1.5 % (150.00) penalty cap → no cap line,
    # though the penalty line alone (−200.00) passes it.
    data = day(720)
    rules = [{"kpi": "service_level", "bands": BANDS},
             {"id": "sl_bonus", "kpi": "service_level",
              "linear": {"target": 0.70, "per_point": 0.005, "worse": "below", "side": "better"}}]
    lines = run(rules, data, penalty_cap=0.015)
    assert [(ln.charge, ln.amount) for ln in lines] == [
        ("sla:service_level", Decimal("-200.00")), ("sla:sl_bonus", Decimal("100.00"))]


def test_rule_overrides_variant_and_threshold():
    # service default (offered_less_short_abandons at 20 s); rule 2 uses `offered` at 60 s from contacts
    c = spec_contacts()
    # rule 1: 4 / (10 − 2) = 0.5 → below 0.70 → −0.05 → −500.00
    # rule 2 at 60 s, offered: answered ≤ 60 = 6 / 10 = 0.6 → band below 0.70 → −0.05 → −500.00;
    # at 20 s it would be 4/10 → same band, so use bands that tell them apart:
    bands2 = [{"below": 0.5, "adjustment": -0.04}, {"from": 0.5, "adjustment": -0.01}]
    rules = [{"kpi": "service_level", "bands": BANDS},
             {"id": "sl_60", "kpi": "service_level", "variant": "offered", "threshold_s": 60, "bands": bands2}]
    lines = run(rules, c)
    assert [(ln.charge, ln.amount) for ln in lines] == [
        ("sla:service_level", Decimal("-500.00")), ("sla:sl_60", Decimal("-100.00"))]
    assert lines[1].variant == "offered"
    assert lines[1].value == F(6, 10)


def test_duplicate_rule_ids_are_an_error():
    with pytest.raises(ValueError, match="duplicate"):
        run([{"kpi": "service_level", "bands": BANDS}, {"kpi": "service_level", "bands": BANDS}], day(700))


def test_negative_half_cent_rounds_away_from_zero():
    # base 100.10 × −0.05 = −5.005 → −5.01 (half away from zero)
    assert run([{"kpi": "service_level", "bands": BANDS}], day(600), base="100.10")[0].amount == Decimal("-5.01")


# ----------------------------------------------------------------------------- compliance

def test_compliance_clauses_met_not_met_no_data():
    workforce = pd.DataFrame({
        "month": ["2026-03"], "supplier": ["nw"], "service": ["care"], "headcount_avg": [40],
        "leavers": [2], "training_hours": [320], "certifications": ["iso27001;PCI-DSS"],
        "security_incidents": [0],
    })
    activity = spec_two_days()
    clauses = [
        {"id": "attrition", "kpi": "attrition_rate", "max": 0.05},  # 2/40 = 0.05 exactly → met
        {"id": "training", "kpi": "training_hours_per_head", "min": 8},  # 320/40 = 8 → met
        {"id": "iso27001", "certification": "ISO27001"},  # case-insensitive → met
        {"id": "quality_area", "evidence": "qa_score", "min": 85},  # 80 → not met
        {"id": "security", "max_incidents": 0},  # 0 → met
    ]
    out = compliance.evaluate(clauses, workforce=workforce, activity=activity, supplier="nw",
                              service="care", month="2026-03")
    assert dict(zip(out["id"], out["status"], strict=True)) == {
        "attrition": "met", "training": "met", "iso27001": "met", "quality_area": "not_met",
        "security": "met"}
    assert out.set_index("id").loc["attrition", "figure"] == F(1, 20)
    other_month = compliance.evaluate(clauses, workforce=workforce, activity=activity, supplier="nw",
                                      service="care", month="2026-04")
    assert set(other_month["status"]) == {"no_data"}


def test_kpi_accepts_a_contract_kpis_entry_with_decimals():
    # data.md contract entry unpacked into kpi(); decimals 1 on the worked check: 760/970 = 78.35 % → 78.4 %
    entry = {"variant": "offered_less_short_abandons", "threshold_s": 20, "short_abandon_s": 5, "decimals": 1}
    assert kpi("service_level", spec_two_days().iloc[:1], **entry) == F(784, 1000)
    # seconds: ASA 11.36 s at 0 decimals → 11 s
    assert kpi("asa_s", spec_two_days(), decimals=0) == 11
    assert kpi("service_level", spec_two_days().iloc[:0], decimals=1) is None


def test_linear_worse_above_for_a_ratio_kpi():
    # abandonment (80 − 0) / (1000 − 0) = 8 %; target 5 %, worse above: 3 points × −0.01 = −0.03 → −300.00
    data = pd.DataFrame({"offered": [1000], "abandoned": [80], "abandoned_short": [0]})
    rule = {"kpi": "abandonment_rate", "linear": {"target": 0.05, "per_point": -0.01, "worse": "above"}}
    lines = sla.evaluate({"rules": [rule]}, {"abandonment_rate": {"short_abandon_s": 5}}, data,
                         Decimal("10000"), date(2026, 3, 1))
    assert [(ln.charge, ln.amount, ln.fraction) for ln in lines] == [
        ("sla:abandonment_rate", Decimal("-300.00"), Decimal("-0.03"))]


def test_bonus_exactly_at_the_cap_gives_no_cap_line_and_linear_seconds_bonus():
    # AHT 280 s, target 300 worse above, side better, +0.001/s → gap 20 s → +0.02; bonus cap 2 % → equal,
    # not past it → no cap line; 0.02 × 10000 = 200.00
    data = day(800, talk_s=280_000, hold_s=0, acw_s=0)
    rule = {"kpi": "aht_s", "linear": {"target": 300, "per_unit": 0.001, "worse": "above", "side": "better"}}
    lines = run([rule], data, bonus_cap=0.02)
    assert [(ln.charge, ln.amount) for ln in lines] == [("sla:aht_s", Decimal("200.00"))]
    # a 1.5 % cap: 150.00 → cap_bonus −50.00
    lines = run([rule], data, bonus_cap=0.015)
    assert [(ln.charge, ln.amount) for ln in lines] == [("sla:aht_s", Decimal("200.00")),
                                                        ("sla:cap_bonus", Decimal("-50.00"))]
