"""Inventory policies: exact and closed-form methods, safety-stock placement, budgeted SAA.

One module per method family:

- :mod:`.newsvendor` — base-stock level for any demand (distribution, sample, sample paths)
- :mod:`.eoq` — EOQ, planned backorders, all-units quantity discounts
- :mod:`.lot_sizing` — Wagner–Whitin dynamic lot sizing for known demand
- :mod:`.safety_stock` — safety stock / reorder point for a cycle-service or fill-rate
  target with lead-time variability
- :mod:`.ss` — exact optimal (s, S) for discrete demand (Zheng–Federgruen); the power
  approximation
- :mod:`.rq` — exact optimal (r, Q): Poisson (Federgruen–Zheng) and normal
- :mod:`.serial` — optimal echelon base-stock levels of a serial system (Clark–Scarf,
  Chen–Zheng), normal or discrete demand
- :mod:`.gsm` — guaranteed-service safety-stock placement on trees (Graves–Willems DP)
- :mod:`.saa` — base-stock levels for many locations and items by sample-average
  approximation under an investment budget and service targets, with shadow prices
- :mod:`.frontier` — investment vs service / cost efficient frontier
- :mod:`.dataset` — all of the above from a :class:`stockwise.data.Dataset`, as the
  simulator's policy objects
"""

from stockwise.engine.policies.eoq import (
    EOQResult,
    eoq,
    eoq_all_units_discount,
    eoq_with_backorders,
)
from stockwise.engine.policies.gsm import GSMResult, Stage, gsm_cost, gsm_tree
from stockwise.engine.policies.lot_sizing import LotSizingResult, wagner_whitin
from stockwise.engine.policies.newsvendor import (
    NewsvendorResult,
    newsvendor,
    newsvendor_normal,
    newsvendor_profit,
)
from stockwise.engine.policies.rq import RQResult, rq_normal, rq_normal_cost, rq_poisson
from stockwise.engine.policies.safety_stock import (
    SafetyStockResult,
    Service,
    protection_demand,
    safety_stock,
)
from stockwise.engine.policies.serial import SerialResult, serial_base_stock
from stockwise.engine.policies.ss import SSCost, SSResult, ss_optimal, ss_power_approximation

__all__ = [
    "EOQResult",
    "GSMResult",
    "LotSizingResult",
    "NewsvendorResult",
    "RQResult",
    "SSCost",
    "SSResult",
    "SafetyStockResult",
    "SerialResult",
    "Service",
    "Stage",
    "eoq",
    "eoq_all_units_discount",
    "eoq_with_backorders",
    "gsm_cost",
    "gsm_tree",
    "newsvendor",
    "newsvendor_normal",
    "newsvendor_profit",
    "protection_demand",
    "rq_normal",
    "rq_normal_cost",
    "rq_poisson",
    "safety_stock",
    "serial_base_stock",
    "ss_optimal",
    "ss_power_approximation",
    "wagner_whitin",
]
