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

Blanks, codes and ids of real exports (the whole grammar, with examples: docs/mappings.md)::

    fill: {talk_s: {value: 0, when: {answered: false}}, hold_s: 0}
    optional_when: {queue_s: {answered: false}}
    values: {answered: {"Y": true, "N": false}}
    values_ignore_case: false
    id: {contact_id: {hash: ["Date", "Time", "Agent"]}}   # or {contact_id: row}

``fill`` writes a value into the blank cells of a column, in every row or only where every condition of
``when`` holds; ``optional_when`` lets a required column be blank where its conditions hold (and only
there). A condition is ``NAME: VALUE`` or ``NAME: [VALUE, ...]`` on the final value of a table column or
helper (after parsing, value maps and fills of other columns): ``answered: false``. ``values`` maps the
exact texts of a column (case-insensitive with ``values_ignore_case``; ``""`` names a blank cell) to its
values, in place of a parser; a text not in the map is an error listing the mapped ones. ``id`` gives a
file without record ids one: ``row`` is ``FILE_NAME:ROW`` (``calls.csv:2``), ``{hash: [...]}`` the first
16 hex digits of the SHA-256 of the named source columns' texts (stable across runs and files).
"""

from __future__ import annotations

import codecs
import re
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated, Literal

import pandas as pd
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    ValidationError,
    field_validator,
    model_validator,
)

from ccanalysis.errors import EngagementError, Problem
from ccanalysis.io import parsing
from ccanalysis.io.schemas import TABLES, ColumnType
from ccanalysis.io.yamlio import load_yaml_text

TableName = Literal["activity", "contacts", "plan", "budget", "workforce", "reported_kpis", "invoice_lines",
                    "disputes", "compliance_evidence", "placements", "attempts", "payments", "charges", "sales",
                    "deliveries", "cargo_decisions", "customers",
                    "bills"]

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
        """The column names among the derivation's operands, in order."""
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


def _scalar(value: object) -> bool | int | Decimal | str | date:
    if isinstance(value, float):
        return parsing.decimal_from_float(value)
    if isinstance(value, (bool, int, Decimal, str, date)):
        return value
    raise ValueError("expected one value: a text, a number, true/false or a date")


def _scalars(value: object) -> object:
    return [_scalar(v) for v in value] if isinstance(value, list) else _scalar(value)


#: A value written in a mapping (a constant, a fill, a value map's result); in a condition, one or a list.
Scalar = Annotated[bool | int | Decimal | str | date, PlainValidator(_scalar)]
Scalars = Annotated[bool | int | Decimal | str | date | list, PlainValidator(_scalars)]


class Fill(BaseModel):
    """`fill` of one column: `value` in its blank cells, where every condition of `when` holds (always when
    there is none). ``fill: {talk_s: 0}`` is short for ``fill: {talk_s: {value: 0}}``."""

    model_config = ConfigDict(extra="forbid")
    value: Scalar
    when: dict[str, Scalars] = Field(default_factory=dict)


class RecordId(BaseModel):
    """`id` of one column: the file's row (``row``) or a hash of source columns (``{hash: [A, B]}``)."""

    model_config = ConfigDict(extra="forbid")
    row: bool = False
    hash: list[str] | None = Field(default=None, min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _row_shorthand(cls, value: object) -> object:
        if value == "row":
            return {"row": True}
        if isinstance(value, str):
            raise ValueError(f"{value!r}: write `row`, or `{{hash: [column, ...]}}`")
        return value

    @model_validator(mode="after")
    def _one_kind(self) -> RecordId:
        if self.row == (self.hash is not None):
            raise ValueError("write `row`, or `{hash: [column, ...]}`")
        return self


class Mapping(BaseModel):
    """One mapping file: which files it applies to and how their columns become the table's."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    table: TableName
    files: list[str] = Field(min_length=1)
    columns: dict[str, str | list[str]] = Field(default_factory=dict)
    constants: dict[str, Scalar] = Field(default_factory=dict)
    parse: dict[str, ParserName] = Field(default_factory=dict)
    sep: str = ","
    decimal: str | None = None
    thousands: str | None = None
    encoding: str = "utf-8"
    dayfirst: bool = False
    sheet: str | int | None = None
    derive: dict[str, str] = Field(default_factory=dict)
    dates_from: DatesFrom | None = None
    fill: dict[str, Fill] = Field(default_factory=dict)
    optional_when: dict[str, dict[str, Scalars]] = Field(default_factory=dict)
    values: dict[str, dict[str, Scalar]] = Field(default_factory=dict)
    values_ignore_case: bool = False
    record_ids: dict[str, RecordId] = Field(default_factory=dict, alias="id")
    source: str | None = Field(default=None, exclude=True)  # the mapping file, for messages

    @field_validator("columns")
    @classmethod
    def _two_columns(cls, value: dict[str, str | list[str]]) -> dict[str, str | list[str]]:
        for name, source in value.items():
            if isinstance(source, list) and len(source) != 2:
                raise ValueError(f"{name}: give one source column, or a list of two (date, time)")
        return value

    @field_validator("sep")
    @classmethod
    def _column_separator(cls, value: str) -> str:
        if len(value) != 1 or value.isalnum() or value in "\"'\n\r":
            raise ValueError(f"a column separator is one character such as ',', ';', '|' or '\\t', got {value!r}")
        return value

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, value: str) -> str:
        try:
            codecs.lookup(value)
        except LookupError:
            raise ValueError(f"unknown encoding {value!r}; write one such as utf-8, cp1252, latin-1 or "
                             "utf-16") from None
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

    @field_validator("fill", mode="before")
    @classmethod
    def _fill_shorthand(cls, value: object) -> object:
        if isinstance(value, dict):
            return {name: rule if isinstance(rule, dict) else {"value": rule} for name, rule in value.items()}
        return value

    @field_validator("values", mode="before")
    @classmethod
    def _texts_as_keys(cls, value: object) -> object:
        if isinstance(value, dict):  # YAML reads `1: true` with an int key: the key is the cell's text
            return {name: ({_key_text(k): v for k, v in codes.items()} if isinstance(codes, dict) else codes)
                    for name, codes in value.items()}
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
        """Each derived column's parsed derivation, by name."""
        return {name: parse_derivation(text) for name, text in self.derive.items()}

    def conditions(self) -> list[tuple[str, dict[str, Scalars]]]:
        """(key path, condition) of every `fill ... when` and `optional_when`."""
        found = [(f"fill.{name}.when", rule.when) for name, rule in self.fill.items() if rule.when]
        return found + [(f"optional_when.{name}", cond) for name, cond in self.optional_when.items()]

    def helpers(self) -> set[str]:
        """Names that are not table columns but are used: operands of `derive`, names in conditions."""
        names = {n for d in self.derivations().values() for n in d.names()}
        names |= {n for _, condition in self.conditions() for n in condition}
        return names - set(TABLES[self.table].columns)


def _key_text(key: object) -> str:
    if isinstance(key, bool):
        return "true" if key else "false"
    return "" if key is None else str(key)


def column_type(mapping: Mapping, name: str) -> ColumnType | None:
    """The canonical type of a table column, or of a helper by its parser (None: text)."""
    spec = TABLES[mapping.table].columns.get(name)
    if spec is not None:
        return spec.type
    parser = mapping.parse.get(name)
    if parser is None and name in mapping.values:
        return None
    return {"yes_no": "bool", "not_yes_no": "bool", "text": None, "date": "date", "date_dayfirst": "date",
            "datetime": "datetime", "datetime_dayfirst": "datetime", "month": "month",
            "time_hhmm": "interval_start", "integer": "int"}.get(parser or "number", "number")


def typed(values: list[Scalar], kind: ColumnType | None) -> tuple[pd.Series, pd.Series]:
    """Values written in a mapping in a column's canonical type, and the mask of those that are not of it."""
    texts, native = zip(*(parsing.scalar_text(v) for v in values), strict=True) if values else ((), ())
    series = pd.Series(list(texts), dtype=object)
    parser = parsing.DEFAULT_PARSER[kind] if kind else "text"
    parsed, bad, _ = parsing.parse_column(series, parser, native=pd.Series(list(native), dtype=bool))
    return parsed, bad


_WHAT = {"int": "a whole number", "number": "a number", "str": "a text", "date": "a date YYYY-MM-DD",
         "datetime": "a date and time YYYY-MM-DD HH:MM", "month": "a month YYYY-MM", "bool": "true or false",
         "interval_start": "a time HH:MM", "utc_offset": "a UTC offset such as +02:00", None: "a text"}


#: The parsers that give each column type its values.
PARSERS_FOR: dict[ColumnType, tuple[str, ...]] = {
    "int": ("integer", "number", "percent", "duration_hms"),
    "number": ("number", "integer", "percent", "duration_hms"),
    "bool": ("yes_no", "not_yes_no"),
    "date": ("date", "date_dayfirst"),
    "datetime": ("datetime", "datetime_dayfirst", "date", "date_dayfirst"),
    "str": ("text",),
    "month": ("month",),
    "interval_start": ("time_hhmm",),
    "utc_offset": (),
}


def mapping_problems(mapping: Mapping) -> list[tuple[str, str, object]]:
    """(key path, message, value) of every name a mapping uses that its table does not have, and of every
    value not of its column's type: what can be checked without reading a data file."""
    spec = TABLES[mapping.table]
    table_columns = ", ".join(spec.columns)
    helpers = mapping.helpers()
    known = set(spec.columns) | set(mapping.columns)
    found: list[tuple[str, str, object]] = []

    def check_values(path: str, values: list[Scalar], name: str) -> None:
        _, bad = typed(values, column_type(mapping, name))
        for value, is_bad in zip(values, bad, strict=True):
            if is_bad:
                found.append((path, f"{value!r} is not {_WHAT[column_type(mapping, name)]} (the type of {name})",
                              value))

    for name, source in mapping.columns.items():
        if name not in spec.columns and name not in helpers:
            found.append((f"columns.{name}", f"{name!r} is not a column of table {spec.name} (nor used by "
                           f"`derive`, `fill` or `optional_when`); table columns: {table_columns}", source))
        elif isinstance(source, list) and name in spec.columns and spec.columns[name].type != "datetime":
            found.append((f"columns.{name}", f"a pair of source columns (date, time) can only fill a "
                          f"date-and-time column; {name!r} is a {spec.columns[name].type}", source))
    for section, names in (("constants", mapping.constants), ("derive", mapping.derive),
                           ("fill", mapping.fill), ("optional_when", mapping.optional_when),
                           ("id", mapping.record_ids)):
        for name in names:
            if name not in spec.columns and not (section == "derive" and name in helpers):
                found.append((f"{section}.{name}", f"{name!r} is not a column of table {spec.name}; table "
                              f"columns: {table_columns}", None))
    for name, parser in mapping.parse.items():
        if name in spec.columns and parser not in PARSERS_FOR[spec.columns[name].type]:
            kind = spec.columns[name].type
            fits = ", ".join(PARSERS_FOR[kind]) or "none (write the values as data.md says)"
            found.append((f"parse.{name}", f"{parser} does not give {_WHAT[kind]}, the type of {name}; parsers "
                          f"for it: {fits}", parser))
    for name, value in mapping.constants.items():
        if name in spec.columns:
            check_values(f"constants.{name}", [value], name)
    for name, rule in mapping.fill.items():
        if name in spec.columns:
            check_values(f"fill.{name}.value", [rule.value], name)
    for path, condition in mapping.conditions():
        for name, wanted in condition.items():
            if name not in known:
                found.append((f"{path}.{name}", f"a condition names {name!r}, which is neither a column of "
                              f"table {spec.name} nor a name in `columns`", None))
                continue
            check_values(f"{path}.{name}", wanted if isinstance(wanted, list) else [wanted], name)
    for name, codes in mapping.values.items():
        if name in mapping.parse:
            found.append((f"values.{name}", f"{name!r} has both a value map and a parser (`parse`); keep one",
                          None))
        if not codes:
            found.append((f"values.{name}", "an empty value map; write `TEXT: VALUE` pairs", None))
        if name not in known:
            found.append((f"values.{name}", f"{name!r} is neither a column of table {spec.name} nor a name in "
                          "`columns`", None))
            continue
        if mapping.values_ignore_case:
            folded: dict[str, str] = {}
            for text in codes:
                if text.casefold() in folded:
                    found.append((f"values.{name}", f"{text!r} and {folded[text.casefold()]!r} differ only in "
                                  "case, and `values_ignore_case` is true", text))
                folded[text.casefold()] = text
        check_values(f"values.{name}", list(codes.values()), name)
    for name in mapping.record_ids:
        if name in spec.columns and spec.columns[name].type != "str":
            found.append((f"id.{name}", f"an id is text; {name!r} is a {spec.columns[name].type}", None))
        if name in mapping.columns or name in mapping.constants:
            found.append((f"id.{name}", f"{name!r} is also in `columns` or `constants`; keep one", None))
    return found


_ALLOWED_KEYS = {
    (): ", ".join(f.alias or n for n, f in Mapping.model_fields.items() if n != "source"),
    ("dates_from",): "start, order_by",
    ("fill",): "value, when",
    ("id",): "row, hash",
}


def _key_path(loc: tuple) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def _message(err: dict) -> str:
    loc = err["loc"]
    if err["type"] == "extra_forbidden":
        parent = loc[:1] if len(loc) > 1 else ()
        return f"unknown key; allowed: {_ALLOWED_KEYS.get(parent, _ALLOWED_KEYS[()])}"
    return str(err["msg"]).removeprefix("Value error, ")


def load_mapping(path: Path | str, *, display_path: str | None = None) -> Mapping:
    """Read and validate one mapping YAML file; EngagementError naming the file and key path
    (for malformed YAML: the line and column) of every problem."""
    path = Path(path)
    shown = display_path or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise EngagementError([Problem(shown, f"cannot read the mapping file: {exc}")],
                              "Invalid mapping") from None
    try:
        data = load_yaml_text(text, shown)
    except EngagementError as exc:
        raise EngagementError(exc.problems, "Invalid mapping") from None
    if not isinstance(data, dict):
        raise EngagementError([Problem(shown, "a mapping file must be a YAML mapping with at least "
                                              "`table` and `files`")], "Invalid mapping")
    try:
        mapping = Mapping.model_validate(data)
    except ValidationError as exc:
        problems = [Problem(shown, _message(err), column=_key_path(err["loc"]) or None,
                            value=err.get("input") if err["type"] not in ("missing", "model_type") else None)
                    for err in exc.errors()]
        raise EngagementError(problems, "Invalid mapping") from None
    problems = [Problem(shown, message, column=key, value=value)
                for key, message, value in mapping_problems(mapping)]
    if problems:
        raise EngagementError(problems, "Invalid mapping")
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
