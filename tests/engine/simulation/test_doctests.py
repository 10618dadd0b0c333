"""The examples in the simulation and scenario docstrings run and give what they show."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "stockwise.engine.simulation",
    "stockwise.engine.simulation.network",
    "stockwise.scenarios.build",
    "stockwise.scenarios.reduction",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
