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
REPORT_NOTEBOOKS = ["supplier_month.ipynb", "portfolio.ipynb", "daily_flash.ipynb", "simulation.ipynb",
                    "cargos_month.ipynb"]


@pytest.mark.parametrize("name", REPORT_NOTEBOOKS)
def test_notebook_is_thin_and_stripped(name):
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert "parameters" in code[0].metadata.get("tags", [])
    for cell in code:
        assert "def " not in cell.source and "class " not in cell.source, "no business logic in notebooks"
        assert "open(" not in cell.source and "Path(" not in cell.source, "no file paths built by hand"
        assert not cell.get("outputs") and cell.get("execution_count") is None, "outputs are stripped in git"
        assert "NBVAL" not in cell.source, "no test code in a product notebook"
    assert sum("open_engagement" in c.source for c in code) == 1, "one validation call"
    assert sum(".publish(" in c.source for c in code) == 1


def _injected(demo_root, supplier, month, *, lines_only=False):
    """Σ of the over-billing the demo generator injected into the supplier's invoice for the month (its
    positive differences; `lines_only`: leaving out the header total's)."""
    truth = pd.read_csv(demo_root / "data" / "demo" / "truth" / "injected_errors.csv", dtype=str)
    rows = truth[(truth["supplier"] == supplier) & (truth["month"] == month)]
    if lines_only:
        rows = rows[rows["check"] != "totals"]
    return sum((d for d in map(Decimal, rows["difference"]) if d > 0), Decimal(0))


def _run(notebook, demo_root, out, **parameters):
    papermill.execute_notebook(str(NOTEBOOKS / notebook), str(out), kernel_name="python3", parameters=parameters,
                               progress_bar=False, cwd=str(demo_root))
    return nbformat.read(out, as_version=4)


def test_the_supplier_notebook_finds_the_injected_errors(demo_root, tmp_path, monkeypatch):
    monkeypatch.setenv("CCANALYSIS_HOME", str(demo_root))
    results = runner.extract_results(_run("supplier_month.ipynb", demo_root, tmp_path / "n.ipynb"))  # defaults
    # demo, northwind 2026-08: line 2's quantity inflated (+1,979.15), the SLA penalty left off (+3,444.44) and
    # two retention fees not earned (line 8, 2 × 20.00 = +40.00)
    assert results["difference"] == "5463.59" == results["to_claim"] == results["claimable"]
    assert Decimal(results["claimable"]) == _injected(demo_root, "northwind", "2026-08")
    # findings: the two planted errors, the retention charge's quantity and its two retention_not_earned lines
    assert results["findings"] == 5 and results["needs_review"] == 0 and results["invoice_id"] == "NW-202608-001"


def test_the_portfolio_notebook_finds_the_injected_errors(demo_root, tmp_path, monkeypatch):
    monkeypatch.setenv("CCANALYSIS_HOME", str(demo_root))
    results = runner.extract_results(_run("portfolio.ipynb", demo_root, tmp_path / "p.ipynb"))  # 2026-08
    billed, expected = results["billed_net"], results["expected_net"]
    differences = {s: Decimal(billed[s]) - Decimal(expected[s]) for s in billed}
    # 2026-08: northwind +1,979.15 +3,444.44 +40.00 (two retention fees not earned); southpoint +45.00 +555.00;
    # eastline none
    assert differences == {"northwind": Decimal("5463.59"), "southpoint": Decimal("600.00"), "eastline": 0}
    for supplier, difference in differences.items():
        assert difference == _injected(demo_root, supplier, "2026-08", lines_only=True)
    claimed = {s: Decimal(v) for s, v in results["savings_by_supplier"].items()}
    assert claimed == {s: _injected(demo_root, s, "2026-08") for s in billed}


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
    # southpoint 2026-09: only the invoice's header total was falsified (+250.00): its lines match, and the
    # audit claims the 250.00 the header asks for on top of them
    assert Decimal(results["difference"]) == 0 and Decimal(results["to_claim"]) == Decimal("250.00")
    page = notebook_to_html(nb, title="t", header={}, lang="en")
    assert "Informe mensual" not in page  # the bilingual title cell is hidden


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
