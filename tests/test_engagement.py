"""The `Engagement` as loaded: its accessors, the errors they raise, and the names kept importable here."""

import pickle
from datetime import date

import pytest

from ccanalysis.engagement import load
from ccanalysis.errors import UsageError
from tests.engagements import activity_row, versioned_threshold_contract, write_engagement


@pytest.fixture
def eng(tmp_path):
    write_engagement(tmp_path, tables={"activity/a.csv": [activity_row("2026-09-01", 10, 9, abandoned=1)]})
    return load("tiny", root=tmp_path)


def test_load_and_load_cached_stay_importable_from_engagement():
    from ccanalysis.engagement import Engagement, Source, load, load_cached
    from ccanalysis.io.cache import load_cached as cached
    from ccanalysis.io.loader import load as loader

    assert load is loader and load_cached is cached and Engagement and Source
    import ccanalysis.engagement as engagement

    with pytest.raises(AttributeError, match="has no attribute 'lod'"):
        engagement.lod  # noqa: B018


def test_an_unknown_supplier_is_wrong_usage_naming_the_known_ones(eng):
    with pytest.raises(UsageError, match="unknown supplier 'zeta'; this engagement has: acme"):
        eng.contract("zeta")
    with pytest.raises(ValueError):  # callers written against the earlier ValueError keep working
        eng.period("zeta", "2026-09")


def test_a_malformed_month_is_wrong_usage(eng):
    with pytest.raises(UsageError, match="month must be YYYY-MM, got '2026-9'"):
        eng.period("acme", "2026-9")
    period = eng.period("acme", "2026-09")
    assert (period.start, period.end) == (date(2026, 9, 1), date(2026, 9, 30))


def test_an_unknown_service_is_wrong_usage(eng):
    with pytest.raises(UsageError, match="supplier 'acme' has no service 'sales'"):
        eng.thresholds("acme", "sales")


def test_an_absent_table_is_empty_with_its_columns(eng):
    assert eng.contacts.empty and {"contact_id", "start", "queue_s"} <= set(eng.contacts.columns)
    assert eng.invoices.empty and "invoice_id" in eng.invoices.columns


def test_input_files_of_one_supplier(eng):
    files = {p.relative_to(eng.root).as_posix() for p in eng.input_files("acme")}
    assert files == {"parameters/tiny/engagement.yaml", "parameters/tiny/contracts/acme.yaml",
                     "data/tiny/activity/a.csv"}


def test_a_pickled_engagement_drops_its_derived_indexes(eng):
    eng.activity_rows("acme", "care", date(2026, 9, 1), date(2026, 9, 30))
    assert "_groups" in eng.__dict__
    again = pickle.loads(pickle.dumps(eng))
    assert "_groups" not in again.__dict__ and again.fingerprint == eng.fingerprint
    assert len(again.activity_rows("acme", "care", date(2026, 9, 1), date(2026, 9, 30))) == 1


def _contact(contact_id, start, queue_s):
    return {"contact_id": contact_id, "supplier": "acme", "service": "care", "start": start, "queue_s": queue_s,
            "answered": True, "abandoned": False, "talk_s": 60, "hold_s": 0, "acw_s": 0}


def test_daily_activity_counts_service_level_at_the_threshold_in_force(tmp_path):
    contacts = [_contact("c1", "2026-09-10 10:00:00", 25), _contact("c2", "2026-10-10 10:00:00", 25)]
    write_engagement(tmp_path, contracts=[versioned_threshold_contract()], tables={"contacts/c.csv": contacts})
    eng = load("tiny", root=tmp_path)
    september = eng.daily_activity("acme", "care", date(2026, 9, 1), date(2026, 9, 30))
    october = eng.daily_activity("acme", "care", date(2026, 10, 1), date(2026, 10, 31))
    # answered after 25 s: not within 20 s (September, base terms), within 30 s (October, the version)
    assert int(september["answered_within_sl"].sum()) == 0
    assert int(october["answered_within_sl"].sum()) == 1
