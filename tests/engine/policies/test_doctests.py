"""The examples in the policy modules' docstrings run and give what they show."""

from __future__ import annotations

import doctest

import pytest

from stockwise.engine.policies import eoq, gsm, newsvendor, rq, safety_stock, serial, ss


@pytest.mark.parametrize(
    "module", [eoq, gsm, newsvendor, rq, safety_stock, serial, ss], ids=lambda m: m.__name__
)
def test_docstring_examples(module):
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
