"""The one registry shape (papermill's `engines.py` pattern): records of one kind of concept, by name.

`register(record)` adds a record (its `name` attribute is the key) and refuses a second record of the same
name; `get(name)` returns it, and for an unknown name raises a `ValueError` that names every record there
is. Charge models, billable units, SLA rule kinds and compliance clause kinds are each one `Registry`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Generic, Protocol, TypeVar


class Named(Protocol):
    name: str


R = TypeVar("R", bound=Named)


class Registry(Generic[R]):
    """Records by name. `what` names one record in messages ("charge model"); `listed` introduces the
    names that exist ("models"); `key`, when given, is the key path a lookup error starts with ("model")."""

    def __init__(self, what: str, listed: str, key: str | None = None) -> None:
        self.what, self.listed, self.key = what, listed, key
        self._records: dict[str, R] = {}

    def register(self, record: R) -> R:
        """Add `record` under its name and return it; ValueError when the name is taken."""
        if record.name in self._records:
            raise ValueError(f"{self.what} {record.name!r} is already registered")
        self._records[record.name] = record
        return record

    def unregister(self, name: str) -> None:
        """Remove the record `name`, if registered."""
        self._records.pop(name, None)

    def get(self, name: object) -> R:
        """The record called `name`; ValueError listing the registered names otherwise."""
        try:
            return self._records[name]  # type: ignore[index]
        except (KeyError, TypeError):
            where = f"{self.key}: " if self.key else ""
            raise ValueError(f"{where}unknown {self.what} {name!r} ({self.listed}: "
                             f"{', '.join(self._records)})") from None

    def __contains__(self, name: object) -> bool:
        return name in self._records

    def __iter__(self) -> Iterator[str]:
        return iter(self._records)

    def __len__(self) -> int:
        return len(self._records)

    def names(self) -> tuple[str, ...]:
        """The registered names, in order of registration."""
        return tuple(self._records)

    def records(self) -> tuple[R, ...]:
        """The registered records, in order of registration."""
        return tuple(self._records.values())
