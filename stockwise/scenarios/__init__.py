"""Scenario sets drawn from forecasts, scenario reduction, what-if specifications."""

from stockwise.scenarios.build import Outage, draw_lead_times, from_distribution, from_forecast
from stockwise.scenarios.scenario_set import ScenarioSet

__all__ = ["Outage", "ScenarioSet", "draw_lead_times", "from_distribution", "from_forecast"]
