"""What a batch is made of: the reports to build (`ReportJob`) and what happened to each (`ReportResult`).

Plain data shared by planning, the runner and the output writer; `summary_table` and `exit_code` say
how a batch went.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

OK, SKIPPED, FAILED = "ok", "skipped", "failed"


@dataclass
class ReportJob:
    """One report to build: a notebook run with `parameters`, written as `<output_stem>.html/.ipynb/.json`.

    `inputs` are the files (or folders, walked recursively) whose content decides whether the report must
    be rebuilt; `header` is shown at the top of the HTML (client, supplier, month, data_sources…); with
    `pdf`, a `<output_stem>.pdf` is printed from the HTML too.
    """

    name: str
    notebook: Path
    parameters: dict = field(default_factory=dict)
    output_stem: Path = Path("report")
    inputs: list[Path] = field(default_factory=list)
    header: dict = field(default_factory=dict)
    title: str | None = None
    lang: str = "en"
    pdf: bool = False

    def paths(self) -> dict[str, Path]:
        """The job's output files by kind: html, ipynb, json, pdf, and failed (the notebook kept on failure)."""
        stem = Path(self.output_stem)
        return {
            "html": stem.with_name(stem.name + ".html"),
            "ipynb": stem.with_name(stem.name + ".ipynb"),
            "json": stem.with_name(stem.name + ".json"),
            "pdf": stem.with_name(stem.name + ".pdf"),
            "failed": stem.with_name(stem.name + ".failed.ipynb"),
        }


@dataclass
class ReportResult:
    """What happened to one report; `timings` in seconds (kernel_start, execution, imports, compute, html,
    write); for a failure, the failing cell (0-based, counted in the author's notebook) and the error, or
    the step after the notebook that failed (`failed_step`, e.g. "pdf")."""

    name: str
    status: str
    seconds: float = 0.0
    failed_cell: int | None = None
    error_name: str | None = None
    error_message: str | None = None
    failed_source: str | None = None
    paths: dict[str, Path] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    results: dict | None = None
    failed_step: str | None = None

    @property
    def where(self) -> str:
        """'cell 3 `raise …`: ValueError: boom' for a failure, '' otherwise."""
        if self.status != FAILED:
            return ""
        if self.failed_step:
            return f"{self.failed_step}: {self.error_message or ''}".strip()
        place = f"cell {self.failed_cell}" if self.failed_cell is not None else "before any cell"
        if self.failed_source:
            place += f" `{self.failed_source}`"
        message = (self.error_message or "").strip().splitlines()
        first = message[0] if message else ""
        return f"{place}: {self.error_name}: {first}" if self.error_name else place


def summary_table(results: Sequence[ReportResult]) -> str:
    """A plain-text table of every report: name, status, seconds, and where a failed one stopped."""
    rows = [("report", "status", "seconds", "where it failed")]
    rows += [(r.name, r.status, f"{r.seconds:.1f}", r.where) for r in results]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = []
    for i, row in enumerate(rows):
        lines.append(
            f"{row[0]:<{widths[0]}}  {row[1]:<{widths[1]}}  {row[2]:>{widths[2]}}  {row[3]}".rstrip()
        )
        if i == 0:
            lines.append("-" * (sum(widths) + 4 + max(len(row[3]) for row in rows) + 2))
    counts = {s: sum(r.status == s for r in results) for s in (OK, SKIPPED, FAILED)}
    lines.append(f"{counts[OK]} ok, {counts[SKIPPED]} skipped, {counts[FAILED]} failed")
    return "\n".join(lines)


def exit_code(results: Iterable[ReportResult]) -> int:
    """The process exit code of a batch: 1 if any report failed, else 0."""
    return 1 if any(r.status == FAILED for r in results) else 0
