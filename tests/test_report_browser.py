"""The real demo reports in headless Chromium, network off, in both languages (`tools/check_reports.py`):
no console message, nothing past the right edge of a 1280-pixel window, no phrase of the other language."""

import importlib.util
import shutil
import sys
from pathlib import Path

import nbformat
import pytest

from ccanalysis import cli
from ccanalysis.report.html import notebook_to_html

_SPEC = importlib.util.spec_from_file_location(
    "check_reports", Path(__file__).resolve().parents[1] / "tools" / "check_reports.py")
check = sys.modules.setdefault("check_reports", importlib.util.module_from_spec(_SPEC))
_SPEC.loader.exec_module(check)

CHROMIUM = check.find_chromium()
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="the browser check needs headless Chromium "
                                                         "(apt-get install chromium)")
MONTH = "2026-09"


@pytest.fixture(scope="module")
def built(demo_root, tmp_path_factory):
    """The demo's northwind and portfolio reports of 2026-09, in Spanish (the engagement's) and English."""
    folders = {}
    for lang in ("es", "en"):
        root = tmp_path_factory.mktemp(f"browser-{lang}")
        for folder in ("parameters", "data"):
            shutil.copytree(demo_root / folder / "demo", root / folder / "demo")
        args = ["report", "demo", "--month", MONTH, "--supplier", "northwind", "--root", str(root)]
        assert cli.main([*args, *(["--lang", "en"] if lang == "en" else [])]) == 0
        folders[lang] = root / "reports" / "demo" / MONTH
    return folders


@pytest.mark.parametrize("lang", ["es", "en"])
@pytest.mark.parametrize("stem", ["northwind", "portfolio"])
def test_demo_report_is_clean_in_the_browser(built, lang, stem):
    page = built[lang] / f"{stem}.html"
    assert f'<html lang="{lang}">' in page.read_text(encoding="utf-8")
    findings = check.check_reports([page], chromium=CHROMIUM)
    assert [str(f) for f in findings] == []


def test_the_check_sees_overflow_foreign_words_and_console_messages(tmp_path):
    """It can fail: a page too wide, with Spanish in an English report and an outside image, is caught."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x", outputs=[
        nbformat.v4.new_output("display_data", data={"text/html": (
            '<div>Base imponible según la cabecera</div>'
            '<img src="https://example.com/logo.png">')}),
    ])])
    page = tmp_path / "bad.html"
    page.write_text(notebook_to_html(nb, title="Bad_" * 200, header={}, lang="en"), encoding="utf-8")  # no break
    findings = check.check_reports([page], chromium=CHROMIUM)
    kinds = {f.kind for f in findings}
    assert kinds == {"overflow", "language", "console"}, [str(f) for f in findings]
    assert any("base imponible" in f.detail for f in findings if f.kind == "language")
    assert any("example.com/logo.png" in f.detail for f in findings if f.kind == "console")
    assert any(f.detail.startswith("<h1> reaches") for f in findings if f.kind == "overflow"), findings
    # a wide table in the report's own horizontal scroll box does not make the page overflow
    nb.cells[0].outputs[0].data["text/html"] = '<table><tr><td style="min-width:3000px">Billed</td></tr></table>'
    page.write_text(notebook_to_html(nb, title="Wide", header={}, lang="en"), encoding="utf-8")
    assert [str(f) for f in check.check_reports([page], chromium=CHROMIUM)] == []


def test_foreign_phrases_are_the_other_languages_own():
    english = check.foreign_phrases("es")  # English phrases searched in a Spanish report
    spanish = check.foreign_phrases("en")
    assert "billing period" in english and "periodo de facturación" in spanish
    assert all(len(p.split()) >= 2 for p in english + spanish)
    assert not set(english) & check.vocabulary("es") and not set(spanish) & check.vocabulary("en")
    assert check.language_findings("The Billing   Period is", "es", english)
    # the engagement's own words (a contract's charge description in Spanish) are the consultant's
    row = "care Minuto productivo €200,669.90"
    assert check.language_findings(row, "en", ["minuto productivo"])
    assert check.language_findings(row, "en", ["minuto productivo"], ["minuto productivo"]) == []
    assert check.language_findings(row + " el minuto productivo", "en", ["minuto productivo"],
                                   ["care minuto productivo €200,669.90"])
    assert not check.language_findings("the billing periods", "es", ["billing period"])
