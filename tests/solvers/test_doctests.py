"""The examples in the solver layer's docstrings run and give what they show."""

from __future__ import annotations

import doctest

from stockwise.solvers import model


def test_model_docstring_example():
    result = doctest.testmod(model, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
