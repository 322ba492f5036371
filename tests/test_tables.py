"""Reading one table file (CSV, XLSX, Parquet) into canonical types, every bad cell reported, row rules."""

import hashlib
from decimal import Decimal

import pandas as pd
import pytest

from ccanalysis.io.mapping import Mapping
from ccanalysis.io.rows import check_rows
from ccanalysis.io.schemas import TABLES
from ccanalysis.io.tables import read_table

ACTIVITY_HEADER = ("date,supplier,service,offered,handled,abandoned,abandoned_short,answered_within_sl,"
                   "talk_s,hold_s,acw_s,logged_s")


def csv(tmp_path, text, name="activity.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def activity_csv(tmp_path, *rows, header=ACTIVITY_HEADER, name="activity.csv"):
    return csv(tmp_path, "\n".join([header, *rows]) + "\n", name=name)


GOOD = "2026-01-05,northwind,care,1000,920,80,30,760,120000.5,3000,9000,150000"


def only(problems, column=None):
    return [p for p in problems if column is None or p.column == column]


def test_reads_canonical_csv_into_canonical_types(tmp_path):
    path = activity_csv(tmp_path, GOOD, "2026-01-06,northwind,care,900,850,50,20,700,100000,2500,8000,140000")
    df, problems = read_table(path, "activity", display_path="data/demo/activity/a.csv")
    assert problems == []
    assert df["date"].dtype == "datetime64[ns]"
    assert df["offered"].dtype == "int64"
    assert df["talk_s"].tolist() == [Decimal("120000.5"), Decimal(100000)]  # one fraction: Decimal column
    assert df["hold_s"].dtype == "int64"  # all whole: int64
    assert df["_file"].tolist() == ["data/demo/activity/a.csv"] * 2
    assert df["_row"].tolist() == [2, 3]  # header is row 1


def test_missing_required_column_is_named(tmp_path):
    header = ACTIVITY_HEADER.replace(",logged_s", "")
    path = activity_csv(tmp_path, GOOD.rsplit(",", 1)[0], header=header)
    _, problems = read_table(path, "activity")
    missing = only(problems, "logged_s")
    assert len(missing) == 1 and "missing required column" in missing[0].message
    assert missing[0].file == str(path)


def test_wrong_type_names_file_row_column_and_value(tmp_path):
    path = activity_csv(tmp_path, GOOD, GOOD.replace(",920,", ",lots,"))
    _, problems = read_table(path, "activity")
    assert len(problems) == 1
    problem = problems[0]
    assert (problem.file, problem.row, problem.column, problem.value) == (str(path), 3, "handled", "lots")
    assert "whole number" in problem.message


def test_every_bad_cell_is_reported(tmp_path):
    path = activity_csv(tmp_path, GOOD.replace(",920,", ",x,"), GOOD.replace("2026-01-05", "2026-02-30"),
                        GOOD.replace(",80,", ",-80,"))
    _, problems = read_table(path, "activity")
    assert {(p.row, p.column) for p in problems} == {(2, "handled"), (3, "date"), (4, "abandoned")}


def test_negative_count(tmp_path):
    path = activity_csv(tmp_path, GOOD.replace(",80,", ",-80,"))
    _, problems = read_table(path, "activity")
    assert [(p.row, p.column, p.value) for p in problems] == [(2, "abandoned", -80)]
    assert "whole number >= 0" in problems[0].message


def test_unparseable_date(tmp_path):
    path = activity_csv(tmp_path, GOOD.replace("2026-01-05", "05/01/2026"))
    _, problems = read_table(path, "activity")
    assert [(p.row, p.column, p.value) for p in problems] == [(2, "date", "05/01/2026")]
    assert "YYYY-MM-DD" in problems[0].message and "dayfirst" in problems[0].message


def test_ambiguous_number_without_mapping(tmp_path):
    path = csv(tmp_path, "month,supplier,service,amount\n2026-01,northwind,care,1.234\n", name="budget.csv")
    _, problems = read_table(path, "budget")
    assert len(problems) == 1
    problem = problems[0]
    assert (problem.row, problem.column, problem.value) == (2, "amount", "1.234")
    assert "ambiguous" in problem.message and "mappings/*.yaml" in problem.message


def test_ambiguous_number_with_a_mapping(tmp_path):
    path = csv(tmp_path, "month;supplier;service;amount\n2026-01;northwind;care;1.234\n"
                         "2026-02;northwind;care;2.345,5\n", name="budget.csv")
    mapping = Mapping(table="budget", files=["budget.csv"], sep=";", decimal=",", thousands=".")
    df, problems = read_table(path, "budget", mapping=mapping)
    assert problems == []
    assert df["amount"].tolist() == [Decimal(1234), Decimal("2345.5")]


def test_empty_file(tmp_path):
    path = csv(tmp_path, "", name="plan.csv")
    df, problems = read_table(path, "plan")
    assert len(problems) == 1 and problems[0].file == str(path) and "empty" in problems[0].message
    assert df.empty


def test_header_without_rows(tmp_path):
    path = csv(tmp_path, "date,supplier,service,offered,aht_s\n", name="plan.csv")
    _, problems = read_table(path, "plan")
    assert [p.message for p in problems] == ["the file has a header but no data rows"]


def test_unsupported_format(tmp_path):
    path = tmp_path / "activity.json"
    path.write_text("[]")
    _, problems = read_table(path, "activity")
    assert len(problems) == 1 and "unsupported file format '.json'" in problems[0].message
    assert problems[0].file == str(path)


def test_blank_required_and_optional_cells(tmp_path):
    path = activity_csv(tmp_path, GOOD.replace("northwind", " "), GOOD.replace(",30,", ",,"),
                        GOOD.replace(",30,", ",5,"))
    df, problems = read_table(path, "activity")
    assert [(p.row, p.column, p.message) for p in problems] == [(2, "supplier", "required value is blank")]
    assert str(df["abandoned_short"].dtype) == "Int64"  # optional with a blank: nullable


def test_typo_in_a_column_name_is_not_silently_dropped(tmp_path):
    path = activity_csv(tmp_path, GOOD + ",x", header=ACTIVITY_HEADER + ",abandonned_within_sl")
    _, problems = read_table(path, "activity")
    assert len(problems) == 1 and "did you mean 'abandoned_within_sl'" in problems[0].message


def test_unknown_columns_are_dropped(tmp_path):
    path = activity_csv(tmp_path, GOOD + ",whatever", header=ACTIVITY_HEADER + ",team_leader")
    df, problems = read_table(path, "activity")
    assert problems == [] and "team_leader" not in df.columns


def test_invoice_quantities_may_be_negative_and_lines_may_repeat(tmp_path):
    header = "invoice_id,issue_date,period_start,period_end,line,description,quantity,unit_price,amount,tax_rate"
    row = "R-1,2026-02-03,2026-01-01,2026-01-31,1,Abono,-10,0.55,-5.50,0.21"
    path = csv(tmp_path, f"{header}\n{row}\n{row}\n", name="2026-01.csv")
    df, problems = read_table(path, "invoice_lines")
    assert problems == []
    assert df["amount"].tolist() == [Decimal("-5.50")] * 2
    assert check_rows(df, "invoice_lines") == []  # a line billed twice is an audit finding


def test_xlsx_native_numbers_and_dates(tmp_path):
    import openpyxl

    path = tmp_path / "2026-01.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["invoice_id", "issue_date", "period_start", "period_end", "line", "description", "quantity",
                  "unit_price", "amount", "tax_rate"])
    sheet.append(["F-1", pd.Timestamp("2026-02-03").to_pydatetime(), "2026-01-01", "2026-01-31", 1,
                  "Minutos", 1000, 1.005, 1005.0, 0.21])
    sheet.append(["F-1", pd.Timestamp("2026-02-03").to_pydatetime(), "2026-01-01", "2026-01-31", 2,
                  "Cuota", 1, "1.234", 1.234, 0.21])  # a typed text 1.234 is ambiguous; a number is not
    book.save(path)
    df, problems = read_table(path, "invoice_lines")
    assert [(p.row, p.column, p.value) for p in problems] == [(3, "unit_price", "1.234")]
    assert df["unit_price"][0] == Decimal("1.005")
    assert df["amount"].tolist() == [Decimal(1005), Decimal("1.234")]
    assert df["issue_date"][0] == pd.Timestamp("2026-02-03")
    assert df["_row"].tolist() == [2, 3]


def test_decimals_exact_from_csv(tmp_path):
    header = "invoice_id,issue_date,period_start,period_end,line,description,quantity,unit_price,amount,tax_rate"
    path = csv(tmp_path, f"{header}\nF,2026-02-03,2026-01-01,2026-01-31,1,a,0.1,1.005,0.2,0.21\n"
                         "F,2026-02-03,2026-01-01,2026-01-31,2,b,1,0.55,0.55,0.21\n", name="i.csv")
    df, problems = read_table(path, "invoice_lines")
    assert problems == []
    assert df["quantity"][0] + df["amount"][0] == Decimal("0.3")
    # 1.005 alone could be 1005 with a thousands point; 0.55 in the same column shows a decimal point
    assert df["unit_price"][0] == Decimal("1.005")


def test_parquet_typed_columns(tmp_path):
    path = tmp_path / "plan.parquet"
    pd.DataFrame({"date": pd.to_datetime(["2026-01-05", "2026-01-06"]), "supplier": ["n", "n"],
                  "service": ["care", "care"], "offered": [100, -1], "aht_s": [300.5, 0.1]}).to_parquet(path)
    df, problems = read_table(path, "plan")
    assert [(p.row, p.column) for p in problems] == [(2, "offered")]  # Parquet rows count from 1
    assert df["aht_s"].tolist() == [Decimal("300.5"), Decimal("0.1")]
    assert df["date"].dtype == "datetime64[ns]"


def test_mapping_renames_constants_parsers_and_two_columns(tmp_path):
    text = ("Call Id;Fecha;Hora;Cola;Atendida;Conversación;Espera;ACW\n"
            "c1;31/01/2026;09:30:00;0:00:12;Sí;0:02:14;0;10\n"
            "c2;31/01/2026;09:31:00;0:00:40;No;0:00:00;0;0\n")
    path = csv(tmp_path, text, name="phonenow.csv", encoding="cp1252")
    mapping = Mapping(table="contacts", files=["contacts/*.csv"], sep=";", encoding="cp1252", dayfirst=True,
                      columns={"contact_id": "Call Id", "start": ["Fecha", "Hora"], "queue_s": "Cola",
                               "answered": "Atendida", "abandoned": "Atendida", "talk_s": "Conversación",
                               "hold_s": "Espera", "acw_s": "ACW"},
                      constants={"supplier": "phonenow", "service": "care"},
                      parse={"queue_s": "duration_hms", "talk_s": "duration_hms", "answered": "yes_no",
                             "abandoned": "not_yes_no"})
    df, problems = read_table(path, "contacts", mapping=mapping)
    assert problems == []
    assert df["start"].tolist() == [pd.Timestamp("2026-01-31 09:30"), pd.Timestamp("2026-01-31 09:31")]
    assert df["queue_s"].tolist() == [12, 40]
    assert df["answered"].tolist() == [True, False] and df["abandoned"].tolist() == [False, True]
    assert df["supplier"].tolist() == ["phonenow"] * 2


def test_mapping_naming_a_missing_source_column(tmp_path):
    path = csv(tmp_path, "Fecha,Ofrecidas\n2026-01-05,10\n", name="x.csv")
    mapping = Mapping(table="plan", files=["x.csv"], columns={"date": "Fecha", "offered": "Llamadas"})
    _, problems = read_table(path, "plan", mapping=mapping)
    assert any(p.column == "Llamadas" and "not in the file" in p.message for p in problems)


def test_derive_and_dates_from(tmp_path):
    path = csv(tmp_path, "Index;Handled;AvgTalk\n1;10;0:01:30\n2;4;0:02:00\n4;0;0:00:00\n", name="k.csv")
    mapping = Mapping(table="reported_kpis", files=["k.csv"], sep=";",
                      columns={"handled": "Handled", "avg_talk": "AvgTalk"},
                      constants={"supplier": "s", "service": "care"}, parse={"avg_talk": "duration_hms"},
                      derive={"talk_s": "avg_talk * handled"},
                      dates_from={"start": "2023-01-01", "order_by": "Index"})
    df, problems = read_table(path, "reported_kpis", mapping=mapping)
    assert problems == []
    assert df["talk_s"].tolist() == [900, 480, 0]  # 90 s × 10, 120 s × 4
    # Index 1, 2, 4 → 2023-01-01, 01-02, 01-04 (a gap in the index stays a gap)
    assert df["date"].tolist() == [pd.Timestamp("2023-01-01"), pd.Timestamp("2023-01-02"),
                                   pd.Timestamp("2023-01-04")]


# ---------------------------------------------------------------------------------------------- row rules

def frame(tmp_path, table, header, *rows):
    path = csv(tmp_path, "\n".join([header, *rows]) + "\n", name=f"{table}.csv")
    df, problems = read_table(path, table)
    assert problems == []
    return df, path


def test_handled_plus_abandoned_over_offered(tmp_path):
    df, path = frame(tmp_path, "activity", ACTIVITY_HEADER, GOOD.replace(",1000,", ",990,"))
    problems = check_rows(df, "activity")
    assert len(problems) == 1
    problem = problems[0]
    assert (problem.file, problem.row) == (str(path), 2)
    assert problem.column == "handled, abandoned, offered"
    assert "handled 920 + abandoned 80 > offered 990" in problem.message  # 920 + 80 = 1000 > 990


def test_daily_rule_sums_the_intervals_of_a_day(tmp_path):
    header = ACTIVITY_HEADER.replace("date,", "date,interval_start,")
    # 09:00 carries a contact over the boundary (offered 10, handled 11) but the day balances: 30 ≥ 29 + 1
    rows = ["2026-01-05,09:00,n,care,10,11,0,0,9,1,0,0,1", "2026-01-05,09:30,n,care,20,18,1,0,15,1,0,0,1"]
    df, _ = frame(tmp_path, "activity", header, *rows)
    assert check_rows(df, "activity") == []
    rows[1] = "2026-01-05,09:30,n,care,20,18,2,3,19,1,0,0,1"  # day: 11+18+0+2 = 31 > 30; short 3 > 2
    df, path = frame(tmp_path, "activity", header, *rows)
    problems = check_rows(df, "activity")
    # answered_within_sl 9 + 19 = 28 ≤ handled 11 + 18 = 29: that rule does not fire
    assert {p.column for p in problems} == {"handled, abandoned, offered", "abandoned_short, abandoned"}
    assert all(p.row == 2 and "rows 2–3" in p.message for p in problems)


@pytest.mark.parametrize("table,header,row", [
    ("activity", ACTIVITY_HEADER, GOOD),
    ("plan", "date,supplier,service,offered,aht_s", "2026-01-05,n,care,100,300"),
    ("budget", "month,supplier,service,amount", "2026-01,n,*,50000.00"),
    ("workforce", "month,supplier,service,headcount_avg,leavers,hires,training_hours",
     "2026-01,n,care,40.5,2,3,120"),
])
def test_duplicate_rows(tmp_path, table, header, row):
    df, path = frame(tmp_path, table, header, row, row)
    problems = check_rows(df, table)
    assert len(problems) == 1
    problem = problems[0]
    assert (problem.file, problem.row) == (str(path), 3)
    assert "same key as row 2" in problem.message
    assert set(problem.column.split(", ")) <= set(TABLES[table].key)


def test_interval_rows_with_different_utc_offsets_are_not_duplicates(tmp_path):
    header = ACTIVITY_HEADER.replace("date,", "date,interval_start,utc_offset,")
    rows = ["2026-10-25,02:00,+02:00,n,care,10,9,1,0,9,0,0,0,1", "2026-10-25,02:00,+01:00,n,care,10,9,1,0,9,0,0,0,1"]
    df, _ = frame(tmp_path, "activity", header, *rows)
    assert check_rows(df, "activity") == []


def test_contacts_unique_and_not_both_answered_and_abandoned(tmp_path):
    header = "contact_id,supplier,service,start,queue_s,answered,abandoned,talk_s,hold_s,acw_s"
    df, path = frame(tmp_path, "contacts", header, "c1,n,care,2026-01-05 09:00:00,3,Y,Y,10,0,0",
                     "c1,n,care,2026-01-05 09:01:00,3,Y,N,10,0,0")
    problems = check_rows(df, "contacts")
    assert [(p.row, p.column) for p in problems] == [(2, "answered, abandoned"), (3, "contact_id")]


def test_mapping_to_an_unknown_column_is_reported(tmp_path):
    path = csv(tmp_path, "Fecha,Ofrecidas,AHT\n2026-01-05,10,300\n", name="x.csv")
    mapping = Mapping(table="plan", files=["x.csv"], columns={"date": "Fecha", "offerd": "Ofrecidas",
                                                              "aht_s": "AHT"},
                      constants={"supplier": "n", "service": "care"})
    _, problems = read_table(path, "plan", mapping=mapping)
    assert {p.column for p in problems} == {"columns.offerd", "offered"}  # the typo, and the column missing


# ------------------------------------------------------------------------- blanks, codes and ids of exports

CALLS = ("Agent,Date,Time,Answered,Queue,Talk\n"
         "Ann,2021-01-11,9:00:00,Y,12,0:02:00\n"
         "Bob,2021-01-11,9:05:00,N,,\n"
         "Ann,2021-01-11,9:07:30,Y,30,\n"
         "Cid,2021-01-11,9:09:00,N,,\n")


def cells(column):
    return [None if pd.isna(v) else v for v in column]


def calls_mapping(**extra):
    rules = {"columns": {"start": ["Date", "Time"], "answered": "Answered", "abandoned": "Answered",
                         "queue_s": "Queue", "talk_s": "Talk"},
             "constants": {"supplier": "s", "service": "care", "hold_s": 0, "acw_s": 0},
             "parse": {"talk_s": "duration_hms"},
             "values": {"answered": {"Y": True, "N": False}, "abandoned": {"Y": False, "N": True}},
             "id": {"contact_id": "row"}}
    rules.update(extra)
    return Mapping(table="contacts", files=["calls.csv"], **rules)


def test_fill_when_a_condition_holds_and_optional_when(tmp_path):
    path = csv(tmp_path, CALLS, name="calls.csv")
    mapping = calls_mapping(fill={"talk_s": {"value": 0, "when": {"answered": False}}},
                            optional_when={"queue_s": {"answered": False}})
    df, problems = read_table(path, "contacts", mapping=mapping)
    # row 4 is answered with a blank talk time: not filled, still an error
    assert [(p.row, p.column, p.message) for p in problems] == [(4, "talk_s", "required value is blank")]
    assert cells(df["talk_s"]) == [120, 0, None, 0]
    assert cells(df["queue_s"]) == [12, None, 30, None]  # blank where not answered: allowed
    assert df["answered"].tolist() == [True, False, True, False]
    assert df["abandoned"].tolist() == [False, True, False, True]
    assert df["contact_id"].tolist() == ["calls.csv:2", "calls.csv:3", "calls.csv:4", "calls.csv:5"]


def test_optional_when_does_not_allow_blanks_elsewhere(tmp_path):
    path = csv(tmp_path, CALLS.replace("Y,30,", "Y,,0:01:00"), name="calls.csv")
    mapping = calls_mapping(fill={"talk_s": 0}, optional_when={"queue_s": {"answered": False}})
    df, problems = read_table(path, "contacts", mapping=mapping)
    assert [(p.row, p.column, p.message) for p in problems] == [(4, "queue_s", "required value is blank")]
    assert df["talk_s"].tolist() == [120, 0, 60, 0]  # unconditional fill: every blank


def test_a_condition_on_a_list_of_values(tmp_path):
    path = csv(tmp_path, CALLS.replace("Answered", "Outcome").replace(",Y,", ",ok,").replace("Bob,2021-01-11,9:05:00,N",
               "Bob,2021-01-11,9:05:00,hangup").replace(",N,", ",timeout,"), name="calls.csv")
    mapping = calls_mapping(columns={"start": ["Date", "Time"], "outcome": "Outcome", "answered": "Outcome",
                                     "abandoned": "Outcome", "queue_s": "Queue", "talk_s": "Talk"},
                            values={"answered": {"ok": True, "hangup": False, "timeout": False},
                                    "abandoned": {"ok": False, "hangup": True, "timeout": True}},
                            fill={"talk_s": {"value": 0, "when": {"outcome": ["hangup", "timeout"]}}},
                            optional_when={"queue_s": {"outcome": ["hangup", "timeout"]}})
    df, problems = read_table(path, "contacts", mapping=mapping)
    assert [(p.row, p.column) for p in problems] == [(4, "talk_s")]
    assert cells(df["talk_s"]) == [120, 0, None, 0]


def test_a_text_not_in_the_value_map_is_named_with_the_mapped_ones(tmp_path):
    path = csv(tmp_path, CALLS.replace("Bob,2021-01-11,9:05:00,N", "Bob,2021-01-11,9:05:00,n"), name="calls.csv")
    _, problems = read_table(path, "contacts", mapping=calls_mapping(fill={"talk_s": 0}))
    mapped = [p for p in problems if "value map" in p.message]
    assert [(p.row, p.column, p.value) for p in mapped] == [(3, "answered", "n"), (3, "abandoned", "n")]
    assert mapped[0].message.endswith("(values.answered in the mapping); mapped texts: 'Y', 'N'")
    df, problems = read_table(path, "contacts", mapping=calls_mapping(
        fill={"talk_s": 0}, optional_when={"queue_s": {"answered": False}}, values_ignore_case=True))
    assert problems == [] and df["answered"].tolist() == [True, False, True, False]


def test_a_blank_cell_can_be_mapped(tmp_path):
    path = csv(tmp_path, "Id,Resolved\n1,Y\n2,\n", name="calls.csv")
    mapping = Mapping(table="contacts", files=["calls.csv"], columns={"contact_id": "Id", "resolved": "Resolved"},
                      values={"resolved": {"Y": True, "": False}})
    df, _ = read_table(path, "contacts", mapping=mapping)
    assert df["resolved"].tolist() == [True, False]


def test_a_hash_of_columns_as_the_record_id(tmp_path):
    path = csv(tmp_path, CALLS + "Ann,2021-01-11, 9:00:00 ,Y,12,0:02:00\n", name="calls.csv")
    mapping = calls_mapping(id={"contact_id": {"hash": ["Agent", "Date", "Time"]}}, fill={"talk_s": 0},
                            optional_when={"queue_s": {"answered": False}})
    df, problems = read_table(path, "contacts", mapping=mapping)
    assert problems == []
    first = hashlib.sha256(b"Ann\x1f2021-01-11\x1f9:00:00").hexdigest()[:16]
    assert df["contact_id"].iloc[0] == first
    assert df["contact_id"].iloc[4] == first  # spaces around a text do not change the id
    assert [p.row for p in check_rows(df, "contacts")] == [6]  # the same call twice: a duplicate id


def test_a_hashed_column_missing_from_the_file(tmp_path):
    path = csv(tmp_path, CALLS, name="calls.csv")
    _, problems = read_table(path, "contacts", mapping=calls_mapping(id={"contact_id": {"hash": ["Agent",
                                                                                                  "Queue Id"]}}))
    assert any(p.column == "Queue Id" and "hashed into the record id" in p.message for p in problems)


def test_a_systematic_blank_is_summarised_before_its_rows(tmp_path):
    rows = [f"A{i},2021-01-11,9:{i:02d}:00,{'N' if i % 3 == 0 else 'Y'},{'' if i % 3 == 0 else 20},0:01:00"
            for i in range(1, 13)]  # rows 2..13; i = 3, 6, 9, 12 (file rows 4, 7, 10, 13) not answered
    path = csv(tmp_path, "Agent,Date,Time,Answered,Queue,Talk\n" + "\n".join(rows) + "\n", name="calls.csv")
    _, problems = read_table(path, "contacts", mapping=calls_mapping())
    assert problems[0].message == ("4 rows blank in queue_s, all where Answered = N; rows 4–13; a mapping "
                                  "(parameters/ENG/mappings/*.yaml) can `fill` them, or allow them with `optional_when`")
    assert problems[0].column == "queue_s" and problems[0].row is None
    assert [(p.row, p.column) for p in problems[1:]] == [(4, "queue_s"), (7, "queue_s"), (10, "queue_s"),
                                                        (13, "queue_s")]


def test_unreadable_cells_are_summarised_too(tmp_path):
    rows = [f"A{i},2021-01-11,9:{i:02d}:00,Y,{'n/a' if i > 2 else 5},0:01:00" for i in range(1, 6)]
    path = csv(tmp_path, "Agent,Date,Time,Answered,Queue,Talk\n" + "\n".join(rows) + "\n", name="calls.csv")
    _, problems = read_table(path, "contacts", mapping=calls_mapping())
    # every row shares Date and Answered: nothing sets the bad rows apart
    assert problems[0].message == "3 rows not readable in queue_s; rows 4–6"
    assert len(problems) == 4


def test_fill_of_a_column_the_file_lacks(tmp_path):
    path = csv(tmp_path, CALLS, name="calls.csv")
    _, problems = read_table(path, "contacts", mapping=calls_mapping(fill={"customer_id": "x"}))
    assert any(p.column == "fill.customer_id" and "use `constants`" in p.message for p in problems)


def test_a_23_digit_count_is_a_problem(tmp_path):
    path = activity_csv(tmp_path, GOOD.replace(",1000,", ",12345678901234567890123,"))
    _, problems = read_table(path, "activity")
    assert [(p.row, p.column, p.value) for p in problems] == [(2, "offered", "12345678901234567890123")]
    assert problems[0].message == "expected a whole number (e.g. 120) of at most 18 digits"
    mapping = Mapping(table="activity", files=["activity.csv"], parse={"offered": "number"})
    _, problems = read_table(path, "activity", mapping=mapping)  # read as a number: still no overflow
    assert [(p.row, p.column) for p in problems] == [(2, "offered")]
