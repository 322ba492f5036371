"""The engagement cache (`ccanalysis.io.cache.load_cached`): keyed on the package and the input files,
rebuilt when either changes or when its file is unreadable, written atomically, never an invalid engagement."""

import pickle

import pytest

from ccanalysis.engagement import Engagement, load_cached
from ccanalysis.errors import EngagementError
from ccanalysis.io import cache
from tests.engagements import activity_row, write_engagement


def _cache_folder(root):
    return root / "reports" / "tiny" / ".cache"


def _tiny(root, handled=9):
    return write_engagement(root, tables={"activity/a.csv": [activity_row("2026-09-01", 10, handled, abandoned=1)]})


def test_cached_load_follows_the_files_and_never_caches_an_invalid_engagement(tmp_path):
    from ccanalysis.engagement import load_cached

    write_engagement(tmp_path, tables={"activity/a.csv": [activity_row("2026-09-01", 10, 9, abandoned=1)]})
    first = load_cached("tiny", root=tmp_path)
    cache = tmp_path / "reports" / "tiny" / ".cache"
    assert len(list(cache.glob("*.pickle"))) == 1
    assert int(load_cached("tiny", root=tmp_path).activity["handled"].iloc[0]) == 9
    # a changed file is a new key: the new figures are read, the old cache removed
    write_engagement(tmp_path, tables={"activity/a.csv": [activity_row("2026-09-01", 10, 8, abandoned=1)]})
    assert int(load_cached("tiny", root=tmp_path).activity["handled"].iloc[0]) == 8
    assert len(list(cache.glob("*.pickle"))) == 1
    assert int(first.activity["handled"].iloc[0]) == 9
    # an invalid engagement raises and leaves no new cache behind
    write_engagement(tmp_path, tables={"activity/a.csv": [activity_row("2026-09-01", 10, 11, abandoned=1)]})
    before = set(cache.iterdir())
    with pytest.raises(EngagementError):
        load_cached("tiny", root=tmp_path)
    assert set(cache.iterdir()) == before


def test_a_change_anywhere_in_the_package_is_a_new_cache(tmp_path, monkeypatch):
    _tiny(tmp_path)
    load_cached("tiny", root=tmp_path)
    (first,) = _cache_folder(tmp_path).glob("*.pickle")
    # the key is the fingerprint of every file of the installed package (subpackages and notebooks too)
    monkeypatch.setattr(cache, "package_fingerprint", lambda: "a module in ccanalysis/io/ was edited")
    calls = []
    real_load = cache.load
    monkeypatch.setattr(cache, "load", lambda *a, **k: calls.append(a) or real_load(*a, **k))
    eng = load_cached("tiny", root=tmp_path)
    (second,) = _cache_folder(tmp_path).glob("*.pickle")
    assert calls and second != first and int(eng.activity["handled"].iloc[0]) == 9
    load_cached("tiny", root=tmp_path)  # unchanged again: read back, not reloaded
    assert len(calls) == 1


def test_the_key_covers_the_package_fingerprint_and_every_input_file(tmp_path, monkeypatch):
    _tiny(tmp_path)
    key = cache.cache_key("tiny", tmp_path)
    monkeypatch.setattr(cache, "package_fingerprint", lambda: "another package")
    assert cache.cache_key("tiny", tmp_path) != key
    monkeypatch.undo()
    (tmp_path / "parameters" / "tiny" / "mappings").mkdir()
    (tmp_path / "parameters" / "tiny" / "mappings" / "notes.txt").write_text("any parameter file counts")
    assert cache.cache_key("tiny", tmp_path) != key


@pytest.mark.parametrize("content", [
    b"not a pickle at all",
    b"",
    pickle.dumps({"an": "engagement?"}),  # readable, but not an Engagement
], ids=["garbage", "empty", "wrong type"])
def test_an_unreadable_cache_file_is_discarded_and_rebuilt(tmp_path, content):
    _tiny(tmp_path)
    target = cache.cache_file("tiny", tmp_path)
    target.parent.mkdir(parents=True)
    target.write_bytes(content)
    eng = load_cached("tiny", root=tmp_path)
    assert isinstance(eng, Engagement) and int(eng.activity["handled"].iloc[0]) == 9
    assert isinstance(pickle.loads(target.read_bytes()), Engagement)


def test_a_truncated_cache_file_is_rebuilt(tmp_path):
    _tiny(tmp_path)
    load_cached("tiny", root=tmp_path)
    target = cache.cache_file("tiny", tmp_path)
    whole = target.read_bytes()
    target.write_bytes(whole[: len(whole) // 2])  # a half-written file
    eng = load_cached("tiny", root=tmp_path)
    assert int(eng.activity["handled"].iloc[0]) == 9 and target.read_bytes() == whole


def test_a_failed_write_leaves_no_partial_file_and_still_returns_the_engagement(tmp_path, monkeypatch):
    _tiny(tmp_path)

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(cache.os, "replace", disk_full)
    eng = load_cached("tiny", root=tmp_path)
    assert int(eng.activity["handled"].iloc[0]) == 9
    assert list(_cache_folder(tmp_path).iterdir()) == []


def test_a_cached_engagement_takes_the_root_it_is_loaded_from(tmp_path):
    _tiny(tmp_path / "a")
    load_cached("tiny", root=tmp_path / "a")
    (tmp_path / "a").rename(tmp_path / "b")
    eng = load_cached("tiny", root=tmp_path / "b")
    assert eng.root == (tmp_path / "b").resolve()
