"""The report notebooks: thin, stripped, and runnable by papermill with injected parameters."""

import json
from decimal import Decimal
from pathlib import Path

import nbformat
import pandas as pd
import papermill
import pytest

from ccanalysis import report
from ccanalysis.batch import runner
from ccanalysis.invoice import expected_invoice, totals
from ccanalysis.report.html import notebook_to_html

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
    assert "remove-cell" in checked[0].metadata.get("tags", []), "the check cell never shows in the HTML"
    assert "ccanalysis" not in checked[0].source, "the check calls no product code"
    assert sum(".publish(" in c.source for c in code) == 1


def _injected(demo_root, supplier, month):
    """Σ of the errors the demo generator injected into the supplier's invoice lines for the month."""
    truth = pd.read_csv(demo_root / "data" / "demo" / "truth" / "injected_errors.csv", dtype=str)
    rows = truth[(truth["supplier"] == supplier) & (truth["month"] == month) & (truth["check"] != "totals")]
    return sum((Decimal(d) for d in rows["difference"]), Decimal(0))


def test_the_checked_outputs_are_the_injected_errors(demo_root):
    supplier_nb = nbformat.read(NOTEBOOKS / "supplier_month.ipynb", as_version=4)
    checked = [c for c in supplier_nb.cells if "NBVAL_CHECK_OUTPUT" in c.source][0]
    northwind = _injected(demo_root, "northwind", "2026-08")  # the notebook's default parameters
    assert checked.outputs[0]["text"] == f"billed - expected: {northwind} | to claim: {northwind}\n"
    portfolio_nb = nbformat.read(NOTEBOOKS / "portfolio.ipynb", as_version=4)
    checked = [c for c in portfolio_nb.cells if "NBVAL_CHECK_OUTPUT" in c.source][0]
    expected = ", ".join(f"{s} {_injected(demo_root, s, '2026-08'):.2f}" for s in ("northwind", "southpoint", "eastline"))
    assert checked.outputs[0]["text"] == expected + "\n"


def test_the_summary_checks_left_the_package():
    for name in ("summary_check", "portfolio_check"):
        with pytest.raises(AttributeError):
            getattr(report, name)


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
    # southpoint 2026-09: only the invoice's header total was falsified (+250.00): its lines match
    assert summary.outputs[0]["text"].strip() == "billed - expected: 0.00 | to claim: 0"
    page = notebook_to_html(nb, title="t", header={}, lang="en")
    assert "billed - expected" not in page and "Informe mensual" not in page


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
