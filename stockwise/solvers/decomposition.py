"""Dantzig–Wolfe decomposition of an LP whose columns fall into independent groups.

Many planning LPs are one small LP per item tied together by a few rows (a purchase budget,
storage space shared by all items). Solved whole, the interior-point method slows down
much faster than the model grows; solved per group, the work grows linearly. Here the rows
that touch one group only stay in that group's LP (the *pricing problem*, kept alive in
HiGHS so that each round re-optimises from the last basis), and the rows that touch several
groups, or a column of no group, form the *master*: a convex combination of the groups'
solutions (plus non-negative multiples of their rays, where a pricing LP is unbounded),
priced by the master's duals, until no group can offer a column with a negative reduced
cost (Dantzig & Wolfe 1960; Lübbecke & Desrosiers 2005, "Selected topics in column
generation").

**Two phases.** The first proposals (each group's own optimum) rarely mix into a plan that
keeps the linking rows, so the master needs artificial columns at first. It used to price
them at a big M (10^7 x the largest cost); with many linking rows the master then lived on
artificials for many rounds with duals and an objective of order M, and HiGHS's dual
simplex broke down on them ("excessive dual values"). Now the master runs the textbook
two-phase method of column generation instead (Lübbecke & Desrosiers, section 3.1):

* *Phase I* minimises the violation of the linking rows: one artificial per finite bound
  of each linking row, cost 1 per unit of violation *measured in the row's own size* (the
  largest of its finite bounds and coefficients), every other column at cost 0. Its duals
  are then at most 1 / size per row, so the pricing costs they give (``-A_link' y``, the
  groups' own costs set to 0: *Farkas pricing*) stay of order 1 whatever the model's
  costs. It ends when the master's mix keeps every linking row, or when its Lagrangian
  bound proves the smallest violation positive (the LP is infeasible).
* *Phase II* fixes the artificials at 0 and gives every column its true cost; the basis
  found in phase I is feasible, so the master re-optimises from it, and no cost in the
  master is larger than the model's own.

**Smoothed duals.** With many linking rows and few groups (the planning LP with per-
scenario budget and storage rows: about 1,200 linking rows for 4 items) the master's
duals jump from round to round and plain column generation tails off for hundreds of
rounds. Each round therefore prices at a point between the best duals so far (those of
the best Lagrangian bound) and the master's (Wentges 1997), with the weight adapted from
the bound's subgradient and shortened step by step where it finds no column the master
wants, down to the master's own duals (Pessoa, Sadykov, Uchoa & Vanderbeck 2018,
"Automation and combination of linear-programming based stabilization techniques in
column generation"). This changes which columns are proposed, not the answer: every
column added has a negative reduced cost at the master's duals, and the stopping rule
below holds at any duals. (A stabilised master, du Merle et al. 1999, would also need
penalties tuned to the model; the master here stays a plain LP, solved by primal
simplex, which restarts from the last basis when columns are added.)

Both phases stop on the Lagrangian bound (what the linking rows' bounds are worth at the
duals priced, plus each group's pricing optimum, plus the master's own columns at their
best bounds) within ``tolerance`` of the master's objective: phase II then has the LP's
optimum, phase I a proof that the linking rows cannot all hold. A group whose pricing LP
is unbounded proposes its ray (and a solution, while it has none), so a group unbounded
on its own but bounded by the linking rows is solved, and an unbounded master in phase II
means an unbounded LP.

The answer is the LP's own optimum (to ``tolerance`` relative gap between the master's
objective and the Lagrangian bound), with row duals for every row: on the linking rows
the duals of the best Lagrangian bound, on the rest the pricing problems' duals at those,
which together are an optimal dual of the whole LP (to the same ``tolerance``: their dual
objective is that bound). Groups can be priced in worker processes.
"""

from __future__ import annotations

import itertools
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
# A linking row counts as kept when its violation is at most this share of its size (and
# at most this many units for a row smaller than 1): HiGHS's own primal tolerance.
FEASIBILITY_TOLERANCE = 1e-7
# Starting weight of the best duals so far in the duals priced (dual smoothing, adapted
# each round; see the module docstring).
SMOOTHING = 0.5


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


@dataclass
class _Proposal:
    """What one group offers the master in one pricing pass: a solution (``ray`` False) or
    a ray of its LP, with its reduced cost at the duals priced, its original cost and its
    activity on the linking rows; ``number`` indexes the group's proposals."""

    group: int
    number: int
    ray: bool
    reduced: float
    cost: float
    link: np.ndarray


class _Pricer:
    """The pricing LPs of some groups, alive in HiGHS between rounds, and the proposals
    (solutions and rays) each has made."""

    def __init__(self, groups: list[_Group], options: SolveOptions) -> None:
        import highspy

        self.groups = groups
        self.proposals: list[list[np.ndarray]] = [[] for _ in groups]
        self.has_point = [False] * len(groups)
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

    def price(self, arg: tuple[np.ndarray, bool]) -> list[tuple[int, str, list[_Proposal]]]:
        """Solve every pricing LP at the linking rows' duals, with the groups' own costs
        (phase II) or without them (``phase_one``: only the linking rows' prices count);
        per group: its index, HiGHS's status and its proposals (a solution; or a ray
        where the LP is unbounded, with a solution too while the group has none)."""
        link_dual, phase_one = arg
        out = []
        for k, (g, h) in enumerate(zip(self.groups, self.highs, strict=True)):
            cost = -(g.link.T @ link_dual) if phase_one else g.cost - g.link.T @ link_dual
            h.changeColsCost(len(cost), np.arange(len(cost), dtype=np.int32), cost)
            h.run()
            if h.getModelStatus().name not in ("kOptimal", "kUnbounded"):
                h.clearSolver()  # cold start where the warm one failed
                h.run()
            status = h.getModelStatus().name
            found = []
            if status == "kUnbounded":
                _, has_ray, ray = h.getPrimalRay()
                ray = np.asarray(ray, dtype=float)
                if not has_ray or not np.abs(ray).max(initial=0.0) > 0.0:
                    out.append((g.index, "kUnboundedOrInfeasible", []))
                    continue
                ray /= np.abs(ray).max()
                found.append(self._keep(k, ray, True, cost))
                if not self.has_point[k]:  # the master's convexity row needs a solution
                    if h.getInfo().primal_solution_status != 2:  # not a feasible point
                        h.changeColsCost(len(cost), np.arange(len(cost), dtype=np.int32),
                                         np.zeros(len(cost)))  # fmt: skip
                        h.run()
                        if h.getModelStatus().name != "kOptimal":
                            out.append((g.index, h.getModelStatus().name, []))
                            continue
                    x = np.asarray(h.getSolution().col_value, dtype=float)
                    found.append(self._keep(k, x, False, cost))
            elif status == "kOptimal":
                x = np.asarray(h.getSolution().col_value, dtype=float)
                found.append(self._keep(k, x, False, cost))
            out.append((g.index, status, found))
        return out

    def _keep(self, k: int, x: np.ndarray, ray: bool, cost: np.ndarray) -> _Proposal:
        g = self.groups[k]
        self.proposals[k].append(x)
        self.has_point[k] |= not ray
        n = len(self.proposals[k]) - 1
        # np.dot: ``@`` of two 1-d arrays can take milliseconds in a threaded BLAS
        return _Proposal(
            g.index, n, ray, float(np.dot(cost, x)), float(np.dot(g.cost, x)), g.link @ x
        )

    def combine(self, weights: dict[int, dict[int, float]]) -> list[tuple]:
        """Per group: its columns' values (its proposals mixed by ``weights``, by proposal
        number) and its local rows' duals from the last pricing solve."""
        out = []
        for k, (g, h) in enumerate(zip(self.groups, self.highs, strict=True)):
            x = np.zeros(len(g.columns))
            for n, w in weights[g.index].items():
                if w != 0.0:
                    x += w * self.proposals[k][n]
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
    """The restricted master LP: mixes of proposals (one convexity row per group; rays
    outside it), the master's own columns, and one artificial column per finite bound of
    each linking row (phase I only).

    Phase I prices the artificials at 1 per unit of violation in units of their row's
    ``size`` (the column's coefficient is ``±size``) and every other column at 0; phase II
    fixes the artificials at 0 and prices every column at its true cost.
    """

    def __init__(self, link_lower, link_upper, size, n_groups, own_cost, own_lower,
                 own_upper, own_link: sp.csc_array, options: SolveOptions) -> None:  # fmt: skip
        import highspy

        self.n_link, self.n_groups = len(link_lower), n_groups
        self.link_lower, self.link_upper = link_lower, link_upper
        h = highspy.Highs()
        h.setOptionValue("output_flag", bool(options.verbose))
        h.setOptionValue("solver", "simplex")
        # primal simplex: new columns leave the last basis feasible, so it restarts there
        h.setOptionValue("simplex_strategy", 4)
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
        # artificials: activity + size * u (rows with a lower bound) - size * v (rows with
        # an upper bound) within the bounds
        up = np.flatnonzero(np.isfinite(link_lower))
        down = np.flatnonzero(np.isfinite(link_upper))
        self.n_art = len(up) + len(down)
        art_row = np.concatenate([up, down]).astype(np.int32)
        art_coef = np.concatenate([size[up], -size[down]])
        self.art_row, self.size = art_row, size
        # the master's fixed columns (artificials, then its own) and their link coefficients
        self.fixed_link = sp.hstack(
            [
                sp.csc_array(
                    (art_coef, (art_row, np.arange(self.n_art))), shape=(self.n_link, self.n_art)
                ),
                own_link,
            ],
            format="csc",
        )
        n_own = own_link.shape[1]
        self.n_fixed = self.n_art + n_own
        self.own_cost = np.asarray(own_cost, dtype=float)
        self.fixed_cost = np.concatenate([np.ones(self.n_art), np.zeros(n_own)])
        self.fixed_lower = np.concatenate([np.zeros(self.n_art), own_lower])
        self.fixed_upper = np.concatenate([np.full(self.n_art, np.inf), own_upper])
        if self.n_fixed:
            f = self.fixed_link
            h.addCols(self.n_fixed, self.fixed_cost, self.fixed_lower, self.fixed_upper,
                      f.nnz, f.indptr[:-1].astype(np.int32), f.indices.astype(np.int32),
                      f.data)  # fmt: skip
        self.cost: list[float] = []  # true cost of each proposal column
        self.owner: list[tuple[int, int]] = []  # (group, proposal number) of each one
        self.phase_one = True
        self.highs = h

    def add(self, p: _Proposal) -> None:
        """A column for proposal ``p``: a solution in its group's convexity row, a ray
        outside it (the convexity row bounds the solutions' weights, so no column has an
        upper bound)."""
        nz = np.flatnonzero(p.link)
        idx, val = nz.astype(np.int32), p.link[nz]
        if not p.ray:
            idx = np.append(idx, np.int32(self.n_link + p.group))
            val = np.append(val, 1.0)
        self.highs.addCol(0.0 if self.phase_one else p.cost, 0.0, np.inf, len(idx), idx, val)
        self.cost.append(p.cost)
        self.owner.append((p.group, p.number))

    def phase_two(self) -> None:
        """Artificials fixed at 0; every other column at its true cost."""
        h = self.highs
        self.fixed_cost = np.concatenate([np.zeros(self.n_art), self.own_cost])
        self.fixed_upper[: self.n_art] = 0.0
        if self.n_art:
            art = np.arange(self.n_art, dtype=np.int32)
            h.changeColsBounds(self.n_art, art, np.zeros(self.n_art), np.zeros(self.n_art))
        cost = np.concatenate([self.fixed_cost, self.cost])
        h.changeColsCost(len(cost), np.arange(len(cost), dtype=np.int32), cost)
        self.phase_one = False

    def solve(self):
        """HiGHS's status and, where optimal: objective, linking-row duals (of the right
        signs), convexity duals, column values."""
        h = self.highs
        h.run()
        if h.getModelStatus().name not in ("kOptimal", "kUnbounded"):
            LOG.warning("the master LP ended %s; solving it again from scratch",
                        h.modelStatusToString(h.getModelStatus()))  # fmt: skip
            h.clearSolver()
            h.run()
        status = h.getModelStatus().name
        if status in ("kUnbounded", "kUnboundedOrInfeasible") and not self.phase_one:
            return status, None  # phase II starts feasible: the LP is unbounded
        if status != "kOptimal":
            raise SolverError(
                f"the master LP ended {h.modelStatusToString(h.getModelStatus())}",
                backend=BACKEND,
            )
        sol = h.getSolution()
        dual = np.asarray(sol.row_dual, dtype=float)
        x = np.asarray(sol.col_value, dtype=float)
        return status, (
            h.getInfo().objective_function_value,
            self.signed(dual[: self.n_link]),
            dual[self.n_link :],
            x,
        )

    def signed(self, dual: np.ndarray) -> np.ndarray:
        """``dual`` with the sign a row's bounds allow (>= 0 without an upper bound, <= 0
        without a lower one): HiGHS's duals up to round-off."""
        dual = np.where(np.isfinite(self.link_upper), dual, np.maximum(dual, 0.0))
        return np.where(np.isfinite(self.link_lower), dual, np.minimum(dual, 0.0))

    def lagrangian(self, dual: np.ndarray, reduced: float) -> float:
        """The Lagrangian bound of the current phase at linking-row duals ``dual`` (of the
        right signs), given the sum of the groups' pricing optima there: what the linking
        rows' bounds are worth, plus the groups' optima, plus the best the master's fixed
        columns can do at their reduced costs."""
        pos, neg = dual > 0, dual < 0
        rows = np.dot(self.link_lower[pos], dual[pos]) + np.dot(self.link_upper[neg], dual[neg])
        d = self.fixed_cost - self.fixed_link.T @ dual
        pos, neg = d > 0, d < 0
        fixed = np.dot(self.fixed_lower[pos], d[pos]) + np.dot(self.fixed_upper[neg], d[neg])
        return float(rows + reduced + fixed)

    def subgradient(self, dual: np.ndarray, activity: np.ndarray, x: np.ndarray):
        """A subgradient of the Lagrangian bound at ``dual``, given the groups' activity on
        the linking rows at their pricing optima there (``None`` where the bound is not
        finite): each row's bound that the dual prices (the nearest one to the activity
        for a zero dual) less the activity of the groups and of the master's fixed columns
        at their best bounds (their values in ``x`` where their reduced cost is 0)."""
        d = self.fixed_cost - self.fixed_link.T @ dual
        fixed = np.clip(x[: self.n_fixed], self.fixed_lower, self.fixed_upper)
        fixed = np.where(d > 0, self.fixed_lower, np.where(d < 0, self.fixed_upper, fixed))
        if not np.all(np.isfinite(fixed)):
            return None
        activity = activity + self.fixed_link @ fixed
        bound = np.clip(activity, self.link_lower, self.link_upper)
        bound = np.where(dual > 0, self.link_lower, np.where(dual < 0, self.link_upper, bound))
        return bound - activity

    def improves(self, p: _Proposal, dual: np.ndarray, convex: np.ndarray) -> bool:
        """Whether ``p`` has a negative reduced cost in the master at ``dual`` / ``convex``
        (the master's own duals, whatever duals ``p`` was priced at)."""
        reduced = (0.0 if self.phase_one else p.cost) - float(np.dot(dual, p.link))
        return reduced < 0.0 if p.ray else reduced - convex[p.group] < 0.0

    def feasible(self, x: np.ndarray) -> bool:
        """Whether the mix ``x`` keeps every linking row (its artificials near 0)."""
        violation = np.zeros(self.n_link)
        np.add.at(violation, self.art_row, x[: self.n_art])  # in units of each row's size
        return bool(np.all(violation <= FEASIBILITY_TOLERANCE * np.maximum(1.0, 1.0 / self.size)))


def _row_size(a_link: sp.csr_array, lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
    """Per linking row, the yardstick of its violation: the largest of its finite bounds
    and absolute coefficients (1 for an empty row with zero bounds)."""
    size = np.zeros(a_link.shape[0])
    np.maximum.at(
        size, np.repeat(np.arange(a_link.shape[0]), np.diff(a_link.indptr)), np.abs(a_link.data)
    )
    for bound in (lower, upper):
        finite = np.isfinite(bound)
        size[finite] = np.maximum(size[finite], np.abs(bound[finite]))
    return np.where(size > 0, size, 1.0)


def solve_by_blocks(
    model: LinearModel,
    groups: np.ndarray,
    options: SolveOptions | None = None,
    *,
    workers: int = 1,
    tolerance: float = 1e-7,
    max_rounds: int = 500,
    smoothing: float = SMOOTHING,
) -> SolveResult:
    """Solve the LP ``model`` by Dantzig–Wolfe decomposition over column ``groups``.

    groups : per column, its group (``0..G-1``), or ``-1`` for a column kept in the master
        (see :func:`complete_groups` to place auxiliary columns)
    workers : processes pricing the groups (1: in this process)
    tolerance : relative gap between the master's objective and the Lagrangian bound at
        which the LP counts as solved (phase II) or as infeasible (phase I)
    max_rounds : rounds of pricing (each one or more passes over the groups), both phases
    smoothing : starting weight of the best duals so far in the duals priced, adapted each
        round (0: plain column generation at the master's duals)
    """
    options = options or SolveOptions()
    if model.is_mip:
        raise SolverError(
            "decomposition solves LPs only (this model has integers)", backend=BACKEND
        )
    if not 0.0 <= smoothing < 1.0:
        raise ValueError(f"smoothing must be in [0, 1), got {smoothing}")
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
    link_lower, link_upper = model.row_lower[link_rows], model.row_upper[link_rows]
    own = np.flatnonzero(groups < 0)
    build = time.perf_counter() - t0

    t_engine = time.perf_counter()
    pool = _Pool(parts, options, workers)
    try:
        master = _Master(
            link_lower, link_upper, _row_size(a_link, link_lower, link_upper), n_groups,
            cost[own], model.col_lower[own], model.col_upper[own], csc_link[:, own], options,
        )  # fmt: skip
        link_dual = np.zeros(len(link_rows))  # the master's
        value, convex, x = 0.0, np.zeros(n_groups), np.zeros(0)
        center, best = None, -np.inf  # the duals of the best Lagrangian bound (this phase)
        smooth = smoothing  # weight of ``center`` in the duals priced
        priced_at = link_dual  # the duals of the last pricing pass
        rounds = passes = phase_one_rounds = 0
        termination = TerminationCondition.ITERATION_LIMIT
        for rounds in range(1, max_rounds + 1):
            # Round 1 offers each group's own optimum; later rounds price at the duals of
            # the master's phase (phase I: the linking rows' prices alone).
            phase_one = master.phase_one and rounds > 1
            new: list[_Proposal] = []
            for k in itertools.count():
                # Smoothed duals (Wentges 1997): a step ``1 - smooth`` from the best duals
                # so far towards the master's; where that finds no column the master wants
                # (mispricing), shorter steps, down to the master's own duals.
                step = 1.0 if center is None else min(1.0, (k + 1) * (1.0 - smooth))
                priced_at = link_dual if step == 1.0 else center + step * (link_dual - center)
                priced = pool.ask("price", (priced_at, phase_one))
                passes += 1
                bad = {s for _, s, _ in priced if s not in ("kOptimal", "kUnbounded")}
                if bad or rounds == 1:
                    new = [p for _, _, found in priced for p in found]
                    break
                if all(s == "kOptimal" for _, s, _ in priced):
                    if k == 0 and center is not None and smoothing > 0.0:
                        # Pessoa et al. (2018): smooth less where the bound still rises
                        # towards the master's duals, more where it does not.
                        activity = sum(f[0].link for _, _, f in priced)
                        g = master.subgradient(priced_at, activity, x)
                        if g is not None and np.dot(g, link_dual - center) > 0.0:
                            smooth = max(0.0, smooth - 0.1)
                        elif g is not None:
                            smooth = min(0.99, smooth + 0.1 * (1.0 - smooth))
                    bound = master.lagrangian(priced_at, sum(f[0].reduced for _, _, f in priced))
                    if bound > best:
                        center, best = priced_at, bound
                new = [
                    p
                    for _, _, found in priced
                    for p in found
                    if master.improves(p, link_dual, convex)
                ]
                if new or step == 1.0:
                    break
            if bad:
                termination = _termination(bad)
                break
            if rounds > 1:
                LOG.info(
                    "round %d (phase %s, %d passes, smoothing %.2f): master %.9g, bound %.9g, "
                    "%.1f s",
                    rounds,
                    "I" if phase_one else "II",
                    k + 1,
                    smooth,
                    value,
                    best,
                    time.perf_counter() - t0,
                )
                if value - best <= tolerance * max(1.0, abs(value)):
                    # phase I converged with a violation left: no mix keeps the rows
                    termination = (
                        TerminationCondition.INFEASIBLE
                        if phase_one
                        else TerminationCondition.OPTIMAL
                    )
                    break
                if options.time_limit is not None and time.perf_counter() - t0 > options.time_limit:
                    termination = TerminationCondition.TIME_LIMIT
                    break
            for p in new:
                master.add(p)
            status, solved = master.solve()
            if solved is not None and master.phase_one and master.feasible(solved[3]):
                phase_one_rounds = rounds
                master.phase_two()
                center, best, smooth = None, -np.inf, smoothing
                status, solved = master.solve()
            if solved is None:
                termination = TerminationCondition.UNBOUNDED
                break
            value, link_dual, convex, x = solved
        feasible = not master.phase_one and termination is not TerminationCondition.UNBOUNDED
        solution = duals = objective = None
        status = SolutionStatus.NO_SOLUTION
        if termination is TerminationCondition.INFEASIBLE:
            status = SolutionStatus.INFEASIBLE
        elif feasible:
            # The duals returned: the best Lagrangian ones, with the groups' local duals
            # priced at them (together an optimal dual of the LP, to ``tolerance``).
            answer = link_dual if center is None else center
            if answer is not priced_at:
                pool.ask("price", (answer, False))
            weights: dict[int, dict[int, float]] = {g: {} for g in range(n_groups)}
            for (g, n), w in zip(master.owner, x[master.n_fixed :], strict=True):
                weights[g][n] = float(w)
            solution = np.zeros(model.n_cols)
            solution[own] = x[master.n_art : master.n_fixed]
            row_dual = np.zeros(model.n_rows)
            row_dual[link_rows] = answer
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
        message=f"{n_groups} groups, {len(link_rows)} linking rows, {rounds} round(s) "
        f"of {passes} pricing pass(es) ("
        + (
            f"{phase_one_rounds} to a mix that keeps the linking rows)"
            if phase_one_rounds
            else "no mix kept the linking rows)"
        ),
    )


def _termination(statuses: set[str]) -> TerminationCondition:
    if statuses & {"kInfeasible"}:
        return TerminationCondition.INFEASIBLE
    if statuses & {"kUnbounded", "kUnboundedOrInfeasible"}:
        return TerminationCondition.INFEASIBLE_OR_UNBOUNDED
    if statuses & {"kTimeLimit"}:
        return TerminationCondition.TIME_LIMIT
    LOG.warning("a pricing LP ended %s", ", ".join(sorted(statuses)))
    return TerminationCondition.ERROR
