"""The curated face of the package: every name in `ccanalysis.__all__` resolves, and the names used
before the package was split into subpackages stay importable where they were."""

import importlib
import subprocess
import sys

import pytest

import ccanalysis


@pytest.mark.parametrize("name", ccanalysis.__all__)
def test_every_public_name_resolves(name):
    assert getattr(ccanalysis, name) is not None


def test_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'nonexistent'"):
        ccanalysis.nonexistent  # noqa: B018


def test_top_level_names_are_the_module_objects():
    from ccanalysis.engagement import load
    from ccanalysis.kpis import kpi
    from ccanalysis.staffing import required_agents

    assert ccanalysis.load is load and ccanalysis.kpi is kpi and ccanalysis.required_agents is required_agents


@pytest.mark.parametrize("module, names", [
    ("ccanalysis.pricing", ["rate", "MODELS", "rate_breakdown", "validate_charge", "billable_seconds"]),
    ("ccanalysis.kpis", ["kpi", "REGISTRY"]),
    ("ccanalysis.staffing", ["erlang_b", "erlang_c", "erlang_a", "required_agents", "interval_requirements",
                             "staffed_hours", "service_level", "asa_s", "occupancy"]),
    ("ccanalysis.engagement", ["load", "load_cached", "Engagement"]),
    ("ccanalysis.invoice", ["expected_invoice", "totals"]),
])
def test_names_used_before_stay_where_they_were(module, names):
    loaded = importlib.import_module(module)
    for name in names:
        assert hasattr(loaded, name), f"{module}.{name}"


def test_models_maps_each_model_name_to_a_callable():
    from ccanalysis.pricing import MODELS

    assert set(MODELS) == {"per_unit", "graduated", "volume", "package", "percentage", "graduated_percentage",
                           "capacity", "fixed"}
    assert all(callable(f) for f in MODELS.values())


def test_import_ccanalysis_loads_no_dataframe_library():
    code = "import sys, ccanalysis; print('pandas' in sys.modules, 'matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_no_public_name_hides_a_submodule():
    import pkgutil

    submodules = {m.name for m in pkgutil.iter_modules(ccanalysis.__path__)}
    assert not submodules & set(ccanalysis.__all__)
