"""Domain types: items, locations, lanes, demand history, inventory state, constraints.

All money is in the dataset's currency, all quantities in units of the item, all volumes
in the dataset's volume unit (m³ in the sample), and all times in periods (weeks in the
sample). A period is either an integer index or a calendar date (the start of the period).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
import pandas as pd


class LocationKind(StrEnum):
    """Role of a location in the network."""

    SUPPLIER = "supplier"
    PLANT = "plant"
    DC = "dc"
    STORE = "store"


class ServiceKind(StrEnum):
    """How a service-level target is measured.

    ``fill_rate``: share of demanded units served from stock (type 2, β service).
    ``cycle_service``: probability of no stock-out in a period (type 1, α service).
    """

    FILL_RATE = "fill_rate"
    CYCLE_SERVICE = "cycle_service"


@dataclass(frozen=True, slots=True)
class Item:
    """A stock-keeping unit.

    unit_cost : [currency / unit] purchase cost, c
    holding_cost_rate : [1 / period] share of ``unit_cost`` charged per unit held per period
    shortage_penalty : [currency / unit / period] cost of a unit short (backordered or lost), p
    price : [currency / unit] selling price, or ``None`` when not known
    volume : [volume / unit] storage space one unit takes
    case_pack : [units] orders are whole multiples of this
    moq : [units] minimum order quantity when an order is placed (0: none)
    """

    item: str
    unit_cost: float
    holding_cost_rate: float
    shortage_penalty: float
    volume: float = 0.0
    price: float | None = None
    case_pack: int = 1
    moq: float = 0.0
    category: str = ""

    @property
    def holding_cost(self) -> float:
        """Holding cost, h [currency / unit / period]."""
        return self.unit_cost * self.holding_cost_rate


@dataclass(frozen=True, slots=True)
class Location:
    """A node of the network.

    storage_capacity : [volume] space for all items together; ``None`` is unlimited
    supply_capacity : [units / period] what a supplier or plant can ship in a period, all
        items together; ``None`` is unlimited
    """

    location: str
    kind: LocationKind
    storage_capacity: float | None = None
    supply_capacity: float | None = None

    @property
    def is_source(self) -> bool:
        """Suppliers and plants are external sources of stock."""
        return self.kind in (LocationKind.SUPPLIER, LocationKind.PLANT)


@dataclass(frozen=True, slots=True)
class Lane:
    """A transport link from ``origin`` to ``destination``, used by every item.

    lead_time_mean : [periods] mean time from order to arrival, L
    lead_time_sd : [periods] standard deviation of the lead time, σ_L
    transport_cost : [currency / unit] cost per unit shipped
    fixed_order_cost : [currency / order] cost of placing an order on this lane, K
    capacity : [units / period] all items together; ``None`` is unlimited
    """

    origin: str
    destination: str
    lead_time_mean: float
    lead_time_sd: float = 0.0
    transport_cost: float = 0.0
    fixed_order_cost: float = 0.0
    capacity: float | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.origin, self.destination)


@dataclass(frozen=True, slots=True)
class ServiceTarget:
    """A service-level target for an item at a location (``None`` matches all).

    target : the fill rate or cycle service level to reach, in (0, 1)
    """

    kind: ServiceKind
    target: float
    item: str | None = None
    location: str | None = None


@dataclass(frozen=True, slots=True)
class Budget:
    """A purchase budget [currency] for one planning period (1-based), or every period."""

    amount: float
    period: int | None = None


@dataclass(frozen=True, slots=True)
class Constraints:
    """Budgets per period and service-level targets."""

    budgets: tuple[Budget, ...] = ()
    service_targets: tuple[ServiceTarget, ...] = ()

    def budget_for(self, period: int) -> float | None:
        """The purchase budget of 1-based planning ``period``; ``None`` is unlimited."""
        specific = [b.amount for b in self.budgets if b.period == period]
        if specific:
            return min(specific)
        general = [b.amount for b in self.budgets if b.period is None]
        return min(general) if general else None

    def service_target(self, item: str, location: str) -> ServiceTarget | None:
        """The most specific target that applies to ``item`` at ``location``."""
        best: tuple[int, ServiceTarget] | None = None
        for t in self.service_targets:
            if t.item not in (None, item) or t.location not in (None, location):
                continue
            score = (t.item is not None) * 2 + (t.location is not None)
            if best is None or score > best[0]:
                best = (score, t)
        return None if best is None else best[1]


DEMAND_COLUMNS = ("item", "location", "period", "quantity", "price", "promo")


@dataclass(frozen=True, eq=False)
class DemandHistory:
    """Tidy demand history: one row per item, location and period.

    ``frame`` has columns ``item`` (str), ``location`` (str), ``period`` (int64 index or
    datetime64 period start), ``quantity`` [units, float64], ``price`` [currency / unit,
    float64, NaN when unknown] and ``promo`` (bool), sorted by item, location, period.
    """

    frame: pd.DataFrame

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, DemandHistory):
            return NotImplemented
        return self.frame.reset_index(drop=True).equals(other.frame.reset_index(drop=True))

    __hash__ = None  # type: ignore[assignment]

    @property
    def series_keys(self) -> list[tuple[str, str]]:
        """The (item, location) pairs, in sorted order."""
        keys = self.frame[["item", "location"]].drop_duplicates()
        return list(keys.itertuples(index=False, name=None))

    @property
    def periods(self) -> pd.Index:
        """All periods present, sorted."""
        return pd.Index(np.sort(self.frame["period"].unique()))

    @property
    def has_dates(self) -> bool:
        return pd.api.types.is_datetime64_any_dtype(self.frame["period"])

    def to_matrix(self) -> tuple[list[tuple[str, str]], pd.Index, np.ndarray]:
        """Series keys, periods, and a ``series x periods`` quantity array (missing → 0)."""
        wide = self.frame.pivot_table(
            index=["item", "location"], columns="period", values="quantity", aggfunc="sum"
        ).fillna(0.0)
        keys = [tuple(k) for k in wide.index]
        return keys, pd.Index(wide.columns), wide.to_numpy(dtype=float)


@dataclass(frozen=True, slots=True)
class OnOrder:
    """Stock already ordered: ``quantity`` units of ``item`` arriving at ``location`` at the
    start of planning period ``arrival_period`` (1 = the first planning period)."""

    item: str
    location: str
    quantity: float
    arrival_period: int


@dataclass(frozen=True, slots=True)
class StockPosition:
    """On hand and backordered units of an item at a location at the start of planning."""

    item: str
    location: str
    on_hand: float
    backorders: float = 0.0


@dataclass(frozen=True, slots=True)
class InventoryState:
    """The inventory state the plan starts from."""

    positions: tuple[StockPosition, ...] = ()
    on_order: tuple[OnOrder, ...] = ()

    def on_hand(self, item: str, location: str) -> float:
        return sum(p.on_hand for p in self.positions if (p.item, p.location) == (item, location))

    def backorders(self, item: str, location: str) -> float:
        return sum(p.backorders for p in self.positions if (p.item, p.location) == (item, location))


@dataclass(frozen=True)
class Dataset:
    """Everything stockwise knows about one business: the network, history, state, limits."""

    items: tuple[Item, ...]
    locations: tuple[Location, ...]
    lanes: tuple[Lane, ...]
    demand: DemandHistory
    inventory: InventoryState = field(default_factory=InventoryState)
    constraints: Constraints = field(default_factory=Constraints)

    def item(self, name: str) -> Item:
        return self._items_by_name[name]

    def location(self, name: str) -> Location:
        return self._locations_by_name[name]

    @property
    def _items_by_name(self) -> dict[str, Item]:
        return {i.item: i for i in self.items}

    @property
    def _locations_by_name(self) -> dict[str, Location]:
        return {loc.location: loc for loc in self.locations}

    @property
    def network(self):  # -> Network (imported lazily to keep this module dependency-free)
        from stockwise.data.network import Network

        return Network(self.locations, self.lanes)
