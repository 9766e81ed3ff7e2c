"""The admin's modules import one another without cycles, and the list side imports nothing
of the write side: read from the source with `ast`, imports under `if TYPE_CHECKING:` left
out (they never run), imports inside functions counted (they run when called)."""

from __future__ import annotations

import ast
from pathlib import Path

import dashkit

PACKAGE = Path(dashkit.__file__).parent
ADMIN = "dashkit.admin"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def admin_modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted((PACKAGE / "admin").rglob("*.py"))}


def is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def runtime_imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The admin modules `name` imports when it runs: `import a.b`, `from a import b` (the
    module a.b, or a itself for a name defined there), relative imports resolved, `if
    TYPE_CHECKING:` blocks skipped. A package's `__init__`, which Python runs before any of
    its modules, is an edge only where it is imported by name: counting it for every
    module would make each package that imports its own modules a cycle."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:  # a submodule, or a name the module defines
                submodule = f"{base}.{alias.name}"
                found.add(submodule if submodule in known else base)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return {target for target in found if target in known and target != name}


def import_graph() -> dict[str, set[str]]:
    modules = admin_modules()
    known = set(modules)
    return {name: runtime_imports(name, path, known) for name, path in modules.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as the modules along it (first == last), or None."""
    state: dict[str, str] = {}
    path: list[str] = []

    def walk(node: str) -> list[str] | None:
        state[node] = "open"
        path.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == "open":
                return [*path[path.index(target) :], target]
            if target not in state:
                cycle = walk(target)
                if cycle:
                    return cycle
        path.pop()
        state[node] = "done"
        return None

    for node in sorted(graph):
        if node not in state:
            cycle = walk(node)
            if cycle:
                return cycle
    return None


def test_admin_modules_import_one_another_without_a_cycle():
    graph = import_graph()
    assert len(graph) > 40 and graph["dashkit.admin.registry"], "the walk found the modules"
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_the_list_side_imports_nothing_of_the_write_side():
    graph = import_graph()
    reaching = {
        f"{name} -> {target}"
        for name, targets in graph.items()
        if name.startswith(f"{ADMIN}.list.")
        for target in targets
        if target == f"{ADMIN}.edit" or target.startswith(f"{ADMIN}.edit.")
    }
    assert not reaching, sorted(reaching)


def test_the_cycle_finder_names_the_modules_of_a_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set()}
    assert find_cycle(graph) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None
