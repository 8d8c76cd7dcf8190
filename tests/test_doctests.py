"""The >>> examples in the package's docstrings run as tests (only modules that have examples are listed)."""

import doctest
import importlib
import pkgutil

import pytest

import scokg


def _modules_with_examples() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(scokg.__path__, "scokg."):
        if info.name == "scokg.__main__":
            continue
        module = importlib.import_module(info.name)
        if any(t.examples for t in doctest.DocTestFinder().find(module)):
            names.append(info.name)
    return sorted(names)


MODULES = _modules_with_examples()


def test_the_public_modules_carry_examples():
    assert {"scokg.config", "scokg.formats", "scokg.web.conneg", "scokg.store.inspect"} <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
