"""Write the report notebooks (thin: title, parameters, one validation call, one call per section).

Run `python tools/make_notebooks.py` after changing a section list; the notebooks are committed with
outputs stripped except the summary cell nbval checks (its expected text is written here by hand).
"""

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
KERNEL = {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
          "language_info": {"name": "python"}}


def cell(source: str, **kw):
    return new_code_cell(source.strip("\n"), **kw)


def supplier_month() -> nbformat.NotebookNode:
    cells = [
        new_markdown_cell("# Supplier month report · Informe mensual del proveedor\n\n"
                          "Expected invoice, billed vs expected, KPIs under the contract's definitions with SLA "
                          "adjustments, daily activity and cost, compliance scorecard."),
        cell('engagement: str = "demo"\nsupplier: str = "northwind"\nmonth: str = "2026-08"\nlang: str = "es"',
             metadata={"tags": ["parameters"]}),
        cell("from ccanalysis import report\n\n"
             "eng = report.open_engagement(engagement)\n"
             "report.check_parameters(eng, supplier, month, lang)"),
        cell("summary = report.summary_section(eng, supplier, month, lang)\nsummary"),
        cell("invoice = report.expected_invoice_section(eng, supplier, month, lang)\ninvoice"),
        cell("kpis = report.kpi_section(eng, supplier, month, lang)\nkpis"),
        cell("activity = report.activity_section(eng, supplier, month, lang)\nactivity"),
        cell("scorecard = report.compliance_section(eng, supplier, month, lang)\nscorecard"),
        cell("report.publish(summary, invoice, kpis, activity, scorecard)"),
        cell("# NBVAL_CHECK_OUTPUT\nprint(report.summary_check(eng, supplier, month))",
             outputs=[new_output("stream", name="stdout",
                                 text="supplier=northwind month=2026-08 lines_sum_to_net=True "
                                      "amounts_in_cents=True tax_on_net=True\n")]),
    ]
    return new_notebook(cells=cells, metadata=KERNEL)


def portfolio() -> nbformat.NotebookNode:
    cells = [
        new_markdown_cell("# Supplier portfolio report · Informe de cartera\n\n"
                          "All suppliers side by side: cost, unit costs, KPI attainment under each contract's "
                          "definitions, share of handled contacts and concentration (HHI), budget vs actual."),
        cell('engagement: str = "demo"\nmonth: str = "2026-08"\nlang: str = "es"', metadata={"tags": ["parameters"]}),
        cell("from ccanalysis import report\n\n"
             "eng = report.open_engagement(engagement)\n"
             "report.check_parameters(eng, None, month, lang)"),
        cell("cost = report.portfolio_cost_section(eng, month, lang)\ncost"),
        cell("attainment = report.portfolio_kpi_section(eng, month, lang)\nattainment"),
        cell("budget = report.portfolio_budget_section(eng, month, lang)\nbudget"),
        cell("report.publish(cost, attainment, budget)"),
        cell("# NBVAL_CHECK_OUTPUT\nprint(report.portfolio_check(eng, month))",
             outputs=[new_output("stream", name="stdout",
                                 text="month=2026-08 suppliers=3 shares_sum_to_one=True hhi_within_bounds=True\n")]),
    ]
    return new_notebook(cells=cells, metadata=KERNEL)


def main() -> None:
    NOTEBOOKS.mkdir(exist_ok=True)
    for name, nb in (("supplier_month.ipynb", supplier_month()), ("portfolio.ipynb", portfolio())):
        for i, c in enumerate(nb.cells):
            c["id"] = f"{name.split('.')[0]}-{i}"  # stable ids: regenerating gives no diff
            if c.cell_type == "code" and c.get("outputs"):
                c["execution_count"] = 1  # nbval compares only cells that were run
        nbformat.write(nb, NOTEBOOKS / name)
        print("wrote", NOTEBOOKS / name)


if __name__ == "__main__":
    main()
