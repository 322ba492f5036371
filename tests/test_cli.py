"""The command line (`ccanalysis.cli`): each command, its output formats, and the exit code by error class
(0 done, 1 invalid input, 2 wrong usage, 3 a bug: the traceback and a line saying so)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

import ccanalysis
from ccanalysis import cli
from ccanalysis.errors import ContractError, UsageError
from tests.engagements import activity_row, contract, files_under, write_engagement

SEPTEMBER = ["expected", "tiny", "--supplier", "acme", "--month", "2026-09"]


@pytest.fixture
def tiny(tmp_path):
    """One supplier (acme), one service billed 1.50 per handled contact; 9 + 11 contacts in September."""
    rows = [activity_row("2026-09-01", 10, 9, abandoned=1), activity_row("2026-09-02", 12, 11, abandoned=1)]
    return write_engagement(tmp_path, tables={"activity/a.csv": rows})


def run(root, *argv):
    return cli.main([*argv, "--root", str(root)])


def _crash(exc):
    def raising(*args, **kwargs):
        raise exc
    return raising


# --------------------------------------------------------------------------- validate
def test_cli_validate_prints_report_and_exits_1(tmp_path, capsys):
    rows = [activity_row("2026-09-01", 10, 9, abandoned=2), activity_row("2026-09-02", "x", 9, abandoned=1)]
    write_engagement(tmp_path, tables={"activity/a.csv": rows})
    before = files_under(tmp_path)
    assert cli.main(["validate", "tiny", "--root", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "problem(s)" in err and "data/tiny/activity/a.csv, row 2" in err and "row 3, column offered" in err
    assert files_under(tmp_path) == before


def test_cli_validate_clean(tmp_path, capsys):
    write_engagement(tmp_path, tables={"activity/a.csv": [activity_row("2026-09-01", 10, 9, abandoned=1)]})
    assert cli.main(["validate", "tiny", "--root", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "valid" in out and "acme" in out and "activity" in out


def test_unknown_engagement(tmp_path, capsys):
    assert cli.main(["validate", "nope", "--root", str(tmp_path)]) == 1
    assert "no such engagement folder" in capsys.readouterr().err


def test_wrong_usage_exits_2(capsys):
    assert cli.main(["validate"]) == 2
    assert cli.main(["expected", "demo", "--month", "2026-08"]) == 2


def test_validate_json_and_csv(tiny, capsys):
    assert run(tiny, "validate", "tiny", "--format", "json") == 0
    out = json.loads(capsys.readouterr().out)
    assert list(out) == ["engagement", "client", "valid", "suppliers", "sources", "warnings", "reportable_months"]
    assert out["engagement"] == "tiny" and out["valid"] is True and out["suppliers"] == {"acme": ["care"]}
    assert out["sources"] == [{"table": "activity", "files": 1, "rows": 2, "from": "2026-09-01", "to": "2026-09-02"}]
    assert run(tiny, "validate", "tiny", "--format", "csv") == 0
    assert capsys.readouterr().out.splitlines() == ["table,files,rows,from,to", "activity,1,2,2026-09-01,2026-09-02"]


# --------------------------------------------------------------------------- expected
def test_expected_json(tiny, capsys):
    assert run(tiny, *SEPTEMBER, "--format", "json") == 0
    out = json.loads(capsys.readouterr().out)
    assert list(out) == ["supplier", "month", "invoice_period", "currency", "lines", "net", "tax", "gross"]
    assert out["supplier"] == "acme" and out["month"] == "2026-09" and out["currency"] == "EUR"
    assert out["invoice_period"] == ["2026-09-01", "2026-09-30"]
    (line,) = out["lines"]
    assert list(line) == ["line", "service", "charge", "tier", "kind", "description", "quantity", "unit",
                          "unit_price", "amount", "tax_rate", "explanation"]
    # 9 + 11 = 20 handled contacts × 1.50 = 30.00; tax 21 % = 6.30; gross 36.30
    assert (line["quantity"], line["unit_price"], line["amount"]) == ("20", "1.50", "30.00")
    assert (out["net"], out["tax"], out["gross"]) == ("30.00", "6.30", "36.30")


def test_expected_csv_prints_the_lines(tiny, capsys):
    assert run(tiny, *SEPTEMBER, "--format", "csv") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "line,service,charge,tier,kind,description,quantity,unit,unit_price,amount,tax_rate,explanation"
    assert len(lines) == 2 and lines[1].startswith("1,care,care_contacts,") and ",30.00,0.21," in lines[1]


def test_expected_table(tiny, capsys):
    assert run(tiny, *SEPTEMBER) == 0
    out = capsys.readouterr().out
    assert "acme" in out and "Base imponible" in out and "30,00" in out  # tiny's engagement.yaml says lang: es
    assert run(tiny, *SEPTEMBER, "--lang", "en") == 0
    out = capsys.readouterr().out
    assert "Net" in out and "30.00" in out and "Base imponible" not in out


def test_expected_language_is_the_engagements_unless_asked(tiny, capsys, monkeypatch):
    import ccanalysis.workbook as workbook

    seen = []
    for name in ("expected_invoice", "invoice_json", "format_invoice_table"):
        real = getattr(workbook, name)

        def spy(*args, _real=real, _name=name, **kwargs):
            seen.append((_name, kwargs.get("lang")))
            return _real(*args, **kwargs)

        monkeypatch.setattr(workbook, name, spy)
    assert run(tiny, *SEPTEMBER) == 0  # tiny's engagement.yaml says lang: es
    assert seen == [("expected_invoice", "es"), ("format_invoice_table", "es")]
    seen.clear()
    assert run(tiny, *SEPTEMBER, "--lang", "en", "--format", "json") == 0
    assert seen == [("expected_invoice", "en"), ("invoice_json", "en")]
    capsys.readouterr()
    assert run(tiny, *SEPTEMBER, "--lang", "fr") == 2
    assert "invalid choice: 'fr'" in capsys.readouterr().err


# --------------------------------------------------------------------------- demo and report
def test_demo_writes_into_the_root(tmp_path, capsys, monkeypatch):
    import ccanalysis.demo as demo
    from ccanalysis.demo.size import DemoSize

    calls = []
    monkeypatch.setattr(demo, "build_demo", lambda root, seed, size: calls.append((root, seed, size)))
    monkeypatch.setattr(demo, "build_collections_demo", lambda root, seed: calls.append(("collections", root, seed)))
    monkeypatch.setattr(demo, "build_cargos_demo", lambda root, seed: calls.append(("cargos", root, seed)))
    assert cli.main(["demo", "--root", str(tmp_path), "--seed", "7"]) == 0
    assert calls == [(tmp_path.resolve(), 7, DemoSize()), ("collections", tmp_path.resolve(), 7),
                     ("cargos", tmp_path.resolve(), 7)]
    out = capsys.readouterr().out
    assert str(tmp_path.resolve() / "parameters" / "demo") in out
    assert str(tmp_path.resolve() / "parameters" / "demo_collections") in out
    assert str(tmp_path.resolve() / "parameters" / "demo_cargos") in out
    calls.clear()
    assert cli.main(["demo", "--root", str(tmp_path), "--suppliers", "6", "--months", "12",
                     "--contacts-per-month", "1000"]) == 0
    assert calls[0][2] == DemoSize(suppliers=6, months=12, contacts_per_month=1000)
    capsys.readouterr()
    assert cli.main(["demo", "--root", str(tmp_path), "--months", "0"]) == 2
    assert "months must be a whole number >= 1" in capsys.readouterr().err


def test_report_json_and_exit_code_follow_the_reports(tiny, capsys, monkeypatch):
    import ccanalysis.batch.plan as plan
    from ccanalysis.batch.runner import ReportResult

    status = {"value": "ok"}

    def fake_batch(jobs, **kwargs):
        return [ReportResult(job.name, status["value"], 1.234, paths={"html": Path("r.html")}) for job in jobs]

    monkeypatch.setattr(plan, "run_batch", fake_batch)
    assert run(tiny, "report", "tiny", "--month", "2026-09", "--format", "json") == 0
    out = json.loads(capsys.readouterr().out)
    assert out == [{"report": "2026-09/acme", "status": "ok", "seconds": 1.23, "where": "", "html": "r.html"},
                   {"report": "2026-09/portfolio", "status": "ok", "seconds": 1.23, "where": "", "html": "r.html"}]
    status["value"] = "failed"
    assert run(tiny, "report", "tiny", "--month", "2026-09", "--no-portfolio", "--format", "json") == 1


# --------------------------------------------------------------------------- exit codes by class
@pytest.mark.parametrize("argv, says", [
    (["expected", "tiny", "--supplier", "nobody", "--month", "2026-09"], "unknown supplier 'nobody'"),
    (["expected", "tiny", "--supplier", "acme", "--month", "2026-13"], "month must be YYYY-MM"),
    (["expected", "tiny", "--supplier", "acme", "--month", "2025-09"], "not in force in billing period 2025-09"),
    (["report", "tiny", "--month", "2026-9"], "--month takes YYYY-MM"),
    (["report", "tiny", "--month", "2026-10..2026-09"], "ends before it starts"),
    (["report", "tiny", "--month", "2026-10"], "no activity for 2026-10"),
    (["report", "tiny", "--month", "2026-09", "--supplier", "nobody"], "unknown supplier 'nobody'"),
])
def test_wrong_usage_is_one_line_and_exit_2(tiny, capsys, argv, says):
    assert run(tiny, *argv) == 2
    err = capsys.readouterr().err
    assert says in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_argparse_usage_errors_exit_2_and_help_exits_0(capsys):
    assert cli.main([]) == 2
    assert cli.main(["expected", "demo", "--supplier", "acme"]) == 2  # --month is required
    assert cli.main(["validate", "demo", "--format", "xml"]) == 2
    assert cli.main(["--help"]) == 0
    assert cli.main(["--version"]) == 0
    assert ccanalysis.__version__ in capsys.readouterr().out


@pytest.mark.parametrize("command", [["validate", "tiny"], SEPTEMBER, ["report", "tiny", "--month", "2026-09"]])
def test_invalid_input_exits_1_with_the_report(tmp_path, capsys, command):
    write_engagement(tmp_path, tables={"activity/a.csv": [activity_row("2026-09-01", 10, 11)]})
    before = files_under(tmp_path)
    assert run(tmp_path, *command) == 1
    err = capsys.readouterr().err
    assert "handled + abandoned must not exceed offered" in err and "Traceback" not in err
    assert files_under(tmp_path) == before


def test_a_contract_error_while_rating_is_invalid_input(tiny, capsys, monkeypatch):
    import ccanalysis.workbook as workbook

    monkeypatch.setattr(workbook, "expected_invoice", _crash(ContractError("tiers[1].up_to: must be greater", "tiers")))
    assert run(tiny, *SEPTEMBER) == 1
    err = capsys.readouterr().err
    assert "invalid input: tiers[1].up_to: must be greater" in err and "Traceback" not in err


def _engagement_with_charge(root, charge, rows):
    c = contract()
    c["services"][0]["charges"] = [charge]
    return write_engagement(root, contracts=[c], tables={"activity/a.csv": rows})


def test_hours_off_the_interval_boundaries_are_invalid_input_not_a_bug(tmp_path, capsys):
    # 30-minute interval rows; a night window from 22:10 cannot be cut from them: found while rating
    rows = [{**activity_row("2026-09-01", 10, 9, abandoned=1), "interval_start": start} for start in ("22:00", "22:30")]
    night = {"id": "care_night", "unit": "handled_contact", "model": "per_unit", "unit_price": "1",
             "applies_to": {"hours": "22:10-08:00"}}
    assert run(_engagement_with_charge(tmp_path, night, rows), *SEPTEMBER) == 1
    err = capsys.readouterr().err
    assert "invalid input: applies_to.hours: 22:10 does not fall on a 30-minute interval boundary" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("charge, says", [
    ({"id": "care_capacity", "model": "capacity", "dimensions": ["fte"], "fte_hours": 160, "peak_over": "interval",
      "tiers": [{"limits": {"fte": 2}, "price": 1000}, {"limits": {"fte": None}, "price": 1800}]},
     "(care_capacity) takes its peak per interval (`peak_over: interval`), which needs interval rows"),
    ({"id": "care_fee", "unit": "collected_amount", "model": "percentage", "rate": "0.1", "fixed_per_event": "0.5"},
     "(care_fee) sets per-event keys (fixed_per_event), which need contact records"),
])
@pytest.mark.parametrize("command", [["validate", "tiny"], SEPTEMBER])
def test_charges_the_daily_rows_cannot_rate_are_invalid_input(tmp_path, capsys, charge, says, command):
    rows = [activity_row("2026-09-01", 10, 9, abandoned=1, collected_amount="100.00")]
    assert run(_engagement_with_charge(tmp_path, charge, rows), *command) == 1
    err = capsys.readouterr().err
    assert says in err and "Traceback" not in err


def test_a_usage_error_from_anywhere_exits_2(tiny, capsys, monkeypatch):
    import ccanalysis.workbook as workbook

    monkeypatch.setattr(workbook, "expected_invoice", _crash(UsageError("no such service 'x'")))
    assert run(tiny, *SEPTEMBER) == 2
    assert "ccanalysis expected: no such service 'x'" in capsys.readouterr().err


@pytest.mark.parametrize("exc", [ValueError("boom inside rating"), KeyError("boom"), ZeroDivisionError("boom")])
def test_any_other_exception_is_a_bug_exit_3(tiny, capsys, monkeypatch, exc):
    import ccanalysis.workbook as workbook

    monkeypatch.setattr(workbook, "expected_invoice", _crash(exc))
    assert run(tiny, *SEPTEMBER) == 3
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err and type(exc).__name__ in err and "boom" in err
    last = err.strip().splitlines()[-1]
    assert f"this is a bug in ccanalysis {ccanalysis.__version__}" in last and "send" in last


def test_a_crash_in_validate_or_report_is_a_bug_too(tiny, capsys, monkeypatch):
    import ccanalysis.batch.plan as plan

    monkeypatch.setattr(cli, "validation_summary", _crash(TypeError("bad summary")))
    assert run(tiny, "validate", "tiny") == 3
    monkeypatch.setattr(plan, "run_batch", _crash(RuntimeError("pool broke")))
    assert run(tiny, "report", "tiny", "--month", "2026-09") == 3
    err = capsys.readouterr().err
    assert "TypeError: bad summary" in err and "RuntimeError: pool broke" in err and err.count("a bug in") == 2


# --------------------------------------------------------------------------- the real program
def _program(*argv, code=None):
    """`ccanalysis ARGV` as a user runs it (with `code`: a Python preamble run first, to inject a crash)."""
    if code is None:
        return subprocess.run([sys.executable, "-m", "ccanalysis.cli", *argv], capture_output=True, text=True,
                              timeout=120)
    script = f"import sys\n{code}\nfrom ccanalysis.cli import main\nsys.exit(main(sys.argv[1:]))"
    return subprocess.run([sys.executable, "-c", script, *argv], capture_output=True, text=True, timeout=120)


def test_exit_codes_of_real_runs(tiny):
    root = ["--root", str(tiny)]
    assert _program("validate", "tiny", *root).returncode == 0
    usage = _program(*SEPTEMBER[:3], "nobody", *SEPTEMBER[4:], *root)
    assert usage.returncode == 2 and "unknown supplier" in usage.stderr
    assert _program("validate", "nope", *root).returncode == 1
    crash = _program(*SEPTEMBER, *root, code=(
        "import ccanalysis.workbook\n"
        "def boom(*a, **k):\n    raise ValueError('a bare ValueError inside rating')\n"
        "ccanalysis.workbook.expected_invoice = boom"))
    assert crash.returncode == 3, crash.stderr
    assert "Traceback" in crash.stderr and "ValueError: a bare ValueError inside rating" in crash.stderr
    assert "this is a bug in ccanalysis" in crash.stderr


def test_output_into_a_closed_pipe_is_not_a_bug(tiny, capsys, monkeypatch):
    monkeypatch.setattr(cli, "validation_summary", _crash(BrokenPipeError(32, "Broken pipe")))  # `| head`
    assert run(tiny, "validate", "tiny") == 0
    assert "bug" not in capsys.readouterr().err


def test_data_missing_a_charge_column_is_invalid_input_not_usage(tmp_path, capsys):
    c = contract()
    c["services"][0]["charges"] = [{"id": "care_sales", "unit": "sale", "model": "per_unit", "unit_price": "5"}]
    write_engagement(tmp_path, contracts=[c], tables={"activity/a.csv": [activity_row("2026-09-14", 10, 10)]})
    # the activity lacks the `sales` column the charge is billed on: the engagement is invalid (exit 1),
    # for `validate` and `expected` alike, and the message names the column and the contract charge
    for command in (["validate", "tiny"], ["expected", "tiny", "--supplier", "acme", "--month", "2026-09"]):
        code = cli.main([*command, "--root", str(tmp_path)])
        err = capsys.readouterr().err
        assert code == 1 and "sales: needed by" in err and "charges[0] (care_sales)" in err and "Traceback" not in err
    assert not (tmp_path / "reports").exists()


def test_month_outside_the_contract_is_wrong_usage(tmp_path):
    write_engagement(tmp_path, tables={"activity/a.csv": [activity_row("2026-09-14", 10, 10)]})
    assert cli.main(["expected", "tiny", "--supplier", "acme", "--month", "2025-09", "--root", str(tmp_path)]) == 2
    assert cli.main(["expected", "tiny", "--supplier", "acme", "--month", "2026-13", "--root", str(tmp_path)]) == 2
