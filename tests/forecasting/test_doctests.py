"""The examples in the forecasting docstrings run and give what they show."""

from __future__ import annotations

import doctest

import stockwise.forecasting as forecasting


def test_package_example():
    result = doctest.testmod(forecasting, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
