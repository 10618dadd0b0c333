"""Shared fixtures."""

from __future__ import annotations

import pytest

from stockwise.data.sample import generate


@pytest.fixture(scope="session")
def sample_dataset():
    """The built-in sample (seed 0), generated once per test session."""
    return generate(0)
