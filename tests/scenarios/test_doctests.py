"""The examples in the scenario modules' docstrings run and give what they show."""

from __future__ import annotations

import doctest

import pytest

from stockwise.scenarios import build, sample_truth


@pytest.mark.parametrize("module", [build, sample_truth], ids=lambda m: m.__name__)
def test_docstring_examples(module):
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
