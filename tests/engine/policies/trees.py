"""Random guaranteed-service trees, as our stages and as a stockpyl network (for tests and
benchmarks)."""

from __future__ import annotations

import numpy as np

from stockwise.engine.policies import Stage


def random_tree(n: int, seed: int):
    """``n`` stages joined at random into one tree with both assembly and distribution
    edges; demand at every stage without customers. Returns ``(stages, edges, stockpyl
    network)``."""
    from stockpyl.supply_chain_network import network_from_edges

    rng = np.random.default_rng(seed)
    edges = []
    for k in range(2, n + 1):
        j = int(rng.integers(1, k))
        edges.append((j, k) if rng.random() < 0.7 else (k, j))
    has_customer = {origin for origin, _ in edges}
    has_supplier = {dest for _, dest in edges}
    nodes = range(1, n + 1)
    processing = {k: int(rng.integers(0, 6)) for k in nodes}
    holding = {k: round(float(rng.uniform(0.1, 2.0)), 3) for k in nodes}
    sinks = [k for k in nodes if k not in has_customer]
    mean = {k: round(float(rng.uniform(5, 50)), 1) for k in sinks}
    sd = {k: round(float(rng.uniform(1, 10)), 2) for k in sinks}
    outbound = {k: int(rng.integers(0, 3)) for k in sinks}
    inbound = {k: int(rng.integers(0, 2)) for k in nodes if k not in has_supplier}
    z = 1.6448536269514722
    stages = [
        Stage(
            k,
            processing[k],
            holding[k],
            demand_mean=mean.get(k, 0.0),
            demand_sd=sd.get(k, 0.0),
            safety_factor=z,
            external_inbound_cst=inbound.get(k, 0),
            external_outbound_cst=outbound.get(k),
        )
        for k in nodes
    ]
    network = network_from_edges(
        edges,
        processing_time=processing,
        local_holding_cost=holding,
        demand_bound_constant=z,
        external_inbound_cst=inbound,
        external_outbound_cst=outbound,
        demand_type={k: ("N" if k in mean else None) for k in nodes},
        mean=mean,
        standard_deviation=sd,
    )
    return stages, edges, network
