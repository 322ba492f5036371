"""`ccanalysis report --pdf`: a PDF beside each HTML, printed offline by headless Chromium, with the report's
header on every page; no Chromium is a one-line usage error before any report runs."""

import json
import re
import shutil
from pathlib import Path

import pytest

from ccanalysis import cli
from ccanalysis.batch import pdf as pdf_module

CHROMIUM = pdf_module.find_chromium()
chromium_needed = pytest.mark.skipif(CHROMIUM is None, reason="--pdf needs headless Chromium "
                                                             "(apt-get install chromium)")
REPORT = ["report", "demo", "--month", "2026-09", "--supplier", "northwind", "--no-portfolio", "--jobs", "1",
          "--format", "json"]


def _copy_demo(demo_root: Path, root: Path) -> Path:
    for folder in ("parameters", "data"):
        shutil.copytree(demo_root / folder / "demo", root / folder / "demo")
    return root


@pytest.fixture(scope="module")
def pdf_root(demo_root, tmp_path_factory):
    return _copy_demo(demo_root, tmp_path_factory.mktemp("pdf"))


def _pages(data: bytes) -> list[str] | int:
    """The text of each page (pypdfium2), or only how many pages there are when it is not installed."""
    try:
        import pypdfium2
    except ImportError:
        return len(re.findall(rb"/Type\s*/Page\b", data))
    document = pypdfium2.PdfDocument(data)
    return [document[i].get_textpage().get_text_range() for i in range(len(document))]


def _run(args: list[str], capsys) -> tuple[int, list[dict]]:
    code = cli.main(args)
    out = capsys.readouterr().out
    return code, json.loads(out) if out.strip() else []


@chromium_needed
def test_pdf_beside_the_html_with_the_header_on_every_page(pdf_root, capsys):
    code, results = _run([*REPORT, "--pdf", "--root", str(pdf_root)], capsys)
    folder = pdf_root / "reports" / "demo" / "2026-09"
    assert code == 0, results
    assert [(r["report"], r["status"]) for r in results] == [("2026-09/northwind", "ok")]
    assert results[0]["pdf"] == str(folder / "northwind.pdf")
    data = (folder / "northwind.pdf").read_bytes()
    assert data.startswith(b"%PDF")
    assert not list(folder.glob(".*.tmp")), "no temporary file is left behind"
    pages = _pages(data)
    assert (pages if isinstance(pages, int) else len(pages)) >= 2, "each section starts a new page"
    if isinstance(pages, list):
        for number, text in enumerate(pages, 1):
            flat = " ".join(text.split())
            for fact in ("Cliente: Demo Utilities S.A.", "Proveedor: Northwind Contact Services S.L.",
                         "Mes: 2026-09"):
                assert fact in flat, f"page {number} lacks the header's {fact!r}: {flat[:300]}"
        assert "Auditoría de la factura" in " ".join(pages[0].split())  # the first section stays on page 1
    record = json.loads((folder / "northwind.json").read_text(encoding="utf-8"))
    assert record["pdf"]["bytes"] == len(data)


@chromium_needed
def test_a_missing_pdf_is_rebuilt_and_an_unchanged_one_skipped(pdf_root, capsys):
    folder = pdf_root / "reports" / "demo" / "2026-09"
    _run([*REPORT, "--pdf", "--root", str(pdf_root)], capsys)
    code, results = _run([*REPORT, "--pdf", "--root", str(pdf_root)], capsys)
    assert code == 0 and [r["status"] for r in results] == ["skipped"]
    assert results[0]["pdf"] == str(folder / "northwind.pdf")
    (folder / "northwind.pdf").unlink()
    code, results = _run([*REPORT, "--root", str(pdf_root)], capsys)
    assert [r["status"] for r in results] == ["skipped"], "without --pdf a missing PDF is no reason to rebuild"
    code, results = _run([*REPORT, "--pdf", "--root", str(pdf_root)], capsys)
    assert code == 0 and [r["status"] for r in results] == ["ok"]
    assert (folder / "northwind.pdf").read_bytes().startswith(b"%PDF")
    table = [a for a in REPORT if a not in ("--format", "json")]
    assert cli.main([*table, "--pdf", "--root", str(pdf_root)]) == 0  # skipped: the table names the PDF
    assert capsys.readouterr().out.endswith(f"PDF:\n  {folder / 'northwind.pdf'}\n")


def test_pdf_without_chromium_is_a_usage_error_before_any_report(demo_root, tmp_path, monkeypatch, capsys):
    root = _copy_demo(demo_root, tmp_path)
    monkeypatch.setattr(pdf_module, "find_chromium", lambda: None)
    assert cli.main([*REPORT, "--pdf", "--root", str(root)]) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and "apt-get install chromium" in lines[0] and "--pdf" in lines[0], captured.err
    assert captured.out == ""
    assert not (root / "reports").exists() or not [p for p in (root / "reports").rglob("*") if p.is_file()]


@chromium_needed
def test_a_pdf_chromium_cannot_print_is_a_failed_report_not_a_traceback(demo_root, tmp_path, monkeypatch,
                                                                          capsys):
    root = _copy_demo(demo_root, tmp_path)
    broken = tmp_path / "chromium"
    broken.write_text("#!/bin/sh\necho 'cannot open display' >&2\nexit 1\n", encoding="utf-8")
    broken.chmod(0o755)
    monkeypatch.setattr(pdf_module, "find_chromium", lambda: str(broken))
    code, results = _run([*REPORT, "--pdf", "--root", str(root)], capsys)
    assert code == 1
    assert [r["status"] for r in results] == ["failed"]
    assert results[0]["where"].startswith("pdf: Chromium could not print northwind.html")
    assert "cannot open display" in results[0]["where"]
    folder = root / "reports" / "demo" / "2026-09"
    assert not (folder / "northwind.pdf").exists() and not list(folder.glob(".*.tmp"))
    assert not (folder / "northwind.json").exists(), "without its PDF the report is not marked as built"


def test_print_css_and_running_header_in_the_page():
    import nbformat

    from ccanalysis.report.html import notebook_to_html
    from ccanalysis.report.section import Section

    sections = [Section(title=f"Sección {i}") for i in range(3)]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("s", outputs=[nbformat.v4.new_output(
        "display_data", data={"text/html": s._repr_html_(), "text/plain": "s"})]) for s in sections])
    page = notebook_to_html(nb, title="Informe — Northwind — 2026-09", lang="es",
                            header={"client": "Cliente SA", "supplier": "Northwind", "month": "2026-09",
                                    "data_sources": "contactos"})
    assert "@page { size: A4; margin: 14mm 12mm 16mm; }" in page
    assert page.count('class="cca-section first-section"') == 1
    assert page.index('class="cca-section first-section"') < page.index('class="cca-section"')
    thead = page[page.index("<thead>"):page.index("</thead>")]
    assert "Informe — Northwind — 2026-09" in thead
    assert "Cliente: Cliente SA" in thead and "Proveedor: Northwind" in thead and "Mes: 2026-09" in thead
    assert "contactos" not in thead  # the data sources stay in the first page's header only
