"""``ScenarioSet``: S weighted futures of demand, lead times and disruptions."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SeriesKey = tuple[str, str]  # (item, location)
LaneKey = tuple[str, str]  # (origin, destination)


@dataclass(frozen=True, eq=False)
class ScenarioSet:
    """Weighted futures, the input of the optimizer and the simulator.

    keys : the (item, location) of each demand series
    demand : [units] float64 ``S x series x horizon``, non-negative
    weights : ``S`` probabilities, non-negative, summing to 1
    lanes : the (origin, destination) of each lane in ``lead_times`` / ``lane_up``
    lead_times : int64 ``S x lanes x horizon`` [periods]: lead time of an order placed on
        the lane in that period, or ``None`` to use each lane's mean lead time
    lane_up : bool ``S x lanes x horizon``: False where the lane (or its supplier) is
        disrupted and nothing can be shipped; ``None`` means always up
    seed : the seed the set was drawn with (``None`` when given as arrays)
    """

    keys: tuple[SeriesKey, ...]
    demand: np.ndarray
    weights: np.ndarray
    lanes: tuple[LaneKey, ...] = ()
    lead_times: np.ndarray | None = None
    lane_up: np.ndarray | None = None
    seed: int | None = None

    def __post_init__(self) -> None:
        s, n, _ = self.demand.shape
        if n != len(self.keys):
            raise ValueError(f"demand has {n} series but {len(self.keys)} keys")
        if self.weights.shape != (s,):
            raise ValueError(f"weights must have shape ({s},), got {self.weights.shape}")
        if (self.weights < 0).any() or not np.isclose(self.weights.sum(), 1.0):
            raise ValueError("weights must be non-negative and sum to 1")
        if (self.demand < 0).any():
            raise ValueError("demand must be non-negative")
        for name in ("lead_times", "lane_up"):
            arr = getattr(self, name)
            if arr is not None and arr.shape != (s, len(self.lanes), self.horizon):
                raise ValueError(
                    f"{name} must have shape {(s, len(self.lanes), self.horizon)}, got {arr.shape}"
                )

    @property
    def n_scenarios(self) -> int:
        return int(self.demand.shape[0])

    @property
    def horizon(self) -> int:
        return int(self.demand.shape[2])

    @classmethod
    def from_arrays(cls, keys, demand: np.ndarray, weights: np.ndarray | None = None):
        """Equally weighted scenarios from a ``S x series x horizon`` demand array."""
        demand = np.asarray(demand, dtype=float)
        s = demand.shape[0]
        w = np.full(s, 1.0 / s) if weights is None else np.asarray(weights, dtype=float)
        return cls(keys=tuple(tuple(k) for k in keys), demand=demand, weights=w)
