"""The solver-neutral model description: variable blocks, constraint blocks, a linear objective.

A model is described once, as arrays, and every backend reads the same description, so
the highspy, Pyomo, OR-Tools and SciPy versions of a model cannot drift apart.

Variables come in named blocks (``order``, ``on_hand`` ...) with bounds, integrality, an
objective coefficient per column and optional labels. Constraints come in named blocks of
rows ``lower <= A x <= upper`` with ``A`` a SciPy sparse matrix over the columns.

>>> import numpy as np, scipy.sparse as sp
>>> m = LinearModel("tiny")
>>> x = m.add_variables("x", 2, lb=0.0, cost=[-1.0, -2.0])
>>> cap = m.add_constraints("cap", {x: sp.csr_array([[1.0, 1.0]])}, upper=4.0)
>>> m.n_cols, m.n_rows
(2, 1)
>>> m.matrix().toarray()
array([[1., 1.]])
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

import numpy as np
import scipy.sparse as sp

Labels = Sequence[str] | Callable[[], Sequence[str]] | None
ArrayLike = float | Sequence[float] | np.ndarray


class Sense(StrEnum):
    """Direction of optimization."""

    MINIMIZE = "minimize"
    MAXIMIZE = "maximize"


@dataclass(frozen=True, eq=False)
class VariableBlock:
    """Columns ``start .. start + size - 1`` of a model, all of one kind.

    lower, upper : bounds per column (``±inf`` for none)
    cost : objective coefficient per column
    integer : whether each column must take an integer value
    """

    name: str
    start: int
    size: int
    lower: np.ndarray
    upper: np.ndarray
    cost: np.ndarray
    integer: np.ndarray
    labels: Labels = None

    @property
    def slice(self) -> slice:
        """The columns of this block in the model."""
        return slice(self.start, self.start + self.size)

    def label_list(self) -> list[str]:
        """One label per column (``"0"``, ``"1"`` ... when none were given)."""
        return _labels(self.labels, self.size)


@dataclass(frozen=True, eq=False)
class ConstraintBlock:
    """Rows ``lower <= matrix @ x <= upper`` of a model.

    matrix : COO sparse, ``size x (columns known when the block was added)``; it is padded
        with zero columns when later blocks add variables
    """

    name: str
    start: int
    size: int
    matrix: sp.coo_array
    lower: np.ndarray
    upper: np.ndarray
    labels: Labels = None

    @property
    def slice(self) -> slice:
        """The rows of this block in the model."""
        return slice(self.start, self.start + self.size)

    def label_list(self) -> list[str]:
        return _labels(self.labels, self.size)


class LinearModel:
    """A linear or mixed-integer program described as arrays.

    Build it with :meth:`add_variables` and :meth:`add_constraints`; read it with
    :meth:`matrix` and the column/row arrays. Solve it with :func:`stockwise.solvers.solve`.
    """

    def __init__(self, name: str = "model", sense: Sense = Sense.MINIMIZE, offset: float = 0.0):
        self.name = name
        self.sense = Sense(sense)
        self.offset = float(offset)
        self.variables: dict[str, VariableBlock] = {}
        self.constraints: dict[str, ConstraintBlock] = {}
        self.n_cols = 0
        self.n_rows = 0
        self._matrix: sp.csr_array | None = None

    def __repr__(self) -> str:
        return (
            f"LinearModel({self.name!r}, {self.n_cols} columns in {len(self.variables)} blocks, "
            f"{self.n_rows} rows in {len(self.constraints)} blocks)"
        )

    def add_variables(
        self,
        name: str,
        size: int,
        *,
        lb: ArrayLike = 0.0,
        ub: ArrayLike = np.inf,
        cost: ArrayLike = 0.0,
        integer: bool | Sequence[bool] | np.ndarray = False,
        labels: Labels = None,
    ) -> VariableBlock:
        """Append ``size`` columns named ``name[label]``; returns the block."""
        if name in self.variables:
            raise ValueError(f"variable block {name!r} already exists")
        size = int(size)
        lower, upper = _vector(lb, size, f"{name}.lb"), _vector(ub, size, f"{name}.ub")
        if (lower > upper).any():
            bad = int(np.argmax(lower > upper))
            raise ValueError(
                f"variable {name}[{bad}]: lower bound {lower[bad]} > upper {upper[bad]}"
            )
        block = VariableBlock(
            name=name,
            start=self.n_cols,
            size=size,
            lower=lower,
            upper=upper,
            cost=_vector(cost, size, f"{name}.cost"),
            integer=np.broadcast_to(np.asarray(integer, dtype=bool), (size,)).copy(),
            labels=labels,
        )
        self.variables[name] = block
        self.n_cols += size
        self._matrix = None
        return block

    def add_constraints(
        self,
        name: str,
        terms: sp.sparray | sp.spmatrix | Mapping[VariableBlock, sp.sparray | sp.spmatrix],
        *,
        lower: ArrayLike = -np.inf,
        upper: ArrayLike = np.inf,
        labels: Labels = None,
    ) -> ConstraintBlock:
        """Append rows ``lower <= A x <= upper``; returns the block.

        terms : a sparse matrix over the model's columns so far, or a mapping from variable
            blocks to the sparse matrix over that block's columns (all with the same rows)
        """
        if name in self.constraints:
            raise ValueError(f"constraint block {name!r} already exists")
        matrix = self._assemble(name, terms)
        size = matrix.shape[0]
        lo, hi = _vector(lower, size, f"{name}.lower"), _vector(upper, size, f"{name}.upper")
        if (lo > hi).any():
            bad = int(np.argmax(lo > hi))
            raise ValueError(f"constraint {name}[{bad}]: lower {lo[bad]} > upper {hi[bad]}")
        block = ConstraintBlock(name, self.n_rows, size, matrix, lo, hi, labels)
        self.constraints[name] = block
        self.n_rows += size
        self._matrix = None
        return block

    def _assemble(self, name: str, terms) -> sp.coo_array:
        if isinstance(terms, Mapping):
            rows_, cols_, vals_ = [], [], []
            n_rows = None
            for block, part in terms.items():
                part = sp.coo_array(part)
                if part.shape[1] != block.size:
                    raise ValueError(
                        f"constraint {name}: matrix for {block.name} has {part.shape[1]} "
                        f"columns, the block has {block.size}"
                    )
                if n_rows is not None and part.shape[0] != n_rows:
                    raise ValueError(f"constraint {name}: blocks disagree on the number of rows")
                n_rows = part.shape[0]
                rows_.append(part.row)
                cols_.append(part.col + block.start)
                vals_.append(part.data)
            if n_rows is None:
                raise ValueError(f"constraint {name}: no terms")
            return sp.coo_array(
                (np.concatenate(vals_), (np.concatenate(rows_), np.concatenate(cols_))),
                shape=(n_rows, self.n_cols),
            )
        matrix = sp.coo_array(terms)
        if matrix.shape[1] > self.n_cols:
            raise ValueError(
                f"constraint {name}: matrix has {matrix.shape[1]} columns, model has {self.n_cols}"
            )
        return matrix

    # ---- the assembled arrays every backend reads ----------------------------------------

    def matrix(self) -> sp.csr_array:
        """All rows as one CSR matrix ``n_rows x n_cols`` (duplicates summed)."""
        if self._matrix is None:
            parts = [sp.coo_array(b.matrix) for b in self.constraints.values()]
            rows = np.concatenate(
                [p.row + b.start for p, b in zip(parts, self.constraints.values(), strict=True)]
                or [np.zeros(0, int)]
            )
            cols = np.concatenate([p.col for p in parts] or [np.zeros(0, int)])
            vals = np.concatenate([p.data for p in parts] or [np.zeros(0)])
            self._matrix = sp.csr_array(
                (vals.astype(float), (rows, cols)), shape=(self.n_rows, self.n_cols)
            )
            self._matrix.sum_duplicates()
        return self._matrix

    def _cat(self, blocks, attr: str) -> np.ndarray:
        arrays = [getattr(b, attr) for b in blocks.values()]
        return np.concatenate(arrays) if arrays else np.zeros(0)

    @property
    def col_lower(self) -> np.ndarray:
        return self._cat(self.variables, "lower")

    @property
    def col_upper(self) -> np.ndarray:
        return self._cat(self.variables, "upper")

    @property
    def cost(self) -> np.ndarray:
        return self._cat(self.variables, "cost")

    @property
    def integrality(self) -> np.ndarray:
        """Boolean per column: True where the column must be integer."""
        return self._cat(self.variables, "integer").astype(bool)

    @property
    def row_lower(self) -> np.ndarray:
        return self._cat(self.constraints, "lower")

    @property
    def row_upper(self) -> np.ndarray:
        return self._cat(self.constraints, "upper")

    @property
    def is_mip(self) -> bool:
        return bool(self.integrality.any())

    def column_names(self) -> list[str]:
        """``block[label]`` for every column."""
        return [f"{b.name}[{lab}]" for b in self.variables.values() for lab in b.label_list()]

    def row_names(self) -> list[str]:
        """``block[label]`` for every row."""
        return [f"{b.name}[{lab}]" for b in self.constraints.values() for lab in b.label_list()]

    # ---- derived models ---------------------------------------------------------------------

    def with_fixed_integers(self, x: np.ndarray) -> LinearModel:
        """The LP left when every integer column is fixed at its (rounded) value in ``x``.

        Its row duals are the usual MIP "shadow prices": valid for small changes that do not
        alter the integer decisions.
        """
        fixed = self.copy()
        for name, block in self.variables.items():
            if not block.integer.any():
                continue
            values = np.round(np.asarray(x)[block.slice])
            lower = np.where(block.integer, values, block.lower)
            upper = np.where(block.integer, values, block.upper)
            fixed.variables[name] = replace(
                block, lower=lower, upper=upper, integer=np.zeros(block.size, dtype=bool)
            )
        return fixed

    def with_row_bounds(
        self, name: str, lower: np.ndarray | None = None, upper: np.ndarray | None = None
    ) -> LinearModel:
        """A copy with new bounds on the rows of block ``name``."""
        changed = self.copy()
        block = self.constraints[name]
        changed.constraints[name] = replace(
            block,
            lower=block.lower if lower is None else _vector(lower, block.size, name),
            upper=block.upper if upper is None else _vector(upper, block.size, name),
        )
        return changed

    def copy(self) -> LinearModel:
        """A shallow copy (blocks are immutable, so this is safe to modify block by block)."""
        other = LinearModel(self.name, self.sense, self.offset)
        other.variables = dict(self.variables)
        other.constraints = dict(self.constraints)
        other.n_cols, other.n_rows = self.n_cols, self.n_rows
        other._matrix = self._matrix
        return other


def _vector(value: ArrayLike, size: int, what: str) -> np.ndarray:
    arr = np.asarray(value, dtype=float)
    if arr.ndim == 0:
        arr = np.full(size, float(arr))
    if arr.shape != (size,):
        raise ValueError(f"{what}: expected a scalar or {size} values, got shape {arr.shape}")
    if np.isnan(arr).any():
        raise ValueError(f"{what}: NaN at position {int(np.argmax(np.isnan(arr)))}")
    return arr.copy()


def _labels(labels: Labels, size: int) -> list[str]:
    if labels is None:
        return [str(i) for i in range(size)]
    values = labels() if callable(labels) else labels
    values = [str(v) for v in values]
    if len(values) != size:
        raise ValueError(f"expected {size} labels, got {len(values)}")
    return values
