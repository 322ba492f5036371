"""The registry of charge models: `register(model)` and `get(name)`, filled by `pricing.models`."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from ccanalysis.pricing.base import ChargeModel, ModelFunction


class ChargeModels:
    """Charge models by name; `get` of an unknown name says which models exist."""

    def __init__(self) -> None:
        self._models: dict[str, ChargeModel] = {}

    def register(self, model: ChargeModel) -> ChargeModel:
        if model.name in self._models:
            raise ValueError(f"charge model {model.name!r} is already registered")
        self._models[model.name] = model
        return model

    def unregister(self, name: str) -> None:
        self._models.pop(name, None)

    def get(self, name: object) -> ChargeModel:
        if name is None:
            raise ValueError(f"model: required (one of {', '.join(self._models)})")
        try:
            return self._models[name]  # type: ignore[index]
        except (KeyError, TypeError):
            raise ValueError(f"model: unknown model {name!r} (models: {', '.join(self._models)})") from None

    def __contains__(self, name: object) -> bool:
        return name in self._models

    def names(self) -> tuple[str, ...]:
        return tuple(self._models)

    def records(self) -> tuple[ChargeModel, ...]:
        return tuple(self._models.values())


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
