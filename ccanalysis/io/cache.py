"""The validated engagement kept between runs: `load_cached` is `load` without re-reading unchanged files.

The cache lives in `reports/ENG/.cache/` (a build output, like the reports). Its key is the fingerprint of
the installed ccanalysis (every module of every subpackage and the notebooks, see `ccanalysis.fingerprint`)
and of every parameter and data file of the engagement, so editing any source or input file makes a new
cache. A cache file that cannot be read back as an engagement (truncated, corrupted, written by another
environment) is discarded and rebuilt; files are written atomically; an invalid engagement is never cached.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from pathlib import Path

from ccanalysis import config
from ccanalysis.engagement import Engagement
from ccanalysis.fingerprint import package_fingerprint
from ccanalysis.io.loader import input_fingerprint, load

PREFIX = "engagement-"
SUFFIX = ".pickle"


def cache_key(engagement: str, root: Path) -> str:
    """sha256 (hex) of the package fingerprint and the engagement's input files."""
    digest = hashlib.sha256(f"{package_fingerprint()}\n".encode())
    digest.update(input_fingerprint(engagement, root).encode())
    return digest.hexdigest()


def cache_file(engagement: str, root: Path) -> Path:
    """Where the validated engagement of these inputs and this package is kept."""
    folder = config.reports_dir(engagement, root) / ".cache"
    return folder / f"{PREFIX}{cache_key(engagement, root)[:24]}{SUFFIX}"


def load_cached(engagement: str, root: Path | str | None = None) -> Engagement:
    """`load`, reusing the validated engagement of an earlier run when neither the package nor any input
    file changed."""
    root = Path(root).resolve() if root is not None else config.project_root()
    cached = cache_file(engagement, root)
    eng = _read(cached)
    if eng is not None and eng.id == engagement:
        eng.root = root
        return eng
    eng = load(engagement, root)
    _write(cached, eng)
    return eng


def _read(path: Path) -> Engagement | None:
    """The engagement pickled at `path`, or None (and the file removed) when it is not one."""
    if not path.is_file():
        return None
    try:
        with path.open("rb") as handle:
            eng = pickle.load(handle)
    except Exception:  # noqa: BLE001 - any unreadable cache is only a stale cache: rebuild it
        eng = None
    if isinstance(eng, Engagement):
        return eng
    _remove(path)
    return None


def _write(path: Path, eng: Engagement) -> None:
    """Pickle `eng` to `path` atomically (a reader never sees half a file) and remove older caches; a
    folder that cannot be written only means no cache."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = tempfile.NamedTemporaryFile(dir=path.parent, prefix=PREFIX, suffix=".tmp", delete=False)
    except OSError:
        return
    written = Path(handle.name)
    try:
        with handle:
            pickle.dump(eng, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(written, path)
    except OSError:
        _remove(written)
        return
    except BaseException:
        _remove(written)
        raise
    for old in path.parent.glob(f"{PREFIX}*{SUFFIX}"):
        if old != path:
            _remove(old)


def _remove(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:  # another process holds or already replaced it: it is only a cache
        pass
