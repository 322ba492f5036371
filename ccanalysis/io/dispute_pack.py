"""The dispute pack for the supplier: an Excel workbook of one audit, in the report's language.

    write_dispute_pack(result, path, lang=…, supplier_name=…)
    write_pack(path, sheets, currency=…, lang=…)   the writer itself: any pack as `PackSheet`s (the audit's,
                                                    a retailer's charges to dispute: `ccanalysis.cargos`)

A summary sheet (supplier, invoice(s), issue and due date, billed, expected, the claim, its VAT, the gross
to withhold, under-billing, and the findings counted per check), then one sheet per check that has
findings: reference, line, service, charge, billed, expected, difference, claim, cause and evidence.
Money cells are numbers with a currency format (the Decimal becomes a float only at the cell); dates are
dates. Every text cell is text: one a spreadsheet would read as a formula (`=`, `+`, `-`, `@`) is
neutralised and typed as a string. The file is written whole or not at all (temporary file, rename).
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ccanalysis.audit.result import AuditResult
from ccanalysis.errors import UsageError
from ccanalysis.i18n import check_lang, label
from ccanalysis.io.writing import atomic_write, neutralise
from ccanalysis.report.audit import CHECK_ORDER, charge_text, check_name, evidence_text, ordered_findings
from ccanalysis.report.text import missing

#: Excel number formats per language (the viewer's Excel puts its own separators in `#,##0.00`).
DATE_FORMATS = {"es": "DD/MM/YYYY", "en": "YYYY-MM-DD"}
CURRENCY_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£"}
WIDEST_COLUMN = 60  # characters; longer text wraps
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
HEADER_FONT = Font(bold=True, color="FFFFFF")


def money_format(currency: str, lang: str) -> str:
    """`#,##0.00 "€"` in Spanish, `"€"#,##0.00` in English (other currencies by code)."""
    symbol = CURRENCY_SYMBOLS.get(currency, currency)
    return f'#,##0.00 "{symbol}"' if check_lang(lang) == "es" else f'"{symbol}"#,##0.00'


class _Sheet:
    """Writes typed cells on one worksheet and remembers each column's width."""

    def __init__(self, sheet: Worksheet, money: str, day: str) -> None:
        self.sheet, self.money, self.day = sheet, money, day
        self.widths: dict[int, int] = {}

    def put(self, row: int, column: int, value: object, *, bold: bool = False, wrap: bool = False,
            sized: bool = True) -> None:
        """Write `value` typed (money, date, integer, text); `sized`: the column's width fits it."""
        cell = self.sheet.cell(row=row, column=column)
        if isinstance(value, Decimal):
            cell.value = float(value)
            cell.number_format = self.money
            shown = len(f"{value:,.2f}") + 2
        elif isinstance(value, date):
            cell.value = value
            cell.number_format = self.day
            shown = 10
        elif isinstance(value, int) and not isinstance(value, bool):
            cell.value = value
            shown = len(str(value))
        elif value is None or value == "":
            return
        else:
            value = neutralise(ILLEGAL_CHARACTERS_RE.sub("", str(value)))
            cell.value = value
            cell.data_type = "s"
            shown = max(len(part) for part in value.splitlines()) if value else 0
        if bold:
            cell.font = Font(bold=True)
        if wrap:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        if sized:
            self.widths[column] = max(self.widths.get(column, 0), shown)

    def header(self, row: int, names: list[str]) -> None:
        for column, name in enumerate(names, start=1):
            self.put(row, column, name)
            cell = self.sheet.cell(row=row, column=column)
            cell.fill, cell.font = HEADER_FILL, HEADER_FONT

    def fit(self) -> None:
        for column, width in self.widths.items():
            self.sheet.column_dimensions[get_column_letter(column)].width = min(width + 2, WIDEST_COLUMN)


@dataclass(frozen=True)
class PackSheet:
    """One sheet of a pack: an optional bold `heading` (A1) and `facts` (name, value) from row 3, then an
    optional table (`columns` as a header row, `rows` of typed values; at row 1 with the panes frozen below
    it when the sheet has no heading nor facts), columns from `wrap_from` (1-based) wrapped, and an optional
    `total` row (label column, label, value column, value) below the table."""

    title: str
    heading: str | None = None
    facts: Sequence[tuple[str, object]] = ()
    columns: Sequence[str] = ()
    rows: Sequence[Sequence[object]] = ()
    wrap_from: int | None = None
    total: tuple[int, str, int, object] | None = None


def _check_path(path: Path | str) -> Path:
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise UsageError(f"{path}: the dispute pack is an Excel workbook; give a path ending in .xlsx")
    if path.is_dir():
        raise UsageError(f"{path} is a folder; give the path of the .xlsx file to write")
    return path


def _write_sheet(sheet: _Sheet, spec: PackSheet) -> None:
    sheet.sheet.title = spec.title[:31]
    row = 1
    if spec.heading is not None or spec.facts:
        if spec.heading is not None:
            sheet.put(1, 1, spec.heading, bold=True, sized=False)
        row = 3
        for name, value in spec.facts:
            sheet.put(row, 1, name, bold=True)
            sheet.put(row, 2, value)
            row += 1
        if spec.columns:
            row += 1
    elif spec.columns:
        sheet.sheet.freeze_panes = "A2"
    if spec.columns:
        sheet.header(row, list(spec.columns))
        for values in spec.rows:
            row += 1
            for column, value in enumerate(values, start=1):
                sheet.put(row, column, value, wrap=spec.wrap_from is not None and column >= spec.wrap_from)
        if spec.total is not None:
            label_column, name, value_column, value = spec.total
            sheet.put(row + 1, label_column, name, bold=True)
            sheet.put(row + 1, value_column, value, bold=True)
    sheet.fit()


def write_pack(path: Path | str, sheets: Sequence[PackSheet], *, currency: str, lang: str) -> Path:
    """Write `sheets` to the `.xlsx` at `path` (money formatted in `currency`, dates in `lang`'s format),
    whole or not at all; returns the path. UsageError for a path that is not an .xlsx file."""
    check_lang(lang)
    path = _check_path(path)
    if not sheets:
        raise ValueError("a pack has at least one sheet")
    book = Workbook()
    money, day = money_format(currency, lang), DATE_FORMATS[lang]
    for n, spec in enumerate(sheets):
        _write_sheet(_Sheet(book.active if n == 0 else book.create_sheet(), money, day), spec)
    book.properties.creator = "ccanalysis"
    buffer = io.BytesIO()
    book.save(buffer)
    atomic_write(path, buffer.getvalue())
    return path


def write_dispute_pack(result: AuditResult, path: Path | str, *, lang: str, supplier_name: str,
                       charge_names: Mapping[tuple[str, str], str] | None = None) -> Path:
    """Write the dispute pack of `result` to `path` (an `.xlsx`), every word in `lang`; returns the path.
    `charge_names` optionally names the contract's charges ((service, charge) → name)."""
    check_lang(lang)
    path = _check_path(path)
    sheets = [_summary(result, lang, supplier_name)]
    findings = ordered_findings(result.findings)
    for check in [*CHECK_ORDER, *sorted(set(findings["check"]) - set(CHECK_ORDER))]:
        rows = findings[findings["check"] == check]
        if len(rows):
            sheets.append(_check_sheet(check_name(check, lang), rows, result, lang, charge_names))
    return write_pack(path, sheets, currency=result.currency, lang=lang)


def _summary(result: AuditResult, lang: str, supplier_name: str) -> PackSheet:
    facts: list[tuple[str, object]] = [(label("supplier", lang), supplier_name), (label("month", lang), result.month),
                                       (label("invoice", lang), ", ".join(result.invoice_ids))]
    if result.has_invoice:
        facts += [(label("issue_date", lang), result.issue_date), (label("due_date", lang), result.due_date),
                  (label("billed_net", lang), result.billed_net)]
        if result.billed_header_net is not None and result.billed_header_net != result.billed_net:
            facts.append((label("header_net", lang), result.billed_header_net))
    facts.append((label("expected_net", lang), result.expected_net))
    if result.has_invoice:
        facts += [(label("to_claim", lang), result.claimable), (label("claim_tax", lang), result.claimable_tax),
                  (label("withhold_gross", lang), result.withhold_gross),
                  (label("under_billed", lang), result.under_billed)]
    else:
        facts.append((label("to_claim", lang), label("no_invoice", lang)))
    columns: list[str] = []
    rows: list[list[object]] = []
    if len(result.findings):
        columns = [label("check", lang), label("count", lang), label("difference", lang), label("to_claim", lang)]
        counted = result.findings.groupby("check", sort=False)
        for check in [c for c in (*CHECK_ORDER, *sorted(set(result.findings["check"]) - set(CHECK_ORDER)))
                      if c in counted.groups]:
            group = counted.get_group(check)
            rows.append([check_name(check, lang), len(group), _sum(group["difference"]), _sum(group["claimable"])])
    return PackSheet(label("summary_sheet", lang), f"{label('audit', lang)} — {supplier_name}", facts, columns, rows)


def _sum(values) -> Decimal:
    return sum((Decimal(v) for v in values if isinstance(v, Decimal)), Decimal(0))


def _check_sheet(title: str, rows, result: AuditResult, lang: str,
                 charge_names: Mapping[tuple[str, str], str] | None) -> PackSheet:
    several = len(result.invoice_ids) > 1
    names = [label("finding", lang), *([label("invoice", lang)] if several else []), label("line", lang),
             label("service", lang), label("charge", lang), label("billed", lang), label("expected", lang),
             label("difference", lang), label("to_claim", lang), label("cause", lang), label("evidence", lang)]
    table = []
    for finding in rows.to_dict("records"):
        table.append([finding["finding_id"], *([_text(finding["invoice_id"])] if several else []),
                      None if missing(finding["line"]) else int(finding["line"]), _text(finding["service"]),
                      charge_text(finding["service"], finding["charge"], finding["tier"], lang, charge_names),
                      _money(finding["billed"]), _money(finding["expected"]), _money(finding["difference"]),
                      _money(finding["claimable"]),
                      finding["description"] if isinstance(finding["description"], str)
                      else check_name(finding["check"], lang),
                      evidence_text(finding["evidence"], lang)])
    claim_column = len(names) - 2
    return PackSheet(title, columns=names, rows=table, wrap_from=len(names) - 1,
                     total=(claim_column - 1, label("total", lang), claim_column, _sum(rows["claimable"])))


def _text(value: object) -> str | None:
    return None if missing(value) else str(value)


def _money(value: object) -> Decimal | None:
    return Decimal(value) if isinstance(value, (Decimal, int)) and not isinstance(value, bool) else None
