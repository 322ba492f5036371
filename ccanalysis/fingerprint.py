"""A fingerprint of the installed ccanalysis: every file of the package (recursively) and its notebooks.

Caches built from the package's code (the validated engagement, each report) carry it in their key, so
editing any module, subpackage, data file or notebook makes them stale. The same files give the same
fingerprint in a source checkout (notebooks in `notebooks/`) and in an installed wheel (notebooks inside
the package); it is computed once per process.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from ccanalysis import __version__, config

#: Folders and file endings that are not code: byte-compiled caches, checkpoints, editor leftovers.
#: A file modified less than this long ago (nanoseconds) is hashed again rather than trusted by its size and
#: time: a second change within the same tick of the file system's clock may keep both.
RACY_NS = 2_000_000_000

_IGNORED_FOLDERS = {"__pycache__", ".ipynb_checkpoints"}
_IGNORED_SUFFIXES = (".pyc", ".pyo", ".swp", ".swo", "~", ".orig", ".rej", ".tmp")


def _is_code(relative: Path) -> bool:
    return not (set(relative.parts) & _IGNORED_FOLDERS or relative.name.startswith(".")
                or relative.name.endswith(_IGNORED_SUFFIXES))


def code_files(package_dir: Path, notebooks_dir: Path | None = None) -> list[tuple[str, Path]]:
    """(name, path) of every code file, sorted: the package's files by their '/'-separated path inside
    it, and the report notebooks as `notebooks/NAME.ipynb` wherever they are."""
    files: dict[str, Path] = {}
    for path in Path(package_dir).rglob("*"):
        relative = path.relative_to(package_dir)
        if path.is_file() and _is_code(relative):
            files[relative.as_posix()] = path
    if notebooks_dir is not None and Path(notebooks_dir).is_dir():
        for path in Path(notebooks_dir).glob("*.ipynb"):
            files.setdefault(f"notebooks/{path.name}", path)
    return sorted(files.items())


def fingerprint(package_dir: Path, notebooks_dir: Path | None = None, version: str = __version__) -> str:
    """sha256 (hex) of `version` and the name and bytes of every code file (not their timestamps)."""
    digest = hashlib.sha256(f"ccanalysis {version}\n".encode())
    for name, path in code_files(package_dir, notebooks_dir):
        data = path.read_bytes()
        digest.update(f"{name}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


@lru_cache(maxsize=1)
def package_fingerprint() -> str:
    """The fingerprint of this installed ccanalysis and its report notebooks."""
    return fingerprint(config.PACKAGE_DIR, config.notebooks_dir())
