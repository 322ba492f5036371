"""The bad-input table: one-line edits of a copy of the demo, each with the exit code of `ccanalysis validate`
and what its error report must name (file, and row and column or key path).

`compact_demo` copies the demo with fewer files (one invoice month per supplier, one month of contact
records trimmed to a few rows, two activity files, one of them trimmed) so that each case loads in about a
second; every file an edit touches is one the demo itself writes. Most cases of parameter files run on the
demo's parameters without data (`Case.data`), a few with it, so that a broken contract is also checked
beside the tables it would rate. `test_bad_inputs.py` runs every case.
"""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

Edit = Callable[[Path], None]

ENG = "parameters/demo/engagement.yaml"
NW = "parameters/demo/contracts/northwind.yaml"
SP = "parameters/demo/contracts/southpoint.yaml"
EL = "parameters/demo/contracts/eastline.yaml"
MAP = "parameters/demo/mappings/eastline_invoices.yaml"
ACT = "data/demo/activity/northwind.csv"
CHAT = "data/demo/activity/eastline_chat_intervals.csv"
CONTACTS = "data/demo/contacts/northwind_care_2026-09.parquet"
INV = "data/demo/invoices/northwind/2026-09.csv"
EL_INV = "data/demo/invoices/eastline/2026-09.csv"
SP_INV = "data/demo/invoices/southpoint/2026-09.xlsx"
BUDGET = "data/demo/budget.csv"
PLAN = "data/demo/plan/plan.csv"
WF = "data/demo/workforce/workforce.csv"


@dataclass(frozen=True)
class Case:
    """One broken copy of the demo: `edit` changes one line (or cell) of it; `validate` must exit `code`,
    without a traceback, writing nothing, and its report must contain every text in `names`."""

    id: str
    edit: Edit
    names: tuple[str, ...]
    code: int = 1
    engagement: str = "demo"
    #: False: the edit is in parameters/ and is checked against the demo's parameters with no data files
    #: (each load then takes a fraction of a second); True: against the compact demo with its data
    data: bool = True


def compact_demo(demo_root: Path, target: Path) -> Path:
    """A copy of the demo project with fewer and shorter files (see the module docstring)."""
    shutil.copytree(demo_root / "parameters", target / "parameters")
    shutil.copytree(demo_root / "data", target / "data")
    data = target / "data" / "demo"
    for path in list(data.glob("invoices/*/*")) + list(data.glob("contacts/*")):
        if "2026-09" not in path.name:
            path.unlink()
    for name in ("eastline_email.csv", "southpoint.csv"):
        (data / "activity" / name).unlink()
    chat = data / "activity" / "eastline_chat_intervals.csv"
    chat.write_text("".join(chat.read_text(encoding="utf-8").splitlines(keepends=True)[:61]), encoding="utf-8")
    contacts = data / "contacts" / "northwind_care_2026-09.parquet"
    pd.read_parquet(contacts).head(40).to_parquet(contacts, index=False)
    return target


# --------------------------------------------------------------------------- edits
def replace(file: str, old: str, new: str) -> Edit:
    """Replace the first `old` in `file` (it must be there) by `new`."""
    def edit(root: Path) -> None:
        path = root / file
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {file}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return edit


def append(file: str, text: str) -> Edit:
    def edit(root: Path) -> None:
        with (root / file).open("a", encoding="utf-8") as handle:
            handle.write(text)
    return edit


def line(file: str, row: int, text: str) -> Edit:
    """Replace line `row` (1 = the header) of a text file by `text`."""
    def edit(root: Path) -> None:
        path = root / file
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        lines[row - 1] = text + "\n"
        path.write_text("".join(lines), encoding="utf-8")
    return edit


def semicolons(file: str) -> Edit:
    """The same table exported with semicolons (a European spreadsheet's CSV), without a mapping."""
    def edit(root: Path) -> None:
        path = root / file
        path.write_text(path.read_text(encoding="utf-8").replace(",", ";"), encoding="utf-8")
    return edit


def copy_line(file: str, source: int, row: int) -> Edit:
    """Line `row` becomes a copy of line `source`."""
    def edit(root: Path) -> None:
        path = root / file
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        lines[row - 1] = lines[source - 1]
        path.write_text("".join(lines), encoding="utf-8")
    return edit


def cell(file: str, row: int, column: str, value: str, sep: str = ",") -> Edit:
    """Set one cell of a CSV file: `row` as the user sees it (header = 1), `column` by its header name."""
    def edit(root: Path) -> None:
        path = root / file
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        header = next(csv.reader([lines[0]], delimiter=sep))
        fields = next(csv.reader([lines[row - 1]], delimiter=sep))
        fields[header.index(column)] = value
        out = io.StringIO()
        csv.writer(out, delimiter=sep, lineterminator="\n").writerow(fields)
        lines[row - 1] = out.getvalue()
        path.write_text("".join(lines), encoding="utf-8")
    return edit


def parquet_cell(file: str, index: int, column: str, value: object) -> Edit:
    """Set one cell of a Parquet file (`index` counts rows from 0, shown to the user from 1)."""
    def edit(root: Path) -> None:
        path = root / file
        frame = pd.read_parquet(path)
        if isinstance(value, str) and not pd.api.types.is_string_dtype(frame[column].dtype):
            frame[column] = frame[column].astype(str)  # a text column, as an export writes it
        frame.loc[index, column] = value
        frame.to_parquet(path, index=False)
    return edit


def parquet_rename(file: str, old: str, new: str) -> Edit:
    def edit(root: Path) -> None:
        path = root / file
        pd.read_parquet(path).rename(columns={old: new}).to_parquet(path, index=False)
    return edit


def xlsx_cell(file: str, ref: str, value: object) -> Edit:
    def edit(root: Path) -> None:
        import openpyxl

        path = root / file
        book = openpyxl.load_workbook(path)
        book.active[ref] = value
        book.save(path)
    return edit


def remove(file: str) -> Edit:
    def edit(root: Path) -> None:
        (root / file).unlink()
    return edit


def move(file: str, to: str) -> Edit:
    def edit(root: Path) -> None:
        (root / to).parent.mkdir(parents=True, exist_ok=True)
        (root / file).rename(root / to)
    return edit


def write(file: str, content: bytes) -> Edit:
    def edit(root: Path) -> None:
        (root / file).parent.mkdir(parents=True, exist_ok=True)
        (root / file).write_bytes(content)
    return edit


def both(*edits: Edit) -> Edit:
    """Two edits of one row (a header cell and the cell below it): adding one optional column."""
    def edit(root: Path) -> None:
        for each in edits:
            each(root)
    return edit


def nothing(root: Path) -> None:
    """No edit (the case is in the command line)."""


SL_BANDS = "      - {below: 0.75, adjustment: -0.05}\n      - {from: 0.75, below: 0.8, adjustment: -0.02}"
NW_RULES = "services[0].sla.rules[0].bands"

# --------------------------------------------------------------------------- the cases
CASES: list[Case] = [
    # ---- engagement.yaml: YAML, keys, types, codes
    Case("settings-malformed-yaml", replace(ENG, "suppliers: [northwind, southpoint, eastline]",
                                            "suppliers: [northwind, southpoint, eastline"), (ENG, "line"), data=False),
    Case("settings-unknown-key", append(ENG, "clent: Demo\n"), (ENG, "clent", "unknown key"), data=False),
    Case("settings-duplicate-key", append(ENG, "client: Other S.A.\n"), (ENG, "client")),
    Case("settings-id-mismatch", replace(ENG, "id: demo", "id: demo2"), (ENG, "id"), data=False),
    Case("settings-currency-unknown", replace(ENG, "currency: EUR", "currency: EUD"), (ENG, "currency", "ISO 4217"), data=False),
    Case("settings-currency-lowercase", replace(ENG, "currency: EUR", "currency: eur"), (ENG, "currency", "EUR"), data=False),
    Case("settings-lang", replace(ENG, "lang: es", "lang: fr"), (ENG, "lang"), data=False),
    Case("settings-lang-yes", replace(ENG, "lang: es", "lang: yes"), (ENG, "lang"), data=False),
    Case("settings-holidays-country", replace(ENG, "holidays: ES", "holidays: XX"), (ENG, "holidays", "ES, ")),
    Case("settings-holidays-subdivision", replace(ENG, "holidays: ES", "holidays: ES-ZZ"),
         (ENG, "holidays", "ES-MD"), data=False),
    Case("settings-holidays-lowercase", replace(ENG, "holidays: ES", "holidays: es"), (ENG, "holidays"), data=False),
    Case("settings-suppliers-empty", replace(ENG, "suppliers: [northwind, southpoint, eastline]", "suppliers: []"),
         (ENG, "suppliers"), data=False),
    Case("settings-supplier-twice", replace(ENG, "[northwind, southpoint, eastline]",
                                            "[northwind, southpoint, eastline, eastline]"), (ENG, "suppliers"), data=False),
    Case("settings-supplier-without-contract", replace(ENG, "eastline]", "eastline, westgate]"),
         ("contracts/westgate.yaml", "westgate")),
    Case("settings-tolerance-negative", replace(ENG, "amount_abs: 0.01", "amount_abs: -1"),
         (ENG, "tolerances.amount_abs"), data=False),
    Case("settings-payment-terms", append(ENG, "payment_terms_days: 400\n"), (ENG, "payment_terms_days"), data=False),
    Case("settings-match-threshold-percent", append(ENG, "match_threshold: 80\n"), (ENG, "match_threshold"), data=False),
    Case("settings-missing", remove(ENG), (ENG, "missing"), data=False),
    Case("settings-client-blank", replace(ENG, "client: Demo Utilities S.A.", "client: ''"), (ENG, "client"), data=False),
    Case("settings-alerts-unknown-key", replace(ENG, "daily_deviation", "dayly_deviation"),
         (ENG, "alerts.dayly_deviation"), data=False),
    Case("settings-not-a-mapping", write(ENG, b"- id: demo\n"), (ENG, "mapping"), data=False),
    # ---- contracts: keys, types, dates
    Case("contract-tax-rate-percent", replace(NW, "tax_rate: 0.21", "tax_rate: 21"), (NW, "tax_rate", "write 0.21"), data=False),
    Case("contract-duplicate-key", replace(NW, "tax_rate: 0.21", "tax_rate: 0.21\ntax_rate: 0.07"),
         (NW, "tax_rate", "line"), data=False),
    Case("contract-unknown-charge-key", replace(NW, "unit_price: 2.1}", "unit_prise: 2.1}"),
         (NW, "services[1].charges[0]", "unit_prise"), data=False),
    Case("contract-supplier-mismatch", replace(NW, "supplier: northwind", "supplier: northwest"),
         (NW, "supplier")),
    Case("contract-currency-other", replace(NW, "currency: EUR", "currency: USD"), (NW, "currency", "EUR")),
    Case("contract-currency-unknown", replace(NW, "currency: EUR", "currency: EURO"), (NW, "currency", "ISO 4217"), data=False),
    Case("contract-valid-to-before-from", replace(NW, "valid_to: null", "valid_to: 2025-12-31"),
         (NW, "valid_to"), data=False),
    Case("contract-date-impossible", replace(NW, "valid_from: 2026-01-01", "valid_from: 2026-02-30"),
         (NW, "line 6", "2026-02-30"), data=False),
    Case("contract-cutoff-day", replace(NW, "cutoff_day: null", "cutoff_day: 31"), (NW, "billing_cycle.cutoff_day"), data=False),
    Case("contract-payment-terms-negative", replace(NW, "payment_terms_days: 60", "payment_terms_days: -1"),
         (NW, "payment_terms_days"), data=False),
    Case("contract-withholding-percent", replace(NW, "withholding_rate: 0", "withholding_rate: 15"),
         (NW, "withholding_rate"), data=False),
    Case("contract-commitment-negative", replace(NW, "amount: 230000.0", "amount: -230000.0"),
         (NW, "minimum_commitment.amount"), data=False),
    Case("contract-missing-file", remove(EL), (EL, "missing")),
    Case("contract-malformed-yaml", replace(NW, "name: Northwind Contact Services S.L.",
                                            "name: [Northwind Contact Services S.L."), (NW, "line")),
    Case("contract-service-twice", replace(NW, "- id: billing", "- id: care"), (NW, "services", "care"), data=False),
    Case("contract-charge-id-twice", replace(NW, "id: billing_reporting", "id: billing_contacts"),
         (NW, "services[1].charges[1].id"), data=False),
    Case("contract-unit-unknown", replace(NW, "unit: handled_contact", "unit: handled_contacts"),
         (NW, "services[1].charges[0]", "unit")),
    Case("contract-tiers-order", replace(NW, "{up_to: 30000, unit_price: 1.95}", "{up_to: 10000, unit_price: 1.95}"),
         (NW, "services[1].charges[0]", "tiers"), data=False),
    Case("contract-price-text", replace(NW, "unit_price: 2.1}", "unit_price: abc}"),
         (NW, "services[1].charges[0]", "unit_price"), data=False),
    Case("contract-price-sexagesimal", replace(NW, "unit_price: 2.1}", "unit_price: 1:30.5}"),
         (NW, "services[1].charges[0]", "unit_price"), data=False),
    Case("contract-amount-thousands", replace(NW, "amount: 1500.0}", "amount: '1,500.0'}"),
         (NW, "services[0].charges[1]", "amount"), data=False),
    Case("contract-kpi-unknown", replace(NW, "    service_level: {variant: offered_less_short_abandons, threshold_s: 20",
                                         "    servicelevel: {variant: offered_less_short_abandons, threshold_s: 20"),
         (NW, "services[0].kpis", "servicelevel"), data=False),
    Case("contract-kpi-variant-unknown", replace(NW, "variant: offered_less_short_abandons",
                                                 "variant: offered_minus_short"), (NW, "services[0].kpis"), data=False),
    Case("contract-threshold-negative", replace(NW, "threshold_s: 20", "threshold_s: -20"),
         (NW, "services[0].kpis.service_level.threshold_s"), data=False),
    Case("contract-kpi-decimals", replace(NW, "threshold_s: 20, short_abandon_s: 5}",
                                          "threshold_s: 20, short_abandon_s: 5, decimals: 9}"),
         (NW, "services[0].kpis.service_level.decimals"), data=False),
    # ---- contracts: values on their scale (item 2)
    Case("sla-bands-percent", replace(NW, "{from: 0.75, below: 0.8, adjustment: -0.02}",
                                      "{from: 75, below: 80, adjustment: -0.02}"),
         (NW, f"{NW_RULES}[1].from", "75 looks like a percentage", "write 0.75")),
    Case("sla-band-below-percent", replace(NW, "{below: 0.75, adjustment: -0.05}", "{below: 75, adjustment: -0.05}"),
         (NW, f"{NW_RULES}[0].below", "write 0.75"), data=False),
    Case("sla-adjustment-percent", replace(NW, "{below: 0.75, adjustment: -0.05}", "{below: 0.75, adjustment: -2}"),
         (NW, f"{NW_RULES}[0].adjustment", "-2 looks like a percentage", "write -0.02"), data=False),
    Case("sla-adjustment-over-one", replace(NW, "{from: 0.85, adjustment: 0.02}", "{from: 0.85, adjustment: 1.5}"),
         (NW, f"{NW_RULES}[2].adjustment", "write 0.015"), data=False),
    Case("sla-penalty-cap-percent", replace(NW, "penalty_cap: 0.1", "penalty_cap: 10"),
         (NW, "services[0].sla.penalty_cap", "write 0.1"), data=False),
    Case("sla-bonus-cap-negative", replace(NW, "bonus_cap: 0.05", "bonus_cap: -0.05"),
         (NW, "services[0].sla.bonus_cap"), data=False),
    Case("sla-linear-min-percent", replace(NW, "min: -0.03, max: 0}", "min: -3, max: 0}"),
         (NW, "services[0].sla.rules[1].linear.min", "write -0.03"), data=False),
    Case("sla-linear-target-negative", replace(NW, "target: 300", "target: -300"),
         (NW, "services[0].sla.rules[1].linear.target"), data=False),
    Case("sla-per-point-on-seconds", replace(NW, "per_unit: -0.001", "per_point: -0.001"),
         (NW, "services[0].sla.rules[1].linear.per_point"), data=False),
    Case("sla-bands-overlap", replace(NW, "{from: 0.85, adjustment: 0.02}", "{from: 0.78, adjustment: 0.02}"),
         (NW, f"{NW_RULES}[2].from"), data=False),
    Case("sla-band-order", replace(NW, "{from: 0.75, below: 0.8, adjustment: -0.02}",
                                   "{from: 0.8, below: 0.75, adjustment: -0.02}"), (NW, f"{NW_RULES}[1]"), data=False),
    Case("sla-kpi-unknown", replace(NW, "    - kpi: aht_s", "    - kpi: aht"), (NW, "services[0].sla.rules[1].kpi"), data=False),
    Case("sla-base-unknown", replace(NW, "base: variable_charges", "base: everything"), (NW, "services[0].sla.base"), data=False),
    Case("sla-start-not-a-date", replace(NW, "start: 2026-03-01", "start: March"), (NW, "services[0].sla.start"), data=False),
    Case("sla-eastline-band-percent", replace(EL, "{from: 0.97, adjustment: 0.01}", "{from: 97, adjustment: 0.01}"),
         (EL, "services[0].sla.rules[0].bands[1].from", "write 0.97"), data=False),
    Case("sla-recovery-band-percent", replace(SP, "{from: 0.22, adjustment: 0.02}", "{from: 22, adjustment: 0.02}"),
         (SP, "services[1].sla.rules[0].bands[1].from", "write 0.22"), data=False),
    Case("compliance-attrition-percent", replace(NW, "kpi: attrition_rate, max: 0.05", "kpi: attrition_rate, max: 5"),
         (NW, "compliance[0].max", "5 looks like a percentage", "write 0.05")),
    Case("compliance-qa-fraction", replace(NW, "evidence: qa_score, min: 85", "evidence: qa_score, min: 0.85"),
         (NW, "compliance[3].min", "0.85 looks like a fraction", "write 85"), data=False),
    Case("compliance-qa-over-100", replace(SP, "evidence: qa_score, min: 80", "evidence: qa_score, min: 800"),
         (SP, "compliance[4].min", "0–100"), data=False),
    Case("compliance-training-negative", replace(NW, "training_hours_per_head, min: 8", "training_hours_per_head, min: -8"),
         (NW, "compliance[1].min"), data=False),
    Case("compliance-unknown-key", replace(NW, "{id: iso27001, certification: ISO27001}",
                                           "{id: iso27001, certificate: ISO27001}"), (NW, "compliance[2]"), data=False),
    Case("compliance-certification-blank", replace(NW, "certification: ISO27001}", "certification: ''}"),
         (NW, "compliance[2].certification"), data=False),
    Case("compliance-incidents-negative", replace(NW, "max_incidents: 0", "max_incidents: -1"),
         (NW, "compliance[4].max_incidents"), data=False),
    Case("compliance-id-twice", replace(NW, "{id: training, kpi", "{id: attrition, kpi"), (NW, "compliance[1].id"), data=False),
    # ---- mappings
    Case("mapping-unknown-key", replace(MAP, "sep: ;", "sepp: ;"), (MAP, "sepp")),
    Case("mapping-table-unknown", replace(MAP, "table: invoice_lines", "table: invoicez"), (MAP, "table")),
    Case("mapping-encoding-unknown", append(MAP, "encoding: klingon\n"), (MAP, "encoding", "cp1252")),
    Case("mapping-sep-empty", replace(MAP, "sep: ;", "sep: ''"), (MAP, "sep")),
    Case("mapping-decimal-is-sep", replace(MAP, "decimal: ','", "decimal: ';'"), (MAP, "decimal")),
    Case("mapping-malformed-yaml", replace(MAP, "files: [invoices/eastline/*.csv]", "files: [invoices/eastline/*.csv"),
         (MAP, "line")),
    Case("mapping-duplicate-key", append(MAP, "sep: ','\n"), (MAP, "sep")),
    Case("mapping-files-empty", replace(MAP, "files: [invoices/eastline/*.csv]", "files: []"), (MAP, "files")),
    Case("mapping-parser-unknown", append(MAP, "parse: {amount: euros}\n"), (MAP, "parse")),
    Case("mapping-missing", remove(MAP), (EL_INV,)),
    # ---- activity rows
    Case("activity-negative", cell(ACT, 2, "offered", "-5"), (ACT, "row 2", "offered")),
    Case("activity-text-count", cell(ACT, 2, "offered", "abc"), (ACT, "row 2", "offered")),
    Case("activity-23-digit-count", cell(ACT, 2, "offered", "22222222222222222222222"), (ACT, "row 2", "offered")),
    Case("activity-fractional-count", cell(ACT, 3, "handled", "1.5"), (ACT, "row 3", "handled")),
    Case("activity-impossible-date", cell(ACT, 2, "date", "2026-02-30"), (ACT, "row 2", "date")),
    Case("activity-dayfirst-date", cell(ACT, 2, "date", "01/08/2026"), (ACT, "row 2", "date", "dayfirst")),
    Case("activity-supplier-unknown", cell(ACT, 2, "supplier", "northwest"), (ACT, "row 2", "supplier")),
    Case("activity-service-unknown", cell(ACT, 2, "service", "cares"), (ACT, "row 2", "service")),
    Case("activity-handled-over-offered", cell(ACT, 2, "handled", "900"), (ACT, "row 2", "handled")),
    Case("activity-sl-over-handled", cell(ACT, 2, "answered_within_sl", "900"), (ACT, "row 2", "answered_within_sl")),
    Case("activity-duplicate-row", copy_line(ACT, 2, 4), (ACT, "row 4", "duplicate")),
    Case("activity-header-fecha", replace(ACT, "date,", "fecha,"), (ACT, "date")),
    Case("activity-header-typo", replace(ACT, ",offered,", ",Offered,"), (ACT, "Offered", "offered")),
    Case("activity-header-twice", replace(ACT, ",hold_s,", ",talk_s,"), (ACT, "row 1", "talk_s", "twice")),
    Case("activity-column-needed-by-sla", replace(ACT, ",abandoned_short,", ",abandoned_early,"),
         (ACT, "abandoned_short", "contracts/northwind.yaml")),
    Case("activity-qa-over-100", cell(ACT, 2, "qa_score", "150"), (ACT, "row 2", "qa_score")),
    Case("activity-csat-over-5", cell(ACT, 2, "csat", "7"), (ACT, "row 2", "csat")),
    Case("activity-blank-required", cell(ACT, 2, "talk_s", ""), (ACT, "row 2", "talk_s")),
    Case("activity-duration-text", cell(ACT, 2, "talk_s", "1:30.5"), (ACT, "row 2", "talk_s")),
    Case("activity-ambiguous-number", cell(ACT, 2, "talk_s", "70.113"), (ACT, "row 2", "talk_s", "ambiguous")),
    Case("activity-semicolons", semicolons(ACT), (ACT, "row 1", "sep")),
    Case("activity-utc-offset", cell(CHAT, 2, "utc_offset", "+25:00"), (CHAT, "row 2", "utc_offset")),
    Case("activity-interval-start", cell(CHAT, 2, "interval_start", "8h"), (CHAT, "row 2", "interval_start")),
    Case("activity-two-granularities", cell(CHAT, 2, "interval_start", ""), (CHAT, "granularities")),
    Case("activity-unsupported-format", write("data/demo/activity/notes.txt", b"date,supplier\n"),
         ("data/demo/activity/notes.txt", "unsupported")),
    Case("activity-empty-file", write("data/demo/activity/empty.csv", b""), ("data/demo/activity/empty.csv", "empty")),
    Case("activity-header-only", write("data/demo/activity/later.csv", b"date,supplier,service\n"),
         ("data/demo/activity/later.csv", "no data rows")),
    Case("activity-not-utf8", write("data/demo/activity/cp1252.csv", "date,supplier,service\n2026-08-01,peña,care\n"
                                    .encode("cp1252")), ("data/demo/activity/cp1252.csv", "encoding")),
    # ---- contact records (Parquet)
    Case("contacts-renamed-column", parquet_rename(CONTACTS, "start", "inicio"), (CONTACTS, "start")),
    Case("contacts-both-answered-abandoned", parquet_cell(CONTACTS, 0, "abandoned", True),
         (CONTACTS, "row 1", "answered, abandoned")),
    Case("contacts-duplicate-id", parquet_cell(CONTACTS, 1, "contact_id", "NWC0069521"),
         (CONTACTS, "row 2", "contact_id")),
    Case("contacts-negative-queue", parquet_cell(CONTACTS, 2, "queue_s", -4), (CONTACTS, "row 3", "queue_s")),
    Case("contacts-supplier-unknown", parquet_cell(CONTACTS, 0, "supplier", "northwest"),
         (CONTACTS, "row 1", "supplier")),
    Case("contacts-text-in-seconds", parquet_cell(CONTACTS, 0, "talk_s", "90 s"), (CONTACTS, "row 1", "talk_s")),
    # ---- invoices
    Case("invoice-tax-rate-text", cell(INV, 2, "tax_rate", "x"), (INV, "row 2", "tax_rate")),
    Case("invoice-line-not-whole", cell(INV, 2, "line", "1a"), (INV, "row 2", "line")),
    Case("invoice-issue-date", cell(INV, 2, "issue_date", "2026-13-03"), (INV, "row 2", "issue_date")),
    Case("invoice-period-other-month", cell(INV, 2, "period_end", "2026-08-31"), (INV, "row 2", "period_end")),
    Case("invoice-file-misnamed", move(INV, "data/demo/invoices/northwind/septiembre.csv"),
         ("data/demo/invoices/northwind/septiembre.csv", "YYYY-MM")),
    Case("invoice-unknown-supplier-folder", move(INV, "data/demo/invoices/westgate/2026-09.csv"),
         ("data/demo/invoices/westgate/2026-09.csv", "westgate")),
    Case("invoice-id-in-two-periods", move(INV, "data/demo/invoices/northwind/2026-08.csv"),
         ("data/demo/invoices/northwind/2026-08.csv", "period")),
    Case("invoice-currency-other", both(replace(INV, "customer_id\n", "customer_id,currency\n"),
                                        replace(INV, "315335.85,\n", "315335.85,,USD\n")),
         (INV, "row 2", "currency", "EUR")),
    Case("invoice-blank-amount", cell(INV, 3, "amount", ""), (INV, "row 3", "amount")),
    Case("invoice-xlsx-amount-text", xlsx_cell(SP_INV, "L2", "abc"), (SP_INV, "row 2", "amount")),
    Case("invoice-xlsx-header-twice", xlsx_cell(SP_INV, "B1", "invoice_id"), (SP_INV, "row 1", "invoice_id")),
    Case("invoice-mapped-amount-letter", cell(EL_INV, 2, "amount", "21.72O,00", sep=";"), (EL_INV, "row 2", "amount")),
    Case("invoice-mapped-header-renamed", replace(EL_INV, "invoice_id;", "factura;"), (EL_INV, "invoice_id")),
    Case("reported-kpi-percent", write("data/demo/reported_kpis/platform.csv",
                                       b"month,supplier,service,service_level\n2026-09,northwind,billing,94.01\n"),
         ("data/demo/reported_kpis/platform.csv", "row 2", "service_level", "write 0.9401")),
    Case("reported-qa-fraction", write("data/demo/reported_kpis/platform.csv",
                                       b"month,supplier,service,qa_score\n2026-09,northwind,billing,0.87\n"),
         ("data/demo/reported_kpis/platform.csv", "row 2", "qa_score", "write 87")),
    # ---- budget, plan, workforce
    Case("budget-month", cell(BUDGET, 2, "month", "2026-13"), (BUDGET, "row 2", "month")),
    Case("budget-service-unknown", cell(BUDGET, 3, "service", "billings"), (BUDGET, "row 3", "service")),
    Case("budget-supplier-unknown", cell(BUDGET, 4, "supplier", "northwynd"),
         (BUDGET, "row 4", "supplier", "northwynd", "eastline, northwind, southpoint")),
    Case("budget-month-mid-date", cell(BUDGET, 2, "month", "2026-08-15"), (BUDGET, "row 2", "month")),
    Case("budget-month-blank", cell(BUDGET, 5, "month", ""), (BUDGET, "row 5", "month")),
    Case("budget-duplicate", copy_line(BUDGET, 2, 3), (BUDGET, "row 3", "duplicate")),
    Case("budget-header-twice", replace(BUDGET, "month,supplier,service,amount", "month,supplier,service,amount,amount"),
         (BUDGET, "row 1", "amount", "twice")),
    Case("budget-semicolons", semicolons(BUDGET), (BUDGET, "row 1", ";")),
    Case("plan-header-fecha", replace(PLAN, "date,", "fecha,"), (PLAN, "date")),
    Case("plan-negative-aht", cell(PLAN, 2, "aht_s", "-300"), (PLAN, "row 2", "aht_s")),
    Case("workforce-negative-leavers", cell(WF, 2, "leavers", "-1"), (WF, "row 2", "leavers")),
    Case("workforce-23-digit-count", cell(WF, 2, "leavers", "22222222222222222222222"), (WF, "row 2", "leavers")),
    Case("workforce-month-slash", cell(WF, 2, "month", "2026/08"), (WF, "row 2", "month")),
    Case("workforce-service-unknown", cell(WF, 2, "service", "cares"), (WF, "row 2", "service")),
    # ---- engagement ids on the command line (wrong usage: refused before anything is read)
    Case("id-absolute", nothing, ("engagement id", "/etc"), code=2, engagement="/etc"),
    Case("id-dotdot", nothing, ("engagement id", "../demo"), code=2, engagement="../demo"),
    Case("id-inner-dotdot", nothing, ("engagement id",), code=2, engagement="demo/../demo"),
    Case("id-unknown", nothing, ("parameters/nodemo", "no such engagement"), engagement="nodemo"),
]
