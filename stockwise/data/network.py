"""The supply network: locations joined by lanes, a directed acyclic graph."""

from __future__ import annotations

from collections.abc import Iterable
from graphlib import CycleError, TopologicalSorter

from stockwise.data.model import Lane, Location


class NetworkError(ValueError):
    """The lanes do not form a DAG fed by suppliers."""


class Network:
    """Locations and lanes, with the graph queries the engine needs.

    Raises ``NetworkError`` when a lane names an unknown location or the lanes form a cycle.
    Stock enters at source locations (suppliers and plants) and flows along lanes.

    >>> from stockwise.data.model import Location, LocationKind, Lane
    >>> net = Network(
    ...     [Location("S", LocationKind.SUPPLIER), Location("D", LocationKind.DC),
    ...      Location("R", LocationKind.STORE)],
    ...     [Lane("S", "D", 2.0), Lane("D", "R", 1.0)],
    ... )
    >>> net.order
    ('S', 'D', 'R')
    >>> net.has_supply_path("R")
    True
    """

    def __init__(self, locations: Iterable[Location], lanes: Iterable[Lane]) -> None:
        self.locations: tuple[Location, ...] = tuple(locations)
        self.lanes: tuple[Lane, ...] = tuple(lanes)
        self._by_name = {loc.location: loc for loc in self.locations}
        for lane in self.lanes:
            for end in lane.key:
                if end not in self._by_name:
                    raise NetworkError(f"lane {lane.origin}->{lane.destination}: unknown {end!r}")
        cycle = find_cycle(self.lanes)
        if cycle:
            raise NetworkError("lanes form a cycle: " + " -> ".join(cycle))
        graph = {loc.location: set() for loc in self.locations}
        for lane in self.lanes:
            graph[lane.destination].add(lane.origin)
        self.order: tuple[str, ...] = tuple(TopologicalSorter(graph).static_order())

    def __repr__(self) -> str:
        return f"Network({len(self.locations)} locations, {len(self.lanes)} lanes)"

    def location(self, name: str) -> Location:
        return self._by_name[name]

    @property
    def sources(self) -> tuple[str, ...]:
        """Suppliers and plants, where stock enters the network."""
        return tuple(loc.location for loc in self.locations if loc.is_source)

    def inbound(self, name: str) -> tuple[Lane, ...]:
        """Lanes that deliver to ``name``."""
        return tuple(lane for lane in self.lanes if lane.destination == name)

    def outbound(self, name: str) -> tuple[Lane, ...]:
        """Lanes that ship from ``name``."""
        return tuple(lane for lane in self.lanes if lane.origin == name)

    def has_supply_path(self, name: str) -> bool:
        """Whether stock can reach ``name`` from some source location."""
        return name in supplied_locations(self.locations, self.lanes)

    def depth(self, name: str) -> int:
        """Number of lanes on the longest path from a source to ``name`` (echelon depth)."""
        depth: dict[str, int] = {}
        for node in self.order:
            ins = self.inbound(node)
            depth[node] = 1 + max((depth[lane.origin] for lane in ins), default=-1)
        return depth[name]


def find_cycle(lanes: Iterable[Lane]) -> list[str] | None:
    """A cycle among the lanes as ``[a, b, ..., a]``, or ``None`` when they form a DAG."""
    graph: dict[str, set[str]] = {}
    for lane in lanes:
        graph.setdefault(lane.destination, set()).add(lane.origin)
        graph.setdefault(lane.origin, set())
    try:
        tuple(TopologicalSorter(graph).static_order())
    except CycleError as err:
        # graphlib lists the cycle with each node an immediate predecessor (origin) of the next.
        return list(err.args[1])
    return None


def supplied_locations(locations: Iterable[Location], lanes: Iterable[Lane]) -> set[str]:
    """Names of the locations that stock can reach from a source (sources included)."""
    lanes = tuple(lanes)
    reached = {loc.location for loc in locations if loc.is_source}
    frontier = list(reached)
    while frontier:
        node = frontier.pop()
        for lane in lanes:
            if lane.origin == node and lane.destination not in reached:
                reached.add(lane.destination)
                frontier.append(lane.destination)
    return reached
