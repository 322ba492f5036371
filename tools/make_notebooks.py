"""Write the report notebooks (thin: title, parameters, one validation call, one call per section, publish).

Run `python tools/make_notebooks.py` after changing a section list; the notebooks are committed with
outputs stripped except the check cell nbval compares. That cell prints the demo's billed − expected
difference, and its expected output is written here by hand from the errors the demo generator injected
(`data/demo/truth/injected_errors.csv`), not from the code: it fails when a figure changes. It is tagged
`remove-cell`, so the HTML report never shows it; the title cell is tagged too (the HTML has its own title,
in the report's language).
"""

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
KERNEL = {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
          "language_info": {"name": "python"}}


HIDDEN = {"tags": ["remove-cell"]}


def cell(source: str, **kw):
    return new_code_cell(source.strip("\n"), **kw)


def check_cell(source: str, expected: str):
    """The one cell nbval compares, hidden from the HTML, with its hand-written expected output."""
    return cell("# NBVAL_CHECK_OUTPUT\n" + source, metadata=HIDDEN,
                outputs=[new_output("stream", name="stdout", text=expected + "\n")])


def supplier_month() -> nbformat.NotebookNode:
    cells = [
        new_markdown_cell("# Supplier month report · Informe mensual del proveedor\n\n"
                          "Expected invoice, billed vs expected, KPIs under the contract's definitions with SLA "
                          "adjustments, daily activity and cost, compliance scorecard.", metadata=HIDDEN),
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
        # demo, northwind 2026-08: two errors injected, line 2's quantity (+1,979.15) and a missing SLA
        # penalty (+3,444.44), so billed − expected = 5,423.59, all of it over-billed charges to claim
        check_cell('print("billed - expected:", summary.results["difference"], '
                   '"| to claim:", summary.results["to_claim"])',
                   "billed - expected: 5423.59 | to claim: 5423.59"),
    ]
    return new_notebook(cells=cells, metadata=KERNEL)


def portfolio() -> nbformat.NotebookNode:
    cells = [
        new_markdown_cell("# Supplier portfolio report · Informe de cartera\n\n"
                          "All suppliers side by side: cost, unit costs, KPI attainment under each contract's "
                          "definitions, share of handled contacts and concentration (HHI), budget vs actual.",
                          metadata=HIDDEN),
        cell('engagement: str = "demo"\nmonth: str = "2026-08"\nlang: str = "es"', metadata={"tags": ["parameters"]}),
        cell("from ccanalysis import report\n\n"
             "eng = report.open_engagement(engagement)\n"
             "report.check_parameters(eng, None, month, lang)"),
        cell("cost = report.portfolio_cost_section(eng, month, lang)\ncost"),
        cell("attainment = report.portfolio_kpi_section(eng, month, lang)\nattainment"),
        cell("budget = report.portfolio_budget_section(eng, month, lang)\nbudget"),
        cell("report.publish(cost, attainment, budget)"),
        # demo, 2026-08: errors injected northwind +1,979.15 +3,444.44, southpoint +45.00 +555.00, eastline none
        check_cell('billed, expected = cost.results["billed_net"], cost.results["expected_net"]\n'
                   'print(", ".join(f"{s} {billed[s] - expected[s]}" for s in billed if billed[s] is not None))',
                   "northwind 5423.59, southpoint 600.00, eastline 0.00"),
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
