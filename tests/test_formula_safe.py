"""Every CSV and XLSX the workbook writes keeps text that a spreadsheet would evaluate (=, +, -, @) as text."""

from __future__ import annotations

import pandas as pd

from ccanalysis import cli

FORMULAS = ["=HYPERLINK(\"http://x\")", "+34 600 000 000", "-1+2", "@SUM(A1)"]


def test_csv_printed_by_the_command_line_neutralises_formulas(capsys):
    cli._print_frame(pd.DataFrame({"note": FORMULAS, "amount": [-1, 2, -3.5, 4]}), "csv")
    lines = capsys.readouterr().out.splitlines()
    assert lines == ["note,amount", "\"'=HYPERLINK(\"\"http://x\"\")\",-1.0", "'+34 600 000 000,2.0",
                     "'-1+2,-3.5", "'@SUM(A1),4.0"]


def test_plain_signed_numbers_stay_numbers_and_registers_read_them_back(tmp_path):
    from ccanalysis.io.writing import append_rows, neutralise

    assert neutralise("-1500.00") == "-1500.00" and neutralise("+0.5") == "+0.5"
    assert neutralise("-1500.00+cmd") == "'-1500.00+cmd" and neutralise("-") == "'-"
    path = tmp_path / "register.csv"
    append_rows(path, ["id", "amount", "note"], [{"id": "D-1", "amount": "-1500.00", "note": "=1+1"}])
    assert path.read_text().splitlines() == ["id,amount,note", "D-1,-1500.00,'=1+1"]
