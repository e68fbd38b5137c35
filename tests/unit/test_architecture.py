"""Imports between apps point one way: home < content apps < outputs < catalog.

Every module of every app is read with ``ast`` (function-level imports count:
a lazy import is still a dependency) and each import is mapped to the app it
reaches. A content app reaching ``search``, ``sheets`` or ``catalog``, ``home``
reaching anything above it, or any circle between apps fails the test.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LAYERS = {"home": 0, "services": 1, "places": 1, "notices": 1, "search": 2, "sheets": 2, "catalog": 3}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported_modules(path: Path) -> list[tuple[str, int]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = _module_name(path) if path.name == "__init__.py" else _module_name(path).rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                found.append((".".join([*base, node.module] if node.module else base), node.lineno))
            else:
                found.append((node.module or "", node.lineno))
    return found


def app_edges() -> dict[tuple[str, str], list[str]]:
    """(importing app, imported app) -> the places it happens, for every app module but migrations."""
    edges: dict[tuple[str, str], list[str]] = {}
    for app in LAYERS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            for module, line in _imported_modules(path):
                target = module.split(".")[0]
                if target in LAYERS and target != app:
                    edges.setdefault((app, target), []).append(f"{path.relative_to(ROOT)}:{line}")
    return edges


def circles(edges) -> list[list[str]]:
    graph: dict[str, set[str]] = {}
    for source, target in edges:
        graph.setdefault(source, set()).add(target)
    found = []

    def visit(node: str, trail: list[str]) -> None:
        for nxt in sorted(graph.get(node, ())):
            if nxt == trail[0]:
                found.append([*trail, nxt])
            elif nxt not in trail and nxt > trail[0]:  # each circle once, from its smallest app
                visit(nxt, [*trail, nxt])

    for start in sorted(graph):
        visit(start, [start])
    return found


def test_no_import_points_down_the_layers_the_wrong_way():
    wrong = [
        f"{source} -> {target}: {', '.join(places)}"
        for (source, target), places in app_edges().items()
        if LAYERS[target] > LAYERS[source]
    ]
    assert not wrong, "imports against the dependency direction:\n" + "\n".join(wrong)


def test_no_circle_between_apps():
    assert circles(app_edges()) == []


def test_the_walker_sees_function_level_and_relative_imports(tmp_path, monkeypatch):
    """A guard that the walker itself can fail: a lazy import in a function counts."""
    fake = tmp_path / "home"
    fake.mkdir()
    (fake / "__init__.py").write_text("")
    (fake / "models.py").write_text("def f():\n    from sheets.models import X\n    from .coded import Y\n")
    monkeypatch.setattr(__import__(__name__, fromlist=["ROOT"]), "ROOT", tmp_path)
    modules = [name for name, _line in _imported_modules(fake / "models.py")]
    assert modules == ["sheets.models", "home.coded"]
    assert circles({("a", "b"): [], ("b", "a"): []}) == [["a", "b", "a"]]


@pytest.mark.parametrize("app", sorted(LAYERS))
def test_every_app_is_on_disk(app):
    assert (ROOT / app / "apps.py").exists()
