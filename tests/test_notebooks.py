"""The report notebooks: thin, stripped, and runnable by papermill with injected parameters."""

import json
from pathlib import Path

import nbformat
import papermill
import pytest

from ccanalysis.batch import runner
from ccanalysis.invoice import expected_invoice, totals

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
REPORT_NOTEBOOKS = ["supplier_month.ipynb", "portfolio.ipynb"]


@pytest.mark.parametrize("name", REPORT_NOTEBOOKS)
def test_notebook_is_thin_and_stripped(name):
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert "parameters" in code[0].metadata.get("tags", [])
    checked = [c for c in code if "NBVAL_CHECK_OUTPUT" in c.source]
    assert len(checked) == 1, "exactly one summary cell is checked by nbval"
    for cell in code:
        assert "def " not in cell.source and "class " not in cell.source, "no business logic in notebooks"
        assert "open(" not in cell.source and "Path(" not in cell.source, "no file paths built by hand"
        if cell is not checked[0]:
            assert not cell.get("outputs"), "outputs are stripped in git"
    assert sum("open_engagement" in c.source for c in code) == 1, "one validation call"


def test_supplier_notebook_runs_with_injected_parameters(demo_root, demo_engagement, tmp_path, monkeypatch):
    monkeypatch.setenv("CCANALYSIS_HOME", str(demo_root))
    out = tmp_path / "southpoint.ipynb"
    papermill.execute_notebook(str(NOTEBOOKS / "supplier_month.ipynb"), str(out), kernel_name="python3",
                               parameters={"supplier": "southpoint", "month": "2026-09", "lang": "en"},
                               progress_bar=False, cwd=str(demo_root))
    nb = nbformat.read(out, as_version=4)
    results = runner.extract_results(nb)
    expected = totals(expected_invoice(demo_engagement, "southpoint", "2026-09"))
    assert results["supplier"] == "southpoint" and results["month"] == "2026-09"
    assert results["expected_net"] == str(expected.net)
    summary = [c for c in nb.cells if "NBVAL_CHECK_OUTPUT" in c.source][0]
    assert summary.outputs[0]["text"].strip() == (
        "supplier=southpoint month=2026-09 lines_sum_to_net=True amounts_in_cents=True tax_on_net=True")


def test_portfolio_notebook_runs(demo_root, tmp_path, monkeypatch):
    monkeypatch.setenv("CCANALYSIS_HOME", str(demo_root))
    out = tmp_path / "portfolio.ipynb"
    papermill.execute_notebook(str(NOTEBOOKS / "portfolio.ipynb"), str(out), kernel_name="python3",
                               parameters={"month": "2026-10", "lang": "en"}, progress_bar=False,
                               cwd=str(demo_root))
    results = runner.extract_results(nbformat.read(out, as_version=4))
    assert set(results["suppliers"]) == {"northwind", "southpoint", "eastline"}
    assert 10000 / 3 <= float(results["hhi"]) <= 10000
    json.dumps(results)
