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
      same factor; a source over its supply capacity scales all it ships the same way;
      then a source whose shipment would cost more (units x unit cost) than what is left
      of the period's **purchase budget** scales all it ships down, again by one factor,
      to spend exactly what is left. What is not shipped stays owed (it ships in later
      periods, as capacity and budget allow). Purchases are paid when a source ships. One
      budget per period is shared by all sources, first come first served in the order
      they are visited: the last location of the network's order first (so, of two
      sources, the one later in ``SimNetwork.locations`` is served first). A shipment on
      lane ``l`` in period ``t`` arrives at the start of ``max(t + L, last arrival on
      l)`` with ``L >= 1`` the period's lead-time draw: **orders never cross** on a lane.
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

**Random inputs**, per replication and period: a demand row ``J``, a lead time per lane
and whether each lane is up. Either pre-drawn (``R x T x ...`` arrays, e.g. forecast
sample paths), or drawn in the kernel (``parametric``) from the replication's own
xoshiro256** stream (:mod:`.rng`): normal demand truncated at 0 and rounded normal lead
times, so no ``R x T x J`` array is ever stored.

**Layout for speed**: replications run in parallel; within one, loops run over the items
of one location (contiguous rows, few branches, so LLVM can vectorise the simple ones), and
the KPIs are stored ``kpi[r, n, k, i]`` (a KPI row per location). Stores (one inbound
lane, no outbound lane) take a fused fast path (:func:`_leaf`) that does their arrivals,
customers, review and KPIs in one pass with the general path's arithmetic, so results are
the same either way (``simulate(fast_path=False)`` runs the general path; tested).
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from stockwise.engine.simulation.rng import draw_period

BASE_STOCK, S_S, R_Q, R_S, PLAN = 0, 1, 2, 3, 4

# KPI rows of ``kpi[r, n, :, i]`` (sums over the counted periods, costs discounted).
DEMAND, FILLED, SERVED, LOST, STOCKOUT, ON_HAND, PIPELINE, BACKLOG = range(8)
HOLDING, SHORTAGE, PURCHASE, TRANSPORT, REVENUE, RECEIVED, PERIODS = range(8, 15)
N_KPI = 15
# ``lane_kpi[r, l, :]``: ordering cost and number of orders; units shipped.
ORDER_COST, ORDERS, SHIPPED = range(3)
N_LANE_KPI = 3
# ``trace[r, t, n, i, :]`` (conservation checks): arrivals, shipped out, served, on hand,
# in transit into n.
N_TRACE = 5


@njit(cache=True, error_model="numpy", _nrt=False)
def _position(n, on_hand, backlog, transit, owed, in_ptr, in_idx, out_ptr, out_idx, out):
    """Installation inventory position [units] of every item at location ``n`` into
    ``out``."""
    n_items = on_hand.shape[1]
    for i in range(n_items):
        out[i] = on_hand[n, i] - backlog[n, i] + transit[n, i]
    for k in range(in_ptr[n], in_ptr[n + 1]):
        l = in_idx[k]  # noqa: E741
        for i in range(n_items):
            out[i] += owed[l, i]
    for k in range(out_ptr[n], out_ptr[n + 1]):
        l = out_idx[k]  # noqa: E741
        for i in range(n_items):
            out[i] -= owed[l, i]


@njit(cache=True, error_model="numpy", _nrt=False)
def _serve(n, r, t, lost_sales, price, dem, dem_col, on_hand, backlog, short, kpi, trace,
           count, disc):  # fmt: skip
    """Customers at location ``n``: old backorders first, then this period's demand."""
    n_items = on_hand.shape[1]
    base = n * n_items
    for i in range(n_items):
        col = dem_col[base + i]
        d = dem[col] if col >= 0 else 0.0
        oh = on_hand[n, i]
        bl = backlog[n, i]
        old = min(max(oh, 0.0), bl)
        oh -= old
        new = min(max(oh, 0.0), d)
        on_hand[n, i] = oh - new
        short[n, i] = d - new
        backlog[n, i] = bl - old if lost_sales else bl + (d - new - old)
        if count:
            kpi[r, n, DEMAND, i] += d
            kpi[r, n, FILLED, i] += new
            kpi[r, n, SERVED, i] += old + new
            kpi[r, n, REVENUE, i] += disc * price[i] * (old + new)
        if trace.shape[0] > 0:
            trace[r, t, n, i, 2] = old + new


@njit(cache=True, error_model="numpy", _nrt=False)
def _ship(n, r, t, is_source, lane_dest, out_ptr, out_idx, lane_cap, supply_cap, budget_left,
          lead, up, unit_cost, transport, on_hand, owed, pipe, transit, last_arr, alloc, claim,
          frac, kpi, lane_kpi, trace, count, disc):  # fmt: skip
    """Ship what location ``n`` owes downstream, rationed (see module docstring); a source
    spends at most ``budget_left`` [currency]. Returns what it spent (0 unless a source
    under a finite budget)."""
    lo, hi = out_ptr[n], out_ptr[n + 1]
    if lo == hi:
        return 0.0
    n_items = on_hand.shape[1]
    width = pipe.shape[0]
    source = is_source[n]
    for i in range(n_items):
        claim[i] = 0.0
    for k in range(lo, hi):
        l = out_idx[k]  # noqa: E741
        if up[l]:
            for i in range(n_items):
                claim[i] += owed[l, i]
    if source:
        for i in range(n_items):
            frac[i] = 1.0 if claim[i] > 0.0 else 0.0
    else:
        for i in range(n_items):
            c = claim[i]
            frac[i] = min(1.0, max(on_hand[n, i], 0.0) / c) if c > 0.0 else 0.0
    capped = source and supply_cap[n] < np.inf
    budgeted = source and budget_left < np.inf
    limited = capped or budgeted  # a capacity or budget to apply: allocate first, then scale
    for k in range(lo, hi):
        limited = limited or lane_cap[out_idx[k]] < np.inf
    total = 0.0
    money = 0.0
    for k in range(lo, hi if limited else lo):
        l = out_idx[k]  # noqa: E741
        if up[l]:
            for i in range(n_items):
                alloc[l, i] = owed[l, i] * frac[i]
        else:
            for i in range(n_items):
                alloc[l, i] = 0.0
        if lane_cap[l] < np.inf or capped:
            lane_total = 0.0
            for i in range(n_items):
                lane_total += alloc[l, i]
            if lane_total > lane_cap[l]:
                scale = lane_cap[l] / lane_total
                for i in range(n_items):
                    alloc[l, i] *= scale
                lane_total = lane_cap[l]
            total += lane_total
        if budgeted:
            for i in range(n_items):
                money += alloc[l, i] * unit_cost[i]
    supply_scale = supply_cap[n] / total if capped and total > supply_cap[n] else 1.0
    spent = 0.0
    if budgeted:  # one factor for every lane and item of the source, like supply capacity
        money *= supply_scale
        left = max(budget_left, 0.0)
        if money > left:
            supply_scale *= left / money
        spent = min(money, left)
    for k in range(lo, hi):
        l = out_idx[k]  # noqa: E741
        if not up[l]:  # nothing moves on a lane that is down
            continue
        dest = lane_dest[l]
        arrival = max(t + max(lead[l], 1), last_arr[l])
        slot = arrival % width
        if limited:
            for i in range(n_items):
                alloc[l, i] *= supply_scale
        else:
            for i in range(n_items):
                alloc[l, i] = owed[l, i] * frac[i]
        moved = 0
        for i in range(n_items):
            q = alloc[l, i]
            o = owed[l, i]
            owed[l, i] = o - q if q < o else 0.0
            pipe[slot, dest, i] += q
            transit[dest, i] += q
            moved += q > 0.0
        if moved == 0:
            continue
        last_arr[l] = arrival
        if not source:
            for i in range(n_items):
                on_hand[n, i] -= alloc[l, i]
        if trace.shape[0] > 0:
            for i in range(n_items):
                trace[r, t, n, i, 1] += alloc[l, i]
        if count:
            shipped = lane_kpi[r, l, SHIPPED]
            for i in range(n_items):
                shipped += alloc[l, i]
            lane_kpi[r, l, SHIPPED] = shipped
            for i in range(n_items):
                kpi[r, dest, TRANSPORT, i] += disc * alloc[l, i] * transport[l]
            if source:
                for i in range(n_items):
                    kpi[r, dest, PURCHASE, i] += disc * alloc[l, i] * unit_cost[i]
    return spent


@njit(cache=True, error_model="numpy", _nrt=False)
def _order(n, r, t, kind, p1, p2, review, echelon, plan, in_ptr, in_idx, out_ptr, out_idx,
           desc_ptr, desc_idx, order_lane, volume, storage_cap, fixed_order, on_hand, backlog,
           transit, owed, qty, ip, pos, lane_kpi, count, disc):  # fmt: skip
    """Review location ``n`` and place its orders on its inbound lanes."""
    n_items = on_hand.shape[1]
    lo, hi = in_ptr[n], in_ptr[n + 1]
    for k in range(lo, hi):
        l = in_idx[k]  # noqa: E741
        for i in range(n_items):
            qty[l, i] = 0.0
    if kind == PLAN:
        for k in range(lo, hi):
            l = in_idx[k]  # noqa: E741
            for i in range(n_items):
                q = plan[r, t, l, i]
                qty[l, i] = q if q > 0.0 else 0.0
    elif kind != R_S or t % review == 0:
        if echelon:
            for i in range(n_items):
                ip[i] = 0.0
            for m in range(desc_ptr[n], desc_ptr[n + 1]):
                _position(desc_idx[m], on_hand, backlog, transit, owed, in_ptr, in_idx, out_ptr,
                          out_idx, pos)  # fmt: skip
                for i in range(n_items):
                    ip[i] += pos[i]
        else:
            _position(n, on_hand, backlog, transit, owed, in_ptr, in_idx, out_ptr, out_idx, ip)
        lane = order_lane[n]
        if kind == BASE_STOCK or kind == R_S:  # NaN levels order nothing: NaN > 0 is False
            for i in range(n_items):
                q = p1[n, i] - ip[i]
                qty[lane, i] = q if q > 0.0 else 0.0
        elif kind == S_S:
            for i in range(n_items):
                q = p2[n, i] - ip[i] if ip[i] <= p1[n, i] else 0.0
                qty[lane, i] = q if q > 0.0 else 0.0
        else:  # R_Q
            for i in range(n_items):
                q = 0.0
                if ip[i] <= p1[n, i]:
                    q = p2[n, i] * (np.floor((p1[n, i] - ip[i]) / p2[n, i]) + 1.0)
                qty[lane, i] = q if q > 0.0 else 0.0
    if storage_cap[n] < np.inf:
        placed = 0.0
        for i in range(n_items):
            for k in range(lo, hi):
                placed += qty[in_idx[k], i] * volume[i]
        if placed > 0.0:
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
        ordered = 0
        for i in range(n_items):
            owed[l, i] += qty[l, i]
            ordered += qty[l, i] > 0.0
        if ordered and count:
            lane_kpi[r, l, ORDER_COST] += disc * fixed_order[l]
            lane_kpi[r, l, ORDERS] += 1.0


@njit(cache=True, error_model="numpy", _nrt=False)
def _account(n, r, lost_sales, in_ptr, in_idx, out_ptr, out_idx, holding, transit_holding,
             penalty, on_hand, backlog, owed, transit, short, owed_in, owed_out, kpi,
             disc):  # fmt: skip
    """End-of-period KPIs of location ``n`` (one KPI per loop: few arrays per loop, so
    LLVM vectorises them)."""
    n_items = on_hand.shape[1]
    for i in range(n_items):
        owed_in[i] = 0.0
        owed_out[i] = 0.0
    for k in range(in_ptr[n], in_ptr[n + 1]):
        l = in_idx[k]  # noqa: E741
        for i in range(n_items):
            owed_in[i] += owed[l, i]
    for k in range(out_ptr[n], out_ptr[n + 1]):
        l = out_idx[k]  # noqa: E741
        for i in range(n_items):
            owed_out[i] += owed[l, i]
    for i in range(n_items):
        kpi[r, n, ON_HAND, i] += on_hand[n, i]
    for i in range(n_items):
        kpi[r, n, PIPELINE, i] += transit[n, i] + owed_in[i]
    for i in range(n_items):
        kpi[r, n, BACKLOG, i] += backlog[n, i]
    for i in range(n_items):
        kpi[r, n, HOLDING, i] += disc * (
            holding[n, i] * on_hand[n, i] + transit_holding[n, i] * transit[n, i]
        )
    if lost_sales:
        for i in range(n_items):
            kpi[r, n, LOST, i] += short[n, i]
        for i in range(n_items):
            kpi[r, n, SHORTAGE, i] += disc * penalty[n, i] * short[n, i]
    else:
        for i in range(n_items):
            kpi[r, n, SHORTAGE, i] += disc * penalty[n, i] * backlog[n, i]
    for i in range(n_items):
        out = backlog[n, i] > 0.0 or owed_out[i] > 0.0 or (lost_sales and short[n, i] > 0.0)
        kpi[r, n, STOCKOUT, i] += 1.0 if out else 0.0


@njit(cache=True, inline="always", error_model="numpy")
def _leaf(n, r, t, slot, kind, p1, p2, review, lost_sales, price, penalty, fixed_order, volume,
          storage_cap, in_ptr, in_idx, dem, dem_col, on_hand, backlog, transit, owed, pipe, qty,
          short, kpi, lane_kpi, count, disc):  # fmt: skip
    """The fast path for a location with one inbound lane and no outbound lane (a store):
    arrivals, customers, review and the KPIs that shipping upstream cannot change in one
    pass over the items, then the storage limit and the orders; the general path's
    arithmetic in the same order, so the results are identical (tested)."""
    n_items = on_hand.shape[1]
    lane = in_idx[in_ptr[n]]
    base = n * n_items
    reviewing = kind != R_S or t % review == 0
    placed = 0.0
    held = 0.0
    for i in range(n_items):
        a = pipe[slot, n, i]
        pipe[slot, n, i] = 0.0
        oh = on_hand[n, i] + a
        tr = transit[n, i] - a
        transit[n, i] = tr
        col = dem_col[base + i]
        d = dem[col] if col >= 0 else 0.0
        bl = backlog[n, i]
        old = min(max(oh, 0.0), bl)
        oh -= old
        new = min(max(oh, 0.0), d)
        oh -= new
        bl = bl - old if lost_sales else bl + (d - new - old)
        sh = d - new
        on_hand[n, i] = oh
        backlog[n, i] = bl
        short[n, i] = sh
        q = 0.0
        if reviewing:
            ip = oh - bl + tr
            ip += owed[lane, i]
            level = p1[n, i]
            if kind == BASE_STOCK or kind == R_S:
                q = level - ip
            elif kind == S_S:
                q = p2[n, i] - ip if ip <= level else 0.0
            elif ip <= level:
                q = p2[n, i] * (np.floor((level - ip) / p2[n, i]) + 1.0)
            q = q if q > 0.0 else 0.0
        qty[lane, i] = q
        placed += q * volume[i]
        held += max(oh, 0.0) * volume[i]
        if count:
            kpi[r, n, RECEIVED, i] += a
            kpi[r, n, DEMAND, i] += d
            kpi[r, n, FILLED, i] += new
            kpi[r, n, SERVED, i] += old + new
            kpi[r, n, REVENUE, i] += disc * price[i] * (old + new)
            kpi[r, n, ON_HAND, i] += oh
            kpi[r, n, BACKLOG, i] += bl
            if lost_sales:
                kpi[r, n, LOST, i] += sh
                kpi[r, n, SHORTAGE, i] += disc * penalty[n, i] * sh
            else:
                kpi[r, n, SHORTAGE, i] += disc * penalty[n, i] * bl
            out = bl > 0.0 or (lost_sales and sh > 0.0)
            kpi[r, n, STOCKOUT, i] += 1.0 if out else 0.0
    room = max(storage_cap[n] - held, 0.0)
    if storage_cap[n] < np.inf and placed > 0.0 and placed > room:
        scale = room / placed
        for i in range(n_items):
            qty[lane, i] *= scale
    ordered = 0
    for i in range(n_items):
        owed[lane, i] += qty[lane, i]
        ordered += qty[lane, i] > 0.0
    if ordered and count:
        lane_kpi[r, lane, ORDER_COST] += disc * fixed_order[lane]
        lane_kpi[r, lane, ORDERS] += 1.0


# No reference counting in the period loop and its helpers (``_nrt=False``: nothing is
# allocated there): every array handed to an inlined helper cost an atomic incref/decref
# pair, a fifth of the kernel's time. Only the stores' fast path is inlined (by Numba);
# inlining the general path too cost 1.5x the compile time for no measurable speed.
@njit(cache=True, error_model="numpy", _nrt=False)
def _period(r, t, warmup, discount, lost_sales, is_source, lane_dest, order_lane, in_ptr, in_idx,
            out_ptr, out_idx, desc_ptr, desc_idx, unit_cost, holding, transit_holding, penalty,
            price, volume, transport, fixed_order, lane_cap, storage_cap, supply_cap, budget, kind,
            p1, p2, review, echelon, plan, leaf, dem, dem_col, lead, up, on_hand, backlog, owed,
            pipe, transit, last_arr, kpi, lane_kpi, track, traj, trace, alloc, qty, short, w0, w1,
            w2, w3):  # fmt: skip
    """Period ``t`` of replication ``r`` (``dem``, ``lead``, ``up``: its random inputs;
    ``budget[t]``: the period's purchase budget [currency], ``inf`` for none; ``leaf``:
    locations that may take the fast path of :func:`_leaf`; ``w0 .. w3``: scratch rows of
    the items' length)."""
    n_loc, n_items = on_hand.shape
    count = t >= warmup
    disc = discount**t
    tracing = trace.shape[0] > 0
    fast = not tracing and kind != PLAN
    slot = t % pipe.shape[0]
    budget_left = budget[t]  # shared by the sources in the order they are visited below
    for n in range(n_loc):
        if is_source[n] or (fast and leaf[n]):
            continue
        if count:
            for i in range(n_items):
                kpi[r, n, RECEIVED, i] += pipe[slot, n, i]
        if tracing:
            for i in range(n_items):
                trace[r, t, n, i, 0] = pipe[slot, n, i]
        for i in range(n_items):
            a = pipe[slot, n, i]
            on_hand[n, i] += a
            transit[n, i] -= a
            pipe[slot, n, i] = 0.0
    for n in range(n_loc - 1, -1, -1):
        if fast and leaf[n]:
            _leaf(n, r, t, slot, kind, p1, p2, review, lost_sales, price, penalty, fixed_order,
                  volume, storage_cap, in_ptr, in_idx, dem, dem_col, on_hand, backlog, transit,
                  owed, pipe, qty, short, kpi, lane_kpi, count, disc)  # fmt: skip
            continue
        if not is_source[n]:
            _serve(n, r, t, lost_sales, price, dem, dem_col, on_hand, backlog, short, kpi,
                   trace, count, disc)  # fmt: skip
        budget_left -= _ship(n, r, t, is_source, lane_dest, out_ptr, out_idx, lane_cap,
                             supply_cap, budget_left, lead, up, unit_cost, transport, on_hand,
                             owed, pipe, transit, last_arr, alloc, w0, w1, kpi, lane_kpi, trace,
                             count, disc)  # fmt: skip
        if not is_source[n]:
            _order(n, r, t, kind, p1, p2, review, echelon, plan, in_ptr, in_idx, out_ptr, out_idx,
                   desc_ptr, desc_idx, order_lane, volume, storage_cap, fixed_order, on_hand,
                   backlog, transit, owed, qty, w2, w3, lane_kpi, count, disc)  # fmt: skip
    for n in range(n_loc):
        if is_source[n]:
            continue
        if tracing:
            for i in range(n_items):
                trace[r, t, n, i, 3] = on_hand[n, i]
                trace[r, t, n, i, 4] = transit[n, i]
        if count and fast and leaf[n]:  # what shipping upstream changed since _leaf
            lane = in_idx[in_ptr[n]]
            for i in range(n_items):
                kpi[r, n, PIPELINE, i] += transit[n, i] + owed[lane, i]
            for i in range(n_items):
                kpi[r, n, HOLDING, i] += disc * (
                    holding[n, i] * on_hand[n, i] + transit_holding[n, i] * transit[n, i]
                )
        elif count:
            _account(n, r, lost_sales, in_ptr, in_idx, out_ptr, out_idx, holding,
                     transit_holding, penalty, on_hand, backlog, owed, transit, short, w0, w1,
                     kpi, disc)  # fmt: skip
    if traj.shape[1] > 0:
        for j in range(track.shape[0]):
            n, i = track[j] // n_items, track[j] % n_items
            traj[r, t, j] = on_hand[n, i] - backlog[n, i]


@njit(cache=True, error_model="numpy")
def _replication(r, t0, t1, warmup, discount, lost_sales, is_source, lane_dest, order_lane,
                 in_ptr, in_idx, out_ptr, out_idx, desc_ptr, desc_idx, unit_cost, holding,
                 transit_holding, penalty, price, volume, transport, fixed_order, lane_cap,
                 storage_cap, supply_cap, budget, kind, p1, p2, review, echelon, plan, leaf,
                 demand, dem_col, lead, lane_up, parametric, rng_state, zig, mean, sd, lead_mean,
                 lead_sd, lead_max, on_hand, backlog, owed, pipe, transit, last_arr, kpi, lane_kpi,
                 track, traj, trace):  # fmt: skip
    """Periods ``t0 .. t1 - 1`` of replication ``r`` (its own state slices)."""
    n_loc, n_items = on_hand.shape
    n_lanes = owed.shape[0]
    alloc = np.zeros((n_lanes, n_items))
    qty = np.zeros((n_lanes, n_items))
    short = np.zeros((n_loc, n_items))
    w0, w1, w2, w3 = np.zeros(n_items), np.zeros(n_items), np.zeros(n_items), np.zeros(n_items)
    dem_buf = np.zeros(mean.shape[1])
    lead_x = np.zeros(n_lanes)
    lead_buf = np.ones(n_lanes, dtype=np.int64)
    up_r = np.int64(r) if lane_up.shape[0] > 1 else np.int64(0)  # prange indices are unsigned
    for t in range(t0, t1):
        if parametric:
            draw_period(rng_state[r], zig, mean[t], sd[t], lead_mean, lead_sd, lead_max, dem_buf,
                        lead_x, lead_buf)  # fmt: skip
            dem, ld = dem_buf, lead_buf
        else:
            dem, ld = demand[r, t], lead[r, t]
        _period(r, t, warmup, discount, lost_sales, is_source, lane_dest, order_lane, in_ptr,
                in_idx, out_ptr, out_idx, desc_ptr, desc_idx, unit_cost, holding,
                transit_holding, penalty, price, volume, transport, fixed_order, lane_cap,
                storage_cap, supply_cap, budget, kind, p1, p2, review, echelon, plan, leaf, dem,
                dem_col, ld, lane_up[up_r, t], on_hand, backlog, owed, pipe, transit, last_arr,
                kpi, lane_kpi, track, traj, trace, alloc, qty, short, w0, w1, w2, w3)  # fmt: skip
    counted = float(max(t1 - max(t0, warmup), 0))  # periods counted, for every stock key
    for n in range(n_loc):
        if not is_source[n]:
            for i in range(n_items):
                kpi[r, n, PERIODS, i] += counted


@njit(cache=True, parallel=True, error_model="numpy")
def run_kernel(t0, t1, warmup, discount, lost_sales, is_source, lane_dest, order_lane, in_ptr,
               in_idx, out_ptr, out_idx, desc_ptr, desc_idx, unit_cost, holding, transit_holding,
               penalty, price, volume, transport, fixed_order, lane_cap, storage_cap, supply_cap,
               budget, kind, p1, p2, review, echelon, plan, leaf, demand, dem_col, lead, lane_up,
               parametric, rng_state, zig, mean, sd, lead_mean, lead_sd, lead_max, on_hand,
               backlog, owed, pipe, transit, last_arr, kpi, lane_kpi, track, traj,
               trace):  # fmt: skip
    """Advance every replication from period ``t0`` to ``t1`` (state arrays, ``rng_state``
    and KPIs are updated in place; the first axis of every state, KPI and random array is
    the replication; ``lane_up`` may have one row for all; ``budget`` [currency] has one
    entry per period, at least ``t1``, ``inf`` for none)."""
    for r in prange(on_hand.shape[0]):
        _replication(r, t0, t1, warmup, discount, lost_sales, is_source, lane_dest, order_lane,
                     in_ptr, in_idx, out_ptr, out_idx, desc_ptr, desc_idx, unit_cost, holding,
                     transit_holding, penalty, price, volume, transport, fixed_order, lane_cap,
                     storage_cap, supply_cap, budget, kind, p1, p2, review, echelon, plan, leaf,
                     demand, dem_col, lead, lane_up, parametric, rng_state, zig, mean, sd,
                     lead_mean, lead_sd, lead_max, on_hand[r], backlog[r], owed[r], pipe[r],
                     transit[r], last_arr[r], kpi, lane_kpi, track, traj, trace)  # fmt: skip
