"""The examples in the docstrings of app/terms run as written."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import mosaic.terms

MODULES = sorted(m.name for m in pkgutil.iter_modules(mosaic.terms.__path__, "mosaic.terms."))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    failed, _ = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert failed == 0
