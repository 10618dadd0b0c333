"""The model description: validation, assembly, readable names, export."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from stockwise.solvers import LinearModel, solve, to_pyomo, write_model
from tests.solvers.problems import production_mix, transportation


def test_blocks_assemble_into_one_matrix_with_padding():
    m = LinearModel()
    x = m.add_variables("x", 2)
    m.add_constraints("early", sp.csr_array([[1.0, 2.0]]), upper=3.0)  # before y exists
    y = m.add_variables("y", 1)
    m.add_constraints("late", {y: sp.csr_array([[4.0]]), x: sp.csr_array([[0.0, 5.0]])})
    np.testing.assert_array_equal(m.matrix().toarray(), [[1.0, 2.0, 0.0], [0.0, 5.0, 4.0]])
    assert m.row_names() == ["early[0]", "late[0]"]
    assert (m.n_rows, m.n_cols) == (2, 3)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda m: m.add_variables("x", 2, lb=[0.0, 3.0], ub=1.0), r"x\[1\]: lower bound 3.0"),
        (lambda m: m.add_variables("x", 2, cost=[1.0, 2.0, 3.0]), "x.cost: expected a scalar or 2"),
        (lambda m: m.add_variables("x", 1, ub=np.nan), "x.ub: NaN at position 0"),
        (
            lambda m: m.add_constraints("c", {m.add_variables("x", 2): sp.csr_array([[1.0]])}),
            "matrix for x has 1 columns, the block has 2",
        ),
    ],
)
def test_bad_description_is_named(call, message):
    with pytest.raises(ValueError, match=message):
        call(LinearModel())


def test_pyomo_model_has_readable_names_and_same_optimum(tmp_path):
    model = production_mix()
    m = to_pyomo(model)
    assert set(m.make.keys()) == {"chairs", "tables"}
    path = tmp_path / "mix.lp"
    write_model(model, str(path))
    text = path.read_text()
    assert "make(chairs)" in text and "make(tables)" in text
    # The LP file read back by HiGHS solves to the same optimum as the description.
    import highspy

    h = highspy.Highs()
    h.silent()
    h.readModel(str(path))
    h.run()
    assert h.getInfo().objective_function_value == pytest.approx(solve(model).objective)


def test_mps_export_through_pyomo_reads_back(tmp_path):
    import highspy

    path = tmp_path / "t.mps"
    write_model(transportation(), str(path))
    h = highspy.Highs()
    h.silent()
    h.readModel(str(path))
    h.run()
    assert h.getInfo().objective_function_value == pytest.approx(55.0)
