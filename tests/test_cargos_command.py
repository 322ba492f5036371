"""`ccanalysis cargos`: the month in every format, the review queue, a person's classification appended to the
decisions file and learned from, dispute / accept / write-off in the register, the retailer's dispute pack, and
clear errors (exit 2) for an unknown document, type or action."""

from __future__ import annotations

import csv
import json
from fractions import Fraction

import pytest
from openpyxl import load_workbook

from ccanalysis import cli
from ccanalysis.commands.cargos import CHARGE_COLUMNS
from tests.test_cargos_data import charge, engagement

CHARGES = [
    charge("C1", amount="4000.00"),  # reference PROMO-2026-07: a promotion (3 % of July's 120,000 = 3,600)
    charge("C2", amount="1500.00", description="Rappel trimestral 2T 2026", reference=None),  # the rule
    charge("C3", amount="700.00", description="zzzz qqqq", reference=None),  # nothing like it: review
]


@pytest.fixture
def root(tmp_path):
    return engagement(tmp_path, charges=CHARGES)


def run(root, *args: str) -> int:
    return cli.main(["cargos", "tiny", *args, "--root", str(root)])


def month_json(root, capsys) -> dict:
    capsys.readouterr()
    assert run(root, "--month", "2026-08", "--format", "json") == 0
    return json.loads(capsys.readouterr().out)


def test_the_month_as_json(root, capsys):
    out = month_json(root, capsys)
    assert set(out) == {"month", "retailer", "as_of", "kpis", "charges", "forecast", "backtest"}
    by_id = {c["document_id"]: c for c in out["charges"]}
    assert [c for c in CHARGE_COLUMNS if c not in by_id["C1"]] == []
    assert (by_id["C1"]["type"], by_id["C1"]["method"]) == ("promotion", "reference")
    assert (by_id["C2"]["type"], by_id["C2"]["method"]) == ("rappel", "rule")
    assert (by_id["C3"]["type"], by_id["C3"]["method"]) == (None, "review")
    # C1 charges 4,000 for a promotion agreed at 3 % of July's sales (120,000) = 3,600: 400 invalid
    assert by_id["C1"]["invalid_amount"] == "400.00" and by_id["C1"]["owner"] == "key_account"
    # issued 20 Aug, window 60 days → deadline 19 Oct
    assert by_id["C1"]["deadline"] == "2026-10-19"
    kpis = {k["kpi"]: k for k in out["kpis"]}
    # charged in August 4,000 + 1,500 + 700 = 6,200; no August sales in the tiny engagement: no value
    assert kpis["cargos_of_sales"]["numerator"] == "6200.00" and kpis["cargos_of_sales"]["value"] is None


def test_the_month_as_csv_and_table(root, capsys):
    assert run(root, "--month", "2026-08", "--format", "csv") == 0
    rows = list(csv.reader(capsys.readouterr().out.splitlines()))
    assert rows[0] == CHARGE_COLUMNS and len(rows) == 4
    assert run(root, "--month", "2026-08", "--lang", "en") == 0
    text = capsys.readouterr().out
    assert "days deductions outstanding (DDO)" in text and "promotional contribution" in text
    assert run(root, "--month", "2026-08") == 0
    assert "aportación promocional" in capsys.readouterr().out


def test_classify_appends_a_decision_and_it_is_learned_from(root, capsys):
    assert run(root, "review", "--format", "json", "--as-of", "2026-09-01") == 0
    assert [c["document_id"] for c in json.loads(capsys.readouterr().out)] == ["C3"]
    assert run(root, "classify", "C3", "--type", "marketing", "--by", "ana", "--as-of", "2026-08-25") == 0
    assert "marketing" in capsys.readouterr().out
    with (root / "data" / "tiny" / "cargos" / "decisions.csv").open(encoding="utf-8") as handle:
        decisions = list(csv.DictReader(handle))
    assert [(d["document_id"], d["type"], d["decided_by"]) for d in decisions] == [("C3", "marketing", "ana")]
    by_id = {c["document_id"]: c for c in month_json(root, capsys)["charges"]}
    assert (by_id["C3"]["type"], by_id["C3"]["method"]) == ("marketing", "human")
    # a new charge with C3's text is now typed by the classifier trained on the decision
    more = [*CHARGES, charge("C4", amount="80.00", description="zzzz qqqq", reference=None, issue_date="2026-08-28")]
    engagement(root, charges=more)
    by_id = {c["document_id"]: c for c in month_json(root, capsys)["charges"]}
    assert (by_id["C4"]["type"], by_id["C4"]["method"]) == ("marketing", "learned")


def test_an_unknown_document_type_or_action_is_a_usage_error(root, capsys):
    capsys.readouterr()
    assert run(root, "classify", "C9", "--type", "marketing") == 2
    assert "no charge 'C9'" in capsys.readouterr().err
    assert run(root, "classify", "C3", "--type", "promo") == 2
    assert "unknown charge type 'promo'" in capsys.readouterr().err
    assert run(root, "classify", "C3") == 2
    assert run(root, "shred", "C3") == 2
    assert "unknown cargos action 'shred'" in capsys.readouterr().err
    assert run(root, "--month", "2026-08", "--retailer", "ghost") == 2
    assert "retailers with an agreement: mercaplus" in capsys.readouterr().err
    assert not (root / "data" / "tiny" / "cargos" / "decisions.csv").exists()  # nothing was written


def test_dispute_accept_and_write_off_in_the_register(root, capsys):
    register = root / "data" / "tiny" / "disputes.csv"
    assert run(root, "dispute", "C1", "--as-of", "2026-08-25") == 0
    assert run(root, "accept", "C2", "--as-of", "2026-08-25") == 0
    assert run(root, "write-off", "C3", "--amount", "700.00", "--as-of", "2026-08-26") == 0
    with register.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["dispute_id"], r["supplier"], r["invoice_id"], r["status"], r["amount_claimed"]) for r in rows] == [
        ("C-mercaplus-C1", "mercaplus", "C1", "submitted", "400.00"),
        ("C-mercaplus-C2", "mercaplus", "C2", "charge_accepted", "0.00"),
        ("C-mercaplus-C3", "mercaplus", "C3", "written_off", "700.00")]
    capsys.readouterr()
    assert run(root, "dispute", "C1", "--as-of", "2026-08-26") == 2  # already submitted
    assert "cannot become submitted" in capsys.readouterr().err
    assert run(root, "answer", "C1", "--status", "accepted", "--as-of", "2026-09-10") == 0
    by_id = {c["document_id"]: c for c in month_json(root, capsys)["charges"]}
    assert by_id["C2"]["status"] == "charge_accepted" and by_id["C1"]["status"] == "submitted"  # as of 31 Aug


def test_the_retailers_dispute_pack(root, capsys):
    assert run(root, "pack", "--retailer", "mercaplus", "--month", "2026-08", "--lang", "en") == 0
    path = root / "reports" / "tiny" / "2026-08" / "cargos_mercaplus_disputes.xlsx"
    book = load_workbook(path)
    assert book.sheetnames == ["Summary", "Promotional contribution"]
    sheet = book["Promotional contribution"]
    assert sheet["A2"].value == "C1" and sheet["G2"].value == 400.0 and sheet["G3"].value == 400.0  # total


def test_the_batch_plans_one_cargos_report_per_month_with_charges(root):
    from ccanalysis.batch.plan import plan_jobs
    from ccanalysis.engagement import load

    eng = load("tiny", root=root)
    jobs = plan_jobs(eng, ["2026-08"])
    assert [j.name for j in jobs] == ["2026-08/cargos"]  # no contact-centre supplier: no portfolio either
    assert jobs[0].notebook.name == "cargos_month.ipynb"
    assert jobs[0].parameters == {"engagement": "tiny", "month": "2026-08", "lang": "es"}


@pytest.mark.parametrize("lang", ["es", "en"])
def test_the_report_sections_render_in_each_language(root, lang):
    from ccanalysis.engagement import load
    from ccanalysis.i18n import cargos as words
    from ccanalysis.report.cargos import SECTIONS, cargos_sections

    eng = load("tiny", root=root)
    sections = cargos_sections(eng, "2026-08", lang)
    assert [s.title for s in sections] == [words.heading(f"{n}_title", lang) for n in
                                           ("classification", "validation", "resolution", "kpis", "forecast")]
    assert len(sections) == len(SECTIONS)
    html = sections._repr_html_()
    assert words.type_name("promotion", lang) in html
    # the promotion's 400.00 invalid is the month's invalid amount
    assert str(sections.results["invalid_amount"]) == "400.00"


def test_the_cargos_notebook_publishes_the_months_invalid_amount_of_the_demo(demo_root, tmp_path):
    """The notebook on the demo (1,500 charges): what it publishes as invalid is what the truth file planted in
    that month's charges, to the cent."""
    from decimal import Decimal

    import pandas as pd

    from ccanalysis.batch import runner
    from tests.test_notebooks import _run

    results = runner.extract_results(_run("cargos_month.ipynb", demo_root, tmp_path / "c.ipynb"))  # 2026-10
    truth = pd.read_csv(demo_root / "data" / "demo_cargos" / "truth" / "charges_truth.csv", dtype=str,
                        keep_default_na=False)
    charges = pd.concat([pd.read_csv(p, dtype=str) for p in
                         sorted((demo_root / "data" / "demo_cargos" / "cargos" / "charges").glob("*.csv"))])
    october = charges[charges["issue_date"].str.startswith("2026-10")][["retailer", "document_id"]]
    planted = truth.merge(october, on=["retailer", "document_id"])
    expected = sum((Decimal(a) for a in planted["expected_invalid_amount"] if a), Decimal(0))
    assert Decimal(results["invalid_amount"]) == expected and results["charges"] == len(october)


def test_a_month_without_charges_reports_the_disputes_answered(root):
    from ccanalysis.engagement import load
    from ccanalysis.i18n import cargos as words
    from ccanalysis.report.cargos import cargos_sections

    assert run(root, "dispute", "C1", "--as-of", "2026-08-25") == 0
    assert run(root, "answer", "C1", "--status", "accepted", "--as-of", "2026-09-10") == 0
    sections = cargos_sections(load("tiny", root=root), "2026-09", "en")
    assert sections.results["charges"] == 0
    # nothing filed in September; twelve months to 30 Sep: C1 filed 25 Aug and accepted 10 Sep, one of one won
    assert sections.results["kpis"]["all"]["win_rate"] is None
    assert sections.results["kpis_12m"]["all"]["win_rate"] == 1
    # recovered 400 (accepted) of 400 claimed; filed 5 days after its issue (20 → 25 Aug) of a 60-day window
    assert sections.results["kpis_12m"]["all"]["recovery_rate"] == 1
    assert sections.results["kpis_12m"]["all"]["filing_lag"] == Fraction(5, 60)
    kpis = next(s for s in sections if s.title == words.heading("kpis_title", "en"))
    assert any(name.startswith("win rate") for name, _ in kpis.tables)
