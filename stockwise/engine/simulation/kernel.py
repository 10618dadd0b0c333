"""The Numba simulation kernel: plain arrays in, per-replication state and KPIs out.

One period, at every replication (replications run in parallel with ``prange``; each
writes only its own slice, so results do not depend on the thread count):

1. **Arrivals**: shipments due this period join the on-hand stock of their destination.
2. Locations are visited **downstream first** (reverse topological order). At each one:

   a. **Customers**: on-hand stock serves old backorders first, then this period's demand;
      what is left short is backordered or lost (``lost_sales``).
   b. **Shipping downstream** (internal orders are always backordered). Rationing rule: an
      item's on-hand stock is split over the outbound lanes that are up *in proportion to
      what each is owed*; then a lane over its capacity scales all its items down by the
      same factor; a source over its supply capacity scales all it ships the same way.
      What is not shipped stays owed. A shipment on lane ``l`` in period ``t`` arrives at
      the start of ``max(t + L, last arrival on l)`` with ``L >= 1`` the period's lead-time
      draw: **orders never cross** on a lane.
   c. **Review and ordering** by the policy (kind codes below) on the inventory position
      ``on hand - backorders + in transit + owed to it - owed by it`` (installation) or
      the sum of that over the location and everything downstream (echelon). Storage
      capacity: the period's orders are scaled down to fit the space free *now* (capacity
      minus the volume on hand); stock in transit is not counted (it is consumed while it
      travels), so with several orders in transit a burst of arrivals can overfill the
      space. An order goes to the upstream location in the same period, which ships it in
      step b.

3. **Accounting** at the end of the period for periods ``t >= warmup``, discounted by
   ``discount**t``.

Policy kinds: 0 base stock (``p1`` = S), 1 (s, S) (``p1`` = s, ``p2`` = S), 2 (r, Q)
(``p1`` = r, ``p2`` = Q; orders the multiple of Q that lifts the position above r),
3 (R, S) (``p1`` = S, review every ``review`` periods), 4 follow ``plan`` (units per lane
and item each period). NaN parameters mean "do not stock".
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

BASE_STOCK, S_S, R_Q, R_S, PLAN = 0, 1, 2, 3, 4

# KPI columns of ``kpi[r, n, i, :]`` (sums over the counted periods, costs discounted).
DEMAND, FILLED, SERVED, LOST, STOCKOUT, ON_HAND, PIPELINE, BACKLOG = range(8)
HOLDING, SHORTAGE, PURCHASE, TRANSPORT, REVENUE, RECEIVED, PERIODS = range(8, 15)
N_KPI = 15
# ``lane_kpi[r, l, :]``: ordering cost and number of orders; units shipped.
ORDER_COST, ORDERS, SHIPPED = range(3)
N_LANE_KPI = 3
# ``trace[r, t, n, i, :]`` (conservation checks): arrivals, shipped out, served, on hand,
# in transit into n.
N_TRACE = 5


@njit(cache=True, inline="always", error_model="numpy")
def _position(n, i, on_hand, backlog, transit, owed, in_ptr, in_idx, out_ptr, out_idx):
    """Installation inventory position [units] of item ``i`` at location ``n``."""
    ip = on_hand[n, i] - backlog[n, i] + transit[n, i]
    for k in range(in_ptr[n], in_ptr[n + 1]):
        ip += owed[in_idx[k], i]
    for k in range(out_ptr[n], out_ptr[n + 1]):
        ip -= owed[out_idx[k], i]
    return ip


@njit(cache=True, inline="always", error_model="numpy")
def _ship(n, r, t, is_source, lane_dest, out_ptr, out_idx, lane_cap, supply_cap, lead, lane_up,
          unit_cost, transport, on_hand, owed, pipe, transit, last_arr, alloc, kpi, lane_kpi,
          trace, count, disc):  # fmt: skip
    """Ship what location ``n`` owes downstream, rationed (see module docstring)."""
    n_items = on_hand.shape[1]
    width = pipe.shape[0]
    lo, hi = out_ptr[n], out_ptr[n + 1]
    if lo == hi:
        return
    source = is_source[n]
    for i in range(n_items):
        claim = 0.0
        for k in range(lo, hi):
            if lane_up[r, t, out_idx[k]]:
                claim += owed[out_idx[k], i]
        frac = 0.0
        if claim > 0.0:
            frac = 1.0 if source else min(1.0, max(on_hand[n, i], 0.0) / claim)
        for k in range(lo, hi):
            l = out_idx[k]  # noqa: E741
            alloc[l, i] = owed[l, i] * frac if lane_up[r, t, l] else 0.0
    total = 0.0
    for k in range(lo, hi):
        l = out_idx[k]  # noqa: E741
        lane_total = 0.0
        for i in range(n_items):
            lane_total += alloc[l, i]
        if lane_total > lane_cap[l]:
            scale = lane_cap[l] / lane_total
            for i in range(n_items):
                alloc[l, i] *= scale
            lane_total = lane_cap[l]
        total += lane_total
    supply_scale = 1.0
    if source and total > supply_cap[n]:
        supply_scale = supply_cap[n] / total
    for k in range(lo, hi):
        l = out_idx[k]  # noqa: E741
        dest = lane_dest[l]
        arrival = max(t + max(lead[r, t, l], 1), last_arr[l])
        shipped_any = False
        for i in range(n_items):
            q = alloc[l, i] * supply_scale
            if q <= 0.0:
                continue
            shipped_any = True
            owed[l, i] = owed[l, i] - q if q < owed[l, i] else 0.0
            if not source:
                on_hand[n, i] -= q
            pipe[arrival % width, dest, i] += q
            transit[dest, i] += q
            if trace.shape[0] > 0:
                trace[r, t, n, i, 1] += q
            if count:
                lane_kpi[r, l, SHIPPED] += q
                kpi[r, dest, i, TRANSPORT] += disc * q * transport[l]
                if source:
                    kpi[r, dest, i, PURCHASE] += disc * q * unit_cost[i]
        if shipped_any:
            last_arr[l] = arrival


@njit(cache=True, inline="always", error_model="numpy")
def _order(n, r, t, kind, p1, p2, review, echelon, plan, in_ptr, in_idx, out_ptr, out_idx,
           desc_ptr, desc_idx, order_lane, volume, storage_cap, fixed_order, on_hand, backlog,
           transit, owed, qty, lane_kpi, count, disc):  # fmt: skip
    """Review location ``n`` and place its orders on its inbound lanes."""
    n_items = on_hand.shape[1]
    lo, hi = in_ptr[n], in_ptr[n + 1]
    for k in range(lo, hi):
        for i in range(n_items):
            qty[in_idx[k], i] = 0.0
    placed = 0.0
    for i in range(n_items):
        if kind == PLAN:
            for k in range(lo, hi):
                q = plan[r, t, in_idx[k], i]
                if q > 0.0:
                    qty[in_idx[k], i] = q
                    placed += q * volume[i]
            continue
        level = p1[n, i]
        if level != level or (kind == R_S and t % review != 0):
            continue
        if echelon:
            ip = 0.0
            for m in range(desc_ptr[n], desc_ptr[n + 1]):
                ip += _position(
                    desc_idx[m], i, on_hand, backlog, transit, owed, in_ptr, in_idx, out_ptr,
                    out_idx,
                )  # fmt: skip
        else:
            ip = _position(n, i, on_hand, backlog, transit, owed, in_ptr, in_idx, out_ptr, out_idx)
        q = 0.0
        if kind == BASE_STOCK or kind == R_S:
            q = level - ip
        elif kind == S_S:
            if ip <= level:
                q = p2[n, i] - ip
        elif kind == R_Q:
            if ip <= level:
                q = p2[n, i] * (math.floor((level - ip) / p2[n, i]) + 1.0)
        if q > 0.0:
            qty[order_lane[n], i] = q
            placed += q * volume[i]
    if storage_cap[n] < np.inf and placed > 0.0:
        held = 0.0
        for i in range(n_items):
            held += max(on_hand[n, i], 0.0) * volume[i]
        room = max(storage_cap[n] - held, 0.0)
        if placed > room:
            scale = room / placed
            for k in range(lo, hi):
                for i in range(n_items):
                    qty[in_idx[k], i] *= scale
    for k in range(lo, hi):
        l = in_idx[k]  # noqa: E741
        ordered = False
        for i in range(n_items):
            if qty[l, i] > 0.0:
                owed[l, i] += qty[l, i]
                ordered = True
        if ordered and count:
            lane_kpi[r, l, ORDER_COST] += disc * fixed_order[l]
            lane_kpi[r, l, ORDERS] += 1.0


@njit(cache=True, error_model="numpy")
def _period(r, t, warmup, discount, lost_sales, is_source, lane_dest, order_lane, in_ptr, in_idx,
            out_ptr, out_idx, desc_ptr, desc_idx, unit_cost, holding, transit_holding, penalty,
            price, volume, transport, fixed_order, lane_cap, storage_cap, supply_cap, kind, p1,
            p2, review, echelon, plan, demand, dem_col, lead, lane_up, on_hand, backlog, owed,
            pipe, transit, last_arr, kpi, lane_kpi, track, traj, trace, alloc, qty,
            short):  # fmt: skip
    n_loc, n_items = on_hand.shape
    width = pipe.shape[0]
    count = t >= warmup
    disc = discount**t
    tracing = trace.shape[0] > 0
    slot = t % width
    for n in range(n_loc):
        for i in range(n_items):
            a = pipe[slot, n, i]
            if a != 0.0:
                on_hand[n, i] += a
                transit[n, i] -= a
                pipe[slot, n, i] = 0.0
                if count:
                    kpi[r, n, i, RECEIVED] += a
                if tracing:
                    trace[r, t, n, i, 0] = a
    for n in range(n_loc - 1, -1, -1):
        if not is_source[n]:
            for i in range(n_items):
                col = dem_col[n * n_items + i]
                d = demand[r, t, col] if col >= 0 else 0.0
                oh = on_hand[n, i]
                old = min(max(oh, 0.0), backlog[n, i])
                oh -= old
                new = min(max(oh, 0.0), d)
                oh -= new
                on_hand[n, i] = oh
                short[n, i] = d - new
                if lost_sales:
                    backlog[n, i] -= old
                else:
                    backlog[n, i] += d - new - old
                if tracing:
                    trace[r, t, n, i, 2] = old + new
                if count:
                    kpi[r, n, i, DEMAND] += d
                    kpi[r, n, i, FILLED] += new
                    kpi[r, n, i, SERVED] += old + new
                    kpi[r, n, i, REVENUE] += disc * price[i] * (old + new)
        _ship(n, r, t, is_source, lane_dest, out_ptr, out_idx, lane_cap, supply_cap, lead, lane_up,
              unit_cost, transport, on_hand, owed, pipe, transit, last_arr, alloc, kpi, lane_kpi,
              trace, count, disc)  # fmt: skip
        if not is_source[n]:
            _order(n, r, t, kind, p1, p2, review, echelon, plan, in_ptr, in_idx, out_ptr, out_idx,
                   desc_ptr, desc_idx, order_lane, volume, storage_cap, fixed_order, on_hand,
                   backlog, transit, owed, qty, lane_kpi, count, disc)  # fmt: skip
    for n in range(n_loc):
        if is_source[n]:
            continue
        for i in range(n_items):
            oh = on_hand[n, i]
            bl = backlog[n, i]
            if tracing:
                trace[r, t, n, i, 3] = oh
                trace[r, t, n, i, 4] = transit[n, i]
            if not count:
                continue
            owed_in = 0.0
            for k in range(in_ptr[n], in_ptr[n + 1]):
                owed_in += owed[in_idx[k], i]
            owed_out = 0.0
            for k in range(out_ptr[n], out_ptr[n + 1]):
                owed_out += owed[out_idx[k], i]
            lost = short[n, i] if lost_sales else 0.0
            kpi[r, n, i, ON_HAND] += oh
            kpi[r, n, i, PIPELINE] += transit[n, i] + owed_in
            kpi[r, n, i, BACKLOG] += bl
            kpi[r, n, i, LOST] += lost
            kpi[r, n, i, PERIODS] += 1.0
            if bl > 0.0 or lost > 0.0 or owed_out > 0.0:
                kpi[r, n, i, STOCKOUT] += 1.0
            kpi[r, n, i, HOLDING] += disc * (
                holding[n, i] * oh + transit_holding[n, i] * transit[n, i]
            )
            kpi[r, n, i, SHORTAGE] += disc * penalty[n, i] * (lost if lost_sales else bl)
    if traj.shape[1] > 0:
        for j in range(track.shape[0]):
            n, i = track[j] // n_items, track[j] % n_items
            traj[r, t, j] = on_hand[n, i] - backlog[n, i]


@njit(cache=True, error_model="numpy")
def _replication(r, t0, t1, warmup, discount, lost_sales, is_source, lane_dest, order_lane,
                 in_ptr, in_idx, out_ptr, out_idx, desc_ptr, desc_idx, unit_cost, holding,
                 transit_holding, penalty, price, volume, transport, fixed_order, lane_cap,
                 storage_cap, supply_cap, kind, p1, p2, review, echelon, plan, demand, dem_col,
                 lead, lane_up, on_hand, backlog, owed, pipe, transit, last_arr, kpi, lane_kpi,
                 track, traj, trace):  # fmt: skip
    """Periods ``t0 .. t1 - 1`` of replication ``r`` (its own state slices)."""
    n_loc, n_items = on_hand.shape
    n_lanes = owed.shape[0]
    alloc = np.zeros((n_lanes, n_items))
    qty = np.zeros((n_lanes, n_items))
    short = np.zeros((n_loc, n_items))
    for t in range(t0, t1):
        _period(r, t, warmup, discount, lost_sales, is_source, lane_dest, order_lane, in_ptr,
                in_idx, out_ptr, out_idx, desc_ptr, desc_idx, unit_cost, holding,
                transit_holding, penalty, price, volume, transport, fixed_order, lane_cap,
                storage_cap, supply_cap, kind, p1, p2, review, echelon, plan, demand, dem_col,
                lead, lane_up, on_hand, backlog, owed, pipe, transit, last_arr, kpi, lane_kpi,
                track, traj, trace, alloc, qty, short)  # fmt: skip


@njit(cache=True, parallel=True, error_model="numpy")
def run_kernel(t0, t1, warmup, discount, lost_sales, is_source, lane_dest, order_lane, in_ptr,
               in_idx, out_ptr, out_idx, desc_ptr, desc_idx, unit_cost, holding, transit_holding,
               penalty, price, volume, transport, fixed_order, lane_cap, storage_cap, supply_cap,
               kind, p1, p2, review, echelon, plan, demand, dem_col, lead, lane_up, on_hand,
               backlog, owed, pipe, transit, last_arr, kpi, lane_kpi, track, traj,
               trace):  # fmt: skip
    """Advance every replication from period ``t0`` to ``t1`` (state arrays are updated in
    place; the first axis of every state, KPI and random array is the replication)."""
    for r in prange(on_hand.shape[0]):
        _replication(r, t0, t1, warmup, discount, lost_sales, is_source, lane_dest, order_lane,
                     in_ptr, in_idx, out_ptr, out_idx, desc_ptr, desc_idx, unit_cost, holding,
                     transit_holding, penalty, price, volume, transport, fixed_order, lane_cap,
                     storage_cap, supply_cap, kind, p1, p2, review, echelon, plan, demand,
                     dem_col, lead, lane_up, on_hand[r], backlog[r], owed[r], pipe[r],
                     transit[r], last_arr[r], kpi, lane_kpi, track, traj, trace)  # fmt: skip
