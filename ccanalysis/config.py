"""Paths and named defaults, in one place.

The project root holds `parameters/`, `data/` and `reports/`. It is, in order: the `CCANALYSIS_HOME`
environment variable, the current directory or one of its parents when it has a `parameters/` folder,
or the source checkout this package is installed from (editable install).
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
SOURCE_ROOT = PACKAGE_DIR.parent


def project_root() -> Path:
    """The folder holding `parameters/`, `data/` and `reports/`."""
    env = os.environ.get("CCANALYSIS_HOME")
    if env:
        return Path(env).resolve()
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / "parameters").is_dir() and (folder / "data").is_dir():
            return folder
    return SOURCE_ROOT


def parameters_dir(engagement: str, root: Path | None = None) -> Path:
    """The engagement's parameters folder: ROOT/parameters/ENG (ROOT: the project root by default)."""
    return (root or project_root()) / "parameters" / engagement


def data_dir(engagement: str, root: Path | None = None) -> Path:
    """The engagement's data folder: ROOT/data/ENG (ROOT: the project root by default)."""
    return (root or project_root()) / "data" / engagement


def reports_dir(engagement: str, root: Path | None = None) -> Path:
    """The engagement's reports folder: ROOT/reports/ENG (ROOT: the project root by default)."""
    return (root or project_root()) / "reports" / engagement


def notebooks_dir() -> Path:
    """The report notebooks: inside the package in an installed wheel, else the checkout's `notebooks/`."""
    installed = PACKAGE_DIR / "notebooks"
    return installed if installed.is_dir() else SOURCE_ROOT / "notebooks"
