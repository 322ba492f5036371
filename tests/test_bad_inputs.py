"""Every case of the bad-input table (`tests/bad_inputs.py`): `ccanalysis validate` on a broken copy of the
demo exits with the case's code, prints no traceback, names where the problem is and writes nothing."""

from __future__ import annotations

import contextlib
import io
import shutil
from pathlib import Path

import pytest

from ccanalysis.cli import main
from tests.bad_inputs import CASES, compact_demo


@pytest.fixture(scope="module")
def compact(demo_root, tmp_path_factory) -> Path:
    return compact_demo(demo_root, tmp_path_factory.mktemp("compact") / "project")


@pytest.fixture(scope="module")
def parameters_only(compact, tmp_path_factory) -> Path:
    """The demo's parameters with an empty data folder."""
    root = tmp_path_factory.mktemp("parameters") / "project"
    shutil.copytree(compact / "parameters", root / "parameters")
    (root / "data" / "demo").mkdir(parents=True)
    return root


def listing(root: Path) -> dict[str, tuple[int, int]]:
    """Every file and folder under `root` with its size and modification time."""
    return {str(p.relative_to(root)): (p.stat().st_size if p.is_file() else -1, p.stat().st_mtime_ns)
            for p in sorted(root.rglob("*"))}


def validate(root: Path, engagement: str = "demo") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["validate", engagement, "--root", str(root)])
    return code, out.getvalue(), err.getvalue()


def test_the_compact_demo_and_its_parameters_are_valid(compact, parameters_only):
    for root in (compact, parameters_only):
        code, out, err = validate(root)
        assert (code, err) == (0, "")
        assert "valid" in out


def test_the_table_has_at_least_a_hundred_distinct_cases():
    assert len(CASES) >= 100
    assert len({case.id for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_bad_input_is_reported(case, compact, parameters_only, tmp_path):
    root = tmp_path / "project"
    shutil.copytree(compact if case.data else parameters_only, root)
    case.edit(root)
    before = listing(root)
    code, out, err = validate(root, case.engagement)
    assert "Traceback" not in err, err
    assert code == case.code, err
    missing = [name for name in case.names if name not in err]
    assert not missing, f"the report does not name {missing}:\n{err}"
    assert listing(root) == before, "validate wrote or changed a file"
