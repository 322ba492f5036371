"""Batch runs under faults, with real processes: the parent killed mid-batch (nothing survives it, nothing is
left half-written), two `ccanalysis report` at once on one engagement, a read-only reports folder."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import nbformat
import pytest

from ccanalysis.batch.runner import run_batch
from ccanalysis.batch.watchdog import descendants, is_alive
from tests.engagements import activity_row, write_engagement
from tests.notebook_jobs import OK_NB, notebook_job

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


def _kernels(pid: int) -> list[int]:
    """The ipykernel processes below `pid`."""
    found = []
    for child in descendants(pid):
        try:
            cmdline = Path(f"/proc/{child}/cmdline").read_bytes()
        except OSError:
            continue
        if b"ipykernel" in cmdline:
            found.append(child)
    return found


def _wait_for(condition, timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout_s:.0f} s for {what}")
        time.sleep(0.1)


def _driver(script: str, cwd: Path) -> subprocess.Popen:
    """A Python driver process running `script`, in its own session (so the test's group is never hit)."""
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(script)], cwd=cwd, start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})


@pytest.mark.parametrize("scheduler", [None, "local"])
def test_killing_the_parent_mid_batch_leaves_no_process_and_no_half_written_report(tmp_path, scheduler):
    out = tmp_path / "reports"
    driver = _driver(f"""
        from pathlib import Path
        from ccanalysis.batch.runner import run_batch
        from tests.notebook_jobs import OK_NB, SLOW_NB, notebook_job
        out = Path({str(out)!r})
        run_batch([notebook_job("ok", OK_NB, out), notebook_job("slow", SLOW_NB, out, parameters={{"seconds": 120}})],
                  jobs_n=2, scheduler={scheduler!r}, progress=False)
        """, tmp_path)
    try:
        # the quick report is written and the slow one's kernel is busy: the batch is half-way
        _wait_for(lambda: (out / "ok.json").is_file() and _kernels(driver.pid), 60, "a report and a busy kernel")
        below = descendants(driver.pid)
        assert _kernels(driver.pid) and len(below) >= 2  # a worker (and the forkserver) and a kernel
        driver.send_signal(signal.SIGKILL)
        driver.wait()
        _wait_for(lambda: not any(is_alive(pid) for pid in below), 10, "every worker, kernel and forkserver to end")
    finally:
        if driver.poll() is None:
            driver.kill()
            driver.wait()
        for pid in descendants(driver.pid) + below if "below" in locals() else ():
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)  # a failing test leaves nothing running either
        driver.stdout.close()
        driver.stderr.close()
    # nothing of the slow report, not even a temporary file; the finished one is whole and up to date
    assert sorted(p.name for p in out.iterdir()) == ["ok.html", "ok.ipynb", "ok.json"]
    assert run_batch([notebook_job("ok", OK_NB, out)], progress=False)[0].status == "skipped"


def _tiny_notebooks(folder: Path) -> Path:
    """Stand-ins for the report notebooks, with their parameters: each run appends its name to runs.log in
    the kernel's working folder (the engagement root), waits a little and publishes one result."""
    folder.mkdir()
    for name, parameters in (("supplier_month", 'engagement = "tiny"\nsupplier = "acme"\nmonth = "2026-09"\n'
                                                'lang = "es"'),
                             ("portfolio", 'engagement = "tiny"\nmonth = "2026-09"\nlang = "es"')):
        nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                               "language": "python"}})
        nb.cells = [
            nbformat.v4.new_code_cell(parameters, metadata={"tags": ["parameters"]}, id=f"{name}-0"),
            nbformat.v4.new_code_cell(f"import time\nwith open('runs.log', 'a') as log:\n    log.write('{name}\\n')\n"
                                      "time.sleep(1.5)", id=f"{name}-1"),
            nbformat.v4.new_code_cell("from ccanalysis.report.results import publish_results\n"
                                      "publish_results({'month': month})", id=f"{name}-2"),
        ]
        nbformat.write(nb, folder / f"{name}.ipynb")
    return folder


def _report(notebooks: Path, root: Path, *args: str, user: tuple[int, int] | None = None) -> subprocess.Popen:
    """`ccanalysis report tiny --month 2026-09` on the engagement under `root`, with `notebooks` in place of
    the report notebooks; as the user `user` (uid, gid) when given."""
    script = ("import sys\nfrom pathlib import Path\nfrom ccanalysis import cli, config\n"
              f"config.notebooks_dir = lambda: Path({str(notebooks)!r})\n"
              f"sys.exit(cli.main(['report', 'tiny', '--month', '2026-09', '--root', {str(root)!r}, *{list(args)!r}]))")
    command = [sys.executable, "-c", script]
    if user is not None:
        command = ["setpriv", f"--reuid={user[0]}", f"--regid={user[1]}", "--clear-groups", *command]
    return subprocess.Popen(command, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT), "HOME": str(root)})


def _tiny_engagement(root: Path) -> Path:
    rows = [activity_row(f"2026-09-{day:02d}", 100, 90) for day in range(1, 31)]
    return write_engagement(root, tables={"activity/acme.csv": rows})


def test_two_report_runs_at_once_build_each_report_once(tmp_path):
    root = _tiny_engagement(tmp_path / "project")
    notebooks = _tiny_notebooks(tmp_path / "notebooks")
    first = _report(notebooks, root, "--jobs", "2")
    _wait_for(lambda: (root / "runs.log").is_file(), 60, "the first run to start a report")
    second = _report(notebooks, root, "--format", "json")
    out_first, err_first = first.communicate(timeout=120)
    out_second, err_second = second.communicate(timeout=120)
    assert (first.returncode, second.returncode) == (0, 0), err_first + err_second
    assert "another run is writing" in err_second and str(root / "reports" / "tiny") in err_second
    # each report ran once, in the first run; the second waited for it, then found both up to date
    assert sorted((root / "runs.log").read_text().split()) == ["portfolio", "supplier_month"]
    assert "2 ok, 0 skipped, 0 failed" in out_first
    assert [(r["report"], r["status"]) for r in json.loads(out_second)] == [
        ("2026-09/acme", "skipped"), ("2026-09/portfolio", "skipped")]
    month = root / "reports" / "tiny" / "2026-09"
    for name in ("acme", "portfolio"):
        assert json.loads((month / f"{name}.json").read_text())["results"] == {"month": "2026-09"}


def _read_only_runner() -> tuple[int, int] | None:
    """Who can be refused a write: this user unless it is root (root writes anywhere), then `nobody`."""
    if os.geteuid() != 0:
        return None
    if shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: a read-only folder cannot be made")
    return 65534, 65534


def test_a_read_only_reports_folder_is_an_error_before_any_kernel_starts():
    user = _read_only_runner()
    base = Path(tempfile.mkdtemp(prefix="ccanalysis-readonly-"))
    try:
        root = _tiny_engagement(base / "project")
        notebooks = _tiny_notebooks(base / "notebooks")
        reports = root / "reports"
        reports.mkdir()
        for folder in (base, *base.rglob("*")):  # readable by the other user, writable only by its owner
            folder.chmod(0o755 if folder.is_dir() else 0o644)
        (root / "runs.log").touch()
        (root / "runs.log").chmod(0o666)
        reports.chmod(0o555)
        process = _report(notebooks, root, user=user)
        out, err = process.communicate(timeout=60)
        assert process.returncode == 1, err
        assert err.startswith(f"ccanalysis report: invalid input: {reports}: the reports cannot be written")
        assert "chmod u+w" in err and "Traceback" not in err
        assert (root / "runs.log").read_text() == ""  # no report notebook ran
        assert list(reports.iterdir()) == []
    finally:
        for folder in (base, *base.rglob("*")):
            if folder.is_dir():
                folder.chmod(0o755)
        shutil.rmtree(base, ignore_errors=True)
