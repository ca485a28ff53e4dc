"""``loadplan.strawberry`` is built in floors: each module imports only the
floors below it, at module level, and nothing from ``loadplan.execution``."""

from __future__ import annotations

import ast
from pathlib import Path

import loadplan.strawberry

PACKAGE = Path(loadplan.strawberry.__file__).parent
FLOORS = {
    "definitions": 0,
    "names": 0,
    "registry": 1,
    "pagination": 1,
    "keyset": 1,
    "filters": 1,
    "fields": 1,
    "types": 1,
    "selection": 2,
    "documents": 2,
    "rows": 2,
    "relay": 2,
    "extension": 2,
}


def _imports(path: Path) -> list[tuple[str, bool]]:
    """Each ``loadplan`` module ``path`` imports, and whether at module level."""
    tree = ast.parse(path.read_text())
    top = {id(node) for node in tree.body}
    found: list[tuple[str, bool]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            found += [(name, id(node) in top) for name in names if name.startswith("loadplan")]
        elif isinstance(node, ast.Import):
            found += [
                (a.name, id(node) in top) for a in node.names if a.name.startswith("loadplan")
            ]
    return found


def test_every_module_has_a_floor() -> None:
    modules = {p.stem for p in PACKAGE.glob("*.py")} - {"__init__"}
    assert modules == set(FLOORS)


def test_modules_import_only_lower_floors_at_module_level() -> None:
    for name, floor in FLOORS.items():
        for imported, at_top in _imports(PACKAGE / f"{name}.py"):
            assert at_top, f"{name} imports {imported} inside a function"
            assert not imported.startswith("loadplan.execution"), f"{name} imports {imported}"
            parts = imported.split(".")
            if parts[:2] != ["loadplan", "strawberry"] or len(parts) < 3:
                continue
            other = parts[2]
            if other in FLOORS and other != name:
                assert FLOORS[other] <= floor, f"{name} (floor {floor}) imports {other}"


def test_the_declaration_floor_never_imports_the_runtime_floor() -> None:
    runtime = {name for name, floor in FLOORS.items() if floor == 2}
    for name, floor in FLOORS.items():
        if floor > 1:
            continue
        imported = {
            i.split(".")[2] for i, _ in _imports(PACKAGE / f"{name}.py") if i.count(".") >= 2
        }
        assert not imported & runtime, name
