"""Where each decision of the order-planning model sits among the model's columns.

Three variable blocks, in this order:

* ``order``: what is ordered on each lane. The first ``F`` periods (``first_stage``: the
  orders placed before the next re-plan) are one decision shared by every scenario,
  ``L x I x F``; later periods adapt to each scenario (recourse), ``S x L x I x (T - F)``.
* ``on_hand``: ``S x K x T`` stock at the end of each period, per stock key
  ``k = location * I + item``.
* ``short``: ``S x Kd x T`` at the demand keys ``Kd`` (the backlog with backorders, the
  units lost with lost sales).

:class:`Layout` turns between these blocks and index arrays, so no other module repeats
the arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, eq=False)
class Layout:
    """Sizes and column offsets of the planning model's variable blocks.

    n_scenarios (S), n_lanes (L), n_items (I), n_keys (K), horizon (T), first_stage (F)
    demand_keys : the stock keys with a ``short`` variable, ``Kd``
    order, on_hand, short : first column of each block in the model
    """

    n_scenarios: int
    n_lanes: int
    n_items: int
    n_keys: int
    horizon: int
    first_stage: int
    demand_keys: np.ndarray
    order: int = 0
    on_hand: int = 0
    short: int = 0

    @property
    def n_first(self) -> int:
        """Columns of the first-stage orders, ``L * I * F``."""
        return self.n_lanes * self.n_items * self.first_stage

    @property
    def n_order(self) -> int:
        """Columns of the ``order`` block: first stage, then recourse."""
        later = self.horizon - self.first_stage
        return self.n_first + self.n_scenarios * self.n_lanes * self.n_items * later

    @property
    def n_on_hand(self) -> int:
        return self.n_scenarios * self.n_keys * self.horizon

    @property
    def n_short(self) -> int:
        return self.n_scenarios * len(self.demand_keys) * self.horizon

    def order_columns(self) -> np.ndarray:
        """``S x L x I x T`` int: the column (within the ``order`` block) of the order each
        scenario places on each lane, item and period (first-stage columns repeat)."""
        s_n, l_n, i_n, t_n, f_n = (
            self.n_scenarios,
            self.n_lanes,
            self.n_items,
            self.horizon,
            self.first_stage,
        )
        cols = np.empty((s_n, l_n, i_n, t_n), dtype=np.int64)
        cols[:, :, :, :f_n] = np.arange(self.n_first).reshape(l_n, i_n, f_n)[None]
        later = t_n - f_n
        cols[:, :, :, f_n:] = self.n_first + np.arange(s_n * l_n * i_n * later).reshape(
            s_n, l_n, i_n, later
        )
        return cols

    def first_stage_columns(self) -> np.ndarray:
        """``L x I x F`` int: columns of the first-stage orders (within the block)."""
        return np.arange(self.n_first).reshape(self.n_lanes, self.n_items, self.first_stage)

    def on_hand_columns(self) -> np.ndarray:
        """``S x K x T`` int: columns of ``on_hand`` (within the block); also the balance row
        of each scenario, key and period."""
        return np.arange(self.n_on_hand).reshape(self.n_scenarios, self.n_keys, self.horizon)

    def short_columns(self) -> np.ndarray:
        """``S x Kd x T`` int: columns of ``short`` (within the block)."""
        return np.arange(self.n_short).reshape(
            self.n_scenarios, len(self.demand_keys), self.horizon
        )

    # ---- reading a solution ---------------------------------------------------------------

    def orders(self, x: np.ndarray) -> np.ndarray:
        """[units] ``S x L x I x T`` orders of every scenario (first stage repeated)."""
        block = np.asarray(x)[self.order : self.order + self.n_order]
        return np.maximum(block[self.order_columns()], 0.0)

    def first_stage_orders(self, x: np.ndarray) -> np.ndarray:
        """[units] ``L x I x F`` the orders decided now."""
        block = np.asarray(x)[self.order : self.order + self.n_first]
        return np.maximum(block.reshape(self.n_lanes, self.n_items, self.first_stage), 0.0)

    def stock(self, x: np.ndarray) -> np.ndarray:
        """[units] ``S x K x T`` on hand at the end of each period."""
        block = np.asarray(x)[self.on_hand : self.on_hand + self.n_on_hand]
        return np.maximum(block.reshape(self.n_scenarios, self.n_keys, self.horizon), 0.0)

    def shortage(self, x: np.ndarray) -> np.ndarray:
        """[units] ``S x Kd x T`` backlog (backorders) or units lost (lost sales)."""
        block = np.asarray(x)[self.short : self.short + self.n_short]
        shape = (self.n_scenarios, len(self.demand_keys), self.horizon)
        return np.maximum(block.reshape(shape), 0.0)

    def item_of_columns(self, n_cols: int) -> np.ndarray:
        """The item of every column of the three blocks (``-1`` elsewhere), for solving the
        model item by item."""
        groups = np.full(n_cols, -1, dtype=np.int64)
        items = np.arange(self.n_items)
        cols = self.order_columns()
        groups[self.order + cols] = items[None, None, :, None]
        item_of_key = np.arange(self.n_keys) % self.n_items
        groups[self.on_hand + self.on_hand_columns()] = item_of_key[None, :, None]
        groups[self.short + self.short_columns()] = item_of_key[self.demand_keys][None, :, None]
        return groups
