"""The examples in the data modules' docstrings run and give what they show."""

from __future__ import annotations

import doctest

import pytest

from stockwise.data import network, sample, summary


@pytest.mark.parametrize("module", [network, sample, summary], ids=lambda m: m.__name__)
def test_docstring_examples(module):
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
