"""The package's shape (docs/architecture.md): small modules, no function-level import that
dodges a cycle, and every package folder listed in pyproject.toml.

The import contracts themselves (layers, loaders, routes, pages) are import-linter's, run by
scripts/test."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest

from tests.paths import PROJECT_ROOT

#: The checkout's folders that make up the package, by import name.
PACKAGE_DIRS = {"mosaic": PROJECT_ROOT / "app", "mosaic.loaders": PROJECT_ROOT / "loaders"}
MAX_LINES = 500


def _modules() -> list[Path]:
    return sorted(p for folder in PACKAGE_DIRS.values() for p in folder.rglob("*.py"))


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PROJECT_ROOT)))
def test_every_module_is_under_500_lines(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{path.relative_to(PROJECT_ROOT)} has {lines} lines; split it"


def _function_imports(path: Path) -> list[tuple[int, str]]:
    """The ``mosaic`` imports made inside functions, with no comment on the line before them."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    found = []
    for node in ast.walk(ast.parse(text)):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for inner in ast.walk(node):
            if not isinstance(inner, ast.Import | ast.ImportFrom):
                continue
            names = [inner.module or ""] if isinstance(inner, ast.ImportFrom) else []
            names += [alias.name for alias in inner.names] if isinstance(inner, ast.Import) else []
            if not any(name == "mosaic" or name.startswith("mosaic.") for name in names):
                continue
            first = inner.lineno - 1
            while first > 0 and lines[first - 1].strip().startswith(("from ", "import ")):
                first -= 1
            if not lines[first - 1].strip().startswith("#"):
                found.append((inner.lineno, names[0]))
    return found


def test_function_level_imports_say_why() -> None:
    """A function-level import is for start-up time only, and says so; never to dodge a cycle."""
    unexplained = [
        f"{path.relative_to(PROJECT_ROOT)}:{line}: {module}"
        for path in _modules()
        for line, module in _function_imports(path)
    ]
    assert unexplained == []


def test_every_package_folder_is_listed_in_pyproject() -> None:
    config = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    setuptools = config["tool"]["setuptools"]
    listed = set(setuptools["packages"])
    mapped = {name: PROJECT_ROOT / folder for name, folder in setuptools["package-dir"].items()}
    found = set()
    for root_name in ("mosaic", "mosaic.loaders"):
        root = mapped[root_name]
        for init in root.rglob("__init__.py"):
            parts = init.parent.relative_to(root).parts
            name = ".".join((root_name, *parts)) if parts else root_name
            if not any(name != m and name.startswith(m + ".") for m in mapped if m != root_name):
                found.add(name)
    # A package of the mapping is its folder's; a data package lives in its own folder.
    found -= {name for name in found if name.startswith("mosaic.loaders.data")}
    assert found <= listed, sorted(found - listed)
    for name in listed:
        folder = next(
            (mapped[m] / Path(*name[len(m) + 1 :].split(".")) if name != m else mapped[m])
            for m in sorted(mapped, key=len, reverse=True)
            if name == m or name.startswith(m + ".")
        )
        assert folder.is_dir(), f"{name} is listed but {folder} does not exist"
