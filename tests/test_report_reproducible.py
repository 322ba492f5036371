"""Reproducible reports: the same inputs give byte-identical HTML apart from the generation time, so a client
or a supplier can verify a report by re-running it; and the HTML runs no script."""

from __future__ import annotations

import base64
import re
from dataclasses import replace
from pathlib import Path

import matplotlib
import nbformat
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from ccanalysis.batch.plan import plan_jobs  # noqa: E402
from ccanalysis.batch.runner import ReportJob, run_batch  # noqa: E402
from ccanalysis.report.html import CONTENT_SECURITY_POLICY, notebook_to_html  # noqa: E402
from ccanalysis.report.section import _svg  # noqa: E402

GENERATED = re.compile(r"(<dt>(?:Generated|Generado)</dt><dd>)[^<]*(</dd>)")


def _without_generation_time(html: bytes) -> bytes:
    text, count = GENERATED.subn(r"\1\2", html.decode("utf-8"))
    assert count == 1
    return text.encode("utf-8")


def _figure_notebook(folder: Path) -> Path:
    """A report notebook of one Section: a narrative, a table and a matplotlib figure (embedded SVG)."""
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                           "language": "python"}})
    nb.cells = [
        nbformat.v4.new_code_cell('client = "ACME"\nvalues = "3,1,4,1,5"', metadata={"tags": ["parameters"]},
                                  id="figure-0"),
        nbformat.v4.new_code_cell(
            "import matplotlib.pyplot as plt\nimport pandas as pd\nfrom ccanalysis.report.section import Section\n"
            "numbers = [int(v) for v in values.split(',')]\nfig, ax = plt.subplots(figsize=(4, 2))\n"
            "ax.bar(range(len(numbers)), numbers)\nax.set_title(f'Calls of {client}')\nplt.close(fig)\n"
            "Section(title=f'Activity of {client}', narrative='Five days.', figures=[fig],\n"
            "        tables=[('Calls', pd.DataFrame({'day': range(1, 6), 'calls': numbers}))])", id="figure-1"),
    ]
    path = folder / "figure.ipynb"
    nbformat.write(nb, path)
    return path


def test_a_figure_is_the_same_svg_every_time():
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.plot([0, 1, 2], [3, 1, 2], label="calls")
    ax.legend()
    first, second = _svg(fig), _svg(fig)
    plt.close(fig)
    assert first == second
    svg = base64.b64decode(first).decode("utf-8")
    assert "<dc:date>" not in svg  # no creation date in the metadata
    assert re.search(r'id="[^"]+"', svg)  # ids there are, from the fixed salt


def test_the_same_report_built_twice_is_the_same_bytes_but_its_generation_time(tmp_path):
    notebook = _figure_notebook(tmp_path)
    jobs = [ReportJob(name=f"run{i}", notebook=notebook, parameters={"client": "Globex"},
                      output_stem=tmp_path / f"run{i}" / "globex", header={"client": "Globex", "month": "2026-08"},
                      title="Activity report", lang="en") for i in (1, 2)]
    results = run_batch(jobs[:1], progress=False) + run_batch(jobs[1:], reuse_kernel=True, progress=False)
    assert [r.status for r in results] == ["ok", "ok"], [r.where for r in results]
    first, second = ((tmp_path / f"run{i}" / "globex.html").read_bytes() for i in (1, 2))
    assert b"<img alt=\"Activity of Globex\" src=\"data:image/svg+xml;base64," in first
    # papermill in one, a kept-alive kernel in the other: the same page
    assert _without_generation_time(first) == _without_generation_time(second)


def test_the_demo_supplier_report_is_reproducible(demo_engagement, tmp_path):
    job = plan_jobs(demo_engagement, ["2026-08"], ["northwind"], portfolio=False)[0]
    jobs = [replace(job, name=f"run{i}", output_stem=tmp_path / f"run{i}" / "northwind") for i in (1, 2)]
    results = run_batch(jobs, jobs_n=2, cwd=demo_engagement.root, progress=False)
    assert [r.status for r in results] == ["ok", "ok"], [r.where for r in results]
    first, second = ((tmp_path / f"run{i}" / "northwind.html").read_bytes() for i in (1, 2))
    assert first.count(b"data:image/svg+xml;base64,") >= 1
    assert str(tmp_path).encode() not in first  # no temporary path leaks into the page
    assert _without_generation_time(first) == _without_generation_time(second)


def test_the_page_forbids_scripts_and_carries_none():
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("x")
    cell.outputs = [nbformat.v4.new_output(
        "display_data", data={"text/html": '<p>kept</p><script>alert(1)</script><SCRIPT src="x.js"></SCRIPT>',
                              "application/javascript": "alert(2)"})]
    nb.cells = [cell]
    html = notebook_to_html(nb, title="t", header={})
    assert "script-src 'none'" in CONTENT_SECURITY_POLICY and CONTENT_SECURITY_POLICY.count("script") == 1
    assert f'content="{CONTENT_SECURITY_POLICY}"' in html
    assert "<p>kept</p>" in html
    assert re.search(r"<script", html, re.IGNORECASE) is None
    assert "alert(" not in html


@pytest.mark.parametrize("tag", ["injected-parameters", "papermill-error-cell-tag"])
def test_cells_papermill_adds_get_fixed_ids_in_the_page(tag):
    pages = []
    for random_id in ("3f1c9a0e", "b72d44c1"):
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_code_cell("a = 1", id="author-0"),
                    nbformat.v4.new_code_cell("a = 2", id=random_id, metadata={"tags": [tag]})]
        pages.append(notebook_to_html(nb, title="t", header={"generated": "fixed"}))
        assert random_id not in pages[-1]
    assert pages[0] == pages[1]
    assert "author-0" in pages[0]
