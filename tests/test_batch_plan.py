"""`ccanalysis report`: planning, parameter checks before any kernel, and a real batch on the demo."""

import json
import re

import pytest

from ccanalysis import cli
from ccanalysis.batch.plan import parse_months, plan_jobs
from ccanalysis.report import html


def test_parse_months():
    assert parse_months("2026-08") == ["2026-08"]
    assert parse_months("2026-11..2027-02") == ["2026-11", "2026-12", "2027-01", "2027-02"]
    for bad in ("2026-8", "2026-10..2026-08", "agosto"):
        with pytest.raises(ValueError):
            parse_months(bad)


def test_plan_jobs(demo_engagement):
    jobs = plan_jobs(demo_engagement, ["2026-08", "2026-09"])
    assert [j.name for j in jobs] == [
        "2026-08/northwind", "2026-08/southpoint", "2026-08/eastline", "2026-08/portfolio",
        "2026-09/northwind", "2026-09/southpoint", "2026-09/eastline", "2026-09/portfolio"]
    northwind = jobs[0]
    assert northwind.parameters == {"engagement": "demo", "supplier": "northwind", "month": "2026-08", "lang": "es"}
    assert northwind.output_stem.parts[-3:] == ("demo", "2026-08", "northwind")
    # the supplier's report depends on its own contract, not on the other suppliers'
    names = {p.name for p in northwind.inputs}
    assert "northwind.yaml" in names and "southpoint.yaml" not in names
    assert "data_sources" in northwind.header
    # care's 228,781 contact records and billing's 73,540 billing-care records
    assert "contactos: 6 fichero(s), 302.321 filas 01/08/2026 – 31/10/2026" in northwind.header["data_sources"]


def test_wrong_parameters_are_one_line_errors_before_any_kernel(demo_root, capsys):
    assert cli.main(["report", "demo", "--month", "2026-12", "--root", str(demo_root)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "no activity for 2026-12" in err
    assert cli.main(["report", "demo", "--month", "2026-08", "--supplier", "nobody", "--root", str(demo_root)]) == 2
    assert "unknown supplier 'nobody'" in capsys.readouterr().err
    assert not list((demo_root / "reports").rglob("*.html")), "no report is written for wrong parameters"


def test_batch_writes_self_contained_reports_then_skips(demo_root, capsys):
    args = ["report", "demo", "--month", "2026-08", "--supplier", "eastline", "--jobs", "2", "--lang", "en",
            "--root", str(demo_root), "--format", "json"]
    assert cli.main(args) == 0
    first = json.loads(capsys.readouterr().out)
    assert [(r["report"], r["status"]) for r in first] == [("2026-08/eastline", "ok"), ("2026-08/portfolio", "ok")]
    folder = demo_root / "reports" / "demo" / "2026-08"
    for stem in ("eastline", "portfolio"):
        page = (folder / f"{stem}.html").read_text(encoding="utf-8")
        assert html.external_urls(page) == []
        assert "<script src" not in page and "report.open_engagement" not in page  # code hidden
        assert (folder / f"{stem}.ipynb").exists()
        json.loads((folder / f"{stem}.json").read_text())
    page = (folder / "eastline.html").read_text(encoding="utf-8")
    assert "Demo Utilities S.A." in page and "Eastline" in page and re.search(r"data_sources|Data sources", page)
    record = json.loads((folder / "eastline.json").read_text())
    results = record["results"]
    assert record["parameters"]["supplier"] == "eastline" and record["input_hash"]
    assert results["supplier"] == "eastline" and results["month"] == "2026-08"
    assert cli.main(args) == 0
    second = json.loads(capsys.readouterr().out)
    assert [r["status"] for r in second] == ["skipped", "skipped"]


def test_chromium_renders_a_demo_report_offline(demo_root, demo_engagement, tmp_path, capsys):
    from ccanalysis.i18n import format_money
    from ccanalysis.invoice import expected_invoice, totals
    from tests.test_report_html import CHROMIUM, _chromium, _console_messages

    if not CHROMIUM.exists():
        pytest.skip("headless check needs Debian's chromium package at /usr/bin/chromium (apt-get install chromium)")
    assert cli.main(["report", "demo", "--month", "2026-09", "--supplier", "northwind", "--no-portfolio",
                     "--root", str(demo_root)]) == 0
    capsys.readouterr()
    page = demo_root / "reports" / "demo" / "2026-09" / "northwind.html"
    run = _chromium(page, tmp_path / "profile")
    assert run.returncode == 0, run.stderr[-2000:]
    net = totals(expected_invoice(demo_engagement, "northwind", "2026-09")).net
    assert format_money(net, "es") in run.stdout  # the key figure, rendered in Spanish format
    assert "Fuentes de datos" in run.stdout and "Periodo de facturación" in run.stdout
    assert _console_messages(run.stderr) == []


def _imported_modules(path) -> set[str]:
    import ast

    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def test_no_import_cycle_between_the_batch_the_report_layer_and_the_cli():
    from pathlib import Path

    package = Path(cli.__file__).parent
    for path in (package / "report").rglob("*.py"):  # the report layer never reaches for the batch
        assert not {m for m in _imported_modules(path) if m.startswith("ccanalysis.batch")}, path
    for path in (package / "batch").rglob("*.py"):  # and the batch never for the command line
        assert "ccanalysis.cli" not in _imported_modules(path), path


def test_a_changed_input_rebuilds_exactly_the_reports_that_read_it(demo_root, tmp_path):
    import shutil

    from ccanalysis.batch.rebuild import job_hash
    from ccanalysis.engagement import load

    for folder in ("parameters", "data"):
        shutil.copytree(demo_root / folder / "demo", tmp_path / folder / "demo")
    jobs = plan_jobs(load("demo", root=tmp_path), ["2026-08"])
    assert [j.name.split("/")[1] for j in jobs] == ["northwind", "southpoint", "eastline", "portfolio"]

    def rebuilt_after(relative: str) -> list[str]:
        before = [job_hash(j) for j in jobs]
        assert (tmp_path / relative).is_file(), relative
        with (tmp_path / relative).open("a", encoding="utf-8") as handle:
            handle.write("\n# edited\n" if relative.endswith(".yaml") else "\n")
        return [j.name.split("/")[1] for j, old in zip(jobs, before, strict=True) if job_hash(j) != old]

    assert rebuilt_after("parameters/demo/contracts/southpoint.yaml") == ["southpoint", "portfolio"]
    # the mapping of eastline's invoice files is read by eastline's report (and the portfolio), no other
    assert rebuilt_after("parameters/demo/mappings/eastline_invoices.yaml") == ["eastline", "portfolio"]
    assert rebuilt_after("parameters/demo/mappings/invoice_lines_eastline.yaml") == ["eastline", "portfolio"]
    assert rebuilt_after("data/demo/activity/northwind.csv") == ["northwind", "portfolio"]
    assert rebuilt_after("data/demo/invoices/eastline/2026-09.csv") == ["eastline", "portfolio"]
    assert rebuilt_after("parameters/demo/engagement.yaml") == ["northwind", "southpoint", "eastline", "portfolio"]
