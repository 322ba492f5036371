"""The package's layering, read from its source: no import cycle between modules, and `cli` at the top.

Every `import` counts, at module level or inside a function (a deferred import is still a dependency),
except imports only for type checkers (`if TYPE_CHECKING:`) and a module's PEP 562 `__getattr__`, which
re-exports names for callers (e.g. `ccanalysis.engagement.load`) without the module's code using them.
"""

from __future__ import annotations

import ast
from pathlib import Path

import ccanalysis

PACKAGE = Path(ccanalysis.__file__).resolve().parent


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py")) if "__pycache__" not in p.parts}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    found: list[ast.Import | ast.ImportFrom] = []

    def visit(node: ast.AST, top: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                for sub in child.orelse:
                    visit(sub, False)
                continue
            if top and isinstance(child, ast.FunctionDef) and child.name == "__getattr__":
                continue
            if isinstance(child, ast.Import | ast.ImportFrom):
                found.append(child)
            visit(child, False)

    visit(tree, True)
    return found


def _resolve(module: str, path: Path, node: ast.Import | ast.ImportFrom) -> set[str]:
    """The ccanalysis modules an import statement loads by name."""
    if isinstance(node, ast.Import):
        return {alias.name for alias in node.names if alias.name in MODULES}
    if node.level:
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        for _ in range(node.level - 1):
            package = package.rpartition(".")[0]
        base = f"{package}.{node.module}" if node.module else package
    else:
        base = node.module or ""
    if base not in MODULES:
        return set()
    targets = {f"{base}.{alias.name}" for alias in node.names if f"{base}.{alias.name}" in MODULES}
    if len(targets) < len(node.names):  # some names are attributes of `base` itself
        targets.add(base)
    return targets


def import_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        graph[module] = set()
        for node in _imports(tree):
            graph[module] |= _resolve(module, path, node) - {module}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                connect(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return found


def test_the_graph_sees_deferred_and_relative_imports():
    graph = import_graph()
    assert "ccanalysis.io.loader" in graph["ccanalysis.io.cache"]  # module level, absolute
    assert "ccanalysis.batch.plan" in graph["ccanalysis.cli"]  # inside a function
    assert "ccanalysis.io.cache" in graph["ccanalysis.cli"]  # relative, inside a function
    assert "ccanalysis.io.loader" not in graph["ccanalysis.engagement"]  # PEP 562 re-export only


def test_a_cycle_is_found():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_cycle_between_modules():
    found = cycles(import_graph())
    assert not found, "import cycles: " + "; ".join(" ↔ ".join(c) for c in found)


def test_nothing_imports_the_cli():
    importers = sorted(m for m, targets in import_graph().items() if "ccanalysis.cli" in targets)
    assert importers == []
