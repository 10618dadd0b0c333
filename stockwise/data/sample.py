"""A realistic retail sample: 1 supplier, 2 DCs, 12 stores, 40 items, 156 weeks of sales.

**Demand** of item i at store s in week t (t = 0 is the first week of history, the planning
starts at t = 156) is negative binomial with mean

    μ_t = b · m_s · max(1 + g·t/52, 0.3) · (1 + a·cos(2π(t - φ)/52)) · (p_t / p_0)^ε · λ^{promo_t}

and variance μ_t + μ_t²/k: b the item's base level, m_s the store's size, g a yearly trend,
a the seasonal amplitude with peak week φ per category (pantry in winter, household in
spring, personal care and beverages in summer, so the categories peak in different weeks),
ε < 0 the price elasticity, p_t the price paid (one list-price change a year, and promotion
weeks with a 15-30 % discount and a lift λ), p_0 the list price of week 0, k the dispersion.
A quarter of the items are slow movers: at every store more than half their weeks sell
nothing, and they are never promoted. One process gives both the history and the future:
:func:`sample_process` holds its parameters and its calendar of list prices and
promotions (drawn once per seed, a calendar known in advance); :func:`generate` draws weeks
0..155 from it, and ``stockwise.scenarios.sample_truth`` continues it past week 155 (the
ground truth to simulate plans and policies against).

**Costs**: holding 25 % of the unit cost a year. The shortage penalty is the landed cost
(unit cost + transport on the supplier→DC and DC→store lanes) or the margin, whichever is
larger, plus goodwill of 10 % of the price: a lost sale never costs less than buying and
moving the unit, and penalty / weekly holding is about 250 (critical ratio ≈ 0.996), so the
sample calls for high service.

**Starting state** (week 156), from the true mean and dispersion of the coming weeks: each
store holds the 98 % quantile of its demand until a DC shipment of week 1 arrives two
standard deviations late (2 weeks: lead time + review); each DC has orders in transit
arriving in weeks 1, 2 and 3 (a week of its stores' mean demand each) and holds the rest of
the 98 % quantile of its stores' demand until a purchase of week 1 arrives two standard
deviations late (5 weeks, so about 2 weeks + safety on hand). Nothing starves before the
first new purchase can arrive, so the fill-rate target (95 %) and the cycle-service targets
(98 % on 4 items) are reachable.

**Limits that bind**: a location's storage holds the stock of that rule at its
75th-percentile week of the coming year (and at least 1.05 x its starting stock, for a seed
whose start falls in a busy week), so in the busiest weeks the same cover does not fit
(stores and DCs). The weekly purchase budget is 1.04 x the mean weekly purchase value (unit
cost x true mean demand) of the next 26 weeks: enough on average, short in the peak and
promotion weeks (seed 0: 9 of the 26), so the planner must buy ahead, within its storage,
or ration.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from stockwise.data.io import make_demand_frame
from stockwise.data.model import (
    Budget,
    Constraints,
    Dataset,
    DemandHistory,
    InventoryState,
    Item,
    Lane,
    Location,
    LocationKind,
    OnOrder,
    ServiceKind,
    ServiceTarget,
    StockPosition,
)

N_WEEKS = 156
N_ITEMS = 40
N_STORES = 12
CATEGORIES = ("pantry", "beverages", "household", "personal_care")
# Week of the seasonal peak, per category (beverages peak in summer, pantry in winter).
PEAK_WEEK = {"pantry": 48, "beverages": 28, "household": 14, "personal_care": 22}
START = pd.Timestamp("2023-01-02")  # a Monday: periods are week starts
STORES = tuple(f"ST{s + 1:02d}" for s in range(N_STORES))
DCS = ("DC-NORTH", "DC-SOUTH")
STORE_DC = {s: DCS[i * len(DCS) // N_STORES] for i, s in enumerate(STORES)}
HOLDING_RATE = round(0.25 / 52, 6)  # 25 % a year, weekly periods
GOODWILL = 0.10  # [share of price] added to the shortage penalty
SERVICE = 0.98  # quantile of demand the starting stock covers (the highest target)
STORAGE_QUANTILE = 0.75  # storage fits the starting-stock rule at this week of the year
START_ROOM = 1.05  # ... and at least this multiple of the starting stock
BUDGET_FACTOR = 1.04  # x mean weekly purchase value of the true mean demand, next 26 weeks
_WEEKS_A_YEAR = 52
# SeedSequence spawn keys: parameters, calendar (per item and year), history draws.
_PARAMETERS, _CALENDAR, _HISTORY = 0, 1, 2


def _stream(seed: int, *key: int) -> np.random.Generator:
    """The generator of one part of the sample: ``SeedSequence(seed).spawn`` children."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=key))


def _lanes() -> tuple[Lane, ...]:
    return tuple(
        Lane(
            "SUPPLIER",
            dc,
            lead_time_mean=3.0,
            lead_time_sd=0.8,
            transport_cost=0.15,
            fixed_order_cost=250.0,
        )
        for dc in DCS
    ) + tuple(
        Lane(
            STORE_DC[s],
            s,
            lead_time_mean=1.0,
            lead_time_sd=0.3,
            transport_cost=0.08,
            fixed_order_cost=40.0,
        )
        for s in STORES
    )


@dataclass(frozen=True, eq=False)
class SampleProcess:
    """The generating process of :func:`generate`'s data, for any week ``t >= 0``.

    keys : the (item, store) of each series, sorted as ``DemandHistory.to_matrix``
    item_of : index into the item arrays of each series
    level : [units / week] ``series``: the item's base level times the store's size, b·m_s
    dispersion : ``series``: k of the negative binomial (variance μ + μ²/k)
    trend : [1 / year] ``items``: g
    amplitude, peak_week : ``items``: a, φ [weeks]
    elasticity : ``items``: ε
    lift : ``items``: λ, the demand multiplier of a promotion week
    promo_rate : ``items``: share of weeks on promotion (0 for slow movers)
    reference_price : [currency / unit] ``items``: p_0, the list price of week 0
    lanes : the network's lanes (lead-time distributions)
    seed : the seed of the sample
    """

    keys: tuple[tuple[str, str], ...]
    item_of: np.ndarray
    level: np.ndarray
    dispersion: np.ndarray
    trend: np.ndarray
    amplitude: np.ndarray
    peak_week: np.ndarray
    elasticity: np.ndarray
    lift: np.ndarray
    promo_rate: np.ndarray
    reference_price: np.ndarray
    lanes: tuple[Lane, ...]
    seed: int

    def calendar(self, weeks: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """List price, price paid [currency / unit] and promotion flag, ``items x weeks``.

        Drawn a year at a time from the item's own stream (``SeedSequence(seed,
        spawn_key=(1, item, year))``), so a week's entry never depends on which weeks are
        asked for.
        """
        weeks = np.asarray(weeks, dtype=np.int64)
        n_years = int(weeks.max()) // _WEEKS_A_YEAR + 1
        n_items = len(self.reference_price)
        factor = np.ones((n_items, n_years * _WEEKS_A_YEAR))
        discount = np.zeros_like(factor)
        promo = np.zeros(factor.shape, dtype=bool)
        for k in range(n_items):
            for y in range(n_years):
                g = _stream(self.seed, _CALENDAR, k, y)
                # one list-price change a year (none in the first 20 weeks of history)
                change = int(g.integers(20 if y == 0 else 0, _WEEKS_A_YEAR))
                step = g.uniform(0.95, 1.1)
                on = g.random(_WEEKS_A_YEAR) < self.promo_rate[k]
                cut = g.uniform(0.15, 0.3, _WEEKS_A_YEAR)
                week = slice(y * _WEEKS_A_YEAR, (y + 1) * _WEEKS_A_YEAR)
                factor[k, y * _WEEKS_A_YEAR + change] = step
                promo[k, week] = on
                discount[k, week] = np.where(on, cut, 0.0)
        list_price = self.reference_price[:, None] * np.cumprod(factor, axis=1)
        price = np.round(list_price * (1 - discount), 2)
        return list_price[:, weeks], price[:, weeks], promo[:, weeks]

    def mean(self, weeks: np.ndarray) -> np.ndarray:
        """μ [units / week] ``series x weeks`` (the formula of the module docstring)."""
        t = np.asarray(weeks, dtype=float)
        _, price, promo = self.calendar(weeks)
        trend = np.clip(1 + self.trend[:, None] * t / _WEEKS_A_YEAR, 0.3, None)
        season = 1 + self.amplitude[:, None] * np.cos(
            2 * np.pi * (t - self.peak_week[:, None]) / _WEEKS_A_YEAR
        )
        response = (price / self.reference_price[:, None]) ** self.elasticity[:, None]
        lift = np.where(promo, self.lift[:, None], 1.0)
        return self.level[:, None] * (trend * season * response * lift)[self.item_of]

    def variance(self, mean: np.ndarray) -> np.ndarray:
        """[units² / week²] of the negative binomial with mean ``mean`` (``series x weeks``)."""
        return mean + mean**2 / self.dispersion[:, None]

    def draw(self, weeks: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """One draw of demand [units] ``series x weeks``."""
        mu = self.mean(weeks)
        k = self.dispersion[:, None]
        return rng.negative_binomial(k, k / (k + mu)).astype(float)


def sample_process(seed: int = 0) -> SampleProcess:
    """The demand process behind ``generate(seed)``.

    >>> p = sample_process(7)
    >>> p.mean(range(156, 160)).shape
    (480, 4)
    """
    return _draw(seed)[1]


def generate(seed: int = 0) -> Dataset:
    """The sample dataset; the same ``seed`` always gives the same dataset.

    >>> ds = generate(7)
    >>> len(ds.items), len(ds.locations), ds.demand.frame["period"].nunique()
    (40, 15, 156)
    """
    items, process = _draw(seed)
    weeks = np.arange(N_WEEKS)
    history = process.draw(weeks, _stream(seed, _HISTORY))
    _, price, promo = process.calendar(weeks)
    n_series = len(process.keys)
    demand = make_demand_frame(
        pd.DataFrame(
            {
                "item": np.repeat([k[0] for k in process.keys], N_WEEKS),
                "location": np.repeat([k[1] for k in process.keys], N_WEEKS),
                "period": np.tile(START + pd.to_timedelta(7 * weeks, unit="D"), n_series),
                "quantity": history.ravel(),
                "price": price[process.item_of].ravel(),
                "promo": promo[process.item_of].ravel(),
            }
        )
    )

    volume = np.array([it.volume for it in items])
    cover = _Cover(process, volume)
    locations = [Location("SUPPLIER", LocationKind.SUPPLIER)]
    for d, dc in enumerate(DCS):
        locations.append(Location(dc, LocationKind.DC, round(float(cover.dc_capacity[d]), 1)))
    for s, store in enumerate(STORES):
        locations.append(
            Location(store, LocationKind.STORE, round(float(cover.store_capacity[s]), 2))
        )

    unit_cost = np.array([it.unit_cost for it in items])
    purchase = unit_cost @ cover.item_mean(np.arange(N_WEEKS, N_WEEKS + 26))
    constraints = Constraints(
        budgets=(Budget(float(round(BUDGET_FACTOR * purchase.mean(), -2))),),
        service_targets=(
            ServiceTarget(ServiceKind.FILL_RATE, 0.95),
            *(ServiceTarget(ServiceKind.CYCLE_SERVICE, 0.98, item=it.item) for it in items[:4]),
        ),
    )
    return Dataset(
        items=tuple(items),
        locations=tuple(locations),
        lanes=process.lanes,
        demand=DemandHistory(demand),
        inventory=cover.inventory([it.item for it in items]),
        constraints=constraints,
    )


def _draw(seed: int) -> tuple[list[Item], SampleProcess]:
    """Items and the demand process: every parameter drawn once, in a fixed order."""
    rng = _stream(seed, _PARAMETERS)
    lanes = _lanes()
    costs, markups, packs, volumes, moqs = [], [], [], [], []
    for _ in range(N_ITEMS):
        costs.append(round(float(rng.lognormal(np.log(6.0), 0.6)), 2))
        markups.append(float(rng.uniform(1.3, 1.9)))
        packs.append(int(rng.choice([1, 6, 12, 24], p=[0.2, 0.35, 0.3, 0.15])))
        volumes.append(round(float(rng.uniform(0.0008, 0.012)), 5))
        moqs.append(float(packs[-1] * int(rng.integers(1, 4))))
    slow = np.isin(np.arange(N_ITEMS), rng.choice(N_ITEMS, size=N_ITEMS // 4, replace=False))
    store_size = rng.lognormal(0.0, 0.35, size=N_STORES)
    elasticity = rng.uniform(-2.0, -0.8, N_ITEMS)
    lift = rng.uniform(1.4, 2.4, N_ITEMS)
    amplitude = rng.uniform(0.15, 0.45, N_ITEMS)
    trend = rng.normal(0.05, 0.08, N_ITEMS)
    fast_base = rng.lognormal(np.log(25.0), 0.7, N_ITEMS)
    fast_dispersion = rng.uniform(3.0, 12.0, N_ITEMS)
    slow_base = rng.uniform(0.15, 0.45, N_ITEMS)  # intermittent: P(0) > 0.5
    base = np.where(slow, slow_base, fast_base)
    dispersion = np.where(slow, 0.6, fast_dispersion)
    categories = [CATEGORIES[k % len(CATEGORIES)] for k in range(N_ITEMS)]
    reference_price = np.round(np.array(costs) * np.array(markups), 2)

    item_of = np.repeat(np.arange(N_ITEMS), N_STORES)
    process = SampleProcess(
        keys=tuple((f"SKU{k + 1:03d}", s) for k in range(N_ITEMS) for s in STORES),
        item_of=item_of,
        level=base[item_of] * np.tile(store_size, N_ITEMS),
        dispersion=dispersion[item_of],
        trend=trend,
        amplitude=amplitude,
        peak_week=np.array([PEAK_WEEK[c] for c in categories], dtype=float),
        elasticity=elasticity,
        lift=lift,
        promo_rate=np.where(slow, 0.0, 0.08),
        reference_price=reference_price,
        lanes=lanes,
        seed=seed,
    )
    # The price the planner sees is today's list price (week 156), after the changes.
    current, _, _ = process.calendar(np.array([N_WEEKS]))
    landed = np.array(costs) + sum(
        ln.transport_cost for ln in (lanes[0], lanes[len(DCS)])
    )  # supplier → DC → store
    items = []
    for k in range(N_ITEMS):
        price = round(float(current[k, 0]), 2)
        penalty = max(landed[k], price - costs[k]) + GOODWILL * price
        items.append(
            Item(
                item=f"SKU{k + 1:03d}",
                category=categories[k],
                unit_cost=costs[k],
                holding_cost_rate=HOLDING_RATE,
                shortage_penalty=round(float(penalty), 2),
                price=price,
                volume=volumes[k],
                case_pack=packs[k],
                moq=moqs[k],
            )
        )
    return items, process


def _nb_quantile(mean: np.ndarray, var: np.ndarray, q: float) -> np.ndarray:
    """``q`` quantile of the negative binomial with this mean and variance (a sum of
    independent negative binomials is close to one with its mean and variance)."""
    n = mean**2 / np.maximum(var - mean, 1e-12 * mean)
    return stats.nbinom.ppf(q, n, mean / var)


def _late(lane: Lane) -> int:
    """[periods] a lane's lead time two standard deviations late."""
    return int(round(lane.lead_time_mean + 2 * lane.lead_time_sd))


class _Cover:
    """The starting-stock rule, at the start (week 156) and at every week of the next
    year (for storage): stores hold the 98 % quantile of their demand over ``store_weeks``,
    a DC the 98 % quantile of its stores' over ``dc_weeks`` less ``PIPELINE`` weeks of mean
    demand in transit."""

    PIPELINE = 3  # orders in transit to each DC, arriving in weeks 1, 2 and 3

    def __init__(self, process: SampleProcess, volume: np.ndarray) -> None:
        self.process = process
        self.store_weeks = _late(process.lanes[len(DCS)])  # DC → store: 2
        self.dc_weeks = _late(process.lanes[0])  # supplier → DC: 5
        year = np.arange(N_WEEKS, N_WEEKS + _WEEKS_A_YEAR)
        span = np.arange(N_WEEKS, N_WEEKS + _WEEKS_A_YEAR + self.dc_weeks)
        mu = process.mean(span)
        var = process.variance(mu)
        self.mu = mu
        store = self._store_stock(mu, var)  # series x year
        dc = self._dc_stock(mu, var)  # (dc, item) x year
        n_items = len(volume)
        store_volume = (store * volume[process.item_of][:, None]).reshape(
            n_items, N_STORES, len(year)
        )
        self.store_need = store_volume.sum(axis=0)  # stores x year [volume]
        dc_volume = dc.reshape(len(DCS), n_items, len(year)) * volume[None, :, None]
        self.dc_need = dc_volume.sum(axis=1)  # DCs x year [volume]
        self.store_capacity = self._capacity(self.store_need)
        self.dc_capacity = self._capacity(self.dc_need)
        self.store_start = store[:, 0]
        self.dc_start = dc[:, 0]

    @staticmethod
    def _capacity(need: np.ndarray) -> np.ndarray:
        """The rule's stock at its 75th-percentile week, and room for the starting stock."""
        return np.maximum(np.quantile(need, STORAGE_QUANTILE, axis=1), START_ROOM * need[:, 0])

    def _store_stock(self, mu: np.ndarray, var: np.ndarray) -> np.ndarray:
        w, n = self.store_weeks, _WEEKS_A_YEAR
        m = sum(mu[:, j : j + n] for j in range(w))
        v = sum(var[:, j : j + n] for j in range(w))
        return _nb_quantile(m, v, SERVICE)

    def _dc_mean(self, mu: np.ndarray) -> np.ndarray:
        """``(dc, item) x weeks``: the stores' demand summed per DC."""
        n_items = len(self.process.reference_price)
        by_store = mu.reshape(n_items, N_STORES, -1)
        dc_of = np.array([DCS.index(STORE_DC[s]) for s in STORES])
        return np.stack([by_store[:, dc_of == d].sum(axis=1) for d in range(len(DCS))]).reshape(
            len(DCS) * n_items, -1
        )

    def _dc_stock(self, mu: np.ndarray, var: np.ndarray) -> np.ndarray:
        w, n = self.dc_weeks, _WEEKS_A_YEAR
        agg_mu, agg_var = self._dc_mean(mu), self._dc_mean(var)
        m = sum(agg_mu[:, j : j + n] for j in range(w))
        v = sum(agg_var[:, j : j + n] for j in range(w))
        in_transit = sum(agg_mu[:, j : j + n] for j in range(self.PIPELINE))
        return np.maximum(_nb_quantile(m, v, SERVICE) - in_transit, 0.0)

    def item_mean(self, weeks: np.ndarray) -> np.ndarray:
        """[units / week] ``items x weeks``: true mean demand summed over the stores."""
        n_items = len(self.process.reference_price)
        return self.process.mean(weeks).reshape(n_items, N_STORES, -1).sum(axis=1)

    def inventory(self, items: list[str]) -> InventoryState:
        positions = [
            StockPosition(items[i], s, float(q))
            for (_, s), i, q in zip(
                self.process.keys, self.process.item_of, self.store_start, strict=True
            )
        ]
        agg_mu = self._dc_mean(self.mu[:, : self.PIPELINE])
        dc_start = np.ceil(self.dc_start)
        on_order = []
        for i, item in enumerate(items):
            for d, dc in enumerate(DCS):
                row = d * len(items) + i
                positions.append(StockPosition(item, dc, float(dc_start[row])))
                on_order += [
                    OnOrder(item, dc, q, w + 1)
                    for w in range(self.PIPELINE)
                    if (q := float(np.round(agg_mu[row, w]))) > 0
                ]
        return InventoryState(tuple(positions), tuple(on_order))
