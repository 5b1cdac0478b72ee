"""The examples in the package's docstrings run, imported once under their installed name.

``pytest --doctest-modules app`` would import each module a second time as ``app.*`` beside
``mosaic.*`` (app/ is mapped to the ``mosaic`` package), so two copies of every class and
registry would exist; walking ``mosaic`` and running ``doctest`` on the modules already
imported keeps one copy.
"""

from __future__ import annotations

import doctest
import importlib
import importlib.util
import pkgutil
from pathlib import Path

import pytest

import mosaic


def _modules_with_examples() -> list[str]:
    """Every ``mosaic`` module whose source holds a doctest example."""
    names = []
    for info in pkgutil.walk_packages(mosaic.__path__, prefix="mosaic."):
        spec = importlib.util.find_spec(info.name)
        origin = spec.origin if spec else None
        if origin and origin.endswith(".py") and ">>> " in Path(origin).read_text(encoding="utf-8"):
            names.append(info.name)
    return sorted(names)


MODULES = _modules_with_examples()


def test_examples_are_found() -> None:
    """The walk finds the modules with examples (an empty list would pass silently)."""
    assert MODULES


@pytest.mark.parametrize("name", MODULES)
def test_doctests_pass(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0
