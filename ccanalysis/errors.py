"""One error type for bad input: every problem found, each naming file, row, column and what to fix.

A loader collects `Problem`s instead of stopping at the first one, then raises one
`EngagementError` that lists them all. Rows are numbered as the user sees them in the file
(CSV/XLSX header = row 1, first data row = row 2; Parquet rows count from 1 with no header).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    """One thing wrong in one place of an input file."""

    file: str
    message: str  # what is wrong and what was expected / what to fix
    row: int | None = None  # row as the user sees it in the file
    column: str | None = None  # column name, or key path for YAML (e.g. services[0].charges[1].tiers)
    value: object = None

    def where(self) -> str:
        parts = [self.file]
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column}" if self.row is not None else self.column)
        return ", ".join(parts)

    def __str__(self) -> str:
        shown = "" if self.value is None else f" (value: {self.value!r})"
        return f"{self.where()}: {self.message}{shown}"


@dataclass
class EngagementError(Exception):
    """Raised with every problem found; str() is the full report a consultant reads."""

    problems: list[Problem] = field(default_factory=list)
    title: str = "The engagement has errors"

    def __post_init__(self) -> None:
        super().__init__(self.report())

    def report(self, limit: int | None = 200) -> str:
        shown = self.problems if limit is None else self.problems[:limit]
        lines = [f"{self.title}: {len(self.problems)} problem(s)"]
        lines += [f"  - {p}" for p in shown]
        if limit is not None and len(self.problems) > limit:
            lines.append(f"  … and {len(self.problems) - limit} more")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.report()


class ProblemCollector:
    """Accumulate problems across files, then raise once."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, file: str, message: str, *, row: int | None = None, column: str | None = None,
            value: object = None) -> None:
        self.problems.append(Problem(file=str(file), message=message, row=row, column=column, value=value))

    def extend(self, problems: list[Problem]) -> None:
        self.problems.extend(problems)

    def __bool__(self) -> bool:
        return bool(self.problems)

    def raise_if_any(self, title: str = "The engagement has errors") -> None:
        if self.problems:
            raise EngagementError(list(self.problems), title)
