"""The project's set-up files agree with each other: environment.yml mirrors pyproject.toml."""

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
#: PyPI requirement → conda-forge packages it stands for (same names otherwise).
CONDA_NAMES = {"dask[distributed]": ["dask", "distributed"], "duckdb": ["python-duckdb"]}


def _split(requirement: str) -> tuple[str, str]:
    match = re.match(r"^([A-Za-z0-9_.\-\[\]]+)\s*(.*)$", requirement.strip())
    assert match, requirement
    return match.group(1).lower(), match.group(2).replace(" ", "")


def _pyproject() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = list(project["dependencies"])
    for extra in ("test", "lab"):
        requirements += project["optional-dependencies"][extra]
    out = {}
    for req in requirements:
        name, spec = _split(req)
        for conda_name in CONDA_NAMES.get(name, [name]):
            out[conda_name] = spec
    return out


def _environment() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    out = {}
    for dep in env["dependencies"]:
        if isinstance(dep, str) and dep.split(">")[0].split("=")[0].split("<")[0] not in ("python", "pip"):
            name, spec = _split(dep)
            out[name] = spec
    return out


def test_environment_yml_lists_the_same_dependencies_as_pyproject():
    assert _environment() == _pyproject()


def test_python_version_agrees():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert project["requires-python"] == ">=3.11"
    assert "python>=3.11" in env["dependencies"]


def test_makefile_has_the_documented_targets():
    makefile = (ROOT / "Makefile").read_text()
    for target in ("help", "setup", "demo", "test", "lint", "lab"):
        assert re.search(rf"^{target}:.*## ", makefile, re.M), target


def test_ci_calls_make_test():
    assert "make test" in (ROOT / ".ci" / "run").read_text()
