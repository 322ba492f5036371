"""Errors by class: one base, a subclass per kind of failure, each carrying structured fields.

    CcanalysisError                 the base; `exit_code` is what the CLI returns for it
    ├── UsageError (ValueError)     wrong usage: an unknown supplier, month, flag or parameter   exit 2
    │   ├── UnknownNameError        a name that does not exist (a KPI, an option, a key path), with the known ones
    │   └── SchedulerError          a --scheduler address where no dask scheduler answers
    └── InputError                  the input cannot give the result asked for                    exit 1
        ├── EngagementError         every `Problem` found while loading (file, row, column, value)
        └── ContractError (ValueError)  a contract value that cannot be rated, named by key path

Any other exception is a bug in ccanalysis: the CLI prints the traceback and exits 3.

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
        """Where the problem is, as text: "file, row N, column C" (the parts known)."""
        parts = [self.file]
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column}" if self.row is not None else self.column)
        return ", ".join(parts)

    def __str__(self) -> str:
        shown = "" if self.value is None else f" (value: {self.value!r})"
        return f"{self.where()}: {self.message}{shown}"


#: Exit codes of the CLI, by class (data.md): 0 done, 1 invalid input, 2 wrong usage, 3 a bug.
EXIT_DONE, EXIT_INPUT, EXIT_USAGE, EXIT_BUG = 0, 1, 2, 3


class CcanalysisError(Exception):
    """The base of every error ccanalysis raises on purpose; `exit_code` is the CLI's exit code for it."""

    exit_code: int = EXIT_INPUT


class UsageError(CcanalysisError, ValueError):
    """Wrong usage of a command or function: an unknown supplier, month, option or parameter (exit 2).

    A `ValueError` too: functions document wrong arguments as ValueErrors."""

    exit_code = EXIT_USAGE


class UnknownNameError(UsageError):
    """A name that does not exist where it was asked for: a KPI, a KPI option or variant, a contract key path.

    `name` is the name asked for, `where` what it was looked up in (e.g. `kpis`, `services.care.charges`),
    `known` the names that do exist there (the message lists them)."""

    def __init__(self, message: str, *, name: str, where: str = "", known: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.name = name
        self.where = where
        self.known = tuple(known)


class SchedulerError(UsageError):
    """No dask.distributed scheduler answers at the address given (`--scheduler`), or dask is not installed
    (exit 2, like any wrong argument); `address` is the address tried."""

    def __init__(self, message: str, *, address: str) -> None:
        super().__init__(message)
        self.address = address


class InputError(CcanalysisError):
    """The engagement's files cannot give the result asked for (exit 1, like a load error)."""

    exit_code = EXIT_INPUT


class ContractError(InputError, ValueError):
    """A contract value that cannot be rated; `path` is its key path (e.g. `tiers[1].up_to`).

    A `ValueError` too: `pricing.rate` and `validate_charge` have always raised ValueError naming the key."""

    def __init__(self, message: str, path: str | None = None) -> None:
        super().__init__(message)
        self.path = path


@dataclass
class EngagementError(InputError):
    """Raised with every problem found; str() is the full report a consultant reads."""

    problems: list[Problem] = field(default_factory=list)
    title: str = "The engagement has errors"

    def __post_init__(self) -> None:
        super().__init__(self.report())

    def report(self, limit: int | None = 200) -> str:
        """The title, the problem count and one line per problem, at most `limit` of them (None: all)."""
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
        """Record one problem of `file` (row, column and value where known)."""
        self.problems.append(Problem(file=str(file), message=message, row=row, column=column, value=value))

    def extend(self, problems: list[Problem]) -> None:
        """Record these problems."""
        self.problems.extend(problems)

    def __bool__(self) -> bool:
        return bool(self.problems)

    def raise_if_any(self, title: str = "The engagement has errors") -> None:
        """Raise EngagementError with every problem recorded, under `title`, when there is any."""
        if self.problems:
            raise EngagementError(list(self.problems), title)
