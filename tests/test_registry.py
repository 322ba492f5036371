"""The one registry shape: a record per name, a duplicate refused, an unknown name answered with what exists;
and every record of every registry has its words in both languages."""

from dataclasses import dataclass

import pytest

from ccanalysis import compliance, kpis, sla
from ccanalysis.i18n import domain as words
from ccanalysis.pricing.registry import CHARGE_MODELS
from ccanalysis.pricing.units import UNITS
from ccanalysis.registry import Registry


@dataclass(frozen=True)
class Toy:
    name: str
    size: int = 0


def test_register_get_and_list():
    toys = Registry("toy", "toys", key="toy")
    first = toys.register(Toy("ball", 1))
    toys.register(Toy("kite"))
    assert toys.get("ball") is first and "kite" in toys and len(toys) == 2
    assert toys.names() == ("ball", "kite") and list(toys) == ["ball", "kite"]


def test_a_duplicate_is_refused_and_an_unknown_name_lists_what_exists():
    toys = Registry("toy", "toys", key="toy")
    toys.register(Toy("ball"))
    with pytest.raises(ValueError, match="toy 'ball' is already registered"):
        toys.register(Toy("ball", 2))
    with pytest.raises(ValueError, match=r"^toy: unknown toy 'bat' \(toys: ball\)$"):
        toys.get("bat")
    with pytest.raises(ValueError, match="unknown toy"):
        toys.get(["unhashable"])


def test_the_four_registries_share_the_shape():
    for registry in (CHARGE_MODELS, UNITS, sla.RULE_KINDS, compliance.KINDS):
        assert isinstance(registry, Registry) and len(registry) > 0
        with pytest.raises(ValueError, match="unknown"):
            registry.get("no_such_name")


@pytest.mark.parametrize("lang", ["es", "en"])
def test_every_model_unit_and_kpi_variant_has_words(lang):
    for model in CHARGE_MODELS.names():
        assert words.MODEL_NAMES[model][lang]
    for unit in UNITS.names():
        singular, plural = words.UNIT_NAMES[unit][lang]
        assert singular and plural
    for name, spec in kpis.REGISTRY.items():
        assert words.KPI_NAMES[name][lang]
        for variant in spec.variants:
            assert words.KPI_DEFINITIONS[name][variant][lang]
