"""The >>> examples in the package's docstrings run as tests."""

import doctest
import importlib
import pkgutil

import pytest

import scokg

MODULES = sorted(m.name for m in pkgutil.iter_modules(scokg.__path__, "scokg.") if m.name != "scokg.__main__")


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
