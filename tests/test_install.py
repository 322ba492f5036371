"""A non-editable install: the wheel carries every package file and the report notebooks, and
`ccanalysis report` runs from a workbook folder with nothing of the source checkout on its path."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
import venv
import zipfile
from pathlib import Path

import pytest

from ccanalysis.fingerprint import code_files

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "ccanalysis"
NOTEBOOKS = ROOT / "notebooks"
#: What a wheel is built from (a copy, so the build leaves nothing in the checkout).
SOURCES = ("ccanalysis", "notebooks", "pyproject.toml", "setup.py", "MANIFEST.in", "README.md")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    source = tmp_path_factory.mktemp("source")
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints"))
        else:
            shutil.copy2(ROOT / name, source / name)
    out = tmp_path_factory.mktemp("wheel")
    run = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", str(out),
                          str(source)], capture_output=True, text=True, timeout=300)
    if run.returncode != 0 and "Could not find a version" in run.stderr + run.stdout:
        pytest.skip("building a wheel needs setuptools from the package index, which is not reachable")
    assert run.returncode == 0, run.stderr[-3000:]
    (built,) = out.glob("ccanalysis-*.whl")
    return built


def test_package_data_lists_only_files_that_exist():
    package_data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    for package, patterns in package_data.items():
        folder = ROOT.joinpath(*package.split("."))
        for pattern in patterns:
            assert list(folder.glob(pattern)), f"package-data {package}: {pattern!r} matches no file"


def test_wheel_carries_every_package_file_and_the_notebooks(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {f"ccanalysis/{name}" for name, _ in code_files(PACKAGE, NOTEBOOKS)}
    assert {f"ccanalysis/notebooks/{p.name}" for p in NOTEBOOKS.glob("*.ipynb")} <= expected
    assert expected - names == set()
    with zipfile.ZipFile(wheel) as archive:
        for notebook in NOTEBOOKS.glob("*.ipynb"):  # the wheel's copy is the checkout's notebook
            assert archive.read(f"ccanalysis/notebooks/{notebook.name}") == notebook.read_bytes()


@pytest.mark.slow
def test_report_runs_from_a_workbook_folder_with_a_non_editable_install(wheel, demo_root, tmp_path):
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    site = Path(subprocess.check_output([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                                        text=True).strip())
    # the dependencies come from the test environment's site-packages (a plain path: its .pth files, among
    # them the editable finder of this checkout, are not run)
    dependencies = Path(subprocess.check_output([sys.executable, "-c", "import nbformat; print(nbformat.__file__)"],
                                                text=True).strip()).parents[1]
    (site / "test-dependencies.pth").write_text(f"{dependencies}\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--quiet",
                    str(wheel)], check=True, capture_output=True, timeout=300)

    workbook = tmp_path / "workbook"
    for folder in ("parameters", "data"):
        shutil.copytree(demo_root / folder / "demo", workbook / folder / "demo")
    env = {k: v for k, v in os.environ.items() if k not in ("CCANALYSIS_HOME", "PYTHONPATH")}
    env["PATH"] = f"{env_dir / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["JUPYTER_PATH"] = str(Path(sys.prefix) / "share" / "jupyter")  # the dependencies' data (nbconvert templates)
    where = subprocess.check_output(
        [str(python), "-c", "from ccanalysis import config; print(config.PACKAGE_DIR); print(config.notebooks_dir())"],
        cwd=workbook, env=env, text=True).split()
    assert Path(where[0]).is_relative_to(env_dir) and Path(where[1]) == Path(where[0]) / "notebooks"

    run = subprocess.run([str(env_dir / "bin" / "ccanalysis"), "report", "demo", "--month", "2026-08",
                          "--supplier", "northwind", "--no-portfolio"],
                         cwd=workbook, env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-3000:]
    page = workbook / "reports" / "demo" / "2026-08" / "northwind.html"
    assert page.is_file() and "Northwind" in page.read_text(encoding="utf-8")
