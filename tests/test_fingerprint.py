"""The package fingerprint: every code file's bytes, wherever the notebooks are; no caches, no timestamps."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from ccanalysis import config
from ccanalysis.fingerprint import code_files, fingerprint, package_fingerprint


@pytest.fixture()
def checkout(tmp_path) -> tuple[Path, Path]:
    """A copy of the package and of its notebooks, laid out as a source checkout."""
    package, notebooks = tmp_path / "ccanalysis", tmp_path / "notebooks"
    shutil.copytree(config.PACKAGE_DIR, package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(config.notebooks_dir(), notebooks, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    return package, notebooks


def test_is_the_fingerprint_of_the_installed_package():
    assert package_fingerprint() == fingerprint(config.PACKAGE_DIR, config.notebooks_dir())
    names = [name for name, _ in code_files(config.PACKAGE_DIR, config.notebooks_dir())]
    assert {"__init__.py", "pricing/__init__.py", "batch/runner.py", "notebooks/supplier_month.ipynb"} <= set(names)


def test_editing_any_file_changes_it(checkout):
    package, notebooks = checkout
    before = fingerprint(package, notebooks)
    module = package / "pricing" / "__init__.py"
    module.write_bytes(module.read_bytes() + b"\n")
    assert fingerprint(package, notebooks) != before
    module.write_bytes(module.read_bytes()[:-1])
    assert fingerprint(package, notebooks) == before

    (package / "batch" / "new_module.py").write_text("X = 1\n")  # a new module in a subpackage
    assert fingerprint(package, notebooks) != before
    (package / "batch" / "new_module.py").unlink()

    notebook = notebooks / "portfolio.ipynb"
    notebook.write_text(notebook.read_text().replace("portfolio", "portfolio!", 1))
    assert fingerprint(package, notebooks) != before


def test_caches_editor_files_and_timestamps_do_not_change_it(checkout):
    package, notebooks = checkout
    before = fingerprint(package, notebooks)
    (package / "__pycache__").mkdir()
    (package / "__pycache__" / "config.cpython-311.pyc").write_bytes(b"\x00compiled")
    (package / "pricing" / ".__init__.py.swp").write_bytes(b"editor")
    (notebooks / ".ipynb_checkpoints").mkdir()
    (notebooks / ".ipynb_checkpoints" / "portfolio-checkpoint.ipynb").write_text("{}")
    os.utime(package / "config.py", (1, 1))
    assert fingerprint(package, notebooks) == before


def test_same_in_a_checkout_and_in_an_installed_wheel(checkout, tmp_path):
    package, notebooks = checkout
    installed = tmp_path / "site-packages" / "ccanalysis"
    shutil.copytree(package, installed)
    shutil.copytree(notebooks, installed / "notebooks")  # where the wheel carries them
    assert fingerprint(installed, installed / "notebooks") == fingerprint(package, notebooks)
