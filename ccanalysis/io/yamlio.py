"""YAML reading for parameter files: numbers kept exact, errors located.

YAML floats are read from their text as `Decimal` (`1.005` is 1.005, not the nearest binary float);
integers stay `int`, dates stay `datetime.date`. A malformed file raises `EngagementError` naming the
file, line and column, so the consultant knows where to look.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import yaml

from ccanalysis.errors import EngagementError, Problem


class ExactLoader(yaml.SafeLoader):
    """SafeLoader whose floats are Decimals parsed from the scalar's text."""


def _construct_decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Decimal | float:
    text = loader.construct_scalar(node).replace("_", "").strip()
    lowered = text.lower()
    if lowered in (".inf", "+.inf", "-.inf", ".nan"):
        return float(lowered.replace(".", ""))  # rejected later by the models as not finite
    return Decimal(text)


ExactLoader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)


def load_yaml_text(text: str, file: str) -> object:
    """Parse YAML text; malformed YAML raises EngagementError naming file, line and column."""
    try:
        return yaml.load(text, Loader=ExactLoader)  # noqa: S506 - ExactLoader derives from SafeLoader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise EngagementError(
            [Problem(file=file, column=where, message=f"malformed YAML: {problem}; fix the syntax there")],
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
