"""Every public function has a docstring: module-level functions not starting with `_`, and the public
methods (properties included) of public module-level classes. Dunder and nested functions are exempt."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "ccanalysis"
FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


def _public(name: str) -> bool:
    return not name.startswith("_")


def _undocumented() -> list[str]:
    out = []
    for path in sorted(PACKAGE.rglob("*.py")):
        where = path.relative_to(PACKAGE.parent)
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, FUNCTIONS) and _public(node.name) and ast.get_docstring(node) is None:
                out.append(f"{where}:{node.lineno} {node.name}")
            if isinstance(node, ast.ClassDef) and _public(node.name):
                for n in node.body:
                    if isinstance(n, FUNCTIONS) and _public(n.name) and ast.get_docstring(n) is None:
                        out.append(f"{where}:{n.lineno} {node.name}.{n.name}")
    return out


def test_every_public_function_has_a_docstring():
    missing = _undocumented()
    assert not missing, f"{len(missing)} public function(s) without a docstring:\n" + "\n".join(missing)
