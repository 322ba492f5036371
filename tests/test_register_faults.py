"""The dispute register under faults, with real processes: two writers at once lose no row and tear none;
a writer SIGKILLed mid-write leaves the old file or the new one, never a broken one, and frees the lock; a
change to a dispute that does not exist exits 2 and writes nothing; a register with a wrong header or a bad
cell is an error naming the file, row and column."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from ccanalysis.errors import EngagementError, InputError
from ccanalysis.io.register import (
    CLOSE_COLUMNS,
    REGISTER_COLUMNS,
    append_register,
    read_closes,
    read_register,
    register_path,
)
from tests.engagements import write_engagement

ROOT = Path(__file__).resolve().parent.parent

WRITER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from ccanalysis.io.register import append_register

    path, who, count, go = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), Path(sys.argv[4])
    while not go.exists():
        time.sleep(0.005)
    for n in range(count):
        append_register(path, [{"dispute_id": f"D-{who}-202609-{n:03d}", "supplier": who, "invoice_id": "F-9",
                                "month": "2026-09", "finding_id": f"{who}-{n}", "check": "rate",
                                "amount_claimed": "12.34", "status": "detected", "status_date": "2026-10-05",
                                "note": "una nota, con coma y \\"comillas\\""}])
""")

SLOW = textwrap.dedent("""
    import os, sys, time
    from pathlib import Path
    from ccanalysis.io.register import append_register

    path, marker, where = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
    real = getattr(os, where)

    def stall(*args):
        if where == "replace":
            real(*args)
        marker.touch()
        time.sleep(120)

    setattr(os, where, stall)
    append_register(path, [{"dispute_id": f"D-acme-202609-{n:03d}", "supplier": "acme", "invoice_id": "F-9",
                            "month": "2026-09", "finding_id": f"new-{n}", "check": "rate", "amount_claimed": "1.00",
                            "status": "detected", "status_date": "2026-10-05"} for n in range(10, 15)])
""")


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def _data_files(root: Path) -> dict[Path, bytes]:
    """Every data file and its bytes (lock files aside: they hold no data)."""
    return {p: p.read_bytes() for p in (root / "data").rglob("*") if p.is_file() and not p.name.endswith(".lock")}


def _rows(prefix: str, count: int) -> list[dict]:
    return [{"dispute_id": f"D-{prefix}-202609-{n:03d}", "supplier": "acme", "invoice_id": "F-9", "month": "2026-09",
             "finding_id": f"{prefix}-{n}", "check": "rate", "amount_claimed": "5.00", "status": "detected",
             "status_date": "2026-10-05"} for n in range(count)]


def test_two_processes_appending_at_once_lose_no_row_and_tear_none(tmp_path):
    path, go = tmp_path / "disputes.csv", tmp_path / "go"
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(path), who, "200", str(go)], env=_env())
               for who in ("north", "south")]
    go.touch()
    assert [w.wait(timeout=240) for w in writers] == [0, 0]
    register = read_register(path)  # every cell parsed and validated
    assert len(register) == 400
    for who in ("north", "south"):
        mine = register[register["supplier"] == who]
        assert list(mine["dispute_id"]) == [f"D-{who}-202609-{n:03d}" for n in range(200)]  # each in its order
    assert set(register["note"]) == {'una nota, con coma y "comillas"'}
    assert path.read_text(encoding="utf-8").count("\n") == 401


@pytest.mark.parametrize("where, rows_after", [("fsync", 3), ("replace", 8)])
def test_a_writer_killed_mid_write_leaves_the_old_or_the_new_file_and_frees_the_lock(tmp_path, where, rows_after):
    path, marker = tmp_path / "disputes.csv", tmp_path / "stalled"
    append_register(path, _rows("acme", 3))
    before = path.read_bytes()
    child = subprocess.Popen([sys.executable, "-c", SLOW, str(path), str(marker), where], env=_env())
    deadline = time.monotonic() + 60
    while not marker.exists():
        assert child.poll() is None and time.monotonic() < deadline, "the writer never reached the stall"
        time.sleep(0.01)
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    register = read_register(path)
    assert len(register) == rows_after
    if where == "fsync":  # killed before the rename: the old file, byte for byte
        assert path.read_bytes() == before
    assert list(register["dispute_id"][:3]) == [f"D-acme-202609-{n:03d}" for n in range(3)]
    started = time.monotonic()
    append_register(path, _rows("late", 1))  # the kernel released the dead writer's lock
    assert time.monotonic() - started < 10
    assert len(read_register(path)) == rows_after + 1


def test_a_change_to_a_dispute_that_does_not_exist_exits_2_and_writes_nothing(tmp_path):
    write_engagement(tmp_path)
    path = register_path(tmp_path / "data" / "tiny")
    append_register(path, _rows("acme", 2))
    before = _data_files(tmp_path)
    done = subprocess.run([sys.executable, "-m", "ccanalysis.cli", "dispute", "tiny", "D-acme-202609-007",
                           "--status", "submitted", "--root", str(tmp_path)], env=_env(), capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    assert "no dispute 'D-acme-202609-007'" in done.stderr and "D-acme-202609-000" in done.stderr
    assert "Traceback" not in done.stderr
    assert _data_files(tmp_path) == before


def test_a_register_with_a_wrong_header_or_a_bad_cell_names_the_file_row_and_column(tmp_path):
    path = tmp_path / "disputes.csv"
    path.write_text("dispute_id,supplier\nD-1,acme\n", encoding="utf-8")
    with pytest.raises(EngagementError) as info:
        read_register(path)
    assert info.value.problems[0].row == 1 and str(path) in str(info.value)
    with pytest.raises(InputError, match="header"):
        append_register(path, _rows("acme", 1))
    assert path.read_text(encoding="utf-8") == "dispute_id,supplier\nD-1,acme\n"
    good = ",".join(REGISTER_COLUMNS) + "\n"
    path.write_text(good + "D-1,acme,F-9,2026-09,f1,rate,,,12.x,detected,2026-10-05,,,,\n"
                    + "D-2,acme,F-9,2026-09,f2,rate,,,3.00,paid,2026-10-05,,,,\n", encoding="utf-8")
    with pytest.raises(EngagementError) as info:
        read_register(path)
    where = {(p.row, p.column) for p in info.value.problems}
    assert (2, "amount_claimed") in where and (3, "status") in where


def test_a_register_in_another_format_is_named(tmp_path):
    (tmp_path / "disputes.xlsx").write_bytes(b"")
    with pytest.raises(InputError, match="disputes.xlsx"):
        register_path(tmp_path)


def test_closes_with_a_bad_cell_name_the_row_and_column(tmp_path):
    path = tmp_path / "closes.csv"
    path.write_text(",".join(CLOSE_COLUMNS) + "\nacme,2026-09,2026-10-21,maybe,,1100.00,1000.00,1179.75,151.25\n",
                    encoding="utf-8")
    with pytest.raises(EngagementError) as info:
        read_closes(path)
    assert [(p.row, p.column) for p in info.value.problems] == [(2, "forced")]


OPENER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from ccanalysis import disputes, workbook
    from ccanalysis.cli import main
    from tests.test_disputes import SEPTEMBER

    root, go = sys.argv[1], Path(sys.argv[2])
    workbook.audit = lambda eng, supplier, month, lang=None: SEPTEMBER
    computed = disputes.open_disputes

    def slowly(*args):  # widen the window between reading the register and appending to it
        rows = computed(*args)
        time.sleep(1.0)
        return rows

    disputes.open_disputes = slowly
    while not go.exists():
        time.sleep(0.005)
    sys.exit(main(["dispute", "tiny", "--supplier", "acme", "--month", "2026-09", "open", "--as-of", "2026-10-05",
                   "--root", root]))
""")


def test_two_opens_of_the_same_month_at_once_add_each_dispute_once(tmp_path):
    write_engagement(tmp_path)
    go = tmp_path / "go"
    runs = [subprocess.Popen([sys.executable, "-c", OPENER, str(tmp_path), str(go)], env=_env(), cwd=ROOT,
                             stdout=subprocess.DEVNULL) for _ in range(2)]
    go.touch()
    assert [r.wait(timeout=240) for r in runs] == [0, 0]
    register = read_register(register_path(tmp_path / "data" / "tiny"))
    assert list(register["dispute_id"]) == ["D-acme-202609-001", "D-acme-202609-002"]
