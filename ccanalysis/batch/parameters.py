"""A notebook's declared parameters: every job's parameters are checked before any kernel starts."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from ccanalysis.errors import UsageError

_PY_TYPES: dict[str, tuple[type, ...]] = {
    "str": (str,),
    "int": (int,),
    "float": (int, float),
    "bool": (bool,),
    "list": (list, tuple),
    "dict": (dict,),
    "tuple": (list, tuple),
    "NoneType": (type(None),),
}


def _accepted_types(type_name: str) -> tuple[type, ...] | None:
    """Python types accepted for a papermill inferred type name; None when unknown (anything goes)."""
    name = type_name.replace(" ", "")
    if name.startswith("Optional[") and name.endswith("]"):
        inner = _accepted_types(name[len("Optional[") : -1])
        return None if inner is None else (*inner, type(None))
    if name.startswith("Union[") and name.endswith("]"):
        parts = [_accepted_types(p) for p in name[len("Union[") : -1].split(",")]
        return None if any(p is None for p in parts) else tuple(t for p in parts for t in p)
    base = name.split("[", 1)[0]
    return _PY_TYPES.get(base, _PY_TYPES.get(base.lower()))


def validate_parameters(notebook: Path, parameters: Mapping[str, object]) -> None:
    """Raise UsageError (one line) if a parameter is not declared in the notebook's `parameters` cell or
    has another type than the one declared there (annotation, `# type:` comment or default value)."""
    import papermill

    declared = papermill.inspect_notebook(Path(notebook))
    for name, value in parameters.items():
        if name not in declared:
            known = ", ".join(sorted(declared)) or "none"
            raise UsageError(f"{Path(notebook).name}: unknown parameter {name!r} (declared: {known})")
        accepted = _accepted_types(declared[name]["inferred_type_name"])
        if accepted is None:
            continue
        if isinstance(value, bool) and bool not in accepted:
            accepted = ()
        if not isinstance(value, accepted):
            raise UsageError(
                f"{Path(notebook).name}: parameter {name!r} must be {declared[name]['inferred_type_name']}, "
                f"got {type(value).__name__} {value!r}"
            )

