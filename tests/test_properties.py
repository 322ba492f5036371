"""Property: whatever one cell of a demo table holds, the loader either loads the engagement or raises
`EngagementError` listing the problem, never anything else.

Each example writes one of the demo's table files, with one cell replaced by random text, a number (huge,
negative, with separators), a blank or a sign, beside the demo's parameters, and loads it.
"""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ccanalysis.errors import EngagementError
from ccanalysis.io.loader import load
from tests.bad_inputs import ACT, BUDGET, CHAT, EL_INV, INV, PLAN, WF, compact_demo

FILES = (ACT, CHAT, PLAN, BUDGET, WF, INV, EL_INV)
ROWS = 12  # the header and the first rows of each file: enough for every column's kinds of values

SPECIAL = ("", " ", "-", "+", "=1+1", "@SUM(A1)", "NaN", "nan", "inf", "-inf", "1e400", "-0", "0x10", "1_000",
           "1,5", "1.234,56", "1.234", "12%", "∞", "true", "N", "2026-02-30", "31/12/2026", "24:61", "9999-99",
           "\x00", "\ufeff1", "１２", "1 000", "(12)")

cells = st.one_of(
    st.sampled_from(SPECIAL),
    st.text(max_size=12),
    st.integers(min_value=-10**25, max_value=10**25).map(str),
    st.decimals(allow_nan=False, allow_infinity=False, places=3).map(str),
)


@pytest.fixture(scope="module")
def sources(demo_root, tmp_path_factory) -> tuple[Path, dict[str, list[list[str]]]]:
    """The compact demo, and the first rows of each file of `FILES` as cells."""
    compact = compact_demo(demo_root, tmp_path_factory.mktemp("properties") / "project")
    tables = {}
    for file in FILES:
        sep = ";" if file == EL_INV else ","
        text = (compact / file).read_text(encoding="utf-8")
        tables[file] = list(csv.reader(io.StringIO(text), delimiter=sep))[:ROWS]
    return compact, tables


@settings(max_examples=50, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_mutated_cell_loads_or_is_reported(sources, data):
    compact, tables = sources
    file = data.draw(st.sampled_from(FILES), label="file")
    rows = [list(r) for r in tables[file]]
    row = data.draw(st.integers(min_value=1, max_value=len(rows) - 1), label="row")
    column = data.draw(st.integers(min_value=0, max_value=len(rows[0]) - 1), label="column")
    rows[row][column] = data.draw(cells, label="value")
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        shutil.copytree(compact / "parameters", root / "parameters")
        out = io.StringIO()
        csv.writer(out, delimiter=";" if file == EL_INV else ",", lineterminator="\n").writerows(rows)
        (root / file).parent.mkdir(parents=True)
        (root / file).write_text(out.getvalue(), encoding="utf-8")
        try:
            load("demo", root=root)
        except EngagementError as exc:
            assert exc.problems and all(p.file for p in exc.problems)
