"""A call log in the shape of a real public one, loaded through a mapping with no edit to the file.

tests/fixtures/call_log/ is a small engagement (`calllog`, supplier phonenow, service care) whose contact
records are data/calllog/contacts/call_log_2021-01.csv: 200 calls in the layout of a platform's call log
(its own column names, `Answered (Y/N)` flags, `H:MM:SS` talk times, CRLF), where an abandoned call has
no speed of answer, talk time or rating. Counted by hand from the CSV (awk over the rows of 2021-01-11):
70 calls, 63 with Answered = Y, 7 with N; the talk times of the 63 add up to 15,323 s (255 min 23 s),
9 of them answered within 20 s; 28 of the 200 calls are N, the first on file row 2, the last on row 200.
"""

import hashlib
import shutil
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from ccanalysis import cli
from ccanalysis.errors import EngagementError
from ccanalysis.io.loader import load
from ccanalysis.io.mapping import Mapping, ParserName, load_mapping

FIXTURE = Path(__file__).parent / "fixtures" / "call_log"
CALLS = FIXTURE / "data" / "calllog" / "contacts" / "call_log_2021-01.csv"
MAPPING = FIXTURE / "parameters" / "calllog" / "mappings" / "call_log.yaml"


@pytest.fixture(scope="module")
def eng():
    return load("calllog", root=FIXTURE)


def test_the_file_is_the_export_as_it_is():
    data = CALLS.read_bytes()
    assert data.startswith(b"Call Id,Agent,Date,Time,Topic,Answered (Y/N),Resolved,Speed of answer in seconds,"
                           b"AvgTalkDuration,Satisfaction rating\r\n")
    assert b"\r\nID0001,Stewart,2021-01-11,9:03:52,Technical Support,N,N,,,\r\n" in data


def test_validate_accepts_it(capsys, tmp_path):
    root = copy_fixture(tmp_path)  # validate writes the engagement's store under reports/: not in the fixture
    assert cli.main(["validate", "calllog", "--root", str(root)]) == 0
    out = capsys.readouterr().out
    assert "contacts      1   200 2021-01-11 2021-01-13" in out


def test_records(eng):
    contacts = eng.tables["contacts"]
    assert len(contacts) == 200
    first, second = contacts.iloc[0], contacts.iloc[1]
    # ID0001,Stewart,2021-01-11,9:03:52,Technical Support,N,N,,,
    assert (first.contact_id, first.answered, first.abandoned, first.talk_s) == ("ID0001", False, True, 0)
    assert first.start.isoformat() == "2021-01-11T09:03:52" and pd.isna(first.queue_s)
    # ID0002,Becky,2021-01-11,9:19:54,Payment related,Y,Y,68,0:06:53,4
    assert (second.answered, second.queue_s, second.talk_s, second.csat) == (True, 68, 413, 4)
    assert int(contacts["abandoned"].sum()) == 28


def test_one_day_counted_by_hand(eng):
    day = eng.daily_activity("phonenow", "care", date(2021, 1, 11), date(2021, 1, 11))
    assert len(day) == 1
    row = day.iloc[0]
    assert (row.offered, row.handled, row.abandoned) == (70, 63, 7)
    assert row.talk_s == 15323  # 255 min 23 s
    assert row.answered_within_sl == 9


def copy_fixture(tmp_path):
    root = tmp_path / "root"
    shutil.copytree(FIXTURE, root)
    return root


def test_without_optional_when_the_blanks_are_summarised_once(tmp_path):
    root = copy_fixture(tmp_path)
    mapping = root / "parameters" / "calllog" / "mappings" / "call_log.yaml"
    mapping.write_text(mapping.read_text().replace("optional_when:\n  queue_s: {answered: false}\n", ""))
    before = hashlib.sha256(CALLS.read_bytes()).hexdigest()
    with pytest.raises(EngagementError) as err:
        load("calllog", root=root)
    problems = err.value.problems
    assert problems[0].file == "data/calllog/contacts/call_log_2021-01.csv"
    assert problems[0].message == ("28 rows blank in queue_s, all where Answered (Y/N) = N; rows 2–200; a mapping "
                                  "(parameters/ENG/mappings/*.yaml) can `fill` them, or allow them with `optional_when`")
    assert all(p.column == "queue_s" and p.message == "required value is blank" for p in problems[1:])
    assert [p.row for p in problems[1:4]] == [2, 18, 23]
    assert hashlib.sha256(CALLS.read_bytes()).hexdigest() == before


def test_a_wrong_mapping_key_is_named(tmp_path):
    mapping = tmp_path / "call_log.yaml"
    mapping.write_text(MAPPING.read_text().replace("{value: 0, when:", "{value: 0, if:"))
    with pytest.raises(EngagementError) as err:
        load_mapping(mapping, display_path="parameters/calllog/mappings/call_log.yaml")
    assert [(p.file, p.column, p.message) for p in err.value.problems] == [
        ("parameters/calllog/mappings/call_log.yaml", "fill.talk_s.if", "unknown key; allowed: value, when")]


DOCS = Path(__file__).parents[1] / "docs" / "mappings.md"


def test_the_documented_example_is_the_fixture_mapping(tmp_path):
    text = DOCS.read_text(encoding="utf-8")
    block = text.split("```yaml\n", 1)[1].split("```", 1)[0]
    documented = tmp_path / "call_log.yaml"
    documented.write_text(block, encoding="utf-8")
    assert load_mapping(documented).model_dump() == load_mapping(MAPPING).model_dump()


def test_every_mapping_key_and_parser_is_documented():
    text = DOCS.read_text(encoding="utf-8")
    for name, field in Mapping.model_fields.items():
        if name != "source":
            assert f"| `{field.alias or name}` |" in text
    for parser in ParserName.__args__:
        assert f"| `{parser}` |" in text
