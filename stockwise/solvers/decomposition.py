"""Dantzig–Wolfe decomposition of an LP whose columns fall into independent groups.

Many planning LPs are one small LP per item tied together by a few rows (a purchase budget,
storage space shared by all items). Solved whole, the interior-point method slows down
much faster than the model grows; solved per group, the work grows linearly. Here the rows
that touch one group only stay in that group's LP (the *pricing problem*, kept alive in
HiGHS so that each round re-optimises from the last basis), and the rows that touch several
groups, or a column of no group, form the *master*: a convex combination of the groups'
solutions, priced by the master's duals, until no group can offer a column with a negative
reduced cost (Dantzig & Wolfe 1960; Lübbecke & Desrosiers 2005, "Selected topics in column
generation").

The answer is the LP's own optimum (to ``tolerance`` relative gap between the master's
objective and the Lagrangian bound), with row duals for every row: the master's duals on
the linking rows and the last pricing problems' duals on the rest, which together satisfy
the optimality conditions of the whole LP. Groups can be priced in worker processes.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import time
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from stockwise.solvers.backends.base import column_slices, split_rows
from stockwise.solvers.model import LinearModel, Sense
from stockwise.solvers.results import (
    SolutionStatus,
    SolveOptions,
    SolverError,
    SolveResult,
    TerminationCondition,
    Timings,
)

BACKEND = "highs:dantzig-wolfe"
LOG = logging.getLogger(__name__)
# Cost per unit of violation of a linking row while the master has no feasible mix yet
# (relative to the largest cost); a converged master with a violation left is infeasible.
ARTIFICIAL_COST = 1e7


def complete_groups(model: LinearModel, groups: np.ndarray) -> np.ndarray:
    """``groups`` with each unassigned column (``-1``) given the one group that every row
    it appears in touches, where there is one (auxiliary variables of one item's rows);
    the others stay ``-1`` and live in the master."""
    groups = np.asarray(groups, dtype=np.int64).copy()
    if groups.shape != (model.n_cols,):
        raise ValueError(f"groups must have one entry per column ({model.n_cols})")
    todo = np.flatnonzero(groups < 0)
    if not len(todo):
        return groups
    lo, hi = _row_group_range(model.matrix(), groups, known_only=True)
    sub = model.matrix().tocsc()[:, todo]
    col = np.repeat(np.arange(len(todo)), np.diff(sub.indptr))
    rows = sub.indices
    known = hi[rows] >= 0
    least = np.full(len(todo), np.iinfo(np.int64).max)
    most = np.full(len(todo), -1, dtype=np.int64)
    np.minimum.at(least, col[known], lo[rows[known]])
    np.maximum.at(most, col[known], hi[rows[known]])
    one = (most >= 0) & (least == most)  # every row it is in touches that group alone
    groups[todo[one]] = most[one]
    return groups


def _row_group_range(a: sp.csr_array, groups: np.ndarray, known_only: bool = False):
    """Smallest and largest group among each row's columns (``-1`` columns count as a group
    of their own unless ``known_only``; rows without such columns get -1 / -1)."""
    row = np.repeat(np.arange(a.shape[0]), np.diff(a.indptr))
    g = groups[a.indices]
    if known_only:
        keep = g >= 0
        row, g = row[keep], g[keep]
    lo = np.full(a.shape[0], np.iinfo(np.int64).max)
    hi = np.full(a.shape[0], -1, dtype=np.int64)
    np.minimum.at(lo, row, g)
    np.maximum.at(hi, row, g)
    lo[hi < 0] = -1
    return lo, hi


@dataclass
class _Group:
    """One group's pricing LP: local rows, bounds, original (minimisation) costs, and the
    linking rows' coefficients on its columns."""

    index: int
    columns: np.ndarray
    rows: np.ndarray
    local: sp.csc_array
    lower: np.ndarray
    upper: np.ndarray
    row_lower: np.ndarray
    row_upper: np.ndarray
    cost: np.ndarray
    link: sp.csr_array  # linking rows x this group's columns


class _Pricer:
    """The pricing LPs of some groups, alive in HiGHS between rounds, and the proposals
    (solutions) each has made."""

    def __init__(self, groups: list[_Group], options: SolveOptions) -> None:
        import highspy

        self.groups = groups
        self.proposals: list[list[np.ndarray]] = [[] for _ in groups]
        self.highs = []
        for g in groups:
            h = highspy.Highs()
            h.setOptionValue("output_flag", bool(options.verbose))
            h.setOptionValue("solver", "simplex")  # a basis to restart from next round
            h.setOptionValue("threads", 1)
            lp = highspy.HighsLp()
            lp.num_col_, lp.num_row_ = len(g.columns), len(g.rows)
            lp.col_cost_, lp.col_lower_, lp.col_upper_ = g.cost, g.lower, g.upper
            lp.row_lower_, lp.row_upper_ = g.row_lower, g.row_upper
            lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
            lp.a_matrix_.start_ = g.local.indptr.astype(np.int32)
            lp.a_matrix_.index_ = g.local.indices.astype(np.int32)
            lp.a_matrix_.value_ = g.local.data.astype(float)
            lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = len(g.columns), len(g.rows)
            h.passModel(lp)
            self.highs.append(h)

    def price(self, link_dual: np.ndarray) -> list[tuple]:
        """Solve every pricing LP at the linking rows' duals; per group: status name,
        reduced objective, original cost and linking-row activity of the solution."""
        out = []
        for k, (g, h) in enumerate(zip(self.groups, self.highs, strict=True)):
            cost = g.cost - g.link.T @ link_dual
            h.changeColsCost(len(cost), np.arange(len(cost), dtype=np.int32), cost)
            h.run()
            if h.getModelStatus().name != "kOptimal":  # cold start where the warm one failed
                h.clearSolver()
                h.run()
            status = h.getModelStatus().name
            if status != "kOptimal":
                out.append((g.index, status, np.nan, np.nan, None))
                continue
            x = np.asarray(h.getSolution().col_value, dtype=float)
            self.proposals[k].append(x)
            out.append((g.index, status, float(cost @ x), float(g.cost @ x), g.link @ x))
        return out

    def combine(self, weights: dict[int, np.ndarray]) -> list[tuple[int, np.ndarray, np.ndarray]]:
        """Per group: its columns' values (its proposals mixed by ``weights``, one per
        round) and its local rows' duals from the last pricing solve."""
        out = []
        for k, (g, h) in enumerate(zip(self.groups, self.highs, strict=True)):
            w = weights[g.index]
            x = np.zeros(len(g.columns))
            for r in np.flatnonzero(w):
                x += w[r] * self.proposals[k][r]
            out.append((g.index, x, np.asarray(h.getSolution().row_dual, dtype=float)))
        return out


def _serve(conn, groups: list[_Group], options: SolveOptions) -> None:
    """A worker process: build the pricer once, then answer price / combine requests."""
    pricer = _Pricer(groups, options)
    while True:
        verb, arg = conn.recv()
        if verb == "stop":
            conn.close()
            return
        conn.send(pricer.price(arg) if verb == "price" else pricer.combine(arg))


class _Pool:
    """The pricers: in this process (one worker) or one per worker process."""

    def __init__(self, groups: list[_Group], options: SolveOptions, workers: int) -> None:
        self.local = None
        self.conns = []
        self.procs = []
        if workers <= 1:
            self.local = _Pricer(groups, options)
            return
        ctx = mp.get_context("spawn")
        for w in range(workers):
            mine = groups[w::workers]
            if not mine:
                continue
            parent, child = ctx.Pipe()
            proc = ctx.Process(target=_serve, args=(child, mine, options), daemon=True)
            proc.start()
            self.conns.append(parent)
            self.procs.append(proc)

    def ask(self, verb: str, arg) -> list:
        if self.local is not None:
            return self.local.price(arg) if verb == "price" else self.local.combine(arg)
        for conn in self.conns:
            conn.send((verb, arg))
        return [item for conn in self.conns for item in conn.recv()]

    def close(self) -> None:
        for conn in self.conns:
            conn.send(("stop", None))
        for proc in self.procs:
            proc.join(timeout=10)


class _Master:
    """The restricted master LP: mixes of proposals (one convexity row per group), the
    master's own columns, and two artificial columns per linking row."""

    def __init__(self, link_lower, link_upper, n_groups, own_cost, own_lower, own_upper,
                 own_link: sp.csc_array, big: float, options: SolveOptions) -> None:  # fmt: skip
        import highspy

        self.n_link, self.n_groups = len(link_lower), n_groups
        h = highspy.Highs()
        h.setOptionValue("output_flag", bool(options.verbose))
        h.setOptionValue("solver", "simplex")
        inf = highspy.kHighsInf
        lower = np.concatenate([link_lower, np.ones(n_groups)])
        upper = np.concatenate([link_upper, np.ones(n_groups)])
        h.addRows(
            len(lower),
            lower,
            upper,
            0,
            np.zeros(len(lower), np.int32),
            np.zeros(0, np.int32),
            np.zeros(0),
        )
        rows = np.arange(self.n_link, dtype=np.int32)
        for sign in (1.0, -1.0):  # artificials: activity + u - v within the bounds
            h.addCols(self.n_link, np.full(self.n_link, big), np.zeros(self.n_link),
                      np.full(self.n_link, inf), self.n_link,
                      rows.copy(), rows.copy(), np.full(self.n_link, sign))  # fmt: skip
        if own_link.shape[1]:
            h.addCols(own_link.shape[1], own_cost, own_lower, own_upper,
                      own_link.nnz, own_link.indptr[:-1].astype(np.int32),
                      own_link.indices.astype(np.int32), own_link.data)  # fmt: skip
        self.n_fixed = 2 * self.n_link + own_link.shape[1]
        self.owner: list[tuple[int, int]] = []  # (group, round) of each proposal column
        self.highs = h

    def add(self, group: int, proposal: int, cost: float, link: np.ndarray) -> None:
        """A column for ``proposal`` (its round) of ``group``."""
        nz = np.flatnonzero(link)
        idx = np.concatenate([nz, [self.n_link + group]]).astype(np.int32)
        val = np.concatenate([link[nz], [1.0]])
        self.highs.addCol(cost, 0.0, 1.0, len(idx), idx, val)
        self.owner.append((group, proposal))

    def solve(self):
        """Objective, linking-row duals, convexity duals, column values, total artificial."""
        h = self.highs
        h.run()
        if h.getModelStatus().name != "kOptimal":
            raise SolverError(
                f"the master LP ended {h.modelStatusToString(h.getModelStatus())}",
                backend=BACKEND,
            )
        sol = h.getSolution()
        dual = np.asarray(sol.row_dual, dtype=float)
        x = np.asarray(sol.col_value, dtype=float)
        artificial = float(x[: 2 * self.n_link].sum())
        return (
            h.getInfo().objective_function_value,
            dual[: self.n_link],
            dual[self.n_link :],
            x,
            artificial,
        )


def _scale(lower: np.ndarray, upper: np.ndarray) -> float:
    """The largest finite row bound (at least 1): the yardstick for a violation."""
    bounds = np.abs(np.concatenate([lower, upper]))
    return max(1.0, float(bounds[np.isfinite(bounds)].max(initial=1.0)))


def solve_by_blocks(
    model: LinearModel,
    groups: np.ndarray,
    options: SolveOptions | None = None,
    *,
    workers: int = 1,
    tolerance: float = 1e-7,
    max_rounds: int = 500,
) -> SolveResult:
    """Solve the LP ``model`` by Dantzig–Wolfe decomposition over column ``groups``.

    groups : per column, its group (``0..G-1``), or ``-1`` for a column kept in the master
        (see :func:`complete_groups` to place auxiliary columns)
    workers : processes pricing the groups (1: in this process)
    tolerance : relative gap between the master's objective and the Lagrangian bound at
        which the LP counts as solved
    """
    options = options or SolveOptions()
    if model.is_mip:
        raise SolverError(
            "decomposition solves LPs only (this model has integers)", backend=BACKEND
        )
    t0 = time.perf_counter()
    groups = np.asarray(groups, dtype=np.int64)
    if groups.shape != (model.n_cols,):
        raise ValueError(f"groups must have one entry per column ({model.n_cols})")
    sign = -1.0 if model.sense is Sense.MAXIMIZE else 1.0
    cost = sign * model.cost
    a = model.matrix()
    lo, hi = _row_group_range(a, groups)
    local_group = np.where((lo == hi) & (lo >= 0), lo, -1)
    link_rows = np.flatnonzero(local_group < 0)
    n_groups = int(groups.max()) + 1 if (groups >= 0).any() else 0
    a_link = a[link_rows]
    csc_link = a_link.tocsc()
    parts = []
    for g in range(n_groups):
        cols = np.flatnonzero(groups == g)
        rows = np.flatnonzero(local_group == g)
        parts.append(
            _Group(
                g, cols, rows, a[rows][:, cols].tocsc(), model.col_lower[cols],
                model.col_upper[cols], model.row_lower[rows], model.row_upper[rows], cost[cols],
                sp.csr_array(csc_link[:, cols]),
            )
        )  # fmt: skip
    lo_up = (model.row_lower[link_rows], model.row_upper[link_rows])
    own = np.flatnonzero(groups < 0)
    big = ARTIFICIAL_COST * max(1.0, float(np.abs(cost).max(initial=0.0)))
    build = time.perf_counter() - t0

    t_engine = time.perf_counter()
    pool = _Pool(parts, options, workers)
    try:
        master = _Master(
            model.row_lower[link_rows], model.row_upper[link_rows], n_groups, cost[own],
            model.col_lower[own], model.col_upper[own], csc_link[:, own], big, options,
        )  # fmt: skip
        link_dual = np.zeros(len(link_rows))
        value, convex, x, artificial, rounds = 0.0, np.zeros(n_groups), np.zeros(0), np.inf, 0
        termination = TerminationCondition.ITERATION_LIMIT
        calls = 0  # pricing passes so far: each group keeps one proposal per pass
        for rounds in range(1, max_rounds + 1):
            duals = [link_dual] if rounds > 1 else [link_dual, _lean_dual(a_link, lo_up, cost)]
            passes = []
            for d in duals:
                passes.append((calls, pool.ask("price", d)))
                calls += 1
            priced = passes[0][1]
            bad = {status for _, p in passes for _, status, *_ in p if status != "kOptimal"}
            if bad:
                termination = _termination(bad)
                break
            if rounds > 1:
                bound = value + sum(min(0.0, r - convex[g]) for g, _, r, *_ in priced)
                LOG.info(
                    "round %d: master %.9g, bound %.9g, %.1f s",
                    rounds,
                    value,
                    bound,
                    time.perf_counter() - t0,
                )
                if value - bound <= tolerance * max(1.0, abs(value)):
                    termination = TerminationCondition.OPTIMAL
                    break
                if options.time_limit is not None and time.perf_counter() - t0 > options.time_limit:
                    termination = TerminationCondition.TIME_LIMIT
                    break
            for call, results in passes:
                for g, _, reduced, original, link in results:
                    if rounds == 1 or reduced - convex[g] < 0.0:
                        master.add(g, call, original, link)
            value, link_dual, convex, x, artificial = master.solve()
        feasible = rounds > 1 and artificial <= 1e-6 * _scale(model.row_lower, model.row_upper)
        if termination is TerminationCondition.OPTIMAL and not feasible:
            termination = TerminationCondition.INFEASIBLE
        solution = duals = objective = None
        status = SolutionStatus.NO_SOLUTION
        if termination is TerminationCondition.INFEASIBLE:
            status = SolutionStatus.INFEASIBLE
        elif feasible:
            weights = {g: np.zeros(calls) for g in range(n_groups)}
            for (g, r), w in zip(master.owner, x[master.n_fixed :], strict=True):
                weights[g][r] = w
            solution = np.zeros(model.n_cols)
            solution[own] = x[2 * len(link_rows) : master.n_fixed]
            row_dual = np.zeros(model.n_rows)
            row_dual[link_rows] = link_dual
            for g, xg, local_dual in pool.ask("combine", weights):
                solution[parts[g].columns] = xg
                row_dual[parts[g].rows] = local_dual
            objective = float(model.cost @ solution + model.offset)
            duals = split_rows(model, sign * row_dual)
            status = (
                SolutionStatus.OPTIMAL
                if termination is TerminationCondition.OPTIMAL
                else SolutionStatus.FEASIBLE
            )
    finally:
        pool.close()
    return SolveResult(
        backend=BACKEND,
        termination=termination,
        status=status,
        objective=objective,
        x=solution,
        duals=duals,
        columns=column_slices(model),
        gap=None if objective is None else 0.0 if status is SolutionStatus.OPTIMAL else None,
        timings=Timings(build=build, engine=time.perf_counter() - t_engine),
        message=f"{n_groups} groups, {len(link_rows)} linking rows, {rounds} round(s)",
    )


def _lean_dual(a_link: sp.csr_array, bounds, cost: np.ndarray) -> np.ndarray:
    """Prices on the linking rows that make each group use as little of what they limit as
    it can (each row scaled to unit size, worth 1,000 times the largest cost): the first
    round's second proposals, so that the master can mix a feasible plan from the start
    instead of paying for violations (whose huge duals would steer the next rounds)."""
    lower, upper = bounds
    direction = np.isfinite(upper).astype(float) - np.isfinite(lower).astype(float)
    size = np.zeros(a_link.shape[0])
    np.maximum.at(
        size, np.repeat(np.arange(a_link.shape[0]), np.diff(a_link.indptr)), np.abs(a_link.data)
    )
    scale = 1e3 * max(1.0, float(np.abs(cost).max(initial=0.0)))
    return -scale * direction / np.where(size > 0, size, 1.0)


def _termination(statuses: set[str]) -> TerminationCondition:
    if statuses & {"kInfeasible"}:
        return TerminationCondition.INFEASIBLE
    if statuses & {"kUnbounded", "kUnboundedOrInfeasible"}:
        return TerminationCondition.INFEASIBLE_OR_UNBOUNDED
    if statuses & {"kTimeLimit"}:
        return TerminationCondition.TIME_LIMIT
    LOG.warning("a pricing LP ended %s", ", ".join(sorted(statuses)))
    return TerminationCondition.ERROR
