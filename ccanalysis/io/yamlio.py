"""YAML reading for parameter files: numbers kept exact, errors located.

Scalars are read by YAML 1.2's core schema (`yes` and `1:30.5` are text), floats from their text as
`Decimal` (`1.005` is 1.005, not the nearest binary float); integers stay `int`, dates stay
`datetime.date`; a key written twice in one mapping is an error. A malformed file raises `EngagementError` naming the
file, line and column, so the consultant knows where to look.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import yaml

from ccanalysis.errors import EngagementError, Problem

_BOOL, _INT, _FLOAT = "tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"


class ExactLoader(yaml.SafeLoader):
    """SafeLoader reading scalars by YAML 1.2's core schema, floats as Decimals from their text, and
    refusing a key written twice in one mapping.

    YAML 1.1 (PyYAML's default) reads `yes`/`no`/`on`/`off` as booleans and `1:30.5` as a base-60 number;
    under the core schema they are text, booleans are only true/false, integers decimal, 0o octal or 0x
    hex, and floats decimal (with exponent, .inf, .nan); `_` may group digits (1_000.50). A duplicate key would silently keep the last value
    (a fee of 1,500 becoming 15,000 further down the file): it is an error naming both lines."""

    yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag not in (_BOOL, _INT, _FLOAT)]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        """The mapping of `node`; ConstructorError naming both lines when a key is written twice."""
        self.flatten_mapping(node)
        seen: dict[object, yaml.Mark] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                first = seen.get(key)
            except TypeError:  # an unhashable key: the base class reports it
                break
            if first is not None:
                raise yaml.constructor.ConstructorError(
                    "while reading a mapping", node.start_mark,
                    f"duplicate key {key!r} (first written on line {first.line + 1}): YAML keeps only the last "
                    "value; write the key once", key_node.start_mark)
            seen[key] = key_node.start_mark
        return super().construct_mapping(node, deep=deep)


ExactLoader.add_implicit_resolver(_BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
ExactLoader.add_implicit_resolver(_INT, re.compile(r"^(?:[-+]?[0-9][0-9_]*|0o[0-7]+|0x[0-9a-fA-F]+)$"),
                                  list("-+0123456789"))
ExactLoader.add_implicit_resolver(
    _FLOAT, re.compile(r"^(?:[-+]?(?:\.[0-9]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?"
                       r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"), list("-+.0123456789"))


def _construct_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int:
    text = loader.construct_scalar(node).replace("_", "").strip()
    return int(text, 0) if text[:2] in ("0o", "0x") else int(text)


def _construct_decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Decimal | float:
    text = loader.construct_scalar(node).replace("_", "").strip()
    lowered = text.lower()
    if lowered in (".inf", "+.inf", "-.inf", ".nan"):
        return float(lowered.replace(".", ""))  # rejected later by the models as not finite
    return Decimal(text)


def _construct_timestamp(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> object:
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError as exc:  # 2026-02-30: the shape of a date, not a day of the calendar
        raise yaml.constructor.ConstructorError(None, None, f"{node.value} is not a date ({exc})",
                                                node.start_mark) from None


ExactLoader.add_constructor(_INT, _construct_int)
ExactLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
ExactLoader.add_constructor(_FLOAT, _construct_decimal)


def load_yaml_text(text: str, file: str) -> object:
    """Parse YAML text; malformed YAML raises EngagementError naming file, line and column."""
    try:
        return yaml.load(text, Loader=ExactLoader)  # noqa: S506 - ExactLoader derives from SafeLoader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        message = problem if problem.startswith("duplicate key") else f"malformed YAML: {problem}; fix the syntax there"
        raise EngagementError(
            [Problem(file=file, column=where, message=message)],
            title=f"Cannot read {file}",
        ) from None


def load_yaml(path: Path, display: str | None = None) -> object:
    """Read and parse one YAML file (UTF-8)."""
    shown = display or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise EngagementError(
            [Problem(file=shown, message=f"not UTF-8 text ({exc.reason} at byte {exc.start}); save it as UTF-8")],
            title=f"Cannot read {shown}",
        ) from None
    if not text.strip():
        raise EngagementError([Problem(file=shown, message="the file is empty")], title=f"Cannot read {shown}")
    return load_yaml_text(text, shown)
