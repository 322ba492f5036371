"""The tiny fixture notebooks of `tests/notebooks/` and report jobs on them, for the batch tests."""

from __future__ import annotations

from pathlib import Path

from ccanalysis.batch.runner import ReportJob, ReportResult

NOTEBOOKS = Path(__file__).parent / "notebooks"
OK_NB, FAILING_NB, SLOW_NB = NOTEBOOKS / "ok.ipynb", NOTEBOOKS / "failing.ipynb", NOTEBOOKS / "slow.ipynb"


def notebook_job(name: str, notebook: Path, out: Path, **kwargs) -> ReportJob:
    """A report job named `name` on `notebook`, written under the folder `out`."""
    return ReportJob(name=name, notebook=notebook, output_stem=out / name, **kwargs)


def by_name(results: list[ReportResult]) -> dict[str, ReportResult]:
    return {r.name: r for r in results}
