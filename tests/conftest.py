"""Shared fixtures: the demo engagement, built once per test session into a temporary project folder.

The notebooks checked by nbval (`notebooks/*.ipynb`, collected with `--nbval-lax`) read the demo through
`CCANALYSIS_HOME`, which is set before any kernel starts when a notebook is collected.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

_DEMO: dict[str, Path] = {}


def build_demo_once() -> Path:
    """The path of a project folder holding the demo engagement (parameters/demo, data/demo)."""
    if "root" not in _DEMO:
        from ccanalysis import demo

        root = Path(tempfile.mkdtemp(prefix="ccanalysis-demo-"))
        demo.build_demo(root)
        # the collections demo beside it, smaller (its notebook runs under nbval on it)
        demo.build_collections_demo(root, accounts=4000)
        # the cargos demo beside them, smaller (a third of the charges)
        demo.build_cargos_demo(root, charges=1500)
        _DEMO["root"] = root
    return _DEMO["root"]


def pytest_collection_modifyitems(session, config, items):
    if any(str(getattr(item, "fspath", "")).endswith(".ipynb") for item in items):
        os.environ["CCANALYSIS_HOME"] = str(build_demo_once())


def pytest_sessionfinish(session, exitstatus):
    root = _DEMO.pop("root", None)
    if root is not None:
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def demo_root() -> Path:
    return build_demo_once()


@pytest.fixture(scope="session")
def demo_engagement(demo_root):
    from ccanalysis.engagement import load

    return load("demo", root=demo_root)
