"""Collections KPIs (issue 15 item 3): every KPI worked by hand, promises kept or broken, a vintage curve,
agencies compared on a common mix (Simpson's paradox) and the registry's errors."""

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pandas as pd
import pytest

from ccanalysis.collections.kpis import (
    COLLECTIONS_KPIS,
    collections_kpi,
    collections_kpi_terms,
    promises,
    scope,
)
from ccanalysis.collections.vintage import (
    AgencyComparison,
    compare_agencies,
    debt_age_band,
    liquidation_curve,
)

MARCH = {"start": date(2026, 3, 1), "end": date(2026, 3, 31)}


def placements(rows: list[tuple]) -> pd.DataFrame:
    """(account_id, supplier, placed_on, recalled_on, debt_amount, days_past_due, segment)."""
    return pd.DataFrame(rows, columns=["account_id", "supplier", "placed_on", "recalled_on", "debt_amount",
                                       "days_past_due", "segment"])


def attempts(rows: list[tuple]) -> pd.DataFrame:
    """(account_id, supplier, start, outcome, promised_amount, promised_date)."""
    frame = pd.DataFrame(rows, columns=["account_id", "supplier", "start", "outcome", "promised_amount",
                                        "promised_date"])
    frame["start"] = pd.to_datetime(frame["start"])
    return frame


def payments(rows: list[tuple]) -> pd.DataFrame:
    """(account_id, paid_on, amount)."""
    return pd.DataFrame(rows, columns=["account_id", "paid_on", "amount"])


def d(text: str) -> date:
    return date.fromisoformat(text)


# Agency A over March 2026. Placements:
#   a1 A 02-15 → open     1000   (overlaps March)
#   a2 A 03-01 → 03-20     500   (overlaps March; recalled and placed with B the same day)
#   a3 A 03-10 → open     1500   (overlaps March)
#   a4 A 01-01 → 02-28     800   (recalled before March: not placed in March)
#   a5 A 04-02 → open      700   (placed after March)
#   b1 B 03-01 → open     2000   (B's)
#   a2 B 03-20 → open      500   (B's)
# Accounts placed with A in March: a1, a2, a3 → 3; debt placed 1000 + 500 + 1500 = 3000.
KPI_PLACEMENTS = placements([
    ("a1", "A", d("2026-02-15"), None, Decimal("1000"), 30, "retail"),
    ("a2", "A", d("2026-03-01"), d("2026-03-20"), Decimal("500"), 100, "retail"),
    ("a3", "A", d("2026-03-10"), None, Decimal("1500"), 200, "retail"),
    ("a4", "A", d("2026-01-01"), d("2026-02-28"), Decimal("800"), 10, "retail"),
    ("a5", "A", d("2026-04-02"), None, Decimal("700"), 10, "retail"),
    ("b1", "B", d("2026-03-01"), None, Decimal("2000"), 10, "retail"),
    ("a2", "B", d("2026-03-20"), None, Decimal("500"), 119, "retail"),
])
# Attempts; those counting for A in March are marked *:
#   a1 02-20 busy          (before March)
#   a1 03-02 no_answer   *
#   a1 03-03 rpc         *  contact, RPC
#   a1 03-05 ptp         *  contact, RPC, promise 300 by 03-15
#   a1 03-25 dispute     *  contact, RPC
#   a2 03-05 wrong_party *  contact
#   a2 03-21 voicemail     (A's, but a2 left A on 03-20)
#   a3 04-01 busy          (after March)
#   b1 03-02 rpc           (B's)
# → 5 attempts; 4 contacts; 3 RPC (all on a1); 1 ptp; accounts attempted a1, a2 (not a3).
KPI_ATTEMPTS = attempts([
    ("a1", "A", "2026-02-20 09:00", "busy", None, None),
    ("a1", "A", "2026-03-02 09:00", "no_answer", None, None),
    ("a1", "A", "2026-03-03 18:30", "rpc", None, None),
    ("a1", "A", "2026-03-05 10:00", "ptp", Decimal("300"), d("2026-03-15")),
    ("a1", "A", "2026-03-25 11:00", "dispute", None, None),
    ("a2", "A", "2026-03-05 12:00", "wrong_party", None, None),
    ("a2", "A", "2026-03-21 12:00", "voicemail", None, None),
    ("a3", "A", "2026-04-01 12:00", "busy", None, None),
    ("b1", "B", "2026-03-02 12:00", "rpc", None, None),
])
# Payments; attributed to A in March *:
#   a1 03-10 200 *, a1 03-14 100 *   (the promise of 300 paid in two instalments by 03-15)
#   a2 03-10  50 *                   (A holds a2 until 03-20)
#   a2 03-25  70                     (B holds a2)
#   a3 04-05 400                     (after March)
#   a4 03-05 999                     (a4 was recalled from A on 02-28)
# → collected by A in March 200 + 100 + 50 = 350.
KPI_PAYMENTS = payments([
    ("a1", d("2026-03-10"), Decimal("200")),
    ("a1", d("2026-03-14"), Decimal("100")),
    ("a2", d("2026-03-10"), Decimal("50")),
    ("a2", d("2026-03-25"), Decimal("70")),
    ("a3", d("2026-04-05"), Decimal("400")),
    ("a4", d("2026-03-05"), Decimal("999")),
])
# Fees by account and supplier: A's = 35 + 7 = 42 (a2's fee of 5 is B's; b1 is B's).
KPI_FEES = pd.DataFrame({"account_id": ["a1", "a2", "a2", "b1"], "supplier": ["A", "A", "B", "B"],
                         "amount": [Decimal("35"), Decimal("7"), Decimal("5"), Decimal("100")]})


def kpi_a(name: str, fees=KPI_FEES, **period) -> Fraction | None:
    return collections_kpi(name, KPI_PLACEMENTS, KPI_ATTEMPTS, KPI_PAYMENTS, fees, supplier="A",
                           **(period or MARCH))


@pytest.mark.parametrize(("name", "expected"), [
    ("penetration", Fraction(2, 3)),  # a1, a2 attempted ÷ 3 accounts placed
    ("contact_rate", Fraction(4, 5)),  # rpc, ptp, dispute, wrong_party ÷ 5 attempts
    ("rpc_rate_attempts", Fraction(3, 5)),  # rpc, ptp, dispute ÷ 5 attempts
    ("rpc_rate_accounts", Fraction(1, 3)),  # a1 ÷ 3 accounts placed
    ("ptp_rate", Fraction(1, 3)),  # 1 ptp ÷ 3 RPC attempts
    ("kept_promise_rate", Fraction(1, 1)),  # a1's 300 by 03-15: 200 + 100 paid by 03-14 → 1 kept ÷ 1 due
    ("recovery_rate", Fraction(350, 3000)),  # 350 collected ÷ 3000 placed = 7/60
    ("cost_to_collect", Fraction(42, 350)),  # 42 fees ÷ 350 collected = 3/25
    ("net_liquidation", Fraction(308, 3000)),  # (350 − 42) ÷ 3000 = 77/750
])
def test_each_kpi_of_agency_a_in_march(name, expected):
    value = kpi_a(name)
    assert value == expected and isinstance(value, Fraction)


def test_terms_are_exact_counts_and_money():
    assert collections_kpi_terms("penetration", KPI_PLACEMENTS, KPI_ATTEMPTS, KPI_PAYMENTS, supplier="A",
                                 **MARCH) == (2, 3)
    numerator, denominator = collections_kpi_terms("recovery_rate", KPI_PLACEMENTS, KPI_ATTEMPTS,
                                                   KPI_PAYMENTS, supplier="A", **MARCH)
    assert (numerator, denominator) == (Decimal("350"), Decimal("3000"))
    assert isinstance(numerator, Decimal)


def test_fees_as_a_decimal_total_are_taken_as_is():
    assert kpi_a("cost_to_collect", fees=Decimal("42.00")) == Fraction(3, 25)
    assert kpi_a("net_liquidation", fees=Decimal("42.00")) == Fraction(77, 750)


def test_fees_without_a_supplier_column_go_by_account():
    # a1 35 + a2 7 + a2 5 (no supplier column: a2's rows are all a2's, and a2 was placed with A) = 47
    fees = KPI_FEES.drop(columns="supplier")
    assert kpi_a("cost_to_collect", fees=fees) == Fraction(47, 350)


def test_fee_kpis_need_fees():
    with pytest.raises(ValueError, match="fees"):
        kpi_a("cost_to_collect", fees=None)


def test_agency_b_in_march():
    # B's accounts: b1 (03-01, 2000) and a2 (from 03-20, 500) → 2500. Attempts: b1 rpc → 1 attempt, 1 RPC,
    # no ptp. Payments: a2 03-25 70 → 70 ÷ 2500.
    def kpi_b(name):
        return collections_kpi(name, KPI_PLACEMENTS, KPI_ATTEMPTS, KPI_PAYMENTS, supplier="B", **MARCH)

    assert kpi_b("penetration") == Fraction(1, 2)
    assert kpi_b("rpc_rate_accounts") == Fraction(1, 2)
    assert kpi_b("ptp_rate") == 0  # 0 ptp ÷ 1 RPC
    assert kpi_b("recovery_rate") == Fraction(70, 2500)


def test_all_suppliers_together():
    # supplier None: A's 3 accounts + B's 2 = 5; attempted a1, a2 (A), b1 (B) = 3; a2's B placement not
    # attempted → 3/5. Collected 350 + 70 = 420 ÷ 5500.
    kpi = lambda name: collections_kpi(name, KPI_PLACEMENTS, KPI_ATTEMPTS, KPI_PAYMENTS, **MARCH)  # noqa: E731
    assert kpi("penetration") == Fraction(3, 5)
    assert kpi("recovery_rate") == Fraction(420, 5500)


@pytest.mark.parametrize("name", COLLECTIONS_KPIS.names())
def test_zero_denominators_are_none(name):
    # supplier C has no placement: no account, no attempt, no promise, no collection, no debt
    assert collections_kpi(name, KPI_PLACEMENTS, KPI_ATTEMPTS, KPI_PAYMENTS, KPI_FEES, supplier="C",
                           **MARCH) is None


def test_zero_denominators_one_by_one():
    # 03-02 only: a1 no_answer → 1 attempt, no contact, no RPC; nothing paid; no promise due
    one_day = {"start": d("2026-03-02"), "end": d("2026-03-02")}
    assert kpi_a("contact_rate", **one_day) == 0
    assert kpi_a("rpc_rate_attempts", **one_day) == 0
    assert kpi_a("ptp_rate", **one_day) is None  # 0 RPC attempts
    assert kpi_a("kept_promise_rate", **one_day) is None  # no promise due
    assert kpi_a("cost_to_collect", **one_day) is None  # nothing collected
    # accounts placed on 03-02: a1, a2 (a3 from 03-10) → 1500 debt; nothing collected → 0, not None
    assert kpi_a("recovery_rate", **one_day) == 0
    assert kpi_a("net_liquidation", **one_day) == Fraction(-42, 1500)  # fees 42 still count: (0 − 42) ÷ 1500


def test_empty_tables():
    empty = KPI_PLACEMENTS.iloc[:0]
    assert collections_kpi("penetration", empty, None, None) is None
    assert collections_kpi("recovery_rate", KPI_PLACEMENTS, None, None, supplier="A", **MARCH) == 0


def test_unknown_kpi_names_the_known_ones():
    with pytest.raises(ValueError) as caught:
        collections_kpi("liquidation", KPI_PLACEMENTS, KPI_ATTEMPTS, KPI_PAYMENTS)
    message = str(caught.value)
    assert "'liquidation'" in message
    for name in ("penetration", "contact_rate", "rpc_rate_attempts", "rpc_rate_accounts", "ptp_rate",
                 "kept_promise_rate", "recovery_rate", "cost_to_collect", "net_liquidation"):
        assert name in message


def test_registry_records_name_their_definitions():
    records = COLLECTIONS_KPIS.records()
    assert len(records) == 9
    assert {r.unit for r in records} == {"fraction"}
    assert len({r.definition for r in records}) == 9
    ptp = COLLECTIONS_KPIS.get("ptp_rate")
    assert (ptp.numerator, ptp.denominator) == ("ptp_attempts", "rpc_attempts")


def test_period_checks():
    with pytest.raises(ValueError, match="start"):
        kpi_a("penetration", start=d("2026-03-31"), end=d("2026-03-01"))
    with pytest.raises(ValueError, match="end required"):
        collections_kpi("kept_promise_rate", KPI_PLACEMENTS, KPI_ATTEMPTS, KPI_PAYMENTS, supplier="A")


# --- promises ---------------------------------------------------------------------------------------------
# Agency A, five promises, each on its own account (all placed 2026-01-01, open):
#   k1 ptp 03-01: 300 by 03-10; paid 03-05 150 + 03-10 150 = 300     → two instalments: met
#   k2 ptp 03-01: 300 by 03-10; paid 03-08 250                       → one short instalment: broken
#   k3 ptp 03-01: 300 by 03-10; paid 03-14 300                       → paid late: met only with grace ≥ 4
#   k4 ptp 03-05: 100 by 03-10; paid 03-04 100                       → paid before the promise: broken
#   k5 ptp 03-20: 100 by 04-10; paid 04-09 100                       → due after March: not counted
PROMISE_PLACEMENTS = placements([(k, "A", d("2026-01-01"), None, Decimal("1000"), 40, "retail")
                                 for k in ("k1", "k2", "k3", "k4", "k5")])
PROMISE_ATTEMPTS = attempts([
    ("k1", "A", "2026-03-01 10:00", "ptp", Decimal("300"), d("2026-03-10")),
    ("k2", "A", "2026-03-01 10:00", "ptp", Decimal("300"), d("2026-03-10")),
    ("k3", "A", "2026-03-01 10:00", "ptp", Decimal("300"), d("2026-03-10")),
    ("k4", "A", "2026-03-05 10:00", "ptp", Decimal("100"), d("2026-03-10")),
    ("k5", "A", "2026-03-20 10:00", "ptp", Decimal("100"), d("2026-04-10")),
])
PROMISE_PAYMENTS = payments([
    ("k1", d("2026-03-05"), Decimal("150")),
    ("k1", d("2026-03-10"), Decimal("150")),
    ("k2", d("2026-03-08"), Decimal("250")),
    ("k3", d("2026-03-14"), Decimal("300")),
    ("k4", d("2026-03-04"), Decimal("100")),
    ("k5", d("2026-04-09"), Decimal("100")),
])


def kept(grace_days: int) -> Fraction | None:
    return collections_kpi("kept_promise_rate", PROMISE_PLACEMENTS, PROMISE_ATTEMPTS, PROMISE_PAYMENTS,
                           supplier="A", grace_days=grace_days, **MARCH)


def test_promise_paid_in_two_instalments_is_met_short_or_late_is_broken():
    # grace 0: due 03-10 for k1–k4 (k5 due 04-10, after March) → k1 kept of 4 due
    assert kept(0) == Fraction(1, 4)
    # grace 3: due 03-13; k3's payment of 03-14 is after the grace → still 1 of 4
    assert kept(3) == Fraction(1, 4)
    # grace 4: due 03-14 → k3 kept too → 2 of 4 (k5 due 04-14, still after March)
    assert kept(4) == Fraction(1, 2)


def test_promises_table():
    table = promises(scope(PROMISE_PLACEMENTS, PROMISE_ATTEMPTS, PROMISE_PAYMENTS, supplier="A",
                           grace_days=3, **MARCH))
    assert list(table["account_id"]) == ["k1", "k2", "k3", "k4"]
    assert list(table["paid"]) == [Decimal("300"), Decimal("250"), Decimal("0"), Decimal("0")]
    assert list(table["kept"]) == [True, False, False, False]
    assert set(table["due"]) == {pd.Timestamp("2026-03-13")}


def test_a_promise_due_in_april_counts_in_april():
    # April, grace 0: k5 due 04-10, paid 04-09 100 ≥ 100 → 1 of 1
    april = {"start": d("2026-04-01"), "end": d("2026-04-30")}
    assert collections_kpi("kept_promise_rate", PROMISE_PLACEMENTS, PROMISE_ATTEMPTS, PROMISE_PAYMENTS,
                           **april) == 1


# --- vintage curve ----------------------------------------------------------------------------------------
# Ten accounts of A over three placement months, and one of B (left out by supplier="A"):
#   2026-01: v1 1000 (01-05), v2 2000 (01-10), v3 1000 (01-31)            placed 4000
#   2026-02: v4 500, v5 500, v6 1000, v7 1000 (02-01)                     placed 3000
#   2026-03: v8 2000, v9 1000, v10 1000 (03-01)                           placed 4000
# Payments (months on book = payment month − placement month):
#   v1 01-20 100 (0), v1 02-10 200 (1), v2 03-05 400 (2), v3 03-31 100 (2)
#   v4 02-28  50 (0), v6 03-15 250 (1)
#   v8 03-02 400 (0)
#   v9 02-20 999 (before v9 was placed: not A's), v10 04-02 300 (after as_of 03-31), w1 (B) 01-15 500
CURVE_PLACEMENTS = placements(
    [("v1", "A", d("2026-01-05"), None, 1000, 10, "retail"),
     ("v2", "A", d("2026-01-10"), None, 2000, 10, "retail"),
     ("v3", "A", d("2026-01-31"), None, 1000, 10, "retail")]
    + [(v, "A", d("2026-02-01"), None, debt, 10, "retail")
       for v, debt in (("v4", 500), ("v5", 500), ("v6", 1000), ("v7", 1000))]
    + [(v, "A", d("2026-03-01"), None, debt, 10, "retail")
       for v, debt in (("v8", 2000), ("v9", 1000), ("v10", 1000))]
    + [("w1", "B", d("2026-01-02"), None, 5000, 10, "retail")])
CURVE_PAYMENTS = payments([
    ("v1", d("2026-01-20"), 100), ("v1", d("2026-02-10"), 200), ("v2", d("2026-03-05"), 400),
    ("v3", d("2026-03-31"), 100), ("v4", d("2026-02-28"), 50), ("v6", d("2026-03-15"), 250),
    ("v8", d("2026-03-02"), 400), ("v9", d("2026-02-20"), 999), ("v10", d("2026-04-02"), 300),
    ("w1", d("2026-01-15"), 500),
])


def test_liquidation_curve_of_ten_accounts_over_three_months():
    curve = liquidation_curve(CURVE_PLACEMENTS, CURVE_PAYMENTS, supplier="A", as_of=d("2026-03-31"))
    got = [tuple(r) for r in curve[["vintage", "months_on_book", "placed", "collected_cumulative",
                                    "liquidation"]].itertuples(index=False)]
    assert got == [
        ("2026-01", 0, Decimal(4000), Decimal(100), Fraction(1, 40)),  # 100 ÷ 4000
        ("2026-01", 1, Decimal(4000), Decimal(300), Fraction(3, 40)),  # + 200
        ("2026-01", 2, Decimal(4000), Decimal(800), Fraction(1, 5)),  # + 400 + 100
        ("2026-02", 0, Decimal(3000), Decimal(50), Fraction(1, 60)),  # 50 ÷ 3000
        ("2026-02", 1, Decimal(3000), Decimal(300), Fraction(1, 10)),  # + 250
        ("2026-03", 0, Decimal(4000), Decimal(400), Fraction(1, 10)),  # 400 ÷ 4000 (v9's 999 came before)
    ]


def test_liquidation_curve_default_horizon_is_the_latest_date():
    # no as_of: the latest date is v10's payment of 04-02 → one month more; March at 1 month on book:
    # 400 + 300 = 700 ÷ 4000 = 7/40; January at 3 months on book stays 800 ÷ 4000
    curve = liquidation_curve(CURVE_PLACEMENTS, CURVE_PAYMENTS, supplier="A").set_index(
        ["vintage", "months_on_book"])
    assert len(curve) == 4 + 3 + 2
    assert curve.loc[("2026-03", 1), "liquidation"] == Fraction(7, 40)
    assert curve.loc[("2026-01", 3), "liquidation"] == Fraction(1, 5)


def test_liquidation_curve_refuses_an_unknown_vintage():
    with pytest.raises(ValueError, match="month"):
        liquidation_curve(CURVE_PLACEMENTS, CURVE_PAYMENTS, vintage="week")


# --- agencies compared on the same mix --------------------------------------------------------------------

@pytest.mark.parametrize(("days", "band"), [(0, "0-90"), (90, "0-90"), (91, "91-180"), (180, "91-180"),
                                            (181, "181-365"), (365, "181-365"), (366, "366+"), (2000, "366+")])
def test_debt_age_bands(days, band):
    assert debt_age_band(days) == band


# All placed in 2026-01, segment retail unless said:
#   A: a1 fresh (30 dpd)  8000, paid 2500 + 1500 = 4000 → 1/2
#      a2 old (400 dpd)   2000, paid 100              → 1/20
#      a3 fresh, telecom  1000, paid 900              (B has no telecom: not comparable)
#   B: b1 fresh (60 dpd)  2000, paid 1200             → 3/5
#      b2 old (500 dpd)   6000, paid 600              → 1/10
# Raw: A (4000 + 100 + 900) ÷ 11000 = 5/11 ≈ 0.45; B 1800 ÷ 8000 = 9/40 = 0.225 → A looks better,
# yet B liquidates more in every comparable cell (Simpson's paradox: A was given the fresh debt).
# Pooled mix of the comparable cells: fresh 8000 + 2000 = 10000, old 2000 + 6000 = 8000 → weights 5/9, 4/9.
#   A adjusted = 5/9 × 1/2 + 4/9 × 1/20 = 5/18 + 1/45 = 27/90 = 3/10
#   B adjusted = 5/9 × 3/5 + 4/9 × 1/10 = 1/3 + 2/45 = 17/45 ≈ 0.378 → B leads
MIX_PLACEMENTS = placements([
    ("a1", "A", d("2026-01-05"), None, Decimal("8000"), 30, "retail"),
    ("a2", "A", d("2026-01-06"), None, Decimal("2000"), 400, "retail"),
    ("a3", "A", d("2026-01-07"), None, Decimal("1000"), 10, "telecom"),
    ("b1", "B", d("2026-01-05"), None, Decimal("2000"), 60, "retail"),
    ("b2", "B", d("2026-01-20"), None, Decimal("6000"), 500, "retail"),
])
MIX_PAYMENTS = payments([
    ("a1", d("2026-02-01"), Decimal("2500")), ("a1", d("2026-03-01"), Decimal("1500")),
    ("a2", d("2026-02-01"), Decimal("100")), ("a3", d("2026-02-01"), Decimal("900")),
    ("b1", d("2026-02-01"), Decimal("1200")), ("b2", d("2026-02-01"), Decimal("600")),
])


def test_raw_totals_favour_a_but_the_common_mix_favours_b():
    result = compare_agencies(MIX_PLACEMENTS, MIX_PAYMENTS)
    assert isinstance(result, AgencyComparison)
    assert result.agencies == ("A", "B") and result.measure == "liquidation"
    assert result.raw == {"A": Fraction(5, 11), "B": Fraction(9, 40)}
    assert result.raw["A"] > result.raw["B"]
    assert result.adjusted == {"A": Fraction(3, 10), "B": Fraction(17, 45)}
    assert result.adjusted["B"] > result.adjusted["A"]
    assert result.leader == "B"


def test_the_per_cell_frame_and_the_excluded_cells():
    result = compare_agencies(MIX_PLACEMENTS, MIX_PAYMENTS)
    cells = {(r.band, r.agency): r for r in result.cells.itertuples(index=False)}
    assert set(cells) == {("0-90", "A"), ("0-90", "B"), ("366+", "A"), ("366+", "B")}
    assert cells[("0-90", "A")].liquidation == Fraction(1, 2)
    assert cells[("0-90", "B")].liquidation == Fraction(3, 5)
    assert cells[("366+", "A")].liquidation == Fraction(1, 20)
    assert cells[("366+", "B")].liquidation == Fraction(1, 10)
    assert cells[("0-90", "A")].pooled_placed == Decimal(10000)
    assert cells[("0-90", "B")].weight == Fraction(5, 9)
    assert cells[("366+", "A")].weight == Fraction(4, 9)
    assert set(result.cells["vintage"]) == {"2026-01"}
    excluded = [tuple(r) for r in result.excluded.itertuples(index=False)]
    assert excluded == [("2026-01", "telecom", "0-90", ("A",), Decimal(1000))]


def test_net_of_fees():
    # fees a1 400, b1 200 → fresh cells net: A (4000 − 400) ÷ 8000 = 9/20, B (1200 − 200) ÷ 2000 = 1/2
    #   A = 5/9 × 9/20 + 4/9 × 1/20 = 1/4 + 1/45 = 49/180;  B = 5/9 × 1/2 + 4/9 × 1/10 = 5/18 + 2/45 = 29/90
    fees = pd.DataFrame({"account_id": ["a1", "b1"], "amount": [Decimal("400"), Decimal("200")]})
    result = compare_agencies(MIX_PLACEMENTS, MIX_PAYMENTS, fees)
    assert result.measure == "net_liquidation"
    assert result.adjusted == {"A": Fraction(49, 180), "B": Fraction(29, 90)}
    # raw A: (5000 − 400) ÷ 11000 = 23/55; B: (1800 − 200) ÷ 8000 = 1/5
    assert result.raw == {"A": Fraction(23, 55), "B": Fraction(1, 5)}


def test_months_on_book_limits_the_seasoning():
    # up to 1 month on book (February): a1's 1500 of 03-01 is left out → A fresh 2500 ÷ 8000 = 5/16
    #   A = 5/9 × 5/16 + 4/9 × 1/20 = 25/144 + 1/45 = 125/720 + 16/720 = 141/720 = 47/240
    result = compare_agencies(MIX_PLACEMENTS, MIX_PAYMENTS, months_on_book=1)
    assert result.adjusted["A"] == Fraction(47, 240)
    assert result.adjusted["B"] == Fraction(17, 45)


def test_as_of_reads_only_what_was_known_that_day():
    # as of 2026-02-15: a1's 1500 of 03-01 is not yet paid → A fresh 2500 ÷ 8000 = 5/16, as with one month on
    # book: A = 47/240, B = 17/45 (B's payments were all made on 02-01)
    result = compare_agencies(MIX_PLACEMENTS, MIX_PAYMENTS, as_of=date(2026, 2, 15))
    assert result.adjusted == {"A": Fraction(47, 240), "B": Fraction(17, 45)}
    # as of 2026-01-10: b2 (placed 01-20) is not placed yet → B has no old debt, the old cell is not comparable;
    # no payment yet → both liquidate 0 in the fresh cell
    early = compare_agencies(MIX_PLACEMENTS, MIX_PAYMENTS, as_of=date(2026, 1, 10))
    assert early.adjusted == {"A": Fraction(0), "B": Fraction(0)}
    assert {(r.band, r.agencies) for r in early.excluded.itertuples(index=False)} == {("366+", ("A",)), ("0-90", ("A",))}


def test_a_recall_after_the_as_of_day_is_not_known_yet():
    # b1 recalled on 01-25 and paid on 02-01: as of 01-31 the recall is known, the account not held by B on
    # 02-01 → as of 02-15 B's fresh cell liquidates 0; before the recall (as of 01-24) b1 is still B's
    recalled = MIX_PLACEMENTS.assign(recalled_on=[None, None, None, pd.Timestamp("2026-01-25"), None])
    later = compare_agencies(recalled, MIX_PAYMENTS, as_of=date(2026, 2, 15))
    cells = {(r.band, r.agency): r.liquidation for r in later.cells.itertuples(index=False)}
    assert cells[("0-90", "B")] == 0
    from ccanalysis.collections.vintage import as_known_on

    placed, _ = as_known_on(recalled, MIX_PAYMENTS, date(2026, 1, 24))
    assert placed["recalled_on"].isna().all()


def test_no_comparable_cell_and_too_few_agencies():
    only_telecom_a = MIX_PLACEMENTS[MIX_PLACEMENTS["account_id"].isin(["a3", "b2"])]
    result = compare_agencies(only_telecom_a, MIX_PAYMENTS)
    assert result.adjusted == {"A": None, "B": None} and result.leader is None
    assert len(result.excluded) == 2 and result.cells.empty
    with pytest.raises(ValueError, match="agencies"):
        compare_agencies(MIX_PLACEMENTS, MIX_PAYMENTS, agencies=("A",))


def test_fees_of_an_account_placed_twice_need_a_supplier():
    twice = pd.concat([MIX_PLACEMENTS, placements([("a1", "B", d("2026-04-01"), None, 100, 10, "retail")])],
                      ignore_index=True)
    twice.loc[0, "recalled_on"] = d("2026-04-01")
    fees = pd.DataFrame({"account_id": ["a1"], "amount": [Decimal("1")]})
    with pytest.raises(ValueError, match="a1"):
        compare_agencies(twice, MIX_PAYMENTS, fees)


def test_local_times_and_blank_recalls():
    # x1 placed 03-01, recall written "" (still placed); x2 recalled 03-30 (its last day; not placed on 03-31).
    # One attempt each at 23:30 on 03-31 debtor's local time (Europe/Madrid): x1's counts in March, x2's
    # is after its recall → penetration 1/2; the RPC is x1's → rpc_rate_accounts 1/2.
    frame = placements([("x1", "A", "2026-03-01", "", 100, 5, "retail"),
                        ("x2", "A", "2026-03-01", "2026-03-30", 100, 5, "retail")])
    tried = attempts([("x1", "A", "2026-03-31 23:30", "rpc", None, None),
                      ("x2", "A", "2026-03-31 23:30", "rpc", None, None)])
    tried["start"] = tried["start"].dt.tz_localize("Europe/Madrid")
    assert collections_kpi("penetration", frame, tried, None, **MARCH) == Fraction(1, 2)
    assert collections_kpi("rpc_rate_accounts", frame, tried, None, **MARCH) == Fraction(1, 2)
    assert collections_kpi("contact_rate", frame, tried, None, **MARCH) == 1  # 1 attempt counts, a contact
    # the recall day is the agency's last: recalled on 03-31, x2's attempt that evening still counts
    frame.loc[1, "recalled_on"] = "2026-03-31"
    assert collections_kpi("penetration", frame, tried, None, **MARCH) == 1


def test_a_tie_has_no_leader():
    result = AgencyComparison(("A", "B"), "liquidation", pd.DataFrame(), {"A": Fraction(1, 2), "B": Fraction(1, 2)},
                              {"A": None, "B": None}, pd.DataFrame())
    assert result.leader is None
