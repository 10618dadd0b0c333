"""OR-Gym's InvManagement instance (Hubbs et al. 2020) in stockwise's data model.

The environment (``or_gym/envs/supply_chain/inventory_management.py``, v0 backlog, v1 lost
sales) is a serial chain: an unlimited raw-material source feeds stage 2, which feeds stage
1, which feeds the retailer; one product, Poisson(20) demand at the retailer, 30 periods,
discount 0.97. One period of the environment, in its order:

0. every stage asks its supplier for its order (whole units), plus in v0 what the supplier
   still owes it from earlier periods; the request is filled up to the lane's capacity and
   the supplier's stock *at the start of the period* (before this period's arrivals);
1. orders placed ``L`` periods ago arrive;
2. the retailer serves demand (plus the backlog, v0) from its stock; 3. what is short is
   backlogged (v0) or lost (v1), and so is the unfilled part of every replenishment
   request (v0: asked again next period, on top of the new order); 4. holding is charged
   on every stage's end stock.

Summed over the stages, internal sales and purchases cancel (each stage buys at the price
the next one upstream sells at, and pays only for what is filled), so the chain's profit
per period is ``2 * sold - 0.5 * raw filled - 0.10 * short - Σ k_i * unfilled_i - Σ h_i *
end stock_i``: item price 2, unit cost 0.5 paid when stage 2's raw material is filled,
shortage penalty 0.10 per unit at the retailer, and the supplier's penalty ``k_i`` (0.075
from stage 1, 0.05 from stage 2, 0.025 from the raw-material source) per unit of a
replenishment request left unfilled, in both versions; in v0 each period a unit stays
short or unfilled is penalised again (or-gym 0.5.0's ``_STEP``; an earlier version cut
unfilled requests silently).

stockwise's model has no unfilled requests: a plan's first-period orders keep within the
lane's capacity and the supplier's stock on hand (the state below puts nothing in transit
upstream due in the first period), so placed as whole units they are always filled and
those penalties never arise, nor does internal backlog. The state carries none: after a
request went unfilled (another policy's), v0 asks for it again whatever is ordered, so to
place a plan's orders ask for them less what is owed.

Timing in stockwise's planning model (and simulator) differs in one respect: a location
ships in the period stock arrives (arrivals first, then shipping). The mapping:

* the retailer's lane keeps the environment's lead time (its arrivals serve demand in the
  same period in both);
* an upstream stage's lane gets lead ``L + 1``: stock arriving in period ``a`` can leave the
  stage in ``a + 1`` at the earliest, in both models;
* that unit sits at the stage at the end of period ``a`` in the environment (holding
  ``h``) but is in transit in the model; the lane charges ``h * γ**L`` per unit ordered,
  paid in the ordering period ``t``, which is ``h * γ**(t + L)``: that holding exactly.
  Only units ordered so late that they arrive after the last period differ (the
  environment charges them nothing, the model the one period of holding);
* the state at the start of period ``n`` (before its arrivals): on hand is the stock the
  environment shows, backorders the customer backlog; an order placed in period ``m``
  arrives in planning period ``m + L (+1 upstream) - n + 1`` (1 = period ``n``); units that
  arrived in the environment are on hand, never on order.

Holding differs by stage (0.15 / 0.10 / 0.05: stock gains value downstream), which the
item's single holding rate cannot say: pass :func:`location_holding` to
``build_problem(..., location_holding_cost=...)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from stockwise.data.io import make_demand_frame
from stockwise.data.model import (
    Dataset,
    DemandHistory,
    InventoryState,
    Item,
    Lane,
    Location,
    LocationKind,
    OnOrder,
    StockPosition,
)

PRODUCT = "product"
SOURCE = "raw-material"
STAGES = ("retailer", "stage-1", "stage-2")  # downstream first, as the environment numbers them


@dataclass(frozen=True)
class InvManagement:
    """The environment's parameters (its defaults), per stage downstream first.

    periods : episode length; mean : Poisson demand per period [units]
    initial_stock : [units] on hand at the start; capacity : [units / period] what each
        stage can order per period; lead_time : [periods] from order to arrival
    price : [currency / unit] retail price; raw_cost : [currency / unit] raw material
    penalty : [currency / unit] per unit short at the retailer (per period backlogged, v0)
    holding : [currency / unit / period] on end-of-period stock
    """

    periods: int = 30
    mean: float = 20.0
    discount: float = 0.97
    initial_stock: tuple[float, ...] = (100.0, 100.0, 200.0)
    capacity: tuple[float, ...] = (100.0, 90.0, 80.0)
    lead_time: tuple[int, ...] = (3, 5, 10)
    price: float = 2.0
    raw_cost: float = 0.5
    penalty: float = 0.10
    holding: tuple[float, ...] = (0.15, 0.10, 0.05)

    def planning_lead_time(self, stage: int) -> int:
        """[periods] lead time of ``stage``'s lane in stockwise's timing (see module doc)."""
        return self.lead_time[stage] + (stage > 0)


def location_holding(instance: InvManagement) -> dict[str, float]:
    """[currency / unit / period] holding cost per stage, for ``build_problem``."""
    return dict(zip(STAGES, instance.holding, strict=True))


def lanes(instance: InvManagement) -> tuple[Lane, ...]:
    """The three lanes, in stage order (the retailer's first)."""
    suppliers = (*STAGES[1:], SOURCE)
    return tuple(
        Lane(
            origin=suppliers[i],
            destination=STAGES[i],
            lead_time_mean=float(instance.planning_lead_time(i)),
            transport_cost=(
                instance.holding[i] * instance.discount ** instance.lead_time[i] if i else 0.0
            ),
            capacity=instance.capacity[i],
        )
        for i in range(len(STAGES))
    )


def inventory_state(
    instance: InvManagement,
    period: int,
    stock: Sequence[float],
    orders: np.ndarray,
    backlog: float = 0.0,
) -> InventoryState:
    """The environment's state at the start of ``period`` (before its arrivals).

    stock : [units] on hand per stage; orders : [units] ``period x 3`` placed so far (as
    filled); backlog : [units] customer demand owed at the retailer
    """
    orders = np.asarray(orders, dtype=float).reshape(-1, len(STAGES))
    if len(orders) != period:
        raise ValueError(f"orders: need one row per past period ({period}), got {len(orders)}")
    positions = tuple(
        StockPosition(PRODUCT, name, float(stock[i]), float(backlog) if i == 0 else 0.0)
        for i, name in enumerate(STAGES)
    )
    on_order = []
    for i, name in enumerate(STAGES):
        for placed in range(period):
            arrives = placed + instance.lead_time[i]  # the environment's arrival period
            if arrives >= period and orders[placed, i] > 0:
                due = placed + instance.planning_lead_time(i) - period + 1
                on_order.append(OnOrder(PRODUCT, name, float(orders[placed, i]), due))
    return InventoryState(positions, tuple(on_order))


def dataset(
    instance: InvManagement = InvManagement(),
    state: InventoryState | None = None,
    history: Sequence[float] = (),
) -> Dataset:
    """The instance as a :class:`Dataset`: the network, the product, and ``state``
    (default: the environment's initial stock); ``history`` is the retailer's demand so far
    [units per period]."""
    item = Item(
        PRODUCT,
        unit_cost=instance.raw_cost,
        holding_cost_rate=instance.holding[0] / instance.raw_cost,
        shortage_penalty=instance.penalty,
        price=instance.price,
    )
    locations = (
        Location(SOURCE, LocationKind.SUPPLIER),
        *(Location(name, LocationKind.DC) for name in reversed(STAGES[1:])),
        Location(STAGES[0], LocationKind.STORE),
    )
    if state is None:
        state = InventoryState(
            tuple(
                StockPosition(PRODUCT, name, instance.initial_stock[i])
                for i, name in enumerate(STAGES)
            )
        )
    frame = pd.DataFrame(
        {
            "item": PRODUCT,
            "location": STAGES[0],
            "period": np.arange(len(history), dtype=np.int64),
            "quantity": np.asarray(history, dtype=float),
        }
    )
    return Dataset(
        items=(item,),
        locations=locations,
        lanes=lanes(instance),
        demand=DemandHistory(make_demand_frame(frame)),
        inventory=state,
    )
