"""Scenario sets drawn from forecasts, scenario reduction, what-if specifications."""

from stockwise.scenarios.build import (
    Outage,
    draw_lead_times,
    from_distribution,
    from_forecast,
    from_history,
)
from stockwise.scenarios.reduction import fast_forward_selection, reduce_scenarios
from stockwise.scenarios.scenario_set import ScenarioSet
from stockwise.scenarios.whatif import (
    WhatIf,
    WhatIfError,
    apply_whatif,
    load_whatif,
    parse_whatif,
)

__all__ = [
    "Outage",
    "ScenarioSet",
    "WhatIf",
    "WhatIfError",
    "apply_whatif",
    "draw_lead_times",
    "fast_forward_selection",
    "from_distribution",
    "from_forecast",
    "from_history",
    "load_whatif",
    "parse_whatif",
    "reduce_scenarios",
]
