"""Column mappings: how a foreign file layout (a supplier's or platform's export) becomes a canonical table.

A mapping lives in ``parameters/ENG/mappings/*.yaml`` (data.md, "Foreign layouts")::

    table: reported_kpis
    files: ["kpis/platform*.csv"]          # globs relative to data/ENG/ (``*`` stays inside a folder,
                                           # ``**`` crosses folders)
    sep: ";"                               # CSV reading: separator, encoding, separators of numbers
    encoding: cp1252
    decimal: ","
    thousands: "."
    dayfirst: true                          # default for date / datetime columns
    sheet: Datos                            # XLSX: the sheet to read (default: the first)
    columns:                                # name → source column, or [date column, time column]
      offered: "Incoming Calls"
      start: ["Fecha", "Hora"]
      avg_talk: "Talk Duration (AVG)"      # a helper (not a table column): only used by `derive`
    constants: {supplier: acme, service: care}
    parse: {answer_rate: percent, avg_talk: duration_hms}
    derive: {talk_s: "avg_talk * handled"}
    dates_from: {start: 2023-01-01, order_by: Index}

``derive`` grammar (kept small on purpose): ``NAME``, ``NAME * NAME``, ``NAME * NUMBER`` or
``NUMBER * NAME`` where NAME is a table column or helper named in ``columns`` (or a source column whose
name is already a plain identifier) and NUMBER a decimal literal. The product is exact.
``dates_from`` fills the ``date`` column of a file without dates: ``date = start + (order_by − min
order_by)`` days, so ``Index`` 1..N gives N consecutive days from ``start`` (a gap in the index stays a
gap; a repeated or non-whole index value is an error).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ccanalysis.errors import EngagementError, Problem

TableName = Literal["activity", "contacts", "plan", "budget", "workforce", "reported_kpis", "invoice_lines",
                    "disputes"]

#: Parser names a mapping may give in `parse` (see ccanalysis.io.parsing).
ParserName = Literal[
    "number", "integer", "percent", "duration_hms", "yes_no", "not_yes_no", "date", "date_dayfirst",
    "datetime", "datetime_dayfirst", "time_hhmm", "month", "text",
]

#: Where a consultant declares a mapping (named in messages that ask for one).
MAPPING_HINT = "parameters/ENG/mappings/*.yaml"

_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)"
_OPERAND = rf"(?:{_NAME}|{_NUMBER})"
_DERIVE = re.compile(rf"^\s*({_OPERAND})\s*(?:[*×]\s*({_OPERAND})\s*)?$")


class DatesFrom(BaseModel):
    """Assign consecutive dates from `start`, in the order of the `order_by` column."""

    model_config = ConfigDict(extra="forbid")
    start: date
    order_by: str


class Derivation(BaseModel):
    """A parsed `derive` expression: the product of one or two operands (names or exact constants)."""

    operands: tuple[str | Decimal, ...]

    def names(self) -> list[str]:
        return [op for op in self.operands if isinstance(op, str)]


def parse_derivation(text: str) -> Derivation:
    """``"avg_talk * handled"`` → Derivation(("avg_talk", "handled")); ValueError if outside the grammar."""
    match = _DERIVE.match(str(text))
    if not match:
        raise ValueError(f"{text!r} is not NAME, NAME * NAME or NAME * NUMBER")
    operands: list[str | Decimal] = []
    for token in match.groups():
        if token is None:
            continue
        if re.fullmatch(_NAME, token):
            operands.append(token)
        else:
            try:
                operands.append(Decimal(token))
            except InvalidOperation:  # pragma: no cover - the regex admits only numbers here
                raise ValueError(f"{token!r} is not a number") from None
    if not any(isinstance(op, str) for op in operands):
        raise ValueError(f"{text!r} names no column (use `constants` for a fixed value)")
    return Derivation(operands=tuple(operands))


class Mapping(BaseModel):
    """One mapping file: which files it applies to and how their columns become the table's."""

    model_config = ConfigDict(extra="forbid")

    table: TableName
    files: list[str] = Field(min_length=1)
    columns: dict[str, str | list[str]] = Field(default_factory=dict)
    constants: dict[str, str | int | float | bool | date] = Field(default_factory=dict)
    parse: dict[str, ParserName] = Field(default_factory=dict)
    sep: str = ","
    decimal: str | None = None
    thousands: str | None = None
    encoding: str = "utf-8"
    dayfirst: bool = False
    sheet: str | int | None = None
    derive: dict[str, str] = Field(default_factory=dict)
    dates_from: DatesFrom | None = None
    source: str | None = Field(default=None, exclude=True)  # the mapping file, for messages

    @field_validator("columns")
    @classmethod
    def _two_columns(cls, value: dict[str, str | list[str]]) -> dict[str, str | list[str]]:
        for name, source in value.items():
            if isinstance(source, list) and len(source) != 2:
                raise ValueError(f"{name}: give one source column, or a list of two (date, time)")
        return value

    @field_validator("decimal", "thousands")
    @classmethod
    def _separator(cls, value: str | None) -> str | None:
        if value is not None and (len(value) != 1 or value.isalnum()):
            raise ValueError(f"a separator is one character such as ',' or '.', got {value!r}")
        return value

    @field_validator("derive")
    @classmethod
    def _derive(cls, value: dict[str, str]) -> dict[str, str]:
        for name, expression in value.items():
            try:
                parse_derivation(expression)
            except ValueError as exc:
                raise ValueError(f"{name}: {exc}") from None
        return value

    @model_validator(mode="after")
    def _separators_differ(self) -> Mapping:
        if self.decimal and self.thousands and self.decimal == self.thousands:
            raise ValueError("decimal and thousands separators must differ")
        if self.decimal == self.sep and self.sep != "\t":
            # a decimal comma in a comma-separated file would split every number
            raise ValueError(f"decimal separator {self.decimal!r} equals the column separator")
        return self

    def derivations(self) -> dict[str, Derivation]:
        return {name: parse_derivation(text) for name, text in self.derive.items()}


def _key_path(loc: tuple) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def load_mapping(path: Path | str, *, display_path: str | None = None) -> Mapping:
    """Read and validate one mapping YAML file; EngagementError naming the file and key path
    (for malformed YAML: the line and column)."""
    path = Path(path)
    shown = display_path or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise EngagementError([Problem(shown, f"cannot read the mapping file: {exc}")],
                              "Invalid mapping") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark is not None else None
        reason = getattr(exc, "problem", None) or str(exc)
        raise EngagementError([Problem(shown, f"malformed YAML: {reason}; fix the syntax", column=where)],
                              "Invalid mapping") from None
    if not isinstance(data, dict):
        raise EngagementError([Problem(shown, "a mapping file must be a YAML mapping with at least "
                                              "`table` and `files`")], "Invalid mapping")
    try:
        mapping = Mapping.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            message = err["msg"]
            if err["type"] == "extra_forbidden":
                message = ("unknown key; allowed: table, files, columns, constants, parse, sep, decimal, "
                           "thousands, encoding, dayfirst, sheet, derive, dates_from")
            problems.append(Problem(shown, message, column=_key_path(err["loc"]) or None,
                                    value=err.get("input") if err["type"] != "missing" else None))
        raise EngagementError(problems, "Invalid mapping") from None
    return mapping.model_copy(update={"source": shown})


def _glob_regex(pattern: str) -> re.Pattern[str]:
    out = ""
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out += "(?:.*/)?"
            i += 3
        elif pattern.startswith("**", i):
            out += ".*"
            i += 2
        elif pattern[i] == "*":
            out += "[^/]*"
            i += 1
        elif pattern[i] == "?":
            out += "[^/]"
            i += 1
        else:
            out += re.escape(pattern[i])
            i += 1
    return re.compile(out + r"\Z")


def matches(mapping: Mapping, relative_path: str | Path) -> bool:
    """Whether a file (path relative to the engagement's data folder, ``/`` or OS separators) is one of
    the mapping's `files` globs."""
    rel = Path(relative_path).as_posix().removeprefix("./")
    return any(_glob_regex(Path(glob).as_posix()).match(rel) for glob in mapping.files)
