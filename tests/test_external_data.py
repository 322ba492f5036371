"""A real platform export (../shared/data/external/daily_kpis_call_center.csv) read through a mapping.

The file: `;`-separated, CRLF, percentages as ``94.01%``, durations ``H:MM:SS``, no dates (``Index`` 1..1251
counts consecutive days). Checked by hand (awk, and Python fractions) before writing this test:
1,251 rows; Incoming = Answered + Abandoned on every row; the reported Answer Rate equals
100 × Answered / Incoming rounded to 2 decimals on every row — no row disagrees beyond half a unit of
the 2nd decimal. Eight rows are exact ties (e.g. Index 27: 153/160 = 95.625 % reported 95.63 %), all
rounded half up; half-even rounding would differ on Index 27, 342 and 1031.
"""

from datetime import date
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from ccanalysis.io.mapping import Mapping, matches
from ccanalysis.io.tables import read_table

EXTERNAL = Path(__file__).parents[1].parent / "shared" / "data" / "external"
FILE = EXTERNAL / "daily_kpis_call_center.csv"

MAPPING = Mapping(
    table="reported_kpis",
    files=["external/daily_kpis_call_center.csv"],
    sep=";",
    columns={"offered": "Incoming Calls", "handled": "Answered Calls", "answer_rate": "Answer Rate",
             "abandoned": "Abandoned Calls", "asa_s": "Answer Speed (AVG)", "avg_talk": "Talk Duration (AVG)",
             "service_level": "Service Level (20 Seconds)"},
    constants={"supplier": "kaggle_centre", "service": "inbound"},
    parse={"answer_rate": "percent", "service_level": "percent", "asa_s": "duration_hms",
           "avg_talk": "duration_hms"},
    derive={"talk_s": "avg_talk * handled"},
    dates_from={"start": date(2023, 1, 1), "order_by": "Index"},
)

HALF_UNIT = Fraction(1, 20000)  # half a unit of the 2nd decimal of a percent: 0.005 % = 0.00005


@pytest.fixture(scope="module")
def kpis():
    if not FILE.exists():
        pytest.skip(f"external data not present: {FILE} (the shared data folder is outside the repository)")
    df, problems = read_table(FILE, "reported_kpis", mapping=MAPPING, display_path="external/" + FILE.name)
    assert problems == []
    return df


def recompute(df, rounding):
    rows = []
    for file_row, handled, offered, answer_rate in zip(df["_row"], df["handled"], df["offered"],
                                                       df["answer_rate"], strict=True):
        rate = Fraction(int(handled), int(offered))
        rounded = (Decimal(int(handled)) * 100 / Decimal(int(offered))).quantize(Decimal("0.01"), rounding)
        rows.append((file_row - 1, rate, Fraction(answer_rate), Fraction(rounded) / 100))  # Index = row − 1
    return rows


def test_mapping_matches_the_file():
    assert matches(MAPPING, "external/daily_kpis_call_center.csv")


def test_rows_and_types(kpis):
    assert len(kpis) == 1251
    first = kpis.iloc[0]  # 1;217;204;94.01%;13;0:00:17;0:02:14;0:02:45;76.28%
    assert (first.offered, first.handled, first.abandoned) == (217, 204, 13)
    assert first.answer_rate == Decimal("0.9401") and first.service_level == Decimal("0.7628")
    assert first.asa_s == 17 and first.talk_s == 134 * 204  # 2:14 = 134 s average × 204 answered
    assert kpis["date"].iloc[0].date() == date(2023, 1, 1)
    assert kpis["date"].iloc[-1].date() == date(2026, 6, 4)  # 2023-01-01 + 1250 days


def test_counts_are_consistent(kpis):
    assert (kpis["handled"] + kpis["abandoned"] == kpis["offered"]).all()


def test_answer_rate_recomputed_from_counts(kpis):
    rows = recompute(kpis, ROUND_HALF_UP)
    beyond = [index for index, rate, reported, _ in rows if abs(rate - reported) > HALF_UNIT]
    assert beyond == []  # found by hand: no row disagrees beyond rounding
    ties = [index for index, rate, reported, _ in rows if abs(rate - reported) == HALF_UNIT]
    assert ties == [27, 236, 342, 561, 582, 848, 1031, 1116]
    assert all(rounded == reported for _, _, reported, rounded in rows)  # the platform rounds half up


def test_half_even_rounding_would_not_reproduce_the_platform(kpis):
    rows = recompute(kpis, ROUND_HALF_EVEN)
    assert [index for index, _, reported, rounded in rows if rounded != reported] == [27, 342, 1031]
