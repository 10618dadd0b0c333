"""``SimNetwork``: a dataset packed into the plain arrays the simulation kernel reads.

Layout: ``locations`` (N) in topological order (sources first), ``items`` (I) and
``lanes`` (L) in dataset order. Graph adjacency is stored as CSR (``ptr``/``idx``) arrays,
the packed layout of statsforecast's panel driver.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from stockwise.data import Dataset, Lane


@dataclass(frozen=True, eq=False)
class SimNetwork:
    """Arrays describing one network for the simulator.

    is_source : bool ``N``; sources (suppliers, plants) have unlimited stock
    lane_origin, lane_dest : int ``L`` location index of each lane's ends
    order_lane : int ``N`` the lane a location's policy orders on (its first inbound lane in
        dataset order; ``-1`` for sources). A plan may order on any inbound lane.
    in_ptr, in_idx / out_ptr, out_idx : CSR lists of inbound / outbound lanes per location
    desc_ptr, desc_idx : CSR list of each location and everything downstream of it (echelon)
    unit_cost : [currency / unit] ``I``, purchase cost paid when a source ships
    holding : [currency / unit / period] ``N x I`` on end-of-period on hand
    transit_holding : [currency / unit / period] ``N x I`` on units in transit into a location
    penalty : [currency / unit] ``N x I`` per unit backordered per period, or per lost unit
    price : [currency / unit] ``I`` revenue per unit served to customers (0 when unknown)
    volume : [volume / unit] ``I``
    transport, fixed_order : [currency / unit], [currency / order] ``L``
    lead_mean, lead_sd : [periods] ``L``
    lane_capacity : [units / period] ``L`` (``inf``: none)
    storage_capacity : [volume] ``N`` (``inf``: none)
    supply_capacity : [units / period] ``N`` shipped by a source, all lanes and items (``inf``)
    budget : [currency / period] ``B >= 1`` purchase budget of periods ``0 .. B - 1``
        (0-based), shared by all sources and spent when they ship (units x ``unit_cost``);
        the last entry also applies to every later period (``inf``: none). See
        :meth:`budgets` for one entry per simulated period.
    on_hand, backorders : [units] ``N x I`` at the start of period 0
    on_order : [units] ``N x I x A`` arriving at the start of periods ``0 .. A-1``
    """

    locations: tuple[str, ...]
    items: tuple[str, ...]
    lanes: tuple[Lane, ...]
    is_source: np.ndarray
    lane_origin: np.ndarray
    lane_dest: np.ndarray
    order_lane: np.ndarray
    in_ptr: np.ndarray
    in_idx: np.ndarray
    out_ptr: np.ndarray
    out_idx: np.ndarray
    desc_ptr: np.ndarray
    desc_idx: np.ndarray
    unit_cost: np.ndarray
    holding: np.ndarray
    transit_holding: np.ndarray
    penalty: np.ndarray
    price: np.ndarray
    volume: np.ndarray
    transport: np.ndarray
    fixed_order: np.ndarray
    lead_mean: np.ndarray
    lead_sd: np.ndarray
    lane_capacity: np.ndarray
    storage_capacity: np.ndarray
    supply_capacity: np.ndarray
    on_hand: np.ndarray
    backorders: np.ndarray
    on_order: np.ndarray
    budget: np.ndarray = field(default_factory=lambda: np.full(1, np.inf))

    def budgets(self, periods: int) -> np.ndarray:
        """[currency] float ``periods``: the purchase budget of each simulated period."""
        b = np.asarray(self.budget, dtype=float)
        out = np.full(int(periods), b[-1])
        head = min(len(b), int(periods))
        out[:head] = b[:head]
        return out

    @property
    def n_locations(self) -> int:
        return len(self.locations)

    @property
    def n_items(self) -> int:
        return len(self.items)

    def location_index(self, name: str) -> int:
        return self.locations.index(name)

    def item_index(self, name: str) -> int:
        return self.items.index(name)

    def lane_index(self, origin: str, destination: str) -> int:
        for j, lane in enumerate(self.lanes):
            if lane.key == (origin, destination):
                return j
        raise KeyError(f"no lane {origin}->{destination}")

    @property
    def stocking(self) -> np.ndarray:
        """Indices of the locations that hold stock (not sources)."""
        return np.flatnonzero(~self.is_source)


def _csr(groups: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
    ptr = np.zeros(len(groups) + 1, dtype=np.int64)
    ptr[1:] = np.cumsum([len(g) for g in groups])
    idx = np.array([x for g in groups for x in g], dtype=np.int64)
    return ptr, idx


def pack(dataset: Dataset) -> SimNetwork:
    """Pack ``dataset`` for the kernel: every cost from the item, the same at every location;
    the purchase budgets of ``dataset.constraints`` (``budget_for(t + 1)`` for period ``t``).

    Raises ``ValueError`` naming the lane when a lane delivers to a source or a stocking
    location has no inbound lane.

    >>> from stockwise.data.sample import generate
    >>> net = pack(generate(0))
    >>> net.locations[0], net.holding.shape
    ('SUPPLIER', (15, 40))
    """
    network = dataset.network
    locations = network.order
    index = {name: n for n, name in enumerate(locations)}
    items = tuple(it.item for it in dataset.items)
    item_index = {name: i for i, name in enumerate(items)}
    lanes = dataset.lanes
    n_loc, n_items = len(locations), len(items)
    is_source = np.array([dataset.location(name).is_source for name in locations])
    for lane in lanes:
        if is_source[index[lane.destination]]:
            raise ValueError(f"lane {lane.origin}->{lane.destination}: delivers to a source")
    inbound = [[j for j, ln in enumerate(lanes) if ln.destination == name] for name in locations]
    outbound = [[j for j, ln in enumerate(lanes) if ln.origin == name] for name in locations]
    for n, name in enumerate(locations):
        if not is_source[n] and not inbound[n]:
            raise ValueError(f"location {name}: no inbound lane, stock can never arrive")
    children = [[index[lanes[j].destination] for j in outbound[n]] for n in range(n_loc)]
    descendants: list[list[int]] = [[] for _ in range(n_loc)]
    for n in range(n_loc - 1, -1, -1):  # reverse topological: children are done
        seen = {n}
        for c in children[n]:
            seen.update(descendants[c])
        descendants[n] = sorted(seen)
    in_ptr, in_idx = _csr(inbound)
    out_ptr, out_idx = _csr(outbound)
    desc_ptr, desc_idx = _csr(descendants)

    holding_item = np.array([it.holding_cost for it in dataset.items], dtype=float)
    penalty_item = np.array([it.shortage_penalty for it in dataset.items], dtype=float)
    on_hand = np.zeros((n_loc, n_items))
    backorders = np.zeros((n_loc, n_items))
    for p in dataset.inventory.positions:
        on_hand[index[p.location], item_index[p.item]] += p.on_hand
        backorders[index[p.location], item_index[p.item]] += p.backorders
    horizon = max((o.arrival_period for o in dataset.inventory.on_order), default=0)
    on_order = np.zeros((n_loc, n_items, max(horizon, 1)))
    for o in dataset.inventory.on_order:
        if o.arrival_period >= 1:
            on_order[index[o.location], item_index[o.item], o.arrival_period - 1] += o.quantity

    def cap(value: float | None) -> float:
        return np.inf if value is None else float(value)

    # budgets of 1-based planning periods 1 .. P (P: the last one named), then one for all
    constraints = dataset.constraints
    named = max((b.period for b in constraints.budgets if b.period is not None), default=0)
    budget = np.array([cap(constraints.budget_for(t + 1)) for t in range(max(named, 0) + 1)])

    return SimNetwork(
        locations=locations,
        items=items,
        lanes=lanes,
        is_source=is_source,
        lane_origin=np.array([index[ln.origin] for ln in lanes], dtype=np.int64),
        lane_dest=np.array([index[ln.destination] for ln in lanes], dtype=np.int64),
        order_lane=np.array([g[0] if g else -1 for g in inbound], dtype=np.int64),
        in_ptr=in_ptr,
        in_idx=in_idx,
        out_ptr=out_ptr,
        out_idx=out_idx,
        desc_ptr=desc_ptr,
        desc_idx=desc_idx,
        unit_cost=np.array([it.unit_cost for it in dataset.items], dtype=float),
        holding=np.tile(holding_item, (n_loc, 1)),
        transit_holding=np.zeros((n_loc, n_items)),
        penalty=np.tile(penalty_item, (n_loc, 1)),
        price=np.array([0.0 if it.price is None else it.price for it in dataset.items]),
        volume=np.array([it.volume for it in dataset.items], dtype=float),
        transport=np.array([ln.transport_cost for ln in lanes], dtype=float),
        fixed_order=np.array([ln.fixed_order_cost for ln in lanes], dtype=float),
        lead_mean=np.array([ln.lead_time_mean for ln in lanes], dtype=float),
        lead_sd=np.array([ln.lead_time_sd for ln in lanes], dtype=float),
        lane_capacity=np.array([cap(ln.capacity) for ln in lanes]),
        storage_capacity=np.array([cap(dataset.location(n).storage_capacity) for n in locations]),
        supply_capacity=np.array(
            [
                cap(dataset.location(n).supply_capacity) if is_source[k] else np.inf
                for k, n in enumerate(locations)
            ]
        ),
        on_hand=on_hand,
        backorders=backorders,
        on_order=on_order,
        budget=budget,
    )
