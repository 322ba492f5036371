"""A fingerprint of the installed ccanalysis: every file of the package (recursively) and its notebooks.

Caches built from the package's code (the validated engagement, each report) carry it in their key, so
editing any module, subpackage or notebook makes them stale; a fingerprint is computed once per process.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from ccanalysis import __version__, config

#: Files that make up the package's behaviour (byte-compiled caches and editor files are not code).
_CODE_SUFFIXES = (".py", ".ipynb", ".yaml", ".yml", ".json", ".css", ".html", ".tpl", ".j2")


def _code_files() -> list[Path]:
    files = [p for p in config.PACKAGE_DIR.rglob("*")
             if p.is_file() and p.suffix in _CODE_SUFFIXES and "__pycache__" not in p.parts]
    notebooks = config.NOTEBOOKS_DIR
    if notebooks.is_dir() and not notebooks.resolve().is_relative_to(config.PACKAGE_DIR):
        files += [p for p in notebooks.glob("*.ipynb") if p.is_file()]
    return sorted(set(files))


@lru_cache(maxsize=1)
def package_fingerprint() -> str:
    """sha256 (hex) of the ccanalysis version and the relative path and bytes of every code file."""
    digest = hashlib.sha256(f"ccanalysis {__version__}\n".encode())
    for path in _code_files():
        try:
            name = path.relative_to(config.PACKAGE_DIR).as_posix()
        except ValueError:
            name = "notebooks/" + path.name
        digest.update(name.encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()
