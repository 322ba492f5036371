"""Only the KPIs that apply to a service: named by its contract, or computed by its data and meaningful on its
channel (issue 14 "Only what applies"); waits of asynchronous channels read in hours."""

from fractions import Fraction

import pandas as pd
import pytest

from ccanalysis import kpis
from ccanalysis.engagement import load
from ccanalysis.report import supplier_month
from tests.engagements import activity_row, contract, write_engagement


def _table(*rows):
    return pd.DataFrame([{"kpi": k, "value": v} for k, v in rows])


def test_a_kpi_without_data_appears_only_when_the_contract_names_it():
    table = _table(("aht_s", Fraction(300)), ("collections_recovery_rate", None))
    shown, left = kpis.applicable(table, "voice", named=())
    assert shown["kpi"].tolist() == ["aht_s"] and left == ["collections_recovery_rate"]
    shown, left = kpis.applicable(table, "voice", named={"collections_recovery_rate"})
    assert shown["kpi"].tolist() == ["aht_s", "collections_recovery_rate"] and left == []


@pytest.mark.parametrize("channel, left", [
    ("voice", []), ("chat", []),
    ("email", ["abandonment_rate"]),  # an e-mail is not abandoned by the customer
    ("outbound", ["service_level", "asa_s"]),  # an outbound call waits in no queue
])
def test_kpis_that_mean_nothing_on_the_channel_are_left_out(channel, left):
    table = _table(("service_level", Fraction(9, 10)), ("abandonment_rate", Fraction(0)), ("asa_s", Fraction(20)))
    assert kpis.applicable(table, channel, named=())[1] == left
    assert kpis.applicable(table, channel, named={"service_level", "abandonment_rate", "asa_s"})[1] == []


def test_an_email_wait_is_read_in_hours():
    assert kpis.display_unit("asa_s", "seconds", "email") == "hours"
    assert kpis.display_unit("asa_s", "seconds", "voice") == "seconds"
    assert kpis.display_unit("aht_s", "seconds", "email") == "seconds"  # handling time stays in seconds


def _email_engagement(tmp_path):
    c = contract()
    c["services"][0]["channel"] = "email"
    # 100 e-mails handled, each waiting 4 h in the queue: 1,440,000 s of wait → ASA 14,400 s = 4.00 h
    rows = [activity_row("2026-09-01", 100, 100, wait_s=1_440_000, talk_s=30_000, abandoned_short=0)]
    write_engagement(tmp_path, contracts=[c], tables={"activity/a.csv": rows})
    return load("tiny", root=tmp_path)


@pytest.mark.parametrize("lang, asa, abandonment, line", [
    ("en", "4.00 h", "abandonment rate", "care, e-mail: left out, because the contract does not name them"),
    ("es", "4,00 h", "tasa de abandono", "care, correo electrónico: se omiten, porque el contrato no los nombra"),
])
def test_the_kpi_section_of_an_email_service(tmp_path, lang, asa, abandonment, line):
    section = supplier_month.kpi_section(_email_engagement(tmp_path), "acme", "2026-09", lang)
    table = section.tables[0][1]
    values = dict(zip(table.iloc[:, 1], table.iloc[:, 3], strict=True))
    assert asa in values.values()  # not "14,400.0 s"
    assert abandonment not in values  # left out, and said so
    assert line in section.narrative and abandonment in section.narrative
    assert "no data" not in values.values() and "sin datos" not in values.values()
