"""The engagement kept between runs (`ccanalysis.io.cache.load_cached`): a columnar store in
reports/ENG/.store/, current while the package and the input files are unchanged, rebuilt when either
changes or when a store file is not the one written, written atomically, never of an invalid engagement,
and never unpickled."""

import json
import os
import pickle
import time
from types import SimpleNamespace

import pytest

from ccanalysis.engagement import Engagement, load_cached
from ccanalysis.errors import EngagementError
from ccanalysis.io import cache, store
from tests.engagements import activity_row, write_engagement


def _store(root):
    return root / "reports" / "tiny" / ".store"


def _tiny(root, handled=9):
    return write_engagement(root, tables={"activity/a.csv": [activity_row("2026-09-01", 10, handled, abandoned=1)]})


def _count_loads(monkeypatch):
    calls = []
    real_load = cache.load
    monkeypatch.setattr(cache, "load", lambda *a, **k: calls.append(a) or real_load(*a, **k))
    return calls


def _age(root, seconds=10):
    """Make every input file look `seconds` old (a file changed just now is always hashed: racy)."""
    past = time.time() - seconds
    for path in (root / "parameters").rglob("*"):
        os.utime(path, (past, past))
    for path in (root / "data").rglob("*"):
        os.utime(path, (past, past))


def test_cached_load_follows_the_files_and_never_stores_an_invalid_engagement(tmp_path, monkeypatch):
    _tiny(tmp_path)
    first = load_cached("tiny", root=tmp_path)
    manifest = json.loads((_store(tmp_path) / "manifest.json").read_text())
    assert list(manifest["tables"]) == ["activity"]
    calls = _count_loads(monkeypatch)
    assert int(load_cached("tiny", root=tmp_path).activity["handled"].iloc[0]) == 9
    assert calls == []  # read from the store
    # a changed file: the new figures are read and stored
    _tiny(tmp_path, handled=8)
    assert int(load_cached("tiny", root=tmp_path).activity["handled"].iloc[0]) == 8
    assert len(calls) == 1 and int(first.activity["handled"].iloc[0]) == 9
    # an invalid engagement (11 handled of 10 offered) raises and leaves the store as it was
    before = (_store(tmp_path) / "manifest.json").read_bytes()
    _tiny(tmp_path, handled=11)
    with pytest.raises(EngagementError):
        load_cached("tiny", root=tmp_path)
    assert (_store(tmp_path) / "manifest.json").read_bytes() == before


def test_a_change_anywhere_in_the_package_rebuilds_the_store(tmp_path, monkeypatch):
    _tiny(tmp_path)
    load_cached("tiny", root=tmp_path)
    # the store records the fingerprint of every file of the installed package (subpackages and notebooks)
    monkeypatch.setattr(store, "package_fingerprint", lambda: "a module in ccanalysis/io/ was edited")
    calls = _count_loads(monkeypatch)
    eng = load_cached("tiny", root=tmp_path)
    assert calls and int(eng.activity["handled"].iloc[0]) == 9
    load_cached("tiny", root=tmp_path)  # unchanged again: read back, not reloaded
    assert len(calls) == 1


def test_any_parameter_file_counts_and_a_touched_file_with_the_same_bytes_does_not(tmp_path, monkeypatch):
    _tiny(tmp_path)
    _age(tmp_path)
    load_cached("tiny", root=tmp_path)
    calls = _count_loads(monkeypatch)
    csv = tmp_path / "data" / "tiny" / "activity" / "a.csv"
    os.utime(csv, None)  # touched: its time changed, its bytes did not
    load_cached("tiny", root=tmp_path)
    assert calls == []
    (tmp_path / "parameters" / "tiny" / "mappings").mkdir()
    (tmp_path / "parameters" / "tiny" / "mappings" / "notes.txt").write_text("any parameter file counts")
    load_cached("tiny", root=tmp_path)
    assert len(calls) == 1


def test_a_change_within_the_clock_tick_is_seen(tmp_path, monkeypatch):
    # same size, same modification time (as when written twice within one tick of the file system's clock)
    _tiny(tmp_path, handled=9)
    csv = tmp_path / "data" / "tiny" / "activity" / "a.csv"
    stamp = csv.stat().st_mtime_ns
    # the store is written 1 s after the file was (within RACY_NS, however busy the machine is)
    monkeypatch.setattr(store, "time", SimpleNamespace(time_ns=lambda: stamp + 1_000_000_000))
    load_cached("tiny", root=tmp_path)
    monkeypatch.undo()
    csv.write_text(csv.read_text().replace(",9,", ",8,"))
    os.utime(csv, ns=(stamp, stamp))
    assert int(load_cached("tiny", root=tmp_path).activity["handled"].iloc[0]) == 8


@pytest.mark.parametrize("damage", ["garbage", "truncated", "other rows", "pickle"])
def test_a_tampered_store_file_is_detected_and_rebuilt_never_executed(tmp_path, monkeypatch, damage):
    _tiny(tmp_path)
    load_cached("tiny", root=tmp_path)
    (part,) = _store(tmp_path).rglob("*.parquet")
    whole = part.read_bytes()
    if damage == "garbage":
        part.write_bytes(b"not a parquet file")
    elif damage == "truncated":
        part.write_bytes(whole[: len(whole) // 2])
    elif damage == "other rows":  # a valid Parquet file, but not the one written
        import pyarrow.parquet as pq

        table = pq.read_table(part)
        pq.write_table(table.slice(0, 0), part)
    else:  # a pickle that would run code when unpickled: it is only bytes to the store
        marker = tmp_path / "ran"
        part.write_bytes(pickle.dumps(_Exploit(str(marker))))
    calls = _count_loads(monkeypatch)
    eng = load_cached("tiny", root=tmp_path)
    assert isinstance(eng, Engagement) and int(eng.activity["handled"].iloc[0]) == 9
    assert len(calls) == 1 and part.read_bytes() == whole  # rebuilt
    assert not (tmp_path / "ran").exists()


class _Exploit:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


@pytest.mark.parametrize("content", ["{not json", json.dumps({"version": 999}), json.dumps([1, 2])])
def test_an_unreadable_manifest_is_rebuilt(tmp_path, monkeypatch, content):
    _tiny(tmp_path)
    load_cached("tiny", root=tmp_path)
    (_store(tmp_path) / "manifest.json").write_text(content)
    calls = _count_loads(monkeypatch)
    assert int(load_cached("tiny", root=tmp_path).activity["handled"].iloc[0]) == 9
    assert len(calls) == 1 and json.loads((_store(tmp_path) / "manifest.json").read_text())["version"] == 1


def test_a_failed_write_leaves_no_partial_store_and_still_returns_the_engagement(tmp_path, monkeypatch):
    _tiny(tmp_path)

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store.os, "replace", disk_full)
    eng = load_cached("tiny", root=tmp_path)
    assert int(eng.activity["handled"].iloc[0]) == 9
    assert list((tmp_path / "reports" / "tiny").iterdir()) == []


def test_the_pickles_of_earlier_versions_are_removed_unread(tmp_path, monkeypatch):
    _tiny(tmp_path)
    old = tmp_path / "reports" / "tiny" / ".cache"
    old.mkdir(parents=True)
    (old / "engagement-0123.pickle").write_bytes(pickle.dumps(_Exploit(str(tmp_path / "ran"))))
    load_cached("tiny", root=tmp_path)
    assert not old.exists() and not (tmp_path / "ran").exists()


def test_a_stored_engagement_takes_the_root_it_is_loaded_from(tmp_path):
    _tiny(tmp_path / "a")
    load_cached("tiny", root=tmp_path / "a")
    (tmp_path / "a").rename(tmp_path / "b")
    eng = load_cached("tiny", root=tmp_path / "b")
    assert eng.root == (tmp_path / "b").resolve() and int(eng.activity["handled"].iloc[0]) == 9


def test_an_edited_manifest_is_rebuilt(tmp_path, monkeypatch):
    # a manifest that parses but does not describe what was written (a codec that does not exist)
    _tiny(tmp_path)
    load_cached("tiny", root=tmp_path)
    path = _store(tmp_path) / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest["tables"]["activity"]["columns"][0]["codec"] = "pickle"
    path.write_text(json.dumps(manifest))
    calls = _count_loads(monkeypatch)
    assert int(load_cached("tiny", root=tmp_path).activity["handled"].iloc[0]) == 9
    assert len(calls) == 1
