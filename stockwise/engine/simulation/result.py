"""``SimulationResult``: KPIs per policy with confidence intervals, paired differences.

Every statistic is computed per replication first; intervals are Student-t intervals over
replications. Because every policy runs on the same replications (common random numbers),
the difference of two policies is taken replication by replication (a paired interval,
far narrower than comparing two independent intervals).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from stockwise.engine.simulation import kernel as k
from stockwise.engine.simulation.network import SimNetwork

COST_PARTS = ("holding", "shortage", "ordering", "purchase", "transport")
METRICS = (
    "fill_rate",
    "cycle_service",
    "stockout_periods",
    "on_hand",
    "pipeline",
    "investment",
    *COST_PARTS,
    "stock_increase",
    "total_cost",
    "revenue",
    "profit",
)
DOC = {
    "fill_rate": "units served from stock on the day they are demanded / units demanded",
    "cycle_service": "share of (customer location, item, period) without a stock-out",
    "stockout_periods": "(customer location, item) periods with unmet demand, summed",
    "on_hand": "[units] average on hand per period, all locations and items",
    "pipeline": "[units] average in transit or owed by upstream, per period",
    "investment": "[currency] average on-hand value at unit cost",
    "stock_increase": "[currency] value of stock on hand and in transit, end minus start",
    "total_cost": "[currency] holding + shortage + ordering + transport + purchase - stock "
    "increase (purchases still in stock at the end are not a cost of the horizon)",
}


@dataclass(frozen=True, eq=False)
class PolicyRun:
    """Raw output of one policy: ``kpi`` ``R x N x I x M`` (columns in ``kernel``),
    ``lane_kpi`` ``R x L x 3``, ``trajectory`` ``R x T x tracked`` net inventory [units],
    ``stock_value`` ``R x 2`` [currency] on hand and in transit at unit cost when counting
    starts and at the end."""

    name: str
    kpi: np.ndarray
    lane_kpi: np.ndarray
    trajectory: np.ndarray
    stock_value: np.ndarray
    wall_time: float = 0.0
    planning_time: float = 0.0
    plans: int = 0


def interval(x: np.ndarray, confidence: float) -> tuple[float, float, float]:
    """Mean and Student-t ``confidence`` interval of the replications ``x`` (NaNs ignored)."""
    x = np.asarray(x, dtype=float)
    x = x[~np.isnan(x)]
    if x.size == 0:
        return np.nan, np.nan, np.nan
    mean = float(x.mean())
    if x.size < 2:
        return mean, np.nan, np.nan
    half = float(stats.t.ppf(0.5 + confidence / 2, x.size - 1) * x.std(ddof=1) / np.sqrt(x.size))
    return mean, mean - half, mean + half


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


@dataclass(frozen=True, eq=False)
class SimulationResult:
    """Policies compared on the same replications.

    network : the simulated network (location and item order of the arrays)
    runs : one :class:`PolicyRun` per policy, in the order given
    periods : number of periods counted (after the warm-up)
    track : the ``(item, location)`` of each trajectory column
    traces : per policy, ``R x T x N x I x 5`` per-period flows (``simulate(trace=True)``):
        arrivals, shipped out, served to customers, on hand, in transit into the location
    """

    network: SimNetwork
    runs: dict[str, PolicyRun]
    periods: int
    warmup: int = 0
    track: tuple[tuple[str, str], ...] = ()
    confidence: float = 0.95
    seed: int | None = None
    traces: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def policies(self) -> tuple[str, ...]:
        return tuple(self.runs)

    @property
    def replications(self) -> int:
        return int(next(iter(self.runs.values())).kpi.shape[0])

    def _customer_keys(self, run: PolicyRun) -> np.ndarray:
        """``N x I`` mask of stocking keys that face customer demand in some replication."""
        return run.kpi[:, :, :, k.DEMAND].sum(axis=0) > 0

    def per_replication(self, policy: str) -> pd.DataFrame:
        """One row per replication, one column per metric (see ``METRICS``)."""
        run = self.runs[policy]
        kpi, lane = run.kpi, run.lane_kpi
        cust = self._customer_keys(run)
        stock = ~self.network.is_source
        periods = max(self.periods, 1)

        def total(m: int) -> np.ndarray:
            return kpi[..., m][:, stock].sum(axis=(1, 2))

        def customer(m: int) -> np.ndarray:
            return kpi[..., m][:, cust].sum(axis=1)

        cost = {
            "holding": total(k.HOLDING),
            "shortage": total(k.SHORTAGE),
            "ordering": lane[:, :, k.ORDER_COST].sum(axis=1),
            "purchase": total(k.PURCHASE),
            "transport": total(k.TRANSPORT),
        }
        increase = run.stock_value[:, 1] - run.stock_value[:, 0]
        cost_total = sum(cost.values()) - increase
        revenue = total(k.REVENUE)
        value = (kpi[..., k.ON_HAND][:, stock] * self.network.unit_cost).sum(axis=(1, 2))
        frame = {
            "fill_rate": _ratio(total(k.FILLED), total(k.DEMAND)),
            "cycle_service": 1.0 - _ratio(customer(k.STOCKOUT), customer(k.PERIODS)),
            "stockout_periods": customer(k.STOCKOUT),
            "on_hand": total(k.ON_HAND) / periods,
            "pipeline": total(k.PIPELINE) / periods,
            "investment": value / periods,
            **cost,
            "stock_increase": increase,
            "total_cost": cost_total,
            "revenue": revenue,
            "profit": revenue - cost_total,
        }
        return pd.DataFrame(frame)

    def summary(self) -> pd.DataFrame:
        """``policy, metric, mean, ci_low, ci_high`` over replications."""
        rows = []
        for name in self.runs:
            reps = self.per_replication(name)
            for metric in METRICS:
                mean, lo, hi = interval(reps[metric].to_numpy(), self.confidence)
                rows.append((name, metric, mean, lo, hi))
        return pd.DataFrame(rows, columns=["policy", "metric", "mean", "ci_low", "ci_high"])

    def paired(self, baseline: str | None = None) -> pd.DataFrame:
        """Per metric, ``policy - baseline`` per replication: mean difference and interval.

        ``significant`` is True when the interval excludes 0.
        """
        baseline = baseline or self.policies[0]
        if baseline not in self.runs:
            raise KeyError(f"baseline {baseline!r} is not one of {self.policies}")
        base = self.per_replication(baseline)
        rows = []
        for name in self.runs:
            if name == baseline:
                continue
            diff = self.per_replication(name) - base
            for metric in METRICS:
                mean, lo, hi = interval(diff[metric].to_numpy(), self.confidence)
                rows.append((name, baseline, metric, mean, lo, hi, bool(lo > 0 or hi < 0)))
        columns = ["policy", "baseline", "metric", "difference", "ci_low", "ci_high"]
        return pd.DataFrame(rows, columns=[*columns, "significant"])

    def tidy(self, baseline: str | None = None) -> pd.DataFrame:
        """Every KPI of every policy in one long table, for analysts' own tools.

        Columns ``policy, baseline, kpi, mean, lower, upper, kind, confidence``: ``kind``
        ``level`` rows are :meth:`summary` (``baseline`` empty), ``paired_difference`` rows
        are :meth:`paired` against ``baseline`` (default: the first policy): ``mean`` is the
        mean of ``policy - baseline`` per replication, ``lower``/``upper`` its interval.
        """
        baseline = baseline or self.policies[0]
        level = self.summary().rename(columns={"metric": "kpi", "ci_low": "lower",
                                                "ci_high": "upper"})  # fmt: skip
        level.insert(1, "baseline", None)
        level["kind"] = "level"
        paired = self.paired(baseline).drop(columns="significant")
        paired = paired.rename(columns={"metric": "kpi", "difference": "mean", "ci_low": "lower",
                                        "ci_high": "upper"})  # fmt: skip
        paired["kind"] = "paired_difference"
        table = pd.concat([level, paired], ignore_index=True) if len(paired) else level
        table["confidence"] = self.confidence
        return table[["policy", "baseline", "kpi", "mean", "lower", "upper", "kind", "confidence"]]

    def by_location_item(self, policy: str) -> pd.DataFrame:
        """Per stocking location and item: means over replications and interval half-widths.

        Columns: ``location, item, demand, fill_rate, fill_rate_ci, cycle_service,
        stockout_probability, stockout_probability_ci, on_hand, pipeline, investment`` and
        the per-key costs (ordering is per lane, see :meth:`by_lane`).
        """
        run = self.runs[policy]
        kpi = run.kpi
        net = self.network
        rows = []
        for n in net.stocking:
            for i in range(net.n_items):
                x = kpi[:, n, i, :]
                periods = np.maximum(x[:, k.PERIODS], 1.0)
                fill = _ratio(x[:, k.FILLED], x[:, k.DEMAND])
                out = x[:, k.STOCKOUT] / periods
                f_mean, f_lo, _ = interval(fill, self.confidence)
                o_mean, o_lo, _ = interval(out, self.confidence)
                rows.append(
                    {
                        "location": net.locations[n],
                        "item": net.items[i],
                        "demand": x[:, k.DEMAND].mean() / self.periods,
                        "fill_rate": f_mean,
                        "fill_rate_ci": f_mean - f_lo,
                        "cycle_service": 1.0 - o_mean,
                        "stockout_probability": o_mean,
                        "stockout_probability_ci": o_mean - o_lo,
                        "on_hand": (x[:, k.ON_HAND] / periods).mean(),
                        "pipeline": (x[:, k.PIPELINE] / periods).mean(),
                        "investment": (x[:, k.ON_HAND] / periods).mean() * net.unit_cost[i],
                        "holding": x[:, k.HOLDING].mean(),
                        "shortage": x[:, k.SHORTAGE].mean(),
                        "purchase": x[:, k.PURCHASE].mean(),
                        "transport": x[:, k.TRANSPORT].mean(),
                    }
                )
        return pd.DataFrame(rows)

    def by_lane(self, policy: str) -> pd.DataFrame:
        """Per lane: mean ordering cost, orders placed and units shipped per replication."""
        lane = self.runs[policy].lane_kpi.mean(axis=0)
        return pd.DataFrame(
            {
                "origin": [ln.origin for ln in self.network.lanes],
                "destination": [ln.destination for ln in self.network.lanes],
                "ordering_cost": lane[:, k.ORDER_COST],
                "orders": lane[:, k.ORDERS],
                "shipped": lane[:, k.SHIPPED],
            }
        )

    def fan(self, policy: str, key: tuple[str, str], levels=(0.05, 0.25, 0.5, 0.75, 0.95)):
        """``levels x T`` quantiles over replications of the net inventory of ``key``."""
        j = self.track.index(tuple(key))
        return np.quantile(self.runs[policy].trajectory[:, :, j], np.asarray(levels), axis=0)
