"""Scenario sets drawn from forecasts, scenario reduction, what-if specifications."""

from stockwise.scenarios.scenario_set import ScenarioSet

__all__ = ["ScenarioSet"]
