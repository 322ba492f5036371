"""The registry of charge models: `register(model)` and `get(name)`, filled by `pricing.models`."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from ccanalysis.pricing.base import ChargeModel, ModelFunction
from ccanalysis.registry import Registry


class ChargeModels(Registry[ChargeModel]):
    """Charge models by name; `get` of an unknown (or missing) name says which models exist."""

    def __init__(self) -> None:
        super().__init__("model", "models", key="model")

    def get(self, name: object) -> ChargeModel:
        """The charge model called `name`; ValueError listing the models when it is None or unknown."""
        if name is None:
            raise ValueError(f"model: required (one of {', '.join(self.names())})")
        return super().get(name)


class ModelFunctions(Mapping[str, ModelFunction]):
    """A read-only view of the registry: model name → its function (charge, usage) → parts."""

    def __init__(self, models: ChargeModels) -> None:
        self._models = models

    def __getitem__(self, name: str) -> ModelFunction:
        if name not in self._models:
            raise KeyError(name)
        return self._models.get(name).rate

    def __iter__(self) -> Iterator[str]:
        return iter(self._models.names())

    def __len__(self) -> int:
        return len(self._models.names())


CHARGE_MODELS = ChargeModels()
register = CHARGE_MODELS.register
get = CHARGE_MODELS.get
