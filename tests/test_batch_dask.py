"""`ccanalysis report --scheduler ADDRESS`: the report batch on dask.distributed workers, the data read from the
shared store (`--store-shared`) or sent with each report (`--store-send`), against the local batch.

One supplier-month of the demo (northwind, 2026-08), built once by the local pool; the cluster is a
LocalCluster of one in-process worker thread (the report's kernel is its own process either way). Every
expectation is the local batch's own output of the same report, not a number of ours.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from ccanalysis.cli import main
from ccanalysis.io.invoice_rules import labels_path
from ccanalysis.io.shipped import SHIPPED, store_bundle
from ccanalysis.io.store import MANIFEST, Scope

distributed = pytest.importorskip("distributed")

SOURCE = Path(__file__).resolve().parent.parent
REPORT = ["report", "demo", "--month", "2026-08", "--supplier", "northwind", "--no-portfolio", "--format", "json"]


def _report(root: Path, *extra: str) -> int:
    return main([*REPORT, "--root", str(root), *extra])


def _built(root: Path) -> dict:
    """The report files of the month (names) and the northwind report's key results."""
    month = root / "reports" / "demo" / "2026-08"
    record = json.loads((month / "northwind.json").read_text(encoding="utf-8"))
    return {"files": sorted(p.name for p in month.iterdir()), "results": record["results"],
            "parameters": record["parameters"]}


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """A project folder with the demo engagement (parameters/demo, data/demo of the repository)."""
    root = tmp_path_factory.mktemp("dask-project")
    for folder in ("parameters", "data"):
        source = SOURCE / folder / "demo"
        if not source.is_dir():
            from ccanalysis import demo

            demo.build_demo(root)
            break
        shutil.copytree(source, root / folder / "demo")
    return root


@pytest.fixture(scope="module")
def local_run(project):
    """The local batch (process pool) of the one report: its exit code, summary and files."""
    code = _report(project, "--jobs", "1")
    return code, _built(project)


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=1, processes=False, threads_per_worker=1,
                                  dashboard_address=None) as local:
        yield local


@pytest.mark.parametrize("mode", ["--store-shared", "--store-send"])
def test_scheduler_builds_what_the_local_batch_builds(project, local_run, cluster, capsys, monkeypatch, mode):
    local_code, local_built = local_run
    assert local_code == 0
    capsys.readouterr()
    (project / "reports" / "demo" / "2026-08" / "northwind.html").unlink()  # the worker's run writes it again
    hidden = [project / "data" / "demo", project / "reports" / "demo" / ".store"]
    packed = []
    if mode == "--store-send":
        # once the report's share is packed, the project's data and store vanish: the worker has only what
        # was sent (a kernel reading the project would find no engagement data)
        from ccanalysis.batch import plan

        def pack_then_hide(*args, **kwargs):
            bundle = store_bundle(*args, **kwargs)
            packed.append(sorted(bundle))
            for folder in hidden:
                folder.rename(folder.with_name(folder.name + "-hidden"))
            return bundle

        monkeypatch.setattr(plan, "store_bundle", pack_then_hide)
    try:
        code = _report(project, "--scheduler", cluster.scheduler_address, mode, "--force")
    finally:
        for folder in hidden:
            if folder.with_name(folder.name + "-hidden").exists():
                folder.with_name(folder.name + "-hidden").rename(folder)
    rows = json.loads(capsys.readouterr().out)
    assert len(packed) == (mode == "--store-send")
    assert code == local_code
    assert [(r["report"], r["status"]) for r in rows] == [("2026-08/northwind", "ok")]
    assert Path(rows[0]["html"]).is_file()
    assert _built(project) == local_built


def test_store_send_packs_only_the_supplier_month(project, local_run):
    """The bundle holds the parameter files, the manifest and northwind's partitions (and rows of no supplier)
    of the months the audit of 2026-08 reads, never a data file nor another supplier's partition."""
    bundle = store_bundle("demo", project, Scope(supplier="northwind", months=("2026-07", "2026-08")))
    store = "reports/demo/.store/"
    assert f"{store}{MANIFEST}" in bundle
    assert f"data/demo/{SHIPPED}" in bundle
    assert "parameters/demo/engagement.yaml" in bundle
    partitions = [name for name in bundle if name.startswith(store) and name != f"{store}{MANIFEST}"]
    assert partitions
    assert not any("supplier=southpoint" in name or "supplier=eastline" in name for name in partitions)
    data = {name for name in bundle if name.startswith("data/")}
    assert data <= {f"data/demo/{SHIPPED}", labels_path(Path("data/demo")).as_posix()}
    whole = store_bundle("demo", project, Scope())
    assert len(whole) > len(bundle)


def test_unreachable_scheduler_is_one_line_exit_2(project, local_run, capsys):
    capsys.readouterr()
    code = _report(project, "--scheduler", "tcp://127.0.0.1:9", "--force")
    err = capsys.readouterr().err
    assert code == 2
    assert "no dask scheduler answers at tcp://127.0.0.1:9" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("extra, words", [
    (["--store-send"], "--store-send goes with --scheduler"),
    (["--scheduler", "tcp://127.0.0.1:9", "--jobs", "2"], "--jobs is the size of the local pool"),
])
def test_cluster_options_misused(project, capsys, extra, words):
    code = _report(project, *extra)
    err = capsys.readouterr().err
    assert code == 2
    assert words in err
