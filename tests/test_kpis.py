"""KPI registry: kpis.md's worked check, ratio of sums vs mean of days, contact records, errors."""

from decimal import Decimal
from fractions import Fraction

import pandas as pd
import pytest

from ccanalysis import kpis
from ccanalysis.kpis import REGISTRY, definition, format_value, kpi, kpi_table, required_columns


def worked_day() -> pd.DataFrame:
    """kpis.md worked check: offered 1000, handled 920, abandoned 80 (30 ≤ 5 s, 45 ≤ 20 s), 760 ≤ 20 s."""
    return pd.DataFrame({
        "date": pd.to_datetime(["2026-03-02"]), "supplier": ["northwind"], "service": ["care"],
        "offered": [1000], "handled": [920], "abandoned": [80], "abandoned_short": [30],
        "abandoned_within_sl": [45], "answered_within_sl": [760],
    })


@pytest.mark.parametrize(("variant", "expected", "shown"), [
    ("offered_less_short_abandons", Fraction(760, 970), "78.35 %"),  # 760 / (1000 − 30)
    ("offered", Fraction(760, 1000), "76.00 %"),
    ("handled", Fraction(760, 920), "82.61 %"),
    ("handled_plus_late_abandons", Fraction(760, 955), "79.58 %"),  # 920 + 80 − 45 = 955
    ("short_abandons_met", Fraction(805, 1000), "80.50 %"),  # (760 + 45) / 1000
])
def test_service_level_worked_check_all_variants(variant, expected, shown):
    value = kpi("service_level", worked_day(), variant)
    assert isinstance(value, Fraction)
    assert value == expected
    assert format_value(value, "fraction") == shown


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
            assert variant.definition_en and variant.definition_es


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
    assert list(table.columns[:6]) == ["kpi", "variant", "definition", "unit", "value", "value_float"]
    assert list(table["kpi"]) == ["service_level", "abandonment_rate", "aht_s"]  # no logged_s: no occupancy
    first = table.iloc[0]
    assert first["value"] == Fraction(76, 97)
    assert first["definition"] == "answered within 20 s / (offered − abandoned within 5 s)"
    assert first["text"] == "78.4 %"  # 78.35… % at 1 decimal
    assert table.iloc[1]["definition"] == "abandoned after 5 s / (offered − abandoned within 5 s)"
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
