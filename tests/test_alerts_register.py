"""The alert register `reports/ENG/alerts.csv` (`ccanalysis.io.alerts`): one row per alert and as-of day with
the service's owner, no duplicate on a re-run (also from two processes at once), read back exactly; a broken
register is an error naming file, row and column."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from ccanalysis import deviations as dev
from ccanalysis.contract import Contract
from ccanalysis.errors import EngagementError
from ccanalysis.io import alerts as register
from tests.engagements import contract
from tests.test_deviations import THRESHOLDS, frame

D = Decimal
ROOT = Path(__file__).resolve().parent.parent


def aht_rise() -> object:
    """AHT +15 % from 14 Oct (see test_deviations): on 15 Oct, alerts for aht, hours and cost since 14 Oct."""
    return frame(date(2026, 10, 1), date(2026, 10, 15), aht=lambda d: D("0.15") if d.day >= 14 else D(0))


def owned_contract() -> Contract:
    c = contract()
    c["services"][0]["owner"] = "planning@client"
    later = {**c["services"][0], "owner": "ops@client"}
    c["versions"] = [{"valid_from": "2026-11-01", "services": [later]}]
    return Contract.model_validate(c)


def test_owner_comes_from_the_service_in_force():
    contracts = {"acme": owned_contract(), "beta": Contract.model_validate(contract(supplier="beta"))}
    assert register.service_owners(contracts, date(2026, 10, 15)) == {("acme", "care"): "planning@client",
                                                                      ("beta", "care"): None}
    assert register.service_owners(contracts, date(2026, 11, 1))[("acme", "care")] == "ops@client"


def test_an_empty_owner_is_refused():
    c = contract()
    c["services"][0]["owner"] = ""
    with pytest.raises(ValueError, match="owner"):
        Contract.model_validate(c)


def test_alerts_are_appended_once_per_day_with_their_owner(tmp_path):
    path = register.alerts_path(tmp_path / "reports" / "demo")
    data = aht_rise()
    owners = register.service_owners({"acme": owned_contract()}, date(2026, 10, 15))
    first = dev.alerts(data, THRESHOLDS, as_of=date(2026, 10, 14))
    assert register.append_alerts(path, first, owners) == 3  # aht, hours, cost
    before = path.read_bytes()
    assert register.append_alerts(path, first, owners) == 0  # the same as-of day again: nothing new
    assert path.read_bytes() == before
    assert register.append_alerts(path, dev.alerts(data, THRESHOLDS), owners) == 3  # 15 Oct: a new day
    table = register.read_alerts(path)
    assert list(table.columns) == register.COLUMNS
    assert list(table["as_of"]) == [date(2026, 10, 14)] * 3 + [date(2026, 10, 15)] * 3
    cost = table[(table["metric"] == "cost") & (table["as_of"] == date(2026, 10, 15))].iloc[0]
    # 14 and 15 Oct: 1,000 × 345 ÷ 3,600 × 60 = 5,750.00 against 5,000.00 each: +1,500.00, all handling time
    assert (cost["since"], cost["money"], cost["aht_effect"], cost["volume_effect"]) == (
        date(2026, 10, 14), D("1500.00"), D("1500.00"), D("0.00"))
    assert (cost["driver"], cost["owner"], cost["deviation"], cost["basis"]) == (
        "handling_time", "planning@client", D("0.15"), "daily")
    header = path.read_text(encoding="utf-8").splitlines()[0]
    assert header == ",".join(register.COLUMNS)


def test_owner_blank_when_not_set(tmp_path):
    path = tmp_path / "alerts.csv"
    register.append_alerts(path, dev.alerts(aht_rise(), THRESHOLDS))
    assert set(register.read_alerts(path)["owner"]) == {None}
    assert path.read_text(encoding="utf-8").splitlines()[1].endswith(",")  # the owner cell is empty


WRITER = textwrap.dedent("""
    import sys, time
    from datetime import date
    from decimal import Decimal as D
    from pathlib import Path
    sys.path.insert(0, sys.argv[3])
    from ccanalysis import deviations as dev
    from ccanalysis.io.alerts import append_alerts
    from tests.test_deviations import THRESHOLDS, frame

    path, go = Path(sys.argv[1]), Path(sys.argv[2])
    alerts = dev.alerts(frame(date(2026, 10, 1), date(2026, 10, 15),
                              aht=lambda d: D("0.15") if d.day >= 14 else D(0)), THRESHOLDS)
    while not go.exists():
        time.sleep(0.005)
    print(append_alerts(path, alerts))
""")


def test_two_runs_at_once_register_each_alert_once(tmp_path):
    path, go = tmp_path / "alerts.csv", tmp_path / "go"
    runs = [subprocess.Popen([sys.executable, "-c", WRITER, str(path), str(go), str(ROOT)],
                             stdout=subprocess.PIPE, text=True) for _ in range(2)]
    go.touch()
    added = sorted(int(run.communicate(timeout=120)[0].strip()) for run in runs)
    assert added == [0, 3]  # whoever held the lock second found the three alerts there
    assert len(register.read_alerts(path)) == 3


def test_a_broken_register_names_file_row_and_column(tmp_path):
    path = tmp_path / "alerts.csv"
    register.append_alerts(path, dev.alerts(aht_rise(), THRESHOLDS))
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace("2026-10-15", "15/10/2026", 1)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(EngagementError) as caught:
        register.read_alerts(path)
    problem = caught.value.problems[0]
    assert (problem.file, problem.row, problem.column) == (str(path), 3, "as_of")
    path.write_text("as_of,supplier\n", encoding="utf-8")
    with pytest.raises(EngagementError) as caught:
        register.read_alerts(path)
    assert caught.value.problems[0].row == 1
