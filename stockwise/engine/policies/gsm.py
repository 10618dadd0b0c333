"""Safety-stock placement in tree networks: the guaranteed-service model (Graves–Willems).

Each stage j quotes its customers a committed service time ``S_j`` and is quoted an inbound
service time ``SI_j = max(external inbound, max over suppliers i of S_i)``. Its net lead
time is ``SI_j + T_j - S_j`` (T_j: processing or transport time) and it holds safety stock
``z_j σ_j sqrt(net lead time)`` against its net demand (own external demand plus everything
downstream; variances add). Service times are integers; a demand-facing stage may promise at
most its external outbound service time. The dynamic programme over a labelling in which
each stage but the last has exactly one neighbour with a higher label finds committed
service times of least total safety-stock holding cost ``Σ h_j z_j σ_j sqrt(NLT_j)``.
Every ``f``/``g`` function is a NumPy vector over service times ``0 .. M``.

References: S. C. Graves and S. P. Willems, Optimizing strategic safety stock placement in
supply chains, *Manufacturing & Service Operations Management* 2(1):68–83, 2000;
Snyder & Shen, ch. 6.3.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from stockwise.engine.policies._validate import nonnegative


@dataclass(frozen=True)
class Stage:
    """One stage of a guaranteed-service network.

    name : any hashable label; processing_time : T [periods, integer]; holding_cost : h
    [currency / unit / period]; demand_mean, demand_sd : external demand per period
    [units]; safety_factor : z (the demand-bound constant); external_inbound_cst : service
    time quoted by an outside supplier [periods]; external_outbound_cst : the longest
    service time this stage may promise its customers [periods] (``None``: no limit)
    """

    name: Hashable
    processing_time: int
    holding_cost: float
    demand_mean: float = 0.0
    demand_sd: float = 0.0
    safety_factor: float = 1.6448536269514722
    external_inbound_cst: int = 0
    external_outbound_cst: int | None = None


@dataclass(frozen=True)
class GSMResult:
    """stages : one row per stage (committed_service_time, inbound_service_time,
    net_lead_time [periods], net_demand_mean, net_demand_sd [units / period],
    safety_stock, base_stock_level [units], safety_stock_cost [currency / period]);
    cost : total safety-stock holding cost [currency / period]."""

    stages: pd.DataFrame
    cost: float

    @property
    def committed_service_times(self) -> dict:
        return dict(zip(self.stages.index, self.stages["committed_service_time"], strict=True))


def gsm_tree(stages: Sequence[Stage], edges: Sequence[tuple[Hashable, Hashable]]) -> GSMResult:
    """Optimal committed service times, base-stock levels and safety stocks on a tree.

    edges : ``(supplier, customer)`` pairs of stage names; the undirected graph must be a
    tree or a forest.

    Examples
    --------
    >>> s = [Stage(3, 1, 2, external_inbound_cst=1, safety_factor=1),
    ...      Stage(2, 0, 4, safety_factor=1),
    ...      Stage(1, 1, 7, demand_sd=1, external_outbound_cst=1, safety_factor=1)]
    >>> r = gsm_tree(s, [(3, 2), (2, 1)])
    >>> r.committed_service_times, round(r.cost, 6)
    ({3: 0, 2: 0, 1: 1}, 2.828427)
    """
    net = _Network(stages, edges)
    cst = np.zeros(net.n, dtype=np.int64)
    for component in net.components():
        _solve_component(net, component, cst)
    return _result(net, cst)


class _Network:
    def __init__(self, stages: Sequence[Stage], edges: Sequence[tuple[Hashable, Hashable]]):
        self.names = [s.name for s in stages]
        if len(set(self.names)) != len(self.names):
            raise ValueError("stage names must be unique")
        index = {name: i for i, name in enumerate(self.names)}
        self.n = len(stages)
        self.T = np.array([_whole("processing_time", s) for s in stages], dtype=np.int64)
        self.ext_in = np.array([_whole("external_inbound_cst", s) for s in stages], dtype=np.int64)
        self.ext_out = np.array(
            [
                np.iinfo(np.int64).max
                if s.external_outbound_cst is None
                else _whole("external_outbound_cst", s)
                for s in stages
            ],
            dtype=np.int64,
        )
        self.h = np.array(
            [nonnegative(f"holding_cost of {s.name!r}", s.holding_cost) for s in stages]
        )
        self.z = np.array(
            [nonnegative(f"safety_factor of {s.name!r}", s.safety_factor) for s in stages]
        )
        self.preds: list[list[int]] = [[] for _ in stages]
        self.succs: list[list[int]] = [[] for _ in stages]
        for origin, dest in edges:
            for end in (origin, dest):
                if end not in index:
                    raise ValueError(f"edge ({origin!r}, {dest!r}) names an unknown stage {end!r}")
            self.succs[index[origin]].append(index[dest])
            self.preds[index[dest]].append(index[origin])
        self.neighbours = [p + s for p, s in zip(self.preds, self.succs, strict=True)]
        self.order = self._topological()
        mean = np.array([nonnegative(f"demand_mean of {s.name!r}", s.demand_mean) for s in stages])
        var = np.array([nonnegative(f"demand_sd of {s.name!r}", s.demand_sd) ** 2 for s in stages])
        for k in reversed(self.order):
            for i in self.preds[k]:
                mean[i] += mean[k]
                var[i] += var[k]
        self.mean, self.sd = mean, np.sqrt(var)
        longest = np.zeros(self.n, dtype=np.int64)
        for k in self.order:
            upstream = max((longest[i] for i in self.preds[k]), default=0)
            longest[k] = self.T[k] + max(upstream, self.ext_in[k])
        self.longest = longest

    def _topological(self) -> list[int]:
        indegree = [len(p) for p in self.preds]
        ready = [k for k in range(self.n) if indegree[k] == 0]
        order: list[int] = []
        while ready:
            k = ready.pop()
            order.append(k)
            for j in self.succs[k]:
                indegree[j] -= 1
                if indegree[j] == 0:
                    ready.append(j)
        if len(order) != self.n:
            raise ValueError(
                "the network has a directed cycle; the guaranteed-service DP needs a tree"
            )
        return order

    def components(self) -> list[list[int]]:
        """Stages of each connected component in a Graves–Willems labelling (each stage
        but the last has exactly one neighbour later in the list)."""
        seen = np.zeros(self.n, dtype=bool)
        out = []
        for start in range(self.n):
            if seen[start]:
                continue
            members, stack = [], [start]
            seen[start] = True
            while stack:
                k = stack.pop()
                members.append(k)
                for j in self.neighbours[k]:
                    if not seen[j]:
                        seen[j] = True
                        stack.append(j)
            n_edges = sum(len(self.succs[k]) for k in members)
            if n_edges != len(members) - 1:
                raise ValueError(
                    f"the stages connected to {self.names[start]!r} form no tree "
                    f"({len(members)} stages, {n_edges} edges); the DP needs a tree"
                )
            out.append(_leaf_order(members, self.neighbours))
        return out


def _whole(field: str, stage: Stage) -> int:
    value = getattr(stage, field)
    if value is None or value < 0 or value != int(value):
        raise ValueError(
            f"{field} of stage {stage.name!r} must be a whole number >= 0, got {value!r}"
        )
    return int(value)


def _leaf_order(members: list[int], neighbours: list[list[int]]) -> list[int]:
    degree = {k: len(neighbours[k]) for k in members}
    leaves = [k for k in members if degree[k] <= 1]
    done: set[int] = set()
    order = []
    while leaves:
        k = leaves.pop()
        if k in done:
            continue
        done.add(k)
        order.append(k)
        for j in neighbours[k]:
            if j not in done:
                degree[j] -= 1
                if degree[j] == 1 or (degree[j] == 0 and len(done) == len(members) - 1):
                    leaves.append(j)
    return order


def _solve_component(net: _Network, order: list[int], cst: np.ndarray) -> None:
    top = int(max(net.longest[k] for k in order))
    times = np.arange(top + 1)
    rank = {k: r for r, k in enumerate(order)}
    f: dict[int, np.ndarray] = {}  # stage -> min cost of its subtree given its S
    g: dict[int, np.ndarray] = {}  # stage -> ... given its SI
    best_si: dict[int, np.ndarray] = {}
    best_s: dict[int, np.ndarray] = {}
    pref_arg: dict[int, np.ndarray] = {}  # for an upstream stage i: argmin_{x <= SI} f_i(x)
    suf_arg: dict[int, np.ndarray] = {}  # for a downstream stage j: argmin_{y >= S} g_j(y)
    final = None
    for k in order:
        cost = _stage_cost(net, k, times)  # S x SI
        for i in net.preds[k]:
            if rank[i] < rank[k]:
                vals, arg = _prefix_min(f[i])
                pref_arg[i] = arg
                cost = cost + vals[None, :]
        for j in net.succs[k]:
            if rank[j] < rank[k]:
                vals, arg = _suffix_min(g[j])
                suf_arg[j] = arg
                cost = cost + vals[:, None]
        later = [j for j in net.neighbours[k] if rank[j] > rank[k]]
        if not later:
            final = cost
            continue
        if later[0] in net.succs[k]:  # the later neighbour is downstream: f_k(S)
            best_si[k] = np.argmin(cost, axis=1)
            f[k] = cost[times, best_si[k]]
        else:  # the later neighbour is upstream: g_k(SI)
            best_s[k] = np.argmin(cost, axis=0)
            g[k] = cost[best_s[k], times]
    assert final is not None
    last = order[-1]
    s_last, si_last = np.unravel_index(int(np.argmin(final)), final.shape)
    if not np.isfinite(final[s_last, si_last]):
        raise ValueError("no feasible committed service times: check external_outbound_cst")
    chosen_s, chosen_si = {last: int(s_last)}, {last: int(si_last)}
    for k in reversed(order):
        for i in net.preds[k]:
            if rank[i] < rank[k]:
                chosen_s[i] = int(pref_arg[i][chosen_si[k]])
                chosen_si[i] = int(best_si[i][chosen_s[i]])
        for j in net.succs[k]:
            if rank[j] < rank[k]:
                chosen_si[j] = int(suf_arg[j][chosen_s[k]])
                chosen_s[j] = int(best_s[j][chosen_si[j]])
    for k in order:
        cst[k] = chosen_s[k]


def _stage_cost(net: _Network, k: int, times: np.ndarray) -> np.ndarray:
    """``h z σ sqrt(SI_eff + T - S)`` over S (rows) x SI (columns); inf where infeasible."""
    s, si = times[:, None], times[None, :]
    si_eff = np.maximum(si, net.ext_in[k])
    nlt = si_eff + net.T[k] - s
    feasible = (nlt >= 0) & (s <= net.ext_out[k]) & (si <= net.longest[k] - net.T[k])
    if not net.preds[k]:
        feasible &= si == 0  # no supplier in the network: SI is the external one
    with np.errstate(invalid="ignore"):
        cost = net.h[k] * net.z[k] * net.sd[k] * np.sqrt(np.maximum(nlt, 0))
    return np.where(feasible, cost, np.inf)


def _prefix_min(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    running = np.minimum.accumulate(values)
    idx = np.where(values == running, np.arange(values.size), 0)
    return running, np.maximum.accumulate(idx)


def _suffix_min(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    vals, arg = _prefix_min(values[::-1])
    return vals[::-1], values.size - 1 - arg[::-1]


def _result(net: _Network, cst: np.ndarray) -> GSMResult:
    inbound = np.array(
        [max([net.ext_in[k]] + [int(cst[i]) for i in net.preds[k]]) for k in range(net.n)]
    )
    nlt = inbound + net.T - cst
    safety = net.z * net.sd * np.sqrt(nlt)
    frame = pd.DataFrame(
        {
            "committed_service_time": cst,
            "inbound_service_time": inbound,
            "net_lead_time": nlt,
            "net_demand_mean": net.mean,
            "net_demand_sd": net.sd,
            "safety_stock": safety,
            "base_stock_level": net.mean * nlt + safety,
            "safety_stock_cost": net.h * safety,
        },
        index=pd.Index(net.names, name="stage"),
    )
    return GSMResult(frame, float(frame["safety_stock_cost"].sum()))


def gsm_cost(stages: Sequence[Stage], edges, committed_service_times: dict) -> float:
    """Safety-stock holding cost of given committed service times [currency / period]."""
    net = _Network(stages, edges)
    cst = np.array([int(committed_service_times[name]) for name in net.names])
    return _result(net, cst).cost
