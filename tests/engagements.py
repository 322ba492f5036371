"""Tiny, purposeful fixture engagements written from plain Python data (no shared/ needed)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

ACTIVITY_DEFAULTS = {"talk_s": 0, "hold_s": 0, "acw_s": 0, "logged_s": 0, "abandoned": 0, "answered_within_sl": 0}

BASE_SETTINGS = {"id": "tiny", "client": "Cliente Prueba S.A.", "currency": "EUR", "lang": "es", "holidays": "ES",
                 "suppliers": ["acme"]}

BASE_CONTRACT: dict[str, Any] = {
    "supplier": "acme",
    "name": "Acme Contact S.L.",
    "currency": "EUR",
    "tax_rate": "0.21",
    "valid_from": "2026-01-01",
    "services": [{
        "id": "care",
        "name": "Atención al cliente",
        "channel": "voice",
        "charges": [{"id": "care_contacts", "description": "Contacto atendido", "unit": "handled_contact",
                     "model": "per_unit", "unit_price": "1.50"}],
    }],
}


def contract(**changes: Any) -> dict[str, Any]:
    out = copy.deepcopy(BASE_CONTRACT)
    out.update(changes)
    return out


def versioned_threshold_contract() -> dict[str, Any]:
    """The tiny contract counting service level at 20 s, and at 30 s under a version from 1 October 2026."""
    c = contract()
    service = c["services"][0]
    service["kpis"] = {"service_level": {"variant": "offered", "threshold_s": 20}}
    later = copy.deepcopy(service)
    later["kpis"] = {"service_level": {"variant": "offered", "threshold_s": 30}}
    c["versions"] = [{"valid_from": "2026-10-01", "services": [later]}]
    return c


def activity_row(date: str, offered: int, handled: int, **values: Any) -> dict[str, Any]:
    row = {"date": date, "supplier": "acme", "service": "care", "offered": offered, "handled": handled}
    row.update(ACTIVITY_DEFAULTS)
    row.update(values)
    return row


def write_yaml(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def write_engagement(root: Path, *, settings: dict | None = None, contracts: list[dict] | None = None,
                     tables: dict[str, Any] | None = None, eng: str = "tiny") -> Path:
    """Write parameters/ENG and data/ENG under `root`. `tables` maps a path relative to data/ENG
    (e.g. 'activity/a.csv', 'invoices/acme/2026-09.csv') to a list of row dicts or raw text."""
    settings = {**BASE_SETTINGS, "id": eng, **(settings or {})}
    write_yaml(root / "parameters" / eng / "engagement.yaml", settings)
    for c in contracts if contracts is not None else [contract()]:
        write_yaml(root / "parameters" / eng / "contracts" / f"{c['supplier']}.yaml", c)
    for relative, rows in (tables or {}).items():
        path = root / "data" / eng / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(rows, str):
            path.write_text(rows, encoding="utf-8")
        elif path.suffix == ".csv":
            pd.DataFrame(rows).to_csv(path, index=False)
        elif path.suffix == ".parquet":
            pd.DataFrame(rows).to_parquet(path, index=False)
        elif path.suffix == ".xlsx":
            pd.DataFrame(rows).to_excel(path, index=False)
    (root / "data" / eng).mkdir(parents=True, exist_ok=True)
    return root


def files_under(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()}


def load_problems(root: Path, eng: str = "tiny") -> list:
    """The problems `load` reports for the engagement under `root` (it must fail, and write nothing)."""
    import pytest

    from ccanalysis.engagement import load
    from ccanalysis.errors import EngagementError

    before = files_under(root)
    with pytest.raises(EngagementError) as info:
        load(eng, root=root)
    assert files_under(root) == before, "loading must not write anything"
    return info.value.problems


def one_problem(problems: list, **expected: Any):
    """The first problem whose fields equal `expected` (and whose text contains `text=`)."""
    hits = [p for p in problems if all(getattr(p, k) == v for k, v in expected.items() if k != "text")
            and expected.get("text", "") in str(p)]
    assert hits, "\n".join(str(p) for p in problems)
    return hits[0]
