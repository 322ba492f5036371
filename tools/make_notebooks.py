"""Write the report notebooks (thin: title, parameters, one validation call, one call per section, publish).

Run `python tools/make_notebooks.py` after changing a section list; the notebooks are committed with every
output stripped (outputs belong in reports/). Nothing in a notebook checks the product: `tests/test_notebooks.py`
runs both notebooks and compares what they publish with the errors the demo injected. The title cell is tagged
`remove-cell` (the HTML has its own title, in the report's language).
"""

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
KERNEL = {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
          "language_info": {"name": "python"}}


HIDDEN = {"tags": ["remove-cell"]}


def cell(source: str, **kw):
    return new_code_cell(source.strip("\n"), **kw)


def supplier_month() -> nbformat.NotebookNode:
    cells = [
        new_markdown_cell("# Supplier month report · Informe mensual del proveedor\n\n"
                          "The invoice audit (findings, claim, review list, disputes), billed vs expected by charge, "
                          "expected invoice, KPIs under the contract's definitions with SLA "
                          "adjustments, daily activity and cost, compliance scorecard.", metadata=HIDDEN),
        cell('engagement: str = "demo"\nsupplier: str = "northwind"\nmonth: str = "2026-08"\nlang: str = "es"',
             metadata={"tags": ["parameters"]}),
        cell("from ccanalysis import report\n\n"
             "eng = report.open_engagement(engagement)\n"
             "report.check_parameters(eng, supplier, month, lang)"),
        cell("audit = report.audit_section(eng, supplier, month, lang)\naudit"),
        cell("summary = report.summary_section(eng, supplier, month, lang)\nsummary"),
        cell("invoice = report.expected_invoice_section(eng, supplier, month, lang)\ninvoice"),
        cell("kpis = report.kpi_section(eng, supplier, month, lang)\nkpis"),
        cell("activity = report.activity_section(eng, supplier, month, lang)\nactivity"),
        cell("scorecard = report.compliance_section(eng, supplier, month, lang)\nscorecard"),
        cell("report.publish(audit, summary, invoice, kpis, activity, scorecard)"),
    ]
    return new_notebook(cells=cells, metadata=KERNEL)


def portfolio() -> nbformat.NotebookNode:
    cells = [
        new_markdown_cell("# Supplier portfolio report · Informe de cartera\n\n"
                          "What the audits recover (savings), then all suppliers side by side: cost, unit costs, "
                          "KPI attainment under each contract's "
                          "definitions, share of handled contacts and concentration (HHI), budget vs actual.",
                          metadata=HIDDEN),
        cell('engagement: str = "demo"\nmonth: str = "2026-08"\nlang: str = "es"', metadata={"tags": ["parameters"]}),
        cell("from ccanalysis import report\n\n"
             "eng = report.open_engagement(engagement)\n"
             "report.check_parameters(eng, None, month, lang)"),
        cell("savings = report.portfolio_savings_section(eng, month, lang)\nsavings"),
        cell("cost = report.portfolio_cost_section(eng, month, lang)\ncost"),
        cell("attainment = report.portfolio_kpi_section(eng, month, lang)\nattainment"),
        cell("budget = report.portfolio_budget_section(eng, month, lang)\nbudget"),
        cell("report.publish(savings, cost, attainment, budget)"),
    ]
    return new_notebook(cells=cells, metadata=KERNEL)


def main() -> None:
    NOTEBOOKS.mkdir(exist_ok=True)
    for name, nb in (("supplier_month.ipynb", supplier_month()), ("portfolio.ipynb", portfolio())):
        for i, c in enumerate(nb.cells):
            c["id"] = f"{name.split('.')[0]}-{i}"  # stable ids: regenerating gives no diff
        nbformat.write(nb, NOTEBOOKS / name)
        print("wrote", NOTEBOOKS / name)


if __name__ == "__main__":
    main()
